"""dpo-actions.xlsx: the DPO's worklist, to work from for weeks: every finding not closed, with its state, and the
DPO's own columns carried from run to run.

The *Worklist* sheet has one row per finding that needs the DPO (:func:`lks_audit.worklist.worklist`: open,
lapsed, to confirm, review due), most severe first. Its first six columns are the Decisions sheet of
``dpo_review.xlsx`` in the same order (Finding ID, Decision, Reason, Decided by, Decided on, Review by): the DPO
fills them in for a finding judged and pastes the six cells there; a decision is renewed by a new row there. State,
Rank (1 critical to 4 advisory, so the sheet sorts by severity), Severity and what to do are written each run;
Owner, Due, Done and Notes are the DPO's, and like every column the DPO types in (one added included) they are
carried into the next run's worklist by Finding ID, as the action plan's edits are by rule. A finding closed since
(set aside by a decision, no longer found) keeps its edited row on *Closed since the last run*; rows the DPO added
stay at the end. *By rule* gives each rule's one count (the same numbers every view gives), and *Breach register*
the year's personal data breaches (:mod:`lks_audit.breaches`). It names records and students: owner-only, and
marked as personal data in its properties and its first row; it prints as the action plan does.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink

from ..breaches import BreachRegister
from ..excel import (
    PERSONAL_DATA,
    header_cell,
    mark_personal_data,
    print_setup,
    write_rows,
    write_table,
    write_text_cell,
)
from ..findings import AREA_TITLES, Finding, rule_order, severity_rank
from ..load import ROW, Dataset
from ..rules import REGISTRY
from ..schema import ACCEPTED_RISK, DECISIONS, NOT_A_BREACH, SHEETS
from ..summary_text import rule_count
from ..wording import fault_label
from ..worklist import LAPSED, REVIEW_DUE, TO_CONFIRM, worklist
from .plan_carry import PlanRow, PlanUnreadable, read_tables

SHEET = "Worklist"
CLOSED_SHEET = "Closed since the last run"
BY_RULE_SHEET = "By rule"
REGISTER_SHEET = "Breach register"
#: The sheet's name before the worklist tracked states: its rows are read back too.
FORMER_SHEET = "Open findings"
NOTE = (
    f"{PERSONAL_DATA}: every finding of the audit that needs the Data Protection Officer (open, lapsed, to confirm, "
    "review due), with its record and student, for the DPO only. Keep it on school systems; governors receive "
    "annual-review.html and action-plan.xlsx."
)
HOW_TO_USE = (
    "State: Open; Lapsed (your decision passed its Review by: it counts again); To confirm (it waits on the data "
    "fix What to do names); Review due (your decision comes up for review within three months of the meeting). "
    "Track each in Owner, Due, Done and Notes: the next run of the report carries them, and anything else you type, "
    "by Finding ID. To decide, fill in Decision, Reason, Decided by, Decided on and Review by, then copy those six "
    "cells of the row (from Finding ID) into the Decisions sheet of dpo_review.xlsx. To renew a decision, add a new "
    "row there with a later Decided on: the latest is in force and the earlier rows stay as its history. Sort by "
    "Rank (1 critical, 2 high, 3 medium, 4 advisory) for the most severe first."
)
FINDING_ID, STATE, RANK, SEVERITY, OWNER, DUE, DONE, NOTES = (
    "Finding ID", "State", "Rank", "Severity", "Owner", "Due", "Done", "Notes",
)  # fmt: skip
RULE, STUDENT, WHERE, TODO, FINDING = "Rule", "Student ID", "Where", "What to do", "Finding"
#: A row's key naming the finding its What to do links to (no column of its own).
LINKS_TO = "_links_to"
#: Why a row left the worklist (the closed sheet's own column).
CLOSED_BECAUSE = "Closed because"
#: The Decisions sheet of dpo_review.xlsx, column for column, so a filled row can be pasted there.
DECISION_COLUMNS = tuple(
    (c.header, {"Finding ID": 19, "Decision": 12, "Reason": 18}.get(c.header, 10)) for c in SHEETS["Decisions"].columns
)
#: Header and width (in Excel's characters): the paste block, where the finding stands and the DPO's tracking, then
#: what it is. About 250 characters across: one page wide on A4 landscape at 6 to 7 points.
COLUMNS = DECISION_COLUMNS + (
    (STATE, 10),
    (RANK, 5),
    (SEVERITY, 8),
    (OWNER, 12),
    (DUE, 10),
    (DONE, 10),
    (NOTES, 20),
    (RULE, 7),
    (STUDENT, 9),
    (WHERE, 16),
    (TODO, 28),
    (FINDING, 36),
)
#: Columns an earlier lks-audit wrote into the worklist (no longer written; never carried as the DPO's).
FORMER_COLUMNS = ("Record", "File", "Sheet", "Cell")
#: What a run writes afresh into a finding's row; every other column is the DPO's and is carried by Finding ID.
WRITTEN_EACH_RUN = (FINDING_ID, STATE, RANK, SEVERITY, RULE, STUDENT, WHERE, TODO, FINDING, CLOSED_BECAUSE)
WRITTEN_EACH_RUN += FORMER_COLUMNS
#: Columns holding dates (typed as dates, checked as dates).
DATE_COLUMNS = ("Decided on", "Review by", DUE, DONE)
HEADER_ROW = 3
#: Rows below the table that get the dropdowns and date checks, for rows the DPO adds.
ROOM = 200
#: How a decision is renewed, as the worklist and the DPO's detail say it.
RENEW = (
    "add a new row for this Finding ID to the Decisions sheet of dpo_review.xlsx with a later Decided on "
    "and a new Review by (the earlier row stays as its history)"
)


def _uk(iso: str | None) -> str:
    return f"{pd.Timestamp(iso):%d/%m/%Y}" if iso else ""


def what_to_do(f: Finding, state: str, removed: dict[int, pd.Timestamp], by_id: dict | None = None) -> str:
    """What the finding needs now: its rule's action as this record needs it (a post already removed needs its
    review recorded), after renewing a decision that lapsed or comes up for review, or after the data fix it waits
    on (named by its ID and cell)."""
    rule = REGISTRY.get(f.rule)
    action = (rule.action or rule.meaning) if rule else ""
    if rule and rule.take_down and f.sheet == "Posts" and f.row in removed:
        action = f"Removed on {removed[f.row]:%d/%m/%Y}: record the review (what happened, who was told, what changes)."
    if state == LAPSED:
        decision = f.lapsed_decision
        lapsed = _uk(decision.review_by)
        return f"Your decision ({decision.decision}) lapsed on {lapsed}: to renew it, {RENEW}; or act. {action}"
    if state == REVIEW_DUE:
        decision = f.decision
        due = _uk(decision.review_by)
        return f"Your decision ({decision.decision}) is due for review by {due}: to renew it, {RENEW}; or act. {action}"
    if state == TO_CONFIRM:
        fix = "; ".join(fault_label(d, by_id or {}, bracketed=True) for d in f.depends_on)
        return f"Waits on a data fix: {fix}. Fix that entry and run the audit again; if it stands: {action}"
    return action


def where(f: Finding) -> str:
    """``posts_log.xlsx, Posts G689``: the workbook, sheet and cell (or row) a finding names."""
    place = f.cell or (f"row {f.row}" if f.row else "")
    return ", ".join(x for x in (f.file, " ".join(y for y in (f.sheet, place) if y)) if x)


def removed_on(data: Dataset) -> dict[int, pd.Timestamp]:
    """Excel row of each post with a Removed on date -> that date."""
    posts = data.frames.get("Posts")
    if posts is None or "Removed on" not in posts:
        return {}
    removed = posts[posts["Removed on"].notna()]
    return dict(zip(removed[ROW].astype(int), removed["Removed on"]))


@dataclass(frozen=True)
class PlanLine:
    """What the action plan says of a rule: who owns it and when it is due (the worklist's first Owner and Due)."""

    owner: str | None
    due: dt.date | None


@dataclass
class ReadWorklist:
    """A published worklist read back: the DPO's rows by Finding ID, rows the DPO added, and added columns."""

    path: str
    #: Finding ID (case aside) -> its row, from the worklist and then the closed sheet (the worklist's row wins).
    by_id: dict[str, PlanRow] = field(default_factory=dict)
    #: Rows the DPO added (no State written by a run, or a Finding ID given a row above), per sheet.
    added: dict[str, list[PlanRow]] = field(default_factory=dict)
    extra_headers: tuple[str, ...] = ()


def read_worklist(path) -> ReadWorklist:
    """A published dpo-actions.xlsx read back by header, as saved in any office format; raises PlanUnreadable."""
    from pathlib import Path

    path = Path(path)
    headers = [h for h, _ in COLUMNS] + [CLOSED_BECAUSE, *FORMER_COLUMNS]
    rows, extra = read_tables(path, (SHEET, FORMER_SHEET, CLOSED_SHEET), (FINDING_ID,), headers)
    if not rows:
        raise PlanUnreadable(f"{path.name} has no sheet '{SHEET}' with a Finding ID column")
    out = ReadWorklist(str(path), extra_headers=extra)
    for sheet in (SHEET, FORMER_SHEET, CLOSED_SHEET):
        here = set()
        for row in rows.get(sheet, []):
            key = str(row.cells.get(FINDING_ID) or "").strip().casefold()
            written = row.cells.get(STATE) is not None or sheet == FORMER_SHEET
            if key and written and key not in here:
                here.add(key)
                out.by_id.setdefault(key, row)
            else:
                out.added.setdefault(CLOSED_SHEET if sheet == CLOSED_SHEET else SHEET, []).append(row)
    return out


def _typed(row: PlanRow, extra: tuple[str, ...]) -> dict[str, object]:
    """The cells of ``row`` the DPO types into (everything a run does not write afresh)."""
    headers = [h for h, _ in COLUMNS if h not in WRITTEN_EACH_RUN] + [h for h in extra if h not in WRITTEN_EACH_RUN]
    headers += [h for h in row.cells if h not in WRITTEN_EACH_RUN and h not in headers]
    return {h: row.cells.get(h) for h in headers}


def _edited(row: PlanRow, extra: tuple[str, ...]) -> bool:
    """Whether the DPO typed anything into the row beyond the Owner and Due a run suggests (an Owner other than the
    rule's own counts as typed)."""
    rule = REGISTRY.get(str(row.cells.get(RULE) or ""))
    typed = _typed(row, extra)
    return any(v is not None for h, v in typed.items() if h not in (OWNER, DUE)) or (
        typed.get(OWNER) is not None and (rule is None or typed[OWNER] != rule.owner)
    )


@dataclass
class WorklistRows:
    """The rows of the worklist and of its closed sheet, as header -> value, and the headers the DPO added."""

    rows: list[dict[str, object]]
    closed: list[dict[str, object]]
    extra_headers: tuple[str, ...] = ()
    #: Finding IDs whose edits (what the DPO typed) were carried from the worklist this one replaces, onto this
    #: worklist or its closed sheet; and how many rows the DPO added there were carried.
    carried: list[str] = field(default_factory=list)
    hand_rows: int = 0


def worklist_rows(
    findings: list[Finding],
    looking_from,
    *,
    removed: dict[int, pd.Timestamp] | None = None,
    plan: dict[str, PlanLine] | None = None,
    replaced: ReadWorklist | None = None,
) -> WorklistRows:
    """The worklist's rows: each finding that needs the DPO with its state; the DPO's cells carried from the
    worklist ``replaced`` by Finding ID, or for a finding new to it, the action plan's Owner and Due for its rule
    (``plan``; a decision coming up for review is due on its Review by); the edited rows of findings closed since
    on the closed sheet; the rows the DPO added kept."""
    plan, removed = plan or {}, removed or {}
    extra = replaced.extra_headers if replaced else ()
    by_id = {f.id: f for f in findings}
    listed = worklist(findings, looking_from)
    out = WorklistRows([], [], extra)
    on_list = set()
    for f, state in listed:
        key = f.id.casefold()
        on_list.add(key)
        row: dict[str, object] = {h: None for h, _ in COLUMNS}
        before = replaced.by_id.get(key) if replaced else None
        # Who acts next and by when, as the action plan has it: for a finding to confirm, the data fix it waits on.
        rules = [_first_rule(f.depends_on), f.rule] if state == TO_CONFIRM else [f.rule]
        line = next((plan[r] for r in rules if r in plan), PlanLine(None, None))
        rule = REGISTRY.get(rules[0])
        row[OWNER] = line.owner or (rule.owner if rule else None)
        row[DUE] = dt.date.fromisoformat(f.decision.review_by) if state == REVIEW_DUE else line.due
        if before is not None:  # what the DPO typed, in the columns the worklist replaced had
            typed = {h: v for h, v in _typed(before, extra).items() if h in before.cells}
            # An edit: a cell typed that a run leaves blank, or an Owner or Due other than the one suggested.
            if any(v is not None and (h not in (OWNER, DUE) or _differs(v, row[h])) for h, v in typed.items()):
                out.carried.append(f.id)
            row.update(typed)
        row.update(
            {
                FINDING_ID: f.id,
                STATE: state,
                RANK: severity_rank(f.severity) + 1,
                SEVERITY: f.severity.capitalize(),
                RULE: f.rule,
                STUDENT: f.student,
                WHERE: where(f),
                TODO: what_to_do(f, state, removed, by_id),
                FINDING: f.message,
                # Not a column: the finding whose row "What to do" links to (the data fault it waits on).
                LINKS_TO: f.depends_on[0] if state == TO_CONFIRM and f.depends_on else None,
            }
        )
        out.rows.append(row)
    if replaced is None:
        return out
    out.rows += [dict(r.cells) for r in replaced.added.get(SHEET, [])]
    out.hand_rows = sum(len(rows) for rows in replaced.added.values())
    by_key = {f.id.casefold(): f for f in findings}
    for key, before in replaced.by_id.items():
        if key in on_list or not _edited(before, extra):
            continue
        row = dict(before.cells)
        out.carried.append(str(row.get(FINDING_ID) or key))
        found = by_key.get(key)
        if before.sheet != CLOSED_SHEET or found is not None:
            row[CLOSED_BECAUSE] = (
                "no longer found (resolved, or its record changed)"
                if found is None
                else "set aside by your decision in force"
                if found.decision is not None
                else "closed"
            )
        out.closed.append(row)
    out.closed += [dict(r.cells) for r in replaced.added.get(CLOSED_SHEET, [])]
    return out


def _differs(typed, suggested) -> bool:
    """Whether a carried Owner or Due is not the one a run suggests (a date read back may be a datetime)."""
    if isinstance(typed, dt.datetime) and isinstance(suggested, dt.date) and not isinstance(suggested, dt.datetime):
        return typed.date() != suggested
    return typed != suggested


def _first_rule(finding_ids) -> str:
    return str(next(iter(finding_ids), "")).split(":", 1)[0]


def worklist_book(
    built: WorklistRows,
    school: str,
    year: str,
    as_of,
    *,
    rules: dict[str, dict] | None = None,
    register: BreachRegister | None = None,
) -> bytes:
    """The worklist as an .xlsx from its rows (:func:`worklist_rows`): the findings that need the DPO, the rows
    closed since the last run, each rule's count (``rules``: the summary's rules table) and the breach register."""
    book = Workbook()
    mark_personal_data(book, NOTE)
    book.properties.title = f"DPO's worklist: {school}, {year}"
    head = f"{school}: the DPO's worklist, {year} ({PERSONAL_DATA})"
    headers = [h for h, _ in COLUMNS] + [h for h in built.extra_headers if h not in dict(COLUMNS)]
    sheet = book.active
    _fill(sheet, SHEET, f"{NOTE} Audit as of {pd.Timestamp(as_of):%d/%m/%Y}.", HOW_TO_USE, headers, built.rows)
    print_setup(sheet, head, HEADER_ROW)
    if built.closed:
        closed = book.create_sheet(CLOSED_SHEET)
        why = "Findings that were on the worklist, with what you typed, and why they left it."
        _fill(closed, CLOSED_SHEET, f"{PERSONAL_DATA}: closed since the last run", why, [*headers, CLOSED_BECAUSE],
              built.closed)  # fmt: skip
        print_setup(closed, f"{head}: closed since the last run", HEADER_ROW)
    if rules is not None:
        _by_rule(book.create_sheet(BY_RULE_SHEET), rules, head)
    if register is not None:
        _register(book.create_sheet(REGISTER_SHEET), register, head)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _widths() -> dict[str, float]:
    return dict(COLUMNS) | {CLOSED_BECAUSE: 20}


def _fill(sheet, name: str, title: str, how: str, headers: list[str], rows: list[dict]) -> None:
    """A table the DPO works in: title, how to use it, the header row, the rows (each as tall as its longest wrapped
    text), dropdowns and date checks for the typed columns, frozen below the header with its Finding ID beside."""
    sheet.title = name
    write_text_cell(sheet.cell(1, 1), title)
    sheet.cell(1, 1).font = Font(bold=True, color="A50E0E")
    last_column = get_column_letter(len(headers))
    write_table(sheet, how, headers, rows, _widths(), HEADER_ROW, numbers=True)
    _link_to_faults(sheet, headers, rows)
    last = HEADER_ROW + max(len(rows), 1) + ROOM
    letter = {h: get_column_letter(i) for i, h in enumerate(headers, start=1)}
    choice = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"', allow_blank=True)
    choice.add(f"{letter['Decision']}{HEADER_ROW + 1}:{letter['Decision']}{last}")
    sheet.add_data_validation(choice)
    for header in DATE_COLUMNS:
        dates = DataValidation(type="date", operator="greaterThan", formula1="32874", allow_blank=True)
        dates.error, dates.errorTitle, dates.showErrorMessage = "Type a date as dd/mm/yyyy.", "Not a date", True
        dates.add(f"{letter[header]}{HEADER_ROW + 1}:{letter[header]}{last}")
        sheet.add_data_validation(dates)
        sheet.column_dimensions[letter[header]].number_format = "dd/mm/yyyy"
    if rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{HEADER_ROW + len(rows)}"
    else:
        write_text_cell(sheet.cell(HEADER_ROW + 1, 1), "Nothing needs the DPO.")
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)


