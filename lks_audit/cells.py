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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .datetext import (
    DATE_FORMS,
    DATETIME_FORMS,
    excel_serial_day,
    is_number_text,
    month_first_hint,
    parse_typed_date,
)
from .read import UNCALCULATED
from .schema import YES_NO_WORDS, Column, Kind
from .text import clean_unicode, fold_spaces, normalise_text  # noqa: F401 (read here, and by the rules from here)

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


def is_uncalculated(value) -> bool:
    return isinstance(value, str) and value.startswith(UNCALCULATED)


def is_error_text(text: str) -> bool:
    """Is ``text`` (trimmed) what a spreadsheet shows for a formula that failed, or a formula with no value?
    Either is unreadable in every kind of column, never blank."""
    return (
        text in EXCEL_ERRORS
        or (text.startswith("Err:") and _LIBREOFFICE_ERROR.fullmatch(text) is not None)
        or text.startswith(UNCALCULATED)
    )


_ID_SPLIT = re.compile(r"[,;\r\n]+")
#: Earlier dates are not school records. Excel's serial 60 is 29/02/1900, a day that never was (kept
#: for Lotus 1-2-3), which calamine shows as 28/02/1900 like serial 59; serials 0 and below are times.
#: So anything before 1 March 1900 is a DQ-02, never silently read as a day in February 1900.
FIRST_PLAUSIBLE_DATE = pd.Timestamp(1900, 3, 1)
#: What a datetime64[ns] column can hold; other dates (31/12/9999 is valid in Excel) are DQ-02s.
_EARLIEST, _LATEST = np.datetime64(pd.Timestamp.min.ceil("us")), np.datetime64(pd.Timestamp.max.floor("us"))


@dataclass(frozen=True)
class ReadColumn:
    values: pd.Series
    #: Unreadable, non-empty cells; :func:`cell_problem` says why each is, and :func:`expected_of` what was expected.
    bad: np.ndarray


class _Cells:
    """One column's raw values, its texts reduced to the distinct ones and each found plain or not.

    A plain text (see :func:`_plain_texts`) is read as itself, so the Python work per distinct text runs
    for the others only: a column of 200,000 different IDs costs a few C passes, not 200,000 calls.
    """

    def __init__(self, raw: pd.Series):
        self.index = raw.index
        values = raw.to_numpy(dtype=object)
        if pd.api.types.infer_dtype(values, skipna=False) == "string":  # all text: one C pass tells
            self.is_text = np.ones(len(values), dtype=bool)
            self.codes, self.texts = pd.factorize(values)
        else:
            self.is_text = np.fromiter((type(v) is str for v in values), dtype=bool, count=len(values))
            self.codes, self.texts = pd.factorize(values[self.is_text])
        self.others = np.flatnonzero(~self.is_text)
        self.other_values = values[self.others]
        self.plain = _plain_texts(self.texts)
        self.unplain = np.flatnonzero(~self.plain)

    def _spread(self, per_text: np.ndarray, on_other, dtype=object) -> np.ndarray:
        """Every cell's result: its distinct text's from ``per_text``, ``on_other(value)`` for the rest."""
        if not len(self.others):
            return per_text[self.codes]
        out = np.zeros(len(self.is_text), dtype=dtype)
        if len(self.texts):
            out[self.is_text] = per_text[self.codes]
        out[self.others] = (
            _objects([on_other(v) for v in self.other_values])
            if dtype is object
            else [on_other(v) for v in self.other_values]
        )
        return out

    def map(self, func, on_text, on_plain) -> np.ndarray:
        """``func`` of every cell, as an object array: ``on_text`` (``func`` written for text alone) once per
        distinct text that is not plain, ``on_plain`` once for all the plain ones (an array in, an object
        array out), ``func`` for each other value."""
        per_text = np.empty(len(self.texts), dtype=object)
        per_text[self.plain] = on_plain(self.texts[self.plain])
        per_text[self.unplain] = _objects(list(map(on_text, self.texts[self.unplain])))
        return self._spread(per_text, func)

    def empty(self) -> np.ndarray:
        """Blank cells: no value, NaN, or text of only white space."""
        per_text = np.zeros(len(self.texts), dtype=bool)
        per_text[self.unplain] = [not t.strip() for t in self.texts[self.unplain]]  # a plain text is never blank
        # calamine's other values are numbers, booleans, dates and times: blank only if None or NaN
        blank = np.zeros(len(self.is_text), dtype=bool)
        if len(self.texts):
            blank[self.is_text] = per_text[self.codes]
        blank[self.others] = pd.isna(self.other_values)
        return blank

    def errors(self) -> np.ndarray:
        """Cells holding the text of a formula error (#N/A, #REF!, ...)."""
        per_text = np.zeros(len(self.texts), dtype=bool)
        per_text[self.unplain] = [is_error_text(t.strip()) for t in self.texts[self.unplain]]  # plain never is
        return self._spread(per_text, lambda v: False, bool)


