"""Synthetic platform archives, laid out exactly as platform-exports.md describes each platform's (every layout
variant it names), from plain :class:`~lks_audit.platforms.records.Record` lists.

For the sample school (``lks-audit sample``) and the tests: never real people's data. Each function returns the
archive's files (path inside it -> bytes); :func:`write_archive` writes them as an extracted folder, one zip or a
folder of several zips, with fixed timestamps so the same records give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import json
from pathlib import Path

from ..platforms.records import Record
from ..platforms.x import SNOWFLAKE_EPOCH_MS
from ..reproducible import zip_bytes

FIXED_TIME = (2026, 9, 1, 10, 15, 0)
#: X shortens every link to t.co in ``full_text``; the entities give it back.
_TCO_LENGTH = 23
X_LONG_POST = 280
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _utc(ms: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=ms)


def digest(*parts) -> str:
    """The sample's stand-in for a platform's random choices: ``parts`` hashed, the same every run."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def snowflake(ms: int, sequence: int = 0) -> str:
    """An X ID made at ``ms`` (UTC milliseconds): its time can be read back from it."""
    return str(((ms - SNOWFLAKE_EPOCH_MS) << 22) | (sequence & 0x3FFFFF))


def youtube_id(*seed) -> str:
    """An 11-character YouTube video ID, the same for the same seed."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    number = int(digest("youtube", *seed), 16)
    return "".join(alphabet[(number >> (6 * i)) & 63] for i in range(11))


def tiktok_id(ms: int, sequence: int = 0) -> str:
    return str(7_000_000_000_000_000_000 + (ms // 1000) * 1000 + sequence % 1000)


# --- X -----------------------------------------------------------------------------------------------------


def x_created_at(ms: int) -> str:
    """``Mon May 13 08:10:11 +0000 2024``."""
    t = _utc(ms)
    return f"{_WEEKDAYS[t.weekday()]} {_MONTHS[t.month - 1]} {t.day:02d} {t:%H:%M:%S} +0000 {t.year}"


def _iso_ms(ms: int) -> str:
    return _utc(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _shortened(text: str, key: str) -> tuple[str, list[dict]]:
    """``text`` with each link replaced by a t.co link, and the entities that give them back."""
    urls, out = [], []
    for i, word in enumerate(text.split(" ")):
        if word.startswith(("http://", "https://")):
            short = "https://t.co/" + digest(key, i)[:10]
            start = len(" ".join(out)) + (1 if out else 0)
            urls.append(
                {
                    "url": short,
                    "expanded_url": word,
                    "display_url": word.split("://", 1)[1][:26],
                    "indices": [str(start), str(start + len(short))],
                }
            )
            word = short
        out.append(word)
    return " ".join(out), urls


def _tweet(record: Record, handle: str, own_id: str, reply_names: dict[str, str]) -> tuple[dict, dict | None]:
    """A tweet object as X's archive writes it, and a note-tweet when the text is too long for one post."""
    text, urls = _shortened(record.text, record.id)
    note = None
    if len(text) > X_LONG_POST:
        note = {
            "noteTweetId": str(int(record.id) + 1),
            "updatedAt": _iso_ms(record.at_ms),
            "lifecycle": {"value": "live", "name": "Live", "originalName": "live", "annotations": {}},
            "createdAt": _iso_ms(record.at_ms),
            "core": {"styletags": [], "urls": [], "text": record.text, "mentions": [], "cashtags": [], "hashtags": []},
        }
        text = text[: X_LONG_POST - 5].rstrip() + " …"
    full_text = html.escape(text, quote=False)
    tweet = {
        "edit_info": {
            "initial": {
                "editTweetIds": [record.id],
                "editableUntil": _iso_ms(record.at_ms + 3_600_000),
                "editsRemaining": "5",
                "isEditEligible": True,
            }
        },
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": urls},
        "display_text_range": ["0", str(len(full_text))],
        "favorite_count": str(int(digest("fav", record.id)[:2], 16) % 40),
        "id_str": record.id,
        "truncated": False,
        "retweet_count": str(int(digest("rt", record.id)[:2], 16) % 9),
        "id": record.id,
        "created_at": x_created_at(record.at_ms),
        "favorited": False,
        "full_text": full_text,
        "lang": "en",
    }
    if record.reply_to:
        other = reply_names.get(record.reply_to)
        name, user = (handle, own_id) if other is None else (other, str(int(digest("user", other)[:12], 16)))
        tweet |= {
            "in_reply_to_status_id_str": record.reply_to,
            "in_reply_to_status_id": record.reply_to,
            "in_reply_to_user_id": user,
            "in_reply_to_user_id_str": user,
            "in_reply_to_screen_name": name,
        }
    return tweet, note


