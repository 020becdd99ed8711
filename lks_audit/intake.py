"""Checks a data folder and each file in it before any spreadsheet parser sees them.

A school's data folder holds whatever people saved there: CSVs renamed
``.xlsx``, old ``.xls`` files, password-protected workbooks, truncated
downloads. Each is recognised from its bytes and refused with one line a
person can act on, so the parsers only ever see a plausible .xlsx zip whose
declared uncompressed size is bounded (zip bombs are refused before reading).
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from pathlib import Path

from .errors import AuditInputError
from .schema import REQUIRED_WORKBOOKS, WORKBOOKS

#: Largest total uncompressed size of an .xlsx we will open. A school year is a
#: few MB; 200 MB leaves room for 50x the sample school while refusing zip bombs.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: A single part compressing better than this is a bomb, not a spreadsheet.
MAX_COMPRESSION_RATIO = 1000
#: How much of each XML part is scanned for a DTD. A DTD may only stand in the prolog, before the
#: root element, which Excel keeps under 100 bytes; the parsers refuse entities beyond this anyway.
DTD_SCAN_BYTES = 64 * 1024
_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")


class UnreadableFile(Exception):
    """The file is not a workbook we can read; the message says why and what to do."""


def _looks_textual(head: bytes) -> bool:
    """No control bytes but tab and new lines: text (any 8-bit encoding), not random binary."""
    return all(b >= 0x20 or b in b"\t\r\n" for b in head)


def check_xlsx(path: Path) -> None:
    """Raise :class:`UnreadableFile` unless ``path`` looks like a safe, readable .xlsx."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise UnreadableFile(f"cannot be opened ({exc.strerror or exc})") from None
    if size == 0:
        raise UnreadableFile("the file is empty (0 bytes); save the workbook again from Excel")
    if head.startswith(_OLE_MAGIC):
        with open(path, "rb") as fh:
            encrypted = _ENCRYPTION_MARK in fh.read(1024 * 1024)
        if encrypted:
            raise UnreadableFile(
                "the workbook is password-protected; remove the password "
                "(File > Info > Protect Workbook) and save it again"
            )
        raise UnreadableFile(
            "this is an old Excel 97-2003 (.xls) file; open it in Excel and save as Excel Workbook (.xlsx)"
        )
    if not head.startswith(b"PK"):
        sniff = head.lstrip()[:200].lower()
        if sniff.startswith((b"<!doctype html", b"<html")) or b"<table" in sniff:
            what = "a web page (HTML) renamed .xlsx"
        elif _looks_textual(sniff) and (b"," in sniff or b";" in sniff or b"\t" in sniff):
            what = "a text/CSV file renamed .xlsx"
        else:
            what = "not an Excel workbook"
        raise UnreadableFile(f"{what}; open it in Excel and save as Excel Workbook (.xlsx)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "mimetype" in names and b"opendocument" in zf.read("mimetype")[:100]:
                raise UnreadableFile(
                    "this is an OpenDocument (.ods) file; in LibreOffice use File > Save As > Excel 2007-365 (.xlsx)"
                )
            if "xl/workbook.xml" not in names:
                raise UnreadableFile("the zip holds no Excel workbook; save it again as .xlsx")
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise UnreadableFile(
                    f"refused: it would expand to {total / 2**20:,.0f} MB, above the "
                    f"{MAX_UNCOMPRESSED_BYTES / 2**20:,.0f} MB limit for one workbook"
                )
            for i in infos:
                if (
                    i.compress_size
                    and i.file_size / i.compress_size > MAX_COMPRESSION_RATIO
                    and i.file_size > 10 * 1024 * 1024
                ):
                    raise UnreadableFile(
                        f"refused: part {i.filename} is compressed {i.file_size // i.compress_size}:1,"
                        " which only a zip bomb does"
                    )
                # Deflate adds at most a few bytes per 16 KB to data it cannot compress: a part holding
                # far more than it declares is lying about its size (the parsers stop at the declared
                # size, but the file is not what Excel wrote).
                if i.compress_size > i.file_size + i.file_size // 100 + 1024:
                    raise UnreadableFile(
                        f"refused: part {i.filename} holds more data than its declared size "
                        "(a tampered or damaged zip); save it again from Excel"
                    )
            _refuse_dtd(zf, infos)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise UnreadableFile(
            "the file is damaged (not a complete .xlsx zip); save it again from Excel, "
            "or copy it again if it was downloaded"
        ) from None


def _refuse_dtd(zf: zipfile.ZipFile, infos) -> None:
    """Refuse a DTD in any XML part: Excel never writes one, and entities ("billion laughs") live there.

    Neither parser expands entities (openpyxl goes through defusedxml, calamine's quick-xml does not
    resolve them), so this check is about a clear message; reading only each part's head keeps it cheap.
    """
    for i in infos:
        if not i.filename.endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(i) as part:
            head = part.read(DTD_SCAN_BYTES)
        if any(mark in head for mark in _DTD_MARKS):
            raise UnreadableFile(
                f"refused: part {i.filename} declares a DTD or XML entities, which Excel never "
                "writes (an entity-expansion attack); save it again from Excel"
            )


def find_workbook_file(folder: Path, file: str) -> Path | None:
    """The contract file in ``folder``, matched case-insensitively; Excel's ``~$`` lock files are ignored."""
    exact = folder / file
    if exact.is_file():
        return exact
    wanted = file.casefold()
    for path in sorted(folder.iterdir()):
        if path.name.casefold() == wanted and path.is_file() and not path.name.startswith("~$"):
            return path
    return None


def check_folder_usable(folder: Path, need_readable: bool = False) -> None:
    """Exit code 2 territory: no folder, or a folder with no contract workbook at all.

    With ``need_readable`` (check, report) a folder whose workbooks all fail the intake check
    (none is a readable .xlsx) is refused too: there is nothing to audit. ``validate`` still
    lists such files, since telling the office what is wrong with them is its job.
    """
    if not folder.is_dir():
        raise AuditInputError(f"{folder}: no such folder")
    # The DPO's review alone is nothing to audit: it judges findings of the other workbooks.
    found = [p for p in (find_workbook_file(folder, wb.file) for wb in REQUIRED_WORKBOOKS) if p]
    if not found:
        names = ", ".join(wb.file for wb in REQUIRED_WORKBOOKS)
        raise AuditInputError(f"{folder}: no workbook of the data contract found (expected any of {names})")
    if need_readable:
        problems = []
        for path in found:
            try:
                check_xlsx(path)
                return
            except UnreadableFile as exc:
                problems.append(f"{path.name}: {exc}")
        raise AuditInputError(f"{folder}: no readable workbook to audit ({'; '.join(problems)})")


def contract_workbooks_in(folder: Path) -> list[Path]:
    """The contract's workbooks ``folder`` already holds (matched as the audit finds them)."""
    if not folder.is_dir():
        return []
    return [p for p in (find_workbook_file(folder, wb.file) for wb in WORKBOOKS) if p]


def make_room(folder: Path, force: bool, now: dt.datetime | None = None) -> list[tuple[Path, Path]]:
    """Before writing workbooks into ``folder`` (templates, the sample): never over what someone filled in.

    Without ``force`` a folder holding any contract workbook is refused (AuditInputError naming them); with it,
    each is kept beside under a new name (``posts_log.replaced-20260831-101502.xlsx``). Returns (old, kept as).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise AuditInputError(f"{folder}: not a folder")
    found = contract_workbooks_in(folder)
    if not found:
        return []
    if not force:
        raise AuditInputError(
            f"{folder} already holds {', '.join(p.name for p in found)}: nothing was written (use --force to "
            "replace them; the old ones are then kept beside, renamed)"
        )
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    moved = []
    for path in found:
        kept = path.with_name(f"{path.stem}.replaced-{stamp}{path.suffix}")
        n = 1
        while kept.exists():
            n += 1
            kept = path.with_name(f"{path.stem}.replaced-{stamp}-{n}{path.suffix}")
        path.rename(kept)
        moved.append((path, kept))
    return moved
