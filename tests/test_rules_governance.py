"""ACC-01..10, APP-01..03, POL-01..02 on small hand-built schools: breaches and their nearest compliant cases.

as_of is 20/07/2026 throughout (the helper's default).
"""

from school import SIGNED_POLICY, audit, audit_rows, by_rule, d, not_assessed, write_school

STAFF = [
    {"Staff ID": sid, "Name": f"Person {sid}", "Type": "Employee", "Start date": d(2020, 9, 1)}
    for sid in ("S001", "S002", "S003")
]


def account(aid, **extra):
    """A compliant Active account; ``extra`` overrides columns."""
    row = {
        "Account ID": aid,
        "Platform": "Facebook",
        "Account name": "LKS Sport",
        "Application ID": "APP-001",
        "Purpose": "Celebration",
        "Audience": "Parents",
        "Privacy": "Private",
        "Privacy reason": "Pictures",
        "Administrators": "S001, S002",
        "Lead staff": "S001",
        "Created on": d(2025, 9, 1),
        "Credentials stored securely": "Yes",
        "Admin approves followers or posts": "Yes",
        "Tagging disabled": "Yes",
        "Status": "Active",
        "Last purpose review": d(2026, 1, 10),
        "DPIA reference": "DPIA-1",
    }
    return {**row, **extra}


def application(app_id, **extra):
    row = {
        "Application ID": app_id,
        "Submitted on": d(2025, 7, 1),
        "Submitted by": "S001",
        "Platform": "Facebook",
        "Aim": "Celebrate",
        "Intended audience": "Parents",
        "Promotion plan": "Newsletter",
        "Proposed administrators": "S001, S002",
        "Privacy": "Private",
        "Privacy reason": "Pictures",
        "DPIA submitted to DPO on": d(2025, 7, 10),
        "SLT decision": "Approved",
        "Decision date": d(2025, 8, 1),
    }
    return {**row, **extra}


def school(accounts=(), applications=None, staff=STAFF, policy=(SIGNED_POLICY,), **kwargs):
    applications = [application("APP-001")] if applications is None else applications
    return dict(
        Accounts=list(accounts), Applications=list(applications), Staff=list(staff), Policy=list(policy), **kwargs
    )


def run(*args, **kwargs):
    """The audit of :func:`school`, in memory."""
    return audit_rows(**school(*args, **kwargs))


def found(result, rule_id):
    return sorted((f.record, f.row) for f in by_rule(result, rule_id))


def test_compliant_school_has_no_governance_findings():
    result = run([account("ACC-001")])
    governance = [f for f in result.findings if f.area == "governance"]
    assert governance == []
    assert not {r for r in not_assessed(result) if r[:3] in ("ACC", "APP", "POL")}


def test_acc01_application_missing_unknown_not_approved_or_later_than_creation():
    accounts = [
        account("ACC-001"),  # compliant
        account("ACC-002", **{"Application ID": None}),
        account("ACC-003", **{"Application ID": "APP-404"}),
        account("ACC-004", **{"Application ID": "APP-002"}),  # rejected
        account("ACC-005", **{"Application ID": "APP-003"}),  # decided after creation
        account("ACC-006", **{"Application ID": "APP-004"}),  # decided on the creation day
        account("ACC-007", **{"Application ID": "APP-404", "Status": "Closed"}),  # not Active
        account("ACC-008", **{"Application ID": "APP-005"}),
    ]  # approved, no decision date
    apps = [
        application("APP-001"),
        application("APP-002", **{"SLT decision": "Rejected"}),
        application("APP-003", **{"Decision date": d(2025, 9, 2)}),
        application("APP-004", **{"Decision date": d(2025, 9, 1)}),
        application("APP-005", **{"Decision date": None}),
    ]
    result = run(accounts, apps)
    assert found(result, "ACC-01") == [("ACC-002", 3), ("ACC-003", 4), ("ACC-004", 5), ("ACC-005", 6), ("ACC-008", 9)]
    messages = {f.record: f.message for f in by_rule(result, "ACC-01")}
    assert "no Application ID" in messages["ACC-002"]
    assert "APP-404" in messages["ACC-003"] and "not in account_applications.xlsx" in messages["ACC-003"]
    assert "Rejected" in messages["ACC-004"]
    assert "created on 01/09/2025, before SLT approved application APP-003 on 02/09/2025" in messages["ACC-005"]
    assert all(f.severity == "critical" and f.file == "accounts_register.xlsx" for f in by_rule(result, "ACC-01"))


