"""What the user asks an audit for, checked without the data libraries: the rule parameters, the
academic year, the audit day, the governors' meeting and last year's findings.json.

Everything here is plain Python (no pandas, numpy or holidays), so ``lks-audit report`` can refuse a
bad argument and start its kernel without first paying for the imports the kernel pays for anyway.
The audit context (``context.py``) builds on these. A parameter, settings file, year or date that
cannot be used raises :class:`~lks_audit.errors.AuditInputError` (a ValueError); a findings.json
that cannot be used raises ValueError, which a caller words for its own argument.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .errors import AuditInputError
from .findings import RAG_STATUSES


# Defaults exactly as in shared/spec/rules.md; every one is overridable.
@dataclass(frozen=True)
class Parameters:
    respond_within_hours: float = 24
    training_valid_months: int = 12
    declaration_valid_months: int = 12
    purpose_review_months: int = 12
    policy_review_months: int = 12
    assessment_working_days: int = 2
    ico_hours: float = 72
    pending_application_days: int = 30
    open_incident_days: int = 30
    #: Rating: a high-severity rule makes its area Red when its open findings reach this percentage of
    #: the records it checked (rules.md, "Rating of an area").
    systemic_share: float = 5
    account_name_pattern: str = r"(?i)(lks|little\s*kinvaston)"

    def with_overrides(self, overrides: dict[str, object]) -> Parameters:
        """Parameters with ``name=value`` overrides applied, each converted to the field's declared type."""
        known = {f.name: f for f in fields(self)}
        changes = {}
        for name, raw in overrides.items():
            if name not in known:
                raise AuditInputError(f"unknown parameter {name!r}; known: {', '.join(known)}")
            # The declared type, not the default's: respond_within_hours = 24 is a float that may be 1.5.
            kind = {"int": int, "float": float, "str": str}[str(known[name].type)]
            value = _convert(raw, kind)
            if value is None:
                raise AuditInputError(
                    f"parameter {name} expects a{'n' if kind is int else ''} "
                    f"{'whole number' if kind is int else kind.__name__}, got {raw!r}"
                )
            if kind is str:
                try:
                    re.compile(value)
                except re.error as exc:
                    raise AuditInputError(f"parameter {name} is not a valid regular expression: {exc}") from None
            elif value < 0:
                raise AuditInputError(f"parameter {name} must not be negative, got {raw!r}")
            changes[name] = value
        return replace(self, **changes)

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _convert(raw, kind):
    """``raw`` (from the command line, a TOML file or Python) as ``kind``, or None if it is not one."""
    if isinstance(raw, bool):  # True is an int to Python, never a number of hours or months here
        return None
    if kind is str:
        return raw if isinstance(raw, str) else None
    try:
        number = float(raw.strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if kind is int:
        return int(number) if number.is_integer() else None
    return number


def parse_param_pairs(pairs: list[str] | None) -> dict[str, str]:
    """``["ico_hours=48", ...]`` as a dict; a pair without ``=`` is an AuditInputError."""
    out = {}
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise AuditInputError(f"--param expects name=value, got {pair!r}")
        out[name.strip()] = value.strip()
    return out


def read_settings_file(path: str | Path) -> dict[str, object]:
    """Parameters from a settings file: TOML with ``[parameters]`` or top-level keys."""
    import tomllib

    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        return dict(data.get("parameters", data))
    except (ValueError, OSError) as exc:  # no such file, not TOML
        raise AuditInputError(str(exc)) from None
    except TypeError as exc:  # a [parameters] that is not a table
        raise AuditInputError(f"settings file {path}: {exc}") from None


def checked_overrides(overrides: dict[str, object]) -> dict[str, object]:
    """``overrides`` (name -> value, as typed or read) once each names a parameter and fits its type."""
    try:
        Parameters().with_overrides(overrides)
    except ValueError as exc:
        raise AuditInputError(str(exc)) from None
    return overrides


#: An academic year as schools write it: ``2025-26`` or ``2025/26``.
_YEAR = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2})\s*$")


def normalise_year(year: str) -> str:
    """``2025/26`` (as UK schools write it) or ``2025-26`` -> ``2025-26``, the form folders and reports use."""
    m = _YEAR.match(year or "") if isinstance(year, str) else None
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise AuditInputError(f"academic year must look like 2025-26 or 2025/26, got {year!r}")
    return f"{m.group(1)}-{m.group(2)}"


def academic_year_dates(year: str) -> tuple[dt.date, dt.date]:
    """``2025-26`` (or ``2025/26``) -> (1 Sep 2025, 31 Aug 2026)."""
    first = int(normalise_year(year)[:4])
    return dt.date(first, 9, 1), dt.date(first + 1, 8, 31)


