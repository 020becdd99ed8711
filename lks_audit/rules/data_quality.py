"""Data quality (area ``data``): DQ-01..03 are found while loading, DQ-04..05 here."""
from __future__ import annotations

import pandas as pd

from ..findings import Finding
from ..schema import SHEETS, WORKBOOK_OF_SHEET, Kind, Sheet, references
from .base import fmt_date, fmt_datetime
from .registry import REGISTRY, rule

_CLAUSE = ("Store account details ... securely; SLT will ensure ... (records the policy relies on must "
           "exist and be readable for the audit to prove anything).")


def _from_loading(rule_id: str):
    def check(data, ctx):
        return [f for f in data.findings if f.rule == rule_id]
    check.__name__ = f"loaded_{rule_id.replace('-', '_').lower()}"
    return check


rule("DQ-01", "data", "high", clause=_CLAUSE, needs={},
     meaning="A workbook, sheet or required column is missing.",
     action="Add the missing workbook, sheet or column (copy it from data_templates/).",
     owner="School office")(_from_loading("DQ-01"))
rule("DQ-02", "data", "medium", clause=_CLAUSE, needs={},
     meaning="A cell cannot be read as its kind (bad date, word not in the list, ...).",
     action="Correct the cell named in the finding (run lks-audit validate --feedback for a marked-up copy).",
     owner="School office")(_from_loading("DQ-02"))
rule("DQ-03", "data", "high", clause=_CLAUSE, needs={},
     meaning="A key (ID) is blank or repeated.",
     action="Give every row its own ID; remove or renumber repeated rows.",
     owner="School office")(_from_loading("DQ-03"))


def _cell_findings(rule_id: str, data, sheet: Sheet, column: str, rows: pd.DataFrame, messages) -> list:
    """One finding per row of ``rows`` at the cell of ``column`` (the message is prefixed with where)."""
    rule_ = REGISTRY[rule_id]
    file = WORKBOOK_OF_SHEET[sheet.name].file
    key = sheet.label
    records = rows[key].tolist() if key else [None] * len(rows)
    students = rows["Student ID"].tolist() if sheet.name == "Consent" else [None] * len(rows)
    letter = data.cell(sheet.name, column, 0)[:-1]
    out = []
    # Built directly (not via Rule.finding): a badly typed-in column can give many thousand findings.
    for record, row, student, message in zip(records, rows["_row"].tolist(), students, messages):
        cell = f"{letter}{row}"
        out.append(Finding(rule_.id, rule_.severity, rule_.area, record, file, sheet.name, row,
                           f"{file}, sheet {sheet.name}, cell {cell} ({column}): {message}", cell, student, column))
    return out


@rule("DQ-04", "data", "medium", clause=_CLAUSE, needs={},
      meaning="A reference to an id that does not exist (Account ID, Application ID, Staff ID, Student ID, "
              "Incident ID).",
      action="Correct the id, or add the missing record to the workbook it belongs in.",
      owner="School office")
def unknown_references(data, ctx):
    findings = []
    for sheet_name, column in references():
        target_sheet, target_key = column.refers_to
        # A missing workbook, sheet or column is DQ-01's finding; its references cannot be checked.
        if data.unavailable(sheet_name, (column.header,)) or data.unavailable(target_sheet, (target_key,)):
            continue
        frame = data.frames[sheet_name]
        ids = frame[column.header]
        if column.kind is Kind.IDS:
            ids = ids.map(lambda v: list(dict.fromkeys(v or ()))).explode()
        ids = ids.dropna()
        unknown = ids[~ids.isin(set(data.frames[target_sheet][target_key].dropna()))]
        rows = frame.loc[unknown.index]
        target_file = WORKBOOK_OF_SHEET[target_sheet].file
        findings += _cell_findings("DQ-04", data, SHEETS[sheet_name], column.header, rows, [
            f"'{v}' is not a {target_key} in {target_file}, sheet {target_sheet}" for v in unknown.tolist()])
    return findings


def _show(value, kind: Kind) -> str:
    return fmt_datetime(value) if kind is Kind.DATETIME else fmt_date(value)


@rule("DQ-05", "data", "medium", clause=_CLAUSE, needs={},
      meaning="Dates out of order (closed before created, response before receipt, leaving before start, decision "
              "before submission) or after as of.",
      action="Correct the date named in the finding.",
      owner="School office")
def dates_out_of_order(data, ctx):
    findings = []
    for sheet in SHEETS.values():
        for order in sheet.orderings:
            earlier, later = order.earlier, order.later
            if data.unavailable(sheet.name, (earlier, later)):
                continue
            frame = data.frames[sheet.name]
            rows = frame[(frame[later] < frame[earlier]).to_numpy()]
            kind = sheet.column(later).kind
            findings += _cell_findings("DQ-05", data, sheet, later, rows, [
                f"{order.problem} ({later} {_show(b, kind)}, {earlier} {_show(a, kind)})"
                for a, b in zip(rows[earlier], rows[later])])
    for sheet in SHEETS.values():
        for column in sheet.columns:
            # Plans (a review due, a closure day) may lie after as_of (interpretations.md).
            if (column.kind not in (Kind.DATE, Kind.DATETIME) or column.plan
                    or data.unavailable(sheet.name, (column.header,))):
                continue
            frame = data.frames[sheet.name]
            # After as_of = on a later day: anything on the as_of day itself is fine.
            rows = frame[(frame[column.header] >= ctx.as_of_end).to_numpy()]
            findings += _cell_findings("DQ-05", data, sheet, column.header, rows, [
                f"{_show(v, column.kind)} is after the audit date {fmt_date(ctx.as_of)}" for v in rows[column.header]])
    return findings
