"""Writing text into the spreadsheets we make, so that nothing from the input becomes a formula."""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: What makes Excel (or LibreOffice) read a typed value as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_text_cell(cell, value) -> None:
    """Store ``value`` in ``cell`` as literal text; ``None`` leaves the cell empty.

    openpyxl turns any string starting with ``=`` into a formula, so the cell is typed as a string;
    the quote prefix keeps it text when someone edits it in Excel. Characters XML cannot hold
    (control characters from a pasted cell) become spaces: openpyxl would refuse the whole file.
    """
    if value is None:
        cell.value = None
        return
    text = ILLEGAL_CHARACTERS_RE.sub(" ", str(value))
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
