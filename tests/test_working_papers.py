"""Issue 19, the DPO's working papers, measured on the two schools test_governors_page renders for the governors'
meeting of 14 October 2026 (the bundled sample, and a school written by ``lks-audit sample --seed 7``): the front
page as Chromium prints it (read back with pypdf), a mistyped decision with its suggestion, a renewal and the
worklist's edits across a real re-run, the breach register against the incidents log, each rule's one count in
every view, no ID or cell broken across lines on paper, and history.json holding counts alone."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import Counter
from html import unescape
from pathlib import Path

import openpyxl
import pytest

from lks_audit.load import load_workbooks
from lks_audit.personal import personal_strings
from lks_audit.schema import YES_NO_WORDS

from test_governors_page import AS_OF, MEETING, SCHOOLS, YEAR, detail_pages, render_school
from test_report import run_cli
from test_report_browser import browser  # noqa: F401  (Playwright's chromium)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module", params=SCHOOLS)
def school(request, tmp_path_factory) -> dict:
    """The school as test_governors_page renders it (once a session for both modules)."""
    return render_school(request.param, tmp_path_factory)


RENEWED = "Renewed: the password manager is bought and arrives in the spring"


def _json(school: dict, name: str) -> dict:
    return json.loads((school["dir"] / name).read_text(encoding="utf-8"))


def _text(html: str) -> str:
    """What a page says (scripts and styles left out), spaces collapsed, IDs joined where <wbr> may break them."""
    html = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", " ", html, flags=re.S).replace("<wbr>", "")
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _sheet(path: Path, name: str, header_row: int = 3) -> list[dict]:
    sheet = openpyxl.load_workbook(path)[name]
    header = [c.value for c in sheet[header_row]]
    return [dict(zip(header, r)) for r in sheet.iter_rows(min_row=header_row + 1, values_only=True) if any(r)]


def _front(pages: list[str]) -> str:
    """The front page's text as printed: every page before the contents."""
    front = []
    for page in pages:
        if re.search(r"^Contents$", page, re.M):
            break
        front.append(page)
    return " ".join(" ".join(front).split())


# --- what needs the DPO, first ------------------------------------------------------------------------------------


def test_the_front_page_prints_first_with_the_mistyped_decision_and_the_finding_meant(school):
    pages = detail_pages(school)
    first = " ".join(pages[0].split())
    assert "Contains personal data" in first and first.index("What needs the DPO") < first.index("Notices about")
    typed, meant = re.search(r"the decision names (\S+), which no finding of this audit has .*?did you mean (\S+)\?",
                             first).groups()  # fmt: skip
    found = {f["id"] for f in _json(school, "findings.json")["findings"]}
    # A slip: the ID meant is a finding of this audit, one character from what was typed (ACC-09:ACC-05).
    assert typed not in found and meant in found and typed.split(":")[0] == meant.split(":")[0]
    assert any(meant[:i] + meant[i + 1 :] == typed for i in range(len(meant)))
    html = (school["dir"] / "dpo-detail.html").read_text(encoding="utf-8")
    assert f'href="#finding-{meant}"' in html and html.count(f'id="finding-{meant}"') == 1
    # The rest of what needs the DPO comes before the contents, each group with how many.
    front = _front(pages)
    lapsed = [f["id"] for f in _json(school, "findings.json")["findings"] if f["lapsed_decision"] and not f["decision"]]
    assert f"Lapsed decisions: the finding counts again ({len(lapsed)})" in front
    assert all(i.replace(":", "") in front.replace(":", "").replace(" ", "") for i in lapsed)
    waiting = [f["id"] for f in _json(school, "findings.json")["findings"] if f["depends_on"] and not f["decision"]]
    assert f"Findings waiting on a data fix ({len(waiting)})" in front
    assert "Decisions due for review by 14 January 2027" in front and "Your actions in the action plan" in front


