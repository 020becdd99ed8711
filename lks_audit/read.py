"""Reading a workbook's cells with python-calamine, whatever office format it was saved in.

The loader gets each sheet's raw cells as python-calamine gives them (text, numbers, booleans,
dates; ``""`` for an empty cell), row 1 and column A first, so a cell's place in the lists is its
place in Excel. Two things calamine does not do are done here:

* a contract sheet saved under another name (``Sheet1``) can be found by its header row: when a
  contract sheet is not found by name, every other sheet is parsed too, for the loader to choose from;
* a formula error (#N/A, #REF!, ...) comes back from calamine as an empty cell. Each format stores
  errors its own way, so they are found in the file itself and put back as their text, for the
  loader to report (DQ-02). A zipped workbook is searched for an error mark first, so only a file
  that holds error cells pays for the second look;
* so does a formula with no calculated value (an .xlsx written by a program and never opened in an
  office program): it is put back as :func:`uncalculated`, unreadable, never blank. Only a workbook
  holding formulas is searched for them, from each formula to its cell.

Parsing (calamine's costly part, done without the GIL) happens in :func:`open_workbook`; a
:class:`Reading` runs it for the workbooks of a folder on threads of its own, from the moment it is
made (``check`` makes it before importing pandas). Turning cells into Python values
(:meth:`OpenedWorkbook.rows`) holds the GIL, so the loader does that itself as each workbook is ready.
"""

from __future__ import annotations

import hashlib
import io
import queue
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .intake import (
    FORMATS,
    MAX_UNCOMPRESSED_BYTES,
    FolderScan,
    UnreadableFile,
    check_workbook,
    format_of_name,
    scan_folder,
)
from .schema import WORKBOOKS
from .text import fold_spaces, normalise_text

#: How the reader hands over a formula cell with no calculated value (written by a program, never opened in an
#: office program): this mark, then the formula. No text read from a workbook holds a NUL (XML cannot), so the
#: mark is never a value someone typed; the cell readers take it as unreadable in every kind of column.
UNCALCULATED = "\x00="


def uncalculated(formula: str) -> str:
    """The cell value standing for a formula with no calculated value (see :data:`UNCALCULATED`)."""
    return UNCALCULATED + formula


def sheet_key(name) -> str:
    """How sheet names and header texts are compared: Unicode-normalised, spaces folded, any case."""
    return normalise_text(str(name)).casefold() if name not in (None, "") else ""


@dataclass
class OpenedWorkbook:
    """A workbook parsed by python-calamine: its sheets, and the error cells calamine shows as blanks."""

    path: Path
    #: "xlsx", "ods" or "xls", from the file's bytes (:func:`~lks_audit.intake.check_workbook`).
    format: str
    #: Every sheet's real name, in the workbook's order.
    sheet_names: list[str]
    #: Real name -> the parsed sheet, for the sheets read (see :func:`open_workbook`).
    parsed: dict = field(default_factory=dict)
    #: Real name -> (row, column, text) of each error cell and each formula with no calculated value
    #: (:func:`uncalculated`), 1-based as Excel counts: cells calamine shows as blank.
    errors: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)

    def rows(self, name: str, nrows: int | None = None) -> list[list]:
        """The sheet's cell rows from A1 (the first ``nrows`` only, if given), error cells as their text;
        every row as wide as the widest."""
        rows = self.parsed[name].to_python(skip_empty_area=False, nrows=nrows)
        errors = [(r, c, text) for r, c, text in self.errors.get(name, ()) if nrows is None or r <= nrows]
        if not errors:
            return rows  # calamine's rows are all as wide as the sheet's used range
        width = max([len(rows[0]) if rows else 0] + [c for _, c, _ in errors])
        rows += [[] for _ in range(max(r for r, _, _ in errors) - len(rows))]
        for line in rows:
            line.extend([""] * (width - len(line)))
        for row, col, text in errors:
            rows[row - 1][col - 1] = text
        return rows


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_workbook(path: Path, wanted: list[str] | None = None) -> OpenedWorkbook:
    """Check and parse the workbook at ``path`` for the contract sheets named ``wanted`` (None: every sheet).

    The sheets whose names match ``wanted`` (any case) are parsed; if one of ``wanted`` has no sheet of
    its name, every other sheet is parsed too, since one of them may be it under another name.
    Raises :class:`~lks_audit.intake.UnreadableFile` for a file that is not a safe workbook or that the
    parser cannot read, with one line saying why.
    """
    import python_calamine

    fmt = check_workbook(path)
    try:
        if format_of_name(path) == fmt:  # read by calamine itself, never waiting for the GIL
            book = python_calamine.CalamineWorkbook.from_path(str(path))
        else:  # a workbook saved as .ods but named .xlsx: calamine tells the format from the bytes
            with open(path, "rb") as fh:
                book = python_calamine.CalamineWorkbook.from_filelike(fh)
        try:
            names = list(book.sheet_names)
            wanted_keys = {sheet_key(w) for w in wanted or ()}
            by_name = [n for n in names if sheet_key(n) in wanted_keys]
            read = names if wanted is None or len({sheet_key(n) for n in by_name}) < len(wanted_keys) else by_name
            opened = OpenedWorkbook(path, fmt, names, {n: book.get_sheet_by_name(n) for n in read})
        finally:
            book.close()
        opened.errors = MARKED_CELL_FINDERS[fmt](path, list(opened.parsed))
    except Exception as exc:  # any parser failure on a user's file is a data problem, not a crash
        raise UnreadableFile(_parser_problem(exc, fmt)) from None
    return opened


