"""`lks-audit report` end to end: a real papermill kernel, real nbconvert, real files.

The sample school's report is rendered once per session (``rendered``) and
shared with test_report_browser.py; the markup-injection school and the
failing notebook each cost one more kernel run.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
import stat
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import openpyxl
import pytest

from lks_audit.errors import ReportFailed
from lks_audit.files import atomic_write
from lks_audit.guard import personal_data_in
from lks_audit.handover import ReportParameters
from lks_audit.load import load_workbooks
from lks_audit.outputs.artifacts import personal_strings
from lks_audit.render import render_report

from school import EARLIER_AS_OF, EARLIER_SAMPLE, EARLIER_YEAR, d, t, write_school

ROOT = Path(__file__).resolve().parent.parent
LKS_AUDIT = Path(sys.executable).parent / "lks-audit"
YEAR, AS_OF = "2025-26", "2026-07-20"
OUTPUTS = ("annual-review.html", "dpo-detail.html", "action-plan.xlsx", "findings.json", "annual-review.ipynb")
PRIVATE = ("dpo-detail.html", "findings.json", "annual-review.ipynb")
INJECTED = "<script>alert(1)</script>"

pytestmark = pytest.mark.slow

_RENDERED: dict[str, dict] = {}


#: The bundled sample school, kept fresh by test_sample.py: a broken sample fails, never falls back.
SAMPLE = ROOT / "examples" / "sample-school"


def _small_school(
    folder: Path, policy_version="2025.1", post_text="Well done to the netball team", post_id="P-0001"
) -> Path:
    return write_school(
        folder,
        Policy=[
            {
                "Policy version": policy_version,
                "Approved on": d(2025, 7, 15),
                "Next review due": d(2026, 7, 15),
                "Signed by chair of governors on": d(2025, 7, 16),
            }
        ],
        Staff=[
            {
                "Staff ID": "S001",
                "Name": "Jane Teacherson",
                "Type": "Employee",
                "Start date": d(2020, 9, 1),
                "Policy read on": d(2025, 9, 2),
                "Social media training on": d(2025, 9, 3),
                "Annual declaration on": d(2025, 9, 4),
            },
            {"Staff ID": "S002", "Name": "Omar Helperton", "Type": "Employee", "Start date": d(2021, 9, 1)},
        ],
        Accounts=[
            {
                "Account ID": "ACC-001",
                "Platform": "Facebook",
                "Account name": "LKS Sport",
                "Application ID": "APP-001",
                "Administrators": "S001, S002",
                "Lead staff": "S001",
                "Created on": d(2025, 8, 1),
                "Status": "Active",
                "Privacy": "Private",
                "Privacy reason": "Students",
                "Credentials stored securely": "Yes",
                "DPIA reference": "DPIA-1",
            }
        ],
        Applications=[
            {
                "Application ID": "APP-001",
                "Submitted on": d(2025, 7, 1),
                "SLT decision": "Approved",
                "Decision date": d(2025, 7, 20),
            }
        ],
        Consent=[
            {
                "Student ID": "ST9001",
                "Student name": "Amelia Hartwell",
                "Form received on": d(2025, 9, 5),
                "Social media consent": "Yes",
            },
            {
                "Student ID": "ST9002",
                "Student name": "Bobby Quinlan",
                "Form received on": d(2025, 9, 5),
                "Social media consent": "No",
            },
        ],
        Posts=[
            {
                "Post ID": post_id,
                "Account ID": "ACC-001",
                "Posted at": t(2025, 10, 1, 10, 0),
                "Posted by": "S001",
                "Post text": post_text,
                "Images of students": "Yes",
                "Students pictured": "ST9001, ST9002",
            },
            {
                "Post ID": "P-0002",
                "Account ID": "ACC-001",
                "Posted at": t(2025, 11, 3, 10, 0),
                "Posted by": "S002",
                "Post text": "Well done Amelia Hartwell",
                "Images of students": "No",
            },
        ],
        Interactions=[
            {
                "Interaction ID": "I-1",
                "Account ID": "ACC-001",
                "Received at": t(2025, 10, 3, 9, 0),
                "Type": "Query",
                "First response at": t(2025, 10, 6, 9, 0),
                "Responded by": "S002",
            },
            {"Interaction ID": "I-2", "Account ID": "ACC-001", "Received at": t(2025, 10, 4, 9, 0), "Type": "Comment"},
        ],
        Incidents=[{"Incident ID": "INC-1", "Reported at": t(2025, 11, 3, 9, 0), "Category": "Bullying"}],
        Closures=[{"Date": "not a date", "Reason": INJECTED}],
    )


def run_cli(*args, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run([str(LKS_AUDIT), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def render(tmp_path_factory, name: str, folder: Path, *extra) -> dict:
    """Run ``lks-audit report`` once per name and session; the browser tests reuse the result."""
    if name not in _RENDERED:
        out = tmp_path_factory.mktemp(f"reports-{name}")
        proc = run_cli("report", folder, "--year", YEAR, "--as-of", AS_OF, "--out", out, *extra)
        _RENDERED[name] = {"proc": proc, "folder": folder, "dir": out / YEAR, "out": out}
    return _RENDERED[name]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict:
    return render(tmp_path_factory, "sample", SAMPLE)


@pytest.fixture(scope="session")
def injected(tmp_path_factory) -> dict:
    """A school whose input carries markup, rendered with last year's findings (the sample's 2024-25, from
    ``check --json``) for a trend section."""
    folder = _small_school(
        tmp_path_factory.mktemp("injected"), policy_version=INJECTED, post_text=INJECTED, post_id="<b>P-1</b>"
    )
    last_year = tmp_path_factory.mktemp("last-year") / "findings.json"
    check = run_cli("check", EARLIER_SAMPLE, "--year", EARLIER_YEAR, "--as-of", EARLIER_AS_OF, "--json")
    assert check.returncode == 0, check.stderr
    last_year.write_text(check.stdout)
    return render(tmp_path_factory, "injected", folder, "--school", "=1+2 <i>LKS</i>", "--previous", last_year)


def _page(result, name="annual-review.html") -> str:
    return (result["dir"] / name).read_text(encoding="utf-8")


def findings_made(result) -> str:
    """The day a rendered set was made (ISO), as its executed notebook's parameters record it."""
    nb = nbformat.read(str(result["dir"] / "annual-review.ipynb"), as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    return re.search(r'generated = "([\d-]+)"', injected.source).group(1)


# --- the sample school --------------------------------------------------------------------------


def test_report_writes_every_output(rendered):
    proc = rendered["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    for name in OUTPUTS:
        assert (rendered["dir"] / name).stat().st_size > 0, name
    for name in PRIVATE:
        assert stat.S_IMODE((rendered["dir"] / name).stat().st_mode) == 0o600, name
    assert "Executing" in proc.stderr, "papermill's progress bar should be on the terminal"
    assert "without encryption" not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_no_temporary_files_are_left(rendered):
    leftovers = [p.name for p in rendered["dir"].iterdir() if p.name.startswith(".") or ".tmp" in p.name]
    assert leftovers == []


def test_findings_json_is_the_check_json_object(rendered):
    check = run_cli("check", rendered["folder"], "--year", YEAR, "--as-of", AS_OF, "--json")
    assert check.returncode == 0, check.stderr
    assert json.loads((rendered["dir"] / "findings.json").read_text()) == json.loads(check.stdout)


def _personal(folder) -> dict[str, str]:
    data = load_workbooks(folder)
    found = {}
    for sheet, column in (("Consent", "Student ID"), ("Consent", "Student name"), ("Staff", "Name")):
        for value in data.frames[sheet][column].dropna():
            found[" ".join(str(value).split())] = f"{sheet} {column}"
    return found


def _without_embedded_images(page: str) -> str:
    return re.sub(r"data:image/[\w+.-]+;base64,[A-Za-z0-9+/=]+", "", page)


def test_governors_report_has_no_student_or_staff_details(rendered):
    import html as html_lib

    page = html_lib.unescape(_without_embedded_images(_page(rendered))).casefold()
    personal = _personal(rendered["folder"])
    assert len(personal) > 10, "the sample should have students and staff to look for"
    leaked = [
        f"{kind}: {value}"
        for value, kind in personal.items()
        if re.search(rf"(?<!\w){re.escape(value.casefold())}(?!\w)", page)
    ]
    assert leaked == []
    # The DPO's detail does name students: the check above is not looking for the wrong thing.
    detail = _page(rendered, "dpo-detail.html")
    students = [v for v, kind in personal.items() if kind == "Consent Student ID"]
    assert any(s in detail for s in students)
    assert "Contains personal data" in detail and "Contains personal data" not in _page(rendered)


def test_pages_are_self_contained(rendered):
    for name in ("annual-review.html", "dpo-detail.html"):
        page = _page(rendered, name)
        links = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", page, flags=re.I)
        links += re.findall(r"""url\(\s*["']?([^"')]+)""", page, flags=re.I)
        assert [u for u in links if not u.startswith(("data:", "#"))] == [], name
        assert not re.search(r"<script[^>]*\bsrc\s*=", page, flags=re.I), name
        assert not re.search(r"https?://", _without_embedded_images(page)), name
        assert not re.search(r"\b(?:In|Out)\s*(?:&nbsp;|\s)*\[", page), name
        assert "jp-InputArea" not in page and "jp-mod-noOutputs" not in page, name
        assert 'class="jp-OutputArea-output"' not in page or "Traceback" not in page, name


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.th_without_scope, self.images = [], 0, []
        self.lang = self.title = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "th" and attrs.get("scope") not in ("col", "row"):
            self.th_without_scope += 1
        elif tag == "img":
            self.images.append(attrs.get("alt") or "")
        elif tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "title":
            self._in_title = True

    def handle_data(self, data):
        if self._in_title:
            self.title = (self.title or "") + data

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False


def test_governors_report_is_structured_for_screen_readers(rendered):
    outline = _Outline()
    outline.feed(_page(rendered))
    assert outline.lang == "en" and "annual review" in outline.title
    levels = outline.headings
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    assert outline.th_without_scope == 0
    assert len(outline.images) >= 1 and all(len(alt) > 20 for alt in outline.images)


def test_governors_report_sections(rendered):
    page = _page(rendered)
    for heading in (
        "How well each area keeps the policy",
        "Decisions for the governing body",
        "Questions governors may ask",
        "Area by area",
        "The action plan",
        "How this review was made",
        "Sign-off",
    ):
        assert f">{heading}<" in page, heading
    assert "@media print" in page
    assert "Trend by rule" not in page and ">In 20" not in page, "no trend without --previous"
    # The exact checks, parameters and checksums are the DPO's: in the detail, not on the governors' page.
    detail = _page(rendered, "dpo-detail.html")
    for heading in ("Every rule, by area", "Every finding", "Method and data", "Input files", "Parameters"):
        assert f">{heading}<" in detail and f">{heading}<" not in page, heading
    for info in load_workbooks(rendered["folder"]).files:
        if info.sha256:
            assert info.sha256 in detail and info.sha256 not in page, info.file
    assert "respond_within_hours" in detail and "respond_within_hours" not in page
    # The sample's unreadable cells leave records no rule could decide: the DPO's detail counts and lists them.
    assert "1 more could not be checked until the entries are fixed" in detail  # IMG-05 (P-00867's 'Yess')
    assert ">Could not be checked until the entries are fixed<" in detail
    assert "IMG-05:P-00867" in re.sub(r"<[^>]+>", "", detail)  # an ID may break after its colons: <wbr>


def test_action_plan(rendered):
    book = openpyxl.load_workbook(rendered["dir"] / "action-plan.xlsx")
    sheet = book["Action plan"]
    header = [c.value for c in sheet[4]]
    assert header[:13] == [
        "Rule",
        "Area",
        "Severity",
        "Findings, of what was checked",
        "Records",
        "What to do",
        "Owner",
        "When",
        "Due date",
        "Status",
        "Management response",
        "Notes",
        "Policy clause",
    ]
    findings = json.loads((rendered["dir"] / "findings.json").read_text())
    # One row per rule with open findings (those waiting on a data fix have the data-quality rows to fix;
    # those the DPO set aside by a decision need no action).
    rules = {f["rule"] for f in findings["findings"] if not f["depends_on"] and not f["decision"]}
    all_rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=5, values_only=True) if r[0]]
    rows = [r for r in all_rows if r["Status"] != "Accepted risk"]
    assert {r["Rule"] for r in rows} == rules
    # A rule whose findings the DPO all set aside, one at least as an accepted risk, keeps a row to follow it.
    accepted = [r for r in all_rows if r["Status"] == "Accepted risk"]
    assert [(r["Rule"], r["Findings, of what was checked"], r["When"], r["Due date"].date()) for r in accepted] == [
        # Its base: the logged posts and the 2 posts only the platforms show (the name check reads them too).
        ("PST-03", "1 of 1,508 posts accepted as a risk", "Review by", dt.date(2026, 12, 18))
    ]
    checked = findings["summary"]["rules"]
    for r in rows:  # each count beside its base, photos in children and posts
        counted = r["Findings, of what was checked"]
        if r["Rule"] in ("IMG-01", "IMG-03", "IMG-04", "PST-03", "PST-04"):
            assert re.match(r"\d+ (child|children) in \d+ posts? ", counted), counted
        else:
            assert counted.startswith(f"{checked[r['Rule']]['open']} of {checked[r['Rule']]['checked']:,} "), counted
    assert all(r["Status"] == "Open" for r in rows)
    # No --meeting-date: the meeting is the day the report was made, and nothing is due before it; the rows due
    # now (critical, older than a term) come first.
    made = dt.date.fromisoformat(findings_made(rendered))
    due = [r["Due date"].date() for r in rows]
    assert min(due) >= made and all(day.weekday() < 5 for day in due)
    assert {r["When"] for r in rows if r["Due date"].date() == min(due)} <= {"Now", "2 weeks"}
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert '"Open,In progress,Done,Accepted risk"' in lists
    text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert personal_data_in(text, personal_strings(load_workbooks(rendered["folder"]))) == []