# --- a renewal and the worklist's edits, across a real re-run ---------------------------------------------------------


def _append_decision(path: Path, row: tuple) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["Decisions"]
    last = max(c.row for c in sheet["A"] if c.value is not None)
    for column, value in enumerate(row, 1):
        sheet.cell(last + 1, column, value).number_format = "dd/mm/yyyy" if isinstance(value, dt.date) else "General"
    book.save(path)


def test_a_renewal_is_in_force_with_its_history_and_the_worklists_edits_are_carried(school, tmp_path):
    """The DPO edits the worklist (Owner, Due, Done, Notes, a column and a row of their own) and renews the lapsed
    decision with a new row on the Decisions sheet; the next run keeps every edit by Finding ID, the renewal is in
    force (no "used again"), its first row shown as history, and the renewed finding's edited row is closed."""
    data, out = tmp_path / "school", tmp_path / "out"
    shutil.copytree(school["folder"], data)
    shutil.copytree(school["dir"], out / YEAR)
    worklist = out / YEAR / "dpo-actions.xlsx"
    before = {r["Finding ID"]: r for r in _sheet(worklist, "Worklist")}
    (lapsed,) = [i for i, r in before.items() if r["State"] == "Lapsed"]
    opened = next(i for i, r in before.items() if r["State"] == "Open" and i != lapsed)
    waiting = next(i for i, r in before.items() if r["State"] == "To confirm")

    book = openpyxl.load_workbook(worklist)
    sheet = book["Worklist"]
    header = [c.value for c in sheet[3]]
    rows = {sheet.cell(r, 1).value: r for r in range(4, sheet.max_row + 1)}
    edits = {
        opened: {"Owner": "Head of computing", "Due": dt.datetime(2026, 11, 6), "Done": dt.datetime(2026, 11, 2),
                 "Notes": "Post taken down; family told"},
        waiting: {"Notes": "Office to retype the cell"},
        lapsed: {"Notes": "Chased the bursar"},
    }  # fmt: skip
    for finding_id, cells in edits.items():
        for name, value in cells.items():
            sheet.cell(rows[finding_id], header.index(name) + 1, value)
    sheet.cell(3, len(header) + 1, "My ref")
    sheet.cell(rows[opened], len(header) + 1, "DPO-17")
    end = max(rows.values()) + 1
    sheet.cell(end, header.index("Notes") + 1, "Ask the office about the consent forms")
    book.save(worklist)
    _append_decision(data / "dpo_review.xlsx", (lapsed, "Accepted risk", RENEWED, "DPO", dt.date(2026, 6, 1),
                                                 dt.date(2027, 6, 30)))  # fmt: skip

    proc = run_cli("report", data, "--year", YEAR, "--as-of", AS_OF, "--meeting-date", MEETING, "--out", out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # The command says what it carried from the worklist it replaced, as it does for the action plan.
    said = f"carried into {out / YEAR / 'dpo-actions.xlsx'}: the edits of 3 findings and 1 row added by hand"
    assert said in proc.stdout.splitlines(), proc.stdout

    after = {r["Finding ID"]: r for r in _sheet(worklist, "Worklist") if r["Finding ID"]}
    typed = [after[opened][k] for k in ("Owner", "Due", "Done", "Notes")]
    assert typed == [edits[opened][k] for k in ("Owner", "Due", "Done", "Notes")]
    assert after[opened]["My ref"] == "DPO-17" and after[opened]["State"] == "Open"
    assert (after[waiting]["State"], after[waiting]["Notes"]) == ("To confirm", "Office to retype the cell")
    added = [r for r in _sheet(worklist, "Worklist") if not r["Finding ID"]]
    assert [r["Notes"] for r in added] == ["Ask the office about the consent forms"]
    # The renewed finding left the worklist with what the DPO typed, saying why.
    assert lapsed not in after
    (closed,) = [r for r in _sheet(worklist, "Closed since the last run") if r["Finding ID"] == lapsed]
    assert (closed["Notes"], closed["Closed because"]) == ("Chased the bursar", "set aside by your decision in force")

    found = json.loads((out / YEAR / "findings.json").read_text())
    (renewed,) = [f for f in found["findings"] if f["id"] == lapsed]
    assert renewed["decision"]["reason"] == RENEWED and renewed["lapsed_decision"] is None
    assert not [f for f in found["findings"] if f["rule"] == "DQ-03" and f["sheet"] == "Decisions"]
    assert found["summary"]["rules"][lapsed.split(":")[0]]["lapsed"] == 0
    detail = _text((out / YEAR / "dpo-detail.html").read_text(encoding="utf-8"))
    at = r" ?: ?".join(map(re.escape, lapsed.split(":")))
    assert re.search(rf"{at} Accepted risk in force {re.escape(RENEWED)} DPO 1 June 2026 30 June 2027 6", detail)
    assert re.search(
        rf"{at} Accepted risk earlier decision \(history\) The password manager .* 31 March 2026 4", detail
    )


# --- the breach register ------------------------------------------------------------------------------------------


def _moment(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.strptime(str(value).strip(), "%d/%m/%Y %H:%M")
    except ValueError:
        return None


def _says_yes(value) -> bool:
    """data-contract.md's Yes as people type it (Yes, Y, True, 1, any case; the sample has a 'true')."""
    if isinstance(value, bool):
        return value
    return YES_NO_WORDS.get(str(value).strip().casefold().rstrip(".")) is True


def test_the_breach_register_holds_the_incidents_flagged_or_categorised_as_breaches(school):
    """Read from incidents_log.xlsx here, by the contract's words: reported in the year, Personal data breach Yes or
    Category Personal data breach; every view names the same incidents or gives the same number."""
    sheet = openpyxl.load_workbook(school["folder"] / "incidents_log.xlsx", read_only=True)["Incidents"]
    header, *rows = sheet.iter_rows(values_only=True)
    at = {h: i for i, h in enumerate(header)}
    year = (dt.datetime(2025, 9, 1), dt.datetime(2026, 9, 1))
    expected = [
        r[at["Incident ID"]]
        for r in rows
        if (_says_yes(r[at["Personal data breach"]]) or r[at["Category"]] == "Personal data breach")
        and (moment := _moment(r[at["Reported at"]])) is not None
        and year[0] <= moment < year[1]
    ]
    assert len(expected) >= 5 and any(
        r[at["Category"]] != "Personal data breach" for r in rows if r[at["Incident ID"]] in expected
    )  # flagged only, too
    register = _sheet(school["dir"] / "dpo-actions.xlsx", "Breach register")
    assert [r["Incident ID"] for r in register] == expected
    html = (school["dir"] / "dpo-detail.html").read_text(encoding="utf-8")
    section = html[html.index('id="h-register"') : html.index("</section>", html.index('id="h-register"'))]
    assert re.findall(r'<tr[^>]*><th scope="row"[^>]*>([^<]+)</th>', section) == expected
    governors = (school["dir"] / "annual-review.html").read_text(encoding="utf-8")
    assert re.search(r'data-figure="incidents\.breaches"[^>]*>(\d+)<', governors).group(1) == str(len(expected))
    rules = _json(school, "findings.json")["summary"]["rules"]
    assert rules["INC-08"]["checked"] == len(expected)  # its base: the year's breaches
    assert f"{len(expected)} personal data breaches (the register is on page" in _front(detail_pages(school))


# --- one count per rule ---------------------------------------------------------------------------------------------


def _derived(found: dict) -> dict[str, dict]:
    """Each rule's findings by state, counted here from findings.json's findings."""
    out = {rule: Counter() for rule in found["summary"]["rules"]}
    for f in found["findings"]:
        state = out[f["rule"]]
        if f["decision"]:
            state["set_aside"] += 1
        elif f["depends_on"]:
            state["to_confirm"] += 1
        else:
            state["open"] += 1
            state["lapsed"] += bool(f["lapsed_decision"])
    return out


def _check_lines(school: dict) -> dict[str, str]:
    proc = run_cli("check", school["folder"], "--year", YEAR, "--as-of", AS_OF)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    lines = re.findall(r"^  ([A-Z]+-\d\d) +(?:critical|high|medium|advisory) +(.+)$", proc.stdout, re.M)
    return dict(lines)


def test_each_rule_has_one_count_in_every_view(school):
    """check, the DPO's detail, the worklist (its By rule sheet and its rows) and the governors' figures give each
    rule the same open, to confirm, lapsed and set aside, as findings.json's findings give them."""
    found = _json(school, "findings.json")
    rules, derived = found["summary"]["rules"], _derived(found)
    by_rule = {r["Rule"]: r for r in _sheet(school["dir"] / "dpo-actions.xlsx", "By rule")}
    worklist = Counter((r["Rule"], r["State"]) for r in _sheet(school["dir"] / "dpo-actions.xlsx", "Worklist"))
    detail = (school["dir"] / "dpo-detail.html").read_text(encoding="utf-8")
    governors = (school["dir"] / "annual-review.html").read_text(encoding="utf-8")
    figures = dict(re.findall(r'data-figure="(rule\.[^"]+)"[^>]*>([\d,]+)<', governors))
    check = _check_lines(school)
    assert len(check) >= 20
    for rule, info in rules.items():
        if not info["assessed"]:
            continue
        n = derived[rule]
        assert (info["open"], info["to_confirm"], info["lapsed"], info["set_aside"]) == (
            n["open"], n["to_confirm"], n["lapsed"], n["set_aside"]), rule  # fmt: skip
        row = by_rule[rule]
        assert (row["Open"], row["To confirm"], row["With a lapsed decision"], row["Set aside"], row["Checked"]) == (
            n["open"], n["to_confirm"], n["lapsed"], n["set_aside"], info["checked"]), rule  # fmt: skip
        count = row["In words"]
        assert count.startswith(f"{n['open']:,} of {info['checked']:,}"), (rule, count)
        assert (f"{n['to_confirm']:,} to confirm" in count) == bool(n["to_confirm"]), (rule, count)
        assert (f"{n['lapsed']:,} with a lapsed decision" in count) == bool(n["lapsed"]), (rule, count)
        assert (f"{n['set_aside']:,} set aside by the DPO" in count) == bool(n["set_aside"]), (rule, count)
        if info["findings"] or info.get("undecided"):
            assert check[rule] == count, rule
        row_html = rf'<span id="rule-{rule}" class="lks-id">{rule}</span></th><td[^>]*>[^<]*</td><td[^>]*>([^<]*)<'
        cell = re.search(row_html, detail)
        assert unescape(cell.group(1)) == count, rule
        assert worklist[rule, "Open"] + worklist[rule, "Lapsed"] == n["open"], rule
        assert worklist[rule, "Lapsed"] == n["lapsed"] and worklist[rule, "To confirm"] == n["to_confirm"], rule
        assert worklist[rule, "Review due"] <= n["set_aside"], rule
        for key, value in (("open", n["open"]), ("to_confirm", n["to_confirm"]), ("checked", info["checked"])):
            if f"rule.{rule}.{key}" in figures:
                assert int(figures[f"rule.{rule}.{key}"].replace(",", "")) == value, (rule, key)
    assert any(k.endswith(".open") for k in figures)


# --- on paper -------------------------------------------------------------------------------------------------------


def _tokens(text: str, wanted: set[str]) -> Counter:
    """How often each of ``wanted`` stands whole in ``text`` (split at spaces, line ends and colons, the one place
    an ID may break)."""
    found = (t.strip(",;()?.'\"") for t in re.split(r"[\s:]+", text))
    return Counter(t for t in found if t in wanted)


def test_no_id_cell_or_file_name_is_broken_across_lines_in_print(school):
    """Every part of every finding ID, every record, cell and file name stands whole in the printed detail as often
    as the page holds it: a token split across lines (ACC- / 002, G39 / 1) would be missing from the count."""
    found = _json(school, "findings.json")["findings"]
    wanted = set()
    for f in found:
        wanted.update(f["id"].split(":"))
        wanted.update(v for v in (f["cell"], f["file"], f["record"]) if v)
    wanted = {w for w in wanted if len(w) >= 2}
    page = _tokens(_text((school["dir"] / "dpo-detail.html").read_text(encoding="utf-8")), wanted)
    printed = _tokens("\n".join(detail_pages(school)), wanted)
    assert sum(page.values()) > 500
    assert {w: (page[w], printed[w]) for w in wanted if page[w] != printed[w]} == {}


def test_the_printed_contents_gives_the_page_each_part_starts_on_as_the_pdfs_bookmarks_do(school):
    """The contents' page numbers are the pages each part prints on, and Chromium's bookmarks (from the headings, h1
    to h4 in order) nest each part under the detail's title and point at the same pages."""
    from pypdf import PdfReader

    pages = detail_pages(school)
    contents = next(p for p in pages if re.search(r"^Contents$", p, re.M))
    reader = PdfReader(school["pdf_dir"] / "detail.pdf")
    title, parts = reader.outline[0], reader.outline[1]
    assert title.title.startswith("The DPO's detail") and reader.get_destination_page_number(title) == 0
    marked = {p.title: reader.get_destination_page_number(p) + 1 for p in parts if not isinstance(p, list)}
    assert list(marked)[:2] == ["What needs the DPO", "Contents"]
    for part in ("Every rule, by area", "Every finding", "Personal data breach register", "The DPO's decisions",
                 "Method and data"):  # fmt: skip
        number = int(re.search(rf"^{re.escape(part)} (\d+)$", contents, re.M).group(1))
        assert part in pages[number - 1] and marked[part] == number, part


def test_the_detail_is_no_wider_than_a_phone(school, browser):  # noqa: F811
    """On a phone 390 pixels wide each row of the detail's tables is a card: nothing scrolls sideways."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto((school["dir"] / "dpo-detail.html").resolve().as_uri(), wait_until="load")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        labels = page.eval_on_selector_all(".lks-paged-table td", "cells => cells.slice(0, 50).map(c => "
                                           "getComputedStyle(c, '::before').content)")  # fmt: skip
        assert labels and all(label not in ("none", "normal", '""') for label in labels)
    finally:
        page.close()


# --- history as counts ----------------------------------------------------------------------------------------------


def test_history_json_holds_counts_and_no_student_id_staff_id_or_name(school):
    history_text = (school["dir"] / "history.json").read_text(encoding="utf-8")
    history, found = json.loads(history_text), _json(school, "findings.json")
    personal = personal_strings(load_workbooks(school["folder"]))
    kinds = set(personal.values())
    assert {"a Student ID", "a student name", "a Staff ID", "a staff name"} <= kinds
    named = [text for text in personal if re.search(rf"(?<![\w-]){re.escape(text)}(?![\w-])", history_text)]
    assert named == []
    assert "findings" not in history and not re.search(r"\bST\d{4}\b|\bP-\d{5}\b", history_text)
    for rule, info in found["summary"]["rules"].items():
        kept = history["summary"]["rules"][rule]
        assert {k: kept[k] for k in ("open", "to_confirm", "set_aside", "lapsed", "checked")} == {
            k: info[k] for k in ("open", "to_confirm", "set_aside", "lapsed", "checked")
        }
    assert history["year"] == YEAR and history["summary"]["areas"].keys() == found["summary"]["areas"].keys()
