"""Recording a DPO decision: one new row on the Decisions sheet of ``dpo_review.xlsx``, no other cell changed.

data-contract.md, section 9: the sheet has no key; renewing or changing a decision is a new row, the one with the
latest Decided on is in force and the rows above it are its history. So a decision is only ever *appended*, under
the last row that holds anything, each value read first as the audit will read its cell (the schema's column and
:func:`~lks_audit.cells.read_column`), so what is written is what the next ``check`` applies.

Before anything is written: the workbook must not be open in Excel or LibreOffice (their lock file beside it),
the finding must be one of this audit, the Reason (which governors read) must hold no name or ID of the data,
the Review by must not have passed already, and the new row must be the latest of its finding. The workbook as
it was is then kept beside it under the name ``templates --force`` gives (``dpo_review.replaced-20261204-101502.xlsx``,
which the loader never reads), and the new one replaces it in one step. A missing ``dpo_review.xlsx`` is made
from the template.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from .cells import cell_problem, read_column
from .dpo_review import REVIEW_FILE, SlipFinder, rows_by_finding
from .errors import AuditInputError, WorkbookOpen
from .files import PRIVATE, atomic_write
from .findings import Finding
from .intake import kept_name, scan_folder, several_files_problem
from .load import HEADER_SEARCH_ROWS, Dataset, header_of
from .personal import PersonalIndex, personal_strings
from .schema import SHEETS, WORKBOOK_BY_FILE, Kind

SHEET = "Decisions"
#: Formats openpyxl can write back; an .ods or .xls review is the DPO's to edit in their office program.
WRITABLE = (".xlsx", ".xlsm")


def lock_files(path: Path) -> list[Path]:
    """The lock files an office program keeps beside ``path`` while it has it open: Excel's ``~$NAME``,
    LibreOffice's ``.~lock.NAME#``."""
    return [p for p in (path.with_name(f"~${path.name}"), path.with_name(f".~lock.{path.name}#")) if p.exists()]


def review_workbook(folder: Path) -> Path:
    """The DPO's review the audit reads in ``folder`` (``DPO review.xlsx`` read as ``dpo_review.xlsx`` too), or
    where a new one goes. Raises AuditInputError for one lks-audit cannot add a row to."""
    found = scan_folder(folder).found[REVIEW_FILE]
    if len(found) > 1:
        raise AuditInputError(f"{REVIEW_FILE}: {several_files_problem(found)}; nothing was written")
    if not found:
        return folder / REVIEW_FILE
    path = found[0]
    if path.suffix.casefold() not in WRITABLE:
        raise AuditInputError(
            f"{path}: lks-audit adds decisions to an Excel workbook (.xlsx) only; add the row in your office program, "
            f"or save it as {REVIEW_FILE} and try again"
        )
    return path


def _read_as_the_audit_does(header: str, value, what: str):
    """``value`` as the audit reads the Decisions sheet's ``header`` cell; AuditInputError when it could not."""
    column = SHEETS[SHEET].column(header)
    read = read_column(pd.Series([value], dtype=object), column)
    if read.bad[0]:
        raise AuditInputError(f"{what}: {cell_problem(column, value)}; nothing was written")
    found = read.values.iloc[0]
    if found is None or (not isinstance(found, str) and pd.isna(found)):
        return None
    return found.date() if column.kind in (Kind.DATE, Kind.DATETIME) else found


def _finding(findings: list[Finding], typed: str) -> Finding:
    """The finding ``typed`` names, case aside (as decisions are applied)."""
    by_id = {f.id.casefold(): f for f in findings}
    found = by_id.get(str(typed).strip().casefold())
    if found is None:
        meant = SlipFinder([f.id for f in findings]).meant(str(typed))
        hint = f"; did you mean {meant}?" if meant else " (audit.findings lists them)"
        raise AuditInputError(f"no finding of this audit has the ID {typed!r}: nothing was written{hint}")
    return found


