"""The register of personal data breaches UK GDPR Article 33(5) asks the controller to keep: every breach of the
year with its facts, when the school became aware and when the DPO was told, the assessment, the decision on
telling the ICO (and when its 72 hours ended), when it was reported, who was told, how it ended and the findings
on it.

A breach is counted one way everywhere (:func:`~lks_audit.rules.incidents.personal_data_breaches`): an incident
reported in the year whose Personal data breach is Yes or whose Category is Personal data breach. The register
is read from the incidents log as typed; nothing here judges it (the INC rules do, and their findings are named).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .deadlines import ico_due
from .load import ROW, Dataset
from .rules.incidents import BREACH_COLUMNS, personal_data_breaches

SHEET = "Incidents"
#: What the register needs to say which incidents are breaches; without them it cannot be drawn up.
NEEDED = ("Incident ID", "Reported at", *BREACH_COLUMNS)


@dataclass(frozen=True)
class Breach:
    """One personal data breach as the incidents log records it (None: blank, or the column is missing)."""

    incident: str | None
    #: Its Excel row on the Incidents sheet.
    row: int
    category: str | None
    #: Whether Personal data breach says Yes (else only the Category says it is one).
    flagged: bool
    summary: str | None
    #: When the school became aware (Reported at).
    aware_at: pd.Timestamp | None
    dpo_informed_at: pd.Timestamp | None
    #: When SLT assessed it (who did is left out: the register names no one).
    assessed_at: pd.Timestamp | None
    #: The decision on telling the ICO: True (reportable), False (not), None (not recorded).
    ico_reportable: bool | None
    #: When the ``ico_hours`` after awareness ended (real hours in Europe/London).
    ico_deadline: pd.Timestamp | None
    reported_to_ico_at: pd.Timestamp | None
    #: Who was told, as logged (External agencies informed).
    told: str | None
    outcome: str | None
    closed_on: pd.Timestamp | None
    #: IDs of the findings on this incident, most severe first (as the audit lists them).
    findings: tuple[str, ...] = ()


@dataclass(frozen=True)
class BreachRegister:
    """The year's breaches, or why the register cannot be drawn up (``unavailable``)."""

    breaches: list[Breach]
    unavailable: str | None = None
    #: Columns of the log the register shows but the workbook lacks (shown blank).
    missing: tuple[str, ...] = ()
    #: Incidents of the year that may be breaches (their Personal data breach or Category could not be read): in no
    #: count, as the rules leave them undecided; named so the DPO has the cells fixed.
    maybe: tuple[str, ...] = ()


def _value(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value


def breach_register(data: Dataset, ctx, findings=()) -> BreachRegister:
    """Every personal data breach of the year, in the order of the log, with the IDs of the findings on it."""
    why = data.unavailable(SHEET, NEEDED)
    if why:
        return BreachRegister([], unavailable=why)
    rows = personal_data_breaches(data, ctx)
    shown = ("Summary", "DPO informed at", "SLT assessment at", "ICO reportable", "Reported to ICO at",
             "External agencies informed", "Outcome", "Closed on")  # fmt: skip
    missing = tuple(c for c in shown if data.unavailable(SHEET, (c,)))
    on_row: dict[int, list[str]] = {}
    for f in findings:
        if f.sheet == SHEET and f.row is not None:
            on_row.setdefault(f.row, []).append(f.id)
    deadlines = ico_due(rows["Reported at"], ctx)  # the clock INC-05 and `due` use
    out = []
    for (_, row), deadline in zip(rows.iterrows(), deadlines):
        reportable = _value(row["ICO reportable"])
        out.append(
            Breach(
                incident=_value(row["Incident ID"]),
                row=int(row[ROW]),
                category=_value(row["Category"]),
                flagged=bool(_value(row["Personal data breach"])),
                summary=_value(row["Summary"]),
                aware_at=_value(row["Reported at"]),
                dpo_informed_at=_value(row["DPO informed at"]),
                assessed_at=_value(row["SLT assessment at"]),
                ico_reportable=None if reportable is None else bool(reportable),
                ico_deadline=_value(deadline),
                reported_to_ico_at=_value(row["Reported to ICO at"]),
                told=_value(row["External agencies informed"]),
                outcome=_value(row["Outcome"]),
                closed_on=_value(row["Closed on"]),
                findings=tuple(on_row.get(int(row[ROW]), ())),
            )
        )
    maybe = personal_data_breaches(data, ctx, maybe=True)
    named = tuple(
        f"{i} (row {int(r)})" if _value(i) is not None else f"row {int(r)}"
        for i, r in zip(maybe["Incident ID"], maybe[ROW])
    )
    return BreachRegister(out, missing=missing, maybe=named)


def moment_text(value) -> str:
    """``Mon 02/02/2026 09:00`` (the weekday makes a deadline easy to check by eye), "" for none."""
    return "" if value is None else f"{pd.Timestamp(value):%a %d/%m/%Y %H:%M}"


def day_text(value) -> str:
    """``02/02/2026``, "" for none."""
    return "" if value is None else f"{pd.Timestamp(value):%d/%m/%Y}"


__all__ = ["Breach", "BreachRegister", "breach_register", "day_text", "moment_text"]
