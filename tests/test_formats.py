"""Every office format a school may save in, read through the same path with the same findings.

The .ods and .xls files are LibreOffice's own (``tools/libreoffice-fixtures.sh`` made them from the
bundled sample school and from a sheet of formula errors), so the tests need no LibreOffice.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from test_load import fingerprint

from lks_audit.audit import audit_folder, findings_of
from lks_audit.load import load_workbooks
from lks_audit.schema import WORKBOOKS

from school import ROOT, SAMPLE_AS_OF, SAMPLE_SCHOOL, SAMPLE_YEAR, write_school

LIBREOFFICE = ROOT / "tests" / "data" / "libreoffice"
REGENERATE = "the LibreOffice files are older than the sample school: run bash tools/libreoffice-fixtures.sh"


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lks_audit", *map(str, args)], capture_output=True, text=True, timeout=180
    )


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_the_sample_school_saved_by_libreoffice_gives_the_same_findings(sample_audit, fmt):
    folder = LIBREOFFICE / f"sample-{fmt}"
    expected = [f"{Path(wb.file).stem}.{fmt}" for wb in WORKBOOKS] + ["platform_exports"]  # its archives beside
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected)
    data, result = audit_folder(folder, SAMPLE_YEAR, SAMPLE_AS_OF)
    assert [(f.name, f.format) for f in data.files] == [(f"{Path(wb.file).stem}.{fmt}", fmt) for wb in WORKBOOKS]
    assert data.notices == [] and data.problems == []
    assert [f.to_dict() for f in result.findings] == [f.to_dict() for f in sample_audit.findings], REGENERATE
    assert result.summary == sample_audit.summary


def test_check_json_of_the_ods_sample_is_the_xlsx_samples(tmp_path):
    audit = ("--year", SAMPLE_YEAR, "--as-of", SAMPLE_AS_OF, "--json")
    ods, xlsx = (run_cli("check", folder, *audit) for folder in (LIBREOFFICE / "sample-ods", SAMPLE_SCHOOL))
    assert ods.returncode == xlsx.returncode == 0, ods.stderr + xlsx.stderr
    assert json.loads(ods.stdout) == json.loads(xlsx.stdout)


ERRORS = {  # cell -> what LibreOffice calculated there (its own error for SQRT(-1) in .ods only)
    "C2": "#DIV/0!",  # =1/0 in Role (text)
    "E2": "#N/A",  # =NA() in Start date
    "B3": "#REF!",  # =#REF! in Name
    "G3": {"ods": "Err:502", "xls": "#VALUE!", "xlsx": "#VALUE!"},  # =SQRT(-1) in Policy read on
    "C4": "#VALUE!",  # ="a"+1 in Role
}


@pytest.mark.parametrize("fmt", ["ods", "xls", "xlsx"])
def test_formula_errors_saved_by_libreoffice_are_dq02_in_every_format(tmp_path, fmt):
    # python-calamine reads every error cell as a blank; each format's own record of them must be found.
    shutil.copy(LIBREOFFICE / "errors" / f"staff_training.{fmt}", tmp_path)
    data = load_workbooks(tmp_path)
    found = {f.cell: f.detail for f in findings_of(data, None, ["DQ-02"])}
    expected = {cell: text if isinstance(text, str) else text[fmt] for cell, text in ERRORS.items()}
    assert found == {cell: found[cell] for cell in expected} and len(found) == len(expected), found
    for cell, text in expected.items():
        assert found[cell].startswith(f"'{text}' is an Excel error, expected "), found[cell]
    staff = data.frames["Staff"].set_index("Staff ID")
    assert staff.at["S1", "Role"] is None and staff.at["S3", "Role"] is None  # errors are never values
    assert staff.at["S1", "Policy read on"].day == 2  # the cells beside them read as usual


def test_two_formats_of_one_workbook_are_refused_naming_both(tmp_path):
    folder = write_school(tmp_path / "data", Staff=[{"Staff ID": "S1", "Name": "Ann Example"}])
    shutil.copy(LIBREOFFICE / "sample-ods" / "posts_log.ods", folder)
    before = fingerprint(folder)
    check = run_cli("check", folder, "--year", "2025-26", "--as-of", "2026-07-20", "--json")
    assert check.returncode == 0, check.stderr
    problem = (
        "2 files hold this workbook (posts_log.ods and posts_log.xlsx); keep the one staff fill in and move the "
        "other out of the folder"
    )
    assert check.stderr.splitlines() == [f"lks-audit: posts_log.xlsx: {problem}"]
    findings = json.loads(check.stdout)["findings"]
    (dq01,) = [f for f in findings if f["rule"] == "DQ-01"]
    assert dq01["file"] == "posts_log.xlsx" and dq01["message"].startswith(f"posts_log.xlsx cannot be read: {problem}")
    assert not any(f["rule"].startswith(("PST", "IMG")) for f in findings)  # nothing read from either file
    validate = run_cli("validate", folder, "--year", "2025-26")
    assert f"posts_log.xlsx: cannot be read: {problem}" in validate.stdout.splitlines()
    assert "staff_training.xlsx: OK" in validate.stdout.splitlines()  # the others are read
    assert fingerprint(folder) == before


def test_a_folder_of_files_it_cannot_use_says_what_it_saw(tmp_path):
    (tmp_path / "posts_log.csv").write_text("Post ID\nP1\n")
    (tmp_path / "notes.txt").write_text("to do")
    (tmp_path / "~$posts_log.xlsx").write_bytes(b"lock")
    for args in (("validate", tmp_path), ("check", tmp_path, "--year", "2025-26")):
        proc = run_cli(*args)
        assert proc.returncode == 2 and proc.stdout == ""
        (line,) = proc.stderr.splitlines()
        assert line.startswith(f"lks-audit: {tmp_path}: no workbook of the data contract found (expected any of ")
        assert "saved as .xlsx, .xlsm, .ods or .xls" in line
        assert line.endswith("; it holds notes.txt, posts_log.csv")  # the lock file is not worth naming
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("validate", empty).stderr.rstrip().endswith("; the folder is empty")


def test_a_workbook_given_instead_of_its_folder_is_told_to_give_the_folder(tmp_path):
    folder = write_school(tmp_path / "data")
    for args in (("validate",), ("check", "--year", "2025-26"), ("report", "--year", "2025-26")):
        proc = run_cli(args[0], folder / "posts_log.xlsx", *args[1:])
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr == (
            f"lks-audit: {folder / 'posts_log.xlsx'}: this is a file, not a folder; "
            f"give the folder that holds it ({folder})\n"
        )


def test_xlsm_is_read_as_an_excel_workbook(tmp_path):
    folder = write_school(tmp_path / "data", Staff=[{"Staff ID": "S1", "Name": "Ann Example"}])
    (folder / "staff_training.xlsx").rename(folder / "staff_training.xlsm")
    data = load_workbooks(folder)
    info = next(f for f in data.files if f.file == "staff_training.xlsx")
    assert (info.status, info.name, info.format) == ("ok", "staff_training.xlsm", "xlsx")
    assert list(data.frames["Staff"]["Staff ID"]) == ["S1"] and data.notices == []


def test_feedback_copies_of_ods_and_xls_are_xlsx_marked_where_the_problems_are(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(LIBREOFFICE / "sample-ods", data)
    shutil.copy(LIBREOFFICE / "sample-xls" / "posts_log.xls", data)
    (data / "posts_log.ods").unlink()
    before = fingerprint(data)
    out = tmp_path / "feedback"
    proc = run_cli("validate", data, "--feedback", out, "--year", SAMPLE_YEAR, "--as-of", SAMPLE_AS_OF)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert "posts_log.xls: 5 problems" in lines and "staff_training.ods: 3 problems" in lines
    for file, source, cells in (
        ("posts_log.xlsx", "posts_log.xls", 5),
        ("staff_training.xlsx", "staff_training.ods", 3),
    ):
        copy = f"(a copy of {source}, saved as .xlsx; {cells} cells highlighted)"
        assert f"feedback copy: {out / file} {copy}" in lines
    assert fingerprint(data) == before
    book = openpyxl.load_workbook(out / "posts_log.xlsx")
    posts = book["Posts"]
    # Every cell where it stands in the original, the problem cells marked, formula-looking text still text.
    assert posts["A1"].value == "Post ID" and posts["A1126"].value == "P-01124"
    assert posts["N740"].value == "31/02/2026" and "is not a date" in posts["N740"].comment.text
    assert posts["N740"].fill.fgColor.rgb.endswith("FFC7CE")
    assert posts["C2"].is_date and posts["C2"].number_format == "dd/mm/yyyy hh:mm"
    assert (
        book.active.title == "Posts" and posts.sheet_view.selection[0].activeCell == "G689"
    )  # its first problem, by row
