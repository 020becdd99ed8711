"""What a platform's archive says the account published and received, as plain records.

Every reader (one module per platform) turns its files into the same few lists of :class:`Record`:
times in UTC milliseconds, texts as published (entities unescaped, mojibake repaired), no pandas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(slots=True)
class Record:
    """One post, reply or message as the platform recorded it."""

    #: The platform's own ID (an X ``id_str``, a YouTube Video ID, a TikTok video ID, an X message ID); None where
    #: the platform gives none (Facebook and Instagram posts, Meta and TikTok messages).
    id: str | None
    #: When, in UTC: milliseconds since the Unix epoch.
    at_ms: int
    #: The text as published; "" for a photo or video alone.
    text: str
    #: What it replies to: the ID of the tweet an X reply answers, or of the video or comment a YouTube comment
    #: is under. None for a post of the account's own.
    reply_to: str | None = None
    #: Who sent it (messages): a name, a handle or a user ID as the platform writes it. None for posts.
    sender: str | None = None
    #: The conversation a message belongs to (its thread); None for posts.
    conversation: str | None = None

    @property
    def utc(self) -> dt.datetime:
        return _EPOCH + dt.timedelta(milliseconds=self.at_ms)

    @property
    def stamp(self) -> str:
        """The UTC time as a finding ID names it: ``20240513T081011Z`` (:func:`stamp_of`)."""
        return stamp_of(self.at_ms)


@dataclass
class Archive:
    """One account's archive: what it holds, as records, and what could not be read (one line each)."""

    #: The Account ID it is filed under (``platform_exports/<Account ID>``), spelt as the register spells it.
    account: str
    #: Where the DPO finds it, relative to the data folder: ``platform_exports/ACC-003.zip``.
    source: str
    #: "X", "Facebook", "Instagram", "YouTube" or "TikTok"; None when the layout was not recognised.
    platform: str | None = None
    #: The files read, in a person's words (``data/tweets.js, data/direct-messages.js``).
    read: list[str] = field(default_factory=list)
    #: How the account names itself in its messages: handle, profile name, user ID (compared case aside).
    own_names: set[str] = field(default_factory=set)
    #: The register's Account name cell, as (sheet, Excel row, column), when it could not be read and the archive
    #: names itself nowhere (a Meta archive without its profile): its own messages cannot be told from those it
    #: received, so what they would decide waits on that cell (rules.md, "Unknown is not blank").
    own_name_unread: tuple | None = None
    #: What the account published on its own (an X thread's continuation included).
    posts: list[Record] = field(default_factory=list)
    #: X: the account's replies to someone else's tweet (``reply_to`` is that tweet's ID).
    replies: list[Record] = field(default_factory=list)
    #: Every message of every conversation, the account's own and those sent to it.
    messages: list[Record] = field(default_factory=list)
    #: YouTube: the channel's own comments (read and counted; no received time to match them by).
    comments: list[Record] = field(default_factory=list)
    #: What was refused, guessed or not found, one line each (the archive's notices).
    notices: list[str] = field(default_factory=list)
    #: True when the platform writes times without a zone (TikTok), read as UTC.
    times_assumed_utc: bool = False

    @property
    def own_keys(self) -> set[str]:
        """:attr:`own_names` as compared (:func:`name_key`). Worked out when asked, not kept: the readers and the
        register add names after the archive is made."""
        return {name_key(n) for n in self.own_names}

    def is_own(self, sender: str | None) -> bool:
        """Whether a message's sender is the account itself."""
        return sender is not None and name_key(sender) in self.own_keys

    @property
    def first_post(self) -> Record | None:
        return min(self.posts, key=lambda r: r.at_ms, default=None)

    @property
    def last_post(self) -> Record | None:
        return max(self.posts, key=lambda r: r.at_ms, default=None)


def stamp_of(ms: int) -> str:
    """UTC milliseconds as a finding ID names a record without an ID of its own: ``20240513T081011Z``. One
    wording for posts and queries, so the same moment never has two IDs."""
    return f"{_EPOCH + dt.timedelta(milliseconds=int(ms)):%Y%m%dT%H%M%SZ}"


def name_key(name: str) -> str:
    """A handle or name compared case aside, a leading ``@`` and surrounding spaces ignored."""
    return name.strip().lstrip("@").casefold()


def ms_of(moment: dt.datetime) -> int:
    """A timezone-aware datetime as UTC milliseconds."""
    return int(round(moment.timestamp() * 1000))


def iso_ms(text: str) -> int:
    """``2024-01-20T21:42:09.068Z`` or ``2023-09-19T17:42:53.434647+00:00`` as UTC milliseconds (a time without
    a zone is read as UTC)."""
    moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return ms_of(moment)


def timed(entries: Iterable, when: Callable[[dict], int]) -> Iterator[tuple[dict, int]]:
    """Each entry of an archive's list that is an object with a readable time (``when``: UTC milliseconds, raising
    KeyError, TypeError or ValueError when it has none), with that time; the others are passed over."""
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        try:
            at = when(entry)
        except (KeyError, TypeError, ValueError):
            continue
        yield entry, at
