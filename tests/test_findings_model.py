"""The findings model of rules.md: finding IDs, ``checked``, ``depends_on``, the rating, DQ-06, cells,
swimwear apart from sports kit, and real elapsed hours across the clock changes of 2025-26."""

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from lks_audit.audit import audit_folder
from lks_audit.findings import AREA_TITLES, SEVERITIES, Area, NoticeKind, Severity, severity_rank
from lks_audit.summary import area_rating, systemic

from school import audit_rows, by_rule, d, t

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample-school"

POLICY = [
    {
        "Policy version": "2025.1",
        "Approved on": d(2025, 9, 1),
        "Next review due": d(2026, 9, 1),
        "Signed by chair of governors on": d(2025, 9, 2),
        "Signed by proprietor on": d(2025, 9, 3),
    }
]


@pytest.fixture(scope="module")
def sample():
    return audit_folder(SAMPLE, "2025-26", "2026-08-31")[1]


def one(result, finding_id):
    (f,) = [f for f in result.findings if f.id == finding_id]
    return f


# --- data faults are not breaches ---------------------------------------------------------------


def test_unreadable_first_response_makes_int02_wait_on_the_dq02(sample):
    int02 = one(sample, "INT-02:I-001399")
    dq02 = one(sample, "DQ-02:I-001399:First_response_at")
    assert int02.depends_on == (dq02.id,) and not int02.is_open
    assert dq02.cell == "G1400" and int02.cell == "G1400"


def test_mistyped_pictured_student_makes_img01_wait_on_the_dq04(sample):
    img01 = one(sample, "IMG-01:P-00688:ST0699")
    assert img01.depends_on == ("DQ-04:P-00688:Students_pictured:ST0699",)
    assert one(sample, "DQ-04:P-00688:Students_pictured:ST0699").cell == "G689"


def test_unknown_responder_makes_trn01_wait_on_the_dq04(sample):
    trn01 = one(sample, "TRN-01:S179")
    (dq04,) = [f for f in sample.findings if f.rule == "DQ-04" and f.part == "S179"]
    assert trn01.depends_on == (dq04.id,) and dq04.column == "Responded by"


def test_waiting_findings_are_counted_apart_and_not_in_the_rating(sample):
    summary = sample.summary
    monitoring = summary["areas"]["monitoring"]
    assert summary["rules"]["INT-02"] == {**summary["rules"]["INT-02"], "findings": 4, "open": 3, "to_confirm": 1}
    assert monitoring["to_confirm"] == 1 and monitoring["counts"]["high"] == 3 + 2  # INT-02 open + INT-03
    # 3 open of ~4,000 due is far below 5%: one missed reply in thousands is Amber, not Red.
    assert monitoring["rag"] == "Amber"


def _copyright_post(**cells) -> list[dict]:
    """One post sharing third-party content without permission (PST-05), with ``cells`` on its row."""
    post = {"Post ID": "P1", "Account ID": "A1", "Posted at": t(2026, 3, 2, 10), "Posted by": "S1",
            "Images of students": "No", "Third-party content": "Yes", "Copyright permission": "No"}  # fmt: skip
    return [{**post, **cells}]


def test_a_bad_cell_elsewhere_on_the_row_marks_nothing():
    result = audit_rows(Posts=_copyright_post(**{"Removed on": "31/02/2026"}), Policy=POLICY)
    (pst05,) = by_rule(result, "PST-05")
    assert [f.id for f in by_rule(result, "DQ-02")] == ["DQ-02:P1:Removed_on"]
    assert pst05.depends_on == () and pst05.is_open and pst05.cell == "L2"


