"""The governors' page as governors meet it, measured as issue 11 measures it: printed by headless
Chromium (``--print-to-pdf``, pages read back with pypdf), read for plain English (``readability.py``,
a copy of the shared tool), and opened on a phone 390 pixels wide (Playwright).

Two schools, each rendered once by a real ``lks-audit report`` for a meeting on 14 October 2026: the
bundled sample as ``make report`` audits it, and a second school written by ``lks-audit sample --seed 7``
into a temporary folder. Every measure must hold on both.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from lks_audit.guard import personal_data_in
from lks_audit.load import load_workbooks
from lks_audit.outputs.artifacts import personal_strings
from lks_audit.params import Parameters
from lks_audit.rules import load_all_rules

from readability import measure
from test_report import SAMPLE, YEAR, run_cli
from test_report_browser import CHROMIUM, CHROMIUM_ARGS, _missing, browser  # noqa: F401  (Playwright's chromium)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

AS_OF = "2026-08-31"  # as `make report` audits the sample
MEETING = dt.date(2026, 10, 14)
MEETING_TEXT = "14 October 2026"
TITLE = f"Social Media Policy annual review {YEAR}"
AREA_TITLES = (
    "Governance and accounts",
    "People and training",
    "Images and consent",
    "Content and conduct",
    "Monitoring and response",
    "Incidents",
    "Data quality",
)
SCHOOLS = ["sample", "seed-7"]

_RENDERED: dict[str, dict] = {}


def _need_chromium() -> None:
    reason = _missing()
    if reason:
        if os.environ.get("CI_STRICT_BROWSER") == "1":
            pytest.fail(f"CI_STRICT_BROWSER=1 but {reason}")
        pytest.skip(reason)


def print_to_pdf(page: Path, pdf: Path, *extra: str) -> list[str]:
    """``page`` printed to A4 by headless Chromium as a person's browser would (no header or footer of
    its own: what shows in the margins is the page's); returns each printed page's text. ``extra``: more of
    Chromium's switches."""
    from pypdf import PdfReader

    _need_chromium()
    profile = pdf.with_suffix(".profile")
    proc = subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_ARGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            *extra,
            f"--print-to-pdf={pdf}",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert pdf.exists() and pdf.stat().st_size > 0, proc.stderr[-2000:]
    return [p.extract_text() or "" for p in PdfReader(pdf).pages]


