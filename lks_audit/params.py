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
from collections.abc import Iterable, Mapping
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
    #: platform-exports.md: a logged time this many minutes or fewer from a platform's time may be the same post
    #: or message (EVD-01..05).
    evidence_match_minutes: float = 30

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


def parse_param_pairs(pairs: Iterable[str] | None) -> dict[str, str]:
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


def asked_overrides(
    settings: str | Path | None = None, params: Mapping[str, object] | Iterable[str] | None = None
) -> dict[str, object]:
    """The rule parameters asked for (not yet checked: :func:`checked_overrides`): the settings file's, then
    ``params`` over them, either name -> value as Python or TOML gives it (``{"ico_hours": 48}``: the notebooks'
    ``params``) or ``name=value`` pairs as ``--param`` takes them."""
    overrides = read_settings_file(settings) if settings else {}
    overrides.update(params if isinstance(params, Mapping) else parse_param_pairs(params))
    return overrides


def checked_overrides(overrides: dict[str, object]) -> dict[str, object]:
    """``overrides`` (name -> value, as typed or read) once each names a parameter and fits its type."""
    try:
        Parameters().with_overrides(overrides)
    except ValueError as exc:
        raise AuditInputError(str(exc)) from None
    return overrides


#: An academic year as schools write it: ``2025-26``, ``2025/26``, ``2025-2026`` (any dash, an en dash from Word
#: included, or a slash between).
_YEAR = re.compile(r"^\s*(\d{4})\s*[-/\u2010-\u2015\u2212]\s*(\d{4}|\d{2})\s*$")


def normalise_year(year: str) -> str:
    """``2025/26``, ``2025-2026`` or ``2025–26`` (as UK schools write it) -> ``2025-26``, the form folders and
    reports use."""
    m = _YEAR.match(year or "") if isinstance(year, str) else None
    if m and (int(m.group(1)) + 1) % 10 ** len(m.group(2)) == int(m.group(2)):
        return f"{m.group(1)}-{(int(m.group(1)) + 1) % 100:02d}"
    raise AuditInputError(f"--year must be an academic year like 2025-26 or 2025/26, got {year!r}")


def academic_year_dates(year: str) -> tuple[dt.date, dt.date]:
    """``2025-26`` (or ``2025/26``) -> (1 Sep 2025, 31 Aug 2026)."""
    first = int(normalise_year(year)[:4])
    return dt.date(first, 9, 1), dt.date(first + 1, 8, 31)


def academic_year_of(day: dt.date) -> str:
    """The academic year ``day`` falls in, each starting on 1 September: 15/03/2026 -> ``2025-26``."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


#: A day as typed on the command line: ``2026-08-31``, or day first as the UK writes it: ``31/08/2026``,
#: ``31.08.2026``, ``31-8-26`` (a two-digit year is 20yy, as in the workbooks).
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")


#: A time of day after the day, as the command line takes it: ``10:00`` or ``10:00:30``, after a space or ISO's
#: ``T``, perhaps with a UTC offset as ISO writes one (``Z``, ``+01:00``).
_TIME = re.compile(
    r"^(?P<day>\S+?)(?:\s*T\s*|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)


def given_day(value, option: str) -> dt.date | None:
    """A day given as an option (``--as-of``, ``--meeting-date``): a date, a datetime's day, or text as the user
    typed it (a time after it allowed, see :func:`given_moment`); None when not given. Text that is not a day
    raises an AuditInputError naming ``option``."""
    given = _given(value, option)
    return None if given is None else given[0]


def given_moment(value, option: str) -> dt.datetime | None:
    """A moment given as an option (``--as-of``, ``--now``): a day as :func:`given_day` reads it, then perhaps a
    time of day (``31/03/2026 10:00``, ``2026-03-31 10:00``, ``2026-03-31T10:00:00+01:00``), as UK wall-clock time
    (naive; one with a UTC offset is the UK time of that instant); a day alone is its first moment. None when not
    given."""
    given = _given(value, option)
    return None if given is None else dt.datetime.combine(given[0], given[1] or dt.time())


def audit_moment(value, option: str = "--as-of") -> dt.datetime | None:
    """``as of`` as a moment (rules.md, "Deadlines and as of") when a time of day was given with it; None for a day
    alone (a datetime at midnight is a day) or nothing."""
    given = _given(value, option)
    return None if given is None or given[1] is None else dt.datetime.combine(*given)


def _given(value, option: str) -> tuple[dt.date, dt.time | None] | None:
    """The one reader of the command line's days and moments: (day, time of day or None for a day alone)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):  # datetime or Timestamp: a moment, unless it is a day's start
        wall = _uk_wall_clock(value).replace(microsecond=0)
        return wall.date(), (wall.time() if wall.time() != dt.time(0) else None)
    if isinstance(value, dt.date):
        return value, None
    text = str(value).strip()
    timed = _TIME.match(text)
    day_text = timed["day"] if timed else text
    iso, uk = _ISO_DAY.match(day_text), _UK_DAY.match(day_text)
    if not iso and not uk:
        raise AuditInputError(f"{option} must be a day like 31/08/2026 or 2026-08-31, got {text!r}")
    year, month, day = (iso[1], iso[2], iso[3]) if iso else (uk[3], uk[2], uk[1])
    try:
        day = dt.date(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day))
    except ValueError:
        raise AuditInputError(f"{option} {text}: there is no such day") from None
    if not timed:
        return day, None
    try:
        time = dt.time(int(timed["hour"]), int(timed["minute"]), int(timed["second"] or 0))
    except ValueError:
        raise AuditInputError(f"{option} {text}: there is no such time of day") from None
    if timed["zone"]:  # an instant: the UK wall-clock time it was
        zone = timed["zone"].upper().replace("Z", "+00:00")
        try:
            moment = dt.datetime.fromisoformat(f"{day.isoformat()}T{time.isoformat()}{zone}")
        except ValueError:  # an offset of a day or more
            raise AuditInputError(f"{option} {text}: there is no such UTC offset") from None
        wall = _uk_wall_clock(moment)
        return wall.date(), wall.time()
    return day, time


