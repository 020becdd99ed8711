"""dpo-actions.xlsx: the DPO's worklist, one row per open finding, with empty decision columns.

Its first six columns are the Decisions sheet of ``dpo_review.xlsx`` in the same order (Finding ID,
Decision, Reason, Decided by, Decided on, Review by): the DPO fills them in for the findings they judge and
pastes those rows into the review. What to do follows the record: a post already taken down needs its
review recorded, not taking down again. It names records and students: owner-only, and marked as personal
data in its properties and its first row.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..findings import Finding, severity_rank
from ..load import ROW, Dataset
from ..rules import REGISTRY
from ..schema import DECISIONS, SHEETS
from .excel import PERSONAL_DATA, mark_personal_data, write_text_cell

SHEET = "Open findings"
NOTE = (
    f"{PERSONAL_DATA}: every open finding of the audit with its record and student, for the Data Protection "
    "Officer only. Keep it on school systems; governors receive annual-review.html and action-plan.xlsx."
)
#: The Decisions sheet of dpo_review.xlsx, column for column, so a filled row can be pasted there.
DECISION_COLUMNS = tuple((c.header, 22 if c.header != "Reason" else 40) for c in SHEETS["Decisions"].columns)
DETAIL_COLUMNS = (
    ("Rule", 9),
    ("Severity", 10),
    ("Record", 14),
    ("Student ID", 11),
    ("File", 22),
    ("Sheet", 13),
    ("Cell", 8),
    ("What to do", 60),
    ("Finding", 70),
)
HEADER_ROW = 3
#: Rules whose remedy is taking a post down: once it is down, what is left is to record the review.
TAKE_DOWN = ("IMG-01", "IMG-03", "IMG-04", "IMG-05", "PST-03", "PST-04")


def what_to_do(f: Finding, removed_on: dict[int, pd.Timestamp]) -> str:
    """The rule's action, as this record needs it: a post already removed needs its review recorded."""
    rule = REGISTRY.get(f.rule)
    action = (rule.action or rule.meaning) if rule else ""
    if f.rule in TAKE_DOWN and f.sheet == "Posts" and f.row in removed_on:
        removed = removed_on[f.row]
        action = f"Removed on {removed:%d/%m/%Y}: record the review (what happened, who was told, what changes)."
    if f.lapsed_decision is not None:
        action = (
            f"Your decision ({f.lapsed_decision.decision}) lapsed on "
            f"{pd.Timestamp(f.lapsed_decision.review_by):%d/%m/%Y}: renew it with a new Review by, or act. {action}"
        )
    return action


def _removed_on(data: Dataset) -> dict[int, pd.Timestamp]:
    """Excel row of each post with a Removed on date -> that date."""
    posts = data.frames.get("Posts")
    if posts is None or "Removed on" not in posts:
        return {}
    removed = posts[posts["Removed on"].notna()]
    return dict(zip(removed[ROW].astype(int), removed["Removed on"]))


def worklist(findings: list[Finding]) -> list[Finding]:
    """The open findings, most severe first, by rule, file and row."""
    return sorted(
        (f for f in findings if f.is_open),
        key=lambda f: (severity_rank(f.severity), f.rule, f.file or "", f.row or 0, f.id),
    )


def dpo_actions_bytes(findings: list[Finding], data: Dataset, school: str, year: str, as_of) -> bytes:
    """The worklist as an .xlsx (one sheet, decision columns first)."""
    book = Workbook()
    mark_personal_data(book, NOTE)
    book.properties.title = f"DPO's open findings: {school}, {year}"
    sheet = book.active
    sheet.title = SHEET
    write_text_cell(sheet.cell(1, 1), f"{NOTE} Audit as of {pd.Timestamp(as_of):%d/%m/%Y}.")
    sheet.cell(1, 1).font = Font(bold=True, color="A50E0E")
    write_text_cell(
        sheet.cell(2, 1),
        "Fill in Decision, Reason, Decided by, Decided on and Review by for a finding you have judged, then copy "
        "those six cells of its row (from Finding ID) into the Decisions sheet of dpo_review.xlsx.",
    )
    columns = DECISION_COLUMNS + DETAIL_COLUMNS
    fill = PatternFill("solid", fgColor="1F3864")
    for col, (title, width) in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, col)
        write_text_cell(cell, title)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = width
    removed_on = _removed_on(data)
    rows = worklist(findings)
    for i, f in enumerate(rows, start=HEADER_ROW + 1):
        values = [f.id] + [None] * (len(DECISION_COLUMNS) - 1)
        values += [
            f.rule,
            f.severity.capitalize(),
            f.record,
            f.student,
            f.file,
            f.sheet,
            f.cell or (f"row {f.row}" if f.row else None),
            what_to_do(f, removed_on),
            f.message,
        ]
        for col, value in enumerate(values, start=1):
            write_text_cell(sheet.cell(i, col), value)
            sheet.cell(i, col).alignment = Alignment(vertical="top", wrap_text=True)
    last = HEADER_ROW + max(len(rows), 1) + 200  # room for rows the DPO adds
    headers = [h for h, _ in DECISION_COLUMNS]
    letter = {h: get_column_letter(headers.index(h) + 1) for h in headers}
    choice = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"', allow_blank=True)
    choice.add(f"{letter['Decision']}{HEADER_ROW + 1}:{letter['Decision']}{last}")
    sheet.add_data_validation(choice)
    for header in ("Decided on", "Review by"):
        dates = DataValidation(type="date", operator="greaterThan", formula1="32874", allow_blank=True)
        dates.error, dates.errorTitle, dates.showErrorMessage = "Type a date as dd/mm/yyyy.", "Not a date", True
        dates.add(f"{letter[header]}{HEADER_ROW + 1}:{letter[header]}{last}")
        sheet.add_data_validation(dates)
        sheet.column_dimensions[letter[header]].number_format = "dd/mm/yyyy"
    if rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW + len(rows)}"
    else:
        write_text_cell(sheet.cell(HEADER_ROW + 1, 1), "No open findings.")
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)
    sheet.oddHeader.center.text = PERSONAL_DATA  # on every printed page
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
