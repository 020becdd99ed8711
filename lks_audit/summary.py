"""Summaries of an audit: per-area counts and RAG status, headline measures, a text view."""

from __future__ import annotations

from collections import Counter

from .findings import AREA_TITLES, AREAS, SEVERITIES
from .rules import REGISTRY


def area_rag(counts: dict[str, int], rules_total: int, rules_not_assessed: int) -> str:
    """rules.md: Red with an open critical/high finding, Amber with a medium one, Green otherwise;
    Grey when the area could not be assessed. An area with some rules not assessed and nothing
    found is Grey too: we cannot call it Green when part of it went unchecked."""
    if counts.get("critical") or counts.get("high"):
        return "Red"
    if counts.get("medium"):
        return "Amber"
    if rules_not_assessed:
        return "Grey"
    return "Green"


def summarise(result, data=None) -> dict:
    by_area_sev = Counter((f.area, f.severity) for f in result.findings)
    by_rule = Counter(f.rule for f in result.findings)
    not_assessed = Counter(n.area for n in result.not_assessed)
    rules_in_area = Counter(r.area for r in REGISTRY.values())
    areas = {}
    for area in AREAS:
        counts = {s: by_area_sev.get((area, s), 0) for s in SEVERITIES}
        areas[area] = {
            "title": AREA_TITLES[area],
            "rag": area_rag(counts, rules_in_area.get(area, 0), not_assessed.get(area, 0)),
            "counts": counts,
            "findings": sum(counts.values()),
            "rules": rules_in_area.get(area, 0),
            "rules_not_assessed": not_assessed.get(area, 0),
        }
    summary = {
        "areas": areas,
        "by_rule": dict(sorted(by_rule.items())),
        "total_findings": len(result.findings),
    }
    if data is not None:
        from .measures import headline_measures

        summary["measures"] = headline_measures(data, result.context, result.findings)
    return summary


def format_text_summary(result) -> str:
    """The readable summary printed by ``lks-audit check``."""
    ctx = result.context
    lines = [f"Social media policy audit {ctx.year} (as of {ctx.as_of:%d/%m/%Y})", ""]
    lines.append("Areas:")
    for info in result.summary["areas"].values():
        counts = ", ".join(f"{n} {s}" for s, n in info["counts"].items() if n) or "no findings"
        lines.append(f"  {info['rag']:<5}  {info['title']:<26} {counts}")
    for severity in SEVERITIES:
        found = [f for f in result.findings if f.severity == severity]
        if not found:
            continue
        lines.append("")
        lines.append(f"{severity.upper()} ({len(found)})")
        for f in found:
            # The DPO's own view: the Student ID is what they need to act on an images finding.
            where = ", ".join(
                str(x)
                for x in (
                    f.file,
                    f.sheet and f"sheet {f.sheet}",
                    f.row and f"row {f.row}",
                    f.student and f"student {f.student}",
                )
                if x
            )
            lines.append(f"  {f.rule}  {f.message}" + (f"  [{where}]" if where else ""))
    if result.not_assessed:
        lines.append("")
        lines.append("Not assessed:")
        for n in result.not_assessed:
            lines.append(f"  {n.rule}: {n.reason}")
    return "\n".join(lines)
