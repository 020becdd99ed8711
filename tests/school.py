"""Hand-built schools for tests, on disk or in memory.

``write_school(folder, Posts=[{...}], Staff=[{...}])`` writes all eight
contract workbooks as real .xlsx files (openpyxl); ``dataset_from_rows(Posts=[...])``
builds the same school in memory, read by the same cell readers, for rule tests
that need no file. Sheets not given get the header row only. Row dicts use the
contract's header texts; values may be dates, date-times, text, bools, lists of
IDs. ``omit=("posts_log.xlsx",)`` leaves workbooks out; ``drop_columns={"Posts":
("Shot type",)}`` leaves columns out of the header row.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from lks_audit.audit import AuditResult, audit_folder, closures_of, run_rules
from lks_audit.context import make_context
from lks_audit.load import Dataset, dataset_from_cells
from lks_audit.schema import WORKBOOKS


def write_school(folder: Path, omit=(), drop_columns: dict | None = None, **rows_by_sheet) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    drop_columns = drop_columns or {}
    for wb in WORKBOOKS:
        if wb.file in omit:
            continue
        book = openpyxl.Workbook()
        book.remove(book.active)
        for sheet in wb.sheets:
            ws = book.create_sheet(sheet.name)
            header, rows = _sheet_rows(sheet, rows_by_sheet.get(sheet.name, []), drop_columns.get(sheet.name, ()))
            ws.append(header)
            for values in rows:
                values = [", ".join(v) if isinstance(v, (list, tuple)) else v for v in values]
                ws.append(values)
                for cell, v in zip(ws[ws.max_row], values):
                    if isinstance(v, dt.datetime):
                        cell.number_format = "dd/mm/yyyy hh:mm"
                    elif isinstance(v, dt.date):
                        cell.number_format = "dd/mm/yyyy"
        book.save(folder / wb.file)
    unknown_sheets = set(rows_by_sheet) - {s.name for wb in WORKBOOKS for s in wb.sheets}
    if unknown_sheets:
        raise ValueError(f"unknown sheets {unknown_sheets}")
    return folder


def audit(folder, year="2025-26", as_of="2026-07-20", **params):
    """Audit a folder; returns the AuditResult."""
    return audit_folder(folder, year, as_of, params)[1]


def _sheet_rows(sheet, rows: list[dict], dropped=()) -> tuple[list[str], list[list]]:
    """The header row (contract headers minus ``dropped``, then any extra keys) and each row's values."""
    headers = [h for h in sheet.headers if h not in dropped]
    extra = list(dict.fromkeys(k for row in rows for k in row if k not in sheet.headers))
    return headers + extra, [[row.get(h) for h in headers + extra] for row in rows]


def dataset_from_rows(omit=(), drop_columns: dict | None = None, **rows_by_sheet) -> Dataset:
    """The school ``write_school`` would write, loaded in memory: the same readers, no file."""
    unknown_sheets = set(rows_by_sheet) - {s.name for wb in WORKBOOKS for s in wb.sheets}
    if unknown_sheets:
        raise ValueError(f"unknown sheets {unknown_sheets}")
    drop_columns = drop_columns or {}
    cells = {}
    for wb in WORKBOOKS:
        if wb.file in omit:
            continue
        cells[wb.file] = {}
        for sheet in wb.sheets:
            header, rows = _sheet_rows(sheet, rows_by_sheet.get(sheet.name, []), drop_columns.get(sheet.name, ()))
            # As a reader gives cells: "" for empty, IDs in one cell separated by commas.
            cells[wb.file][sheet.name] = [header] + [
                ["" if v is None else ", ".join(v) if isinstance(v, (list, tuple)) else v for v in row]
                for row in rows]
    return dataset_from_cells(cells)


def audit_rows(year="2025-26", as_of="2026-07-20", params: dict | None = None, omit=(),
               drop_columns: dict | None = None, **rows_by_sheet) -> AuditResult:
    """Audit a school built in memory (see :func:`dataset_from_rows`); returns the AuditResult."""
    data = dataset_from_rows(omit, drop_columns, **rows_by_sheet)
    return run_rules(data, make_context(year, as_of, params or {}, closures=closures_of(data)))


def by_rule(result, rule_id):
    return [f for f in result.findings if f.rule == rule_id]


def not_assessed(result):
    return {n.rule for n in result.not_assessed}


d = dt.date
t = dt.datetime
