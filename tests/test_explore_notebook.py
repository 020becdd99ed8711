"""The DPO's notebook (notebooks/explore.ipynb) run by papermill in a real kernel on the sample (with last year and
the history, as the command passes them) and on a school made by ``lks-audit sample --seed 7``: an interactive
table that works offline, a drill-down naming the right Excel rows, and the notebook kept owner-only."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import openpyxl
import papermill
import pytest

from lks_audit.render.report import NOTEBOOKS

from school import EARLIER_YEAR, SAMPLE_SCHOOL, SAMPLE_YEAR

LKS_AUDIT = Path(sys.executable).parent / "lks-audit"
EXPLORE = NOTEBOOKS / "explore.ipynb"
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


def _run(source: Path, out: Path, **parameters) -> nbformat.NotebookNode:
    return papermill.execute_notebook(
        str(source), str(out), cwd=str(NOTEBOOKS), progress_bar=False, parameters=parameters
    )


@pytest.fixture(scope="module")
def on_the_sample(sample_two_years, tmp_path_factory) -> nbformat.NotebookNode:
    """Run as the command fills it in: the year and day as typed, last year's folder and the reports folder."""
    assert sample_two_years["proc"].returncode == 0, sample_two_years["proc"].stderr[-3000:]
    out = tmp_path_factory.mktemp("explore-sample") / "explore.ipynb"
    reports = sample_two_years["out"]
    return _run(
        EXPLORE, out, data_dir=str(SAMPLE_SCHOOL), year="2025/26", as_of="31/08/2026",
        previous=str(reports / EARLIER_YEAR), history=str(reports),
    )  # fmt: skip


@pytest.fixture(scope="module")
def on_seed_7(tmp_path_factory) -> tuple[nbformat.NotebookNode, Path]:
    """A second school, the notebook run as JupyterLab runs it: the kernel told which file it serves."""
    base = tmp_path_factory.mktemp("explore-seed-7")
    made = subprocess.run([str(LKS_AUDIT), "sample", str(base / "school"), "--seed", "7"], capture_output=True)
    assert made.returncode == 0, made.stderr
    opened = base / "explore.ipynb"
    shutil.copy(EXPLORE, opened)
    opened.chmod(0o644)
    with pytest.MonkeyPatch.context() as patch:
        # jupyter_server starts a notebook's kernel with JPY_SESSION_NAME set to the notebook's path.
        patch.setenv("JPY_SESSION_NAME", str(opened))
        executed = _run(opened, base / "run.ipynb", data_dir=str(base / "school"), year=SAMPLE_YEAR, as_of="2026-08-31")
    return executed, opened


def _html(cell) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)


def _text(cell) -> str:
    return "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.outputs)


def _cell(nb, starts: str):
    return next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith(starts))


def _links(school: Path) -> set[str]:
    """The posts log's Link cells (the posts' own addresses, issue 22): data a table shows, never fetched."""
    ws = openpyxl.load_workbook(school / "posts_log.xlsx", read_only=True)["Posts"]
    rows = ws.iter_rows(values_only=True)
    at = next(rows).index("Link")
    return {row[at] for row in rows if len(row) > at and isinstance(row[at], str)}


def _check_tables_offline(nb, school: Path) -> None:
    outputs = "".join(_html(c) for c in nb.cells if c.cell_type == "code")
    scripts = SCRIPT.findall(outputs)
    assert scripts, "the interactive tables are scripts"
    links = _links(school)
    for attrs, body in scripts:
        assert "http" not in attrs, attrs  # no src="https://..." (a CDN)
        assert not re.search(r"""(import|from)\s*\(?\s*["'`]https?:""", body), "a module fetched from the web"
        urls = set(re.findall(r"""https?://[^\s"'<>\\]+""", body))
        assert urls <= links, f"no URL in any script of the outputs but a post's Link: {sorted(urls - links)[:3]}"
    assert outputs.count("new ITable(") >= 3  # findings, undecided, since last year or the pictured posts