#: How many workbooks are parsed at once. Two keep a second core busy with the large ones while the
#: caller types those already open; more only take turns on the same cores and slow the caller's own
#: work, the critical path (eight were slower than two on the 2-core benchmark machine).
WORKERS = 2


class Reading:
    """The contract workbooks of a folder being opened (:func:`open_workbook`), from the moment it is made.

    Daemon threads (an interrupted run does not wait for a parse to finish) open the workbooks, the
    largest first, ``workers`` at a time: python-calamine parses without the GIL, so the parses run
    beside whatever the caller does meanwhile, which is typing the workbooks already open, in the order
    they are done (:meth:`as_completed`).
    """

    def __init__(self, folder: Path, workers: int = WORKERS):
        folder = Path(folder)
        #: What the folder holds for the contract: files read under another name, CSVs, near names.
        self.scan = scan_folder(folder) if folder.is_dir() else FolderScan({wb.file: [] for wb in WORKBOOKS})
        #: Each contract workbook's file name -> the files saved as it (none, one, or too many).
        self.found = self.scan.found
        once = [wb for wb in WORKBOOKS if len(self.found[wb.file]) == 1]
        # Largest first: the largest parses longest, and the caller types the second largest meanwhile, then
        # the small ones, which are parsed by then.
        sizes = {wb.file: self.found[wb.file][0].stat().st_size for wb in once}
        once.sort(key=lambda wb: -sizes[wb.file])
        self._results: dict[str, dict] = {wb.file: {} for wb in once}
        self._done = {wb.file: threading.Event() for wb in once}
        #: The files parsed (readable or not), in the order they were done.
        self._finished: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._waiting = len(once)
        # Each job holds its own box and event: the waiting side may already have let go of them.
        jobs = iter(
            [(self.found[wb.file][0], [s.name for s in wb.sheets], wb.file, self._results[wb.file],
              self._done[wb.file]) for wb in once]
        )  # fmt: skip
        lock = threading.Lock()
        finished = self._finished

        def work():
            while True:
                with lock:
                    job = next(jobs, None)
                if job is None:
                    return
                path, wanted, file, box, done = job
                _open_into(path, wanted, box)
                done.set()
                finished.put(file)

        for _ in range(min(workers, len(once))):
            threading.Thread(target=work, name="lks-audit reader", daemon=True).start()

    def as_completed(self) -> Iterator[str]:
        """The file names of the workbooks found once, each as soon as it is parsed (or found unreadable)."""
        while self._waiting:
            self._waiting -= 1
            yield self._finished.get()

    def last_one_parsing(self) -> bool:
        """Whether the caller's next wait would be for the last workbook, still parsing alone: a core is idle
        until it is done, for other work (the platform archives)."""
        return self._waiting == 1 and self._finished.empty()

    def result(self, file: str) -> tuple[OpenedWorkbook | None, str | None, str | None]:
        """Wait for the workbook ``file`` (found once): it parsed (or None, and why it cannot be read), and
        the file's SHA-256. Handed over once, so the reading keeps no reference to it."""
        self._done.pop(file).wait()
        box = self._results.pop(file)
        if "error" in box:
            raise box["error"]
        found = box["opened"], box["problem"], box["sha256"]
        box.clear()  # the job list still holds the box until every workbook is read
        return found


