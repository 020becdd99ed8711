"""Every figure of a governors' page re-derived from the run's findings.json and action-plan.xlsx alone, as
governors-page.md defines it, and the page's text read for numbers that are not figures.

Written from the spec, independently of the code that wrote the page: nothing here imports ``lks_audit``. The
rating, the units (children and posts), the shares and their rounding, the plan's groups and last year's
counts are worked out again from the two files; earlier years from their own findings.json.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path

import openpyxl

SEVERITIES = ("critical", "high", "medium", "advisory")
AREAS = ("governance", "people", "images", "content", "monitoring", "incidents", "data")
#: governors-page.md: below this many checked, any finding is widespread, and no percentage is shown.
SMALL_BASE = 20
#: rules.md: the rules with one finding per (post, pictured student): their posts are shared out of the posts
#: with photos of students, not out of the pairs they checked.
PAIR_RULES = ("IMG-01", "IMG-03", "IMG-04", "PST-04")


def about_children(rule: str) -> bool:
    """governors-page.md, "No way back to a child": IMG-*, PST-03, PST-04."""
    return rule.startswith("IMG-") or rule in ("PST-03", "PST-04")


# --- reading the page --------------------------------------------------------------------------------------

#: What may be a number outside a figure: record IDs, the years' names (2025-26) and the page's own furniture.
RECORD = re.compile(r"\b[A-Z]{1,4}-\d{1,6}\b")
YEAR_NAME = re.compile(r"\b20\d\d-\d\d\b")


class Page(HTMLParser):
    """Each figure (key -> the values and texts shown), each <time>, and the digits of the visible text that are
    in no figure, time or text a person typed (class lks-typed, shown as typed)."""

    SKIP = ("data", "time", "script", "style", "title")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.figures: dict[str, list[tuple[str, str]]] = {}
        self.times: list[tuple[str, str]] = []
        self.loose: list[str] = []
        self._open: list[tuple[str, str, str | None]] = []  # (tag, key or "", datetime)
        self._text: list[str] = []
        self._skip = 0
        self._typed = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._typed or "lks-typed" in (a.get("class") or "").split():
            self._typed += 1
        if tag in self.SKIP:
            self._skip += 1
        if tag == "data" and "data-figure" in a:
            self._open.append(("data", a["data-figure"], a.get("value")))
            self._text.append("")
        elif tag == "time":
            self._open.append(("time", "", a.get("datetime")))
            self._text.append("")

    def handle_endtag(self, tag):
        if tag in ("data", "time") and self._open and self._open[-1][0] == tag:
            kind, key, value = self._open.pop()
            text = " ".join(self._text.pop().split())
            if self._text:
                self._text[-1] += text
            if kind == "data":
                self.figures.setdefault(key, []).append((value, text))
            else:
                self.times.append((value, text))
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        if self._typed:
            self._typed -= 1

    def handle_data(self, data):
        if self._text:
            self._text[-1] += data
        if self._skip or self._typed:
            return
        if re.search(r"\d", YEAR_NAME.sub(" ", RECORD.sub(" ", data))):
            self.loose.append(" ".join(data.split())[:80])


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


# --- the shares, as governors-page.md asks ----------------------------------------------------------------


def _half_up(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def share_value(part: int, whole: int) -> str | None:
    """The ``value`` of a share shown beside ``part`` of ``whole``: the percentage as the page rounds it (one
    decimal under 10% and over 90%, else whole), or two significant figures where it reads "under 0.1%" or
    "over 99.9%"; None below a base of 20."""
    if not whole or whole < SMALL_BASE:
        return None
    p = 100 * part / whole
    if 0 < p < 0.05 or 99.95 <= p < 100:
        return f"{p:.2g}" if p < 1 else f"{_half_up(p, 2).normalize():f}"
    return f"{_half_up(p, 1 if p < 10 or p > 90 else 0).normalize():f}"


# --- the figures ------------------------------------------------------------------------------------------


def _is_open(f: dict) -> bool:
    return f["decision"] is None and not f["depends_on"]


def rating(doc: dict, area: str) -> str:
    """rules.md's rating of an area, from its open findings, what each rule checked and the parameters."""
    rules = {r: info for r, info in doc["summary"]["rules"].items() if info["area"] == area}
    found = [f for f in doc["findings"] if f["area"] == area and _is_open(f)]
    if any(f["severity"] == "critical" for f in found):
        return "Red"
    share = doc["parameters"]["systemic_share"]
    for rule, info in rules.items():
        high = sum(1 for f in found if f["rule"] == rule and f["severity"] == "high")
        if info["severity"] == "high" and info["assessed"] and high:
            if info["checked"] < SMALL_BASE or high * 100 >= share * info["checked"]:
                return "Red"
    if any(f["severity"] in ("high", "medium") for f in found):
        return "Amber"
    return "Grey" if any(not info["assessed"] for info in rules.values()) else "Green"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def year_figures(doc: dict, prefix: str = "") -> dict[str, object]:
    """The figures of one year's findings.json: counts, units, shares, ratings, measures and parameters."""
    out: dict[str, object] = {}
    findings = doc["findings"]
    opened = [f for f in findings if _is_open(f)]
    out["findings.open"] = len(opened)
    out["findings.to_confirm"] = sum(1 for f in findings if f["decision"] is None and f["depends_on"])
    out["findings.set_aside"] = sum(1 for f in findings if f["decision"] is not None)
    out["findings.lapsed"] = sum(1 for f in findings if f["lapsed_decision"] is not None)
    out["risks.accepted"] = sum(1 for f in findings if (f["decision"] or {}).get("decision") == "Accepted risk")
    out["risks.lapsed"] = sum(1 for f in findings if (f["lapsed_decision"] or {}).get("decision") == "Accepted risk")
    summary, measures = doc["summary"], doc["summary"].get("measures", {})
    consent = measures.get("consent", {})
    with_students = consent.get("posts_with_images") if consent.get("assessed") else None
    for rule, info in summary["rules"].items():
        key = f"rule.{rule}"
        mine = [f for f in opened if f["rule"] == rule]
        out[f"{key}.open"] = len(mine)
        out[f"{key}.to_confirm"] = sum(
            1 for f in findings if f["rule"] == rule and f["decision"] is None and f["depends_on"]
        )
        out[f"{key}.undecided"] = info.get("undecided", 0)
        out[f"{key}.accepted"] = sum(
            1 for f in findings if f["rule"] == rule and (f["decision"] or {}).get("decision") == "Accepted risk"
        )
        if info["checked"] is not None:
            out[f"{key}.checked"] = info["checked"]
        named = about_children(rule) and any(f["student"] for f in findings if f["rule"] == rule)
        if named:
            out[f"{key}.people"] = len({f["student"] for f in mine if f["student"]})
            out[f"{key}.posts"] = len({f["record"] for f in mine if f["record"]})
            base = with_students if rule in PAIR_RULES else info["checked"]
            value = share_value(out[f"{key}.posts"], base) if base is not None else None
        else:
            value = share_value(len(mine), info["checked"]) if info["checked"] is not None else None
        if value is not None:
            out[f"{key}.share"] = value
        if rule == "INC-05":
            facts = [f.get("facts") or {} for f in mine]
            late = [x["hours_late"] for x in facts if x.get("ico_report") == "reported late"]
            out[f"{key}.late"] = len(late)
            out[f"{key}.not_reported"] = sum(1 for x in facts if x.get("ico_report") == "not reported")
            if late:
                out[f"{key}.hours_late"] = int(_half_up(max(late), 0))
    ratings = Counter()
    for area in AREAS:
        key = f"area.{area}"
        rules = [r for r, info in summary["rules"].items() if info["area"] == area]
        out[f"{key}.rating"] = rating(doc, area)
        ratings[out[f"{key}.rating"]] += 1
        out[f"{key}.open"] = sum(1 for f in opened if f["area"] == area)
        out[f"{key}.checks"] = len(rules)
        out[f"{key}.checks_not_made"] = sum(1 for r in rules if not summary["rules"][r]["assessed"])
        out[f"{key}.checks_clear"] = sum(
            1 for r in rules if summary["rules"][r]["assessed"] and not any(f["rule"] == r for f in findings)
        )
        decided = [(f["decision"] or {}).get("decision") for f in findings if f["area"] == area]
        out[f"{key}.accepted"] = decided.count("Accepted risk")
        out[f"{key}.not_a_breach"] = decided.count("Not a breach")
        if summary["areas"][area].get("assurance"):
            out[f"{key}.assurance"] = summary["areas"][area]["assurance"]
    out["areas.total"] = len(AREAS)
    for rag in ("Red", "Amber", "Green", "Grey"):
        out[f"areas.{rag.lower()}"] = ratings[rag]
    out["checks.total"] = len(summary["rules"])
    out["checks.not_made"] = len(doc["not_assessed"])
    if summary.get("policy_version"):
        out["policy.version"] = summary["policy_version"]
    for name in ("ico_hours", "systemic_share", "respond_within_hours"):
        out[f"param.{name}"] = doc["parameters"][name]
    out["param.small_base"] = SMALL_BASE
    out.update(_measures(measures))
    return {prefix + k: v for k, v in out.items()}


