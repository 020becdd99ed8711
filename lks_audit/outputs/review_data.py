"""What the annual review shows, gathered once: the audited data, the result, last year's findings.

:func:`load_review` is the notebook's one working cell; every section of the review
(:mod:`.sections`) reads the :class:`Review` it returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..audit import AuditResult, audit_folder
from ..context import AuditContext
from ..load import Dataset
from ..params import meeting_day, read_previous

AUDIENCES = ("governors", "dpo")


@dataclass
class Review:
    """One audit of one school year, and what the review needs beside it."""

    school: str
    data: Dataset
    result: AuditResult
    previous: dict | None
    generated: dt.date
    audience: str
    #: The day governors receive the review: printed on its first page; action due dates count from it.
    meeting_date: dt.date

    @property
    def ctx(self) -> AuditContext:
        return self.result.context

    @property
    def summary(self) -> dict:
        return self.result.summary

    @property
    def measures(self) -> dict:
        return self.summary.get("measures", {})

    @property
    def policy_version(self) -> str:
        versions = self.data.frames["Policy"]["Policy version"].dropna()
        return str(versions.iloc[0]) if len(versions) else "not recorded"


def load_review(
    data_dir: str | Path,
    year: str,
    as_of: str = "",
    params: dict | None = None,
    *,
    school: str = "Little Kinvaston School",
    previous: str = "",
    generated: str = "",
    audience: str = "dpo",
    meeting_date: str = "",
) -> Review:
    """Audit ``data_dir`` and gather what the review shows (the notebook's one working cell).

    ``generated`` and ``meeting_date`` (``YYYY-MM-DD``) default to today."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, got {audience!r}")
    data, result = audit_folder(data_dir, year, as_of or None, dict(params or {}))
    day = dt.date.fromisoformat(generated) if generated else dt.date.today()
    return Review(school, data, result, read_previous(previous), day, audience, meeting_day(meeting_date))
