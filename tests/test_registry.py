"""The rule registry refuses a faulty declaration at import, naming what is wrong,
and holds rules.md's 50 rules and platform-exports.md's 5."""

import re

import pytest

import lks_audit.rules.registry as registry
from lks_audit.rules import REGISTRY, load_all_rules, register_rule
from lks_audit.schema import SHEETS

from school import RULE_IDS

#: A declaration the registry accepts, under an ID no rule has; each faulty case spoils one part of it.
VALID = dict(
    id="DQ-99",
    area="data",
    severity="medium",
    clause="A clause of the policy",
    meaning="What it checks",
    needs={"Posts": ("Post ID", "Posted at")},
    counts=("post", "posts"),
    title="Posts checked twice",
    why="A post checked twice wastes time.",
    good="Each post is checked once.",
    question="Who checks the posts?",
)

#: rules.md's areas of each rule family.
AREA_OF_FAMILY = {
    "ACC": "governance",
    "APP": "governance",
    "POL": "governance",
    "TRN": "people",
    "IMG": "images",
    "PST": "content",
    "INT": "monitoring",
    "INC": "incidents",
    "DQ": "data",
}


def check_nothing(rule, data, ctx):
    return []


@pytest.fixture
def registry_copy(monkeypatch):
    """register_rule writes into a copy of the loaded registry, so the real one is never touched."""
    copy = dict(load_all_rules())
    monkeypatch.setattr(registry, "REGISTRY", copy)
    return copy


def test_a_valid_declaration_is_registered(registry_copy):
    assert register_rule(**VALID, also=("high",))(check_nothing) is check_nothing
    rule = registry_copy["DQ-99"]
    assert (rule.area, rule.severities, rule.needs, rule.check) == (
        "data",
        ("medium", "high"),
        {"Posts": ("Post ID", "Posted at")},
        check_nothing,
    )
    assert "DQ-99" not in REGISTRY


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"area": "finance"}, "unknown area 'finance'"),
        ({"severity": "urgent"}, "unknown severity 'urgent'"),
        ({"also": ("low",)}, "unknown severity 'low'"),
        ({"needs": {"Tweets": ("Post ID",)}}, "needs a sheet 'Tweets' that the data contract does not have"),
        ({"needs": {"Posts": ("Post ID", "Likes")}}, "needs a column 'Likes' that sheet Posts does not have"),
        ({"id": "DQ-1"}, "the ID is not of the form XXX-00"),
        ({"id": "dq-99"}, "the ID is not of the form XXX-00"),
        ({"id": "XYZ-01"}, "the ID is not of the form XXX-00 with XXX one of ACC, APP"),
        ({"id": "ACC-01"}, "registered twice"),
        ({"clause": ""}, "has no policy clause or meaning"),
        ({"title": " "}, "has no title in plain words"),
        ({"question": ""}, "has no question in plain words"),
        ({"title": "Posts checked twice."}, "its title is a name, not a sentence"),
        ({"why": "It wastes time"}, "its why must end with '.'"),
        ({"good": "Each post is checked once. Not twice."}, "its good must be one sentence"),
        ({"question": "Who checks the posts."}, "its question must end with '?'"),
        ({"why": "Late after respond_within_hours."}, "its why uses the data's words (respond_within_hours)"),
        ({"good": "Swimwear = No on every post."}, "its good uses the data's words (= No)"),
        ({"title": "Posts missing from posts_log.xlsx"}, "its title uses the data's words (posts_log, posts_log.xlsx)"),
        ({"question": "Is Images of students filled in?"}, "its question uses the data's words (Images of students)"),
        ({"plain_counts": ("post", "")}, "plain_counts must name what it examines"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_faulty_declaration_is_refused_naming_the_problem(registry_copy, change, problem):
    declaration = {**VALID, **change}
    before = dict(registry_copy)
    with pytest.raises(
        ValueError, match=re.escape(f"rule {declaration['id']} (check_nothing): ") + ".*" + re.escape(problem)
    ):
        register_rule(**declaration)(check_nothing)
    assert registry_copy == before  # nothing added, and ACC-01 is not replaced


def test_every_problem_of_a_declaration_is_named_at_once(registry_copy):
    with pytest.raises(ValueError) as refused:
        register_rule(**{**VALID, "area": "finance", "needs": {"Posts": ("Likes",)}})(check_nothing)
    assert "unknown area 'finance'; needs a column 'Likes' that sheet Posts does not have" in str(refused.value)


def test_every_rule_speaks_to_governors_in_its_own_words():
    rules = load_all_rules().values()
    for field in ("title", "why", "good", "question"):
        texts = [getattr(rule, field) for rule in rules]
        assert len(set(texts)) >= 45, f"{field}: rules share their words (copied rather than written?)"
    assert len({rule.title for rule in rules}) == len(RULE_IDS) == 55, (
        "two rules with one title would read as one problem"
    )
    # A governor's base never carries the checks' shorthand ("(post, pictured student) pair").
    assert not [rule.id for rule in rules if "(" in " ".join(rule.plain_base)]


#: platform-exports.md: EVD rules sit in the area of what they check (posts: content; messages: monitoring), in
#: one module of their own.
EVD_AREAS = {"EVD-01": "content", "EVD-02": "content", "EVD-03": "content", "EVD-04": "monitoring",
             "EVD-05": "monitoring"}  # fmt: skip


def test_the_55_rules_are_registered_each_by_its_own_areas_module():
    rules = load_all_rules()
    assert len(rules) == 55 and sorted(rules) == sorted(RULE_IDS)
    for rule in rules.values():
        if rule.id in EVD_AREAS:
            assert (rule.area, rule.check.__module__) == (EVD_AREAS[rule.id], "lks_audit.rules.evidence"), rule.id
            assert rule.applies is not None, "without archives an EVD rule has nothing to check"
            continue
        area = AREA_OF_FAMILY[rule.id.split("-")[0]]
        module = "data_quality" if area == "data" else area
        assert (rule.area, rule.check.__module__) == (area, f"lks_audit.rules.{module}"), rule.id


def test_every_rule_needs_only_sheets_and_columns_of_the_data_contract():
    for rule in load_all_rules().values():
        for sheet, columns in rule.needs.items():
            assert sheet in SHEETS and set(columns) <= set(SHEETS[sheet].headers), (rule.id, sheet, columns)
