"""Data quality (area ``data``): DQ-01..03 are found while loading, DQ-04..05 here."""
from __future__ import annotations

from .registry import rule

_CLAUSE = ("Store account details ... securely; SLT will ensure ... (records the policy relies on must "
           "exist and be readable for the audit to prove anything).")


def _from_loading(rule_id: str):
    def check(data, ctx):
        return [f for f in data.findings if f.rule == rule_id]
    check.__name__ = f"loaded_{rule_id.replace('-', '_').lower()}"
    return check


rule("DQ-01", "data", "high", clause=_CLAUSE, needs={},
     meaning="A workbook, sheet or required column is missing.",
     action="Add the missing workbook, sheet or column (copy it from data_templates/).",
     owner="School office")(_from_loading("DQ-01"))
rule("DQ-02", "data", "medium", clause=_CLAUSE, needs={},
     meaning="A cell cannot be read as its kind (bad date, word not in the list, ...).",
     action="Correct the cell named in the finding (run lks-audit validate --feedback for a marked-up copy).",
     owner="School office")(_from_loading("DQ-02"))
rule("DQ-03", "data", "high", clause=_CLAUSE, needs={},
     meaning="A key (ID) is blank or repeated.",
     action="Give every row its own ID; remove or renumber repeated rows.",
     owner="School office")(_from_loading("DQ-03"))