def _open_into(path: Path, wanted: list[str], box: dict) -> None:
    try:
        try:
            box["opened"], box["problem"] = open_workbook(path, wanted), None
        except UnreadableFile as exc:
            box["opened"], box["problem"] = None, str(exc)
        # What was found is named by its hash, readable or not; a file refused for its size is not read.
        box["sha256"] = sha256_of(path) if path.stat().st_size <= MAX_UNCOMPRESSED_BYTES else None
    except BaseException as exc:  # raised again in the waiting thread
        box["error"] = exc


def _parser_problem(exc: Exception, fmt: str) -> str:
    text = fold_spaces(str(exc))[:160]
    name = type(exc).__name__
    if "Password" in name or "password" in text.lower() or "encrypt" in text.lower():
        return "the workbook is password-protected; remove the password and save it again"
    return f"not a readable {FORMATS[fmt][0]} ({name}: {text}); open it and save it again as .xlsx"


# --- error cells, format by format ---------------------------------------------------------------


def _part_holds(zf: zipfile.ZipFile, name: str, marks: tuple[bytes, ...]) -> bool:
    """Does the zip part hold any of ``marks``? Far cheaper than a second parse: the part is inflated in one
    call (which lets go of the GIL throughout, so the loader's main thread is not held up) and searched."""
    with zf.open(name) as part:
        text = part.read()  # bounded: the intake refused parts larger than declared and zip bombs
    return any(mark in text for mark in marks)


# A cell of type error in the sheet XML: <c r="B2" t="e">. Attribute quoting varies by writer.
# Plain byte searches, not a regex: three times faster, and a rare false hit only costs time.
_XLSX_ERROR_MARKS = (b't="e"', b"t='e'")
# A formula: <f>, <f t="shared" .../>, or with a namespace prefix (<x:f>); never <formula1> (a validation's).
_XLSX_FORMULA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)f(?=[\s>/])")
#: Every sheet holding a formula holds this (``</f>``, ``<f>``, ``</x:f>``): one search tells, a rare false hit
#: (another tag ending in f) only costs the regex's look.
_XLSX_FORMULA_MARK = b"f>"
_XLSX_CELL_REF = re.compile(rb'\sr\s*=\s*["\']([A-Z]+)(\d+)["\']')
_XLSX_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>\s*[^<\s]")
_XLSX_FORMULA_TEXT = re.compile(rb"<(?:[\w.-]+:)?f\b[^>]*?(?:/>|>([^<]*)<)")


def _error_marks(xml: bytes) -> tuple[bytes, ...]:
    """The error marks worth searching ``xml`` for: a writer quotes every attribute of a part alike, so the first
    cell's ``r="A1"`` tells which (a search of 70 MB saved for a large log); both when it does not tell."""
    at = xml.find(b"<c r=")
    quote = xml[at + 5 : at + 6] if at >= 0 else b""
    return tuple(mark for mark in _XLSX_ERROR_MARKS if quote in (b"", mark[2:3]))


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its worksheet part (``xl/worksheets/sheet1.xml``), from the workbook and its relations."""
    from defusedxml.ElementTree import fromstring

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        book = fromstring(zf.read("xl/workbook.xml"))
        rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # a workbook calamine read; without these its formulas stay as calamine gave them
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sheet in book.iter(f"{main}sheet"):
        target = targets.get(sheet.get(rel_id), "")
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def _uncalculated_formulas(xml: bytes) -> list[tuple[int, int, str]]:
    """(row, column, :func:`uncalculated` value) of each formula cell of a worksheet's XML that
    holds no calculated value (written by a program, never opened in an office program). Only formula cells are
    looked at: the search goes from each formula to its cell's bounds."""
    from xml.sax.saxutils import unescape

    found = []
    for match in _XLSX_FORMULA.finditer(xml):
        prefix, at = match.group(1), match.start()
        start = max(xml.rfind(b"<" + prefix + b"c ", 0, at), xml.rfind(b"<" + prefix + b"c>", 0, at))
        end = xml.find(b"</" + prefix + b"c>", at)
        if start < 0 or end < 0:
            continue
        cell = xml[start:end]
        ref = _XLSX_CELL_REF.search(cell[: cell.find(b">") + 1])
        if ref is None or _XLSX_VALUE.search(cell):
            continue
        letters, row = ref.group(1).decode(), int(ref.group(2))
        column = 0
        for letter in letters:
            column = column * 26 + ord(letter) - 64
        text = _XLSX_FORMULA_TEXT.search(cell)
        formula = text.group(1).decode("utf-8", "replace") if text and text.group(1) else ""
        formula = unescape(formula, {"&quot;": '"', "&apos;": "'"})
        found.append((row, column, uncalculated(formula or "(a formula)")))
    return found


