"""`lks-audit check`: the readable summary, the --json contract and exit codes (real subprocesses)."""

import json
import subprocess
import sys

import pytest

from school import t, write_school


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "lks_audit", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture(scope="module")
def small_school(tmp_path_factory):
    folder = tmp_path_factory.mktemp("school")
    write_school(
        folder,
        Posts=[
            {
                "Post ID": "P1",
                "Account ID": "ACC-001",
                "Posted at": t(2026, 1, 5, 10),
                "Posted by": "S001",
                "Images of students": "Yes",
                "Students pictured": "ST1",
            },
            {"Post ID": "P1", "Posted at": "31/02/2026"},
        ],
        omit=("incidents_log.xlsx",),
    )
    return folder


def test_json_is_one_object_with_the_contract_keys(small_school):
    out = run_cli(
        "check", small_school, "--year", "2025-26", "--as-of", "2026-07-20", "--param", "ico_hours=48", "--json"
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)  # nothing else on stdout
    assert set(doc) == {
        "personal_data",
        "year",
        "as_of",
        "parameters",
        "findings",
        "not_assessed",
        "summary",
        "notices",
    }
    assert doc["personal_data"].startswith("Contains personal data")
    assert doc["year"] == "2025-26" and doc["as_of"] == "2026-07-20"
    assert doc["parameters"]["ico_hours"] == 48 and doc["parameters"]["respond_within_hours"] == 24
    for f in doc["findings"]:
        assert {"rule", "severity", "area", "record", "file", "sheet", "row", "message"} <= set(f)
    rules = [f["rule"] for f in doc["findings"]]
    assert "DQ-03" in rules and "DQ-02" in rules and "DQ-01" in rules
    missing = [f for f in doc["findings"] if f["rule"] == "DQ-01"][0]
    assert missing["file"] == "incidents_log.xlsx"
    assert all("reason" in n and "rule" in n for n in doc["not_assessed"])
    assert doc["summary"]["areas"]["data"]["rag"] == "Red"


def test_readable_summary_lists_areas_and_where(small_school):
    out = run_cli("check", small_school, "--year", "2025-26", "--as-of", "2026-07-20")
    assert out.returncode == 0, out.stderr
    assert "Data quality" in out.stdout and "posts_log.xlsx" in out.stdout
    # The repeated P1 on row 3: its own cell, its ID, and each rule's count beside what it checked.
    assert "DQ-03:P1:Post_ID  posts_log.xlsx, sheet Posts, cell A3" in out.stdout
    assert "DQ-03   high     1 of 2 rows of sheets with a key" in out.stdout


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--year", "2025"], "academic year"),
        (["--year", "2025-27"], "academic year"),
        (["--year", "2025-26", "--as-of", "2027-08-31"], "--as-of 31/08/2027 is outside the year 2025-26"),
        (["--year", "2025-26", "--param", "nonsense=1"], "unknown parameter"),
        (["--year", "2025-26", "--param", "ico_hours"], "name=value"),
        (["--year", "2025-26", "--param", "ico_hours=soon"], "ico_hours"),
        (["--year", "2025-26", "--param", "account_name_pattern=(["], "regular expression"),
    ],
)
def test_unusable_arguments_exit_2_with_one_line(small_school, args, needle):
    out = run_cli("check", small_school, *args)
    assert out.returncode == 2
    assert needle in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_folder_without_workbooks_exits_2(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    for folder in (tmp_path, tmp_path / "nope"):
        out = run_cli("check", folder, "--year", "2025-26", "--json")
        assert out.returncode == 2 and out.stdout == ""
        assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_settings_file_and_param_precedence(small_school, tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text("[parameters]\nico_hours = 24\nopen_incident_days = 10\n")
    out = run_cli(
        "check", small_school, "--year", "2025-26", "--settings", settings, "--param", "ico_hours=36", "--json"
    )
    params = json.loads(out.stdout)["parameters"]
    assert params["ico_hours"] == 36 and params["open_incident_days"] == 10


def test_every_subcommand_has_help():
    for cmd in ("templates", "sample", "validate", "check", "report"):
        out = run_cli(cmd, "--help")
        assert out.returncode == 0 and "usage: lks-audit" in out.stdout


def test_folder_whose_workbooks_are_all_unreadable_exits_2(tmp_path):
    (tmp_path / "posts_log.xlsx").write_text("Post ID,Account ID\nP1,ACC-001\n")
    (tmp_path / "staff_training.xlsx").write_bytes(b"")
    out = run_cli("check", tmp_path, "--year", "2025-26", "--json")
    assert out.returncode == 2 and out.stdout == ""
    line = out.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert "posts_log.xlsx" in line and "staff_training.xlsx" in line and "no readable workbook" in line


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    """``lks-audit check | head -1``: the pipe closes under a summary twice what a pipe holds; the command
    stops without a word, its status 1 (it could not write everything)."""
    from lks_audit.sample import write_sample

    write_sample(tmp_path, scale=6)
    command = [sys.executable, "-m", "lks_audit", "check", str(tmp_path), "--year", "2025-26"]
    check = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = check.stdout.readline()
    check.stdout.close()  # as head does after its line
    _, err = check.communicate(timeout=120)
    assert first.startswith(b"Social media policy audit 2025-26")
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()
    assert check.returncode == 1


def test_records_no_rule_could_decide_are_reported_per_rule_with_what_they_wait_on(tmp_path):
    # rules.md, "Unknown is not blank": "Yess" may be Yes, so P2 is neither a swimwear finding nor a pass.
    post = {"Account ID": "ACC-001", "Posted at": t(2026, 1, 5, 10), "Images of students": "Yes", "Swimwear": "Yes"}
    folder = write_school(
        tmp_path / "data",
        Posts=[{**post, "Post ID": "P1"}, {**post, "Post ID": "P2", "Swimwear": "Yess"}, {**post, "Post ID": "P3"}],
    )
    doc = json.loads(run_cli("check", folder, "--year", "2025-26", "--as-of", "2026-07-20", "--json").stdout)
    img05 = doc["summary"]["rules"]["IMG-05"]
    assert (img05["findings"], img05["checked"], img05["undecided"]) == (2, 2, 1)
    assert img05["undecided_records"] == [
        {
            "id": "IMG-05:P2",
            "record": "P2",
            "student": None,
            "file": "posts_log.xlsx",
            "sheet": "Posts",
            "row": 3,
            "waits_on": ["DQ-02:P2:Swimwear"],
        }
    ]
    assert "DQ-02:P2:Swimwear" in {f["id"] for f in doc["findings"]}
    text = run_cli("check", folder, "--year", "2025-26", "--as-of", "2026-07-20").stdout
    assert (
        "IMG-05  high     2 of 2 posts picturing students; 1 more could not be checked until the entries are fixed"
        in (text)
    )
    assert "  IMG-05:P2  [posts_log.xlsx, sheet Posts, row 3]  waits on: DQ-02:P2:Swimwear at posts_log.xlsx I3" in text


def test_every_command_the_parser_knows_has_its_function():
    import argparse

    from lks_audit.cli import COMMANDS, build_parser

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) == set(COMMANDS)
