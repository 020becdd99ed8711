"""What Facebook's and Instagram's JSON archives share: Meta's mojibake, message threads, profile names.

Meta writes each UTF-8 byte of a text as its own ``\\u00XX`` escape, so ``Zoë`` parses as ``ZoÃ«``: every text
read is repaired with ``s.encode("latin-1").decode("utf-8")``, keeping the original when that fails.
Messages: one ``message_1.json`` (``_2``, ...) per thread, under ``messages/inbox/<name>_<id>/`` (also
``archived_threads``, ``filtered_threads``, ``message_requests``), newest first.
"""

from __future__ import annotations

import re

from .archive import ArchiveFiles
from .records import Archive, Record, timed

THREAD_FOLDERS = r"(?:inbox|archived_threads|filtered_threads|message_requests)"


def repaired(text) -> str:
    """A Meta text with its mojibake undone ("ZoÃ«" -> "Zoë"); a text that is not mojibake is kept as it is."""
    if not isinstance(text, str):
        return ""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def messages_pattern(activity_folders: str) -> re.Pattern:
    """Message files under ``messages/<threads>/<name>/`` inside one of ``activity_folders`` or at the root."""
    return re.compile(rf"(?:^|/)(?:{activity_folders}/)?messages/{THREAD_FOLDERS}/([^/]+)/message_\d+\.json$")


def read_messages(files: ArchiveFiles, archive: Archive, pattern: re.Pattern) -> None:
    """Every message of every thread: sender, time and text (a photo alone has no text)."""
    paths = files.find(pattern)
    for path in paths:
        thread = files.read_json(path)
        if not isinstance(thread, dict):
            if thread is not None:
                files.notices.append(f"{path}: refused: not a message thread")
            continue
        conversation = pattern.search(path).group(1)
        for message, at in timed(thread.get("messages") or (), lambda m: int(m["timestamp_ms"])):
            sender = repaired(message.get("sender_name")) or None
            archive.messages.append(Record(None, at, repaired(message.get("content")), None, sender, conversation))
    if paths:
        archive.read.append(f"{len(paths):,} message files ({_folders(paths)})")


def _folders(paths: list[str]) -> str:
    threads = {p.rsplit("/", 2)[0] for p in paths}
    return ", ".join(sorted({t.rsplit("/", 1)[0] + "/..." for t in threads}))


_PROFILE = re.compile(r"(?:^|/)(?:profile_information|personal_information)\.json$")


def read_meta(files: ArchiveFiles, archive: Archive, posts: list[str], post_of, looked_for: str, messages: re.Pattern,
              unwrap=lambda data: data) -> None:  # fmt: skip
    """A Meta archive: the profile's names, each posts file of ``posts`` (a list of posts, or ``unwrap`` finds it)
    read with ``post_of`` (one entry to a :class:`Record`, None when it has no time), then the message threads."""
    read_profile_names(files, archive)
    for path in posts:
        archive.read.append(path)
        data = files.read_json(path)
        entries = unwrap(data)
        if not isinstance(entries, list):
            if data is not None:
                archive.notices.append(f"{path}: refused: not a list of posts")
            continue
        archive.posts += [r for r in map(post_of, entries) if r is not None]
    if not posts:
        archive.notices.append(f"the archive holds no posts file (looked for {looked_for})")
    read_messages(files, archive, messages)


def read_profile_names(files: ArchiveFiles, archive: Archive) -> None:
    """The archive's own profile name (Facebook ``profile_v2.name.full_name``; Instagram ``profile_user``'s
    Name and Username), so the account's messages are told from those sent to it."""
    for path in files.find(_PROFILE):
        data = files.read_json(path)
        if not isinstance(data, dict):
            continue
        name = ((data.get("profile_v2") or {}).get("name") or {}).get("full_name")
        names = [name] if isinstance(name, str) else []
        for user in data.get("profile_user") or ():
            fields = (user or {}).get("string_map_data") or {}
            names += [(fields.get(k) or {}).get("value") for k in ("Name", "Username")]
        archive.own_names.update(repaired(n) for n in names if isinstance(n, str) and n.strip())
