"""Reading cell values as the contract's kinds, a whole column at a time.

Each reader takes the raw values of one column (as python-calamine gives them:
``''`` for empty, ``str``, ``float``/``int``, ``bool``, ``datetime.date`` or
``datetime.datetime``) and returns the typed column plus a mask of the cells
that could not be read. A column's texts repeat (blanks, choices, names), and a
text's reading depends on the text alone, so the python work runs once per
distinct text (found by pandas' C hashing), never once per cell: loading stays
linear in rows with a small constant.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .schema import YES_NO_WORDS, Column, Kind

#: Values Excel shows for a formula that failed; never valid data.
EXCEL_ERRORS = frozenset(
    {
        "#REF!",
        "#N/A",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)

#: What LibreOffice shows for its own formula errors, which have no Excel name (Err:502 for SQRT(-1)).
_LIBREOFFICE_ERROR = re.compile(r"Err:\d{3}", re.ASCII)


def is_error_text(text: str) -> bool:
    """Is ``text`` (trimmed) what a spreadsheet shows for a formula that failed?"""
    return text in EXCEL_ERRORS or (text.startswith("Err:") and _LIBREOFFICE_ERROR.fullmatch(text) is not None)


_ID_SPLIT = re.compile(r"[,;\r\n]+")
# dd/mm/yyyy (UK, day first); four-digit years only, so 10/01/26 is refused, not guessed.
# ASCII digits only: a date written in other scripts' digits is refused, not read.
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)
_UK_DATETIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?$", re.ASCII)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$", re.ASCII)
# (pattern, positions of year, month, day among its groups)
_DATE_FORMS = ((_UK_DATE, (2, 1, 0)), (_ISO_DATE, (0, 1, 2)))
_DATETIME_FORMS = _DATE_FORMS + ((_UK_DATETIME, (2, 1, 0)), (_ISO_DATETIME, (0, 1, 2)))
#: Earlier dates are not school records. Excel's serial 60 is 29/02/1900, a day that never was (kept
#: for Lotus 1-2-3), which calamine shows as 28/02/1900 like serial 59; serials 0 and below are times.
#: So anything before 1 March 1900 is a DQ-02, never silently read as a day in February 1900.
FIRST_PLAUSIBLE_DATE = pd.Timestamp(1900, 3, 1)
#: What a datetime64[ns] column can hold; other dates (31/12/9999 is valid in Excel) are DQ-02s.
_EARLIEST, _LATEST = np.datetime64(pd.Timestamp.min.ceil("us")), np.datetime64(pd.Timestamp.max.floor("us"))


@dataclass(frozen=True)
class ReadColumn:
    values: pd.Series
    bad: np.ndarray  # bool mask of unreadable, non-empty cells
    expected: str
    #: Among ``bad``: dates that read but cannot be real (before :data:`FIRST_PLAUSIBLE_DATE`).
    implausible: np.ndarray | None = None
    #: Among ``bad``: what a date that reads only month first (``12/31/2025``) would be day first
    #: (``31/12/2025``), offered as a question, never used; None elsewhere.
    day_first: np.ndarray | None = None


def clean_unicode(value: str) -> str:
    """NFKC with zero-width characters dropped, white space kept as typed: how every text is compared."""
    if value.isascii():  # ASCII is already NFKC and holds no zero-width characters
        return value
    value = unicodedata.normalize("NFKC", value)
    return value.replace("\u200b", "").replace("\u200c", "").replace("\ufeff", "")


def normalise_text(value: str) -> str:
    """:func:`clean_unicode`, then runs of white space folded to one space, trimmed."""
    return " ".join(clean_unicode(value).split())


class _Cells:
    """One column's raw values, its texts reduced to the distinct ones."""

    def __init__(self, raw: pd.Series):
        self.index = raw.index
        values = raw.to_numpy(dtype=object)
        self.is_text = np.array([type(v) is str for v in values], dtype=bool)
        self.codes, self.texts = pd.factorize(values[self.is_text])
        self.others = np.flatnonzero(~self.is_text)
        self.other_values = values[self.others]

    def map(self, func, on_text=None) -> np.ndarray:
        """``func`` of every cell, as an object array (called once per distinct text).

        ``on_text``, when given, is ``func`` written for text alone: it runs for each distinct text.
        """
        out = np.empty(len(self.is_text), dtype=object)
        if len(self.texts):
            out[self.is_text] = _objects(list(map(on_text or func, self.texts)))[self.codes]
        if len(self.others):
            out[self.others] = _objects([func(v) for v in self.other_values])
        return out

    def empty(self) -> np.ndarray:
        """Blank cells: no value, NaN, or text of only white space."""
        out = np.zeros(len(self.is_text), dtype=bool)
        if len(self.texts):
            out[self.is_text] = np.array([not t.strip() for t in self.texts], dtype=bool)[self.codes]
        if len(self.others):  # calamine's other values are numbers, booleans, dates and times
            out[self.others] = [v is None or (isinstance(v, float) and v != v) for v in self.other_values]
        return out

    def mask(self, test) -> np.ndarray:
        """``test`` of every cell, as a bool array."""
        out = np.zeros(len(self.is_text), dtype=bool)
        if len(self.texts):
            out[self.is_text] = np.fromiter(map(test, self.texts), dtype=bool, count=len(self.texts))[self.codes]
        if len(self.others):
            out[self.others] = [bool(test(v)) for v in self.other_values]
        return out