def _xlsx_marked_cells(path: Path, sheets: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    """The cells calamine shows as blank that are not: error cells (their text) and formulas with no calculated
    value (:func:`uncalculated`), per sheet of ``sheets``."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    with zipfile.ZipFile(path) as zf:
        parts = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        holds_errors, formulas = False, {}
        for name in parts:
            with zf.open(name) as part:
                xml = part.read()  # bounded: the intake refused parts larger than declared and zip bombs
            holds_errors = holds_errors or any(mark in xml for mark in _error_marks(xml))
            if _XLSX_FORMULA_MARK in xml:
                formulas[name] = _uncalculated_formulas(xml)
        if any(formulas.values()):
            for sheet, part in _sheet_parts(zf).items():
                if sheet in sheets and formulas.get(part):
                    found[sheet] = formulas[part]
    if holds_errors:
        for sheet, cells in _xlsx_error_cells(path, sheets).items():
            found.setdefault(sheet, []).extend(cells)
    return found


def _xlsx_error_cells(path: Path, sheets: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    import openpyxl

    try:
        # data_only: a formula whose cached result is an error comes back as that error.
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # calamine read it; if openpyxl cannot, error cells stay blank as before
        return {}
    try:
        return {
            name: [
                (c.row, c.column, str(c.value)) for line in book[name].iter_rows() for c in line if c.data_type == "e"
            ]
            for name in sheets
            if name in book.sheetnames
        }
    finally:
        book.close()


# LibreOffice marks a formula cell whose result is an error: <table:table-cell calcext:value-type="error">.
_ODS_ERROR_MARKS = (b'calcext:value-type="error"', b"calcext:value-type='error'")
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_ODS_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def _ods_error_cells(path: Path, sheets: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    """Error cells of an OpenDocument spreadsheet, from content.xml: the text LibreOffice shows in each."""
    from defusedxml.ElementTree import iterparse

    with zipfile.ZipFile(path) as zf:
        if not _part_holds(zf, "content.xml", _ODS_ERROR_MARKS):
            return {}
        found: dict[str, list[tuple[int, int, str]]] = {}
        wanted = set(sheets)
        errors = row = col = None
        with zf.open("content.xml") as part:
            for event, elem in iterparse(part, events=("start", "end")):
                tag = elem.tag
                if event == "start":
                    if tag == f"{_TABLE}table":
                        name = elem.get(f"{_TABLE}name")
                        errors = found.setdefault(name, []) if name in wanted else None
                        row = 0
                    elif tag == f"{_TABLE}table-row":
                        col = 0
                    continue
                if tag in _ODS_CELLS:
                    repeat = int(elem.get(f"{_TABLE}number-columns-repeated", 1))
                    if errors is not None and elem.get(f"{_CALCEXT}value-type") == "error":
                        text = "".join(elem.itertext()).strip() or "#VALUE!"
                        errors.extend((row + 1, col + 1 + i, text) for i in range(repeat))
                    col += repeat
                    elem.clear()
                elif tag == f"{_TABLE}table-row":
                    row += int(elem.get(f"{_TABLE}number-rows-repeated", 1))
                    elem.clear()
                elif tag == f"{_TABLE}table":
                    elem.clear()
    return {name: cells for name, cells in found.items() if cells}


def _xls_error_cells(path: Path, sheets: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    """Error cells of an Excel 97-2003 workbook, read with xlrd (BIFF stores an error code per cell)."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO())
    except Exception:  # calamine read it; if xlrd cannot, error cells stay blank
        return {}
    try:
        found = {}
        for name in sheets:
            if name not in book.sheet_names():
                continue
            sheet = book.sheet_by_name(name)
            cells = [
                (r + 1, c + 1, xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#VALUE!"))
                for r in range(sheet.nrows)
                for c, kind in enumerate(sheet.row_types(r))
                if kind == xlrd.XL_CELL_ERROR
            ]
            if cells:
                found[name] = cells
        return found
    finally:
        book.release_resources()


#: Format -> the function finding the cells calamine shows as blank that are not (errors; .xlsx formulas).
MARKED_CELL_FINDERS = {"xlsx": _xlsx_marked_cells, "ods": _ods_error_cells, "xls": _xls_error_cells}
