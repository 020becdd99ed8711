"""Data quality (area ``data``): what the loader could not read (DQ-01..03) and what does not add up
(DQ-04, DQ-05). Every data-quality message is worded here, its location as :mod:`lks_audit.wording` words it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..context import AuditContext
from ..findings import Finding, RuleOutcome, Undecided
from ..load import Dataset
from ..schema import ROW, SHEETS, STUDENT, WORKBOOK_OF_SHEET, WORKBOOKS, Kind, Sheet, references
from ..wording import where
from .base import fmt_date, fmt_datetime
from .derived import Derived
from .registry import Rule, rules_in
from .unknown import key_cells, unreadable, unreadable_rows

#: The area of every rule in this module.
AREA = "data"
register = rules_in(AREA)

_CLAUSE = (
    "Store account details ... securely; SLT will ensure ... (records the policy relies on must "
    "exist and be readable for the audit to prove anything)."
)


class _Place(NamedTuple):
    """Where a data-quality finding is: its file and, as far as there is one, its sheet, row, cell and column."""

    file: str
    sheet: str | None = None
    row: int | None = None
    cell: str | None = None
    column: str | None = None


def _located(
    rule: Rule,
    place: _Place,
    detail: str,
    *,
    record: str | None = None,
    student: str | None = None,
    part: str | None = None,
) -> Finding:
    """A finding whose message starts with its location, worded from the same fields
    :func:`~lks_audit.wording.location` reads."""
    # Built directly, not via Rule.finding: a badly typed-in column can give many thousand findings.
    file, sheet, row, cell, column = place
    message = f"{where(rule.id, file, sheet, cell, column)}: {detail}"
    return Finding(
        rule.id, rule.severity, rule.area, record, file, sheet, row, message,
        cell=cell, student=student, column=column, detail=detail, part=part,
    )  # fmt: skip


_PARTS = ("workbook, sheet or column of the data contract", "workbooks, sheets and columns of the data contract")


@register(
    "DQ-01",
    "high",
    clause=_CLAUSE,
    needs={},
    meaning="A workbook, sheet or required column is missing.",
    counts=_PARTS,
    title="Parts of the school's records missing",
    why="A check whose records are missing cannot be made, so part of the review is unknown.",
    good="Every record book and column that the review needs is there.",
    question="What is missing from our records, and when will it be added?",
    plain_counts=("part of the records", "parts of the records"),
    action="Add the missing workbook, sheet or column (copy it from data_templates/).",
    owner="School office",
)
def missing_parts(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    # Which rules each one leaves unassessed is added by the audit, once every rule has run.
    out = []
    for gap in data.gaps:
        if gap.level == "workbook":
            message = (
                f"{gap.reason}: {gap.unreadable}"
                if gap.unreadable
                else f"{gap.reason} from the data folder" + (f"; {gap.hint}" if gap.hint else "")
            )
            out.append(Finding(rule.id, rule.severity, rule.area, None, gap.file, None, None, message))
        elif gap.level == "sheet":
            out.append(_located(rule, _Place(gap.file, gap.sheet), f"the sheet '{gap.sheet}' is missing"))
        else:
            detail = f"the column '{gap.column}' is missing from the header row"
            if gap.formerly:
                split = [c.header for c in SHEETS[gap.sheet].columns if c.formerly == gap.formerly]
                detail += (
                    f" (the sheet has '{gap.formerly}' from an older template: the contract now asks for "
                    + " and ".join(f"'{h}'" for h in split) + ")"
                )  # fmt: skip
            out.append(_located(rule, _Place(gap.file, gap.sheet, gap.row, column=gap.column), detail))
    given = {f.file for f in data.files if f.status != "missing"}
    parts = sum(  # an optional column (Link) is never missing: not a part this rule checks
        1
        + sum(
            1 + sum(1 for c in s.columns if not c.optional)
            for s in wb.sheets
            if not s.optional or s.name in data.sheet_names
        )
        for wb in WORKBOOKS
        if not wb.optional or wb.file in given  # an optional workbook or sheet left out is not a missing part
    )
    return rule.outcome(out, parts)


@register(
    "DQ-02",
    "medium",
    clause=_CLAUSE,
    needs={},
    meaning="A cell cannot be read as its kind (bad date, word not in the list, ...).",
    counts=("filled cell", "filled cells"),
    title="Entries that cannot be read",
    why="An entry that cannot be read, such as a date typed wrongly, may hide a problem, so some results wait on a "
    "fix.",
    good="Every entry is filled in the way the record book expects.",
    question="Who checks during the year that the records are filled in correctly?",
    plain_counts=("filled entry", "filled entries"),
    action="Correct the cell named in the finding (run lks-audit validate --feedback for a marked-up copy).",
    owner="School office",
)
def unreadable_cells(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    findings = [
        _located(rule, _Place(c.file, c.sheet, c.row, c.cell, c.column), c.problem, record=c.record)
        for c in data.cell_faults
    ]
    # An unreadable cell is read as blank, so the filled cells are those read plus those that could not be.
    read = sum(
        _filled(frame[c.header], c.kind)
        for sheet in SHEETS.values()
        for frame in [data.frames[sheet.name]]
        for c in sheet.columns
        if c.header in frame
    )
    return rule.outcome(findings, read + len(findings))


def _filled(values: pd.Series, kind: Kind) -> int:
    """How many cells of a read column hold a value."""
    if kind is Kind.IDS:
        return sum(map(bool, values.to_numpy()))  # a tuple of IDs; empty when blank
    if values.dtype == object:
        # The readers leave None in a blank text, id or choice cell: one C comparison per cell, not pandas' isna.
        return int(np.count_nonzero(np.not_equal(values.to_numpy(), None)))
    return int(values.notna().sum())


@register(
    "DQ-03",
    "high",
    clause=_CLAUSE,
    needs={},
    meaning="A key (ID) is blank or repeated.",
    counts=("row of a sheet with a key", "rows of sheets with a key"),
    title="Records without a reference of their own",
    why="A record without its own reference can be missed or counted twice.",
    good="Every record has a reference that no other record shares.",
    question="How do we stop records from being entered twice?",
    plain_counts=("record", "records"),
    action="Give every row its own ID; remove or renumber repeated rows.",
    owner="School office",
)
def blank_or_repeated_keys(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    findings = [
        _located(
            rule,
            _Place(k.file, k.sheet, k.row, k.cell, k.column),
            f"{k.column} is blank"
            if k.key is None
            else f"{k.column} '{k.key}' is used again (first on row {k.first_row})",
            record=k.key,
        )  # fmt: skip
        for k in data.key_faults
    ]
    # A key that could not be read may repeat another: undecided, waiting on its DQ-02.
    waits = []
    for sheet in SHEETS.values():
        if sheet.key and not data.unavailable(sheet.name, (sheet.key,)):
            frame = data.frames[sheet.name]
            waits += rule.undecided(
                frame[unreadable(data, frame, sheet.name, sheet.key)], sheet.name, columns=(sheet.key,)
            )
    keyed = sum(len(data.frames[s.name]) for s in SHEETS.values() if s.key and not data.unavailable(s.name, (s.key,)))
    return rule.outcome(findings, keyed - len(waits), waits)


def _cell_findings(
    rule: Rule,
    data: Dataset,
    sheet: Sheet,
    column: str,
    rows: pd.DataFrame,
    details: list[str],
    parts: list | None = None,
) -> list:
    """One finding per row of ``rows`` at its cell in ``column``; ``parts``: what tells each apart (Finding.part)."""
    if rows.empty:  # also for an optional workbook left out, whose columns have no letters
        return []
    file = WORKBOOK_OF_SHEET[sheet.name].file
    key = sheet.label
    records = rows[key].tolist() if key else [None] * len(rows)
    students = records if (sheet.name, key) == STUDENT else [None] * len(rows)
    parts = parts if parts is not None else [None] * len(rows)
    letter = data.letters[sheet.name][column]
    return [
        _located(
            rule,
            _Place(file, sheet.name, row, f"{letter}{row}", column),
            detail,
            record=record,
            student=student,
            part=part,
        )  # fmt: skip
        for record, row, student, detail, part in zip(records, rows[ROW].tolist(), students, details, parts)
    ]


@register(
    "DQ-04",
    "medium",
    clause=_CLAUSE,
    needs={},
    meaning="A reference to an id that does not exist (Account ID, Application ID, Staff ID, Student ID, Incident ID).",
    counts=("reference to an ID", "references to IDs"),
    title="References to people or records that are not on file",
    why="A reference to an unknown person or account stops the review from checking it.",
    good="Every reference points to a real record.",
    question="How do we keep the lists of staff, students and accounts complete?",
    plain_counts=("reference", "references"),
    action="Correct the id, or add the missing record to the workbook it belongs in.",
    owner="School office",
)
def unknown_references(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    findings, checked, waits = [], 0, []
    for sheet_name, column in references():
        target_sheet, target_key = column.refers_to
        # A missing workbook, sheet or column is DQ-01's finding; its references cannot be checked.
        if data.unavailable(sheet_name, (column.header,)) or data.unavailable(target_sheet, (target_key,)):
            continue
        frame = data.frames[sheet_name]
        targets = data.frames[target_sheet][target_key].dropna()
        if column.kind is Kind.IDS:
            unknown, listed = _unknown_in_lists(frame[column.header], set(targets.tolist()))
            checked += listed
        else:
            ids = frame[column.header]
            # Each distinct ID is looked up once (factorize hashes the column once; a blank is code -1).
            codes, distinct = pd.factorize(ids)
            known = pd.Index(distinct).isin(targets.unique())
            filled = codes >= 0
            checked += int(filled.sum())
            unknown = ids[filled & ~np.append(known, True)[codes]]
        rows = frame.loc[unknown.index]
        # A reference that could not be read may be to anything; an ID on no row of its sheet, while a key there
        # could not be read, may be on that row: neither is a DQ-04, both are undecided.
        unread = frame[unreadable(data, frame, sheet_name, column.header)]
        waits += _undecided_references(rule, sheet_name, column.header, unread, [(sheet_name, r, column.header)
                                       for r in unread[ROW].tolist()], [None] * len(unread))  # fmt: skip
        nowhere = key_cells(data, target_sheet, target_key)
        if nowhere:
            checked -= len(rows)
            waits += _undecided_references(
                rule, sheet_name, column.header, rows, [nowhere] * len(rows), unknown.tolist()
            )
            continue
        target_file = WORKBOOK_OF_SHEET[target_sheet].file
        details = [f"'{v}' is not {_a(target_key)} in {target_file}, sheet {target_sheet}" for v in unknown.tolist()]
        findings += _cell_findings(rule, data, SHEETS[sheet_name], column.header, rows, details, unknown.tolist())
    return rule.outcome(findings, checked, waits)


def _undecided_references(
    rule: Rule, sheet_name: str, column: str, rows: pd.DataFrame, cells: Iterable, ids: Iterable[str | None]
) -> list[Undecided]:
    """DQ-04 records it cannot decide, one per row of ``rows``: its ID (or None for a cell that could not be read)
    as its part, waiting on ``cells`` (one list, or one cell, per row)."""
    label = SHEETS[sheet_name].label
    file = WORKBOOK_OF_SHEET[sheet_name].file
    records = rows[label].tolist() if label else [None] * len(rows)
    return [
        Undecided(rule.id, record, file, sheet_name, int(row), None,
                  tuple(found if isinstance(found, list) else [found]), column=column, part=part)
        for record, row, found, part in zip(records, rows[ROW].tolist(), cells, ids)
    ]  # fmt: skip


def _unknown_in_lists(lists: pd.Series, known: set[str]) -> tuple[pd.Series, int]:
    """The IDs of an ids column not in ``known``, one per (cell, ID), each under its cell's index label (an ID
    written twice in one cell counts once); and how many (cell, ID) there are in all."""
    cells = [(label, ids) for label, ids in zip(lists.index, lists.tolist()) if isinstance(ids, tuple) and ids]
    listed = sum(len(set(ids)) for _, ids in cells)
    unknown = [
        (label, i) for label, ids in cells if not known.issuperset(ids) for i in dict.fromkeys(ids) if i not in known
    ]
    return pd.Series([i for _, i in unknown], index=[label for label, _ in unknown], dtype=object), listed


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "AEIOU" else "a ") + noun


def _show(value: object, kind: Kind) -> str:
    return fmt_datetime(value) if kind is Kind.DATETIME else fmt_date(value)


@register(
    "DQ-05",
    "medium",
    clause=_CLAUSE,
    needs={},
    meaning="Dates out of order (closed before created, response before receipt, leaving before start, decision "
    "before submission) or after as of.",
    counts=("date", "dates"),
    title="Dates out of order or in the future",
    why="A wrong date can make a late reply look on time, or the other way round.",
    good="Dates are in order, and none lies after the day the data was taken.",
    question="Who checks the dates in the records?",
    plain_counts=("date", "dates"),
    action="Correct the date named in the finding.",
    owner="School office",
)
def dates_out_of_order(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    findings, waits, pending = [], [], 0
    for sheet in SHEETS.values():
        for order in sheet.orderings:
            earlier, later = order.earlier, order.later
            if data.unavailable(sheet.name, (earlier, later)):
                continue
            frame = data.frames[sheet.name]
            # One of the two could not be read while the other is there: their order is unknown.
            either = unreadable(data, frame, sheet.name, earlier, later)
            if either.any():
                open_ = frame[either & (frame[earlier].notna() | frame[later].notna()).to_numpy()]
                pending += len(open_)
                waits += _undecided_dates(rule, sheet, open_, (earlier, later), f"before {earlier}", later)
            rows = frame[(frame[later] < frame[earlier]).to_numpy()]
            kind = sheet.column(later).kind
            details = [
                f"{order.problem} ({later} {_show(b, kind)}, {earlier} {_show(a, kind)})"
                for a, b in zip(rows[earlier], rows[later])
            ]
            findings += _cell_findings(rule, data, sheet, later, rows, details, [f"before {earlier}"] * len(rows))
    dates = 0
    for sheet in SHEETS.values():
        # The DPO's own dates (a decision taken after the year, its review day) are not event data: never
        # compared with as_of, so the same data gives the same findings on any day (rules.md).
        if WORKBOOK_OF_SHEET[sheet.name].kept_by_dpo:
            continue
        for column in sheet.columns:
            if column.kind not in (Kind.DATE, Kind.DATETIME) or data.unavailable(sheet.name, (column.header,)):
                continue
            frame = data.frames[sheet.name]
            dates += int(frame[column.header].notna().sum())
            # Plans (a review due, a closure day) may lie after as_of (interpretations.md).
            if column.plan:
                continue
            # A date that could not be read may lie after as_of: undecided.
            unread = unreadable(data, frame, sheet.name, column.header)
            if unread.any():
                waits += _undecided_dates(rule, sheet, frame[unread], (column.header,), "after as of", column.header)
            # After as_of = on a later day: anything on the as_of day itself is fine.
            rows = frame[(frame[column.header] >= ctx.as_of_end).to_numpy()]
            details = [
                f"{_show(v, column.kind)} is after the audit date {fmt_date(ctx.as_of)}" for v in rows[column.header]
            ]
            findings += _cell_findings(rule, data, sheet, column.header, rows, details, ["after as of"] * len(rows))
    return rule.outcome(findings, dates - pending, waits)


def _undecided_dates(
    rule: Rule, sheet: Sheet, rows: pd.DataFrame, columns: Iterable[str], part: str, column: str
) -> list[Undecided]:
    waits = rule.undecided(rows, sheet.name, columns=columns)
    return [replace(u, column=column, part=part) for u in waits]


@register(
    "DQ-06",
    "advisory",
    clause=_CLAUSE,
    needs={},
    meaning="An event log (posts_log.xlsx, interactions_log.xlsx, incidents_log.xlsx) is present but has no row "
    "dated in the audit period: name the workbook.",
    counts=("event log", "event logs"),
    title="Logs with nothing recorded this year",
    why="An empty log may mean that events were not written down.",
    good="Each log holds this year's events, or says that there were none.",
    question="Were there really no events, or were they not written down?",
    plain_counts=("log", "logs"),
    action="If there were posts, comments or incidents this year, record them in the log; if there were none, "
    "say so in the DPO's commentary.",
    owner="School office",
)
def empty_event_logs(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    findings, logs, waits = [], 0, []
    for sheet in SHEETS.values():
        if sheet.event_date is None or data.unavailable(sheet.name, (sheet.event_date,)):
            continue
        logs += 1
        if ctx.in_period_dated(data.frames[sheet.name][sheet.event_date]).any():
            continue
        file = WORKBOOK_OF_SHEET[sheet.name].file
        # An event date that could not be read may be in the year: the log is undecided.
        unread = [(sheet.name, int(r), sheet.event_date) for r in unreadable_rows(data, sheet.name, sheet.event_date)]
        if unread:
            logs -= 1
            waits.append(Undecided(rule.id, None, file, sheet.name, None, None, tuple(unread), column=sheet.event_date))
            continue
        findings.append(
            _located(
                rule, _Place(file, sheet.name, column=sheet.event_date),
                f"no row has a {sheet.event_date} in the audit year {ctx.year} ({fmt_date(ctx.start)} to "
                f"{fmt_date(ctx.end)}): if there were {sheet.name.lower()} this year, the log is not being kept",
            )
        )  # fmt: skip
    return rule.outcome(findings, logs, waits)
