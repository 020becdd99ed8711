"""Reading cell values as the contract's kinds, a whole column at a time.

Each reader takes the raw values of one column (as python-calamine gives them:
``''`` for empty, ``str``, ``float``/``int``, ``bool``, ``datetime.date`` or
``datetime.datetime``) and returns the typed column plus a mask of the cells
that could not be read. Work is vectorised with pandas: loading stays linear in
rows with a small constant.
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
EXCEL_ERRORS = frozenset({"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!",
                          "#BUSY!", "#UNKNOWN!"})

_ID_SPLIT = re.compile(r"[,;\r\n]+")
# dd/mm/yyyy (UK, day first); four-digit years only, so 10/01/26 is refused, not guessed.
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_UK_DATETIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
#: Earlier dates are not school records. Excel's serial 60 is 29/02/1900, a day that never was (kept
#: for Lotus 1-2-3), which calamine shows as 28/02/1900 like serial 59; serials 0 and below are times.
#: So anything before 1 March 1900 is a DQ-02, never silently read as a day in February 1900.
FIRST_PLAUSIBLE_DATE = pd.Timestamp(1900, 3, 1)


@dataclass(frozen=True)
class ReadColumn:
    values: pd.Series
    bad: np.ndarray  # bool mask of unreadable, non-empty cells
    expected: str
    #: Among ``bad``: dates that read but cannot be real (before :data:`FIRST_PLAUSIBLE_DATE`).
    implausible: np.ndarray | None = None


def normalise_text(value: str) -> str:
    """NFKC, zero-width characters dropped, runs of white space folded to one space, trimmed."""
    value = unicodedata.normalize("NFKC", value)
    value = value.replace("\u200b", "").replace("\u200c", "").replace("\ufeff", "")
    return " ".join(value.split())


def _is_empty(raw: pd.Series) -> np.ndarray:
    return raw.map(lambda v: v is None or v == "" or (isinstance(v, float) and np.isnan(v))
                   or (isinstance(v, str) and not v.strip())).to_numpy(dtype=bool)


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


def _excel_error(raw: pd.Series) -> np.ndarray:
    return raw.map(lambda v: isinstance(v, str) and v.strip() in EXCEL_ERRORS).to_numpy(dtype=bool)


def read_text(raw: pd.Series) -> ReadColumn:
    empty = _is_empty(raw)
    errors = _excel_error(raw)
    text = raw.map(lambda v: None if v is None else normalise_text(_as_text(v))).to_numpy(dtype=object)
    out = pd.Series(np.where(empty | errors, None, text), index=raw.index, dtype=object)
    return ReadColumn(out, errors, "text")


def read_id(raw: pd.Series) -> ReadColumn:
    col = read_text(raw)
    return ReadColumn(col.values, col.bad, "a short code such as ACC-001")


def read_ids(raw: pd.Series) -> ReadColumn:
    col = read_text(raw)

    def split(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ()
        parts = (normalise_text(p) for p in _ID_SPLIT.split(_as_text(v)))
        return tuple(p for p in parts if p)
    values = list(raw.map(split))
    for i in np.flatnonzero(col.bad):
        values[i] = ()
    return ReadColumn(pd.Series(values, index=raw.index, dtype=object), col.bad,
                      "IDs separated by commas, semicolons or new lines")


def read_yes_no(raw: pd.Series) -> ReadColumn:
    empty = _is_empty(raw)

    def word(v):
        if isinstance(v, bool):
            return v
        if isinstance(v, (int, float)) and v in (0, 1):
            return bool(v)
        if isinstance(v, str):
            return YES_NO_WORDS.get(v.strip().casefold())
        return None
    parsed = raw.map(word)
    bad = parsed.isna().to_numpy() & ~empty
    return ReadColumn(parsed.astype("boolean"), bad, "Yes or No")


def read_choice(raw: pd.Series, choices: tuple[str, ...]) -> ReadColumn:
    empty = _is_empty(raw)
    canon = {" ".join(c.split()).casefold(): c for c in choices}
    parsed = raw.map(lambda v: canon.get(normalise_text(v).casefold()) if isinstance(v, str) else None)
    found = parsed.to_numpy(dtype=object)
    bad = pd.isna(found) & ~empty
    out = pd.Series(np.where(pd.isna(found), None, found), index=raw.index, dtype=object)
    return ReadColumn(out, bad, "one of: " + ", ".join(choices))


def _from_parts(strings: pd.Series, pattern: re.Pattern, order: tuple[int, int, int]) -> pd.Series:
    """Build timestamps from regex groups; impossible dates (31/02) become NaT."""
    parts = strings.str.extract(pattern)
    if parts.empty:
        return pd.Series(pd.NaT, index=strings.index, dtype="datetime64[ns]")
    y, m, d = (parts[i] for i in order)
    frame = pd.DataFrame({"year": y, "month": m, "day": d})
    ncols = parts.shape[1]
    frame["hour"] = parts[3] if ncols > 3 else "0"
    frame["minute"] = parts[4] if ncols > 4 else "0"
    frame["second"] = parts[5] if ncols > 5 else "0"
    frame = frame.fillna("0").apply(pd.to_numeric, errors="coerce")
    # Years pandas can hold (from 1678); those before 1900 are then refused as implausible, not wrapped.
    ok = frame["year"].between(1678, 2999) & frame["hour"].between(0, 23) & frame["minute"].between(0, 59)
    frame = frame.where(ok)
    return pd.to_datetime(frame, errors="coerce").astype("datetime64[ns]")


def read_date(raw: pd.Series, with_time: bool) -> ReadColumn:
    empty = _is_empty(raw)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    is_native = raw.map(lambda v: isinstance(v, (dt.date, dt.datetime))).to_numpy(dtype=bool)
    if is_native.any():
        native = pd.to_datetime(raw[is_native].map(
            lambda v: v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)),
            errors="coerce")
        out[is_native] = native.astype("datetime64[ns]")
    is_text = raw.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool) & ~empty
    if is_text.any():
        text = raw[is_text].map(normalise_text)
        parsed = _from_parts(text, _UK_DATE, (2, 1, 0)).fillna(_from_parts(text, _ISO_DATE, (0, 1, 2)))
        if with_time:
            parsed = (parsed.fillna(_from_parts(text, _UK_DATETIME, (2, 1, 0)))
                      .fillna(_from_parts(text, _ISO_DATETIME, (0, 1, 2))))
        out[is_text] = parsed
    if not with_time:
        out = out.dt.floor("D")
    implausible = (out < FIRST_PLAUSIBLE_DATE).to_numpy()
    out[implausible] = pd.NaT
    bad = out.isna().to_numpy() & ~empty
    expected = ("a date and time (dd/mm/yyyy hh:mm, or a date)" if with_time
                else "a date (dd/mm/yyyy or yyyy-mm-dd)")
    return ReadColumn(out, bad, expected, implausible)


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
