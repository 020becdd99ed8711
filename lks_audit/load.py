"""Loading a school's data folder into typed DataFrames, and a record of what could not be read.

``load_workbooks(folder)`` never stops at a bad cell, sheet or file: what can
be read is read; a missing or unreadable part becomes a :class:`~lks_audit.findings.Gap`, a bad cell a
:class:`CellFault`, a blank or repeated key a :class:`KeyFault`, each located by file, sheet and
cell. The data-quality rules (DQ-01..03) turn them into findings. Input files are only ever opened
for reading.
"""

from __future__ import annotations

import gc
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .cells import (
    blank_mask,
    cell_problem,
    cell_text,
    empty_column,
    is_uncalculated,
    normalise_text,
    read_column,
)
from .findings import Gap, Notice, NoticeKind
from .intake import FORMATS, format_of_name, several_files_problem
from .platforms import Exports, ExportsReading
from .read import OpenedWorkbook, Reading, sheet_key
from .schema import ROW, SHEETS, WORKBOOK_BY_FILE, WORKBOOKS, Column, Kind, Sheet, Workbook, references


def column_letter(number: int) -> str:
    """Excel's letters for a column number from 1: 1 -> A, 27 -> AA (as openpyxl's ``get_column_letter``,
    whose import would cost ``check`` a tenth of a second)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class FileInfo:
    """What was found for one contract workbook (for the report's appendix)."""

    file: str
    status: str  # "ok", "missing" or "unreadable"
    sha256: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    problem: str | None = None
    #: The name of the file read (``posts_log.ods``); ``file`` is the contract's name for the workbook.
    name: str | None = None
    #: "xlsx", "ods" or "xls", read from the file's bytes.
    format: str | None = None


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
    #: The value found and what was expected: "'31/02/2026' is not a date, day first (such as ...)".
    problem: str
    #: A formula with no calculated value (the workbook was written by a program and never opened).
    uncalculated: bool = False


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
    #: Advisory notes on how the data was read (a header found lower, a renamed sheet, an extra column).
    notices: list[Notice] = field(default_factory=list)
    #: Contract sheet -> the workbook's own name for the sheet read as it (``Sheet1`` when renamed).
    sheet_names: dict[str, str] = field(default_factory=dict)
    #: (sheet, column) -> the Excel rows of its cells that could not be read (DQ-02): unknown, never blank.
    unknown: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    #: (sheet, Excel row) -> a name from the row's content, for a row its label (key) does not name.
    row_names: dict[tuple[str, int], str] = field(default_factory=dict)
    #: The platforms' own archives (``platform_exports/``), or None when the folder has none: then no rule
    #: that checks the logs against them has anything to check.
    exports: Exports | None = None

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
        return [f"{f.name or f.file}: {f.problem}" for f in self.files if f.status == "unreadable"]


def _empty_frame(sheet: Sheet) -> pd.DataFrame:
    frame = pd.DataFrame({c.header: empty_column(c) for c in sheet.columns})
    frame[ROW] = pd.Series(dtype="int64")
    return frame


#: How far down a sheet its header row is looked for: title rows above it are allowed.
HEADER_SEARCH_ROWS = 10


def _required(sheet: Sheet) -> list[Column]:
    """The sheet's columns a workbook must have (not the optional ones): what tells its header row."""
    return [c for c in sheet.columns if not c.optional]


def _headers_in(row: list, sheet: Sheet) -> int:
    """How many of the sheet's required contract headers ``row`` holds."""
    wanted = {c.header.casefold() for c in _required(sheet)}
    return len({key for key in map(sheet_key, row) if key in wanted})


def _header_row(rows: list[list], sheet: Sheet) -> tuple[int, int]:
    """(index in ``rows``, headers matched) of the sheet's header row: row 1, unless a row below it among
    the first :data:`HEADER_SEARCH_ROWS` holds more of the contract's required headers, and at least half."""
    counts = [_headers_in(row, sheet) for row in rows[:HEADER_SEARCH_ROWS]]
    if not counts:
        return 0, 0
    best = counts.index(max(counts))
    if best and counts[best] > counts[0] and 2 * counts[best] >= len(_required(sheet)):
        return best, counts[best]
    return 0, counts[0]


def _find_sheets(wb: Workbook, opened: OpenedWorkbook, data: Dataset) -> dict[str, str | None]:
    """Contract sheet -> the workbook's sheet read as it: the one of its name (any case), else the one
    sheet left whose header row holds at least half of its headers (a notice says so), else None."""
    by_key = {}
    for name in opened.sheet_names:
        by_key.setdefault(sheet_key(name), name)
    chosen = {s.name: by_key.get(sheet_key(s.name)) for s in wb.sheets}
    left = [n for n in opened.parsed if n not in chosen.values()]
    for sheet in wb.sheets:
        if chosen[sheet.name] is not None or not left:
            continue
        matched = {name: _header_row(opened.rows(name, HEADER_SEARCH_ROWS), sheet)[1] for name in left}
        best = max(left, key=matched.__getitem__)
        if matched[best] and 2 * matched[best] >= len(_required(sheet)):
            chosen[sheet.name] = best
            left.remove(best)
            data.notices.append(
                Notice(
                    NoticeKind.RENAMED_SHEET,
                    f"the workbook's sheet '{best}' is read as this sheet (its header row matches); "
                    f"rename it '{sheet.name}'",
                    wb.file,
                    sheet.name,
                )
            )
    return chosen


def _load_sheet(wb: Workbook, sheet: Sheet, rows: list[list], data: Dataset, header_at: int = 0) -> pd.DataFrame:
    """The sheet's typed frame from its cell rows (row 1 first); its header is ``rows[header_at]``."""
    header = rows[header_at] if rows else []
    positions, extras = _match_header(header, sheet)
    data.letters[sheet.name] = {h: column_letter(i + 1) for h, i in positions.items()}
    _note_layout(wb, sheet, header_at, header, positions, extras, data)

    grid, excel_rows = _body(rows, header_at, max(len(header), 1))
    grid, excel_rows = _drop_blank_rows(grid, excel_rows, list(positions.values()) + list(extras.values()))
    index = pd.RangeIndex(len(grid))

    frame = pd.DataFrame(index=index)
    for column in sheet.columns:
        if column.header in positions:
            pos = positions[column.header]
            read = read_column(pd.Series(grid[:, pos], index=index, dtype=object, copy=False), column)
            frame[column.header] = read.values
            if read.bad.any():
                data.unknown[(sheet.name, column.header)] = excel_rows[read.bad].astype("int64")
            continue
        if not column.optional:  # an optional column is never missing: blank when left out
            _note_missing_column(wb, sheet, column, extras, header_at, data)
        frame[column.header] = empty_column(column, index=index)
    _note_cell_faults(wb, sheet, frame, grid, positions, excel_rows, data)
    _name_rows_by_content(sheet, frame, grid, positions, excel_rows, data)
    for name, pos in extras.items():
        frame[name] = pd.Series(grid[:, pos], index=index, dtype=object).map(lambda v: None if v in ("", None) else v)
    frame[ROW] = excel_rows.astype("int64")
    if sheet.key and sheet.key in positions:
        _check_keys(wb, sheet, frame, data)
    return frame


def _match_header(header: list, sheet: Sheet) -> tuple[dict[str, int], dict[str, int]]:
    """Where the header row puts each contract column (its first, any case), and each header the contract does
    not have (as normalised text), by index in the row."""
    positions: dict[str, int] = {}
    extras: dict[str, int] = {}
    for i, value in enumerate(header):
        key = sheet_key(value)
        if not key:
            continue
        match = next((c.header for c in sheet.columns if c.header.casefold() == key), None)
        if match and match not in positions:
            positions[match] = i
        elif not match:
            extras.setdefault(normalise_text(str(value)), i)
    return positions, extras


def header_of(rows: list[list], sheet: Sheet) -> tuple[int, dict[str, int]]:
    """(index in ``rows`` of the sheet's header row, contract header -> its index in that row), found as the
    loader finds them: for a writer that must put its cells where the next reading will look."""
    at = _header_row(rows, sheet)[0]
    return at, _match_header(rows[at] if rows else [], sheet)[0]


def _body(rows: list[list], header_at: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows below the header as a grid of cell values, and each one's Excel row."""
    body = rows[header_at + 1 :]  # as wide as the header: the sources give rows as wide as the sheet
    grid = np.empty((len(body), width), dtype=object)
    if body:
        grid[:] = body  # filled in place: numpy never takes a cell value for a nested array
    first_row = header_at + 2  # the Excel row of the first row below the header
    return grid, np.arange(first_row, len(body) + first_row)


def _drop_blank_rows(grid: np.ndarray, excel_rows: np.ndarray, used: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The grid and its Excel rows without the rows blank in every used column (all of them, when none is)."""
    if not len(grid):
        return grid, excel_rows
    if not used:
        return grid[:0], excel_rows[:0]
    # Most rows fill their first column, so each column is tested only on the rows still in doubt.
    blank = np.arange(len(grid))
    for i in used:
        blank = blank[blank_mask(grid[blank, i])]
    if not len(blank):
        return grid, excel_rows
    keep = np.ones(len(grid), dtype=bool)
    keep[blank] = False
    return grid[keep], excel_rows[keep]


def _note_missing_column(
    wb: Workbook, sheet: Sheet, column: Column, extras: dict[str, int], header_at: int, data: Dataset
) -> None:
    """A required column the header row does not have, as a gap (its old header named when that is there)."""
    found_headers = {h.casefold() for h in extras}
    old = column.formerly if column.formerly and column.formerly.casefold() in found_headers else None
    gap = Gap(wb.file, sheet.name, column.header, formerly=old, row=header_at + 1)
    data.gaps.append(gap)
    data.blocked[(sheet.name, column.header)] = gap


def _note_cell_faults(
    wb: Workbook,
    sheet: Sheet,
    frame: pd.DataFrame,
    grid: np.ndarray,
    positions: dict[str, int],
    excel_rows: np.ndarray,
    data: Dataset,
) -> None:
    """A cell fault, worded, for each cell of the sheet that could not be read as its column's type."""
    # The row's key names it, as read (an unreadable key names nothing: the finding's ID then comes from the row's
    # other cells).
    records = frame[sheet.key].to_numpy() if sheet.key and sheet.key in positions else None
    for column in sheet.columns:
        bad_rows = data.unknown.get((sheet.name, column.header))
        if bad_rows is None:
            continue
        pos = positions[column.header]
        letter = column_letter(pos + 1)
        for idx in np.flatnonzero(np.isin(excel_rows, bad_rows)):
            row, value = int(excel_rows[idx]), grid[idx, pos]
            data.cell_faults.append(
                CellFault(
                    wb.file,
                    sheet.name,
                    row,
                    f"{letter}{row}",
                    column.header,
                    None if records is None else records[idx],
                    cell_problem(column, value),
                    is_uncalculated(value),
                )
            )


def _name_rows_by_content(sheet: Sheet, frame, grid, positions: dict, excel_rows, data: Dataset) -> None:
    """A name for each row that its label (key) does not name, because the label is blank or unreadable: a
    short hash of the row's other cells as read, so a finding on the row keeps its ID when rows are sorted or
    inserted, or a date retyped another way (rules.md: the same data gives the same IDs whatever the row order)."""
    label = sheet.label if sheet.label in positions else None
    nameless = np.arange(len(frame)) if label is None else np.flatnonzero(frame[label].isna().to_numpy())
    if not len(nameless):
        return
    others = [c.header for c in sheet.columns if c.header != label and c.header in positions]
    for idx in nameless.tolist():
        row = int(excel_rows[idx])
        parts = [
            cell_text(grid[idx, positions[h]])
            if row in data.unknown.get((sheet.name, h), ())
            else _as_read(frame[h].iat[idx])
            for h in others
        ]
        # Case aside, as IDs are compared: retyping an ID in capitals keeps the name.
        typed = "\x1f".join(parts).casefold().encode("utf-8", "surrogatepass")
        data.row_names[(sheet.name, row)] = "#" + hashlib.blake2b(typed, digest_size=4).hexdigest()


def _as_read(value) -> str:
    """A read value as text for a row's name: whatever way it was typed, the same value gives the same text."""
    if isinstance(value, tuple):
        return ",".join(value)
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return value.isoformat() if isinstance(value, pd.Timestamp) else str(value)


def _note_layout(wb: Workbook, sheet: Sheet, header_at: int, header: list, positions: dict, extras: dict, data) -> None:
    """Notices for what the header row says about the sheet's layout: a header below row 1, each column
    the contract does not have (data minimisation), a contract column given twice (only the first is read)."""
    header_row = header_at + 1
    if header_at:
        titles = "row 1 above it is" if header_at == 1 else f"rows 1 to {header_at} above it are"
        data.notices.append(
            Notice(
                NoticeKind.HEADER_ROW,
                f"the header row is row {header_row}; {titles} read as a title and ignored",
                wb.file,
                sheet.name,
                header_row,
            )
        )

    def column_notice(at: int, detail: str, column: str) -> Notice:
        return Notice(
            NoticeKind.EXTRA_COLUMN,
            detail,
            wb.file,
            sheet.name,
            header_row,
            f"{column_letter(at + 1)}{header_row}",
            column,
        )

    # A header row without any contract header is not this sheet's: its texts are not columns to name.
    for name, at in extras.items() if positions else ():
        data.notices.append(
            column_notice(
                at,
                f"'{name}' is not a column of the data contract, so it is kept but not checked; "
                "if it holds personal data the audit does not need, remove it",
                name,
            )
        )
    for at, value in enumerate(header):
        key = sheet_key(value)
        first = next((h for h, i in positions.items() if h.casefold() == key and i != at), None)
        if first is not None:
            data.notices.append(
                column_notice(
                    at,
                    f"a second '{first}' column, not read (column {column_letter(positions[first] + 1)} is); "
                    "remove one of them",
                    first,
                )
            )


def _check_keys(wb: Workbook, sheet: Sheet, frame: pd.DataFrame, data: Dataset) -> None:
    """DQ-03: a blank key, or a key already used on an earlier row, whatever its case (each repeat is a finding)."""
    keys = frame[sheet.key].to_numpy(dtype=object)
    rows = frame[ROW].to_numpy()
    letter = data.letters[sheet.name][sheet.key]
    codes, distinct = pd.factorize(keys)
    # A key that could not be read (a formula with no value, an error) is unknown, not blank: DQ-02 names it.
    unreadable = np.isin(rows, data.unknown.get((sheet.name, sheet.key), ()))
    blank = (codes == -1) & ~unreadable
    # Each distinct key's case-folded code; a blank key (code -1) has none, and every key may be blank.
    fold_of_distinct = pd.factorize(np.asarray(casefolded(distinct), dtype=object))[0]
    filled = codes != -1
    folded_codes = np.full(len(keys), -1)
    folded_codes[filled] = fold_of_distinct[codes[filled]]
    repeated = filled & pd.Series(folded_codes).duplicated(keep="first").to_numpy()
    first_row = {}
    if repeated.any():
        firsts = np.flatnonzero(filled & ~repeated)
        first_row = dict(zip(folded_codes[firsts].tolist(), rows[firsts].tolist()))
    for idx in np.flatnonzero(blank | repeated):
        row, key = int(rows[idx]), keys[idx]
        data.key_faults.append(
            KeyFault(
                wb.file,
                sheet.name,
                row,
                f"{letter}{row}",
                sheet.key,
                None if blank[idx] else key,
                None if blank[idx] else int(first_row[folded_codes[idx]]),
            )
        )


def casefolded(texts) -> list[str]:
    """Each text case-folded, in one pass over them all (a column of IDs holds many thousands)."""
    texts = list(texts)
    folded = "\x00".join(texts).casefold().split("\x00")
    return folded if len(folded) == len(texts) else [t.casefold() for t in texts]


def unify_id_case(data: Dataset) -> None:
    """IDs are compared without regard to case (data-contract.md): ``s005`` is ``S005``.

    Each ID matching, in any case, an ID of the sheet that keys it (or a Student ID of the Consent sheet)
    is written there as that sheet first writes it: in that sheet and in every column that refers to
    it, lists included, so the rules need not know. An ID matching none (DQ-04 names it) is written in the
    case the sheet writes its IDs, where it writes them all in capitals (or all in small letters), so its
    findings' IDs do not change with how it was typed (``TRN-01:S179`` for ``s179``); else as typed.
    """
    referring: dict[tuple[str, str], list[tuple[str, Column]]] = {}
    for sheet_name, column in references():
        referring.setdefault(column.refers_to, []).append((sheet_name, column))
    for (target_sheet, target_key), columns in referring.items():
        if data.unavailable(target_sheet, (target_key,)):
            continue
        spellings = [v for v in pd.unique(data.frames[target_sheet][target_key].to_numpy()) if v is not None]
        spelling: dict[str, str] = {}
        for folded, value in zip(casefolded(spellings), spellings):
            spelling.setdefault(folded, value)
        cased = [v for v in spelling.values() if v.upper() != v.lower()]
        unmatched = (
            str.upper if cased and all(v == v.upper() for v in cased)
            else str.lower if cased and all(v == v.lower() for v in cased)
            else None
        )  # fmt: skip
        for sheet_name, column in [(target_sheet, SHEETS[target_sheet].column(target_key)), *columns]:
            if not data.unavailable(sheet_name, (column.header,)):
                _respell(data.frames[sheet_name], column, spelling, set(spelling.values()), unmatched)


def _respell(frame: pd.DataFrame, column: Column, spelling: dict[str, str], spelt: set[str], unmatched=None) -> None:
    """Rewrite the IDs of ``column`` found in ``spelling`` (case-folded ID -> its spelling), once per distinct
    value, and the others with ``unmatched`` (``str.upper``, or None to keep them as typed); an ID already spelt
    as its sheet spells it (in ``spelt``, the usual case) needs nothing."""
    values = frame[column.header]
    distinct = [v for v in pd.unique(values.to_numpy()) if v is not None]  # IDs are text, or tuples of text
    ids = set().union(*distinct) if column.kind is Kind.IDS else set(distinct)
    keep = unmatched or (lambda i: i)
    respelt = {i: spelling.get(f) or keep(i) for i, f in zip(ids - spelt, casefolded(ids - spelt))}
    respelt = {old: new for old, new in respelt.items() if new != old}
    if not respelt:
        return
    if column.kind is Kind.IDS:
        changes = {many: tuple(respelt.get(i, i) for i in many) for many in distinct}
    else:
        changes = respelt
    frame[column.header] = values.map(lambda v: changes.get(v, v))


def _block_sheet(sheet: Sheet, data: Dataset, gap: Gap) -> None:
    """The sheet cannot be used: every rule needing it is not assessed because of ``gap``."""
    data.blocked[(sheet.name, None)] = gap
    data.frames[sheet.name] = _empty_frame(sheet)


def load_workbooks(folder: str | Path, reading: Reading | None = None, archives: bool = True) -> Dataset:
    """Read every contract workbook in ``folder`` (any may be missing, saved twice or broken).

    ``reading``: the folder's workbooks already being parsed (see :class:`~lks_audit.read.Reading`), so
    a caller can start them before it imports the data libraries; by default they start here. Each is
    typed here as soon as it is parsed, while the others are still parsing. ``archives``: read the folder's
    platform archives too (``due`` has no use for them).
    """
    folder = Path(folder)
    reading = reading or Reading(folder)
    # Millions of row lists and ID tuples are made here, none of them in a reference cycle: the cyclic
    # garbage collector would only walk them again and again (a sixth of the loading time at scale 50).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(folder, reading, archives)
    finally:
        if collecting:
            gc.enable()


def _load(folder: Path, reading: Reading, archives: bool = True) -> Dataset:
    # Each workbook is typed as soon as it is parsed, into a part of its own; the parts are joined in the
    # contract's order, so what is found is listed in the same order whichever parse ended first.
    parts: dict[str, Dataset] = {}
    scan = reading.scan
    for wb in WORKBOOKS:
        paths = reading.found[wb.file]
        if len(paths) != 1:
            parts[wb.file] = part = Dataset(folder, {})
            if not paths:
                _add_missing_workbook(wb, part, _missing_hint(wb, scan, part))
            else:
                _add_workbook(wb, None, several_files_problem(paths), part)
    exports = ExportsReading(folder) if archives else None
    for file in reading.as_completed():
        opened, problem, sha256 = reading.result(file)
        parts[file] = part = Dataset(folder, {})
        _add_workbook(WORKBOOK_BY_FILE[file], opened, problem, part, reading.found[file][0], sha256)
        if exports is not None and exports.present and reading.last_one_parsing():
            exports.read_ahead()  # while the largest workbook parses alone, on the core it leaves idle
    data = _joined([parts[wb.file] for wb in WORKBOOKS], folder)
    unify_id_case(data)
    if exports is not None:
        add_exports(data, exports)
    return data


def add_exports(data: Dataset, exports: ExportsReading | None = None) -> None:
    """The data folder's platform archives (``platform_exports/``), tied to the register's accounts (``exports``:
    their reading already begun); what was refused or guessed in them joins the notices."""
    accounts = None
    if not data.unavailable("Accounts", ("Account ID",)):
        frame = data.frames["Accounts"]
        rows = zip(frame["Account ID"].tolist(), frame["Platform"].tolist(), frame["Account name"].tolist())
        accounts = {}
        for account, platform, name in rows:
            if isinstance(account, str):
                accounts.setdefault(account, (platform if isinstance(platform, str) else None, name or None))
    unread_ids = len(data.unknown.get(("Accounts", "Account ID"), ())) > 0
    unread_names: dict[str, tuple] = {}
    bad_names = data.unknown.get(("Accounts", "Account name"), ())
    if accounts is not None and len(bad_names):
        frame = data.frames["Accounts"]
        unread = frame[frame[ROW].isin(list(bad_names)).to_numpy()]
        for account, row in zip(unread["Account ID"].tolist(), unread[ROW].tolist()):
            if isinstance(account, str):
                unread_names.setdefault(account, ("Accounts", int(row), "Account name"))
    data.exports = (exports or ExportsReading(data.folder)).tied(accounts, unread_ids, unread_names)
    if data.exports is not None:
        data.notices.extend(data.exports.notices)


def _joined(parts: list[Dataset], folder: Path) -> Dataset:
    """One dataset holding ``parts`` (each a workbook's), lists and tables in the order of ``parts``."""
    data = Dataset(folder, {})
    for part in parts:
        for name, value in vars(part).items():
            if isinstance(value, list):
                getattr(data, name).extend(value)
            elif isinstance(value, dict):
                getattr(data, name).update(value)
    return data


def _missing_hint(wb: Workbook, scan, data: Dataset) -> str | None:
    """What the folder holds in place of a missing workbook, as a notice and for its DQ-01: a CSV under its name
    (not read: one sheet, no types), or files whose names are near its own."""
    stem = Path(wb.file).stem
    if wb.file in scan.csv:
        name = scan.csv[wb.file].name
        hint = (
            f"{name} is there, but a .csv is not read (one sheet, no dates or Yes/No): open it and save it as "
            f"{stem}.xlsx"
        )
        data.notices.append(Notice(NoticeKind.FILE_NAME, hint, wb.file))
        return hint
    near = scan.near.get(wb.file)
    if near:
        names = " or ".join(f"'{p.name}'" for p in near[:3])
        hint = f"did you mean {names}? Rename it {wb.file} to have it read"
        data.notices.append(Notice(NoticeKind.FILE_NAME, f"not found; {hint}", wb.file))
        return hint
    return None


def _add_missing_workbook(wb: Workbook, data: Dataset, hint: str | None = None) -> None:
    if wb.optional:  # nothing to read and nothing blocked: its sheets are simply empty
        data.files.append(FileInfo(wb.file, "missing", problem="not in the folder (optional)"))
        for sheet in wb.sheets:
            data.frames[sheet.name] = _empty_frame(sheet)
        return
    data.files.append(FileInfo(wb.file, "missing", problem="not in the folder"))
    gap = Gap(wb.file, None, None, hint=hint)
    data.gaps.append(gap)
    for sheet in wb.sheets:
        _block_sheet(sheet, data, gap)


def _add_workbook(
    wb: Workbook, opened, problem: str | None, data: Dataset, path: Path | None = None, sha256: str | None = None
) -> None:
    """``opened`` (an :class:`OpenedWorkbook`, or cells held in memory) into ``data``, or ``problem`` as a gap."""
    info = FileInfo(wb.file, "ok", sha256=sha256, name=path.name if path else wb.file)
    data.files.append(info)
    if problem:
        info.status, info.problem = "unreadable", problem
        gap = Gap(wb.file, None, None, problem)
        data.gaps.append(gap)
        for sheet in wb.sheets:
            _block_sheet(sheet, data, gap)
        return
    info.format = getattr(opened, "format", None)
    if path is not None and path.stem.casefold() != Path(wb.file).stem:
        data.notices.append(
            Notice(
                NoticeKind.FILE_NAME,
                f"'{path.name}' is read as {wb.file} (its name differs only in case, spaces or a copy mark); "
                f"rename it {Path(wb.file).stem}{path.suffix} so everyone finds it",
                wb.file,
            )
        )
    if path is not None and format_of_name(path) != info.format:
        data.notices.append(
            Notice(
                NoticeKind.FILE_FORMAT,
                f"{path.name} is an {FORMATS[info.format][0]}, not what its name says; it is read as one",
                wb.file,
            )
        )
    chosen = _find_sheets(wb, opened, data)
    faults_before = len(data.cell_faults)
    for sheet in wb.sheets:
        if chosen[sheet.name] is None and sheet.optional:  # left out: nothing blocked, simply empty
            data.frames[sheet.name] = _empty_frame(sheet)
            continue
        if chosen[sheet.name] is None:
            gap = Gap(wb.file, sheet.name, None)
            data.gaps.append(gap)
            _block_sheet(sheet, data, gap)
            continue
        rows = opened.rows(chosen[sheet.name])
        frame = _load_sheet(wb, sheet, rows, data, _header_row(rows, sheet)[0])
        data.sheet_names[sheet.name] = chosen[sheet.name]
        data.frames[sheet.name] = frame
        info.rows[sheet.name] = len(frame)
    uncalculated = sum(1 for fault in data.cell_faults[faults_before:] if fault.uncalculated)
    if uncalculated:
        data.notices.append(
            Notice(
                NoticeKind.UNCALCULATED_FORMULAS,
                f"{uncalculated:,} cell{'s hold formulas' if uncalculated > 1 else ' holds a formula'} with no "
                "calculated value (the file was written by a program and never opened), so "
                f"{'they are' if uncalculated > 1 else 'it is'} unreadable: open and save it in Excel or LibreOffice "
                "so its formulas are calculated",
                wb.file,
            )
        )


def dataset_from_cells(cells: dict[str, dict[str, list[list]] | None], folder: str | Path = ".") -> Dataset:
    """A :class:`Dataset` from cell values held in memory, read exactly as :func:`load_workbooks` reads files.

    ``cells`` maps a contract workbook's file name to its sheets' rows (from row 1), each value as
    python-calamine gives it (text, number, bool, ``datetime.date`` or ``datetime.datetime``, ``""`` for
    empty). A workbook left out is missing; ``None`` stands for one that could not be read. For tests and
    for tools that hold the data already.
    """
    data = Dataset(Path(folder), {})
    for wb in WORKBOOKS:
        if wb.file not in cells:
            _add_missing_workbook(wb, data)
        elif cells[wb.file] is None:
            _add_workbook(wb, None, "it could not be read", data)
        else:
            _add_workbook(wb, _SheetsInMemory(cells[wb.file]), None, data)
    unify_id_case(data)
    add_exports(data)
    return data


class _SheetsInMemory:
    """A workbook's sheets held as cell rows, offered as :class:`~lks_audit.read.OpenedWorkbook` offers a file's."""

    def __init__(self, sheets: dict[str, list[list]]):
        self.sheet_names = list(sheets)
        self.parsed = sheets

    def rows(self, name: str, nrows: int | None = None) -> list[list]:
        """Copies of the rows, each padded with empty cells to the widest (as calamine gives them)."""
        rows = self.parsed[name][:nrows]
        width = max(map(len, rows), default=0)
        return [list(row) + [""] * (width - len(row)) for row in rows]
