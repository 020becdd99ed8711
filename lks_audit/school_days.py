"""School days: the days an action plan's due dates may fall on (governors-page.md, "The action plan workbook").

A school day is a weekday that is not an England and Wales bank holiday, not on the Closures sheet and not
in a school holiday. School holidays are the rows of the optional Holidays sheet of school_settings.xlsx
(From, To, Name); a school that has not filled it in gets :func:`usual_holidays`: the fortnight around
Christmas, Easter's two weeks and August, as most English schools keep them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import holidays
import numpy as np
import pandas as pd
from dateutil.easter import easter

#: The usual English school holidays, for a school whose settings name none: (first day, last day, name) from
#: a calendar year. Christmas runs to 4 January (a Monday in 2027: many schools go back on the 5th).
CHRISTMAS = ((12, 20), (1, 4))


def usual_holidays(years: Iterable[int]) -> list[tuple[dt.date, dt.date, str]]:
    """The fortnight around Christmas (20 December to 4 January), Easter's two weeks (Monday before Easter
    Sunday to the Sunday after) and August, for each of ``years``."""
    out = []
    for year in years:
        (start_month, start_day), (end_month, end_day) = CHRISTMAS
        out.append((dt.date(year, start_month, start_day), dt.date(year + 1, end_month, end_day), "Christmas"))
        sunday = easter(year)
        out.append((sunday - dt.timedelta(days=6), sunday + dt.timedelta(days=7), "Easter"))
        out.append((dt.date(year, 8, 1), dt.date(year, 8, 31), "Summer"))
    return out


def holidays_of(frame: pd.DataFrame | None) -> list[tuple[dt.date, dt.date, str]]:
    """The school's own holidays from the Holidays sheet's rows (From and To both read as dates; a range typed
    the wrong way round is read the right way round), or an empty list."""
    if frame is None or frame.empty or not {"From", "To"} <= set(frame):
        return []
    out = []
    for start, end, name in zip(frame["From"], frame["To"], frame.get("Name", pd.Series(index=frame.index))):
        if pd.isna(start) or pd.isna(end):
            continue
        first, last = sorted((pd.Timestamp(start).date(), pd.Timestamp(end).date()))
        out.append((first, last, "" if pd.isna(name) else str(name)))
    return out


class SchoolDays:
    """Weekdays that are not bank holidays, closure days or school holidays."""

    def __init__(self, closures: Iterable = (), school_holidays: list | None = None, years: range | None = None):
        """``school_holidays``: (first, last, name) ranges, the school's own; None or empty gives the usual
        English ones for ``years``."""
        years = years or range(2000, 2101)
        days = {np.datetime64(d, "D") for d in holidays.country_holidays("GB", subdiv="ENG", years=years)}
        days |= {np.datetime64(pd.Timestamp(d).date(), "D") for d in closures if not pd.isna(d)}
        self.own_holidays = bool(school_holidays)
        for first, last, _ in school_holidays or usual_holidays(range(years.start - 1, years.stop)):
            days |= set(np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1))
        self._cal = np.busdaycalendar(weekmask="1111100", holidays=sorted(days))

    def is_school_day(self, day) -> bool:
        return bool(np.is_busday(np.datetime64(pd.Timestamp(day).date(), "D"), busdaycal=self._cal))

    def on_or_after(self, day) -> dt.date:
        """``day`` if it is a school day, else the first school day after it."""
        found = np.busday_offset(np.datetime64(pd.Timestamp(day).date(), "D"), 0, roll="forward", busdaycal=self._cal)
        return pd.Timestamp(found).date()

    def after(self, day, n: int) -> dt.date:
        """The ``n``-th school day after ``day`` (the day itself never counts)."""
        start = np.datetime64(pd.Timestamp(day).date(), "D")
        return pd.Timestamp(np.busday_offset(start, n, roll="backward", busdaycal=self._cal)).date()
