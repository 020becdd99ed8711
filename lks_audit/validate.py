"""``lks-audit validate``: what to fix in the workbooks, by workbook and cell.

Lists every data-quality finding ``check`` would give (DQ-01 to DQ-06, worded alike) under one
heading per workbook, with the notices of how the data was read. With ``--feedback`` it also writes,
for each workbook with cell problems, a marked-up ``.xlsx`` copy (whatever the original's format)
with those cells highlighted and commented, opening on the first one, and a sheet listing them at the
end, so staff can fix the data where they type it; copies an earlier run wrote that no longer apply are
removed, so the folder matches this run. The originals are only ever read.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .audit import closures_of, data_quality_findings, undecided_records
from .cells import normalise_text
from .context import make_context
from .errors import AuditInputError
from .excel import PERSONAL_DATA, mark_personal_data, write_text_cell
from .files import PRIVATE, atomic_write
from .findings import Finding, Notice, Undecided
from .intake import UnreadableFile, check_folder_usable, check_workbook
from .load import Dataset, FileInfo, load_workbooks
from .params import academic_year_dates, academic_year_of, audit_day, given_day, normalise_year
from .platforms import EXPORTS_FOLDER, holdings
from .schema import SHEETS, WORKBOOK_BY_FILE, WORKBOOK_OF_SHEET
from .summary_text import workbook_state
from .wording import short_message

PROBLEMS_SHEET = "Problems found by lks-audit"
PERSONAL_NOTE = (
    f"{PERSONAL_DATA}: a copy of school records made by lks-audit validate so they can be "
    "corrected. Keep it on school systems and delete it once the original workbook is fixed."
)
#: Excel's own "bad" light red, so the highlight reads as a problem to anyone who uses Excel.
_FILL_COLOUR = "FFC7CE"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class FeedbackCopy:
    """A marked-up copy written: where, of which file, and how many cells it highlights."""

    path: Path
    #: The file it copies (``posts_log.ods``); the copy is always an ``.xlsx``.
    source: str
    cells: int


@dataclass
class Validation:
    """What ``validate`` found in a folder, and what it did in the feedback folder."""

    data: Dataset
    findings: list[Finding]
    #: The records the rules could not decide, as ``check`` reports them (rules.md, "Unknown is not blank").
    undecided: list[Undecided] = field(default_factory=list)
    #: The year checked and why that one, for the first line: ``Year 2025-26 ...``.
    year_line: str = ""
    copies: list[FeedbackCopy] = field(default_factory=list)
    #: Copies an earlier run wrote for workbooks that have no cell problem now.
    removed: list[Path] = field(default_factory=list)
    #: One line per feedback copy that could not be written.
    failures: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The year checked, then the problems and notices by workbook, as ``validate`` prints them."""
        problems = format_problems(self.data, self.findings, self.undecided)
        return f"{self.year_line}\n{problems}" if self.year_line else problems


def validate_folder(folder: Path, feedback_dir: Path | None = None, year: str | None = None, as_of=None) -> Validation:
    """The data problems of ``folder`` by workbook; with ``feedback_dir``, marked-up copies written there.

    ``year`` and ``as_of`` mean what they mean to ``check`` (DQ-05 and DQ-06 need them). Without ``year``:
    the year of ``as_of`` when given, else the year the data is in (:func:`year_of_the_data`). Raises
    AuditInputError for no folder, nothing to read, an unusable year or date, or an unusable feedback folder.
    """
    folder = Path(folder)
    check_folder_usable(folder)
    # A year or date that cannot be used is refused before anything is read.
    if year:
        year, why = normalise_year(year), "as asked (--year)"
        audit_day(year, as_of)
    elif as_of:
        year = academic_year_of(given_day(as_of, "--as-of"))
        why = "the year of --as-of"
    if feedback_dir is not None:
        feedback_dir = _prepare_feedback_dir(folder, Path(feedback_dir))
    data = load_workbooks(folder)
    if not year:
        year, why = year_of_the_data(data)
    first, last = academic_year_dates(year)
    year_line = f"Year {year} ({first:%d/%m/%Y} to {last:%d/%m/%Y}): {why}; give --year to check another."
    ctx = make_context(year, as_of, closures=closures_of(data))
    findings = data_quality_findings(data, ctx)
    # A record is undecided only while a data problem stands (it waits on its DQ finding): then the rules run, as
    # check runs them, to say what each problem holds up.
    undecided = undecided_records(data, ctx) if findings else []
    result = Validation(data, findings, year_line=year_line, undecided=undecided)
    if feedback_dir is not None:
        _write_feedback(result, folder, feedback_dir)
    return result


