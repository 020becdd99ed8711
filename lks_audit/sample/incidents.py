"""The sample school's incidents log, the planted ones among them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .accounts import ACCOUNTS, ACTIVE
from .block import Block
from .people import SLT
from .words import INCIDENT_TEXT, OUTCOMES
from .year import AS_OF, N_DAYS, START, day_weights, ts


def incident(
    block: Block,
    reported,
    category,
    *,
    assessed="auto",
    by=None,
    account="auto",
    illegal=False,
    police="auto",
    breach=None,
    dpo="auto",
    ico="auto",
    ico_at="auto",
    media="auto",
    closed="auto",
) -> dict:
    rng = block.rng
    reported = pd.Timestamp(reported)
    if assessed == "auto":
        assessed = reported + pd.Timedelta(minutes=int(rng.integers(30, 20 * 60)))
    if account == "auto":
        a = ACTIVE[rng.integers(len(ACTIVE))]
        a = 0 if reported < pd.Timestamp(ACCOUNTS[a][7]) else a  # not on an account before it existed
        account = (
            block.acc_ids[a]
            if category not in ("Staff conduct", "Staff contact with students", "Journalist contact")
            else None
        )
    breach = category == "Personal data breach" if breach is None else breach
    if police == "auto":
        police = reported.normalize() + pd.Timedelta(days=int(rng.integers(0, 2))) if illegal else None
    if dpo == "auto":
        dpo = reported + pd.Timedelta(minutes=int(rng.integers(30, 6 * 60))) if breach else None
    if ico == "auto":
        ico = bool(rng.random() < 0.5) if breach else None
    if ico_at == "auto":
        ico_at = reported + pd.Timedelta(hours=int(rng.integers(20, 60))) if ico else None
    if media == "auto":
        media = True if category == "Journalist contact" else None
    if closed == "auto":
        closed = min(reported.normalize() + pd.Timedelta(days=int(rng.integers(3, 25))), AS_OF)
    return {
        "Reported at": reported,
        "Category": category,
        "Account ID": account,
        "Summary": INCIDENT_TEXT[category],
        "SLT assessment at": ts(assessed),
        "Assessed by": by or block.staff_ids[SLT[rng.integers(len(SLT))]],
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


def incidents_sheet(block: Block) -> pd.DataFrame:
    rng, cal, rows = block.rng, block.cal, []
    rows.append(incident(block, "2025-11-18 10:00", "Offensive or harassing", assessed=None))
    block.plant("INC-01")
    for rep, ass in (("2026-03-02 09:00", "2026-03-09 10:00"), ("2026-06-12 16:00", "2026-06-17 09:30")):
        limit = cal.add_working_days(pd.Series([pd.Timestamp(rep)]), 2)[0]
        assert pd.Timestamp(ass).normalize() > limit
        rows.append(incident(block, rep, "Bullying", assessed=ass))
    block.plant("INC-02", 2)
    rows.append(incident(block, "2026-01-13 08:40", "Safeguarding", illegal=True, police=None))
    block.plant("INC-03")
    rows.append(incident(block, "2026-02-17 13:00", "Confidentiality", breach=True, dpo=None, ico=False))
    block.plant("INC-04")
    rows.append(
        incident(block, "2026-02-02 09:00", "Personal data breach", ico=True, ico_at="2026-02-05 17:00")
    )  # 80 hours
    rows.append(incident(block, "2026-05-19 14:00", "Other", breach=True, ico=True, ico_at=None))
    block.plant("INC-05", 2)
    rows.append(incident(block, "2025-10-02 11:00", "Journalist contact", media=None))
    block.plant("INC-06")
    for rep in ("2026-03-24 10:30", "2026-06-30 15:00"):
        rows.append(incident(block, rep, "Defamatory", closed=None))
    block.plant("INC-07", 2)
    rows.append(incident(block, "2026-04-21 09:15", "Personal data breach", ico=None))
    block.plant("INC-08")
    rows.append(incident(block, "2025-12-03 12:00", "Copyright", by=block.unknown_assessor))
    block.plant("DQ-04")
    # Clean edges: Saturday report assessed on the second working day; a recent incident still open.
    rows.append(incident(block, "2026-02-07 10:00", "Offensive or harassing", assessed="2026-02-10 09:00"))
    rows.append(incident(block, "2026-08-10 11:00", "Other", closed=None))
    cats = list(INCIDENT_TEXT)
    weights = np.array([4, 6, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2], dtype=float)
    for _ in range(40 - len(rows)):
        day_w = day_weights(post=False)[2 : N_DAYS - 10]  # not the first or last days of the year
        day = 2 + int(rng.choice(len(day_w), p=day_w / day_w.sum()))
        when = START + pd.Timedelta(days=day, minutes=int(rng.integers(8 * 60, 18 * 60)))
        category = cats[rng.choice(len(cats), p=weights / weights.sum())]
        rows.append(incident(block, when, category, illegal=bool(rng.random() < 0.08)))
    frame = pd.DataFrame(rows)
    frame["_key"] = [(block.k, i) for i in range(len(frame))]
    return frame
