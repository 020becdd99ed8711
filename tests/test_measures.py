"""The governors' headline measures (lks_audit.measures), counted by hand on small schools built in memory.

as_of is Mon 20/07/2026 (the helper's default): the year's months so far are 2025-09 to 2026-07.
No closures are given, so a query received on a working day is due 24 hours later.
"""

import pytest

from lks_audit.measures import headline_measures
from lks_audit.rules import REGISTRY

from school import audit_rows, by_rule, d, dataset_from_rows, t

MONTHS = [
    "2025-09",
    "2025-10",
    "2025-11",
    "2025-12",
    "2026-01",
    "2026-02",
    "2026-03",
    "2026-04",
    "2026-05",
    "2026-06",
    "2026-07",
]


def audited(as_of="2026-07-20", **rows):
    """A school's audit, and headline_measures taken directly from its data and the audit's findings."""
    result = audit_rows(as_of=as_of, **rows)
    return result, headline_measures(dataset_from_rows(**rows), result.context, result.findings)


def interaction(iid, received, answered=None):
    return {
        "Interaction ID": iid,
        "Account ID": "ACC-001",
        "Received at": received,
        "Type": "Query",
        "First response at": answered,
    }


INTERACTIONS = [
    interaction("ON-TIME-4H", t(2026, 3, 3, 9), t(2026, 3, 3, 13)),  # Tue; 4 h
    interaction("ON-TIME-24H", t(2026, 3, 4, 9), t(2026, 3, 5, 9)),  # Wed; on the deadline, 24 h
    interaction("LATE-1-DAY", t(2026, 3, 10, 9), t(2026, 3, 12, 9)),  # Tue; 48 h, 1 day late
    interaction("LATE-3-DAYS", t(2026, 3, 17, 9), t(2026, 3, 21, 9)),  # Tue; 96 h, 3 days late
    interaction("LATE-5-DAYS", t(2026, 2, 3, 9), t(2026, 2, 9, 9)),  # Tue; 144 h, 5 days late
    interaction("UNANSWERED", t(2026, 6, 2, 9)),  # due Wed 03/06: overdue
    interaction("NOT-YET-DUE", t(2026, 7, 20, 9)),  # due Tue 21/07, after as_of
    interaction("LAST-YEAR", t(2025, 6, 3, 9)),  # before the period: not counted
]


def test_interactions_counted_by_hand():
    result, measures = audited(Interactions=INTERACTIONS)
    replies = measures["interactions"]
    # 7 in the period; 6 due (5 answered, 1 overdue); 2 answered in time: 2 of 6 is 33.3 %.
    assert {k: v for k, v in replies.items() if k not in ("bands", "by_month")} == {
        "assessed": True,
        "total": 7,
        "due": 6,
        "answered_in_time": 2,
        "answered_late": 3,
        "unanswered_overdue": 1,
        "to_confirm": 0,
        "not_yet_due": 1,
        "pct_in_time": 33.3,
        "median_response_hours": 48.0,
        "deadline_hours": 24,
    }
    # Exactly 1 day late is "up to 1 day"; exactly 3 days late is "1 to 3 days".
    assert replies["bands"] == {
        "Answered in time": 2,
        "Late by up to 1 day": 1,
        "Late by 1 to 3 days": 1,
        "Late by more than 3 days": 1,
        "No response, deadline passed": 1,
    }
    late_by_month = {"2026-02": (1, 1), "2026-03": (4, 2), "2026-06": (1, 1), "2026-07": (1, 0)}
    assert replies["by_month"] == [
        {"month": m, "interactions": late_by_month.get(m, (0, 0))[0], "late": late_by_month.get(m, (0, 0))[1]}
        for m in MONTHS
    ]
    # What governors read beside the findings: the same counts.
    assert replies["answered_late"] == len(by_rule(result, "INT-01"))
    assert replies["unanswered_overdue"] == len(by_rule(result, "INT-02"))
    assert result.summary["measures"] == measures


def test_pct_in_time_is_of_those_due_to_one_decimal():
    _, measures = audited(
        Interactions=[
            interaction("A", t(2026, 3, 3, 9), t(2026, 3, 3, 10)),
            interaction("B", t(2026, 3, 3, 9), t(2026, 3, 3, 11)),
            interaction("LATE", t(2026, 3, 3, 9), t(2026, 3, 5, 9)),
            interaction("NOT-YET-DUE", t(2026, 7, 20, 9)),
        ]
    )
    replies = measures["interactions"]
    assert (replies["due"], replies["answered_in_time"], replies["pct_in_time"]) == (3, 2, 66.7)