def _link_to_faults(sheet, headers: list[str], rows: list[dict]) -> None:
    """A finding to confirm links, from its What to do, to the row of the data fault it waits on."""
    if FINDING_ID not in headers or TODO not in headers:
        return
    at = {str(r.get(FINDING_ID)): i for i, r in enumerate(rows, start=HEADER_ROW + 1)}
    todo = headers.index(TODO) + 1
    for i, row in enumerate(rows, start=HEADER_ROW + 1):
        target = at.get(str(row.get(LINKS_TO)))
        if target is not None:
            cell = sheet.cell(i, todo)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet.title}'!A{target}")
            cell.font = Font(color="0B2545", underline="single")


BY_RULE_COLUMNS = (
    ("Rule", 8),
    ("Area", 16),
    ("Severity", 9),
    ("Checked", 9),
    ("Open", 7),
    ("To confirm", 8),
    ("With a lapsed decision", 9),
    ("Set aside", 8),
    (ACCEPTED_RISK, 9),
    (NOT_A_BREACH, 8),
    ("Could not be checked", 9),
    ("In words", 60),
)


def _simple_table(sheet, name: str, title: str, columns, rows: list[list], head: str) -> None:
    """A read-only table of its own sheet (counts, the register): title, header row, rows, printable."""
    sheet.title = name
    write_text_cell(sheet.cell(1, 1), title)
    sheet.cell(1, 1).font = Font(bold=True)
    for col, (header, width) in enumerate(columns, start=1):
        header_cell(sheet.cell(HEADER_ROW, col), header)
        sheet.column_dimensions[get_column_letter(col)].width = width
    # The register's times keep their weekday and hour: its 72 hours are counted in hours.
    write_rows(
        sheet, HEADER_ROW + 1, rows, [width for _, width in columns], numbers=True, moment_format="ddd dd/mm/yyyy hh:mm"
    )
    if rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW + len(rows)}"
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)
    print_setup(sheet, f"{head}: {name.lower()}", HEADER_ROW)


