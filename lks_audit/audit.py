"""Running every registered rule over a loaded data folder.

``audit_folder`` is the library API behind ``lks-audit check`` and the
notebooks: load, build the context (closures come from the data), run each
rule or record why it was not assessed, and summarise.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .context import AuditContext, Parameters, make_context
from .dpo_review import apply_decisions, personal_text_notices
from .findings import AREAS, Finding, NotAssessed, Notice, Undecided, findings_frame, rule_order, severity_rank
from .load import Dataset, load_workbooks
from .read import Reading
from .rules import REGISTRY, Rule, load_all_rules
from .rules.derived import Derived
from .summary import summarise

#: What findings.json and ``check --json`` say of themselves: they name students and records.
PERSONAL_DATA_NOTE = (
    "Contains personal data: Student IDs and the records behind every finding. For the Data Protection Officer "
    "only; keep it on school systems."
)


@dataclass
class AuditResult:
    context: AuditContext
    findings: list[Finding]
    not_assessed: list[NotAssessed]
    #: Rule ID -> how many records (or post-student pairs) it examined, for every rule that ran.
    checked: dict[str, int] = field(default_factory=dict)
    summary: dict = field(default_factory=dict)
    #: Advisory notes that are not findings (how the data was read, a DPO decision that names no finding),
    #: shown beside them.
    notices: list[Notice] = field(default_factory=list)
    #: Records a rule could not decide because a cell it needs could not be read (rules.md, "Unknown is not
    #: blank"), each waiting on those cells' data-quality findings; left out of ``checked``.
    undecided: list[Undecided] = field(default_factory=list)
    #: The period's shared tables the rules read (the platforms' matches among them), for the measures and the
    #: DPO's detail to read the same ones.
    derived: Derived | None = None

    @property
    def frame(self) -> pd.DataFrame:
        return findings_frame(self.findings)

    def to_json_dict(self) -> dict:
        ctx = self.context
        moment = {} if ctx.moment is None else {"as_of_moment": ctx.moment.isoformat()}
        return {
            "personal_data": PERSONAL_DATA_NOTE,
            "year": ctx.year,
            "as_of": ctx.as_of.date().isoformat(),
            **moment,
            "parameters": ctx.params.as_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "not_assessed": [n.to_dict() for n in self.not_assessed],
            "summary": self.summary,
            "notices": [n.to_dict() for n in self.notices],
        }


def run_rules(data: Dataset, ctx: AuditContext) -> AuditResult:
    """Every registered rule over ``data``: its findings, or why it could not be assessed; then the summary."""
    derived = Derived(data, ctx)
    findings, not_assessed, checked, undecided = _run(data, ctx, derived, sorted(load_all_rules(), key=rule_order))
    findings = _explain_missing(findings, not_assessed)
    # After the IDs are given: decisions name findings by ID (rules.md, "DPO decisions").
    findings, decision_notices = apply_decisions(findings, data, ctx.as_of, not_assessed, undecided)
    notices = list(data.notices) + decision_notices + personal_text_notices(data)
    result = AuditResult(ctx, findings, not_assessed, checked, notices=notices, undecided=undecided, derived=derived)
    result.summary = summarise(result, data)
    return result


def undecided_records(data: Dataset, ctx: AuditContext) -> list[Undecided]:
    """The records the rules could not decide, each with the data-quality findings it waits on (what ``validate``
    shows each problem holds up): the rules run as :func:`run_rules` runs them, without the DPO's decisions or the
    summary, which nothing here reads."""
    return _run(data, ctx, Derived(data, ctx), sorted(load_all_rules(), key=rule_order))[3]


def findings_of(data: Dataset, ctx: AuditContext | None, rule_ids: Iterable[str]) -> list[Finding]:
    """The findings of just these rules (e.g. the data-quality rules ``validate`` shows), in report order."""
    findings, _, _, _ = _run(data, ctx, Derived(data, ctx), sorted(rule_ids, key=rule_order))
    return findings


def data_quality_findings(data: Dataset, ctx: AuditContext) -> list[Finding]:
    """What ``validate`` shows: every data-quality rule's findings, worded as ``check`` words them (each
    DQ-01 naming the rules its gap leaves unassessed), without running the policy rules."""
    rule_ids = sorted(load_all_rules(), key=rule_order)
    findings = findings_of(data, ctx, [r for r in rule_ids if REGISTRY[r].area == "data"])
    return _explain_missing(findings, [n for r in rule_ids if (n := blocked(REGISTRY[r], data))])


def blocked(rule: Rule, data: Dataset) -> NotAssessed | None:
    """Why ``rule`` cannot be assessed on ``data``, or None when everything it needs is there (or it has
    nothing to check in this data)."""
    if rule.applies is not None and not rule.applies(data):
        return None
    return rule.gap(data)


def _run(
    data: Dataset, ctx: AuditContext | None, derived: Derived, rule_ids: Iterable[str]
) -> tuple[list[Finding], list[NotAssessed], dict, list[Undecided]]:
    load_all_rules()
    findings: list[Finding] = []
    not_assessed: list[NotAssessed] = []
    checked: dict[str, int] = {}
    undecided: list[Undecided] = []
    for rule_id in rule_ids:
        rule = REGISTRY[rule_id]
        if rule.applies is not None and not rule.applies(data):
            checked[rule_id] = 0  # nothing to check (no platform archive): neither run nor "not assessed"
            continue
        gap = rule.gap(data)
        if gap:
            not_assessed.append(gap)
            continue
        outcome = rule.run(data, ctx, derived)
        findings.extend(outcome.findings)
        checked[rule_id] = outcome.checked
        undecided.extend(outcome.undecided)
    findings = identified(findings, data)
    undecided = [replace(u, id=finding_id(u, data.row_names)) for u in undecided]
    findings, undecided = _waiting_on_data(findings, undecided)
    return sorted(findings, key=_finding_order), not_assessed, checked, undecided


def identified(findings: list[Finding], data: Dataset) -> list[Finding]:
    """``findings`` with their cells and stable IDs, as the audit gives them (``lks-audit due`` names its clocks
    by the IDs their findings would have)."""
    return _identified(_with_cells(findings, data), data.row_names)


def _finding_order(f: Finding) -> tuple:
    return severity_rank(f.severity), rule_order(f.rule), f.file or "", f.row or 0, f.id


def _with_cells(findings: list[Finding], data: Dataset) -> list[Finding]:
    """A finding that rests on one column of its row names that cell (``L4``)."""
    out = []
    for f in findings:
        letter = data.letters.get(f.sheet, {}).get(f.column) if f.cell is None and f.row is not None else None
        out.append(replace(f, cell=f"{letter}{f.row}") if letter else f)
    return out


def _waiting_on_data(findings: list[Finding], undecided: list[Undecided]) -> tuple[list[Finding], list[Undecided]]:
    """rules.md: a finding whose decisive value comes from an unreadable cell (DQ-02) or an ID that does not
    resolve (DQ-04) lists those findings' IDs in ``depends_on``: worked out from the cells and IDs each rule
    says its finding rests on, so a bad cell elsewhere on the same row marks nothing. An undecided record
    waits on the same kind of findings (``waits_on``). An ID that resolves nowhere while a key of its sheet
    could not be read is no DQ-04 but undecided: what rests on it waits on that key's DQ-02s."""
    faults: dict[tuple, tuple[str, ...]] = {}
    for f in findings:
        if f.rule == "DQ-02":
            faults[(f.sheet, f.row, f.column)] = (f.id,)
        elif f.rule == "DQ-04":
            faults[(f.sheet, f.row, f.column, f.part)] = (f.id,)

    def behind(rests_on: Iterable[tuple]) -> tuple[str, ...]:
        return tuple(sorted({i for c in rests_on for i in faults.get(c, ())}))

    # Data-quality records first: an ID that DQ-04 leaves undecided stands for the key cells it waits on.
    undecided = [replace(u, waits_on=behind(u.rests_on)) if u.rule.startswith("DQ-") else u for u in undecided]
    for u in undecided:
        if u.rule == "DQ-04":
            faults[(u.sheet, u.row, u.column, u.part)] = u.waits_on
    if not faults:
        return findings, undecided
    out = []
    for f in findings:
        depends = behind(f.rests_on) if f.area != "data" else ()
        out.append(replace(f, depends_on=depends) if depends else f)
    undecided = [u if u.rule.startswith("DQ-") else replace(u, waits_on=behind(u.rests_on)) for u in undecided]
    return out, undecided


