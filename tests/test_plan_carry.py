"""A published action plan read back and carried, on real .xlsx files: by header (whatever their order,
old headers included), rows added by hand kept, columns added by hand kept, and what a run wrote itself
never passed off as a person's edit."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from lks_audit.outputs.action_plan import COLUMNS, PLAN_SHEET, Plan, action_plan_bytes
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


# --- two years, each label honest (issue 18) -----------------------------------------------------------------

MANAGEMENT = "Management response"
#: The same policy both years: past its review (POL-01) and not signed by the proprietor (POL-02).
OLD_POLICY = {
    "Policy version": "2024.1",
    "Approved on": dt.date(2024, 7, 15),
    "Next review due": dt.date(2025, 7, 15),
    "Signed by chair of governors on": dt.date(2024, 7, 16),
}
LATE_ADMIN = {"Staff ID": "S001", "Name": "Jane Teacherson", "Type": "Employee", "Start date": dt.date(2018, 9, 1)}


def events(first: int) -> dict:
    """One event in each log in the year starting in ``first`` (no DQ-06)."""
    on = dt.datetime(first + 1, 1, 5, 10)
    return {
        "Posts": [{"Post ID": "P-EVENT", "Posted at": on}],
        "Interactions": [{"Interaction ID": "I-EVENT", "Received at": on}],
        "Incidents": [{"Incident ID": "INC-EVENT", "Reported at": on}],
    }


def accept(finding_id, decided_on, review_by):
    return {"Finding ID": finding_id, "Decision": "Accepted risk", "Reason": "Agreed with governors",
            "Decided by": "DPO", "Decided on": decided_on, "Review by": review_by}  # fmt: skip


def edit(path, rules: dict[str, dict], added: list[dict] = ()) -> None:
    """Type into a plan as a person would in Excel: cells of rules' rows, a column of one's own, rows at the end."""
    book = openpyxl.load_workbook(path)
    ws = book[PLAN_SHEET]
    header = [c.value for c in ws[4]]
    for name in {k for cells in [*rules.values(), *added] for k in cells} - set(header):
        header.append(name)
        ws.cell(4, len(header), name)
    for row in ws.iter_rows(min_row=5):
        for column, value in rules.get(row[0].value, {}).items():
            ws.cell(row[0].row, header.index(column) + 1, value)
    for values in added:
        line = ws.max_row + 1
        for column, value in values.items():
            ws.cell(line, header.index(column) + 1, value)
    book.save(path)


@pytest.fixture(scope="module")
def two_years(tmp_path_factory) -> dict:
    """2024-25 (POL-01 and POL-02 accepted as risks after the year ended; TRN-03 and TRN-04 open), its plan edited
    (an owner, a management response, statuses, three rows of the school's own); then 2025-26, where POL-01's
    acceptance has lapsed, POL-02's was renewed and TRN-04 is fixed."""
    from lks_audit.handover import ReportParameters
    from lks_audit.outputs.findings_json import findings_json_text
    from lks_audit.outputs.review_data import load_review

    from school import write_school

    work = tmp_path_factory.mktemp("plan-two-years")
    first = write_school(
        work / "2024-25", Policy=[OLD_POLICY], Staff=[LATE_ADMIN], **events(2024),
        Decisions=[accept("POL-01:2024.1", "10/09/2025", "31/03/2026"),
                   accept("POL-02:2024.1", "10/09/2025", "30/06/2026")],
    )  # fmt: skip
    last = load_review(ReportParameters(data_dir=first, year="2024-25", as_of="2025-08-31", meeting_date="2025-10-01"))
    (work / "findings.json").write_text(findings_json_text(last.result))
    plan = work / "action-plan.xlsx"
    plan.write_bytes(action_plan_bytes(last.plan.plan, "LKS", "2024-25", "2025-08-31", "2025-10-01"))
    edit(
        plan,
        {
            "TRN-03": {"Owner": "Deputy head", MANAGEMENT: "Agreed: training in the autumn", "Status": "In progress",
                       "Notes": "Half the staff done"},
            "TRN-04": {"Status": "Done"},
        },
        added=[
            {"Rule": "OWN-1", "What to do": "Buy a password manager", "Owner": "Bursar", "Status": "Open"},
            {"Rule": "OWN-2", "What to do": "Write a photo guide", "Owner": "Office", "Status": "In progress",
             "Notes": "Draft with the head"},
            {"Rule": "OWN-3", "What to do": "Tell parents", "Owner": "Head", "Status": "Done"},
        ],
    )  # fmt: skip
    fixed = dict(LATE_ADMIN, **{"Annual declaration on": dt.date(2026, 6, 1)})
    second = write_school(
        work / "2025-26", Policy=[OLD_POLICY], Staff=[fixed], **events(2025),
        Decisions=[accept("POL-01:2024.1", "10/09/2025", "31/03/2026"),
                   accept("POL-02:2024.1", "10/09/2025", "30/06/2026"),
                   accept("POL-02:2024.1", "01/07/2026", "30/06/2027")],  # renewed: a new row, the history kept
    )  # fmt: skip
    this = load_review(
        ReportParameters(data_dir=second, year="2025-26", as_of="2026-08-31", previous=str(work / "findings.json"),
                         meeting_date="2026-10-14"),
        previous_plan=str(plan),
    )  # fmt: skip
    return {"last": last, "this": this, "plan": plan, "work": work, "second": second}


def rows_by_rule(rv) -> dict:
    return {r["Rule"]: r for r in rv.plan.plan.rows}


def test_an_accepted_risk_keeps_its_row_and_is_not_resolved(two_years):
    last = rows_by_rule(two_years["last"])
    assert (last["POL-02"]["Status"], last["POL-02"]["Due date"]) == ("Accepted risk", dt.date(2026, 6, 30))
    assert last["POL-02"]["Findings, of what was checked"] == "1 of 1 policy accepted as a risk"  # governors' words
    row = rows_by_rule(two_years["this"])["POL-02"]
    assert (row["Since last year"], row["Status"], row["Due date"]) == (
        "Carried over (accepted risk)",
        "Accepted risk",
        dt.date(2027, 6, 30),  # the earliest Review by in force: the renewal's
    )


def test_a_lapsed_acceptance_is_carried_over_not_new(two_years):
    row = rows_by_rule(two_years["this"])["POL-01"]
    assert (row["Since last year"], row["Status"], row["Last year's status"]) == ("Carried over", "Open",
                                                                                   "Accepted risk")  # fmt: skip
    # Without last year's plan, last year's findings.json says the same (its finding was accepted, not absent).
    from lks_audit.handover import ReportParameters
    from lks_audit.outputs.review_data import load_review

    alone = load_review(ReportParameters(data_dir=two_years["second"], year="2025-26", as_of="2026-08-31",
                                         previous=str(two_years["work"] / "findings.json"),
                                         meeting_date="2026-10-14"))  # fmt: skip
    assert rows_by_rule(alone)["POL-01"]["Since last year"] == "Carried over"
    assert rows_by_rule(alone)["POL-02"]["Since last year"] == "Carried over (accepted risk)"


def test_a_carried_over_row_keeps_last_years_owner_and_response_beside_a_fresh_status(two_years):
    row = rows_by_rule(two_years["this"])["TRN-03"]
    assert (row["Owner"], row[MANAGEMENT], row["Status"], row["Notes"]) == (
        "Deputy head", "Agreed: training in the autumn", "Open", None)  # fmt: skip
    assert (row["Last year's status"], row["Last year's notes"]) == ("In progress", "Half the staff done")
    # The plan's own column now (issue 16), carried like Owner, Status and Notes: not a column a person added.
    assert MANAGEMENT not in two_years["this"].plan.plan.extra_headers and MANAGEMENT in dict(COLUMNS)


def test_rows_added_by_hand_carry_into_next_year_unless_done(two_years):
    rows = rows_by_rule(two_years["this"])
    assert [(r, rows[r]["Owner"], rows[r]["Status"], rows[r]["Notes"], rows[r]["Since last year"])
            for r in ("OWN-1", "OWN-2")] == [
        ("OWN-1", "Bursar", "Open", None, "Carried over"),
        ("OWN-2", "Office", "In progress", "Draft with the head", "Carried over"),
    ]  # fmt: skip
    assert "OWN-3" not in rows and two_years["this"].plan.hand_rows == 2


def test_governors_count_last_years_actions_with_the_rows_added_by_hand(two_years):
    ended = two_years["this"].last_year_actions
    # 8 rules (POL-01 and POL-02 accepted, TRN-03, TRN-04 and the four the bare events give) and 3 rows of the
    # school's; TRN-04 and OWN-3 done; only TRN-04 has nothing there now (POL-02 is still there, accepted).
    assert (ended.actions, ended.done, ended.resolved, ended.from_checks) == (11, 2, 1, 8)
    assert rows_by_rule(two_years["this"])["TRN-04"]["Since last year"] == "Resolved"


def test_a_rule_not_checked_keeps_its_row_edits_and_status(two_years, tmp_path):
    """The same year run again with the staff workbook misnamed: TRN-03 was not checked, so it is not closed."""
    import shutil

    from lks_audit.handover import ReportParameters
    from lks_audit.outputs.review_data import load_review

    this = two_years["this"]
    replaced = tmp_path / "action-plan.xlsx"
    replaced.write_bytes(action_plan_bytes(this.plan.plan, "LKS", "2025-26", "2026-08-31", "2026-10-14"))
    edit(replaced, {"TRN-03": {"Status": "In progress", "Notes": "Booked for November"}})
    data = shutil.copytree(two_years["second"], tmp_path / "data")
    (data / "staff_training.xlsx").rename(data / "staff-training-OLD.xlsx")
    again = load_review(
        ReportParameters(data_dir=data, year="2025-26", as_of="2026-08-31",
                         previous=str(two_years["work"] / "findings.json"), replaced_plan=str(replaced),
                         meeting_date="2026-10-14"),
        previous_plan=str(two_years["plan"]),
    )  # fmt: skip
    row = rows_by_rule(again)["TRN-03"]
    assert (row["Since last year"], row["Status"], row["Notes"], row["Owner"]) == (
        "Not checked this run", "In progress", "Booked for November", "Deputy head")  # fmt: skip
    assert row["Findings, of what was checked"].startswith("Not checked this run: staff_training.xlsx is missing")
    assert "TRN-03" not in {r["Rule"] for r in again.plan.plan.closed}
    assert again.last_year_actions.resolved == 0  # TRN-04 not checked either: that is not "nothing open"
    # Rows added by hand are carried once, not again from last year's plan.
    assert [r["Rule"] for r in again.plan.plan.rows].count("OWN-1") == 1


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_a_plan_saved_in_another_office_format_reads_the_same(two_years, tmp_path, fmt):
    import subprocess

    from lks_audit.files import plan_to_carry

    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", fmt,
         "--outdir", str(tmp_path), str(two_years["plan"])],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    saved = tmp_path / f"action-plan.{fmt}"
    as_xlsx, as_other = read_plan(two_years["plan"]), read_plan(saved)
    for sheet in as_xlsx.rows:
        assert [r.cells for r in as_other.rows[sheet]] == [r.cells for r in as_xlsx.rows[sheet]], sheet
    assert as_other.extra_headers == as_xlsx.extra_headers == ()  # Management response is one of the plan's
    # In a published set, the plan a person saved (not written by lks-audit) is the one carried.
    assert plan_to_carry(tmp_path) == saved
