"""A published action plan read back and carried, on real .xlsx files: by header (whatever their order,
old headers included), rows added by hand kept, columns added by hand kept, and what a run wrote itself
never passed off as a person's edit."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd

from lks_audit.outputs.action_plan import PLAN_SHEET, Plan, action_plan_bytes
from lks_audit.outputs.plan_carry import build_plan, last_year_actions, read_plan
from lks_audit.rules import load_all_rules

AS_OF, MEETING = dt.date(2026, 7, 20), dt.date(2026, 9, 30)


def action(rule: str, severity="high") -> dict:
    """One entry as action_rows gives it (the rule's own suggested owner)."""
    return {
        "rule": rule,
        "area": "Governance and accounts",
        "severity": severity,
        "of_base": "1 of 1 policy record",
        "clause": "The policy is reviewed every year.",
        "action": "Review the policy.",
        "owner": load_all_rules()[rule].owner,
        "due": pd.Timestamp(MEETING),
    }


def written(path, plan: Plan):
    path.write_bytes(action_plan_bytes(plan, "LKS", "2025-26", AS_OF, MEETING))
    return path


def test_a_plan_is_read_by_its_headers_whatever_their_order_and_keeps_added_columns(tmp_path):
    path = written(tmp_path / "plan.xlsx", build_plan([action("POL-01"), action("POL-02", "medium")]).plan)
    book = openpyxl.load_workbook(path)
    ws = book[PLAN_SHEET]
    ws.move_range("L4:L6", cols=3)  # Notes moved three columns right, past an empty one
    ws["P4"], ws["P5"] = "RAG", "Amber"  # a column of the DPO's own
    ws["O5"] = "Booked for the autumn meeting"
    ws.insert_rows(2)  # and a line added above the table
    ws["A2"] = "Our own heading"
    book.save(path)

    read = read_plan(path)
    assert read.extra_headers == ("RAG",)
    pol01 = read.rule_rows(PLAN_SHEET)["POL-01"]
    assert (pol01.cells["Notes"], pol01.cells["RAG"], pol01.cell("Notes")) == (
        "Booked for the autumn meeting",
        "Amber",
        "O6",
    )
    carried = build_plan([action("POL-01")], replaced=read).plan
    assert carried.extra_headers == ("RAG",)
    (row,) = carried.rows
    assert (row["Notes"], row["RAG"], row["Status"]) == ("Booked for the autumn meeting", "Amber", "Open")
    again = read_plan(written(tmp_path / "again.xlsx", carried))
    assert again.rule_rows(PLAN_SHEET)["POL-01"].cells["RAG"] == "Amber"


def test_an_older_plan_with_a_suggested_owner_column_is_read_as_owner(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Action plan"
    ws.append(["Social media policy action plan"])
    ws.append([])
    ws.append([])
    ws.append(["Rule", "Area", "Severity", "Suggested owner", "Status", "Notes"])
    ws.append(["pol-01", "Governance", "High", "Clerk", "In progress", None])
    book.save(tmp_path / "old.xlsx")
    (row,) = build_plan([action("POL-01")], replaced=read_plan(tmp_path / "old.xlsx")).plan.rows
    assert (row["Owner"], row["Status"]) == ("Clerk", "In progress")


def test_a_second_row_for_a_rule_is_a_row_added_by_hand(tmp_path):
    path = written(tmp_path / "plan.xlsx", build_plan([action("POL-01")]).plan)
    book = openpyxl.load_workbook(path)
    book[PLAN_SHEET].append(["POL-01", None, None, None, None, "Also tell the proprietor", "Clerk"])
    book.save(path)
    carried = build_plan([action("POL-01")], replaced=read_plan(path))
    assert [r["Rule"] for r in carried.plan.rows] == ["POL-01", "POL-01"]
    assert carried.plan.rows[1]["What to do"] == "Also tell the proprietor" and carried.hand_rows == 1
    assert carried.carried_rules == []  # the rule's own row was not edited


def test_a_resolved_row_passes_nothing_of_its_own_to_the_rule_when_it_comes_back(tmp_path):
    last_year = read_plan(written(tmp_path / "last.xlsx", build_plan([action("POL-01")]).plan))
    resolved = build_plan([], last_year=last_year).plan
    assert [(r["Rule"], r["Since last year"], r["Status"]) for r in resolved.rows] == [("POL-01", "Resolved", None)]
    replaced = read_plan(written(tmp_path / "resolved.xlsx", resolved))
    (back,) = build_plan([action("POL-01")], replaced=replaced, last_year=last_year).plan.rows
    assert (back["Since last year"], back["Status"]) == ("Carried over", "Open")


def test_last_years_actions_count_done_case_aside(tmp_path):
    path = written(tmp_path / "last.xlsx", build_plan([action("POL-01"), action("POL-02", "medium")]).plan)
    book = openpyxl.load_workbook(path)
    book[PLAN_SHEET]["J5"] = "done"
    book.save(path)
    ended = last_year_actions([action("POL-02", "medium")], read_plan(path), None)
    assert (ended.actions, ended.done, ended.resolved) == (2, 1, 1)


def test_the_management_response_is_carried_like_owner_status_and_notes(tmp_path):
    """What senior leaders answer to an action (agreed or not, with a comment) is theirs: a re-run keeps it, and a
    rule with nothing open any more keeps it on the closed sheet."""
    path = written(tmp_path / "plan.xlsx", build_plan([action("POL-01"), action("POL-02", "medium")]).plan)
    book = openpyxl.load_workbook(path)
    ws = book[PLAN_SHEET]
    headers = [c.value for c in ws[4]]
    assert headers[headers.index("Status") + 1 : headers.index("Notes")] == ["Management response"]
    column = headers.index("Management response") + 1
    ws.cell(5, column, "Agreed: the clerk books the review for the spring meeting")
    ws.cell(6, column, "Not agreed: the proprietor signs at the next visit")
    book.save(path)
    carried = build_plan([action("POL-01")], replaced=read_plan(path))
    (row,) = carried.plan.rows
    assert row["Management response"] == "Agreed: the clerk books the review for the spring meeting"
    (closed,) = carried.plan.closed
    assert (closed["Rule"], closed["Management response"]) == (
        "POL-02",
        "Not agreed: the proprietor signs at the next visit",
    )
    assert sorted(carried.carried_rules) == ["POL-01", "POL-02"]
    # What was typed there is checked for personal data like the notes are.
    assert {t.column for t in carried.texts} >= {"Management response"}
