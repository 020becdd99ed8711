"""Loading real .xlsx files: every value kind, header variants, missing parts, broken files."""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import lks_audit.load as load
from lks_audit.audit import findings_of
from lks_audit.load import load_workbooks

from school import (
    SAMPLE_AS_OF,
    SAMPLE_SCHOOL,
    SAMPLE_YEAR,
    audit,
    d,
    dataset_from_rows,
    read_sample_cells,
    t,
    write_school,
)

TS = pd.Timestamp


def dq(data, rule, sheet=None):
    """What the loader found, as the data-quality rules that need no audit period report it."""
    found = findings_of(data, None, ("DQ-01", "DQ-02", "DQ-03"))
    return [f for f in found if f.rule == rule and (sheet is None or f.sheet == sheet)]


def cells_of(findings):
    return sorted(f.cell for f in findings)


def write_raw(path: Path, sheets: dict[str, list[list]]) -> Path:
    """One workbook with exactly these rows (header included); text is always stored as text."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                cell = ws.cell(r, c, value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"
    book.save(path)
    return path


def patch_sheet_xml(path: Path, edit) -> None:
    """Rewrite the first worksheet's XML with ``edit(text) -> text`` (for cells openpyxl cannot write)."""
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            if info.filename == part:
                data = edit(data.decode()).encode()
            zf.writestr(info, data)


# --- value kinds -----------------------------------------------------------------------------


def test_ids_and_text_are_trimmed_and_split(tmp_path):
    write_school(
        tmp_path,
        Accounts=[
            {
                "Account ID": "  ACC-001  ",
                "Account name": "  @LKS   Sport ",
                "Administrators": "S001, S002;S003\nS004,, ;",
                "Lead staff": 12,
                "Audience": "   ",
            },
        ],
    )
    data = load_workbooks(tmp_path)
    row = data.frames["Accounts"].iloc[0]
    assert row["Account ID"] == "ACC-001"
    assert row["Account name"] == "@LKS Sport"
    assert row["Administrators"] == ("S001", "S002", "S003", "S004")
    assert row["Lead staff"] == "12"  # a number typed as an id reads as the code people see
    assert row["Audience"] is None  # white space only is missing
    assert dq(data, "DQ-02") == []


def test_dates_real_uk_iso_and_bad_ones_name_their_cell(tmp_path):
    # Latest refresher on is column I; data rows start at Excel row 2.
    write_school(
        tmp_path,
        Staff=[
            {"Staff ID": "S1", "Latest refresher on": d(2026, 1, 10)},
            {"Staff ID": "S2", "Latest refresher on": "10/01/2026"},
            {"Staff ID": "S3", "Latest refresher on": "2026-01-10"},
            {"Staff ID": "S4", "Latest refresher on": "31/02/2026"},
            {"Staff ID": "S5", "Latest refresher on": "12/31/2025"},
            {"Staff ID": "S6", "Latest refresher on": "10/01/26"},  # a two-digit year is 20yy (data-contract.md)
            {"Staff ID": "S7", "Latest refresher on": t(2026, 1, 10, 9, 15)},  # a time on a date column is dropped
            {"Staff ID": "S8", "Latest refresher on": None},
        ],
    )
    data = load_workbooks(tmp_path)
    col = data.frames["Staff"]["Latest refresher on"]
    assert list(col[:3]) == [TS(2026, 1, 10)] * 3  # 10/01/2026 is 10 January (day first)
    assert col[3:5].isna().all()
    assert col[5] == col[6] == TS(2026, 1, 10)
    assert pd.isna(col[7])
    bad = dq(data, "DQ-02", "Staff")
    assert cells_of(bad) == ["I5", "I6"]
    f = next(f for f in bad if f.cell == "I5")
    assert f.file == "staff_training.xlsx" and f.row == 5 and f.record == "S4"
    assert f.column == "Latest refresher on"
    assert "'31/02/2026' is not a date, day first (such as 03/09/2025, 3 Sep 2025 or 2025-09-03)" in f.message


