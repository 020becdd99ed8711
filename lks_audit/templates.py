"""The blank Excel workbooks staff fill in, generated from :data:`lks_audit.schema.WORKBOOKS`.

Each workbook opens on an ``Instructions`` sheet (who, when, which policy
clause, what every column means, a worked example) followed by one data sheet
per schema sheet: headers in row 1, frozen, with dropdowns for yes/no and
choice columns and date checks for date columns. The audit reads sheets by
name, so the Instructions sheet is never read as data.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from pathlib import Path

from openpyxl import Workbook as ExcelBook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from .reproducible import restamped
from .schema import WORKBOOK_OF_SHEET, WORKBOOKS, Column, Kind, Sheet, Workbook

#: Dropdowns and date checks cover rows 2 to this one: years of records.
LAST_ROW = 5000
INSTRUCTIONS = "Instructions"
AUTHOR = "lks-audit"
#: Stamped on every file so that regenerating gives the same workbooks.
FIXED_TIME = dt.datetime(2025, 1, 1)

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
NUMBER_FORMATS = {Kind.DATE: DATE_FORMAT, Kind.DATETIME: DATETIME_FORMAT}
#: Excel's "Text" format: what is typed stays as typed.
TEXT_FORMAT = "@"
TEXT_KINDS = (Kind.ID, Kind.IDS, Kind.TEXT)
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
IDS_NOTE = "Several IDs separated by commas, semicolons or new lines."

KIND_NAMES = {
    Kind.ID: "code",
    Kind.IDS: "codes",
    Kind.TEXT: "text",
    Kind.DATE: f"date ({DATE_FORMAT})",
    Kind.DATETIME: f"date and time ({DATETIME_FORMAT})",
    Kind.YESNO: "yes/no (dropdown)",
    Kind.CHOICE: "choice (dropdown)",
}

HEADER_FONT = Font(bold=True, color="1F3864")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=16, color="1F3864")
HEADING_FONT = Font(bold=True, size=12, color="1F3864")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")

# Instructions sheet: the column table's columns and their widths.
GUIDE_COLUMNS = ("Column", "Kind", "What it means", "Allowed values", "Worked example")
GUIDE_WIDTHS = (30, 22, 50, 46, 26)
EXAMPLE_WIDTH = 18
LINE_HEIGHT = 15  # points per line of 11pt text


def write_templates(folder: Path) -> list[Path]:
    """Write one blank template per workbook of the contract into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for workbook in WORKBOOKS:
        path = folder / workbook.file
        _save_deterministic(build_template(workbook), path)
        paths.append(path)
    return paths


def build_template(workbook: Workbook) -> ExcelBook:
    book = ExcelBook()
    book.properties.creator = AUTHOR
    book.properties.title = workbook.title
    book.properties.created = book.properties.modified = FIXED_TIME
    _fill_instructions(book.active, workbook)
    for sheet in workbook.sheets:
        _fill_data_sheet(book.create_sheet(sheet.name), sheet)
    book.active = 0
    return book


def example_value(column: Column):
    """The column's worked example as a cell value: real dates for date columns, as staff would type them."""
    if column.example is None:
        return None
    if column.kind is Kind.DATE:
        return dt.datetime.strptime(column.example, "%d/%m/%Y").date()
    if column.kind is Kind.DATETIME:
        return dt.datetime.strptime(column.example, "%d/%m/%Y %H:%M")
    return column.example


def list_formula(column: Column) -> str:
    """An inline dropdown list, e.g. ``"Yes,No"`` (the words contain no commas)."""
    return '"' + ",".join(column.allowed) + '"'


def allowed_values(column: Column) -> str:
    """What may go in the column, in words, for the Instructions sheet and header comments."""
    if column.allowed:
        return ", ".join(column.allowed)
    if column.kind in NUMBER_FORMATS:
        return f"{NUMBER_FORMATS[column.kind]}, from {EARLIEST_DATE:%d/%m/%Y} to {LATEST_DATE:%d/%m/%Y}"
    if column.refers_to:
        target_sheet, target_key = column.refers_to
        target_file = WORKBOOK_OF_SHEET[target_sheet].file
        reference = f"one of the {target_key}s on sheet '{target_sheet}' ({target_file})."
        return f"{IDS_NOTE} Each must be {reference}" if column.kind is Kind.IDS else f"Must be {reference}"
    if column.kind is Kind.IDS:
        return IDS_NOTE
    return "A short code" if column.kind is Kind.ID else "Any text"


