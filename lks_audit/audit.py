"""Running every registered rule over a loaded data folder.

``audit_folder`` is the library API behind ``lks-audit check`` and the
notebooks: load, build the context (closures come from the data), run each
rule or record why it was not assessed, and summarise.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from .context import AuditContext, Parameters, make_context
from .findings import AREAS, Finding, findings_frame, rule_order, severity_rank
from .load import Dataset, load_workbooks
from .rules import REGISTRY, load_all_rules


@dataclass
class AuditResult:
    context: AuditContext
    findings: list[Finding]
    not_assessed: list[dict]
    summary: dict = field(default_factory=dict)

    @property
    def frame(self) -> pd.DataFrame:
        return findings_frame(self.findings)

    def to_json_dict(self) -> dict:
        ctx = self.context
        return {
            "year": ctx.year,
            "as_of": ctx.as_of.date().isoformat(),
            "parameters": ctx.params.as_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "not_assessed": self.not_assessed,
            "summary": self.summary,
        }


def run_rules(data: Dataset, ctx: AuditContext) -> AuditResult:
    load_all_rules()
    findings: list[Finding] = []
    not_assessed: list[dict] = []
    for rule_id in sorted(REGISTRY, key=rule_order):
        rule = REGISTRY[rule_id]
        reason = next((r for r in (data.unavailable(s, cols) for s, cols in rule.needs.items()) if r), None)
        if reason:
            not_assessed.append({"rule": rule_id, "area": rule.area, "reason": reason})
            continue
        findings.extend(rule.check(data, ctx))
    findings = _explain_missing(findings, not_assessed)
    findings.sort(key=lambda f: (severity_rank(f.severity), rule_order(f.rule), f.file or "", f.row or 0))
    from .summary import summarise
    result = AuditResult(ctx, findings, not_assessed)
    result.summary = summarise(result, data)
    return result


def _explain_missing(findings: list[Finding], not_assessed: list[dict]) -> list[Finding]:
    """DQ-01 names the rules not assessed because of the missing workbook, sheet or column."""
    out = []
    for f in findings:
        if f.rule == "DQ-01":
            blocked = [n["rule"] for n in not_assessed if _blames(n["reason"], f)]
            if blocked:
                f = replace(f, message=f"{f.message}. Not assessed because of it: {', '.join(blocked)}")
        out.append(f)
    return out


def _blames(reason: str, f: Finding) -> bool:
    if f.column:
        return reason.startswith(f"{f.file}, sheet {f.sheet}:") and f"'{f.column}'" in reason
    if f.sheet:
        return reason == f"{f.file}: sheet '{f.sheet}' is missing"
    return reason.startswith(f"{f.file} ") and (reason.endswith("is missing") or reason.endswith("cannot be read"))


def closures_of(data: Dataset) -> list:
    return list(data.frames["Closures"]["Date"].dropna())


def audit_folder(folder, year: str, as_of=None, params: dict | Parameters | None = None):
    """Load ``folder`` and audit it: returns ``(dataset, result)``."""
    data = load_workbooks(folder)
    ctx = make_context(year, as_of, params, closures=closures_of(data))
    return data, run_rules(data, ctx)


__all__ = ["AuditResult", "audit_folder", "run_rules", "AREAS"]
