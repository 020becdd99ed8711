"""The synthetic sample school: reproducible, scalable, and planting every rule.

Regenerate the bundled examples after changing the generator::

    python -c "import json; from pathlib import Path; from lks_audit.sample import write_sample; \
p = write_sample(Path('examples/sample-school')); \
Path('examples/sample-school.planted.json').write_text(json.dumps(p, indent=2) + '\\n'); \
p = write_sample(Path('examples/sample-school-2024-25'), year='2024-25'); \
Path('examples/sample-school-2024-25.planted.json').write_text(json.dumps(p, indent=2) + '\\n')"
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
import python_calamine

from lks_audit import sample
from lks_audit.rules import load_all_rules
from lks_audit.sample import write_sample
from lks_audit.sample.planted import PLANTED
from lks_audit.schema import WORKBOOKS

from school import EARLIER_PLANTED, EARLIER_SAMPLE, NOT_PLANTED, RULE_IDS, SAMPLE_PLANTED, SAMPLE_SCHOOL


def cell_values(folder: Path) -> dict[tuple[str, str], list[list]]:
    """Every sheet of every workbook in ``folder`` as python-calamine reads it."""
    out = {}
    for wb in WORKBOOKS:
        if not (folder / wb.file).exists():
            continue
        book = python_calamine.CalamineWorkbook.from_path(str(folder / wb.file))
        try:
            for name in book.sheet_names:
                out[(wb.file, name)] = book.get_sheet_by_name(name).to_python()
        finally:
            book.close()
    return out


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    folder = tmp_path_factory.mktemp("school")
    return folder, write_sample(folder, seed=2026, scale=1)


def test_writes_the_eight_workbooks_with_contract_headers(school):
    folder, _ = school
    values = cell_values(folder)
    for wb in WORKBOOKS:
        for sheet in wb.sheets:
            if sheet.optional:  # the school's holidays: the sample keeps the usual ones
                assert (wb.file, sheet.name) not in values
                continue
            header = values[(wb.file, sheet.name)][0]
            expected = [h for h in sheet.headers if (sheet.name, h) != sample.DROPPED]
            assert header == expected, (wb.file, sheet.name)


def test_same_seed_gives_the_same_files(school, tmp_path):
    folder, planted = school
    again = write_sample(tmp_path, seed=2026, scale=1)
    assert again == planted
    for wb in WORKBOOKS:
        assert (tmp_path / wb.file).read_bytes() == (folder / wb.file).read_bytes(), wb.file
    assert cell_values(tmp_path) == cell_values(folder)


def test_another_seed_gives_other_data(school, tmp_path):
    folder, planted = school
    other = write_sample(tmp_path, seed=7, scale=1)
    assert other == planted  # the same breaches, planted into other records
    a, b = cell_values(folder), cell_values(tmp_path)
    assert a[("posts_log.xlsx", "Posts")] != b[("posts_log.xlsx", "Posts")]
    assert a[("image_consent.xlsx", "Consent")] != b[("image_consent.xlsx", "Consent")]


def test_scale_2_doubles_the_volumes(school, tmp_path):
    folder, planted = school
    doubled = write_sample(tmp_path, seed=2026, scale=2)
    one, two = cell_values(folder), cell_values(tmp_path)
    for key in [
        ("posts_log.xlsx", "Posts"),
        ("interactions_log.xlsx", "Interactions"),
        ("image_consent.xlsx", "Consent"),
        ("staff_training.xlsx", "Staff"),
        ("incidents_log.xlsx", "Incidents"),
        ("accounts_register.xlsx", "Accounts"),
    ]:
        ratio = (len(two[key]) - 1) / (len(one[key]) - 1)
        assert 1.9 <= ratio <= 2.1, (key, ratio)
    once = {"POL-01", "POL-02", "DQ-01"}
    assert doubled == {r: n if r in once else 2 * n for r, n in planted.items()}


def test_volumes_at_scale_1(school):
    values = cell_values(school[0])
    students = {row[0] for row in values[("image_consent.xlsx", "Consent")][1:]}
    assert len(students) == 600
    assert len(values[("staff_training.xlsx", "Staff")]) - 1 == 80
    assert len(values[("posts_log.xlsx", "Posts")]) - 1 == 1500 + len(sample.EDGE_POSTS)
    assert len(values[("interactions_log.xlsx", "Interactions")]) - 1 == 4000
    assert len(values[("incidents_log.xlsx", "Incidents")]) - 1 == 40
    assert len(values[("school_settings.xlsx", "Policy")]) - 1 == 1


def test_every_rule_is_planted(school):
    _, planted = school
    assert sorted(planted) == sorted(set(RULE_IDS) - set(NOT_PLANTED))
    assert all(n >= 1 for n in planted.values())


def test_rule_list_matches_the_registry():
    assert sorted(load_all_rules()) == sorted(RULE_IDS)


def test_committed_example_is_fresh(school):
    folder, planted = school
    assert json.loads(SAMPLE_PLANTED.read_text(encoding="utf-8")) == planted
    assert cell_values(SAMPLE_SCHOOL) == cell_values(folder)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


def test_caption_vocabulary_never_contains_a_first_name():
    """Baseline captions must not trigger PST-03/PST-04: no first name may appear in them."""
    firsts = _words(" ".join(sample.FIRST_NAMES))
    vocabulary = (
        sample.IMAGE_CAPTIONS
        + sample.PLAIN_CAPTIONS
        + sample.YEAR_GROUPS
        + sample.SPORTS
        + sample.SUBJECTS
        + sample.PLACES
    )
    assert not _words(" ".join(vocabulary)) & firsts


def test_amelia_hart_is_on_the_register_and_hartley_only_in_a_caption(school):
    values = cell_values(school[0])
    names = {row[1] for row in values[("image_consent.xlsx", "Consent")][1:]}
    assert "Amelia Hart" in names and not any(n.startswith("Amelia Hartley") for n in names)
    assert any("Amelia Hartley" in str(row[4]) for row in values[("posts_log.xlsx", "Posts")][1:])


def test_student_names_are_unique(school):
    values = cell_values(school[0])
    pairs = {(row[0], row[1]) for row in values[("image_consent.xlsx", "Consent")][1:]}
    names = [name for _, name in pairs]
    assert len(names) == len(set(names))


@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    folder = tmp_path_factory.mktemp("earlier")
    return folder, write_sample(folder, seed=2026, scale=1, year="2024-25")


def test_committed_earlier_year_is_fresh(earlier):
    folder, planted = earlier
    assert json.loads(EARLIER_PLANTED.read_text(encoding="utf-8")) == planted
    assert cell_values(EARLIER_SAMPLE) == cell_values(folder)


def test_the_earlier_year_is_the_same_school_52_weeks_before(school, earlier):
    now, before = cell_values(school[0]), cell_values(earlier[0])
    assert ("dpo_review.xlsx", "Decisions") in now and ("dpo_review.xlsx", "Decisions") not in before
    for key in (("image_consent.xlsx", "Consent"), ("staff_training.xlsx", "Staff")):
        assert [row[:2] for row in now[key]] == [row[:2] for row in before[key]], key  # IDs and names
    header = now[("accounts_register.xlsx", "Accounts")][0]
    created = header.index("Created on")
    for this_year, last_year in zip(
        now[("accounts_register.xlsx", "Accounts")][1:], before[("accounts_register.xlsx", "Accounts")][1:]
    ):
        assert this_year[0] == last_year[0]
        assert (this_year[created] - last_year[created]).days == 364  # same weekday a year before
    policy = before[("school_settings.xlsx", "Policy")]
    assert policy[1][0] == "2024.1"


def test_the_earlier_year_plants_its_own_counts(school, earlier):
    this_year, last_year = school[1], earlier[1]
    # New in 2025-26, and the platforms' archives (2024-25 has none, so nothing is checked against them).
    evidence = {"EVD-01", "EVD-02", "EVD-03", "EVD-04", "EVD-05"}
    assert set(this_year) - set(last_year) == {"IMG-05", "IMG-07", "PST-06", "INC-06"} | evidence
    assert {r: (last_year[r], this_year[r]) for r in last_year if last_year[r] != this_year[r]} == {
        "IMG-01": (10, 7),
        "IMG-06": (5, 3),
        "INT-02": (7, 4),
        "INT-01": (4, 5),  # a reply late on the platform's own record
        "PST-04": (2, 3),  # a first name in a caption as published
    }


def test_only_the_two_sample_years_exist(tmp_path):
    with pytest.raises(ValueError, match="2024-25 and 2025-26, not 2023-24"):
        write_sample(tmp_path, year="2023-24")
    assert list(tmp_path.iterdir()) == []


def test_every_planted_row_lands_on_a_contract_sheet_or_the_archives():
    sheets = {sheet.name for wb in WORKBOOKS for sheet in wb.sheets}
    assert {row.lands_on for row in PLANTED} <= sheets | {"Archives"}
    assert all(row.count >= 1 and row.years for row in PLANTED)
