"""The DPO's year through ``lks-audit report`` (a real kernel, real files): a plan edited between runs keeps its
edits (openpyxl and LibreOffice), last year's plan gives 'Since last year', five years of history, text that
names a student refused, and the command saying what it did."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from html import unescape
from pathlib import Path

import openpyxl
import pytest

from lks_audit.audit import closures_of, run_rules
from lks_audit.context import make_context
from lks_audit.load import load_workbooks
from lks_audit.outputs.action_plan import CLOSED_SHEET, PLAN_SHEET
from lks_audit.outputs.findings_json import findings_json_text

from school import (
    SIGNED_POLICY,
    d,
    write_school,
)
from test_governors_page import print_to_pdf

LKS_AUDIT = Path(sys.executable).parent / "lks-audit"
ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

STAFF = [
    {
        "Staff ID": "S001",
        "Name": "Jane Teacherson",
        "Type": "Employee",
        "Start date": d(2018, 9, 1),
        "Policy read on": d(2024, 9, 2),
        "Social media training on": d(2024, 9, 3),
        "Annual declaration on": d(2025, 8, 4),
    }
]
CONSENT = [
    {
        "Student ID": "ST9001",
        "Student name": "Amelia Hartwell",
        "Form received on": d(2019, 9, 5),
        "Social media consent": "Yes",
    }
]
#: Past its review date (POL-01, high) and not signed by the proprietor (POL-02, medium).
STALE_UNSIGNED = dict(SIGNED_POLICY, **{"Next review due": d(2026, 7, 1), "Signed by proprietor on": None})
STALE_SIGNED = dict(SIGNED_POLICY, **{"Next review due": d(2026, 7, 1)})
LAST_YEAR_POLICY = {
    "Policy version": "2024.1",
    "Approved on": d(2024, 7, 15),
    "Next review due": d(2025, 7, 15),
    "Signed by chair of governors on": d(2024, 7, 16),
}


def run_cli(*args, timeout=900, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(LKS_AUDIT), *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=cwd)


def report(
    folder: Path, out: Path, year="2025-26", as_of="2026-07-20", *extra, cwd=None
) -> subprocess.CompletedProcess:
    return run_cli("report", folder, "--year", year, "--as-of", as_of, "--out", out, *extra, cwd=cwd)


def school(folder: Path, policy: dict, **sheets) -> Path:
    return write_school(folder, Policy=[policy], Staff=STAFF, Consent=CONSENT, **sheets)


def plan_rows(path: Path, sheet: str = PLAN_SHEET) -> list[dict]:
    """The table of one sheet of a plan, as header -> value per row."""
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    header = [c.value for c in ws[4]]
    return [dict(zip(header, r)) for r in ws.iter_rows(min_row=5, values_only=True) if any(v is not None for v in r)]


def by_rule(rows: list[dict]) -> dict[str, dict]:
    return {r["Rule"]: r for r in rows if r["Rule"]}


def typed(row: dict) -> tuple:
    """What a person may type into a rule's row and have carried: its Status, Owner and Notes."""
    return row["Status"], row["Owner"], row["Notes"]


def edit_plan(path: Path, edits: dict[str, dict], added: list[dict] = ()) -> None:
    """Change cells of a published plan as a person would in Excel (openpyxl), and add rows at the end."""
    book = openpyxl.load_workbook(path)
    ws = book[PLAN_SHEET]
    header = [c.value for c in ws[4]]
    for row in ws.iter_rows(min_row=5):
        for column, value in edits.get(row[0].value, {}).items():
            row[header.index(column)].value = value
    for values in added:
        line = ws.max_row + 1
        for column, value in values.items():
            ws.cell(line, header.index(column) + 1, value)
    book.save(path)


def libreoffice_save(path: Path, work: Path) -> None:
    """Open ``path`` in LibreOffice and save it again as .xlsx, as a school office using LibreOffice would."""
    out = work / "saved-by-libreoffice"
    profile = work / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    saved = out / path.name
    with zipfile.ZipFile(saved) as book:
        assert b"<Application>LibreOffice" in book.read("docProps/app.xml")  # written by LibreOffice itself
    shutil.copyfile(saved, path)