def test_acc01_not_assessed_without_applications_workbook():
    result = run([account("ACC-001")], omit=("account_applications.xlsx",))
    assert {"ACC-01", "APP-01", "APP-02", "APP-03"} <= not_assessed(result)
    assert "ACC-02" not in not_assessed(result)


def test_acc02_two_distinct_current_administrators():
    staff = STAFF + [
        {"Staff ID": "S004", "Type": "Employee", "Start date": d(2020, 9, 1), "Leaving date": d(2026, 3, 31)},
        {
            "Staff ID": "S005",
            "Type": "Employee",
            "Start date": d(2020, 9, 1),
            "Leaving date": d(2026, 7, 20),
        },  # leaves on as_of: not current
        {"Staff ID": "S006", "Type": "Employee", "Start date": d(2026, 7, 21)},  # not started yet
        {"Staff ID": "S007", "Type": "Employee", "Start date": d(2026, 7, 20), "Leaving date": d(2026, 7, 21)},
    ]  # starts on as_of: current
    accounts = [
        account("ACC-001"),
        account("ACC-002", Administrators="S001, S004"),  # one has left
        account("ACC-003", Administrators="S001, S001"),  # one distinct admin
        account("ACC-004", Administrators="S001, S005"),
        account("ACC-005", Administrators="S001, S006"),
        account("ACC-006", Administrators="S001, S007"),  # compliant
        account("ACC-007", Administrators="S001, S999"),  # not on the Staff sheet
        account("ACC-008", Administrators="S004", Status="Closed"),  # not Active
        account("ACC-009", Administrators="S001; S002; S004"),
    ]  # two current of three
    result = run(accounts, staff=staff)
    assert found(result, "ACC-02") == [("ACC-002", 3), ("ACC-003", 4), ("ACC-004", 5), ("ACC-005", 6), ("ACC-007", 8)]
    messages = {f.record: f.message for f in by_rule(result, "ACC-02")}
    assert "1 current administrator (S001)" in messages["ACC-002"] and "S004" in messages["ACC-002"]
    assert "S001, S001" not in messages["ACC-003"] and "1 current administrator (S001)" in messages["ACC-003"]


def test_acc03_privacy_and_reason():
    accounts = [
        account("ACC-001"),
        account("ACC-002", Privacy=None),
        account("ACC-003", **{"Privacy reason": None}),
        account("ACC-004", Privacy="Open", **{"Privacy reason": "Public news"}),
        account("ACC-005", Status="Closed", Privacy=None, **{"Privacy reason": None}),
    ]
    result = run(accounts)
    assert found(result, "ACC-03") == [("ACC-002", 3), ("ACC-003", 4), ("ACC-005", 6)]
    messages = {f.record: f.message for f in by_rule(result, "ACC-03")}
    assert messages["ACC-005"] == "Account ACC-005 has no Privacy and Privacy reason recorded"


def test_acc04_account_name_convention():
    accounts = [
        account("ACC-001", **{"Account name": "Little  Kinvaston PTA"}),
        account("ACC-002", **{"Account name": "lks-sport"}),
        account("ACC-003", **{"Account name": "Kinvaston Sport"}),
        account("ACC-004", **{"Account name": "@LittleKinvastonMusic"}),
        account("ACC-005", **{"Account name": None}),
    ]
    result = run(accounts)
    assert found(result, "ACC-04") == [("ACC-003", 4), ("ACC-005", 6)]
    assert "'Kinvaston Sport'" in by_rule(result, "ACC-04")[0].message


def test_acc04_pattern_is_a_parameter():
    result = audit_rows(
        Accounts=[account("ACC-001", **{"Account name": "Kinvaston Sport"})],
        Applications=[application("APP-001")],
        Staff=STAFF,
        Policy=[SIGNED_POLICY],
        params={"account_name_pattern": "(?i)kinvaston"},
    )
    assert by_rule(result, "ACC-04") == []