def finding_id(f: Finding | Undecided, row_names: dict | None = None) -> str:
    """rules.md's stable ID: the rule, the record and, where it names a student, the Student ID, joined by ``:``.

    A data-quality finding names its column (and what tells two findings on one cell apart). Without a
    record, a finding on a row names its file and the row's name from its content (``#1a2b3c4d``, see
    :attr:`~lks_audit.load.Dataset.row_names`), so sorting or inserting rows keeps its ID; any other names its
    file and cell, column or sheet. An ID holds no white space (a column's name, or a record typed with
    spaces, joins its words with ``_``): it is one word to copy.
    """
    parts = [f.rule]
    named = (row_names or {}).get((f.sheet, f.row)) if f.record is None and f.row is not None else None
    data_rule = f.rule.startswith("DQ-")
    if f.record is not None or named is not None:
        parts += [f.record] if f.record is not None else [f.file, named]
        if f.student is not None and f.student != f.record:
            parts.append(f.student)
        if data_rule:
            parts += [p for p in (f.column, f.part) if p]
    else:
        cell = getattr(f, "cell", None)
        parts += [p for p in (f.file, f.sheet if not (cell or f.column) else None, cell or f.column, f.part) if p]
        if f.student is not None:
            parts.append(f.student)
    return _one_word(":".join(parts))


