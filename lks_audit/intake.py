"""Checks a data folder and each file in it before any spreadsheet parser sees them.

A school's data folder holds whatever people saved there: workbooks in any office format, CSVs
renamed ``.xlsx``, password-protected workbooks, truncated downloads. Each file is recognised from
its bytes, whatever its name says: an Excel workbook (.xlsx or .xlsm, a zip), an OpenDocument
spreadsheet (.ods, a zip with its ``mimetype``) or an Excel 97-2003 workbook (.xls, an OLE2 compound
file). Anything else is refused with one line a person can act on, and so is a file too big to be a
school's records: the parsers only ever see a plausible workbook whose declared size is bounded
(zip bombs and entity declarations are refused before reading).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AuditInputError, UnreadableFile
from .schema import REQUIRED_WORKBOOKS, WORKBOOKS
from .text import normalise_text

#: The extensions a contract workbook may be saved under (data-contract.md, "File formats").
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".ods", ".xls")
#: Each format the reader knows, in a person's words, and the extensions that name it.
FORMATS = {
    "xlsx": ("Excel workbook", (".xlsx", ".xlsm")),
    "ods": ("OpenDocument spreadsheet", (".ods",)),
    "xls": ("Excel 97-2003 workbook", (".xls",)),
}
#: Largest total uncompressed size of a zipped workbook (or size of an .xls) we will open. A school year
#: is a few MB; 200 MB leaves room for 50x the sample school while refusing zip bombs.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: A single part compressing better than this is a bomb, not a spreadsheet.
MAX_COMPRESSION_RATIO = 1000
#: How much of each XML part is scanned for a DTD. A DTD may only stand in the prolog, before the
#: root element, which office programs keep under 100 bytes; the parsers refuse entities beyond this anyway.
DTD_SCAN_BYTES = 64 * 1024
_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")
_XML_PARTS = (".xml", ".rels", ".vml", ".rdf")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
#: Files an office program or an operating system leaves beside the workbooks (Excel's ``~$`` and
#: LibreOffice's ``.~lock.`` lock files, hidden files, Windows' thumbnails): never the school's data.
_LOCK_OR_SYSTEM = ("~$", ".")
_SYSTEM_FILES = {"thumbs.db", "desktop.ini"}


def _looks_textual(head: bytes) -> bool:
    """No control bytes but tab and new lines: text (any 8-bit encoding), not random binary."""
    return all(b >= 0x20 or b in b"\t\r\n" for b in head)


def check_workbook(path: Path) -> str:
    """The format of the workbook at ``path`` ("xlsx", "ods" or "xls"), read from its bytes.

    Raises :class:`UnreadableFile` unless it looks like a safe, readable workbook of one of them.
    """
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise UnreadableFile(f"cannot be opened ({exc.strerror or exc})") from None
    if size == 0:
        raise UnreadableFile("the file is empty (0 bytes); save the workbook again from Excel")
    if head.startswith(_OLE_MAGIC):
        return _check_ole(path, size)
    if not head.startswith(b"PK"):
        sniff = head.lstrip()[:200].lower()
        if sniff.startswith((b"<!doctype html", b"<html")) or b"<table" in sniff:
            what = f"a web page (HTML) renamed {path.suffix}"
        elif _looks_textual(sniff) and (b"," in sniff or b";" in sniff or b"\t" in sniff):
            what = f"a text/CSV file renamed {path.suffix}"
        else:
            what = "not an Excel workbook"
        raise UnreadableFile(f"{what}; open it in Excel and save as Excel Workbook (.xlsx)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            fmt = _zip_format(zf, {i.filename for i in infos})
            _refuse_bomb(infos)
            _refuse_dtd(zf, infos)
            return fmt
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise UnreadableFile(
            f"the file is damaged (not a complete {path.suffix} zip); save it again from Excel, "
            "or copy it again if it was downloaded"
        ) from None


def _check_ole(path: Path, size: int) -> str:
    """An OLE2 compound file: an .xls workbook, or an encrypted .xlsx (which Excel wraps in one)."""
    if size > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(
            f"refused: it is {size / 2**20:,.0f} MB, above the {MAX_UNCOMPRESSED_BYTES / 2**20:,.0f} MB "
            "limit for one workbook"
        )
    with open(path, "rb") as fh:
        encrypted = _ENCRYPTION_MARK in fh.read(1024 * 1024)
    if encrypted:
        raise UnreadableFile(
            "the workbook is password-protected; remove the password (File > Info > Protect Workbook) and save it again"
        )
    return "xls"


def _zip_format(zf: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" in names:
        with zf.open("mimetype") as part:
            mimetype = part.read(100).strip()
        if mimetype == _ODS_MIMETYPE and "content.xml" in names:
            return "ods"
        if b"opendocument" in mimetype:
            kind = mimetype.rsplit(b".", 1)[-1].decode("ascii", "replace")
            raise UnreadableFile(
                f"this is an OpenDocument {kind} file, not a spreadsheet; save the records from LibreOffice "
                "Calc as .ods or .xlsx"
            )
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise UnreadableFile("this is an Excel Binary Workbook (.xlsb); open it in Excel and save as .xlsx")
    raise UnreadableFile("the zip holds no Excel workbook; save it again as .xlsx")


def _refuse_bomb(infos) -> None:
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(
            f"refused: it would expand to {total / 2**20:,.0f} MB, above the "
            f"{MAX_UNCOMPRESSED_BYTES / 2**20:,.0f} MB limit for one workbook"
        )
    for i in infos:
        if i.compress_size and i.file_size / i.compress_size > MAX_COMPRESSION_RATIO and i.file_size > 10 * 1024 * 1024:
            raise UnreadableFile(
                f"refused: part {i.filename} is compressed {i.file_size // i.compress_size}:1,"
                " which only a zip bomb does"
            )
        # Deflate adds at most a few bytes per 16 KB to data it cannot compress: a part holding
        # far more than it declares is lying about its size (the parsers stop at the declared
        # size, but the file is not what an office program wrote).
        if i.compress_size > i.file_size + i.file_size // 100 + 1024:
            raise UnreadableFile(
                f"refused: part {i.filename} holds more data than its declared size "
                "(a tampered or damaged zip); save it again from Excel"
            )


def _refuse_dtd(zf: zipfile.ZipFile, infos) -> None:
    """Refuse a DTD in any XML part: office programs never write one, and entities ("billion laughs") live there.

    Neither parser expands entities (openpyxl goes through defusedxml, calamine's quick-xml does not
    resolve them), so this check is about a clear message; reading only each part's head keeps it cheap.
    """
    for i in infos:
        if not i.filename.endswith(_XML_PARTS):
            continue
        with zf.open(i) as part:
            head = part.read(DTD_SCAN_BYTES)
        if any(mark in head for mark in _DTD_MARKS):
            raise UnreadableFile(
                f"refused: part {i.filename} declares a DTD or XML entities, which Excel never "
                "writes (an entity-expansion attack); save it again from Excel"
            )


def format_of_name(path: Path) -> str | None:
    """The format a file's extension promises ("xlsx", "ods", "xls"), None for another extension."""
    suffix = path.suffix.casefold()
    return next((fmt for fmt, (_, suffixes) in FORMATS.items() if suffix in suffixes), None)


