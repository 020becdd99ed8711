"""TRN-01..04 on small hand-built schools: account users, training, policy reading and declarations.

as_of is 20/07/2026 (the helper's default); 12 months before it is 20/07/2025.
"""

from school import audit, audit_rows, by_rule, d, not_assessed, t, write_school


def person(sid, **extra):
    """A compliant current employee; ``extra`` overrides columns."""
    row = {
        "Staff ID": sid,
        "Name": f"Person {sid}",
        "Role": "Teacher",
        "Type": "Employee",
        "Start date": d(2020, 9, 1),
        "Policy read on": d(2025, 9, 2),
        "Social media training on": d(2025, 9, 3),
        "Annual declaration on": d(2025, 9, 4),
    }
    return {**row, **extra}


def account(aid, admins, status="Active"):
    return {
        "Account ID": aid,
        "Account name": "LKS",
        "Administrators": admins,
        "Status": status,
        "Created on": d(2025, 9, 1),
    }


def post(pid, when, by):
    return {"Post ID": pid, "Account ID": "ACC-001", "Posted at": when, "Posted by": by}


def interaction(iid, when, by):
    return {
        "Interaction ID": iid,
        "Account ID": "ACC-001",
        "Received at": when,
        "Type": "Query",
        "First response at": when,
        "Responded by": by,
    }


def found(result, rule_id):
    return sorted((f.record, f.row) for f in by_rule(result, rule_id))


def school(staff, accounts=(), posts=(), interactions=(), **kwargs):
    return dict(
        Staff=list(staff), Accounts=list(accounts), Posts=list(posts), Interactions=list(interactions), **kwargs
    )


def run(*args, **kwargs):
    """The audit of :func:`school`, in memory."""
    return audit_rows(**school(*args, **kwargs))


def test_account_users_come_from_active_admins_and_in_period_posts_and_responses():
    no_training = {"Social media training on": None}
    staff = [
        person("S001", **no_training),  # admin of an Active account (listed twice)
        person("S002", **no_training),  # admin of a Closed account only: not a user
        person("S003", **no_training),  # posted in the period
        person("S004", **no_training),  # posted before the period only: not a user
        person("S005", **no_training),  # responded in the period
        person("S006", **no_training),
    ]  # nothing: not a user
    result = run(
        staff,
        accounts=[account("ACC-001", "S001, S001"), account("ACC-002", "S002", status="Closed")],
        posts=[post("P1", t(2025, 10, 1, 9), "S003"), post("P2", t(2025, 8, 31, 23, 59), "S004")],
        interactions=[interaction("I1", t(2026, 8, 31, 9), "S005")],
    )
    assert found(result, "TRN-01") == [("S001", 2), ("S003", 4), ("S005", 6)]
    messages = {f.record: f.message for f in by_rule(result, "TRN-01")}
    assert messages["S001"] == "Account user S001 (administers ACC-001) has no Social media training on date"
    assert "posted in the period" in messages["S003"]
    assert "responded to interactions in the period" in messages["S005"]
    assert all(f.file == "staff_training.xlsx" and f.sheet == "Staff" for f in by_rule(result, "TRN-01"))


def test_trn01_missing_from_staff_sheet_and_dates_after_as_of():
    staff = [
        person("S001"),
        person("S002", **{"Policy read on": None}),
        person("S003", **{"Social media training on": d(2026, 7, 21)}),  # after as_of
        person("S004", **{"Policy read on": d(2026, 7, 20), "Social media training on": d(2026, 7, 20)}),
    ]
    result = run(staff, accounts=[account("ACC-001", "S001, S002, S003, S004, S009")])
    assert found(result, "TRN-01") == [("S002", 3), ("S003", 4), ("S009", None)]
    missing = next(f for f in by_rule(result, "TRN-01") if f.record == "S009")
    assert missing.sheet == "Staff" and missing.file == "staff_training.xlsx"
    assert "not on the Staff sheet" in missing.message
    messages = {f.record: f.message for f in by_rule(result, "TRN-01")}
    assert "Social media training on 21/07/2026, after 20/07/2026" in messages["S003"]
    # TRN-02 is not raised on top of TRN-01, and TRN-03 not for account users under TRN-01.
    assert found(result, "TRN-02") == []
    assert found(result, "TRN-03") == []


