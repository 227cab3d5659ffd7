"""The English catalogue: every Vietnamese text has a translation, none is a fuzzy guess, and the
compiled catalogue the app loads is the one built from it; and no text of the code (Python, templates)
is missing from it, i.e. `make messages` would find nothing new to translate."""

import re
import shutil
import subprocess
from pathlib import Path

from django.core.management import call_command

from ..conftest import ROOT, require_tool

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"

# The extensions makemessages reads for the "django" domain (no JavaScript catalogue: static/js has
# no gettext calls).
SOURCE_SUFFIXES = {".py", ".html", ".txt"}


def entries(*flags: str, po: Path = CATALOGUE / "django.po") -> list[str]:
    msgattrib = require_tool("msgattrib")
    out = subprocess.run([msgattrib, *flags, "--no-wrap", str(po)],
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


def make_messages_ignores() -> list[str]:
    """The --ignore patterns of the Makefile's `messages` target, so the test extracts what it extracts."""
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nmessages:", 1)[1].split("\n\n", 1)[0]
    command = next(line for line in recipe.splitlines() if "makemessages" in line)
    return re.findall(r"--ignore[= ](\S+)", command)


def test_every_translatable_text_of_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    # makemessages writes its .po under LOCALE_PATHS and a temporary .py beside each template it reads,
    # so it runs on a copy of the sources (and of the catalogue), never on the working tree.
    ignores = make_messages_ignores()
    assert ".venv" in ignores

    def skipped(folder, names):
        top = Path(folder) == ROOT
        return [name for name in names
                if name.startswith(".") or name == "__pycache__" or (top and name in {*ignores, "locale"})
                or ((Path(folder) / name).is_file() and Path(name).suffix not in SOURCE_SUFFIXES)]

    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=skipped)
    (copy / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    merged = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    shutil.copyfile(CATALOGUE / "django.po", merged)
    require_tool("xgettext")
    require_tool("msgmerge")
    # A text only the copy has: it must come out untranslated, which proves the extraction ran on the copy.
    canary = "Văn bản mẫu của phép thử danh mục"
    (copy / "catalogue_canary.py").write_text(
        f"from django.utils.translation import gettext as _\n\n_({canary!r})\n", encoding="utf-8")
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)

    call_command("makemessages", locale=["en"], ignore_patterns=ignores, verbosity=0)

    untranslated = entries("--untranslated", po=merged)
    assert f'msgid "{canary}"' in untranslated
    missing = [line for line in untranslated if canary not in line] + entries("--only-fuzzy", po=merged)
    assert missing == [], "texts of the code not (or only fuzzily) in locale/en: run `make messages` " \
                          "and translate them"


# --- no text of a template left out of the catalogue ---------------------------------------------

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Shown when the portal itself has failed (the database down, an error in a view): rendered without
# a request or the translation machinery, so they say everything in both languages.
BILINGUAL = {"errors/500.html", "errors/503.html"}
_UNTRANSLATED = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S),
    re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S),
    re.compile(r"{%\s*trans(?:late)?\s.*?%}", re.S),
    re.compile(r"""_\(\s*(?:"[^"]*"|'[^']*')\s*\)"""),  # a translated literal inside a tag or a filter
]
VIETNAMESE = re.compile("[À-ÖØ-öø-ỹ]")  # Latin letters with marks (× and ÷ are not)
# Attributes read out or shown to the user, holding a literal text (Bootstrap's examples leave
# aria-label="breadcrumb" in English).
LITERAL_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|placeholder|alt)="[^"{]*[A-Za-z][^"{]*"')


def bare_texts(source: str) -> list[tuple[int, str]]:
    """The lines of a template that still hold Vietnamese once comments and translated texts are
    taken out, or a literal text in an attribute the user hears or sees: text shown as it is,
    whatever the language of the page."""
    for pattern in _UNTRANSLATED:
        source = pattern.sub(lambda match: "\n" * match.group(0).count("\n"), source)
    return [(number, line.strip()) for number, line in enumerate(source.splitlines(), start=1)
            if VIETNAMESE.search(line) or LITERAL_ATTRIBUTE.search(line)]


def test_the_check_finds_a_bare_text_and_passes_translated_ones():
    source = ('{% load i18n %}<h1>{% translate "Sổ văn bản đến" %}</h1>\n{# Ghi chú #}\n'
              '{% blocktranslate with n=count %}Có {{ n }} văn bản{% endblocktranslate %}\n'
              '{{ value|default:_("Chưa có") }}\n<p>Không có văn bản.</p>\n{{ value|default:"Trống" }}\n'
              '<nav aria-label="breadcrumb"><a title="{% translate "Về trang chủ" %}" href="/">x</a></nav>')
    assert bare_texts(source) == [(5, "<p>Không có văn bản.</p>"), (6, '{{ value|default:"Trống" }}'),
                                  (7, '<nav aria-label="breadcrumb"><a title="" href="/">x</a></nav>')]


def test_no_template_shows_a_vietnamese_text_outside_translate():
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        name = path.relative_to(TEMPLATES).as_posix()
        if path.suffix in {".html", ".txt"} and name not in BILINGUAL:
            found += [f"templates/{name}:{number}: {line[:120]}"
                      for number, line in bare_texts(path.read_text(encoding="utf-8"))]
    assert found == [], "wrap these texts in {% translate %} or {% blocktranslate %}:\n" + "\n".join(found)