def page_text(folder: Path, name="annual-review.html") -> str:
    page = re.sub(r"data:image/[\w+.-]+;base64,[A-Za-z0-9+/=]+", "", (folder / name).read_text(encoding="utf-8"))
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


# --- a plan edited between runs of the same year ------------------------------------------------------


def test_edits_to_the_plan_are_kept_across_runs_by_rule_openpyxl_and_libreoffice(tmp_path):
    data, out = tmp_path / "data", tmp_path / "reports"
    school(data, STALE_UNSIGNED)
    first = report(Path("data"), Path("reports"), cwd=tmp_path)  # relative, as a DPO types them
    assert first.returncode == 0, first.stderr[-3000:]
    published = out / "2025-26"
    assert set(by_rule(plan_rows(published / "action-plan.xlsx"))) == {"POL-01", "POL-02", "DQ-06"}

    edit_plan(
        published / "action-plan.xlsx",
        {
            "POL-01": {"Status": "In progress", "Owner": "Clerk to the governors", "Notes": "Autumn meeting"},
            "POL-02": {"Status": "Done", "Notes": "Proprietor signed on 01/07/2026"},
        },
        added=[{"What to do": "Buy a password manager licence", "Owner": "Business manager", "Status": "Open"}],
    )
    edited = (published / "action-plan.xlsx").read_bytes()
    school(data, STALE_SIGNED)  # the data is fixed: POL-02 has no finding any more
    second = report(Path("data"), Path("reports"), cwd=tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]

    rows = plan_rows(published / "action-plan.xlsx")
    assert typed(by_rule(rows)["POL-01"]) == ("In progress", "Clerk to the governors", "Autumn meeting")
    assert "POL-02" not in by_rule(rows)
    (added,) = [r for r in rows if r["Rule"] is None]
    assert (added["What to do"], added["Owner"], added["Status"]) == (
        "Buy a password manager licence",
        "Business manager",
        "Open",
    )
    (closed,) = plan_rows(published / "action-plan.xlsx", CLOSED_SHEET)
    assert (closed["Rule"], closed["Status"], closed["Notes"]) == ("POL-02", "Done", "Proprietor signed on 01/07/2026")

    # The edited file of the set replaced is kept, owner-only, and the command says so and what it carried.
    (kept,) = (published / "previous-runs").glob("*/action-plan.xlsx")
    assert kept.read_bytes() == edited
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    assert f"kept {kept.relative_to(tmp_path)} (edited since it was published" in second.stdout
    assert (
        "carried into reports/2025-26/action-plan.xlsx: the edits of 2 rules (POL-01, POL-02) and 1 row added by hand"
        in second.stdout
    )
    manifest = json.loads((published / "manifest.json").read_text())
    assert "action-plan.xlsx" in manifest["files"] and not any("previous-runs" in f for f in manifest["files"])

    # The same plan saved again by LibreOffice, with one more edit: still carried, nothing lost.
    edit_plan(published / "action-plan.xlsx", {"POL-01": {"Notes": "Moved to the spring meeting"}})
    libreoffice_save(published / "action-plan.xlsx", tmp_path)
    third = report(data, out)
    assert third.returncode == 0, third.stderr[-3000:]
    rows = plan_rows(published / "action-plan.xlsx")
    assert typed(by_rule(rows)["POL-01"]) == ("In progress", "Clerk to the governors", "Moved to the spring meeting")
    assert [r["What to do"] for r in rows if r["Rule"] is None] == ["Buy a password manager licence"]
    assert [r["Rule"] for r in plan_rows(published / "action-plan.xlsx", CLOSED_SHEET)] == ["POL-02"]
    # Both earlier edited plans are kept: the one from the second run carried, the LibreOffice one beside it.
    assert len(list((published / "previous-runs").glob("*/action-plan.xlsx"))) == 2


