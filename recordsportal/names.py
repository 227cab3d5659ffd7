"""People's and departments' names in Vietnamese order, and how a person reads in a select.

Binary order puts Đ after V and Ă/Â/Ê/Ô/Ơ/Ư after Z ("Đỗ" after "Vũ"). Vietnamese order is the
alphabet A Ă Â B C D Đ E Ê G H I K L M N O Ô Ơ P Q R S T U Ư V X Y, then the tones (none, huyền,
hỏi, ngã, sắc, nặng), then letter case.

One collation name, VI, serves both databases:
- PostgreSQL: the ICU collation "vi-x-icu" (predefined when the server has ICU; migration
  recordsportal 0004 creates it where it is missing);
- SQLite: a collation function of the same name registered on every connection (apps.py), which
  compares `sort_key` — the same order as ICU's for Vietnamese letters (tests compare the two).

Order a queryset with `by_name("full_name")` (an order_by expression); sort a Python list with
`sorted(..., key=lambda x: sort_key(x.name))`.
"""

import functools
import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

VI = "vi-x-icu"

# Primary letters: the Vietnamese alphabet with the foreign letters (f, j, w, z) where Latin puts them.
_ALPHABET = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
             "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
_LETTER_RANK = {letter: 100 + rank for rank, letter in enumerate(_ALPHABET)}
# The marks that make a letter (breve, circumflex, horn) and the tone marks, in Vietnamese order.
_LETTER_MARKS = {"\u0306": "\u0306", "\u0302": "\u0302", "\u031b": "\u031b"}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letters(text: str):
    """(base letter with its letter marks, tone rank, is upper) for each character of `text`."""
    decomposed = unicodedata.normalize("NFD", text)
    out = []
    for char in decomposed:
        if unicodedata.combining(char) and out:
            base, tone, upper = out[-1]
            if char in _LETTER_MARKS:
                base = unicodedata.normalize("NFC", base + char)
            elif char in _TONE_RANK:
                tone = _TONE_RANK[char]
            out[-1] = (base, tone, upper)
            continue
        lower = char.lower()
        out.append((lower, 0, char != lower))
    return out


@functools.lru_cache(maxsize=20_000)
def sort_key(text: str | None) -> tuple:
    """A key that sorts Vietnamese text in dictionary order: letters first, then tones, then case."""
    letters = _letters(text or "")
    primary = []
    for base, _tone, _upper in letters:
        if base in _LETTER_RANK:
            primary.append(_LETTER_RANK[base])
        elif base.isspace():
            primary.append(1)
        elif base.isdigit():
            primary.append(10 + int(base) if base in "0123456789" else 50)
        else:
            primary.append(1000 + ord(base))
    return (tuple(primary), tuple(t for _b, t, _u in letters), tuple(u for _b, _t, u in letters), text or "")


def sqlite_collation(left: str, right: str) -> int:
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


def register_sqlite_collation(sender, connection, **kwargs):
    """connection_created receiver: SQLite gets the VI collation as a Python function."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(VI, sqlite_collation)


def by_name(field: str = "full_name"):
    """An order_by expression: `field` in Vietnamese order on either database."""
    return Collate(F(field), VI).asc()


def person_label(user, *, detail: str | None = None) -> str:
    """How a person reads in a select: "Nguyễn Văn A – Chuyên viên"; no dangling dash when the
    detail (position or department) is empty."""
    name = user.full_name or user.username
    return f"{name} – {detail}" if detail else name
