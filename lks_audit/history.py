"""Earlier years for a report: last year's set (``--previous``) and every earlier year's counts below a folder
(``--history``), and the counts each report writes for the years after it (history.json).

history.json holds what the trend needs and nothing more: per area and per rule, counts by state (open, to
confirm, set aside, lapsed, undecided) and by severity, the ratings and what each rule checked; no record, no
Student ID, no name. ``--history`` reads those; findings.json stays the DPO's full record (``--previous`` still
reads last year's, for the action plan's carry-over), and a year written by an older lks-audit, with no
history.json, is read from its findings.json's summary, counts only.

Plain Python (json and paths): ``lks-audit report`` checks them before its kernel starts, so a missing file
or a year that is not earlier is refused with one line, before anything runs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import AuditInputError
from .files import FINDINGS_JSON, HISTORY_JSON, PREVIOUS_RUNS, plan_to_carry
from .intake import check_folder_usable
from .params import audit_taken, checked_overrides, normalise_year, read_previous

#: How many years the history shows: this one and up to four before it.
YEARS_SHOWN = 5
#: How deep below the --history folder findings.json files are looked for (reports/2024-25/findings.json is 1).
SEARCH_DEPTH = 3


@dataclass(frozen=True)
class EarlierYear:
    """An earlier year's file: last year's findings.json (``--previous``, with its action plan when the year was
    given as a report folder), or a year's history.json (``--history``; its findings.json from an older lks-audit)."""

    year: str
    findings: Path
    plan: Path | None = None


def _year_of(path: Path, option: str) -> str:
    try:
        year = read_previous(path)["year"]
    except ValueError as exc:
        raise AuditInputError(f"{option}: {exc}") from None
    try:
        return normalise_year(year)
    except ValueError:
        raise AuditInputError(
            f"{option}: {path} is not a findings.json written by lks-audit (its year {year!r} is not an academic year)"
        ) from None


def last_year(path: str | Path, this_year: str) -> EarlierYear:
    """``--previous``: last year's report folder (its findings.json and action-plan.xlsx) or its findings.json.

    Raises AuditInputError for a path that is not there, a file lks-audit did not write, or a year that is
    not before ``this_year``.
    """
    path = Path(path)
    findings = path / FINDINGS_JSON if path.is_dir() else path
    if path.is_dir() and not findings.is_file():
        raise AuditInputError(f"--previous: {path} is not a year's report folder{_years_inside(path)}")
    if not findings.is_file():
        raise AuditInputError(f"--previous: {findings}: not found")
    if path.is_file() and path.name != FINDINGS_JSON and not _looks_like_json(path):
        beside = path.parent / FINDINGS_JSON
        hint = f": --previous {path.parent}" if beside.is_file() else " (the folder holding its findings.json)"
        raise AuditInputError(
            f"--previous: {path} is a file, not a report folder; give last year's report folder{hint}"
        )
    year = _year_of(findings, "--previous")
    if year >= normalise_year(this_year):
        raise AuditInputError(
            f"--previous: {findings} is the audit of {year}, not of a year before {normalise_year(this_year)}"
        )
    plan = plan_to_carry(path) if path.is_dir() else None  # as the school last saved it, in any office format
    return EarlierYear(year, findings.resolve(), plan.resolve() if plan else None)


def _years_inside(folder: Path) -> str:
    """What a folder of years holds, for a message: ``; it holds 2023-24, 2024-25: give one, e.g. ...``."""
    years = sorted(p.parent for p in _findings_files(folder) if p.parent != folder)
    if not years:
        return " (no findings.json in it or below it): give last year's report folder, e.g. reports/2024-25"
    names = ", ".join(str(y.relative_to(folder)) for y in years)
    return f"; it holds the years {names}: give one of them, e.g. --previous {years[-1]}"


def _looks_like_json(path: Path) -> bool:
    """Whether a file starts like a JSON object (a findings.json under another name), not a workbook or text."""
    try:
        with open(path, "rb") as fh:
            return fh.read(64).lstrip().startswith(b"{")
    except OSError:
        return False


def _findings_files(folder: Path):
    """Each published year's counts below ``folder`` (plain folders, or links from older lks-audit): its
    history.json, or its findings.json where an older lks-audit wrote no history.json; never hidden run folders or
    the copies kept in previous-runs/."""
    for root, dirs, files in os.walk(folder, followlinks=True):
        depth = len(Path(root).relative_to(folder).parts)
        below = [d for d in dirs if not d.startswith(".") and d != PREVIOUS_RUNS]
        dirs[:] = [] if depth >= SEARCH_DEPTH else sorted(below)
        for name in (HISTORY_JSON, FINDINGS_JSON):
            if name in files:
                yield Path(root) / name
                break


