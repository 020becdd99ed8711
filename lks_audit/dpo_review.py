"""The DPO's review (``dpo_review.xlsx``): decisions applied to findings, opinions per area, and the text
governors will read checked for personal data.

rules.md, "DPO decisions": a finding whose ID has a decision in force (Review by blank, or on or after
``as of``) carries it and is not open; a decision whose Review by has passed has lapsed, and the finding is
open again and says so; a decision naming an ID that no finding has is a notice (with the ID it was probably
meant for), never dropped silently; several rows for one finding are its history, the latest in force.
The DPO's dates are never compared with ``as of`` or with the day of the run ("Dates of the DPO's review").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from .findings import AREA_TITLES, Decision, Finding, NotAssessed, Notice, NoticeKind, Undecided
from .load import ROW, Dataset
from .personal import PersonalIndex, personal_strings
from .schema import ACCEPTED_RISK, NOT_A_BREACH, WORKBOOK_OF_SHEET, governors_text_columns

REVIEW_FILE = WORKBOOK_OF_SHEET["Decisions"].file


def _day(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _unreadable(data: Dataset, row: int, column: str) -> bool:
    """Whether that cell of the Decisions sheet could not be read (a DQ-02 finding says so already)."""
    return any(c.sheet == "Decisions" and c.row == row and c.column == column for c in data.cell_faults)


def _notice(data: Dataset, row: int, column: str, detail: str, suggestion: str | None = None) -> Notice:
    """A decision that could not be applied, its cell named first (``cell A5: ...``)."""
    where = data.cell("Decisions", column, row) or f"row {row}"
    return Notice(
        NoticeKind.DPO_DECISION, f"cell {where}: {detail}", REVIEW_FILE, "Decisions", row, None, column, suggestion
    )


@dataclass(frozen=True)
class _Row:
    """One row of the Decisions sheet, as read."""

    finding_id: str
    #: Its Excel row.
    row: int
    decision: Decision | None
    #: Review by blank, or on or after as of; None when the row cannot be applied.
    in_force: bool | None
    #: Decided on as a day, for ordering the rows of one finding (None when blank or unreadable).
    decided_on: pd.Timestamp | None
    decided_on_unreadable: bool


def _read_row(values: dict, data: Dataset, as_of: pd.Timestamp, notices: list[Notice]) -> _Row | None:
    """A row of the Decisions sheet, or None for a row naming no finding; a notice for a row that cannot be
    applied (no readable decision, an unreadable Review by)."""
    finding_id, excel_row = _text(values["Finding ID"]), int(values[ROW])
    if finding_id is None:
        if any(_text(values[c]) is not None for c in ("Decision", "Reason", "Decided on", "Review by")):
            notices.append(_notice(data, excel_row, "Finding ID", "this decision names no finding: it is not applied"))
        return None
    finding_id = finding_id.strip()
    decided_on = values["Decided on"]
    decided_on = None if decided_on is None or pd.isna(decided_on) else pd.Timestamp(decided_on).normalize()
    unreadable_date = _unreadable(data, excel_row, "Decided on")
    choice = _text(values["Decision"])
    why_not = (
        ("Decision", f"the decision for {finding_id} is blank or not one of {ACCEPTED_RISK}, {NOT_A_BREACH}: it is not "
                     "applied")
        if choice is None
        else ("Review by", f"the Review by of the decision for {finding_id} could not be read as a date, so whether it "
              "is still in force is unknown: it is not applied")
        if _unreadable(data, excel_row, "Review by")
        else None
    )  # fmt: skip
    if why_not:
        notices.append(_notice(data, excel_row, *why_not))
        return _Row(finding_id, excel_row, None, None, decided_on, unreadable_date)
    decision = Decision(
        choice,
        _text(values["Reason"]),
        _text(values["Decided by"]),
        _day(values["Decided on"]),
        _day(values["Review by"]),
        excel_row,
    )
    review_by = values["Review by"]
    in_force = review_by is None or pd.isna(review_by) or pd.Timestamp(review_by).normalize() >= as_of.normalize()
    return _Row(finding_id, excel_row, decision, in_force, decided_on, unreadable_date)


def _latest(rows: list[_Row], data: Dataset, notices: list[Notice]) -> _Row | None:
    """The row in force of one finding's rows (in sheet order): the latest Decided on, the row further down
    winning a tie; a blank Decided on comes before any date. None when which one is latest cannot be known
    (a Decided on that could not be read, beside other rows), with a notice."""
    if len(rows) > 1 and any(r.decided_on_unreadable for r in rows):
        bad = next(r for r in rows if r.decided_on_unreadable)
        notices.append(
            _notice(data, bad.row, "Decided on",
                    f"the Decided on of a decision for {bad.finding_id} could not be read as a date, so which of "
                    f"its {len(rows)} decisions is the latest is unknown: none is applied")
        )  # fmt: skip
        return None
    order = sorted(range(len(rows)), key=lambda i: (rows[i].decided_on is not None, rows[i].decided_on or 0, i))
    return rows[order[-1]]


def apply_decisions(
    findings: list[Finding], data: Dataset, as_of: pd.Timestamp, not_assessed=(), undecided=()
) -> tuple[list[Finding], list[Notice]]:
    """Findings with the DPO's decisions applied (matched on their IDs, case aside), and a notice for each
    decision that could not be applied: an ID no finding has (with the finding ID it was probably meant for,
    when one differs only by a slip), no readable decision, an unreadable Review by.

    Several rows for one finding are its history (a decision renewed when its review came): the latest by
    Decided on is in force, the row further down the sheet winning a tie, and the earlier ones travel with it
    (:attr:`Decision.earlier`) for the DPO's detail.
    """
    frame = data.frames.get("Decisions")
    if frame is None or frame.empty:
        return findings, []
    notices: list[Notice] = []
    by_id = rows_by_finding(frame, data, as_of, notices)
    decisions = _decisions_in_force(by_id, data, notices)
    out = [_with_decision(f, decisions.get(f.id.casefold())) for f in findings]
    used = {f.id.casefold() for f in findings}
    unmatched = [rows for key, rows in by_id.items() if key not in used]
    if unmatched:
        notices += _unmatched_notices(unmatched, findings, data, not_assessed, undecided)
    return out, sorted(notices, key=lambda n: n.row or 0)


def rows_by_finding(
    frame: pd.DataFrame, data: Dataset, as_of: pd.Timestamp, notices: list[Notice]
) -> dict[str, list[_Row]]:
    """The Decisions sheet's readable rows by the Finding ID they name (case aside), in sheet order."""
    by_id: dict[str, list[_Row]] = {}
    for row in frame.itertuples(index=False):
        read = _read_row(dict(zip(frame.columns, row)), data, as_of, notices)
        if read is not None:
            by_id.setdefault(read.finding_id.casefold(), []).append(read)
    return by_id


