"""The DPO's review (dpo_review.xlsx): decisions honoured as rules.md says, opinions read, the workbook
checked like the others, and text for governors refused when it holds a student's name or ID."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl

from lks_audit.audit import run_rules
from lks_audit.context import make_context
from lks_audit.outputs.dpo_actions import removed_on, worklist_book, worklist_rows

from school import SIGNED_POLICY, audit, audit_rows, by_rule, d, dataset_from_rows, t, write_school

LKS_AUDIT = Path(sys.executable).parent / "lks-audit"

#: A policy past its review date (POL-01, high: Red with one record checked) and not signed by the
#: proprietor (POL-02, medium): governance is Red, and Amber once POL-01 is set aside.
STALE_UNSIGNED = [dict(SIGNED_POLICY, **{"Next review due": d(2026, 7, 1), "Signed by proprietor on": None})]
POL01 = "POL-01:2025.1"
AS_OF = "2026-07-20"

CONSENT = [
    {
        "Student ID": "ST0001",
        "Student name": "Amelia Hartwell",
        "Form received on": d(2025, 9, 5),
        "Social media consent": "Yes",
    }
]


def decision(finding_id=POL01, choice="Accepted risk", review_by=None, reason="Review booked for the autumn term"):
    return {
        "Finding ID": finding_id,
        "Decision": choice,
        "Reason": reason,
        "Decided by": "DPO",
        "Decided on": d(2026, 7, 2),
        "Review by": review_by,
    }


def governance(result) -> dict:
    return result.summary["areas"]["governance"]


def test_an_accepted_risk_turns_an_area_from_red_to_amber():
    before = audit_rows(as_of=AS_OF, Policy=STALE_UNSIGNED)
    assert governance(before)["rag"] == "Red"

    after = audit_rows(as_of=AS_OF, Policy=STALE_UNSIGNED, Decisions=[decision(review_by=d(2027, 3, 31))])
    (pol01,) = by_rule(after, "POL-01")
    assert pol01.decision.decision == "Accepted risk" and not pol01.is_open
    assert governance(after)["rag"] == "Amber"
    assert governance(after)["accepted_risk"] == 1 and governance(after)["counts"]["high"] == 0
    assert after.summary["rules"]["POL-01"] == dict(
        after.summary["rules"]["POL-01"], findings=1, open=0, to_confirm=0, accepted_risk=1, not_a_breach=0
    )
    assert after.to_json_dict()["findings"][0]["decision"] == {
        "decision": "Accepted risk",
        "reason": "Review booked for the autumn term",
        "decided_by": "DPO",
        "decided_on": "2026-07-02",
        "review_by": "2027-03-31",
    }
    assert after.notices == []


def test_not_a_breach_also_leaves_the_rating_and_ids_match_whatever_their_case():
    after = audit_rows(
        as_of=AS_OF, Policy=STALE_UNSIGNED, Decisions=[decision(POL01.lower(), "Not a breach", reason="Reviewed")]
    )
    (pol01,) = by_rule(after, "POL-01")
    assert pol01.decision.decision == "Not a breach" and pol01.decision.review_by is None
    assert governance(after)["rag"] == "Amber" and governance(after)["not_a_breach"] == 1


def test_a_decision_is_in_force_on_its_review_day_and_lapses_the_day_after():
    on_the_day = audit_rows(as_of=AS_OF, Policy=STALE_UNSIGNED, Decisions=[decision(review_by=d(2026, 7, 20))])
    assert not by_rule(on_the_day, "POL-01")[0].is_open

    lapsed = audit_rows(as_of=AS_OF, Policy=STALE_UNSIGNED, Decisions=[decision(review_by=d(2026, 7, 19))])
    (pol01,) = by_rule(lapsed, "POL-01")
    assert pol01.is_open and pol01.decision is None
    assert pol01.lapsed_decision.review_by == "2026-07-19"
    assert pol01.message.endswith(
        "; the DPO's decision (Accepted risk, review by 19/07/2026) has lapsed, so it counts again"
    )
    assert governance(lapsed)["rag"] == "Red"
    assert lapsed.to_json_dict()["findings"][0]["lapsed_decision"]["decision"] == "Accepted risk"


def test_a_decision_naming_no_finding_is_a_notice_that_names_the_id():
    result = audit_rows(
        as_of=AS_OF,
        Policy=STALE_UNSIGNED,
        Decisions=[decision(), decision("ACC-09:ACC-05", reason="Typed from memory")],
    )
    assert not by_rule(result, "POL-01")[0].is_open  # the good row still applies
    (notice,) = result.notices
    assert notice.kind == "dpo-decision" and (notice.file, notice.sheet, notice.row) == (
        "dpo_review.xlsx",
        "Decisions",
        3,
    )
    assert notice.message == (
        "dpo_review.xlsx, sheet Decisions: cell A3: the decision names ACC-09:ACC-05, which no finding of this "
        "audit has (resolved since, or mistyped): it is not applied"
    )


def test_a_decision_whose_review_date_cannot_be_read_is_not_applied():
    result = audit_rows(as_of=AS_OF, Policy=STALE_UNSIGNED, Decisions=[decision(review_by="31/02/2027")])
    assert by_rule(result, "POL-01")[0].is_open
    (dq02,) = [f for f in by_rule(result, "DQ-02") if f.file == "dpo_review.xlsx"]
    assert dq02.cell == "F2" and dq02.column == "Review by"
    (notice,) = result.notices
    assert "cell F2" in notice.message and "could not be read as a date" in notice.message


def test_the_review_is_checked_like_the_other_workbooks():
    result = audit_rows(
        as_of=AS_OF,
        Policy=[SIGNED_POLICY],
        Areas=[{"Area": "Imagez and consent", "Assurance": "Limited"}],
        Decisions=[decision("POL-02:2025.1"), decision("POL-02:2025.1", choice="Maybe")],
    )
    located = sorted((f.rule, f.sheet, f.cell) for f in result.findings if f.file == "dpo_review.xlsx")
    # An Area that is not one of the list is unreadable, not blank: DQ-02, and DQ-03 cannot tell whether it
    # repeats another (undecided, waiting on that DQ-02).
    assert located == [
        ("DQ-02", "Areas", "A2"),
        ("DQ-02", "Decisions", "B3"),
    ]  # two rows for one finding are its history, never a DQ-03 (the Decisions sheet has no key)
    (waiting,) = [u for u in result.undecided if u.rule == "DQ-03"]
    assert (waiting.sheet, waiting.row) == ("Areas", 2)
    assert [w.split(":#")[0] for w in waiting.waits_on] == ["DQ-02:dpo_review.xlsx"]
    assert result.summary["rules"]["DQ-01"]["checked"] == 117 + 1 + 2 + 10


def test_no_review_is_no_missing_workbook():
    result = audit_rows(as_of=AS_OF, Policy=[SIGNED_POLICY])
    assert by_rule(result, "DQ-01") == [] and result.summary["rules"]["DQ-01"]["checked"] == 117
    assert result.not_assessed == []


def test_text_for_governors_naming_a_student_is_a_notice_naming_the_cell():
    result = audit_rows(
        as_of=AS_OF,
        Policy=[SIGNED_POLICY],
        Consent=CONSENT,
        Areas=[
            {"Area": "Images and consent", "Assurance": "Limited", "Commentary": "All fine."},
            {"Area": "Incidents", "Commentary": "Spoke to amelia  HARTWELL's parents", "Evidence": "Log ST0001"},
        ],
    )
    assert [n.message for n in result.notices] == [
        "dpo_review.xlsx, sheet Areas: cell C3 (Commentary) holds a student name ('amelia HARTWELL') from the "
        "data; governors would read it, so reword it without names or IDs",
        "dpo_review.xlsx, sheet Areas: cell D3 (Evidence) holds a Student ID ('ST0001') from the data; governors "
        "would read it, so reword it without names or IDs",
    ]


def test_check_prints_decisions_and_notices_from_real_xlsx(tmp_path):
    write_school(
        tmp_path,
        Policy=STALE_UNSIGNED,
        Consent=CONSENT,
        Decisions=[decision(review_by=d(2027, 3, 31)), decision("IMG-01:P-9:ST0404")],
        Areas=[{"Area": "Governance and accounts", "Assurance": "Reasonable", "Commentary": "Amelia Hartwell"}],
    )
    args = ["check", tmp_path, "--year", "2025-26", "--as-of", AS_OF]
    text = subprocess.run([LKS_AUDIT, *args], capture_output=True, text=True, timeout=120)
    assert text.returncode == 0, text.stderr
    assert "Amber  Governance and accounts" in text.stdout
    assert "1 accepted as a risk (DPO's decision)" in text.stdout
    assert (
        "set aside by the DPO: Accepted risk on 02/07/2026 by DPO, review by 31/03/2027: "
        "Review booked for the autumn term"
    ) in text.stdout
    notices = text.stdout.split("Notices (not findings; nothing here changes a rating):\n")[1].splitlines()
    assert notices == [
        "  dpo_review.xlsx, sheet Decisions: cell A3: the decision names IMG-01:P-9:ST0404, which no finding "
        "of this audit has (resolved since, or mistyped): it is not applied",
        "  dpo_review.xlsx, sheet Areas: cell C2 (Commentary) holds a student name ('Amelia Hartwell') from the "
        "data; governors would read it, so reword it without names or IDs",
    ]
    # The year as UK schools write it gives the same audit.
    as_json = subprocess.run(
        [LKS_AUDIT, "check", tmp_path, "--year", "2025/26", "--as-of", AS_OF, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    doc = json.loads(as_json.stdout)
    assert doc["year"] == "2025-26"
    assert [(n["kind"], n["row"], n["column"]) for n in doc["notices"]] == [
        ("dpo-decision", 3, "Finding ID"),
        ("dpo-text-personal-data", 2, "Commentary"),
    ]
    assert "IMG-01:P-9:ST0404" in doc["notices"][0]["message"]
    assert audit(tmp_path, as_of=AS_OF).summary["areas"]["governance"]["rag"] == "Amber"


def test_the_worklist_asks_for_the_review_of_a_post_already_taken_down():
    refused = {"Student ID": "ST0002", "Student name": "Bobby Quinlan", "Form received on": d(2025, 9, 5),
               "Social media consent": "No"}  # fmt: skip
    post = {"Account ID": "ACC-001", "Posted by": "S001", "Images of students": "Yes", "Students pictured": "ST0002"}
    data = dataset_from_rows(
        Policy=[SIGNED_POLICY],
        Consent=CONSENT + [refused],
        Posts=[
            dict(post, **{"Post ID": "P-1", "Posted at": t(2026, 3, 2, 10, 0), "Removed on": d(2026, 3, 6)}),
            dict(post, **{"Post ID": "P-2", "Posted at": t(2026, 3, 3, 10, 0)}),
        ],
    )
    result = run_rules(data, make_context("2025-26", AS_OF, {}))
    built = worklist_rows(result.findings, dt.date.fromisoformat(AS_OF), removed=removed_on(data))
    sheet = openpyxl.load_workbook(io.BytesIO(worklist_book(built, "LKS", "2025-26", AS_OF)))
    rows = sheet["Worklist"]
    header = [c.value for c in rows[3]]
    todo = {r[0]: dict(zip(header, r)) for r in rows.iter_rows(min_row=4, values_only=True)}
    assert todo["IMG-01:P-1:ST0002"]["What to do"] == (
        "Removed on 06/03/2026: record the review (what happened, who was told, what changes)."
    )
    assert todo["IMG-01:P-2:ST0002"]["What to do"].startswith("Take the post down")
    assert (todo["IMG-01:P-1:ST0002"]["Student ID"], todo["IMG-01:P-1:ST0002"]["Where"]) == (
        "ST0002",
        "posts_log.xlsx, Posts G2",
    )
    assert sheet.properties.subject == "Contains personal data"


def test_a_decision_on_a_record_that_could_not_be_checked_says_so():
    # "Yess" may be Yes: PST-05 cannot decide P1 this run, so the decision on it is neither applied nor "resolved".
    post = {"Post ID": "P1", "Account ID": "A1", "Posted at": t(2026, 3, 2, 10), "Third-party content": "Yes",
            "Copyright permission": "Yess"}  # fmt: skip
    result = audit_rows(as_of=AS_OF, Policy=[SIGNED_POLICY], Posts=[post], Decisions=[decision("PST-05:P1")])
    (note,) = [n.message for n in result.notices if n.kind == "dpo-decision"]
    assert "the decision names PST-05:P1, which could not be checked this run until the entries are fixed " in note
    assert "(DQ-02:P1:Copyright_permission)" in note and "resolved since" not in note
