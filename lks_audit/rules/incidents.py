"""Incidents (area ``incidents``): INC-01..INC-08 on the Incidents sheet.

INC-07 is a standing state at ``as_of`` (every row); the others judge incidents reported in the period. The clocks
of INC-01, INC-03, INC-04, INC-05, INC-07 and INC-08 (due.md) are the records their rules judge, with deadlines from
:mod:`lks_audit.deadlines`: a rule raises its finding once its clock has run out at ``as of``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..context import AuditContext, elapsed_hours
from ..deadlines import assessment_due, days_after, ico_due
from ..findings import RuleOutcome
from ..load import Dataset
from .base import fmt_date, in_period, is_blank, names, weekday_datetime_texts
from .derived import Derived
from .registry import ACT_NOW, CLOCKS, DAYS, HOURS, Rule, register_clock, rules_in
from .unknown import (
    Tri,
    blank,
    checked,
    closure_cells,
    in_doubt,
    known,
    says_yes,
    settle,
    settle_as_read,
    test,
    unreadable,
)

#: The area of every rule in this module.
AREA = "incidents"
register = rules_in(AREA)

_SHEET = "Incidents"
#: Which incidents of ``rows`` a test holds for, in three values (:func:`_flag`'s ``selects`` and ``scope``).
Selects = Callable[[Dataset, pd.DataFrame], Tri]
#: A rule's clock on each of ``rows``: them with ``_start`` and ``_due`` (:func:`_flag`'s ``timing``).
Timing = Callable[[Dataset, AuditContext, pd.DataFrame], pd.DataFrame]
_ASSESS = (
    "Make an initial assessment when an incident is reported and involve appropriate staff and external "
    "agencies as required"
)
_ILLEGAL = (
    "Where conduct is considered illegal, the school will report the matter to the police and other "
    "relevant external agencies, and may take action according to the disciplinary policy."
)
_DATA_PROTECTION = (
    "Users of the school official social media accounts, must ensure that their use of social "
    "media does not infringe upon relevant data protection laws, or breach confidentiality"
)
_ESCALATE = (
    "Unacceptable conduct, (e.g. defamatory, discriminatory, offensive, harassing content or a breach of "
    "data protection, confidentiality, copyright) will be considered extremely seriously by the school "
    "and will be reported as soon as possible to a relevant senior member of staff, and escalated where "
    "appropriate."
)
_JOURNALIST = (
    "If a journalist makes contact about posts made using social media, staff must follow the school "
    "media policy before responding."
)
_INVESTIGATE = "Take a lead role in investigating any reported incidents"


@dataclass(frozen=True)
class _Flag:
    """What an incidents rule flags: in-period incidents of ``scope`` (all by default) where ``selects`` holds (by
    default: ``column`` reads blank), out of that scope.

    ``column`` is the cell the finding rests on; ``message`` has {id} and {reported}. ``selects`` and ``scope``
    give a :class:`~lks_audit.rules.unknown.Tri` (unknown where a cell they read could not be read): an unknown
    scope is undecided; an unknown ``column`` reads as none ("no report recorded"), to confirm, unless
    ``answer_in_doubt`` (a Yes/No answer that could not be read may be Yes): then undecided too.

    ``timing(data, ctx, rows)``: the rule's clock (due.md) on each row; then only records whose clock has run out
    at ``as of`` are raised (``message`` may end in {due}: "; it was due by ...", blank with no date to count
    from), and one that has only if no unreadable Closures date delays it is to confirm on those cells. The
    clock's open records are :meth:`open_rows`: the same scope, ``column`` still blank.
    """

    column: str
    message: str
    selects: Selects | None = None
    scope: Selects | None = None
    answer_in_doubt: bool = False
    timing: Timing | None = None

    def hits(self, data: Dataset, rows: pd.DataFrame) -> Tri:
        return self.selects(data, rows) if self.selects else blank(data, rows, _SHEET, self.column)

    def open_rows(self, data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
        """The clock's records: in-period incidents that are, or may be, of ``scope`` whose ``column`` reads blank
        (or could not be read), with their deadlines."""
        return self.timing(data, ctx, _waiting(data, derived, self.column, self.scope))


def _flag(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived, flag: _Flag) -> RuleOutcome:
    """The outcome of the incidents rule that ``flag`` describes (:class:`_Flag`)."""
    scope, timing, message, column = flag.scope, flag.timing, flag.message, flag.column
    rows = derived.incidents_in_period
    scope = scope(data, rows) if scope is not None else known(np.ones(len(rows), dtype=bool))
    hit = scope & flag.hits(data, rows)
    if timing is not None:
        rows = timing(data, ctx, rows)
        hit = hit & CLOCKS[rule.id].overdue(rows, ctx)
    found, undecided = settle(hit, doubtful=hit.unknown if flag.answer_in_doubt else scope.unknown)
    hit = rows[found]
    due = [""] * len(hit)
    if timing is not None:
        texts = weekday_datetime_texts(hit["_due"])
        due = [f"; it was due by {d}" if pd.notna(w) else "" for d, w in zip(texts, hit["_due"])]
    messages = [
        message.format(id=i, reported=r, due=d)
        for i, r, d in zip(names(hit, "Incident ID"), weekday_datetime_texts(hit["Reported at"]), due)
    ]
    closures = closure_cells(data) if timing is not None else []
    doubt = CLOCKS[rule.id].in_doubt(rows, ctx)[found] if timing is not None else np.zeros(len(hit), dtype=bool)
    findings = rule.findings(
        hit, _SHEET, messages, column=column, rests_on=("Reported at",),
        also=[closures if d else [] for d in doubt.tolist()],
    )  # fmt: skip
    waits = rule.undecided(rows[undecided], _SHEET, columns=(column, *scope_columns(rule)))
    return rule.outcome(findings, checked(scope, found, undecided), waits)


def _waiting(data: Dataset, derived: Derived, column: str, scope: Selects | None = None) -> pd.DataFrame:
    """In-period incidents that are, or may be, of ``scope`` (all by default) whose ``column`` reads blank (or could
    not be read): their clock runs."""
    rows = derived.incidents_in_period
    if scope is not None:
        rows = rows[scope(data, rows).maybe]
    return rows[is_blank(rows[column]).to_numpy(dtype=bool)]


def _acted_at_once(data: Dataset, ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    """An act-now clock (due.md): it starts, and has run out, when the school became aware (Reported at)."""
    return rows.assign(_start=rows["Reported at"], _due=rows["Reported at"])


def _assessment_clock(data: Dataset, ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    """INC-01's clock: the end of the ``assessment_working_days``-th working day after the day reported, and the
    latest it can be while Closures dates could not be read."""
    due, latest = _assessment_deadlines(ctx, rows, len(closure_cells(data)))
    return rows.assign(_start=rows["Reported at"], _due=due, _due_at_latest=latest)


def _assessment_deadlines(ctx: AuditContext, rows: pd.DataFrame, unknown_closures: int) -> tuple[pd.Series, pd.Series]:
    """Each of ``rows``' SLT assessment deadline, and the latest it can be while ``unknown_closures`` Closures dates
    could not be read (each may be one of the working days counted, moving the last one on)."""
    return assessment_due(rows["Reported at"], ctx), assessment_due(rows["Reported at"], ctx, unknown_closures)


def _ico_clock(data: Dataset, ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    """INC-05's and INC-08's clock: ``ico_hours`` real hours after the school became aware (Reported at)."""
    return rows.assign(_start=rows["Reported at"], _due=ico_due(rows["Reported at"], ctx))


def scope_columns(rule: Rule) -> tuple[str, ...]:
    """The columns a rule reads beyond the period's date: those an undecided record may wait on."""
    return tuple(c for c in rule.needs[_SHEET] if c not in ("Incident ID", "Reported at"))


