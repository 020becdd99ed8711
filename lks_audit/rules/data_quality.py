"""Data quality (area ``data``): what the loader could not read (DQ-01..03) and what does not add up
(DQ-04, DQ-05). Every data-quality message is worded here, its location included.
"""

from __future__ import annotations

import pandas as pd

from ..findings import Finding
from ..schema import SHEETS, STUDENT, WORKBOOK_OF_SHEET, Kind, Sheet, references
from .base import distinct_ids, fmt_date, fmt_datetime
from .registry import register_rule

_CLAUSE = (
    "Store account details ... securely; SLT will ensure ... (records the policy relies on must "
    "exist and be readable for the audit to prove anything)."
)


def location(f: Finding, short: bool = False) -> str:
    """Where a data-quality finding is, as its message words it.

    Long (the message's own prefix): ``posts_log.xlsx, sheet Posts, cell C14 (Posted at)``.
    Short (under a heading that already names the workbook): ``Posts!C14 (Posted at)``.
    """
    return _where(f.rule, f.file, f.sheet, f.cell, f.column, short)


def _where(rule_id: str, file, sheet, cell, column, short: bool = False) -> str:
    # A cell's column is named, except a key's: DQ-03's text names it already.
    named = f" ({column})" if column and rule_id != "DQ-03" else ""
    if cell:
        return f"{sheet}!{cell}{named}" if short else f"{file}, sheet {sheet}, cell {cell}{named}"
    if column:
        return sheet if short else f"{file}, sheet {sheet}"
    return "" if short else file or ""


def short_message(f: Finding) -> str:
    """The finding under a heading that names its workbook: ``Posts!C14 (Posted at): ...``."""
    where = location(f, short=True)
    return f"{where}: {f.text}" if where else f.text


def _located(
    rule,
    file: str,
    sheet: str,
    row: int | None,
    detail: str,
    *,
    record=None,
    student=None,
    cell: str | None = None,
    column: str | None = None,
) -> Finding:
    """A finding whose message starts with its location, worded from the same fields :func:`location` reads."""
    # Built directly, not via Rule.finding: a badly typed-in column can give many thousand findings.
    message = f"{_where(rule.id, file, sheet, cell, column)}: {detail}"
    return Finding(rule.id, rule.severity, rule.area, record, file, sheet, row, message, cell, student, column, detail)


@register_rule(
    "DQ-01",
    "data",
    "high",
    clause=_CLAUSE,
    needs={},
    meaning="A workbook, sheet or required column is missing.",
    action="Add the missing workbook, sheet or column (copy it from data_templates/).",
    owner="School office",
)
def missing_parts(rule, data, ctx):
    # Which rules each one leaves unassessed is added by the audit, once every rule has run.
    out = []
    for gap in data.gaps:
        if gap.level == "workbook":
            message = (
                f"{gap.file} cannot be read: {gap.unreadable}"
                if gap.unreadable
                else f"{gap.file} is missing from the data folder"
            )
            out.append(Finding(rule.id, rule.severity, rule.area, None, gap.file, None, None, message))
        elif gap.level == "sheet":
            out.append(_located(rule, gap.file, gap.sheet, None, f"the sheet '{gap.sheet}' is missing"))
        else:
            out.append(
                _located(
                    rule,
                    gap.file,
                    gap.sheet,
                    gap.row,
                    f"the column '{gap.column}' is missing from the header row",
                    column=gap.column,
                )
            )
    return out


@register_rule(
    "DQ-02",
    "data",
    "medium",
    clause=_CLAUSE,
    needs={},
    meaning="A cell cannot be read as its kind (bad date, word not in the list, ...).",
    action="Correct the cell named in the finding (run lks-audit validate --feedback for a marked-up copy).",
    owner="School office",
)
def unreadable_cells(rule, data, ctx):
    return [
        _located(rule, c.file, c.sheet, c.row, c.problem, record=c.record, cell=c.cell, column=c.column)
        for c in data.cell_faults
    ]


