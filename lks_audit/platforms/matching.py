"""Matching what the platforms published and received to what the school logged (platform-exports.md).

Archive times are UTC and the workbooks hold UK wall-clock time: every archive time is turned into
Europe/London, and a log time typed in the hour the clocks repeat in October matches either instant.

Posts, per account with an archive:

1. by ID: a log row whose ``Link`` holds the platform's post ID (X ``id_str``, YouTube Video ID, TikTok video
   ID) as one of its words;
2. otherwise by time and text: a log row whose Posted at is within ``evidence_match_minutes`` of the published
   time and whose Post text is similar (both normalised: NFKC, case folded, t.co links, punctuation and emoji
   removed, spaces collapsed; ``difflib.SequenceMatcher`` ratio at least 0.6). A post with no text on one side
   (a photo alone) matches by time alone. One to one: the closest in time wins, then the most similar.

Messages: in each conversation, a message from someone else is a new query when it is the first from its sender
since the account's last message there; the account's reply to it is its first message after it. An X reply
answers the tweet it names, received at that tweet's snowflake time. Queries match interactions rows of the same
account by ``Link`` (the message's or tweet's ID), else by Received at within ``evidence_match_minutes``, one to one,
closest first.

:func:`match` does all of it once per audit period (:attr:`~lks_audit.rules.derived.Derived.platform_evidence`): the
EVD rules, PST-03 and PST-04 on the published texts and INT-01 and INT-02 on the platform's times all read the same
matches.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..context import LONDON
from ..schema import ROW
from ..text import fold_spaces
from .records import Archive, Record, stamp_of
from .x import snowflake_ms

#: Texts at least this similar (after normalising) may be the same post.
SAME_POST = 0.6
#: A matched post whose texts are less similar than this was edited (EVD-03).
SAME_TEXT = 0.95
#: EVD-05: a logged reply time further than this from the platform's is wrong.
REPLY_TOLERANCE_MINUTES = 60
DAY_MS = 86_400_000

_TCO = re.compile(r"https?://t\.co/\S*", re.I)
_WORDS = re.compile(r"[A-Za-z0-9_-]+")
_NOT_WORD_ASCII = re.compile(r"[^a-z0-9\s]")


def normalised(text: str | None) -> str:
    """platform-exports.md's normal form: NFKC, case folded, t.co links removed, punctuation and emoji removed,
    white space collapsed."""
    if not text:
        return ""
    text = _TCO.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    if text.isascii():
        text = _NOT_WORD_ASCII.sub("", text)
    else:
        text = "".join(c for c in text if c.isspace() or unicodedata.category(c)[0] in "LNM")
    return fold_spaces(text)


def similarity(a: str, b: str) -> float:
    """``difflib.SequenceMatcher`` ratio of two normalised texts (1.0 when they are equal)."""
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def london(ms) -> pd.DatetimeIndex:
    """UTC milliseconds as UK wall-clock times (naive, as the workbooks hold them)."""
    stamps = pd.to_datetime(np.asarray(ms, dtype="int64"), unit="ms", utc=True)
    return stamps.tz_convert(LONDON).tz_localize(None)


def local_ms(ms) -> np.ndarray:
    """UTC milliseconds as UK wall-clock milliseconds (what :func:`london` gives, as plain numbers: tens of
    thousands of posts need no Timestamp each)."""
    return london(ms).to_numpy(dtype="datetime64[ms]").astype("int64")


def wall(local: int | None) -> pd.Timestamp | None:
    """UK wall-clock milliseconds as the naive Timestamp a workbook would hold."""
    return None if local is None else pd.Timestamp(int(local), unit="ms").as_unit("ns")


def instants_ms(wall) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """UK wall-clock times as UTC milliseconds: (first instant, second instant, readable). The two differ only
    in the hour the clocks repeat in October; a time in the hour they skip in March is read as just after."""
    wall = pd.Series(pd.to_datetime(pd.Series(wall, dtype="datetime64[ns]")).to_numpy())
    readable = np.array(wall.notna().to_numpy(), dtype=bool)
    out = []
    for summer in (True, False):
        local = wall.dt.tz_localize(LONDON, ambiguous=np.full(len(wall), summer), nonexistent="shift_forward")
        utc = local.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ms]")
        out.append(np.where(readable, utc.astype("int64", copy=False), 0))
    return out[0], out[1], readable


@dataclass(slots=True)
class _Matched:
    """What an archived post and a query share: their archive, when they were published or received, and the log
    row each matched, if any."""

    archive: Archive
    #: When it was published or received, on the UK wall clock, in milliseconds (:attr:`london` as a Timestamp).
    local_ms: int = field(kw_only=True)
    #: The Excel row of the log row it matched; None: never logged (or not found).
    row: int | None = field(default=None, kw_only=True)
    #: How it matched: "by ID", "by time and text" or "by time (no text on one side)".
    how: str | None = field(default=None, kw_only=True)
    #: The matched row's logged time as its two UTC instants (ms); None when it could not be read.
    logged: tuple[int, int] | None = field(default=None, kw_only=True)

    @property
    def london(self) -> pd.Timestamp:
        """When it was published or received, on the UK wall clock."""
        return wall(self.local_ms)


@dataclass(slots=True)
class PostMatch(_Matched):
    """An archived post and the log row it matched, if any."""

    record: Record
    #: Similarity of the normalised texts, where both have text.
    similarity: float | None = None

    @property
    def minutes(self) -> float | None:
        """The logged time minus the published time, in minutes (the nearer of the log time's two instants)."""
        return None if self.logged is None else _signed_minutes(*self.logged, self.record.at_ms)

    @property
    def key(self) -> str:
        """The post's ID, or its UTC time where the platform gives none (as finding IDs name it)."""
        return self.record.id or self.record.stamp


@dataclass(slots=True)
class Query(_Matched):
    """A message sent to the account (or, on X, a tweet it replied to) and the interactions row it matched."""

    #: "message" (a direct message) or "reply" (someone's tweet the account replied to on X).
    kind: str
    id: str | None
    at_ms: int
    sender: str | None
    text: str
    #: The account's first reply: UTC milliseconds and UK wall-clock milliseconds; None when it never replied.
    reply_ms: int | None = None
    reply_local_ms: int | None = None

    @property
    def minutes(self) -> float | None:
        """The logged Received at minus the platform's time, in minutes."""
        return None if self.logged is None else _signed_minutes(*self.logged, self.at_ms)

    @property
    def reply_london(self) -> pd.Timestamp | None:
        return wall(self.reply_local_ms)

    @property
    def key(self) -> str:
        return self.id or stamp_of(self.at_ms)


@dataclass
class Evidence:
    """Every archive's posts and queries, matched to the logs."""

    archives: list[Archive]
    posts: list[PostMatch] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)
    #: Excel row of a posts log row -> the archived post it matched.
    post_of_row: dict[int, PostMatch] = field(default_factory=dict)
    #: Excel row of an interactions log row -> the query it matched.
    query_of_row: dict[int, Query] = field(default_factory=dict)
    #: Account -> the UK days of its archive's first and last post (what the archive covers).
    covers: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = field(default_factory=dict)


