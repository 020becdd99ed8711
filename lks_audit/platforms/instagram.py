"""Instagram (JSON): posts, reels and messages (platform-exports.md).

Posts: ``your_instagram_activity/media/posts_1.json`` (earlier ``your_instagram_activity/content/posts_1.json``,
earlier still ``content/posts_1.json``): an array of ``{"media": [{"uri", "creation_timestamp", "title"}],
"title", "creation_timestamp"}``; a single-photo post may lack the top-level title and time: ``media[0]``'s
are read. Reels: ``reels.json`` (``{"ig_reels_media": [...]}``). No post ID. Messages as Facebook's.
"""

from __future__ import annotations

import re

from .archive import ArchiveFiles
from .meta import messages_pattern, read_meta, repaired
from .records import Archive, Record

PLATFORM = "Instagram"
LOOKED_FOR = "your_instagram_activity/media/posts_1.json (or content/posts_1.json) and reels.json"

_ACTIVITY = r"your_instagram_activity"
POSTS = re.compile(rf"(?:^|/)(?:{_ACTIVITY}/)?(?:media|content)/posts_\d+\.json$")
REELS = re.compile(rf"(?:^|/)(?:{_ACTIVITY}/)?(?:media|content)/reels\.json$")
MESSAGES = messages_pattern(_ACTIVITY)
_SURE = re.compile(rf"(?:^|/){_ACTIVITY}/")


def recognise(files: ArchiveFiles) -> int:
    """2: Instagram for sure (posts, reels or its activity folder); 1: only message threads (as Facebook's)."""
    if files.find(POSTS) or files.find(REELS) or files.find(_SURE):
        return 2
    return 1 if files.find(MESSAGES) else 0


def read(files: ArchiveFiles, archive: Archive) -> None:
    posts = files.find(POSTS) + files.find(REELS)
    read_meta(files, archive, posts, _post, LOOKED_FOR, MESSAGES, _reels_unwrapped)


def _reels_unwrapped(data):
    """``reels.json`` wraps its list: ``{"ig_reels_media": [...]}``; a posts file is the list itself."""
    return data.get("ig_reels_media") if isinstance(data, dict) else data


def _post(post) -> Record | None:
    if not isinstance(post, dict):
        return None
    media = post.get("media")
    first = media[0] if isinstance(media, list) and media and isinstance(media[0], dict) else {}
    when = post.get("creation_timestamp", first.get("creation_timestamp"))
    try:
        at = int(when) * 1000
    except (TypeError, ValueError):
        return None
    title = post.get("title") if isinstance(post.get("title"), str) and post["title"] else first.get("title")
    return Record(None, at, repaired(title))
