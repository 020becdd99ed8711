"""X (Twitter) account archives: posts, long posts, replies and direct messages (platform-exports.md).

Each ``.js`` file is JavaScript (``window.YTD.tweets.part0 = [...]``) parsed from its first ``[``. Posts are
``data/tweets.js`` with ``data/tweets-part1.js``, ... for large accounts; older archives have ``data/tweet.js``
or the files at the archive's root. Entries are ``{"tweet": {...}}``, bare objects in old archives. The time of
a tweet is ``created_at``; its full text is ``full_text`` (HTML-escaped, t.co links expanded from the
entities), or a long post's note-tweet text. A reply to someone else is a response, never a post.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from .archive import ArchiveFiles
from .records import Archive, Record, iso_ms, ms_of, timed

PLATFORM = "X"
LOOKED_FOR = "data/tweets.js (or tweet.js, tweets-part1.js, ...) and data/account.js"

_JS = r"(?:^|/)(?:data/)?{}(?:-part\d+)?\.js$"
TWEETS = re.compile(_JS.format(r"tweets?"))
ACCOUNT = re.compile(_JS.format(r"account"))
NOTE_TWEETS = re.compile(_JS.format(r"note-tweet"))
DIRECT_MESSAGES = re.compile(_JS.format(r"direct-messages?(?:-group)?"))

#: X's epoch for snowflake IDs: milliseconds since the Unix epoch = (id >> 22) + this.
SNOWFLAKE_EPOCH_MS = 1288834974657
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                       "Dec"), 1)}  # fmt: skip
_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()


def snowflake_ms(tweet_id: str) -> int | None:
    """The UTC time (milliseconds) an X ID was made, read from the ID itself; None for what is not one."""
    try:
        number = int(tweet_id)
    except (TypeError, ValueError):
        return None
    return (number >> 22) + SNOWFLAKE_EPOCH_MS if number > 0 else None


def created_at_ms(text: str) -> int:
    """``Mon May 13 08:10:11 +0000 2024`` as UTC milliseconds: sliced when it has X's fixed shape (100,000
    posts read in a blink), else parsed in full."""
    if len(text) == 30 and text[19:26] == " +0000 ":
        try:
            days = dt.date(int(text[26:30]), _MONTHS[text[4:7]], int(text[8:10])).toordinal() - _EPOCH_DAY
            return ((days * 24 + int(text[11:13])) * 60 + int(text[14:16])) * 60_000 + int(text[17:19]) * 1000
        except (KeyError, ValueError):
            pass
    return ms_of(dt.datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y"))


def recognise(files: ArchiveFiles) -> int:
    """2: an X archive for sure (a tweets file or account.js); 0: not one."""
    return 2 if files.find(TWEETS) or files.find(ACCOUNT) else 0


def _entries(files: ArchiveFiles, path: str, key: str) -> list[dict]:
    """A YTD file's objects, each unwrapped from ``{key: {...}}`` (old archives hold them bare)."""
    data = files.read_json(path, from_char="[")
    if data is None:
        return []
    if not isinstance(data, list):
        files.notices.append(f"{path}: refused: not a list of entries")
        return []
    return [e.get(key, e) if isinstance(e, dict) else {} for e in data]


def read(files: ArchiveFiles, archive: Archive) -> None:
    handle, own_id = _account(files, archive)
    notes = _note_texts(files, archive)
    skipped = 0
    for path in files.find(TWEETS):
        archive.read.append(path)
        for tweet in _entries(files, path, "tweet"):
            record = _record(tweet, notes)
            if record is None:
                skipped += 1
                continue
            if record.reply_to is not None and not _continues_own_thread(tweet, handle, own_id):
                archive.replies.append(record)
            else:
                archive.posts.append(record)
        if skipped:
            archive.notices.append(f"{path}: {skipped:,} entries without id_str or created_at were skipped")
            skipped = 0
    if not files.find(TWEETS):
        archive.notices.append(f"no posts file found (looked for {LOOKED_FOR})")
    _direct_messages(files, archive)


def _account(files: ArchiveFiles, archive: Archive) -> tuple[str | None, str | None]:
    """The account's handle and user ID from ``account.js``."""
    for path in files.find(ACCOUNT):
        archive.read.append(path)
        for account in _entries(files, path, "account"):
            handle, own_id = account.get("username"), account.get("accountId")
            archive.own_names.update(str(n) for n in (handle, own_id) if n)
            return handle, own_id
    return None, None


def _note_texts(files: ArchiveFiles, archive: Archive) -> dict[int, str]:
    """Long posts' full texts by the second they were made (matched to a tweet within one second)."""
    texts: dict[int, str] = {}
    for path in files.find(NOTE_TWEETS):
        archive.read.append(path)
        for note in _entries(files, path, "noteTweet"):
            try:
                texts[iso_ms(note["createdAt"]) // 1000] = note["core"]["text"]
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
    return texts


def _record(tweet: dict, notes: dict[int, str]) -> Record | None:
    try:
        at = created_at_ms(tweet["created_at"])
        tweet_id = tweet["id_str"]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    text = tweet.get("full_text") or tweet.get("text") or ""
    if notes:
        second = at // 1000
        note = notes.get(second) or notes.get(second - 1) or notes.get(second + 1)
        text = note if note is not None else text
    urls = (tweet.get("entities") or {}).get("urls")
    if urls:
        for url in urls:
            if isinstance(url, dict) and url.get("url") and url.get("expanded_url"):
                text = text.replace(url["url"], url["expanded_url"])
    if "&" in text:
        text = html.unescape(text)
    return Record(str(tweet_id), at, text, tweet.get("in_reply_to_status_id_str") or None)


def _continues_own_thread(tweet: dict, handle: str | None, own_id: str | None) -> bool:
    """A reply to the account's own tweet continues a thread: a post, not a response."""
    name = tweet.get("in_reply_to_screen_name")
    if name and handle:
        return name.casefold() == handle.casefold()
    user = tweet.get("in_reply_to_user_id_str")
    return bool(user and own_id and user == own_id)


def _direct_messages(files: ArchiveFiles, archive: Archive) -> None:
    for path in files.find(DIRECT_MESSAGES):
        archive.read.append(path)
        for conversation in _entries(files, path, "dmConversation"):
            thread = conversation.get("conversationId")
            # A reaction or someone joining has no messageCreate: not a message, passed over with the undated.
            for message, at in timed(
                conversation.get("messages") or (), lambda m: iso_ms(m["messageCreate"]["createdAt"])
            ):
                create = message["messageCreate"]
                archive.messages.append(
                    Record(create.get("id"), at, create.get("text") or "", None, create.get("senderId"), thread)
                )
