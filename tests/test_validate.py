"""``lks-audit validate`` end to end: the listing, exit codes and the --feedback copies."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from test_load import fingerprint

from lks_audit.findings import Finding
from lks_audit.validate import PROBLEMS_SHEET, write_feedback_copy
from lks_audit.wording import short_message

from school import EVENTS_2025_26, d, write_school

HYPERLINK = '=HYPERLINK("http://example.org/x","click here")'
#: The school's year, as check would be asked for it (validate's default is the year containing today).
PERIOD = ("--year", "2025-26", "--as-of", "2026-07-20")


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lks_audit.cli", "validate", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def text_cell(path: Path, sheet: str, ref: str, value: str) -> None:
    """Store ``value`` as typed text even if it starts with '=' (as Excel does for '=... typed text)."""
    book = openpyxl.load_workbook(path)
    cell = book[sheet][ref]
    cell.value = value
    cell.data_type = "s"
    book.save(path)


@pytest.fixture
def school(tmp_path) -> Path:
    folder = write_school(
        tmp_path / "data",
        omit=("incidents_log.xlsx",),
        Posts=[
            {"Post ID": "P1", "Account ID": "ACC-1", "Post text": "text", "Images of students": "Yess"},
            {"Post ID": "P1", "Account ID": "#N/A", "Posted at": "31/02/2026"},
            {"Post ID": "P2", "Post text": "text", "Shot type": "Groupie", "Posted at": d(2026, 1, 5)},
        ],
        Staff=[{"Staff ID": "S1", "Name": "Jane Example"}],
        Accounts=[{"Account ID": "ACC-1"}],
        Interactions=EVENTS_2025_26["Interactions"],
    )
    text_cell(folder / "posts_log.xlsx", "Posts", "E2", HYPERLINK)  # Post text: fine, but formula-looking
    text_cell(folder / "posts_log.xlsx", "Posts", "H4", "=1+2")  # Shot type: a bad choice
    (folder / "school_settings.xlsx").write_bytes(b"Policy version,Approved on\n2025.1,15/07/2025\n")
    return folder


def test_lists_problems_by_workbook_with_cell_refs(school):
    proc = run(school, *PERIOD)
    assert proc.returncode == 1, proc.stderr  # problems found
    out = proc.stdout.splitlines()
    assert "posts_log.xlsx: 5 problems" in out
    start = out.index("posts_log.xlsx: 5 problems")
    block = out[start + 1 : start + 6]
    assert block == [
        "  Posts!F2 (Images of students): 'Yess' is not Yes or No (or Y/N, True/False, 1/0, a tick ✓ or a cross ✗)",
        "  Posts!A3: Post ID 'P1' is used again (first on row 2)",
        "  Posts!B3 (Account ID): '#N/A' is an Excel error, expected a short code such as ACC-001",
        "  Posts!C3 (Posted at): '31/02/2026' is not a date and time, day first (such as 03/09/2025 09:30, "
        "3 Sep 2025 9.30am or 2025-09-03 09:30)",
        "  Posts!H4 (Shot type): '=1+2' is not one of: Group, Individual, From behind, None",
    ]
    assert "staff_training.xlsx: OK" in out
    assert "incidents_log.xlsx: missing" in out
    assert any(line.startswith("school_settings.xlsx: cannot be read: a text/CSV file") for line in out)
    assert out[-1].startswith("Total: 7 problems in 8 workbooks (6 read, 1 missing, 1 cannot be read)")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda tmp: tmp / "nowhere", "no such folder"),
        (lambda tmp: tmp, "no workbook of the data contract found"),
    ],
)
def test_unusable_folder_exits_2_with_one_line(tmp_path, make, message):
    proc = run(make(tmp_path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lks-audit: ") and message in lines[0]
    assert "Traceback" not in proc.stderr


def test_feedback_copies_highlight_and_comment_and_leave_originals(school, tmp_path):
    before = fingerprint(school)
    out_dir = tmp_path / "feedback"
    proc = run(school, "--feedback", out_dir, *PERIOD)
    assert proc.returncode == 1, proc.stderr
    assert fingerprint(school) == before  # hash and mtime of every original
    assert f"feedback copy: {out_dir / 'posts_log.xlsx'} (5 cells highlighted)" in proc.stdout
    # Only the workbook with cell problems is copied, no temporary file is left behind.
    assert [p.name for p in out_dir.iterdir()] == ["posts_log.xlsx"]
    copy = out_dir / "posts_log.xlsx"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600

    book = openpyxl.load_workbook(copy)
    assert book.sheetnames == ["Posts", PROBLEMS_SHEET]  # the data sheet still opens first
    ws = book["Posts"]
    bad = ws["F2"]
    assert bad.fill.fill_type == "solid" and bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert "'Yess' is not Yes or No" in bad.comment.text
    assert "used again" in ws["A3"].comment.text and "of its own" in ws["A3"].comment.text
    assert ws["B3"].comment is not None and ws["A2"].comment is None and ws["A2"].fill.fill_type is None

    # Formula-looking text typed by staff stays literal text in the copy...
    assert ws["E2"].value == HYPERLINK and ws["E2"].data_type == "s"
    assert ws["H4"].value == "=1+2" and ws["H4"].data_type == "s"
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    # ...and in the problems sheet, which lists every problem of the workbook.
    rows = list(book[PROBLEMS_SHEET].iter_rows())
    assert [c.value for c in rows[0]] == ["Sheet", "Cell", "Column", "Problem"]
    assert [r[1].value for r in rows[1:]] == ["F2", "A3", "B3", "C3", "H4"]
    assert any("'=1+2'" in r[3].value for r in rows[1:])
    assert all(c.data_type != "f" for r in rows for c in r)


def test_feedback_into_the_data_folder_is_refused(school):
    before = fingerprint(school)
    proc = run(school, "--feedback", school)
    assert proc.returncode == 2 and "must not be the data folder" in proc.stderr
    assert fingerprint(school) == before


def test_feedback_text_from_input_never_becomes_a_formula(tmp_path):
    # The defence itself: a problem whose text starts with '=' is written as text, Excel-quoted.
    source = write_school(tmp_path / "data", Posts=[{"Post ID": "P1"}]) / "posts_log.xlsx"
    findings = [
        Finding(
            "DQ-02",
            "medium",
            "data",
            "P1",
            "posts_log.xlsx",
            "Posts",
            2,
            f"posts_log.xlsx, sheet Posts, cell B2 (Account ID): {text}",
            cell="B2",
            column="Account ID",
            detail=text,
        )
        for text in ("=1+1", "@SUM(A1)", "+1", "-1")
    ]
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    copy = write_feedback_copy(source, out_dir / "posts_log.xlsx", findings)
    sheet = openpyxl.load_workbook(copy)[PROBLEMS_SHEET]
    cells = [row[3] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["=1+1", "@SUM(A1)", "+1", "-1"]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


# --- the office's whole view: every data-quality rule, exit status, stale copies --------------------


def test_validate_reports_the_data_quality_findings_check_reports_on_the_sample(sample_audit):
    from lks_audit.validate import validate_folder

    from school import SAMPLE_AS_OF, SAMPLE_SCHOOL, SAMPLE_YEAR

    found = validate_folder(SAMPLE_SCHOOL, year=SAMPLE_YEAR, as_of=SAMPLE_AS_OF)
    in_check = [f.to_dict() for f in sample_audit.findings if f.area == "data"]
    assert {f["rule"] for f in in_check} == {"DQ-01", "DQ-02", "DQ-03", "DQ-04", "DQ-05"}
    assert [f.to_dict() for f in found.findings] == in_check
    proc = run(SAMPLE_SCHOOL, "--year", SAMPLE_YEAR, "--as-of", SAMPLE_AS_OF)
    assert proc.returncode == 1
    problems, _, waiting = proc.stdout.partition("Could not be checked until the entries are fixed: ")
    listed = [line.strip() for line in problems.splitlines() if line.startswith("  ")]
    assert sorted(listed) == sorted(short_message(f) for f in found.findings if f.sheet is not None)
    # The sample's undecided records, as check counts them, follow its problems.
    undecided = len(sample_audit.undecided)
    assert waiting.startswith(f"{undecided} record{'s' if undecided != 1 else ''} (as check says)\n")
    assert len(found.undecided) == undecided
    # platform-exports.md: which archives it found and what each holds (platform, dates, counts).
    archives = proc.stdout.split("platform_exports/: 4 archives read\n")[1].splitlines()[:4]
    assert archives == [
        "platform_exports/ACC-001.zip: Facebook: 552 posts from 01/09/2025 to 25/08/2026, 636 messages in 318 "
        "conversations",
        "platform_exports/ACC-002.zip: Instagram: 390 posts from 02/09/2025 to 22/08/2026, 420 messages in 210 "
        "conversations",
        "platform_exports/ACC-003.zip: X: 180 posts from 01/09/2025 to 25/08/2026, 223 replies to others, 152 messages "
        "in 76 conversations",
        "platform_exports/ACC-004/: YouTube: 150 posts from 01/09/2025 to 28/08/2026, 15 comments of the channel's own",
    ]
    # The X counts, read from the zip with nothing of lks-audit: tweets that answer someone else are replies.
    import json
    import zipfile

    with zipfile.ZipFile(SAMPLE_SCHOOL / "platform_exports" / "ACC-003.zip") as zf:
        tweets_js, dms_js = (zf.read(f"data/{name}.js").decode() for name in ("tweets", "direct-messages"))
    tweets = [e["tweet"] for e in json.loads(tweets_js[tweets_js.index("[") :])]
    replies = [x for x in tweets if x.get("in_reply_to_screen_name") not in (None, "LittleKinvaston")]
    dms = sum(len(c["dmConversation"]["messages"]) for c in json.loads(dms_js[dms_js.index("[") :]))
    assert (len(tweets) - len(replies), len(replies), dms) == (180, 223, 152)


def test_unknown_ids_and_dates_out_of_order_are_found_and_a_clean_folder_exits_0(tmp_path):
    folder = write_school(
        tmp_path / "data",
        Staff=[
            {"Staff ID": "S1", "Name": "Ann Example", "Start date": d(2024, 9, 1), "Leaving date": d(2024, 8, 1)},
        ],
        Accounts=[{"Account ID": "ACC-1", "Administrators": "S1, S9", "Created on": d(2026, 9, 2)}],
    )
    proc = run(folder, "--year", "2025-26", "--as-of", "2026-07-20")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert "  Accounts!I2 (Administrators): 'S9' is not a Staff ID in staff_training.xlsx, sheet Staff" in lines
    assert "  Accounts!K2 (Created on): 02/09/2026 is after the audit date 20/07/2026" in lines
    assert (
        "  Staff!F2 (Leaving date): the leaving date is before the start date (Leaving date 01/08/2024, "
        "Start date 01/09/2024)" in lines
    )
    clean = write_school(tmp_path / "clean", Staff=[{"Staff ID": "S1", "Name": "Ann Example"}], **EVENTS_2025_26)
    proc = run(clean, "--year", "2025-26")
    assert proc.returncode == 0 and proc.stdout.splitlines()[-1].startswith("Total: 0 problems in 8 workbooks")
    for bad in (("--year", "2025"), ("--year", "2025-26", "--as-of", "31/08/2027")):
        proc = run(clean, *bad)
        assert proc.returncode == 2 and proc.stdout == "" and len(proc.stderr.splitlines()) == 1


def test_help_says_what_the_exit_status_and_the_default_year_mean():
    text = " ".join(run("--help").stdout.split())
    assert "Exit status: 0 when no problem was found, 1 when problems were found" in text
    assert "2 when the arguments cannot be used" in text
    assert (
        "default: the year of --as-of, else the year of the latest dated event in the logs (the year containing "
        "today when they hold none)"
    ) in text


def test_the_default_year_is_the_academic_year_containing_today():
    from lks_audit.params import academic_year_of

    assert academic_year_of(d(2026, 8, 31)) == "2025-26" and academic_year_of(d(2026, 9, 1)) == "2026-27"
    assert academic_year_of(d(2099, 12, 31)) == "2099-00"


def test_feedback_folder_matches_this_run_and_keeps_what_it_did_not_write(tmp_path):
    folder = write_school(
        tmp_path / "data",
        Posts=[{"Post ID": "P1", "Shot type": "Groupie"}],
        Staff=[{"Staff ID": "S1", "Type": "Teacher"}],
    )
    out = tmp_path / "feedback"
    assert run(folder, "--feedback", out, "--year", "2025-26").returncode == 1
    assert sorted(p.name for p in out.iterdir()) == ["posts_log.xlsx", "staff_training.xlsx"]
    (out / "notes.xlsx").write_bytes((folder / "staff_training.xlsx").read_bytes())  # someone's own file

    write_school(folder, Posts=[{"Post ID": "P1", "Shot type": "Groupie"}], Staff=[{"Staff ID": "S1"}])  # fixed
    proc = run(folder, "--feedback", out, "--year", "2025-26")
    assert proc.returncode == 1
    removed = "a feedback copy from an earlier run; that workbook has no cell to mark now"
    assert f"removed {out / 'staff_training.xlsx'}: {removed}" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == ["notes.xlsx", "posts_log.xlsx"]

    # A file of the same name that lks-audit did not write is neither replaced nor removed.
    (out / "posts_log.xlsx").write_bytes((folder / "posts_log.xlsx").read_bytes())
    mine = (out / "posts_log.xlsx").read_bytes()
    proc = run(folder, "--feedback", out, "--year", "2025-26")
    assert proc.returncode == 1
    assert proc.stderr == (
        f"lks-audit: {out / 'posts_log.xlsx'}: not replaced, as lks-audit did not write it; move it and run again\n"
    )
    assert (out / "posts_log.xlsx").read_bytes() == mine and (out / "notes.xlsx").exists()


def test_a_copy_opens_on_its_data_sheet_at_the_first_problem(tmp_path):
    from lks_audit.templates import write_templates

    # A template-made workbook: Instructions first, the header frozen.
    folder = tmp_path / "data"
    write_templates(folder)
    book = openpyxl.load_workbook(folder / "posts_log.xlsx")
    for row in range(2, 60):
        book["Posts"].cell(row, 1, f"P{row}")
    book["Posts"]["H45"] = "Groupie"
    book["Posts"]["F50"] = "Yess"
    book.save(folder / "posts_log.xlsx")
    out = tmp_path / "feedback"
    run(folder, "--feedback", out, "--year", "2025-26")
    copy = openpyxl.load_workbook(out / "posts_log.xlsx")
    assert copy.sheetnames == ["Instructions", "Posts", PROBLEMS_SHEET]
    posts = copy["Posts"]
    assert copy.active.title == "Posts" and posts.sheet_view.tabSelected
    assert not copy["Instructions"].sheet_view.tabSelected
    assert [(s.activeCell, s.sqref) for s in posts.sheet_view.selection] == [("H45", "H45")]
    pane = posts.sheet_view.pane
    assert pane.state == "frozen" and pane.ySplit == 1 and pane.topLeftCell == "A42"  # the problem in view


def test_after_its_problems_validate_says_what_the_rules_could_not_decide_as_check_does(school):
    """Issue 17: the records check leaves undecided (a cell they need could not be read), counted and grouped by
    the problem they wait on, so the office knows what fixing each cell unblocks; the exit status is unchanged."""
    from lks_audit.audit import audit_folder

    _, result = audit_folder(school, "2025-26", "2026-07-20")
    assert result.undecided  # the fixture's Posted at and Account ID that could not be read
    proc = run(school, *PERIOD)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout.splitlines()
    n = len(result.undecided)
    heading = f"Could not be checked until the entries are fixed: {n} record{'s' if n != 1 else ''} (as check says)"
    assert heading in out
    assert out.index(heading) > out.index("posts_log.xlsx: 5 problems") and out[-1].startswith("Total: 7 problems")
    by_id = {f.id: f for f in result.findings}
    waited = {d for u in result.undecided for d in u.waits_on}
    listed = out[out.index(heading) + 1 : out.index(heading) + 1 + len(waited)]
    for dq in waited:
        f = by_id[dq]
        counted = sum(dq in u.waits_on for u in result.undecided)
        line = next(line for line in listed if f"{f.file}, {f.sheet}!{f.cell}" in line)
        assert line.startswith("  ") and f"{counted} record{'s' if counted != 1 else ''} wait" in line
        assert all(u.rule in line for u in result.undecided if u.waits_on == (dq,))