def year_of_the_data(data: Dataset, today: dt.date | None = None) -> tuple[str, str]:
    """The academic year ``validate`` checks when not told, and why, in words: the latest year holding at least
    half as many of the logs' dated events (posts, interactions, incidents) as the busiest year, so a log that goes
    on into September, or a date typed a year too late, does not make it check a year that has barely begun; dates
    after today are slips and not counted. With no dated event, the year containing today."""
    today = today or dt.date.today()
    per_year: dict[str, list[pd.Timestamp]] = {}
    latest_in: dict[str, tuple[pd.Timestamp, str]] = {}
    end_of_today = pd.Timestamp(today) + pd.Timedelta(days=1)
    for sheet in SHEETS.values():
        frame = data.frames.get(sheet.name)
        if sheet.event_date is None or frame is None or sheet.event_date not in frame:
            continue
        days = frame[sheet.event_date].dropna()
        days = days[days < end_of_today]
        if days.empty:
            continue
        first = days.dt.year.where(days.dt.month >= 9, days.dt.year - 1)
        for start, group in days.groupby(first):
            year = f"{start}-{(start + 1) % 100:02d}"
            per_year.setdefault(year, []).append(len(group))
            if year not in latest_in or group.max() > latest_in[year][0]:
                latest_in[year] = (group.max(), WORKBOOK_OF_SHEET[sheet.name].file)
    if not per_year:
        return academic_year_of(today), "the logs hold no dated event, so the year containing today"
    counts = {year: sum(n) for year, n in per_year.items()}
    busiest = max(counts.values())
    year = max(y for y, n in counts.items() if 2 * n >= busiest)
    day, file = latest_in[year]
    others = sum(counts.values()) - counts[year]
    why = f"the logs' dated events are in it ({counts[year]:,}, the latest on {day:%d/%m/%Y} in {file}"
    return year, why + (f"; {others:,} in other years)" if others else ")")


def _write_feedback(result: Validation, folder: Path, feedback_dir: Path) -> None:
    """A copy per workbook with cell problems; earlier copies of workbooks without any now removed."""
    data = result.data
    meant = set()
    for info in data.files:
        mine = _findings_of(result.findings, info.file)
        cells = {(f.sheet, f.cell) for f in mine if f.cell}  # DQ-02 to DQ-05 name a cell
        # The DPO's own review is never office data to fix: its cells are named in the listing, for the DPO.
        if info.status != "ok" or not cells or WORKBOOK_BY_FILE[info.file].kept_by_dpo:
            continue
        target = feedback_dir / info.file  # the contract's .xlsx name, whatever the original's format
        meant.add(target.name)
        if target.exists() and not written_by_lks_audit(target):
            result.failures.append(f"{target}: not replaced, as lks-audit did not write it; move it and run again")
            continue
        try:
            written = write_feedback_copy(folder / info.name, target, mine, data.sheet_names)
            result.copies.append(FeedbackCopy(written, info.name, len(cells)))
        except Exception as exc:  # one workbook that cannot be rewritten must not stop the others
            result.failures.append(
                f"{info.name}: could not write a feedback copy ({type(exc).__name__}: {_one_line(str(exc))})"
            )
    for file in sorted(WORKBOOK_BY_FILE):
        stale = feedback_dir / file
        if file not in meant and stale.is_file() and written_by_lks_audit(stale):
            stale.unlink()
            result.removed.append(stale)


def written_by_lks_audit(path: Path) -> bool:
    """Is ``path`` a feedback copy lks-audit wrote: a workbook labelled personal data, with our problems sheet?"""
    try:
        if check_workbook(path) != "xlsx":
            return False
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            core = zf.open("docProps/core.xml").read(64 * 1024) if "docProps/core.xml" in names else b""
            book = zf.open("xl/workbook.xml").read(64 * 1024)
    except (UnreadableFile, OSError, zipfile.BadZipFile, KeyError):
        return False
    return f">{PERSONAL_DATA}<".encode() in core and f'name="{PROBLEMS_SHEET}"'.encode() in book


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


def _findings_of(findings: list[Finding], file: str) -> list[Finding]:
    sheets = [s.name for s in WORKBOOK_BY_FILE[file].sheets]

    def order(f: Finding):
        sheet = sheets.index(f.sheet) if f.sheet in sheets else -1
        letters = (f.cell or "").rstrip("0123456789")
        return sheet, f.row or 0, len(letters), letters

    return sorted((f for f in findings if f.file == file), key=order)