def match(archives: list[Archive], posts: pd.DataFrame, interactions: pd.DataFrame, minutes: float) -> Evidence:
    """Every archive's posts matched to ``posts`` and its queries to ``interactions`` (whole log frames with
    ``_row``), within ``minutes``."""
    found = Evidence(list(archives))
    window = int(minutes * 60_000)
    accounts = {a.account for a in archives}
    # Only the rows of accounts with an archive, each column's instants worked out once for them all.
    post_log = _LogRows(posts, "Posted at", ("Post text",), accounts)
    interaction_log = _LogRows(interactions, "Received at", (), accounts, also_when="First response at")
    received = [_queries(archive) for archive in archives]
    # Every archive's times on the UK wall clock, in one conversion (it costs as much for ten as for thousands).
    times = [[r.at_ms for r in a.posts] for a in archives] + [[q[2] for q in r] for r in received]
    times += [[q[5] or 0 for q in r] for r in received]
    walls = _in_groups(local_ms(np.fromiter((t for group in times for t in group), dtype="int64")), times)
    n = len(archives)
    for i, archive in enumerate(archives):
        if archive.posts:
            matched = _match_posts(archive, post_log.of(archive.account), window, walls[i])
            found.posts += matched
            found.post_of_row.update({m.row: m for m in matched if m.row is not None})
            days = [m.local_ms // DAY_MS for m in matched]
            found.covers[archive.account] = (wall(min(days) * DAY_MS), wall(max(days) * DAY_MS))
        if received[i]:
            queries = _as_queries(archive, received[i], walls[n + i], walls[2 * n + i])
            found.queries += _match_queries(queries, interaction_log.of(archive.account), window)
    found.query_of_row = {q.row: q for q in found.queries if q.row is not None}
    return found


def _in_groups(values: np.ndarray, groups: list[list]) -> list[list]:
    """``values`` (one per item of ``groups``, in order) cut back into lists the lengths of ``groups``."""
    bounds = np.cumsum([0] + [len(g) for g in groups]).tolist()
    values = values.tolist()
    return [values[bounds[i] : bounds[i + 1]] for i in range(len(groups))]


class _LogRows:
    """A log's rows of the accounts with an archive, as plain lists and arrays: Excel row, the time's two instants
    (UTC ms) and whether it was read, Link, and the other columns asked for; :meth:`of` gives one account's."""

    def __init__(
        self, frame: pd.DataFrame, when: str, columns: tuple[str, ...], accounts: set[str], also_when: str = ""
    ):
        mine = frame[frame["Account ID"].isin(list(accounts)).to_numpy()]
        self.first, self.second, self.readable = instants_ms(mine[when])
        self.columns = {c: mine[c].to_numpy() for c in (ROW, "Link", *columns) if c in mine}
        if also_when:  # a second time column (an interaction's First response at), as its first instant
            self.columns["also"], _, self.columns["also_read"] = instants_ms(mine[also_when])
        self.at = _by_account(mine)

    def of(self, account: str) -> dict:
        rows = self.at.get(account, np.zeros(0, dtype=int))
        out = {c: values[rows] for c, values in self.columns.items()}
        out.update(first=self.first[rows], second=self.second[rows], readable=self.readable[rows])
        return out


def _by_account(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    if not len(frame):
        return {}
    codes, accounts = pd.factorize(frame["Account ID"].to_numpy(dtype=object))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(accounts) + 1))
    return {a: order[bounds[i] : bounds[i + 1]] for i, a in enumerate(accounts)}