# A plain text is taken as it is: printable ASCII, no double space, no space at either end, not an
# error's text ('#...', LibreOffice's 'Err:...'). In texts joined by NUL, what tells one that is not:
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\x00"
_NOT_PLAIN_MARKS = ("  ", "\x00 ", " \x00", "\x00#", "\x00Err:")
_NOT_PLAIN_STARTS = (" ", "#", "Err:")


def _plain_joined(texts) -> str | None:
    """``texts`` joined by NUL and framed by it (``"\\x00a\\x00b\\x00"``) when every one is plain text or
    empty; None when one is not, or is no text at all. A few C passes tell."""
    try:
        joined = "\x00".join(texts)
    except TypeError:  # a number, a date...: not a column of text
        return None
    if not joined.isascii() or joined.encode("ascii").translate(None, _PLAIN_BYTES):
        return None
    framed = f"\x00{joined}\x00"
    # No text holds a NUL itself (no XML can), and none has a mark of needing more than being taken as it is.
    if framed.count("\x00") != len(texts) + 1 or any(mark in framed for mark in _NOT_PLAIN_MARKS):
        return None
    return framed


def _all_plain(texts) -> bool:
    """Are all of ``texts`` plain or empty?"""
    return _plain_joined(texts) is not None


def _is_plain(text: str) -> bool:
    return (
        text.isascii()
        and text.isprintable()
        and not text.startswith(_NOT_PLAIN_STARTS)
        and not text.endswith(" ")
        and "  " not in text
    )


def _plain_column(raw: pd.Series) -> tuple[np.ndarray, np.ndarray | None] | None:
    """When every cell is plain text or empty (calamine's ``""``), the usual case for IDs and text: the
    column's values and where the empty ones are (None for none), no distinct texts needing finding.
    None otherwise."""
    values = raw.to_numpy(dtype=object)
    framed = _plain_joined(values) if len(values) else None
    if framed is None:
        return None
    return values, (values == "" if "\x00\x00" in framed else None)


def _plain_texts(texts: np.ndarray) -> np.ndarray:
    """Per distinct text: is it read as itself? (Printable ASCII, single spaces, nothing to trim, not
    empty, not an error's text: what IDs, choices and most text are.) A few C passes over the texts
    joined together tell when all are; otherwise each is looked at."""
    plain = texts != ""  # calamine's empty cell: never plain, and found without a look
    scan = texts[plain]
    if len(scan) and not _all_plain(scan):
        plain[plain] = np.fromiter(map(_is_plain, scan), dtype=bool, count=len(scan))
    return plain


def _objects(items: list) -> np.ndarray:
    # fromiter keeps tuples whole; np.array would turn a list of tuples into a 2-D array
    return np.fromiter(items, dtype=object, count=len(items))


def _empty_value(v) -> bool:
    return v is None or v == "" or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip())


def blank_mask(values: np.ndarray) -> np.ndarray:
    """Cells holding nothing or only white space (the loader's test for a blank row)."""
    blank = (values == "") | (values == None)  # noqa: E711 (element-wise): calamine's empty cell, or none
    rest = values[~blank]
    if not len(rest) or _all_plain(rest):
        return blank  # plain texts are never white space only
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
    out = pd.Series(cells.map(_text_value, _text_of_text, _as_they_are), index=cells.index, dtype=object)
    return ReadColumn(out, cells.errors())


def _as_they_are(texts: np.ndarray) -> np.ndarray:
    return texts


