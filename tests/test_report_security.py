"""Hostile text and personal data in the report (issue 5, items 3 and 4).

One ``lks-audit report`` run (module fixture) renders a school whose every
text-like cell (the schema's text, id and ids columns) carries HTML, script,
link, Markdown, LaTeX and template payloads, with a hostile school name and a
last-year findings.json whose free text is hostile too. Headless Chromium opens
the governors' report, the DPO's detail and the office's data check: no script
may run, nothing may be fetched, and the payloads must read as the text typed.

Personal data: the private outputs are owner-only and say so where a reader
sees it; the governors' outputs (annual-review.html, action-plan.xlsx) hold no
Student ID, student name, staff name or Staff ID, checked on the sample school
and on the hostile one. Staff IDs count as personal data here: they are codes
the school can trace to a person with the Staff sheet (pseudonymous data is
still personal data), and the governors' report has no need of them.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import os
import re
import stat
import struct
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import openpyxl
import pytest

from lks_audit.load import load_workbooks
from lks_audit.outputs.html import rag_label
from lks_audit.params import read_previous
from lks_audit.schema import STAFF, STUDENT, WORKBOOKS, Kind

from school import write_school
from test_report import AS_OF, YEAR, rendered, run_cli  # noqa: F401  (the session's rendered sample report)
from test_report_browser import browser, open_page  # noqa: F401  (skip unless CI_STRICT_BROWSER=1)

pytestmark = pytest.mark.slow

#: None contains ',' or ';' (ID lists split on them) and all stay short enough to be quoted whole in a message.
PAYLOADS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '<a href="javascript:window.__pwned=1">x</a>',
    "javascript:window.__pwned=1",
    "[x](javascript:window.__pwned=1)",
    "$$\\alert$$",
    "<svg onload=window.__pwned=1>",
    "{{7*7}}",
    "</textarea><script>window.__pwned=1</script>",
    "<style>body{display:none}</style>",
)
#: Also a Python string breaker: papermill writes the school name into the parameters cell.
SCHOOL = '</title><script>window.__pwned=1</script>\\" + str(__import__("os").getpid()) + "'
PRIVATE = ("dpo-detail.html", "findings.json", "annual-review.ipynb")
BANNER = "Contains personal data"

SHEETS = {s.name: s for wb in WORKBOOKS for s in wb.sheets}
#: (sheet, column) that ID columns point to: keys, and Consent's Student ID (a student may have several rows).
TARGETS = {c.refers_to for s in SHEETS.values() for c in s.columns if c.refers_to}


def text_like(column) -> bool:
    """Columns holding whatever staff type (a choice column with no choices would be free text too)."""
    return column.kind in (Kind.TEXT, Kind.ID, Kind.IDS) or (column.kind is Kind.CHOICE and not column.choices)


def _key(sheet: str, i: int) -> str:
    # A key's tag names its sheet and row (other cells' tags add the column), so a hit names one cell.
    return f"{PAYLOADS[i % len(PAYLOADS)]} {sheet[:3]}{i % len(PAYLOADS)}"


def hostile_rows() -> dict[str, list[dict]]:
    """For each sheet one row per payload, in every text-like column; references point at real keys
    so the rules have records to report; then one row with a payload in every column, whatever its
    kind, so data-quality messages quote them too."""
    rows = {}
    for name, sheet in SHEETS.items():
        out = []
        for i, payload in enumerate(PAYLOADS):
            row = {}
            for j, col in enumerate(sheet.columns):
                if col.header == sheet.key or (name, col.header) in TARGETS:
                    row[col.header] = _key(name, i)
                elif text_like(col) and col.refers_to:
                    target = col.refers_to[0]
                    row[col.header] = _key(target, i) if col.kind is Kind.ID else [_key(target, i), _key(target, i + 1)]
                elif text_like(col):
                    row[col.header] = f"{payload} {name[:3]}{j}-{i}"
                elif col.header == "Leaving date":
                    row[col.header] = None  # staff stay current, so the account rules have administrators
                elif col.kind is Kind.DATE:
                    row[col.header] = dt.date(2025, 9, 1) + dt.timedelta(days=7 * i)
                elif col.kind is Kind.DATETIME:
                    row[col.header] = dt.datetime(2025, 9, 1, 10) + dt.timedelta(days=7 * i, hours=i)
                elif col.kind is Kind.YESNO:
                    row[col.header] = "Yes" if i % 2 else "No"
                else:
                    row[col.header] = col.choices[i % len(col.choices)]
            out.append(row)
        out.append(
            {col.header: f"{PAYLOADS[j % len(PAYLOADS)]} {name[:3]}{j}-X" for j, col in enumerate(sheet.columns)}
        )
        rows[name] = out
    return rows


def test_every_text_like_column_carries_payloads():
    rows = hostile_rows()
    for name, sheet in SHEETS.items():
        for col in (c for c in sheet.columns if text_like(c)):
            cells = [", ".join(v) if isinstance(v, list) else str(v) for v in (r[col.header] for r in rows[name])]
            carried = {p for p in PAYLOADS for cell in cells if p in cell}
            assert carried == set(PAYLOADS), f"{name}.{col.header}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("hostile")
    folder = write_school(base / "school", **hostile_rows())
    previous = base / "last-year.json"  # free text of last year's findings.json (a rule), hostile too
    previous.write_text(
        json.dumps(
            {
                "year": "2024-25",
                "summary": {
                    "total_findings": 3,
                    "areas": {"governance": {"rag": "Red", "findings": 3}},
                    "by_rule": {PAYLOADS[1]: 1, "ACC-01": 2},
                },
            }
        )
    )
    out = base / "out"
    proc = run_cli(
        "report", folder, "--year", YEAR, "--as-of", AS_OF, "--out", out, "--school", SCHOOL, "--previous", previous
    )
    return {"proc": proc, "folder": folder, "dir": out / YEAR, "base": base}


@pytest.fixture(scope="module")
def data_check_page(hostile) -> Path:
    """The office's data check notebook run on the hostile school, exported as the report exports."""
    import papermill

    from lks_audit.render.export import export_html
    from lks_audit.render.report import NOTEBOOKS

    executed = papermill.execute_notebook(
        str(NOTEBOOKS / "data_check.ipynb"),
        str(hostile["base"] / "data-check.ipynb"),
        cwd=str(NOTEBOOKS),
        progress_bar=False,
        parameters={"data_dir": str(hostile["folder"]), "year": YEAR, "as_of": AS_OF},
    )
    page = hostile["base"] / "data-check.html"
    page.write_text(export_html(executed, "Data check"), encoding="utf-8")
    return page