def _decisions_in_force(
    by_id: dict[str, list[_Row]], data: Dataset, notices: list[Notice]
) -> dict[str, tuple[Decision, bool]]:
    """Finding ID (case aside) -> its latest decision, carrying the earlier ones, and whether it is in force
    (its Review by not passed); a finding whose latest decision cannot be told or read has none."""
    decisions: dict[str, tuple[Decision, bool]] = {}
    for key, rows in by_id.items():
        latest = _latest(rows, data, notices)
        if latest is None or latest.decision is None:
            continue  # its notice says why
        earlier = tuple(r.decision for r in rows if r is not latest and r.decision is not None)
        decisions[key] = (replace(latest.decision, earlier=earlier), latest.in_force)
    return decisions


def _with_decision(f: Finding, decided: tuple[Decision, bool] | None) -> Finding:
    """The finding with its decision in force, or with its lapsed one (its message then says so)."""
    if decided is None:
        return f
    decision, in_force = decided
    if in_force:
        return replace(f, decision=decision)
    lapsed = (
        f"; the DPO's decision ({decision.decision}, review by "
        f"{pd.Timestamp(decision.review_by):%d/%m/%Y}) has lapsed, so it counts again"
    )
    return replace(
        f,
        lapsed_decision=decision,
        message=f.message + lapsed,
        detail=None if f.detail is None else f.detail + lapsed,
    )


def _unmatched_notices(
    unmatched: list[list[_Row]],
    findings: list[Finding],
    data: Dataset,
    not_assessed: Iterable[NotAssessed],
    undecided: Iterable[Undecided],
) -> list[Notice]:
    """A notice for each Finding ID that no finding has: why, when its rule was not assessed or its record not
    decided, else the finding ID it was probably meant for."""
    notices = []
    nearest = SlipFinder([f.id for f in findings])
    for rows in unmatched:
        first = rows[0]
        # Not assessed this run, or its record undecided: neither is "resolved since, or mistyped".
        why = _why_no_finding(first.finding_id, not_assessed, undecided)
        if why:
            notices.append(_notice(data, first.row, "Finding ID", f"the decision names {first.finding_id}{why}"))
            continue
        meant = nearest.meant(first.finding_id)
        hint = f"; did you mean {meant}?" if meant else ""
        notices.append(
            _notice(data, first.row, "Finding ID",
                    f"the decision names {first.finding_id}, which no finding of this audit has (resolved "
                    f"since, or mistyped): it is not applied{hint}", meant)
        )  # fmt: skip
    return notices