def _by_rule(sheet, rules: dict[str, dict], head: str) -> None:
    """Each rule's one count, as check and the DPO's detail give it."""
    rows = []
    for rule_id in sorted(rules, key=rule_order):
        info = rules[rule_id]
        counts = [info.get(k) for k in ("open", "to_confirm", "lapsed", "set_aside", "accepted_risk", "not_a_breach")]
        rows.append(
            [rule_id, AREA_TITLES.get(info["area"], info["area"]), info["severity"].capitalize(), info["checked"]]
            + (counts + [info.get("undecided", 0)] if info["assessed"] else [None] * 7)
            + [rule_count(rule_id, info)]
        )
    _simple_table(sheet, BY_RULE_SHEET, "Each rule's findings by state, against what it checked", BY_RULE_COLUMNS,
                  rows, head)  # fmt: skip


REGISTER_COLUMNS = (
    ("Incident ID", 10),
    ("Row", 5),
    ("Category", 14),
    ("Breach by", 10),
    ("What happened", 26),
    ("Aware at", 15),
    ("DPO informed at", 15),
    ("SLT assessment at", 15),
    ("ICO reportable", 9),
    ("72 hours ended", 15),
    ("Reported to ICO at", 15),
    ("Who was told (as logged)", 18),
    ("Outcome", 22),
    ("Closed on", 10),
    ("Findings", 22),
)


