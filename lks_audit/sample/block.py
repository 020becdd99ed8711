"""One block of the sample school (600 students, 80 staff, 6 accounts): its IDs, its random draws, who is current
on a day and who may be pictured on a day, shared by the modules that write its sheets."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from ..context import WorkingCalendar
from .year import Day, day_number


class Block:
    """One block of the school: its IDs and random draws, and what its sheets share while they are built (who is
    current on a day, who may be pictured on a day, the students chosen for planted breaches)."""

    def __init__(
        self, k: int, scale: int, rng: np.random.Generator, cal: WorkingCalendar, names: list[str], admins: tuple
    ) -> None:
        self.k, self.rng, self.cal, self.names = k, rng, cal, names
        #: Each account's administrators (staff positions), by account position.
        self.admins = admins
        self.staff_ids = [f"S{80 * k + i + 1:03d}" for i in range(80)]
        self.acc_ids = [f"ACC-{6 * k + i + 1:03d}" for i in range(6)]
        self.app_ids = [f"APP-{8 * k + i + 1:03d}" for i in range(8)]
        self.student_ids = [f"ST{600 * k + i + 1:04d}" for i in range(600)]
        # Ids that do not exist (DQ-04): beyond every real id at this scale, distinct per block.
        self.unknown_staff = f"S{80 * scale + 100 * k + 99}"
        self.unknown_assessor = f"S{80 * scale + 100 * k + 98}"
        self.unknown_student = f"ST{600 * scale + 100 * k + 99:04d}"
        self.unknown_incident = f"INC-{40 * scale + 100 * k + 99:03d}"
        # Filled in as the sheets are built: each staff member's current days [from, to) and each student's days
        # they may be pictured on, as period day numbers (set by the Staff and Consent sheets), the students by
        # consent category, their first names, and those the planted posts name.
        self.current_from: list[int] = []
        self.current_to: list[int] = []
        self.ok_from = np.zeros(0, dtype=int)
        self.ok_to = np.zeros(0, dtype=int)
        self.by_cat: dict[str, list[int]] = {}
        self.first: list[str] = []
        self.pst03: list[int] = []
        self.pst04: list[int] = []
        self.late_form = -1

    def current_admins(self, account: int, day: Day) -> list[int]:
        """The account's administrators (positions) on staff on ``day``."""
        d = day_number(day)
        return [i for i in self.admins[account] if self.current_from[i] <= d < self.current_to[i]]

    def poster(self, account: int, day: Day) -> str:
        """One of them, drawn: the Staff ID of who posts or replies."""
        admins = self.current_admins(account, day)
        return self.staff_ids[admins[self.rng.integers(len(admins))]]

    def pool(self, day: Day, exclude_first: Collection[str] = ()) -> np.ndarray:
        """The students (positions) who may be pictured on ``day``, none with a first name in ``exclude_first``."""
        d = day_number(day)
        ok = (self.ok_from <= d) & (d < self.ok_to)
        if exclude_first:
            ok &= ~np.isin(np.array(self.first, dtype=object), list(exclude_first))
        return np.flatnonzero(ok)

    def group(self, day: Day, n: int, exclude_first: Collection[str] = ()) -> list[int]:
        """``n`` of them, drawn."""
        return list(self.rng.choice(self.pool(day, exclude_first), n, replace=False))
