"""Monitoring and response (area ``monitoring``): INT-01..INT-04 on the Interactions sheet."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ..context import AuditContext, elapsed_hours
from ..deadlines import reply_due, reply_due_at_latest
from ..findings import RuleOutcome
from ..load import Dataset
from ..platforms.matching import REPLY_TOLERANCE_MINUTES, instants_ms
from ..schema import ROW
from .base import (
    is_blank,
    names,
    time_rows,
    weekday_datetime_texts,
)
from .derived import Derived
from .registry import ACT_NOW, CLOCKS, HOURS, Rule, register_clock, rules_in
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
AREA = "monitoring"
register = rules_in(AREA)

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


def _with_reply_clock(data: Dataset, ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` (in-period interactions, with ``_deadline``) with INT-02's clock: ``_start``, ``_due`` and
    ``_due_at_latest``, the latest the deadline can be while Closures dates could not be read (rules.md: a
    finding is firm only when it holds even then; otherwise it depends on their DQ-02s)."""
    return rows.assign(
        _start=rows["Received at"],
        _due=rows["_deadline"],
        _due_at_latest=_latest_reply_due(ctx, rows, len(closure_cells(data))),
    )


def _latest_reply_due(ctx: AuditContext, rows: pd.DataFrame, unknown_closures: int) -> pd.Series:
    """The latest each of ``rows``' reply deadline (``_deadline``) can be while ``unknown_closures`` Closures dates
    could not be read."""
    return reply_due_at_latest(rows["Received at"], ctx, unknown_closures, due=rows["_deadline"])


class _Verdict(NamedTuple):
    """A rule's verdict on each of its rows: raised, undecided, and of its scope (what it checked)."""

    found: np.ndarray
    undecided: np.ndarray
    scope: Tri


def _reply_outcome(
    rule: Rule,
    rows: pd.DataFrame,
    verdict: _Verdict,
    messages: list[str],
    on_closures: np.ndarray,
    closures: list[tuple],
    on_account: np.ndarray,
) -> RuleOutcome:
    """INT-01's or INT-02's outcome: findings on the reply's cell (those in ``on_closures`` also resting on the
    Closures dates that could not be read, those in ``on_account`` on the Account ID that could not be read), and
    the interactions whose times (or, in ``on_account``, Account ID) could not be read, undecided."""
    found, undecided, scope = verdict
    own = [[("Interactions", int(r), "Account ID")] if a else [] for r, a in zip(rows[ROW].tolist(), on_account)]
    findings = rule.findings(
        rows[found], "Interactions", messages, column="First response at",
        also=[(closures if c else []) + o for c, o in zip(on_closures.tolist(), _picked(own, found))],
    )  # fmt: skip
    waits = rule.undecided(
        rows[undecided], "Interactions", columns=("Received at", "First response at"), also=_picked(own, undecided)
    )
    return rule.outcome(findings, checked(scope, found, undecided), waits)


def _picked(items: list, mask: np.ndarray) -> list:
    return [item for item, keep in zip(items, np.asarray(mask, dtype=bool).tolist()) if keep]


