"""Cells that could not be read, as the rules see them: unknown, never blank (rules.md, "Unknown is not blank").

The loader records, per (sheet, column), the Excel rows of the cells it could not read (DQ-02). A rule reads them
as read blank (the values the frames hold), and asks here which of its records rest on such a cell. It reasons
in three values (:class:`Tri`, Kleene's logic): a test on an unreadable cell is neither true nor false, so a
record's finding is certain, impossible, or *open* (some value of the cell would give it). An open record is

* a finding **to confirm** where the finding, worded from the cells as read, holds whatever the value is (the
  cell it fires on reads blank: "no response recorded"), and a data fix may still clear it; its cells name the
  DQ-02s it depends on;
* otherwise **undecided**: neither a finding nor a pass, left out of ``checked``, waiting on those DQ-02s.

Everything here is vectorised: a column with no unreadable cell (the usual case) costs one dict look-up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..load import Dataset
from ..schema import ROW
from .base import first_by_key, is_blank, is_yes, not_left_by, started_by


class Tri:
    """A truth per record in three values: yes, no, or unknown (a cell it rests on could not be read)."""

    __slots__ = ("yes", "unknown")

    def __init__(self, yes: np.ndarray | pd.Series, unknown: np.ndarray | None = None) -> None:
        yes = np.asarray(yes, dtype=bool)
        self.unknown = np.zeros(len(yes), dtype=bool) if unknown is None else np.asarray(unknown, dtype=bool)
        self.yes = yes & ~self.unknown

    @property
    def no(self) -> np.ndarray:
        return ~self.yes & ~self.unknown

    @property
    def maybe(self) -> np.ndarray:
        """Yes, or perhaps: true for some value of the unreadable cells."""
        return self.yes | self.unknown

    def __and__(self, other: Tri) -> Tri:
        yes = self.yes & other.yes
        return Tri(yes, ~yes & ~self.no & ~other.no)

    def __or__(self, other: Tri) -> Tri:
        yes = self.yes | other.yes
        return Tri(yes, ~yes & ~(self.no & other.no))

    def __invert__(self) -> Tri:
        return Tri(self.no, self.unknown)


def unreadable_rows(data: Dataset, sheet: str, column: str) -> np.ndarray:
    """The Excel rows of ``column``'s cells that could not be read."""
    return data.unknown.get((sheet, column), _NONE)


_NONE = np.zeros(0, dtype="int64")


def unreadable(data: Dataset, frame: pd.DataFrame, sheet: str, *columns: str, rows: str = ROW) -> np.ndarray:
    """Per row of ``frame`` (a row of ``sheet`` numbered by its ``rows`` column, NaN for none): does any of
    ``columns`` hold a cell that could not be read?"""
    if not any((sheet, column) in data.unknown for column in columns):
        return np.zeros(len(frame), dtype=bool)  # the usual case: nothing to look up
    return unreadable_at(data, sheet, frame[rows].to_numpy(dtype="float64"), *columns)


def unreadable_at(data: Dataset, sheet: str, rows: pd.DataFrame, *columns: str) -> np.ndarray:
    """Per Excel row of ``sheet`` in ``rows`` (NaN or -1 for none): does any of ``columns`` hold a cell that could
    not be read there?"""
    rows = np.asarray(rows, dtype="float64")
    out = np.zeros(len(rows), dtype=bool)
    for column in columns:
        bad = data.unknown.get((sheet, column))
        if bad is not None and len(rows):
            out |= np.isin(rows, bad)
    return out


def known(mask: np.ndarray) -> Tri:
    return Tri(np.asarray(mask, dtype=bool))


def test(data: Dataset, frame: pd.DataFrame, sheet: str, mask: np.ndarray, *columns: str, rows: str = ROW) -> Tri:
    """``mask`` (worked out from the cells as read), unknown where one of ``columns`` could not be read."""
    return Tri(np.asarray(mask, dtype=bool), unreadable(data, frame, sheet, *columns, rows=rows))


def says_yes(data: Dataset, frame: pd.DataFrame, sheet: str, column: str, rows: str = ROW) -> Tri:
    """A yes/no cell says Yes (blank and No are no; unreadable is unknown)."""
    return test(data, frame, sheet, is_yes(frame[column]).to_numpy(dtype=bool), column, rows=rows)


def blank(data: Dataset, frame: pd.DataFrame, sheet: str, column: str, rows: str = ROW) -> Tri:
    """A cell is blank (an unreadable one is not known to be)."""
    return test(data, frame, sheet, is_blank(frame[column]).to_numpy(dtype=bool), column, rows=rows)