def _status(info: FileInfo, count: int) -> str:
    if info.status != "ok":
        return workbook_state(info)
    return "OK" if count == 0 else f"{count} problem{'s' if count != 1 else ''}"


def _one_line(text: str) -> str:
    """Cell values can hold new lines or control characters; a problem stays one line."""
    return _CONTROL.sub(" ", text)


def format_problems(data: Dataset, findings: list[Finding], undecided: list[Undecided] = ()) -> str:
    """Each workbook's heading (the file read, and how it went), its problems, then its notices; the records the
    rules could not decide, by the problem they wait on; the total last."""
    lines = []
    total = 0
    # The DPO's optional review left out is nothing to fix.
    files = [i for i in data.files if not (i.status == "missing" and WORKBOOK_BY_FILE[i.file].optional)]
    for info in files:
        mine = _findings_of(findings, info.file)
        total += len(mine)
        whose = (
            " (the DPO's own review: for the DPO to fix, not the office)"
            if WORKBOOK_BY_FILE[info.file].kept_by_dpo and mine
            else ""
        )
        lines.append(f"{info.name or info.file}{whose}: {_one_line(_status(info, len(mine)))}")
        for f in mine:
            if f.sheet is None and info.status != "ok":
                continue  # the whole file is missing or unreadable: the heading says so
            lines.append(f"  {_one_line(short_message(f))}")
        lines += [f"  {_one_line(_short_notice(n))}" for n in data.notices if n.file == info.file]
    lines += archive_lines(data)
    lines += undecided_lines(findings, undecided)
    counts = {s: sum(1 for i in files if i.status == s) for s in ("ok", "missing", "unreadable")}
    notices = len(data.notices)
    lines.append(
        f"Total: {total} problem{'s' if total != 1 else ''} in {len(files)} workbooks "
        f"({counts['ok']} read, {counts['missing']} missing, {counts['unreadable']} cannot be read)"
        + (f"; {notices} notice{'s' if notices != 1 else ''}" if notices else "")
    )
    return "\n".join(lines)


#: How many of the records waiting on one problem are named on its line.
_NAMED_RECORDS = 5


def undecided_lines(findings: list[Finding], undecided: list[Undecided]) -> list[str]:
    """How many records the rules could not decide (check's undecided), then, per problem they wait on, where it
    is and which records fixing it lets the rules decide: ``  posts_log.xlsx, Posts!C3 (Posted at): 2 records wait
    on it: EVD-02 P1, PST-01 P1``."""
    if not undecided:
        return []
    n = len(undecided)
    lines = [f"Could not be checked until the entries are fixed: {n} record{'s' if n != 1 else ''} (as check says)"]
    waiting: dict[str, list[Undecided]] = {}
    for u in undecided:
        for dq in u.waits_on or ("",):
            waiting.setdefault(dq, []).append(u)
    by_id = {f.id: f for f in findings}
    for dq, records in sorted(waiting.items(), key=lambda item: (-len(item[1]), item[0])):
        f = by_id.get(dq)
        if f is not None and f.cell:
            where = f"{f.file}, {f.sheet}!{f.cell}" + (f" ({f.column})" if f.column else "")
        else:
            where = dq or "a cell not named"
        named = ", ".join(f"{u.rule} {u.record}" if u.record else u.rule for u in records[:_NAMED_RECORDS])
        more = f" and {len(records) - _NAMED_RECORDS:,} more" if len(records) > _NAMED_RECORDS else ""
        count = f"{len(records):,} record{'s' if len(records) != 1 else ''} wait{'s' if len(records) == 1 else ''}"
        lines.append(_one_line(f"  {where}: {count} on it: {named}{more}"))
    return lines


def archive_lines(data: Dataset) -> list[str]:
    """The platform archives found (platform-exports.md): each one's platform and what it holds (posts and
    their dates, replies, messages), with what was refused or guessed in it; nothing without the folder."""
    if data.exports is None:
        return []
    archives = data.exports.archives
    lines = [f"{EXPORTS_FOLDER}/: {len(archives)} archive{'s' if len(archives) != 1 else ''} read"]
    sources = {a.source for a in archives}
    for archive in archives:
        lines.append(f"{archive.source}: {holdings(archive)}")
        lines += [f"  note: {_one_line(n.detail)}" for n in data.exports.notices if n.file == archive.source]
    lines += [f"{n.file}: {_one_line(n.detail)}" for n in data.exports.notices if n.file not in sources]
    return lines