#: A copy mark a file manager or a download adds at the end of a name: " (1)", " - Copy", " copy", " Copy (2)".
_COPY_MARK = re.compile(r"(?:\s*\(\d+\)|\s*-\s*copy|\s+copy)(?:\s*\(?\d+\)?)?$")
_SEPARATORS = re.compile(r"[\s_\-]+")


def name_key(stem: str) -> str:
    """How a file's name is matched to a contract workbook's (data-contract.md): case, spaces, hyphens and
    underscores alike, and a trailing copy mark ignored (``Posts log (1)`` is ``posts_log``)."""
    key = normalise_text(stem).casefold()
    while True:
        shorter = _COPY_MARK.sub("", key)
        if shorter == key:
            break
        key = shorter
    return _SEPARATORS.sub("_", key).strip("_")


@dataclass
class FolderScan:
    """What a data folder holds, for the contract's workbooks (see :func:`scan_folder`)."""

    #: Each contract workbook's file name -> the files saved as it (none, one, or too many).
    found: dict[str, list[Path]]
    #: A file read as a contract workbook though its name is not the contract's (``Posts log.xlsx``).
    renamed: dict[Path, str] = field(default_factory=dict)
    #: A contract workbook's file name -> a CSV saved under its name, which is not read.
    csv: dict[str, Path] = field(default_factory=dict)
    #: A contract workbook's file name, not found -> files whose names are near it ("did you mean ...?").
    near: dict[str, list[Path]] = field(default_factory=dict)


def scan_folder(folder: Path) -> FolderScan:
    """Each contract workbook's files in ``folder`` (in name order), matched as :func:`name_key` says, in any
    office format; CSV files under a contract name (never read: one sheet, no types); and for a workbook not
    found, the spreadsheet files whose names are near its own. More than one file for a workbook is for the
    caller to refuse."""
    by_key = {name_key(Path(wb.file).stem): wb.file for wb in WORKBOOKS}
    scan = FolderScan({wb.file: [] for wb in WORKBOOKS})
    others = []
    for path in sorted(folder.iterdir()):
        if is_lock_or_system(path.name) or not path.is_file():
            continue
        suffix = path.suffix.casefold()
        file = by_key.get(name_key(path.stem))
        if file and suffix in WORKBOOK_EXTENSIONS:
            scan.found[file].append(path)
            if path.stem.casefold() != Path(file).stem:
                scan.renamed[path] = file
        elif file and suffix == ".csv":
            scan.csv.setdefault(file, path)
        elif suffix in WORKBOOK_EXTENSIONS + (".csv",):
            others.append(path)
    for file in (f for f, paths in scan.found.items() if not paths and f not in scan.csv):
        key = name_key(Path(file).stem)
        near = [
            p for p in others
            if name_key(p.stem).startswith(key) or difflib.SequenceMatcher(None, name_key(p.stem), key).ratio() >= 0.8
        ]  # fmt: skip
        if near:
            scan.near[file] = near
    return scan