def test_datetimes_uk_iso_real_and_date_alone_at_midnight(tmp_path):
    write_school(
        tmp_path,
        Posts=[
            {"Post ID": "P1", "Posted at": "10/01/2026 14:30"},
            {"Post ID": "P2", "Posted at": "2026-01-10T14:30"},
            {"Post ID": "P3", "Posted at": "2026-01-10 14:30:00"},
            {"Post ID": "P4", "Posted at": t(2026, 1, 10, 14, 30)},
            {"Post ID": "P5", "Posted at": "10/01/2026"},
            {"Post ID": "P6", "Posted at": d(2026, 1, 10)},
            {"Post ID": "P7", "Posted at": "10/01/2026 25:00"},
            {"Post ID": "P8", "Posted at": "yesterday"},
        ],
    )
    data = load_workbooks(tmp_path)
    col = data.frames["Posts"]["Posted at"]
    assert list(col[:4]) == [TS(2026, 1, 10, 14, 30)] * 4
    assert list(col[4:6]) == [TS(2026, 1, 10, 0, 0)] * 2
    assert col[6:].isna().all()
    assert cells_of(dq(data, "DQ-02", "Posts")) == ["C8", "C9"]


def test_yes_no_every_spelling(tmp_path):
    spellings = ["Yes", "no", "Y", "n", "TRUE", "false", "1", "0", "  yEs ", True, False, 1, 0, None, "Yess"]
    write_school(tmp_path, Posts=[{"Post ID": f"P{i}", "Images of students": v} for i, v in enumerate(spellings)])
    data = load_workbooks(tmp_path)
    col = data.frames["Posts"]["Images of students"]
    assert str(col.dtype) == "boolean"
    assert list(col[:13]) == [True, False, True, False, True, False, True, False, True, True, False, True, False]
    assert pd.isna(col[13])  # blank means unknown, not No
    assert pd.isna(col[14])
    (bad,) = dq(data, "DQ-02", "Posts")
    assert bad.cell == "F16" and "'Yess' is not Yes or No" in bad.message


def test_choice_any_case_and_spaces_gives_the_canonical_word(tmp_path):
    write_school(
        tmp_path,
        Posts=[
            {"Post ID": "P1", "Shot type": "  group "},
            {"Post ID": "P2", "Shot type": "FROM BEHIND"},
            {"Post ID": "P3", "Shot type": "from   behind"},
            {"Post ID": "P4", "Shot type": "Groupie"},
            {"Post ID": "P5", "Shot type": None},
        ],
    )
    data = load_workbooks(tmp_path)
    col = data.frames["Posts"]["Shot type"]
    assert list(col[:3]) == ["Group", "From behind", "From behind"]
    assert col[3] is None and col[4] is None
    (bad,) = dq(data, "DQ-02", "Posts")
    assert bad.cell == "H5" and "'Groupie'" in bad.message and "Individual" in bad.message


# --- headers, blank rows ------------------------------------------------------------------------


def test_header_variants_other_order_and_extra_column_kept(tmp_path):
    write_school(tmp_path, omit=("posts_log.xlsx",))
    write_raw(
        tmp_path / "posts_log.xlsx",
        {
            "Posts": [
                ["Notes", "  posted   AT ", "POST ID", "shot type", "Images Of Students"],
                ["first", "10/01/2026 14:30", "P1", "group", "yes"],
                [None, "2026-01-11", "P2", "Blurry", "no"],
            ]
        },
    )
    data = load_workbooks(tmp_path)
    frame = data.frames["Posts"]
    assert list(frame["Post ID"]) == ["P1", "P2"]
    assert list(frame["Posted at"]) == [TS(2026, 1, 10, 14, 30), TS(2026, 1, 11)]
    assert list(frame["Shot type"]) == ["Group", None]
    assert frame["Notes"][0] == "first" and pd.isna(frame["Notes"][1])  # extra column kept, not checked
    assert data.letters["Posts"]["Post ID"] == "C"
    (bad,) = dq(data, "DQ-02", "Posts")
    assert bad.cell == "D3"  # the letter of the column where it really is
    # The columns not in this file are missing (DQ-01) but present, blank, in the frame.
    missing = {f.column for f in dq(data, "DQ-01", "Posts")}
    assert "Account ID" in missing and "Post ID" not in missing and "Notes" not in missing
    assert frame["Account ID"].isna().all()


