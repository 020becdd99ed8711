"""The whole bundled sample school through the real audit: every rule fires, counts match what was planted."""
import json
from pathlib import Path

import pytest

from lks_audit.audit import audit_folder
from lks_audit.rules import load_all_rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample-school"


@pytest.fixture(scope="module")
def sample_result():
    return audit_folder(SAMPLE, "2025-26", "2026-08-31")[1]


def test_every_rule_fires_and_is_assessed(sample_result):
    fired = {f.rule for f in sample_result.findings}
    assert set(load_all_rules()) - fired == set()
    assert sample_result.not_assessed == []


def test_counts_per_rule_match_what_the_generator_planted(sample_result):
    planted = json.loads((ROOT / "examples" / "sample-school.planted.json").read_text())
    found = sample_result.summary["by_rule"]
    assert found == planted


def test_findings_name_file_sheet_and_row(sample_result):
    for f in sample_result.findings:
        if f.rule == "DQ-01":
            continue
        assert f.file and f.sheet, f
        if f.rule not in ("TRN-01", "POL-01", "POL-02"):
            assert f.row and f.row >= 2, f