def _ytd(name: str, part: int, entries: list) -> bytes:
    """A ``window.YTD.<name>.part<n> = [...]`` file, laid out as X writes it."""
    return (f"window.YTD.{name}.part{part} = " + json.dumps(entries, indent=2, ensure_ascii=False)).encode("utf-8")


def x_archive(
    handle: str,
    own_id: str,
    posts: list[Record],
    replies: list[Record] = (),
    messages: list[Record] = (),
    *,
    reply_names: dict[str, str] | None = None,
    layout: str = "tweets",
    parts: int = 1,
) -> dict[str, bytes]:
    """An X archive. ``posts`` (a thread's continuation has ``reply_to`` one of them) and ``replies`` (``reply_to``
    someone else's tweet, named in ``reply_names``) as tweets; ``messages`` as direct messages (``sender`` a user
    ID: ``own_id`` for the account's own). ``layout``: "tweets" (``data/tweets.js``, today's), "tweet"
    (``data/tweet.js``), "bare" (``data/tweet.js``, entries not wrapped) or "root" (``tweet.js`` at the root,
    bare). ``parts``: split the posts over ``tweets.js``, ``tweets-part1.js``, ..."""
    reply_names = dict(reply_names or {})
    tweets, notes = [], []
    for record in sorted([*posts, *replies], key=lambda r: r.at_ms, reverse=True):
        tweet, note = _tweet(record, handle, own_id, reply_names)
        tweets.append(tweet)
        if note:
            notes.append({"noteTweet": note})
    name = "tweets" if layout == "tweets" else "tweet"
    wrap = layout in ("tweets", "tweet")
    folder = "" if layout == "root" else "data/"
    files: dict[str, bytes] = {}
    files[f"{folder}account.js"] = _ytd(
        "account",
        0,
        [
            {
                "account": {
                    "email": f"office@{handle.lower()}.example",
                    "createdVia": "web",
                    "username": handle,
                    "accountId": own_id,
                    "createdAt": "2020-09-07T09:00:00.000Z",
                    "accountDisplayName": handle,
                }
            }
        ],
    )
    per_part = -(-len(tweets) // max(parts, 1)) if tweets else 0
    for part in range(max(parts, 1)):
        chunk = tweets[part * per_part : (part + 1) * per_part] if per_part else []
        entries = [{"tweet": t} if wrap else t for t in chunk]
        path = f"{folder}{name}.js" if part == 0 else f"{folder}{name}-part{part}.js"
        files[path] = _ytd(name, part, entries)
    if notes:
        files[f"{folder}note-tweet.js"] = _ytd("note_tweet", 0, notes)
    if messages:
        files[f"{folder}direct-messages.js"] = _ytd("direct_messages", 0, _dm_conversations(messages, own_id))
        files[f"{folder}direct-messages-group.js"] = _ytd("direct_messages_group", 0, [])
    return files


def _dm_conversations(messages: list[Record], own_id: str) -> list[dict]:
    threads: dict[str, list[Record]] = {}
    for m in messages:
        threads.setdefault(m.conversation, []).append(m)
    out = []
    for conversation, items in threads.items():
        others = sorted({m.sender for m in items if m.sender != own_id}) or ["0"]
        entries = []
        for m in sorted(items, key=lambda m: m.at_ms, reverse=True):
            recipient = others[0] if m.sender == own_id else own_id
            entries.append(
                {
                    "messageCreate": {
                        "recipientId": recipient,
                        "reactions": [],
                        "urls": [],
                        "text": m.text,
                        "mediaUrls": [],
                        "senderId": m.sender,
                        "id": m.id,
                        "createdAt": _iso_ms(m.at_ms),
                    }
                }
            )
        out.append({"dmConversation": {"conversationId": conversation, "messages": entries}})
    return out


# --- Meta: Facebook and Instagram ---------------------------------------------------------------------------


def mojibake(value):
    """Meta's encoding: every UTF-8 byte of every text as its own character (``Zoë`` -> ``ZoÃ«``)."""
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [mojibake(v) for v in value]
    if isinstance(value, dict):
        return {k: mojibake(v) for k, v in value.items()}
    return value


def _meta_json(value) -> bytes:
    """JSON as Meta writes it: indented, every byte above ASCII escaped (``\\u00c3\\u00ab``)."""
    return json.dumps(mojibake(value), indent=2, ensure_ascii=True).encode("ascii")


def _threads(messages: list[Record], owner: str, root: str) -> dict[str, bytes]:
    """``<root>/<name>_<id>/message_1.json`` per conversation, newest message first."""
    threads: dict[str, list[Record]] = {}
    for m in messages:
        threads.setdefault(m.conversation, []).append(m)
    files = {}
    for conversation, items in threads.items():
        others = sorted({m.sender for m in items if m.sender != owner})
        folder = f"{root}/{conversation}"
        files[f"{folder}/message_1.json"] = _meta_json(
            {
                "participants": [{"name": n} for n in [*others, owner]],
                "messages": [
                    {
                        "sender_name": m.sender,
                        "timestamp_ms": m.at_ms,
                        "content": m.text,
                        "is_geoblocked_for_viewer": False,
                    }
                    for m in sorted(items, key=lambda m: m.at_ms, reverse=True)
                ],
                "title": others[0] if others else owner,
                "is_still_participant": True,
                "thread_path": folder.split("messages/", 1)[-1],
                "magic_words": [],
            }
        )
    return files


def conversation_folder(name: str, number: int) -> str:
    """Meta's thread folder: the other person's name, lower case without spaces, and a number."""
    return "".join(c for c in name.lower() if c.isalnum()) + f"_{number}"


FACEBOOK_LAYOUTS = {
    # layout -> (posts file, messages folder)
    "2024": (
        "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_{n}.json",
        "your_facebook_activity/messages/inbox",
    ),
    "2023": (
        "your_activity_across_facebook/posts/your_posts__check_ins__photos_and_videos_{n}.json",
        "your_activity_across_facebook/messages/inbox",
    ),
    "2022": ("posts/your_posts_{n}.json", "messages/inbox"),
}


def facebook_archive(
    page: str, posts: list[Record], messages: list[Record] = (), *, layout: str = "2024", per_file: int = 0
) -> dict[str, bytes]:
    """A Facebook archive (Meta Accounts Center, JSON) of the Page ``page``: posts (newest first), every third
    one carrying its text only as the first attachment's description, a photo alone with no text; messages
    (``sender`` a name; ``page`` for the Page's own) as inbox threads. ``per_file``: posts per file (0: one)."""
    posts_path, inbox = FACEBOOK_LAYOUTS[layout]
    entries = []
    for i, record in enumerate(sorted(posts, key=lambda r: r.at_ms, reverse=True)):
        seconds = record.at_ms // 1000
        media = {
            "uri": f"your_facebook_activity/posts/media/photos/{seconds}.jpg",
            "creation_timestamp": seconds,
            "title": "",
        }
        entry = {
            "timestamp": seconds,
            "data": [{"update_timestamp": seconds}],
            "title": f"{page} updated their status.",
        }
        if record.text and i % 3 == 2:
            media["description"] = record.text
        elif record.text:
            entry["data"].insert(0, {"post": record.text})
        entry["attachments"] = [{"data": [{"media": media}]}]
        entries.append(entry)
    files = {}
    size = per_file or max(len(entries), 1)
    for n, start in enumerate(range(0, max(len(entries), 1), size), start=1):
        files[posts_path.format(n=n)] = _meta_json(entries[start : start + size])
    profile = "your_facebook_activity/personal_information" if layout != "2022" else "profile_information"
    files[f"{profile}/profile_information.json"] = _meta_json({"profile_v2": {"name": {"full_name": page}}})
    files.update(_threads(list(messages), page, inbox))
    return files


INSTAGRAM_LAYOUTS = {
    "media": ("your_instagram_activity/media", "your_instagram_activity/messages/inbox"),
    "content": ("your_instagram_activity/content", "your_instagram_activity/messages/inbox"),
    "old": ("content", "messages/inbox"),
}


def instagram_archive(
    username: str, posts: list[Record], messages: list[Record] = (), reels: list[Record] = (), *, layout: str = "media"
) -> dict[str, bytes]:
    """An Instagram archive: posts (every other one a single photo, its caption and time on ``media[0]`` only),
    reels, and messages as inbox threads (``username`` for the account's own)."""
    folder, inbox = INSTAGRAM_LAYOUTS[layout]

    def media(record: Record, n: int) -> dict:
        seconds = record.at_ms // 1000
        return {
            "uri": f"media/posts/{_utc(record.at_ms):%Y%m}/{digest(record.at_ms, n)[:17]}.jpg",
            "creation_timestamp": seconds,
            "media_metadata": {"photo_metadata": {"exif_data": []}},
            "title": record.text,
            "cross_post_source": {"source_app": "FB"},
        }

    entries = []
    for i, record in enumerate(sorted(posts, key=lambda r: r.at_ms, reverse=True)):
        if i % 2:
            entries.append({"media": [media(record, 0)]})
        else:
            photos = [media(record, 0), {**media(record, 1), "title": ""}]
            entries.append({"media": photos, "title": record.text, "creation_timestamp": record.at_ms // 1000})
    files = {f"{folder}/posts_1.json": _meta_json(entries)}
    if reels:
        files[f"{folder}/reels.json"] = _meta_json(
            {"ig_reels_media": [{"media": [media(r, 0)]} for r in sorted(reels, key=lambda r: r.at_ms, reverse=True)]}
        )
    personal = "personal_information/personal_information" if layout != "old" else "account_information"
    files[f"{personal}/personal_information.json"] = _meta_json(
        {"profile_user": [{"string_map_data": {"Username": {"value": username}, "Name": {"value": username}}}]}
    )
    files.update(_threads(list(messages), username, inbox))
    return files


# --- YouTube -------------------------------------------------------------------------------------------------

VIDEO_COLUMNS = (
    "Video ID",
    "Approx Duration (ms)",
    "Video Audio Language",
    "Video Category",
    "Video Description (Original)",
    "Channel ID",
    "Video Title (Original)",
    "Privacy",
    "Video State",
    "Video Create Timestamp",
    "Video Publish Timestamp",
)
COMMENT_COLUMNS = (
    "Comment ID",
    "Channel ID",
    "Comment Create Timestamp",
    "Price",
    "Parent Comment ID",
    "Video ID",
    "Comment Text",
)


def _csv(header, rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _takeout_time(ms: int) -> str:
    return _utc(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{(ms % 1000) * 1000:06d}+00:00"


def youtube_takeout(
    channel: str,
    videos: list[Record],
    comments: list[Record] = (),
    *,
    metadata_folder: str = "video metadata",
    segments: str = "takeout",
) -> dict[str, bytes]:
    """A Google Takeout of a YouTube channel: ``videos.csv`` (a video's text is its title, a new line, then its
    description) in ``metadata_folder`` (another language's name makes the reader guess), and the channel's own
    comments, their text as ``{"takeoutSegments": [...]}`` (``segments="takeout"``, before mid-2024) or as
    comma-joined ``{"text": ...}`` objects (``segments="objects"``)."""
    root = "Takeout/YouTube and YouTube Music"
    rows = []
    for record in sorted(videos, key=lambda r: r.at_ms):
        title, _, description = record.text.partition("\n")
        rows.append(
            [
                record.id,
                "184000",
                "en",
                "Education",
                description,
                channel,
                title,
                "Unlisted",
                "Processed",
                _takeout_time(record.at_ms - 600_000),
                _takeout_time(record.at_ms),
            ]
        )
    files = {f"{root}/{metadata_folder}/videos.csv": _csv(VIDEO_COLUMNS, rows)}
    if comments:

        def text(t: str) -> str:
            if segments == "takeout":
                return json.dumps({"takeoutSegments": [{"text": t}]}, ensure_ascii=False)
            return ",".join(json.dumps({"text": part}, ensure_ascii=False) for part in t.split(" | "))

        # A comment's reply_to is the video it is under.
        rows = [[c.id, channel, _takeout_time(c.at_ms), "0", "", c.reply_to or "", text(c.text)] for c in comments]
        files[f"{root}/comments/comments.csv"] = _csv(COMMENT_COLUMNS, rows)
    return files


# --- TikTok --------------------------------------------------------------------------------------------------


def _tiktok_date(ms: int) -> str:
    return _utc(ms).strftime("%Y-%m-%d %H:%M:%S")


TIKTOK_LAYOUTS = {
    # layout -> (file, the part holding the rest or None, (videos' part, section), (messages' part, section))
    "current": ("user_data_tiktok.json", None, ("Post", "Posts"), ("Direct Message", "Direct Messages")),
    "old": ("user_data.json", None, ("Video", "Videos"), ("Direct Messages", "Chat History")),
    "activity": ("user_data.json", "Activity", ("Video", "Videos"), ("Direct Messages", "Chat History")),
}


def tiktok_archive(
    handle: str, posts: list[Record], messages: list[Record] = (), *, layout: str = "current"
) -> dict[str, bytes]:
    """A TikTok ``user_data_tiktok.json`` (``layout="current"``), the older ``user_data.json`` ("old": Video and
    "Direct Messages"."Chat History") or the earliest, nested under Activity ("activity"). Times are written
    without a zone (UTC)."""
    videos = [
        {
            "Date": _tiktok_date(r.at_ms),
            "Link": f"https://www.tiktokv.com/share/video/{r.id}/",
            "Likes": "12",
            "WhoCanView": "Everyone",
            "AllowComments": "Yes",
            "AllowStitches": "No",
            "AllowDuets": "No",
            "AllowStickers": "No",
            "AllowSharingToStory": "No",
            "ContentDisclosure": "",
            "AIGeneratedContent": "No",
            "Sound": "original sound",
            "Location": "",
            "Title": r.text,
            "AddYoursText": "",
            "AlternativeText": "",
            "EffectIds": "N/A",
            "TaggedUsers": "",
            "CoverImage": "",
            "PlaylistName": "",
        }
        for r in sorted(posts, key=lambda r: r.at_ms, reverse=True)
    ]
    chats: dict[str, list[dict]] = {}
    for m in sorted(messages, key=lambda m: m.at_ms, reverse=True):
        chats.setdefault(f"Chat History with {m.conversation}:", []).append(
            {"Date": _tiktok_date(m.at_ms), "From": m.sender, "Content": m.text}
        )
    profile = {"Profile Information": {"ProfileMap": {"userName": handle, "bioDescription": "Little Kinvaston"}}}
    file, wrapper, (videos_part, videos_section), (messages_part, messages_section) = TIKTOK_LAYOUTS[layout]
    parts = {
        videos_part: {videos_section: {"VideoList": videos}},
        messages_part: {messages_section: {"ChatHistory": chats}},
    }
    data = {"Profile": profile, **({wrapper: parts} if wrapper else parts)}
    return {file: json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")}


# --- writing -----------------------------------------------------------------------------------------------


def write_archive(
    files: dict[str, bytes], target: Path, form: str = "zip", top: str | None = None, zips: int = 2
) -> Path:
    """Write an archive's files under ``target`` (``platform_exports/<Account ID>``, without extension): "zip"
    writes ``<target>.zip``, "folder" the extracted files in ``<target>/``, "zips" ``<target>/`` holding the files
    spread over ``zips`` zips (as Google Takeout splits a download). ``top`` wraps them in a folder of that name.
    Returns what was written."""
    if top:
        files = {f"{top}/{path}": data for path, data in files.items()}
    target.parent.mkdir(parents=True, exist_ok=True)
    if form == "zip":
        path = target.with_name(target.name + ".zip")
        path.write_bytes(zip_bytes(files, FIXED_TIME, mode=0o644))
        return path
    target.mkdir(exist_ok=True)
    if form == "folder":
        for name, data in files.items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(data)
        return target
    names = sorted(files)
    for n in range(zips):
        part = {name: files[name] for name in names[n::zips]}
        (target / f"takeout-20260901T101500Z-{n + 1:03d}.zip").write_bytes(zip_bytes(part, FIXED_TIME, mode=0o644))
    return target