def test_nothing_due_gives_no_percentage():
    _, measures = audited(Interactions=[interaction("NOT-YET-DUE", t(2026, 7, 20, 9))])
    replies = measures["interactions"]
    assert (replies["total"], replies["due"], replies["not_yet_due"]) == (1, 0, 1)
    assert replies["pct_in_time"] is None and replies["median_response_hours"] is None
    _, measures = audited()
    assert measures["interactions"]["total"] == 0 and measures["interactions"]["pct_in_time"] is None
    assert all(month["interactions"] == 0 for month in measures["interactions"]["by_month"])


def test_a_response_recorded_before_receipt_is_left_out_of_the_median():
    _, measures = audited(
        Interactions=[
            interaction("TEN-HOURS", t(2026, 3, 3, 9), t(2026, 3, 3, 19)),
            interaction("AN-HOUR-EARLY", t(2026, 3, 3, 9), t(2026, 3, 3, 8)),
        ]
    )
    assert measures["interactions"]["median_response_hours"] == 10.0  # not (10 - 1) / 2


def incident(iid, reported, category, closed=None):
    return {"Incident ID": iid, "Reported at": reported, "Category": category, "Closed on": closed}


def test_incidents_by_category_most_first_and_open():
    _, measures = audited(
        Incidents=[
            incident("I1", t(2025, 10, 1, 9), "Other", d(2025, 10, 2)),
            incident("I2", t(2026, 1, 10, 9), "Personal data breach"),  # open
            incident("I3", t(2026, 2, 10, 9), "Other"),  # open
            incident("I4", t(2026, 3, 10, 9), None, d(2026, 3, 11)),  # no category
            incident("I5", t(2026, 4, 10, 9), "Journalist contact", d(2026, 4, 12)),
            incident("LAST-YEAR", t(2025, 5, 1, 9), "Other"),  # before the period
        ]
    )
    incidents = measures["incidents"]
    assert (incidents["assessed"], incidents["total"], incidents["open"]) == (True, 5, 2)
    # Most first, then by name.
    assert list(incidents["by_category"].items()) == [
        ("Other", 2),
        ("Journalist contact", 1),
        ("Not recorded", 1),
        ("Personal data breach", 1),
    ]


def test_open_incidents_are_not_counted_without_the_closed_on_column():
    # The loader adds a missing column as blanks: without Closed on, "open" is unknown, not "all".
    _, measures = audited(
        Incidents=[incident("I1", t(2025, 10, 1, 9), "Other", d(2025, 10, 2))],
        drop_columns={"Incidents": ("Closed on",)},
    )
    assert measures["incidents"]["open"] is None


def person(sid, **extra):
    """A current employee with policy read, training and declaration within 12 months of as_of."""
    row = {
        "Staff ID": sid,
        "Type": "Employee",
        "Start date": d(2020, 9, 1),
        "Policy read on": d(2025, 9, 2),
        "Social media training on": d(2025, 9, 3),
        "Annual declaration on": d(2025, 9, 4),
    }
    return {**row, **extra}


STAFF = [
    person("S001"),  # administers ACC-001
    person("S002", **{"Social media training on": None}),  # administers ACC-001; TRN-01
    person("S003", **{"Social media training on": d(2024, 1, 1)}),  # posted; trained too long ago: TRN-02
    person("S004"),  # responded
    person("S005", Type="Volunteer", **{"Policy read on": None, "Annual declaration on": None}),  # not a user
    person("S006", **{"Leaving date": d(2026, 6, 30), "Policy read on": None}),  # has left
    person("S007", **{"Policy read on": d(2026, 7, 21), "Annual declaration on": d(2025, 7, 19)}),  # TRN-04
]
ACCOUNT_USE = dict(
    Accounts=[{"Account ID": "ACC-001", "Status": "Active", "Administrators": "S001, S002, S009"}],  # S009 unknown
    Posts=[{"Post ID": "P1", "Account ID": "ACC-001", "Posted at": t(2026, 3, 2, 10), "Posted by": "S003"}],
    Interactions=[
        {
            "Interaction ID": "I1",
            "Account ID": "ACC-001",
            "Received at": t(2026, 3, 2, 10),
            "First response at": t(2026, 3, 2, 11),
            "Responded by": "S004",
        }
    ],
)