def test_acc05_06_10_settings_must_be_yes():
    accounts = [
        account("ACC-001"),
        account("ACC-002", **{"Credentials stored securely": "No", "Tagging disabled": None}),
        account("ACC-003", **{"Credentials stored securely": None, "Admin approves followers or posts": "n"}),
        account("ACC-004", **{"Credentials stored securely": "y", "Tagging disabled": "true"}),
    ]
    result = run(accounts)
    assert found(result, "ACC-05") == [("ACC-002", 3), ("ACC-003", 4)]
    assert found(result, "ACC-06") == [("ACC-003", 4)]
    assert found(result, "ACC-10") == [("ACC-002", 3)]
    assert {f.severity for f in by_rule(result, "ACC-05")} == {"high"}
    assert {f.severity for f in by_rule(result, "ACC-06") + by_rule(result, "ACC-10")} == {"advisory"}
    messages = {f.record: f.message for f in by_rule(result, "ACC-05")}
    assert "is No" in messages["ACC-002"] and "is blank" in messages["ACC-003"]


def test_acc07_lead_left_account_must_be_closed_or_transferred():
    staff = STAFF + [{"Staff ID": "S004", "Start date": d(2020, 9, 1), "Leaving date": d(2026, 3, 31)}]
    accounts = [
        account("ACC-001"),
        account("ACC-002", **{"Lead staff": "S004"}),
        account(
            "ACC-003", **{"Lead staff": "S004", "Status": "Transferred", "Closed or transferred on": d(2026, 4, 1)}
        ),
        account("ACC-004", **{"Lead staff": "S004", "Status": "Closed", "Closed or transferred on": d(2026, 4, 1)}),
        account("ACC-005", **{"Lead staff": "S999"}),
    ]
    result = run(accounts, staff=staff)
    assert found(result, "ACC-07") == [("ACC-002", 3), ("ACC-005", 6)]
    assert "S004 is not current staff on 20/07/2026" in by_rule(result, "ACC-07")[0].message


def test_acc08_purpose_review_within_12_months_from_real_xlsx(tmp_path):
    # On files: the 12-month boundaries hold for dates as Excel stores them (a day number, no time).
    old = {"Created on": d(2024, 9, 1)}
    accounts = [
        account("ACC-001", **old, **{"Last purpose review": d(2025, 7, 20)}),  # exactly 12 months: fine
        account("ACC-002", **old, **{"Last purpose review": d(2025, 7, 19)}),  # one day more
        account("ACC-003", **old, **{"Last purpose review": None}),
        account("ACC-004", **{"Created on": d(2025, 7, 20), "Last purpose review": None}),  # not yet due
        account("ACC-005", **{"Created on": d(2025, 7, 19), "Last purpose review": None}),  # due
        account("ACC-006", **old, **{"Last purpose review": None, "Status": "Closed"}),
    ]
    result = audit(write_school(tmp_path, **school(accounts)))
    assert found(result, "ACC-08") == [("ACC-002", 3), ("ACC-003", 4), ("ACC-005", 6)]
    messages = {f.record: f.message for f in by_rule(result, "ACC-08")}
    assert "last reviewed for purpose on 19/07/2025" in messages["ACC-002"]
    assert "no purpose review recorded" in messages["ACC-003"]


def test_acc09_dpia_reference():
    result = run(
        [
            account("ACC-001"),
            account("ACC-002", **{"DPIA reference": None}),
            account("ACC-003", Status="Closed", **{"DPIA reference": "  "}),
        ]
    )
    assert found(result, "ACC-09") == [("ACC-002", 3), ("ACC-003", 4)]


def test_app01_one_finding_listing_every_missing_item_severity_by_decision():
    apps = [
        application("APP-001"),
        application("APP-002", Aim=None, **{"Proposed administrators": "S001, S001", "Privacy reason": None}),
        application("APP-003", **{"SLT decision": "Pending", "Decision date": None, "Promotion plan": None}),
        application(
            "APP-004",
            **{
                "SLT decision": "Rejected",
                "Proposed administrators": "S001",
                "Intended audience": None,
                "Privacy": None,
            },
        ),
        application("APP-005", **{"Proposed administrators": "S001; S003"}),
    ]
    result = run([], apps)
    assert found(result, "APP-01") == [("APP-002", 3), ("APP-003", 4), ("APP-004", 5)]
    by_record = {f.record: f for f in by_rule(result, "APP-01")}
    assert by_record["APP-002"].severity == "high"
    assert by_record["APP-003"].severity == "medium" and by_record["APP-004"].severity == "medium"
    assert by_record["APP-002"].message.endswith(
        "is missing: aim, at least two proposed administrators, privacy reason"
    )
    assert by_record["APP-004"].message.endswith(
        "is missing: intended audience, at least two proposed administrators, privacy"
    )


