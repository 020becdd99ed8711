"""The audit context: period, ``as_of`` (a day, or a moment of it), rule parameters and the working-day calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import holidays
import numpy as np
import pandas as pd

from .params import Parameters, academic_year_dates, audit_day, audit_moment, normalise_year


def academic_year_bounds(year: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``2025-26`` -> (1 Sep 2025, 31 Aug 2026) as timestamps."""
    start, end = academic_year_dates(year)
    return pd.Timestamp(start), pd.Timestamp(end)


class WorkingCalendar:
    """Working days: Monday to Friday, not an England bank holiday, not a closure day.

    Backed by numpy's business-day functions so whole columns are handled at once.
    """

    def __init__(self, closures=(), years: range | None = None):
        years = years or range(2000, 2101)
        bank = holidays.country_holidays("GB", subdiv="ENG", years=years)
        days = {np.datetime64(d, "D") for d in bank}
        days |= {np.datetime64(pd.Timestamp(d).date(), "D") for d in closures if not pd.isna(d)}
        self.non_working = np.array(sorted(days), dtype="datetime64[D]")
        self._cal = np.busdaycalendar(weekmask="1111100", holidays=self.non_working)

    @staticmethod
    def _days(values) -> tuple[np.ndarray, np.ndarray]:
        s = pd.Series(pd.to_datetime(values), copy=False)
        ok = s.notna().to_numpy()
        days = s.dt.floor("D").to_numpy(dtype="datetime64[D]", na_value=np.datetime64("1970-01-01"))
        return days, ok

    def is_working_day(self, values) -> np.ndarray:
        days, ok = self._days(values)
        return np.is_busday(days, busdaycal=self._cal) & ok

    def add_working_days(self, values, n: int) -> pd.Series:
        """The n-th working day after each day (the day itself never counts).

        Counting starts from the day or, if it is not a working day, the working day before it, so
        Saturday + 1 is Monday. n = 0 means the day itself if working, else the next working day.
        """
        days, ok = self._days(values)
        roll = "backward" if n > 0 else "forward"
        out = np.busday_offset(days, n, roll=roll, busdaycal=self._cal).astype("datetime64[ns]")
        return pd.Series(np.where(ok, out, np.datetime64("NaT")), index=getattr(values, "index", None))

    def next_working_day(self, values) -> pd.Series:
        """The first working day strictly after each day."""
        return self.add_working_days(values, 1)

    def response_deadline(self, received, hours: float) -> pd.Series:
        """rules.md: on a working day t + hours (real hours: see :func:`add_hours`); otherwise 23:59:59 on
        the next working day. UK wall-clock times, like the workbooks."""
        received = pd.Series(pd.to_datetime(received), copy=False)
        working = self.is_working_day(received)
        next_day_end = self.next_working_day(received) + pd.Timedelta(hours=23, minutes=59, seconds=59)
        deadline = add_hours(received, hours)
        return deadline.where(working, next_day_end.to_numpy()).where(received.notna())


#: The workbooks hold UK wall-clock times; hours between them are counted in real time here.
LONDON = "Europe/London"


def instants(wall) -> pd.Series:
    """UK wall-clock times (naive, as typed) as the real instants they stand for (UTC).

    rules.md: across the March change one wall-clock hour does not exist, in October one is repeated.
    A time typed in the missing hour is read as just after the change; one in the repeated hour as its
    first occurrence (still summer time). Blank stays blank.
    """
    wall = pd.Series(pd.to_datetime(wall), copy=False)
    local = wall.dt.tz_localize(LONDON, ambiguous=np.ones(len(wall), dtype=bool), nonexistent="shift_forward")
    return local.dt.tz_convert("UTC")


def elapsed_hours(start, end) -> np.ndarray:
    """Real hours from each UK wall-clock ``start`` to ``end`` (Friday 10:00 to Monday 10:30 across the
    March change is 71.5); NaN where either is blank."""
    # As plain UTC datetime64 the subtraction is one vectorised step (a tz-aware column's to_numpy() gives
    # Timestamp objects, subtracted one by one: seconds at scale 50).
    utc_end, utc_start = (instants(t).dt.tz_localize(None).to_numpy() for t in (end, start))
    return (utc_end - utc_start) / np.timedelta64(1, "h")


def add_hours(wall, hours: float) -> pd.Series:
    """The UK wall-clock time ``hours`` real hours after each of ``wall``."""
    later = instants(wall) + pd.Timedelta(hours=hours)
    return later.dt.tz_convert(LONDON).dt.tz_localize(None).astype("datetime64[ns]")


@dataclass(frozen=True)
class AuditContext:
    year: str
    start: pd.Timestamp
    end: pd.Timestamp
    as_of: pd.Timestamp
    params: Parameters = field(default_factory=Parameters)
    calendar: WorkingCalendar | None = None
    #: ``as of`` as a moment (``--as-of "2026-03-31 10:00"``, UK wall-clock time); None when a day was given.
    moment: pd.Timestamp | None = None

    @property
    def as_of_moment(self) -> pd.Timestamp:
        """What a deadline is compared with (rules.md, "Deadlines and as of"): the moment asked for, or the start
        of the ``as_of`` day when a day was given (a deadline has passed when it fell before that day began)."""
        return self.as_of if self.moment is None else self.moment

    def passed(self, due) -> np.ndarray:
        """Per deadline in ``due`` (UK wall-clock times): has it passed at ``as of``? A blank one has not."""
        return (pd.Series(due, copy=False) < self.as_of_moment).to_numpy(dtype=bool)

    @property
    def as_of_end(self) -> pd.Timestamp:
        """The audit is taken at the end of the ``as_of`` day: events on that day are not after it."""
        return self.as_of + pd.Timedelta(days=1)

    def months_before_as_of(self, months: int) -> pd.Timestamp:
        return self.as_of - pd.DateOffset(months=months)

    def in_period_dated(self, when: pd.Series) -> pd.Series:
        """Records dated inside the academic year (an undated one is not)."""
        day = pd.to_datetime(when).dt.floor("D")
        return (day >= self.start) & (day <= self.end)

    def in_period(self, when: pd.Series) -> pd.Series:
        """Records dated inside the academic year; an undated record is kept (it cannot be placed)."""
        day = pd.to_datetime(when).dt.floor("D")
        return day.isna() | ((day >= self.start) & (day <= self.end))


def make_context(
    year: str, as_of=None, params: Parameters | dict | None = None, closures=(), today: dt.date | None = None
) -> AuditContext:
    year = normalise_year(year)
    start, end = academic_year_bounds(year)
    moment = audit_moment(as_of)
    as_of_ts = pd.Timestamp(audit_day(year, as_of, today))
    if isinstance(params, dict):
        params = Parameters().with_overrides(params)
    closures = list(closures)
    years = range(min(start.year, as_of_ts.year) - 2, max(end.year, as_of_ts.year) + 3)
    calendar = WorkingCalendar(closures, years)
    return AuditContext(year, start, end, as_of_ts, params or Parameters(), calendar, moment and pd.Timestamp(moment))
