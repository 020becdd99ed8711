"""Carrying the action plan from run to run and from year to year: nothing typed into a published plan is lost.

A re-run for the same year reads the plan it replaces (:func:`read_plan`) and carries, by rule, the Owner,
Status, Management response and Notes typed there into the new plan, with every row added by hand; the edited
rows of rules that have no open finding any more go to the "Closed since the last run" sheet. With last year's
plan, each rule's row says what happened since: New, Carried over (last year's status and notes beside it) or
Resolved.

Reading goes by header text, not by position, so a plan whose columns were moved, widened or saved again by
Excel or LibreOffice reads the same; columns a person added are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import AREA_TITLES, rule_order
from ..rules import load_all_rules
from .action_plan import (
    ACTION,
    AREA,
    CARRIED_OVER,
    CLAUSE,
    CLOSED_SHEET,
    COLUMNS,
    DUE,
    FINDINGS,
    LAST_NOTES,
    LAST_STATUS,
    LAST_YEAR_COLUMNS,
    NEW,
    NOTES,
    OWNER,
    PLAN_SHEET,
    RESOLVED,
    RESPONSE,
    RULE,
    SEVERITY,
    SINCE_LAST_YEAR,
    STATUS,
    STATUSES,
    Plan,
    rule_row,
)

#: Headers earlier plans used for a column of ours (as keys: case and spacing aside).
FORMER_HEADERS = {"suggested owner": OWNER.casefold()}
#: What a person may type into a plan and have carried: the rest of a rule's row is written afresh each run.
EDITABLE = (OWNER, STATUS, RESPONSE, NOTES)
#: Of those, the free text (a blank one carried as blank).
TYPED = (RESPONSE, NOTES)
#: How far down a sheet its header row is looked for.
HEADER_SEARCH_ROWS = 15


class PlanUnreadable(Exception):
    """A published plan that cannot be read back (not an .xlsx, no table): its edits cannot be carried."""


@dataclass
class PlanRow:
    """One row of a published plan: its cells by header, and where it is."""

    sheet: str
    row: int
    cells: dict[str, object]
    #: Header -> column letter, to name a cell.
    letters: dict[str, str] = field(default_factory=dict)

    @property
    def rule(self) -> str | None:
        """The rule the row is about, when its Rule cell names one."""
        text = str(self.cells.get(RULE) or "").strip().upper()
        return text if text in load_all_rules() else None

    def cell(self, header: str) -> str:
        return f"{self.letters.get(header, '?')}{self.row}"


@dataclass
class ReadPlan:
    """A published action plan read back."""

    path: Path
    #: Per sheet, its rows that say something (blank rows and our "nothing to do" line left out).
    rows: dict[str, list[PlanRow]]
    #: Headers a person added, in the order found.
    extra_headers: tuple[str, ...] = ()

    def rule_rows(self, sheet: str) -> dict[str, PlanRow]:
        """The row of each rule on ``sheet`` (the first one naming it: a second one was added by hand)."""
        out: dict[str, PlanRow] = {}
        for row in self.rows.get(sheet, []):
            if row.rule and row.rule not in out:
                out[row.rule] = row
        return out

    def hand_rows(self, sheet: str) -> list[PlanRow]:
        """Rows a person added: no rule, or a rule already given a row above."""
        firsts = {id(r) for r in self.rule_rows(sheet).values()}
        return [r for r in self.rows.get(sheet, []) if id(r) not in firsts]

    def actions(self) -> dict[str, PlanRow]:
        """The plan's actions by rule (its main sheet), leaving out the rows that say a rule was resolved."""
        return {
            rule: row
            for rule, row in self.rule_rows(PLAN_SHEET).items()
            if str(row.cells.get(SINCE_LAST_YEAR) or "").strip().casefold() != RESOLVED.casefold()
        }


def _header_key(value) -> str:
    text = " ".join(str(value).split()).casefold() if value not in (None, "") else ""
    return FORMER_HEADERS.get(text, text)