def history_years(folder: str | Path, this_year: str) -> list[EarlierYear]:
    """``--history``: every earlier year's history.json (or findings.json) below ``folder``, oldest first, one per
    year (the one in a folder named after its year when there are several). Raises AuditInputError for a folder that
    is not there or a file lks-audit did not write."""
    folder = Path(folder)
    if not folder.is_dir():
        raise AuditInputError(f"--history: {folder}: not found")
    this_year = normalise_year(this_year)
    found: dict[str, Path] = {}
    for path in _findings_files(folder):
        year = _year_of(path, "--history")
        if year < this_year and (year not in found or path.parent.name == year):
            found[year] = path.resolve()
    return [EarlierYear(year, found[year]) for year in sorted(found)]


@dataclass(frozen=True)
class CheckedOptions:
    """A run's options once checked (``report``, ``explore``), as its kernel takes them: the year as written in
    folder names, ``as of`` in ISO form, folders absolute (the kernel runs in the notebook's folder)."""

    data_dir: str
    year: str
    #: The audit day; None when ``as_of`` was left to the run.
    day: dt.date | None
    #: The day or moment the audit is taken as of; empty when left to the run.
    as_of: str
    params: dict[str, object]
    #: ``--previous`` and ``--history`` made absolute; empty when not given.
    previous: str
    history: str


def checked_options(
    data_dir: str | Path,
    year: str,
    as_of: object,
    params: Mapping[str, object] | None,
    previous: str | Path = "",
    history: str | Path = "",
    *,
    as_of_left_to_run: bool = False,
) -> CheckedOptions:
    """The options of a run, each refused with its option's own words (AuditInputError) before anything starts:
    the data folder, the rule parameters, the year and ``as of``, ``--previous`` and ``--history``. With
    ``as_of_left_to_run``, an ``as_of`` not given stays empty, for the run to take on the day it runs (the DPO's
    notebook, opened again on later days)."""
    folder = Path(data_dir)
    check_folder_usable(folder, need_readable=True)
    overrides = checked_overrides(dict(params or {}))
    if as_of_left_to_run and not as_of:
        year, day, taken_as_of = normalise_year(year), None, ""
    else:
        taken = audit_taken(year, as_of)
        year, day, taken_as_of = taken.year, taken.day, taken.as_of
    last = last_year(previous, year) if previous else None
    if history:
        history_years(history, year)  # refused here, with --history's own words, if it cannot be used
    return CheckedOptions(
        data_dir=str(folder.resolve()),
        year=year,
        day=day,
        as_of=taken_as_of,
        params=overrides,
        previous=str(Path(previous).resolve()) if last else "",
        history=str(Path(history).resolve()) if history else "",
    )


#: What says a history.json is ours, and its shape's version.
HISTORY_KIND, HISTORY_VERSION = "lks-audit history", 1
#: Per rule and per area, the counts the trend and the DPO's comparisons need (no record, no person).
RULE_COUNTS = ("area", "severity", "assessed", "checked", "findings", "open", "to_confirm", "set_aside",
               "accepted_risk", "not_a_breach", "lapsed", "undecided", "open_by_severity")  # fmt: skip
AREA_COUNTS = ("title", "rag", "counts", "findings", "to_confirm", "set_aside", "accepted_risk", "not_a_breach",
               "lapsed", "undecided", "rules", "rules_not_assessed", "checked", "assurance")  # fmt: skip
SUMMARY_COUNTS = ("by_rule", "total_findings", "open_findings", "to_confirm", "undecided")


def counts_only(doc: dict) -> dict:
    """A year's findings.json (or history.json) reduced to its counts: the year, the day it was taken and, per area
    and per rule, the counts by state and severity and the ratings; nothing that names a record or a person."""
    summary = doc.get("summary", {})
    rules = summary.get("rules", {})
    kept = {
        "areas": {
            area: {k: info[k] for k in AREA_COUNTS if k in info} for area, info in summary.get("areas", {}).items()
        },
        "rules": {rule: {k: info[k] for k in RULE_COUNTS if k in info} for rule, info in rules.items()},
    }
    kept.update({k: summary[k] for k in SUMMARY_COUNTS if k in summary})
    return {"lks_audit": HISTORY_KIND, "version": HISTORY_VERSION, "year": doc.get("year"),
            "as_of": doc.get("as_of"), "summary": kept}  # fmt: skip


def history_document(audit_json: dict) -> dict:
    """history.json of a run, from its findings.json document: counts only, each rule's open findings by severity
    worked out from its findings (a rule's findings may be raised at a higher severity than its own)."""
    doc = counts_only(audit_json)
    for rule, info in doc["summary"]["rules"].items():
        found = [f for f in audit_json.get("findings", []) if f.get("rule") == rule]
        opened = [f for f in found if f.get("decision") is None and not f.get("depends_on")]
        by_severity = {}
        for f in opened:
            by_severity[f["severity"]] = by_severity.get(f["severity"], 0) + 1
        info["open_by_severity"] = by_severity
    return doc
