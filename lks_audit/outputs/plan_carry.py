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

from ..errors import PlanUnreadable
from ..findings import AREA_TITLES, rule_order
from ..rules import load_all_rules
from ..text import fold_spaces
from .action_plan import (
    ACCEPTED_RISK,
    ACTION,
    AREA,
    CARRIED_OVER,
    CARRIED_OVER_ACCEPTED,
    CLAUSE,
    CLOSED_SHEET,
    COLUMNS,
    DUE,
    FINDINGS,
    LAST_NOTES,
    LAST_STATUS,
    LAST_YEAR_COLUMNS,
    NEW,
    NEW_ACCEPTED,
    NOT_CHECKED,
    NOTES,
    NOTHING_TO_DO,
    OWNER,
    PLAN_SHEET,
    RESOLVED,
    RULE,
    SEVERITY,
    SINCE_LAST_YEAR,
    STATUS,
    STATUSES,
    WRITTEN_EACH_RUN,
    Plan,
    rule_row,
)

#: Headers earlier plans used for a column of ours (as keys: case and spacing aside).
FORMER_HEADERS = {"suggested owner": OWNER.casefold()}
#: How far down a sheet its header row is looked for.
HEADER_SEARCH_ROWS = 15


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
    text = fold_spaces(str(value)).casefold() if value not in (None, "") else ""
    return FORMER_HEADERS.get(text, text)


def _value(value):
    """A cell as read; dates as dates (a date-time at midnight is the date Excel shows), a whole number as one."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_plan(path: str | Path) -> ReadPlan:
    """A published action plan read back by header, as saved in any office format (.xlsx, .ods, .xls: read as
    the workbooks are, by python-calamine); raises :class:`PlanUnreadable`."""
    path = Path(path)
    rows, extra = read_tables(
        path, (PLAN_SHEET, CLOSED_SHEET), (RULE, STATUS), [h for h, _ in COLUMNS + LAST_YEAR_COLUMNS], NOTHING_TO_DO
    )
    if PLAN_SHEET not in rows:
        raise PlanUnreadable(f"{path.name} has no sheet '{PLAN_SHEET}' with a Rule and a Status column")
    return ReadPlan(path, rows, extra)


def read_tables(
    path: Path, sheets: tuple[str, ...], required: tuple[str, ...], ours, empty: str | None = None
) -> tuple[dict[str, list[PlanRow]], tuple[str, ...]]:
    """The tables of a workbook lks-audit wrote, read back by header from ``sheets`` (those found), as saved in any
    office format: each sheet's header row is the first of its top rows holding every header of ``required``;
    headers are matched case and spacing aside (``ours`` are written as we write them, any other is a column a
    person added, returned in the order found); blank rows and a row saying only ``empty`` are left out. Raises
    :class:`PlanUnreadable` when the file cannot be opened."""
    from openpyxl.utils import get_column_letter

    from ..intake import UnreadableFile
    from ..read import open_workbook, sheet_key

    try:
        book = open_workbook(path)
    except (UnreadableFile, OSError) as exc:  # a damaged or foreign file: say so, never stop the report
        raise PlanUnreadable(f"{path.name} cannot be read ({exc})") from None
    ours = {_header_key(h): h for h in ours}
    needed = {_header_key(h) for h in required}
    rows: dict[str, list[PlanRow]] = {}
    extra: list[str] = []
    for sheet_name in sheets:
        name = next((n for n in book.sheet_names if sheet_key(n) == sheet_key(sheet_name)), None)
        if name is None or name not in book.parsed:
            continue
        grid = book.rows(name)
        header_at = next(
            (i for i, line in enumerate(grid[:HEADER_SEARCH_ROWS]) if {_header_key(v) for v in line} >= needed), None
        )
        if header_at is None:
            continue
        headers: dict[int, str] = {}
        for col, value in enumerate(grid[header_at]):
            key = _header_key(value)
            if not key:
                continue
            headers[col] = ours.get(key, fold_spaces(str(value)))
            if key not in ours and headers[col] not in extra:
                extra.append(headers[col])
        letters = {h: get_column_letter(c + 1) for c, h in headers.items()}
        found = []
        for offset, line in enumerate(grid[header_at + 1 :], start=header_at + 2):
            cells = {h: _value(line[c]) if c < len(line) else None for c, h in headers.items()}
            if all(v is None for v in cells.values()):
                continue
            if empty is not None and [v for v in cells.values() if v is not None] == [empty]:
                continue
            found.append(PlanRow(sheet_name, offset, cells, letters))
        rows[sheet_name] = found
    return rows, tuple(extra)


def _typed_headers(row: PlanRow, extra: tuple[str, ...] = ()) -> list[str]:
    """The columns of ``row`` people type into (Owner, Status, Notes, any the plan adds for them to fill in, any a
    person added): everything a run does not write afresh."""
    headers = [h for h, _ in COLUMNS if h not in WRITTEN_EACH_RUN] + [h for h in extra if h not in WRITTEN_EACH_RUN]
    return headers + [h for h in row.cells if h not in WRITTEN_EACH_RUN and h not in headers]


#: What a run writes into Status itself: anything else was typed.
_WRITTEN_STATUSES = ("", STATUSES[0].casefold(), ACCEPTED_RISK.casefold())


def _edited(row: PlanRow) -> bool:
    """Whether anyone changed the row's typed cells from what a run writes (a Status, a note, another owner...)."""
    rule = load_all_rules().get(row.rule or "")
    return (
        _status(row) not in _WRITTEN_STATUSES
        or any(row.cells.get(h) is not None for h in _typed_headers(row) if h not in (OWNER, STATUS))
        or (rule is not None and row.cells.get(OWNER) not in (None, rule.owner))
    )