def workbook_files(folder: Path) -> dict[str, list[Path]]:
    """Each contract workbook's file name -> the files in ``folder`` saved as it, in name order (see
    :func:`scan_folder`)."""
    return scan_folder(folder).found


def several_files_problem(paths: list[Path]) -> str:
    """Why a workbook saved twice (``posts_log.xlsx`` and ``posts_log.ods``) is not read: naming every file."""
    names = [p.name for p in paths]
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"{len(names)} files hold this workbook ({listed}); keep the one staff fill in and move the other"
        f"{'s' if len(names) > 2 else ''} out of the folder"
    )


def is_lock_or_system(name: str) -> bool:
    """Whether a file named ``name`` is a lock, hidden or system file (never the school's data): beside the
    workbooks, and inside a platform's archive alike."""
    return name.startswith(_LOCK_OR_SYSTEM) or name.casefold() in _SYSTEM_FILES


def _what_the_folder_holds(folder: Path, most: int = 8) -> str:
    names = sorted(p.name for p in folder.iterdir())
    if not names:
        return "the folder is empty"
    shown = [n for n in names if not is_lock_or_system(n)]
    if not shown:
        return "it holds only lock and system files"
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return "it holds " + ", ".join(shown[:most]) + more


def check_folder_usable(folder: Path, need_readable: bool = False) -> None:
    """Exit code 2 territory: no folder, a file instead of one, or a folder with no contract workbook at all.

    With ``need_readable`` (check, report) a folder whose workbooks all fail the intake check
    (none is a readable workbook) is refused too: there is nothing to audit. ``validate`` still
    lists such files, since telling the office what is wrong with them is its job.
    """
    if folder.is_file():
        raise AuditInputError(
            f"{folder}: this is a file, not a folder; give the folder that holds it ({folder.parent})"
        )
    if not folder.is_dir():
        raise AuditInputError(f"{folder}: no such folder")
    # The DPO's review alone is nothing to audit: it judges findings of the other workbooks.
    required = {wb.file for wb in REQUIRED_WORKBOOKS}
    found = {file: paths for file, paths in workbook_files(folder).items() if paths and file in required}
    if not found:
        names = ", ".join(Path(wb.file).stem for wb in REQUIRED_WORKBOOKS)
        raise AuditInputError(
            f"{folder}: no workbook of the data contract found (expected any of {names}, saved as "
            f"{', '.join(WORKBOOK_EXTENSIONS[:-1])} or {WORKBOOK_EXTENSIONS[-1]}); {_what_the_folder_holds(folder)}"
        )
    if need_readable:
        problems = []
        for file, paths in found.items():
            if len(paths) > 1:
                problems.append(f"{file}: {several_files_problem(paths)}")
                continue
            try:
                check_workbook(paths[0])
                return
            except UnreadableFile as exc:
                problems.append(f"{paths[0].name}: {exc}")
        raise AuditInputError(f"{folder}: no readable workbook to audit ({'; '.join(problems)})")


def contract_workbooks_in(folder: Path) -> list[Path]:
    """The contract's workbooks ``folder`` already holds (matched as the audit finds them)."""
    if not folder.is_dir():
        return []
    return [path for paths in workbook_files(folder).values() for path in paths]


def make_room(
    folder: Path, force: bool, now: dt.datetime | None = None, also: tuple[str, ...] = ()
) -> list[tuple[Path, Path]]:
    """Before writing workbooks into ``folder`` (templates, the sample): never over what someone filled in.

    Without ``force`` a folder holding any contract workbook (or any of ``also``, e.g. the sample's
    ``platform_exports``) is refused (AuditInputError naming them); with it, each is kept beside under a new name
    (:func:`kept_name`). Returns (old, kept as).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise AuditInputError(f"{folder}: not a folder")
    found = contract_workbooks_in(folder) + [folder / name for name in also if (folder / name).exists()]
    if not found:
        return []
    if not force:
        raise AuditInputError(
            f"{folder} already holds {', '.join(p.name for p in found)}: nothing was written (use --force to "
            "replace them; the old ones are then kept beside, renamed)"
        )
    moved = []
    for path in found:
        kept = kept_name(path, now)
        path.rename(kept)
        moved.append((path, kept))
    return moved


def kept_name(path: Path, now: dt.datetime | None = None) -> Path:
    """Where an earlier version of ``path`` is kept beside it: ``posts_log.replaced-20260831-101502.xlsx`` (``-2``
    and on when that name is taken). The loader never reads such a file: its name is no contract workbook's."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.stem}.replaced-{stamp}{path.suffix}")
    n = 1
    while kept.exists():
        n += 1
        kept = path.with_name(f"{path.stem}.replaced-{stamp}-{n}{path.suffix}")
    return kept
