"""INC-01..INC-08 on hand-built incident logs (as_of 20/07/2026 unless said)."""

import pytest

from school import audit, audit_rows, by_rule, d, not_assessed, t, write_school

CLOSED = object()  # default: closed the day it was reported, so INC-07 stays quiet


def incident(iid, reported, assessed=CLOSED, closed=CLOSED, **extra):
    return {
        "Incident ID": iid,
        "Reported at": reported,
        "Category": "Other",
        "Summary": "test",
        "SLT assessment at": reported if assessed is CLOSED else assessed,
        "Assessed by": "S1",
        "Closed on": reported.date() if closed is CLOSED else closed,
        **extra,
    }


ROWS = [
    # INC-01: no assessment; only in-period incidents count.
    incident("NO-ASSESS", t(2026, 3, 2, 9), assessed=None),
    incident("OLD-NO-ASSESS", t(2025, 6, 2, 9), assessed=None),
    # INC-02: Friday with 2 -> Tuesday; assessed on the 2nd working day is fine, the 3rd is late.
    incident("FRI-TUE", t(2026, 3, 6, 16), assessed=t(2026, 3, 10, 23)),
    incident("FRI-WED", t(2026, 3, 6, 16), assessed=t(2026, 3, 11, 8)),
    # Saturday: counted from Monday, so Tuesday is the 2nd working day.
    incident("SAT-TUE", t(2026, 3, 7, 10), assessed=t(2026, 3, 10, 17)),
    incident("SAT-WED", t(2026, 3, 7, 10), assessed=t(2026, 3, 11, 9)),
    # Friday before the closure Monday 16/03/2026: the 2nd working day moves to Wednesday.
    incident("CLOSURE-WED", t(2026, 3, 13, 15), assessed=t(2026, 3, 18, 17)),
    incident("CLOSURE-THU", t(2026, 3, 13, 15), assessed=t(2026, 3, 19, 8)),
    # INC-03.
    incident("ILLEGAL", t(2026, 4, 1, 9), **{"Considered illegal": "Yes"}),
    incident(
        "ILLEGAL-REPORTED", t(2026, 4, 1, 9), **{"Considered illegal": "Yes", "Reported to police on": d(2026, 4, 1)}
    ),
    incident("NOT-ILLEGAL", t(2026, 4, 1, 9), **{"Considered illegal": "No"}),
    # INC-04 / INC-08: the Category alone makes it a personal data breach.
    incident("PDB-CATEGORY", t(2026, 4, 20, 9), Category="Personal data breach"),
    incident(
        "PDB-DONE",
        t(2026, 4, 20, 9),
        **{"Personal data breach": "Yes", "DPO informed at": t(2026, 4, 20, 11), "ICO reportable": "No"},
    ),
    incident(
        "PDB-NO-DECISION", t(2026, 4, 20, 9), **{"Personal data breach": "Yes", "DPO informed at": t(2026, 4, 20, 11)}
    ),
    incident("NOT-PDB", t(2026, 4, 20, 9), **{"Personal data breach": "No"}),
    # INC-05: Reported at Mon 09/03/2026 09:00; 72 hours is Thu 12/03 09:00.
    incident("ICO-71H", t(2026, 3, 9, 9), **{"ICO reportable": "Yes", "Reported to ICO at": t(2026, 3, 12, 8)}),
    incident("ICO-72H", t(2026, 3, 9, 9), **{"ICO reportable": "Yes", "Reported to ICO at": t(2026, 3, 12, 9)}),
    incident("ICO-75H", t(2026, 3, 9, 9), **{"ICO reportable": "Yes", "Reported to ICO at": t(2026, 3, 12, 12)}),
    incident("ICO-MISSING", t(2026, 3, 9, 9), **{"ICO reportable": "Yes"}),
    incident("ICO-NOT-REPORTABLE", t(2026, 3, 9, 9), **{"ICO reportable": "No"}),
    # INC-06.
    incident("PRESS-BLANK", t(2026, 5, 5, 9), Category="Journalist contact"),
    incident("PRESS-NO", t(2026, 5, 5, 9), Category="Journalist contact", **{"Media policy followed": "No"}),
    incident("PRESS-YES", t(2026, 5, 5, 9), Category="Journalist contact", **{"Media policy followed": "Yes"}),
    # INC-07: open 31 days (finding) vs 30 days (not); closed; and one from before the period.
    incident("OPEN-31", t(2026, 6, 19, 15), closed=None),
    incident("OPEN-30", t(2026, 6, 20, 9), closed=None),
    incident("CLOSED-31", t(2026, 6, 19, 15)),
]
ROW_OF = {r["Incident ID"]: n for n, r in enumerate(ROWS, start=2)}


