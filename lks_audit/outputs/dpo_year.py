"""The DPO's year in the DPO's detail: every decision on a finding and the notices about them.

The governors read the DPO's opinions, accepted risks, last year's actions and the years so far through
:mod:`.sections` (every number a figure of :mod:`.figures`); this module is the DPO's own view, with Finding
IDs (which hold Student IDs). :func:`decision_rows` is its plain data; :func:`dpo_decisions` returns one
section, or None when there is nothing to show; its notebook cell is tagged ``dpo``.
"""

from __future__ import annotations

from IPython.display import HTML

from ..dpo_review import PERSONAL_TEXT
from .html import esc, long_date, section, table
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


def dpo_decisions(rv: Review) -> HTML | None:
    """For the DPO: each decision of dpo_review.xlsx with its finding and reason (Not a breach included), those
    that lapsed, and the notices about the review (a decision naming no finding, text naming someone)."""
    if rv.audience != "dpo":
        return None
    rows = decision_rows(rv)
    notices = [n for n in rv.result.notices if n.kind in ("dpo-decision", PERSONAL_TEXT)]
    if not rows and not notices:
        return None
    body = []
    if rows:
        body.append(
            table(
                ["Finding ID", "Decision", "State", "Reason", "Decided", "Review by", "Row"],
                [
                    [r["id"], r["decision"], r["state"], r["reason"] or "", r["decided"], r["review_by"], r["row"]]
                    for r in rows
                ],
                caption="Decisions in dpo_review.xlsx, sheet Decisions",
                css="lks-detail",
            )
        )
    if notices:
        items = "".join(f"<li>{esc(n.message)}</li>" for n in notices)
        body.append(f"<h3>Notices about the review</h3><ul>{items}</ul>")
    return section("dpo-decisions", "The DPO's decisions", "".join(body))
