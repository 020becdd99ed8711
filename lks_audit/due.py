"""What is due now: every clock the policy starts, at a moment of the year (shared/spec/due.md).

``due_folder(folder, now)`` loads the workbooks and lists each open clock: the finding it would become
(``INC-05:INC-029``), when it started, when it is due and its state at ``now`` (overdue, due soon, running, or to
confirm when a cell it starts or stops on could not be read). The clocks are the rules' own (each is registered
beside its rule, :func:`~lks_audit.rules.registry.register_clock`): a clock is overdue at ``now`` exactly when its
rule raises its finding, firm, with ``check --as-of "<now>"``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from . import wording
from .audit import PERSONAL_DATA_NOTE, blocked, closures_of, identified
from .context import LONDON, AuditContext, elapsed_hours, instants, make_context
from .findings import NotAssessed, rule_order
from .load import Dataset, load_workbooks
from .params import academic_year_of
from .rules import CLOCKS, REGISTRY, load_all_rules
from .rules.derived import Derived
from .rules.registry import ACT_NOW, HOURS
from .rules.unknown import closure_cells, unreadable
from .schema import ROW, SHEETS, WORKBOOK_OF_SHEET

_ZONE = ZoneInfo(LONDON)

OVERDUE, DUE_SOON, RUNNING, TO_CONFIRM = "overdue", "due soon", "running", "to confirm"
#: Listed in this order: overdue first, then by time left; those to confirm have no time.
STATES = (OVERDUE, DUE_SOON, RUNNING, TO_CONFIRM)
#: due.md: an hour clock is due soon within 24 hours, whatever ``--within`` says.
HOUR_CLOCKS_SOON = 24
DEFAULT_WITHIN_DAYS = 7


@dataclass(frozen=True)
class DueClock:
    """One open clock at a moment: plain data, as findings are."""

    #: The ID of the finding it becomes (``INT-02:I-000123``, ``IMG-04:P-0102:ST0044``).
    clock: str
    rule: str
    #: What is to be done, with the record ("ICO report for INC-031").
    what: str
    #: hours, days or act now (:mod:`lks_audit.rules.registry`).
    kind: str
    record: str | None
    account: str | None
    #: UK wall-clock moments (naive); None when not known.
    started: pd.Timestamp | None
    due: pd.Timestamp | None
    #: Real hours from ``now`` to ``due`` (negative or zero when overdue); None without a due time.
    hours_left: float | None
    state: str
    owner: str
    #: For a clock to confirm: the cell it waits on, its start, stop or scope or one that leaves its record open
    #: ("interactions_log.xlsx, sheet Interactions, cell G1400").
    cell: str | None = None
    #: Where its record is: the file and sheet.
    file: str | None = None
    sheet: str | None = None
    #: The Student ID a take-down clock is about (it is in ``clock`` too); for the DPO's outputs only.
    student: str | None = None
    #: ``what`` as the school's leaders read it: a person is not named by their ID ("Annual declaration by a
    #: member of staff"); posts, accounts, incidents and messages are.
    what_for_leaders: str = ""

    def to_dict(self) -> dict:
        """due.md's object: ``clock``, ``rule``, ``record``, ``account``, ``started``, ``due`` (ISO with the
        Europe/London offset; null when to confirm), ``hours_left``, ``state``, ``owner`` and ``cell``."""
        return {
            "clock": self.clock,
            "rule": self.rule,
            "record": self.record,
            "account": self.account,
            "started": london_iso(self.started),
            "due": london_iso(self.due),
            "hours_left": self.hours_left,
            "state": self.state,
            "owner": self.owner,
            "cell": self.cell,
        }


@dataclass
class DueList:
    """Every open clock at ``now``, in the order listed (overdue first, then by time left)."""

    now: pd.Timestamp
    year: str
    within_days: float
    clocks: list[DueClock]
    #: Clocks whose rule cannot be assessed (a workbook, sheet or column is missing): their clocks are unknown.
    not_assessed: list[NotAssessed] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {state: sum(c.state == state for c in self.clocks) for state in STATES}

    def in_state(self, state: str) -> list[DueClock]:
        """The clocks in ``state`` (:data:`STATES`), in the order listed."""
        return [c for c in self.clocks if c.state == state]

    @property
    def overdue(self) -> list[DueClock]:
        return self.in_state(OVERDUE)

    def to_json_dict(self) -> dict:
        return {
            "personal_data": PERSONAL_DATA_NOTE,
            "now": london_iso(self.now),
            "year": self.year,
            "within_days": self.within_days,
            "counts": self.counts(),
            "not_assessed": [n.to_dict() for n in self.not_assessed],
            "clocks": [c.to_dict() for c in self.clocks],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_json_dict(), ensure_ascii=False, indent=2) + "\n"


def london_iso(wall) -> str | None:
    """A UK wall-clock moment as ISO 8601 with its Europe/London offset (``2026-03-12T14:05:00+00:00``), read as
    :func:`london_aware` reads it."""
    if wall is None or pd.isna(wall):
        return None
    return london_aware(wall).isoformat()


def london_aware(wall) -> dt.datetime:
    """A UK wall-clock moment with its Europe/London zone, read as :func:`~lks_audit.context.instants` reads it:
    in October's repeated hour the first (summer time), in the hour skipped in March just after the change."""
    wall = pd.Timestamp(wall).to_pydatetime()
    aware = wall.replace(tzinfo=_ZONE, fold=0)
    if aware.astimezone(dt.UTC).astimezone(_ZONE).replace(tzinfo=None) != wall:  # the hour skipped in March
        return instants(pd.Series([wall])).iloc[0].to_pydatetime().astimezone(_ZONE)
    return aware


