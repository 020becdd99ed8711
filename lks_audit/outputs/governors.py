"""What the governors' page says, as plain data: the overall statement, each area's problems and the
measure that puts it in proportion, the decisions for the governing body and the questions to ask.

Everything is read from the findings model (``summary["rules"]``, the open findings, the headline
measures), never decided again, and worded only with the registry's plain words (a rule's ``title``,
``why``, ``good``, ``question`` and ``plain_base``): no column, parameter or file name reaches a
governor. :mod:`.sections` lays these out as HTML (escaping what it shows).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..findings import AREAS, SEVERITIES, severity_rank
from ..rules import REGISTRY
from ..schema import SHEETS
from ..summary import SMALL_BASE
from .dpo_year import accepted_risk_count
from .html import in_sentence, number, plural
from .review_data import Review

#: The rules whose findings the governing body itself acts on: they become decisions, not questions.
POLICY_RULES = ("POL-01", "POL-02")
#: How many questions the first page offers: one per area at most, the most serious areas first.
QUESTIONS = 4
#: Record IDs shown beside a problem; the DPO's detail lists them all.
RECORDS_SHOWN = 4
#: What each rating asks of governors, in the words of the first page's key.
RATING_WORDS = {
    "Red": "urgent action needed: a critical problem, or a serious one that is widespread",
    "Amber": "needs attention: a serious or moderate problem",
    "Green": "only minor points, or none",
    "Grey": "could not be fully checked, and nothing serious was found",
}


def share(part: int, whole: int | None) -> str | None:
    """``part`` of ``whole`` as a percentage a reader takes in at a glance; None for a base under 20,
    where "1 of 5" says it better."""
    if not whole or whole < SMALL_BASE:
        return None
    percent = 100 * part / whole
    if 0 < percent < 0.1:
        return "under 0.1%"
    return f"{percent:.1f}%".replace(".0%", "%") if percent < 10 else f"{percent:.0f}%"


def in_proportion(count: int, base: int | None, noun: tuple[str, str]) -> str:
    """``6 of 4,398 pictured students (0.1%)``; a count alone where the base is unknown."""
    if base is None:
        return number(count)
    text = f"{number(count)} of {plural(base, *noun)}"
    percent = share(count, base)
    return f"{text} ({percent})" if percent else text


@dataclass(frozen=True)
class Problem:
    """One rule with findings, as governors read it."""

    rule: str
    severity: str
    open: int
    to_confirm: int
    checked: int | None
    #: IDs of the records it names that are not people (accounts, posts, interactions, incidents).
    records: tuple[str, ...]

    @property
    def words(self):
        return REGISTRY[self.rule]

    @property
    def title(self) -> str:
        return self.words.title

    @property
    def counted(self) -> str:
        """Its open findings against what it checked, and those waiting on a data fix apart."""
        noun = self.words.plain_base
        if not self.open:
            return f"{number(self.to_confirm)} to confirm once the data is fixed, of {plural(self.checked or 0, *noun)}"
        text = in_proportion(self.open, self.checked, noun)
        return text + (f"; {number(self.to_confirm)} more to confirm once the data is fixed" if self.to_confirm else "")


def public_records(findings) -> tuple[str, ...]:
    """The IDs of the records ``findings`` name that are not people (accounts, posts, interactions,
    incidents), in order, each once: what governors may see."""
    return tuple(
        dict.fromkeys(
            f.record for f in findings if f.record and f.sheet in SHEETS and not SHEETS[f.sheet].label_is_personal
        )
    )


def _counts_only(finding) -> bool:
    """platform-exports.md: governors see counts only of what the platforms' record shows (its posts lead to
    what was published, a child's photo or name among them)."""
    return finding.rule.startswith("EVD-") or finding.source == "platform"


def problems(rv: Review, area: str | None = None) -> list[Problem]:
    """Rules with findings (of ``area``, or all), most serious first: open ones by the severity their
    findings carry, then by how many; rules whose findings all wait on a data fix last."""
    by_rule: dict[str, list] = {}
    for f in rv.result.findings:
        if area is None or f.area == area:
            by_rule.setdefault(f.rule, []).append(f)
    found = []
    for rule_id, mine in by_rule.items():
        if rule_id not in REGISTRY:
            continue
        info = rv.summary["rules"][rule_id]
        if not info["open"] and not info["to_confirm"]:
            continue  # every finding set aside by a DPO decision: shown with the accepted risks
        open_ = [f for f in mine if f.is_open]
        severity = min((f.severity for f in open_ or mine), key=severity_rank)
        shown = public_records([f for f in mine if not _counts_only(f)])
        found.append(Problem(rule_id, severity, info["open"], info["to_confirm"], info["checked"], shown))
    found.sort(key=lambda p: (not p.open, severity_rank(p.severity), -p.open, p.rule))
    return found