def test_an_unreadable_decisive_cell_marks_the_finding_on_it():
    # "Yess" may be Yes: the post is undecided (rules.md, "Unknown is not blank"), waiting on that cell ...
    result = audit_rows(Posts=_copyright_post(**{"Copyright permission": "Yess"}), Policy=POLICY)
    assert by_rule(result, "PST-05") == []
    (waiting,) = [u for u in result.undecided if u.rule == "PST-05"]
    assert (waiting.id, waiting.waits_on) == ("PST-05:P1", ("DQ-02:P1:Copyright_permission",))
    assert result.summary["rules"]["PST-05"]["checked"] == 0 and result.summary["rules"]["PST-05"]["undecided"] == 1
    # ... while a finding that says a value is missing holds whatever the cell holds: to confirm.
    (pst05,) = by_rule(audit_rows(Posts=_copyright_post(**{"Posted at": "31/02/2026"}), Policy=POLICY), "PST-05")
    assert pst05.depends_on == ("DQ-02:P1:Posted_at",)


# --- identity ----------------------------------------------------------------------------------


def test_ids_are_unique_in_the_sample_and_follow_rules_md(sample):
    ids = [f.id for f in sample.findings]
    assert len(ids) == len(set(ids)) and all(ids)
    assert one(sample, "POL-01:2025.1").rule == "POL-01"
    assert one(sample, "DQ-01:incidents_log.xlsx:External_agencies_informed").column == "External agencies informed"


def _school_rows():
    staff = [{"Staff ID": f"S{i}", "Start date": d(2020, 1, 1), "Policy read on": d(2025, 9, 1)} for i in range(4)]
    posts = [
        {
            "Post ID": f"P{i}",
            "Account ID": "A1",
            "Posted at": t(2026, 1, 5 + i, 10),
            "Posted by": "S9",
            "Images of students": "Yes",
            "Students pictured": ["ST1", "ST2"],
        }
        for i in range(6)
    ]
    posts.append({"Post ID": "P0", "Account ID": "A1", "Posted at": t(2026, 2, 1, 10), "Posted by": "S1"})
    return staff, posts


def test_ids_do_not_depend_on_row_order():
    staff, posts = _school_rows()
    before = sorted(f.id for f in audit_rows(Staff=staff, Posts=posts, Policy=POLICY).findings)
    random.Random(7).shuffle(posts)
    random.Random(8).shuffle(staff)
    after_rows = audit_rows(Staff=staff, Posts=posts, Policy=POLICY).findings
    after = sorted(f.id for f in after_rows)

    # The repeated Post ID P0 is told apart by its cell, which moves with the rows: everything else is equal.
    def stable(ids):
        return [i for i in ids if ":P0" not in i]

    assert stable(before) == stable(after) and len(stable(before)) > 10
    assert len(after) == len(set(after))


def test_a_repeated_key_gives_distinct_ids_naming_the_cell():
    _, posts = _school_rows()
    ids = [f.id for f in audit_rows(Posts=posts, Policy=POLICY).findings if f.record == "P0" and f.rule == "PST-01"]
    assert len(ids) == 2 and len(set(ids)) == 2 and all(i.startswith("PST-01:P0:") for i in ids)


# --- checked, cells -----------------------------------------------------------------------------


