"""TikTok: ``user_data_tiktok.json`` (older ``user_data.json``), posts and direct messages (platform-exports.md).

Posts at ``Post.Posts.VideoList`` (older ``Video.Videos.VideoList``, earliest nested under ``Activity``): each
``{"Date": "2024-05-13 08:10:11", "Link": ".../video/7368.../", "Title"}``; the video ID is only inside the
link, and the time has no zone: it is read as UTC (the method appendix says so). Messages at
``"Direct Message"."Direct Messages".ChatHistory`` (older ``"Direct Messages"."Chat History".ChatHistory``):
``{"Chat History with <user>:": [{"Date", "From", "Content"}]}``.
"""

from __future__ import annotations

import re

from .archive import ArchiveFiles
from .records import Archive, Record, iso_ms, timed

PLATFORM = "TikTok"
LOOKED_FOR = "user_data_tiktok.json (or user_data.json)"

USER_DATA = re.compile(r"(?:^|/)user_data(?:_tiktok)?\.json$")
VIDEO_ID = re.compile(r"/video/(\d+)")
_POST_LISTS = (
    ("Post", "Posts", "VideoList"),
    ("Video", "Videos", "VideoList"),
    ("Activity", "Video", "Videos", "VideoList"),
    ("Activity", "Videos", "VideoList"),
)
_CHAT_HISTORIES = (
    ("Direct Message", "Direct Messages", "ChatHistory"),
    ("Direct Messages", "Chat History", "ChatHistory"),
    ("Activity", "Direct Messages", "Chat History", "ChatHistory"),
)
_PROFILE = ("Profile", "Profile Information", "ProfileMap", "userName")


def recognise(files: ArchiveFiles) -> int:
    return 2 if files.find(USER_DATA) else 0


def _at(data, keys: tuple[str, ...]):
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def read(files: ArchiveFiles, archive: Archive) -> None:
    archive.times_assumed_utc = True
    for path in files.find(USER_DATA):
        archive.read.append(path)
        data = files.read_json(path)
        if not isinstance(data, dict):
            if data is not None:
                archive.notices.append(f"{path}: refused: not TikTok's user data")
            continue
        handle = _at(data, _PROFILE)
        if isinstance(handle, str) and handle:
            archive.own_names.add(handle)
        videos = next((v for v in (_at(data, k) for k in _POST_LISTS) if isinstance(v, list)), None)
        if videos is None:
            archive.notices.append(f"{path}: no list of posts (looked for Post.Posts.VideoList and its older names)")
        for video in videos or ():
            record = _video(video)
            if record is not None:
                archive.posts.append(record)
        chats = next((c for c in (_at(data, k) for k in _CHAT_HISTORIES) if isinstance(c, dict)), {})
        for name, messages in chats.items():
            for message, at in timed(messages if isinstance(messages, list) else (), lambda m: iso_ms(m["Date"])):
                archive.messages.append(Record(None, at, message.get("Content") or "", None, message.get("From"), name))


def _video(video) -> Record | None:
    if not isinstance(video, dict):
        return None
    try:
        at = iso_ms(video["Date"])
    except (KeyError, TypeError, ValueError):
        return None
    found = VIDEO_ID.search(video.get("Link") or "")
    return Record(found.group(1) if found else None, at, video.get("Title") or "")