def test_training_policy_read_and_declarations_counted_by_hand():
    result, measures = audited(Staff=STAFF, **ACCOUNT_USE)
    training = measures["training"]
    # Users S001-S004 and S009 (not on the Staff sheet); S002 and S003 are not trained and current. S009 posted
    # but is not on the Staff sheet: its Posted by is a DQ-04, so its TRN-01 waits on a data fix (counted
    # apart) and the percentage is of the four whose training is known.
    assert training["account_users"] == {
        "assessed": True,
        "total": 5,
        "trained_and_current": 2,
        "to_confirm": 1,
        "pct": 50.0,
    }
    # Current staff: all but S006; S005 never read it and S007 reads it after as_of.
    assert training["policy_read"] == {"assessed": True, "total": 6, "read": 4, "pct": 66.7}
    # Current employees: S001-S004 and S007, whose declaration is one day over 12 months old.
    assert training["declarations"] == {"assessed": True, "total": 5, "current": 4, "to_confirm": 0, "pct": 80.0}
    untrained = {f.record for f in by_rule(result, "TRN-01") + by_rule(result, "TRN-02")}
    assert untrained == {"S002", "S003", "S009"}
    assert training["declarations"]["total"] - training["declarations"]["current"] == len(by_rule(result, "TRN-04"))


def post(pid, students, images="Yes", when=t(2026, 3, 2, 10)):
    return {
        "Post ID": pid,
        "Account ID": "ACC-001",
        "Posted at": when,
        "Images of students": images,
        "Students pictured": students,
    }


def test_posts_with_images_fully_consented_counted_by_hand():
    consent = [
        {"Student ID": "ST1", "Form received on": d(2025, 9, 5), "Social media consent": "Yes"},
        {"Student ID": "ST2", "Form received on": d(2025, 9, 5), "Social media consent": "No"},
    ]
    result, measures = audited(
        Consent=consent,
        Posts=[
            post("P1", ["ST1"]),
            post("P2", ["ST1", "ST2"]),  # ST2 refused: IMG-01
            post("P3", []),  # nobody listed: IMG-02
            post("P4", ["ST1"]),
            post("P5", [], images="No"),  # no images: not counted
            post("P6", ["ST2"], when=t(2025, 8, 20, 10)),  # before the period: not counted
            post("P7", ["ST2", "ST3"]),  # two findings, one post (ST3 has no form)
        ],
    )
    assert measures["consent"] == {
        "assessed": True,
        "posts_with_images": 5,
        "all_pictured_consented": 2,
        "some_pictured_without_consent": 2,
        "pictured_not_recorded": 1,
        "to_confirm": 0,
        "pct": 40.0,
    }
    assert len(by_rule(result, "IMG-01")) == 3
    assert measures["consent"]["some_pictured_without_consent"] == len({f.record for f in by_rule(result, "IMG-01")})


@pytest.mark.parametrize(
    "school, section, reason",
    [
        (dict(omit=("interactions_log.xlsx",)), ("interactions",), "interactions_log.xlsx is missing"),
        (
            dict(drop_columns={"Interactions": ("First response at",)}),
            ("interactions",),
            "interactions_log.xlsx, sheet Interactions: column 'First response at' missing",
        ),
        (dict(omit_sheets=("Incidents",)), ("incidents",), "incidents_log.xlsx: sheet 'Incidents' is missing"),
        (
            dict(drop_columns={"Incidents": ("Category",)}),
            ("incidents",),
            "incidents_log.xlsx, sheet Incidents: column 'Category' missing",
        ),
        # The account users are found from the interactions too, so TRN-01 cannot say who is untrained.
        (
            dict(omit=("interactions_log.xlsx",)),
            ("training", "account_users"),
            "rule TRN-01 was not assessed (interactions_log.xlsx is missing)",
        ),
        (
            dict(drop_columns={"Staff": ("Social media training on",)}),
            ("training", "account_users"),
            "rule TRN-01 was not assessed "
            "(staff_training.xlsx, sheet Staff: column 'Social media training on' missing)",
        ),
        (
            dict(drop_columns={"Staff": ("Policy read on",)}),
            ("training", "policy_read"),
            "staff_training.xlsx, sheet Staff: column 'Policy read on' missing",
        ),
        (
            dict(drop_columns={"Staff": ("Annual declaration on",)}),
            ("training", "declarations"),
            "rule TRN-04 was not assessed (staff_training.xlsx, sheet Staff: column 'Annual declaration on' missing)",
        ),
        (
            dict(omit=("image_consent.xlsx",)),
            ("consent",),
            "rule IMG-01 was not assessed (image_consent.xlsx is missing)",
        ),
        (
            dict(drop_columns={"Posts": ("Students pictured",)}),
            ("consent",),
            "posts_log.xlsx, sheet Posts: column 'Students pictured' missing",
        ),
    ],
    ids=lambda value: "/".join(value) if isinstance(value, tuple) else None,
)
def test_a_measure_is_not_assessed_without_its_sheet_column_or_rule(school, section, reason):
    _, measures = audited(Staff=STAFF, **ACCOUNT_USE, **school)
    found = measures
    for key in section:
        found = found[key]
    assert found == {"assessed": False, "reason": reason}


