"""The platforms' own record: each account's "download your information" archive, read into plain records.

``DATA_DIR/platform_exports/<Account ID>/`` (an extracted archive, or a folder holding the several zips of one
archive) or ``<Account ID>.zip`` as downloaded (platform-exports.md). The Account ID (any case) ties an archive
to the register's account; the platform is told from the archive's layout. One module per platform, each with
the same small interface::

    PLATFORM = "X"                  # what it reads
    LOOKED_FOR = "data/tweets.js"   # in a person's words, for the notice when nothing is recognised
    recognise(files) -> int         # 2: surely this platform's layout; 1: could be (shared layouts); 0: not
    read(files, archive) -> None    # fills the archive's posts, replies, messages and notices

so a new layout is a new function in its platform's module. Nothing here raises for what an archive holds:
every part that cannot be read is a notice naming it, and the other archives are still read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Notice
from . import facebook, instagram, tiktok, x, youtube
from .archive import ArchiveFiles, is_lock_or_system
from .records import Archive, Record

#: Every platform reader, in the order a tie between them is settled.
READERS = (x, facebook, instagram, youtube, tiktok)
#: Platforms that give an account's owner no archive of what was published.
NO_CONTENT_EXPORT = ("LinkedIn", "WhatsApp")
EXPORTS_FOLDER = "platform_exports"
#: The kind of every notice about an archive (``Notice.kind``).
NOTICE_KIND = "platform-export"

__all__ = ["Archive", "Exports", "Record", "READERS", "read_exports", "EXPORTS_FOLDER"]


@dataclass
class Exports:
    """Every archive found under ``platform_exports/``, and what was refused or guessed (as notices)."""

    archives: list[Archive] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def of(self, account: str) -> Archive | None:
        return next((a for a in self.archives if a.account == account), None)


def read_exports(folder: str | Path, accounts: dict[str, tuple[str | None, str | None]] | None) -> Exports | None:
    """The archives of ``folder/platform_exports``, or None when there is no such folder (then no archive rule
    runs). ``accounts``: the register's Account ID -> (Platform, Account name), or None when the register
    could not be read (then an archive is taken by its name alone)."""
    root = Path(folder) / EXPORTS_FOLDER
    if not root.exists() and not root.is_symlink():
        return None
    exports = Exports()

    def notice(source: str, detail: str) -> None:
        exports.notices.append(Notice(NOTICE_KIND, detail, source))

    if root.is_symlink() or not root.is_dir():
        notice(EXPORTS_FOLDER, "not a folder (a file, or a symbolic link, which is never followed); nothing read")
        return exports
    by_account: dict[str, list[Path]] = {}
    for entry in sorted(root.iterdir()):
        label = f"{EXPORTS_FOLDER}/{entry.name}"
        if is_lock_or_system(entry.name):
            continue
        if entry.is_symlink():
            notice(label, "a symbolic link, never followed; nothing read")
        elif entry.is_dir() or entry.suffix.casefold() == ".zip":
            by_account.setdefault((entry.stem if entry.is_file() else entry.name).casefold(), []).append(entry)
        else:
            notice(label, "not an archive: expected <Account ID>.zip or a folder named after the account; not read")
    spelling = {account.casefold(): account for account in accounts or {}}
    for key, entries in by_account.items():
        label = f"{EXPORTS_FOLDER}/{entries[0].name}" + ("/" if entries[0].is_dir() else "")
        if len(entries) > 1:
            notice(label, f"two copies of one archive ({' and '.join(e.name for e in entries)}): keep one; not read")
            continue
        if accounts is not None and key not in spelling:
            notice(
                label,
                f"'{entries[0].stem if entries[0].is_file() else entries[0].name}' is not an Account ID of the "
                "accounts register: name the archive after the account it comes from; not read",
            )
            continue
        account = spelling.get(key, entries[0].stem if entries[0].is_file() else entries[0].name)
        platform, name = (accounts or {}).get(account, (None, None))
        if platform in NO_CONTENT_EXPORT:
            notice(
                label,
                f"{platform} has no export of what an account published, so {account} cannot be checked against "
                "it; not read",
            )
            continue
        archive = _read_archive(entries[0], label, account, platform, name)
        exports.archives.append(archive)
        exports.notices += [Notice(NOTICE_KIND, line, label) for line in archive.notices]
    return exports


def _read_archive(entry: Path, label: str, account: str, platform: str | None, name: str | None) -> Archive:
    archive = Archive(account, label)
    if name:
        archive.own_names.add(name)
    files = ArchiveFiles([entry], label)
    try:
        reader = _recognise(files, platform, archive)
        if reader is not None:
            archive.platform = reader.PLATFORM
            if platform and platform != reader.PLATFORM:
                article = "an" if reader.PLATFORM[0] in "AEIOUX" else "a"
                archive.notices.append(
                    f"{article} {reader.PLATFORM} archive, but the accounts register gives {platform} for {account}; "
                    f"read as {reader.PLATFORM}"
                )
            reader.read(files, archive)
    except (Exception, MemoryError, RecursionError) as exc:  # hostile input: one line, never a traceback
        archive.notices.append(f"could not be read to the end ({type(exc).__name__}: {exc})")
    finally:
        files.close()
    archive.notices[:0] = files.notices
    return archive


def _recognise(files: ArchiveFiles, platform: str | None, archive: Archive):
    """The reader whose layout the archive has (the register's platform settles a tie); None, with a notice
    saying what was looked for, when none has it."""
    scores = {reader: reader.recognise(files) for reader in READERS}
    best = max(scores.values())
    candidates = [r for r, s in scores.items() if s == best and s]
    if not candidates:
        looked = "; ".join(f"{r.PLATFORM}: {r.LOOKED_FOR}" for r in READERS)
        archive.notices.append(f"not recognised as a platform's archive (looked for {looked}); nothing read")
        return None
    chosen = next((r for r in candidates if r.PLATFORM == platform), None)
    if chosen is None and len(candidates) > 1:
        archive.notices.append(
            f"its layout could be {' or '.join(r.PLATFORM for r in candidates)}, and the register does not say "
            "which; nothing read"
        )
        return None
    chosen = chosen or candidates[0]
    if best == 1:
        archive.notices.append(f"holds message threads only; read as {chosen.PLATFORM}, as the register says")
    return chosen


def _uk_day(ms: int) -> str:
    from zoneinfo import ZoneInfo

    moment = dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).astimezone(ZoneInfo("Europe/London"))
    return f"{moment:%d/%m/%Y}"


def _counted(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def holdings(archive: Archive) -> str:
    """What an archive holds, in a person's words: ``X: 180 posts from 01/09/2025 to 28/08/2026, 222 replies,
    214 messages in 107 conversations``."""
    if archive.platform is None:
        return "not recognised: nothing read"
    parts = []
    if archive.posts:
        first, last = archive.first_post, archive.last_post
        parts.append(f"{_counted(len(archive.posts), 'post', 'posts')} from {_uk_day(first.at_ms)} to "
                     f"{_uk_day(last.at_ms)}")  # fmt: skip
    else:
        parts.append("no posts")
    if archive.replies:
        parts.append(_counted(len(archive.replies), "reply", "replies") + " to others")
    if archive.messages:
        conversations = len({m.conversation for m in archive.messages})
        parts.append(
            f"{_counted(len(archive.messages), 'message', 'messages')} in "
            f"{_counted(conversations, 'conversation', 'conversations')}"
        )
    if archive.comments:
        parts.append(_counted(len(archive.comments), "comment", "comments") + " of the channel's own")
    return f"{archive.platform}: " + ", ".join(parts)
