"""Hand-built schools for tests: real .xlsx files written with openpyxl.

``write_school(folder, Posts=[{...}], Staff=[{...}])`` writes all eight
contract workbooks; sheets not given get the header row only. Row dicts use
the contract's header texts; values may be dates, date-times, text, bools.
``omit=("posts_log.xlsx",)`` leaves workbooks out.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from lks_audit.audit import audit_folder
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
            headers = [h for h in sheet.headers if h not in drop_columns.get(sheet.name, ())]
            extra = []
            for row in rows_by_sheet.get(sheet.name, []):
                unknown = [k for k in row if k not in sheet.headers and k not in extra]
                extra.extend(unknown)
            ws.append(headers + extra)
            for row in rows_by_sheet.get(sheet.name, []):
                values = []
                for h in headers + extra:
                    v = row.get(h)
                    if isinstance(v, (list, tuple)):
                        v = ", ".join(v)
                    values.append(v)
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


def by_rule(result, rule_id):
    return [f for f in result.findings if f.rule == rule_id]


def not_assessed(result):
    return {n.rule for n in result.not_assessed}


d = dt.date
t = dt.datetime
