"""Arrows point one way: the apps import recordsportal (the core), never the other way."""

import ast
from pathlib import Path

import recordsportal

APPS = {"documents", "dossiers", "backlog", "reports", "exchange", "notifications"}


def test_the_core_imports_no_app():
    root = Path(recordsportal.__file__).parent
    upward = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            upward += [f"{path.relative_to(root)}: {name}" for name in names if name.split(".")[0] in APPS]
    assert upward == []
