"""The action plan: one row per rule with findings, for SLT to work through in Excel.

No personal data: a row names the rule and how many findings it has, never a
record, student or member of staff. Text cells are written with
:func:`.excel.write_text_cell`, so nothing from the input can become a formula.
What people type into a published plan is carried into the next one by :mod:`.plan_carry`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..findings import AREA_TITLES, severity_rank
from ..rules import REGISTRY
from ..schema import WORKBOOKS
from ..summary import of_base
from .excel import write_text_cell

STATUSES = ("Open", "In progress", "Done")
#: The Status of a rule whose findings the DPO has all set aside, at least one as an accepted risk: nothing to do
#: but look at it again by its Review by.
ACCEPTED_RISK = "Accepted risk"

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

PLAN_SHEET = "Action plan"
#: Rules that had findings when the plan was last written and have none open now, with the edits made to them.
CLOSED_SHEET = "Closed since the last run"

RULE, AREA, SEVERITY, FINDINGS = "Rule", "Area", "Severity", "Findings, of what was checked"
CLAUSE, ACTION, OWNER, DUE, STATUS, NOTES = "Policy clause", "What to do", "Owner", "Due date", "Status", "Notes"
#: With last year's plan: New, Carried over (last year's status and notes beside it) or Resolved.
SINCE_LAST_YEAR, LAST_STATUS, LAST_NOTES = "Since last year", "Last year's status", "Last year's notes"
NEW, CARRIED_OVER, RESOLVED = "New", "Carried over", "Resolved"
#: A rule whose findings are all set aside by the DPO's decisions, at least one accepted as a risk.
NEW_ACCEPTED, CARRIED_OVER_ACCEPTED = "New (accepted risk)", "Carried over (accepted risk)"
#: A rule this run could not assess (a workbook or column missing): neither open nor closed.
NOT_CHECKED = "Not checked this run"

COLUMNS = (
    (RULE, 9),
    (AREA, 24),
    (SEVERITY, 10),
    (FINDINGS, 26),
    (CLAUSE, 50),
    (ACTION, 50),
    (OWNER, 22),
    (DUE, 12),
    (STATUS, 13),
    (NOTES, 30),
)
LAST_YEAR_COLUMNS = ((SINCE_LAST_YEAR, 14), (LAST_STATUS, 13), (LAST_NOTES, 30))
#: What a run writes afresh into a rule's row; every other column (Owner, Status, Notes, any column the plan adds
#: for people to fill in, any column a person added) is typed by people and carried from run to run.
WRITTEN_EACH_RUN = (RULE, AREA, SEVERITY, FINDINGS, CLAUSE, ACTION, DUE) + tuple(h for h, _ in LAST_YEAR_COLUMNS)
#: The first row of the table; the rows above it hold the title and how to read it.
HEADER_ROW = 4


@dataclass
class Plan:
    """What action-plan.xlsx holds: rows as header -> value, for each of its two sheets."""

    rows: list[dict[str, object]]
    closed: list[dict[str, object]] = field(default_factory=list)
    #: Whether last year's plan was given: the since-last-year columns are written.
    with_last_year: bool = False
    #: Headers a person added to the plan this one replaces, kept (after ours) with their values.
    extra_headers: tuple[str, ...] = ()


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
                "action": _dpos_own(findings, rule_id, "action") or ((rule.action or rule.meaning) if rule else ""),
                "owner": _dpos_own(findings, rule_id, "owner") or (rule.owner if rule else ""),
                "due": due_date(severity, meeting_date),
            }
        )
    rows.sort(key=lambda r: (severity_rank(r["severity"]), -r["count"], r["rule"]))
    return rows


#: A data-quality rule whose open findings are all in the DPO's own review: the DPO's to fix, not the office's.
DPOS_OWN = {
    "owner": "Data Protection Officer",
    "action": "Correct your entries in dpo_review.xlsx named in the DPO's detail.",
}


def _dpos_own(findings, rule_id: str, what: str) -> str | None:
    """The DPO's owner or action for ``rule_id`` when every one of its open findings is in the DPO's review."""
    files = {f.file for f in findings if f.rule == rule_id}
    return DPOS_OWN[what] if files and all(file in _DPO_FILES for file in files) else None


_DPO_FILES = {wb.file for wb in WORKBOOKS if wb.kept_by_dpo}


def accepted_risk_rows(findings, checked: dict[str, int] | None = None) -> list[dict]:
    """One dict per rule whose findings are all set aside by the DPO's decisions in force, at least one as an
    accepted risk: the plan keeps its row (due on the earliest Review by; None when every acceptance stands
    until withdrawn), so an accepted risk is followed, never read as resolved. Ordered as :func:`action_rows`."""
    by_rule: dict[str, list] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    rows = []
    for rule_id, found in by_rule.items():
        if any(f.decision is None for f in found):
            continue  # open, or waiting on a data fix: not all set aside
        accepted = [f for f in found if f.decision.decision == ACCEPTED_RISK]
        if not accepted:
            continue  # all judged not a breach: nothing to follow
        rule = REGISTRY.get(rule_id)
        severity = min((f.severity for f in accepted), key=severity_rank)
        reviews = [pd.Timestamp(f.decision.review_by) for f in accepted if f.decision.review_by]
        counts = rule.counts if rule else ("record", "records")
        rows.append(
            {
                "rule": rule_id,
                "area": AREA_TITLES.get(rule.area if rule else "", rule.area if rule else ""),
                "severity": severity,
                "count": len(accepted),
                "checked": (checked or {}).get(rule_id),
                "of_base": f"{of_base(len(accepted), (checked or {}).get(rule_id), counts)} accepted as a risk",
                "clause": rule.clause if rule else "",
                "action": "Accepted as a risk by the DPO: look at it again by the review date, or sooner if "
                "things change.",
                "owner": rule.owner if rule else "",
                "due": min(reviews) if reviews else None,
                "status": ACCEPTED_RISK,
            }
        )
    rows.sort(key=lambda r: (severity_rank(r["severity"]), -r["count"], r["rule"]))
    return rows


def rule_row(row: dict) -> dict[str, object]:
    """A row of :func:`action_rows` (Status Open) or :func:`accepted_risk_rows` as the plan's columns."""
    return {
        RULE: row["rule"],
        AREA: row["area"],
        SEVERITY: row["severity"].capitalize(),
        FINDINGS: row["of_base"],
        CLAUSE: row["clause"],
        ACTION: row["action"],
        OWNER: row["owner"],
        DUE: None if row["due"] is None else row["due"].to_pydatetime().date(),
        STATUS: row.get("status", STATUSES[0]),
        NOTES: None,
    }


