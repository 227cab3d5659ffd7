"""A test run leaves every tracked file as it was: what the tests write goes to temporary or
git-ignored folders, and the images the guide embeds are refreshed only by `make screenshots`."""

import subprocess

import pytest

from ..conftest import ROOT, require_tool, screenshot_dir


def git_ignores(path) -> bool:
    git = require_tool("git")
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    return subprocess.run([git, "check-ignore", "-q", str(path / "x.png")], cwd=ROOT).returncode == 0


@pytest.mark.parametrize("folder", ["screenshots", "guide/img"])
def test_browser_screenshots_go_to_an_ignored_folder_by_default(folder, monkeypatch):
    monkeypatch.delenv("REFRESH_SCREENSHOTS", raising=False)
    target = screenshot_dir(folder)
    assert ROOT / "docs" not in target.parents
    assert git_ignores(target)


@pytest.mark.parametrize("folder", ["screenshots", "guide/img"])
def test_make_screenshots_refreshes_the_images_the_docs_embed(folder, monkeypatch):
    monkeypatch.setenv("REFRESH_SCREENSHOTS", "1")
    target = screenshot_dir(folder)
    assert target == ROOT / "docs" / folder
    assert not git_ignores(target)


def test_make_screenshots_runs_the_browser_tests_with_refresh_on():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nscreenshots:", 1)[1].split("\n\n", 1)[0]
    assert "REFRESH_SCREENSHOTS=1" in recipe and "tests/e2e" in recipe
