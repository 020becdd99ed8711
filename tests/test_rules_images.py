"""IMG-01..IMG-06 on small hand-built schools: each rule's breaches and its nearest compliant cases."""

from school import audit, audit_rows, by_rule, d, not_assessed, t, write_school


def post(pid, when, students=(), images="Yes", **extra):
    return {
        "Post ID": pid,
        "Account ID": "ACC-001",
        "Posted at": when,
        "Posted by": "S1",
        "Post text": "Sports day",
        "Images of students": images,
        "Students pictured": list(students),
        "Shot type": "Group",
        **extra,
    }


def form(sid, received, consent="Yes", **extra):
    return {
        "Student ID": sid,
        "Student name": f"Pupil {sid}",
        "Year group": "Year 5",
        "Form received on": received,
        "Social media consent": consent,
        "Photo restriction": "No",
        **extra,
    }


def found(result, rule_id):
    """(record, row, student) of every finding of ``rule_id``, in a stable order."""
    return sorted((f.record, f.row, f.student) for f in by_rule(result, rule_id))


def run(posts, consent=(), **kwargs):
    return audit_rows(Posts=posts, Consent=list(consent), **kwargs)


def test_consent_renewed_after_refusal_counts_only_from_the_new_form():
    result = run(
        [post("P1", t(2026, 2, 10, 9), ["ST1"]), post("P2", t(2025, 12, 1, 9), ["ST1"])],
        [form("ST1", d(2025, 9, 5), "No"), form("ST1", d(2026, 1, 10), "Yes")],
    )
    assert found(result, "IMG-01") == [("P2", 3, "ST1")]
    [finding] = by_rule(result, "IMG-01")
    assert "05/09/2025" in finding.message and "does not give social media consent" in finding.message
    assert "breach of the school's policy" in finding.message and "Pupil" not in finding.message


def test_consent_withdrawn_between_posts_from_real_xlsx(tmp_path):
    # On files: a withdrawal date (a day) against posting times (a day and a time) as Excel stores both.
    posts = [
        post("P1", t(2025, 12, 1, 9), ["ST2"]),  # before: left up
        post("P2", t(2025, 12, 2, 9), ["ST2"], **{"Removed on": d(2026, 1, 15)}),  # removed that day
        post("P3", t(2025, 12, 3, 9), ["ST2"], **{"Removed on": d(2026, 1, 14)}),  # removed the day before
        post("P4", t(2026, 2, 10, 9), ["ST2"]),  # after: no consent
        post("P5", t(2026, 1, 15, 16), ["ST2"]),
    ]  # on the withdrawal day
    result = audit(
        write_school(tmp_path, Posts=posts, Consent=[form("ST2", d(2025, 9, 5), **{"Withdrawn on": d(2026, 1, 15)})])
    )
    assert found(result, "IMG-04") == [("P1", 2, "ST2"), ("P3", 4, "ST2")]
    assert found(result, "IMG-01") == [("P4", 5, "ST2"), ("P5", 6, "ST2")]
    messages = {f.record: f.message for f in by_rule(result, "IMG-04")}
    assert "withdrawn on 15/01/2026" in messages["P1"] and "not been removed" in messages["P1"]
    assert "removed on 14/01/2026" in messages["P3"]
    assert "withdrawn on 15/01/2026" in {f.record: f.message for f in by_rule(result, "IMG-01")}["P5"]


def test_form_received_on_the_day_of_the_post_counts():
    result = run(
        [post("P1", t(2026, 3, 2, 10), ["ST3"]), post("P2", t(2026, 3, 1, 23, 59), ["ST3"])],
        [form("ST3", d(2026, 3, 2))],
    )
    assert found(result, "IMG-01") == [("P2", 3, "ST3")]
    assert "no consent form received by that day" in by_rule(result, "IMG-01")[0].message


def test_photo_restriction_is_img03_not_img01():
    result = run(
        [post("P1", t(2026, 3, 2, 10), ["ST4", "ST5"]), post("P2", t(2025, 10, 1, 10), ["ST5"])],
        [
            form("ST4", d(2025, 9, 5), **{"Photo restriction": "Yes"}),
            # ST5 was restricted on the older form only: the latest form on P1's day decides.
            form("ST5", d(2025, 9, 5), **{"Photo restriction": "Yes"}),
            form("ST5", d(2026, 1, 5)),
        ],
    )
    assert found(result, "IMG-03") == [("P1", 2, "ST4"), ("P2", 3, "ST5")]
    assert found(result, "IMG-01") == []


def test_student_not_on_register_and_duplicate_listing():
    result = run([post("P1", t(2026, 3, 2, 10), ["ST9", "ST1", "ST9"])], [form("ST1", d(2025, 9, 5))])
    assert found(result, "IMG-01") == [("P1", 2, "ST9")]
    assert by_rule(result, "IMG-01")[0].severity == "critical"


