"""The rule registry: one rule = one small function with its ID, area, severity and clause.

Rules register themselves in their area's module: ``@register_rule(id, severity, area=..., clause=..., ...)`` above
a function declares the :class:`Rule` (everything known about it, such as whether its remedy is a take-down) and
registers the function as its check. An area module states its area once (``AREA``) and declares its rules with
``register = rules_in(AREA)``. The audit hands each check its own :class:`Rule` as the first argument, so a rule's
ID is written once: every check is a :class:`RuleCheck`, ``check(rule, data, ctx, derived)``: it takes the rule, a
loaded :class:`~lks_audit.load.Dataset`, an :class:`~lks_audit.context.AuditContext` and the period's shared tables
(:class:`~lks_audit.rules.derived.Derived`, read-only), and returns ``rule.outcome(findings, checked)``: its
findings (made with ``rule.finding``/``rule.findings``) and how many records it examined. Columns named in
``needs`` are guaranteed to exist in ``data.frames`` when the check runs; if the workbook, sheet or a column is
missing the rule is *not assessed* (:meth:`Rule.gap` says why).

A finding names the column its decision rests on (its cell follows) and any
other cells or IDs that decided it (``rests_on``): from them the audit works out
which findings wait on a data fix.

Each rule also says in plain words what governors read about it: a short ``title`` naming the
problem, ``why`` it matters, what ``good`` looks like and a ``question`` a governor may ask when it
fires. ``meaning`` (the exact semantics, with column and parameter names) is for the DPO and README.

Registration checks itself: an unknown area or severity, a sheet or column the data contract does
not have, or plain words that use the data's vocabulary (a parameter, a column, "= Yes") fail at
import, not in a school's audit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import KW_ONLY, dataclass, field, replace
from functools import partial
from typing import Protocol

import numpy as np
import pandas as pd

from ..context import AuditContext
from ..findings import AREAS, PLATFORM_SOURCE, RULE_FAMILIES, SEVERITIES, Finding, NotAssessed, RuleOutcome, Undecided
from ..load import Dataset
from ..params import Parameters
from ..schema import ROW, SHEETS, WORKBOOK_OF_SHEET
from .derived import Derived
from .unknown import Tri

_RULE_ID = re.compile(r"^(?P<family>[A-Z]+)-\d{2}$")

#: What a governor must never meet in a rule's plain words: identifiers, "Column = Yes", file names.
_SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
_COLUMN_EQUALS = re.compile(r"=\s*(?:Yes|No)\b")
_FILE_NAME = re.compile(r"[\w-]+\.(?:xlsx|xls|ods|json|html)\b")
#: Headers of two words or more, as the workbooks spell them ("Images of students"): single words
#: such as "Privacy" or "Status" are ordinary English as well as headers.
_HEADERS = sorted({h for sheet in SHEETS.values() for h in sheet.headers if " " in h})
_PARAMETERS = tuple(Parameters().as_dict())


class RuleCheck(Protocol):
    """The one signature of every rule's check: its own :class:`Rule` (so its ID is written once, in its
    registration), the data, the audit's context and the period's shared tables; what it found."""

    def __call__(self, rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome: ...


class ClockRows(Protocol):
    """The one signature of every clock's ``open``: the records it is open for at ``ctx`` (see :class:`Clock`)."""

    def __call__(self, data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame: ...


def _not_registered(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    raise TypeError(f"rule {rule.id} was declared but never registered on its check")


@dataclass(frozen=True)
class Rule:
    """A rule as its area's module declares it, and once called on its check (``@register_rule(...)`` above the
    function), as registered: declaring and registering are one step, so each fact about a rule is written once,
    in its declaration, and the registry checks it there (:func:`_problems`)."""

    id: str
    severity: str
    _: KW_ONLY
    area: str
    clause: str
    meaning: str
    #: Sheet -> the columns it reads: all there, or the rule is not assessed.
    needs: Mapping[str, Iterable[str]]
    #: What it examines, singular and plural ("account", "accounts"): the base of its count.
    counts: tuple[str, str]
    #: Governors' words (see the module's docstring): a noun phrase naming the problem ...
    title: str
    #: ... one sentence on why it matters ...
    why: str
    #: ... one sentence on what good looks like ...
    good: str
    #: ... and a question a governor may ask when it fires.
    question: str
    #: ``counts`` in a governor's words, where those read badly ("(post, pictured student) pair").
    plain_counts: tuple[str, str] | None = None
    #: What the school should do about a finding (action plan).
    action: str = ""
    #: The role that usually owns the fix (action plan).
    owner: str = ""
    #: Other severities its findings may carry (APP-01 is high, or medium when the application was not approved).
    also: Iterable[str] = ()
    #: Whether the rule has anything to check in this data (the EVD rules: only with platform archives). When
    #: it has not, it is neither run nor "not assessed": it checked nothing. None: always.
    applies: Callable[[Dataset], bool] | None = None
    #: Its remedy is taking the post down: once the post is removed, what is left is to record the review (the
    #: DPO's worklist says so).
    take_down: bool = False
    #: The governing body itself acts on its findings: they become decisions on the governors' page, not questions.
    governors_decide: bool = False
    check: RuleCheck = field(default=_not_registered, repr=False)

    def __post_init__(self) -> None:
        # Declarations write lists or tuples; the rule keeps tuples (hashable, and compared as written).
        object.__setattr__(self, "needs", {s: tuple(c) for s, c in self.needs.items()})
        object.__setattr__(self, "counts", tuple(self.counts))
        object.__setattr__(self, "plain_counts", tuple(self.plain_counts) if self.plain_counts else None)
        object.__setattr__(self, "also", tuple(self.also))

    def __call__(self, check: RuleCheck) -> RuleCheck:
        """Register ``check`` as this rule, once its declaration passes the registry's checks; returns ``check``."""
        rule = replace(self, check=check)
        problems = _problems(rule)
        if problems:
            raise ValueError(f"rule {self.id} ({check.__name__}): " + "; ".join(problems))
        REGISTRY[self.id] = rule
        return check

    def gap(self, data: Dataset) -> NotAssessed | None:
        """Why this rule cannot be assessed on ``data``: a workbook, sheet or column it needs is missing (the first
        sheet with a gap is the one named, as a school office would fix it first); None when all are there."""
        return next(
            (
                NotAssessed(self.id, self.area, data.unavailable(sheet, columns), data.gaps_for(sheet, columns))
                for sheet, columns in self.needs.items()
                if data.gaps_for(sheet, columns)
            ),
            None,
        )

    @property
    def severities(self) -> tuple[str, ...]:
        """Every severity its findings may carry, ``severity`` first."""
        return (self.severity, *self.also)

    @property
    def plain_base(self) -> tuple[str, str]:
        """What it examines as governors read it, singular and plural."""
        return self.plain_counts or self.counts

    def run(self, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
        return self.check(self, data, ctx, derived)

    def outcome(self, findings: list[Finding], checked: int, undecided: list[Undecided] = ()) -> RuleOutcome:
        return RuleOutcome(findings, int(checked), list(undecided))

    def undecided(
        self,
        frame: pd.DataFrame,
        sheet: str,
        *,
        columns: Iterable[str] = (),
        record: str | None = None,
        students: Iterable | None = None,
        also: Iterable[Iterable[tuple]] | None = None,
    ) -> list[Undecided]:
        """One record it could not decide per row of ``frame`` (which carries ``_row``), as :meth:`findings`
        names them: it waits on whichever of ``columns`` of its row, and of the cells in ``also`` (one iterable
        per row), could not be read."""
        record = record or SHEETS[sheet].label
        n = len(frame)
        keys = frame[record].tolist() if record else [None] * n
        students = students if students is not None else [None] * n
        also = also if also is not None else [()] * n
        columns = tuple(columns)
        file = WORKBOOK_OF_SHEET[sheet].file
        return [
            Undecided(
                self.id,
                _str_or_none(k),
                file,
                sheet,
                None if r != r else int(r),  # a person not on the Staff sheet has no row there
                _str_or_none(st),
                (tuple((sheet, int(r), c) for c in columns) if r == r else ()) + tuple(more),
            )
            for k, r, st, more in zip(keys, frame[ROW].tolist(), students, also)
        ]

    def finding(
        self,
        record: object,
        sheet: str | None,
        row: object,
        message: str,
        *,
        severity: str | None = None,
        student: str | None = None,
        column: str | None = None,
        rests_on: Iterable[tuple] = (),
    ) -> Finding:
        """One finding. ``column``: the column of its own row that its decision rests on (its cell follows);
        ``rests_on``: other (sheet, row, column) cells and (sheet, row, column, ID) references deciding it."""
        severity = severity or self.severity
        if severity not in self.severities:
            raise ValueError(f"rule {self.id} cannot raise a {severity} finding (it raises {self.severities})")
        file = WORKBOOK_OF_SHEET[sheet].file if sheet else None
        row = None if row is None or pd.isna(row) else int(row)
        own = ((sheet, row, column),) if column and row is not None else ()
        return Finding(
            self.id,
            severity,
            self.area,
            _str_or_none(record),
            file,
            sheet,
            row,
            message,
            student=_str_or_none(student),
            column=column,
            rests_on=own + tuple(rests_on),
        )

    def platform_finding(
        self, record: str, file: str, message: str, *, student: str | None = None, rests_on: Iterable[tuple] = ()
    ) -> Finding:
        """A finding that rests on a platform's archive alone (``file``), on no row of a workbook; ``rests_on``: the
        unreadable cells that might have tied it to a logged row."""
        found = self.finding(record, None, None, message, student=student, rests_on=rests_on)
        return replace(found, source=PLATFORM_SOURCE, file=file)

    def findings(
        self,
        frame: pd.DataFrame,
        sheet: str,
        messages: Iterable[str],
        *,
        students: Iterable | None = None,
        severities: Iterable[str] | None = None,
        column: str | Iterable[str | None] | None = None,
        rests_on: Iterable[str] = (),
        also: Iterable[Iterable[tuple]] | None = None,
    ) -> list[Finding]:
        """One finding per row of ``frame`` (which carries the ``_row`` Excel row number).

        Each names its record by the sheet's label column (its key). ``column`` is the
        column its decision rests on (one for every row, or one per row); ``rests_on`` names more columns of
        the same row that decide it; ``also`` gives each finding cells or references on other rows or sheets.
        """
        record = SHEETS[sheet].label
        n = len(frame)
        keys = frame[record].tolist() if record else [None] * n
        students = students if students is not None else [None] * n
        severities = severities if severities is not None else [None] * n
        columns = [column] * n if column is None or isinstance(column, str) else list(column)
        extra = tuple(rests_on)
        also = also if also is not None else [()] * n
        return [
            self.finding(
                k,
                sheet,
                r,
                m,
                severity=s,
                student=st,
                column=c,
                rests_on=tuple((sheet, r, e) for e in extra) + tuple(more),
            )
            for k, r, m, st, s, c, more in zip(keys, frame[ROW].tolist(), messages, students, severities, columns, also)
        ]


REGISTRY: dict[str, Rule] = {}


#: ``@register_rule(id, severity, area=..., clause=..., ...)`` declares a :class:`Rule` and, on the function below it,
#: registers that function as its check.
register_rule = Rule


def rules_in(area: str) -> Callable[..., Rule]:
    """:data:`register_rule` for the rules of one area's module, which states its area once."""
    return partial(register_rule, area=area)


#: What kind of deadline a clock has (due.md): a moment, the end of a day, or none (act now).
HOURS, DAYS, ACT_NOW = "hours", "days", "act now"


def _never_opened(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    raise TypeError("a clock was declared but never registered on its open function")


@dataclass(frozen=True)
class Clock:
    """An obligation the policy times (shared/spec/due.md): open while its record waits for an action, due at a
    moment; the rule it is named after raises its finding once that moment has passed at ``as of``.

    ``open(data, ctx, derived)`` gives the records it is open for at ``ctx`` (the rows of ``sheet``, or of what the rule
    judges, with ``_row``; a stop cell that could not be read reads blank, so its record is among them) with
    ``_start`` and ``_due`` (UK wall-clock moments from :mod:`lks_audit.deadlines`), where unreadable Closures
    dates could move a working-day deadline ``_due_at_latest``, and where cells of other sheets leave the record
    open (only perhaps an account user) ``_open_cells``. The rule raises its finding, firm, on exactly the rows
    :meth:`run_out` picks where none of those cells is unknown (:meth:`overdue` in three values), so clock and rule
    cannot disagree; ``lks-audit due`` lists every row with how long is left, or to confirm.

    As a rule is, a clock is declared above its ``open`` function (``@register_clock(...)``), which registers it.
    """

    rule: str
    #: What has to be done, with ``{record}`` for its record, as the due list names it ("ICO report for {record}").
    name: str
    kind: str
    sheet: str
    _: KW_ONLY
    #: The columns its start and its stop are read from (a stop column left blank keeps it open): a clock whose
    #: cell there could not be read is to confirm (due.md). A start on another sheet: (sheet, column, row column).
    start: tuple = ()
    stop: tuple[str, ...] = ()
    #: Where an open record has no date to count from, the rule raises it at any ``as of`` (an incident with no
    #: Reported at cannot show that anything was done in time); otherwise it never does.
    undated_overdue: bool = False
    #: The column naming a student, for clocks on (post, student) pairs.
    student: str | None = None
    #: The columns of ``sheet`` that say whether the clock runs for a record at all (Offensive, ICO reportable,
    #: Type): where one could not be read, its rule cannot decide the record (rules.md, "Unknown is not blank"),
    #: so the clock is to confirm. Cells elsewhere that leave it open come in :attr:`open`'s ``_open_cells``.
    scope: tuple[str, ...] = ()
    open: ClockRows = field(default=_never_opened, repr=False)

    def __post_init__(self) -> None:
        for name in ("start", "stop", "scope"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def __call__(self, open_rows: ClockRows) -> ClockRows:
        """Register ``open_rows`` as this clock's ``open``; returns it."""
        if self.kind not in (HOURS, DAYS, ACT_NOW) or self.rule in CLOCKS:
            raise ValueError(
                f"clock {self.rule} ({open_rows.__name__}): unknown kind {self.kind!r} or registered twice"
            )
        CLOCKS[self.rule] = replace(self, open=open_rows)
        return open_rows

    @property
    def label(self) -> str:
        """What has to be done, without the record: "ICO report", "Reply to message"."""
        head = self.name.split("{record}")[0].split()
        return " ".join(head[:-1] if head[-1] in ("for", "by") else head)

    def run_out(self, rows: pd.DataFrame, ctx: AuditContext) -> np.ndarray:
        """Which of ``rows`` (from :attr:`open`) have run out at ``ctx``'s ``as of``: an act-now clock at once, any
        other once its deadline has passed, or at any time when it has none and :attr:`undated_overdue`."""
        if self.kind == ACT_NOW:
            return np.ones(len(rows), dtype=bool)
        undated = rows["_due"].isna().to_numpy(dtype=bool)
        return ctx.passed(rows["_due"]) | (undated & self.undated_overdue)

    def in_doubt(self, rows: pd.DataFrame, ctx: AuditContext) -> np.ndarray:
        """Which of ``rows`` have run out only if no unreadable Closures date delays them (rules.md: such a
        working-day deadline is firm only when it has passed at its latest)."""
        if "_due_at_latest" not in rows:
            return np.zeros(len(rows), dtype=bool)
        return self.run_out(rows, ctx) & ~ctx.passed(rows["_due_at_latest"]) & rows["_due"].notna().to_numpy()

    def overdue(self, rows: pd.DataFrame, ctx: AuditContext) -> Tri:
        """:meth:`run_out` in three values (:class:`~lks_audit.rules.unknown.Tri`): unknown where it has run out
        only if no unreadable Closures date delays it (:meth:`in_doubt`)."""
        doubt = self.in_doubt(rows, ctx)
        return Tri(self.run_out(rows, ctx) & ~doubt, doubt)


#: Rule ID -> its clock, for the rules whose findings wait on a deadline or an action (due.md's table).
CLOCKS: dict[str, Clock] = {}


#: ``@register_clock(rule, name, kind, sheet, start=..., ...)`` declares a :class:`Clock` and, on the function below
#: it, registers that function as its ``open``.
register_clock = Clock


def _problems(rule: Rule) -> list[str]:
    """What in a rule's declaration disagrees with the findings model or the data contract."""
    out = []
    match = _RULE_ID.match(rule.id)
    if not match or match["family"] not in RULE_FAMILIES:
        out.append(f"the ID is not of the form XXX-00 with XXX one of {', '.join(RULE_FAMILIES)}")
    if rule.id in REGISTRY:
        out.append("registered twice")
    if rule.area not in AREAS:
        out.append(f"unknown area {rule.area!r}")
    out += [f"unknown severity {s!r}" for s in rule.severities if s not in SEVERITIES]
    for sheet, columns in rule.needs.items():
        if sheet not in SHEETS:
            out.append(f"needs a sheet {sheet!r} that the data contract does not have")
            continue
        out += [
            f"needs a column {c!r} that sheet {sheet} does not have" for c in columns if c not in SHEETS[sheet].headers
        ]
    if not rule.clause or not rule.meaning:
        out.append("has no policy clause or meaning")
    if len(rule.counts) != 2 or not all(rule.counts):
        out.append("counts must name what it examines, singular and plural")
    if rule.plain_counts is not None and (len(rule.plain_counts) != 2 or not all(rule.plain_counts)):
        out.append("plain_counts must name what it examines, singular and plural")
    return out + _plain_word_problems(rule)


def _plain_word_problems(rule: Rule) -> list[str]:
    """Governors' words that are missing, misshapen or use the data's vocabulary."""
    out = []
    shapes = {"title": "", "why": ".", "good": ".", "question": "?"}
    for name, end in shapes.items():
        text = getattr(rule, name)
        if not text.strip():
            out.append(f"has no {name} in plain words")
            continue
        if end and not text.endswith(end):
            out.append(f"its {name} must end with {end!r}")
        if name == "title" and text.rstrip()[-1] in ".?!":
            out.append("its title is a name, not a sentence")
        if name != "title" and re.search(r"[.?!]\s", text):
            out.append(f"its {name} must be one sentence")
    for name in (*shapes, "plain_counts"):
        value = getattr(rule, name)
        text = " ".join(value) if isinstance(value, tuple) else value or ""
        found = set(_SNAKE_CASE.findall(text)) | {p for p in _PARAMETERS if p in text}
        found |= set(_COLUMN_EQUALS.findall(text)) | set(_FILE_NAME.findall(text))
        # A header can be a whole word of the text only if it is in it at all: the plain test first (every command
        # registers every rule, so this runs 50 x 5 x 100 times at each start).
        found |= {h for h in _HEADERS if h in text and re.search(rf"\b{re.escape(h)}\b", text)}
        if found:
            out.append(f"its {name} uses the data's words ({', '.join(sorted(found))})")
    return out


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    return str(value)