def _latest_decided_on(data: Dataset, as_of: dt.date, finding_id: str) -> dt.date | None:
    """The latest Decided on of the rows the sheet already has for ``finding_id``, its rows read as the audit
    reads them (:func:`~lks_audit.dpo_review.rows_by_finding`). AuditInputError when one of them has a Decided on
    that could not be read: beside the new row, which of them is latest could not be told, and the audit would
    apply none."""
    frame = data.frames.get(SHEET)
    if frame is None or frame.empty:
        return None
    # The notices of rows that cannot be applied are the check's to give; here only the order of the rows counts.
    rows = rows_by_finding(frame, data, pd.Timestamp(as_of), []).get(finding_id.casefold(), [])
    unreadable = next((r for r in rows if r.decided_on_unreadable), None)
    if unreadable is not None:
        where = data.cell(SHEET, "Decided on", unreadable.row) or f"row {unreadable.row}"
        read = next((f for f in data.files if f.file == REVIEW_FILE), None)
        raise AuditInputError(
            f"{(read.name if read else None) or REVIEW_FILE}, sheet {data.sheet_names.get(SHEET, SHEET)}, cell "
            f"{where}: the Decided on of a decision on {finding_id} could not be read as a date, so the audit could "
            "not tell which decision is the latest and would apply none; correct that cell first; nothing was written"
        )
    days = [r.decided_on for r in rows if r.decided_on is not None]
    return max(days).date() if days else None


@dataclass(frozen=True)
class DecisionRow:
    """A decision as the Decisions sheet holds it, each value read as the audit reads it."""

    finding_id: str
    decision: str
    reason: str
    decided_by: str | None
    decided_on: dt.date
    review_by: dt.date | None

    def cells(self) -> dict[str, object]:
        return {
            "Finding ID": self.finding_id,
            "Decision": self.decision,
            "Reason": self.reason,
            "Decided by": self.decided_by,
            "Decided on": self.decided_on,
            "Review by": self.review_by,
        }


@dataclass(frozen=True)
class Recorded(DecisionRow):
    """A decision written: the row, where, and where the workbook as it was is kept."""

    path: Path
    sheet: str
    #: The Excel row written.
    row: int
    #: The workbook as it was before the row was added; None when it was made from the template.
    backup: Path | None

    def __str__(self) -> str:
        until = f"review by {self.review_by:%d/%m/%Y}" if self.review_by else "until withdrawn"
        kept = f"; the workbook as it was is kept as {self.backup.name}" if self.backup else " (made from the template)"
        return (
            f"{self.decision} on {self.finding_id} ({until}) written to {self.path.name}, sheet {self.sheet}, "
            f"row {self.row}{kept}"
        )

    def _repr_markdown_(self) -> str:  # what a notebook cell shows
        return str(self)


@dataclass(frozen=True)
class AskedDecision:
    """A decision as the DPO gave it (:meth:`lks_audit.explore.Audit.decide` says what each value may be), before
    it is read as the audit reads it."""

    finding_id: str
    decision: str
    reason: str
    review_by: object = None
    decided_by: str | None = None
    decided_on: object = None


def checked_row(data: Dataset, findings: list[Finding], as_of: dt.date, asked: AskedDecision) -> DecisionRow:
    """The row to write, each value read as the audit will read it; AuditInputError naming what cannot be used."""
    finding = _finding(findings, asked.finding_id)
    choice = _read_as_the_audit_does("Decision", asked.decision, "decision")
    if choice is None:
        raise AuditInputError(f"decision: give one of {', '.join(SHEETS[SHEET].column('Decision').choices)}")
    why = _read_as_the_audit_does("Reason", asked.reason, "reason")
    if not why:
        raise AuditInputError("reason: say why (governors read the reason of an accepted risk); nothing was written")
    kinds = PersonalIndex(personal_strings(data), [why]).found_in(why)
    if kinds:
        raise AuditInputError(
            f"reason: it holds {kinds[0]} from the data, and governors read it: reword it without names or IDs; "
            "nothing was written"
        )
    by = _read_as_the_audit_does("Decided by", asked.decided_by, "decided_by")
    review = _read_as_the_audit_does("Review by", asked.review_by, "review_by")
    if review is not None and review < as_of:
        raise AuditInputError(
            f"review_by {review:%d/%m/%Y} is before the audit day {as_of:%d/%m/%Y}: the decision would have lapsed "
            "already; give a later day, or none (until withdrawn); nothing was written"
        )
    on = _read_as_the_audit_does("Decided on", asked.decided_on, "decided_on") or dt.date.today()
    latest = _latest_decided_on(data, as_of, finding.id)
    if latest is not None and on < latest:
        raise AuditInputError(
            f"decided_on {on:%d/%m/%Y}: the sheet already has a decision on {finding.id} decided on {latest:%d/%m/%Y}, "
            "and the latest is the one in force, so this one would not apply; give decided_on on or after it; "
            "nothing was written"
        )
    return DecisionRow(finding.id, choice, why, by, on, review)