def _status(row: PlanRow) -> str:
    """The row's Status as typed, case and spacing aside (``done`` is Done)."""
    return _folded(row.cells.get(STATUS))


def _folded(value: object) -> str:
    """A cell's text as compared: case and spacing aside, a blank (or zero) cell empty."""
    return fold_spaces(str(value or "")).casefold()


def _carry(into: dict, row: PlanRow | None, extra: tuple[str, ...]) -> dict:
    """``into`` with the row's typed cells (a blank Owner keeps the suggested one)."""
    if row is None:
        return into
    for header in _typed_headers(row, extra):
        value = row.cells.get(header)
        if value is not None or header not in (OWNER, STATUS):
            into[header] = value
    return into


def _from_last_year(into: dict, last: PlanRow | None) -> dict:
    """``into`` with what last year's row of the rule passes on: its typed cells but Status and Notes (Owner, a
    management response, columns a person added), and its Status and Notes beside this year's fresh ones."""
    if last is None:
        return into
    for header in _typed_headers(last):
        if header not in (STATUS, NOTES) and last.cells.get(header) is not None:
            into[header] = last.cells[header]
    into[LAST_STATUS] = last.cells.get(STATUS)
    into[LAST_NOTES] = last.cells.get(NOTES)
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
    #: Rows added by hand carried: from the plan replaced, and last year's still to do.
    hand_rows: int = 0
    #: Every piece of typed text carried, from the replaced plan or last year's.
    texts: list[CarriedText] = field(default_factory=list)


def _texts(plan: ReadPlan, row: PlanRow, headers) -> list[CarriedText]:
    return [
        CarriedText(str(plan.path), row.sheet, row.cell(h), h, row.cells[h])
        for h in headers
        if isinstance(row.cells.get(h), str)
    ]


def _hand_key(cells: dict) -> tuple:
    """What tells rows added by hand apart, to carry last year's once: their own label and what they ask."""
    return tuple(_folded(cells.get(h)) for h in (RULE, ACTION))


def build_plan(
    actions: list[dict],
    *,
    replaced: ReadPlan | None = None,
    last_year: ReadPlan | None = None,
    last_year_rules: set[str] | None = None,
    decided: dict[str, int] | None = None,
    accepted: list[dict] = (),
    not_checked: dict[str, str] | None = None,
) -> CarriedPlan:
    """The plan for this run from :func:`~.action_plan.action_rows` (``actions``) and
    :func:`~.action_plan.accepted_risk_rows` (``accepted``: rules whose findings the DPO set aside, kept in the plan).

    ``replaced``: the plan this run replaces (same year), whose typed cells are carried by rule, with its rows added
    by hand. ``last_year``: last year's plan, and ``last_year_rules`` the rules it had actions for (with its
    findings.json: open findings and accepted risks): with either, every row says what happened since last year,
    a rule carried over keeps last year's Owner (and every typed column but Status and Notes, shown beside a fresh
    Status), and last year's rows added by hand that are not Done carry on. ``decided``: rule -> findings set aside
    by the DPO's decisions, to say why a rule has nothing open. ``not_checked``: rule -> why this run could not
    assess it: such a rule keeps its row, its edits and Status, and reads *Not checked this run*, never closed.
    """
    plan = _PlanBuilder(replaced, last_year, last_year_rules)
    plan.add_open(actions)
    plan.add_accepted(accepted)
    plan.add_unchecked(not_checked or {})
    if plan.out.plan.with_last_year:
        plan.add_resolved(decided or {})
    plan.add_hand_rows()
    plan.close_the_rest()
    return plan.out