def read_text(raw: pd.Series) -> ReadColumn:
    plain = _plain_column(raw)
    if plain is None:
        return _read_text(_Cells(raw))
    values, empty = plain
    if empty is not None:
        values = values.copy()
        values[empty] = None
    return ReadColumn(pd.Series(values, index=raw.index, dtype=object), np.zeros(len(values), dtype=bool))


def read_id(raw: pd.Series) -> ReadColumn:
    col = read_text(raw)
    return ReadColumn(col.values, col.bad)


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


def _plain_ids(texts: np.ndarray) -> np.ndarray:
    """:func:`_ids_of_text` of plain texts (no new lines, nothing to fold): most are one ID each."""
    joined = "\x00".join(texts)
    if "," not in joined and ";" not in joined:
        return _objects([(t,) for t in texts])
    if ";" in joined:
        texts = joined.replace(";", ",").split("\x00")
    return _objects([tuple(filter(None, map(str.strip, t.split(",")))) for t in texts])


def read_ids(raw: pd.Series) -> ReadColumn:
    plain = _plain_column(raw)
    if plain is not None:
        values, empty = plain
        ids = _objects([()] * len(values))
        filled = np.arange(len(values)) if empty is None else np.flatnonzero(~empty)
        ids[filled] = _plain_ids(values[filled])
        return ReadColumn(pd.Series(ids, index=raw.index, dtype=object), np.zeros(len(ids), dtype=bool))
    cells = _Cells(raw)
    ids = cells.map(_ids_value, _ids_of_text, _plain_ids)
    return ReadColumn(pd.Series(ids, index=raw.index, dtype=object), cells.errors())


_IDS = "IDs separated by commas, semicolons or new lines"


#: What a yes/no column accepts, in a person's words, for messages.
YES_NO_FORMS = "Yes or No (or Y/N, True/False, 1/0, a tick ✓ or a cross ✗)"


def _yes_no_value(v) -> bool | None:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    if isinstance(v, str):
        # data-contract.md: any case, ticks and crosses, a trailing full stop ignored ("No."); an emoji tick's
        # variation selector is dropped.
        word = normalise_text(v).replace("\ufe0f", "").casefold()
        return YES_NO_WORDS.get(word[:-1] if word.endswith(".") else word)
    return None


def _per_distinct(raw: pd.Series, func) -> tuple[np.ndarray, np.ndarray]:
    """``func`` of every cell, and which cells are blank, worked out once per distinct value.

    For columns of a few words (yes/no, choices): one hashing pass over the cells. Values that compare
    equal (``True``, ``1``, ``1.0``) share a reading, so ``func`` must read them alike.
    """
    codes, distinct = pd.factorize(raw.to_numpy(dtype=object))  # None and NaN: -1, blank
    readings = _objects([func(v) for v in distinct] + [None])
    blanks = np.fromiter((isinstance(v, str) and not v.strip() for v in distinct), dtype=bool, count=len(distinct))
    return readings[codes], np.append(blanks, True)[codes]


def read_yes_no(raw: pd.Series) -> ReadColumn:
    parsed, blank = _per_distinct(raw, _yes_no_value)
    bad = pd.isna(parsed) & ~blank
    return ReadColumn(pd.Series(parsed, index=raw.index, dtype=object).astype("boolean"), bad)


def read_choice(raw: pd.Series, choices: tuple[str, ...]) -> ReadColumn:
    canon = {fold_spaces(c).casefold(): c for c in choices}
    found, blank = _per_distinct(raw, lambda v: canon.get(normalise_text(v).casefold()) if isinstance(v, str) else None)
    bad = pd.isna(found) & ~blank
    return ReadColumn(pd.Series(found, index=raw.index, dtype=object), bad)


def _as_datetime64(moments) -> np.ndarray:
    """Python dates and datetimes (or None), a list or an object array, as datetime64[ns] (a date at
    midnight); those it cannot hold become NaT."""
    # pandas converts datetime objects in C, far faster than numpy does
    micro = pd.to_datetime(moments if isinstance(moments, np.ndarray) else _objects(moments), cache=False)
    micro = micro.to_numpy().astype("datetime64[us]")
    micro[(micro < _EARLIEST) | (micro > _LATEST)] = np.datetime64("NaT")
    return micro.astype("datetime64[ns]")