@pytest.fixture(scope="module")
def result():
    rows = ROWS + [incident("OLD-OPEN", t(2025, 5, 1, 9), closed=None)]
    return audit_rows(as_of="2026-07-20", Incidents=rows, Closures=[{"Date": d(2026, 3, 16), "Reason": "INSET day"}])


def found(result, rule_id):
    findings = by_rule(result, rule_id)
    assert all(
        f.row == ROW_OF.get(f.record, len(ROWS) + 2)
        and f.sheet == "Incidents"
        and f.file == "incidents_log.xlsx"
        and f.area == "incidents"
        for f in findings
    )
    return sorted(f.record for f in findings)


def test_inc01_no_assessment_in_period_only(result):
    assert found(result, "INC-01") == ["NO-ASSESS"]
    assert by_rule(result, "INC-01")[0].severity == "high"


def test_inc02_assessment_working_days(result):
    assert found(result, "INC-02") == ["CLOSURE-THU", "FRI-WED", "SAT-WED"]
    message = {f.record: f.message for f in by_rule(result, "INC-02")}["CLOSURE-THU"]
    assert message == (
        "Incident CLOSURE-THU (reported Fri 13/03/2026 15:00) was assessed by SLT on "
        "Thu 19/03/2026 08:00, after the 2nd working day Wed 18/03/2026"
    )


def test_inc02_assessment_working_days_parameter():
    rows = [
        incident("FRI-WED", t(2026, 3, 6, 16), assessed=t(2026, 3, 11, 8)),
        incident("FRI-THU", t(2026, 3, 6, 16), assessed=t(2026, 3, 12, 8)),
    ]
    result = audit_rows(Incidents=rows, params={"assessment_working_days": 3})
    assert [f.record for f in by_rule(result, "INC-02")] == ["FRI-THU"]


def test_inc03_illegal_without_police_report(result):
    assert found(result, "INC-03") == ["ILLEGAL"]
    assert by_rule(result, "INC-03")[0].severity == "critical"


def test_inc04_inc08_personal_data_breach_by_category_or_flag(result):
    assert found(result, "INC-04") == ["PDB-CATEGORY"]
    assert found(result, "INC-08") == ["PDB-CATEGORY", "PDB-NO-DECISION"]


def test_inc05_ico_within_72_hours(result):
    assert found(result, "INC-05") == ["ICO-75H", "ICO-MISSING"]
    messages = {f.record: f.message for f in by_rule(result, "INC-05")}
    assert messages["ICO-75H"] == (
        "ICO-reportable incident ICO-75H (the school became aware Mon 09/03/2026 09:00; no record of when the DPO "
        "was told) was reported to the ICO late: on Thu 12/03/2026 12:00, 3.0 hours after the 72-hour deadline "
        "of Thu 12/03/2026 09:00 (75.0 hours after the school became aware)"
    )


def test_inc05_says_late_or_not_reported_with_the_hours_in_the_message_and_the_json(result):
    """A breach never reported is never called late: the finding says which, with the deadline, the hours late or
    the hours since the school became aware (to the start of the as-of day), and when the DPO was told."""
    rows = [
        incident(
            "LATE",
            t(2026, 3, 9, 9),
            **{"ICO reportable": "Yes", "Reported to ICO at": t(2026, 3, 12, 17), "DPO informed at": t(2026, 3, 9, 10)},
        ),
        incident("NEVER", t(2026, 7, 1, 14), **{"ICO reportable": "Yes"}),
        # Reported 20 hours before as of: its 72 hours are still running, so it is not yet a finding.
        incident("RUNNING", t(2026, 7, 19, 4), **{"ICO reportable": "Yes"}),
    ]
    found = {f.record: f for f in by_rule(audit_rows(as_of="2026-07-20", Incidents=rows), "INC-05")}
    assert sorted(found) == ["LATE", "NEVER"]
    late, never = found["LATE"], found["NEVER"]
    assert "not been reported" not in late.message and " late" not in never.message
    assert "the DPO was told Mon 09/03/2026 10:00" in late.message
    assert "8.0 hours after the 72-hour deadline of Thu 12/03/2026 09:00" in late.message
    assert never.message == (
        "ICO-reportable incident NEVER (the school became aware Wed 01/07/2026 14:00; no record of when the DPO "
        "was told) has not been reported to the ICO: the 72-hour deadline was Sat 04/07/2026 14:00, and by "
        "20/07/2026 00:00 it was 442.0 hours since the school became aware"
    )
    assert late.to_dict()["facts"] == {
        "ico_report": "reported late",
        "deadline": "2026-03-12T09:00",
        "reported_to_ico_at": "2026-03-12T17:00",
        "hours_late": 8.0,
        "hours_since_aware": None,
        "dpo_informed_at": "2026-03-09T10:00",
    }
    assert never.to_dict()["facts"] == {
        "ico_report": "not reported",
        "deadline": "2026-07-04T14:00",
        "reported_to_ico_at": None,
        "hours_late": None,
        "hours_since_aware": 442.0,
        "dpo_informed_at": None,
    }
    # Other rules' findings carry no facts, and findings.json leaves the key out for them.
    assert "facts" not in by_rule(result, "INC-03")[0].to_dict()