def _excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def _validation(column: Column) -> DataValidation | None:
    if column.allowed:
        return DataValidation(
            type="list",
            formula1=list_formula(column),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="Not in the list",
            error=f"{column.header}: choose one of {', '.join(column.allowed)}.",
        )
    if column.kind in NUMBER_FORMATS:
        # Type "date" also for date-times: Excel and LibreOffice both compare the
        # cell's serial number (a date-time is a date plus a fraction), so a
        # date-time passes, and both show the bounds as dates in their dialogs,
        # which "decimal" would not. Bounds are serial numbers, not DATE(), as
        # Excel itself writes them.
        text_format = NUMBER_FORMATS[column.kind]
        return DataValidation(
            type="date",
            operator="between",
            formula1=str(_excel_serial(EARLIEST_DATE)),
            formula2=str(_excel_serial(LATEST_DATE)),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="Not a date",
            error=f"{column.header}: type a date as {text_format}, "
            f"between {EARLIEST_DATE:%d/%m/%Y} and {LATEST_DATE:%d/%m/%Y}.",
            showInputMessage=True,
            promptTitle="Date" if column.kind is Kind.DATE else "Date and time",
            prompt=text_format,
        )
    return None


def _column_width(column: Column) -> float:
    # Headers wrap onto two lines; a dropdown arrow needs a few extra characters.
    longest_word = max((len(word) for word in column.allowed), default=0) + 4
    example = len(str(column.example or "")) + 2
    minimum = len(DATETIME_FORMAT) + 2 if column.kind is Kind.DATETIME else 12
    return min(40, max(minimum, math.ceil(len(column.header) / 2) + 3, longest_word, example))