def academic_year_of(day: dt.date) -> str:
    """The academic year ``day`` falls in, each starting on 1 September: 15/03/2026 -> ``2025-26``."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def _given_day(value, what: str, example: str) -> dt.date | None:
    """``value`` as a day (a date, a datetime's day or ``YYYY-MM-DD``); None when not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):  # datetime or Timestamp: its day
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise AuditInputError(f"{what} must be a date like {example}, got {value!r}") from None


def _day_of(today: dt.date | None) -> dt.date:
    today = today or dt.date.today()
    return today.date() if isinstance(today, dt.datetime) else today


def audit_day(year: str, as_of=None, today: dt.date | None = None) -> dt.date:
    """The day the audit is taken: ``as_of`` (or the day of a moment, see :func:`audit_moment`) if given, else the
    year's last day or today if earlier."""
    end = academic_year_dates(year)[1]
    moment = audit_moment(as_of)
    return moment.date() if moment else _given_day(as_of, "as_of", "2026-07-20") or min(end, _day_of(today))


#: A moment as typed: a day (``2026-03-31`` or ``31/03/2026``), then a time (``10:00`` or ``10:00:30``), with a
#: space or ISO's ``T`` between.
_MOMENT = re.compile(r"^\s*(?P<day>\S+?)(?:[T ]+|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*$")
_UK_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def audit_moment(value, what: str = "as_of") -> dt.datetime | None:
    """``as of`` as a moment (rules.md, "Deadlines and as of"): a datetime with a time of day, or text such as
    ``2026-03-31 10:00``, ``2026-03-31T10:00`` or ``31/03/2026 10:00`` (UK wall-clock time); None for a day alone
    or nothing. ISO text with a UTC offset is read as the UK wall-clock time of that instant."""
    if isinstance(value, dt.datetime):  # datetime or Timestamp: a moment unless it is a day's start
        value = _uk_wall_clock(value)
        return None if value.time() == dt.time(0) else value.replace(microsecond=0)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:  # ISO with an offset ("2026-03-31T09:00:00+00:00")
        parsed = dt.datetime.fromisoformat(text)
        if parsed.tzinfo is not None:
            return _uk_wall_clock(parsed).replace(microsecond=0)
    except ValueError:
        pass
    m = _MOMENT.match(text)
    if not m:
        return None
    try:
        day = _iso_day(m["day"])
        return dt.datetime.combine(day, dt.time(int(m["hour"]), int(m["minute"]), int(m["second"] or 0)))
    except ValueError:
        raise _not_a_moment(what, value) from None


def _iso_day(text: str) -> dt.date:
    """``2026-03-31`` or, as the UK writes it, ``31/03/2026``; ValueError for anything else."""
    uk = _UK_DAY.match(text)
    return dt.date(int(uk[3]), int(uk[2]), int(uk[1])) if uk else dt.date.fromisoformat(text)


def _not_a_moment(what: str, value) -> AuditInputError:
    return AuditInputError(f"{what} must be a day or a moment like 2026-03-31 10:00 or 31/03/2026 10:00, got {value!r}")


def given_moment(value, what: str) -> dt.datetime | None:
    """A moment as typed (see :func:`audit_moment`), or a day alone as its first moment; None when not given."""
    moment = audit_moment(value, what)
    if moment is not None or value is None or (isinstance(value, str) and not value.strip()):
        return moment
    if not isinstance(value, str):
        return dt.datetime.combine(_given_day(value, what, "2026-03-31"), dt.time())
    try:
        return dt.datetime.combine(_iso_day(value.strip()), dt.time())
    except ValueError:
        raise _not_a_moment(what, value) from None


def _uk_wall_clock(moment: dt.datetime) -> dt.datetime:
    """A moment with a time zone as the UK wall-clock time (naive) it was; a naive one as it is."""
    if moment.tzinfo is None:
        return moment
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/London")).replace(tzinfo=None)


def meeting_day(meeting_date=None, today: dt.date | None = None) -> dt.date:
    """The day governors receive the review (action due dates count from it): ``meeting_date`` if given
    (a date or ``YYYY-MM-DD``), else today."""
    return _given_day(meeting_date, "the meeting date", "2026-10-14") or _day_of(today)


def read_previous(path: str | Path | None) -> dict | None:
    """Last year's findings.json, or None for ``""``; a file that is not there or not one is a ValueError."""
    if not path:
        return None
    if not Path(path).is_file():
        raise ValueError(f"{path}: not found")
    try:
        previous = json.loads(Path(path).read_text(encoding="utf-8"))
        summary, year = previous["summary"], previous["year"]
        areas, by_rule = summary["areas"], summary["by_rule"]
        # The trend shows these as statuses and counts: anything else is not our file (or was edited).
        bad = [
            f"area {a!r}"
            for a, info in areas.items()
            if info.get("rag", "Grey") not in RAG_STATUSES or type(info.get("findings", 0)) is not int
        ]
        bad += [f"rule {r!r}" for r, n in by_rule.items() if type(n) is not int]
        if type(summary.get("total_findings", 0)) is not int or not isinstance(year, str):
            bad.append("total or year")
        if bad:
            raise ValueError(f"unexpected status or count for {bad[0]}")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path} is not a findings.json written by lks-audit ({type(exc).__name__}: {exc})") from None
    return previous