def test_only_the_measures_that_lean_on_a_missing_column_go_unassessed():
    _, measures = audited(Staff=STAFF, **ACCOUNT_USE, drop_columns={"Staff": ("Annual declaration on",)})
    assert measures["training"]["account_users"]["assessed"] and measures["training"]["policy_read"]["assessed"]
    assert measures["interactions"]["assessed"] and measures["consent"]["assessed"]


def test_a_measure_is_not_assessed_when_the_rule_it_leans_on_is_not_registered(monkeypatch):
    rows = dict(Posts=[post("P1", ["ST1"])])
    result, _ = audited(**rows)
    monkeypatch.delitem(REGISTRY, "IMG-01")
    measures = headline_measures(dataset_from_rows(**rows), result.context, result.findings)
    assert measures["consent"] == {"assessed": False, "reason": "rule IMG-01 is not available"}


# Findings are matched to rows by their Excel row, never by record ID: an ID may be blank or repeated.
@pytest.mark.parametrize(
    "replies",
    [
        [
            interaction(None, t(2026, 3, 3, 9), t(2026, 3, 5, 9)),  # late, with no ID: counted in time
            interaction("I2", t(2026, 3, 3, 9), t(2026, 3, 3, 10)),
        ],
        [
            interaction("I1", t(2026, 3, 3, 9), t(2026, 3, 5, 9)),  # late
            interaction("I1", t(2026, 3, 4, 9), t(2026, 3, 4, 10)),
        ],  # in time, same ID: counted late
    ],
    ids=["blank ID", "repeated ID"],
)
def test_each_late_reply_counts_once_whatever_its_id(replies):
    result, measures = audited(Interactions=replies)
    assert len(by_rule(result, "INT-01")) == 1
    assert (measures["interactions"]["answered_late"], measures["interactions"]["answered_in_time"]) == (1, 1)


def test_the_sample_schools_measures_agree_with_its_findings(sample_audit):
    # The bundled year (4,000 interactions, 888 posts with images) audited once per session from its files.
    measures, findings = sample_audit.summary["measures"], sample_audit.findings
    records = {
        rule: {f.record for f in findings if f.rule == rule and f.is_open} for rule in ("IMG-01", "TRN-01", "TRN-02")
    }
    replies = measures["interactions"]
    assert replies["answered_late"] == sum(f.rule == "INT-01" and f.is_open for f in findings) > 0
    assert replies["unanswered_overdue"] == sum(f.rule == "INT-02" and f.is_open for f in findings) > 0
    # I-001399's First response at could not be read: its INT-02 waits on the data fix, counted apart.
    assert replies["to_confirm"] == sum(f.rule in ("INT-01", "INT-02") and not f.is_open for f in findings) == 1
    # Every reply due falls in exactly one band, or waits on a data fix.
    assert sum(replies["bands"].values()) + replies["to_confirm"] == replies["due"]
    assert measures["consent"]["some_pictured_without_consent"] == len(records["IMG-01"]) > 0
    users = measures["training"]["account_users"]
    users_apart = users["total"] - users["trained_and_current"] - users["to_confirm"]
    assert users_apart == len(records["TRN-01"] | records["TRN-02"]) > 0
    declarations = measures["training"]["declarations"]
    undeclared = declarations["total"] - declarations["current"] - declarations["to_confirm"]
    assert undeclared == sum(f.rule == "TRN-04" and f.is_open for f in findings) > 0
    assert declarations["to_confirm"] == 1  # S033's declaration date could not be read