def _platform_doubt(
    data: Dataset, ctx: AuditContext, derived: Derived, rows: pd.DataFrame, late: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``rows``: (the platform's times might clear its outcome, might raise a finding) where its
    Account ID could not be read (:func:`.base.unread_account_replies`). ``late``: INT-01's verdict by the log's
    times; None for INT-02, which any reply on the platform clears."""
    clear = np.zeros(len(rows), dtype=bool)
    raise_ = np.zeros(len(rows), dtype=bool)
    doubt = unread_account_replies(derived, rows) if data.exports is not None else {}
    if not doubt:
        return clear, raise_
    for i, row in enumerate(rows[ROW].tolist()):
        queries = doubt.get(row)
        if not queries:
            continue
        if late is None:
            clear[i] = True
            continue
        received = pd.Series([q.london for q in queries], dtype="datetime64[ns]")
        replied = pd.Series([q.reply_london for q in queries], dtype="datetime64[ns]")
        deadline = reply_due(received, ctx)
        platform_late = elapsed_hours(deadline, replied) > 0
        clear[i] = bool(late[i]) and not bool(np.all(platform_late))
        raise_[i] = not late[i] and bool(np.any(platform_late))
    return clear, raise_


def _received(rows: pd.DataFrame) -> list[str]:
    """``query received Fri 06/03/2026 15:10`` per row."""
    kinds = rows["Type"].map(lambda k: k.lower() if isinstance(k, str) else "interaction")
    return [f"{k} received {w}" for k, w in zip(kinds, weekday_datetime_texts(rows["Received at"]))]


def _hours(start: pd.Series, end: pd.Series) -> list[str]:
    """Real hours from ``start`` to ``end`` (rules.md: across a clock change, not on the wall clock)."""
    return [f"{h:.1f}" for h in elapsed_hours(start, end)]


@register(
    "INT-01",
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
def late_response(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    # Where the logged reply time is more than an hour from the platform's (EVD-05), the platform's times: known.
    rows = derived.platform_timed_interactions
    answered = (rows["First response at"].notna() & rows["_deadline"].notna()).to_numpy()
    over = elapsed_hours(rows["_deadline"], rows["First response at"]) > 0
    closures = closure_cells(data)
    latest = _latest_reply_due(ctx, rows, len(closures))
    beyond = elapsed_hours(latest, rows["First response at"]) > 0
    # When either time could not be read the delay is unknown: undecided. Closures that could not be read may
    # push the deadline later: late beyond the latest it can be is firm, else to confirm on those cells.
    times_unread = unreadable(data, rows, "Interactions", "Received at", "First response at", rows=time_rows(rows))
    hit = in_doubt(Tri(over & beyond, over & ~beyond), times_unread)
    found, undecided = settle_as_read(hit, answered & over, doubtful=times_unread)
    # An Account ID that could not be read ties the row to no archive: where the platform's times of a message
    # that may be its own would decide otherwise, its finding is to confirm on that cell and its pass undecided.
    clear, raise_ = _platform_doubt(data, ctx, derived, rows, found)
    undecided = undecided | (raise_ & answered & ~found)
    on_account = (clear & found) | (raise_ & undecided)
    late = rows[found]
    messages = [
        f"Interaction {i} ({r}) was first answered {taken} hours after receipt, {over} hours after its deadline of {d}"
        + (" (times from the platform's own record)" if platform else "")
        for i, r, taken, over, d, platform in zip(
            names(late, "Interaction ID"),
            _received(late),
            _hours(late["Received at"], late["First response at"]),
            _hours(late["_deadline"], late["First response at"]),
            weekday_datetime_texts(late["_deadline"]),
            late["_platform_times"] if "_platform_times" in late else [False] * len(late),
        )
    ]
    verdict = _Verdict(found, undecided, known(answered))
    return _reply_outcome(rule, rows, verdict, messages, (over & ~beyond)[found], closures, on_account)


@register(
    "INT-02",
    "high",
    clause=_RESPOND,
    meaning="No First response at, and the response deadline passed before as_of (a day: before it began; a moment: "
    "before it).",
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
def unanswered(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    clock = CLOCKS["INT-02"]
    # Where the logged reply time is more than an hour from the platform's (EVD-05), the platform's times: known.
    rows = _with_reply_clock(data, ctx, derived.platform_timed_interactions)
    # Its clock has run out at as of (a day: before it began, so a deadline later that day is not yet missed).
    # A First response at that could not be read reads as none ("has no recorded response"): to confirm. So does
    # a deadline that unreadable Closures dates may push past as_of. A Received at that could not be read leaves
    # the deadline unknown: undecided.
    times = time_rows(rows)  # the platform's times, where EVD-05 took them, are known
    no_response = blank(data, rows, "Interactions", "First response at", rows=times)
    received_unread = unreadable(data, rows, "Interactions", "Received at", rows=times)
    deadline = in_doubt(clock.overdue(rows, ctx), received_unread)
    hit = no_response & deadline
    found, undecided = settle(hit, doubtful=received_unread)
    # Due a reply by as_of: answered, or its deadline has passed (the governors' "replies due").
    due = ~no_response | deadline
    overdue = rows[found]
    messages = [
        f"Interaction {i} ({r}) has no recorded response; its deadline was {d}"
        for i, r, d in zip(
            names(overdue, "Interaction ID"), _received(overdue), weekday_datetime_texts(overdue["_deadline"])
        )
    ]
    on_closures = clock.in_doubt(rows, ctx)[found]
    # A reply the platform shows, to a message that may be this row's (its Account ID could not be read), would
    # clear a finding read from a First response at that could not be read: to confirm on that cell too.
    on_account = _platform_doubt(data, ctx, derived, rows, None)[0] & found
    verdict = _Verdict(found, undecided, due)
    return _reply_outcome(rule, rows, verdict, messages, on_closures, closure_cells(data), on_account)


@register_clock(
    "INT-02", "Reply to message {record}", HOURS, "Interactions", start=("Received at",), stop=("First response at",)
)
def awaiting_reply(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """In-period interactions with no First response at: due a reply by their deadline (rules.md)."""
    rows = derived.period_interactions
    return _with_reply_clock(data, ctx, rows[rows["First response at"].isna().to_numpy()])


def _offensive(data: Dataset, derived: Derived) -> tuple[pd.DataFrame, Tri]:
    """In-period interactions that are or may be offensive, and whether each is (unknown where Offensive could not
    be read)."""
    rows = derived.interactions_in_period
    offensive = says_yes(data, rows, "Interactions", "Offensive")
    maybe = offensive.maybe
    return rows[maybe], Tri(offensive.yes[maybe], offensive.unknown[maybe])


def _no_action(action: pd.Series) -> pd.Series:
    return is_blank(action) | (action == "None")


@register(
    "INT-03",
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
def offensive_not_acted_on(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    rows, offensive = _offensive(data, derived)
    # An Action taken that could not be read reads as none ("has no action recorded"): to confirm. Its clock runs
    # out at once (act now, due.md).
    no_action = test(data, rows, "Interactions", _no_action(rows["Action taken"]).to_numpy(bool), "Action taken")
    found, undecided = settle(offensive & no_action, doubtful=offensive.unknown)
    hit = rows[found]
    messages = [
        f"Offensive interaction {i} ({r}) has no action recorded (block, report, hide or delete)"
        for i, r in zip(names(hit, "Interaction ID"), _received(hit))
    ]
    findings = rule.findings(hit, "Interactions", messages, column="Action taken", rests_on=("Received at",))
    waits = rule.undecided(rows[undecided], "Interactions", columns=("Offensive", "Action taken"))
    return rule.outcome(findings, checked(offensive, found, undecided), waits)


@register_clock(
    "INT-03", "Action on offensive message {record}", ACT_NOW, "Interactions", stop=("Action taken",),
    scope=("Offensive",),
)  # fmt: skip
def offensive_left_up(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """In-period interactions that are (or, Offensive unreadable, may be) offensive with no action recorded: to be
    acted on at once."""
    rows, _ = _offensive(data, derived)
    hit = rows[_no_action(rows["Action taken"]).to_numpy(dtype=bool)]
    return hit.assign(_start=hit["Received at"], _due=hit["Received at"])


@register(
    "INT-04",
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
def audience_not_informed(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    rows, offensive = _offensive(data, derived)
    acted = ~test(data, rows, "Interactions", _no_action(rows["Action taken"]).to_numpy(bool), "Action taken")
    hit = offensive & acted & ~says_yes(data, rows, "Interactions", "Audience informed")
    # Any of the three unreadable may change the answer: undecided.
    found, undecided = settle(hit, doubtful=hit.unknown)
    hit = rows[found]
    messages = [
        f"Offensive interaction {i} ({r}) was {a.lower()} but the audience was not told why"
        for i, r, a in zip(names(hit, "Interaction ID"), _received(hit), hit["Action taken"])
    ]
    findings = rule.findings(hit, "Interactions", messages, column="Audience informed", rests_on=("Received at",))
    waits = rule.undecided(rows[undecided], "Interactions", columns=("Offensive", "Action taken", "Audience informed"))
    return rule.outcome(findings, checked(offensive & acted, found, undecided), waits)


def unread_account_replies(derived: Derived, rows: pd.DataFrame) -> dict[int, list]:
    """Excel row of each of ``rows`` (in-period interactions) whose Account ID could not be read -> the platform's
    queries that EVD-05 would have compared with it had it been read: no row matched them, the school replied on the
    platform, they were received within evidence_match_minutes of its Received at (on any account: the row may be
    any account's), and that reply is more than the tolerance from its logged First response at, or that cell could
    not be read. Where one of them would change INT-01's or INT-02's outcome, the log's times cannot settle it."""
    data, ctx = derived.data, derived.ctx
    found = derived.platform_evidence
    unread = data.unknown.get(("Interactions", "Account ID"), ())
    if found is None or not len(unread):
        return {}
    rows = rows[np.isin(rows[ROW].to_numpy(), unread)]
    free = [q for q in found.queries if q.row is None and q.reply_ms is not None]
    if not len(rows) or not free:
        return {}
    window = ctx.params.evidence_match_minutes * 60_000
    tolerance = REPLY_TOLERANCE_MINUTES * 60_000
    unread_replies = unreadable(data, rows, "Interactions", "First response at")
    received = instants_ms(rows["Received at"])
    replied = instants_ms(rows["First response at"])
    out: dict[int, list] = {}
    for i, row in enumerate(rows[ROW].tolist()):
        if not received[2][i]:
            continue  # its deadline is unknown anyway: undecided
        reply_unread = bool(unread_replies[i])
        if not (replied[2][i] or reply_unread):
            continue  # no reply logged: EVD-05 compares nothing, the log's blank stands

        def near(at: int, instants: tuple, i: int = i) -> int:
            return min(abs(int(instants[0][i]) - at), abs(int(instants[1][i]) - at))

        doubt = [
            q
            for q in free
            if near(q.at_ms, received) <= window and (reply_unread or near(q.reply_ms, replied) > tolerance)
        ]
        if doubt:
            out[row] = doubt
    return out
