"""The action plan workbook (outputs/action_plan.py) as senior leaders use it and governors print it: due dates
on school days (lks_audit/school_days.py) across Christmas, Easter, a bank holiday Monday, a closure day and a
weekend, with the school's own Holidays sheet or the usual English holidays; a critical finding older than a
term due now; the records each row covers, never a child's; and the print setup, read back with openpyxl and
printed by LibreOffice."""

from __future__ import annotations

import datetime as dt
import subprocess

import openpyxl
import pytest

from lks_audit.handover import ReportParameters
from lks_audit.load import load_workbooks
from lks_audit.outputs.action_plan import (
    CHILD_RECORDS,
    HEADER_ROW,
    PLAN_SHEET,
    Plan,
    action_plan_bytes,
    action_rows,
    due_date,
    rule_row,
)
from lks_audit.outputs.review_data import load_review
from lks_audit.school_days import SchoolDays, holidays_of, usual_holidays

from school import SAMPLE_AS_OF, SAMPLE_SCHOOL, SAMPLE_YEAR, SIGNED_POLICY, audit, d, write_school

USUAL = SchoolDays()


@pytest.mark.parametrize(
    "severity, meeting, due, why",
    [
        # A month from Friday 4 December 2026 is Monday 4 January 2027, in the Christmas holidays.
        ("high", d(2026, 12, 4), d(2027, 1, 5), "Christmas"),
        # A month from Monday 1 March 2027 is Thursday 1 April: Easter's fortnight (22 March to 4 April 2027).
        ("high", d(2027, 3, 1), d(2027, 4, 5), "Easter"),
        # A term from Wednesday 3 February 2027 is Monday 3 May 2027, the early May bank holiday.
        ("medium", d(2027, 2, 3), d(2027, 5, 4), "bank holiday Monday"),
        # A year from Friday 4 December 2026 is Saturday 4 December 2027.
        ("advisory", d(2026, 12, 4), d(2027, 12, 6), "weekend"),
        # Two weeks from Wednesday 7 July 2027 is Wednesday 21 July: a school day.
        ("critical", d(2027, 7, 7), d(2027, 7, 21), "a school day"),
        # A year from Thursday 6 August 2026 is in August 2027: the summer holidays end on the 31st (a Tuesday).
        ("advisory", d(2026, 8, 6), d(2027, 9, 1), "summer"),
    ],
)
def test_due_dates_are_school_days_with_the_usual_holidays(severity, meeting, due, why):
    assert due_date(severity, meeting, USUAL) == due, why
    assert USUAL.is_school_day(due) and due >= meeting


def test_a_closure_day_moves_a_due_date_to_the_next_school_day():
    closed = SchoolDays(closures=[d(2027, 5, 4)])  # the Tuesday after the bank holiday
    assert due_date("medium", d(2027, 2, 3), closed) == d(2027, 5, 5)


def test_the_schools_own_holidays_replace_the_usual_ones():
    # This school goes back on Monday 4 January 2027, and breaks up for Easter on Friday 2 April.
    own = SchoolDays(
        school_holidays=[(d(2026, 12, 21), d(2027, 1, 1), "Christmas"), (d(2027, 4, 5), d(2027, 4, 16), "Easter")]
    )
    assert due_date("high", d(2026, 12, 4), own) == d(2027, 1, 4)
    assert due_date("high", d(2027, 3, 1), own) == d(2027, 4, 1)
    assert due_date("high", d(2027, 3, 5), own) == d(2027, 4, 19)  # 5 April is in its own Easter holidays


def test_now_is_the_meeting_and_five_school_days():
    assert due_date("critical", d(2026, 12, 4), USUAL, now=True) == d(2026, 12, 11)
    # A week before Christmas: five school days run on into January.
    assert due_date("critical", d(2026, 12, 16), USUAL, now=True) == d(2027, 1, 7)
    assert [r for r in usual_holidays([2026]) if r[2] == "Christmas"] == [(d(2026, 12, 20), d(2027, 1, 4), "Christmas")]


