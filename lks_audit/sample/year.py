"""The sample school's year: its dates, closure days and how busy each day is."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

YEAR = "2025-26"
#: The same school a year before (:func:`_a_year_earlier`).
EARLIER_YEAR = "2024-25"
SAMPLE_YEARS = (EARLIER_YEAR, YEAR)
START = pd.Timestamp("2025-09-01")
AS_OF = pd.Timestamp("2026-08-31")
N_DAYS = (AS_OF - START).days + 1

CLOSURES = (
    ("2025-09-01", "INSET day"),
    ("2025-10-24", "INSET day"),
    ("2026-01-05", "INSET day"),
    ("2026-01-27", "Snow day: school closed"),
    ("2026-06-01", "INSET day"),
    ("2026-07-21", "INSET day"),
    ("2026-09-01", "INSET day (next year)"),
)


#: A day or moment as the sample's tables write it ("2026-02-13", "2026-02-13 10:00") or a Timestamp.
Day = str | pd.Timestamp


def ts(day: Day | None) -> pd.Timestamp | None:
    """``day`` as a Timestamp; None stays None."""
    return None if day is None else pd.Timestamp(day)


def day_number(day: Day) -> int:
    """Day number inside the period (0 = 1 Sep 2025)."""
    return pd.Timestamp(day).toordinal() - _START_ORDINAL


_START_ORDINAL = START.toordinal()


def is_ts(value: object) -> bool:
    """Whether ``value`` is a date, not a blank or a planted bad cell (text)."""
    return isinstance(value, pd.Timestamp)


@functools.cache
def day_weights(post: bool) -> np.ndarray:
    """Relative activity per day of the period: school days busy, weekends and holidays quiet."""
    days = pd.date_range(START, AS_OF)
    w = np.where(days.day_of_week < 5, 1.0, 0.25 if post else 0.35)
    holiday = (
        (days.month == 8)
        | ((days.month == 7) & (days.day > 22))
        | ((days.month == 12) & (days.day > 19))
        | ((days.month == 1) & (days.day < 5))
    )
    w = np.where(holiday, w * 0.3, w)
    return w / w.sum()
