"""The logs against the platforms' own record (platform-exports.md): EVD-01..EVD-03 (area ``content``, posts)
and EVD-04, EVD-05 (area ``monitoring``, messages).

Each platform archive in ``platform_exports/`` is matched to the logs once (:func:`.base.platform_evidence`);
these rules read the matches. Without archives they have nothing to check: neither run nor "not assessed".
A finding on a post or message that is only on the platform names the account and the post's ID (or its UTC
time, where the platform gives no ID) and has ``source: "platform"``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from ..context import AuditContext
from ..findings import RuleOutcome, Undecided
from ..load import Dataset
from ..platforms.matching import SAME_TEXT, Evidence, Query
from ..platforms.records import Archive
from ..schema import ROW
from ..text import fold_spaces
from .base import (
    fmt_datetime,
    in_period_day,
    post_labels,
    weekday_datetime_texts,
    with_archives,
)
from .derived import Derived
from .registry import Rule, register_rule
from .unknown import unreadable

_CONTENT = (
    "Regularly monitor, update and manage content they have posted via school accounts; know the contents of and "
    "ensure that any use of social media, is by an authorised staff member and is carried out in line with this "
    "and other relevant policies"
)
_MONITORING = (
    "School accounts are monitored regularly and frequently. Any comments, queries or complaints made through "
    "those accounts must be responded to within 24 hours (or on the next working day if received at a weekend)"
)
_POST_LOG = ("Post ID", "Account ID", "Posted at", "Post text")
_INTERACTION_LOG = ("Interaction ID", "Account ID", "Received at", "First response at")
#: How much of a text a finding quotes.
QUOTED = 80


def quoted(text: str | None) -> str:
    """A text as a finding quotes it: on one line, cut at :data:`QUOTED` characters."""
    one_line = fold_spaces(text or "")
    if not one_line:
        return "no text"
    return f'"{one_line[:QUOTED]}{"..." if len(one_line) > QUOTED else ""}"'


def _platform_words(archive: Archive) -> str:
    return f"{archive.account} ({archive.platform})" if archive.platform else archive.account


@register_rule(
    "EVD-01",
    "high",
    area="content",
    clause=_CONTENT,
    meaning="A post published in the audit period (the platform's archive, times in Europe/London) has no row in "
    "the posts log: matched by Link ID, else by Posted at within evidence_match_minutes and similar Post text.",
    needs={"Posts": _POST_LOG},
    counts=("post in the platforms' archives", "posts in the platforms' archives"),
    plain_counts=("post on the platforms", "posts on the platforms"),
    title="Posts never logged",
    why="Unlogged posts escape every photo, consent and name check.",
    good="Every post the platforms show is in the school's log.",
    question="How do we make sure that every post is logged when it goes up?",
    action="Log each post now and check it for photos, consent and names; make logging part of posting.",
    owner="Account administrator",
    applies=with_archives,
)
def unlogged_posts(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    published = derived.published_in_period
    findings = _never_logged(
        rule,
        derived,
        [m for m in published if m.row is None],
        "Posts",
        lambda m: (
            f"A post published on {_platform_words(m.archive)} on {weekday_datetime_texts([m.london])[0]} "
            f"(UK time) is not in the posts log: {quoted(m.record.text)}"
        ),
    )
    return rule.outcome(findings, len(published))


def _never_logged(
    rule: Rule,
    derived: Derived,
    items: list,
    sheet: str,
    message: Callable[[Any], str],
) -> list:
    """A finding from the platform (``<Account ID>:<ID or UTC time>``, naming the archive) for each post or message
    of ``items``, to confirm while a row of ``sheet`` that matched nothing might be it (its account, time or Link
    could not be read: :func:`.base.unsure_rows`)."""
    waits: dict[str, list[tuple]] = {}
    findings = []
    for item in items:
        account = item.archive.account
        if account not in waits:
            waits[account] = derived.unsure_cells(sheet, account)
        findings.append(
            rule.platform_finding(f"{account}:{item.key}", item.archive.source, message(item), rests_on=waits[account])
        )
    return findings


@register_rule(
    "EVD-02",
    "medium",
    area="content",
    clause=_CONTENT,
    meaning="A logged post in the period, on an account whose archive covers that day (its first to last post), "
    "is not in the archive and has no Removed on.",
    needs={"Posts": (*_POST_LOG, "Removed on")},
    counts=("logged post on a day an archive covers", "logged posts on days an archive covers"),
    plain_counts=("logged post", "logged posts"),
    title="Logged posts missing from the platforms",
    why="A post taken down without a record, or logged against the wrong account or day, breaks the trail that "
    "the log should give.",
    good="Every logged post can be found on its platform, or its removal is recorded.",
    question="When a post is taken down, who records it and why?",
    action="Find out what became of each post: record its removal, or correct its account and time in the log.",
    owner="Account administrator",
    applies=with_archives,
)
def logged_posts_not_published(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    found = derived.platform_evidence
    posts = derived.period_posts
    posts = posts[posts["Posted at"].notna().to_numpy()]
    days = posts["Posted at"].dt.normalize()
    accounts = posts["Account ID"]
    first = accounts.map({a: days[0] for a, days in found.covers.items()}).astype("datetime64[ns]")
    last = accounts.map({a: days[1] for a, days in found.covers.items()}).astype("datetime64[ns]")
    covered = ((days >= first) & (days <= last)).to_numpy(dtype=bool)  # no archive: NaT, never covered
    checked = posts[covered]
    missing = checked[(~checked[ROW].isin(list(found.post_of_row)) & checked["Removed on"].isna()).to_numpy(dtype=bool)]
    messages = [
        f"{label} is logged on {account}, whose archive covers that day, but is not in it and has no removal "
        "recorded: removed without a record, or logged against the wrong account or time"
        for label, account in zip(post_labels(missing), missing["Account ID"].tolist())
    ]
    # A Removed on that could not be read (DQ-02) may be the removal, a Link that could not be read may name a post
    # of the archive: the finding is then to be confirmed.
    findings = rule.findings(missing, "Posts", messages, column="Removed on", rests_on=("Link",))
    return rule.outcome(findings, len(checked), _unplaced_posts(rule, data, derived, found))


def _unplaced_posts(rule: Rule, data: Dataset, derived: Derived, found: Evidence) -> list:
    """EVD-02's undecided records: logged posts not in the archives, with no removal recorded, whose account or
    time could not be read, so whether an archive covers their day is unknown."""
    posts = derived.period_posts
    account_unread = unreadable(data, posts, "Posts", "Account ID")
    time_unread = unreadable(data, posts, "Posts", "Posted at")
    if not (account_unread.any() or time_unread.any()):
        return []
    archived = posts["Account ID"].isin(list(found.covers)).to_numpy()
    open_ = (account_unread & bool(found.covers)) | (time_unread & archived)
    open_ &= ~posts[ROW].isin(list(found.post_of_row)).to_numpy() & posts["Removed on"].isna().to_numpy()
    return rule.undecided(posts[open_], "Posts", columns=("Account ID", "Posted at"))


@register_rule(
    "EVD-03",
    "medium",
    area="content",
    clause=_CONTENT,
    meaning="A post matched to the archive has a published text that differs from its logged Post text "
    "(similarity below 0.95 after normalising; posts with text on both sides).",
    needs={"Posts": _POST_LOG},
    counts=("matched post with text on both sides", "matched posts with text on both sides"),
    plain_counts=("post found on the platforms", "posts found on the platforms"),
    title="Captions changed after logging",
    why="A caption changed after it was logged was never checked in its final form.",
    good="What the log says was published is exactly what was published.",
    question="Are captions changed after they are logged, and who checks the changes?",
    action="Put the text as published in the log and check it again for names; agree that captions are not "
    "changed after logging without a new check.",
    owner="Account administrator",
    applies=with_archives,
)
def published_text_differs(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    found = derived.platform_evidence
    posts = derived.period_posts
    matched = [found.post_of_row.get(row) for row in posts[ROW].tolist()]
    both = [i for i, m in enumerate(matched) if m is not None and m.similarity is not None]
    differ = [i for i in both if matched[i].similarity < SAME_TEXT]
    hit = posts.iloc[differ]
    messages = [
        f"{label}: its text on {_platform_words(m.archive)} differs from the log (similarity "
        f"{m.similarity:.2f}): logged {quoted(logged)}; published {quoted(m.record.text)}"
        for label, m, logged in zip(post_labels(hit), (matched[i] for i in differ), hit["Post text"].tolist())
    ]
    findings = rule.findings(hit, "Posts", messages, column="Post text")
    # Undecided: a matched post whose logged text could not be read, and a post that matched nothing but might
    # have (its account, time or Link could not be read).
    text_unread = unreadable(data, posts, "Posts", "Post text")
    unread = [i for i in text_unread.nonzero()[0].tolist() if matched[i] is not None and matched[i].record.text]
    waits = rule.undecided(posts.iloc[unread], "Posts", columns=("Post text",))
    return rule.outcome(findings, len(both), waits + _unsure(rule, derived, posts, "Posts"))


def _unsure(rule: Rule, derived: Derived, rows: pd.DataFrame, sheet: str) -> list:
    """Undecided records of ``rows`` (of ``sheet``) that matched nothing on the platforms but might have
    (:func:`.base.unsure_rows`): each waits on the cells that might have matched it."""
    unsure = derived.unsure_rows(sheet)
    if not len(unsure):
        return []
    mine = unsure[unsure[ROW].isin(rows[ROW]).to_numpy()]
    return rule.undecided(mine, sheet, also=mine["_cells"].tolist())


@register_rule(
    "EVD-04",
    "medium",
    area="monitoring",
    clause=_MONITORING,
    meaning="A direct message to the school (X, Facebook, Instagram, TikTok) in the period, the first from its "
    "sender since the school's last message in that conversation, has no row in the interactions log (same "
    "account, Received at within evidence_match_minutes, or its ID in Link).",
    needs={"Interactions": _INTERACTION_LOG},
    counts=("message received on the platforms", "messages received on the platforms"),
    title="Messages never logged",
    why="A message nobody logged cannot be followed to a reply, so it may go unanswered.",
    good="Every message the platforms show is in the school's log.",
    question="How are private messages to the school's accounts checked and logged?",
    action="Log each message, check that it was answered, and make logging part of reading messages.",
    owner="Account administrator",
    applies=with_archives,
)
def unlogged_messages(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    found = derived.platform_evidence
    queries = [q for q in found.queries if q.kind == "message" and in_period_day(ctx, q.local_ms)]

    def message(q: Query) -> str:
        replied = (
            f"the school replied {weekday_datetime_texts([q.reply_london])[0]}"
            if q.reply_london is not None
            else "the platform shows no reply"
        )
        return (
            f"A message to {_platform_words(q.archive)} received {weekday_datetime_texts([q.london])[0]} (UK "
            f"time) is not in the interactions log ({replied}): {quoted(q.text)}"
        )

    # An archive that cannot tell the school's own messages from those it received (its name unknown) decides
    # nothing: its messages wait on the register's Account name cell.
    unsure = [q for q in queries if q.archive.own_name_unread is not None]
    queries = [q for q in queries if q.archive.own_name_unread is None]
    unlogged = [q for q in queries if q.row is None]
    findings = _never_logged(rule, derived, unlogged, "Interactions", message)
    waits = [
        Undecided(rule.id, f"{q.archive.account}:{q.key}", q.archive.source, None, None,
                  rests_on=(q.archive.own_name_unread,))
        for q in unsure
    ]  # fmt: skip
    return rule.outcome(findings, len(queries), waits)


@register_rule(
    "EVD-05",
    "medium",
    area="monitoring",
    clause=_MONITORING,
    meaning="A logged First response at is more than an hour from the platform's time of the school's first "
    "reply (an X reply by its created_at, to the tweet named, received at its snowflake time; a message by the "
    "school's first message after it). INT-01 and INT-02 then use the platform's times.",
    needs={"Interactions": _INTERACTION_LOG},
    counts=("logged reply found on the platforms", "logged replies found on the platforms"),
    plain_counts=("reply found on the platforms", "replies found on the platforms"),
    title="Reply times logged wrongly",
    why="When a logged reply time is wrong, the school cannot show that it replied on time.",
    good="Reply times in the log agree with what the platforms show.",
    question="Are reply times copied from the platform, or typed in later from memory?",
    action="Correct the reply times from the platform, and copy times from the platform rather than from memory.",
    owner="Account administrator",
    applies=with_archives,
)
def reply_time_differs(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    differ = derived.reply_time_differences
    rows = derived.interactions_in_period
    hit = rows[rows[ROW].isin(list(differ)).to_numpy()]
    messages = []
    for interaction, row, logged in zip(
        hit["Interaction ID"].tolist(), hit[ROW].tolist(), hit["First response at"].tolist()
    ):
        query, readable = differ[row]
        platform = weekday_datetime_texts([query.reply_london])[0]
        where = _platform_words(query.archive)
        if readable:
            hours = (logged - query.reply_london).total_seconds() / 3600
            messages.append(
                f"Interaction {interaction}: its first response is logged {fmt_datetime(logged)}, but {where} shows "
                f"the school's first reply at {platform} ({abs(hours):.1f} hours {'later' if hours < 0 else 'earlier'})"
            )
        else:
            messages.append(
                f"Interaction {interaction}: its first response time could not be read; {where} shows the school's "
                f"first reply at {platform}"
            )
    findings = rule.findings(hit, "Interactions", messages, column="First response at")
    # An interaction that matched nothing but might have, with a response logged (or one that could not be read).
    waits = []
    if len(derived.unsure_rows("Interactions")):  # rare: the period's interactions are not copied for nothing
        responded = rows[rows["First response at"].notna().to_numpy() | unreadable(data, rows, *_RESPONSE)]
        waits = _unsure(rule, derived, responded, "Interactions")
    return rule.outcome(findings, derived.reply_times_compared, waits)


_RESPONSE = ("Interactions", "First response at")
