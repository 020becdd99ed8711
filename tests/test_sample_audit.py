"""The whole bundled sample school through the real audit: every rule fires, counts match what was planted."""

from lks_audit.rules import load_all_rules
from lks_audit.sample.planted import planted_counts

from school import EARLIER_YEAR, NOT_PLANTED, SAMPLE_YEAR


def test_every_rule_fires_and_is_assessed(sample_audit):
    fired = {f.rule for f in sample_audit.findings}
    assert set(load_all_rules()) - fired == set(NOT_PLANTED)
    assert sample_audit.not_assessed == []


def test_counts_per_rule_match_what_the_generator_planted(sample_audit):
    planted = planted_counts(year=SAMPLE_YEAR)
    found = {rule: info["findings"] for rule, info in sample_audit.summary["rules"].items() if info["findings"]}
    assert found == planted


def test_findings_name_file_sheet_and_row(sample_audit):
    for f in sample_audit.findings:
        if f.rule == "DQ-01":
            continue
        if f.sheet is None:  # a post or message only the platform shows: its archive, and the post in its ID
            assert f.source == "platform" and f.file.startswith("platform_exports/") and f.rule in ("EVD-01", "EVD-04")
            continue
        assert f.file and f.sheet, f
        if f.rule not in ("TRN-01", "POL-01", "POL-02"):
            assert f.row and f.row >= 2, f


def test_the_earlier_year_audits_to_what_it_planted(earlier_sample_audit):
    planted = planted_counts(year=EARLIER_YEAR)
    found = {rule: info["findings"] for rule, info in earlier_sample_audit.summary["rules"].items() if info["findings"]}
    assert found == planted
    assert earlier_sample_audit.not_assessed == [] and earlier_sample_audit.notices == []


def test_the_sample_review_sets_aside_findings_and_names_what_it_cannot_apply(sample_audit):
    areas = sample_audit.summary["areas"]
    assert (areas["content"]["rag"], areas["content"]["accepted_risk"], areas["content"]["not_a_breach"]) == (
        "Amber",
        1,
        1,
    )
    (lapsed,) = [f for f in sample_audit.findings if f.lapsed_decision]
    assert lapsed.id == "ACC-05:ACC-003" and lapsed.is_open
    (notice,) = sample_audit.notices
    assert "ACC-09:ACC-05" in notice.message


def test_a_larger_school_of_another_seed_audits_to_the_table(tmp_path):
    """The planted table is the oracle at any scale and seed: each block plants its rows, the school its once-rows."""
    from collections import Counter

    from lks_audit.audit import audit_folder
    from lks_audit.sample import write_sample

    write_sample(tmp_path, seed=11, scale=2)
    _, result = audit_folder(tmp_path, SAMPLE_YEAR, "2026-08-31")
    assert Counter(f.rule for f in result.findings) == planted_counts(scale=2, year=SAMPLE_YEAR)
