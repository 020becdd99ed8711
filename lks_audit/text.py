"""How every text from a workbook is compared: Unicode-normalised, zero-width characters dropped,
white space folded. Plain Python, so the reader can use it before the data libraries are imported."""

from __future__ import annotations

import unicodedata


def clean_unicode(value: str) -> str:
    """NFKC with zero-width characters dropped, white space kept as typed: how every text is compared."""
    if value.isascii():  # ASCII is already NFKC and holds no zero-width characters
        return value
    value = unicodedata.normalize("NFKC", value)
    return value.replace("\u200b", "").replace("\u200c", "").replace("\ufeff", "")


def fold_spaces(value: str) -> str:
    """Runs of white space folded to one space, trimmed; the text otherwise as typed."""
    return " ".join(value.split())


def normalise_text(value: str) -> str:
    """:func:`clean_unicode`, then :func:`fold_spaces`."""
    return fold_spaces(clean_unicode(value))
