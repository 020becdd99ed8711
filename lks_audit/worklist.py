"""What needs the DPO: the state of each finding, one definition for every view that tracks findings (the DPO's
worklist, the front page of the DPO's detail, and any tool built on the library).

A finding is in one of five states (:func:`finding_state`), looking from a day (the governors' meeting, when the
DPO works through the findings; ``as of`` when no meeting is known):

- **Open**: it counts in the rating and nothing has been decided on it;
- **Lapsed**: open again, because the DPO's decision on it passed its Review by before ``as of``;
- **To confirm**: it rests on a cell that could not be read or an ID that does not resolve (``depends_on``):
  the data-quality findings it waits on come first;
- **Review due**: set aside by a DPO decision in force whose Review by falls within :data:`REVIEW_WINDOW` of the
  day looked from: the decision must be renewed (a new row on the Decisions sheet) or the finding acted on;
- **Set aside**: set aside by a decision in force that is not due for review: closed for now.

Every state but Set aside is on the worklist (:func:`worklist`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .findings import Finding, rule_order, severity_rank

OPEN, LAPSED, TO_CONFIRM, REVIEW_DUE, SET_ASIDE = "Open", "Lapsed", "To confirm", "Review due", "Set aside"
#: The states in the order the DPO meets them; the last is closed (not on the worklist).
STATES = (OPEN, LAPSED, TO_CONFIRM, REVIEW_DUE, SET_ASIDE)
#: A decision in force whose Review by falls within this span of the day looked from is due for review.
REVIEW_WINDOW = pd.DateOffset(months=3)


def review_horizon(looking_from: dt.date | pd.Timestamp) -> dt.date:
    """The last day a Review by may fall on for its decision to be due for review, looking from that day."""
    return (pd.Timestamp(looking_from).normalize() + REVIEW_WINDOW).date()


def review_due(f: Finding, looking_from: dt.date | pd.Timestamp) -> bool:
    """Whether the decision in force on ``f`` comes up for review within :data:`REVIEW_WINDOW` of ``looking_from``
    (a decision until withdrawn never does)."""
    review_by = f.decision.review_by if f.decision is not None else None
    return review_by is not None and dt.date.fromisoformat(review_by) <= review_horizon(looking_from)


def finding_state(f: Finding, looking_from: dt.date | pd.Timestamp | None = None) -> str:
    """The state of ``f`` for the DPO (see the module's docstring). A decision in force comes first, then a data
    fix it waits on (a lapsed finding waiting on one is to confirm), then a lapsed decision. With no day to look
    from, a decision in force is Set aside whatever its Review by."""
    if f.decision is not None:
        return REVIEW_DUE if looking_from is not None and review_due(f, looking_from) else SET_ASIDE
    if f.depends_on:
        return TO_CONFIRM
    return LAPSED if f.lapsed_decision is not None else OPEN


def worklist(findings: list[Finding], looking_from: dt.date | pd.Timestamp) -> list[tuple[Finding, str]]:
    """Every finding not closed, with its state: most severe first, then by rule (rules.md's order), file, row
    and ID, so the same data gives the same list."""
    listed = [(f, finding_state(f, looking_from)) for f in findings]
    return sorted(
        ((f, state) for f, state in listed if state != SET_ASIDE),
        key=lambda pair: (
            severity_rank(pair[0].severity),
            rule_order(pair[0].rule),
            pair[0].file or "",
            pair[0].row or 0,
            pair[0].id,
        ),
    )


__all__ = ["LAPSED", "OPEN", "REVIEW_DUE", "SET_ASIDE", "STATES", "TO_CONFIRM", "finding_state", "worklist"]