@register_rule(
    "DQ-03",
    "data",
    "high",
    clause=_CLAUSE,
    needs={},
    meaning="A key (ID) is blank or repeated.",
    action="Give every row its own ID; remove or renumber repeated rows.",
    owner="School office",
)
def blank_or_repeated_keys(rule, data, ctx):
    return [
        _located(
            rule,
            k.file,
            k.sheet,
            k.row,
            f"{k.column} is blank"
            if k.key is None
            else f"{k.column} '{k.key}' is used again (first on row {k.first_row})",
            record=k.key,
            cell=k.cell,
            column=k.column,
        )
        for k in data.key_faults
    ]


def _cell_findings(rule, data, sheet: Sheet, column: str, rows: pd.DataFrame, details) -> list:
    """One finding per row of ``rows`` at its cell in ``column``."""
    file = WORKBOOK_OF_SHEET[sheet.name].file
    key = sheet.label
    records = rows[key].tolist() if key else [None] * len(rows)
    students = records if (sheet.name, key) == STUDENT else [None] * len(rows)
    letter = data.letters[sheet.name][column]
    return [
        _located(
            rule, file, sheet.name, row, detail, record=record, student=student, cell=f"{letter}{row}", column=column
        )
        for record, row, student, detail in zip(records, rows["_row"].tolist(), students, details)
    ]


@register_rule(
    "DQ-04",
    "data",
    "medium",
    clause=_CLAUSE,
    needs={},
    meaning="A reference to an id that does not exist (Account ID, Application ID, Staff ID, Student ID, Incident ID).",
    action="Correct the id, or add the missing record to the workbook it belongs in.",
    owner="School office",
)
def unknown_references(rule, data, ctx):
    findings = []
    for sheet_name, column in references():
        target_sheet, target_key = column.refers_to
        # A missing workbook, sheet or column is DQ-01's finding; its references cannot be checked.
        if data.unavailable(sheet_name, (column.header,)) or data.unavailable(target_sheet, (target_key,)):
            continue
        frame = data.frames[sheet_name]
        ids = frame[column.header]
        if column.kind is Kind.IDS:
            ids = ids.map(distinct_ids).explode()
        ids = ids.dropna()
        unknown = ids[~ids.isin(set(data.frames[target_sheet][target_key].dropna()))]
        rows = frame.loc[unknown.index]
        target_file = WORKBOOK_OF_SHEET[target_sheet].file
        findings += _cell_findings(
            rule,
            data,
            SHEETS[sheet_name],
            column.header,
            rows,
            [f"'{v}' is not a {target_key} in {target_file}, sheet {target_sheet}" for v in unknown.tolist()],
        )
    return findings


def _show(value, kind: Kind) -> str:
    return fmt_datetime(value) if kind is Kind.DATETIME else fmt_date(value)


@register_rule(
    "DQ-05",
    "data",
    "medium",
    clause=_CLAUSE,
    needs={},
    meaning="Dates out of order (closed before created, response before receipt, leaving before start, decision "
    "before submission) or after as of.",
    action="Correct the date named in the finding.",
    owner="School office",
)
def dates_out_of_order(rule, data, ctx):
    findings = []
    for sheet in SHEETS.values():
        for order in sheet.orderings:
            earlier, later = order.earlier, order.later
            if data.unavailable(sheet.name, (earlier, later)):
                continue
            frame = data.frames[sheet.name]
            rows = frame[(frame[later] < frame[earlier]).to_numpy()]
            kind = sheet.column(later).kind
            findings += _cell_findings(
                rule,
                data,
                sheet,
                later,
                rows,
                [
                    f"{order.problem} ({later} {_show(b, kind)}, {earlier} {_show(a, kind)})"
                    for a, b in zip(rows[earlier], rows[later])
                ],
            )
    for sheet in SHEETS.values():
        for column in sheet.columns:
            # Plans (a review due, a closure day) may lie after as_of (interpretations.md).
            if (
                column.kind not in (Kind.DATE, Kind.DATETIME)
                or column.plan
                or data.unavailable(sheet.name, (column.header,))
            ):
                continue
            frame = data.frames[sheet.name]
            # After as_of = on a later day: anything on the as_of day itself is fine.
            rows = frame[(frame[column.header] >= ctx.as_of_end).to_numpy()]
            findings += _cell_findings(
                rule,
                data,
                sheet,
                column.header,
                rows,
                [f"{_show(v, column.kind)} is after the audit date {fmt_date(ctx.as_of)}" for v in rows[column.header]],
            )
    return findings
