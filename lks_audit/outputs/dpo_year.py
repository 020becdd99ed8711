"""The DPO's year in the DPO's detail: every decision on a finding, with its history.

The governors read the DPO's opinions, accepted risks, last year's actions and the years so far through
:mod:`.sections` (every number a figure of :mod:`.figures`); this module is the DPO's own view, with Finding
IDs (which hold Student IDs): :func:`decision_rows` is its plain data, which :mod:`.detail` lays out.
"""

from __future__ import annotations

from .html import long_date
from .review_data import Review


def _day(iso: str | None) -> str:
    return long_date(iso) if iso else ""


def decision_rows(rv: Review) -> list[dict]:
    """Every finding with a DPO decision, in force or lapsed: its ID, the decision and its reason; then each
    finding's earlier decisions (its history on the sheet), right after it."""
    rows: list[tuple[tuple, dict]] = []
    for f in rv.result.findings:
        decision, state = (f.decision, "in force") if f.decision else (f.lapsed_decision, "lapsed: counts again")
        if decision is None:
            continue
        history = [(d, "earlier decision (history)") for d in decision.earlier]
        for number_, (one, how) in enumerate([(decision, state), *history]):
            row = {
                "id": f.id,
                "decision": one.decision,
                "state": how,
                "reason": one.reason,
                "decided": " ".join(x for x in (one.decided_by, _day(one.decided_on)) if x),
                "review_by": _day(one.review_by) or "until withdrawn",
                "row": one.row,
            }
            rows.append(((decision.decision, decision.row or 0, number_), row))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]
