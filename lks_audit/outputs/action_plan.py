"""The action plan: one row per rule with open findings, for senior leaders to work through in Excel and
governors to approve on paper (governors-page.md, "The action plan workbook").

Each row says how many findings it covers (in the governors' page's units, from :mod:`.figures`) and which
records (posts, accounts, incidents: never a student, never a person's ID, and for the rules about children
"in the DPO's worklist"), what to do, who owns it and when it is due: a school day (:mod:`lks_audit.school_days`)
a set span after the governors' meeting, or "now" for a critical finding older than a term. Owner, Status,
Management response and Notes are the school's to type; :mod:`.plan_carry` carries them into the next plan.
It prints on A4 landscape, one page wide, its header row on every page. Text cells are written with
:func:`.excel.write_text_cell`, so nothing from the input can become a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..excel import print_setup, write_table, write_text_cell
from ..findings import AREA_TITLES, Severity, severity_rank
from ..personal import about_children, child_records, counts_only, public_record
from ..rules import REGISTRY
from ..schema import ACCEPTED_RISK, WORKBOOKS
from ..school_days import SchoolDays
from ..version import __version__

STATUSES = ("Open", "In progress", "Done")


@dataclass(frozen=True)
class DuePeriod:
    """How long after the governors' meeting a severity's actions are due, and how the plan says it."""

    after: pd.DateOffset
    #: The plan's When column: what a due date rests on.
    when: str
    #: The same within a sentence (the plan's How to read).
    in_words: str


#: A medium finding's period; a critical finding older than this before the meeting is due now, not in the usual
#: two weeks.
A_TERM = pd.DateOffset(months=3)
#: Each severity's period, most severe first; advisory waits for the next annual review.
DUE_PERIODS: dict[str, DuePeriod] = {
    Severity.CRITICAL: DuePeriod(pd.DateOffset(weeks=2), "2 weeks", "2 weeks"),
    Severity.HIGH: DuePeriod(pd.DateOffset(months=1), "1 month", "1 month"),
    Severity.MEDIUM: DuePeriod(A_TERM, "A term", "a term"),
    Severity.ADVISORY: DuePeriod(pd.DateOffset(months=12), "Next review", "the next review"),
}
#: The When of a rule whose findings the DPO accepted as risks: due on the decisions' Review by.
REVIEW_BY = "Review by"
#: "Now": the meeting day and this many school days.
NOW_SCHOOL_DAYS = 5
NOW = "Now"

PLAN_SHEET = "Action plan"
#: What the plan says in its first row when there is nothing to do.
NOTHING_TO_DO = "No findings: nothing to do this year."
#: Rules that had findings when the plan was last written and have none open now, with the edits made to them.
CLOSED_SHEET = "Closed since the last run"

RULE, AREA, SEVERITY, FINDINGS = "Rule", "Area", "Severity", "Findings, of what was checked"
RECORDS, WHEN, RESPONSE = "Records", "When", "Management response"
CLAUSE, ACTION, OWNER, DUE, STATUS, NOTES = "Policy clause", "What to do", "Owner", "Due date", "Status", "Notes"
#: With last year's plan: New, Carried over (last year's status and notes beside it) or Resolved.
SINCE_LAST_YEAR, LAST_STATUS, LAST_NOTES = "Since last year", "Last year's status", "Last year's notes"
NEW, CARRIED_OVER, RESOLVED = "New", "Carried over", "Resolved"
#: A rule whose findings are all set aside by the DPO's decisions, at least one accepted as a risk.
NEW_ACCEPTED, CARRIED_OVER_ACCEPTED = "New (accepted risk)", "Carried over (accepted risk)"
#: A rule this run could not assess (a workbook or column missing): neither open nor closed.
NOT_CHECKED = "Not checked this run"

#: Header and width (in Excel's characters), in the order printed: what the row is about, what to do, who and
#: when, what the school says of it, and the policy's words last, for reference.
COLUMNS = (
    (RULE, 8),
    (AREA, 12),
    (SEVERITY, 9),
    (FINDINGS, 22),
    (RECORDS, 14),
    (ACTION, 28),
    (OWNER, 13),
    (WHEN, 10),
    (DUE, 11),
    (STATUS, 10),
    (RESPONSE, 18),
    (NOTES, 18),
    (CLAUSE, 24),
)
LAST_YEAR_COLUMNS = ((SINCE_LAST_YEAR, 11), (LAST_STATUS, 10), (LAST_NOTES, 16))
#: What a run writes afresh into a rule's row; every other column (Owner, Status, Management response, Notes, any
#: column the plan adds for people to fill in, any column a person added) is typed by people and carried from run
#: to run.
WRITTEN_EACH_RUN = (RULE, AREA, SEVERITY, FINDINGS, RECORDS, CLAUSE, ACTION, WHEN, DUE) + tuple(
    h for h, _ in LAST_YEAR_COLUMNS
)
#: Printed size depends only on how many characters a line holds across the page (fit to one page wide): about
#: 200 of them print at 7 to 8 points on A4 landscape. A row's height is set from its longest wrapped text
#: (:func:`.excel.wrapped_lines`).
#: The first row of the table; the rows above it hold the title and how to read it.
HEADER_ROW = 4
#: Records listed in a row at most; the DPO's worklist has them all.
RECORDS_LISTED = 40
#: What a row about children says instead of its post IDs (governors-page.md, "No way back to a child").
CHILD_RECORDS = "In the DPO's worklist (for the designated safeguarding lead)"
#: What a row says of records that name people, or rows of the DPO's own review.
PERSON_RECORDS = "In the DPO's worklist"


@dataclass
class Plan:
    """What action-plan.xlsx holds: rows as header -> value, for each of its two sheets."""

    rows: list[dict[str, object]]
    closed: list[dict[str, object]] = field(default_factory=list)
    #: Whether last year's plan was given: the since-last-year columns are written.
    with_last_year: bool = False
    #: Headers a person added to the plan this one replaces, kept (after ours) with their values.
    extra_headers: tuple[str, ...] = ()


def _period(severity: str) -> DuePeriod:
    return DUE_PERIODS.get(severity, DUE_PERIODS[Severity.ADVISORY])


def due_date(severity: str, meeting_date, days: SchoolDays | None = None, *, now: bool = False) -> dt.date:
    """When an action of ``severity`` is due: a school day a set span after the day governors receive the review
    (never its "as of", which would make the urgent actions overdue on arrival); ``now``: the meeting day and five
    school days, for a critical finding older than a term."""
    days = days or SchoolDays()
    meeting = pd.Timestamp(meeting_date).normalize()
    if now:
        return days.after(meeting, NOW_SCHOOL_DAYS)
    return days.on_or_after(meeting + _period(severity).after)


def records_text(rule_id: str, findings, withheld: set[str] = frozenset()) -> str:
    """The records a row covers, as a senior leader looks them up: post, account, interaction and incident IDs;
    for the rules about children, for posts behind any finding about a child (``withheld``) and for records that
    are people, where to find them instead; for a finding with no record (a missing column, the policy), its
    workbook and column."""
    if about_children(rule_id):
        return CHILD_RECORDS
    if counts_only(rule_id):  # the checks against the platforms' record: their posts and messages are the DPO's
        return PERSON_RECORDS
    ids, people = [], False
    for f in findings:
        if public_record(f) and f.record not in withheld:
            ids.append(f.record)
        elif f.record:
            people = True
        elif f.file:
            ids.append(", ".join(x for x in (f.file, f.sheet and f"sheet {f.sheet}", f.column) if x))
    ids = list(dict.fromkeys(ids))
    listed = ", ".join(ids[:RECORDS_LISTED])
    if len(ids) > RECORDS_LISTED:
        listed += f" and {len(ids) - RECORDS_LISTED:,} more (in the DPO's worklist)"
    if people:
        listed = f"{listed}; the others {PERSON_RECORDS[0].lower()}{PERSON_RECORDS[1:]}" if listed else PERSON_RECORDS
    return listed


def action_rows(
    findings,
    meeting_date,
    *,
    days: SchoolDays | None = None,
    found_on: dict[str, dt.date] | None = None,
    counted=None,
) -> list[dict]:
    """One dict per rule with open findings, most severe first (the same order as the report); due dates on
    school days from ``meeting_date``.

    Findings waiting on a data fix get no action of their own: the data-quality findings they wait on do.
    ``found_on``: finding ID -> the day of the event it is about, to tell a critical finding older than a term
    (due now); ``counted``: rule ID -> its findings in words (the page's units), for the Findings column.
    """
    withheld = child_records(findings)
    findings = [f for f in findings if f.is_open]
    meeting = pd.Timestamp(meeting_date).normalize()
    by_rule: dict[str, list] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    counts = Counter({rule: len(mine) for rule, mine in by_rule.items()})
    rows = []
    for rule_id, mine in by_rule.items():
        rule = REGISTRY.get(rule_id)
        # A rule's findings may be raised at a higher severity than its default (APP-01).
        severity = min((f.severity for f in mine), key=severity_rank)
        older = [(found_on or {}).get(f.id) for f in mine if f.severity == Severity.CRITICAL]
        now = severity == Severity.CRITICAL and any(
            day is not None and pd.Timestamp(day) < meeting - A_TERM for day in older
        )
        rows.append(
            {
                "rule": rule_id,
                "area": AREA_TITLES.get(rule.area if rule else "", rule.area if rule else ""),
                "severity": severity,
                "count": counts[rule_id],
                "of_base": counted(rule_id) if counted else f"{counts[rule_id]:,}",
                "records": records_text(rule_id, mine, withheld),
                "clause": rule.clause if rule else "",
                "action": _dpos_own(findings, rule_id, "action") or ((rule.action or rule.meaning) if rule else ""),
                "owner": _dpos_own(findings, rule_id, "owner") or (rule.owner if rule else ""),
                "now": now,
                "when": NOW if now else _period(severity).when,
                "due": due_date(severity, meeting, days, now=now),
            }
        )
    rows.sort(key=lambda r: (severity_rank(r["severity"]), not r["now"], -r["count"], r["rule"]))
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


def accepted_risk_rows(findings, *, counted=None) -> list[dict]:
    """One dict per rule whose findings are all set aside by the DPO's decisions in force, at least one as an
    accepted risk: the plan keeps its row (due on the earliest Review by; None when every acceptance stands
    until withdrawn), so an accepted risk is followed, never read as resolved. Ordered as :func:`action_rows`.
    ``counted``: rule ID -> its accepted findings in words (the page's units), for the Findings column."""
    withheld = child_records(findings)
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
        reviews = [pd.Timestamp(f.decision.review_by).date() for f in accepted if f.decision.review_by]
        rows.append(
            {
                "rule": rule_id,
                "area": AREA_TITLES.get(rule.area if rule else "", rule.area if rule else ""),
                "severity": severity,
                "count": len(accepted),
                "of_base": counted(rule_id) if counted else f"{len(accepted):,} accepted as a risk",
                "records": records_text(rule_id, accepted, withheld),
                "clause": rule.clause if rule else "",
                "action": "Accepted as a risk by the DPO: look at it again by the review date, or sooner if "
                "things change.",
                "owner": rule.owner if rule else "",
                "now": False,
                "when": REVIEW_BY,
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
        RECORDS: row.get("records"),
        ACTION: row["action"],
        OWNER: row["owner"],
        WHEN: row.get("when"),
        DUE: None if row["due"] is None else pd.Timestamp(row["due"]).date(),
        STATUS: row.get("status", STATUSES[0]),
        RESPONSE: None,
        NOTES: None,
        CLAUSE: row["clause"],
    }


def plan_title(school: str, year: str, as_of, meeting_date) -> str:
    return (
        f"Social media policy action plan: {school}, {year} (audit as of {pd.Timestamp(as_of):%d/%m/%Y}; "
        f"governors' meeting {pd.Timestamp(meeting_date):%d/%m/%Y})"
    )


HOW_TO_READ = (
    "One row per rule with open findings, most urgent first. Due dates are school days after the governors' "
    "meeting: now (critical, found more than a term before it), "
    + ", ".join(f"{period.in_words} ({severity})" for severity, period in DUE_PERIODS.items())
    + ". Records name posts, accounts and incidents; those about children are "
    "in the DPO's worklist. Accepted risk: the DPO accepted every finding of the rule; look at it again by its "
    "review date. Fill in Owner, Status, Management response (agreed or not, with a comment) and Notes, and add "
    "rows of your own at the end: the next run of the report for this year carries them over."
)


def action_plan_bytes(plan: Plan, school: str, year: str, as_of, meeting_date) -> bytes:
    """The plan as an .xlsx: the table to work through, and the rules closed since the last run beside it."""
    book = Workbook()
    book.properties.creator = f"lks-audit {__version__}"
    book.properties.title = f"Social media policy action plan {year}"
    headers = [h for h, _ in COLUMNS] + ([h for h, _ in LAST_YEAR_COLUMNS] if plan.with_last_year else [])
    headers += [h for h in plan.extra_headers if h not in headers]
    title = plan_title(school, year, as_of, meeting_date)
    how = HOW_TO_READ
    if plan.with_last_year:
        how += (
            " Since last year: New, Carried over (with last year's status and notes), Resolved, or Not checked this "
            "run."
        )
    print_head = (
        f"{school}: social media policy action plan {year}, governors' meeting {pd.Timestamp(meeting_date):%d/%m/%Y}"
    )
    _fill_sheet(book.active, PLAN_SHEET, title, how, headers, plan.rows, NOTHING_TO_DO)
    print_setup(book.active, print_head, HEADER_ROW)
    if plan.closed:
        closed = book.create_sheet(CLOSED_SHEET)
        _fill_sheet(
            closed,
            CLOSED_SHEET,
            f"{title}: rules closed since the last run",
            "Rules that had findings when this plan was last written and have none open now, kept with the "
            "status, owner and notes given to them.",
            headers,
            plan.closed,
            None,
        )
        print_setup(closed, f"{print_head}: closed since the last run", HEADER_ROW)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill_sheet(sheet, name: str, title: str, how: str, headers: list[str], rows: list[dict], empty) -> None:
    sheet.title = name
    write_text_cell(sheet.cell(1, 1), title)
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    last_column = get_column_letter(len(headers))
    write_table(sheet, how, headers, rows, dict(COLUMNS + LAST_YEAR_COLUMNS), HEADER_ROW)
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
        response_column = get_column_letter(headers.index(RESPONSE) + 1)
        response = DataValidation(
            allow_blank=True,
            showInputMessage=True,
            promptTitle=RESPONSE,
            prompt="Agreed or not agreed, with a comment (what will be done, or why not).",
        )
        response.add(f"{response_column}{HEADER_ROW + 1}:{response_column}{last + 200}")
        sheet.add_data_validation(response)
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{last}"
    elif empty:
        write_text_cell(sheet.cell(HEADER_ROW + 1, 1), empty)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)


__all__ = [
    "Plan",
    "accepted_risk_rows",
    "action_plan_bytes",
    "action_rows",
    "due_date",
    "rule_row",
    "DUE_PERIODS",
    "STATUSES",
]