# --- input carrying markup, and the trend ------------------------------------------------------


def test_markup_from_the_input_is_shown_as_text(injected):
    assert injected["proc"].returncode == 0, injected["proc"].stderr[-3000:]
    governors, detail = _page(injected), _page(injected, "dpo-detail.html")
    for page in (governors, detail):
        assert INJECTED not in page and "<i>LKS</i>" not in page and "<b>P-1</b>" not in page
        assert "&lt;i&gt;LKS&lt;/i&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in governors  # the policy version, in the title block
    assert "&lt;b&gt;P-1&lt;/b&gt;" in detail  # the post's ID on its findings


def test_school_name_is_text_in_the_action_plan(injected):
    sheet = openpyxl.load_workbook(injected["dir"] / "action-plan.xlsx")["Action plan"]
    assert sheet["A1"].data_type == "s" and sheet["A1"].value.startswith("Social media policy action plan: =1+2")


def test_trend_against_previous_findings(injected):
    page, detail = _page(injected), _page(injected, "dpo-detail.html")
    assert ">In 2024-25<" in page and "Last year's review (2024-25) found" in html.unescape(page)
    assert ">Trend by rule against 2024-25<" in detail and ">Trend by rule" not in page
    assert re.search(r"(up|down) [\d,]+|no change", detail)


