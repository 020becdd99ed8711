"""``lks-audit validate``: what to fix in the workbooks, by workbook and cell.

Lists the data-quality findings of loading (DQ-01/02/03) under one heading per
workbook. With ``--feedback`` it also writes, for each workbook with cell
problems, a copy with those cells highlighted and commented, and a sheet
listing them at the end, so staff can fix the data where they type it. The
originals are only ever read.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .audit import findings_of
from .cells import normalise_text
from .errors import AuditInputError
from .findings import Finding
from .intake import check_folder_usable
from .load import Dataset, FileInfo, find_workbook_file, load_workbooks
from .outputs.excel import PERSONAL_DATA, mark_personal_data, write_text_cell
from .outputs.files import PRIVATE, atomic_write
from .rules.data_quality import short_message
from .schema import WORKBOOK_BY_FILE

PROBLEMS_SHEET = "Problems found by lks-audit"
PERSONAL_NOTE = (
    f"{PERSONAL_DATA}: a copy of school records made by lks-audit validate so they can be "
    "corrected. Keep it on school systems and delete it once the original workbook is fixed."
)
#: Excel's own "bad" light red, so the highlight reads as a problem to anyone who uses Excel.
_FILL_COLOUR = "FFC7CE"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Validation:
    """What ``validate`` found in a folder, and the feedback copies it wrote."""

    data: Dataset
    findings: list[Finding]
    #: Each feedback copy written, with how many cells it highlights.
    copies: list[tuple[Path, int]] = field(default_factory=list)
    #: One line per feedback copy that could not be written.
    failures: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The problems by workbook, as ``validate`` prints them."""
        return format_problems(self.data, self.findings)


def validate_folder(folder: Path, feedback_dir: Path | None = None) -> Validation:
    """The data problems of ``folder`` by workbook; with ``feedback_dir``, marked-up copies written there.

    Raises AuditInputError for no folder, nothing to read or an unusable feedback folder.
    """
    folder = Path(folder)
    check_folder_usable(folder)
    if feedback_dir is not None:
        feedback_dir = _prepare_feedback_dir(folder, Path(feedback_dir))
    data = load_workbooks(folder)
    result = Validation(data, loading_findings(data))
    if feedback_dir is None:
        return result
    for info in data.files:
        mine = _findings_of(result.findings, info.file)
        cells = {(f.sheet, f.cell) for f in mine if f.cell}  # DQ-02 and DQ-03 name a cell
        if info.status != "ok" or not cells:
            continue
        source = find_workbook_file(folder, info.file)
        try:
            result.copies.append((write_feedback_copy(source, feedback_dir, mine), len(cells)))
        except Exception as exc:  # one workbook openpyxl cannot rewrite must not stop the others
            result.failures.append(
                f"{info.file}: could not write a feedback copy ({type(exc).__name__}: {_one_line(str(exc))})"
            )
    return result


def _prepare_feedback_dir(folder: Path, feedback_dir: Path) -> Path:
    if feedback_dir.exists() and feedback_dir.resolve() == folder.resolve():
        # The copies keep the originals' names: writing them here would replace the originals.
        raise AuditInputError(f"{feedback_dir}: the feedback folder must not be the data folder")
    try:
        feedback_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise AuditInputError(f"{feedback_dir}: cannot create the feedback folder ({exc.strerror or exc})") from None
    if not feedback_dir.is_dir():
        raise AuditInputError(f"{feedback_dir}: not a folder")
    return feedback_dir


#: What validate reports: what the loader could not read (the other data-quality rules need an audit period).
LOADING_RULES = ("DQ-01", "DQ-02", "DQ-03")


def loading_findings(data: Dataset) -> list[Finding]:
    return findings_of(data, None, LOADING_RULES)


def _findings_of(findings: list[Finding], file: str) -> list[Finding]:
    sheets = [s.name for s in WORKBOOK_BY_FILE[file].sheets]

    def order(f: Finding):
        sheet = sheets.index(f.sheet) if f.sheet in sheets else -1
        letters = (f.cell or "").rstrip("0123456789")
        return sheet, f.row or 0, len(letters), letters

    return sorted((f for f in findings if f.file == file), key=order)