def settle(hit: Tri, doubtful: np.ndarray = None) -> tuple[np.ndarray, np.ndarray]:
    """(findings, undecided) of a rule whose finding is ``hit``, its messages worded from the cells as read.

    A finding is certain, or open with the cells as read giving it and none of its unreadable cells
    ``doubtful`` (a cell whose reading blank would make the finding's words untrue: "is No", "after the
    deadline"); it is then to confirm, its cells naming the DQ-02s. Any other open record is undecided.
    ``hit.unknown`` records the rule would not raise on the cells as read are undecided too, whatever
    ``doubtful`` says: some value of the cell would raise it.
    """
    fired = hit.yes | hit.unknown  # as read, the rule raises a finding on every open record it may raise ...
    return _split(hit, fired, doubtful)


def settle_as_read(hit: Tri, fired: np.ndarray, doubtful: np.ndarray = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`settle` where the cells as read give ``fired`` (the rule's own test, blank read as blank), which may
    leave out open records: those are undecided."""
    return _split(hit, np.asarray(fired, dtype=bool), doubtful)


def _split(hit: Tri, fired: np.ndarray, doubtful: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    doubtful = np.zeros(len(fired), dtype=bool) if doubtful is None else np.asarray(doubtful, dtype=bool)
    findings = hit.yes | (hit.unknown & fired & ~doubtful)
    return findings, hit.unknown & ~findings


def checked(scope: Tri, findings: np.ndarray, undecided: np.ndarray) -> int:
    """The records a rule examined and decided: those surely in its scope, and its findings (one to confirm
    may rest on an unreadable scope cell), undecided ones left out."""
    return int(((scope.yes | findings) & ~undecided).sum())


def closure_cells(data: Dataset) -> list[tuple]:
    """The Closures rows whose Date could not be read, as cells: each could be any day, so a working-day deadline
    may be later than it seems by as many working days (rules.md)."""
    return [("Closures", int(r), "Date") for r in unreadable_rows(data, "Closures", "Date")]


def other_cells(sheet: str, rows: pd.DataFrame, *columns: str) -> list[list[tuple]]:
    """Per Excel row of ``sheet`` in ``rows`` (NaN or -1 for none), its cells in ``columns``: what a record rests
    on in another sheet (the application of an account, the staff row of a poster)."""
    out = []
    for row in np.asarray(rows, dtype="float64").tolist():
        out.append([] if row != row or row < 0 else [(sheet, int(row), c) for c in columns])
    return out


def key_cells(data: Dataset, sheet: str, key: str) -> list[tuple]:
    """The cells of ``sheet``'s key that could not be read: an ID found on no row may be on one of them."""
    return [(sheet, int(r), key) for r in unreadable_rows(data, sheet, key)]


def staff_current(data: Dataset, ids: pd.Series, days: pd.Timestamp | pd.Series) -> tuple[Tri, np.ndarray, np.ndarray]:
    """Per row of ``ids`` (Staff IDs): is the person current staff on the day in ``days`` (one day, or one per row)?

    Returns the truth in three values (unknown where their Start or Leaving date could not be read, or where the
    ID is on no Staff row while a Staff ID could not be read), the truth as the cells read (an unreadable date
    read blank, so the person current), and the Excel row of their Staff row (-1 for none).
    """
    staff = first_by_key(data.frames["Staff"], "Staff ID")[["Staff ID", "Start date", "Leaving date", ROW]]
    ids = ids.astype(object)  # an empty list of IDs comes as floats
    rows = pd.DataFrame({"Staff ID": ids.to_numpy(), "_day": pd.to_datetime(days).to_numpy()}
                        if isinstance(days, pd.Series) else {"Staff ID": ids.to_numpy()})  # fmt: skip
    merged = rows.merge(staff.astype({"Staff ID": object}), on="Staff ID", how="left")
    day = merged["_day"] if "_day" in merged else pd.Timestamp(days)
    found = merged[ROW].notna().to_numpy()
    start, leaving = merged["Start date"], merged["Leaving date"]
    day = day.dt.floor("D") if isinstance(day, pd.Series) else day.floor("D")
    started = test(data, merged, "Staff", started_by(start, day).to_numpy(), "Start date")
    not_left = test(data, merged, "Staff", not_left_by(leaving, day).to_numpy(), "Leaving date")
    someone_unread = len(unreadable_rows(data, "Staff", "Staff ID")) > 0
    on_sheet = Tri(found, ~found & someone_unread & ids.notna().to_numpy())
    as_read = found & started.maybe & not_left.maybe
    return on_sheet & started & not_left, as_read, merged[ROW].fillna(-1).to_numpy(dtype="int64")


def in_doubt(truth: Tri, mask: np.ndarray) -> Tri:
    """``truth`` made unknown wherever ``mask`` holds (something else it rests on could not be read), whatever
    it was."""
    mask = np.asarray(mask, dtype=bool)
    return Tri(truth.yes & ~mask, truth.unknown | mask)