def _objects(items: list) -> np.ndarray:
    # fromiter keeps tuples whole; np.array would turn a list of tuples into a 2-D array
    return np.fromiter(items, dtype=object, count=len(items))


def _empty_value(v) -> bool:
    return v is None or v == "" or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip())


def blank_mask(values) -> np.ndarray:
    """Cells holding nothing or only white space (the loader's test for a blank row)."""
    return np.array([v is None or (isinstance(v, str) and not v.strip()) for v in values], dtype=bool)


def _error_value(v) -> bool:
    return isinstance(v, str) and is_error_text(v.strip())


def _as_text(v) -> str:
    """A cell as the text a person sees: 12.0 -> '12', dates as dd/mm/yyyy."""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.strftime("%d/%m/%Y %H:%M") if (v.hour or v.minute) else v.strftime("%d/%m/%Y")
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    return str(v)


def _text_value(v) -> str | None:
    """The cell's normalised text, None for an empty cell or an Excel error."""
    if _empty_value(v) or _error_value(v):
        return None
    return normalise_text(_as_text(v))


def _text_of_text(text: str) -> str | None:
    """:func:`_text_value` for a text cell (the common case, so without the type tests)."""
    stripped = text.strip()
    return None if not stripped or is_error_text(stripped) else normalise_text(text)


def _read_text(cells: _Cells) -> ReadColumn:
    out = pd.Series(cells.map(_text_value, _text_of_text), index=cells.index, dtype=object)
    return ReadColumn(out, cells.mask(_error_value), "text")


def read_text(raw: pd.Series) -> ReadColumn:
    return _read_text(_Cells(raw))


def read_id(raw: pd.Series) -> ReadColumn:
    col = read_text(raw)
    return ReadColumn(col.values, col.bad, "a short code such as ACC-001")


def _ids_value(v) -> tuple[str, ...]:
    if v is None or (isinstance(v, float) and np.isnan(v)) or _error_value(v):
        return ()
    parts = (normalise_text(p) for p in _ID_SPLIT.split(_as_text(v)))
    return tuple(p for p in parts if p)


def _ids_of_text(text: str) -> tuple[str, ...]:
    """:func:`_ids_value` for a text cell; plain ASCII (the usual ids) needs no NFKC."""
    if not text.isascii() or is_error_text(text.strip()):
        return _ids_value(text)
    return tuple(p for p in (" ".join(part.split()) for part in _ID_SPLIT.split(text)) if p)


def read_ids(raw: pd.Series) -> ReadColumn:
    cells = _Cells(raw)
    return ReadColumn(
        pd.Series(cells.map(_ids_value, _ids_of_text), index=raw.index, dtype=object),
        cells.mask(_error_value),
        "IDs separated by commas, semicolons or new lines",
    )


def _yes_no_value(v) -> bool | None:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    if isinstance(v, str):
        return YES_NO_WORDS.get(v.strip().casefold())
    return None


def read_yes_no(raw: pd.Series) -> ReadColumn:
    cells = _Cells(raw)
    parsed = cells.map(_yes_no_value)
    bad = pd.isna(parsed) & ~cells.empty()
    return ReadColumn(pd.Series(parsed, index=raw.index, dtype=object).astype("boolean"), bad, "Yes or No")


def read_choice(raw: pd.Series, choices: tuple[str, ...]) -> ReadColumn:
    cells = _Cells(raw)
    canon = {" ".join(c.split()).casefold(): c for c in choices}
    found = cells.map(lambda v: canon.get(normalise_text(v).casefold()) if isinstance(v, str) else None)
    bad = pd.isna(found) & ~cells.empty()
    return ReadColumn(pd.Series(found, index=raw.index, dtype=object), bad, "one of: " + ", ".join(choices))