def _value(value):
    """A cell as read; dates as dates (a date-time at midnight is the date Excel shows)."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    if isinstance(value, str):
        return value.strip() or None
    return value


def read_plan(path: str | Path) -> ReadPlan:
    """A published action-plan.xlsx read back by header; raises :class:`PlanUnreadable`."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    path = Path(path)
    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # a damaged or foreign file: say so, never stop the report
        raise PlanUnreadable(f"{path.name} cannot be read ({type(exc).__name__})") from None
    ours = {_header_key(h): h for h, _ in COLUMNS + LAST_YEAR_COLUMNS}
    rows: dict[str, list[PlanRow]] = {}
    extra: list[str] = []
    for sheet_name in (PLAN_SHEET, CLOSED_SHEET):
        sheet = next((book[n] for n in book.sheetnames if _header_key(n) == _header_key(sheet_name)), None)
        if sheet is None:
            continue
        grid = [list(r) for r in sheet.iter_rows(values_only=True)]
        header_at = next(
            (
                i
                for i, line in enumerate(grid[:HEADER_SEARCH_ROWS])
                if {_header_key(v) for v in line} >= {_header_key(RULE), _header_key(STATUS)}
            ),
            None,
        )
        if header_at is None:
            continue
        headers: dict[int, str] = {}
        for col, value in enumerate(grid[header_at]):
            key = _header_key(value)
            if not key:
                continue
            headers[col] = ours.get(key, " ".join(str(value).split()))
            if key not in ours and headers[col] not in extra:
                extra.append(headers[col])
        letters = {h: get_column_letter(c + 1) for c, h in headers.items()}
        found = []
        for offset, line in enumerate(grid[header_at + 1 :], start=header_at + 2):
            cells = {h: _value(line[c]) if c < len(line) else None for c, h in headers.items()}
            if all(v is None for v in cells.values()):
                continue
            if [v for v in cells.values() if v is not None] == ["No findings: nothing to do this year."]:
                continue
            found.append(PlanRow(sheet_name, offset, cells, letters))
        rows[sheet_name] = found
    if PLAN_SHEET not in rows:
        raise PlanUnreadable(f"{path.name} has no sheet '{PLAN_SHEET}' with a Rule and a Status column")
    return ReadPlan(path, rows, tuple(extra))


def _edited(row: PlanRow) -> bool:
    """Whether anyone changed the row's Owner, Status, Management response or Notes from what a run writes."""
    rule = load_all_rules().get(row.rule or "")
    status = _status(row)
    return (
        status not in ("", STATUSES[0].casefold())
        or any(row.cells.get(h) is not None for h in TYPED)
        or (rule is not None and row.cells.get(OWNER) not in (None, rule.owner))
    )


def _status(row: PlanRow) -> str:
    """The row's Status as typed, case and spacing aside (``done`` is Done)."""
    return " ".join(str(row.cells.get(STATUS) or "").split()).casefold()


def _carry(into: dict, row: PlanRow | None, extra: tuple[str, ...]) -> dict:
    """``into`` with the row's editable cells and added columns (a blank Owner keeps the suggested one)."""
    if row is None:
        return into
    for header in EDITABLE + extra:
        value = row.cells.get(header)
        if value is not None or header in TYPED:
            into[header] = value
    return into


@dataclass(frozen=True)
class CarriedText:
    """A cell of a plan whose text goes into the new plan (for the personal-data check)."""

    file: str
    sheet: str
    cell: str
    column: str
    text: str


@dataclass
class CarriedPlan:
    """The new plan, and what was carried into it."""

    plan: Plan
    #: Rules whose edits came from the plan replaced (same year).
    carried_rules: list[str] = field(default_factory=list)
    hand_rows: int = 0
    #: Every piece of typed text carried, from the replaced plan or last year's.
    texts: list[CarriedText] = field(default_factory=list)


def _texts(plan: ReadPlan, row: PlanRow, headers) -> list[CarriedText]:
    return [
        CarriedText(str(plan.path), row.sheet, row.cell(h), h, row.cells[h])
        for h in headers
        if isinstance(row.cells.get(h), str)
    ]