def _measures(measures: dict) -> dict[str, object]:
    out: dict[str, object] = {}
    replies = measures.get("interactions", {})
    if replies.get("assessed"):
        out["replies.received"] = replies["total"]
        out["replies.due"] = replies["due"]
        out["replies.in_time"] = replies["answered_in_time"]
        out["replies.late"] = replies["answered_late"]
        out["replies.never"] = replies["unanswered_overdue"]
        out["replies.to_confirm"] = replies["to_confirm"]
        if share_value(replies["answered_in_time"], replies["due"]):
            out["replies.in_time.share"] = share_value(replies["answered_in_time"], replies["due"])
        if replies.get("median_response_hours") is not None:
            out["replies.median_hours"] = replies["median_response_hours"]
        months = replies.get("by_month") or []
        if months:
            out["replies.per_month"] = int(_half_up(sum(m["interactions"] for m in months) / len(months), 0))
    consent = measures.get("consent", {})
    if consent.get("assessed"):
        out["posts.with_students"] = consent["posts_with_images"]
        out["posts.consented"] = consent["all_pictured_consented"]
        out["posts.without_consent"] = consent["some_pictured_without_consent"]
        out["posts.not_recorded"] = consent["pictured_not_recorded"]
        out["posts.to_confirm"] = consent["to_confirm"]
        if share_value(consent["all_pictured_consented"], consent["posts_with_images"]):
            out["posts.consented.share"] = share_value(consent["all_pictured_consented"], consent["posts_with_images"])
    incidents = measures.get("incidents", {})
    if incidents.get("assessed"):
        out["incidents.logged"] = incidents["total"]
        if incidents.get("open") is not None:
            out["incidents.open"] = incidents["open"]
        for category, n in incidents["by_category"].items():
            out[f"incidents.category.{_slug(category)}"] = n
        if incidents.get("breaches") is not None:
            out["incidents.breaches"] = incidents["breaches"]
    training = measures.get("training", {})
    for part, done, name in (
        ("account_users", "trained_and_current", "staff.account_users"),
        ("policy_read", "read", "staff.current"),
        ("declarations", "current", "staff.employees"),
    ):
        m = training.get(part, {})
        if m.get("assessed"):
            out[name] = m["total"]
            out[f"{name}.done"] = m[done]
            out[f"{name}.to_confirm"] = m.get("to_confirm", 0)
            out[f"{name}.not_done"] = m["total"] - m[done] - m.get("to_confirm", 0)
            if share_value(m[done], m["total"]):
                out[f"{name}.done.share"] = share_value(m[done], m["total"])
    return out


