"""The sample school a year earlier (2024-25): 2025-26's records moved back 52 weeks, with a few differences
on purpose."""

from __future__ import annotations

import pandas as pd

from ..context import WorkingCalendar
from ..schema import SHEETS, Kind
from .words import CAREERS_PAGE, STAR_OF_THE_WEEK
from .year import AS_OF

#: 52 weeks back: the same weekdays, and the clocks change on the same Sundays, so every record keeps its
#: outcome; only the bank holidays move (handled below).
A_YEAR_EARLIER = pd.Timedelta(weeks=52)
#: Planted breaches of 2025-26 that 2024-25 did not have (per block): new this year.
NOT_YET = {
    "IMG-05": lambda posts: posts["Swimwear"].map(lambda v: v is True),
    "IMG-07": lambda posts: posts["Sports kit"].map(lambda v: v is True),
    "PST-06": lambda posts: posts["Post text"] == CAREERS_PAGE,
}


def _earlier(value: object, old_as_of: pd.Timestamp = AS_OF) -> object:
    """A date or date-time of 2025-26 moved to 2024-25; a planted bad cell (text) stays as typed. The audit
    day itself goes to the earlier audit day (52 weeks back would be 1 September, after it)."""
    if not isinstance(value, pd.Timestamp) or pd.isna(value):
        return value
    moved = value - A_YEAR_EARLIER
    return moved - pd.Timedelta(days=1) if value.normalize() == old_as_of else moved


def a_year_earlier(frames: dict[str, pd.DataFrame], refused: set[str]) -> None:
    """2025-26's school moved back to 2024-25, in place (what it plants: :mod:`.planted`).

    Every date moves back 52 weeks. A reply whose deadline moved with a bank holiday (Good Friday 2026 is a
    working Friday in 2025) keeps its outcome: in time stays in time, late stays late by as much. Then the
    year differs on purpose (per block): no swimming gala (IMG-05), sports day (IMG-07) or post before the
    LinkedIn account existed (PST-06), and no journalist contact (INC-06), all new in 2025-26; each photograph
    of the three students whose forms refused consent posted twice (IMG-01: 10), three more queries never
    answered (INT-02: 7) and two more star-of-the-week photographs (IMG-06: 5), fewer in 2025-26. ``refused``:
    those students' IDs. The policy was version 2024.1. The DPO kept no review yet.
    """
    lateness = _reply_lateness(frames["Interactions"], list(frames["Closures"]["Date"]))
    for name, frame in frames.items():
        for column in SHEETS[name].columns:
            if column.kind in (Kind.DATE, Kind.DATETIME) and column.header in frame:
                frame[column.header] = frame[column.header].astype(object).map(_earlier)
    frames["Policy"]["Policy version"] = "2024.1"
    _keep_reply_outcomes(frames["Interactions"], lateness, list(frames["Closures"]["Date"]))
    posts = frames["Posts"]
    for test in NOT_YET.values():
        gone = test(posts).to_numpy()
        assert not posts.loc[gone, "Post ID"].isin(posts.loc[~gone, "Post ID"]).any(), "a removed post's ID is reused"
        posts = posts[~gone]
    journalists = frames["Incidents"]
    unrecorded = (journalists["Category"] == "Journalist contact") & journalists["Media policy followed"].isna()
    frames["Incidents"] = journalists[~unrecorded].reset_index(drop=True)
    # Copies on the same day, an hour or two later: every student pictured has the same consent as in the first.
    stars = posts[(posts["Post text"] == STAR_OF_THE_WEEK) & (posts["Posted at"] < pd.Timestamp("2025-06-01"))]
    no_consent = posts[posts["Students pictured"].map(lambda ids: bool(set(ids) & refused))]
    again = pd.concat(
        [
            stars.assign(**{"Posted at": stars["Posted at"] + pd.Timedelta(hours=1)}),
            no_consent.assign(**{"Posted at": no_consent["Posted at"] + pd.Timedelta(hours=2)}),
        ]
    )
    frames["Posts"] = pd.concat([posts, _renumbered(again, posts, "P-", 5)], ignore_index=True)
    inter = frames["Interactions"]
    unanswered = inter[
        inter["First response at"].isna()
        & (inter["Received at"] < pd.Timestamp("2025-08-24"))
        & (inter["Type"] == "Query")
    ]
    earlier = unanswered.assign(**{"Received at": unanswered["Received at"] - pd.Timedelta(weeks=5)})
    frames["Interactions"] = pd.concat([inter, _renumbered(earlier, inter, "I-", 6)], ignore_index=True)
    for name in ("Areas", "Decisions"):
        frames.pop(name, None)


def _renumbered(rows: pd.DataFrame, frame: pd.DataFrame, prefix: str, digits: int) -> pd.DataFrame:
    """``rows`` (copies) given IDs after the highest of ``frame``'s key column (its first)."""
    key = frame.columns[0]
    highest = max(int(str(v)[len(prefix) :]) for v in frame[key].dropna())
    ids = [f"{prefix}{highest + i:0{digits}d}" for i in range(1, len(rows) + 1)]
    return rows.assign(**{key: ids})


def _reply_lateness(inter: pd.DataFrame, closures: list) -> pd.Series:
    """How long after its deadline each answered interaction was replied to (negative: in time)."""
    answered = inter["First response at"].map(lambda v: isinstance(v, pd.Timestamp)) & inter["Received at"].notna()
    received = pd.to_datetime(inter.loc[answered, "Received at"])
    deadline = WorkingCalendar(closures, range(2023, 2028)).response_deadline(received, 24)
    return pd.to_datetime(inter.loc[answered, "First response at"]) - deadline


def _keep_reply_outcomes(inter: pd.DataFrame, lateness: pd.Series, closures: list) -> None:
    """Replies moved a year back keep their outcome against the deadline of the year they are now in:
    ``lateness`` is each reply's, measured in 2025-26."""
    now = _reply_lateness(inter, closures)
    changed = (now > pd.Timedelta(0)) != (lateness > pd.Timedelta(0))
    for i in now.index[changed.to_numpy()]:
        received = inter.at[i, "Received at"]
        deadline = received + (inter.at[i, "First response at"] - received) - now[i]
        late = lateness[i] > pd.Timedelta(0)
        inter.at[i, "First response at"] = deadline + lateness[i] if late else received + pd.Timedelta(minutes=15)