def test_a_critical_finding_older_than_a_term_is_due_now(tmp_path):
    """An incident from January, possibly a crime, not reported to the police: due now, not in two weeks."""
    rows = [
        {
            "Incident ID": "INC-OLD",
            "Reported at": dt.datetime(2026, 1, 12, 9),
            "Category": "Bullying",
            "SLT assessment at": dt.datetime(2026, 1, 12, 11),
            "Considered illegal": "Yes",
            "Closed on": d(2026, 2, 1),
        },
        {
            "Incident ID": "INC-NEW",
            "Reported at": dt.datetime(2026, 7, 14, 9),
            "Category": "Bullying",
            "SLT assessment at": dt.datetime(2026, 7, 14, 11),
            "Considered illegal": "Yes",
            "Closed on": d(2026, 7, 15),
        },
    ]
    folder = write_school(tmp_path, Policy=[SIGNED_POLICY], Incidents=rows)
    found = [f for f in audit(folder, as_of="2026-07-20").findings if f.rule == "INC-03"]
    found_on = {f.id: d(2026, 1, 12) if f.record == "INC-OLD" else d(2026, 7, 14) for f in found}
    (row,) = action_rows(found, d(2026, 9, 30), days=USUAL, found_on=found_on)
    assert (row["now"], row["when"], row["due"]) == (True, "Now", d(2026, 10, 7))
    recent = {k: v for k, v in found_on.items() if v == d(2026, 7, 14)}
    (row,) = action_rows([f for f in found if f.id in recent], d(2026, 9, 30), days=USUAL, found_on=recent)
    assert (row["now"], row["when"], row["due"]) == (False, "2 weeks", d(2026, 10, 14))
    # Through the review, the incident's own date decides (its Reported at).
    review = load_review(
        ReportParameters(data_dir=folder, year="2025-26", as_of="2026-07-20", meeting_date="2026-09-30")
    )
    assert review.found_on == {f.id: f_day for f, f_day in ((f, found_on[f.id]) for f in found)}


def test_a_holidays_sheet_is_optional_and_read_when_there(tmp_path):
    plain = write_school(tmp_path / "plain", Policy=[SIGNED_POLICY])
    result = audit(plain)
    assert not [f for f in result.findings if f.rule == "DQ-01"] and result.not_assessed == []
    assert holidays_of(load_workbooks(plain).frames["Holidays"]) == []
    own = write_school(
        tmp_path / "own",
        Policy=[SIGNED_POLICY],
        Holidays=[
            {"From": d(2026, 12, 21), "To": d(2027, 1, 1), "Name": "Christmas"},
            {"From": d(2027, 4, 16), "To": d(2027, 4, 5), "Name": "Easter, typed the wrong way round"},
            {"From": "soon", "To": d(2027, 8, 31), "Name": "Summer"},
        ],
    )
    data = load_workbooks(own)
    assert holidays_of(data.frames["Holidays"]) == [
        (d(2026, 12, 21), d(2027, 1, 1), "Christmas"),
        (d(2027, 4, 5), d(2027, 4, 16), "Easter, typed the wrong way round"),
    ]
    result = audit(own)
    # A date that cannot be read is a DQ-02 like any other; the sheet's parts count in DQ-01's base only when there.
    faults = [(f.rule, f.sheet, f.cell) for f in result.findings if f.rule in ("DQ-01", "DQ-02", "DQ-05")]
    assert faults == [("DQ-02", "Holidays", "A4")]
    assert result.summary["rules"]["DQ-01"]["checked"] == audit(plain).summary["rules"]["DQ-01"]["checked"] + 4
    review = load_review(ReportParameters(data_dir=own, year="2025-26", as_of="2026-07-20", meeting_date="2026-12-04"))
    assert review.school_days.is_school_day(d(2027, 1, 4)) and not review.school_days.is_school_day(d(2027, 1, 1))


@pytest.fixture(scope="module")
def sample_plan(tmp_path_factory):
    review = load_review(
        ReportParameters(data_dir=SAMPLE_SCHOOL, year=SAMPLE_YEAR, as_of=SAMPLE_AS_OF, meeting_date="2026-12-04")
    )
    path = tmp_path_factory.mktemp("plan") / "action-plan.xlsx"
    path.write_bytes(action_plan_bytes(review.plan.plan, review.school, SAMPLE_YEAR, SAMPLE_AS_OF, review.meeting_date))
    return review, path


