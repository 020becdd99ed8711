"""Monitoring and response (area ``monitoring``): INT-01..INT-04 on the Interactions sheet."""

from __future__ import annotations

import pandas as pd

from ..context import elapsed_hours
from ..deadlines import reply_due_at_latest
from .base import closure_cells, is_blank, is_yes, period_interactions, period_rows, weekday_datetime_texts
from .registry import ACT_NOW, CLOCKS, HOURS, register_clock, register_rule

_RESPOND = (
    "Any comments, queries or complaints made through those accounts must be responded to within 24 "
    "hours (or on the next working day if received at a weekend), even if the response is only to "
    "acknowledge receipt."
)
_ABUSE = (
    "If a conversation turns and becomes offensive or unacceptable, authorised school users will block, "
    "report or delete other users or their comments/posts; we will inform the audience exactly why the "
    "action was taken"
)

# Type only words the message ("query received ..."); a missing Type column must not stop the check.
_TIMING = ("Interaction ID", "Received at", "First response at")


def _received(rows: pd.DataFrame) -> list[str]:
    """``query received Fri 06/03/2026 15:10`` per row."""
    kinds = rows["Type"].map(lambda k: k.lower() if isinstance(k, str) else "interaction")
    return [f"{k} received {w}" for k, w in zip(kinds, weekday_datetime_texts(rows["Received at"]))]


def _hours(start: pd.Series, end: pd.Series) -> list[str]:
    """Real hours from ``start`` to ``end`` (rules.md: across a clock change, not on the wall clock)."""
    return [f"{h:.1f}" for h in elapsed_hours(start, end)]


@register_rule(
    "INT-01",
    "monitoring",
    "medium",
    clause=_RESPOND,
    meaning="The first response came after the deadline: received on a working day, within "
    "respond_within_hours; otherwise by 23:59:59 on the next working day.",
    needs={"Interactions": _TIMING},
    counts=("answered interaction", "answered interactions"),
    title="Replies later than the deadline",
    why="The policy promises a reply on time, even if it only says that the message has arrived.",
    good="Every comment, question and complaint gets a reply on time.",
    question="How are the accounts checked every day, even at busy times?",
    plain_counts=("answered message", "answered messages"),
    action="Check the accounts at least daily and acknowledge every comment, query or complaint within "
    "the deadline, even if the full answer comes later.",
    owner="Account administrator",
)
def late_response(rule, data, ctx):
    rows = period_interactions(data, ctx)
    answered = rows[(rows["First response at"].notna() & rows["_deadline"].notna()).to_numpy()]
    late = answered[(elapsed_hours(answered["_deadline"], answered["First response at"]) > 0)]
    messages = [
        f"Interaction {i} ({r}) was first answered {taken} hours after receipt, {over} hours after its deadline of {d}"
        for i, r, taken, over, d in zip(
            late["Interaction ID"],
            _received(late),
            _hours(late["Received at"], late["First response at"]),
            _hours(late["_deadline"], late["First response at"]),
            weekday_datetime_texts(late["_deadline"]),
        )
    ]
    findings = rule.findings(late, "Interactions", messages, column="First response at")
    return rule.outcome(findings, len(answered))


@register_rule(
    "INT-02",
    "monitoring",
    "high",
    clause=_RESPOND,
    meaning="No First response at, and the response deadline passed before as_of.",
    needs={"Interactions": _TIMING},
    counts=("interaction due a reply", "interactions due a reply"),
    title="Messages never answered",
    why="A question or complaint left without a reply can grow into a bigger problem and harms trust.",
    good="Every message gets a reply.",
    question="Who checks that no message is left without a reply?",
    plain_counts=("message due a reply", "messages due a reply"),
    action="Respond now (an acknowledgement is enough to start), then record the response time in the log.",
    owner="Account administrator",
)
def unanswered(rule, data, ctx):
    rows = period_interactions(data, ctx)
    clock = CLOCKS["INT-02"]
    waiting = awaiting_reply(data, ctx)
    late = clock.run_out(waiting, ctx)
    overdue = waiting[late]
    messages = [
        f"Interaction {i} ({r}) has no recorded response; its deadline was {d}"
        for i, r, d in zip(overdue["Interaction ID"], _received(overdue), weekday_datetime_texts(overdue["_deadline"]))
    ]
    # A First response at that could not be read (DQ-02) reads as none: then it is to be confirmed; so is a
    # deadline that unreadable Closures dates could still push past as of.
    doubt = closure_cells(data)
    findings = rule.findings(
        overdue, "Interactions", messages, column="First response at", rests_on=("Received at",),
        also=[doubt if d else () for d in clock.in_doubt(waiting, ctx)[late]],
    )  # fmt: skip
    # Due a reply by as of: answered, or its deadline has passed (the governors' "replies due").
    return rule.outcome(findings, int(rows["First response at"].notna().sum()) + len(overdue))