def test_hostile_school_renders(hostile):
    proc = hostile["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert {p.name for p in hostile["dir"].iterdir()} >= {"annual-review.html", "action-plan.xlsx", *PRIVATE}


# --- no live HTML from data (item 3) -------------------------------------------------------------

LIVE_MARKUP = """() => {
    const all = [...document.querySelectorAll('*')];
    return {
        pwned: typeof window.__pwned,
        mathjax: typeof window.MathJax,
        scripts: [...document.scripts].filter(s => s.src || s.textContent.includes('__pwned')).length,
        handlers: all.filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).map(e => e.tagName),
        links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
            .filter(h => !h.startsWith('#')),
        images: [...document.images].map(i => i.getAttribute('src')).filter(s => !s.startsWith('data:image/')),
        svg: document.querySelectorAll('svg, textarea, iframe, object, embed').length,
        styles: [...document.querySelectorAll('style')].filter(s => s.textContent.includes('display:none}')).length,
        bodyShown: getComputedStyle(document.body).display !== 'none',
    };
}"""


@pytest.fixture(scope="module")
def pages(hostile, data_check_page) -> dict[str, Path]:
    return {
        "annual-review.html": hostile["dir"] / "annual-review.html",
        "dpo-detail.html": hostile["dir"] / "dpo-detail.html",
        "data-check.html": data_check_page,
    }


@pytest.mark.browser
@pytest.mark.parametrize("name", ["annual-review.html", "dpo-detail.html", "data-check.html"])
def test_no_payload_becomes_live_in_the_browser(open_page, pages, name):  # noqa: F811
    page = open_page(pages[name])
    page.wait_for_timeout(200)  # an onerror or onload handler would have fired by now
    live = page.evaluate(LIVE_MARKUP)
    assert live == {
        "pwned": "undefined",
        "mathjax": "undefined",
        "scripts": 0,
        "handlers": [],
        "links": [],
        "images": [],
        "svg": 0,
        "styles": 0,
        "bodyShown": True,
    }
    assert page.dialogs == []
    assert page.requests == [pages[name].resolve().as_uri()], "nothing but the page itself is loaded"


def _shown(page) -> str:
    """The page's text as a reader sees it (white space folded, as cells are read)."""
    return " ".join(page.inner_text("body").split())


@pytest.mark.browser
def test_payloads_read_literally_in_the_dpo_detail(open_page, pages):  # noqa: F811
    text = _shown(open_page(pages["dpo-detail.html"]))
    missing = [p for p in PAYLOADS if p not in text]
    assert missing == [], "every payload should show as typed in some record or message"
    # Whole values, tags and all: a record ID and a quoted cell.
    assert _key("Posts", 0) in text and f"'{PAYLOADS[7]} Pos7-X' is not one of" in text


@pytest.mark.browser
def test_payloads_read_literally_in_the_governors_report_and_data_check(open_page, pages):  # noqa: F811
    governors = _shown(open_page(pages["annual-review.html"]))
    # The school name (title block), the policy version, an account's record ID and last year's year (the posts
    # here all picture students: their IDs are never listed for governors).
    for expected in (
        " ".join(SCHOOL.split()),
        f"{PAYLOADS[0]} Pol0-0",
        _key("Accounts", 2),
        "In 2024-25",
    ):
        assert expected in governors
    # Last year's rules are the DPO's trend by rule.
    detail = _shown(open_page(pages["dpo-detail.html"]))
    assert PAYLOADS[1] in detail and "Trend by rule against 2024-25" in detail
    assert open_page(pages["annual-review.html"]).title().endswith(SCHOOL)
    checked = _shown(open_page(pages["data-check.html"]))
    assert [p for p in PAYLOADS if p not in checked] == []


def test_payload_html_is_escaped_in_the_files(pages):
    for name, path in pages.items():
        page = path.read_text(encoding="utf-8")
        for live in ("<script>window", "<img src=x", "<svg onload", '<a href="javascript', "<style>body{"):
            assert live not in page, (name, live)
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page, name


def test_a_tampered_previous_findings_json_is_refused(hostile):
    """Its statuses become CSS classes and its counts are formatted as numbers: only ours are accepted."""

    def previous(name, areas):
        path = hostile["base"] / f"previous-{name}.json"
        path.write_text(json.dumps({"year": "2024-25", "summary": {"areas": areas, "by_rule": {}}}))
        return path

    bad = previous("rag", {"governance": {"rag": '"><img src=x onerror=alert(1)>', "findings": 1}})
    proc = run_cli(
        "report", hostile["folder"], "--year", YEAR, "--out", hostile["base"] / "refused", "--previous", bad, timeout=60
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "is not a findings.json written by lks-audit" in proc.stderr
    script_year = hostile["base"] / "previous-year.json"
    script_year.write_text(json.dumps({"year": PAYLOADS[0], "summary": {"areas": {}, "by_rule": {}}}))
    proc = run_cli("report", hostile["folder"], "--year", YEAR, "--previous", script_year, timeout=60)
    assert proc.returncode == 2 and proc.stderr == (
        f"lks-audit: --previous: {script_year} is not a findings.json written by lks-audit (its year "
        f"{PAYLOADS[0]!r} is not an academic year)\n"
    )
    with pytest.raises(ValueError, match="unexpected status or count for area 'governance'"):
        read_previous(previous("count", {"governance": {"rag": "Red", "findings": "<b>3</b>"}}))
    # And the status label never takes its class from the value, whatever reaches it.
    assert rag_label('x"><b>').startswith('<span class="rag rag-grey">')


def test_chart_labels_are_escaped_text_in_the_svg():
    """A chart is an SVG image: its labels must stay XML text, never become elements or attributes."""
    from xml.etree import ElementTree

    from lks_audit.outputs import charts

    figures = [
        charts.column_bars(
            [PAYLOADS[5], "a $x", PAYLOADS[0]], [1, 2, 3], colour=charts.BLUE, ylabel=PAYLOADS[0], alt=PAYLOADS[1],
            caption=PAYLOADS[0],
        ),
        charts.column_bars(
            [PAYLOADS[6], "b"], [1, 2], colour=charts.ORANGE, ylabel="Replies", alt=PAYLOADS[1], caption="c"
        ),
    ]  # fmt: skip
    for figure in figures:
        assert "<img src=x" not in figure and 'alt="&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;"' in figure
        svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', figure).group(1)).decode()
        root = ElementTree.fromstring(svg)  # well-formed whatever the labels say
        tags = {e.tag.split("}")[1] for e in root.iter()}
        assert tags <= {"svg", "defs", "pattern", "rect", "line", "text"}, tags
        assert not [a for e in root.iter() for a in e.attrib if a.startswith("on") or "href" in a]
    labels = [e.text for e in ElementTree.fromstring(svg).iter() if e.tag.endswith("text")]
    assert PAYLOADS[6] in labels, "the label reads as typed"


# --- personal data (item 4) ----------------------------------------------------------------------


@pytest.mark.parametrize("name", PRIVATE)
def test_outputs_with_personal_data_are_owner_only(hostile, name):
    assert stat.S_IMODE(os.stat(hostile["dir"] / name).st_mode) == 0o600


@pytest.mark.browser
def test_dpo_detail_opens_with_a_visible_personal_data_banner(open_page, pages):  # noqa: F811
    page = open_page(pages["dpo-detail.html"])
    banner = page.locator(".lks-banner")
    assert banner.is_visible() and BANNER in banner.inner_text()
    assert banner.bounding_box()["y"] < page.locator("h1").first.bounding_box()["y"], "the banner comes first"
    governors = open_page(pages["annual-review.html"])
    assert governors.locator(".lks-banner").count() == 0 and BANNER not in governors.inner_text("body")


def test_executed_notebook_starts_by_saying_it_holds_personal_data(hostile):
    nb = nbformat.read(str(hostile["dir"] / "annual-review.ipynb"), as_version=4)
    assert nb.cells[0].cell_type == "markdown" and BANNER in nb.cells[0].source.split("\n\n")[1]


def test_feedback_copies_are_private_and_labelled(hostile):
    feedback = hostile["base"] / "feedback"
    proc = run_cli("validate", hostile["folder"], "--feedback", feedback, timeout=120)
    assert proc.returncode == 1, proc.stderr  # problems found
    copies = sorted(feedback.glob("*.xlsx"))
    # Every hostile workbook has a problem cell to mark; the DPO's own review is never copied for the office.
    assert len(copies) == len(WORKBOOKS) - 1 and not (feedback / "dpo_review.xlsx").exists()
    assert stat.S_IMODE(os.stat(feedback).st_mode) == 0o700
    for copy in copies:
        assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600, copy.name
        book = openpyxl.load_workbook(copy)
        assert book.properties.subject == BANNER and book.properties.description.startswith(BANNER)
        assert book.custom_doc_props["Classification"].value == BANNER
        assert book.worksheets[-1].oddHeader.center.text == BANNER, "printed problem lists say so"


def personal_values(folder) -> dict[str, str]:
    """Every Student ID, student name, staff name and Staff ID in the input (as read), -> where from."""
    data = load_workbooks(folder)
    columns = [("Consent", "Student name"), ("Staff", "Name")]
    columns += [
        (name, col.header)
        for name, sheet in SHEETS.items()
        for col in sheet.columns
        if col.refers_to in (STUDENT, STAFF) or (name, col.header) in (STUDENT, STAFF)
    ]
    found = {}
    for sheet, column in columns:
        frame = data.frames.get(sheet)
        for value in [] if frame is None else frame[column].dropna():
            for one in value if isinstance(value, tuple) else (value,):
                if len(str(one)) >= 3:  # shorter strings would match ordinary words and numbers
                    found.setdefault(str(one), f"{sheet} {column}")
    return found


def leaks(text: str, personal: dict[str, str]) -> list[str]:
    text = text.casefold()
    return sorted(
        f"{kind}: {value}"
        for value, kind in personal.items()
        if value.casefold() in text and re.search(rf"(?<!\w){re.escape(value.casefold())}(?!\w)", text)
    )


def _png_text(png: bytes) -> str:
    """The text chunks of a PNG (title, author, description...): the only readable words in the file."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    texts, at = [], 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        body = png[at + 8 : at + 8 + length]
        if kind == b"tEXt" or kind == b"iTXt":
            texts.append(body.decode("latin-1" if kind == b"tEXt" else "utf-8", "replace"))
        elif kind == b"zTXt":
            keyword, _, rest = body.partition(b"\0")
            texts.append(keyword.decode("latin-1") + " " + zlib.decompress(rest[1:]).decode("latin-1"))
        at += 12 + length
    return "\n".join(texts)


class _Everything(HTMLParser):
    """Text, every attribute value (alt, title, aria-label...) and the bytes of embedded images."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.images = [], []

    def handle_starttag(self, tag, attrs):
        for _, value in attrs:
            if value and value.startswith("data:image/png;base64,"):
                self.images.append(_png_text(base64.b64decode(value.split(",", 1)[1])))
            elif value and value.startswith("data:image/svg+xml;base64,"):  # a chart: the labels it draws
                svg = base64.b64decode(value.split(",", 1)[1]).decode("utf-8")
                self.images.append(html.unescape(re.sub(r"<[^>]+>", " ", svg)))
            elif value:
                self.parts.append(value)

    def handle_data(self, data):
        self.parts.append(data)


def governors_texts(folder: Path) -> dict[str, str]:
    """What a governor can read in each output meant for them."""
    parser = _Everything()
    parser.feed((folder / "annual-review.html").read_text(encoding="utf-8"))
    with zipfile.ZipFile(folder / "action-plan.xlsx") as book:  # every part: cells, comments, sheet names, properties
        plan = [html.unescape(re.sub(r"<[^>]+>", " ", book.read(n).decode("utf-8"))) for n in book.namelist()]
    return {
        "annual-review.html": "\n".join(parser.parts),
        "annual-review.html images": "\n".join(parser.images),
        "action-plan.xlsx": "\n".join(plan),
    }


@pytest.mark.parametrize("school", ["rendered", "hostile"])
def test_governors_outputs_hold_no_personal_data(request, school):
    result = request.getfixturevalue(school)
    assert result["proc"].returncode == 0, result["proc"].stderr[-3000:]
    personal = personal_values(result["folder"])
    assert {kind.split()[0] for kind in personal.values()} >= {"Consent", "Staff", "Posts"}
    texts = governors_texts(result["dir"])
    assert "Action plan" in texts["action-plan.xlsx"] and "Area by area" in texts["annual-review.html"]
    assert {name: leaks(text, personal) for name, text in texts.items()} == {name: [] for name in texts}
    # Not looking for the wrong thing: the DPO's detail does name them.
    assert leaks((result["dir"] / "dpo-detail.html").read_text(encoding="utf-8"), personal)


def _outputs(cell) -> list:
    return cell.get("outputs", []) if cell.cell_type == "code" else []


def test_executed_notebook_holds_findings_not_input_data(rendered):  # noqa: F811
    """No DataFrame dump of a sheet: people appear only where a finding names them."""
    assert rendered["proc"].returncode == 0, rendered["proc"].stderr[-3000:]
    nb = nbformat.read(str(rendered["dir"] / "annual-review.ipynb"), as_version=4)
    for cell in nb.cells:
        for out in _outputs(cell):
            data = out.get("data", {})
            assert set(data) <= {"text/html", "text/plain"}, cell.source
            assert "dataframe" not in data.get("text/html", ""), cell.source
            assert "\n" not in data.get("text/plain", "").strip(), f"a printed table? {cell.source}"
    personal = personal_values(rendered["folder"])
    governors = [json.dumps(_outputs(c)) for c in nb.cells if "dpo" not in c.metadata.get("tags", [])]
    assert leaks("\n".join(governors), personal) == []
    shown = leaks(json.dumps([_outputs(c) for c in nb.cells], ensure_ascii=False), personal)
    in_findings = leaks((rendered["dir"] / "findings.json").read_text(encoding="utf-8"), personal)
    consent = load_workbooks(rendered["folder"]).frames["Consent"]
    assert shown and set(shown) <= set(in_findings)
    assert len(shown) < len(consent) / 4, "far fewer people than the consent list"


def test_personal_values_are_found_alike_when_the_texts_are_known_in_advance():
    """The DPO's cells are matched against an index of only the values that could be in them: it finds
    exactly what the whole index finds, punctuation, case and spacing aside."""
    from lks_audit.personal import PersonalIndex

    values = {
        "Amelia Smith": "a student name",
        "ST0699": "a Student ID",
        "O'Brien Kate": "a student name",
        "Zoë Ng": "a student name",
        "S033": "a Staff ID",
        "Ngozi Adeyemi": "a student name",
    }
    texts = [
        "Spoke to AMELIA   smith's parents",
        "o'brien kate, and st0699 too",
        "Nothing personal here; S0333 is not S033x",
        "zoë ng asked",
        "",
    ]
    whole, known = PersonalIndex(values), PersonalIndex(values, texts)
    assert len(known.by_word) < len(whole.by_word)
    found = [known.found_in(text) for text in texts]
    assert found == [whole.found_in(text) for text in texts]
    assert found == [
        ["a student name ('AMELIA smith')", "a student's first name ('AMELIA')"],
        ["a Student ID ('st0699')", "a student name ('o'brien kate')"],
        [],
        ["a student name ('zoë ng')"],
        [],
    ]
