"""Text a person writes for governors, checked as governors-page.md says (lks_audit/personal.py): a student's
full name or first name (a capitalised whole word; a month or a day is not a name), a Student or Staff ID, a
staff member's full name or surname after a title are refused, naming the word and the cell; a staff name is
allowed only as an action's Owner. In the DPO's review (a notice, which stops the report) and in an action plan
the next plan would carry (the report's refusals). No kernel: the review is built as the notebook builds it."""

from __future__ import annotations

import datetime as dt

import openpyxl

from lks_audit.handover import ReportParameters
from lks_audit.outputs.action_plan import HEADER_ROW, PLAN_SHEET, action_plan_bytes
from lks_audit.outputs.review_data import load_review
from lks_audit.personal import STAFF_NAMES, PersonalIndex

from school import SIGNED_POLICY, audit_rows, d, write_school

CONSENT = [
    {"Student ID": "ST9001", "Student name": "Amelia Hartwell", "Form received on": d(2019, 9, 5)},
    {"Student ID": "ST9002", "Student name": "May Oliver", "Form received on": d(2019, 9, 5)},
]
STAFF = [{"Staff ID": "S001", "Name": "Helen Parry", "Type": "Employee", "Start date": d(2018, 9, 1)}]


def notices(**areas) -> list[str]:
    rows = [{"Area": "Images and consent", "Assurance": "Limited", **areas}]
    result = audit_rows(Policy=[SIGNED_POLICY], Consent=CONSENT, Staff=STAFF, Areas=rows)
    return [n.message for n in result.notices]


def test_a_first_name_in_the_dpos_text_is_refused_naming_the_word_and_the_cell():
    assert notices(Commentary="Amelia's photo was removed and Oliver's caption edited.") == [
        "dpo_review.xlsx, sheet Areas: cell C2 (Commentary) holds a student's first name ('Amelia') from the data; "
        "governors would read it, so reword it without names or IDs"
    ]


def test_a_month_or_a_day_is_not_a_name_and_a_lower_case_word_is_not_a_first_name():
    # "May" is a student's first name in this school, and a month; "oliver" is not written as a name.
    assert notices(Commentary="Posts were checked in May and on Monday; an oliver tree was pictured.") == []


def test_a_staff_surname_after_a_title_or_a_staff_name_is_refused_in_the_dpos_text():
    assert notices(Evidence="Minutes taken by Mrs Parry") == [
        "dpo_review.xlsx, sheet Areas: cell D2 (Evidence) holds a staff member's surname after a title "
        "('Mrs Parry') from the data; governors would read it, so reword it without names or IDs"
    ]
    assert notices(Evidence="Minutes taken by Helen Parry")[0].startswith(
        "dpo_review.xlsx, sheet Areas: cell D2 (Evidence) holds a staff name ('Helen Parry')"
    )
    assert notices(Evidence="Minutes taken by Parry, clerk") == [], "a surname alone is not refused"


def test_the_index_finds_each_kind_and_lets_the_owner_name_staff():
    index = PersonalIndex(
        {"Amelia Hartwell": "a student name", "Helen Parry": "a staff name", "ST9001": "a Student ID"}
    )
    assert index.found_in("Dr. Parry and AMELIA") == [
        "a student's first name ('AMELIA')",
        "a staff member's surname after a title ('Dr. Parry')",
    ]
    assert index.found_in("Mrs Parry (Head)", allow=STAFF_NAMES) == []
    assert index.found_in("Helen Parry", allow=STAFF_NAMES) == []
    assert index.found_in("Helen Parry with st9001", allow=STAFF_NAMES) == ["a Student ID ('st9001')"]


def test_an_action_plans_owner_may_name_staff_but_its_other_cells_may_not(tmp_path):
    """A staff name is allowed only in the Owner column: "Mrs Parry (Head)" and "Helen Parry" as owners pass; the
    same names in Notes or the Management response are refused, each naming its cell."""
    policy = {**SIGNED_POLICY, "Next review due": d(2026, 7, 1)}  # POL-01: one action to edit
    folder = write_school(tmp_path / "data", Policy=[policy], Consent=CONSENT, Staff=STAFF)
    first = load_review(
        ReportParameters(data_dir=folder, year="2025-26", as_of="2026-07-20", meeting_date="2026-09-30")
    )
    plan = tmp_path / "action-plan.xlsx"
    plan.write_bytes(action_plan_bytes(first.plan.plan, "LKS", "2025-26", "2026-07-20", dt.date(2026, 9, 30)))

    def edited(**cells) -> list[str]:
        book = openpyxl.load_workbook(plan)
        ws = book[PLAN_SHEET]
        header = [c.value for c in ws[HEADER_ROW]]
        for column, value in cells.items():
            ws.cell(HEADER_ROW + 1, header.index(column) + 1).value = value
        book.save(plan)
        review = load_review(
            ReportParameters(
                data_dir=folder, year="2025-26", as_of="2026-07-20", replaced_plan=str(plan), meeting_date="2026-09-30"
            )
        )
        return review.refusals

    assert edited(Owner="Mrs Parry (Head)", Notes="Booked for May") == []
    assert edited(Owner="Helen Parry") == []
    refused = edited(Owner="Clerk", Notes="Mrs Parry will book it")
    assert refused == [
        f"{plan}, sheet Action plan, cell L5 (Notes) holds a staff member's surname after a title ('Mrs Parry') "
        "from the data; the new action plan would carry it to governors, so reword it without names or IDs"
    ]
    refused = edited(Notes=None, **{"Management response": "Agreed with Amelia's family"})
    assert refused == [
        f"{plan}, sheet Action plan, cell K5 (Management response) holds a student's first name ('Amelia') from the "
        "data; the new action plan would carry it to governors, so reword it without names or IDs"
    ]