# --- failures ------------------------------------------------------------------------------------


def test_failing_cell_publishes_nothing_and_says_where(tmp_path, capfd):
    folder = _small_school(tmp_path / "school")
    notebook = nbformat.read(str(ROOT / "notebooks" / "annual_review.ipynb"), as_version=4)
    parameters = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    failing = nbformat.v4.new_notebook(
        metadata=notebook.metadata,
        cells=[
            parameters,
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_code_cell("raise ValueError('the data folder is on fire\\nsecond line')"),
        ],
    )
    nbformat.write(failing, str(tmp_path / "failing.ipynb"))
    published = tmp_path / "out" / YEAR
    published.mkdir(parents=True)
    (published / "annual-review.html").write_text("last year's report")

    with pytest.raises(ReportFailed) as failed:
        render_report(
            ReportParameters(school="Little Kinvaston School", year=YEAR, data_dir=folder, as_of=AS_OF),
            tmp_path / "out",
            timeout=120,
            notebook=tmp_path / "failing.ipynb",
        )

    # The library says it in one line and prints nothing of its own: printing is the command's.
    assert "lks-audit:" not in capfd.readouterr().err
    match = re.fullmatch(
        r"the report notebook failed in cell (\d+): ValueError: the data folder is on "
        r"fire; partly executed notebook: (.+\.ipynb)",
        str(failed.value),
    )
    assert match, str(failed.value)
    partial = Path(match.group(2))
    assert partial.exists() and stat.S_IMODE(partial.stat().st_mode) == 0o600
    executed = nbformat.read(str(partial), as_version=4)
    assert any(o.get("ename") == "ValueError" for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert (published / "annual-review.html").read_text() == "last year's report"
    assert sorted(p.name for p in published.iterdir()) == ["annual-review.failed.ipynb", "annual-review.html"]


def test_usage_errors_exit_2_before_any_kernel(tmp_path):
    folder = _small_school(tmp_path / "school")
    bad_previous = tmp_path / "previous.json"
    bad_previous.write_text('{"not": "findings"}')
    for args in (
        ("--year", "2025"),
        ("--year", YEAR, "--previous", bad_previous),
        ("--year", YEAR, "--param", "nonsense=1"),
        ("--year", YEAR, "--meeting-date", "14 October"),
    ):
        proc = run_cli("report", folder, "--out", tmp_path / "out", *args, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("lks-audit: ")
    assert not (tmp_path / "out" / YEAR).exists() or not any((tmp_path / "out" / YEAR).iterdir())


def test_personal_data_guard_matches_whole_words_only():
    strings = {"ST0001": "a Student ID", "Amelia Hart": "a student name", "Helen Parry": "a staff name"}
    assert personal_data_in("<td>st0001</td>", strings) == ["a Student ID ('st0001')"]
    assert personal_data_in('<img alt="Amelia&#32;Hart">', strings) == ["a student name ('Amelia Hart')"]
    assert personal_data_in("<td>ST00012</td><td>Amelia Hartley</td>", strings) == []
    assert personal_data_in("<img src='data:image/png;base64,xxST0001xx'>", strings) == []
    # A chart's labels are text the page shows: an SVG chart is read.
    chart = base64.b64encode(b'<svg><text x="1">Amelia &amp; ST0001</text></svg>').decode()
    assert personal_data_in(f"<img src='data:image/svg+xml;base64,{chart}'>", strings) == ["a Student ID ('ST0001')"]
    # A first name or a surname after a title counts where a person typed the text (the DPO's words), not in the
    # page's own words, where a first name can be an ordinary word.
    typed = (
        '<p>Amelia and Mrs Parry</p><p><span class="lks-typed">Amelia&#39;s photo; Mrs <time>Parry</time></span></p>'
    )
    assert personal_data_in(typed, strings) == [
        "a student's first name ('Amelia')",
        "a staff member's surname after a title ('Mrs Parry')",
    ]
    assert personal_data_in('<p class="lks-typed">In May and March</p>', {"May Hart": "a student name"}) == []


def test_atomic_write_replaces_whole_files_and_cleans_up(tmp_path):
    target = tmp_path / "findings.json"
    target.write_text("old")
    inode = target.stat().st_ino
    atomic_write(target, b"new", 0o600)
    assert target.read_bytes() == b"new" and target.stat().st_ino != inode
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(TypeError):
        atomic_write(target, "not bytes", 0o600)  # fails half way: the old file stays whole
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["findings.json"]
