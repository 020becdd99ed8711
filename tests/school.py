"""Hand-built schools for tests, on disk or in memory, and the bundled sample school.

``write_school(folder, Posts=[{...}], Staff=[{...}])`` writes all eight
contract workbooks as real .xlsx files (openpyxl), and the DPO's ``dpo_review.xlsx`` when rows are given
for its sheets (``Areas=[...]``, ``Decisions=[...]``); ``dataset_from_rows(Posts=[...])``
builds the same school in memory, read by the same cell readers, for rule tests
that need no file. Sheets not given get the header row only. Row dicts use the
contract's header texts; values may be dates, date-times, text, bools, lists of
IDs. ``omit=("posts_log.xlsx",)`` leaves workbooks out; ``drop_columns={"Posts":
("Shot type",)}`` leaves columns out of the header row; in memory,
``omit_sheets=("Incidents",)`` leaves a sheet out of a workbook that is there
(an .xlsx cannot be saved without a sheet).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from lks_audit.audit import AuditResult, audit_folder, closures_of, run_rules
from lks_audit.context import make_context
from lks_audit.load import Dataset, dataset_from_cells
from lks_audit.schema import WORKBOOKS

ROOT = Path(__file__).resolve().parent.parent
#: The bundled made-up school, audited as of the end of its year (as ``make report`` does).
SAMPLE_SCHOOL = ROOT / "examples" / "sample-school"
SAMPLE_PLANTED = ROOT / "examples" / "sample-school.planted.json"
SAMPLE_YEAR, SAMPLE_AS_OF = "2025-26", "2026-08-31"
#: The same made-up school a year earlier (``lks-audit sample --year 2024-25``), audited as of the end of its year.
EARLIER_SAMPLE = ROOT / "examples" / "sample-school-2024-25"
EARLIER_PLANTED = ROOT / "examples" / "sample-school-2024-25.planted.json"
EARLIER_YEAR, EARLIER_AS_OF = "2024-25", "2025-08-31"

# Every rule of shared/spec/rules.md and platform-exports.md (hard-coded: the spec folder is not part of the checkout).
RULE_IDS = (
    [f"ACC-{i:02d}" for i in range(1, 11)]
    + [f"APP-{i:02d}" for i in range(1, 4)]
    + [f"POL-{i:02d}" for i in range(1, 3)]
    + [f"TRN-{i:02d}" for i in range(1, 5)]
    + [f"IMG-{i:02d}" for i in range(1, 8)]
    + [f"PST-{i:02d}" for i in range(1, 7)]
    + [f"INT-{i:02d}" for i in range(1, 5)]
    + [f"INC-{i:02d}" for i in range(1, 9)]
    + [f"DQ-{i:02d}" for i in range(1, 7)]
    + [f"EVD-{i:02d}" for i in range(1, 6)]
)
#: Rules the sample school cannot show: its event logs are kept, so no log is empty (DQ-06).
NOT_PLANTED = ("DQ-06",)

d = dt.date
t = dt.datetime

#: A Policy row approved, signed by both, and due for review after the 2025-26 audit: POL-01/02 stay quiet.
SIGNED_POLICY = {
    "Policy version": "2025.1",
    "Approved on": d(2025, 9, 1),
    "Next review due": d(2026, 9, 1),
    "Signed by chair of governors on": d(2025, 9, 2),
    "Signed by proprietor on": d(2025, 9, 3),
}


#: One event dated in 2025-26 in each log, so DQ-06 (a log with no event in the year) stays quiet.
EVENTS_2025_26 = {
    "Posts": [{"Post ID": "P-EVENT", "Posted at": dt.datetime(2026, 1, 5, 10)}],
    "Interactions": [{"Interaction ID": "I-EVENT", "Received at": dt.datetime(2026, 1, 5, 11)}],
    "Incidents": [{"Incident ID": "INC-EVENT", "Reported at": dt.datetime(2026, 1, 5, 12)}],
}


def read_sample_cells() -> dict:
    """The sample school's cells as python-calamine reads them, by file and sheet: what the loader gets from the
    parser (an optional sheet the sample leaves out is left out)."""
    import python_calamine

    cells = {}
    for wb in WORKBOOKS:
        book = python_calamine.CalamineWorkbook.from_path(str(SAMPLE_SCHOOL / wb.file))
        cells[wb.file] = {
            s.name: book.get_sheet_by_name(s.name).to_python(skip_empty_area=False)
            for s in wb.sheets
            if s.name in book.sheet_names
        }
        book.close()
    return cells


def write_school(folder: Path, omit=(), drop_columns: dict | None = None, **rows_by_sheet) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for file, sheets in _school_layout(omit, (), drop_columns, rows_by_sheet):
        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, header, rows in sheets:
            ws = book.create_sheet(name)
            ws.append(header)
            for values in rows:
                values = [_ids_in_one_cell(v) for v in values]
                ws.append(values)
                for cell, v in zip(ws[ws.max_row], values):
                    if isinstance(v, dt.datetime):
                        cell.number_format = "dd/mm/yyyy hh:mm"
                    elif isinstance(v, dt.date):
                        cell.number_format = "dd/mm/yyyy"
        book.save(folder / file)
    return folder


def audit(folder, year="2025-26", as_of="2026-07-20", **params):
    """Audit a folder; returns the AuditResult."""
    return audit_folder(folder, year, as_of, params)[1]


def _school_layout(omit, omit_sheets, drop_columns, rows_by_sheet):
    """Per workbook kept: its file name and, per sheet kept, (name, header row, each row's values)."""
    unknown_sheets = set(rows_by_sheet) - {s.name for wb in WORKBOOKS for s in wb.sheets}
    if unknown_sheets:
        raise ValueError(f"unknown sheets {unknown_sheets}")
    drop_columns = drop_columns or {}
    return [
        (
            wb.file,
            [
                (sheet.name, *_sheet_rows(sheet, rows_by_sheet.get(sheet.name, []), drop_columns.get(sheet.name, ())))
                for sheet in wb.sheets
                # An optional sheet (the school's holidays) likewise only when a test gives it rows.
                if sheet.name not in omit_sheets and (not sheet.optional or sheet.name in rows_by_sheet)
            ],
        )
        for wb in WORKBOOKS
        # The DPO's optional review is part of a school only when a test gives it rows.
        if wb.file not in omit and (not wb.optional or any(s.name in rows_by_sheet for s in wb.sheets))
    ]


def _sheet_rows(sheet, rows: list[dict], dropped=()) -> tuple[list[str], list[list]]:
    """The header row (contract headers minus ``dropped``, then any extra keys) and each row's values."""
    headers = [h for h in sheet.headers if h not in dropped]
    extra = list(dict.fromkeys(k for row in rows for k in row if k not in sheet.headers))
    return headers + extra, [[row.get(h) for h in headers + extra] for row in rows]


def _ids_in_one_cell(value):
    """A list of IDs as a school types it: one cell, separated by commas."""
    return ", ".join(value) if isinstance(value, (list, tuple)) else value


def dataset_from_rows(
    omit=(), drop_columns: dict | None = None, omit_sheets=(), folder: Path | None = None, **rows_by_sheet
) -> Dataset:
    """The school ``write_school`` would write, loaded in memory: the same readers, no file. ``folder``: where
    its platform archives are (``folder/platform_exports``); by default it has none."""
    # As a reader gives cells: "" for empty, IDs in one cell separated by commas.
    cells = {
        file: {
            name: [header] + [["" if v is None else _ids_in_one_cell(v) for v in row] for row in rows]
            for name, header, rows in sheets
        }
        for file, sheets in _school_layout(omit, omit_sheets, drop_columns, rows_by_sheet)
    }
    return dataset_from_cells(cells, folder or _NO_ARCHIVES)


#: A folder that holds no platform archives, for schools built in memory.
_NO_ARCHIVES = Path(__file__).resolve().parent / "data"


def audit_rows(
    year="2025-26",
    as_of="2026-07-20",
    params: dict | None = None,
    omit=(),
    drop_columns: dict | None = None,
    omit_sheets=(),
    folder: Path | None = None,
    **rows_by_sheet,
) -> AuditResult:
    """Audit a school built in memory (see :func:`dataset_from_rows`); returns the AuditResult."""
    data = dataset_from_rows(omit, drop_columns, omit_sheets, folder, **rows_by_sheet)
    return run_rules(data, make_context(year, as_of, params or {}, closures=closures_of(data)))


def by_rule(result, rule_id):
    return [f for f in result.findings if f.rule == rule_id]


def not_assessed(result):
    return {n.rule for n in result.not_assessed}


def _place(f) -> tuple:
    """A finding's or undecided record's rule and record by place (a record whose key could not be read is named
    by its content, so its ID differs)."""
    return f.rule, f.sheet, f.row, f.student


def firm_findings(result) -> list:
    """Findings that wait on no data fix (and are not set aside by the DPO)."""
    return [f for f in result.findings if not f.depends_on]


def nothing_hidden_or_invented(before, after, kept=None) -> dict[str, int]:
    """rules.md, "Unknown is not blank": every firm finding of ``before`` is in ``after`` firm, to confirm, or its
    record undecided (by ID or by place), and no firm finding of ``after`` was not firm in ``before`` (DQ-02s
    aside: they name the cells). ``kept``: only these findings of ``before`` (IDs) are asked after. Returns how
    many of them stayed firm, turned to confirm, or were undecided."""
    was_firm = {f.id for f in firm_findings(before)} | {_place(f) for f in firm_findings(before)}
    now_firm = {f.id for f in firm_findings(after)} | {_place(f) for f in firm_findings(after)}
    # To confirm on its record: by ID, or on the same row (a student whose Student ID could not be read is None).
    confirm = {f.id for f in after.findings if f.depends_on} | {_place(f)[:3] for f in after.findings if f.depends_on}
    waiting = {(u.rule, u.id) for u in after.undecided} | {_place(u)[:3] for u in after.undecided}
    waiting |= {(u.rule, u.sheet, u.row, None) for u in after.undecided}
    outcome = {"firm": 0, "to confirm": 0, "undecided": 0}
    for f in firm_findings(before):
        if kept is not None and f.id not in kept:
            continue
        if f.id in now_firm or _place(f) in now_firm:
            outcome["firm"] += 1
        elif f.id in confirm or _place(f)[:3] in confirm:
            outcome["to confirm"] += 1
        else:
            assert (f.rule, f.id) in waiting or _place(f)[:3] in waiting, f"{f.id} vanished"
            outcome["undecided"] += 1
    gained = [
        f.id for f in firm_findings(after) if f.rule != "DQ-02" and f.id not in was_firm and _place(f) not in was_firm
    ]
    assert gained == [], f"firm findings from nothing: {gained[:8]}"
    return outcome