def _uk_wall_clock(moment: dt.datetime) -> dt.datetime:
    """A moment with a time zone as the UK wall-clock time (naive) it was; a naive one as it is."""
    if moment.tzinfo is None:
        return moment
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/London")).replace(tzinfo=None)


def _day_of(today: dt.date | None) -> dt.date:
    today = today or dt.date.today()
    return today.date() if isinstance(today, dt.datetime) else today


def audit_day(year: str, as_of=None, today: dt.date | None = None) -> dt.date:
    """The day the audit is taken: ``as_of`` if given (a day inside the year, or the day of a moment: see
    :func:`audit_moment`), else the year's last day or today if earlier. Raises AuditInputError for a day outside
    the year, naming the year's first and last day."""
    first, last = academic_year_dates(year)
    given = given_day(as_of, "--as-of")
    day = given or min(last, _day_of(today))
    if not first <= day <= last:
        if given is None:
            raise AuditInputError(
                f"the year {normalise_year(year)} has not started yet (it runs from {first:%d/%m/%Y} to "
                f"{last:%d/%m/%Y}): give --as-of, or audit a year that has begun"
            )
        raise AuditInputError(
            f"--as-of {given:%d/%m/%Y} is outside the year {normalise_year(year)}: give a day from "
            f"{first:%d/%m/%Y} to {last:%d/%m/%Y}"
        )
    return day


@dataclass(frozen=True)
class AuditTaken:
    """When an audit is taken, as asked: the year as folder names write it, the audit day (:func:`audit_day`), and
    ``as of`` as the kernel and findings.json take it (an ISO day, or the moment when a time of day was given)."""

    year: str
    day: dt.date
    as_of: str


def audit_taken(year: str, as_of=None) -> AuditTaken:
    """``year`` and ``as_of`` as asked (``2025/26``, ``31/08/2026 10:00``) read into :class:`AuditTaken`; raises
    AuditInputError for either that cannot be used."""
    year = normalise_year(year)
    day = audit_day(year, as_of)
    return AuditTaken(year, day, (audit_moment(as_of) or day).isoformat())


def meeting_day(meeting_date=None, audit: dt.date | None = None, today: dt.date | None = None) -> dt.date:
    """The day governors receive the review (action due dates count from it): ``meeting_date`` if given, on or
    after the audit day ``audit``; else the later of today and the audit day. Raises AuditInputError for a
    meeting before the audit day (every due date would have passed before the audit was taken)."""
    given = given_day(meeting_date, "--meeting-date")
    if given is None:
        return max(_day_of(today), audit) if audit else _day_of(today)
    if audit is not None and given < audit:
        raise AuditInputError(
            f"--meeting-date {given:%d/%m/%Y} is before the audit day {audit:%d/%m/%Y}: governors receive the "
            "review after the audit is taken (action due dates count from the meeting)"
        )
    return given


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