class _PlanBuilder:
    """The new plan as its rows are added, rule by rule (each shown once), then the rows added by hand, then the
    closed sheet; with what each carries from the plan replaced and last year's."""

    def __init__(self, replaced: ReadPlan | None, last_year: ReadPlan | None, last_year_rules: set[str] | None) -> None:
        self.replaced, self.last_year = replaced, last_year
        self.extra = tuple(replaced.extra_headers) if replaced else ()
        if last_year:
            self.extra += tuple(h for h in last_year.extra_headers if h not in self.extra)
        self.last_actions = last_year.actions() if last_year else {}
        self.last_rules = set(self.last_actions) | set(last_year_rules or ())
        #: The replaced plan's row of each rule (the main sheet's row wins over the closed sheet's).
        self.on_main = replaced.rule_rows(PLAN_SHEET) if replaced else {}
        self.edits = {**replaced.rule_rows(CLOSED_SHEET), **self.on_main} if replaced else {}
        with_last_year = last_year is not None or last_year_rules is not None
        self.out = CarriedPlan(Plan([], [], with_last_year, self.extra))
        #: The rules given a row.
        self.shown: set[str] = set()

    def _add(self, row: dict, rule: str, since: str) -> None:
        _carry(_from_last_year(row, self.last_actions.get(rule)), self.edits.get(rule), self.extra)
        if rule in self.edits and _edited(self.edits[rule]):
            self.out.carried_rules.append(rule)
        if self.out.plan.with_last_year:
            row[SINCE_LAST_YEAR] = since
        self.out.plan.rows.append(row)
        self.shown.add(rule)

    def add_open(self, actions: list[dict]) -> None:
        """A row for each rule with open findings."""
        for action in actions:
            rule = action["rule"]
            row = rule_row(action)
            self._add(row, rule, CARRIED_OVER if rule in self.last_rules else NEW)
            if _folded(row.get(STATUS)) == ACCEPTED_RISK.casefold():
                row[STATUS] = STATUSES[0]  # it was accepted when the plan was written; it is open again now

    def add_accepted(self, accepted: list[dict]) -> None:
        """A row for each rule whose findings the DPO accepted as risks."""
        for risk in accepted:
            rule = risk["rule"]
            row = rule_row(risk)
            self._add(row, rule, CARRIED_OVER_ACCEPTED if rule in self.last_rules else NEW_ACCEPTED)
            row[STATUS] = ACCEPTED_RISK  # the DPO's decision says where it stands; edits of Owner and Notes stay

    def add_unchecked(self, not_checked: dict[str, str]) -> None:
        """A row for each rule that had one (in the plan replaced or last year's) and this run could not assess."""
        unchecked = (set(self.on_main) | self.last_rules) & set(not_checked) - self.shown
        for rule in sorted(unchecked, key=rule_order):
            row = _unchecked_row(rule, not_checked[rule], self.on_main.get(rule) or self.last_actions.get(rule))
            if rule not in self.on_main:  # last year's status and notes go beside it; nothing is known this year
                row.update({STATUS: None, NOTES: None, DUE: None})
            self._add(row, rule, NOT_CHECKED)

    def add_resolved(self, decided: dict[str, int]) -> None:
        """A row for each of last year's rules with nothing open, accepted or unchecked this year."""
        resolved = sorted(self.last_rules - self.shown, key=rule_order)
        for rule in resolved:
            row = _resolved_row(rule, self.last_actions.get(rule), decided.get(rule, 0))
            _carry(row, self.edits.get(rule), self.extra)
            self.out.plan.rows.append(row)
        self.shown |= set(resolved)

    def add_hand_rows(self) -> None:
        """The rows added by hand, last, where people add them: the plan replaced's, then last year's not Done."""
        out, replaced, last_year = self.out, self.replaced, self.last_year
        if replaced:
            for hand in replaced.hand_rows(PLAN_SHEET):
                out.plan.rows.append(dict(hand.cells))
                out.texts += _texts(replaced, hand, hand.cells)
            out.hand_rows += len(replaced.hand_rows(PLAN_SHEET)) + len(replaced.hand_rows(CLOSED_SHEET))
        if last_year:
            here = {_hand_key(h.cells) for h in replaced.hand_rows(PLAN_SHEET)} if replaced else set()
            for hand in last_year.hand_rows(PLAN_SHEET):
                if _status(hand) == "done" or _hand_key(hand.cells) in here:
                    continue  # done last year, or carried already into the plan this run replaces
                row = {h: v for h, v in hand.cells.items() if h not in (SINCE_LAST_YEAR, LAST_STATUS, LAST_NOTES)}
                row.update({SINCE_LAST_YEAR: CARRIED_OVER, LAST_STATUS: hand.cells.get(STATUS),
                            LAST_NOTES: hand.cells.get(NOTES)})  # fmt: skip
                out.plan.rows.append(row)
                out.texts += _texts(last_year, hand, hand.cells)
                out.hand_rows += 1

    def close_the_rest(self) -> None:
        """The plan replaced's edited rows of rules given no row, and its closed sheet's rows added by hand, to the
        closed sheet; and every typed text carried, for the personal-data check."""
        out, replaced = self.out, self.replaced
        for rule, row in self.edits.items():
            out.texts += _texts(replaced, row, _typed_headers(row, self.extra))
            if rule in self.shown or not _edited(row):
                continue
            out.plan.closed.append(dict(row.cells))
            out.carried_rules.append(rule)
        if replaced:
            for hand in replaced.hand_rows(CLOSED_SHEET):
                out.plan.closed.append(dict(hand.cells))
                out.texts += _texts(replaced, hand, hand.cells)
        for row in self.last_actions.values():
            out.texts += _texts(self.last_year, row, _typed_headers(row))


