"""The rule registry: one rule = one small function with its ID, area, severity and clause.

Rules register themselves with :func:`register_rule` in their area's module. The
decorator hands each check its own :class:`Rule` as the first argument, so a
rule's ID is written once: ``check(rule, data, ctx)`` takes the rule, a loaded
:class:`~lks_audit.load.Dataset` and an :class:`~lks_audit.context.AuditContext`
and returns findings made with ``rule.finding``/``rule.findings``. Columns named
in ``needs`` are guaranteed to exist in ``data.frames`` when the check runs; if
the workbook, sheet or a column is missing the rule is *not assessed* instead.

Registration checks itself: an unknown area or severity, or a sheet or column
the data contract does not have, fails at import, not in a school's audit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from ..findings import AREAS, RULE_FAMILIES, SEVERITIES, Finding
from ..schema import SHEETS, WORKBOOK_OF_SHEET

_RULE_ID = re.compile(r"^(?P<family>[A-Z]+)-\d{2}$")


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
    #: Every severity its findings may carry: ``severity`` first (APP-01 is high, or medium when the
    #: application was not approved).
    severities: tuple[str, ...] = ()

    def run(self, data, ctx) -> list[Finding]:
        return self.check(self, data, ctx)

    def finding(
        self,
        record,
        sheet: str | None,
        row,
        message: str,
        *,
        severity: str | None = None,
        student: str | None = None,
        cell: str | None = None,
        column: str | None = None,
        detail: str | None = None,
    ) -> Finding:
        severity = severity or self.severity
        if severity not in self.severities:
            raise ValueError(f"rule {self.id} cannot raise a {severity} finding (it raises {self.severities})")
        file = WORKBOOK_OF_SHEET[sheet].file if sheet else None
        return Finding(
            self.id,
            severity,
            self.area,
            _str_or_none(record),
            file,
            sheet,
            None if row is None or pd.isna(row) else int(row),
            message,
            cell,
            _str_or_none(student),
            column,
            detail,
        )

    def findings(
        self,
        frame: pd.DataFrame,
        sheet: str,
        messages: Iterable[str],
        *,
        record: str | None = None,
        students: Iterable | None = None,
        severities: Iterable[str] | None = None,
    ) -> list[Finding]:
        """One finding per row of ``frame`` (which carries the ``_row`` Excel row number).

        Each names its record by ``record``, by default the sheet's label column (its key).
        """
        record = record or SHEETS[sheet].label
        keys = frame[record] if record else [None] * len(frame)
        students = students if students is not None else [None] * len(frame)
        severities = severities if severities is not None else [None] * len(frame)
        return [
            self.finding(k, sheet, r, m, severity=s, student=st)
            for k, r, m, st, s in zip(keys, frame["_row"], messages, students, severities)
        ]


REGISTRY: dict[str, Rule] = {}


def register_rule(
    id: str,
    area: str,
    severity: str,
    *,
    clause: str,
    meaning: str,
    needs: dict[str, Iterable[str]],
    action: str = "",
    owner: str = "",
    also: Iterable[str] = (),
) -> Callable:
    """Register ``check(rule, data, ctx)`` as rule ``id``; ``also`` lists other severities it may raise."""

    def register(check: Callable) -> Callable:
        rule = Rule(
            id,
            area,
            severity,
            clause,
            meaning,
            {s: tuple(c) for s, c in needs.items()},
            check,
            action,
            owner,
            (severity, *also),
        )
        problems = _problems(rule)
        if problems:
            raise ValueError(f"rule {id} ({check.__name__}): " + "; ".join(problems))
        REGISTRY[id] = rule
        return check

    return register


def _problems(rule: Rule) -> list[str]:
    """What in a rule's declaration disagrees with the findings model or the data contract."""
    out = []
    match = _RULE_ID.match(rule.id)
    if not match or match["family"] not in RULE_FAMILIES:
        out.append(f"the ID is not of the form XXX-00 with XXX one of {', '.join(RULE_FAMILIES)}")
    if rule.id in REGISTRY:
        out.append("registered twice")
    if rule.area not in AREAS:
        out.append(f"unknown area {rule.area!r}")
    out += [f"unknown severity {s!r}" for s in rule.severities if s not in SEVERITIES]
    for sheet, columns in rule.needs.items():
        if sheet not in SHEETS:
            out.append(f"needs a sheet {sheet!r} that the data contract does not have")
            continue
        out += [
            f"needs a column {c!r} that sheet {sheet} does not have" for c in columns if c not in SHEETS[sheet].headers
        ]
    if not rule.clause or not rule.meaning:
        out.append("has no policy clause or meaning")
    return out


def _str_or_none(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    return str(value)