def test_trn02_training_within_12_months_from_real_xlsx(tmp_path):
    # On files: the 12-month boundaries hold for dates as Excel stores them (a day number, no time).
    staff = [
        person("S001", **{"Social media training on": d(2025, 7, 20)}),  # exactly 12 months
        person("S002", **{"Social media training on": d(2025, 7, 19)}),  # one day more
        person("S003", **{"Social media training on": d(2023, 1, 1), "Latest refresher on": d(2025, 12, 1)}),
        person("S004", **{"Social media training on": d(2023, 1, 1), "Latest refresher on": d(2024, 12, 1)}),
        person("S005", **{"Social media training on": d(2023, 1, 1)}),
    ]  # not a user
    result = audit(write_school(tmp_path, **school(staff, accounts=[account("ACC-001", "S001, S002, S003, S004")])))
    assert found(result, "TRN-02") == [("S002", 3), ("S004", 5)]
    messages = {f.record: f.message for f in by_rule(result, "TRN-02")}
    assert "last trained on 19/07/2025" in messages["S002"]
    assert "last trained on 01/12/2024" in messages["S004"]


def test_trn01_02_not_assessed_when_a_source_of_account_users_is_missing():
    result = run(
        [person("S001", **{"Policy read on": None})],
        accounts=[account("ACC-001", "S001")],
        omit=("interactions_log.xlsx",),
    )
    assert {"TRN-01", "TRN-02"} <= not_assessed(result)
    assert not {"TRN-03", "TRN-04"} & not_assessed(result)
    # TRN-01 could not run, so TRN-03 is raised for the account user rather than silently dropped.
    assert found(result, "TRN-03") == [("S001", 2)]
    result = run([person("S001")], drop_columns={"Posts": ("Posted by",)})
    assert {"TRN-01", "TRN-02"} <= not_assessed(result)


def test_trn03_current_staff_of_any_type_have_read_the_policy():
    no_policy = {"Policy read on": None}
    staff = [
        person("S001"),
        person("S002", Type="Volunteer", **no_policy),
        person("S003", **no_policy, **{"Leaving date": d(2026, 7, 20)}),  # leaves on as_of: not current
        person("S004", **no_policy, **{"Leaving date": d(2026, 7, 21)}),  # still current
        person("S005", **no_policy, **{"Start date": d(2026, 7, 21)}),  # not started
        person("S006", **no_policy, **{"Start date": d(2026, 7, 20)}),  # starts on as_of: current
        person("S007", Type="Parent", **no_policy),
    ]  # account user: TRN-01 instead
    result = run(staff, accounts=[account("ACC-001", "S001, S007")])
    assert found(result, "TRN-03") == [("S002", 3), ("S004", 5), ("S006", 7)]
    assert found(result, "TRN-01") == [("S007", 8)]
    assert "Staff member S002 (Volunteer)" in by_rule(result, "TRN-03")[0].message


def test_trn04_current_employees_declare_every_12_months():
    staff = [
        person("S001", **{"Annual declaration on": d(2025, 7, 20)}),  # exactly 12 months
        person("S002", **{"Annual declaration on": d(2025, 7, 19)}),  # one day more
        person("S003", **{"Annual declaration on": None}),
        person("S004", Type="Volunteer", **{"Annual declaration on": None}),  # does not apply
        person("S005", **{"Annual declaration on": None, "Leaving date": d(2026, 7, 20)}),  # left
        person("S006", Type="Contractor", **{"Annual declaration on": d(2020, 1, 1)}),
    ]
    result = run(staff)
    assert found(result, "TRN-04") == [("S002", 3), ("S003", 4)]
    messages = {f.record: f.message for f in by_rule(result, "TRN-04")}
    assert "last signed the annual declaration on 19/07/2025" in messages["S002"]
    assert messages["S003"] == "Employee S003 has no annual declaration recorded"


def test_trn_not_assessed_without_staff_workbook():
    result = run([], accounts=[account("ACC-001", "S001")], omit=("staff_training.xlsx",))
    assert {"TRN-01", "TRN-02", "TRN-03", "TRN-04"} <= not_assessed(result)