def test_a_note_naming_a_student_is_not_carried_into_the_plan_governors_read(tmp_path):
    data, out = tmp_path / "data", tmp_path / "reports"
    school(data, STALE_UNSIGNED)
    assert report(data, out).returncode == 0
    plan = out / "2025-26" / "action-plan.xlsx"
    edit_plan(plan, {"POL-01": {"Notes": "Ask ST9001's parents"}})
    before = sorted(p.name for p in (out / "2025-26").iterdir())
    refused = report(data, out)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1] == (
        f"lks-audit: {plan}, sheet Action plan, cell L5 (Notes) holds a Student ID ('ST9001') from the data; the new "
        "action plan would carry it to governors, so reword it without names or IDs. Nothing was published"
    )
    assert sorted(p.name for p in (out / "2025-26").iterdir()) == before  # no partial notebook either
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [
        p.name for p in out.iterdir() if ".run-" in p.name
    ], "no staging folder left"

    # A plan that cannot be read any more (saved over by something else): the run goes on, says so, keeps it.
    plan.write_text("Rule,Status\nPOL-01,Done\n")
    damaged = report(data, out)
    assert damaged.returncode == 0, damaged.stderr[-3000:]
    assert (
        f"lks-audit: {plan}: action-plan.xlsx cannot be read (a text/CSV file renamed .xlsx; open it in Excel and "
        "save as Excel Workbook (.xlsx)); its edits cannot be carried (the file is kept in previous-runs/)"
    ) in damaged.stderr
    (kept,) = (out / "2025-26" / "previous-runs").glob("*/action-plan.xlsx")
    assert kept.read_text() == "Rule,Status\nPOL-01,Done\n"


# --- the DPO's text for governors ------------------------------------------------------------------------


def test_commentary_naming_a_student_is_refused_naming_the_word_and_the_cell_and_nothing_is_published(tmp_path):
    """Governors-page.md: a student's first name is refused (a full name too, tested without a kernel), with the
    word and the cell, so the DPO can reword it."""
    data, out = tmp_path / "data", tmp_path / "reports"
    commentary = "Amelia's photo was removed in May."
    school(
        data, STALE_UNSIGNED, Areas=[{"Area": "Images and consent", "Assurance": "Limited", "Commentary": commentary}]
    )
    published = out / "2025-26"
    published.mkdir(parents=True)
    (published / "annual-review.html").write_text("last run's report")
    proc = report(data, out)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        "lks-audit: dpo_review.xlsx, sheet Areas: cell C2 (Commentary) holds a student's first name ('Amelia') from "
        "the data; governors would read it, so reword it without names or IDs. Nothing was published"
    )
    assert "Traceback" not in proc.stderr
    assert [p.name for p in published.iterdir()] == ["annual-review.html"]
    assert (published / "annual-review.html").read_text() == "last run's report"
    assert [p.name for p in out.iterdir()] == ["2025-26"]


# --- two years, and five ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def two_years(tmp_path_factory) -> dict:
    """Six earlier years' findings.json below reports/ (2019-20 to 2023-24 audited as ``check --json`` audits,
    2024-25 a report whose plan was edited), then 2025-26 rendered with --previous reports/2024-25 --history
    reports."""
    work = tmp_path_factory.mktemp("two-years")
    out = work / "reports"
    older = load_workbooks(school(work / "older", LAST_YEAR_POLICY))
    for first in range(2019, 2024):
        year = f"{first}-{(first + 1) % 100:02d}"
        result = run_rules(older, make_context(year, f"{first + 1}-08-31", {}, closures=closures_of(older)))
        (out / year).mkdir(parents=True)
        (out / year / "findings.json").write_text(findings_json_text(result))
    # Not years of their own: a kept copy and a hidden run folder are never read.
    (out / "2023-24" / "previous-runs" / "x").mkdir(parents=True)
    (out / "2023-24" / "previous-runs" / "x" / "findings.json").write_text("not ours")
    (out / ".2022-23.run-1-x").mkdir()
    (out / ".2022-23.run-1-x" / "findings.json").write_text("not ours")

    last = report(school(work / "2024-25", LAST_YEAR_POLICY), out, "2024/25", "2025-08-31")
    assert last.returncode == 0, last.stderr[-3000:]
    edit_plan(
        out / "2024-25" / "action-plan.xlsx",
        {
            "POL-02": {"Status": "Done", "Notes": "Signed at the September meeting"},
            "POL-01": {"Status": "In progress", "Notes": "Review booked"},
        },
    )
    unread = {"Staff ID": "S002", "Name": "Omar Helperton", "Type": "Volunteer", "Start date": d(2025, 9, 1)}
    this = write_school(work / "2025-26", Policy=[STALE_SIGNED], Staff=STAFF + [unread], Consent=CONSENT)
    proc = report(this, out, "2025-26", "2026-07-20", "--previous", out / "2024-25", "--history", out)
    return {"proc": proc, "dir": out / "2025-26", "out": out, "last": out / "2024-25", "data": this}


