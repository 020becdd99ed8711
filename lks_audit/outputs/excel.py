"""Writing text into the spreadsheets we make, so that nothing from the input becomes a formula, and marking
those that hold personal data where Excel shows it."""

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


#: What a workbook holding personal data says of itself (File > Info, its properties, its first row).
PERSONAL_DATA = "Contains personal data"


def mark_personal_data(book, note: str) -> None:
    """Label ``book`` as personal data where Excel and LibreOffice show it (File > Info: subject, description,
    a Classification property), without touching its sheets. ``note`` says what it is and how to keep it."""
    from openpyxl.packaging.custom import StringProperty

    props = book.properties
    props.subject = PERSONAL_DATA
    props.description = note + (f"\n\n{props.description}" if props.description else "")
    if "Classification" in book.custom_doc_props.names:
        del book.custom_doc_props["Classification"]
    book.custom_doc_props.append(StringProperty(name="Classification", value=PERSONAL_DATA))
