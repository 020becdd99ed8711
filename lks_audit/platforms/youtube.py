"""YouTube (Google Takeout): the channel's videos and its own comments (platform-exports.md).

``Takeout/YouTube and YouTube Music/video metadata/videos.csv``; Takeout localises folder names, so a
``videos.csv`` in a folder of another name is read too, with a notice saying it was a guess. Columns are read
by header name, case aside. A video's published text is its title and description joined by a new line; its
time is Video Publish Timestamp (else Video Create Timestamp). The channel's comments: ``comments/comments.csv``,
whose Comment Text is JSON segments (``{"takeoutSegments":[{"text":...}]}`` before mid-2024, comma-joined
``{"text":...}`` objects after).
"""

from __future__ import annotations

import json
import re

from .archive import ArchiveFiles
from .records import Archive, Record, iso_ms, timed

PLATFORM = "YouTube"
LOOKED_FOR = "Takeout/YouTube and YouTube Music/video metadata/videos.csv"

VIDEOS = re.compile(r"(?:^|/)videos\.csv$", re.I)
_SURELY_VIDEOS = re.compile(r"(?:^|/)video metadata/videos\.csv$", re.I)
COMMENTS = re.compile(r"(?:^|/)comments\.csv$", re.I)


def recognise(files: ArchiveFiles) -> int:
    return 2 if files.find(VIDEOS) else 0


def read(files: ArchiveFiles, archive: Archive) -> None:
    for path in files.find(VIDEOS):
        if not _SURELY_VIDEOS.search(path):
            archive.notices.append(
                f"{path}: read as the channel's video list, a guess: its folder is not named 'video metadata' "
                "(Takeout names folders in the account's language)"
            )
        archive.read.append(path)
        rows = files.read_csv(path)
        if rows is None:
            continue
        if rows and "video id" not in rows[0]:
            archive.notices.append(f"{path}: refused: no 'Video ID' column")
            continue
        skipped = 0
        for row in rows:
            record = _video(row)
            if record is None:
                skipped += 1
            else:
                archive.posts.append(record)
        if skipped:
            archive.notices.append(f"{path}: {skipped:,} rows without a Video ID or a readable time were skipped")
    for path in files.find(COMMENTS):
        archive.read.append(path)
        for row, at in timed(files.read_csv(path) or (), lambda r: iso_ms(r["comment create timestamp"])):
            parent = row.get("parent comment id") or row.get("video id") or None
            text = comment_text(row.get("comment text"))
            archive.comments.append(Record(row.get("comment id") or None, at, text, parent))


def _video(row: dict[str, str]) -> Record | None:
    video_id = (row.get("video id") or "").strip()
    when = row.get("video publish timestamp") or row.get("video create timestamp") or ""
    if not video_id or not when.strip():
        return None
    try:
        at = iso_ms(when)
    except ValueError:
        return None
    title = row.get("video title (original)") or ""
    description = row.get("video description (original)") or ""
    return Record(video_id, at, f"{title}\n{description}" if description else title)


def comment_text(cell: str | None) -> str:
    """A comment's text from Takeout's JSON segments (either form); the cell itself when it is plain text."""
    if not cell:
        return ""
    for attempt in (cell, f"[{cell}]"):
        try:
            value = json.loads(attempt)
        except (ValueError, RecursionError):
            continue
        segments = value.get("takeoutSegments") if isinstance(value, dict) else value
        if isinstance(segments, list):
            return "".join(
                s.get("text", "") for s in segments if isinstance(s, dict) and isinstance(s.get("text"), str)
            )
    return cell