_INCIDENTS = ("incident", "incidents")
_BREACHES = ("personal data breach", "personal data breaches")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _personal_data_breach(data: Dataset, rows: pd.DataFrame) -> Tri:
    """rules.md: Personal data breach = Yes, or the Category says it is one (whatever the Yes/No column)."""
    category = test(data, rows, _SHEET, (rows["Category"] == "Personal data breach").to_numpy(), "Category")
    return says_yes(data, rows, _SHEET, "Personal data breach") | category


def _considered_illegal(data: Dataset, rows: pd.DataFrame) -> Tri:
    return says_yes(data, rows, _SHEET, "Considered illegal")


#: INC-01 and its clock.
_NOT_ASSESSED = _Flag(
    "SLT assessment at",
    "Incident {id} (reported {reported}) has no SLT assessment recorded{due}",
    timing=_assessment_clock,
)
#: INC-03 and its clock.
_POLICE_NOT_TOLD = _Flag(
    "Reported to police on",
    "Incident {id} (reported {reported}) was considered illegal but no report to the police is recorded",
    scope=_considered_illegal,
    timing=_acted_at_once,
)
#: INC-04 and its clock.
_DPO_NOT_TOLD = _Flag(
    "DPO informed at",
    "Personal data breach {id} (reported {reported}): no record that the DPO was informed",
    scope=_personal_data_breach,
    timing=_acted_at_once,
)
#: INC-08 and its clock.
_NO_ICO_DECISION = _Flag(
    "ICO reportable",
    "Personal data breach {id} (reported {reported}): the decision whether to report it to the ICO is not "
    "recorded{due}",
    scope=_personal_data_breach,
    timing=_ico_clock,
)