def current_moment() -> dt.datetime:
    """The time now in Europe/London, to the minute (the clocks' and the workbooks' wall-clock time)."""
    return dt.datetime.now(_ZONE).replace(tzinfo=None, second=0, microsecond=0)


def due_context(data: Dataset, now: dt.datetime, params=None) -> AuditContext:
    """The audit context at ``now``: the academic year holding it, ``as of`` the moment ``now``."""
    return make_context(academic_year_of(now.date()), pd.Timestamp(now), params, closures=closures_of(data))


def due_folder(
    folder, now: dt.datetime | None = None, within_days: float = DEFAULT_WITHIN_DAYS, params=None, reading=None
):
    """Load ``folder`` and list its clocks at ``now`` (default: the current time in Europe/London): returns the
    loaded data and the :class:`DueList`. ``reading``: the folder's workbooks already being parsed."""
    data = load_workbooks(Path(folder), reading, archives=False)  # no clock reads the platforms' archives
    now = now or current_moment()
    return data, clocks_at(data, due_context(data, now, params), within_days)


def clocks_at(data: Dataset, ctx: AuditContext, within_days: float = DEFAULT_WITHIN_DAYS) -> DueList:
    """Every clock of ``data`` open at ``ctx``'s ``as of`` moment (``now``), with its state."""
    load_all_rules()
    clocks: list[DueClock] = []
    not_assessed = []
    derived = Derived(data, ctx)  # the tables several clocks read, built once
    for rule_id in sorted(CLOCKS, key=rule_order):
        rule = REGISTRY[rule_id]
        gap = blocked(rule, data)
        if gap:
            not_assessed.append(gap)
            continue
        clocks += _clocks_of(CLOCKS[rule_id], rule, data, ctx, derived, within_days)
    clocks.sort(key=_listed_order)
    return DueList(ctx.as_of_moment, ctx.year, within_days, clocks, not_assessed)


def _listed_order(c: DueClock) -> tuple:
    left = -math.inf if c.hours_left is None else c.hours_left
    return STATES.index(c.state), left, rule_order(c.rule), c.clock


