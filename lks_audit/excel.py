"""Writing text into the spreadsheets we make, so that nothing from the input becomes a formula, and marking
those that hold personal data where Excel shows it."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

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


#: A row's height per line of wrapped text, in points: neither Excel nor LibreOffice grows a row written by a
#: program to fit its text, so a wrapped cell would print cut to one line.
LINE_HEIGHT = 15
_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
#: Text at the top of its cell, wrapped: every cell of our tables. One object, not one per cell: openpyxl looks a
#: style up by its hash, and building thousands of equal ones took a tenth of the report's workbook writing.
WRAP_TOP = Alignment(vertical="top", wrap_text=True)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (generously: words do not break)."""
    per_line = max(width - 2, 1)
    return sum(math.ceil(max(len(part), 1) * 1.15 / per_line) for part in text.splitlines() or [""])


def header_cell(cell, title: str) -> None:
    """A cell of a table's header row: bold white on navy, wrapped, at the top."""
    write_text_cell(cell, title)
    cell.font, cell.fill = Font(bold=True, color="FFFFFF"), _HEADER_FILL
    cell.alignment = WRAP_TOP


def write_table(
    sheet, how: str, headers: list[str], rows: list[dict], widths: dict, header_row: int, *, numbers: bool = False
) -> None:
    """A table people work in, below its title: how to use it in row 2 (spanning the table's width and wrapped, so it
    never widens a column nor shrinks the print), the header row, then ``rows`` (header -> value), each as tall as its
    longest wrapped text: dates as dates, text as text (never a formula), and with ``numbers`` numbers as numbers."""
    write_text_cell(sheet.cell(2, 1), how)
    sheet.merge_cells(f"A2:{get_column_letter(len(headers))}2")
    sheet.cell(2, 1).alignment = WRAP_TOP
    sheet.row_dimensions[2].height = LINE_HEIGHT * wrapped_lines(how, sum(widths.get(h, 20) for h in headers))
    for col, header in enumerate(headers, start=1):
        header_cell(sheet.cell(header_row, col), header)
        sheet.column_dimensions[get_column_letter(col)].width = widths.get(header, 20)
    values = ([row.get(header) for header in headers] for row in rows)
    write_rows(sheet, header_row + 1, values, [widths.get(header, 20) for header in headers], numbers=numbers)


def write_rows(
    sheet,
    first_row: int,
    rows: Iterable[Sequence],
    widths: Sequence[float],
    *,
    numbers: bool = False,
    moment_format: str = "dd/mm/yyyy",
) -> None:
    """``rows`` (each its values, column by column) from ``first_row`` down, each as tall as its longest wrapped text
    in columns ``widths`` characters wide: dates as dates (a date and time as ``moment_format``), text as text (never
    a formula), and with ``numbers`` numbers as numbers. Every cell is wrapped at the top."""
    for i, values in enumerate(rows, start=first_row):
        lines = 1
        for col, (value, width) in enumerate(zip(values, widths), start=1):
            cell = sheet.cell(i, col)
            if isinstance(value, dt.date):
                cell.value = value
                cell.number_format = moment_format if isinstance(value, dt.datetime) else "dd/mm/yyyy"
            elif numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.value = value
            elif value is not None and value != "":
                write_text_cell(cell, value)
                lines = max(lines, wrapped_lines(str(value), width))
            cell.alignment = WRAP_TOP
        sheet.row_dimensions[i].height = LINE_HEIGHT * lines


def print_setup(sheet, head: str, header_row: int) -> None:
    """A4 landscape, one page wide, the table's header row (``header_row``) on every page, ``head`` (the title) at
    the top of each page and its number at the foot: how the plan and the DPO's worklist print."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_margins = PageMargins(left=0.25, right=0.25, top=0.6, bottom=0.5, header=0.25, footer=0.25)
    sheet.oddHeader.center.text = head.replace("&", "&&")  # & starts a header code in Excel
    sheet.oddHeader.center.size = 9
    sheet.oddFooter.right.text = "Page &P of &N"
    sheet.oddFooter.right.size = 9