def test_since_last_year_on_a_two_year_run(two_years):
    assert two_years["proc"].returncode == 0, two_years["proc"].stderr[-3000:]
    rows = by_rule(plan_rows(two_years["dir"] / "action-plan.xlsx"))
    since = {rule: (r["Since last year"], r["Last year's status"], r["Last year's notes"]) for rule, r in rows.items()}
    assert since == {
        "POL-01": ("Carried over", "In progress", "Review booked"),
        "DQ-06": ("Carried over", "Open", None),
        "TRN-03": ("New", None, None),
        "POL-02": ("Resolved", "Done", "Signed at the September meeting"),
    }
    assert rows["POL-02"]["Findings, of what was checked"] == "None open this year"


def test_governors_read_how_last_years_actions_ended(two_years):
    text = page_text(two_years["dir"])
    assert (
        "Last year's action plan (2024-25) had 3 actions: 1 was marked done, and this year's checks find nothing "
        "open for 1 of them. Of this year's 3 actions, 2 carry on from last year and 1 is new."
    ) in text
    # On the first page, before the decisions.
    assert text.index("Since last year") < text.index("Decisions for the governing body")


def test_five_years_of_history_per_area(two_years):
    page = (two_years["dir"] / "annual-review.html").read_text(encoding="utf-8")
    section = re.search(r'<section[^>]*aria-labelledby="h-history".*?</section>', page, re.S).group(0)
    assert ">The years so far<" in section
    header = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', section)
    years = ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"]
    assert header == ["Year", "Critical", "High", "Medium", "Advisory", "All open", "Area", *years]
    last_year = json.loads((two_years["last"] / "findings.json").read_text())["summary"]["areas"]
    this_year = json.loads((two_years["dir"] / "findings.json").read_text())["summary"]["areas"]

    def cells(row_header):
        row = re.search(rf'<th scope="row">{row_header}</th>(.*?)</tr>', section, re.S).group(1)
        return [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]

    # By how serious, not a raw sum: the open findings of each year by severity, and in all.
    for year, areas in (("2024-25", last_year), ("2025-26", this_year)):
        by_severity = [sum(a["counts"][s] for a in areas.values()) for s in ("critical", "high", "medium", "advisory")]
        assert cells(year) == [f"{n:,}" for n in by_severity + [sum(by_severity)]]
    assert cells("Governance and accounts")[-2:] == [last_year["governance"]["rag"], this_year["governance"]["rag"]]


def test_the_report_says_what_it_did(two_years):
    out = two_years["proc"].stdout.splitlines()
    folder = two_years["dir"]
    names = ("annual-review.html", "dpo-detail.html", "action-plan.xlsx", "dpo-actions.xlsx", "findings.json",
             "history.json", "annual-review.ipynb", "manifest.json")  # fmt: skip
    assert out[: len(names)] == [f"wrote {folder / n}" for n in names]
    ratings = out[out.index("Ratings (from the open findings):") + 1 :][:7]
    found = json.loads((folder / "findings.json").read_text())["summary"]["areas"]
    assert ratings == [f"  {info['rag']:<5}  {info['title']}" for info in found.values()]
    assert out[-1] == "55 of 55 rules assessed; 0 not assessed (see the appendix)"


# --- arguments --------------------------------------------------------------------------------------------


def test_previous_and_history_are_checked_before_any_kernel(tmp_path, two_years):
    data = school(tmp_path / "data", STALE_UNSIGNED)
    out = tmp_path / "reports"
    cases = {
        ("--previous", tmp_path / "nowhere"): (
            f"lks-audit: --previous: {tmp_path / 'nowhere'}: not found"
        ),
        ("--previous", two_years["dir"]): (
            f"lks-audit: --previous: {two_years['dir'] / 'findings.json'} is the audit of 2025-26, not of a year "
            "before 2025-26"
        ),
        ("--history", tmp_path / "no-reports"): f"lks-audit: --history: {tmp_path / 'no-reports'}: not found",
        ("--year", "2025/2027"): "lks-audit: --year must be an academic year like 2025-26 or 2025/26, got '2025/2027'",
    }  # fmt: skip
    for args, line in cases.items():
        extra = args if args[0] == "--year" else ("--year", "2025-26", *args)
        proc = run_cli("report", data, "--out", out, *extra, timeout=60)
        assert (proc.returncode, proc.stderr) == (2, line + "\n"), args
    assert not out.exists() or list(out.iterdir()) == []


