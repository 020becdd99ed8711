"""The audit context: period, ``as_of``, rule parameters and the working-day calendar."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

# Defaults exactly as in shared/spec/rules.md; every one is overridable.
@dataclass(frozen=True)
class Parameters:
    respond_within_hours: float = 24
    training_valid_months: int = 12
    declaration_valid_months: int = 12
    purpose_review_months: int = 12
    policy_review_months: int = 12
    assessment_working_days: int = 2
    ico_hours: float = 72
    pending_application_days: int = 30
    open_incident_days: int = 30
    account_name_pattern: str = r"(?i)(lks|little\s*kinvaston)"

    def with_overrides(self, overrides: dict[str, object]) -> "Parameters":
        """Parameters with ``name=value`` overrides applied, each converted to the field's declared type."""
        known = {f.name: f for f in fields(self)}
        changes = {}
        for name, raw in overrides.items():
            if name not in known:
                raise ValueError(f"unknown parameter {name!r}; known: {', '.join(known)}")
            # The declared type, not the default's: respond_within_hours = 24 is a float that may be 1.5.
            kind = {"int": int, "float": float, "str": str}[str(known[name].type)]
            value = _convert(raw, kind)
            if value is None:
                raise ValueError(f"parameter {name} expects a{'n' if kind is int else ''} "
                                 f"{'whole number' if kind is int else kind.__name__}, got {raw!r}")
            if kind is str:
                try:
                    re.compile(value)
                except re.error as exc:
                    raise ValueError(f"parameter {name} is not a valid regular expression: {exc}") from None
            elif value < 0:
                raise ValueError(f"parameter {name} must not be negative, got {raw!r}")
            changes[name] = value
        return replace(self, **changes)

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _convert(raw, kind):
    """``raw`` (from the command line, a TOML file or Python) as ``kind``, or None if it is not one."""
    if isinstance(raw, bool):  # True is an int to Python, never a number of hours or months here
        return None
    if kind is str:
        return raw if isinstance(raw, str) else None
    try:
        number = float(raw.strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if kind is int:
        return int(number) if number.is_integer() else None
    return number


def parse_param_pairs(pairs: list[str] | None) -> dict[str, str]:
    """``["ico_hours=48", ...]`` as a dict; a pair without ``=`` is an error."""
    out = {}
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--param expects name=value, got {pair!r}")
        out[name.strip()] = value.strip()
    return out


def read_settings_file(path: str | Path) -> dict[str, str]:
    """Parameters from a settings file: TOML with ``[parameters]`` or top-level keys."""
    import tomllib

    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return dict(data.get("parameters", data))


_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def academic_year_bounds(year: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``2025-26`` -> (1 Sep 2025, 31 Aug 2026)."""
    m = _YEAR.match(year or "")
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"academic year must look like 2025-26, got {year!r}")
    first = int(m.group(1))
    return pd.Timestamp(first, 9, 1), pd.Timestamp(first + 1, 8, 31)


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
        """rules.md: on a working day t + hours; otherwise 23:59:59 on the next working day."""
        received = pd.Series(pd.to_datetime(received), copy=False)
        working = self.is_working_day(received)
        next_day_end = self.next_working_day(received) + pd.Timedelta(hours=23, minutes=59, seconds=59)
        deadline = received + pd.Timedelta(hours=hours)
        return deadline.where(working, next_day_end.to_numpy()).where(received.notna())


@dataclass(frozen=True)
class AuditContext:
    year: str
    start: pd.Timestamp
    end: pd.Timestamp
    as_of: pd.Timestamp
    params: Parameters = field(default_factory=Parameters)
    calendar: WorkingCalendar | None = None

    @property
    def as_of_end(self) -> pd.Timestamp:
        """The audit is taken at the end of the ``as_of`` day: events on that day are not after it."""
        return self.as_of + pd.Timedelta(days=1)

    def months_before_as_of(self, months: int) -> pd.Timestamp:
        return self.as_of - pd.DateOffset(months=months)

    def in_period(self, when: pd.Series) -> pd.Series:
        """Records dated inside the academic year; an undated record is kept (it cannot be placed)."""
        day = pd.to_datetime(when).dt.floor("D")
        return day.isna() | ((day >= self.start) & (day <= self.end))


def make_context(year: str, as_of=None, params: Parameters | dict | None = None, closures=(),
                 today: dt.date | None = None) -> AuditContext:
    start, end = academic_year_bounds(year)
    if as_of is None or (isinstance(as_of, str) and not as_of.strip()):
        today_ts = pd.Timestamp(today or dt.date.today()).normalize()
        as_of_ts = min(end, today_ts)
    elif isinstance(as_of, dt.date):  # date, datetime or Timestamp: the audit is taken on its day
        as_of_ts = pd.Timestamp(as_of).normalize()
    else:
        try:
            as_of_ts = pd.Timestamp(dt.date.fromisoformat(str(as_of).strip()))
        except ValueError:
            raise ValueError(f"as_of must be a date like 2026-07-20, got {as_of!r}") from None
    if isinstance(params, dict):
        params = Parameters().with_overrides(params)
    closures = list(closures)
    years = range(min(start.year, as_of_ts.year) - 2, max(end.year, as_of_ts.year) + 3)
    return AuditContext(year, start, end, as_of_ts, params or Parameters(), WorkingCalendar(closures, years))