def _status(info: FileInfo, count: int) -> str:
    if info.status == "missing":
        return "missing"
    if info.status == "unreadable":
        return f"cannot be read: {info.problem}"
    return "OK" if count == 0 else f"{count} problem{'s' if count != 1 else ''}"


def _one_line(text: str) -> str:
    """Cell values can hold new lines or control characters; a problem stays one line."""
    return _CONTROL.sub(" ", text)


def format_problems(data: Dataset, findings: list[Finding]) -> str:
    lines = []
    total = 0
    # The DPO's optional review left out is nothing to fix.
    files = [i for i in data.files if not (i.status == "missing" and WORKBOOK_BY_FILE[i.file].optional)]
    for info in files:
        mine = _findings_of(findings, info.file)
        total += len(mine)
        lines.append(f"{info.file}: {_one_line(_status(info, len(mine)))}")
        for f in mine:
            if f.sheet is None and info.status != "ok":
                continue  # the whole file is missing or unreadable: the heading says so
            lines.append(f"  {_one_line(short_message(f))}")
    counts = {s: sum(1 for i in files if i.status == s) for s in ("ok", "missing", "unreadable")}
    lines.append(
        f"Total: {total} problem{'s' if total != 1 else ''} in {len(files)} workbooks "
        f"({counts['ok']} read, {counts['missing']} missing, {counts['unreadable']} cannot be read)"
    )
    return "\n".join(lines)


def _note(f: Finding) -> str:
    """What is wrong and what is expected, for a comment or the problems sheet (no cell ref)."""
    what = f.text  # the cell and column have columns of their own there
    if f.rule == "DQ-03":
        what += f". Each row needs a {f.column} of its own, used on no other row."
    return what


def _sheet_in(book, name: str):
    """The workbook's sheet for a contract sheet name, matched as loading matched it."""
    wanted = normalise_text(name).casefold()
    return next((book[t] for t in book.sheetnames if normalise_text(t).casefold() == wanted), None)


def write_feedback_copy(source: Path, feedback_dir: Path, findings: list[Finding]) -> Path:
    """Copy ``source`` into ``feedback_dir``, mark the problem cells there, return the copy's path.

    The original is only read; the copy is edited in memory and written owner-only in one step
    (:func:`~lks_audit.outputs.files.atomic_write`), so a failure never leaves a half-written file.
    """
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    book = openpyxl.load_workbook(io.BytesIO(source.read_bytes()))
    mark_personal_data(book, PERSONAL_NOTE)
    fill = PatternFill("solid", fgColor=_FILL_COLOUR)
    notes: dict[tuple[str, str], list[str]] = {}
    for f in findings:
        if f.cell and f.sheet:
            notes.setdefault((f.sheet, f.cell), []).append(_note(f))
    for (sheet_name, ref), texts in notes.items():
        ws = _sheet_in(book, sheet_name)
        if ws is None:
            continue
        cell = ws[ref]
        cell.fill = fill
        text = ILLEGAL_CHARACTERS_RE.sub(" ", "lks-audit: " + "\n".join(texts))
        if cell.comment is not None:  # keep what staff wrote there
            text = f"{cell.comment.text}\n\n{text}"
        cell.comment = Comment(text, "lks-audit", width=320, height=120)

    ws = book.create_sheet(PROBLEMS_SHEET)  # last, so the workbook still opens on the data
    ws.oddHeader.center.text = PERSONAL_DATA  # on every printed page of the list
    ws.append(["Sheet", "Cell", "Column", "Problem"])
    for c in ws[1]:
        c.font = Font(bold=True)
    for f in findings:
        ws.append([None] * 4)
        row = ws.max_row
        for col, value in enumerate((f.sheet, f.cell, f.column, _note(f)), 1):
            write_text_cell(ws.cell(row, col), value)
    for letter, width in zip("ABCD", (16, 8, 28, 100)):
        ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    # Personal data: owner only, and never a half-written file.
    return atomic_write(feedback_dir / source.name, buffer.getvalue(), PRIVATE)


__all__ = ["Validation", "validate_folder", "format_problems", "write_feedback_copy", "PROBLEMS_SHEET"]
