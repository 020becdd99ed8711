"""The DPO's review (``dpo_review.xlsx``): decisions applied to findings, opinions per area, and the text
governors will read checked for personal data.

rules.md, "DPO decisions": a finding whose ID has a decision in force (Review by blank, or on or after
``as of``) carries it and is not open; a decision whose Review by has passed has lapsed, and the finding is
open again and says so; a decision naming an ID that no finding has is a notice, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from .findings import AREA_TITLES, Decision, Finding, Notice
from .load import ROW, Dataset
from .personal import PersonalIndex, personal_strings
from .schema import WORKBOOK_OF_SHEET, governors_text_columns

REVIEW_FILE = WORKBOOK_OF_SHEET["Decisions"].file
ACCEPTED, NOT_A_BREACH = "Accepted risk", "Not a breach"


def _day(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _unreadable(data: Dataset, row: int, column: str) -> bool:
    """Whether that cell of the Decisions sheet could not be read (a DQ-02 finding says so already)."""
    return any(c.sheet == "Decisions" and c.row == row and c.column == column for c in data.cell_faults)


def _notice(data: Dataset, row: int, column: str, detail: str) -> Notice:
    """A decision that could not be applied, its cell named first (``cell A5: ...``)."""
    where = data.cell("Decisions", column, row) or f"row {row}"
    return Notice("dpo-decision", f"cell {where}: {detail}", REVIEW_FILE, "Decisions", row, None, column)


def apply_decisions(
    findings: list[Finding], data: Dataset, as_of: pd.Timestamp, not_assessed=(), undecided=()
) -> tuple[list[Finding], list[Notice]]:
    """Findings with the DPO's decisions applied (matched on their IDs, case aside), and a notice for each
    decision that could not be applied: an ID no finding has, no readable decision, an unreadable Review by.

    A repeated Finding ID is a DQ-03 finding; its first row is the decision kept.
    """
    frame = data.frames.get("Decisions")
    if frame is None or frame.empty:
        return findings, []
    notices: list[Notice] = []
    decisions: dict[str, tuple[Decision, bool]] = {}
    for row in frame.itertuples(index=False):
        values = dict(zip(frame.columns, row))
        finding_id, excel_row = _text(values["Finding ID"]), int(values[ROW])
        if finding_id is None or finding_id.casefold() in decisions:
            continue  # DQ-03 names a blank or repeated Finding ID
        choice = _text(values["Decision"])
        if choice is None:
            notices.append(
                _notice(data, excel_row, "Decision",
                        f"the decision for {finding_id} is blank or not one of {ACCEPTED}, {NOT_A_BREACH}: "
                        "it is not applied")
            )  # fmt: skip
            continue
        if _unreadable(data, excel_row, "Review by"):
            notices.append(
                _notice(data, excel_row, "Review by",
                        f"the Review by of the decision for {finding_id} could not be read as a date, so whether "
                        "it is still in force is unknown: it is not applied")
            )  # fmt: skip
            continue
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
        decisions[finding_id.casefold()] = (decision, in_force)

    out, used = [], set()
    for f in findings:
        key = f.id.casefold()
        if key not in decisions:
            out.append(f)
            continue
        used.add(key)
        decision, in_force = decisions[key]
        if in_force:
            out.append(replace(f, decision=decision))
        else:
            lapsed = (
                f"; the DPO's decision ({decision.decision}, review by "
                f"{pd.Timestamp(decision.review_by):%d/%m/%Y}) has lapsed, so it counts again"
            )
            out.append(
                replace(
                    f,
                    lapsed_decision=decision,
                    message=f.message + lapsed,
                    detail=None if f.detail is None else f.detail + lapsed,
                )
            )
    for key, (decision, _) in decisions.items():
        if key not in used:
            finding_id = frame.loc[frame[ROW] == decision.row, "Finding ID"].iloc[0]
            why = _why_no_finding(finding_id, not_assessed, undecided)
            joined = ":" if why.startswith("not assessed") else ","
            notices.append(_notice(data, decision.row, "Finding ID", f"the decision names {finding_id}{joined} {why}"))
    return out, sorted(notices, key=lambda n: n.row or 0)


def _why_no_finding(finding_id: str, not_assessed, undecided) -> str:
    """Why a decision's Finding ID matched no finding, as its notice says it: its rule was not assessed this run
    (the workbook could not be read), its record could not be decided (a cell it needs could not be read), or
    neither: resolved since, or mistyped."""
    rule = finding_id.split(":", 1)[0].strip().upper()
    blocked = next((n for n in not_assessed if n.rule == rule), None)
    if blocked is not None:
        return f"not assessed this run: {blocked.reason}; the decision is not applied, and applies again once it is"
    waiting = next((u for u in undecided if u.id.casefold() == finding_id.casefold()), None)
    if waiting is not None:
        on = ", ".join(waiting.waits_on) or "a cell that could not be read"
        return f"which could not be checked this run until the entries are fixed ({on}): it is not applied this run"
    return "which no finding of this audit has (resolved since, or mistyped): it is not applied"


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


#: The kind of notice for a cell of the DPO's review, written for governors, that holds a personal value.
PERSONAL_TEXT = "dpo-text-personal-data"


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
                notices.append(Notice(PERSONAL_TEXT, detail, REVIEW_FILE, sheet, int(row), None, column.header))
    return notices
