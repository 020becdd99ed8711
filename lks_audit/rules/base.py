"""Shared pieces for rule modules, each written once: yes/no masks, first row per key, distinct IDs,
staff currency, dates in messages, the period's rows (tables built once per period are in :mod:`.derived`).

Area modules import from here and never from each other, so each rule reads as its own.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..context import AuditContext
from ..load import Dataset
from ..schema import ROW


def is_yes(s: pd.Series) -> pd.Series:
    """True where a yes/no column says Yes (blank and No are False)."""
    return s.fillna(False).astype(bool)


_NOT = np.frompyfunc(operator.not_, 1, 1)


def is_blank(s: pd.Series) -> pd.Series:
    """Blank cells of any kind (an ids column is blank when it holds no id)."""
    if s.dtype == object:
        # None and () are falsy, texts and lists of IDs are not: one C loop, not a Python call per cell.
        values = s.to_numpy(dtype=object)
        return pd.Series(_NOT(values).astype(bool) | pd.isna(values), index=s.index)
    return s.isna()


def fmt_date(value: object) -> str:
    """dd/mm/yyyy, as a school office writes dates."""
    return "no date" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y")


def fmt_datetime(value: object) -> str:
    return "no date" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y %H:%M")


_WEEKDAYS = np.array(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])


def weekday_datetime_texts(values: Iterable) -> list[str]:
    """``Fri 06/03/2026 15:10`` per value ("no date" for blanks); the weekday makes working-day deadlines
    easy to check by eye. Vectorised: rules may word 100,000 findings."""
    minutes = pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[m]")
    iso = np.datetime_as_string(minutes, unit="m")
    weekday = _WEEKDAYS[(minutes.astype("datetime64[D]").astype("int64") + 3) % 7]  # 1970-01-01 was a Thursday
    return ["no date" if x == "NaT" else f"{w} {x[8:10]}/{x[5:7]}/{x[:4]} {x[11:16]}" for w, x in zip(weekday, iso)]


def is_current(start: pd.Series, leaving: pd.Series, day: pd.Timestamp | pd.Series) -> pd.Series:
    """rules.md: Start date blank or on/before the day, and Leaving date blank or after it.

    ``day`` may be one timestamp or a Series aligned with ``start`` (times are ignored).
    """
    day = day.dt.floor("D") if isinstance(day, pd.Series) else pd.Timestamp(day).floor("D")
    return started_by(start, day) & not_left_by(leaving, day)


def started_by(start: pd.Series, day: pd.Timestamp | pd.Series) -> pd.Series:
    """Start date blank or on/before ``day`` (a day, without its time): the first half of :func:`is_current`."""
    return start.isna() | (start <= day)


def not_left_by(leaving: pd.Series, day: pd.Timestamp | pd.Series) -> pd.Series:
    """Leaving date blank or after ``day``: the second half of :func:`is_current`."""
    return leaving.isna() | (leaving > day)


def first_by_key(frame: pd.DataFrame, key: str, *, keep_blank: bool = False) -> pd.DataFrame:
    """One row per key: the first, as DQ-03 keeps it; rows with a blank key dropped unless ``keep_blank``."""
    repeated = frame[key].duplicated(keep="first") & frame[key].notna()
    keep = ~repeated if keep_blank else ~repeated & frame[key].notna()
    return frame[keep.to_numpy()]


def distinct_ids(ids: Iterable[str] | None) -> list[str]:
    """The IDs of an ids cell once each, in the order written ("S001, S001" is one ID)."""
    return list(dict.fromkeys(ids or ()))


def current_staff_ids(data: Dataset, day: pd.Timestamp) -> set[str]:
    """Staff IDs current on ``day``."""
    staff = data.frames["Staff"]
    mask = is_current(staff["Start date"], staff["Leaving date"], day)
    return set(staff.loc[mask & staff["Staff ID"].notna(), "Staff ID"])


def in_period(data_frame: pd.DataFrame, column: str, ctx: AuditContext) -> pd.DataFrame:
    """Rows dated inside the audit period (undated rows are kept: they cannot be placed)."""
    return data_frame[ctx.in_period(data_frame[column]).to_numpy()]


def names(frame: pd.DataFrame, key: str) -> list[str]:
    """Each row's ``key``, or ``on row 14`` where the key is blank or could not be read: a message never says
    "None" ("Incident on row 14 (reported ...)")."""
    return [k if isinstance(k, str) else f"on row {r}" for k, r in zip(frame[key].tolist(), frame[ROW].tolist())]


def post_labels(posts: pd.DataFrame) -> list[str]:
    """``Post P-0042 (12/03/2026)`` per row, dates formatted in one go (rules may word 75,000 findings)."""
    days = posts["Posted at"].dt.strftime("%d/%m/%Y").astype(object).where(posts["Posted at"].notna(), "no date")
    return [f"Post {p} ({d})" for p, d in zip(names(posts, "Post ID"), days.tolist())]


def is_active(accounts: pd.DataFrame) -> np.ndarray:
    """Each account of the register is Active (a live account: not Closed or Transferred), as its Status reads;
    False where the Status could not be read (the rules that need to know say so: ``unreadable``)."""
    return (accounts["Status"] == "Active").to_numpy()


# --- the platforms' own record (platform-exports.md) -------------------------------------------------------


def with_archives(data: Dataset) -> bool:
    """Whether the data folder has platform archives (``platform_exports/``): without them the EVD rules have
    nothing to check."""
    return data.exports is not None


def in_period_day(ctx: AuditContext, local_ms: int) -> bool:
    """Whether a UK wall-clock time (milliseconds, as matching keeps them) falls on a day of the audit period."""
    day = local_ms // 86_400_000
    return ctx.start.value // 86_400_000_000_000 <= day <= ctx.end.value // 86_400_000_000_000


def time_rows(rows: pd.DataFrame) -> str:
    """The column of :func:`platform_timed_interactions`'s rows that says where to look up unreadable time cells:
    ``_time_row`` when some times are the platform's, else ``_row``."""
    return "_time_row" if "_time_row" in rows else ROW