def area_measure(rv: Review, area: str) -> str:
    """The one line that puts an area in proportion: replies from the headline measures for monitoring,
    otherwise the area's most serious open problem against what its rule checked."""
    info = rv.summary["areas"][area]
    replies = rv.measures.get("interactions", {})
    if area == "monitoring" and replies.get("assessed") and replies["due"]:
        missed = replies["answered_late"] + replies["unanswered_overdue"]
        known = replies["due"] - replies["to_confirm"]
        text = f"Replies late or never sent: {in_proportion(missed, known, ('reply due', 'replies due'))}"
        return text + (f"; {number(replies['to_confirm'])} more to confirm" if replies["to_confirm"] else "")
    open_problems = [p for p in problems(rv, area) if p.open]
    if open_problems:
        top = open_problems[0]
        return f"{top.title}: {in_proportion(top.open, top.checked, top.words.plain_base)}"
    checks = info["rules"] - info["rules_not_assessed"]
    if not checks:
        return f"None of its {plural(info['rules'], 'check')} could be made, because records were missing"
    if info["rules_not_assessed"]:
        return (
            f"{number(info['rules_not_assessed'])} of its {plural(info['rules'], 'check')} could not be made; "
            f"the other {number(checks)} found nothing"
        )
    return f"Nothing found in its {plural(checks, 'check')}"


def overall_statement(rv: Review) -> str:
    """One sentence: how well the school keeps its policy, its most serious problem, and any area that
    could not be fully checked."""
    rags = Counter(rv.summary["areas"][a]["rag"] for a in AREAS)
    worst = next((p for p in problems(rv) if p.open), None)
    most = f", most of all {in_sentence(worst.title)}" if worst else ""
    of_all = f"of the {number(len(AREAS))} areas"
    if rags["Red"]:
        text = (
            f"The school does not yet keep its Social Media Policy well enough: {number(rags['Red'])} {of_all} "
            f"{'needs' if rags['Red'] == 1 else 'need'} urgent action{most}"
        )
    elif rags["Amber"]:
        text = (
            f"The school mostly keeps its Social Media Policy: no area needs urgent action, but "
            f"{number(rags['Amber'])} {of_all} {'needs' if rags['Amber'] == 1 else 'need'} attention{most}"
        )
    else:
        text = "The school keeps its Social Media Policy well: no area has a serious problem"
    if rags["Grey"]:
        text += f"; {number(rags['Grey'])} could not be fully checked"
    return text + "."


def actions(rv: Review) -> list[dict]:
    """The action plan's rows (one per rule with open findings), due dates from the meeting."""
    return rv.actions


def decisions(rv: Review) -> list[str]:
    """What the governing body is asked to decide, in the order of the meeting.

    Note the risks the school accepts (the DPO's decisions), before the action plan.
    """
    open_ = {p.rule for p in problems(rv) if p.open}
    out = []
    if "POL-01" in open_:
        out.append("Review the Social Media Policy and approve it again, with a date for its next review.")
    if "POL-02" in open_:
        out.append("Ask the chair of governors and the proprietor to sign the policy.")
    accepted = accepted_risk_count(rv)
    if accepted:
        out.append(
            f"Note the {plural(accepted, 'risk')} the school has accepted on the Data Protection Officer's advice "
            "(each is given under its area, with the reason and when it will be looked at again)."
        )
    rows = actions(rv)
    if rows:
        first = rows[0]["severity"]
        urgent = sum(1 for r in rows if r["severity"] == first)
        out.append(
            f"Approve the action plan: {plural(len(rows), 'action')}, the {number(urgent)} most urgent due by "
            f"{_long(rows[0]['due'])}."
            if urgent < len(rows)
            else f"Approve the action plan: {plural(len(rows), 'action')}, due by {_long(rows[0]['due'])}."
        )
    else:
        out.append("Note that no action is needed this year.")
    return out


def questions(rv: Review, limit: int = QUESTIONS) -> list[str]:
    """Questions governors may ask, from the most serious open problems: one per area, most serious
    first (the policy's own review is a decision, not a question)."""
    asked, areas = [], set()
    for p in problems(rv):
        if not p.open or p.rule in POLICY_RULES or p.words.area in areas:
            continue
        asked.append(p.words.question)
        areas.add(p.words.area)
        if len(asked) == limit:
            break
    return asked


def severity_counts(rows: list[dict]) -> dict[str, int]:
    """Actions per severity, in severity order, leaving out those with none."""
    counted = Counter(r["severity"] for r in rows)
    return {s: counted[s] for s in SEVERITIES if counted[s]}


def _long(day) -> str:
    return f"{day:%-d %B %Y}"