def test_each_row_names_its_records_but_never_a_child_or_a_person(sample_plan):
    review, path = sample_plan
    ws = openpyxl.load_workbook(path)[PLAN_SHEET]
    header = [c.value for c in ws[HEADER_ROW]]
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if r[0]}
    assert rows["PST-01"]["Records"] == "P-00236, P-00844"
    assert rows["INC-05"]["Records"] == "INC-013, INC-029"
    for rule in ("IMG-01", "IMG-03", "IMG-04", "PST-04"):
        assert rows[rule]["Records"] == CHILD_RECORDS, rule
    assert rows["TRN-01"]["Records"] == "In the DPO's worklist"  # staff, by their IDs: personal
    text = " ".join(str(v) for row in rows.values() for v in row.values() if v is not None)
    students = {f.student for f in review.result.findings if f.student}
    staff = set(load_workbooks(SAMPLE_SCHOOL).frames["Staff"]["Staff ID"].dropna())
    assert students and not [s for s in students | staff if s in text.split(", ") or f" {s} " in f" {text} "]
    # Counted as the governors' page counts them.
    assert rows["IMG-01"]["Findings, of what was checked"] == (
        "6 children in 5 posts (0.6% of the 888 posts with photos of students); 1 more to confirm"
    )
    assert rows["INC-05"]["When"] == "Now" and rows["INC-05"]["Due date"].date() == d(2026, 12, 11)


def test_the_plan_prints_on_a4_landscape_one_page_wide_with_its_header_on_every_page(sample_plan):
    _, path = sample_plan
    book = openpyxl.load_workbook(path)
    assert book.properties.creator.startswith("lks-audit ")
    ws = book[PLAN_SHEET]
    setup = ws.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "landscape", 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert "governors' meeting 04/12/2026" in ws.oddHeader.center.text and "2025-26" in ws.oddHeader.center.text
    assert ws.oddFooter.right.text == "Page &P of &N"
    # The instructions span the table in one wrapped cell, so they never widen a column.
    assert any(str(r) == f"A2:{openpyxl.utils.get_column_letter(ws.max_column)}2" for r in ws.merged_cells.ranges)
    assert ws["A2"].alignment.wrap_text and ws.column_dimensions["A"].width < 10
    assert all(c.alignment.wrap_text for c in ws[HEADER_ROW + 1])
    # Each row as tall as its longest wrapped text (no office program grows a row written by a program).
    heights = [ws.row_dimensions[r].height for r in range(HEADER_ROW + 1, ws.max_row + 1)]
    assert all(heights) and max(heights) >= 3 * min(heights) >= 45
    # A column for the management's response, beside Owner, Status and Notes.
    header = [c.value for c in ws[HEADER_ROW]]
    assert header.index("Management response") == header.index("Status") + 1 == header.index("Notes") - 1


def test_libreoffice_prints_the_plan_landscape_with_its_header_row_and_page_numbers_on_every_page(tmp_path):
    """A plan long enough for several pages, printed to PDF by LibreOffice: every page A4 landscape, one page
    wide, with the print header, the table's header row and its page number."""
    from pypdf import PdfReader

    rows = [
        {"rule": "PST-01", "area": "Content and conduct", "severity": "high", "of_base": "2 of 1,499 posts",
         "records": "P-00236", "clause": "Clause", "action": "Fix it.", "owner": "SLT", "when": "1 month",
         "due": d(2027, 1, 5)}
    ]  # fmt: skip
    plan = Plan(
        [rule_row(rows[0])] + [{"Rule": None, "What to do": f"A row of our own, number {i}"} for i in range(150)]
    )
    path = tmp_path / "action-plan.xlsx"
    path.write_bytes(action_plan_bytes(plan, "Little Kinvaston School", "2025-26", "2026-08-31", d(2026, 12, 4)))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pages = PdfReader(tmp_path / "action-plan.pdf").pages
    assert len(pages) > 1
    for n, page in enumerate(pages, 1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595), n
        text = " ".join(page.extract_text().split())
        assert "governors' meeting 04/12/2026" in text and f"Page {n} of {len(pages)}" in text, n
        assert "Management response" in text and "Policy clause" in text, f"page {n}: header row or a column cut"