def action_plan_bytes(plan: Plan, school: str, year: str, as_of, meeting_date) -> bytes:
    """The plan as an .xlsx: the table to work through, and the rules closed since the last run beside it."""
    book = Workbook()
    headers = [h for h, _ in COLUMNS] + ([h for h, _ in LAST_YEAR_COLUMNS] if plan.with_last_year else [])
    headers += [h for h in plan.extra_headers if h not in headers]
    title = (
        f"Social media policy action plan: {school}, {year} (audit as of {pd.Timestamp(as_of):%d/%m/%Y}; "
        f"governors' meeting {pd.Timestamp(meeting_date):%d/%m/%Y})"
    )
    how = (
        "One row per rule with findings. Due dates, from the governors' meeting: critical within 2 weeks, high "
        "within 1 month, medium within a term, advisory by the next annual review. Record details are in the "
        "DPO's detail report, not here. Edit Owner, Status and Notes, and add rows of your own at the end: the "
        "next run of the report for this year carries them over."
    )
    if plan.with_last_year:
        how += (
            " Since last year: New, Carried over (with last year's status and notes), Resolved, or Not checked this "
            "run. Accepted risk: the DPO accepted every finding of the rule; it is due for review on the date shown."
        )
    _fill_sheet(book.active, PLAN_SHEET, title, how, headers, plan.rows, "No findings: nothing to do this year.")
    if plan.closed:
        _fill_sheet(
            book.create_sheet(CLOSED_SHEET),
            CLOSED_SHEET,
            f"{title}: rules closed since the last run",
            "Rules that had findings when this plan was last written and have none open now, kept with the "
            "status, owner and notes given to them.",
            headers,
            plan.closed,
            None,
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill_sheet(sheet, name: str, title: str, how: str, headers: list[str], rows: list[dict], empty) -> None:
    sheet.title = name
    write_text_cell(sheet.cell(1, 1), title)
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    write_text_cell(sheet.cell(2, 1), how)
    widths = dict(COLUMNS + LAST_YEAR_COLUMNS)
    header_fill = PatternFill("solid", fgColor="1F3864")
    for col, title_text in enumerate(headers, start=1):
        cell = sheet.cell(HEADER_ROW, col)
        write_text_cell(cell, title_text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = widths.get(title_text, 20)
    for i, row in enumerate(rows, start=HEADER_ROW + 1):
        for col, header in enumerate(headers, start=1):
            cell, value = sheet.cell(i, col), row.get(header)
            if isinstance(value, (dt.date, dt.datetime)):
                cell.value = value
                cell.number_format = "dd/mm/yyyy"
            elif value is not None and value != "":
                write_text_cell(cell, value)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    if rows:
        last = HEADER_ROW + len(rows)
        # Rows people add below the table get the dropdown too.
        status_column = get_column_letter(headers.index(STATUS) + 1)
        status = DataValidation(
            type="list",
            formula1='"' + ",".join(STATUSES + (ACCEPTED_RISK,)) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Status",
            error="Choose Open, In progress, Done or Accepted risk.",
        )
        status.add(f"{status_column}{HEADER_ROW + 1}:{status_column}{last + 200}")
        sheet.add_data_validation(status)
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(headers))}{last}"
    elif empty:
        write_text_cell(sheet.cell(HEADER_ROW + 1, 1), empty)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


__all__ = [
    "Plan",
    "accepted_risk_rows",
    "action_plan_bytes",
    "action_rows",
    "due_date",
    "rule_row",
    "DUE_WORDS",
    "STATUSES",
]