def _style_header(cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGNMENT


def _write_header_row(ws: Worksheet, row: int, sheet: Sheet) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        _style_header(ws.cell(row, index, column.header))


def _fill_data_sheet(ws: Worksheet, sheet: Sheet) -> None:
    _write_header_row(ws, 1, sheet)
    ws.row_dimensions[1].height = 3 * LINE_HEIGHT
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        comment = Comment(f"{column.help}\n{allowed_values(column)}", AUTHOR, width=320, height=130)
        ws.cell(1, index).comment = comment
        dimension = ws.column_dimensions[letter]
        dimension.width = _column_width(column)
        # A column style, not 5000 formatted empty cells: new entries take the
        # format in Excel and LibreOffice, and the sheet's used range stays row 1.
        if column.kind in NUMBER_FORMATS:
            dimension.number_format = NUMBER_FORMATS[column.kind]
        elif column.kind in TEXT_KINDS:
            # Otherwise Excel turns the code 007 into 7 and version 2025.10 into 2025.1.
            dimension.number_format = TEXT_FORMAT
        validation = _validation(column)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    last_letter = get_column_letter(len(sheet.columns))
    ws.auto_filter.ref = f"A1:{last_letter}1"
    ws.print_title_rows = "1:1"
    _print_landscape(ws)


def _print_landscape(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _fit_height(ws: Worksheet, row: int, texts_and_widths: list[tuple[str, float]]) -> None:
    # Explicit heights: Excel does not grow wrapped rows by itself when opening a file.
    lines = max(
        sum(max(1, math.ceil(len(part) / width)) for part in str(text).split("\n")) for text, width in texts_and_widths
    )
    ws.row_dimensions[row].height = max(1, lines) * LINE_HEIGHT


def _fill_instructions(ws: Worksheet, workbook: Workbook) -> None:
    ws.title = INSTRUCTIONS
    widest_sheet = max(len(sheet.columns) for sheet in workbook.sheets)
    for index in range(1, max(widest_sheet, len(GUIDE_WIDTHS)) + 1):
        # Past the column table, room for the laid-out worked example.
        width = GUIDE_WIDTHS[index - 1] if index <= len(GUIDE_WIDTHS) else EXAMPLE_WIDTH
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.cell(1, 1, workbook.title).font = TITLE_FONT
    sheet_names = ", ".join(f"'{s.name}'" for s in workbook.sheets)
    facts = (
        (
            "File",
            f"{workbook.file}: fill in the sheet(s) {sheet_names}. This Instructions sheet is "
            "only help; the audit does not read it.",
        ),
        ("Who fills it in", workbook.filled_in_by),
        ("When", workbook.when),
        ("Policy clause it serves", workbook.clause),
        (
            "How to fill it in",
            "Keep row 1 (the column headers) exactly as it is; add one row per record "
            "from row 2. Blank rows are ignored.\n"
            f"Dates: {DATE_FORMAT} (e.g. 05/09/2025). Date and time: {DATETIME_FORMAT} "
            "(e.g. 05/09/2025 14:30).\n"
            "Yes/no and choice columns offer a dropdown: pick from it.\n"
            f"Codes of several people or students in one cell: {IDS_NOTE}\n"
            "Hover over a column header to see what it means.",
        ),
    ) + tuple(
        (f"Optional column: {column.header}", column.why)
        for sheet in workbook.sheets
        for column in sheet.columns
        if column.optional
    )
    row = 3
    info_width = sum(GUIDE_WIDTHS[1:])
    for label, text in facts:
        label_cell = ws.cell(row, 1, label)
        label_cell.font, label_cell.alignment = BOLD, WRAP
        ws.cell(row, 2, text).alignment = WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(GUIDE_WIDTHS))
        _fit_height(ws, row, [(text, info_width)])
        row += 1
    for sheet in workbook.sheets:
        row = _describe_columns(ws, sheet, row + 1)
    _print_landscape(ws)
    # Print the column tables only: a laid-out example is as wide as its data
    # sheet and would shrink the printed page to unreadable type.
    ws.print_area = f"A1:{get_column_letter(len(GUIDE_COLUMNS))}{row}"
    for sheet in workbook.sheets:
        row = _lay_out_example(ws, sheet, row + 1)


def _describe_columns(ws: Worksheet, sheet: Sheet, row: int) -> int:
    """Write one sheet's column table from ``row``; return the row after it."""
    heading = f"Sheet '{sheet.name}': {sheet.purpose}"
    if sheet.single_row:
        heading += " Fill in exactly one row."
    ws.cell(row, 1, heading).font = HEADING_FONT
    row += 1
    for index, title in enumerate(GUIDE_COLUMNS, start=1):
        _style_header(ws.cell(row, index, title))
    row += 1
    for column in sheet.columns:
        cells = (
            column.header,
            KIND_NAMES[column.kind],
            column.help,
            allowed_values(column),
            "(blank)" if column.example is None else str(column.example),
        )
        for index, text in enumerate(cells, start=1):
            ws.cell(row, index, text).alignment = WRAP
        ws.cell(row, 1).font = BOLD
        _fit_height(ws, row, list(zip(cells, GUIDE_WIDTHS)))
        row += 1
    return row


def _lay_out_example(ws: Worksheet, sheet: Sheet, row: int) -> int:
    """Write the sheet's worked example as one data row under its headers; return the row after it."""
    ws.cell(row, 1, f"The worked example as one row of the '{sheet.name}' sheet:").font = HEADING_FONT
    _write_header_row(ws, row + 1, sheet)
    ws.row_dimensions[row + 1].height = 3 * LINE_HEIGHT
    for index, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row + 2, index, example_value(column))
        cell.alignment = WRAP
        if column.kind in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[column.kind]
    return row + 3


def _save_deterministic(book: ExcelBook, path: Path) -> None:
    """Save with fixed document and zip timestamps, so regenerating changes no byte."""
    buffer = io.BytesIO()
    # Not openpyxl's save_workbook(): it stamps "modified" with the current time.
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    path.write_bytes(restamped(buffer.getvalue(), FIXED_TIME.timetuple()[:6]))