@register_clock(
    "INT-02", "Reply to message {record}", HOURS, "Interactions", start=("Received at",), stop=("First response at",)
)
def awaiting_reply(data, ctx) -> pd.DataFrame:
    """In-period interactions with no First response at: due a reply by their deadline (rules.md)."""
    rows = period_interactions(data, ctx)
    waiting = rows[rows["First response at"].isna().to_numpy()]
    latest = reply_due_at_latest(waiting["Received at"], ctx, len(closure_cells(data)))
    return waiting.assign(_start=waiting["Received at"], _due=waiting["_deadline"], _due_at_latest=latest)


def _offensive(data, ctx) -> pd.DataFrame:
    rows = period_rows(data, "Interactions", "Received at", ctx)
    return rows[is_yes(rows["Offensive"]).to_numpy(dtype=bool)]


def _no_action(action: pd.Series) -> pd.Series:
    return is_blank(action) | (action == "None")


@register_rule(
    "INT-03",
    "monitoring",
    "high",
    clause=_ABUSE,
    meaning="An offensive interaction (Offensive = Yes) has Action taken blank or None.",
    needs={"Interactions": ("Interaction ID", "Received at", "Offensive", "Action taken")},
    counts=("offensive interaction", "offensive interactions"),
    title="Offensive comments left without action",
    why="Leaving offensive comments up can hurt people and lets bullying go on.",
    good="Staff hide, delete, block or report every offensive comment.",
    question="How quickly are offensive comments removed, and who does it?",
    plain_counts=("offensive message", "offensive messages"),
    action="Hide, delete, block or report the offensive content now and record the action taken.",
    owner="Account administrator",
)
def offensive_not_acted_on(rule, data, ctx):
    rows = _offensive(data, ctx)
    hit = offensive_left_up(data, ctx)
    messages = [
        f"Offensive interaction {i} ({r}) has no action recorded (block, report, hide or delete)"
        for i, r in zip(hit["Interaction ID"], _received(hit))
    ]
    return rule.outcome(rule.findings(hit, "Interactions", messages, column="Action taken"), len(rows))


@register_clock("INT-03", "Action on offensive message {record}", ACT_NOW, "Interactions", stop=("Action taken",))
def offensive_left_up(data, ctx) -> pd.DataFrame:
    """In-period offensive interactions with no action recorded: to be acted on at once."""
    rows = _offensive(data, ctx)
    hit = rows[_no_action(rows["Action taken"]).to_numpy(dtype=bool)]
    return hit.assign(_start=hit["Received at"], _due=hit["Received at"])


@register_rule(
    "INT-04",
    "monitoring",
    "medium",
    clause=_ABUSE,
    meaning="An offensive interaction had an action taken (not blank or None) but Audience informed is not Yes.",
    needs={"Interactions": ("Interaction ID", "Received at", "Offensive", "Action taken", "Audience informed")},
    counts=("offensive interaction acted on", "offensive interactions acted on"),
    title="Removals not explained to followers",
    why="The policy asks staff to tell followers why a comment was removed or a user blocked.",
    good="Each time staff act on an offensive comment, they say why.",
    question="Do we tell followers why a comment was taken down?",
    plain_counts=("offensive message acted on", "offensive messages acted on"),
    action="Post a short note telling the audience why the content was removed or the user blocked, and record it.",
    owner="Account administrator",
)
def audience_not_informed(rule, data, ctx):
    rows = _offensive(data, ctx)
    acted = ~_no_action(rows["Action taken"])
    hit = rows[(acted & ~is_yes(rows["Audience informed"])).to_numpy(dtype=bool)]
    messages = [
        f"Offensive interaction {i} ({r}) was {a.lower()} but the audience was not told why"
        for i, r, a in zip(hit["Interaction ID"], _received(hit), hit["Action taken"])
    ]
    findings = rule.findings(hit, "Interactions", messages, column="Audience informed")
    return rule.outcome(findings, int(acted.sum()))
