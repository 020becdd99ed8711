"""The sample school's interactions log: comments, queries, messages and complaints with the school's replies,
the planted ones among them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .accounts import ACCOUNTS, ACTIVE, POST_WEIGHTS
from .block import Block
from .people import RECEPTIONIST
from .words import KIND_P, KINDS, OFFENSIVE_SUMMARY, SENDER_P, SENDERS, SUMMARIES
from .year import AS_OF, N_DAYS, START, day_number, day_weights, ts


def interaction(
    block: Block,
    received,
    account,
    *,
    response="auto",
    by=None,
    kind=None,
    sender=None,
    offensive=False,
    action=None,
    informed=None,
    incident=None,
    blank_id=False,
    typed_response=None,
) -> dict:
    rng = block.rng
    received = pd.Timestamp(received)
    kind = kind or KINDS[rng.choice(len(KINDS), p=KIND_P)]
    sender = sender or SENDERS[rng.choice(len(SENDERS), p=SENDER_P)]
    if response == "auto":
        response = received + pd.Timedelta(minutes=int(rng.integers(20, 180)))
    return {
        "Account ID": block.acc_ids[account],
        "Received at": received,
        "Type": kind,
        "From": sender,
        "Summary": OFFENSIVE_SUMMARY if offensive else SUMMARIES[kind][rng.integers(len(SUMMARIES[kind]))],
        "First response at": typed_response or ts(response),
        "Responded by": (by or block.poster(account, received)) if response is not None else None,
        "Offensive": offensive,
        "Action taken": action,
        "Audience informed": informed,
        "_incident": incident,
        "_blank_id": blank_id,
        # Only the baseline's messages and X comments reach the platforms' archives (exports).
        "_baseline": False,
    }


def interactions_sheet(block: Block, incidents: pd.DataFrame) -> pd.DataFrame:
    rng, cal = block.rng, block.cal
    planted = _planted_interactions(block)
    linked = []  # offensive comments that became incidents, logged just before the incident
    for key, acc, reported in zip(incidents["_key"], incidents["Account ID"], incidents["Reported at"]):
        if acc in block.acc_ids[:5] and rng.random() < 0.6:
            linked.append(
                interaction(
                    block,
                    reported - pd.Timedelta(minutes=int(rng.integers(30, 300))),
                    block.acc_ids.index(acc),
                    kind="Comment",
                    offensive=True,
                    action=("Deleted", "Reported", "Hidden")[rng.integers(3)],
                    informed=True,
                    incident=key,
                )
            )
    n = 4000 - len(planted) - len(linked)
    days = rng.choice(N_DAYS, n, p=day_weights(post=False))
    received = pd.Series(
        START + pd.to_timedelta(days, unit="D") + pd.to_timedelta(rng.integers(6 * 60, 23 * 60, n), unit="min")
    )
    accounts = rng.choice(ACTIVE, n, p=POST_WEIGHTS / POST_WEIGHTS.sum())
    accounts = np.where((accounts == 4) & (days < day_number(ACCOUNTS[4][7])), 0, accounts)
    deadline = cal.response_deadline(received, 24)
    delay = pd.to_timedelta(np.minimum(rng.lognormal(np.log(120), 1.0, n), 22 * 60).astype(int), unit="min")
    response = received + delay
    # Weekend/closure mail is often answered the next working morning, still before its deadline.
    next_morning = cal.next_working_day(received) + pd.to_timedelta(rng.integers(7 * 60 + 30, 10 * 60, n), unit="min")
    late_reply = ~cal.is_working_day(received) & (rng.random(n) < 0.5)
    response = response.where(~late_reply, next_morning)
    response = response.where(response < deadline - pd.Timedelta(minutes=5), received + pd.Timedelta(minutes=15))
    response = response.where(
        response <= AS_OF + pd.Timedelta(hours=23, minutes=30), received + pd.Timedelta(minutes=5)
    )
    offensive = rng.random(n) < 0.015
    kinds = rng.choice(len(KINDS), n, p=KIND_P)
    senders = rng.choice(len(SENDERS), n, p=SENDER_P)
    rows = []
    for i, (rec, resp) in enumerate(zip(received.tolist(), response.tolist())):
        row = interaction(block, rec, int(accounts[i]), response=resp, kind=KINDS[kinds[i]], sender=SENDERS[senders[i]])
        row["_baseline"] = True
        if offensive[i]:
            row.update(
                {
                    "Offensive": True,
                    "Summary": OFFENSIVE_SUMMARY,
                    "Audience informed": True,
                    "Action taken": ("Hidden", "Deleted", "Blocked", "Reported")[rng.integers(4)],
                }
            )
        elif rng.random() < 0.5:
            row["Action taken"] = "None"
        rows.append(row)
    return pd.DataFrame(rows + linked + planted)


def _planted_interactions(block: Block) -> list[dict]:
    cal, planted = block.cal, []
    for rec, resp, acc in (
        ("2025-10-07 10:15", "2025-10-08 16:40", 0),
        ("2026-02-24 14:05", "2026-02-26 09:30", 1),
        ("2026-05-13 19:20", "2026-05-15 08:05", 2),
        ("2026-03-13 16:30", "2026-03-16 09:10", 0),
    ):  # Friday, answered Monday
        assert cal.is_working_day(pd.Series([pd.Timestamp(rec)]))[0]
        planted.append(interaction(block, rec, acc, response=resp))
    block.plant("INT-01", 4)
    for rec, acc in (("2025-11-12 11:00", 0), ("2026-04-22 15:40", 1), ("2026-07-02 09:25", 3)):
        planted.append(interaction(block, rec, acc, response=None, kind="Query"))
    planted.append(interaction(block, "2025-12-30 09:40", 0, typed_response="12/31/2025 10:15"))
    block.plant("INT-02", 4)
    block.plant("DQ-02")
    planted.append(interaction(block, "2025-10-09 20:10", 0, kind="Comment", offensive=True, action="None"))
    planted.append(interaction(block, "2026-05-02 21:30", 1, kind="Comment", offensive=True, action=None))
    block.plant("INT-03", 2)
    planted.append(
        interaction(block, "2026-01-14 18:00", 0, kind="Comment", offensive=True, action="Deleted", informed=False)
    )
    planted.append(interaction(block, "2026-06-03 19:45", 2, kind="Comment", offensive=True, action="Hidden"))
    block.plant("INT-04", 2)
    planted.append(interaction(block, "2026-01-20 14:00", 0, response="2026-01-19 15:30"))
    block.plant("DQ-05")  # response before receipt
    planted.append(interaction(block, "2026-02-05 10:00", 1, by=block.unknown_staff))
    block.plant("DQ-04")
    block.plant("TRN-01")  # an account user missing from Staff
    planted.append(
        interaction(
            block,
            "2026-06-09 16:00",
            0,
            kind="Comment",
            offensive=True,
            action="Reported",
            informed=True,
            incident=block.unknown_incident,
        )
    )
    block.plant("DQ-04")
    for rec in ("2025-10-15 09:05", "2026-03-25 11:20"):
        planted.append(interaction(block, rec, 0, by=block.staff_ids[RECEPTIONIST]))
    planted.append(interaction(block, "2026-04-01 12:00", 1, blank_id=True))
    block.plant("DQ-03")
    # Clean edges: snow day and Good Friday are not working days; Sunday 30/08 is not yet overdue.
    planted.append(interaction(block, "2026-01-27 10:00", 0, response="2026-01-28 16:00"))
    planted.append(interaction(block, "2026-04-03 12:00", 1, response="2026-04-07 11:00"))
    planted.append(interaction(block, "2026-08-30 11:00", 0, response=None))
    return planted