def test_blank_rows_ignored_and_later_rows_keep_their_excel_row(tmp_path):
    write_school(tmp_path, omit=("posts_log.xlsx",))
    write_raw(
        tmp_path / "posts_log.xlsx",
        {
            "Posts": [
                ["Post ID", "Account ID", "Posted at"],
                ["P1", "ACC-1", "10/01/2026 10:00"],
                [None, None, None],
                ["", "   ", None],
                ["P2", "ACC-1", "99/99/2026"],
            ]
        },
    )
    data = load_workbooks(tmp_path)
    frame = data.frames["Posts"]
    assert list(frame["Post ID"]) == ["P1", "P2"]
    assert list(frame[load.ROW]) == [2, 5]
    assert data.files[4].rows == {"Posts": 2}
    assert cells_of(dq(data, "DQ-02", "Posts")) == ["C5"]
    assert dq(data, "DQ-03") == []  # blank rows are not blank keys


# --- missing parts ------------------------------------------------------------------------------


def test_missing_workbook_is_dq01_and_the_rest_loads(tmp_path):
    write_school(tmp_path, omit=("posts_log.xlsx",), Staff=[{"Staff ID": "S1"}])
    data = load_workbooks(tmp_path)
    (f,) = [f for f in dq(data, "DQ-01") if f.file == "posts_log.xlsx"]
    assert "missing" in f.message
    assert data.unavailable("Posts") == "posts_log.xlsx is missing"
    assert list(data.frames["Posts"].columns)[:2] == ["Post ID", "Account ID"]  # typed, empty
    assert list(data.frames["Staff"]["Staff ID"]) == ["S1"]
    result = audit(tmp_path)  # the audit carries on
    assert any(f.rule == "DQ-01" and f.file == "posts_log.xlsx" for f in result.findings)


def test_missing_sheet_is_dq01_naming_it(tmp_path):
    write_school(tmp_path, omit=("school_settings.xlsx",), Staff=[{"Staff ID": "S1"}])
    write_raw(
        tmp_path / "school_settings.xlsx", {"policy": [["Policy version"], ["2025.1"]], "Sheet1": [["Day", "Why"]]}
    )
    data = load_workbooks(tmp_path)
    (f,) = dq(data, "DQ-01", "Closures")
    assert f.file == "school_settings.xlsx" and "'Closures'" in f.message
    assert data.unavailable("Closures")
    assert list(data.frames["Policy"]["Policy version"]) == ["2025.1"]  # sheet name matched any case
    assert list(data.frames["Staff"]["Staff ID"]) == ["S1"]


def test_missing_column_is_dq01_and_other_columns_load(tmp_path):
    write_school(
        tmp_path, drop_columns={"Posts": ("Shot type",)}, Posts=[{"Post ID": "P1", "Images of students": "Yes"}]
    )
    data = load_workbooks(tmp_path)
    (f,) = dq(data, "DQ-01", "Posts")
    assert f.column == "Shot type" and f.row == 1
    assert data.unavailable("Posts", ["Shot type"]) is not None
    assert data.unavailable("Posts", ["Images of students"]) is None
    frame = data.frames["Posts"]
    assert bool(frame["Images of students"][0]) is True and frame["Shot type"][0] is None


# --- keys ---------------------------------------------------------------------------------------