def test_inc05_ico_hours_parameter_from_real_xlsx(tmp_path):
    # On files: exactly 75 hours between two times as Excel stores them (fractions of a day).
    rows = [
        incident("ICO-75H", t(2026, 3, 9, 9), **{"ICO reportable": "Yes", "Reported to ICO at": t(2026, 3, 12, 12)})
    ]
    assert by_rule(audit(write_school(tmp_path, Incidents=rows), ico_hours=75), "INC-05") == []
    assert len(by_rule(audit(tmp_path, ico_hours=74.5), "INC-05")) == 1


def test_inc06_journalist_contact_media_policy(result):
    assert found(result, "INC-06") == ["PRESS-BLANK", "PRESS-NO"]


def test_inc07_open_more_than_30_days_standing_state(result):
    assert found(result, "INC-07") == ["OLD-OPEN", "OPEN-31"]
    message = {f.record: f.message for f in by_rule(result, "INC-07")}["OPEN-31"]
    assert message == "Incident OPEN-31 (reported 19/06/2026) is still open 31 days after it was reported"
    assert by_rule(result, "INC-07")[0].severity == "advisory"


def test_not_assessed_without_the_log_or_a_column():
    result = audit_rows(omit=("incidents_log.xlsx",))
    assert {f"INC-0{n}" for n in range(1, 9)} <= not_assessed(result)
    result = audit_rows(drop_columns={"Incidents": ("Media policy followed",)})
    assert "INC-06" in not_assessed(result)
    assert not {"INC-01", "INC-02", "INC-03", "INC-04", "INC-05", "INC-07", "INC-08"} & not_assessed(result)


def test_a_breach_is_one_the_log_surely_marks_and_one_it_may_mark_is_named_apart():
    """The register, the measures and INC-08's base count the same breaches; an incident whose Personal data breach
    cannot be read (an ``x``) is in none of them, INC-08 leaves it undecided, and the register names it to fix."""
    from lks_audit.audit import closures_of, run_rules
    from lks_audit.breaches import breach_register
    from lks_audit.context import make_context
    from lks_audit.measures import headline_measures
    from lks_audit.summary import summarise

    from school import dataset_from_rows

    data = dataset_from_rows(
        Incidents=[
            incident("PDB-FLAG", t(2026, 4, 20, 9), **{"Personal data breach": "Yes"}),
            incident("PDB-CATEGORY", t(2026, 4, 21, 9), Category="Personal data breach"),
            incident("PDB-UNREADABLE", t(2026, 4, 22, 9), **{"Personal data breach": "x"}),
            incident("NOT-PDB", t(2026, 4, 23, 9), **{"Personal data breach": "No"}),
        ]
    )
    ctx = make_context("2025-26", "2026-07-20", {}, closures=closures_of(data))
    result = run_rules(data, ctx)
    register = breach_register(data, ctx, result.findings)
    assert [b.incident for b in register.breaches] == ["PDB-FLAG", "PDB-CATEGORY"]
    assert [(b.flagged, b.category) for b in register.breaches] == [(True, "Other"), (False, "Personal data breach")]
    assert register.maybe == ("PDB-UNREADABLE (row 4)",)
    assert headline_measures(data, ctx, result.findings)["incidents"]["breaches"] == 2
    assert [f.record for f in by_rule(result, "INC-08")] == ["PDB-FLAG", "PDB-CATEGORY"]
    assert [u.record for u in result.undecided if u.rule == "INC-08"] == ["PDB-UNREADABLE"]
    assert summarise(result, data)["rules"]["INC-08"]["checked"] == 2
    # Each breach lists the findings on its row.
    assert all(f"INC-08:{b.incident}" in b.findings for b in register.breaches)