def test_a_run_that_assesses_less_than_the_set_it_replaces_says_so(tmp_path):
    data, out = tmp_path / "data", tmp_path / "reports"
    school(data, STALE_UNSIGNED)
    assert report(data, out).returncode == 0
    (data / "posts_log.xlsx").unlink()
    proc = report(data, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "lks-audit: warning: the set this one replaced assessed 55 of 55 rules, this one only " in proc.stderr
    assert re.search(r"^\d+ of 55 rules assessed; \d+ not assessed \(see the appendix\)$", proc.stdout, re.M)


# --- the DPO's worklist -----------------------------------------------------------------------------------


def test_dpo_actions_lists_every_finding_not_closed_ready_for_the_review(two_years):
    path = two_years["dir"] / "dpo-actions.xlsx"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    book = openpyxl.load_workbook(path)
    assert book.properties.subject == "Contains personal data"
    sheet = book["Worklist"]
    assert sheet["A1"].value.startswith("Contains personal data: every finding of the audit that needs the Data")
    header = [c.value for c in sheet[3]]
    assert header[:6] == ["Finding ID", "Decision", "Reason", "Decided by", "Decided on", "Review by"]
    assert header[6:] == ["State", "Rank", "Severity", "Owner", "Due", "Done", "Notes", "Rule", "Student ID", "Where",
                          "What to do", "Finding"]  # fmt: skip
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=4, values_only=True)]
    found = json.loads((two_years["dir"] / "findings.json").read_text())["findings"]
    # Open, lapsed and to confirm: every finding without a decision in force (none here is due for review).
    assert sorted(r["Finding ID"] for r in rows) == sorted(f["id"] for f in found if not f["decision"])
    assert all(r["Decision"] is None and r["Reason"] is None and r["Review by"] is None for r in rows)


def test_gitignore_keeps_every_report_out_of_git():
    for path in ("reports/2031-32", "reports/.2031-32.run-1-x", "reports/.2031-32.staging-1-x"):
        ignored = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT)
        assert ignored.returncode == 0, path  # a year folder, or a link from an older lks-audit: both ignored
    assert subprocess.run(["git", "check-ignore", "--no-index", "-q", "reports/README.md"], cwd=ROOT).returncode == 1


# --- the sample school's two years, as make report renders them ----------------------------------------


def test_make_report_renders_the_sample_with_its_previous_year():
    makefile = (ROOT / "Makefile").read_text()
    assert "--previous reports/$(EARLIER_YEAR) --history reports" in makefile
    assert "$(EARLIER_SAMPLE) --year $(EARLIER_YEAR)" in makefile


