"""The DPO's year, exact (issue 18): the DPO's own dates are never data faults, several Decisions rows for one
finding are its history (the latest in force), a mistyped Finding ID gets the ID it was meant to be, finding
IDs are one word, and a blank Posted by is one finding."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lks_audit.outputs.findings_json import findings_json_text
from lks_audit.params import meeting_day

from school import EVENTS_2025_26, SIGNED_POLICY, audit_rows, by_rule, d, t, write_school

#: Past its review date (POL-01, high) and not signed by the proprietor (POL-02, medium).
STALE_UNSIGNED = [dict(SIGNED_POLICY, **{"Next review due": d(2026, 7, 1), "Signed by proprietor on": None})]
YEAR_END = "2026-08-31"


def decision(finding_id, decided_on, review_by=None, choice="Accepted risk", reason="Booked for the autumn"):
    return {
        "Finding ID": finding_id,
        "Decision": choice,
        "Reason": reason,
        "Decided by": "DPO",
        "Decided on": decided_on,
        "Review by": review_by,
    }


def test_decisions_dated_after_the_year_are_no_data_fault():
    """The natural time for decisions is after the year ends: 15/09/2026 for a year audited as of 31/08/2026."""
    result = audit_rows(
        as_of=YEAR_END,
        Policy=STALE_UNSIGNED,
        Decisions=[
            decision("POL-01:2025.1", d(2026, 9, 15), d(2027, 3, 31)),
            decision("POL-02:2025.1", d(2026, 9, 15), choice="Not a breach"),
        ],
    )
    assert [f for f in result.findings if f.file == "dpo_review.xlsx"] == []
    assert by_rule(result, "DQ-05") == []
    assert by_rule(result, "POL-01")[0].decision.decided_on == "2026-09-15"
    assert result.summary["areas"]["data"]["rag"] == "Green"


def test_a_renewal_row_is_the_decision_in_force_and_the_lapsed_one_its_history():
    lapsed = decision("POL-01:2025.1", d(2026, 1, 10), d(2026, 3, 31), reason="Until the spring")
    renewed = decision("POL-01:2025.1", d(2026, 4, 2), d(2027, 3, 31), reason="Renewed for a year")
    result = audit_rows(as_of=YEAR_END, Policy=STALE_UNSIGNED, Decisions=[lapsed, renewed])
    assert [f.rule for f in result.findings if f.file == "dpo_review.xlsx"] == []  # never a DQ-03
    (pol01,) = by_rule(result, "POL-01")
    assert (pol01.decision.reason, pol01.decision.row, pol01.is_open) == ("Renewed for a year", 3, False)
    assert [e.reason for e in pol01.decision.earlier] == ["Until the spring"]
    assert result.notices == []

    # Rows in any order: the latest Decided on is in force, wherever it stands on the sheet.
    result = audit_rows(as_of=YEAR_END, Policy=STALE_UNSIGNED, Decisions=[renewed, lapsed])
    assert by_rule(result, "POL-01")[0].decision.reason == "Renewed for a year"


def test_the_row_further_down_wins_a_tie_and_a_lapsed_latest_counts_again():
    first = decision("POL-01:2025.1", d(2026, 4, 2), None, reason="Until withdrawn")
    second = decision("POL-01:2025.1", d(2026, 4, 2), d(2026, 6, 30), reason="Only until June")
    result = audit_rows(as_of=YEAR_END, Policy=STALE_UNSIGNED, Decisions=[first, second])
    (pol01,) = by_rule(result, "POL-01")
    assert pol01.decision is None and pol01.lapsed_decision.reason == "Only until June" and pol01.is_open
    assert pol01.message.endswith("has lapsed, so it counts again")


def test_a_mistyped_finding_id_names_the_finding_it_was_meant_for():
    result = audit_rows(
        as_of=YEAR_END,
        Policy=STALE_UNSIGNED,
        Decisions=[
            decision("POL-01:2025.01", d(2026, 9, 15)),  # a number padded differently
            decision("pol-02:2025.l", d(2026, 9, 15)),  # one character changed (and case aside)
            decision("INC-03:INC-0042", d(2026, 9, 15)),  # nothing like it
        ],
    )
    assert [n.message for n in result.notices] == [
        "dpo_review.xlsx, sheet Decisions: cell A2: the decision names POL-01:2025.01, which no finding of this "
        "audit has (resolved since, or mistyped): it is not applied; did you mean POL-01:2025.1?",
        "dpo_review.xlsx, sheet Decisions: cell A3: the decision names pol-02:2025.l, which no finding of this "
        "audit has (resolved since, or mistyped): it is not applied; did you mean POL-02:2025.1?",
        "dpo_review.xlsx, sheet Decisions: cell A4: the decision names INC-03:INC-0042, which no finding of this "
        "audit has (resolved since, or mistyped): it is not applied",
    ]


def test_the_samples_slip_is_named(sample_audit):
    (notice,) = [n for n in sample_audit.notices if n.kind == "dpo-decision"]
    assert notice.message.endswith("it is not applied; did you mean ACC-09:ACC-005?")


def test_finding_ids_hold_no_spaces(sample_audit):
    spaced = [f.id for f in sample_audit.findings if any(c.isspace() for c in f.id)]
    assert spaced == []
    assert "DQ-02:I-001399:First_response_at" in {f.id for f in sample_audit.findings}


def test_a_blank_posted_by_is_one_finding_with_one_message():
    result = audit_rows(
        as_of=YEAR_END,
        Policy=[SIGNED_POLICY],
        Staff=[{"Staff ID": "S001", "Name": "Jane Teacherson", "Type": "Employee", "Start date": d(2018, 9, 1)}],
        Accounts=[{"Account ID": "ACC-001", "Administrators": ["S001"], "Status": "Active"}],
        Posts=[{"Post ID": "P-1", "Account ID": "ACC-001", "Posted at": t(2026, 3, 2, 10, 0), "Posted by": None}],
    )
    assert [(f.rule, f.message) for f in result.findings if f.record == "P-1"] == [
        (
            "PST-01",
            "Post P-1 (02/03/2026) does not record who posted it, so it cannot be shown to come from an "
            "administrator of its account who was on the staff that day",
        )
    ]
    assert result.summary["rules"]["PST-02"]["checked"] == 0  # PST-02 checks the posts that name someone


# --- dates, years and last year's folder checked at the door -------------------------------------------------

LKS_AUDIT = Path(sys.executable).parent / "lks-audit"


def run_cli(*args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([str(LKS_AUDIT), *map(str, args)], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def small_school(tmp_path_factory) -> Path:
    return write_school(tmp_path_factory.mktemp("small") / "data", Policy=[SIGNED_POLICY], **EVENTS_2025_26)


@pytest.mark.parametrize(
    "args, line",
    [
        (
            ("--year", "2025-26", "--as-of", "2025-06-01"),  # before the year starts
            "--as-of 01/06/2025 is outside the year 2025-26: give a day from 01/09/2025 to 31/08/2026",
        ),
        (
            ("--year", "2025-26", "--as-of", "2027-08-31"),  # a year too late
            "--as-of 31/08/2027 is outside the year 2025-26: give a day from 01/09/2025 to 31/08/2026",
        ),
        (
            ("--year", "2025-26", "--as-of", "next week"),
            "--as-of must be a day like 31/08/2026 or 2026-08-31, got 'next week'",
        ),  # fmt: skip
        (("--year", "2025-26", "--as-of", "31/02/2026"), "--as-of 31/02/2026: there is no such day"),
        (
            ("--year", "2025-26", "--as-of", "31/08/2026 10:00+99:99"),  # an offset no clock has
            "--as-of 31/08/2026 10:00+99:99: there is no such UTC offset",
        ),
        (
            (
                "--year",
                "2025-27",
            ),
            "--year must be an academic year like 2025-26 or 2025/26, got '2025-27'",
        ),
    ],
)
def test_check_refuses_a_day_outside_the_year_naming_the_option(small_school, args, line):
    proc = run_cli("check", small_school, *args)
    assert (proc.returncode, proc.stderr) == (2, f"lks-audit: {line}\n")


@pytest.mark.parametrize("year", ["2025-26", "2025/26", "2025-2026", "2025/2026", "2025\u201326", "2025 \u2013 2026"])
def test_the_year_and_the_day_as_people_type_them(small_school, year):
    proc = run_cli("check", small_school, "--year", year, "--as-of", "31/08/2026", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["year"], doc["as_of"]) == ("2025-26", "2026-08-31")


def test_the_meeting_is_on_or_after_the_audit_day(small_school, tmp_path):
    proc = run_cli("report", small_school, "--year", "2025-26", "--as-of", "2026-08-31", "--out", tmp_path,
                   "--meeting-date", "2026-06-01")  # fmt: skip
    assert (proc.returncode, proc.stderr) == (
        2,
        "lks-audit: --meeting-date 01/06/2026 is before the audit day 31/08/2026: governors receive the review "
        "after the audit is taken (action due dates count from the meeting)\n",
    )
    assert list(tmp_path.iterdir()) == []
    # Not given: the later of today and the audit day; given the UK way, read the UK way.
    assert meeting_day(None, dt.date(2026, 8, 31), today=dt.date(2026, 7, 1)) == dt.date(2026, 8, 31)
    assert meeting_day(None, dt.date(2026, 8, 31), today=dt.date(2026, 10, 2)) == dt.date(2026, 10, 2)
    assert meeting_day("14/10/2026", dt.date(2026, 8, 31)) == dt.date(2026, 10, 14)
    assert meeting_day("31/08/2026", dt.date(2026, 8, 31)) == dt.date(2026, 8, 31)


def test_previous_given_a_folder_of_years_or_a_file_says_what_it_wants(small_school, tmp_path):
    reports = tmp_path / "reports"
    for year, as_of in (("2023-24", "2024-08-31"), ("2024-25", "2025-08-31")):
        (reports / year).mkdir(parents=True)
        result = audit_rows(year=year, as_of=as_of, Policy=[SIGNED_POLICY])
        (reports / year / "findings.json").write_text(findings_json_text(result))
        (reports / year / "action-plan.xlsx").write_bytes(b"PK\x03\x04 not really a workbook \xff\xfe")
    base = ("report", small_school, "--year", "2025-26", "--out", tmp_path / "out")
    proc = run_cli(*base, "--previous", reports)
    assert (proc.returncode, proc.stderr) == (
        2,
        f"lks-audit: --previous: {reports} is not a year's report folder; it holds the years 2023-24, 2024-25: "
        f"give one of them, e.g. --previous {reports / '2024-25'}\n",
    )
    plan = reports / "2024-25" / "action-plan.xlsx"
    proc = run_cli(*base, "--previous", plan)
    assert (proc.returncode, proc.stderr) == (
        2,
        f"lks-audit: --previous: {plan} is a file, not a report folder; give last year's report folder: "
        f"--previous {reports / '2024-25'}\n",
    )
    assert "Decode" not in proc.stderr and not (tmp_path / "out").exists()


# --- validate: the year the data is in, and the DPO's review kept out of the office's feedback ---------------


def test_validate_without_a_year_checks_the_year_the_data_is_in(tmp_path):
    last_year = {
        "Posts": [
            {"Post ID": "P1", "Posted at": t(2025, 7, 14, 10)},
            {"Post ID": "P2", "Posted at": t(2025, 9, 5, 10)},  # the log goes on into the new year
        ],
        "Interactions": [{"Interaction ID": "I1", "Received at": t(2025, 3, 5, 11)}],
        "Incidents": [{"Incident ID": "INC-1", "Reported at": t(2024, 11, 5, 12)}],
    }
    folder = write_school(tmp_path / "data", Policy=[SIGNED_POLICY], **last_year)
    proc = subprocess.run([sys.executable, "-m", "lks_audit.cli", "validate", folder], capture_output=True, text=True)
    lines = proc.stdout.splitlines()
    assert lines[0] == (
        "Year 2024-25 (01/09/2024 to 31/08/2025): the logs' dated events are in it (3, the latest on 14/07/2025 in "
        "posts_log.xlsx; 1 in other years); give --year to check another."
    )
    assert not [line for line in lines if "log is not being kept" in line]
    assert "(Posted at): 05/09/2025 10:00 is after the audit date 31/08/2025" in proc.stdout

    from lks_audit.load import load_workbooks
    from lks_audit.validate import year_of_the_data

    data = load_workbooks(folder)
    # Dates after today are slips, not the year the office is in; empty logs: the year containing today.
    assert year_of_the_data(data, today=dt.date(2025, 3, 31)) == (
        "2024-25",
        "the logs' dated events are in it (2, the latest on 05/03/2025 in interactions_log.xlsx)",
    )
    assert year_of_the_data(data, today=dt.date(2024, 10, 1)) == (
        "2024-25",
        "the logs hold no dated event, so the year containing today",
    )
    # Half as many events as the busiest year is enough for the later year: the logs of two whole years.
    two = write_school(tmp_path / "two", Posts=[{"Post ID": f"P{i}", "Posted at": t(2025 + i % 2, 1, 5, 10)}
                                                for i in range(4)])  # fmt: skip
    assert year_of_the_data(load_workbooks(two), today=dt.date(2026, 12, 4))[0] == "2025-26"


def test_validate_feedback_never_copies_the_dpos_review_for_the_office(tmp_path):
    folder = write_school(
        tmp_path / "data",
        Policy=[SIGNED_POLICY],
        Posts=[{"Post ID": "P1", "Posted at": t(2026, 1, 5, 10), "Shot type": "Groupie"}],
        Decisions=[decision("POL-01:2025.1", "15/09/2026", "sometime")],  # a date after the year, one unreadable
        **{k: v for k, v in EVENTS_2025_26.items() if k != "Posts"},
    )
    out = tmp_path / "feedback"
    proc = subprocess.run(
        [sys.executable, "-m", "lks_audit.cli", "validate", folder, "--year", "2025-26", "--feedback", out],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1, proc.stderr
    assert [p.name for p in out.iterdir()] == ["posts_log.xlsx"]
    lines = proc.stdout.splitlines()
    at = lines.index("dpo_review.xlsx (the DPO's own review: for the DPO to fix, not the office): 1 problem")
    assert lines[at + 1].startswith("  Decisions!F2 (Review by): 'sometime' is not a date")
    assert "after the audit date" not in proc.stdout


def test_the_dpos_detail_lists_a_decisions_history_after_it(tmp_path):
    from lks_audit.handover import ReportParameters
    from lks_audit.outputs.dpo_year import decision_rows
    from lks_audit.outputs.review_data import load_review

    folder = write_school(
        tmp_path,
        Policy=STALE_UNSIGNED,
        Decisions=[
            decision("POL-01:2025.1", d(2026, 1, 10), d(2026, 3, 31), reason="Until the spring"),
            decision("POL-01:2025.1", d(2026, 9, 15), d(2027, 3, 31), reason="Renewed after the year"),
        ],
    )
    rv = load_review(ReportParameters(data_dir=folder, year="2025-26", as_of=YEAR_END, meeting_date="2026-10-14"))
    assert [(r["id"], r["state"], r["reason"], r["row"]) for r in decision_rows(rv)] == [
        ("POL-01:2025.1", "in force", "Renewed after the year", 3),
        ("POL-01:2025.1", "earlier decision (history)", "Until the spring", 2),
    ]


def test_a_fault_in_the_dpos_review_alone_is_the_dpos_to_fix_in_the_plan():
    from lks_audit.outputs.action_plan import action_rows

    result = audit_rows(
        as_of=YEAR_END,
        Policy=[SIGNED_POLICY],
        Decisions=[decision("POL-01:2025.1", "sometime in September", None)],
        **EVENTS_2025_26,
    )
    (dq02,) = [a for a in action_rows(result.findings, dt.date(2026, 10, 14)) if a["rule"] == "DQ-02"]
    assert (dq02["owner"], dq02["action"]) == (
        "Data Protection Officer",
        "Correct your entries in dpo_review.xlsx named in the DPO's detail.",
    )
