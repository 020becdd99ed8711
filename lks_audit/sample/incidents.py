"""The sample school's incidents log, the planted ones among them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .accounts import ACCOUNTS, ACTIVE
from .block import Block
from .people import SLT
from .words import INCIDENT_TEXT, OUTCOMES
from .year import AS_OF, N_DAYS, START, day_weights, ts

#: Drawn as for any incident.
AUTO = "auto"


@dataclass(frozen=True)
class Incident:
    """An incident to log. What is left at :data:`AUTO` is drawn as for any: assessed within hours by a senior
    leader, on a current account, the police, the DPO and the ICO told as the category needs, closed within weeks."""

    reported: str | pd.Timestamp
    category: str
    assessed: str | pd.Timestamp | None = AUTO
    #: Who assessed it (a Staff ID).
    by: str | None = None
    account: str | None = AUTO
    illegal: bool = False
    police: str | pd.Timestamp | None = AUTO
    #: Whether it is a personal data breach; None: as its category says.
    breach: bool | None = None
    dpo: str | pd.Timestamp | None = AUTO
    ico: bool | str | None = AUTO
    ico_at: str | pd.Timestamp | None = AUTO
    media: bool | str | None = AUTO
    closed: str | pd.Timestamp | None = AUTO


def incident(block: Block, spec: Incident) -> dict:
    """``spec`` as a row of the log."""
    rng, category, illegal = block.rng, spec.category, spec.illegal
    reported = pd.Timestamp(spec.reported)
    assessed, account, police, dpo = spec.assessed, spec.account, spec.police, spec.dpo
    ico, ico_at, media, closed = spec.ico, spec.ico_at, spec.media, spec.closed
    if assessed == AUTO:
        assessed = reported + pd.Timedelta(minutes=int(rng.integers(30, 20 * 60)))
    if account == AUTO:
        a = ACTIVE[rng.integers(len(ACTIVE))]
        a = 0 if reported < pd.Timestamp(ACCOUNTS[a][7]) else a  # not on an account before it existed
        account = (
            block.acc_ids[a]
            if category not in ("Staff conduct", "Staff contact with students", "Journalist contact")
            else None
        )
    breach = category == "Personal data breach" if spec.breach is None else spec.breach
    if police == AUTO:
        police = reported.normalize() + pd.Timedelta(days=int(rng.integers(0, 2))) if illegal else None
    if dpo == AUTO:
        dpo = reported + pd.Timedelta(minutes=int(rng.integers(30, 6 * 60))) if breach else None
    if ico == AUTO:
        ico = bool(rng.random() < 0.5) if breach else None
    if ico_at == AUTO:
        ico_at = reported + pd.Timedelta(hours=int(rng.integers(20, 60))) if ico else None
    if media == AUTO:
        media = True if category == "Journalist contact" else None
    if closed == AUTO:
        closed = min(reported.normalize() + pd.Timedelta(days=int(rng.integers(3, 25))), AS_OF)
    return {
        "Reported at": reported,
        "Category": category,
        "Account ID": account,
        "Summary": INCIDENT_TEXT[category],
        "SLT assessment at": ts(assessed),
        "Assessed by": spec.by or block.staff_ids[SLT[rng.integers(len(SLT))]],
        "Considered illegal": illegal,
        "Reported to police on": ts(police),
        "External agencies informed": "Police" if police else None,
        "Personal data breach": breach,
        "DPO informed at": ts(dpo),
        "ICO reportable": ico,
        "Reported to ICO at": ts(ico_at),
        "Media policy followed": media,
        "Outcome": OUTCOMES[rng.integers(len(OUTCOMES))] if closed else None,
        "Closed on": ts(closed),
    }


#: INC-02: assessed a week later (on the Monday), and a Friday's report assessed on the Wednesday.
LATE_ASSESSMENTS = (("2026-03-02 09:00", "2026-03-09 10:00"), ("2026-06-12 16:00", "2026-06-17 09:30"))


def incidents_sheet(block: Block) -> pd.DataFrame:
    rng = block.rng
    for reported, assessed in LATE_ASSESSMENTS:
        limit = block.cal.add_working_days(pd.Series([pd.Timestamp(reported)]), 2)[0]
        assert pd.Timestamp(assessed).normalize() > limit
    planted = [
        Incident("2025-11-18 10:00", "Offensive or harassing", assessed=None),  # INC-01
        *(Incident(reported, "Bullying", assessed=assessed) for reported, assessed in LATE_ASSESSMENTS),
        Incident("2026-01-13 08:40", "Safeguarding", illegal=True, police=None),  # INC-03
        Incident("2026-02-17 13:00", "Confidentiality", breach=True, dpo=None, ico=False),  # INC-04
        # INC-05: the ICO told after 80 hours; reportable, never reported.
        Incident("2026-02-02 09:00", "Personal data breach", ico=True, ico_at="2026-02-05 17:00"),
        Incident("2026-05-19 14:00", "Other", breach=True, ico=True, ico_at=None),
        Incident("2025-10-02 11:00", "Journalist contact", media=None),  # INC-06
        Incident("2026-03-24 10:30", "Defamatory", closed=None),  # INC-07
        Incident("2026-06-30 15:00", "Defamatory", closed=None),  # INC-07
        Incident("2026-04-21 09:15", "Personal data breach", ico=None),  # INC-08
        Incident("2025-12-03 12:00", "Copyright", by=block.unknown_assessor),  # DQ-04
        # Clean edges: Saturday report assessed on the second working day; a recent incident still open.
        Incident("2026-02-07 10:00", "Offensive or harassing", assessed="2026-02-10 09:00"),
        Incident("2026-08-10 11:00", "Other", closed=None),
    ]
    rows = [incident(block, spec) for spec in planted]
    cats = list(INCIDENT_TEXT)
    weights = np.array([4, 6, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2], dtype=float)
    for _ in range(40 - len(rows)):
        day_w = day_weights(post=False)[2 : N_DAYS - 10]  # not the first or last days of the year
        day = 2 + int(rng.choice(len(day_w), p=day_w / day_w.sum()))
        when = START + pd.Timedelta(days=day, minutes=int(rng.integers(8 * 60, 18 * 60)))
        category = cats[rng.choice(len(cats), p=weights / weights.sum())]
        rows.append(incident(block, Incident(when, category, illegal=bool(rng.random() < 0.08))))
    frame = pd.DataFrame(rows)
    frame["_key"] = [(block.k, i) for i in range(len(frame))]
    return frame