def test_the_samples_governors_page_shows_trend_carry_over_and_the_dpos_voice(sample_two_years):
    assert sample_two_years["proc"].returncode == 0, sample_two_years["proc"].stderr[-3000:]
    text = page_text(sample_two_years["dir"])
    for shown in (
        "In 2024-25",
        "The years so far",
        "Last year's action plan (2024-25) had 45 actions",
        # 9 new: 4 new problems, and the 5 checks against the platforms' archives, which 2024-25 did not have.
        "Of this year's 53 actions, 44 carry on from last year and 9 are new.",
        "An accepted risk has lapsed: passwords not stored securely, accepted until 31 March 2026 ; the DPO has "
        "not renewed it, so it counts again.",
        "DPO's opinion",  # beside each area's rating on the first page, and in each area's section:
        "Content and conduct Amber The DPO's opinion: Reasonable assurance . One student's full name was published "
        "at the family's request",
        "Note the 1 risk the school has accepted on the DPO's advice",
        "Set aside by the DPO's decisions, and left out of the rating while they stand: 1 accepted as a risk and 1 "
        "judged not to break the policy.",
        "Students' full names in posts : The family asked for the county chess result to be published",
    ):
        assert shown in text, shown
    rows = by_rule(plan_rows(sample_two_years["dir"] / "action-plan.xlsx"))
    since = {rule: r["Since last year"] for rule, r in rows.items()}
    evidence = {"EVD-01", "EVD-02", "EVD-03", "EVD-04", "EVD-05"}  # the sample's archives are new in 2025-26
    assert {r for r, s in since.items() if s == "New"} == {"IMG-05", "IMG-07", "PST-06", "INC-06"} | evidence
    # Both PST-03 findings set aside by the DPO, one accepted as a risk: followed, never read as resolved.
    assert {r for r, s in since.items() if s == "Resolved"} == set()
    assert (since["PST-03"], rows["PST-03"]["Status"]) == ("Carried over (accepted risk)", "Accepted risk")
    # Its base: the logged posts and the 2 posts only the platforms show (the name check reads them too).
    assert rows["PST-03"]["Findings, of what was checked"] == "1 of 1,508 posts accepted as a risk"


def test_the_samples_dpo_detail_lists_every_decision_and_the_notice(sample_two_years):
    text = page_text(sample_two_years["dir"], "dpo-detail.html")
    assert "The DPO's decisions" in text
    assert "Not a breach in force The runner named is from the visiting school" in text
    assert re.search(r"ACC-05 ?: ?ACC-003 Accepted risk lapsed: counts again", text)
    assert (
        "dpo_review.xlsx, sheet Decisions: cell A5: the decision names ACC-09:ACC-05, which no finding of this "
        "audit has (resolved since, or mistyped): it is not applied"
    ) in text


def test_the_samples_worklist_says_what_each_finding_needs(sample_two_years):
    sheet = openpyxl.load_workbook(sample_two_years["dir"] / "dpo-actions.xlsx")["Worklist"]
    header = [c.value for c in sheet[3]]
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=4, values_only=True)}
    img01 = [r for r in rows.values() if r["Rule"] == "IMG-01" and r["State"] == "Open"]
    assert len(img01) == 6 and all(r["What to do"].startswith("Take the post down") for r in img01)
    assert all(r["Student ID"] and r["Where"].startswith("posts_log.xlsx, Posts G") for r in img01)
    assert rows["ACC-05:ACC-003"]["State"] == "Lapsed"
    assert rows["ACC-05:ACC-003"]["What to do"].startswith(
        "Your decision (Accepted risk) lapsed on 31/03/2026: to renew it, add a new row for this Finding ID to the "
        "Decisions sheet of dpo_review.xlsx with a later Decided on"
    )
    # Set aside until withdrawn: closed. Accepted until 18/12/2026: due for review within three months of the meeting
    # (make report's meeting is the later of today and the audit day), so on the list, due on its Review by.
    assert "PST-03:P-01090:ST0595" not in rows
    chess = rows.get("PST-03:P-00493:ST0054")
    if dt.date.today() >= dt.date(2026, 9, 18):
        assert (chess["State"], chess["Due"].date()) == ("Review due", dt.date(2026, 12, 18))
    waiting = rows["IMG-01:P-00688:ST0699"]
    assert waiting["State"] == "To confirm" and "DQ-04:P-00688:Students_pictured:ST0699" in waiting["What to do"]


