"""Loading a school's data folder into typed DataFrames, and a record of what could not be read.

``load_workbooks(folder)`` never stops at a bad cell, sheet or file: what can
be read is read; a missing or unreadable part becomes a :class:`~lks_audit.findings.Gap`, a bad cell a
:class:`CellFault`, a blank or repeated key a :class:`KeyFault`, each located by file, sheet and
cell. The data-quality rules (DQ-01..03) turn them into findings. Input files are only ever opened
for reading.
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from .cells import EXCEL_ERRORS, blank_mask, display_value, empty_column, normalise_text, read_column
from .findings import Gap, Notice
from .intake import UnreadableFile, check_xlsx, find_workbook_file  # noqa: F401 (re-exported)
from .schema import WORKBOOKS, Sheet, Workbook

#: Name of the column that carries each record's Excel row number.
ROW = "_row"


@dataclass
class FileInfo:
    """What was found for one contract workbook (for the report's appendix)."""

    file: str
    status: str  # "ok", "missing" or "unreadable"
    sha256: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    problem: str | None = None


@dataclass(frozen=True)
class CellFault:
    """A cell that cannot be read as its column's kind (DQ-02)."""

    file: str
    sheet: str
    row: int
    cell: str
    column: str
    #: The row's label (its key), when it has one.
    record: str | None
    #: The value found and what was expected: "'31/02/2026' is not a date (dd/mm/yyyy or yyyy-mm-dd)".
    problem: str


@dataclass(frozen=True)
class KeyFault:
    """A key left blank, or used again on a later row (DQ-03)."""

    file: str
    sheet: str
    row: int
    cell: str
    column: str
    #: The repeated key; None when it is blank.
    key: str | None
    #: Where the key was first used (None when it is blank).
    first_row: int | None


@dataclass
class Dataset:
    folder: Path
    #: Sheet name -> typed frame with every contract column (absent ones all blank) and ``_row``.
    frames: dict[str, pd.DataFrame]
    files: list[FileInfo] = field(default_factory=list)
    #: Sheet -> contract header -> Excel column letter as found in the file.
    letters: dict[str, dict[str, str]] = field(default_factory=dict)
    #: What is missing or unreadable, in the order found: one DQ-01 finding each.
    gaps: list[Gap] = field(default_factory=list)
    #: (sheet, column or None) -> the gap that makes it unusable; None means the whole sheet.
    blocked: dict[tuple[str, str | None], Gap] = field(default_factory=dict)
    cell_faults: list[CellFault] = field(default_factory=list)
    key_faults: list[KeyFault] = field(default_factory=list)
    #: Tables several rules derive the same way (e.g. pictured students joined to consent), built once
    #: per audit period; rules must treat them as read-only.
    derived: dict = field(default_factory=dict)
    #: Advisory notes on how the data was read (not findings).
    notices: list[Notice] = field(default_factory=list)

    def gaps_for(self, sheet: str, columns=()) -> tuple[Gap, ...]:
        """What stops ``sheet`` (or any of ``columns``) being used: the sheet's gap, else its columns'."""
        if (sheet, None) in self.blocked:
            return (self.blocked[(sheet, None)],)
        return tuple(self.blocked[(sheet, c)] for c in columns if (sheet, c) in self.blocked)

    def unavailable(self, sheet: str, columns=()) -> str | None:
        """Why ``sheet`` (or one of ``columns``) cannot be used, in words; None if all are there."""
        gaps = self.gaps_for(sheet, columns)
        if not gaps:
            return None
        if gaps[0].column is None:
            return gaps[0].reason
        return (
            f"{gaps[0].file}, sheet {sheet}: column{'s' if len(gaps) > 1 else ''} "
            + ", ".join(f"'{g.column}'" for g in gaps)
            + " missing"
        )

    def cell(self, sheet: str, column: str, row: int) -> str | None:
        letter = self.letters.get(sheet, {}).get(column)
        return f"{letter}{row}" if letter else None

    @property
    def problems(self) -> list[str]:
        """One line per workbook that could not be read at all."""
        return [f"{f.file}: {f.problem}" for f in self.files if f.status == "unreadable"]


def _header_key(value) -> str:
    return normalise_text(str(value)).casefold() if value not in (None, "") else ""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _empty_frame(sheet: Sheet) -> pd.DataFrame:
    frame = pd.DataFrame({c.header: empty_column(c) for c in sheet.columns})
    frame[ROW] = pd.Series(dtype="int64")
    return frame


def _read_rows(path: Path, wanted: list[str]) -> dict[str, list[list] | None]:
    """Raw cell rows of the wanted sheets (matched case-insensitively), via python-calamine."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        by_key = {_header_key(name): name for name in book.sheet_names}
        out: dict[str, list[list] | None] = {}
        for name in wanted:
            real = by_key.get(_header_key(name))
            out[name] = None if real is None else book.get_sheet_by_name(real).to_python(skip_empty_area=False)
    finally:
        book.close()
    if _has_error_cells(path):
        reals = {name: by_key[_header_key(name)] for name in wanted if out[name] is not None}
        errors = _error_cells(path, list(reals.values()))
        for name, real in reals.items():
            # The error text goes where calamine put '', so the column readers report it (DQ-02).
            rows = out[name]
            for row, col, value in errors.get(real, ()):
                while len(rows) < row:
                    rows.append([])
                line = rows[row - 1]
                line.extend([""] * (col - len(line)))
                line[col - 1] = value
    return out


# A cell of type error in the sheet XML: <c r="B2" t="e">. Attribute quoting varies by writer.
# Plain byte searches, not a regex: three times faster, and a rare false hit only costs time.
_ERROR_MARKS = (b't="e"', b"t='e'")


def _has_error_cells(path: Path) -> bool:
    """Cheap pre-check: does any worksheet part hold an error cell (#N/A, #REF!, ...)?

    python-calamine returns '' for error cells, so they would pass for blanks. Scanning the
    compressed parts in chunks is linear and far cheaper than a second parse; only files
    that have error cells pay for openpyxl.
    """
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with zf.open(name) as part:
                tail = b""
                for chunk in iter(lambda: part.read(1 << 20), b""):
                    window = tail + chunk
                    if any(mark in window for mark in _ERROR_MARKS):
                        return True
                    tail = chunk[-8:]
    return False


def _error_cells(path: Path, sheets: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    """(row, column, '#N/A') of each error cell in ``sheets`` (1-based, as Excel counts)."""
    import openpyxl

    try:
        # data_only: a formula whose cached result is an error comes back as that error.
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # calamine read it; if openpyxl cannot, error cells stay blank as before
        return {}
    try:
        found: dict[str, list[tuple[int, int, str]]] = {}
        for name in sheets:
            if name not in book.sheetnames:
                continue
            found[name] = [
                (c.row, c.column, str(c.value)) for line in book[name].iter_rows() for c in line if c.data_type == "e"
            ]
        return found
    finally:
        book.close()


def _load_sheet(wb: Workbook, sheet: Sheet, rows: list[list], data: Dataset) -> pd.DataFrame:
    header = rows[0] if rows else []
    positions: dict[str, int] = {}
    extras: dict[str, int] = {}
    for i, value in enumerate(header):
        key = _header_key(value)
        if not key:
            continue
        match = next((c.header for c in sheet.columns if c.header.casefold() == key), None)
        if match and match not in positions:
            positions[match] = i
        elif not match:
            extras.setdefault(normalise_text(str(value)), i)
    data.letters[sheet.name] = {h: get_column_letter(i + 1) for h, i in positions.items()}

    width = max(len(header), 1)
    body = rows[1:]
    if any(len(r) != width for r in body):  # calamine's rows are as wide as the sheet; error cells may add
        body = [r + [""] * (width - len(r)) if len(r) < width else r[:width] for r in body]
    grid = np.empty((len(body), width), dtype=object)
    if body:
        grid[:] = body  # filled in place: numpy never takes a cell value for a nested array
    raw = pd.DataFrame(grid, columns=range(width), dtype=object)
    raw[ROW] = np.arange(2, len(body) + 2)
    used = list(positions.values()) + list(extras.values())
    if used and len(raw):
        # A row is blank when all its used cells are. Most rows fill their first column, so each
        # column is tested only on the rows still in doubt.
        blank = np.arange(len(raw))
        for i in used:
            blank = blank[blank_mask(raw[i].to_numpy()[blank])]
        keep = np.ones(len(raw), dtype=bool)
        keep[blank] = False
        raw = raw[keep]
    elif len(raw):
        raw = raw.iloc[0:0]
    raw = raw.reset_index(drop=True)

    frame = pd.DataFrame(index=raw.index)
    found_headers = {h.casefold() for h in extras}
    for column in sheet.columns:
        if column.header not in positions:
            old = column.formerly if column.formerly and column.formerly.casefold() in found_headers else None
            gap = Gap(wb.file, sheet.name, column.header, formerly=old)
            data.gaps.append(gap)
            data.blocked[(sheet.name, column.header)] = gap
            frame[column.header] = empty_column(column, index=raw.index)
            continue
        pos = positions[column.header]
        read = read_column(raw[pos], column)
        frame[column.header] = read.values
        if read.bad.any():
            letter = get_column_letter(pos + 1)
            key_values = raw[positions[sheet.key]] if sheet.key in positions else None
            for idx in np.flatnonzero(read.bad):
                row = int(raw[ROW].iat[idx])
                value = raw[pos].iat[idx]
                record = None if key_values is None else (normalise_text(display_value(key_values.iat[idx])) or None)
                is_error = isinstance(value, str) and value.strip() in EXCEL_ERRORS
                if is_error:
                    problem = f"is an Excel error, expected {read.expected}"
                elif read.implausible is not None and read.implausible[idx]:
                    problem = f"is not a plausible date (before 01/03/1900), expected {read.expected}"
                else:
                    problem = f"is not {read.expected}"
                data.cell_faults.append(
                    CellFault(
                        wb.file,
                        sheet.name,
                        row,
                        f"{letter}{row}",
                        column.header,
                        record,
                        f"'{display_value(value)}' {problem}",
                    )
                )
    for name, pos in extras.items():
        frame[name] = raw[pos].map(lambda v: None if v in ("", None) else v)
    frame[ROW] = raw[ROW].astype("int64")
    if sheet.key and sheet.key in positions:
        _check_keys(wb, sheet, frame, data)
    return frame


def _check_keys(wb: Workbook, sheet: Sheet, frame: pd.DataFrame, data: Dataset) -> None:
    """DQ-03: a blank key, or a key already used on an earlier row (each repeat is a finding)."""
    keys = frame[sheet.key]
    letter = data.letters[sheet.name][sheet.key]
    blank = keys.isna()
    repeated = keys.duplicated(keep="first") & ~blank
    first_row = dict(zip(keys[~blank & ~repeated], frame.loc[~blank & ~repeated, ROW]))
    for idx in np.flatnonzero(blank.to_numpy() | repeated.to_numpy()):
        row = int(frame[ROW].iat[idx])
        key = keys.iat[idx]
        data.key_faults.append(
            KeyFault(
                wb.file, sheet.name, row, f"{letter}{row}", sheet.key, key, None if key is None else int(first_row[key])
            )
        )


def _block_sheet(sheet: Sheet, data: Dataset, gap: Gap) -> None:
    """The sheet cannot be used: every rule needing it is not assessed because of ``gap``."""
    data.blocked[(sheet.name, None)] = gap
    data.frames[sheet.name] = _empty_frame(sheet)


def load_workbooks(folder: str | Path) -> Dataset:
    """Read every contract workbook in ``folder`` (any may be missing or broken)."""
    folder = Path(folder)
    data = Dataset(folder, {})
    paths = [find_workbook_file(folder, wb.file) if folder.is_dir() else None for wb in WORKBOOKS]
    present = [i for i, path in enumerate(paths) if path is not None]
    # The next workbook is parsed while this one's columns are read (python-calamine lets go of
    # the GIL while it parses): on two cores loading costs about the larger of the two, not their sum.
    reads = {i: _in_background(_read_workbook, paths[i], WORKBOOKS[i]) for i in present[:1]}
    for i, wb in enumerate(WORKBOOKS):
        if paths[i] is None:
            _add_missing_workbook(wb, data)
            continue
        following = present[present.index(i) + 1 :]
        if following:  # at most one workbook read ahead, so memory holds two workbooks' cells at most
            reads[following[0]] = _in_background(_read_workbook, paths[following[0]], WORKBOOKS[following[0]])
        _add_workbook(wb, *reads.pop(i)(), data)
    return data


def _read_workbook(path: Path, wb: Workbook) -> tuple[str, dict | None, str | None]:
    """(sha256, raw cell rows by sheet, problem) of one contract workbook; rows are None when unreadable."""
    sha256 = sha256_of(path)
    try:
        check_xlsx(path)
        return sha256, _read_rows(path, [s.name for s in wb.sheets]), None
    except UnreadableFile as exc:
        return sha256, None, str(exc)
    except Exception as exc:  # any parser failure on a user's file is a data problem, not a crash
        return sha256, None, _describe_parser_error(exc)


def _in_background(func, *args):
    """Start ``func(*args)`` on a thread; returns a function that waits for its result (or raises).

    A daemon thread, so an interrupted run does not wait for a parse to finish before exiting.
    """
    box: dict = {}

    def run():
        try:
            box["result"] = func(*args)
        except BaseException as exc:  # raised again in the waiting thread
            box["error"] = exc

    thread = threading.Thread(target=run, name="lks-audit read-ahead", daemon=True)
    thread.start()

    def result():
        thread.join()
        if "error" in box:
            raise box["error"]
        return box["result"]

    return result


def _add_missing_workbook(wb: Workbook, data: Dataset) -> None:
    if wb.optional:  # nothing to read and nothing blocked: its sheets are simply empty
        data.files.append(FileInfo(wb.file, "missing", problem="not in the folder (optional)"))
        for sheet in wb.sheets:
            data.frames[sheet.name] = _empty_frame(sheet)
        return
    data.files.append(FileInfo(wb.file, "missing", problem="not in the folder"))
    gap = Gap(wb.file, None, None)
    data.gaps.append(gap)
    for sheet in wb.sheets:
        _block_sheet(sheet, data, gap)


def _add_workbook(
    wb: Workbook, sha256: str | None, rows_by_sheet: dict | None, problem: str | None, data: Dataset
) -> None:
    info = FileInfo(wb.file, "ok", sha256=sha256)
    data.files.append(info)
    if problem:
        info.status, info.problem = "unreadable", problem
        gap = Gap(wb.file, None, None, problem)
        data.gaps.append(gap)
        for sheet in wb.sheets:
            _block_sheet(sheet, data, gap)
        return
    for sheet in wb.sheets:
        rows = rows_by_sheet.get(sheet.name)
        if rows is None:
            gap = Gap(wb.file, sheet.name, None)
            data.gaps.append(gap)
            _block_sheet(sheet, data, gap)
            continue
        frame = _load_sheet(wb, sheet, rows, data)
        data.frames[sheet.name] = frame
        info.rows[sheet.name] = len(frame)


def _describe_parser_error(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:160]
    name = type(exc).__name__
    if "Password" in name or "password" in text.lower() or "encrypt" in text.lower():
        return "the workbook is password-protected; remove the password and save it again"
    return f"not a readable .xlsx ({name}: {text}); open it in Excel and save it again as .xlsx"


def dataset_from_cells(cells: dict[str, dict[str, list[list]] | None], folder: str | Path = ".") -> Dataset:
    """A :class:`Dataset` from cell values held in memory, read exactly as :func:`load_workbooks` reads files.

    ``cells`` maps a contract workbook's file name to its sheets' rows (header row first), each value as
    python-calamine gives it (text, number, bool, ``datetime.date`` or ``datetime.datetime``, ``""`` for
    empty). A workbook left out is missing; ``None`` stands for one that could not be read. For tests and
    for tools that hold the data already.
    """
    data = Dataset(Path(folder), {})
    for wb in WORKBOOKS:
        if wb.file not in cells:
            _add_missing_workbook(wb, data)
        elif cells[wb.file] is None:
            _add_workbook(wb, None, None, "it could not be read", data)
        else:
            _add_workbook(wb, None, cells[wb.file], None, data)
    return data
