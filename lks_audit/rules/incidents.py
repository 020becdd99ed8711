"""Incidents (area ``incidents``): INC-01..INC-08 on the Incidents sheet.

INC-07 is a standing state at ``as_of`` (every row); the others judge incidents reported in the period. The clocks
of INC-01, INC-03, INC-04, INC-05, INC-07 and INC-08 (due.md) are the records their rules judge, with deadlines from
:mod:`lks_audit.deadlines`: a rule raises its finding once its clock has run out at ``as of``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..context import elapsed_hours
from ..deadlines import assessment_due, days_after, ico_due
from .base import closure_cells, fmt_date, is_blank, is_yes, period_rows, weekday_datetime_texts
from .registry import ACT_NOW, CLOCKS, DAYS, HOURS, register_clock, register_rule

_SHEET = "Incidents"
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


def _reported(data, ctx) -> pd.DataFrame:
    """Incidents reported inside the audit period (undated ones are kept: they cannot be placed)."""
    return period_rows(data, _SHEET, "Reported at", ctx)


def _flag(rule, data, ctx, column: str, selects, message: str, scope=None):
    """In-period incidents of ``scope`` (all by default) where ``selects(rows)`` holds, out of that scope.

    ``column`` is the cell the finding rests on; ``message`` has {id} and {reported}.
    """
    rows = _scoped(data, ctx, scope)
    hit = rows[selects(rows).to_numpy(dtype=bool)]
    messages = [
        message.format(id=i, reported=r) for i, r in zip(hit["Incident ID"], weekday_datetime_texts(hit["Reported at"]))
    ]
    return rule.outcome(rule.findings(hit, _SHEET, messages, column=column), len(rows))


def _scoped(data, ctx, scope=None) -> pd.DataFrame:
    """In-period incidents of ``scope`` (all by default)."""
    rows = _reported(data, ctx)
    return rows if scope is None else rows[scope(rows).to_numpy(dtype=bool)]


def _clock_flag(rule, data, ctx, message: str, scope=None):
    """The incidents whose clock (due.md) has run out at ``as of``, out of the in-period incidents of ``scope``:
    each finding rests on the clock's stop and start cells (and, while unreadable Closures dates could still delay
    a working-day deadline, on those cells). ``message`` has {id}, {reported} and {due}."""
    clock = CLOCKS[rule.id]
    waiting = clock.open(data, ctx)
    late = clock.run_out(waiting, ctx)
    hit = waiting[late]
    messages = [
        message.format(id=i, reported=r, due=d)
        for i, r, d in zip(
            hit["Incident ID"], weekday_datetime_texts(hit["Reported at"]), weekday_datetime_texts(hit["_due"])
        )
    ]
    doubt = closure_cells(data)
    also = [doubt if d else () for d in clock.in_doubt(waiting, ctx)[late]]
    findings = rule.findings(hit, _SHEET, messages, column=clock.stop[0], rests_on=clock.start, also=also)
    return rule.outcome(findings, len(_scoped(data, ctx, scope)))


def _waiting(data, ctx, column: str, scope=None, blank=None) -> pd.DataFrame:
    """In-period incidents of ``scope`` whose ``column`` is blank (by ``blank``, else no value): their clock runs."""
    rows = _scoped(data, ctx, scope)
    empty = rows[column].isna() if blank is None else blank(rows[column])
    return rows[empty.to_numpy(dtype=bool)]


_INCIDENTS = ("incident", "incidents")
_BREACHES = ("personal data breach", "personal data breaches")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _personal_data_breach(rows: pd.DataFrame) -> pd.Series:
    """rules.md: Personal data breach = Yes, or the Category says it is one (whatever the Yes/No column)."""
    return is_yes(rows["Personal data breach"]) | (rows["Category"] == "Personal data breach")


@register_rule(
    "INC-01",
    "incidents",
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
def no_slt_assessment(rule, data, ctx):
    return _clock_flag(
        rule, data, ctx, "Incident {id} (reported {reported}) has no SLT assessment recorded; it was due by {due}"
    )


@register_clock(
    "INC-01",
    "SLT assessment of incident {record}",
    HOURS,
    _SHEET,
    start=("Reported at",),
    stop=("SLT assessment at",),
    undated_overdue=True,
)
def awaiting_assessment(data, ctx) -> pd.DataFrame:
    """In-period incidents with no SLT assessment at: due by the end of the ``assessment_working_days``-th working
    day after the day reported (rules.md)."""
    rows = _waiting(data, ctx, "SLT assessment at")
    unknown = len(closure_cells(data))
    return rows.assign(
        _start=rows["Reported at"],
        _due=assessment_due(rows["Reported at"], ctx),
        _due_at_latest=assessment_due(rows["Reported at"], ctx, unknown),
    )


@register_rule(
    "INC-02",
    "incidents",
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
def assessed_late(rule, data, ctx):
    rows = _reported(data, ctx)
    n = ctx.params.assessment_working_days
    due = assessment_due(rows["Reported at"], ctx).dt.floor("D")
    late = (rows["SLT assessment at"].dt.floor("D") > due).to_numpy(dtype=bool)
    assessed = int((rows["SLT assessment at"].notna() & rows["Reported at"].notna()).sum())
    hit, due = rows[late], due[late]
    messages = [
        f"Incident {i} (reported {r}) was assessed by SLT on {a}, after the {_ordinal(n)} working day "
        f"{pd.Timestamp(d):%a} {fmt_date(d)}"
        for i, r, a, d in zip(
            hit["Incident ID"],
            weekday_datetime_texts(hit["Reported at"]),
            weekday_datetime_texts(hit["SLT assessment at"]),
            due,
        )
    ]
    return rule.outcome(rule.findings(hit, _SHEET, messages, column="SLT assessment at"), assessed)


@register_rule(
    "INC-03",
    "incidents",
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
def illegal_not_reported(rule, data, ctx):
    return _clock_flag(
        rule,
        data,
        ctx,
        "Incident {id} (reported {reported}) was considered illegal but no report to the police is recorded",
        scope=_considered_illegal,
    )


def _considered_illegal(rows: pd.DataFrame) -> pd.Series:
    return is_yes(rows["Considered illegal"])


@register_clock("INC-03", "Police report of incident {record}", ACT_NOW, _SHEET, stop=("Reported to police on",))
def police_not_told(data, ctx) -> pd.DataFrame:
    """In-period incidents considered illegal with no Reported to police on: to be reported at once."""
    rows = _waiting(data, ctx, "Reported to police on", scope=_considered_illegal)
    return rows.assign(_start=rows["Reported at"], _due=rows["Reported at"])


@register_rule(
    "INC-04",
    "incidents",
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
def breach_dpo_not_informed(rule, data, ctx):
    return _clock_flag(
        rule,
        data,
        ctx,
        "Personal data breach {id} (reported {reported}): no record that the DPO was informed",
        scope=_personal_data_breach,
    )


@register_clock("INC-04", "Tell the DPO of breach {record}", ACT_NOW, _SHEET, stop=("DPO informed at",))
def dpo_not_told(data, ctx) -> pd.DataFrame:
    """In-period personal data breaches with no DPO informed at: the DPO is to be told at once."""
    rows = _waiting(data, ctx, "DPO informed at", scope=_personal_data_breach)
    return rows.assign(_start=rows["Reported at"], _due=rows["Reported at"])


@register_rule(
    "INC-05",
    "incidents",
    "critical",
    clause=_DATA_PROTECTION,
    meaning="ICO reportable = Yes and Reported to ICO at is more than ico_hours real hours after Reported at, or "
    "is missing while Reported at + ico_hours passed before as_of (UK GDPR Article 33).",
    needs={_SHEET: ("Incident ID", "Reported at", "ICO reportable", "Reported to ICO at")},
    counts=("ICO-reportable incident", "ICO-reportable incidents"),
    title="Serious data breaches reported late to the regulator",
    why="The law says that a serious data breach must be reported to the Information Commissioner's Office within 72 "
    "hours.",
    good="Each breach that the regulator must hear of is reported on time.",
    question="Would we report a serious data breach within 72 hours, even in the holidays?",
    plain_counts=("breach the regulator must hear of", "breaches the regulator must hear of"),
    action="Report the breach to the ICO without delay (within 72 hours of becoming aware) and record when; "
    "document the reasons for any delay.",
    owner="Data Protection Officer",
)
def ico_not_reported_in_time(rule, data, ctx):
    rows = _scoped(data, ctx, _ico_reportable)
    limit = ctx.params.ico_hours
    # rules.md: real elapsed hours in Europe/London, so a clock change in between counts as it happened.
    taken = elapsed_hours(rows["Reported at"], rows["Reported to ICO at"])
    # Not reported: only once its clock has run out at as of (due.md); reported late: whenever that was.
    waiting = rows["Reported to ICO at"].isna().to_numpy()
    not_reported = np.zeros(len(rows), dtype=bool)
    not_reported[waiting] = CLOCKS["INC-05"].run_out(awaiting_ico_report(data, ctx), ctx)
    mask = not_reported | (taken > limit)
    hit, taken = rows[mask], taken[mask]
    messages = [
        f"ICO-reportable incident {i} (reported {r}) "
        + (
            "has no report to the ICO recorded"
            if pd.isna(ico)
            else f"was reported to the ICO {h:.1f} hours after the school became aware, more than {limit:g} hours"
        )
        for i, r, ico, h in zip(
            hit["Incident ID"], weekday_datetime_texts(hit["Reported at"]), hit["Reported to ICO at"], taken
        )
    ]
    findings = rule.findings(hit, _SHEET, messages, column="Reported to ICO at", rests_on=("Reported at",))
    return rule.outcome(findings, len(rows))


def _ico_reportable(rows: pd.DataFrame) -> pd.Series:
    return is_yes(rows["ICO reportable"])


@register_clock(
    "INC-05",
    "ICO report for {record}",
    HOURS,
    _SHEET,
    start=("Reported at",),
    stop=("Reported to ICO at",),
    undated_overdue=True,
)
def awaiting_ico_report(data, ctx) -> pd.DataFrame:
    """In-period ICO-reportable incidents not yet reported to the ICO: due ``ico_hours`` real hours after the school
    became aware."""
    rows = _waiting(data, ctx, "Reported to ICO at", scope=_ico_reportable)
    return rows.assign(_start=rows["Reported at"], _due=ico_due(rows["Reported at"], ctx))


@register_rule(
    "INC-06",
    "incidents",
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
def journalist_media_policy(rule, data, ctx):
    return _flag(
        rule,
        data,
        ctx,
        "Media policy followed",
        lambda rows: ~is_yes(rows["Media policy followed"]),
        "Journalist contact {id} (reported {reported}): no record that the school media policy was followed",
        scope=lambda rows: rows["Category"] == "Journalist contact",
    )


@register_rule(
    "INC-07",
    "incidents",
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
def open_too_long(rule, data, ctx):
    rows = data.frames[_SHEET]  # a standing state at as_of: every row, whatever the period
    still_open = still_open_incidents(data, ctx)
    hit = still_open[CLOCKS["INC-07"].run_out(still_open, ctx)]
    age_days = (ctx.as_of - hit["Reported at"].dt.floor("D")).dt.days
    messages = [
        f"Incident {i} (reported {fmt_date(r)}) is still open {int(a)} days after it was reported"
        for i, r, a in zip(hit["Incident ID"], hit["Reported at"], age_days)
    ]
    findings = rule.findings(hit, _SHEET, messages, column="Closed on", rests_on=("Reported at",))
    return rule.outcome(findings, len(rows))


@register_clock("INC-07", "Review of open incident {record}", DAYS, _SHEET, start=("Reported at",), stop=("Closed on",))
def still_open_incidents(data, ctx) -> pd.DataFrame:
    """Incidents of any year with no Closed on: open too long after ``open_incident_days`` days."""
    rows = data.frames[_SHEET]
    rows = rows[rows["Closed on"].isna().to_numpy()]
    return rows.assign(_start=rows["Reported at"], _due=days_after(rows["Reported at"], ctx.params.open_incident_days))


@register_rule(
    "INC-08",
    "incidents",
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
def breach_ico_decision_missing(rule, data, ctx):
    return _clock_flag(
        rule,
        data,
        ctx,
        "Personal data breach {id} (reported {reported}): the decision whether to report it to the ICO is not "
        "recorded; it was due by {due}",
        scope=_personal_data_breach,
    )


@register_clock(
    "INC-08",
    "ICO decision for {record}",
    HOURS,
    _SHEET,
    start=("Reported at",),
    stop=("ICO reportable",),
    undated_overdue=True,
)
def awaiting_ico_decision(data, ctx) -> pd.DataFrame:
    """In-period personal data breaches with ICO reportable blank: the decision is due ``ico_hours`` real hours after
    the school became aware."""
    rows = _waiting(data, ctx, "ICO reportable", scope=_personal_data_breach, blank=is_blank)
    return rows.assign(_start=rows["Reported at"], _due=ico_due(rows["Reported at"], ctx))