def link_words(link) -> list[str]:
    """The words of a Link cell: what a platform's post ID is looked for among."""
    return _WORDS.findall(link) if isinstance(link, str) else []


def _candidates(at_ms: np.ndarray, first: np.ndarray, second: np.ndarray, readable: np.ndarray, window: int):
    """(archive index, log index, ms apart) arrays of every pair within ``window`` ms (the nearer of the log
    time's two instants), found at once: the archive's times sorted, each log time's window searched in them."""
    order = np.argsort(at_ms, kind="stable")
    times = at_ms[order]
    low = np.searchsorted(times, np.minimum(first, second) - window, "left")
    high = np.searchsorted(times, np.maximum(first, second) + window, "right")
    counts = np.where(readable, np.maximum(high - low, 0), 0)
    log = np.repeat(np.arange(len(first)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    archive = order[np.repeat(low, counts) + offsets]
    apart = np.minimum(np.abs(at_ms[archive] - first[log]), np.abs(at_ms[archive] - second[log]))
    near = apart <= window
    return archive[near], log[near], apart[near]


def _assign(archive, log, apart, score, taken_a: set, taken_r: set) -> list[tuple[int, int]]:
    """One to one: pairs in order of (ms apart, best ``score`` first), each taken while both sides are free."""
    chosen = []
    order = np.lexsort((log, archive, -score, apart))
    for a, r in zip(archive[order].tolist(), log[order].tolist()):
        if a not in taken_a and r not in taken_r:
            taken_a.add(a)
            taken_r.add(r)
            chosen.append((a, r))
    return chosen


def _signed_minutes(log_ms: int, second_ms: int, platform_ms: int) -> float:
    """Log time minus platform time, in minutes, using the nearer of the log time's two readings."""
    nearer = log_ms if abs(log_ms - platform_ms) <= abs(second_ms - platform_ms) else second_ms
    return round((nearer - platform_ms) / 60_000, 1)


def _by_link(matches: list, items: list, log: dict, taken_a: set, taken_r: set) -> list[tuple[int, int]]:
    """Step 1: each log row whose Link holds the platform's ID of one of ``items`` (posts or messages) matches
    it, one to one; ``matches`` (one per item) are given the row. Returns the (item, row) pairs."""
    by_id = {item.id: i for i, item in enumerate(items) if item.id}
    if not by_id or "Link" not in log:
        return []
    rows, first, second, readable, links = (log[c] for c in (ROW, "first", "second", "readable", "Link"))
    found = []
    for r in np.flatnonzero(pd.notna(links)).tolist():
        a = next((by_id[w] for w in link_words(links[r]) if w in by_id), None)
        if a is not None and a not in taken_a:
            taken_a.add(a)
            taken_r.add(r)
            matches[a].row, matches[a].how = int(rows[r]), "by ID"
            matches[a].logged = (int(first[r]), int(second[r])) if readable[r] else None
            found.append((a, r))
    return found


def _match_posts(archive: Archive, log: dict, window: int, walls: list[int]) -> list[PostMatch]:
    """The archive's posts (published at ``walls``, UK wall-clock ms) matched to its account's ``log`` rows."""
    records = archive.posts
    at_ms = np.fromiter((r.at_ms for r in records), dtype="int64", count=len(records))
    matches = [PostMatch(archive, r, local_ms=t) for r, t in zip(records, walls)]
    if not len(log[ROW]):
        return matches
    rows, first, second, readable = log[ROW], log["first"], log["second"], log["readable"]
    texts = log["Post text"]
    taken_a: set[int] = set()
    taken_r: set[int] = set()
    for a, r in _by_link(matches, records, log, taken_a, taken_r):
        matches[a].similarity = _text_similarity(records[a].text, texts[r])
    normal_log: dict[int, str] = {}
    normal_archive: dict[int, str] = {}

    def score(a: int, r: int) -> float | None:
        """Similarity of the two texts (None: one has none); the same text needs no normalising."""
        if records[a].text and records[a].text == texts[r]:
            return 1.0
        left = normal_archive.setdefault(a, normalised(records[a].text))
        right = normal_log.setdefault(r, normalised(texts[r]))
        return similarity(left, right) if left and right else None

    # The closest in time first, then the most similar: texts are compared only for pairs still free when their
    # turn comes (most posts are taken by their own log row, seconds away, before any neighbour is looked at).
    archive, log_index, apart = _candidates(at_ms, first, second, readable, window)
    order = np.lexsort((log_index, archive, apart)).tolist()
    archive, log_index, apart = archive.tolist(), log_index.tolist(), apart.tolist()
    start = 0
    while start < len(order):
        end = start
        while end < len(order) and apart[order[end]] == apart[order[start]]:
            end += 1
        tied = []
        for i in order[start:end]:
            a, r = archive[i], log_index[i]
            if a in taken_a or r in taken_r:
                continue
            similar = score(a, r)
            if similar is None or similar >= SAME_POST:
                tied.append((-(1.0 if similar is None else similar), a, r, similar))
        for _, a, r, similar in sorted(tied):
            if a in taken_a or r in taken_r:
                continue
            taken_a.add(a)
            taken_r.add(r)
            m = matches[a]
            m.row = int(rows[r])
            m.how = "by time and text" if similar is not None else "by time (no text on one side)"
            m.logged = (int(first[r]), int(second[r]))
            m.similarity = similar
        start = end
    return matches


def _text_similarity(published: str, logged) -> float | None:
    left, right = normalised(published), normalised(logged if isinstance(logged, str) else "")
    return similarity(left, right) if left and right else None


def _queries(archive: Archive) -> list[tuple]:
    """The new queries sent to the account, with its first reply to each: direct messages, and on X the tweets
    it replied to; each as (kind, ID, received ms, sender, text, first reply ms or None)."""
    threads: dict[object, list[Record]] = {}
    for message in archive.messages:
        threads.setdefault(message.conversation, []).append(message)
    # (kind, ID, received ms, sender, text, first reply ms or None)
    found: list[tuple] = []
    for messages in threads.values():
        messages.sort(key=lambda m: m.at_ms)
        waiting: list[Record] = []
        heard_from: set[str] = set()
        for message in messages + [None]:
            if message is None or archive.is_own(message.sender):
                reply = None if message is None else message.at_ms
                found += [("message", q.id, q.at_ms, q.sender, q.text, reply) for q in waiting]
                waiting, heard_from = [], set()
            elif (message.sender or "") not in heard_from:
                heard_from.add(message.sender or "")
                waiting.append(message)
    replied: dict[str, int] = {}
    for reply in archive.replies:
        if reply.reply_to and reply.at_ms < replied.get(reply.reply_to, reply.at_ms + 1):
            replied[reply.reply_to] = reply.at_ms
    for tweet, reply in replied.items():
        received = snowflake_ms(tweet)
        if received is not None:
            found.append(("reply", tweet, received, None, "", reply))
    return found


def _as_queries(archive: Archive, found: list[tuple], walls: list[int], reply_walls: list[int]) -> list[Query]:
    """:func:`_queries`'s tuples as :class:`Query`, with their times on the UK wall clock (``walls``, and
    ``reply_walls`` for the replies)."""
    return [
        Query(
            archive, kind, ident, at, sender, text, reply, None if reply is None else reply_walls[i], local_ms=walls[i]
        )
        for i, (kind, ident, at, sender, text, reply) in enumerate(found)
    ]


def _match_queries(queries: list[Query], log: dict, window: int) -> list[Query]:
    if not len(log[ROW]):
        return queries
    rows, first, second, readable = log[ROW], log["first"], log["second"], log["readable"]
    taken_a: set[int] = set()
    taken_r: set[int] = set()
    _by_link(queries, queries, log, taken_a, taken_r)
    at_ms = np.fromiter((q.at_ms for q in queries), dtype="int64", count=len(queries))
    # Two rows as close in time: the one whose logged reply agrees best with the platform's reply is the same
    # conversation ("then the most similar", as for posts).
    replied, answered = log["also"], log["also_read"]
    platform = np.array([q.reply_ms if q.reply_ms is not None else -1 for q in queries], dtype="int64")
    archive, log_index, apart = _candidates(at_ms, first, second, readable, window)
    both = answered[log_index] & (platform[archive] >= 0)
    agreement = np.where(both, -np.abs(platform[archive] - replied[log_index]) / 60_000, -1e12)
    for a, r in _assign(archive, log_index, apart, agreement, taken_a, taken_r):
        q = queries[a]
        q.row, q.how = int(rows[r]), "by time"
        q.logged = (int(first[r]), int(second[r]))
    return queries
