"""What people type, read as data-contract.md's "Reading what people type (additions)" says: dates day first in
the forms a person reads without doubt, ticks and crosses, a trailing full stop; what a person would doubt is
unreadable, and its message names the value found and the forms accepted."""

import datetime as dt

import pytest

from lks_audit.datetext import parse_typed_date

from school import audit_rows, by_rule, d, t

SEP_3 = dt.datetime(2025, 9, 3)


@pytest.mark.parametrize(
    "typed",
    ["3/9/2025", "03/09/25", "03.09.2025", "3-9-2025", "3 Sept 2025", "3rd September 2025", "Wed 3 Sep 2025",
     "2025-09-03", "3 sep 2025", "03-Sep-25", "3 September, 2025"],
)  # fmt: skip
def test_a_date_a_person_reads_without_doubt_is_a_date(typed):
    assert parse_typed_date(typed) == SEP_3


@pytest.mark.parametrize(
    "typed, hour, minute",
    [("3/9/2025 09:30", 9, 30), ("3 Sept 2025 9.30am", 9, 30), ("03.09.2025 9:30 pm", 21, 30),
     ("2025-09-03T09:30:00", 9, 30), ("Wed 3 Sep 2025, 12.05am", 0, 5), ("3rd September 2025 at 12pm", 12, 0)],
)  # fmt: skip
def test_a_date_and_time_adds_the_time_a_person_types(typed, hour, minute):
    assert parse_typed_date(typed) == SEP_3.replace(hour=hour, minute=minute)


@pytest.mark.parametrize(
    "typed",
    ["12/31/2025", "3 Sep", "Sep 2025", "46042", "Mon 3 Sep 2025", "31/02/2026", "3/9/2025 9", "3 Sept 2025 13pm",
     "3 septembre 2025", "3/9/2025 25:00", "x", "2025"],
)  # fmt: skip
def test_what_a_person_would_doubt_is_no_date(typed):
    assert parse_typed_date(typed) is None


def test_messages_name_the_value_and_the_forms_accepted():
    result = audit_rows(
        Staff=[
            {"Staff ID": "S1", "Start date": 46042},
            {"Staff ID": "S2", "Start date": "Mon 3 Sep 2025"},
            {"Staff ID": "S3", "Start date": d(2020, 1, 1), "Policy read on": "soon"},
        ],
        Accounts=[{"Account ID": "ACC-1", "Credentials stored securely": "x", "Tagging disabled": "✓"}],
        Posts=[{"Post ID": "P1", "Posted at": "3 Sept 2025 25.00"}],
    )
    problems = {f.cell: f.detail for f in by_rule(result, "DQ-02")}
    forms = "a date, day first (such as 03/09/2025, 3 Sep 2025 or 2025-09-03)"
    assert problems["E2"] == (
        "'46042' is a number, not a date: format the cell as a date (as a date it would read 20/01/2026); "
        f"expected {forms}"
    )
    assert problems["E3"] == f"'Mon 3 Sep 2025' is not {forms}"  # 3 September 2025 was a Wednesday
    assert problems["G4"] == f"'soon' is not {forms}"
    assert problems["L2"] == (
        "'x' is not Yes or No (or Y/N, True/False, 1/0, a tick ✓ or a cross ✗): an x means Yes in a tick box and "
        "No in a list, so type Yes or No"
    )
    assert problems["C2"].startswith("'3 Sept 2025 25.00' is not a date and time, day first (such as ")
    assert "N2" not in problems  # a tick is Yes
    assert result.summary["rules"]["ACC-10"]["findings"] == 0


@pytest.mark.parametrize(
    "typed, reads",
    [("✓", True), ("✔", True), ("☑", True), ("✔️", True), ("Yes.", True),
     ("✗", False), ("✘", False), ("☒", False), ("No.", False), ("n.", False)],
)  # fmt: skip
def test_ticks_crosses_and_a_trailing_full_stop_are_yes_and_no(typed, reads):
    result = audit_rows(Accounts=[{"Account ID": "ACC-1", "Tagging disabled": typed}])
    assert by_rule(result, "DQ-02") == []
    assert len(by_rule(result, "ACC-10")) == (0 if reads else 1)


def test_a_date_and_time_in_a_date_column_is_that_day():
    result = audit_rows(Staff=[{"Staff ID": "S1", "Start date": "3 Sept 2025 09:30"}])
    assert by_rule(result, "DQ-02") == []


def test_undated_time_is_no_date():
    result = audit_rows(
        Posts=[{"Post ID": "P1", "Posted at": t(2026, 1, 5, 10)}, {"Post ID": "P2", "Posted at": "9:30"}]
    )
    assert [f.cell for f in by_rule(result, "DQ-02")] == ["C3"]