def test_every_assessed_rule_reports_checked_in_the_json(sample, tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "lks_audit",
            "check",
            str(SAMPLE),
            "--year",
            "2025-26",
            "--as-of",
            "2026-08-31",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    summary = json.loads(out)["summary"]
    assert all(isinstance(r["checked"], int) for r in summary["rules"].values() if r["assessed"])
    assert summary["rules"]["IMG-01"]["checked"] == sample.checked["IMG-01"] > 4000
    assert summary["areas"]["images"]["checked"]["IMG-01"] == sample.checked["IMG-01"]
    finding = json.loads(out)["findings"][0]
    assert list(finding)[0] == "id" and "depends_on" in finding and "cell" in finding


def test_readable_check_output_gives_each_count_its_base():
    out = subprocess.run(
        [sys.executable, "-m", "lks_audit", "check", str(SAMPLE), "--year", "2025-26", "--as-of", "2026-08-31"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "ACC-05  high     1 of 6 accounts; 1 with a lapsed decision" in out
    # One count per rule: the open findings against the base, those to confirm beside them (issue 19).
    assert "INT-02  high     3 of 3,999 interactions due a reply; 1 to confirm" in out
    assert (
        "IMG-01  critical 6 of 4,398 (post, pictured student) pairs on posts with images of students; 1 to confirm"
        in out
    )
    # 1,508: the period's logged posts and the two only the platforms show (issue 22).
    assert "PST-03  critical 0 of 1,508 posts; 2 set aside by the DPO (1 accepted as a risk, 1 not a breach)" in out
    assert "to confirm once the data is fixed: DQ-02:I-001399:First_response_at at interactions_log.xlsx G1400" in out
    assert "  INT-02:I-001399  " in out


def test_findings_name_the_cell_they_rest_on():
    accounts = [{"Account ID": "A1", "Status": "Active", "Administrators": ["S1"], "Credentials stored securely": "No"}]
    staff = [{"Staff ID": "S1", "Start date": d(2020, 1, 1)}]
    result = audit_rows(Accounts=accounts, Staff=staff, Policy=POLICY)
    assert one(result, "ACC-05:A1").cell == "L2"
    acc02 = one(result, "ACC-02:A1")  # about an absence: the column it looked at, and its cell
    assert acc02.column == "Administrators" and acc02.cell == "I2"


# --- the rating ---------------------------------------------------------------------------------


def _interactions(due: int, unanswered: int) -> list[dict]:
    rows = []
    for i in range(due):
        received = t(2026, 3, 2, 9, 0)  # a Monday; every deadline passed long before as_of
        rows.append(
            {
                "Interaction ID": f"I{i:03d}",
                "Received at": received,
                "First response at": None if i < unanswered else t(2026, 3, 2, 10, 0),
            }
        )
    return rows


@pytest.mark.parametrize(
    "due, unanswered, rating",
    [
        (19, 1, "Red"),  # fewer than 20 checked: one finding is enough
        (20, 1, "Red"),  # exactly 5%
        (21, 1, "Amber"),  # below 5%
        (40, 2, "Red"),  # exactly 5% again
        (41, 2, "Amber"),
        (40, 0, "Green"),
    ],
)
def test_high_rule_is_red_when_its_findings_reach_systemic_share(due, unanswered, rating):
    result = audit_rows(Interactions=_interactions(due, unanswered), Policy=POLICY)
    assert result.checked["INT-02"] == due and len(by_rule(result, "INT-02")) == unanswered
    assert result.summary["areas"]["monitoring"]["rag"] == rating


def test_systemic_share_is_a_parameter():
    result = audit_rows(Interactions=_interactions(40, 2), Policy=POLICY, params={"systemic_share": 10})
    assert result.summary["areas"]["monitoring"]["rag"] == "Amber"


def test_rating_edge_cases_directly():
    def rule(severity_counts, checked, assessed=True):
        counts = {"critical": 0, "high": 0, "medium": 0, "advisory": 0, **severity_counts}
        return {"open_by_severity": counts, "checked": checked, "assessed": assessed}

    assert area_rating({"IMG-01": rule({"critical": 1}, 5000)}, 5) == "Red"  # critical with nothing else
    assert area_rating({"IMG-06": rule({"advisory": 3}, 10)}, 5) == "Green"  # advisory only
    assert area_rating({"IMG-06": rule({}, 10), "IMG-01": rule({}, None, assessed=False)}, 5) == "Grey"
    assert area_rating({"INT-04": rule({"medium": 9}, 10)}, 5) == "Amber"  # medium never reaches Red
    assert systemic(1, 19, 5) and systemic(1, 20, 5) and not systemic(1, 21, 5) and not systemic(0, 3, 5)


def test_only_advisory_findings_leave_an_area_green():
    posts = [
        {
            "Post ID": "P1",
            "Account ID": "A1",
            "Posted at": t(2026, 3, 2, 10),
            "Images of students": "Yes",
            "Students pictured": ["ST1"],
            "Shot type": "Individual",
        }
    ]
    consent = [{"Student ID": "ST1", "Form received on": d(2025, 9, 1), "Social media consent": "Yes"}]
    result = audit_rows(Posts=posts, Consent=consent, Policy=POLICY)
    assert [f.rule for f in result.findings if f.area == "images"] == ["IMG-06"]
    assert result.summary["areas"]["images"]["rag"] == "Green"


def test_a_critical_finding_alone_makes_the_area_red():
    posts = [
        {
            "Post ID": "P1",
            "Account ID": "A1",
            "Posted at": t(2026, 3, 2, 10),
            "Images of students": "Yes",
            "Students pictured": ["ST1"],
        }
    ]
    consent = [{"Student ID": "ST1", "Form received on": d(2025, 9, 1), "Social media consent": "No"}]
    result = audit_rows(Posts=posts, Consent=consent, Policy=POLICY)
    assert [f.rule for f in result.findings if f.area == "images"] == ["IMG-01"]
    assert result.summary["areas"]["images"]["rag"] == "Red"


# --- DQ-06 --------------------------------------------------------------------------------------


def test_dq06_names_an_event_log_with_no_row_in_the_period():
    last_year = [{"Post ID": "P1", "Account ID": "A1", "Posted at": t(2025, 7, 1, 10)}]
    undated = [{"Interaction ID": "I1", "Account ID": "A1"}]
    result = audit_rows(Posts=last_year, Interactions=undated, Policy=POLICY)  # Incidents: a header, no rows
    assert sorted(f.id for f in by_rule(result, "DQ-06")) == [
        "DQ-06:incidents_log.xlsx:Reported_at",
        "DQ-06:interactions_log.xlsx:Received_at",
        "DQ-06:posts_log.xlsx:Posted_at",
    ]
    assert result.checked["DQ-06"] == 3
    assert all(f.severity == "advisory" and f.file in f.message for f in by_rule(result, "DQ-06"))


def test_dq06_quiet_for_a_kept_log_and_for_a_missing_one():
    posts = [{"Post ID": "P1", "Account ID": "A1", "Posted at": t(2025, 9, 1, 0, 0)}]  # first day of the year
    result = audit_rows(Posts=posts, Policy=POLICY, omit=("incidents_log.xlsx",))
    assert [f.file for f in by_rule(result, "DQ-06")] == ["interactions_log.xlsx"]
    assert result.checked["DQ-06"] == 2  # the missing log is DQ-01's


# --- swimwear and sports kit --------------------------------------------------------------------


def test_cross_country_kit_is_advisory_and_swimwear_high():
    consent = [{"Student ID": "ST1", "Form received on": d(2025, 9, 1), "Social media consent": "Yes"}]
    posts = [
        {
            "Post ID": "P1",
            "Account ID": "A1",
            "Posted at": t(2026, 3, 2, 10),
            "Images of students": "Yes",
            "Students pictured": ["ST1"],
            "Sports kit": "Yes",
            "Swimwear": "No",
        },
        {
            "Post ID": "P2",
            "Account ID": "A1",
            "Posted at": t(2026, 3, 3, 10),
            "Images of students": "Yes",
            "Students pictured": ["ST1"],
            "Swimwear": "Yes",
        },
    ]
    result = audit_rows(Posts=posts, Consent=consent, Policy=POLICY)
    assert [f.id for f in by_rule(result, "IMG-07")] == ["IMG-07:P1"]
    assert [f.id for f in by_rule(result, "IMG-05")] == ["IMG-05:P2"]
    assert one(result, "IMG-07:P1").severity == "advisory" and one(result, "IMG-05:P2").severity == "high"


def test_an_old_template_column_is_named_in_dq01():
    posts = [{"Post ID": "P1", "Account ID": "A1", "Posted at": t(2026, 3, 2, 10), "Swimwear or sports kit": "No"}]
    result = audit_rows(Posts=posts, Policy=POLICY, drop_columns={"Posts": ("Swimwear", "Sports kit")})
    dq01 = [f for f in by_rule(result, "DQ-01") if f.sheet == "Posts"]
    assert {f.column for f in dq01} == {"Swimwear", "Sports kit"}
    assert all("'Swimwear or sports kit' from an older template" in f.message for f in dq01)
    assert {"IMG-05", "IMG-07"} <= {n.rule for n in result.not_assessed}


# --- real elapsed hours across the clock changes of 2025-26 -------------------------------------


def _ico(reported, to_ico):
    incidents = [
        {
            "Incident ID": "INC-1",
            "Reported at": reported,
            "Category": "Personal data breach",
            "SLT assessment at": reported,
            "Personal data breach": "Yes",
            "DPO informed at": reported,
            "ICO reportable": "Yes",
            "Reported to ICO at": to_ico,
            "Closed on": d(2026, 6, 1),
        }
    ]
    return by_rule(audit_rows(Incidents=incidents, Policy=POLICY), "INC-05")


def test_ico_72_hours_across_the_march_change_is_real_time():
    # rules.md's example: Friday 10:00 before the clocks go forward, Monday 10:30: 71.5 real hours.
    assert _ico(t(2026, 3, 27, 10, 0), t(2026, 3, 30, 10, 30)) == []
    (late,) = _ico(t(2026, 3, 27, 10, 0), t(2026, 3, 30, 11, 30))
    assert "72.5 hours after" in late.message


def test_ico_72_hours_across_the_october_change_is_real_time():
    # Clocks went back on Sunday 26/10/2025: Friday 10:00 to Monday 09:30 is 71.5 on the wall, 72.5 real.
    (late,) = _ico(t(2025, 10, 24, 10, 0), t(2025, 10, 27, 9, 30))
    assert "72.5 hours after" in late.message
    assert _ico(t(2025, 10, 24, 10, 0), t(2025, 10, 27, 9, 0)) == []  # exactly 72 real hours


def _late(received, answered, **params):
    rows = [{"Interaction ID": "I1", "Received at": received, "First response at": answered, "Type": "Query"}]
    return by_rule(audit_rows(Interactions=rows, Policy=POLICY, params=params), "INT-01")


def test_int01_reports_real_hours_across_the_march_change():
    (f,) = _late(t(2026, 3, 27, 9, 0), t(2026, 3, 30, 10, 0))
    assert "first answered 72.0 hours after receipt, 48.0 hours after its deadline" in f.message


def test_int01_reports_real_hours_across_the_october_change():
    (f,) = _late(t(2025, 10, 24, 9, 0), t(2025, 10, 27, 10, 0))
    assert "first answered 74.0 hours after receipt, 50.0 hours after its deadline" in f.message


def test_a_deadline_that_spans_the_change_is_counted_in_real_hours():
    # 48 real hours from Friday 10:00 GMT is Sunday 11:00 BST: a reply at 10:30 is in time.
    assert _late(t(2026, 3, 27, 10, 0), t(2026, 3, 29, 10, 30), respond_within_hours=48) == []
    (f,) = _late(t(2026, 3, 27, 10, 0), t(2026, 3, 29, 11, 30), respond_within_hours=48)
    assert "its deadline of Sun 29/03/2026 11:00" in f.message


def test_severities_areas_and_notice_kinds_are_the_words_tools_read():
    """The enums' values are rules.md's words (and the notice kinds ``check --json`` has always given), equal
    to the plain strings the rules register with, so either finds the same entry."""
    assert [s.value for s in Severity] == ["critical", "high", "medium", "advisory"]
    assert [a.value for a in Area] == ["governance", "people", "images", "content", "monitoring", "incidents", "data"]
    assert {k.value for k in NoticeKind} == {
        "header-row",
        "renamed-sheet",
        "extra-column",
        "file-name",
        "file-format",
        "uncalculated-formulas",
        "dpo-decision",
        "dpo-text-personal-data",
        "platform-export",
    }
    assert SEVERITIES == ("critical", "high", "medium", "advisory") and Severity.HIGH == "high"
    assert {"high": 1}[Severity.HIGH] == 1 and {Area.DATA: 1}["data"] == 1 and AREA_TITLES["data"] == "Data quality"
    assert json.dumps({Severity.HIGH: [Area.DATA, NoticeKind.FILE_NAME]}) == '{"high": ["data", "file-name"]}'
    assert f"{Severity.CRITICAL}" == str(Severity.CRITICAL) == "critical" and severity_rank("medium") == 2