def _unchecked_row(rule_id: str, why: str, before: PlanRow | None) -> dict:
    """A rule this run could not assess, that had a row: its row as it was (due date, status), saying why."""
    rule = load_all_rules()[rule_id]
    row = dict(before.cells) if before else {}
    row.update(
        {
            RULE: rule_id,
            AREA: AREA_TITLES.get(rule.area, rule.area),
            SEVERITY: row.get(SEVERITY) or rule.severity.capitalize(),
            FINDINGS: f"{NOT_CHECKED}: {why}",
            CLAUSE: rule.clause,
            ACTION: row.get(ACTION) or rule.action or rule.meaning,
            OWNER: row.get(OWNER) or rule.owner,
        }
    )
    for header in (SINCE_LAST_YEAR, LAST_STATUS, LAST_NOTES):
        row.pop(header, None)
    return row


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

    #: Last year's actions: the rules its plan (or findings) had an action for, and the rows added by hand.
    actions: int
    #: Of those, marked Done in last year's plan; None when last year's plan was not given.
    done: int | None
    #: Of last year's rules, those with nothing open, accepted or unchecked this year.
    resolved: int
    #: Of the actions, those from the checks (rules): the base of ``resolved``.
    from_checks: int = 0


def last_year_actions(
    actions: list[dict],
    last_year: ReadPlan | None,
    last_year_rules: set[str] | None,
    still_there: set[str] = frozenset(),
) -> LastYearActions | None:
    """How many of last year's actions were marked done, and how many have nothing open this year (a rule whose
    findings are accepted as risks, or that was not checked, still has something there: ``still_there``)."""
    if last_year is None and last_year_rules is None:
        return None
    last_actions = last_year.actions() if last_year else {}
    hand = last_year.hand_rows(PLAN_SHEET) if last_year else []
    rules = set(last_actions) | set(last_year_rules or ())
    open_now = {a["rule"] for a in actions} | set(still_there)
    rows = list(last_actions.values()) + hand
    done = sum(1 for row in rows if _status(row) == "done") if last_year else None
    return LastYearActions(len(rules) + len(hand), done, len(rules - open_now), len(rules))