def test_app02_pending_more_than_30_days():
    apps = [
        application("APP-001"),
        application(
            "APP-002", **{"SLT decision": "Pending", "Decision date": None, "Submitted on": d(2026, 6, 20)}
        ),  # 30 days: not yet
        application(
            "APP-003", **{"SLT decision": "Pending", "Decision date": None, "Submitted on": d(2026, 6, 19)}
        ),  # 31 days
        application("APP-004", **{"SLT decision": "Rejected", "Submitted on": d(2025, 1, 1)}),
    ]
    result = run([], apps)
    assert found(result, "APP-02") == [("APP-003", 4)]
    assert "Pending for 31 days" in by_rule(result, "APP-02")[0].message


def test_app03_dpia_on_or_before_decision():
    apps = [
        application("APP-001", **{"DPIA submitted to DPO on": d(2025, 8, 1)}),  # same day: fine
        application("APP-002", **{"DPIA submitted to DPO on": d(2025, 8, 2)}),
        application("APP-003", **{"DPIA submitted to DPO on": None}),
        application("APP-004", **{"DPIA submitted to DPO on": None, "SLT decision": "Rejected"}),
        application("APP-005", **{"Decision date": None}),
    ]
    result = run([], apps)
    assert found(result, "APP-03") == [("APP-002", 3), ("APP-003", 4), ("APP-005", 6)]
    messages = {f.record: f.message for f in by_rule(result, "APP-03")}
    assert "on 02/08/2025, after SLT approved it on 01/08/2025" in messages["APP-002"]


def test_pol01_review_dates():
    ok = run(policy=[{**SIGNED_POLICY, "Next review due": d(2026, 7, 20), "Approved on": d(2025, 7, 20)}])
    assert by_rule(ok, "POL-01") == []
    # Each Policy row is checked: one bad case per row.
    bad = run(
        policy=[
            {**SIGNED_POLICY, "Policy version": "late", "Next review due": d(2026, 7, 19)},
            {**SIGNED_POLICY, "Policy version": "old", "Approved on": d(2025, 7, 19)},
            {**SIGNED_POLICY, "Policy version": "blank", "Approved on": None, "Next review due": None},
        ]
    )
    assert found(bad, "POL-01") == [("blank", 4), ("late", 2), ("old", 3)]
    messages = {f.record: f.message for f in by_rule(bad, "POL-01")}
    assert messages["late"] == "Policy version late: its review was due on 19/07/2026"
    assert "approved on 19/07/2025, more than 12 months before 20/07/2026" in messages["old"]
    assert "has no Approved on date; has no Next review due date" in messages["blank"]


def test_pol02_signatures_and_empty_policy_sheet():
    unsigned = run(policy=[{**SIGNED_POLICY, "Signed by proprietor on": None}])
    assert found(unsigned, "POL-02") == [("2025.1", 2)]
    assert by_rule(unsigned, "POL-02")[0].message == "Policy version 2025.1 is not signed by the proprietor"
    empty = run(policy=[])
    assert [(f.rule, f.record, f.row) for f in by_rule(empty, "POL-01") + by_rule(empty, "POL-02")] == [
        ("POL-01", None, None),
        ("POL-02", None, None),
    ]


def test_not_assessed_without_staff_or_settings_workbook_or_column():
    result = run([account("ACC-001")], omit=("school_settings.xlsx", "staff_training.xlsx"))
    assert {"ACC-02", "ACC-07", "POL-01", "POL-02"} <= not_assessed(result)
    assert not {"ACC-01", "ACC-03", "ACC-08", "APP-01"} & not_assessed(result)
    result = run([account("ACC-001")], drop_columns={"Policy": ("Signed by proprietor on",)})
    assert "POL-02" in not_assessed(result) and "POL-01" not in not_assessed(result)


def test_acc02_when_no_administrator_anywhere_is_current():
    # Regression: an empty set of current administrators used to crash under pandas 3.
    result = audit_rows(
        Staff=[{"Staff ID": "S1", "Name": "A B", "Start date": d(2020, 1, 1), "Leaving date": d(2021, 1, 1)}],
        Accounts=[{"Account ID": "A1", "Status": "Active", "Administrators": "S1"}],
    )
    found = by_rule(result, "ACC-02")
    assert [f.record for f in found] == ["A1"]
    assert "has 0 current administrators" in found[0].message
