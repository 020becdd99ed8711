"""The DPO's notebook API (lks_audit.open_audit) on the sample school: each method against the workbooks, the
command's JSON and the published action plan; decisions written as the contract reads them."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import lks_audit
from lks_audit.errors import AuditInputError, WorkbookOpen

from school import EARLIER_YEAR, SAMPLE_AS_OF, SAMPLE_SCHOOL, SAMPLE_YEAR

LKS_AUDIT = Path(sys.executable).parent / "lks-audit"


@pytest.fixture(scope="module")
def audit():
    # The year and the day as a person types them: the command takes either form.
    return lks_audit.open_audit(SAMPLE_SCHOOL, "2025/26", as_of="31/08/2026")


def check_json(folder: Path) -> dict:
    args = [LKS_AUDIT, "check", folder, "--year", SAMPLE_YEAR, "--as-of", SAMPLE_AS_OF, "--json"]
    return json.loads(subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True).stdout)


def test_findings_are_the_commands_with_their_state(audit, sample_audit):
    frame = audit.findings
    assert audit.year == SAMPLE_YEAR and audit.as_of == dt.date(2026, 8, 31)
    assert frame["id"].tolist() == [f.id for f in sample_audit.findings]
    summary = sample_audit.summary
    states = frame["state"].value_counts().to_dict()
    assert states["open"] == summary["open_findings"] and states["to confirm"] == summary["to_confirm"]
    decided = {f.id: f.decision.decision for f in sample_audit.findings if f.decision}
    assert frame.loc[frame["state"] == "set aside"].set_index("id")["decision"].to_dict() == decided
    # A decision whose Review by has passed leaves its finding open, and says so.
    lapsed = frame.set_index("id").loc["ACC-05:ACC-003"]
    assert lapsed["state"] == "open" and "has lapsed" in lapsed["note"]
    waiting = frame[frame["state"] == "to confirm"]
    assert waiting["depends_on"].notna().all()
    # The Excel row and cell, as the message's finding gives them.
    first = frame.iloc[0]
    assert first["cell"].endswith(str(first["row"]))


def test_undecided_records_and_what_they_wait_on(audit, sample_audit):
    frame = audit.undecided
    assert frame["id"].tolist() == [u.id for u in sample_audit.undecided]
    assert len(frame) == sample_audit.summary["undecided"] and frame["waits_on"].notna().all()


def test_areas_are_the_summarys_ratings_and_counts(audit, sample_audit):
    areas = audit.areas
    for key, info in sample_audit.summary["areas"].items():
        row = areas.loc[key]
        assert (row["rating"], row["open"], row["to_confirm"]) == (info["rag"], info["findings"], info["to_confirm"])
        assert row["why"]
    assert areas["open"].sum() == sample_audit.summary["open_findings"]


def _excel_row(path: Path, sheet: str, row: int) -> dict:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]
    values = next(ws.iter_rows(min_row=row, max_row=row, values_only=True))
    return dict(zip(header, values))


def test_rows_name_the_post_and_the_consent_row_in_force(audit):
    rows = audit.rows("img-01:p-00200:st0289")  # case aside, as decisions are applied
    assert rows[["file", "sheet", "row"]].values.tolist() == [
        ["posts_log.xlsx", "Posts", 201],
        ["image_consent.xlsx", "Consent", 324],
    ]
    post = _excel_row(SAMPLE_SCHOOL / "posts_log.xlsx", "Posts", 201)
    consent = _excel_row(SAMPLE_SCHOOL / "image_consent.xlsx", "Consent", 324)
    assert rows.loc[0, "Post ID"] == post["Post ID"] == "P-00200"
    assert "ST0289" in rows.loc[0, "Students pictured"] and consent["Student ID"] == "ST0289"
    assert rows.loc[1, "Student ID"] == "ST0289" and rows.loc[1, "rests_on"] == "Social media consent"
    with pytest.raises(KeyError, match="did you mean"):
        audit.rows("IMG-01:P-00200:ST0298")


def test_a_sheet_row_is_the_excel_row(audit):
    shown = audit.sheet("posts_log.xlsx").loc[1118]
    typed = _excel_row(SAMPLE_SCHOOL / "posts_log.xlsx", "Posts", 1118)
    assert shown["Post ID"] == typed["Post ID"] and shown["Post text"] == typed["Post text"]
    assert shown["Posted at"] == typed["Posted at"]


def test_pictured_lists_every_post_naming_the_student(audit):
    student = "ST0237"
    ws = openpyxl.load_workbook(SAMPLE_SCHOOL / "posts_log.xlsx", read_only=True)["Posts"]
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]
    column = header.index("Students pictured")
    typed = [
        n
        for n, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2)
        if student in re.split(r"[\s,;/]+", str(values[column] or ""))
    ]
    shown = audit.pictured(student.lower())
    assert shown.index.tolist() == typed and (shown["listed"] == "yes").all()
    assert shown.loc[27, "findings"] == "IMG-01:P-00026:ST0237"


def test_compare_labels_each_finding_in_the_action_plans_words(audit, sample_two_years):
    published = sample_two_years["dir"]
    assert sample_two_years["proc"].returncode == 0, sample_two_years["proc"].stderr[-3000:]
    compared = audit.compare(sample_two_years["out"] / EARLIER_YEAR)
    labels = {}
    for ws in openpyxl.load_workbook(published / "action-plan.xlsx", read_only=True):
        rows = list(ws.iter_rows(values_only=True))
        header = next((r for r in rows if "Since last year" in r and "Rule" in r), None)
        if header:
            rule, since = header.index("Rule"), header.index("Since last year")
            labels |= {r[rule]: r[since] for r in rows[rows.index(header) + 1 :] if r[rule]}
    assert labels
    # Each rule's row: what the published plan says.
    planned = compared.dropna(subset=["plan_row"]).groupby("rule")["plan_row"].first().to_dict()
    assert planned == {rule: label for rule, label in labels.items() if rule in planned} and len(planned) > 10
    last = {
        f["id"] for f in json.loads((sample_two_years["out"] / EARLIER_YEAR / "findings.json").read_text())["findings"]
    }
    now = set(audit.findings["id"])
    by_change = compared.groupby("change")["id"].agg(set).to_dict()
    assert by_change == {"gone": last - now, "new": now - last, "still there": now & last} and last - now
    label = compared.set_index("id")["since_last_year"]
    assert set(label[list(last - now)]) == {"Resolved"} and set(label[list(now - last)]) <= {
        "New",
        "New (accepted risk)",
    }
    assert label["PST-03:P-00493:ST0054"] == "Carried over (accepted risk)"  # accepted this year, found last year too


def test_a_finding_gone_because_its_rule_could_not_be_checked_is_not_resolved(sample_two_years, tmp_path):
    folder = Path(shutil.copytree(SAMPLE_SCHOOL, tmp_path / "school"))
    (folder / "incidents_log.xlsx").unlink()
    compared = lks_audit.open_audit(folder, SAMPLE_YEAR, SAMPLE_AS_OF).compare(sample_two_years["out"] / EARLIER_YEAR)
    incidents = compared[compared["rule"].str.startswith("INC-")]
    assert len(incidents) and set(incidents["change"]) == {"gone"}
    assert set(incidents["since_last_year"]) == {"Not checked this run"}


@pytest.fixture
def school(tmp_path) -> Path:
    return Path(shutil.copytree(SAMPLE_SCHOOL, tmp_path / "school"))


def _cells(path: Path) -> dict:
    book = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in book for row in ws.iter_rows() for c in row}


def test_decide_refuses_while_the_review_is_open_in_excel_or_libreoffice(school):
    audit = lks_audit.open_audit(school, SAMPLE_YEAR, as_of=SAMPLE_AS_OF)
    review = school / "dpo_review.xlsx"
    before = review.read_bytes()
    for lock in ("~$dpo_review.xlsx", ".~lock.dpo_review.xlsx#"):
        (school / lock).write_text("DPO")
        with pytest.raises(WorkbookOpen, match=lock.replace("$", r"\$")) as refused:
            audit.decide("ACC-05:ACC-003", "Accepted risk", "Password manager arrives in March", "31/03/2027")
        assert refused.value.lock == school / lock
        (school / lock).unlink()
    assert review.read_bytes() == before and sorted(p.name for p in school.glob("dpo_review*")) == [review.name]


def test_decide_appends_one_row_keeps_a_backup_and_the_next_check_honours_it(school):
    audit = lks_audit.open_audit(school, SAMPLE_YEAR, as_of=SAMPLE_AS_OF)
    review = school / "dpo_review.xlsx"
    before, cells = review.read_bytes(), _cells(review)
    assert check_json(school)["summary"]["areas"]["governance"]["accepted_risk"] == 0
    done = audit.decide(
        "ACC-05:ACC-003", "accepted risk", "Password manager arrives in March", review_by="31 March 2027",
        decided_by="DPO", decided_on="2026-09-01",
    )  # fmt: skip
    assert (done.sheet, done.row, done.review_by) == ("Decisions", 6, dt.date(2027, 3, 31))
    assert done.backup.name.startswith("dpo_review.replaced-") and done.backup.read_bytes() == before
    after = _cells(review)
    added = {k: v for k, v in after.items() if k not in cells or cells[k] != v}
    assert {k: v for k, v in added.items() if v is not None} == {
        ("Decisions", "A6"): "ACC-05:ACC-003",
        ("Decisions", "B6"): "Accepted risk",
        ("Decisions", "C6"): "Password manager arrives in March",
        ("Decisions", "D6"): "DPO",
        ("Decisions", "E6"): dt.datetime(2026, 9, 1),
        ("Decisions", "F6"): dt.datetime(2027, 3, 31),
    }
    assert all(after.get(k) == v for k, v in cells.items())  # no other cell changed
    # The audit held open shows it, and the command (which never reads the backup) applies it.
    assert audit.findings.set_index("id").at["ACC-05:ACC-003", "state"] == "set aside"
    decided = {f["id"]: f.get("decision") for f in check_json(school)["findings"]}
    assert decided["ACC-05:ACC-003"]["decision"] == "Accepted risk"
    assert decided["ACC-05:ACC-003"]["review_by"].startswith("2027-03-31")


def test_decide_makes_an_owner_only_review_from_the_template_and_checks_values(school):
    (school / "dpo_review.xlsx").unlink()
    audit = lks_audit.open_audit(school, SAMPLE_YEAR, as_of=SAMPLE_AS_OF)
    with pytest.raises(AuditInputError, match="reword it without names or IDs"):
        audit.decide("IMG-01:P-00026:ST0237", "Accepted risk", "Parent of ST0237 agreed by phone")
    with pytest.raises(AuditInputError, match="before the audit day"):
        audit.decide("IMG-01:P-00026:ST0237", "Accepted risk", "Parent agreed by phone", review_by="01/01/2026")
    with pytest.raises(AuditInputError, match="Accepted risk"):
        audit.decide("IMG-01:P-00026:ST0237", "Maybe", "Parent agreed by phone")
    assert not (school / "dpo_review.xlsx").exists()
    done = audit.decide("IMG-01:P-00026:ST0237", "Not a breach", "The pupil shown is from the visiting school")
    assert done.backup is None and stat.S_IMODE(done.path.stat().st_mode) == 0o600
    assert audit.findings.set_index("id").at["IMG-01:P-00026:ST0237", "decision"] == "Not a breach"


def test_decide_refuses_beside_a_decision_whose_decided_on_is_unreadable(school):
    # A second row for ACC-05:ACC-003 whose Decided on is no date: beside it, the check cannot tell which row is
    # the latest and applies none, so a row added now would be said saved and then not applied.
    review = school / "dpo_review.xlsx"
    book = openpyxl.load_workbook(review)
    book["Decisions"].append(["ACC-05:ACC-003", "Accepted risk", "Renewed for the spring term", "DPO", "someday"])
    book.save(review)
    before = review.read_bytes()
    audit = lks_audit.open_audit(school, SAMPLE_YEAR, as_of=SAMPLE_AS_OF)
    with pytest.raises(AuditInputError, match=r"dpo_review\.xlsx, sheet Decisions, cell E6: .*nothing was written"):
        audit.decide("ACC-05:ACC-003", "Accepted risk", "Password manager arrives in March", decided_on="2026-09-01")
    assert review.read_bytes() == before and sorted(p.name for p in school.glob("dpo_review*")) == [review.name]


@pytest.mark.parametrize("titles", [2, 11])
def test_decide_writes_under_the_header_row_the_check_reads(school, titles):
    # The check looks for the header among the first 10 rows: below them, a row added would never be read.
    review = school / "dpo_review.xlsx"
    book = openpyxl.load_workbook(review)
    book["Decisions"].insert_rows(1, titles)
    book["Decisions"]["A1"] = "Decisions of the DPO"
    book.save(review)
    audit = lks_audit.open_audit(school, SAMPLE_YEAR, as_of=SAMPLE_AS_OF)
    asked = ("ACC-05:ACC-003", "Accepted risk", "Password manager arrives in March", "31/03/2027")
    if titles > 10:
        with pytest.raises(AuditInputError, match="no header row with Finding ID and Decision"):
            audit.decide(*asked, decided_on="2026-09-01")
        return
    assert audit.decide(*asked, decided_on="2026-09-01").row == titles + 6
    decided = {f["id"]: f.get("decision") for f in check_json(school)["findings"]}
    assert decided["ACC-05:ACC-003"]["review_by"].startswith("2027-03-31")