def render_school(name: str, tmp_path_factory) -> dict:
    """One school's set rendered for the meeting, once per session (other modules' tests reuse it)."""
    if name not in _RENDERED:
        base = tmp_path_factory.mktemp(f"governors-{name}")
        folder = SAMPLE
        if name == "seed-7":
            folder = base / "school"
            made = run_cli("sample", folder, "--seed", "7", timeout=300)
            assert made.returncode == 0, made.stderr
        proc = run_cli(
            "report", folder, "--year", YEAR, "--as-of", AS_OF, "--meeting-date", MEETING, "--out", base / "out"
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        out = base / "out" / YEAR
        _RENDERED[name] = {"folder": folder, "dir": out, "pdf_dir": base}
    return _RENDERED[name]


@pytest.fixture(scope="module", params=SCHOOLS)
def school(request, tmp_path_factory) -> dict:
    """One school's set, rendered for the meeting, with its pages printed."""
    rendered = render_school(request.param, tmp_path_factory)
    if "pages" not in rendered:
        rendered["pages"] = print_to_pdf(rendered["dir"] / "annual-review.html", rendered["pdf_dir"] / "review.pdf")
    return rendered


def detail_pages(school: dict) -> list[str]:
    """The school's dpo-detail.html printed once (to ``detail.pdf`` beside it, with the bookmarks Chromium makes from
    the headings when asked to, ``--generate-pdf-document-outline``): each page's text."""
    if "detail_pages" not in school:
        pdf = school["pdf_dir"] / "detail.pdf"
        school["detail_pages"] = print_to_pdf(school["dir"] / "dpo-detail.html", pdf, "--generate-pdf-document-outline")
    return school["detail_pages"]


def _html(school: dict, name: str = "annual-review.html") -> str:
    return (school["dir"] / name).read_text(encoding="utf-8")


# --- the measures ------------------------------------------------------------------------


def test_printed_on_at_most_six_a4_pages(school):
    assert 3 <= len(school["pages"]) <= 6, f"{len(school['pages'])} printed pages"


def test_prose_reads_easily(school):
    found = measure(_html(school))
    assert found["flesch"] >= 55, found
    assert 600 <= found["prose_words"] <= 2000, found


def test_no_parameter_snake_case_word_or_column_equals_value(school):
    parameters = tuple(Parameters().as_dict())
    found = measure(_html(school), parameters)
    assert found["snake_or_param"] == [] and found["n_column_equals_value"] == 0, found
    # Nor the office's instructions or the data's file names.
    text = " ".join(school["pages"])
    assert not re.search(r"\.xlsx|\.json|lks-audit validate|data_templates", text)


def test_every_action_is_due_on_a_school_day_on_or_after_the_meeting(school):
    import holidays

    sheet = openpyxl.load_workbook(school["dir"] / "action-plan.xlsx")["Action plan"]
    header = [c.value for c in sheet[4]]
    # Actions, that is: a rule whose findings the DPO accepted is due on its Review by, the DPO's own date.
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=5, values_only=True) if r[0]]
    rows = [r for r in rows if r["Status"] == "Open"]
    due = [r["Due date"].date() for r in rows]
    assert due and min(due) >= MEETING
    bank = holidays.country_holidays("GB", subdiv="ENG", years=range(2026, 2028))
    assert not [day for day in due if day.weekday() >= 5 or day in bank], "due on a weekend or a bank holiday"
    # Critical findings older than a term (the sample's January incidents, its posts of the autumn): due now,
    # the meeting and five school days (Wednesday 14 October to Wednesday 21 October 2026).
    assert {r["When"] for r in rows if r["Due date"].date() == min(due)} == {"Now"}
    assert min(due) == MEETING + dt.timedelta(days=7)
    # The page's own due dates (the action plan's headline, by urgency) are the workbook's.
    page = _html(school)
    headline = page[page.index('<table class="lks-table lks-due">') :]
    headline = headline[: headline.index("</table>")]
    shown = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)">', headline)
    assert {dt.date.fromisoformat(s) for s in shown} == set(due)