_SPACES = re.compile(r"\s+")


def _one_word(text: str) -> str:
    """``DQ-05:P1:Posted at:after as of`` -> ``DQ-05:P1:Posted_at:after_as_of``."""
    return _SPACES.sub("_", text.strip())


def _identified(findings: list[Finding], row_names: dict | None = None) -> list[Finding]:
    """Every finding with its ID, unique within the run.

    Two findings with the same ID come from a repeated key (a DQ-03 data fault): each then also names its
    cell, or failing that its row; findings that still share one are numbered in the order found.
    """
    ids = [finding_id(f, row_names) for f in findings]
    repeated = {i for i, n in Counter(ids).items() if n > 1}
    ids = [f"{i}:{f.cell or f'row{f.row}'}" if i in repeated else i for f, i in zip(findings, ids)]
    seen: Counter = Counter()
    out = []
    for f, i in zip(findings, ids):
        seen[i] += 1
        out.append(replace(f, id=i if seen[i] == 1 else f"{i}:{seen[i]}"))
    return out


def _explain_missing(findings: list[Finding], not_assessed: list[NotAssessed]) -> list[Finding]:
    """DQ-01 names the rules not assessed because of the missing workbook, sheet or column."""
    out = []
    for f in findings:
        if f.rule == "DQ-01":
            blocked = [
                n.rule
                for n in not_assessed
                if any((g.file, g.sheet, g.column) == (f.file, f.sheet, f.column) for g in n.gaps)
            ]
            if blocked:
                because = f". Not assessed because of it: {', '.join(blocked)}"
                f = replace(f, message=f.message + because, detail=None if f.detail is None else f.detail + because)
        out.append(f)
    return out


def closures_of(data: Dataset) -> list:
    return list(data.frames["Closures"]["Date"].dropna())


def audit_folder(
    folder: str | Path,
    year: str,
    as_of: object = None,
    params: dict | Parameters | None = None,
    reading: Reading | None = None,
) -> tuple[Dataset, AuditResult]:
    """Load ``folder`` and audit it for academic ``year`` as of ``as_of`` (a date, ISO text, or None for the
    default): returns the loaded data and the result. Raises AuditInputError for a year, date or parameter
    that cannot be used; a missing or broken workbook is a finding, never an exception. ``reading``: the
    folder's workbooks already being parsed (:class:`~lks_audit.read.Reading`), as ``check`` starts them."""
    data = load_workbooks(folder, reading)
    ctx = make_context(year, as_of, params, closures=closures_of(data))
    return data, run_rules(data, ctx)


__all__ = ["AuditResult", "audit_folder", "run_rules", "data_quality_findings", "AREAS"]
