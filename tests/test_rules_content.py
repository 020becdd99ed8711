"""PST-01..PST-06 on small hand-built schools: each rule's breaches and its nearest compliant cases."""

from school import audit, audit_rows, by_rule, d, not_assessed, t, write_school

ACCOUNTS = [
    {
        "Account ID": "ACC-001",
        "Platform": "Facebook",
        "Account name": "LKS News",
        "Status": "Active",
        "Administrators": ["S1", "S2"],
        "Lead staff": "S1",
        "Created on": d(2025, 9, 10),
        "Closed or transferred on": d(2026, 6, 30),
    }
]
STAFF = [
    {"Staff ID": "S1", "Name": "Ann Admin", "Type": "Employee", "Start date": d(2020, 1, 1)},
    {
        "Staff ID": "S2",
        "Name": "Bob Admin",
        "Type": "Employee",
        "Start date": d(2020, 1, 1),
        "Leaving date": d(2026, 1, 31),
    },
    {"Staff ID": "S3", "Name": "Cat Other", "Type": "Volunteer", "Start date": d(2026, 3, 1)},
]
REGISTER = [
    ("ST1", "  amelia   HART "),
    ("ST2", "Amelia Hartley-Smith"),
    ("ST3", "Zoë Brown"),
    ("ST4", "Siân Jones"),
    ("ST5", "Madonna"),
]


def post(pid, text="Sports day", students=(), when=t(2026, 3, 2, 10), **extra):
    return {
        "Post ID": pid,
        "Account ID": "ACC-001",
        "Posted at": when,
        "Posted by": "S1",
        "Post text": text,
        "Images of students": "Yes" if students else "No",
        "Students pictured": list(students),
        **extra,
    }


def consent(register=REGISTER):
    return [
        {"Student ID": sid, "Student name": name, "Form received on": d(2025, 9, 5), "Social media consent": "Yes"}
        for sid, name in register
    ]


def found(result, rule_id):
    return sorted((f.record, f.row, f.student) for f in by_rule(result, rule_id))


def school(posts, register=REGISTER, **kwargs):
    kwargs.setdefault("Accounts", ACCOUNTS)
    kwargs.setdefault("Staff", STAFF)
    return dict(Posts=posts, Consent=consent(register), **kwargs)


def run(*args, **kwargs):
    """The audit of :func:`school`, in memory."""
    return audit_rows(**school(*args, **kwargs))


def test_pst03_full_name_any_case_and_spacing_whole_words_only():
    result = run(
        [
            post("P1", "Well done AMELIA   hart!"),  # register spelling "  amelia   HART "
            post("P2", "Well done Amelia Hartley"),  # only starts like ST1's surname
            post("P3", "amelia\nhart and Amelia Hart again"),  # a new line is white space; one finding
            post("P4", "Amelia Hartington and Amelia"),
            post("P5", "Madonna sang"),  # a one-word name is never a full name
            post("P6", "Amelia Hartley-Smith won"),  # ST2's name, which also starts like ST1's
        ]
    )
    assert found(result, "PST-03") == [("P1", 2, "ST1"), ("P3", 4, "ST1"), ("P6", 7, "ST2")]
    assert all("amelia" not in f.message.lower() for f in by_rule(result, "PST-03"))
    assert by_rule(result, "PST-03")[0].severity == "critical"


def test_pst03_accents_fold_by_nfkc_and_case_but_are_not_dropped_from_real_xlsx(tmp_path):
    # On files: accented and combining characters must come back from the xlsx as they were typed.
    result = audit(
        write_school(
            tmp_path,
            **school(
                [
                    post("P1", "ZOË BROWN scored"),
                    post("P2", "Zoe Brown scored"),  # differs only by the accent: another name
                    post("P3", "Zoe\u0308 Brown scored"),  # e + combining diaeresis is Zoë after NFKC
                    post("P4", "well done siân jones"),
                    post("P5", "Sian Jones"),
                ]
            ),
        )
    )
    assert found(result, "PST-03") == [("P1", 2, "ST3"), ("P3", 4, "ST3"), ("P4", 5, "ST4")]


def test_pst03_every_register_student_once_per_post():
    register = REGISTER + [("ST1", "Amelia Hart")]  # a second form for ST1
    result = run([post("P1", "Amelia Hart and Zoë Brown", students=["ST9"])], register=register)
    assert found(result, "PST-03") == [("P1", 2, "ST1"), ("P1", 2, "ST3")]


