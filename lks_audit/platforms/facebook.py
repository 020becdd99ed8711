"""Facebook (Meta Accounts Center, JSON): posts and messages (platform-exports.md).

Posts: ``your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json`` (``_2``, ...); before
2024 under ``your_activity_across_facebook/``, before 2023 ``posts/your_posts_1.json``: an array of
``{"timestamp", "data": [{"post": text}], "attachments": [...], "title"}``. No post ID: a post is known by its
time. A Page's own archive is read wherever these layouts find its posts.
"""

from __future__ import annotations

import re

from .archive import ArchiveFiles
from .meta import messages_pattern, read_meta, repaired
from .records import Archive, Record

PLATFORM = "Facebook"
LOOKED_FOR = "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json (or posts/your_posts_1.json)"

_ACTIVITY = r"your_facebook_activity|your_activity_across_facebook"
POSTS = re.compile(rf"(?:^|/)(?:(?:{_ACTIVITY})/)?posts/your_posts(?:__check_ins__photos_and_videos)?_\d+\.json$")
MESSAGES = messages_pattern(_ACTIVITY)
_SURE = re.compile(rf"(?:^|/)(?:{_ACTIVITY})/")


def recognise(files: ArchiveFiles) -> int:
    """2: Facebook for sure (its posts file, or its activity folder); 1: only message threads, which an older
    Instagram archive lays out alike; 0: not Facebook."""
    if files.find(POSTS) or files.find(_SURE):
        return 2
    return 1 if files.find(MESSAGES) else 0


def read(files: ArchiveFiles, archive: Archive) -> None:
    read_meta(files, archive, files.find(POSTS), _post, LOOKED_FOR, MESSAGES)


def _post(post) -> Record | None:
    if not isinstance(post, dict):
        return None
    try:
        at = int(post["timestamp"]) * 1000
    except (KeyError, TypeError, ValueError):
        return None
    return Record(None, at, published_text(post))


def published_text(post: dict) -> str:
    """The ``data[].post`` text, else the first attachment's ``description`` (mojibake repaired)."""
    for item in post.get("data") or ():
        if isinstance(item, dict) and isinstance(item.get("post"), str):
            return repaired(item["post"])
    for attachment in post.get("attachments") or ():
        for item in (attachment or {}).get("data") or ():
            media = (item or {}).get("media") if isinstance(item, dict) else None
            if isinstance(media, dict) and isinstance(media.get("description"), str):
                return repaired(media["description"])
    return ""