def history_figures(docs: list[dict]) -> dict[str, object]:
    """The trend's figures, per year: open findings by severity and in all, and each area's rating."""
    out: dict[str, object] = {}
    for doc in docs:
        year = doc["year"]
        opened = Counter(f["severity"] for f in doc["findings"] if _is_open(f))
        for severity in SEVERITIES:
            out[f"history.{year}.{severity}"] = opened[severity]
        out[f"history.{year}.open"] = sum(opened.values())
        for area in AREAS:
            out[f"history.{year}.area.{area}.rating"] = rating(doc, area)
    return out


#: What an action's due date rests on (the plan's When column); a rule the DPO accepted as a risk reads "Review by".
DUE_SPANS = ("Now", "2 weeks", "1 month", "A term", "Next review")


def _plan_rows(path: Path, sheet: str = "Action plan") -> tuple[list, list[dict]]:
    ws = openpyxl.load_workbook(path)[sheet]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    at = next(i for i, line in enumerate(grid) if "Rule" in line and "Status" in line)
    header = grid[at]
    return header, [dict(zip(header, line)) for line in grid[at + 1 :] if any(v is not None for v in line)]


def _rule_rows(rows: list[dict]) -> tuple[dict[str, dict], list[dict]]:
    """A plan's first row of each rule, and the rows a person added (no rule, or a rule given a row above)."""
    firsts: dict[str, dict] = {}
    hand = []
    for row in rows:
        if row.get("Rule") and str(row["Rule"]).strip().upper() not in firsts:
            firsts[str(row["Rule"]).strip().upper()] = row
        else:
            hand.append(row)
    return firsts, hand