def test_pst04_capitalised_first_name_of_a_pictured_student():
    result = run(
        [
            post("P1", "Well done amelia", ["ST1"]),  # lower case: not a name in the text
            post("P2", "Well done Amelia", ["ST1"]),
            post("P3", "WELL DONE AMELIA", ["ST1"]),
            post("P4", "Well done Amelia", ["ST3"]),  # Amelia is not pictured
            post("P5", "Well done Amelia Hart", ["ST1"]),  # PST-03 already
            post("P6", "Ameliana and Zoë", ["ST1", "ST3"]),
            post("P7", "Great game ZOË", ["ST3", "ST1"]),
        ]
    )
    assert found(result, "PST-04") == [("P2", 3, "ST1"), ("P3", 4, "ST1"), ("P6", 7, "ST3"), ("P7", 8, "ST3")]
    assert found(result, "PST-03") == [("P5", 6, "ST1")]
    assert all("Amelia" not in f.message for f in by_rule(result, "PST-04"))


def test_pst01_poster_must_be_an_administrator_of_the_account():
    result = run(
        [
            post("P1"),
            post("P2", **{"Posted by": "S3"}),
            post("P3", **{"Account ID": "ACC-999"}),
            post("P4", **{"Posted by": None}),
        ]
    )
    assert found(result, "PST-01") == [("P2", 3, None), ("P3", 4, None), ("P4", 5, None)]
    messages = {f.record: f.message for f in by_rule(result, "PST-01")}
    assert "S3, who is not an administrator of account ACC-001" in messages["P2"]
    assert "not on the accounts register" in messages["P3"]


def test_pst02_poster_must_be_current_staff_on_the_day():
    result = run(
        [
            post("P1", **{"Posted by": "S2"}),  # S2 left 31/01
            post("P2", when=t(2026, 1, 31, 9), **{"Posted by": "S2"}),  # leaving day
            post("P3", when=t(2026, 1, 30, 9), **{"Posted by": "S2"}),
            post("P4", when=t(2026, 2, 28, 9), **{"Posted by": "S3"}),  # starts 01/03
            post("P5", when=t(2026, 3, 1, 9), **{"Posted by": "S3"}),
            post("P6", **{"Posted by": "S7"}),
        ]
    )
    assert found(result, "PST-02") == [("P1", 2, None), ("P2", 3, None), ("P4", 5, None), ("P6", 7, None)]
    messages = {f.record: f.message for f in by_rule(result, "PST-02")}
    assert "S2, who left on 31/01/2026" in messages["P1"]
    assert "started on 01/03/2026" in messages["P4"]
    assert "not on the staff list" in messages["P6"]


def test_pst05_third_party_content_needs_permission_yes():
    result = run(
        [
            post("P1", **{"Third-party content": "Yes"}),
            post("P2", **{"Third-party content": "Yes", "Copyright permission": "No"}),
            post("P3", **{"Third-party content": "Yes", "Copyright permission": "Yes"}),
            post("P4", **{"Third-party content": "No"}),
            post("P5", when=t(2025, 8, 20, 9), **{"Third-party content": "Yes"}),
        ]
    )
    assert found(result, "PST-05") == [("P1", 2, None), ("P2", 3, None)]


def test_pst06_post_outside_the_accounts_life():
    result = run(
        [
            post("P1", when=t(2025, 9, 9, 23, 59)),  # day before created
            post("P2", when=t(2025, 9, 10, 0, 1)),  # created that day
            post("P3", when=t(2026, 6, 30, 22)),  # closed that day
            post("P4", when=t(2026, 7, 1, 8)),
            post("P5", **{"Account ID": "ACC-999"}),
        ]
    )  # unknown account: DQ-04's
    assert found(result, "PST-06") == [("P1", 2, None), ("P4", 5, None)]
    messages = {f.record: f.message for f in by_rule(result, "PST-06")}
    assert "before it was created on 10/09/2025" in messages["P1"]
    assert "after it was closed or transferred on 30/06/2026" in messages["P4"]


def test_not_assessed_without_accounts_or_staff_or_names():
    result = audit_rows(Posts=[post("P1")], omit=("accounts_register.xlsx",))
    assert {"PST-01", "PST-06"} <= not_assessed(result)
    assert not {"PST-02", "PST-03", "PST-05"} & not_assessed(result)
    result = audit_rows(Posts=[post("P1")], omit=("staff_training.xlsx",), drop_columns={"Consent": ("Student name",)})
    assert {"PST-02", "PST-03", "PST-04"} <= not_assessed(result)
    assert "PST-01" not in not_assessed(result)
