"""Summaries of an audit: each rule's count against its base, each area's rating, a text view.

The rating is rules.md's "Rating of an area", from *open* findings only: a finding waiting on a
data fix (``depends_on``) is counted apart and never moves a rating.
"""

from __future__ import annotations

from collections import Counter

from .findings import AREA_TITLES, AREAS, SEVERITIES, rule_order
from .rules import REGISTRY
from .schema import ACCEPTED_RISK, NOT_A_BREACH

#: rules.md: with fewer records checked than this, one open finding of a high-severity rule is enough for Red.
SMALL_BASE = 20


def systemic(open_high: int, checked: int, share: float) -> bool:
    """A high-severity rule's open findings reach ``share`` percent of what it checked (any, below 20 checked)."""
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
    if open_by_severity["critical"]:
        return "Red"
    if any(
        REGISTRY[rule_id].severity == "high" and systemic(info["open_by_severity"]["high"], info["checked"], share)
        for rule_id, info in rules.items()
        if info["assessed"]
    ):
        return "Red"
    if open_by_severity["high"] or open_by_severity["medium"]:
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
    for u in getattr(result, "undecided", ()):
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
        from .measures import headline_measures

        # The policy's version as the settings give it: the governors' page shows it (policy.version).
        versions = data.frames["Policy"]["Policy version"].dropna() if "Policy" in data.frames else []
        summary["policy_version"] = str(versions.iloc[0]) if len(versions) else None

        summary["measures"] = headline_measures(
            data, result.context, result.findings, getattr(result, "undecided", ()), getattr(result, "derived", None)
        )
    return summary


def _opinions(data) -> dict[str, str]:
    """Area -> the DPO's assurance for it, where the DPO gave one."""
    if data is None:
        return {}
    from .dpo_review import area_opinions

    return {area: o.assurance for area, o in area_opinions(data).items() if o.assurance}


def of_base(count: int, checked: int | None, counts: tuple[str, str]) -> str:
    """``7 of 888 posts with images of students``: a count beside its base."""
    if checked is None:
        return f"{count:,}"
    return f"{count:,} of {checked:,} {counts[0] if checked == 1 else counts[1]}"


def _decided(info: dict) -> str:
    """``1 accepted as a risk, 1 not a breach``: an area's or rule's findings set aside by DPO decisions in force."""
    parts = [
        f"{info['accepted_risk']} accepted as a risk" if info["accepted_risk"] else "",
        f"{info['not_a_breach']} not a breach" if info["not_a_breach"] else "",
    ]
    return ", ".join(p for p in parts if p)


def _set_aside(info: dict) -> str:
    """``; 1 accepted as a risk, 1 not a breach (DPO's decision)`` for an area with DPO decisions in force."""
    decided = _decided(info)
    return f"; {decided} (DPO's decision)" if decided else ""


def rule_count(rule_id: str, info: dict) -> str:
    """A rule's one count, worded alike in every view of the DPO's (``check``, the DPO's detail, the worklist) from
    its entry of the summary's ``rules`` table, the entry the governors' figures ``rule.<ID>.*`` come from too: its
    open findings against what it checked, then those to confirm once the data is fixed, those with a lapsed
    decision, those set aside by the DPO's decisions in force and the records it could not decide.
    ``1 of 6 accounts; 1 with a lapsed decision``, ``0 of 1,499 posts; 2 set aside by the DPO (1 accepted as a
    risk, 1 not a breach)``."""
    if not info["assessed"]:
        return "not assessed"
    parts = [of_base(info["open"], info["checked"], REGISTRY[rule_id].counts)]
    if info["to_confirm"]:
        parts.append(f"{info['to_confirm']:,} to confirm")
    if info.get("lapsed"):
        parts.append(f"{info['lapsed']:,} with a lapsed decision")
    if info.get("set_aside"):
        parts.append(f"{info['set_aside']:,} set aside by the DPO ({_decided(info)})")
    if info.get("undecided"):
        parts.append(not_checked(info["undecided"]))
    return "; ".join(parts)