def test_nothing_is_wider_than_a_phone(school, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto((school["dir"] / "annual-review.html").resolve().as_uri(), wait_until="load")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways: {width} px wide"
        cut = page.evaluate(
            """() => [...document.querySelectorAll('main *')].filter(e => {
                   const r = e.getBoundingClientRect();
                   return r.width && (r.right > innerWidth + 0.5 || r.left < -0.5);
               }).map(e => e.tagName + '.' + e.className)"""
        )
        assert cut == [], "cut off on a phone"
        # The status table keeps every column on screen (it lost its right-hand ones before).
        cells = page.eval_on_selector_all(
            "table.lks-overview tr", "rows => rows.map(r => r.lastElementChild.getBoundingClientRect().right)"
        )
        assert cells and max(cells) <= 390
        # Record IDs are never split across lines, on a phone least of all.
        lines = page.eval_on_selector_all(".lks-id", "ids => ids.map(i => [i.textContent, i.getClientRects().length])")
        assert lines and all(n == 1 for _, n in lines), [i for i, n in lines if n != 1]
        # Every chart's smallest text is at least 11 px as shown at this width (its drawing scaled to its column).
        charts = page.eval_on_selector_all(
            "figure.lks-chart img", "imgs => imgs.map(i => [i.src, i.getBoundingClientRect().width, i.naturalWidth])"
        )
        assert charts
        for src, shown, drawn in charts:
            svg = base64.b64decode(src.split(",", 1)[1]).decode()
            smallest = min(float(size) for size in re.findall(r'font-size="([\d.]+)"', svg))
            assert shown <= 390 and smallest * shown / drawn >= 11, (smallest, shown, drawn)
    finally:
        page.close()


# --- print ---------------------------------------------------------------------------------------


def test_every_printed_page_has_the_title_and_its_number(school):
    pages = school["pages"]
    for number, text in enumerate(pages, 1):
        flat = " ".join(text.split())
        assert f"Little Kinvaston School: {TITLE}" in flat, number
        assert f"Page {number} of {len(pages)}" in flat, number


def test_the_first_page_stands_alone(school):
    first = " ".join(school["pages"][0].split())
    assert "Little Kinvaston School" in first and f"annual review {YEAR}" in first
    assert f"For the governors' meeting on {MEETING_TEXT}" in first
    assert re.search(r"The school (does not yet keep|mostly keeps|keeps) its Social Media Policy", first)
    for area in AREA_TITLES:
        assert area in first, area
    assert len(re.findall(r"\b(Red|Amber|Green|Grey)\b", first)) >= len(AREA_TITLES)
    assert "Decisions for the governing body" in first and "Approve the action plan" in first
    assert "Questions governors may ask" in first
    asked = re.findall(r"\d\. ([A-Z][^?]*\?)", first)
    assert 3 <= len(asked) <= 5, asked
    # Page 1 is the summary; the areas start on a page of their own.
    assert "Area by area" not in first and 0 <= " ".join(school["pages"][1].split()).find("Area by area") < 200


def test_the_policy_decision_appears_when_the_policy_is_overdue(school):
    findings = (school["dir"] / "findings.json").read_text(encoding="utf-8")
    first = " ".join(school["pages"][0].split())
    overdue = '"rule": "POL-01"' in findings
    assert overdue == ("approve it again" in first)


def test_sign_off_block_for_print(school):
    last = " ".join(school["pages"][-1].split())
    assert f"Presented to the governing body on {MEETING_TEXT}." in last
    for line in ("Minute reference", "Signed (chair of governors)", "Date"):
        assert line in last
    # Blank lines to fill in: nothing printed on them (a screen reader hears "to fill in").
    assert _html(school).count('<dd><span class="lks-unseen">to fill in</span></dd>') == 3
    assert "to fill in" not in last


def test_the_chart_shows_the_exceptions_with_its_text_alternative_and_training_is_counted(school):
    class Images(HTMLParser):
        def __init__(self):
            super().__init__()
            self.alts, self.captions, self._in = [], [], False

        def handle_starttag(self, tag, attrs):
            if tag == "img":
                self.alts.append(dict(attrs).get("alt", ""))
            self._in = tag == "figcaption" or (self._in and tag == "data")

        def handle_endtag(self, tag):
            if tag == "figcaption":
                self._in = False

        def handle_data(self, data):
            if self._in:
                self.captions.append(data)

    images = Images()
    images.feed(_html(school))
    (replies,) = images.alts
    # Late and missed replies on their own scale, each month with its volume in words, not as a bar.
    assert replies.startswith("Bar chart of replies late or never sent each month:")
    assert len(re.findall(r"\d{4} \d+ of [\d,]+ received", replies)) == 12
    assert "".join(images.captions).startswith("Replies late or never sent, by month")
    # Training is counted, not charted as percentages of 16 staff (a share needs a base of 20).
    text = " ".join(re.sub(r"<[^>]+>", " ", _html(school)).split())
    assert re.search(r"Of the \d+ members of staff who run the accounts, \d+ (is|are) trained and up to date", text)
    assert not re.search(r"\d+ members of staff who run the accounts[^.]*%", text)


# --- the DPO's detail ----------------------------------------------------------------------------


def test_dpo_detail_opens_with_what_needs_the_dpo_then_contents_linking_every_area_and_rule(school):
    detail = _html(school, "dpo-detail.html")
    start = detail.index('aria-labelledby="h-contents"')
    contents = detail[start : detail.index("</section>", start)]
    assert detail.index('class="lks-banner"') < detail.index('id="h-dpo"') < detail.index('id="h-front"') < start
    targets = re.findall(r'href="#([\w-]+)"', contents)
    rules = load_all_rules()
    assert {f"rule-{r}" for r in rules} <= set(targets)
    assert {
        f"dpo-area-{a}" for a in ("governance", "people", "images", "content", "monitoring", "incidents", "data")
    } <= set(targets)
    assert "h-review" in targets  # the governors' page, after the DPO's part
    for target in targets:
        assert detail.count(f'id="{target}"') == 1, target


def test_dpo_detail_says_personal_data_on_every_printed_page(school):
    pages = detail_pages(school)
    assert len(pages) > 6
    missing = [i for i, text in enumerate(pages, 1) if "Contains personal data" not in text]
    assert missing == []
    # The governors' page says no such thing: it holds none.
    assert not any("Contains personal data" in text for text in school["pages"])


def test_governors_page_of_the_second_school_holds_no_personal_data(school):
    found = personal_strings(load_workbooks(school["folder"]))
    assert len(found) > 50
    assert personal_data_in(_html(school), found) == []


# --- words and children (issue 16) ---------------------------------------------------------------


def _visible(school: dict) -> str:
    page = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", " ", _html(school), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_each_term_is_spelled_out_at_its_first_use_and_the_legend_is_on_the_first_page(school):
    text = _visible(school)
    for term, spelled in (
        ("DPO", "Data Protection Officer (DPO)"),
        ("SLT", "SLT is the senior leadership team"),
        ("ICO", "ICO is the Information Commissioner's Office, the regulator"),
        ("designated safeguarding lead", "designated safeguarding lead is the senior member of staff"),
        ("proprietor", "proprietor (the body that owns and runs the school)"),
    ):
        first = re.search(rf"\b{re.escape(term)}\b", text, re.IGNORECASE)
        if first is None:
            continue
        assert text.find(spelled) != -1 and text.find(spelled) <= first.start() <= text.find(spelled) + len(spelled), (
            term,
            text[max(0, first.start() - 80) : first.start() + 40],
        )
    first = " ".join(school["pages"][0].split())
    for defined in (
        "Critical: could harm a child or break the law",
        "High: a serious gap",
        "Substantial: a sound system of control, with few minor weaknesses",
        "Reasonable: generally sound, with some weaknesses that put some objectives at risk",
        "Limited: significant gaps or weaknesses",
        "No assurance: fundamental weaknesses; the system is open to abuse or error",
        "a high-severity check whose findings reach 5% of what it checked (any finding, below 20 checked)",
    ):
        assert defined in first, defined
    # Each Red or Amber area says why, in one sentence, on the first page.
    import json

    areas = json.loads((school["dir"] / "findings.json").read_text(encoding="utf-8"))["summary"]["areas"]
    red_or_amber = sum(1 for a in areas.values() if a["rag"] in ("Red", "Amber"))
    assert red_or_amber and len(re.findall(r"\b(Red|Amber) because (of|a) ", first)) == red_or_amber


def test_no_way_back_to_a_child_on_the_page_or_in_the_plan(school):
    """The posts behind findings about children (IMG-*, PST-03, PST-04) are never listed for governors: not on
    the page, not in the action plan, not even under another finding on the same post."""
    import json

    found = json.loads((school["dir"] / "findings.json").read_text(encoding="utf-8"))["findings"]
    posts = {
        f["record"]
        for f in found
        if f["record"] and (f["rule"].startswith("IMG-") or f["rule"] in ("PST-03", "PST-04"))
    }
    assert len(posts) > 5
    sheet = openpyxl.load_workbook(school["dir"] / "action-plan.xlsx")["Action plan"]
    plan = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    for text, where in ((_html(school), "page"), (plan, "plan")):
        shown = sorted(p for p in posts if re.search(rf"\b{re.escape(p)}\b", text))
        assert shown == [], f"posts about children on the {where}"
    students = {f["student"] for f in found if f["student"]}
    assert not [s for s in students if re.search(rf"\b{re.escape(s)}\b", plan)]
