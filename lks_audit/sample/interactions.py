"""The sample school's interactions log: comments, queries, messages and complaints with the school's replies,
the planted ones among them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .accounts import ACCOUNTS, ACTIVE, POST_WEIGHTS
from .block import Block
from .people import RECEPTIONIST
from .words import KIND_P, KINDS, OFFENSIVE_SUMMARY, SENDER_P, SENDERS, SUMMARIES
from .year import AS_OF, N_DAYS, START, day_number, day_weights, ts

#: Drawn as for any interaction.
AUTO = "auto"


@dataclass(frozen=True)
class Interaction:
    """An interaction to log. What is left at :data:`AUTO` or blank is drawn as for any: its type, sender and
    summary, and a reply within hours by a current administrator of the account."""

    received: str | pd.Timestamp
    #: The account's position in the block.
    account: int
    #: The reply's time; None: never answered.
    response: str | pd.Timestamp | None = AUTO
    #: Who replied (a Staff ID).
    by: str | None = None
    kind: str | None = None
    sender: str | None = None
    offensive: bool = False
    action: str | None = None
    informed: bool | None = None
    #: The incident it became: an Incident ID, or an incident's key before the IDs are numbered.
    incident: str | tuple | None = None
    blank_id: bool = False
    #: The reply's time as typed, where it cannot be read (DQ-02).
    typed_response: str | None = None


def interaction(block: Block, spec: Interaction) -> dict:
    """``spec`` as a row of the log (its hidden ``_`` columns for numbering and the platforms' archives)."""
    rng = block.rng
    received, account, response, by = pd.Timestamp(spec.received), spec.account, spec.response, spec.by
    kind = spec.kind or KINDS[rng.choice(len(KINDS), p=KIND_P)]
    sender = spec.sender or SENDERS[rng.choice(len(SENDERS), p=SENDER_P)]
    if response == AUTO:
        response = received + pd.Timedelta(minutes=int(rng.integers(20, 180)))
    return {
        "Account ID": block.acc_ids[account],
        "Received at": received,
        "Type": kind,
        "From": sender,
        "Summary": OFFENSIVE_SUMMARY if spec.offensive else SUMMARIES[kind][rng.integers(len(SUMMARIES[kind]))],
        "First response at": spec.typed_response or ts(response),
        "Responded by": (by or block.poster(account, received)) if response is not None else None,
        "Offensive": spec.offensive,
        "Action taken": spec.action,
        "Audience informed": spec.informed,
        "_incident": spec.incident,
        "_blank_id": spec.blank_id,
        # Only the baseline's messages and X comments reach the platforms' archives (exports).
        "_baseline": False,
    }


def interactions_sheet(block: Block, incidents: pd.DataFrame) -> pd.DataFrame:
    rng, cal = block.rng, block.cal
    planted = _planted_interactions(block)
    linked = []  # offensive comments that became incidents, logged just before the incident
    for key, acc, reported in zip(incidents["_key"], incidents["Account ID"], incidents["Reported at"]):
        if acc in block.acc_ids[:5] and rng.random() < 0.6:
            comment = Interaction(
                reported - pd.Timedelta(minutes=int(rng.integers(30, 300))),
                block.acc_ids.index(acc),
                kind="Comment",
                offensive=True,
                action=("Deleted", "Reported", "Hidden")[rng.integers(3)],
                informed=True,
                incident=key,
            )
            linked.append(interaction(block, comment))
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
        spec = Interaction(rec, int(accounts[i]), response=resp, kind=KINDS[kinds[i]], sender=SENDERS[senders[i]])
        row = interaction(block, spec)
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


#: INT-01: answered 30-44 hours after a working-day receipt, and one received on Friday at 16:30 answered on Monday.
LATE_REPLIES = (
    ("2025-10-07 10:15", "2025-10-08 16:40", 0),
    ("2026-02-24 14:05", "2026-02-26 09:30", 1),
    ("2026-05-13 19:20", "2026-05-15 08:05", 2),
    ("2026-03-13 16:30", "2026-03-16 09:10", 0),
)


def _planted_interactions(block: Block) -> list[dict]:
    """This block's planted interactions (see :mod:`.planted`) and clean edges."""
    for received, _, _ in LATE_REPLIES:
        assert block.cal.is_working_day(pd.Series([pd.Timestamp(received)]))[0]
    offensive = {"kind": "Comment", "offensive": True}
    planted = [
        *(Interaction(received, account, response=reply) for received, reply, account in LATE_REPLIES),
        # INT-02: never answered; one whose reply cannot be read (DQ-02).
        Interaction("2025-11-12 11:00", 0, response=None, kind="Query"),
        Interaction("2026-04-22 15:40", 1, response=None, kind="Query"),
        Interaction("2026-07-02 09:25", 3, response=None, kind="Query"),
        Interaction("2025-12-30 09:40", 0, typed_response="12/31/2025 10:15"),
        # INT-03: offensive, no action; INT-04: acted on, the audience not told.
        Interaction("2025-10-09 20:10", 0, action="None", **offensive),
        Interaction("2026-05-02 21:30", 1, action=None, **offensive),
        Interaction("2026-01-14 18:00", 0, action="Deleted", informed=False, **offensive),
        Interaction("2026-06-03 19:45", 2, action="Hidden", **offensive),
        # DQ-05: the reply before the receipt.
        Interaction("2026-01-20 14:00", 0, response="2026-01-19 15:30"),
        # DQ-04 and TRN-01: answered by a Staff ID missing from Staff; DQ-04: an Incident ID no incident has.
        Interaction("2026-02-05 10:00", 1, by=block.unknown_staff),
        Interaction(
            "2026-06-09 16:00", 0, action="Reported", informed=True, incident=block.unknown_incident, **offensive
        ),
        # TRN-01: the untrained receptionist answers.
        Interaction("2025-10-15 09:05", 0, by=block.staff_ids[RECEPTIONIST]),
        Interaction("2026-03-25 11:20", 0, by=block.staff_ids[RECEPTIONIST]),
        # DQ-03: a blank Interaction ID.
        Interaction("2026-04-01 12:00", 1, blank_id=True),
        # Clean edges: snow day and Good Friday are not working days; Sunday 30/08 is not yet overdue.
        Interaction("2026-01-27 10:00", 0, response="2026-01-28 16:00"),
        Interaction("2026-04-03 12:00", 1, response="2026-04-07 11:00"),
        Interaction("2026-08-30 11:00", 0, response=None),
    ]
    return [interaction(block, spec) for spec in planted]