def _why_no_finding(finding_id: str, not_assessed, undecided) -> str | None:
    """Why a decision's Finding ID matched no finding when it is not "resolved since, or mistyped": its rule was
    not assessed this run (the workbook could not be read), or its record could not be decided (a cell it needs
    could not be read). None otherwise."""
    rule = finding_id.split(":", 1)[0].strip().upper()
    blocked = next((n for n in not_assessed if n.rule == rule), None)
    if blocked is not None:
        return f": not assessed this run: {blocked.reason}; the decision is not applied, and applies again once it is"
    waiting = next((u for u in undecided if u.id.casefold() == finding_id.casefold()), None)
    if waiting is not None:
        on = ", ".join(waiting.waits_on) or "a cell that could not be read"
        return f", which could not be checked this run until the entries are fixed ({on}): it is not applied this run"
    return None


_DIGITS = re.compile(r"\d+")
_NOT_ID = re.compile(r"[\s_]+")


def _loose(finding_id: str) -> str:
    """An ID with what a slip changes set aside: case, spaces and underscores, and the zeros padding a number
    (``acc-09:acc-05`` and ``ACC-09:ACC-005`` alike)."""
    return _DIGITS.sub(lambda m: str(int(m.group())), _NOT_ID.sub("", finding_id.casefold()))


class SlipFinder:
    """The finding ID a mistyped one was meant to be: one that differs only by a slip (case, spacing, a
    number's leading zeros, or one character added, left out, changed or two swapped), when exactly one does."""

    def __init__(self, finding_ids: list[str]):
        self.by_loose: dict[str, list[str]] = {}
        for finding_id in finding_ids:
            self.by_loose.setdefault(_loose(finding_id), []).append(finding_id)

    def meant(self, typed: str) -> str | None:
        loose = _loose(typed)
        same = self.by_loose.get(loose, [])
        if len(same) == 1:
            return same[0]
        if same:
            return None
        close = {i for key, ids in self.by_loose.items() if _one_slip(loose, key) for i in ids}
        return close.pop() if len(close) == 1 else None


def _one_slip(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one character added, left out or changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k, (x, y) in enumerate(zip(short, long)) if x != y), len(short))
    return short[i:] == long[i + 1 :]


@dataclass(frozen=True)
class AreaOpinion:
    """The DPO's row of the Areas sheet for one policy area (what governors read beside the rating)."""

    area: str
    assurance: str | None
    commentary: str | None
    evidence: str | None


def area_opinions(data: Dataset) -> dict[str, AreaOpinion]:
    """Area key (``images``) -> the DPO's opinion; areas the DPO left out are absent. A repeated area is a
    DQ-03 finding: its first row counts."""
    frame = data.frames.get("Areas")
    by_title = {title: area for area, title in AREA_TITLES.items()}
    out: dict[str, AreaOpinion] = {}
    if frame is None:
        return out
    for row in frame.itertuples(index=False):
        values = dict(zip(frame.columns, row))
        area = by_title.get(_text(values["Area"]) or "")
        if area and area not in out:
            out[area] = AreaOpinion(
                area, _text(values["Assurance"]), _text(values["Commentary"]), _text(values["Evidence"])
            )
    return out


def personal_text_notices(data: Dataset) -> list[Notice]:
    """Commentary, Evidence and Reason cells (the schema's text for governors) holding a name, Student ID or
    Staff ID of the data, one notice each: ``check`` lists them, the report refuses to publish them."""
    columns = [
        (sheet, column)
        for sheet, column in governors_text_columns()
        if sheet in data.frames and not data.frames[sheet].empty
    ]
    if not columns:
        return []
    texts = [str(value) for sheet, column in columns for value in data.frames[sheet][column.header].dropna()]
    personal = PersonalIndex(personal_strings(data), texts)
    notices = []
    for sheet, column in columns:
        frame = data.frames[sheet]
        for value, row in zip(frame[column.header], frame[ROW]):
            kinds = [] if value is None or pd.isna(value) else personal.found_in(str(value))
            if kinds:
                where = data.cell(sheet, column.header, int(row)) or f"row {int(row)}"
                detail = (
                    f"cell {where} ({column.header}) holds {kinds[0]} from the data; governors would read it, "
                    "so reword it without names or IDs"
                )
                notices.append(
                    Notice(NoticeKind.DPO_TEXT_PERSONAL_DATA, detail, REVIEW_FILE, sheet, int(row), None, column.header)
                )
    return notices
