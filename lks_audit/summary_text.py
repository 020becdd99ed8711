"""An audit in words: the workbooks of the data contract counted and each one's state, each rule's count against
its base, a DPO's decision, and the text ``lks-audit check`` prints. The counts and ratings themselves are
:mod:`.summary`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .findings import MISSING_WORKBOOK, SEVERITIES, UNREADABLE_WORKBOOK
from .schema import WORKBOOKS
from .wording import fault_label

if TYPE_CHECKING:
    from .audit import AuditResult
    from .load import FileInfo

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven")
#: The workbooks staff keep (the data contract's, the DPO's own review aside), counted in words: ``eight``.
RECORD_WORKBOOKS = _NUMBER_WORDS[sum(1 for wb in WORKBOOKS if not wb.kept_by_dpo)]


def workbook_state(info: FileInfo) -> str:
    """How a contract workbook was found, as every view says it: ``read``, ``missing`` or ``cannot be read: why``."""
    return {"ok": "read", "missing": MISSING_WORKBOOK}.get(info.status, f"{UNREADABLE_WORKBOOK}: {info.problem}")


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
    from .rules import REGISTRY  # here, so that the command line's help can name the workbooks without the rules

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


def format_text_summary(result: AuditResult) -> str:
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
                fixes = "; ".join(fault_label(d, by_id) for d in f.depends_on)
                lines.append(f"      to confirm once the data is fixed: {fixes}")
            if f.decision:
                lines.append(f"      set aside by the DPO: {decision_words(f.decision)}")
    undecided = result.undecided
    if undecided:
        lines += ["", f"COULD NOT BE CHECKED UNTIL THE ENTRIES ARE FIXED ({len(undecided)})"]
        for u in undecided:
            where = ", ".join(str(x) for x in (u.file, u.sheet and f"sheet {u.sheet}", u.row and f"row {u.row}") if x)
            fixes = "; ".join(fault_label(d, by_id) for d in u.waits_on)
            lines.append(f"  {u.id}  [{where}]" + (f"  waits on: {fixes}" if fixes else ""))
    if result.not_assessed:
        lines += ["", "Not assessed:"]
        lines += [f"  {n.rule}: {n.reason}" for n in result.not_assessed]
    return "\n".join(lines)
