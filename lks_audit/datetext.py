"""Dates and times as people type them: read day first, and refused where a person would doubt them.

data-contract.md, "Reading what people type": ``3/9/2025``, ``03/09/25`` (20yy), ``03.09.2025``,
``3-9-2025``, ``3 Sept 2025``, ``3rd September 2025``, ``Wed 3 Sep 2025`` and ``2025-09-03`` are all the
3rd of September 2025; a date-time adds ``09:30``, ``9.30am`` or ``9:30 pm``. Dates in figures are read day
first and never swapped (``12/31/2025`` is refused, with a question); month names are read by dateutil,
whose answer is checked against the figures typed (both day and year there, a weekday that agrees). A text
of figures alone (``46042``, an Excel serial a person sees as a number) is no date.

Plain Python, no data libraries: the readers call it once per distinct text of a column.
"""

from __future__ import annotations

import datetime as dt
import re

#: What a date column accepts, in a person's words, for messages.
DATE_FORMS = "a date, day first (such as 03/09/2025, 3 Sep 2025 or 2025-09-03)"
DATETIME_FORMS = "a date and time, day first (such as 03/09/2025 09:30, 3 Sep 2025 9.30am or 2025-09-03 09:30)"

# A time at the end of the text, after a space, a comma, a T or "at": 09:30, 9.30am, 9:30 pm, 9am, 21:30:15.
_TIME_TAIL = re.compile(
    r"^(?P<date>.*?[^\s,])(?:\s*,\s*|\s+at\s+|\s*T\s*|\s+)"
    r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<half>[ap])?(?(half)\.?\s?m\.?)$",
    re.ASCII | re.IGNORECASE,
)
# Figures only: day first (3/9/2025, 03.09.25, 3-9-2025), or the year first (2025-09-03, 2025/9/3).
_DAY_FIRST = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})$", re.ASCII)
_YEAR_FIRST = re.compile(r"^(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})$", re.ASCII)
_FIGURES = re.compile(r"\d+", re.ASCII)
_WORDS = re.compile(r"[^\W\d_]+")
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)
#: Years a school record can hold; pandas holds no earlier year, and earlier ones are refused later.
_YEARS = range(1678, 3000)


def _parser():
    from dateutil import parser  # here: a text date with a month name is rare, and the import costs

    return parser


def _day(year: int, month: int, day: int) -> dt.datetime | None:
    if year not in _YEARS:
        return None
    try:
        return dt.datetime(year, month, day)
    except ValueError:
        return None


def _year(figures: str) -> int:
    return 2000 + int(figures) if len(figures) == 2 else int(figures)


def _named_month(text: str) -> dt.datetime | None:
    """``3 Sept 2025``, ``3rd September 2025``, ``Wed 3 Sep 2025``, ``03-Sep-25``: the month by name (read by
    dateutil), exactly two numbers (the day, and the year: four figures, or two for 20yy) and any weekday named
    the date's own."""
    figures = _FIGURES.findall(text)
    words = [w for w in _WORDS.findall(_ORDINAL.sub("", text)) if w.casefold() not in ("of", "the")]
    if len(figures) != 2 or not words:
        return None
    parser = _parser()
    info = parser.parserinfo(dayfirst=True)
    months = [w for w in words if info.month(w) is not None]
    weekdays = [w for w in words if info.weekday(w) is not None]
    if len(months) != 1 or len(weekdays) > 1 or len(months) + len(weekdays) != len(words):
        return None
    long = [f for f in figures if len(f) == 4]
    if len(long) == 1:
        year_text = long[0]
    elif not long and all(len(f) <= 2 for f in figures):
        year_text = figures[1]  # 03-Sep-25: the day comes first, as everywhere in a UK date
    else:
        return None
    day_text = figures[0] if figures[1] is year_text else figures[1]
    try:
        read = parser.parse(text, dayfirst=True, default=dt.datetime(2000, 1, 1))
    except (ValueError, OverflowError):
        return None
    if read.day != int(day_text):  # dateutil took another figure for the day: a person would doubt it too
        return None
    found = _day(_year(year_text), read.month, read.day)
    if found is None or (weekdays and info.weekday(weekdays[0]) != found.weekday()):
        return None
    return found


def _date_part(text: str) -> dt.datetime | None:
    match = _DAY_FIRST.match(text)
    if match:
        day, _, month, year = match.groups()
        return _day(_year(year), int(month), int(day))
    match = _YEAR_FIRST.match(text)
    if match:
        year, _, month, day = match.groups()
        return _day(int(year), int(month), int(day))
    if _WORDS.search(text):
        return _named_month(text)
    return None


def _time_of(match: re.Match) -> dt.timedelta | None:
    hour, minute, second, half = match.group("hour", "minute", "second", "half")
    hour, minute, second = int(hour), int(minute or 0), int(second or 0)
    if half:  # 9am, 12.15pm; 12am is midnight
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.casefold() == "p" else 0)
    elif match.group("minute") is None:  # "3 Sep 2025 9" is no time a person would write
        return None
    if hour > 23 or minute > 59:
        return None
    # Seconds are not range-checked: 10:30:75 carries into the next minute.
    return dt.timedelta(hours=hour, minutes=minute, seconds=second)


# The forms office programs and the templates write (03/09/2025 09:30, 2025-09-03T09:30:00), in one match: a
# column of them (thousands of distinct date-times in a large log) costs a regex each, nothing more.
_COMMON = re.compile(
    r"^(?:(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{2})-(\d{2}))(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$",
    re.ASCII,
)


def parse_typed_date(text: str) -> dt.datetime | None:
    """The date, or date and time, that ``text`` (trimmed, spaces folded) reads as without doubt; None when a
    person would doubt it or it is no date (31/02/2026, 12/31/2025, 3 Sep, 46042, hour 25)."""
    common = _COMMON.match(text)
    if common:
        d, m, y, iso_y, iso_m, iso_d, hour, minute, second = common.groups()
        day = _day(int(y or iso_y), int(m or iso_m), int(d or iso_d))
        if day is None or hour is None:
            return day
        hour, minute = int(hour), int(minute)
        if hour > 23 or minute > 59:
            return None
        return day + dt.timedelta(hours=hour, minutes=minute, seconds=int(second or 0))
    day = _date_part(text)
    if day is not None:
        return day
    match = _TIME_TAIL.match(text)
    if match is None:
        return None
    day = _date_part(match.group("date"))
    time = _time_of(match) if day is not None else None
    return None if time is None else day + time


def month_first_hint(text: str) -> str | None:
    """``31/12/2025 10:15`` for ``12/31/2025 10:15``: the text with day and month swapped, when only that reads
    as a date (so it was written month first); None otherwise. Offered as a question, never used."""
    if parse_typed_date(text) is not None:
        return None
    match = _TIME_TAIL.match(text)
    date, rest = (match.group("date"), text[match.end("date") :]) if match else (text, "")
    found = _DAY_FIRST.match(date)
    if found is None:
        return None
    month, _, day, year = found.groups()
    swapped = f"{int(day):02d}/{int(month):02d}/{_year(year)}{rest}"
    return swapped if parse_typed_date(swapped) is not None else None


def excel_serial_day(number: float) -> dt.date | None:
    """The day an Excel serial number stands for (46042 is 20/01/2026), for a hint; None outside 1900-9999."""
    if not 61 <= number < 2958466:
        return None
    return dt.date(1899, 12, 30) + dt.timedelta(days=int(number))


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$", re.ASCII)


def is_number_text(text: str) -> bool:
    """A text of figures alone (``46042``, ``46042.5``): what a person sees as a number, not a date."""
    return _NUMBER.match(text) is not None