def _clocks_of(clock, rule, data: Dataset, ctx: AuditContext, derived: Derived, within_days: float) -> list[DueClock]:
    rows = clock.open(data, ctx, derived)
    if rows.empty:
        return []
    now = ctx.as_of_moment
    waits_on = _unreadable_cell(clock, data, rows)
    doubt = clock.in_doubt(rows, ctx)
    if doubt.any():
        closures = ", ".join(_cell_name(data, *cell) for cell in closure_cells(data))
        waits_on = [w or (closures if d else None) for w, d in zip(waits_on, doubt)]
    confirm = np.array([w is not None for w in waits_on], dtype=bool)
    # Exactly the rows its rule raises (firm) at this moment: the one test both use.
    run_out = clock.run_out(rows, ctx) & ~confirm
    due = rows["_start"] if clock.kind == ACT_NOW else rows["_due"]
    # A record dated after now (a date typed ahead, DQ-05) has not started its clock, unless its deadline has run
    # out all the same; one with no date to count from is a clock only where its rule raises it at any moment.
    started = ~(rows["_start"] > now).to_numpy()
    if clock.kind == ACT_NOW:
        listed = started
    else:
        listed = run_out | ((confirm | rows["_due"].notna().to_numpy()) & started)
    if not listed.any():
        return []
    hours = elapsed_hours(pd.Series(now, index=rows.index), due)
    days = (pd.Series(pd.to_datetime(due), copy=False).dt.floor("D") - now.floor("D")).dt.days.to_numpy()
    soon = hours <= HOUR_CLOCKS_SOON if clock.kind == HOURS else days <= within_days
    states = np.where(confirm, TO_CONFIRM, np.where(run_out, OVERDUE, np.where(soon, DUE_SOON, RUNNING)))
    ids = _finding_ids(clock, rule, data, rows)
    account = rows["Account ID"].tolist() if "Account ID" in rows else [None] * len(rows)
    students = rows[clock.student].tolist() if clock.student else [None] * len(rows)
    file = WORKBOOK_OF_SHEET[clock.sheet].file
    personal = SHEETS[clock.sheet].label_is_personal
    out = []
    for i in np.flatnonzero(listed):
        state = str(states[i])
        known = state != TO_CONFIRM and not pd.isna(due.iloc[i])
        left = None if not known else round(float(min(hours[i], 0.0) if state == OVERDUE else hours[i]), 1)
        record = ids[i][1]
        shown = _PERSON.get(clock.sheet, "a person") if personal else record or "(no ID)"
        out.append(
            DueClock(
                clock=ids[i][0],
                rule=rule.id,
                what=clock.name.format(record=record or "(no ID)"),
                kind=clock.kind,
                record=record,
                account=_text(account[i]),
                started=_moment(rows["_start"].iloc[i]),
                due=_moment(due.iloc[i]) if known else None,
                hours_left=0.0 if left == 0 else left,
                state=state,
                owner=rule.owner,
                cell=waits_on[i],
                file=file,
                sheet=clock.sheet,
                student=_text(students[i]),
                what_for_leaders=clock.name.format(record=shown),
            )
        )
    return out


#: How the leaders' outputs name a record whose ID is a person's.
_PERSON = {"Staff": "a member of staff"}


def _finding_ids(clock, rule, data: Dataset, rows: pd.DataFrame) -> list[tuple[str, str | None]]:
    """(finding ID, record) per row: the IDs its rule's findings have (:func:`~lks_audit.audit.finding_id`)."""
    students = rows[clock.student] if clock.student else None
    column = clock.stop[0] if clock.stop else None
    findings = identified(rule.findings(rows, clock.sheet, [""] * len(rows), students=students, column=column), data)
    return [(f.id, f.record) for f in findings]


