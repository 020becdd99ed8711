"""The rule registry: one rule = one small function with its ID, area, severity and clause.

Rules register themselves with :func:`rule` in their area's module. Each check
takes ``(data, ctx)`` (a loaded :class:`~lks_audit.load.Dataset` and an
:class:`~lks_audit.context.AuditContext`) and returns findings. Columns named
in ``needs`` are guaranteed to exist in ``data.frames`` when the check runs; if
the workbook, sheet or a column is missing the rule is *not assessed* instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import pandas as pd

from ..findings import Finding
from ..schema import WORKBOOK_OF_SHEET


@dataclass(frozen=True)
class Rule:
    id: str
    area: str
    severity: str
    clause: str
    meaning: str
    needs: dict[str, tuple[str, ...]]
    check: Callable
    #: What the school should do about a finding (action plan).
    action: str = ""
    #: The role that usually owns the fix (action plan).
    owner: str = ""

    def finding(self, record, sheet: str | None, row, message: str, *, severity: str | None = None,
                student: str | None = None, cell: str | None = None) -> Finding:
        file = WORKBOOK_OF_SHEET[sheet].file if sheet else None
        return Finding(self.id, severity or self.severity, self.area, _str_or_none(record), file, sheet,
                       None if row is None or pd.isna(row) else int(row), message, cell, _str_or_none(student))

    def findings(self, frame: pd.DataFrame, sheet: str, messages: Iterable[str], *, record: str | None = None,
                 students: Iterable | None = None, severities: Iterable[str] | None = None) -> list[Finding]:
        """One finding per row of ``frame`` (which carries the ``_row`` Excel row number)."""
        keys = frame[record] if record else [None] * len(frame)
        students = students if students is not None else [None] * len(frame)
        severities = severities if severities is not None else [None] * len(frame)
        return [self.finding(k, sheet, r, m, severity=s, student=st)
                for k, r, m, st, s in zip(keys, frame["_row"], messages, students, severities)]


REGISTRY: dict[str, Rule] = {}


def rule(id: str, area: str, severity: str, *, clause: str, meaning: str,
         needs: dict[str, tuple[str, ...] | list[str]], action: str = "", owner: str = ""):
    """Register a check function as rule ``id``."""
    def register(check: Callable) -> Callable:
        if id in REGISTRY:
            raise ValueError(f"rule {id} registered twice")
        REGISTRY[id] = Rule(id, area, severity, clause, meaning,
                            {s: tuple(c) for s, c in needs.items()}, check, action, owner)
        return check
    return register


def _str_or_none(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    return str(value)
