"""The action plan: one row per rule with findings, for SLT to work through in Excel.

No personal data: a row names the rule and how many findings it has, never a
record, student or member of staff. Text cells are written with
:func:`.excel.write_text_cell`, so nothing from the input can become a formula.
"""

from __future__ import annotations

import io
from collections import Counter

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..findings import AREA_TITLES, severity_rank
from ..rules import REGISTRY
from ..summary import of_base
from .excel import write_text_cell

STATUSES = ("Open", "In progress", "Done")

#: How long after the governors' meeting each severity should be fixed; advisory waits for the next annual review.
DUE_AFTER = {
    "critical": pd.DateOffset(weeks=2),
    "high": pd.DateOffset(months=1),
    "medium": pd.DateOffset(months=3),
    "advisory": pd.DateOffset(months=12),
}
DUE_WORDS = {
    "critical": "within 2 weeks",
    "high": "within 1 month",
    "medium": "within a term (3 months)",
    "advisory": "by the next annual review",
}

COLUMNS = (
    ("Rule", 9),
    ("Area", 24),
    ("Severity", 10),
    ("Findings, of what was checked", 26),
    ("Policy clause", 50),
    ("What to do", 50),
    ("Suggested owner", 22),
    ("Due date", 12),
    ("Status", 13),
    ("Notes", 30),
)


def due_date(severity: str, meeting_date) -> pd.Timestamp:
    """When an action of ``severity`` is due: counted from the day governors receive the review, never
    from the data's "as of" (which would make the urgent actions overdue on arrival), so never before it."""
    return pd.Timestamp(meeting_date).normalize() + DUE_AFTER.get(severity, DUE_AFTER["advisory"])


def action_rows(findings, meeting_date, checked: dict[str, int] | None = None) -> list[dict]:
    """One dict per rule with open findings, most severe first (the same order as the report); due dates
    count from ``meeting_date``.

    Findings waiting on a data fix get no action of their own: the data-quality findings they wait on do.
    ``checked`` (rule -> records it examined) gives each count its base.
    """
    findings = [f for f in findings if f.is_open]
    counts = Counter(f.rule for f in findings)
    severity_of: dict[str, str] = {}
    for f in findings:  # a rule's findings may be raised at a higher severity than its default (APP-01)
        current = severity_of.get(f.rule)
        if current is None or severity_rank(f.severity) < severity_rank(current):
            severity_of[f.rule] = f.severity
    rows = []
    for rule_id, count in counts.items():
        rule = REGISTRY.get(rule_id)
        severity = severity_of[rule_id]
        rows.append(
            {
                "rule": rule_id,
                "area": AREA_TITLES.get(rule.area if rule else "", rule.area if rule else ""),
                "severity": severity,
                "count": count,
                "checked": (checked or {}).get(rule_id),
                "of_base": of_base(count, (checked or {}).get(rule_id), rule.counts if rule else ("record", "records")),
                "clause": rule.clause if rule else "",
                "action": (rule.action or rule.meaning) if rule else "",
                "owner": rule.owner if rule else "",
                "due": due_date(severity, meeting_date),
            }
        )
    rows.sort(key=lambda r: (severity_rank(r["severity"]), -r["count"], r["rule"]))
    return rows


def action_plan_bytes(
    findings, as_of, school: str, year: str, checked: dict[str, int] | None = None, *, meeting_date
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    rows = action_rows(findings, meeting_date, checked)

    write_text_cell(
        sheet.cell(1, 1),
        f"Social media policy action plan: {school}, {year} (audit as of {pd.Timestamp(as_of):%d/%m/%Y}; "
        f"governors' meeting {pd.Timestamp(meeting_date):%d/%m/%Y})",
    )
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    write_text_cell(
        sheet.cell(2, 1),
        "One row per rule with findings. Due dates, from the governors' meeting: critical within 2 weeks, "
        "high within 1 month, medium within a term, advisory by the next annual review. "
        "Record details are in the DPO's detail report, not here.",
    )
    header_row = 4
    header_fill = PatternFill("solid", fgColor="1F3864")
    for col, (title, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(header_row, col)
        write_text_cell(cell, title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = width

    for i, row in enumerate(rows, start=header_row + 1):
        values = (
            row["rule"],
            row["area"],
            row["severity"].capitalize(),
            row["of_base"],
            row["clause"],
            row["action"],
            row["owner"],
            None,
            STATUSES[0],
            "",
        )
        for col, value in enumerate(values, start=1):
            if value is not None:
                write_text_cell(sheet.cell(i, col), value)
            sheet.cell(i, col).alignment = Alignment(vertical="top", wrap_text=True)
        sheet.cell(i, 8).value = row["due"].to_pydatetime().date()
        sheet.cell(i, 8).number_format = "dd/mm/yyyy"

    if rows:
        last = header_row + len(rows)
        status = DataValidation(
            type="list",
            formula1='"' + ",".join(STATUSES) + '"',
            allow_blank=False,
            showErrorMessage=True,
            errorTitle="Status",
            error="Choose Open, In progress or Done.",
        )
        status.add(f"I{header_row + 1}:I{last}")
        sheet.add_data_validation(status)
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{last}"
    else:
        write_text_cell(sheet.cell(header_row + 1, 1), "No findings: nothing to do this year.")
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["action_plan_bytes", "action_rows", "due_date", "DUE_WORDS", "STATUSES"]