def build_plan(
    actions: list[dict],
    *,
    replaced: ReadPlan | None = None,
    last_year: ReadPlan | None = None,
    last_year_rules: set[str] | None = None,
    decided: dict[str, int] | None = None,
) -> CarriedPlan:
    """The plan for this run from :func:`~.action_plan.action_rows` (``actions``).

    ``replaced``: the plan this run replaces (same year), whose edits are carried by rule, with its rows added
    by hand. ``last_year``: last year's plan, and ``last_year_rules`` the rules it had actions for (taken from
    its findings.json when there is no plan): with either, every row says what happened since last year.
    ``decided``: rule -> findings set aside by the DPO's decisions, to say why a rule has nothing open.
    """
    decided = decided or {}
    extra = tuple(replaced.extra_headers) if replaced else ()
    with_last_year = last_year is not None or last_year_rules is not None
    last_actions = last_year.actions() if last_year else {}
    last_rules = set(last_actions) | set(last_year_rules or ())
    edits = {}
    if replaced:  # the main sheet's row wins over the closed sheet's
        edits = {**replaced.rule_rows(CLOSED_SHEET), **replaced.rule_rows(PLAN_SHEET)}
    out = CarriedPlan(Plan([], [], with_last_year, extra))
    open_rules = set()
    for action in actions:
        rule = action["rule"]
        open_rules.add(rule)
        row = _carry(rule_row(action), edits.get(rule), extra)
        if rule in edits and _edited(edits[rule]):
            out.carried_rules.append(rule)
        if with_last_year:
            _since_last_year(row, rule in last_rules, last_actions.get(rule))
        out.plan.rows.append(row)
    resolved = sorted(last_rules - open_rules, key=rule_order) if with_last_year else []
    for rule in resolved:
        row = _resolved_row(rule, last_actions.get(rule), decided.get(rule, 0))
        _carry(row, edits.get(rule), extra)
        out.plan.rows.append(row)
    if replaced:  # last, where people add them
        for hand in replaced.hand_rows(PLAN_SHEET):
            out.plan.rows.append(dict(hand.cells))
            out.texts += _texts(replaced, hand, hand.cells)
        out.hand_rows += len(replaced.hand_rows(PLAN_SHEET)) + len(replaced.hand_rows(CLOSED_SHEET))
    for rule, row in edits.items():
        out.texts += _texts(replaced, row, (OWNER,) + TYPED + extra)
        if rule in open_rules or rule in resolved or not _edited(row):
            continue
        out.plan.closed.append(dict(row.cells))
        out.carried_rules.append(rule)
    if replaced:
        for hand in replaced.hand_rows(CLOSED_SHEET):
            out.plan.closed.append(dict(hand.cells))
            out.texts += _texts(replaced, hand, hand.cells)
    for row in last_actions.values():
        out.texts += _texts(last_year, row, (OWNER, NOTES))
    return out


def _since_last_year(row: dict, had_action: bool, last: PlanRow | None) -> None:
    row[SINCE_LAST_YEAR] = CARRIED_OVER if had_action else NEW
    if last is not None:
        row[LAST_STATUS] = last.cells.get(STATUS)
        row[LAST_NOTES] = last.cells.get(NOTES)


def _resolved_row(rule_id: str, last: PlanRow | None, decided: int) -> dict:
    """A rule last year's plan had an action for, with nothing open this year."""
    rule = load_all_rules()[rule_id]
    nothing = "None open this year" + (f" ({decided} set aside by the DPO's decisions)" if decided else "")
    return {
        RULE: rule_id,
        AREA: AREA_TITLES.get(rule.area, rule.area),
        SEVERITY: (last.cells.get(SEVERITY) if last else None) or rule.severity.capitalize(),
        FINDINGS: nothing,
        CLAUSE: rule.clause,
        ACTION: "Nothing open this year: check that the fix holds.",
        OWNER: (last.cells.get(OWNER) if last else None) or rule.owner,
        DUE: None,
        STATUS: None,  # nothing to track; a Status typed here is carried like any other
        NOTES: None,
        SINCE_LAST_YEAR: RESOLVED,
        LAST_STATUS: last.cells.get(STATUS) if last else None,
        LAST_NOTES: last.cells.get(NOTES) if last else None,
    }


@dataclass(frozen=True)
class LastYearActions:
    """How last year's actions ended, for the governors: each count beside its base."""

    #: Rules last year's plan (or findings) had an action for.
    actions: int
    #: Of those, marked Done in last year's plan; None when last year's plan was not given.
    done: int | None
    #: Of those, with no open finding this year.
    resolved: int


def last_year_actions(
    actions: list[dict], last_year: ReadPlan | None, last_year_rules: set[str] | None
) -> LastYearActions | None:
    """How many of last year's actions were marked done, and how many have nothing open this year."""
    if last_year is None and last_year_rules is None:
        return None
    last_actions = last_year.actions() if last_year else {}
    rules = set(last_actions) | set(last_year_rules or ())
    open_now = {a["rule"] for a in actions}
    done = sum(1 for row in last_actions.values() if _status(row) == "done") if last_year else None
    return LastYearActions(len(rules), done, len(rules - open_now))