def _text_date(text: str, forms) -> dt.datetime | None:
    """A typed date or date-time, None when it is not one (31/02, hour 25, year 1899...)."""
    text = normalise_text(text)
    found = next(((match, places) for pattern, places in forms if (match := pattern.match(text))), None)
    if found is None:
        return None
    match, (y, m, d) = found
    parts = match.groups()
    year, month, day = int(parts[y]), int(parts[m]), int(parts[d])
    hour, minute, second = (int(p) if p else 0 for p in (parts[3:] + (None, None, None))[:3])
    # Years pandas can hold (from 1678); those before 1900 are then refused as implausible.
    if not (1678 <= year <= 2999 and hour <= 23 and minute <= 59):
        return None
    try:
        day_start = dt.datetime(year, month, day)
    except ValueError:
        return None
    # Seconds are not range-checked: 10:30:75 carries into the next minute.
    return day_start + dt.timedelta(hours=hour, minutes=minute, seconds=second)


def _day_first(text: str, forms) -> str | None:
    """``31/12/2025 10:15`` for ``12/31/2025 10:15``: the text with day and month swapped, when only that
    reads as a date (so it was written month first); None otherwise."""
    text = normalise_text(text)
    match = _UK_DATETIME.match(text) or _UK_DATE.match(text)
    if match is None:
        return None
    month, day, year = match.group(1, 2, 3)
    swapped = f"{int(day):02d}/{int(month):02d}/{year}{text[match.end(3) :]}"
    return swapped if _text_date(swapped, forms) is not None else None


def _as_datetime64(moments: list) -> np.ndarray:
    """Python datetimes (or None) as datetime64[ns]; those it cannot hold become NaT."""
    # pandas converts datetime objects in C, far faster than numpy does
    micro = pd.to_datetime(_objects(moments)).to_numpy().astype("datetime64[us]")
    micro[(micro < _EARLIEST) | (micro > _LATEST)] = np.datetime64("NaT")
    return micro.astype("datetime64[ns]")


def read_date(raw: pd.Series, with_time: bool) -> ReadColumn:
    cells = _Cells(raw)
    out = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[ns]")
    native = [i for i, v in enumerate(cells.other_values) if isinstance(v, dt.date)]
    if native:
        out[cells.others[native]] = _as_datetime64(
            [
                v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
                for v in cells.other_values[native]
            ]
        )
    day_first = None
    if len(cells.texts):
        forms = _DATETIME_FORMS if with_time else _DATE_FORMS
        moments = [_text_date(t, forms) for t in cells.texts]
        out[cells.is_text] = _as_datetime64(moments)[cells.codes]
        swapped = [None if m is not None else _day_first(t, forms) for t, m in zip(cells.texts, moments)]
        if any(swapped):
            day_first = np.full(len(raw), None, dtype=object)
            day_first[cells.is_text] = _objects(swapped)[cells.codes]
    values = pd.Series(out, index=raw.index)
    # A date-time cell is a day count in floating point: LibreOffice saves 20:49 as 20:48:59.99. Times are
    # typed to the minute, so the nearest second is what was meant, in every format alike.
    values = values.dt.round("s") if with_time else values.dt.floor("D")
    implausible = (values < FIRST_PLAUSIBLE_DATE).to_numpy()
    values[implausible] = pd.NaT
    bad = values.isna().to_numpy() & ~cells.empty()
    expected = "a date and time (dd/mm/yyyy hh:mm, or a date)" if with_time else "a date (dd/mm/yyyy or yyyy-mm-dd)"
    return ReadColumn(values, bad, expected, implausible, day_first)


def read_column(raw: pd.Series, column: Column) -> ReadColumn:
    """Read one column's raw cells as its contract kind."""
    kind = column.kind
    if kind is Kind.ID:
        return read_id(raw)
    if kind is Kind.IDS:
        return read_ids(raw)
    if kind is Kind.TEXT:
        return read_text(raw)
    if kind is Kind.DATE:
        return read_date(raw, with_time=False)
    if kind is Kind.DATETIME:
        return read_date(raw, with_time=True)
    if kind is Kind.YESNO:
        return read_yes_no(raw)
    if kind is Kind.CHOICE:
        return read_choice(raw, column.choices)
    raise ValueError(f"unknown kind {kind}")


def empty_column(column: Column, length: int = 0, index=None) -> pd.Series:
    """A typed all-missing column (used when the column is absent from the workbook)."""
    index = index if index is not None else pd.RangeIndex(length)
    if column.kind in (Kind.DATE, Kind.DATETIME):
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if column.kind is Kind.YESNO:
        return pd.Series(pd.NA, index=index, dtype="boolean")
    if column.kind is Kind.IDS:
        return pd.Series([()] * len(index), index=index, dtype=object)
    return pd.Series([None] * len(index), index=index, dtype=object)


def display_value(v) -> str:
    """A raw cell value for a message, shortened so one bad cell cannot flood a report."""
    text = _as_text(v)
    return text if len(text) <= 60 else text[:57] + "..."
