"""Unknown is not blank (rules.md): for every rule, a cell a finding's record needs turned unreadable never hides
the finding nor invents one. The finding stays, turns "to confirm", or its record is undecided.

The sample school is read once into memory; each run turns, for every firm finding at once, the k-th cell its
record needs (its own row's columns the rule reads, then the rows it looks up: the poster's Staff row, the
account, the application, the student's consent forms, a closure day) into what a person might leave there:
a date that is no date, an ``x`` in a Yes/No column, a word not in the list, a formula never calculated.
"""

from __future__ import annotations

import pytest

from lks_audit.audit import closures_of, run_rules
from lks_audit.context import make_context
from lks_audit.load import dataset_from_cells
from lks_audit.read import uncalculated
from lks_audit.rules import REGISTRY, load_all_rules
from lks_audit.schema import SHEETS, WORKBOOK_OF_SHEET, Kind

from school import (
    SAMPLE_AS_OF,
    SAMPLE_SCHOOL,
    SAMPLE_YEAR,
    firm_findings,
    nothing_hidden_or_invented,
    read_sample_cells,
)

#: What an unreadable cell of each kind holds here: what people leave in workbooks.
UNREADABLE = {
    Kind.DATE: "31/02/2026",
    Kind.DATETIME: "31/02/2026 10:00",
    Kind.YESNO: "x",
    Kind.CHOICE: "Maybe",
    Kind.ID: uncalculated('"S"&ROW()'),
    Kind.IDS: uncalculated('"S"&ROW()'),
    Kind.TEXT: uncalculated("A1&B1"),
}
#: Rules whose findings have a record to make unreadable (DQ-01, DQ-02 and DQ-06 name no cell of a record).
SKIPPED = ("DQ-01", "DQ-02", "DQ-06")


@pytest.fixture(scope="module")
def sample_cells() -> dict:
    return read_sample_cells()


def _audit(cells):
    data = dataset_from_cells(cells, SAMPLE_SCHOOL)  # with the sample's platform archives: the EVD rules in play
    return data, run_rules(data, make_context(SAMPLE_YEAR, SAMPLE_AS_OF, closures=closures_of(data)))


@pytest.fixture(scope="module")
def clean(sample_cells):
    return _audit(sample_cells)


def _rows_of(frame, column, values) -> list[int]:
    """Excel rows of ``frame`` whose ``column`` is one of ``values`` (ids columns: holds one of them)."""
    values = {v for v in values if v}
    if not values:
        return []
    hit = frame[column].map(lambda v: bool(values & set(v)) if isinstance(v, tuple) else v in values)
    return frame.loc[hit.astype(bool), "_row"].astype(int).tolist()


def _needed_cells(f, data) -> list[tuple[str, int, str]]:
    """The cells a finding's record needs, as (sheet, Excel row, column): its own row's columns the rule reads,
    then the cells of the rows it looks up."""
    rule = REGISTRY[f.rule]
    if f.rule.startswith("DQ-"):
        own = [f.column] + ([f.part.removeprefix("before ")] if f.part and f.part.startswith("before ") else [])
        return [(f.sheet, f.row, c) for c in own]
    cells = [(f.sheet, f.row, c) for c in rule.needs.get(f.sheet, ()) if f.row is not None]
    cells += [c for c in f.rests_on if len(c) == 3 and (c[0], c[1]) != (f.sheet, f.row) and c[1] is not None]
    if f.row is None:
        return cells
    frames = data.frames
    mine = frames[f.sheet][frames[f.sheet]["_row"] == f.row].iloc[0]
    looked_up = []
    if "Staff" in rule.needs and f.sheet != "Staff":
        ids = [mine.get(c) for c in ("Posted by", "Lead staff")] + list(mine.get("Administrators") or ())
        looked_up += [("Staff", r) for r in _rows_of(frames["Staff"], "Staff ID", ids)[:3]]
    if "Accounts" in rule.needs and f.sheet == "Posts":
        looked_up += [("Accounts", r) for r in _rows_of(frames["Accounts"], "Account ID", [mine["Account ID"]])]
    if "Applications" in rule.needs and f.sheet == "Accounts":
        apps = frames["Applications"]
        looked_up += [("Applications", r) for r in _rows_of(apps, "Application ID", [mine["Application ID"]])]
    if "Consent" in rule.needs and f.student:
        looked_up += [("Consent", r) for r in _rows_of(frames["Consent"], "Student ID", [f.student])[:3]]
    if f.sheet == "Staff" and f.rule in ("TRN-01", "TRN-02"):  # where they are named an account user
        for sheet, column in (("Posts", "Posted by"), ("Interactions", "Responded by"), ("Accounts", "Administrators")):
            looked_up += [(sheet, r) for r in _rows_of(frames[sheet], column, [f.record])[:1]]
    for sheet, row in looked_up:
        cells += [(sheet, row, c) for c in rule.needs.get(sheet, ()) if (sheet, row, c) not in cells]
    if f.rule in ("INT-01", "INT-02", "INC-02"):  # a working-day deadline: any closure day may be it
        cells.append(("Closures", int(frames["Closures"]["_row"].iloc[0]), "Date"))
    return cells


def _made_unreadable(cells: dict, targets) -> dict:
    out = {
        file: {sheet: [list(row) for row in rows] for sheet, rows in sheets.items()} for file, sheets in cells.items()
    }
    for sheet, row, column in targets:
        rows = out[WORKBOOK_OF_SHEET[sheet].file][sheet]
        if column not in rows[0]:  # a column the sample leaves out (DQ-01)
            continue
        at = rows[0].index(column)
        rows[int(row) - 1][at] = UNREADABLE[SHEETS[sheet].column(column).kind]
    return out


def test_every_rule_keeps_its_findings_when_a_cell_they_need_turns_unreadable(sample_cells, clean):
    """Each run also turns a cell of a few rows with no finding unreadable: no firm finding may come of it."""
    data, before = clean
    load_all_rules()
    firm = [f for f in firm_findings(before) if f.rule not in SKIPPED]
    needed = {f.id: _needed_cells(f, data) for f in firm}
    assert {f.rule for f in firm} == set(REGISTRY) - set(SKIPPED)  # every rule in play
    runs = max(map(len, needed.values()))
    assert runs >= 5
    # Rows with no finding at all, a few per sheet: a cell of theirs turned unreadable must invent nothing either.
    with_findings = {(f.sheet, f.row) for f in before.findings}
    quiet = {
        sheet: [r for r in frame["_row"].tolist() if (sheet, r) not in with_findings][:2]
        for sheet, frame in data.frames.items()
        if sheet in SHEETS and sheet not in ("Areas", "Decisions")
    }
    totals = {"firm": 0, "to confirm": 0, "undecided": 0}
    for k in range(runs):
        targets = {cells[k] for cells in needed.values() if k < len(cells)}
        targets |= {(sheet, r, SHEETS[sheet].columns[k].header) for sheet, rows in quiet.items() for r in rows
                    if k < len(SHEETS[sheet].columns)}  # fmt: skip
        _, after = _audit(_made_unreadable(sample_cells, targets))
        asked = {i for i, cells in needed.items() if k < len(cells)}
        for outcome, n in nothing_hidden_or_invented(before, after, kept=asked).items():
            totals[outcome] += n
    # Each outcome happens: the test is not passing by one route only.
    assert all(totals.values()), totals
