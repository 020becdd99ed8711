"""The DPO's year, exact (issue 18): the DPO's own dates are never data faults, several Decisions rows for one
finding are its history (the latest in force), a mistyped Finding ID gets the ID it was meant to be, finding
IDs are one word, and a blank Posted by is one finding."""

from __future__ import annotations

from school import SIGNED_POLICY, audit_rows, by_rule, d, t

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
