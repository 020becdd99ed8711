"""Findings are plain data: every check returns them, notebooks only render them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields


SEVERITIES = ("critical", "high", "medium", "advisory")

#: Policy areas in report order; ``data`` is data quality.
AREAS = ("governance", "people", "images", "content", "monitoring", "incidents", "data")

#: Rule families in rules.md's order: reports, the README and the sample list rules in this order.
RULE_FAMILIES = ("ACC", "APP", "POL", "TRN", "IMG", "PST", "INT", "INC", "DQ")

#: Area statuses as rules.md defines them, worst first.
RAG_STATUSES = ("Red", "Amber", "Green", "Grey")

AREA_TITLES = {
    "governance": "Governance and accounts",
    "people": "People and training",
    "images": "Images and consent",
    "content": "Content and conduct",
    "monitoring": "Monitoring and response",
    "incidents": "Incidents",
    "data": "Data quality",
}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    area: str
    record: str | None
    file: str | None
    sheet: str | None
    row: int | None
    message: str
    #: Excel cell such as ``I4`` where one cell is at fault (DQ-02).
    cell: str | None = None
    #: Student ID, for the DPO's own output only; never shown to governors.
    student: str | None = None
    #: The contract column at fault, where one is (DQ-01, DQ-02, DQ-04).
    column: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


FINDING_COLUMNS = tuple(f.name for f in fields(Finding))


def findings_frame(findings):
    """Findings as a DataFrame with a stable column order (empty-safe)."""
    import pandas as pd  # here, so the report's parent process never pays for pandas

    return pd.DataFrame([f.to_dict() for f in findings], columns=list(FINDING_COLUMNS))


def rule_order(rule_id: str) -> tuple[int, int]:
    """Sort key putting rule IDs in rules.md's order (ACC-01 ... DQ-06); unknown families last."""
    family, _, number = rule_id.partition("-")
    rank = RULE_FAMILIES.index(family) if family in RULE_FAMILIES else len(RULE_FAMILIES)
    return rank, int(number) if number.isdigit() else 0


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)
