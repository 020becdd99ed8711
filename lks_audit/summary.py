"""Summaries of an audit: each rule's count against its base, each area's rating (their words: :mod:`.summary_text`).

The rating is rules.md's "Rating of an area", from *open* findings only: a finding waiting on a
data fix (``depends_on``) is counted apart and never moves a rating.
"""

from __future__ import annotations

from collections import Counter

from .dpo_review import area_opinions
from .findings import AREA_TITLES, AREAS, SEVERITIES, Severity, rule_order
from .measures import headline_measures
from .rules import REGISTRY
from .schema import ACCEPTED_RISK, NOT_A_BREACH

#: rules.md: with fewer records checked than this, one open finding of a high-severity rule is enough for Red.
SMALL_BASE = 20


def systemic(open_high: int, checked: int, share: float) -> bool:
    """A high-severity rule's open findings reach ``share`` percent of what it checked (any, when it checked fewer
    than :data:`SMALL_BASE`)."""
    if open_high < 1:
        return False
    return checked < SMALL_BASE or open_high * 100 >= share * checked


def area_rating(rules: dict[str, dict], share: float) -> str:
    """rules.md: Red on any open critical finding, or on a high-severity rule whose open findings reach
    ``share`` percent of the records it checked; Amber on any other open high or medium finding; Grey
    when a rule could not be assessed and nothing above advisory is open; Green otherwise.

    ``rules``: this area's entries of the summary's ``rules`` table.
    """
    open_by_severity = Counter()
    for info in rules.values():
        open_by_severity.update(info["open_by_severity"])
    if open_by_severity[Severity.CRITICAL]:
        return "Red"
    if any(
        REGISTRY[rule_id].severity == Severity.HIGH
        and systemic(info["open_by_severity"][Severity.HIGH], info["checked"], share)
        for rule_id, info in rules.items()
        if info["assessed"]
    ):
        return "Red"
    if open_by_severity[Severity.HIGH] or open_by_severity[Severity.MEDIUM]:
        return "Amber"
    # Part of the area went unchecked: it cannot be called Green.
    if any(not info["assessed"] for info in rules.values()):
        return "Grey"
    return "Green"


def rule_table(result) -> dict[str, dict]:
    """Every registered rule, in rules.md's order: whether it was assessed, what it checked, its findings."""
    found: dict[str, list] = {}
    for f in result.findings:
        found.setdefault(f.rule, []).append(f)
    waiting: dict[str, list] = {}
    for u in result.undecided:
        waiting.setdefault(u.rule, []).append(u)
    not_assessed = {n.rule for n in result.not_assessed}
    table = {}
    for rule_id in sorted(REGISTRY, key=rule_order):
        rule, mine = REGISTRY[rule_id], found.get(rule_id, [])
        open_ = [f for f in mine if f.is_open]
        table[rule_id] = {
            "area": rule.area,
            "severity": rule.severity,
            "assessed": rule_id not in not_assessed,
            "checked": result.checked.get(rule_id),
            "findings": len(mine),
            "open": len(open_),
            "to_confirm": sum(1 for f in mine if f.waits_on_data),
            # Records it could not decide (a cell it needs could not be read), not counted in "checked".
            "undecided": len(waiting.get(rule_id, ())),
            "undecided_records": [u.to_dict() for u in waiting.get(rule_id, ())],
            "accepted_risk": sum(1 for f in mine if f.decision and f.decision.decision == ACCEPTED_RISK),
            "not_a_breach": sum(1 for f in mine if f.decision and f.decision.decision == NOT_A_BREACH),
            # Set aside by a decision in force; with a decision that lapsed (open again, or to confirm).
            "set_aside": sum(1 for f in mine if f.decision is not None),
            "lapsed": sum(1 for f in mine if f.lapsed_decision is not None),
            "open_by_severity": {s: sum(1 for f in open_ if f.severity == s) for s in SEVERITIES},
        }
    return table


def summarise(result, data=None) -> dict:
    rules = rule_table(result)
    share = result.context.params.systemic_share
    opinions = _opinions(data)
    areas = {}
    for area in AREAS:
        mine = {r: info for r, info in rules.items() if info["area"] == area}
        counts = {s: sum(info["open_by_severity"][s] for info in mine.values()) for s in SEVERITIES}
        areas[area] = {
            "title": AREA_TITLES[area],
            "rag": area_rating(mine, share),
            "counts": counts,
            "findings": sum(counts.values()),
            "to_confirm": sum(info["to_confirm"] for info in mine.values()),
            "undecided": sum(info["undecided"] for info in mine.values()),
            "accepted_risk": sum(info["accepted_risk"] for info in mine.values()),
            "not_a_breach": sum(info["not_a_breach"] for info in mine.values()),
            "set_aside": sum(info["set_aside"] for info in mine.values()),
            "lapsed": sum(info["lapsed"] for info in mine.values()),
            "rules": len(mine),
            "rules_not_assessed": sum(1 for info in mine.values() if not info["assessed"]),
            "checked": {r: info["checked"] for r, info in mine.items() if info["assessed"]},
            # The DPO's assurance opinion (dpo_review.xlsx, sheet Areas), shown to governors beside the rating.
            "assurance": opinions.get(area),
        }
    summary = {
        "areas": areas,
        "rules": {r: {k: v for k, v in info.items() if k != "open_by_severity"} for r, info in rules.items()},
        "by_rule": {r: info["open"] for r, info in rules.items() if info["open"]},
        "total_findings": len(result.findings),
        "open_findings": sum(info["open"] for info in rules.values()),
        "to_confirm": sum(info["to_confirm"] for info in rules.values()),
        "undecided": sum(info["undecided"] for info in rules.values()),
    }
    if data is not None:
        # The policy's version as the settings give it: the governors' page shows it (policy.version).
        versions = data.frames["Policy"]["Policy version"].dropna() if "Policy" in data.frames else []
        summary["policy_version"] = str(versions.iloc[0]) if len(versions) else None

        summary["measures"] = headline_measures(data, result.context, result.findings, result.undecided, result.derived)
    return summary


def _opinions(data) -> dict[str, str]:
    """Area -> the DPO's assurance for it, where the DPO gave one."""
    if data is None:
        return {}
    return {area: o.assurance for area, o in area_opinions(data).items() if o.assurance}
