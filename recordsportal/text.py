"""Vietnamese text helpers: one place for normalisation and accent-insensitive keys."""

import unicodedata


def normalize_text(value: str | None) -> str:
    """NFC with trimmed whitespace. Vietnamese typed on some keyboards arrives decomposed (NFD);
    stored NFC, `Quyết định` typed either way is the same string."""
    if not value:
        return ""
    return " ".join(unicodedata.normalize("NFC", value).split())


def search_key(value: str | None) -> str:
    """Lower-case text without diacritics, for accent-insensitive search (`quyet dinh`)."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