def read_date(raw: pd.Series, with_time: bool) -> ReadColumn:
    cells = _Cells(raw)
    out = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[ns]")
    others = cells.other_values
    if pd.api.types.infer_dtype(others, skipna=False) in ("datetime", "date"):  # no type test each
        out[cells.others] = _as_datetime64(others)
    elif len(others):  # numbers, booleans or times among them: those are no dates
        native = np.fromiter((isinstance(v, dt.date) for v in others), dtype=bool, count=len(others))
        out[cells.others[native]] = _as_datetime64(others[native])
    if len(cells.texts):
        # Once per distinct text; a plain one needs no normalising.
        texts = [t if plain else normalise_text(t) for t, plain in zip(cells.texts, cells.plain)]
        out[cells.is_text] = _as_datetime64(list(map(parse_typed_date, texts)))[cells.codes]
    values = pd.Series(out, index=raw.index)
    # A date-time cell is a day count in floating point: LibreOffice saves 20:49 as 20:48:59.99. Times are
    # typed to the minute, so the nearest second is what was meant, in every format alike.
    values = values.dt.round("s") if with_time else values.dt.floor("D")
    values[(values < FIRST_PLAUSIBLE_DATE).to_numpy()] = pd.NaT
    bad = values.isna().to_numpy() & ~cells.empty()
    return ReadColumn(values, bad)


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
    """A raw cell value for a message, shortened so one bad cell cannot flood a report; a formula with no
    calculated value as its formula (``=A2+1``)."""
    text = cell_text(v)
    return text if len(text) <= 60 else text[:57] + "..."


def cell_text(v) -> str:
    """A raw cell value as the text a person sees (a formula with no value as its formula), whole."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return v[len(UNCALCULATED) - 1 :] if is_uncalculated(v) else _as_text(v)


def expected_of(column: Column) -> str:
    """What a cell of ``column`` should hold, in a person's words (the forms a date accepts, ...)."""
    kind = column.kind
    if kind in (Kind.DATE, Kind.DATETIME):
        return DATETIME_FORMS if kind is Kind.DATETIME else DATE_FORMS
    if kind is Kind.YESNO:
        return YES_NO_FORMS
    if kind is Kind.CHOICE:
        return "one of: " + ", ".join(column.choices)
    return _IDS if kind is Kind.IDS else "a short code such as ACC-001" if kind is Kind.ID else "text"


#: A lone x: Yes in a tick box, No in a list (data-contract.md), so never read either way.
_CROSS_OR_TICK = frozenset({"x", "x."})


def cell_problem(column: Column, value) -> str:
    """Why a cell of ``column`` holding ``value`` could not be read, the value found first and then the forms
    accepted: ``'31/02/2026' is not a date, day first (such as ...)``; a hint where one helps (the day a number
    or a month-first date would be), never used as the value."""
    shown, expected = f"'{display_value(value)}'", expected_of(column)
    if is_uncalculated(value):
        return (
            f"{shown} is a formula with no calculated value (the file was written by a program and never opened): "
            f"open and save the workbook in Excel or LibreOffice; expected {expected}"
        )
    if isinstance(value, str) and is_error_text(value.strip()):
        return f"{shown} is an Excel error, expected {expected}"
    if column.kind in (Kind.DATE, Kind.DATETIME):
        return f"{shown} {_date_problem(value, expected)}"
    if column.kind is Kind.YESNO and isinstance(value, str) and normalise_text(value).casefold() in _CROSS_OR_TICK:
        return f"{shown} is not {expected}: an x means Yes in a tick box and No in a list, so type Yes or No"
    return f"{shown} is not {expected}"


def _date_problem(value, expected: str) -> str:
    text = normalise_text(_as_text(value)) if not isinstance(value, (dt.date, dt.time, bool)) else ""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number or is_number_text(text):
        day = excel_serial_day(float(value if number else text.replace(",", ".")))
        hint = f" (as a date it would read {day:%d/%m/%Y})" if day else ""
        return f"is a number, not a date: format the cell as a date{hint}; expected {expected}"
    moment = value if isinstance(value, dt.date) else parse_typed_date(text) if text else None
    if moment is not None and pd.Timestamp(moment) < FIRST_PLAUSIBLE_DATE:  # it reads, as a day before any record
        return f"is not a plausible date (before 01/03/1900), expected {expected}"
    hint = month_first_hint(text) if text else None
    return f"is not {expected}" + (f"; did you mean {hint}?" if hint else "")