def test_the_samples_archives_are_counts_for_governors_and_detail_for_the_dpo(sample_two_years):
    """platform-exports.md: governors see counts only; the DPO's detail lists each unlogged post with its time,
    account and text, and each mismatch side by side; dpo-actions.xlsx has a row for each."""
    governors = page_text(sample_two_years["dir"])
    for shown in (
        "Posts never logged , 2 of 1,272 posts on the platforms",
        "Messages never logged , 1 of 604 messages received on the platforms",
        "Reply times logged wrongly , 1 of 826 replies found on the platforms",
        "The platforms' own records were checked too.",
    ):
        assert shown in governors, shown
    for hidden in ("Photos from the Year 4 trip", "ACC-001:", "P-00739", "P-01070", "I-000842", "23:40", "storm"):
        assert hidden not in governors, hidden
    # The action plan governors receive sends its EVD rows' records to the DPO's worklist, as it does a child's.
    plan = by_rule(plan_rows(sample_two_years["dir"] / "action-plan.xlsx"))
    assert {plan[r]["Records"] for r in plan if r.startswith("EVD")} == {"In the DPO's worklist"}
    detail = page_text(sample_two_years["dir"], "dpo-detail.html")
    for shown in (
        "Checked against the platforms",
        "platform_exports/ACC-003.zip ACC-003 X: 180 posts from 01/09/2025 to 25/08/2026",
        "Posts on the platforms never logged (2)",
        "ACC-001 Sat 16/05/2026 20:15 Photos from the Year 4 trip to the farm: what a day!",
        "Published text that differs from the log, side by side (2)",
        "Great teamwork from our Year 3 rounders squad this afternoon. Great teamwork from our Year 3 rounders squad "
        "this afternoon, well done Zoë! 0.90",
        "Messages to the school never logged (1)",
        "Reply times that differ from the platform's (1)",
    ):
        assert shown in detail, shown
    sheet = openpyxl.load_workbook(sample_two_years["dir"] / "dpo-actions.xlsx")["Worklist"]
    header = [c.value for c in sheet[3]]
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=4, values_only=True)]
    evd = sorted((r["Rule"], r["Where"].split(",")[0], r["State"]) for r in rows if (r["Rule"] or "").startswith("EVD"))
    assert evd == [
        ("EVD-01", "platform_exports/ACC-001.zip", "Open"),
        ("EVD-01", "platform_exports/ACC-003.zip", "Open"),
        ("EVD-02", "posts_log.xlsx", "Open"),
        ("EVD-02", "posts_log.xlsx", "To confirm"),  # it waits on its Removed on
        ("EVD-03", "posts_log.xlsx", "Open"),
        ("EVD-03", "posts_log.xlsx", "Open"),
        ("EVD-04", "platform_exports/ACC-001.zip", "Open"),
        ("EVD-05", "interactions_log.xlsx", "Open"),
    ]


def test_the_two_year_governors_page_still_prints_on_six_pages(sample_two_years, tmp_path):
    pages = print_to_pdf(sample_two_years["dir"] / "annual-review.html", tmp_path / "review.pdf")
    assert len(pages) <= 6, f"{len(pages)} printed pages"
    assert any("The years so far" in page for page in pages)


def test_a_row_of_the_worklist_pasted_into_the_review_is_a_decision(two_years, tmp_path):
    """The DPO fills in a row of dpo-actions.xlsx and pastes its first six cells into dpo_review.xlsx (from the
    template): the next check applies the decision."""
    from lks_audit.templates import write_templates

    worklist = openpyxl.load_workbook(two_years["dir"] / "dpo-actions.xlsx")["Worklist"]
    row = next(r for r in worklist.iter_rows(min_row=4) if r[0].value == "POL-01:2025.1")
    for cell, value in zip(
        row[1:6], ("Accepted risk", "Review at the autumn meeting", "DPO", d(2026, 7, 1), d(2027, 1, 31))
    ):
        cell.value = value
    data = tmp_path / "data"
    shutil.copytree(two_years["data"], data)
    write_templates(tmp_path / "blank")
    review = openpyxl.load_workbook(tmp_path / "blank" / "dpo_review.xlsx")
    for target, source in zip(review["Decisions"][2], row[:6]):  # paste values, as Excel's Paste Values does
        target.value = source.value
    review.save(data / "dpo_review.xlsx")
    check = run_cli("check", data, "--year", "2025-26", "--as-of", "2026-07-20", "--json")
    assert check.returncode == 0, check.stderr
    doc = json.loads(check.stdout)
    (pol01,) = [f for f in doc["findings"] if f["rule"] == "POL-01"]
    assert pol01["decision"] == {
        "decision": "Accepted risk",
        "reason": "Review at the autumn meeting",
        "decided_by": "DPO",
        "decided_on": "2026-07-01",
        "review_by": "2027-01-31",
    }
    assert doc["notices"] == [] and not [f for f in doc["findings"] if f["file"] == "dpo_review.xlsx"]


# --- the DPO's year, exact (issue 18): an .ods plan, a file of the DPO's own, decisions dated after the year ----


