"""Opening an archive safely: a folder, a ``.zip``, or a folder holding several zips of one archive.

An archive is hostile input. Nothing here is ever extracted or written: members are read into memory, one
file at a time, and only the few data files a reader asks for (never the photos and videos beside them).
Each part that cannot be trusted is refused with one line naming it, and the rest is still read:

- a zip that is damaged or cut short (the whole zip), a member that is encrypted or fails its checksum;
- a member path that climbs out of the archive (``../``, an absolute path, a drive letter) or a symbolic link
  (a member, or a file or folder of an extracted archive: links are never followed);
- a file larger than :data:`MAX_FILE_BYTES`, a member compressed like a zip bomb, an archive whose files
  read would pass :data:`MAX_ARCHIVE_BYTES`;
- text that is not UTF-8, JSON or CSV that does not parse (nested too deep included).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path

from ..errors import LksAuditError
from ..intake import is_lock_or_system

#: The largest data file read from an archive. An X archive of 100,000 posts is about 150 MB of tweets.js.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: The most data read from one archive, all files together.
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
#: A member compressing better than this (and larger than 10 MB) is a zip bomb, not text.
MAX_COMPRESSION_RATIO = 1000
#: The most entries listed from one archive (Meta's archives hold a few thousand photos).
MAX_ENTRIES = 500_000


class Refused(LksAuditError):
    """A part of an archive that is not read; the message says which and why."""


def natural_key(path: str) -> list:
    """``part2`` before ``part10``: numbers in a path compared as numbers."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", path)]