def not_checked(undecided: int) -> str:
    """``2 more could not be checked until the entries are fixed``: records a rule could not decide."""
    return f"{undecided:,} more could not be checked until the entries are fixed"


def decision_words(decision) -> str:
    """``Accepted risk on 12/03/2026 by DPO, review by 31/03/2027: <reason>``."""
    words = decision.decision
    if decision.decided_on:
        words += f" on {_uk(decision.decided_on)}"
    if decision.decided_by:
        words += f" by {decision.decided_by}"
    words += f", review by {_uk(decision.review_by)}" if decision.review_by else ", until withdrawn"
    return words + (f": {decision.reason}" if decision.reason else "")


def _uk(iso_day: str) -> str:
    year, month, day = iso_day.split("-")
    return f"{day}/{month}/{year}"


def format_text_summary(result) -> str:
    """The readable summary printed by ``lks-audit check``: areas, each rule's count against its base, findings."""
    ctx = result.context
    summary = result.summary
    as_of = f"{ctx.as_of_moment:%d/%m/%Y %H:%M}" if ctx.moment is not None else f"{ctx.as_of:%d/%m/%Y}"
    lines = [f"Social media policy audit {ctx.year} (as of {as_of})", "", "Areas (open findings):"]
    for info in summary["areas"].values():
        counts = ", ".join(f"{n} {s}" for s, n in info["counts"].items() if n) or "no open findings"
        waiting = f"; {info['to_confirm']} to confirm once the data is fixed" if info["to_confirm"] else ""
        waiting += f"; {not_checked(info['undecided'])}" if info["undecided"] else ""
        waiting += _set_aside(info)
        lines.append(f"  {info['rag']:<5}  {info['title']:<26} {counts}{waiting}")
    with_findings = {r: info for r, info in summary["rules"].items() if info["findings"] or info.get("undecided")}
    if with_findings:
        lines += ["", "Rules with findings (open findings against what the rule checked, then the others):"]
        for rule_id, info in with_findings.items():
            lines.append(f"  {rule_id:<7} {info['severity']:<8} {rule_count(rule_id, info)}")
    by_id = {f.id: f for f in result.findings}
    for severity in SEVERITIES:
        found = [f for f in result.findings if f.severity == severity]
        if not found:
            continue
        lines += ["", f"{severity.upper()} ({len(found)})"]
        for f in found:
            # The DPO's own view: the Student ID is what they need to act on an images finding.
            where = ", ".join(
                str(x)
                for x in (
                    f.file,
                    f.sheet and f"sheet {f.sheet}",
                    f.cell and f"cell {f.cell}" or f.row and f"row {f.row}",
                    f.student and f"student {f.student}",
                )
                if x
            )
            lines.append(f"  {f.id}  {f.message}" + (f"  [{where}]" if where else ""))
            if f.depends_on:
                fixes = "; ".join(
                    f"{d} at {by_id[d].file} {by_id[d].cell}" if d in by_id and by_id[d].cell else d
                    for d in f.depends_on
                )
                lines.append(f"      to confirm once the data is fixed: {fixes}")
            if f.decision:
                lines.append(f"      set aside by the DPO: {decision_words(f.decision)}")
    undecided = getattr(result, "undecided", ())
    if undecided:
        lines += ["", f"COULD NOT BE CHECKED UNTIL THE ENTRIES ARE FIXED ({len(undecided)})"]
        for u in undecided:
            where = ", ".join(str(x) for x in (u.file, u.sheet and f"sheet {u.sheet}", u.row and f"row {u.row}") if x)
            fixes = "; ".join(
                f"{d} at {by_id[d].file} {by_id[d].cell}" if d in by_id and by_id[d].cell else d for d in u.waits_on
            )
            lines.append(f"  {u.id}  [{where}]" + (f"  waits on: {fixes}" if fixes else ""))
    if result.not_assessed:
        lines += ["", "Not assessed:"]
        lines += [f"  {n.rule}: {n.reason}" for n in result.not_assessed]
    return "\n".join(lines)