def plan_figures(path: Path) -> dict[str, object]:
    """The plan's figures from action-plan.xlsx: its actions (rule rows due on a span from the meeting) by severity
    and by what their date rests on, their dates, how this year's relate to last year's, and the version of the
    tool that wrote it."""
    header, rows = _plan_rows(path)
    firsts, _ = _rule_rows(rows)
    actions = [r for r in firsts.values() if r.get("When") in DUE_SPANS]
    out: dict[str, object] = {"plan.actions": len(actions)}
    for severity in SEVERITIES:
        out[f"plan.{severity}"] = sum(1 for r in actions if r["Severity"].casefold() == severity)
    groups: dict[str, list] = {}
    for r in actions:
        groups.setdefault("now" if r["When"] == "Now" else r["Severity"].casefold(), []).append(r)
    for group, mine in groups.items():
        out[f"plan.group.{group}"] = len(mine)
        (due,) = {r["Due date"].date() for r in mine}  # one date per group
        out[f"plan.due.{group}"] = due.isoformat()
    if actions:
        out["plan.due_first"] = min(r["Due date"].date() for r in actions).isoformat()
    if "Since last year" in header:
        carried = sum(1 for r in actions if r.get("Since last year") == "Carried over")
        out["plan.carried_over"] = carried
        out["plan.new"] = len(actions) - carried
        # Last year's rules with nothing there this year: those the plan says Resolved.
        out["last_year.resolved"] = sum(1 for r in firsts.values() if r.get("Since last year") == "Resolved")
    out["tool.version"] = openpyxl.load_workbook(path).properties.creator.removeprefix("lks-audit ")
    return out


def last_year_figures(plan: Path, findings: Path) -> dict[str, object]:
    """How last year's actions ended, from last year's action-plan.xlsx and findings.json: its actions (the rules
    its plan had a row for, but those it said were resolved, with the rules its findings left open or accepted,
    and the rows the school added), how many were marked Done in its plan, how many came from the checks."""
    doc = json.loads(findings.read_text(encoding="utf-8"))
    _, rows = _plan_rows(plan)
    firsts, hand = _rule_rows(rows)
    kept = {rule: r for rule, r in firsts.items() if str(r.get("Since last year") or "").casefold() != "resolved"}
    rules = set(kept) | set(doc["summary"]["by_rule"])
    rules |= {f["rule"] for f in doc["findings"] if (f["decision"] or {}).get("decision") == "Accepted risk"}
    done = sum(1 for r in [*kept.values(), *hand] if str(r.get("Status") or "").strip().casefold() == "done")
    return {
        "last_year.actions": len(rules) + len(hand),
        "last_year.done": done,
        "last_year.from_checks": len(rules),
        "last_year.added": len(hand),
    }


def expected(folder: Path, earlier: list[Path] = (), last_year: Path | None = None) -> dict[str, object]:
    """Every figure a set's governors' page may show, from its findings.json and action-plan.xlsx (and the
    findings.json of the earlier years its trend shows, and last year's set folder for how its actions ended)."""
    doc = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in earlier] + [doc]
    out = {**year_figures(doc), **history_figures(docs[-5:]), **plan_figures(folder / "action-plan.xlsx")}
    if last_year is not None:
        out.update(last_year_figures(last_year / "action-plan.xlsx", last_year / "findings.json"))
    return out


def as_value(value) -> str:
    """A figure's value as its ``value`` attribute holds it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def reads_as(value: str, text: str) -> bool:
    """Whether a figure's text says its value: '4,398' is 4398, '0.6%' is 0.6, '2.2' is 2.2, a word itself."""
    if re.fullmatch(r"-?\d[\d.]*", value or ""):
        shown = text.replace(",", "").removesuffix("%")
        if shown.startswith(("under ", "over ")):
            return True
        try:
            return float(shown) == float(value)
        except ValueError:  # a version (0.1.0) reads as itself
            return text == value
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value or ""):
        return _date_text(text) == value
    return text == value


def _date_text(text: str) -> str | None:
    """A date as the page writes it (4 December 2026) or as a person typed it (20/01/2026, March 2026), in ISO."""
    for fmt, iso in (("%d %B %Y", "%Y-%m-%d"), ("%d/%m/%Y", "%Y-%m-%d"), ("%B %Y", "%Y-%m")):
        try:
            return dt.datetime.strptime(text, fmt).strftime(iso)
        except ValueError:
            continue
    return None