def _short_notice(n: Notice) -> str:
    """A notice under the heading that names its workbook: ``note: sheet Posts, column N: ...``."""
    where = n.where(short=True)
    return f"note: {where}: {n.detail}" if where else f"note: {n.detail}"


def _note(f: Finding) -> str:
    """What is wrong and what is expected, for a comment or the problems sheet (no cell ref)."""
    what = f.text  # the cell and column have columns of their own there
    if f.rule == "DQ-03":
        what += f". Each row needs a {f.column} of its own, used on no other row."
    return what


def _sheet_in(book, name: str):
    """The workbook's sheet called ``name``, matched as loading matched it."""
    wanted = normalise_text(name).casefold()
    return next((book[t] for t in book.sheetnames if normalise_text(t).casefold() == wanted), None)


def write_feedback_copy(
    source: Path, target: Path, findings: list[Finding], sheet_names: dict[str, str] | None = None
) -> Path:
    """A copy of ``source`` written to ``target`` (an ``.xlsx``), its problem cells marked; returns ``target``.

    ``sheet_names`` maps a contract sheet to the workbook's own name for it, where it was renamed. An
    .xlsx is copied whole; a workbook in another format is rebuilt from its cells (openpyxl writes
    .xlsx only). The original is only read; the copy is edited in memory and written owner-only in one
    step (:func:`~lks_audit.files.atomic_write`), so a failure never leaves a half-written file.
    """
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    if check_workbook(source) == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(source.read_bytes()))
    else:
        book = _book_from_cells(source)
    mark_personal_data(book, PERSONAL_NOTE)
    real = sheet_names or {}
    fill = PatternFill("solid", fgColor=_FILL_COLOUR)
    notes: dict[tuple[str, str], list[str]] = {}
    for f in findings:
        if f.cell and f.sheet:
            notes.setdefault((real.get(f.sheet, f.sheet), f.cell), []).append(_note(f))
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
    _open_at(book, next(((_sheet_in(book, sheet), ref) for sheet, ref in notes if _sheet_in(book, sheet)), None))

    ws = book.create_sheet(PROBLEMS_SHEET)  # last, so the workbook still opens on the data
    ws.oddHeader.center.text = PERSONAL_DATA  # on every printed page of the list
    ws.append(["Sheet", "Cell", "Column", "Problem"])
    for c in ws[1]:
        c.font = Font(bold=True)
    for f in findings:
        ws.append([None] * 4)
        row = ws.max_row
        for col, value in enumerate((real.get(f.sheet, f.sheet), f.cell, f.column, _note(f)), 1):
            write_text_cell(ws.cell(row, col), value)
    for letter, width in zip("ABCD", (16, 8, 28, 100)):
        ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    # Personal data: owner only, and never a half-written file.
    return atomic_write(target, buffer.getvalue(), PRIVATE)


def _book_from_cells(source: Path):
    """An openpyxl workbook holding every sheet's cells of ``source`` where they stand (values, not formatting)."""
    import openpyxl

    from .read import open_workbook

    opened = open_workbook(source)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in opened.sheet_names:
        ws = book.create_sheet(name)
        for r, row in enumerate(opened.rows(name), 1):
            for c, value in enumerate(row, 1):
                if value == "" or value is None:
                    continue
                cell = ws.cell(r, c)
                if isinstance(value, str):
                    write_text_cell(cell, value)  # text stays text, even when it starts with '='
                    continue
                cell.value = value
                if isinstance(value, dt.datetime):
                    cell.number_format = "dd/mm/yyyy hh:mm"
                elif isinstance(value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
    return book


def _open_at(book, first) -> None:
    """Make the copy open on ``first`` (a sheet and a cell reference): that sheet shown, the cell selected
    and scrolled into view below any frozen rows. None leaves the workbook as it was."""
    from openpyxl.worksheet.views import Selection

    if first is None:
        return
    ws, ref = first
    book.active = book.worksheets.index(ws)
    for sheet in book.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    view = ws.sheet_view
    row = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    pane = view.pane
    if pane is not None and pane.state == "frozen":
        below = int(pane.ySplit or 0) + 1
        pane.topLeftCell = f"{ws[pane.topLeftCell or 'A1'].column_letter}{max(below, row - 3)}"
    else:
        view.topLeftCell = f"A{max(1, row - 3)}"
    view.selection = [Selection(pane=pane.activePane if pane is not None else None, activeCell=ref, sqref=ref)]


__all__ = ["Validation", "FeedbackCopy", "validate_folder", "format_problems", "write_feedback_copy", "PROBLEMS_SHEET"]