def _marked_by(b) -> str:
    """What makes an incident a breach in the log: its Personal data breach flag, its Category, or both."""
    by_category = b.category == "Personal data breach"
    return "flag and category" if b.flagged and by_category else "flag" if b.flagged else "category"


def _register(sheet, register: BreachRegister, head: str) -> None:
    """The year's personal data breaches (UK GDPR Article 33(5)), as the incidents log records them."""

    def moment(value):
        return None if value is None else pd.Timestamp(value).to_pydatetime()

    rows = [
        [
            b.incident,
            b.row,
            b.category,
            _marked_by(b),
            b.summary,
            moment(b.aware_at),
            moment(b.dpo_informed_at),
            moment(b.assessed_at),
            {True: "Yes", False: "No", None: "not recorded"}[b.ico_reportable],
            moment(b.ico_deadline),
            moment(b.reported_to_ico_at),
            b.told,
            b.outcome,
            None if b.closed_on is None else pd.Timestamp(b.closed_on).date(),
            "; ".join(b.findings),
        ]
        for b in register.breaches
    ]
    title = (
        f"Personal data breaches of the year ({len(rows)}): incidents logged as a personal data breach (Personal "
        "data breach Yes, or that Category), UK GDPR Article 33(5)"
    )
    if register.unavailable:
        title = f"The breach register cannot be drawn up: {register.unavailable}"
    elif register.missing:
        title += f"; not in the log: {', '.join(register.missing)}"
    _simple_table(sheet, REGISTER_SHEET, title, REGISTER_COLUMNS, rows, head)


__all__ = [
    "PlanLine",
    "ReadWorklist",
    "read_worklist",
    "removed_on",
    "what_to_do",
    "worklist_book",
    "worklist_rows",
]
