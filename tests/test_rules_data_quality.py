"""DQ-04 (unknown ids) and DQ-05 (dates out of order or after as_of) on small hand-built schools.

as_of is 20/07/2026 (the helper's default).
"""

from school import audit, audit_rows, by_rule, d, t, write_school

STAFF = [{"Staff ID": "S001", "Start date": d(2020, 9, 1)}, {"Staff ID": "S002", "Start date": d(2020, 9, 1)}]
CONSENT = [
    {"Student ID": "ST1", "Form received on": d(2025, 9, 1)},
    {"Student ID": "ST2", "Form received on": d(2025, 9, 1)},
]
ACCOUNT = {
    "Account ID": "ACC-001",
    "Administrators": "S001, S002",
    "Lead staff": "S001",
    "Status": "Active",
    "Created on": d(2025, 9, 1),
}


def found(result, rule_id):
    return sorted((f.sheet, f.cell, f.record) for f in by_rule(result, rule_id))


def test_dq04_one_finding_per_cell_and_unknown_id_from_real_xlsx(tmp_path):
    # On files: each finding's cell is the letter of its column in the sheet as written.
    posts = [
        {
            "Post ID": "P1",
            "Account ID": "ACC-001",
            "Posted at": t(2026, 1, 5, 9),
            "Posted by": "S001",
            "Students pictured": "ST1, ST9, ST2",
        },  # one unknown of three
        {
            "Post ID": "P2",
            "Account ID": "ACC-404",
            "Posted at": t(2026, 1, 5, 9),
            "Posted by": "S777",
            "Students pictured": "ST8; ST7",
            "Senior leader approval": None,
        },
    ]  # blank ref: not checked
    accounts = [
        ACCOUNT,
        {**ACCOUNT, "Account ID": "ACC-002", "Administrators": "S001, S003, S003", "Application ID": None},
    ]
    result = audit(write_school(tmp_path, Posts=posts, Accounts=accounts, Staff=STAFF, Consent=CONSENT))
    assert found(result, "DQ-04") == [
        ("Accounts", "I3", "ACC-002"),  # S003 listed twice in one cell: one finding
        ("Posts", "B3", "P2"),
        ("Posts", "D3", "P2"),
        ("Posts", "G2", "P1"),
        ("Posts", "G3", "P2"),
        ("Posts", "G3", "P2"),
    ]
    by_cell = {(f.cell, f.message.split("'")[1]): f for f in by_rule(result, "DQ-04")}
    assert set(by_cell) == {
        ("I3", "S003"),
        ("B3", "ACC-404"),
        ("D3", "S777"),
        ("G2", "ST9"),
        ("G3", "ST8"),
        ("G3", "ST7"),
    }
    g2 = by_cell[("G2", "ST9")]
    assert g2.message == (
        "posts_log.xlsx, sheet Posts, cell G2 (Students pictured): 'ST9' is not a Student ID "
        "in image_consent.xlsx, sheet Consent"
    )
    assert (g2.file, g2.row, g2.column, g2.severity) == ("posts_log.xlsx", 2, "Students pictured", "medium")


def test_dq04_skips_references_into_a_missing_workbook_but_checks_the_rest():
    posts = [
        {
            "Post ID": "P1",
            "Account ID": "ACC-404",
            "Posted at": t(2026, 1, 5, 9),
            "Posted by": "S001",
            "Students pictured": "ST9",
        }
    ]
    result = audit_rows(Posts=posts, Staff=STAFF, omit=("accounts_register.xlsx",))
    assert "DQ-04" not in {n.rule for n in result.not_assessed}
    assert found(result, "DQ-04") == [("Posts", "G2", "P1")]


def test_dq05_orderings():
    accounts = [
        {**ACCOUNT, "Status": "Closed", "Closed or transferred on": d(2025, 8, 31)},  # before created
        {**ACCOUNT, "Account ID": "ACC-002", "Status": "Closed", "Closed or transferred on": d(2025, 9, 1)},
    ]  # same day: fine
    interactions = [
        {
            "Interaction ID": "I1",
            "Received at": t(2026, 3, 2, 10, 0),
            "First response at": t(2026, 3, 2, 9, 59),
        },  # a minute early
        {"Interaction ID": "I2", "Received at": t(2026, 3, 2, 10, 0), "First response at": t(2026, 3, 2, 10, 0)},
    ]
    staff = [
        {"Staff ID": "S001", "Start date": d(2024, 9, 1), "Leaving date": d(2024, 8, 31)},
        {"Staff ID": "S002", "Start date": d(2024, 9, 1), "Leaving date": d(2024, 9, 1)},
    ]
    applications = [
        {"Application ID": "APP-001", "Submitted on": d(2025, 7, 2), "Decision date": d(2025, 7, 1)},
        {"Application ID": "APP-002", "Submitted on": d(2025, 9, 1), "Decision date": d(2025, 9, 1)},
    ]  # equal: fine
    result = audit_rows(Accounts=accounts, Interactions=interactions, Staff=staff, Applications=applications)
    assert found(result, "DQ-05") == [
        ("Accounts", "P2", "ACC-001"),
        ("Applications", "M2", "APP-001"),
        ("Interactions", "G2", "I1"),
        ("Staff", "F2", "S001"),
    ]
    message = next(f.message for f in by_rule(result, "DQ-05") if f.record == "I1")
    assert message == (
        "interactions_log.xlsx, sheet Interactions, cell G2 (First response at): the first response "
        "is before the interaction was received (First response at 02/03/2026 09:59, Received at "
        "02/03/2026 10:00)"
    )


def test_dq05_dates_after_as_of():
    staff = [
        {"Staff ID": "S001", "Start date": d(2026, 7, 21)},  # starts after as_of
        {"Staff ID": "S002", "Start date": d(2020, 9, 1), "Leaving date": d(2026, 7, 20)},
    ]  # on as_of: fine
    posts = [
        {"Post ID": "P1", "Posted at": t(2026, 7, 20, 23, 59)},  # on the as_of day: fine
        {"Post ID": "P2", "Posted at": t(2026, 7, 21, 0, 0), "Removed on": d(2026, 8, 1)},
    ]
    consent = [{"Student ID": "ST1", "Form received on": d(2026, 7, 25)}]
    policy = [{"Policy version": "2025.1", "Approved on": d(2025, 9, 1), "Next review due": d(2027, 9, 1)}]
    closures = [{"Date": d(2026, 7, 22), "Reason": "INSET"}]
    result = audit_rows(Staff=staff, Posts=posts, Consent=consent, Policy=policy, Closures=closures)
    assert found(result, "DQ-05") == [
        ("Consent", "D2", "ST1"),
        ("Posts", "C3", "P2"),
        ("Posts", "N3", "P2"),
        ("Staff", "E2", "S001"),
    ]
    consent_finding = next(f for f in by_rule(result, "DQ-05") if f.sheet == "Consent")
    assert consent_finding.student == "ST1" and consent_finding.column == "Form received on"
    assert "25/07/2026 is after the audit date 20/07/2026" in consent_finding.message