def libreoffice_save_as(path: Path, fmt: str, folder: Path, work: Path) -> Path:
    """Save ``path`` as LibreOffice would in ``fmt`` (``ods``: what it offers first) into ``folder``."""
    profile = work / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
         "--outdir", str(folder), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return folder / f"{path.stem}.{fmt}"


def test_a_plan_saved_as_ods_is_carried_and_a_file_of_the_dpos_is_left_untouched(tmp_path):
    data, out = tmp_path / "data", tmp_path / "reports"
    school(data, LAST_YEAR_POLICY)
    assert report(data, out, "2024-25", "2025-08-31").returncode == 0
    year = out / "2024-25"
    # Opened in LibreOffice, edited, saved in its own format: action-plan.ods beside the untouched .xlsx.
    editing = shutil.copy(year / "action-plan.xlsx", tmp_path / "action-plan.xlsx")
    edit_plan(
        editing,
        {"POL-01": {"Status": "Done", "Owner": "Clerk to the governors", "Notes": "Re-approved in July"}},
        added=[{"Rule": "OWN-1", "What to do": "Buy a password manager", "Owner": "Bursar", "Status": "Open"}],
    )
    ods = libreoffice_save_as(editing, "ods", year, tmp_path)
    ods_bytes = ods.read_bytes()
    notes = year / "governors-notes.txt"
    notes.write_text("Ask about the rota at the spring meeting")
    before = notes.stat()
    (year / "minutes").mkdir()
    (year / "minutes" / "spring.txt").write_text("Minutes of the spring meeting")

    again = report(data, out, "2024-25", "2025-08-31")
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.count("governors-notes.txt") == 1
    assert "kept: governors-notes.txt, not written by lks-audit" in again.stdout.splitlines()
    assert "kept: action-plan.ods, not written by lks-audit" in again.stdout.splitlines()
    assert "kept: minutes/, not written by lks-audit" in again.stdout.splitlines()
    assert (year / "minutes" / "spring.txt").read_text() == "Minutes of the spring meeting"
    after = notes.stat()
    assert (after.st_ino, after.st_mtime_ns, notes.read_text()) == (
        before.st_ino, before.st_mtime_ns, "Ask about the rota at the spring meeting")  # fmt: skip
    assert ods.read_bytes() == ods_bytes
    rows = plan_rows(year / "action-plan.xlsx")
    assert typed(by_rule(rows)["POL-01"]) == ("Done", "Clerk to the governors", "Re-approved in July")
    assert [r["What to do"] for r in rows if r["Rule"] == "OWN-1"] == ["Buy a password manager"]
    manifest = json.loads((year / "manifest.json").read_text())
    assert "governors-notes.txt" not in manifest["files"] and "action-plan.ods" not in manifest["files"]

    # Next year: decisions taken after the year ends are no data fault; last year's owner and own rows carry on.
    this = school(
        tmp_path / "2025-26",
        LAST_YEAR_POLICY,
        Decisions=[{"Finding ID": "POL-02:2024.1", "Decision": "Accepted risk", "Reason": "Signing booked",
                    "Decided by": "DPO", "Decided on": d(2026, 9, 15), "Review by": d(2027, 3, 31)}],
    )  # fmt: skip
    proc = report(this, out, "2025-26", "2026-08-31", "--previous", year, "--meeting-date", "14/10/2026")
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads((out / "2025-26" / "findings.json").read_text())
    assert [f["id"] for f in found["findings"] if f["file"] == "dpo_review.xlsx"] == []
    rows = plan_rows(out / "2025-26" / "action-plan.xlsx")
    pol01 = by_rule(rows)["POL-01"]
    assert (pol01["Since last year"], pol01["Owner"], pol01["Status"], pol01["Last year's status"]) == (
        "Carried over", "Clerk to the governors", "Open", "Done")  # fmt: skip
    assert (by_rule(rows)["POL-02"]["Status"], by_rule(rows)["POL-02"]["Since last year"]) == (
        "Accepted risk", "Carried over (accepted risk)")  # fmt: skip
    assert [(r["Owner"], r["Since last year"]) for r in rows if r["Rule"] == "OWN-1"] == [("Bursar", "Carried over")]