def test_no_cell_fails_and_every_finding_is_in_the_table(on_the_sample, sample_audit):
    assert not [o for c in on_the_sample.cells for o in c.get("outputs", []) if o.output_type == "error"]
    table = _html(_cell(on_the_sample, "interactive.table(audit.findings"))
    assert "new ITable(" in table and '"searchPanes"' in table
    assert all(f.id in table for f in sample_audit.findings)
    _check_tables_offline(on_the_sample, SAMPLE_SCHOOL)


def test_the_drill_down_names_the_excel_rows_of_the_finding(on_the_sample, sample_audit):
    shown = _text(_cell(on_the_sample, "# A finding's ID"))
    finding = next(f for f in sample_audit.findings if f.severity == "critical" and f.is_open and f.student)
    assert finding.id in shown and "posts_log.xlsx" in shown
    row = re.search(r"^row\s+(\d+)", shown, re.M)
    assert row and int(row.group(1)) == finding.row
    ws = openpyxl.load_workbook(SAMPLE_SCHOOL / "posts_log.xlsx", read_only=True)["Posts"]
    post_id = next(ws.iter_rows(min_row=finding.row, max_row=finding.row, values_only=True))[0]
    assert post_id == finding.record and re.search(rf"^Post ID\s+{post_id}$", shown, re.M)
    # Row 1,118 of the posts log is Excel's row 1,118.
    typed = next(ws.iter_rows(min_row=1118, max_row=1118, values_only=True))[0]
    assert re.search(rf"^Post ID\s+{typed}$", _text(_cell(on_the_sample, 'audit.sheet("Posts")')), re.M)


def test_last_year_compared_and_the_trend(on_the_sample):
    gone = _text(_cell(on_the_sample, "# Which of last year's findings are gone?"))
    assert "IMG-01:P-01510:ST0289" in gone  # a post of last year's log, not in this year's
    trend = _text(_cell(on_the_sample, "audit.trend(history)"))
    assert EARLIER_YEAR in trend and SAMPLE_YEAR in trend


def test_on_a_second_school_with_the_notebook_kept_owner_only(on_seed_7):
    executed, opened = on_seed_7
    assert not [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    _check_tables_offline(executed, opened.parent / "school")
    assert stat.S_IMODE(opened.stat().st_mode) == 0o600


def test_the_table_filters_in_a_browser_with_no_network(on_the_sample, sample_audit, tmp_path):
    """The executed notebook as HTML (nbconvert) in headless Chromium: the findings table is built, its filter
    panes are there, and the page asks nothing of the network."""
    from nbconvert import HTMLExporter

    from test_report_browser import CHROMIUM, CHROMIUM_ARGS, _missing

    reason = _missing()
    if reason:
        if os.environ.get("CI_STRICT_BROWSER") == "1":
            pytest.fail(f"CI_STRICT_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    exporter = HTMLExporter()
    page_file = tmp_path / "explore.html"
    page_file.write_text(exporter.from_notebook_node(on_the_sample)[0], encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        asked = []
        page.on("request", lambda r: asked.append(r.url))
        page.route("http*://**", lambda route: route.abort())  # offline: nothing from the network arrives
        page.goto(page_file.as_uri(), wait_until="load")
        page.wait_for_selector("table.dataTable tbody tr", timeout=30_000)
        panes = page.locator(".dtsp-searchPane").count()
        rows = page.locator("div.dt-info").first.inner_text()
        browser.close()
    # Only nbconvert's own page template asks for anything (require.js, MathJax); the outputs ask for nothing.
    template = (exporter.require_js_url, exporter.mathjax_url.split("?")[0])
    assert [u for u in asked if not u.startswith(("file:", "data:", "blob:", *template))] == []
    # Area, severity and state; every finding, shown a page at a time.
    assert panes >= 3 and f"of {len(sample_audit.findings)} entries" in rows
