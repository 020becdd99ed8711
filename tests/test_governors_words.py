"""What the governors' page says (outputs/governors.py, outputs/figures.py), read back against the findings
model: why each area has its rating, the overall statement, the decisions, the questions, counts in children
and posts, shares only from a base of 20, on the bundled sample school and on small schools built in memory.
No kernel: the functions are called on a Review as the notebook's cells call them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lks_audit.audit import closures_of, run_rules
from lks_audit.context import make_context
from lks_audit.findings import AREAS
from lks_audit.handover import ReportParameters
from lks_audit.outputs import governors
from lks_audit.outputs.figures import html, percent_text, percent_value, plain, share
from lks_audit.outputs.review_data import Review, load_review
from lks_audit.params import meeting_day
from lks_audit.rules import REGISTRY

from school import SAMPLE_AS_OF, SAMPLE_SCHOOL, SAMPLE_YEAR, SIGNED_POLICY, d, dataset_from_rows

MEETING = dt.date(2026, 10, 14)


@pytest.fixture(scope="module")
def sample() -> Review:
    return load_review(
        ReportParameters(data_dir=SAMPLE_SCHOOL, year=SAMPLE_YEAR, as_of=SAMPLE_AS_OF, meeting_date=MEETING.isoformat())
    )


def review_of(as_of="2026-07-20", **rows) -> Review:
    """A school built in memory, reviewed as the notebook reviews one (meeting on MEETING)."""
    data = dataset_from_rows(**rows)
    result = run_rules(data, make_context("2025-26", as_of, {}, closures=closures_of(data)))
    return Review("Test School", data, result, None, MEETING, "governors", MEETING)


def test_a_share_is_shown_only_from_a_base_of_20_and_as_a_reader_computes_it():
    assert share(13, 15) is None and share(1, 19) is None, "under 20 checked, '13 of 15' says it better"
    assert percent_text(share(6, 9 * 3)) == "22%" and percent_text(share(12, 18 * 2)) == "33%"
    assert percent_text(share(5, 888)) == "0.6%" and percent_value(share(5, 888)) == "0.6"
    assert percent_text(share(3991, 3999)) == "99.8%", "never a rounded 100% for a share that is not"
    assert percent_text(share(3999, 4000)) == "over 99.9%" and percent_text(share(2, 4398)) == "under 0.1%"
    assert percent_text(share(1, 8 * 4)) == "3.1%" and percent_text(share(10, 80)) == "13%", "half up: 12.5 is 13"
    assert percent_text(share(0, 100)) == "0%" and percent_text(share(5, 100)) == "5%"


def test_photos_are_counted_in_children_and_posts_against_the_posts_with_photos(sample):
    f = sample.figures
    found = [x for x in sample.result.findings if x.rule == "IMG-01" and x.is_open]
    children, posts = len({x.student for x in found}), len({x.record for x in found})
    assert (f.get("rule.IMG-01.people"), f.get("rule.IMG-01.posts")) == (children, posts) == (6, 5)
    assert plain(f.counted("IMG-01")) == (
        "6 children in 5 posts (0.6% of the 888 posts with photos of students); 1 more to confirm"
    )
    # The rule's own base (4,398 post-and-student pairs) stays in the DPO's detail.
    assert "4,398" not in plain(f.counted("IMG-01")) and "pair" not in plain(f.counted("PST-04"))
    # PST-03 checks posts: its share is of all the posts it read.
    assert f.get("rule.PST-03.open") == 0, "both set aside by the DPO in the sample"


def test_inc05_is_counted_as_late_or_not_reported_never_late_for_both(sample):
    f = sample.figures
    assert (f.get("rule.INC-05.late"), f.get("rule.INC-05.not_reported"), f.get("rule.INC-05.hours_late")) == (1, 1, 8)
    assert plain(f.counted("INC-05")) == (
        "2 of 4 breaches the regulator must hear of: 1 reported 8 hours late and 1 not reported (the limit is 72 hours)"
    )
    assert REGISTRY["INC-05"].title == "Serious data breaches not reported to the regulator in time"
    marked = html(f.counted("INC-05"))
    assert '<data value="72" data-figure="param.ico_hours">72</data>' in marked
    assert '<data value="1" data-figure="rule.INC-05.not_reported">1</data> not reported' in marked


def test_a_red_areas_reason_names_the_critical_finding(sample):
    assert plain(governors.rating_reason(sample, "governance")) == (
        "Red because of a critical finding: accounts set up without senior leaders' approval (1 of 5 live accounts)."
    )
    assert plain(governors.rating_reason(sample, "images")) == (
        "Red because of critical findings: photos of students without consent (6 children in 5 posts) and photos "
        "of students who must never be shown (2 children in 2 posts)."
    )


def _untrained(n: int) -> list[dict]:
    """``n`` staff who administer an account, all trained but the first (one TRN-01 finding)."""
    staff = [
        {
            "Staff ID": f"S{i:03d}",
            "Name": f"Person {i}",
            "Type": "Employee",
            "Start date": d(2018, 9, 1),
            "Policy read on": d(2025, 9, 2),
            "Social media training on": d(2025, 9, 3) if i else None,
            "Annual declaration on": d(2025, 9, 4),
        }
        for i in range(n)
    ]
    return staff


def _accounts(staff: list[dict]) -> list[dict]:
    ids = [s["Staff ID"] for s in staff]
    return [{"Account ID": "ACC-001", "Status": "Active", "Administrators": ids, "Lead staff": ids[0]}]


@pytest.mark.parametrize("users", [16, 40])
def test_a_red_areas_reason_with_fewer_and_with_more_than_20_checked(users):
    """One account user of 16 untrained makes People Red (below 20 checked any finding is widespread); one of
    40 (2.5%) does not, so the area is Amber and says so."""
    staff = _untrained(users)
    review = review_of(Policy=[SIGNED_POLICY], Staff=staff, Accounts=_accounts(staff))
    assert review.summary["rules"]["TRN-01"]["checked"] == users and review.summary["rules"]["TRN-01"]["open"] == 1
    reason = plain(governors.rating_reason(review, "people"))
    if users < 20:
        assert reason == (
            "Red because a serious problem is widespread: staff using accounts without reading the policy or "
            "training (1 of 16 staff users of the accounts; below 20 checked, any finding counts as widespread)."
        )
    else:
        assert review.summary["areas"]["people"]["rag"] == "Amber"
        assert reason == (
            "Amber because of serious findings, none widespread, most of all staff using accounts without reading "
            "the policy or training (1 of 40 staff users of the accounts)."
        )


def test_a_red_areas_reason_with_a_widespread_problem_of_more_than_20_checked():
    staff = _untrained(40)
    for person in staff[:3]:
        person["Social media training on"] = None  # 3 of 40: 7.5%, at least the 5% that is widespread
    review = review_of(Policy=[SIGNED_POLICY], Staff=staff, Accounts=_accounts(staff))
    assert plain(governors.rating_reason(review, "people")) == (
        "Red because a serious problem is widespread: staff using accounts without reading the policy or training "
        "(3 of 40 staff users of the accounts, at least the 5% that counts as widespread)."
    )
    # The legend states the rule the code applies, with the same figures.
    legend = " ".join(plain(x) for x in governors.rating_rule(review).values())
    assert "reach 5% of what it checked (any finding, below 20 checked)" in legend


def test_the_overall_statement_names_the_red_areas_and_the_most_serious_problem(sample):
    red = sum(sample.summary["areas"][a]["rag"] == "Red" for a in AREAS)
    assert red == 4  # Content and conduct is Amber: the DPO set its two critical findings aside (dpo_review.xlsx)
    assert plain(governors.overall_statement(sample)) == (
        "The school does not yet keep its Social Media Policy well enough: 4 of the 7 areas need urgent "
        "action, most of all photos of students without consent."
    )
    assert plain(governors.what_was_found(sample)) == (
        # With the platforms' archives: 5 more checks, 9 more open findings (7 EVD, a first name and a late reply
        # on the platforms' record) and one more waiting (a post gone whose removal date cannot be read).
        "The Data Protection Officer (DPO) ran 55 checks and found 96 open findings (a finding is one record that "
        "breaks one rule of the policy), grouped into 53 actions; 5 more wait on a fix to the records and 2 were set "
        "aside by the DPO."
    )


def test_decisions_ask_for_the_policy_and_the_action_plan(sample):
    rows = sample.actions
    now = [r for r in rows if r["now"]]
    assert governors.decisions(sample) and [plain(x) for x in governors.decisions(sample)] == [
        "Review the Social Media Policy and approve it again, with a date for its next review.",
        "Ask the chair of governors and the proprietor (the body that owns and runs the school) to sign the policy.",
        # The sample's DPO accepts one risk (a student's name published at the family's request).
        "Note the 1 risk the school has accepted on the DPO's advice (given under its area, with the reason).",
        f"Approve the action plan: {len(rows)} actions, the {len(now)} most urgent due by 21 October 2026.",
    ]


def test_a_lapsed_accepted_risk_is_shown(sample):
    assert [plain(x) for x in governors.lapsed_risks(sample)] == [
        "Passwords not stored securely, accepted until 31 March 2026; the DPO has not renewed it, so it counts again."
    ]


def test_questions_come_from_the_most_serious_open_problems_one_per_area(sample):
    asked = governors.questions(sample)
    assert 3 <= len(asked) <= 5
    assert asked[0] == "How will we make sure consent is checked before a photo is posted?"
    by_question = {r.question: r for r in REGISTRY.values()}
    areas = [by_question[q].area for q in asked]
    assert len(set(areas)) == len(areas), "one question per area"
    assert not {by_question[q].id for q in asked} & {i for i, r in REGISTRY.items() if r.governors_decide}, (
        "the policy is a decision"
    )
    open_rules = {p.rule for p in governors.problems(sample) if p.open}
    assert {by_question[q].id for q in asked} <= open_rules


def test_findings_about_children_list_no_post_for_governors(sample):
    """IMG-* and PST-03/04 are counted only: their posts would lead a reader to a child."""
    for p in governors.problems(sample):
        if p.rule.startswith("IMG-") or p.rule in ("PST-03", "PST-04"):
            assert p.records == (), p.rule
    assert next(p for p in governors.problems(sample) if p.rule == "PST-01").records == ("P-00236", "P-00844")


def test_a_school_with_a_signed_policy_in_date_is_not_asked_to_reapprove_it():
    review = review_of(Policy=[SIGNED_POLICY])
    said = [plain(x) for x in governors.decisions(review)]
    assert not any("approve it again" in x or "sign the policy" in x or x.startswith("Note the") for x in said)
    unsigned = review_of(Policy=[{**SIGNED_POLICY, "Signed by proprietor on": None}])
    assert any("to sign the policy" in plain(x) for x in governors.decisions(unsigned))


def test_a_school_with_nothing_serious_found_reads_well():
    review = review_of(Policy=[SIGNED_POLICY])  # empty books: only the advisory empty-log finding (DQ-06)
    assert plain(governors.overall_statement(review)) == (
        "The school keeps its Social Media Policy well: no area has a serious problem."
    )
    assert plain(governors.rating_reason(review, "governance")) == "Green: its checks found nothing open."
    assert plain(governors.rating_reason(review, "data")) == "Green: only points of good practice were found."
    assert [plain(x) for x in governors.decisions(review)] == [
        "Approve the action plan: 1 action, due by 14 October 2027."
    ]
    assert governors.questions(review) == ["Were there really no events, or were they not written down?"]


def test_an_area_that_could_not_be_fully_checked_says_so_without_naming_files():
    review = review_of(omit=("posts_log.xlsx",), Policy=[SIGNED_POLICY])
    assert review.summary["areas"]["images"]["rag"] == "Grey"
    assert plain(governors.rating_reason(review, "images")) == (
        "Grey because 7 of its 7 checks could not be made (records were missing), and nothing serious was found."
    )
    assert not any(".xlsx" in plain(governors.rating_reason(review, area)) for area in AREAS)


def test_the_meeting_date_defaults_to_today_and_refuses_what_is_not_a_date():
    assert meeting_day("") == dt.date.today() and meeting_day(None, today=d(2026, 9, 1)) == d(2026, 9, 1)
    assert meeting_day("2026-10-14") == MEETING and meeting_day(MEETING) == MEETING
    assert meeting_day("14/10/2026") == MEETING  # the UK way
    with pytest.raises(ValueError, match="--meeting-date must be a day like 31/08/2026 or 2026-08-31, got 'soon'"):
        meeting_day("soon")