def test_img01_needs_images_of_students_yes():
    result = run(
        [post("P1", t(2026, 3, 2, 10), ["ST9"], images="No"), post("P2", t(2026, 3, 2, 10), ["ST9"], images=None)]
    )
    assert found(result, "IMG-01") == []


def test_posts_outside_the_period_are_ignored():
    result = run(
        [
            post("P1", t(2025, 8, 31, 18), ["ST9"], **{"Swimwear or sports kit": "Yes"}),
            post("P2", t(2025, 8, 30, 9), []),
            post("P3", t(2025, 9, 1, 8), ["ST9"]),
        ]
    )
    assert found(result, "IMG-01") == [("P3", 4, "ST9")]
    assert found(result, "IMG-02") == [] and found(result, "IMG-05") == []


def test_undated_post_cannot_show_consent():
    result = run([post("P1", None, ["ST1"])], [form("ST1", d(2025, 9, 5))])
    assert found(result, "IMG-01") == [("P1", 2, "ST1")]
    assert "no Posted at" in by_rule(result, "IMG-01")[0].message


def test_same_day_forms_the_lower_row_wins():
    result = run(
        [post("P1", t(2026, 3, 2, 10), ["ST1"])], [form("ST1", d(2025, 9, 5), "Yes"), form("ST1", d(2025, 9, 5), "No")]
    )
    assert found(result, "IMG-01") == [("P1", 2, "ST1")]


def test_img02_images_without_students_pictured():
    result = run(
        [
            post("P1", t(2026, 3, 2, 10), []),
            post("P2", t(2026, 3, 2, 10), [], images="No"),
            post("P3", t(2026, 3, 2, 10), ["ST1"]),
        ],
        [form("ST1", d(2025, 9, 5))],
    )
    assert found(result, "IMG-02") == [("P1", 2, None)]
    assert found(result, "IMG-01") == []


def test_img05_swimwear_img06_individual_img07_sports_kit_only_when_students_pictured():
    every = {"Swimwear": "Yes", "Sports kit": "Yes", "Shot type": "Individual"}
    result = run(
        [
            post("P1", t(2026, 3, 2, 10), [], **every),
            post("P2", t(2026, 3, 2, 10), [], images="No", **every),
            post("P3", t(2026, 3, 2, 10), ["ST1"], images="No", **every),
            post(
                "P4", t(2026, 3, 2, 10), ["ST1"], **{"Swimwear": "No", "Sports kit": "No", "Shot type": "From behind"}
            ),
        ],
        [form("ST1", d(2025, 9, 5))],
    )
    assert found(result, "IMG-05") == [("P1", 2, None), ("P3", 4, None)]
    assert found(result, "IMG-06") == [("P1", 2, None), ("P3", 4, None)]
    assert found(result, "IMG-07") == [("P1", 2, None), ("P3", 4, None)]


def test_not_assessed_without_consent_workbook_or_column():
    result = audit_rows(Posts=[post("P1", t(2026, 3, 2), ["ST1"])], omit=("image_consent.xlsx",))
    assert {"IMG-01", "IMG-03", "IMG-04"} <= not_assessed(result)
    assert not {"IMG-02", "IMG-05", "IMG-06"} & not_assessed(result)
    result = audit_rows(Posts=[post("P1", t(2026, 3, 2), ["ST1"])], drop_columns={"Posts": ("Removed on",)})
    assert "IMG-04" in not_assessed(result) and "IMG-01" not in not_assessed(result)


def test_img01_names_the_consent_row_in_force_and_a_later_form(tmp_path):
    """Issue 19: the message names the Consent row that decided (file and Excel row) and the first form received
    after the post, with what it gives; both also as the finding's facts."""
    folder = write_school(
        tmp_path / "school",
        Posts=[post("P1", t(2025, 12, 1, 9), ["ST1"]), post("P2", t(2025, 12, 1, 9), ["ST2"])],
        Consent=[form("ST1", d(2025, 9, 5), "No"), form("ST2", d(2025, 9, 5), "Yes"), form("ST1", d(2025, 12, 6))],
    )
    result = audit(folder)
    [finding] = by_rule(result, "IMG-01")
    assert "whose consent form received on 05/09/2025 (image_consent.xlsx, row 2) does not give" in finding.message
    assert finding.message.endswith(
        "a breach of the school's policy on images; a form giving social media consent was received 5 days later, on "
        "06/12/2025 (image_consent.xlsx, row 4)"
    )
    assert dict(finding.facts) == {
        "consent_row": 2,
        "later_form_row": 4,
        "later_form_received_on": "2025-12-06",
        "later_form_gives_consent": True,
    }


def test_img01_with_no_form_at_all_names_no_row():
    result = run([post("P1", t(2025, 12, 1, 9), ["ST1"])], [form("ST2", d(2025, 9, 5))])
    [finding] = [f for f in by_rule(result, "IMG-01") if f.student == "ST1"]
    assert "with no consent form received by that day: a breach of the school's policy on images" in finding.message
    assert "row" not in finding.message and dict(finding.facts)["consent_row"] is None
