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

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LksAuditError
from ..findings import Notice, NoticeKind
from ..intake import is_lock_or_system
from . import facebook, instagram, tiktok, x, youtube
from .archive import ArchiveFiles
from .records import Archive, Record

#: Every platform reader, in the order a tie between them is settled.
READERS = (x, facebook, instagram, youtube, tiktok)
#: Platforms that give an account's owner no archive of what was published.
NO_CONTENT_EXPORT = ("LinkedIn", "WhatsApp")
EXPORTS_FOLDER = "platform_exports"

__all__ = ["Archive", "Exports", "Record", "READERS", "read_exports", "EXPORTS_FOLDER"]


@dataclass
class Exports:
    """Every archive found under ``platform_exports/``, and what was refused or guessed (as notices)."""

    archives: list[Archive] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def read_exports(folder: str | Path, accounts: dict[str, tuple[str | None, str | None]] | None) -> Exports | None:
    """The archives of ``folder/platform_exports``, or None when there is no such folder (then no archive rule
    runs). ``accounts``: the register's Account ID -> (Platform, Account name), or None when the register
    could not be read (then an archive is taken by its name alone)."""
    return ExportsReading(folder).tied(accounts)


class ExportsReading:
    """``platform_exports/`` being read, in two steps so the loader can overlap the first with the workbooks'
    parsing: :meth:`read_ahead` reads every archive that needs nothing of the register (while a core is idle),
    :meth:`tied` ties the archives to the register's accounts, reading any still unread."""

    def __init__(self, folder: str | Path):
        self.root = Path(folder) / EXPORTS_FOLDER
        self.present = self.root.exists() or self.root.is_symlink()
        self._ahead: dict[Path, Archive] = {}
        self._listed: tuple[list[tuple[str, str]], dict[str, list[Path]]] | None = None

    def _list(self) -> tuple[list[tuple[str, str]], dict[str, list[Path]]]:
        """(notices about entries that are no archive, the entries of each Account ID, case folded)."""
        if self._listed is None:
            notices: list[tuple[str, str]] = []
            by_account: dict[str, list[Path]] = {}
            for entry in sorted(self.root.iterdir()):
                label = f"{EXPORTS_FOLDER}/{entry.name}"
                if is_lock_or_system(entry.name):
                    continue
                if entry.is_symlink():
                    notices.append((label, "a symbolic link, never followed; nothing read"))
                elif entry.is_dir() or entry.suffix.casefold() == ".zip":
                    by_account.setdefault(_stem(entry).casefold(), []).append(entry)
                else:
                    notices.append(
                        (
                            label,
                            "not an archive: expected <Account ID>.zip or a folder named after the account; not read",
                        )
                    )
            self._listed = notices, by_account
        return self._listed

    def _usable(self) -> bool:
        return self.present and not self.root.is_symlink() and self.root.is_dir()

    def read_ahead(self) -> None:
        """Read every single archive whose platform its layout tells (an old message-only Meta archive waits for
        the register's Platform)."""
        if not self._usable():
            return
        for entries in self._list()[1].values():
            if len(entries) == 1 and entries[0] not in self._ahead:
                archive = _read_archive(entries[0], _label(entries[0]), _stem(entries[0]), None, ahead=True)
                if archive is not None:
                    self._ahead[entries[0]] = archive

    def tied(
        self,
        accounts: dict[str, tuple[str | None, str | None]] | None,
        unread_ids: bool = False,
        unread_names: dict[str, tuple] | None = None,
    ) -> Exports | None:
        """Every archive tied to its account of the register (``accounts``; None: the register could not be
        read), with the notices about what was left aside, refused or guessed. ``unread_ids``: an Account ID of
        the register could not be read, so an archive named after none of the others may be that account's.
        ``unread_names``: Account ID -> its Account name cell (sheet, Excel row, column), where it could not be
        read."""
        if not self.present:
            return None
        exports = Exports()

        def notice(source: str, detail: str) -> None:
            exports.notices.append(Notice(NoticeKind.PLATFORM_EXPORT, detail, source))

        if not self._usable():
            notice(EXPORTS_FOLDER, "not a folder (a file, or a symbolic link, which is never followed); nothing read")
            return exports
        not_archives, by_account = self._list()
        for label, detail in not_archives:
            notice(label, detail)
        spelling = {account.casefold(): account for account in accounts or {}}
        for key, entries in by_account.items():
            label = _label(entries[0])
            account, details = _which_account(key, entries, spelling, accounts, unread_ids)
            for detail in details:
                notice(label, detail)
            if account is None:
                continue
            platform, name = (accounts or {}).get(account, (None, None))
            archive = self._ahead.get(entries[0]) or _read_archive(entries[0], label, account, platform)
            _tie(archive, account, platform, name, unread_names or {})
            exports.archives.append(archive)
            exports.notices += [Notice(NoticeKind.PLATFORM_EXPORT, line, label) for line in archive.notices]
        return exports