def _header(ws) -> tuple[int, dict[str, int]]:
    """The Decisions sheet's header row and each contract header's column number, found as the loader finds them
    (:func:`~lks_audit.load.header_of`), so the row is written where the next ``check`` reads."""
    rows = [list(row) for row in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
    at, positions = header_of(rows, SHEETS[SHEET])
    if "Finding ID" not in positions or "Decision" not in positions:
        raise AuditInputError(f"sheet {ws.title} has no header row with Finding ID and Decision; nothing was written")
    missing = [h for h in SHEETS[SHEET].headers if h not in positions]
    if missing:
        raise AuditInputError(
            f"sheet {ws.title}: column{'s' if len(missing) > 1 else ''} {', '.join(missing)} missing; put "
            f"{'them' if len(missing) > 1 else 'it'} back (the template has every column); nothing was written"
        )
    return at + 1, {header: i + 1 for header, i in positions.items()}


def _formula_cell(book) -> str | None:
    """A cell holding a formula: openpyxl keeps formulas but not the values Excel calculated for them, so saving
    would leave them unreadable to the audit until the workbook is opened and saved in Excel again."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    return f"sheet {ws.title}, cell {c.coordinate}"
    return None


def _append(ws, header_row: int, columns: dict[str, int], row: DecisionRow) -> int:
    """Write ``row`` under the last row of the table that holds anything; returns its Excel row."""
    from .excel import write_text_cell
    from .templates import NUMBER_FORMATS

    last = header_row
    for number, cells in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        if any(cells[c - 1] not in (None, "") for c in columns.values() if c <= len(cells)):
            last = number
    at = last + 1
    for header, value in row.cells().items():
        cell = ws.cell(at, columns[header])
        if isinstance(value, dt.date):
            cell.value = value
            cell.number_format = NUMBER_FORMATS[Kind.DATE]
        else:
            write_text_cell(cell, value)
    return at


def record_decision(data: Dataset, row: DecisionRow, now: dt.datetime | None = None) -> Recorded:
    """Append ``row`` (from :func:`checked_row`) to the Decisions sheet of the review in ``data.folder``.

    Raises :class:`WorkbookOpen` while Excel or LibreOffice has it open, and AuditInputError for a review that
    cannot take a row (another office format, a missing column, formulas whose values would be lost).
    """
    from openpyxl import load_workbook

    path = review_workbook(Path(data.folder))
    locks = lock_files(path)
    if locks:
        raise WorkbookOpen(
            f"{path.name} is open in Excel or LibreOffice ({locks[0].name} is beside it): close it and try again; "
            "nothing was written",
            locks[0],
        )
    backup = None
    if path.exists():
        macros = path.suffix.casefold() == ".xlsm"
        book = load_workbook(path, keep_vba=macros, rich_text=True)
        formula = _formula_cell(book)
        if formula:
            raise AuditInputError(
                f"{path.name}: {formula} holds a formula, whose calculated value lks-audit cannot keep when it saves "
                "the workbook; add the row in Excel, or replace the formula by its value; nothing was written"
            )
        name = data.sheet_names.get(SHEET, SHEET)
        if name not in book.sheetnames:
            raise AuditInputError(f"{path.name} has no sheet {SHEET}: add it from the template (lks-audit templates)")
        ws = book[name]
        mode = stat.S_IMODE(path.stat().st_mode)
    else:
        from .templates import build_template

        book = build_template(WORKBOOK_BY_FILE[REVIEW_FILE])
        ws, mode = book[SHEET], PRIVATE  # Finding IDs name students: the DPO's own file
    header_row, columns = _header(ws)
    at = _append(ws, header_row, columns, row)
    buffer = io.BytesIO()
    book.save(buffer)
    if path.exists():
        backup = kept_name(path, now)
        shutil.copy2(path, backup)
    try:
        atomic_write(path, buffer.getvalue(), mode)
    except BaseException:
        if backup is not None:
            backup.unlink(missing_ok=True)  # nothing changed: no copy of it to keep
        raise
    return Recorded(**asdict(row), path=path, sheet=ws.title, row=at, backup=backup)


__all__ = ["AskedDecision", "Recorded", "checked_row", "lock_files", "record_decision", "review_workbook"]
