"""Forgiving about layout, strict about meaning: title rows above the header, renamed sheets, extra
columns, IDs in any case and month-first dates, each read with a note or a hint, never guessed silently."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace

import openpyxl
import pytest

from lks_audit.audit import audit_folder, closures_of, findings_of, run_rules
from lks_audit.context import make_context
from lks_audit.load import column_letter, dataset_from_cells, load_workbooks
from lks_audit.schema import SHEETS

from school import EVENTS_2025_26, SAMPLE_AS_OF, SAMPLE_SCHOOL, SAMPLE_YEAR, audit_rows, by_rule, d, t, write_school


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lks_audit", *map(str, args)], capture_output=True, text=True, timeout=180
    )


def _moved_down(f, rows: int):
    """A finding of the Posts sheet as it reads once ``rows`` title rows stand above the header."""
    if f.sheet != "Posts":
        return f
    shift = {f.row: f.row + rows} if f.row else {}
    if f.cell:
        letters, number = re.match(r"([A-Z]+)(\d+)", f.cell).groups()
        shift[f"{letters}{number}"] = f"{letters}{int(number) + rows}"
    message = re.sub(r"(?<=first on row )(\d+)", lambda m: str(int(m.group(1)) + rows), f.message)
    for old, new in shift.items():
        if isinstance(old, str):
            message = message.replace(f"cell {old}", f"cell {new}")
    cell = shift.get(f.cell) if f.cell else None
    return replace(f, row=f.row + rows if f.row else f.row, cell=cell, message=message)


def test_title_rows_and_a_renamed_sheet_give_the_same_findings_with_notices(tmp_path, sample_audit):
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_SCHOOL, folder)
    book = openpyxl.load_workbook(folder / "posts_log.xlsx")
    book["Posts"].insert_rows(1, 2)
    book["Posts"]["A1"] = "Posts on school accounts, 2025-26"
    book.save(folder / "posts_log.xlsx")
    book = openpyxl.load_workbook(folder / "staff_training.xlsx")
    book["Staff"].title = "Sheet1"
    book.save(folder / "staff_training.xlsx")

    data, result = audit_folder(folder, SAMPLE_YEAR, SAMPLE_AS_OF)
    expected = [_moved_down(f, 2).to_dict() for f in sample_audit.findings]
    assert [f.to_dict() for f in result.findings] == expected
    assert [n.message for n in data.notices] == [
        "staff_training.xlsx, sheet Staff: the workbook's sheet 'Sheet1' is read as this sheet (its header row "
        "matches); rename it 'Staff'",
        "posts_log.xlsx, sheet Posts: the header row is row 3; rows 1 to 2 above it are read as a title and ignored",
    ]
    assert data.letters["Posts"] == sample_audit_letters("Posts") and data.sheet_names["Staff"] == "Sheet1"
    # check prints them after the findings, and --json carries them (before the notice of the sample's DPO
    # review, whose decision names an ID no finding has).
    out = run_cli("check", folder, "--year", SAMPLE_YEAR, "--as-of", SAMPLE_AS_OF)
    notices = out.stdout.split("Notices (", 1)[1]
    assert "\n".join(f"  {n.message}" for n in data.notices) in notices
    doc = json.loads(run_cli("check", folder, "--year", SAMPLE_YEAR, "--as-of", SAMPLE_AS_OF, "--json").stdout)
    assert doc["notices"][: len(data.notices)] == [n.to_dict() for n in data.notices]
    assert [n["kind"] for n in doc["notices"][len(data.notices) :]] == ["dpo-decision"]
    assert doc["notices"][1] == {
        "kind": "header-row",
        "message": data.notices[1].message,
        "file": "posts_log.xlsx",
        "sheet": "Posts",
        "row": 3,
        "cell": None,
        "column": None,
    }


def sample_audit_letters(sheet: str) -> dict[str, str]:
    return load_workbooks(SAMPLE_SCHOOL).letters[sheet]


def _cells(header_rows: list[list], rows: list[list]) -> dict:
    return {"posts_log.xlsx": {"Posts": header_rows + rows}}


#: The Posts sheet's required headers (its optional Link column is never missing).
POSTS = [c.header for c in SHEETS["Posts"].columns if not c.optional]


def test_the_header_row_is_found_below_titles_and_rows_stay_excel_rows():
    data = dataset_from_cells(
        _cells(
            [["Our posts"], [""], ["", *POSTS[:7]]],  # header in row 3, from column B, 6 columns missing
            [["", "P1", "ACC-1", "31/02/2026", "S1", "Hello", "No", ""]],
        )
    )
    assert list(data.frames["Posts"]["Post ID"]) == ["P1"] and list(data.frames["Posts"]["_row"]) == [4]
    assert data.letters["Posts"]["Posted at"] == "D"
    (bad,) = findings_of(data, None, ["DQ-02"])
    assert (bad.cell, bad.row) == ("D4", 4)
    missing = [f for f in findings_of(data, None, ["DQ-01"]) if f.file == "posts_log.xlsx"]
    assert {f.column for f in missing} == set(POSTS[7:]) and {f.row for f in missing} == {3}
    (note,) = data.notices
    assert (note.kind, note.row) == ("header-row", 3)
    assert note.detail == "the header row is row 3; rows 1 to 2 above it are read as a title and ignored"


def test_without_a_matching_row_the_plain_missing_messages_stay():
    # Row 2 holds fewer than half the headers: row 1 stays the header, and every column is missing.
    data = dataset_from_cells(_cells([["A title"], POSTS[:3]], [["P1", "ACC-1", "10/01/2026"]]))
    assert data.notices == []
    missing = [f for f in findings_of(data, None, ["DQ-01"]) if f.file == "posts_log.xlsx"]
    assert len(missing) == len(POSTS) and {f.row for f in missing} == {1}
    (post_id,) = [f for f in missing if f.column == "Post ID"]
    assert post_id.message == "posts_log.xlsx, sheet Posts: the column 'Post ID' is missing from the header row"
    # No sheet whose header matches: the plain "missing" message.
    # (The templates' Instructions sheet shows the header row too, far below the rows searched.)
    instructions = [["Log of posts on school accounts"]] + [[""]] * 10 + [POSTS]
    data = dataset_from_cells({"posts_log.xlsx": {"Sheet1": [["Day", "Why"]], "Instructions": instructions}})
    (gap,) = [f for f in findings_of(data, None, ["DQ-01"]) if f.file == "posts_log.xlsx"]
    assert gap.message == "posts_log.xlsx: the sheet 'Posts' is missing" and data.notices == []


def test_two_renamed_sheets_are_each_found_by_their_own_header_row():
    policy, closures = SHEETS["Policy"], SHEETS["Closures"]
    data = dataset_from_cells(
        {
            "school_settings.xlsx": {
                "Sheet1": [list(closures.headers), [d(2025, 12, 22), "Christmas"]],
                "Sheet2": [list(policy.headers), ["2025.1", d(2025, 7, 15)]],
            }
        }
    )
    assert data.sheet_names == {"Policy": "Sheet2", "Closures": "Sheet1"}
    assert list(data.frames["Closures"]["Reason"]) == ["Christmas"]
    assert list(data.frames["Policy"]["Policy version"]) == ["2025.1"]
    assert [(n.kind, n.sheet) for n in data.notices] == [("renamed-sheet", "Policy"), ("renamed-sheet", "Closures")]
    assert not [f for f in findings_of(data, None, ["DQ-01"]) if f.file == "school_settings.xlsx"]


def test_an_extra_column_is_named_once_as_a_notice_and_kept(tmp_path):
    folder = write_school(
        tmp_path / "data",
        Staff=[
            {"Staff ID": "S1", "Name": "Ann Example", "Notes": "off sick"},
            {"Staff ID": "S2", "Name": "Bob Example", "Notes": "off sick"},
        ],
        **EVENTS_2025_26,
    )
    data = load_workbooks(folder)
    assert list(data.frames["Staff"]["Notes"]) == ["off sick", "off sick"]
    (note,) = data.notices
    assert note.message == (
        "staff_training.xlsx, sheet Staff, column K: 'Notes' is not a column of the data contract, so it is kept "
        "but not checked; if it holds personal data the audit does not need, remove it"
    )
    assert (note.kind, note.cell, note.column) == ("extra-column", "K1", "Notes")
    validate = run_cli("validate", folder, "--year", "2025-26")
    assert validate.returncode == 0, validate.stdout  # a notice is not a problem
    lines = validate.stdout.splitlines()
    assert lines[lines.index("staff_training.xlsx: OK") + 1] == f"  note: sheet Staff, column K: {note.detail}"
    assert lines[-1].endswith("; 1 notice")
    check = json.loads(run_cli("check", folder, "--year", "2025-26", "--json").stdout)
    assert [n["message"] for n in check["notices"]] == [note.message]


def test_a_contract_column_given_twice_is_read_once_with_a_notice():
    data = dataset_from_cells(_cells([POSTS + ["Post text"]], [["P1"] + [""] * (len(POSTS) - 1) + ["Other text"]]))
    (note,) = data.notices
    assert note.detail == "a second 'Post text' column, not read (column E is); remove one of them"
    assert note.cell == f"{column_letter(len(POSTS) + 1)}1" and data.frames["Posts"]["Post text"].isna().all()


# --- IDs in any case -----------------------------------------------------------------------------

STAFF = [
    {"Staff ID": sid, "Name": f"Person {sid}", "Type": "Employee", "Start date": d(2020, 9, 1)}
    | {"Policy read on": d(2025, 9, 1), "Social media training on": d(2025, 9, 1)}
    | {"Annual declaration on": d(2025, 9, 1)}
    for sid in ("S003", "S005")
]


def _school(administrators: str, posted_by: str):
    return audit_rows(
        Staff=STAFF,
        Accounts=[
            {
                "Account ID": "ACC-1",
                "Platform": "Facebook",
                "Account name": "LKS News",
                "Administrators": administrators,
                "Lead staff": "S003",
                "Status": "Active",
                "Created on": d(2025, 9, 1),
            }
        ],
        Posts=[
            {"Post ID": f"P{i}", "Account ID": "ACC-1", "Posted at": t(2026, 1, 5 + i, 10), "Posted by": posted_by}
            for i in (1, 2)
        ],  # fmt: skip
    )


def test_a_lower_case_staff_id_raises_nothing_the_upper_case_one_does_not():
    # The example: "S003, s005" in Administrators, posts by s005.
    upper, lower = _school("S003, S005", "S005"), _school("S003, s005", "s005")
    assert [f.to_dict() for f in lower.findings] == [f.to_dict() for f in upper.findings]
    assert not by_rule(lower, "ACC-02") and not by_rule(lower, "PST-01") and not by_rule(lower, "DQ-04")


def test_lower_case_in_every_id_and_ids_column_of_the_sample_changes_nothing(sample_audit):
    import python_calamine

    from lks_audit.schema import WORKBOOKS, references

    referring = {(sheet, column.header) for sheet, column in references()}
    cells = {}
    for wb in WORKBOOKS:
        book = python_calamine.CalamineWorkbook.from_path(str(SAMPLE_SCHOOL / wb.file))
        cells[wb.file] = {}
        for sheet in (s for s in wb.sheets if s.name in book.sheet_names):  # no optional Holidays sheet
            rows = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
            at = [i for i, h in enumerate(rows[0]) if (sheet.name, h) in referring]
            cells[wb.file][sheet.name] = [rows[0]] + [
                [v.lower() if i in at and isinstance(v, str) else v for i, v in enumerate(row)] for row in rows[1:]
            ]
        book.close()
    lowered_cells = sum(
        isinstance(v, str) and v != v.upper()
        for sheets in cells.values()
        for rows in sheets.values()
        for row in rows
        for v in row
    )
    assert lowered_cells > 1000  # thousands of IDs in 14 columns now typed in lower case
    data = dataset_from_cells(cells, SAMPLE_SCHOOL)  # with the sample's platform archives
    lowered = run_rules(data, make_context(SAMPLE_YEAR, SAMPLE_AS_OF, closures=closures_of(data)))
    # The same findings, IDs and all: an ID that matches no key (DQ-04's, e.g. ST0699) is written in capitals, as
    # the sheet that keys it writes its IDs, so a finding's ID does not change with how it was typed.
    assert [f.to_dict() for f in lowered.findings] == [f.to_dict() for f in sample_audit.findings]
    assert {f.part for f in by_rule(lowered, "DQ-04")} == {"ST0699", "S178", "S179", "INC-139"}


def test_keys_are_unique_whatever_their_case_and_unknown_ids_take_the_case_of_the_keys():
    result = audit_rows(
        Staff=[{"Staff ID": "S005"}, {"Staff ID": "s005"}, {"Staff ID": "S006"}],
        Accounts=[{"Account ID": "ACC-1", "Administrators": "s005, s006, s099", "Lead staff": "s099"}],
    )
    (repeat,) = by_rule(result, "DQ-03")
    assert repeat.message == "staff_training.xlsx, sheet Staff, cell A3: Staff ID 's005' is used again (first on row 2)"
    # Every Staff ID is in capitals, so s099 is written S099 (rules.md: IDs the same however typed).
    unknown = [f.detail for f in by_rule(result, "DQ-04")]
    assert unknown == ["'S099' is not a Staff ID in staff_training.xlsx, sheet Staff"] * 2
    assert sorted(f.id for f in by_rule(result, "DQ-04")) == [
        "DQ-04:ACC-1:Administrators:S099",
        "DQ-04:ACC-1:Lead_staff:S099",
    ]


def test_ids_are_shown_as_the_keying_sheet_writes_them():
    from school import dataset_from_rows

    data = dataset_from_rows(
        Staff=[{"Staff ID": "S005"}],
        Consent=[{"Student ID": "St0001"}, {"Student ID": "ST0001"}],
        Accounts=[{"Account ID": "acc-1", "Administrators": "s005; S005", "Lead staff": "s005"}],
        Posts=[{"Post ID": "P1", "Account ID": "ACC-1", "Students pictured": "st0001, ST0002"}],
    )
    account = data.frames["Accounts"].iloc[0]
    assert account["Administrators"] == ("S005", "S005") and account["Lead staff"] == "S005"
    post = data.frames["Posts"].iloc[0]
    # ST0002 matches no Student ID, and those are written in mixed case: it stays as typed.
    assert post["Account ID"] == "acc-1" and post["Students pictured"] == ("St0001", "ST0002")
    assert list(data.frames["Consent"]["Student ID"]) == ["St0001", "St0001"]  # one student, two forms


# --- month-first dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "column, typed, hint",
    [
        ("Posted at", "12/31/2025 10:15", "did you mean 31/12/2025 10:15?"),
        ("Removed on", "1/13/2026", "did you mean 13/01/2026?"),
        ("Removed on", "13/13/2026", None),  # neither way round
        ("Removed on", "02/30/2026", None),  # 30/02 is no date either
    ],
)
def test_a_date_that_reads_only_month_first_gets_a_question_never_a_correction(column, typed, hint):
    result = audit_rows(Posts=[{"Post ID": "P1", column: typed}])
    (bad,) = by_rule(result, "DQ-02")
    assert bad.detail.startswith(f"'{typed}' is not a date")
    assert bad.detail.endswith(f"; {hint}") if hint else "did you mean" not in bad.detail


def test_the_hint_is_in_validate_and_check_alike(tmp_path):
    folder = write_school(tmp_path / "data", Staff=[{"Staff ID": "S1", "Start date": "12/31/2025"}])
    expected = (
        "'12/31/2025' is not a date, day first (such as 03/09/2025, 3 Sep 2025 or 2025-09-03); did you mean 31/12/2025?"
    )
    assert f"  Staff!E2 (Start date): {expected}" in run_cli("validate", folder, "--year", "2025-26").stdout
    findings = json.loads(run_cli("check", folder, "--year", "2025-26", "--json").stdout)["findings"]
    assert [f["message"] for f in findings if f["rule"] == "DQ-02"] == [
        f"staff_training.xlsx, sheet Staff, cell E2 (Start date): {expected}"
    ]
    assert load_workbooks(folder).frames["Staff"]["Start date"].isna().all()  # never read as a date
