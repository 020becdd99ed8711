"""One truth for every number governors read (governors-page.md, "Figures"): on the bundled sample, on a school
made by ``lks-audit sample --seed 7`` (both for a meeting on 14 October 2026) and on the sample's second year
rendered as ``make report`` renders it (with last year and the trend), every ``<data data-figure>`` of the
governors' page is re-derived from the set's findings.json and action-plan.xlsx by tests/derive_figures.py,
which imports nothing of the code that wrote the page, and found equal; a key never shows two values; and no
digit of the visible text stands outside a figure, a date, a record ID, a year's name or the DPO's own words."""

from __future__ import annotations

import re

import pytest

from derive_figures import as_value, expected, read_page, reads_as
from test_governors_page import SCHOOLS, school  # noqa: F401  (the rendered schools, shared with that module)


def test_the_page_reader_catches_a_loose_number_and_a_figure_that_disagrees(tmp_path):
    """The reader the tests rely on can fail: a digit outside a figure, a key with two values."""
    page = tmp_path / "page.html"
    page.write_text(
        '<p>In 2025-26, <data value="87" data-figure="findings.open">87</data> findings on '
        '<time datetime="2026-12-04">4 December 2026</time>; records P-00473 and INC-013; '
        '<span class="lks-typed">SLT minutes 20/01/2026</span>.</p>'
        '<p><data value="86" data-figure="findings.open">86</data> again, and 12 loose.</p>'
    )
    read = read_page(page)
    assert read.loose == ["again, and 12 loose."]
    assert sorted({v for v, _ in read.figures["findings.open"]}) == ["86", "87"]
    assert read.times == [("2026-12-04", "4 December 2026")]
    assert reads_as("4398", "4,398") and reads_as("0.6", "0.6%") and not reads_as("87", "86")


def _check(folder, earlier=(), last_year=None):
    page = read_page(folder / "annual-review.html")
    derived = expected(folder, list(earlier), last_year)
    assert len(page.figures) > 100, "the page marks its figures"
    two = {k: sorted({v for v, _ in shown}) for k, shown in page.figures.items() if len({v for v, _ in shown}) > 1}
    assert two == {}, "a figure key shows two values"
    unknown = sorted(set(page.figures) - set(derived))
    assert unknown == [], "figures the spec's files cannot re-derive"
    wrong = {
        k: (shown[0][0], as_value(derived[k]))
        for k, shown in page.figures.items()
        if shown[0][0] != as_value(derived[k])
    }
    assert wrong == {}, "figures that disagree with findings.json and action-plan.xlsx: (page, derived)"
    misread = [(k, v, t) for k, shown in page.figures.items() for v, t in shown if not reads_as(v, t)]
    assert misread == [], "a figure whose text does not say its value"
    assert page.loose == [], "numbers in the visible text that are not figures"
    assert page.times and all(reads_as(value, text) for value, text in page.times if re.match(r"\d", text))
    return page, derived


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("school", SCHOOLS, indirect=True)
def test_every_figure_is_re_derived_from_findings_json_and_the_plan(school):  # noqa: F811
    page, derived = _check(school["dir"])
    # The figures the issue found disagreeing, now one each, in the units people picture.
    for key in ("findings.open", "plan.actions", "plan.due_first"):
        assert key in page.figures, key
    if "rule.IMG-01.people" in derived and derived["rule.IMG-01.open"]:
        assert "rule.IMG-01.people" in page.figures and "rule.IMG-01.checked" not in page.figures


@pytest.mark.slow
@pytest.mark.browser
def test_the_samples_second_year_with_its_trend_and_last_years_plan(sample_two_years):
    folder = sample_two_years["dir"]
    assert sample_two_years["proc"].returncode == 0, sample_two_years["proc"].stderr[-3000:]
    last = sample_two_years["out"] / "2024-25"
    page, derived = _check(folder, [last / "findings.json"], last)
    for key in ("last_year.actions", "last_year.done", "last_year.resolved", "history.2024-25.open"):
        assert key in page.figures, key
    # The totals across years count the same thing and add up to the table beside them.
    for year in ("2024-25", "2025-26"):
        by_severity = sum(derived[f"history.{year}.{s}"] for s in ("critical", "high", "medium", "advisory"))
        assert derived[f"history.{year}.open"] == by_severity
    assert derived["history.2025-26.open"] == derived["findings.open"]