def test_blank_and_repeated_keys_each_a_finding(tmp_path):
    write_school(
        tmp_path,
        Posts=[
            {"Post ID": "P1", "Account ID": "ACC-1"},
            {"Post ID": " P1", "Account ID": "ACC-1"},
            {"Post ID": None, "Account ID": "ACC-1"},
            {"Post ID": "P1", "Account ID": "ACC-2"},
            {"Post ID": "P2", "Account ID": "ACC-2"},
        ],
    )
    data = load_workbooks(tmp_path)
    found = dq(data, "DQ-03", "Posts")
    assert cells_of(found) == ["A3", "A4", "A5"]
    by_cell = {f.cell: f for f in found}
    assert "is blank" in by_cell["A4"].message
    assert "'P1' is used again (first on row 2)" in by_cell["A5"].message
    assert len(data.frames["Posts"]) == 5  # repeated rows are still loaded


def test_consent_sheet_has_no_key_so_repeats_are_fine(tmp_path):
    write_school(
        tmp_path, Consent=[{"Student ID": "ST1"}, {"Student ID": "ST1"}, {"Student ID": None, "Student name": "A B"}]
    )
    assert dq(load_workbooks(tmp_path), "DQ-03") == []


# --- unreadable files ---------------------------------------------------------------------------


def _valid_xlsx_bytes(tmp_path) -> bytes:
    src = tmp_path / "src"
    write_school(src, Posts=[{"Post ID": f"P{i}", "Post text": "x" * 200} for i in range(50)])
    return (src / "posts_log.xlsx").read_bytes()


def _encrypted(tmp_path) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(_valid_xlsx_bytes(tmp_path))).encrypt("Passw0rd!", out)
    return out.getvalue()


def _ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