#: The columns that say which incidents are personal data breaches.
BREACH_COLUMNS = ("Category", "Personal data breach")


def personal_data_breaches(data: Dataset, ctx: AuditContext, maybe: bool = False) -> pd.DataFrame:
    """The personal data breaches of the year, counted one way everywhere (INC-04's and INC-08's base, the breach
    register, the measures): incidents reported in the period whose Personal data breach is Yes or whose Category is
    Personal data breach. ``maybe``: instead, those that may be one (a cell saying so could not be read), which the
    rules leave undecided and no count includes."""
    rows = in_period(data.frames[_SHEET], "Reported at", ctx)  # small: the breach register reads it apart
    breach = _personal_data_breach(data, rows)
    return rows[breach.unknown if maybe else breach.yes]


@register(
    "INC-01",
    "high",
    clause=_ASSESS,
    meaning="An incident has no SLT assessment at, and its deadline (the end of the assessment_working_days-th working "
    "day after the day it was reported) passed before as_of.",
    needs={_SHEET: ("Incident ID", "Reported at", "SLT assessment at")},
    counts=_INCIDENTS,
    title="Incidents not assessed by a senior leader",
    why="A senior leader must assess each incident so that the right action is taken.",
    good="Every incident has a senior leader's assessment on record.",
    question="Who makes sure that every incident is assessed?",
    action="Have a member of SLT assess the incident now and record when and by whom.",
    owner="SLT",
)
def no_slt_assessment(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    return _flag(rule, data, ctx, derived, _NOT_ASSESSED)


@register_clock(
    "INC-01",
    "SLT assessment of incident {record}",
    HOURS,
    _SHEET,
    start=("Reported at",),
    stop=("SLT assessment at",),
    undated_overdue=True,
)
def awaiting_assessment(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """In-period incidents with no SLT assessment at: due by the end of the ``assessment_working_days``-th working
    day after the day reported (rules.md)."""
    return _NOT_ASSESSED.open_rows(data, ctx, derived)


@register(
    "INC-02",
    "medium",
    clause=_ASSESS,
    meaning="The SLT assessment's day is after the assessment_working_days-th working day after the day the "
    "incident was reported.",
    needs={_SHEET: ("Incident ID", "Reported at", "SLT assessment at")},
    counts=("assessed incident", "assessed incidents"),
    title="Incidents assessed late",
    why="A quick assessment stops harm from growing.",
    good="Senior leaders assess each incident within the agreed number of working days.",
    question="Who assesses incidents when senior leaders are away?",
    action="Assess reported incidents within the agreed number of working days; make sure SLT cover is "
    "arranged for absences.",
    owner="SLT",
)
def assessed_late(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    rows = derived.incidents_in_period
    n = ctx.params.assessment_working_days
    closures = closure_cells(data)
    due, latest = (deadline.dt.floor("D") for deadline in _assessment_deadlines(ctx, rows, len(closures)))
    assessed_on = rows["SLT assessment at"].dt.floor("D")
    late = (assessed_on > due).to_numpy(dtype=bool)
    surely = (assessed_on > latest).to_numpy(dtype=bool)
    times_unread = unreadable(data, rows, _SHEET, "Reported at", "SLT assessment at")
    # A time that could not be read leaves the delay unknown: undecided (INC-01 says an assessment is missing).
    hit = in_doubt(Tri(surely, late & ~surely), times_unread)
    found, undecided = settle_as_read(hit, late, doubtful=times_unread)
    assessed = (rows["SLT assessment at"].notna() & rows["Reported at"].notna()).to_numpy()
    hit, due = rows[found], due[found]
    messages = [
        f"Incident {i} (reported {r}) was assessed by SLT on {a}, after the {_ordinal(n)} working day "
        f"{pd.Timestamp(d):%a} {fmt_date(d)}"
        for i, r, a, d in zip(
            names(hit, "Incident ID"),
            weekday_datetime_texts(hit["Reported at"]),
            weekday_datetime_texts(hit["SLT assessment at"]),
            due,
        )
    ]
    findings = rule.findings(
        hit, _SHEET, messages, column="SLT assessment at", rests_on=("Reported at",),
        also=[closures if not s else [] for s in surely[found].tolist()],
    )  # fmt: skip
    waits = rule.undecided(rows[undecided], _SHEET, columns=("Reported at", "SLT assessment at"))
    return rule.outcome(findings, checked(known(assessed), found, undecided), waits)


@register(
    "INC-03",
    "critical",
    clause=_ILLEGAL,
    meaning="Considered illegal = Yes and no Reported to police on.",
    needs={_SHEET: ("Incident ID", "Reported at", "Considered illegal", "Reported to police on")},
    counts=("incident considered illegal", "incidents considered illegal"),
    title="Possible crimes not reported to the police",
    why="Where conduct may be illegal, the policy says that the school reports it to the police.",
    good="Every incident thought to be illegal is reported to the police.",
    question="Why were these incidents not reported to the police, and has that now been done?",
    plain_counts=("incident thought to be illegal", "incidents thought to be illegal"),
    action="Report the matter to the police now (and other relevant agencies) and record the date.",
    owner="Designated safeguarding lead",
)
def illegal_not_reported(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    return _flag(rule, data, ctx, derived, _POLICE_NOT_TOLD)


@register_clock(
    "INC-03", "Police report of incident {record}", ACT_NOW, _SHEET, stop=("Reported to police on",),
    scope=("Considered illegal",),
)  # fmt: skip
def police_not_told(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """In-period incidents considered illegal with no Reported to police on: to be reported at once."""
    return _POLICE_NOT_TOLD.open_rows(data, ctx, derived)


@register(
    "INC-04",
    "high",
    clause=_ESCALATE,
    meaning="A personal data breach (Personal data breach = Yes or Category Personal data breach) has no DPO "
    "informed at.",
    needs={_SHEET: ("Incident ID", "Reported at", "Category", "Personal data breach", "DPO informed at")},
    counts=_BREACHES,
    title="Data breaches not passed to the data protection officer",
    why="The data protection officer must know of each breach to judge the harm and whether the law says it must be "
    "reported.",
    good="The data protection officer hears of every data breach at once.",
    question="How does news of a data breach reach the data protection officer straight away?",
    plain_counts=("data breach", "data breaches"),
    action="Inform the Data Protection Officer now and record when.",
    owner="SLT",
)
def breach_dpo_not_informed(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    return _flag(rule, data, ctx, derived, _DPO_NOT_TOLD)


#: The columns saying whether an incident is a personal data breach (rules.md).
_BREACH_COLUMNS = ("Category", "Personal data breach")


@register_clock(
    "INC-04", "Tell the DPO of breach {record}", ACT_NOW, _SHEET, stop=("DPO informed at",), scope=_BREACH_COLUMNS
)
def dpo_not_told(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """In-period personal data breaches with no DPO informed at: the DPO is to be told at once."""
    return _DPO_NOT_TOLD.open_rows(data, ctx, derived)


@register(
    "INC-05",
    "critical",
    clause=_DATA_PROTECTION,
    meaning="ICO reportable = Yes and Reported to ICO at is more than ico_hours real hours after Reported at, or "
    "is missing while Reported at + ico_hours passed before as_of (UK GDPR Article 33). Each finding says which: "
    "reported late (by how many hours) or not reported (how many hours since the school became aware).",
    needs={_SHEET: ("Incident ID", "Reported at", "ICO reportable", "Reported to ICO at")},
    counts=("ICO-reportable incident", "ICO-reportable incidents"),
    title="Serious data breaches not reported to the regulator in time",
    why="The law says that a serious data breach must be reported to the Information Commissioner's Office soon "
    "after the school becomes aware of it, within a set number of hours.",
    good="Each breach that the regulator must hear of is reported on time.",
    question="Would we report a serious data breach in time, even in the holidays?",
    plain_counts=("breach the regulator must hear of", "breaches the regulator must hear of"),
    action="Report the breach to the ICO without delay and record when; document the reasons for any delay.",
    owner="Data Protection Officer",
)
def ico_not_reported_in_time(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    every = derived.incidents_in_period
    reportable = _ico_reportable(data, every)
    rows = _ico_clock(data, ctx, every[reportable.maybe])
    limit = ctx.params.ico_hours
    # rules.md: real elapsed hours in Europe/London, so a clock change in between counts as it happened.
    taken = elapsed_hours(rows["Reported at"], rows["Reported to ICO at"])
    deadline = rows["_due"]
    # Not reported: once its clock has run out at as of (due.md; an incident with no Reported at is raised: when
    # the school became aware cannot be shown, so neither can a report in time).
    passed = CLOCKS["INC-05"].run_out(rows, ctx)
    missing = rows["Reported to ICO at"].isna().to_numpy() & passed
    mask = missing | (taken > limit)
    # In three values: a Reported to ICO at that could not be read reads as none ("has not been reported"), to
    # confirm, once its deadline has passed; an ICO reportable that could not be read, or a Reported at beside a
    # report, leaves it undecided.
    aware_unread = unreadable(data, rows, _SHEET, "Reported at") & rows["Reported to ICO at"].notna().to_numpy()
    scope = Tri(reportable.yes[reportable.maybe], reportable.unknown[reportable.maybe])
    report = Tri(mask, unreadable(data, rows, _SHEET, "Reported to ICO at") & passed)
    hit = scope & in_doubt(report, aware_unread)
    doubtful = unreadable(data, rows, _SHEET, "ICO reportable") | aware_unread
    found, undecided = settle_as_read(hit, mask & scope.yes, doubtful)
    hit, taken, deadline = rows[found], taken[found], deadline[found]
    since = elapsed_hours(hit["Reported at"], pd.Series(ctx.as_of_moment, index=hit.index))
    # The DPO informed at column is not needed to judge INC-05; where it is there, the finding says when.
    told = hit["DPO informed at"] if "DPO informed at" in hit else pd.Series(pd.NaT, index=hit.index)
    findings = rule.findings(
        hit,
        _SHEET,
        [
            _ico_message(_IcoTexts(i, r, d, dpo, ico), h, s, limit, ctx.as_of_moment)
            for i, r, d, dpo, ico, h, s in zip(
                names(hit, "Incident ID"),
                weekday_datetime_texts(hit["Reported at"]),
                weekday_datetime_texts(deadline),
                weekday_datetime_texts(told),
                weekday_datetime_texts(hit["Reported to ICO at"]),
                taken,
                since,
            )
        ],
        column="Reported to ICO at",
        rests_on=("Reported at",),
    )
    facts = [
        _ico_facts(ico, d, dpo, h, s, limit)
        for ico, d, dpo, h, s in zip(hit["Reported to ICO at"], deadline, told, taken, since)
    ]
    waits = rule.undecided(rows[undecided], _SHEET, columns=("ICO reportable", "Reported at", "Reported to ICO at"))
    findings = [replace(f, facts=x) for f, x in zip(findings, facts)]
    return rule.outcome(findings, checked(scope, found, undecided), waits)


def _ico_reportable(data: Dataset, rows: pd.DataFrame) -> Tri:
    return says_yes(data, rows, _SHEET, "ICO reportable")


@register_clock(
    "INC-05",
    "ICO report for {record}",
    HOURS,
    _SHEET,
    start=("Reported at",),
    stop=("Reported to ICO at",),
    undated_overdue=True,
    scope=("ICO reportable",),
)
def awaiting_ico_report(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """In-period ICO-reportable incidents not yet reported to the ICO: due ``ico_hours`` real hours after the school
    became aware."""
    return _ico_clock(data, ctx, _waiting(data, derived, "Reported to ICO at", scope=_ico_reportable))


#: What an INC-05 finding says happened: the report reached the ICO after the deadline, or never did.
REPORTED_LATE, NOT_REPORTED = "reported late", "not reported"


def _iso(value: object) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat(timespec="minutes")


def _ico_facts(
    ico_at: pd.Timestamp, deadline: pd.Timestamp, dpo_at: pd.Timestamp, taken: float, since: float, limit: float
) -> tuple:
    """INC-05's facts: which it is, the deadline, the hours late (or since awareness) and when the DPO was told."""
    late = not pd.isna(ico_at)
    return (
        ("ico_report", REPORTED_LATE if late else NOT_REPORTED),
        ("deadline", _iso(deadline)),
        ("reported_to_ico_at", _iso(ico_at)),
        ("hours_late", round(float(taken - limit), 1) if late else None),
        ("hours_since_aware", None if late or pd.isna(since) else round(float(since), 1)),
        ("dpo_informed_at", _iso(dpo_at)),
    )


class _IcoTexts(NamedTuple):
    """An INC-05 incident's name and its moments as its message words them ("no date" where blank)."""

    incident: str
    aware: str
    deadline: str
    dpo: str
    ico: str


def _ico_message(texts: _IcoTexts, taken: float, since: float, limit: float, as_of: pd.Timestamp) -> str:
    incident, aware, deadline, dpo, ico = texts
    told = f"the DPO was told {dpo}" if dpo != "no date" else "no record of when the DPO was told"
    head = f"ICO-reportable incident {incident} (the school became aware {aware}; {told})"
    if ico != "no date":
        return (
            f"{head} was reported to the ICO late: on {ico}, {taken - limit:.1f} hours after the {limit:g}-hour "
            f"deadline of {deadline} ({taken:.1f} hours after the school became aware)"
        )
    if pd.isna(since):
        return f"{head} has not been reported to the ICO, and with no date of awareness its deadline is unknown"
    return (
        f"{head} has not been reported to the ICO: the {limit:g}-hour deadline was {deadline}, and by "
        f"{pd.Timestamp(as_of):%d/%m/%Y %H:%M} it was {since:,.1f} hours since the school became aware"
    )


@register(
    "INC-06",
    "medium",
    clause=_JOURNALIST,
    meaning="Category Journalist contact and Media policy followed is not Yes.",
    needs={_SHEET: ("Incident ID", "Reported at", "Category", "Media policy followed")},
    counts=("journalist contact", "journalist contacts"),
    title="Contact from journalists not handled as the media policy says",
    why="What the school says to the press should follow its media policy.",
    good="Every contact from a journalist follows the media policy.",
    question="Do staff know who should answer a journalist?",
    plain_counts=("contact from a journalist", "contacts from journalists"),
    action="Follow the school media policy for journalist contact and record that it was followed.",
    owner="Headteacher",
)
def journalist_media_policy(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    return _flag(
        rule,
        data,
        ctx,
        derived,
        _Flag(
            "Media policy followed",
            "Journalist contact {id} (reported {reported}): no record that the school media policy was followed",
            selects=lambda data, rows: ~says_yes(data, rows, _SHEET, "Media policy followed"),
            scope=lambda data, rows: test(
                data, rows, _SHEET, (rows["Category"] == "Journalist contact").to_numpy(), "Category"
            ),
            answer_in_doubt=True,
        ),
    )


@register(
    "INC-07",
    "advisory",
    clause=_INVESTIGATE,
    meaning="An incident is not closed (no Closed on) and was reported more than open_incident_days days before as_of.",
    needs={_SHEET: ("Incident ID", "Reported at", "Closed on")},
    counts=_INCIDENTS,
    title="Incidents left open for a long time",
    why="An incident left open may mean that something was not followed through.",
    good="Each incident is closed with its outcome, or has a reason to stay open.",
    question="Which incidents are still open, and why?",
    action="Review the open incident: close it with its outcome, or record why it is still open.",
    owner="SLT",
)
def open_too_long(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    rows = _open_days_clock(data, ctx, data.frames[_SHEET])  # a standing state at as_of: every row, any period
    age_days = (ctx.as_of - rows["Reported at"].dt.floor("D")).dt.days
    # Old once its clock has run out at as of: open_incident_days days after the day reported.
    old = test(data, rows, _SHEET, CLOCKS["INC-07"].run_out(rows, ctx), "Reported at")
    # A Closed on that could not be read reads as none ("is still open"): to confirm; an unreadable Reported at
    # leaves its age unknown: undecided.
    hit = blank(data, rows, _SHEET, "Closed on") & old
    found, undecided = settle(hit, doubtful=old.unknown)
    hit, age_days = rows[found], age_days[found]
    messages = [
        f"Incident {i} (reported {fmt_date(r)}) is still open {int(a)} days after it was reported"
        for i, r, a in zip(names(hit, "Incident ID"), hit["Reported at"], age_days)
    ]
    findings = rule.findings(hit, _SHEET, messages, column="Closed on")
    waits = rule.undecided(rows[undecided], _SHEET, columns=("Reported at", "Closed on"))
    return rule.outcome(findings, int(len(rows) - undecided.sum()), waits)


def _open_days_clock(data: Dataset, ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(_start=rows["Reported at"], _due=days_after(rows["Reported at"], ctx.params.open_incident_days))


@register_clock("INC-07", "Review of open incident {record}", DAYS, _SHEET, start=("Reported at",), stop=("Closed on",))
def still_open_incidents(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """Incidents of any year with no Closed on: open too long ``open_incident_days`` days after the day reported."""
    rows = data.frames[_SHEET]
    return _open_days_clock(data, ctx, rows[rows["Closed on"].isna().to_numpy()])


@register(
    "INC-08",
    "medium",
    clause=_ESCALATE,
    meaning="A personal data breach (Personal data breach = Yes or Category Personal data breach) has ICO "
    "reportable blank while Reported at + ico_hours passed before as_of: the decision whether to report to the ICO, "
    "which the DPO must be involved in, is not recorded in time.",
    needs={_SHEET: ("Incident ID", "Reported at", "Category", "Personal data breach", "ICO reportable")},
    counts=_BREACHES,
    title="Data breaches with no decision on telling the regulator",
    why="For each breach, the school must decide with the data protection officer whether to tell the regulator.",
    good="Every data breach has a recorded decision on whether to report it.",
    question="Who records the decision on reporting each data breach?",
    plain_counts=("data breach", "data breaches"),
    action="With the DPO, decide whether the breach must be reported to the ICO and record the decision (Yes or No).",
    owner="Data Protection Officer",
)
def breach_ico_decision_missing(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    return _flag(rule, data, ctx, derived, _NO_ICO_DECISION)


@register_clock(
    "INC-08",
    "ICO decision for {record}",
    HOURS,
    _SHEET,
    start=("Reported at",),
    stop=("ICO reportable",),
    undated_overdue=True,
    scope=_BREACH_COLUMNS,
)
def awaiting_ico_decision(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """In-period personal data breaches with ICO reportable blank: the decision is due ``ico_hours`` real hours after
    the school became aware."""
    return _NO_ICO_DECISION.open_rows(data, ctx, derived)
