"""What the governors' page says (outputs/governors.py), read back against the findings model: each
area's measure in proportion, the overall statement, the decisions, the questions and the due dates,
on the bundled sample school and on small schools built in memory. No kernel: the functions are
called on a Review as the notebook's cells call them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lks_audit.audit import closures_of, run_rules
from lks_audit.context import make_context
from lks_audit.findings import AREAS
from lks_audit.outputs import governors
from lks_audit.outputs.action_plan import DUE_AFTER, due_date
from lks_audit.outputs.review_data import Review, load_review
from lks_audit.params import meeting_day
from lks_audit.rules import REGISTRY

from school import SAMPLE_AS_OF, SAMPLE_SCHOOL, SAMPLE_YEAR, SIGNED_POLICY, d, dataset_from_rows

MEETING = dt.date(2026, 10, 14)


@pytest.fixture(scope="module")
def sample() -> Review:
    return load_review(SAMPLE_SCHOOL, SAMPLE_YEAR, SAMPLE_AS_OF, meeting_date=MEETING.isoformat())


def review_of(**rows) -> Review:
    """A school built in memory, reviewed as the notebook reviews one (meeting on MEETING)."""
    data = dataset_from_rows(**rows)
    result = run_rules(data, make_context("2025-26", "2026-07-20", {}, closures=closures_of(data)))
    return Review("Test School", data, result, None, MEETING, "governors", MEETING)


def test_share_reads_at_a_glance():
    assert governors.share(6, 4398) == "0.1%"
    assert governors.share(2, 4398) == "under 0.1%"
    assert governors.share(0, 4398) == "0%"
    assert governors.share(13, 15) is None, "under 20 checked, '13 of 15' says it better"
    assert governors.share(22, 100) == "22%" and governors.share(45, 1000) == "4.5%" and governors.share(5, 100) == "5%"
    assert governors.in_proportion(6, 4398, ("pictured student", "pictured students")) == (
        "6 of 4,398 pictured students (0.1%)"
    )
    assert governors.in_proportion(1, 1, ("policy", "policies")) == "1 of 1 policy"


def test_an_areas_measure_is_its_most_serious_open_problem_against_what_its_rule_checked(sample):
    rules = sample.summary["rules"]
    assert governors.area_measure(sample, "images") == (
        f"Photos of students without consent: {rules['IMG-01']['open']} of {rules['IMG-01']['checked']:,} "
        f"pictured students ({100 * rules['IMG-01']['open'] / rules['IMG-01']['checked']:.1f}%)"
    )
    # The finding waiting on a data fix is not in the count: it is counted apart in the area's section.
    assert rules["IMG-01"]["to_confirm"] == 1 and rules["IMG-01"]["open"] == 6
    images = governors.problems(sample, "images")
    assert images[0].rule == "IMG-01"
    assert images[0].counted == "6 of 4,398 pictured students (0.1%); 1 more to confirm once the data is fixed"
    # Most serious first: by the severity the findings carry, then by how many.
    ranks = [(["critical", "high", "medium", "advisory"].index(p.severity), -p.open) for p in images]
    assert ranks == sorted(ranks)


def test_replies_are_put_in_proportion_by_the_headline_measures(sample):
    replies = sample.measures["interactions"]
    missed = replies["answered_late"] + replies["unanswered_overdue"]
    known = replies["due"] - replies["to_confirm"]
    assert (missed, known, replies["to_confirm"]) == (7, 3998, 1)
    assert governors.area_measure(sample, "monitoring") == (
        "Replies late or never sent: 7 of 3,998 replies due (0.2%); 1 more to confirm"
    )
    assert 100 - replies["pct_in_time"] == pytest.approx(100 * missed / known, abs=0.05)


def test_every_area_has_a_measure_in_plain_words(sample):
    for area in AREAS:
        measure = governors.area_measure(sample, area)
        assert measure and "_" not in measure and "=" not in measure, (area, measure)


def test_the_overall_statement_names_the_red_areas_and_the_most_serious_problem(sample):
    red = sum(sample.summary["areas"][a]["rag"] == "Red" for a in AREAS)
    assert red == 4  # Content and conduct is Amber: the DPO set its two critical findings aside (dpo_review.xlsx)
    assert governors.overall_statement(sample) == (
        "The school does not yet keep its Social Media Policy well enough: 4 of the 7 areas need urgent "
        "action, most of all photos of students without consent."
    )


def test_decisions_ask_for_the_policy_and_the_action_plan(sample):
    rows = governors.actions(sample)
    critical = [r for r in rows if r["severity"] == "critical"]
    assert governors.decisions(sample) == [
        "Review the Social Media Policy and approve it again, with a date for its next review.",
        "Ask the chair of governors and the proprietor to sign the policy.",
        # The sample's DPO accepts one risk (a student's name published at the family's request).
        "Note the 1 risk the school has accepted on the Data Protection Officer's advice (each is given under "
        "its area, with the reason and when it will be looked at again).",
        f"Approve the action plan: {len(rows)} actions, the {len(critical)} most urgent due by 28 October 2026.",
    ]


def test_questions_come_from_the_most_serious_open_problems_one_per_area(sample):
    asked = governors.questions(sample)
    assert 3 <= len(asked) <= 5
    assert asked[0] == "How will we make sure consent is checked before a photo is posted?"
    by_question = {r.question: r for r in REGISTRY.values()}
    areas = [by_question[q].area for q in asked]
    assert len(set(areas)) == len(areas), "one question per area"
    assert not {by_question[q].id for q in asked} & set(governors.POLICY_RULES), "the policy is a decision"
    open_rules = {p.rule for p in governors.problems(sample) if p.open}
    assert {by_question[q].id for q in asked} <= open_rules


def test_a_school_with_a_signed_policy_in_date_is_not_asked_to_reapprove_it():
    review = review_of(Policy=[SIGNED_POLICY])
    assert not any("policy" in d.lower() and "approve it again" in d for d in governors.decisions(review))
    assert not any("sign the policy" in d for d in governors.decisions(review))
    assert not any(d.startswith("Note the") for d in governors.decisions(review))  # no DPO review, no risk to note
    unsigned = review_of(Policy=[{**SIGNED_POLICY, "Signed by proprietor on": None}])
    assert "Ask the chair of governors and the proprietor to sign the policy." in governors.decisions(unsigned)


def test_a_school_with_nothing_serious_found_reads_well():
    review = review_of(Policy=[SIGNED_POLICY])  # empty books: only the advisory empty-log finding (DQ-06)
    assert governors.overall_statement(review) == (
        "The school keeps its Social Media Policy well: no area has a serious problem."
    )
    assert governors.area_measure(review, "governance") == "Nothing found in its 15 checks"
    assert governors.area_measure(review, "data") == "Logs with nothing recorded this year: 3 of 3 logs"
    assert governors.decisions(review) == ["Approve the action plan: 1 action, due by 14 October 2027."]
    assert governors.questions(review) == ["Were there really no events, or were they not written down?"]


def test_an_area_that_could_not_be_fully_checked_says_so_without_naming_files():
    review = review_of(omit=("posts_log.xlsx",), Policy=[SIGNED_POLICY])
    assert review.summary["areas"]["images"]["rag"] == "Grey"
    assert governors.area_measure(review, "images") == (
        "None of its 7 checks could be made, because records were missing"
    )
    assert governors.area_measure(review, "people") == "2 of its 4 checks could not be made; the other 2 found nothing"
    assert governors.overall_statement(review) == (
        "The school mostly keeps its Social Media Policy: no area needs urgent action, but 1 of the 7 areas needs "
        "attention, most of all parts of the school's records missing; 3 could not be fully checked."
    )
    assert not any(".xlsx" in governors.area_measure(review, area) for area in AREAS)


def test_due_dates_count_from_the_meeting_and_are_never_before_it(sample):
    for severity in DUE_AFTER:
        assert due_date(severity, MEETING).date() > MEETING
    rows = governors.actions(sample)
    assert rows and all(r["due"].date() >= MEETING for r in rows)
    assert min(r["due"].date() for r in rows) == d(2026, 10, 28), "critical: two weeks from the meeting"
    # Counted from the data's "as of" (31 August) the critical ones would be overdue before the meeting.
    assert due_date("critical", SAMPLE_AS_OF).date() < MEETING


def test_the_meeting_date_defaults_to_today_and_refuses_what_is_not_a_date():
    assert meeting_day("") == dt.date.today() and meeting_day(None, today=d(2026, 9, 1)) == d(2026, 9, 1)
    assert meeting_day("2026-10-14") == MEETING and meeting_day(MEETING) == MEETING
    assert meeting_day("14/10/2026") == MEETING  # the UK way
    with pytest.raises(ValueError, match="--meeting-date must be a day like 31/08/2026 or 2026-08-31, got 'soon'"):
        meeting_day("soon")