UNREADABLE = {
    "csv": (lambda tmp: b"Post ID,Account ID\nP1,ACC-1\n", "CSV"),
    "html": (lambda tmp: b"<!DOCTYPE html><html><body><table><tr><td>P1</td></tr></table></body></html>", "HTML"),
    "empty": (lambda tmp: b"", "empty"),
    "truncated": (lambda tmp: _valid_xlsx_bytes(tmp)[:3000], "damaged"),
    "random": (lambda tmp: bytes(range(256)) * 4 + os.urandom(4096), "not an Excel workbook"),
    "xls": (lambda tmp: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "97-2003"),
    "ods": (lambda tmp: _ods(), "OpenDocument"),
    "password": (_encrypted, "password-protected"),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_unreadable_file_is_one_line_and_others_still_load(tmp_path, case):
    make, phrase = UNREADABLE[case]
    content = make(tmp_path)
    folder = write_school(tmp_path / "school", omit=("posts_log.xlsx",), Staff=[{"Staff ID": "S1"}])
    (folder / "posts_log.xlsx").write_bytes(content)
    data = load_workbooks(folder)
    (problem,) = data.problems
    assert problem.startswith("posts_log.xlsx: ") and phrase in problem
    assert "\n" not in problem and "Traceback" not in problem
    (f,) = [f for f in dq(data, "DQ-01") if f.file == "posts_log.xlsx"]
    assert "cannot be read" in f.message
    assert data.unavailable("Posts") == "posts_log.xlsx cannot be read"
    assert list(data.frames["Staff"]["Staff ID"]) == ["S1"]
    assert (folder / "posts_log.xlsx").read_bytes() == content
    # What was found is still named by its hash in the DPO's appendix.
    assert {f.file: f.sha256 for f in data.files}["posts_log.xlsx"] == hashlib.sha256(content).hexdigest()


# --- Excel error cells and formulas -------------------------------------------------------------


def test_excel_error_cells_are_dq02_not_blanks(tmp_path):
    # openpyxl stores these strings as real error cells (<c t="e">), as Excel does.
    write_school(
        tmp_path,
        Posts=[
            {"Post ID": "P1", "Account ID": "#REF!", "Posted at": "#N/A", "Images of students": "#DIV/0!"},
            {"Post ID": "P2", "Account ID": "ACC-1", "Posted at": "10/01/2026 10:00", "Shot type": "#VALUE!"},
        ],
    )
    with zipfile.ZipFile(tmp_path / "posts_log.xlsx") as zf:
        assert b't="e"' in zf.read("xl/worksheets/sheet1.xml")
    data = load_workbooks(tmp_path)
    bad = {f.cell: f for f in dq(data, "DQ-02", "Posts")}
    assert sorted(bad) == ["B2", "C2", "F2", "H3"]
    assert "'#N/A' is an Excel error, expected a date and time" in bad["C2"].message
    assert "'#REF!' is an Excel error, expected a short code" in bad["B2"].message
    frame = data.frames["Posts"]
    assert frame["Account ID"][0] is None and pd.isna(frame["Posted at"][0])  # treated as missing
    assert pd.isna(frame["Images of students"][0]) and frame["Shot type"][1] is None
    assert frame["Account ID"][1] == "ACC-1"


def test_formula_with_cached_error_is_dq02(tmp_path):
    write_school(tmp_path, Posts=[{"Post ID": "P1", "Account ID": "ACC-1"}])
    patch_sheet_xml(
        tmp_path / "posts_log.xlsx",
        lambda x: re.sub(r'<c r="B2"[^>]*>.*?</c>', '<c r="B2" t="e"><f>VLOOKUP(A2,X!A:B,2,0)</f><v>#N/A</v></c>', x),
    )
    data = load_workbooks(tmp_path)
    (f,) = dq(data, "DQ-02", "Posts")
    assert f.cell == "B2" and "Excel error" in f.message


def test_formula_cells_give_their_cached_value(tmp_path):
    # A real date first, so the cell carries a date style; then the cells become formulas.
    write_school(tmp_path, Posts=[{"Post ID": "P1", "Account ID": "x", "Posted at": t(2025, 1, 1, 8, 0)}])

    def to_formulas(xml: str) -> str:
        # What Excel saves for ="ACC-"&"001" and =DATE(2026,1,10)+0.5: the formula and its last result.
        xml = re.sub(r'<c r="B2"[^>]*>.*?</c>', '<c r="B2" t="str"><f>"ACC-"&amp;"001"</f><v>ACC-001</v></c>', xml)
        return re.sub(
            r'<c r="C2"( s="\d+")[^>]*>.*?</c>', r'<c r="C2"\1><f>DATE(2026,1,10)+0.5</f><v>46032.5</v></c>', xml
        )

    patch_sheet_xml(tmp_path / "posts_log.xlsx", to_formulas)
    with zipfile.ZipFile(tmp_path / "posts_log.xlsx") as zf:
        assert zf.read("xl/worksheets/sheet1.xml").count(b"<f>") == 2
    data = load_workbooks(tmp_path)
    frame = data.frames["Posts"]
    assert frame["Account ID"][0] == "ACC-001"
    assert frame["Posted at"][0] == TS(2026, 1, 10, 12, 0)
    assert dq(data, "DQ-02") == []


def test_no_error_cells_means_no_second_parse(tmp_path, monkeypatch):
    write_school(tmp_path / "clean", Posts=[{"Post ID": "P1", "Account ID": "ACC-1"}])
    write_school(tmp_path / "with-error", Posts=[{"Post ID": "P1", "Account ID": "#N/A"}])
    opened = []
    real_load = openpyxl.load_workbook

    def spy(path, *args, **kwargs):
        opened.append(Path(path).name)
        return real_load(path, *args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    assert dq(load_workbooks(tmp_path / "clean"), "DQ-02") == []
    assert opened == []  # no error mark in any sheet: openpyxl never runs
    assert [f.cell for f in dq(load_workbooks(tmp_path / "with-error"), "DQ-02")] == ["B2"]
    assert opened == ["posts_log.xlsx"]  # only the workbook holding the error cell is read again


# --- inputs are only read -----------------------------------------------------------------------


def fingerprint(folder: Path) -> dict:
    """Every file under ``folder`` (the platform archives in ``platform_exports/`` too): its hash and mtime."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_loading_never_changes_the_inputs(tmp_path):
    write_school(tmp_path, Posts=[{"Post ID": "P1", "Account ID": "#N/A", "Shot type": "Blurry"}, {"Post ID": "P1"}])
    before = fingerprint(tmp_path)
    data = load_workbooks(tmp_path)
    assert dq(data, "DQ-02") and dq(data, "DQ-03")
    assert fingerprint(tmp_path) == before
    assert {f.file: f.sha256 for f in data.files}["posts_log.xlsx"] == before["posts_log.xlsx"][0]


def test_dates_pandas_cannot_hold_are_dq02_not_a_crash(tmp_path):
    # Text years past 2262 and Excel's 31/12/9999 lie outside pandas' nanosecond range.
    write_school(
        tmp_path,
        Staff=[
            {"Staff ID": "S1", "Latest refresher on": "01/01/2500"},
            {"Staff ID": "S2", "Latest refresher on": d(9999, 12, 31)},
            {"Staff ID": "S3", "Latest refresher on": "2026-01-10"},
        ],
    )
    data = load_workbooks(tmp_path)
    assert cells_of(dq(data, "DQ-02", "Staff")) == ["I2", "I3"]
    assert data.frames["Staff"]["Latest refresher on"][2] == TS(2026, 1, 10)
    result = audit(tmp_path)  # and the audit runs on
    assert any(f.rule == "DQ-02" for f in result.findings)


def test_cells_held_in_memory_load_as_the_files_do(sample_audit):
    # dataset_from_cells is the loader's own path after the parser: the sample school's cells, read by
    # python-calamine and handed over in memory, give exactly the findings of loading the files.

    from lks_audit.audit import closures_of, run_rules
    from lks_audit.context import make_context
    from lks_audit.load import dataset_from_cells

    cells = read_sample_cells()
    data = dataset_from_cells(cells, SAMPLE_SCHOOL)  # with the sample's platform archives
    in_memory = run_rules(data, make_context(SAMPLE_YEAR, SAMPLE_AS_OF, closures=closures_of(data)))
    assert [f.to_dict() for f in in_memory.findings] == [f.to_dict() for f in sample_audit.findings]
    assert len(in_memory.findings) > 50


def test_a_key_column_that_is_all_blank_is_a_dq03_per_row():
    # Every row's key blank: one DQ-03 each, and no crash looking for repeats among no keys at all.
    data = dataset_from_rows(Posts=[{"Post text": "First"}, {"Post text": "Second"}])
    assert [(k.cell, k.key) for k in data.key_faults] == [("A2", None), ("A3", None)]


def test_workbooks_parsed_in_any_order_are_listed_in_the_contracts(tmp_path):
    """The largest workbooks are parsed first and each is typed as soon as it is done, but files, faults and
    notices come out in the contract's order, as a run with one workbook at a time would list them."""
    import shutil

    from lks_audit.read import Reading
    from lks_audit.schema import WORKBOOKS

    for path in SAMPLE_SCHOOL.glob("*.xlsx"):
        shutil.copy(path, tmp_path / path.name)
    # A title row above the consent header and above the incidents header: two notices, in two workbooks.
    for name in ("image_consent.xlsx", "incidents_log.xlsx"):
        book = openpyxl.load_workbook(tmp_path / name)
        book.worksheets[0].insert_rows(1)
        book.worksheets[0]["A1"] = "Filled in by the office"
        book.save(tmp_path / name)
    reading = Reading(tmp_path)
    done = list(reading.as_completed())
    contract = [wb.file for wb in WORKBOOKS if (tmp_path / wb.file).exists()]
    assert sorted(done) == sorted(contract) and done != contract  # the largest first, not the contract's order

    data = load_workbooks(tmp_path)
    assert [f.file for f in data.files] == [wb.file for wb in WORKBOOKS]
    assert [n.file for n in data.notices if n.kind == "header-row"] == ["image_consent.xlsx", "incidents_log.xlsx"]
    order = {wb.file: i for i, wb in enumerate(WORKBOOKS)}
    faults = [order[c.file] for c in data.cell_faults]
    assert faults == sorted(faults) and len(set(faults)) > 1