class ArchiveFiles:
    """The files of one archive by their path inside it (``data/tweets.js``), from a folder or zips.

    ``sources``: the zips and the extracted folder that together make the archive. ``label`` names it in
    notices (``platform_exports/ACC-003.zip``). What is refused is said in :attr:`notices`.
    """

    def __init__(self, sources: list[Path], label: str):
        self.label = label
        self.notices: list[str] = []
        #: Path inside the archive -> (zip or None, the member or the file on disk).
        self._where: dict[str, tuple[zipfile.ZipFile | None, object]] = {}
        self._zips: list[zipfile.ZipFile] = []
        self._sorted: list[str] | None = None
        self._found: dict[re.Pattern, list[str]] = {}
        self._read_so_far = 0
        for source in sources:
            if source.is_dir() and not source.is_symlink():
                self._list_folder(source)
            else:
                self._list_zip(source)

    # --- listing ----------------------------------------------------------------------------------

    def _add(self, path: str, where) -> None:
        if len(self._where) >= MAX_ENTRIES:
            raise Refused(f"holds more than {MAX_ENTRIES:,} files; only the first were listed")
        self._where.setdefault(path, where)

    def _list_folder(self, folder: Path) -> None:
        try:
            for root, dirs, names in os.walk(folder, followlinks=False):
                here = Path(root)
                for name in list(dirs):
                    if (here / name).is_symlink():
                        dirs.remove(name)
                        self.notices.append(f"{self._inside(folder, here / name)}: a symbolic link, not followed")
                for name in sorted(names):
                    path = here / name
                    inside = self._inside(folder, path)
                    if path.is_symlink():
                        self.notices.append(f"{inside}: a symbolic link, not followed")
                    elif is_lock_or_system(name):
                        continue
                    elif not path.is_file():  # a pipe or a device would never end a read
                        self.notices.append(f"{inside}: not a regular file, not read")
                    elif path.suffix.casefold() == ".zip" and here == folder:
                        self._list_zip(path)  # several zips of one archive in the account's folder
                    else:
                        self._add(inside, (None, path))
        except Refused as exc:
            self.notices.append(f"{folder.name}: {exc}")
        except OSError as exc:
            self.notices.append(f"{folder.name}: cannot be listed ({exc.strerror or exc})")

    @staticmethod
    def _inside(folder: Path, path: Path) -> str:
        return path.relative_to(folder).as_posix()

    def _list_zip(self, path: Path) -> None:
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "damaged or cut short"
            self.notices.append(f"{path.name}: refused: not a complete zip ({why}); download the archive again")
            return
        self._zips.append(zf)
        try:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                problem = _member_problem(info)
                if problem:
                    self.notices.append(f"{path.name}: member {info.filename!r} refused: {problem}")
                    continue
                self._add(info.filename.replace("\\", "/"), (zf, info))
        except Refused as exc:
            self.notices.append(f"{path.name}: {exc}")

    def close(self) -> None:
        for zf in self._zips:
            zf.close()

    # --- finding ----------------------------------------------------------------------------------

    @property
    def paths(self) -> list[str]:
        """Every path, in natural order (part2 before part10); sorted once, as readers look often."""
        if self._sorted is None or len(self._sorted) != len(self._where):
            self._sorted = sorted(self._where, key=natural_key)
        return self._sorted

    def find(self, pattern: re.Pattern) -> list[str]:
        """Paths matching ``pattern`` (searched in the whole path), in natural order (part2 before part10); each
        pattern searched once (recognising and reading ask again), and only what it finds sorted."""
        if pattern not in self._found:
            found = [p for p in self._where if pattern.search(p)]
            # Parts of one file (tweets-part2, posts_10) are few and need their natural order; thousands of
            # message threads need only a fixed one.
            found.sort(key=natural_key if len(found) <= 1000 else None)
            self._found[pattern] = found
        return self._found[pattern]

    # --- reading ----------------------------------------------------------------------------------

    def read_bytes(self, path: str) -> bytes | None:
        """A file's bytes, or None (with a notice) when it is refused."""
        try:
            return self._read(path)
        except Refused as exc:
            self.notices.append(f"{path}: refused: {exc}")
            return None

    def _read(self, path: str) -> bytes:
        zf, where = self._where[path]
        size = where.file_size if zf is not None else _size_on_disk(where)
        if size > MAX_FILE_BYTES:
            raise Refused(
                f"it is {size / 2**20:,.0f} MB, above the {MAX_FILE_BYTES / 2**20:,.0f} MB limit for one file"
            )
        if self._read_so_far + size > MAX_ARCHIVE_BYTES:
            raise Refused(f"the archive's files would pass {MAX_ARCHIVE_BYTES / 2**20:,.0f} MB read in all")
        if zf is not None:
            if where.compress_size and size > 10 * 2**20 and size / where.compress_size > MAX_COMPRESSION_RATIO:
                raise Refused(f"compressed {size // where.compress_size}:1, which only a zip bomb does")
            # Deflate adds a few bytes per 16 KB to data it cannot compress: more is a lie about the size.
            if where.compress_size > size + size // 100 + 1024:
                raise Refused("it holds more data than its declared size (a tampered or damaged zip)")
            try:
                with zf.open(where) as member:
                    data = member.read(MAX_FILE_BYTES + 1)
            except RuntimeError:  # encrypted
                raise Refused("the member is password-protected") from None
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
                raise Refused(f"damaged in the zip ({type(exc).__name__}: {exc})") from None
        else:
            try:
                with open(where, "rb") as fh:
                    data = fh.read(MAX_FILE_BYTES + 1)
            except OSError as exc:
                raise Refused(f"cannot be read ({exc.strerror or exc})") from None
        if len(data) > MAX_FILE_BYTES:
            raise Refused(f"it holds more than the {MAX_FILE_BYTES / 2**20:,.0f} MB limit for one file")
        self._read_so_far += len(data)
        return data

    def read_text(self, path: str) -> str | None:
        """A file as UTF-8 text (a byte-order mark dropped), or None (with a notice)."""
        data = self.read_bytes(path)
        if data is None:
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.notices.append(
                f"{path}: refused: not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start:,}); "
                "download the archive again"
            )
            return None

    def read_json(self, path: str, from_char: str | None = None):
        """A JSON file, or an X ``.js`` file parsed from its first ``from_char`` (``[``); None (with a notice)
        when it cannot be read or parsed."""
        text = self.read_text(path)
        if text is None:
            return None
        start = 0
        if from_char is not None:
            start = text.find(from_char)
            if start < 0:
                self.notices.append(f"{path}: refused: no {from_char!r} to start the data from")
                return None
        try:
            value, _ = json.JSONDecoder().raw_decode(text, start)
            return value
        except json.JSONDecodeError as exc:
            self.notices.append(f"{path}: refused: not valid JSON ({exc.msg} at line {exc.lineno})")
        except RecursionError:
            self.notices.append(f"{path}: refused: JSON nested too deep to be an archive's")
        except MemoryError:
            self.notices.append(f"{path}: refused: too large to parse")
        return None

    def read_csv(self, path: str) -> list[dict[str, str]] | None:
        """A CSV file's rows keyed by header, case folded (``video id``); None (with a notice) when it cannot
        be read. Cells may hold new lines: a real CSV reader."""
        text = self.read_text(path)
        if text is None:
            return None
        try:
            rows = csv.reader(io.StringIO(text, newline=""))
            header = [h.strip().casefold() for h in next(rows, [])]
            return [dict(zip(header, row)) for row in rows if row]
        except csv.Error as exc:
            self.notices.append(f"{path}: refused: not a readable CSV file ({exc})")
            return None


def _size_on_disk(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member must not be read, or None."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or name[1:2] == ":" or ".." in name.split("/"):
        return "its path climbs out of the archive"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link"
    if info.flag_bits & 0x1:
        return "password-protected"
    return None
