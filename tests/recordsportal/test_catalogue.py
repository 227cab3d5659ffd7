"""The English catalogue: every Vietnamese text has a translation, none is a fuzzy guess, and the
compiled catalogue the app loads is the one built from it."""

import subprocess
from pathlib import Path

from ..conftest import require_tool

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def entries(*flags: str) -> list[str]:
    msgattrib = require_tool("msgattrib")
    out = subprocess.run([msgattrib, *flags, "--no-wrap", str(CATALOGUE / "django.po")],
                         capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


def test_every_text_is_translated_and_none_is_fuzzy():
    assert entries("--untranslated") == []
    assert entries("--only-fuzzy") == []


def test_the_compiled_catalogue_matches_its_source(tmp_path):
    msgfmt = require_tool("msgfmt")
    subprocess.run([msgfmt, "--check-format", "-o", str(tmp_path / "django.mo"), str(CATALOGUE / "django.po")],
                   check=True)
    assert (tmp_path / "django.mo").read_bytes() == (CATALOGUE / "django.mo").read_bytes(), \
        "locale/en/LC_MESSAGES/django.mo is stale: run `make messages`"