def _unreadable_cell(clock, data: Dataset, rows: pd.DataFrame) -> list[str | None]:
    """Per row: the first of its start, stop and scope cells that could not be read, or of the other cells that
    leave its record open (``_open_cells``), named; None when all could be read."""
    found: list[str | None] = [None] * len(rows)
    specs = [(clock.sheet, c, ROW) if isinstance(c, str) else c for c in clock.start]
    specs += [(clock.sheet, c, ROW) for c in (*clock.stop, *clock.scope)]
    for sheet, column, row_column in specs:
        bad = unreadable(data, rows, sheet, column, rows=row_column)
        for i in np.flatnonzero(bad):
            if found[i] is None:
                found[i] = _cell_name(data, sheet, int(rows[row_column].iloc[i]), column)
    if "_open_cells" in rows:
        for i, cells in enumerate(rows["_open_cells"].tolist()):
            if found[i] is None and cells:
                found[i] = _cell_name(data, *cells[0][:3])
    return found


def _cell_name(data: Dataset, sheet: str, row: int, column: str) -> str:
    """``posts_log.xlsx, sheet Posts, cell C14`` (a finding's wording, :func:`.wording.where`, without the column:
    the clock's line names what it is); ``row 14, column Posted at`` when the column's letter is not known."""
    file = WORKBOOK_OF_SHEET[sheet].file
    cell = data.cell(sheet, column, row)
    if cell:
        return wording.where("", file, sheet, cell, None)
    return f"{file}, sheet {sheet}, row {row}, column {column}"


def _moment(value) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


# ---- the terminal's view ----------------------------------------------------------------------------------------

#: How the due list shows a moment (``Tue 13/01/2026 08:40``) and a day (``Tue 13/01/2026``): the terminal, the
#: digest and the calendar alike.
MOMENT_SHOWN, DAY_SHOWN = "%a %d/%m/%Y %H:%M", "%a %d/%m/%Y"


def time_left(c: DueClock) -> str:
    """``41 hours left``, ``3 days overdue``, ``act now``; hours under two days, whole days beyond."""
    if c.state == TO_CONFIRM:
        return "to confirm"
    if c.kind == ACT_NOW:
        return "act now"
    if c.hours_left is None:
        return "overdue (no date to count from)"
    hours = abs(c.hours_left)
    amount = f"{hours:.0f} hour{'s' if round(hours) != 1 else ''}" if hours < 48 else f"{int(hours // 24)} days"
    return f"{amount} overdue" if c.state == OVERDUE else f"{amount} left"


def since(c: DueClock) -> str:
    """When an act-now clock started: ``Tue 13/01/2026 08:40``, or the day alone for a date (a withdrawal)."""
    return f"{c.started:{DAY_SHOWN if c.started == c.started.normalize() else MOMENT_SHOWN}}"


def clock_line(c: DueClock) -> str:
    """One clock as the terminal lists it: ``ICO report for INC-031: 41 hours left, due Thu 12/03/2026 14:05``."""
    if c.state == TO_CONFIRM:
        return f"{c.what}: to confirm, {c.cell} could not be read"
    if c.kind == ACT_NOW:
        return f"{c.what}: act now{', since ' + since(c) if c.started is not None else ''}"
    due = f", due {c.due:{MOMENT_SHOWN}}" if c.due is not None else ""
    return f"{c.what}: {time_left(c)}{due}"


def format_due_text(due: DueList) -> str:
    """The readable list ``lks-audit due`` prints: counts, then each state's clocks with ID and owner."""
    counts = due.counts()
    lines = [
        f"Policy clocks at {due.now:{MOMENT_SHOWN}} (academic year {due.year}; "
        f"due soon: within {due.within_days:g} days, 24 hours for hour clocks)",
        ", ".join(f"{n} {state}" for state, n in counts.items()),
    ]
    for state in STATES:
        listed = due.in_state(state)
        if listed:
            lines += ["", f"{state.upper()} ({len(listed)})"]
            lines += [f"  {clock_line(c)}  [{c.clock}; {c.owner}]" for c in listed]
    if due.not_assessed:
        lines += ["", "Clocks that could not be listed (the data they need is missing):"]
        lines += [f"  {n.rule}: {n.reason}" for n in due.not_assessed]
    return "\n".join(lines)
