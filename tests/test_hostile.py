"""The hostile-input corpus through the real CLI: validate, check --json and report as subprocesses.

Two data folders each hold several hostile workbooks under contract names next to readable ones, so
one run of each command covers many cases (two report runs in all, shared by every test here). Every
case must end in one clear line naming the file (and sheet and cell where there is one), exit code 0,
no traceback, the readable workbooks still audited, and no input file changed (hash and mtime).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from test_load import fingerprint

import hostile
from school import ROOT, d, t, write_school

YEAR, AS_OF = "2025-26", "2026-07-20"
LONG = 32_767  # the most characters an Excel cell holds


def excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


# --- the two folders ------------------------------------------------------------------------------

CONSENT = [
    ("ST1", "Zoë Brown"),
    ("ST2", "Siân Llywelyn"),
    ("ST3", "محمد العلي"),
    ("ST4", "王小明"),
    ("ST5", "Ffion ap Rhys"),
]
# Post ID -> text; the PST-03 column says whether the full-name check must fire (interpretations.md:
# NFKC and case folding, accents kept, zero-width characters dropped).
POSTS = {
    "P1": ("Well done Zoe Brown and the choir", False),  # differs from Zoë only by the accent
    "P2": ("ZOË BROWN won the poetry prize", True),  # case folded
    "P3": ("Zoe\u0308 Brown, captain", True),  # e + combining diaeresis is ë after NFKC
    "P4": ("Llongyfarchiadau Siân Llywelyn! 🎉👩‍👩‍👧 ", True),  # Welsh name; emoji with zero-width joiners
    "P5": ("تهانينا محمد العلي على الفوز", True),  # Arabic, right to left
    "P6": ("恭喜王小明同学", False),  # one-word name: never a full-name match
    "P7": ("Zo\u200bë Brown " + "x" * (LONG - 10), True),  # zero-width space; a full 32,767-character cell
    "P8": ('=HYPERLINK("http://example.org/x","click")', False),  # formula-looking text typed as text
}
# Shot type is a choice: each of these is a DQ-02 whose value must stay literal text in every xlsx we write.
FORMULA_LOOKING = {"P2": "=1+2", "P3": "@SUM(A1)", "P4": "+44 7700 900123", "P5": "-1", "P6": "\tTab"}


def folder_a(root: Path) -> Path:
    """Readable: posts_log and image_consent (Unicode, long cells); the other six are not workbooks."""
    posts = []
    for i, (post_id, (text, _)) in enumerate(POSTS.items()):
        posts.append(
            {
                "Post ID": post_id,
                "Account ID": "ACC-1",
                "Posted at": t(2026, 3, 2 + i, 10, 0),
                "Posted by": "S1",
                "Post text": text,
                "Images of students": "No",
                "Shot type": FORMULA_LOOKING.get(post_id, "None"),
            }
        )
    posts[6]["Shot type"] = "G" * LONG  # a 32,767-character bad value: the message must stay short
    folder = write_school(
        root,
        Posts=posts,
        Consent=[
            {
                "Student ID": sid,
                "Student name": name,
                "Year group": "Year 5",
                "Form received on": d(2025, 9, 5),
                "Social media consent": "Yes",
                "Photo restriction": "No",
            }
            for sid, name in CONSENT
        ],
    )
    # openpyxl made formulas of the '=...' strings; staff typed them as text (as '=1+2 in Excel).
    book = openpyxl.load_workbook(folder / "posts_log.xlsx")
    for row in book["Posts"].iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    book.save(folder / "posts_log.xlsx")
    good_staff = (folder / "staff_training.xlsx").read_bytes()
    files = {
        "accounts_register.xlsx": hostile.empty(),
        "account_applications.xlsx": hostile.csv_renamed(),
        "staff_training.xlsx": hostile.html_renamed(),
        "interactions_log.xlsx": hostile.truncated(good_staff),
        "incidents_log.xlsx": hostile.xls_like(),
        "school_settings.xlsx": hostile.ods(["Policy version", "Approved on"]),
        # Excel's lock files beside the workbooks open on someone's PC, and what Finder and Explorer leave.
        "~$posts_log.xlsx": hostile.excel_lock_file(),
        "~$image_consent.xlsx": hostile.excel_lock_file("Siân Jones"),
        ".DS_Store": hostile.ds_store(),
        "Thumbs.db": hostile.thumbs_db(),
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


STAFF_DATES = {  # row -> what is in Start date (E); each is a DQ-02 naming E<row>
    2: ("serial 60", "'28/02/1900' is not a plausible date"),  # Excel's fictitious 29/02/1900
    3: ("serial 59", "'28/02/1900' is not a plausible date"),
    4: ("15/01/1899", "'15/01/1899' is not a plausible date"),
    5: ("31/02/2020", "'31/02/2020' is not a date"),
    6: ("10/01", "'10/01' is not a date"),  # no year: refused, not guessed
    7: ("12/31/2025", "'12/31/2025' is not a date"),  # US order: refused, never swapped
}


def folder_b(root: Path) -> Path:
    """Readable: staff_training (dates, formulas, errors), accounts_register (lying dimension),
    school_settings (100,000 blank formatted rows); the other five are hostile zips."""
    staff = []
    for r in range(2, 10):
        start = STAFF_DATES.get(r, ("",))[0]
        # Serials are written as real dates first, so the cell carries a date style, then patched below.
        staff.append(
            {
                "Staff ID": f"S{r}",
                "Name": f"Person {r}",
                "Role": "Teacher",
                "Type": "Employee",
                "Start date": start if start and not start.startswith("serial") else d(2020, 9, 1),
                "Policy read on": d(2025, 9, 2),
                "Annual declaration on": d(2025, 9, 4),
            }
        )
    staff[7].update({"Start date": "#REF!", "Role": "#N/A"})  # row 9: error cells, as Excel stores them
    folder = write_school(
        root,
        Staff=staff,
        Accounts=[
            {"Account ID": "ACC-1", "Platform": "Facebook", "Account name": "LKS News", "Status": "Active"},
            {"Account ID": "ACC-2", "Platform": "MySpace", "Account name": "LKS Old", "Status": "Active"},
        ],
        Policy=[{"Policy version": "2025.1", "Approved on": d(2025, 7, 15), "Next review due": d(2026, 7, 15)}],
        Closures=[{"Date": d(2025, 12, 22), "Reason": "Christmas"}],
    )
    path = folder / "staff_training.xlsx"

    def staff_cells(xml: str) -> str:
        xml = hostile.set_cell_xml(xml, "E2", '<c r="E2"{s}><v>60</v></c>')
        xml = hostile.set_cell_xml(xml, "E3", '<c r="E3"{s}><v>59</v></c>')
        # Row 8: formulas as Excel saves them, with their last results; nothing may be evaluated.
        xml = hostile.set_cell_xml(xml, "B8", '<c r="B8" t="str"><f>"Never "&amp;"evaluated"</f><v>Cached Name</v></c>')
        xml = hostile.set_cell_xml(
            xml, "G8", f'<c r="G8"{{s}}><f>DATE(2025,9,2)+NOW()*0</f><v>{excel_serial(dt.date(2025, 9, 3))}</v></c>'
        )
        xml = hostile.set_cell_xml(xml, "C8", '<c r="C8" t="str"><f>WEBSERVICE("http://example.org/")</f></c>')
        return hostile.set_cell_xml(xml, "J9", '<c r="J9" t="e"><f>1/0</f><v>#DIV/0!</v></c>')

    hostile.patch_sheet(path, "xl/worksheets/sheet1.xml", staff_cells)
    hostile.patch_sheet(
        folder / "accounts_register.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda xml: hostile.claim_dimension(xml, "A1:Z1000000"),
    )

    def closures(xml: str) -> str:
        style = int(re.search(r'<c r="A2" s="(\d+)"', xml).group(1))
        return hostile.blank_formatted_rows(xml, 3, 100_000, style)

    hostile.patch_sheet(folder / "school_settings.xlsx", "xl/worksheets/sheet2.xml", closures)

    good_posts = (folder / "posts_log.xlsx").read_bytes()
    files = {
        "posts_log.xlsx": hostile.password_protected(good_posts),
        "interactions_log.xlsx": hostile.zip_bomb((folder / "interactions_log.xlsx").read_bytes()),
        "incidents_log.xlsx": hostile.lying_zip_bomb((folder / "incidents_log.xlsx").read_bytes()),
        "image_consent.xlsx": hostile.with_entities_in_sheet((folder / "image_consent.xlsx").read_bytes()),
        "account_applications.xlsx": hostile.shared_strings_workbook(
            "Applications",
            [["Application ID", "Platform"], ["APP-1", "Facebook"]],
            dtd=hostile.BILLION_LAUGHS.format(root="sst"),
        ),
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


# --- one run of each command per folder -------------------------------------------------------------


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def lines(self, stream: str = "stdout") -> list[str]:
        return getattr(self, stream).splitlines()


@dataclass
class Corpus:
    folder: Path
    before: dict
    after: dict
    validate: Run
    check: Run
    findings: list[dict]  # check --json
    report: Run
    report_dir: Path
    feedback_dir: Path

    def unchanged(self) -> bool:
        return self.before == self.after == fingerprint(self.folder)


def _cli(*args) -> list[str]:
    return [sys.executable, "-m", "lks_audit", *map(str, args)]


def _run(*args) -> Run:
    proc = subprocess.run(_cli(*args), capture_output=True, text=True, timeout=180)
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Corpus]:
    root = tmp_path_factory.mktemp("hostile")
    folders = {"a": folder_a(root / "a"), "b": folder_b(root / "b")}
    before = {name: fingerprint(folder) for name, folder in folders.items()}
    reports = {}
    for name, folder in folders.items():  # both kernels work while validate and check run
        logs = [open(root / f"report-{name}.{s}", "w+") for s in ("out", "err")]
        proc = subprocess.Popen(
            _cli("report", folder, "--year", YEAR, "--as-of", AS_OF, "--out", root / f"out-{name}"),
            stdout=logs[0],
            stderr=logs[1],
            text=True,
        )
        reports[name] = (proc, logs)
    runs = {}
    for name, folder in folders.items():
        validate = _run("validate", folder, "--feedback", root / f"feedback-{name}", "--year", YEAR, "--as-of", AS_OF)
        check = _run("check", folder, "--year", YEAR, "--as-of", AS_OF, "--json")
        runs[name] = (validate, check)
    out = {}
    for name, folder in folders.items():
        proc, logs = reports[name]
        proc.wait(timeout=300)
        for log in logs:
            log.seek(0)
        report = Run(proc.returncode, logs[0].read(), logs[1].read())
        for log in logs:
            log.close()
        validate, check = runs[name]
        out[name] = Corpus(
            folder,
            before[name],
            fingerprint(folder),
            validate,
            check,
            json.loads(check.stdout)["findings"] if check.returncode == 0 else [],
            report,
            root / f"out-{name}" / YEAR,
            root / f"feedback-{name}",
        )
    return out


# --- files that cannot be read: DQ-01, one line, everything else audited -----------------------------

FILE_CASES = {  # case -> (folder, contract file, what the one line must say)
    "zero-byte file": ("a", "accounts_register.xlsx", r"the file is empty \(0 bytes\)"),
    "CSV renamed .xlsx": ("a", "account_applications.xlsx", r"text/CSV file renamed \.xlsx; .*save as .*\(\.xlsx\)"),
    "HTML renamed .xlsx": ("a", "staff_training.xlsx", r"web page \(HTML\) renamed \.xlsx; .*save as .*\(\.xlsx\)"),
    "truncated zip": ("a", "interactions_log.xlsx", r"damaged \(not a complete \.xlsx zip\)"),
    "damaged .xls (OLE2 header, junk after it)": (
        "a",
        "incidents_log.xlsx",
        r"not a readable Excel 97-2003 workbook \(CalamineError: .*\); open it and save it again as \.xlsx",
    ),
    "password-protected": ("b", "posts_log.xlsx", r"password-protected; remove the password"),
    "zip bomb (2 GB sheet)": (
        "b",
        "interactions_log.xlsx",
        r"refused: it would expand to 2,048 MB, above the 200 MB limit",
    ),
    "central directory lies about sizes": (
        "b",
        "incidents_log.xlsx",
        r"part xl/worksheets/sheet1\.xml holds more data than its declared size",
    ),
    "billion laughs in a sheet": ("b", "image_consent.xlsx", r"part xl/worksheets/sheet1\.xml declares a DTD"),
    "billion laughs in shared strings": (
        "b",
        "account_applications.xlsx",
        r"part xl/sharedStrings\.xml declares a DTD",
    ),
}


def _one(lines: list[str], prefix: str) -> str:
    found = [line for line in lines if line.startswith(prefix)]
    assert len(found) == 1, (prefix, lines)
    return found[0]


@pytest.mark.parametrize("case", FILE_CASES)
def test_unreadable_workbook_is_one_clear_line_in_every_command(corpus, case):
    name, file, phrase = FILE_CASES[case]
    run = corpus[name]
    # validate: the workbook's heading says why, and nothing is listed under it.
    out = run.validate.lines()
    heading = _one(out, f"{file}: cannot be read: ")
    assert re.search(phrase, heading, re.I), heading
    following = out[out.index(heading) + 1]
    assert not following.startswith(" "), following
    # check: one line on stderr, one DQ-01 in the JSON.
    assert re.search(phrase, _one(run.check.lines("stderr"), f"lks-audit: {file}: "), re.I)
    (dq01,) = [f for f in run.findings if f["rule"] == "DQ-01" and f["file"] == file]
    assert dq01["message"].startswith(f"{file} cannot be read: ") and re.search(phrase, dq01["message"], re.I)
    assert "\n" not in dq01["message"]
    # report: the same line, and the same finding in its findings.json.
    assert re.search(phrase, _one(run.report.lines("stderr"), f"lks-audit: {file}: "), re.I)
    published = json.loads((run.report_dir / "findings.json").read_text())["findings"]
    assert dq01 in published
    assert run.unchanged()


# --- cells: DQ-02 naming file, sheet and cell ----------------------------------------------------------

CELL_CASES = {  # case -> (folder, file, sheet, cell, what the message says)
    "Excel day 60, the fictitious 29/02/1900": ("b", "staff_training.xlsx", "Staff", "E2", STAFF_DATES[2][1]),
    "Excel day 59 (before March 1900)": ("b", "staff_training.xlsx", "Staff", "E3", STAFF_DATES[3][1]),
    "date before 1900": ("b", "staff_training.xlsx", "Staff", "E4", STAFF_DATES[4][1]),
    "31/02/2020": ("b", "staff_training.xlsx", "Staff", "E5", STAFF_DATES[5][1]),
    "two-digit year": ("b", "staff_training.xlsx", "Staff", "E6", STAFF_DATES[6][1]),
    "US-looking date": ("b", "staff_training.xlsx", "Staff", "E7", STAFF_DATES[7][1]),
    "#REF! cell": ("b", "staff_training.xlsx", "Staff", "E9", "'#REF!' is an Excel error"),
    "#N/A cell": ("b", "staff_training.xlsx", "Staff", "C9", "'#N/A' is an Excel error"),
    "formula whose cached result is an error": (
        "b",
        "staff_training.xlsx",
        "Staff",
        "J9",
        "'#DIV/0!' is an Excel error",
    ),
    "a million rows claimed, two real": ("b", "accounts_register.xlsx", "Accounts", "B3", "'MySpace' is not one of"),
    "text starting =": ("a", "posts_log.xlsx", "Posts", "H3", "'=1+2' is not one of"),
    "text starting @": ("a", "posts_log.xlsx", "Posts", "H4", "'@SUM(A1)' is not one of"),
    "text starting +": ("a", "posts_log.xlsx", "Posts", "H5", "'+44 7700 900123' is not one of"),
    "text starting -": ("a", "posts_log.xlsx", "Posts", "H6", "'-1' is not one of"),
    "text starting with a tab": ("a", "posts_log.xlsx", "Posts", "H7", "Tab' is not one of"),
    "32,767-character cell": ("a", "posts_log.xlsx", "Posts", "H8", "'" + "G" * 57 + "...' is not one of"),
}


@pytest.mark.parametrize("case", CELL_CASES)
def test_bad_cell_is_dq02_naming_file_sheet_and_cell(corpus, case):
    name, file, sheet, cell, phrase = CELL_CASES[case]
    run = corpus[name]
    out = run.validate.lines()
    start = out.index(_one(out, f"{file}: "))
    block = []
    for line in out[start + 1 :]:
        if not line.startswith("  "):
            break
        block.append(line)
    line = _one(block, f"  {sheet}!{cell} ")
    assert phrase in line and len(line) < 200, line  # a 32,767-character value is shortened
    (f,) = [f for f in run.findings if f["file"] == file and f["cell"] == cell and f["rule"] == "DQ-02"]
    assert f["rule"] == "DQ-02" and f["sheet"] == sheet and phrase in f["message"]
    assert f["message"].startswith(f"{file}, sheet {sheet}, cell {cell} ") and len(f["message"]) < 300
    published = json.loads((run.report_dir / "findings.json").read_text())["findings"]
    assert f in published
    assert run.unchanged()


def test_every_command_ran_to_the_end(corpus):
    for run in corpus.values():
        assert run.validate.returncode == 1, run.validate.stderr[-2000:]  # problems found, and the status says so
        for command in (run.check, run.report):
            assert command.returncode == 0, command.stderr[-2000:]
        for command in (run.validate, run.check, run.report):
            assert "Traceback" not in command.stdout + command.stderr
        assert {"annual-review.html", "dpo-detail.html", "action-plan.xlsx", "findings.json"} <= {
            p.name for p in run.report_dir.iterdir()
        }
        assert run.unchanged()


def test_a_spreadsheet_named_as_another_format_is_read_as_what_it_is(corpus):
    # school_settings.xlsx of folder a is an OpenDocument spreadsheet: read from its bytes, with a notice.
    run = corpus["a"]
    note = "school_settings.xlsx is an OpenDocument spreadsheet, not what its name says; it is read as one"
    assert f"  note: {note}" in run.validate.lines()
    notices = json.loads(run.check.stdout)["notices"]
    assert {
        "kind": "file-format",
        "message": f"school_settings.xlsx: {note}",
        "file": "school_settings.xlsx",
    }.items() <= (notices[0].items())
    missing = {f["column"] for f in run.findings if f["rule"] == "DQ-01" and f["file"] == "school_settings.xlsx"}
    assert missing == {"Next review due", "Signed by chair of governors on", "Signed by proprietor on", None}
    assert run.unchanged()


def test_readable_workbooks_are_still_audited(corpus):
    rules_by_file = {name: {(f["file"], f["rule"].split("-")[0]) for f in run.findings} for name, run in corpus.items()}
    assert ("posts_log.xlsx", "PST") in rules_by_file["a"]
    for file, prefix in (
        ("staff_training.xlsx", "TRN"),
        ("accounts_register.xlsx", "ACC"),
        ("school_settings.xlsx", "POL"),
    ):
        assert (file, prefix) in rules_by_file["b"]
    out = corpus["b"].validate.lines()
    assert "school_settings.xlsx: OK" in out  # 100,000 blank formatted rows are no problem
    # 15 as typed, and the formula never calculated (C8): unreadable, with one notice saying how to fix it.
    assert "Total: 16 problems in 8 workbooks (3 read, 0 missing, 5 cannot be read); 1 notice" in out
    assert (
        "Total: 15 problems in 8 workbooks (3 read, 0 missing, 5 cannot be read); 1 notice"
        in corpus["a"].validate.lines()
    )
    assert all(run.unchanged() for run in corpus.values())


def test_full_name_check_on_unicode_names(corpus):
    # interpretations.md: NFKC and case folding, accents kept ("Zoe" is not "Zoë"), zero-width dropped.
    hits = {f["record"] for f in corpus["a"].findings if f["rule"] == "PST-03"}
    assert hits == {post for post, (_, named) in POSTS.items() if named}
    assert corpus["a"].unchanged()


def test_lock_and_stray_files_are_ignored(corpus):
    run = corpus["a"]
    everything = run.validate.stdout + run.validate.stderr + run.check.stderr + run.report.stderr
    for stray in ("~$", ".DS_Store", "Thumbs.db"):
        assert stray not in everything
    assert "image_consent.xlsx: OK" in run.validate.lines()  # read, though its lock file is beside it
    assert "posts_log.xlsx: 6 problems" in run.validate.lines()
    assert run.unchanged()


def test_folder_of_lock_and_stray_files_only_is_exit_2(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    for name, content in (
        ("~$posts_log.xlsx", hostile.excel_lock_file()),
        (".DS_Store", hostile.ds_store()),
        ("Thumbs.db", hostile.thumbs_db()),
    ):
        (folder / name).write_bytes(content)
    before = fingerprint(folder)
    for args in (
        ("validate", folder),
        ("check", folder, "--year", YEAR, "--json"),
        ("report", folder, "--year", YEAR, "--out", tmp_path / "out"),
    ):
        run = _run(*args)
        assert run.returncode == 2 and run.stdout == "", run.stderr
        (line,) = run.lines("stderr")
        assert line.startswith(f"lks-audit: {folder}: no workbook of the data contract found")
    assert fingerprint(folder) == before
    assert not (tmp_path / "out").exists()


# --- values: cached results read, nothing evaluated, Unicode intact -------------------------------------


def test_values_are_cached_results_and_unicode_is_intact(corpus):
    from lks_audit.load import load_workbooks

    staff = load_workbooks(corpus["b"].folder).frames["Staff"].set_index("Staff ID")
    assert staff.at["S8", "Name"] == "Cached Name"  # the cached result, not "Never evaluated"
    assert staff.at["S8", "Policy read on"] == dt.datetime(2025, 9, 3)  # cached; DATE(2025,9,2) is not run
    assert staff.at["S8", "Role"] is None  # a formula never calculated has no value (unreadable); WEBSERVICE not called
    assert staff.at["S8", "Start date"] == dt.datetime(2020, 9, 1)
    assert staff["Start date"].isna().sum() == 7  # rows 2-7 and the #REF! row
    data = load_workbooks(corpus["a"].folder)
    posts = data.frames["Posts"].set_index("Post ID")
    assert "👩\u200d👩\u200d👧" in posts.at["P4", "Post text"]  # zero-width joiners of an emoji kept
    assert posts.at["P5", "Post text"] == POSTS["P5"][0]
    assert len(posts.at["P7", "Post text"]) >= LONG - 2  # loaded whole (the zero-width space dropped)
    assert posts.at["P8", "Post text"] == POSTS["P8"][0]  # formula-looking text is just text
    assert list(data.frames["Consent"]["Student name"]) == [name for _, name in CONSENT]
    assert all(run.unchanged() for run in corpus.values())


def test_blank_formatted_rows_and_lying_dimension_load_fast(corpus):
    import time

    from lks_audit.load import load_workbooks

    started = time.perf_counter()
    data = load_workbooks(corpus["b"].folder)
    elapsed = time.perf_counter() - started
    rows = {f.file: f.rows for f in data.files}
    assert rows["school_settings.xlsx"] == {"Policy": 1, "Closures": 1}  # not 100,001
    assert rows["accounts_register.xlsx"] == {"Accounts": 2}  # not a million
    assert elapsed < 5, elapsed  # ~0.3 s here; a loader that walked the blank rows or the claim would not
    assert corpus["b"].unchanged()


# --- bombs: refused before any parser, fast, flat memory -----------------------------------------------

_MEASURE = textwrap.dedent("""
    import json, resource, sys, time
    from lks_audit.load import load_workbooks
    load_workbooks(sys.argv[1])  # a good folder first: every import and parser is loaded
    out = {}
    for folder in sys.argv[2:]:
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        data = load_workbooks(folder)
        out[folder] = {"seconds": time.perf_counter() - started, "problems": data.problems,
                       "grown_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024}
    print(json.dumps(out))
""")
BOMBS = ("interactions_log.xlsx", "incidents_log.xlsx", "image_consent.xlsx", "account_applications.xlsx")


def test_bombs_are_refused_in_well_under_a_second_without_memory_growth(corpus, tmp_path):
    # One folder per bomb, so each load reads only it; ru_maxrss sees the parsers' native memory too.
    source = corpus["b"].folder
    ods = (ROOT / "tests" / "data" / "libreoffice" / "sample-ods" / "school_settings.ods").read_bytes()
    bombs = {file: (source / file).read_bytes() for file in BOMBS} | {
        # The same guarantees for OpenDocument: entities in content.xml, a part expanding to 2 GB.
        "school_settings.ods": hostile.with_dtd(ods, "content.xml", "office:document-content"),
        "staff_training.ods": hostile.with_bomb_part(ods),
    }
    folders = []
    for file, content in bombs.items():
        folder = tmp_path / file.replace(".", "-")
        folder.mkdir()
        (folder / file).write_bytes(content)
        folders.append(str(folder))
    xls = tmp_path / "xls"  # an .xls is not zipped: its size alone is bounded
    xls.mkdir()
    hostile.oversized_ole(xls / "posts_log.xls")
    folders.append(str(xls))
    good = write_school(tmp_path / "good", Staff=[{"Staff ID": "S1", "Name": "Ann Example"}])
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(good), *folders], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    measured_all = json.loads(proc.stdout)
    assert [measured_all[f]["problems"] for f in folders[-3:]] == [
        ["school_settings.ods: refused: part content.xml declares a DTD or XML entities, which Excel never "
         "writes (an entity-expansion attack); save it again from Excel"],
        ["staff_training.ods: refused: it would expand to 2,048 MB, above the 200 MB limit for one workbook"],
        ["posts_log.xls: refused: it is 201 MB, above the 200 MB limit for one workbook"],
    ]  # fmt: skip
    for measured in measured_all.values():
        (problem,) = measured["problems"]
        assert "refused" in problem, problem
        assert measured["seconds"] < 0.5, measured
        assert measured["grown_mb"] < 50, measured
    assert corpus["b"].unchanged()


def test_neither_parser_expands_entities(corpus):
    """The safety net under the intake's DTD check: defusedxml for openpyxl; calamine refuses entities."""
    import time

    import python_calamine

    assert openpyxl.DEFUSEDXML is True  # openpyxl found defusedxml and parses through it
    for file in ("image_consent.xlsx", "account_applications.xlsx"):
        path = corpus["b"].folder / file
        with pytest.raises(Exception) as caught:
            openpyxl.load_workbook(path, read_only=True).worksheets[0].calculate_dimension()
            openpyxl.load_workbook(path)  # read_only defers the sheet; a full load parses every part
        chain = []
        exc = caught.value
        while exc is not None:
            chain.append(type(exc).__name__)
            exc = exc.__context__ or exc.__cause__
        assert "EntitiesForbidden" in chain, chain
        started = time.perf_counter()
        with pytest.raises(Exception, match="entity"):
            python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        assert time.perf_counter() - started < 0.5
    assert corpus["b"].unchanged()


# --- what we write: input text never becomes a formula ------------------------------------------------


def _formula_cells(book) -> dict[str, set[str]]:
    return {
        ws.title: {c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"} for ws in book.worksheets
    }


def test_feedback_copies_add_no_formula(corpus):
    from lks_audit.validate import PROBLEMS_SHEET

    copies = [(run, p) for run in corpus.values() for p in sorted(run.feedback_dir.glob("*.xlsx"))]
    assert {p.name for _, p in copies} == {"posts_log.xlsx", "staff_training.xlsx", "accounts_register.xlsx"}
    for run, copy in copies:
        original = openpyxl.load_workbook(run.folder / copy.name)
        written = openpyxl.load_workbook(copy)
        formulas = _formula_cells(written)
        # Every cell of every sheet: formulas only where staff wrote them, none in the problems sheet.
        assert formulas.pop(PROBLEMS_SHEET) == set()
        assert formulas == _formula_cells(original)
        for ws in original.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if (
                        isinstance(cell.value, str)
                        and cell.value[:1] in ("=", "+", "-", "@", "\t", "\r")
                        and cell.data_type == "s"
                    ):
                        assert written[ws.title][cell.coordinate].data_type == "s"
                        assert written[ws.title][cell.coordinate].value == cell.value
    assert {"B8", "G8", "C8", "J9"} <= _formula_cells(
        openpyxl.load_workbook(corpus["b"].folder / "staff_training.xlsx")
    )["Staff"]  # the check above did compare real formulas
    assert all(run.unchanged() for run in corpus.values())


def test_action_plan_holds_no_formula_and_no_input_text(corpus):
    # action_plan.py writes rule texts and counts only; this proves it for hostile input.
    inputs = [text for text, _ in POSTS.values()] + list(FORMULA_LOOKING.values()) + [n for _, n in CONSENT]
    for run in corpus.values():
        book = openpyxl.load_workbook(run.report_dir / "action-plan.xlsx")
        cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
        assert cells and all(c.data_type != "f" for c in cells)
        texts = [str(c.value) for c in cells]
        # Short inputs such as '-1' occur inside rule IDs, so those must only not be a whole cell.
        assert not [i for i in inputs if any(t == i or (len(i) > 4 and i in t) for t in texts)]
        assert run.unchanged()


# --- platform archives (platform-exports.md): each hostile part refused with a notice naming it -------------

#: Archive (named after its account) -> what the notice about it says. Each sits in ``platform_exports/``.
ARCHIVE_CASES = {
    "ACC-BOMB.zip": r"data/tweets\.js: refused: it is 2,048 MB, above the 200 MB limit for one file",
    "ACC-RATIO.zip": r"data/tweets\.js: refused: compressed \d+:1, which only a zip bomb does",
    "ACC-LIE.zip": r"data/tweets\.js: refused: it holds more data than its declared size",
    "ACC-CLIMB.zip": r"ACC-CLIMB\.zip: member '\.\./\.\./outside/tweets\.js' refused: its path climbs out of the "
    r"archive",
    "ACC-LINK.zip": r"ACC-LINK\.zip: member 'data/tweets\.js' refused: a symbolic link",
    "ACC-UTF8.zip": r"data/tweets\.js: refused: not UTF-8 text \(byte 0x",
    "ACC-DEEP.zip": r"data/tweets\.js: refused: JSON nested too deep",
    "ACC-CUT.zip": r"ACC-CUT\.zip: refused: not a complete zip \(damaged or cut short\)",
    "ACC-HUGE": r"data/tweets\.js: refused: it is 2,048 MB, above the 200 MB limit for one file",
    "ACC-LINKS": r"data/tweets\.js: a symbolic link, not followed",
}


def write_hostile_archives(root: Path) -> Path:
    """``root/platform_exports`` holding every hostile archive of :data:`ARCHIVE_CASES`; returns it."""
    exports = root / "platform_exports"
    exports.mkdir(parents=True)
    good = hostile.archive({"data/account.js": b"window.YTD.account.part0 = []", "data/tweets.js": b"[]"})
    made = {
        "ACC-BOMB.zip": hostile.archive_zip_bomb(),
        "ACC-RATIO.zip": hostile.archive_compressed_like_a_bomb(),
        "ACC-LIE.zip": hostile.archive_lying_about_sizes(),
        "ACC-CLIMB.zip": hostile.archive_climbing_out(),
        "ACC-LINK.zip": hostile.archive_symlink_member(),
        "ACC-UTF8.zip": hostile.archive_not_utf8(),
        "ACC-DEEP.zip": hostile.archive_nested_too_deep(),
        "ACC-CUT.zip": hostile.truncated(good),
    }
    for name, content in made.items():
        (exports / name).write_bytes(content)
    hostile.sparse_file(exports / "ACC-HUGE" / "data" / "tweets.js")
    links = exports / "ACC-LINKS" / "data"
    links.mkdir(parents=True)
    (links / "tweets.js").symlink_to("/etc/passwd")
    (links.parent / "more").symlink_to("/etc", target_is_directory=True)
    return exports


@pytest.fixture(scope="module")
def archive_corpus(tmp_path_factory):
    """A small school whose register names every hostile archive's account, through validate and check --json."""
    root = tmp_path_factory.mktemp("hostile-archives")
    accounts = [{"Account ID": Path(name).stem, "Platform": "X", "Account name": "@LKS"} for name in ARCHIVE_CASES]
    folder = write_school(
        root / "data",
        Accounts=accounts,
        Posts=[{"Post ID": "P1", "Account ID": "ACC-BOMB", "Posted at": t(2026, 1, 5, 9), "Post text": "Hello"}],
    )
    write_hostile_archives(folder)
    before = _tree(root)
    work = root / "work"  # the commands run from here: nothing may appear outside the data folder
    work.mkdir()
    runs = {
        command: subprocess.run(
            _cli(command, folder, "--year", YEAR, "--as-of", AS_OF, *extra), capture_output=True, text=True,
            timeout=180, cwd=work,
        )
        for command, extra in (("check", ("--json",)), ("validate", ()))
    }  # fmt: skip
    return folder, root, before, runs


def _archive_block(out: str, source: str) -> str:
    """validate's lines about one archive: its heading and the notes under it."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(source))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return "\n".join(lines[start:end])


def _tree(root: Path) -> dict[str, tuple]:
    """Every path under ``root`` (links not followed) with its size and modification time."""
    out = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        out[path.relative_to(root).as_posix()] = (info.st_size, info.st_mtime_ns)
    return out


def test_hostile_archives_are_refused_part_by_part_without_a_traceback(archive_corpus):
    folder, root, before, runs = archive_corpus
    check, validate = runs["check"], runs["validate"]
    assert check.returncode == 0, check.stderr[-2000:]
    assert validate.returncode in (0, 1), validate.stderr[-2000:]
    for run in runs.values():
        assert "Traceback" not in run.stdout + run.stderr
    notices = [n for n in json.loads(check.stdout)["notices"] if n["kind"] == "platform-export"]
    for name, phrase in ARCHIVE_CASES.items():
        mine = [n["message"] for n in notices if n["file"].startswith(f"platform_exports/{name}")]
        assert any(re.search(phrase, m) for m in mine), (name, mine)
        assert re.search(phrase, _archive_block(validate.stdout, f"platform_exports/{name}")), name
    climbing = [n for n in notices if n["file"] == "platform_exports/ACC-CLIMB.zip" and "climbs out" in n["message"]]
    assert len(climbing) == 3  # ../, a path through ../ and an absolute one
    # Nothing was written anywhere: not beside the data, not where the commands ran, not where the members point.
    assert _tree(root) == before | {"work": _tree(root)["work"]} and not any((root / "work").iterdir())
    assert not (root.parent / "outside").exists() and not (root.parent / "escape").exists()


_MEASURE_ARCHIVES = textwrap.dedent("""
    import json, resource, sys, time
    from lks_audit.platforms import read_exports
    read_exports(sys.argv[1], None)  # a good archive first: every import is loaded
    out = {}
    for folder in sys.argv[2:]:
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        exports = read_exports(folder, None)
        out[folder] = {"seconds": time.perf_counter() - started, "notices": [n.message for n in exports.notices],
                       "grown_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024}
    print(json.dumps(out))
""")


def test_each_hostile_archive_is_handled_within_15_seconds_and_1_gb(tmp_path):
    # One data folder per archive, so each measurement is that archive's alone.
    source = write_hostile_archives(tmp_path / "all")
    folders = []
    for entry in sorted(source.iterdir()):
        folder = tmp_path / entry.name.replace(".", "-")
        (folder / "platform_exports").mkdir(parents=True)
        entry.rename(folder / "platform_exports" / entry.name)
        folders.append(str(folder))
    good = tmp_path / "good"
    from lks_audit.sample import platform_writers

    platform_writers.write_archive(platform_writers.x_archive("LKS", "1", []), good / "platform_exports" / "ACC-1")
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE_ARCHIVES, str(good), *folders], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    measured = json.loads(proc.stdout)
    for folder in folders:
        name = Path(folder).name.replace("-zip", ".zip")
        result = measured[folder]
        assert any(re.search(ARCHIVE_CASES[name], n) for n in result["notices"]), (name, result["notices"])
        assert result["seconds"] < 15 and result["grown_mb"] < 1024, (name, result)


def test_a_platform_exports_folder_that_is_a_link_is_not_followed(tmp_path):
    from lks_audit.platforms import read_exports

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "platform_exports").symlink_to(elsewhere, target_is_directory=True)
    exports = read_exports(tmp_path / "data", None)
    assert exports.archives == [] and [n.message for n in exports.notices] == [
        "platform_exports: not a folder (a file, or a symbolic link, which is never followed); nothing read"
    ]