def _which_account(
    key: str,
    entries: list[Path],
    spelling: dict[str, str],
    accounts: dict[str, tuple[str | None, str | None]] | None,
    unread_ids: bool,
) -> tuple[str | None, list[str]]:
    """The Account ID the archive(s) named ``key`` (case folded) are read as, or None when they are left aside;
    with what the notices say about it."""
    if len(entries) > 1:
        return None, [f"two copies of one archive ({' and '.join(e.name for e in entries)}): keep one; not read"]
    details = []
    if accounts is not None and key not in spelling:
        if not unread_ids:
            return None, [
                f"'{_stem(entries[0])}' is not an Account ID of the accounts register: name the archive "
                "after the account it comes from; left aside"
            ]
        details.append(
            f"'{_stem(entries[0])}' is not an Account ID of the accounts register, but an Account ID there "
            "could not be read and may be it: read as that account's"
        )
    account = spelling.get(key, _stem(entries[0]))
    platform = (accounts or {}).get(account, (None, None))[0]
    if platform in NO_CONTENT_EXPORT:
        details.append(
            f"{platform} has no export of what an account published, so {account} cannot be checked against "
            "it; left aside"
        )
        return None, details
    return account, details


def _tie(
    archive: Archive, account: str, platform: str | None, name: str | None, unread_names: dict[str, tuple]
) -> None:
    """The archive tied to its account of the register: its own name from there (a note when that could not be
    read and the archive does not give it), a note first when the register gives another platform."""
    archive.account = account
    if name:
        archive.own_names.add(name)
    elif account in unread_names and archive.platform and not archive.own_names:
        archive.own_name_unread = unread_names[account]
        archive.notices.append(
            f"the archive does not give the account's own name and its Account name in the register "
            f"(row {archive.own_name_unread[1]}) could not be read: the school's own messages cannot be told "
            "from those it received, so they are not checked until that cell is fixed"
        )
    if platform and archive.platform and platform != archive.platform:
        article = "an" if archive.platform[0] in "AEIOUX" else "a"
        archive.notices.insert(
            0,
            f"{article} {archive.platform} archive, but the accounts register gives {platform} for {account}; "
            f"read as {archive.platform}",
        )


def _stem(entry: Path) -> str:
    """The Account ID an archive is named after: a zip's name without ``.zip``, a folder's name."""
    return entry.stem if entry.is_file() else entry.name


def _label(entry: Path) -> str:
    return f"{EXPORTS_FOLDER}/{entry.name}" + ("/" if entry.is_dir() else "")


class _NeedsRegister(LksAuditError):
    """The archive's layout is shared by several platforms: the register's Platform must say which."""


def _read_archive(entry: Path, label: str, account: str, platform: str | None, ahead: bool = False) -> Archive | None:
    """One archive read (``ahead``: before the register is known; None when its layout needs the register)."""
    archive = Archive(account, label)
    files = ArchiveFiles([entry], label)
    try:
        reader = _recognise(files, platform, archive, ahead)
        if reader is not None:
            archive.platform = reader.PLATFORM
            reader.read(files, archive)
    except _NeedsRegister:
        return None
    except (Exception, MemoryError, RecursionError) as exc:  # hostile input: one line, never a traceback
        archive.notices.append(f"could not be read to the end ({type(exc).__name__}: {exc})")
    finally:
        files.close()
    archive.notices[:0] = files.notices
    return archive


def _recognise(files: ArchiveFiles, platform: str | None, archive: Archive, ahead: bool = False):
    """The reader whose layout the archive has (the register's platform settles a tie); None, with a notice
    saying what was looked for, when none has it. ``ahead`` (the register not known yet): a tie raises
    :class:`_NeedsRegister`."""
    scores = {reader: reader.recognise(files) for reader in READERS}
    best = max(scores.values())
    candidates = [r for r, s in scores.items() if s == best and s]
    if ahead and (len(candidates) > 1 or best == 1):
        raise _NeedsRegister
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
    from .matching import london  # pandas and the calendar: only once an archive is described

    return f"{london([ms])[0]:%d/%m/%Y}"


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
