"""Instagram (JSON): posts, reels and messages (platform-exports.md).

Posts: ``your_instagram_activity/media/posts_1.json`` (earlier ``your_instagram_activity/content/posts_1.json``,
earlier still ``content/posts_1.json``): an array of ``{"media": [{"uri", "creation_timestamp", "title"}],
"title", "creation_timestamp"}``; a single-photo post may lack the top-level title and time: ``media[0]``'s
are read. Reels: ``reels.json`` (``{"ig_reels_media": [...]}``). No post ID. Messages as Facebook's.
"""

from __future__ import annotations

import re

from .archive import ArchiveFiles
from .meta import messages_pattern, read_messages, read_profile_names, repaired
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
    read_profile_names(files, archive)
    found = False
    for path in files.find(POSTS) + files.find(REELS):
        found = True
        archive.read.append(path)
        data = files.read_json(path)
        posts = data.get("ig_reels_media") if isinstance(data, dict) else data
        if not isinstance(posts, list):
            if data is not None:
                archive.notices.append(f"{path}: refused: not a list of posts")
            continue
        archive.posts += [r for r in map(_post, posts) if r is not None]
    if not found:
        archive.notices.append(f"the archive holds no posts file (looked for {LOOKED_FOR})")
    read_messages(files, archive, MESSAGES)


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
