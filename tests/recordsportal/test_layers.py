"""Arrows point one way: the apps import recordsportal (the core), never the other way, and an
app imports only the apps below it. Upward questions go through a hook looked up by name
(recordsportal/desk.py for the home page, recordsportal/reported.py for the reports' figures)."""

import ast
from pathlib import Path

import pytest

import recordsportal

ROOT = Path(recordsportal.__file__).parent.parent

# Each app's layer: an app may import the apps of lower layers only (never one beside or above it).
LAYERS = {
    "recordsportal": 0,
    "notifications": 1,
    "documents": 2,
    "dossiers": 3,
    "backlog": 3,
    "exchange": 3,
    "reports": 4,
}
APPS = set(LAYERS) - {"recordsportal"}


def imported_modules(path: Path) -> list[str]:
    """Every absolute module `path` imports, at the top or inside a function."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level:
            names.append(node.module or "")
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def upward_imports(app: str, root: Path = ROOT) -> list[str]:
    """`<file>: <module>` for each import of `app`'s code (migrations aside) that points at an
    app of the same or a higher layer."""
    found = []
    for path in sorted((root / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for name in imported_modules(path):
            other = name.split(".")[0]
            if other in LAYERS and other != app and LAYERS[other] >= LAYERS[app]:
                found.append(f"{path.relative_to(root)}: {name}")
    return found


def test_the_core_imports_no_app():
    assert upward_imports("recordsportal") == []


@pytest.mark.parametrize("app", sorted(APPS))
def test_an_app_imports_only_the_apps_below_it(app):
    assert upward_imports(app) == []


def test_an_app_importing_an_app_above_it_is_caught(tmp_path):
    (tmp_path / "dossiers").mkdir()
    (tmp_path / "dossiers" / "views.py").write_text(
        "from documents.models import Document\n\ndef page():\n    from reports.querysets import report_keys_for\n",
        encoding="utf-8")
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "tasks.py").write_text("import dossiers.tasks\n", encoding="utf-8")
    assert upward_imports("dossiers", tmp_path) == ["dossiers/views.py: reports.querysets"]
    assert upward_imports("documents", tmp_path) == ["documents/tasks.py: dossiers.tasks"]
