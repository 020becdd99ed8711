"""What the annual review shows, gathered once: the audited data, the result, the DPO's review, last year's
findings and plan, earlier years, and the plan this run replaces.

:func:`load_review` is the notebook's one working cell; every section of the review
(:mod:`.sections`, :mod:`.dpo_year`) reads the :class:`Review` it returns.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..audit import AuditResult, audit_folder
from ..breaches import BreachRegister, breach_register
from ..context import AuditContext
from ..dpo_review import AreaOpinion, area_opinions
from ..findings import NoticeKind, Severity
from ..handover import ReportParameters
from ..history import counts_only, history_years, last_year
from ..load import Dataset
from ..params import meeting_day, read_previous
from ..personal import STAFF_NAMES, PersonalIndex, personal_strings
from ..rules import load_all_rules
from ..schema import ROW, SHEETS
from ..school_days import SchoolDays, holidays_of
from .action_plan import (
    ACCEPTED_RISK,
    CARRIED_OVER,
    DUE,
    OWNER,
    RULE,
    SINCE_LAST_YEAR,
    accepted_risk_rows,
    action_rows,
)
from .dpo_actions import PlanLine, ReadWorklist, read_worklist
from .figures import Figures, plain
from .plan_carry import CarriedPlan, LastYearActions, PlanUnreadable, ReadPlan, build_plan, last_year_actions, read_plan

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
    #: The DPO's opinion per area (dpo_review.xlsx, sheet Areas); areas left out are absent.
    opinions: dict[str, AreaOpinion] = field(default_factory=dict)
    #: Last year's action plan, read back (its Status and Notes), when last year's report folder was given.
    last_year_plan: ReadPlan | None = None
    #: The plan of the set this run replaces (same year), whose edits are carried.
    replaced_plan: ReadPlan | None = None
    #: The DPO's worklist of the set this run replaces (same year), whose edits are carried by Finding ID.
    replaced_worklist: ReadWorklist | None = None
    #: Earlier years' counts (history.json, or the summary of an older findings.json), oldest first (--history,
    #: and --previous).
    history: list[dict] = field(default_factory=list)
    #: What could not be used, one line each, for the person running the report.
    problems: list[str] = field(default_factory=list)

    @property
    def ctx(self) -> AuditContext:
        return self.result.context

    @property
    def summary(self) -> dict:
        return self.result.summary

    @property
    def measures(self) -> dict:
        return self.summary.get("measures", {})

    @cached_property
    def figures(self) -> Figures:
        """Every number the governors' page and the action plan show, by key (one source)."""
        return Figures(self)

    @cached_property
    def school_days(self) -> SchoolDays:
        """The days an action may be due on: weekdays, not bank holidays, closures or school holidays (the
        Holidays sheet of the settings, or the usual English ones)."""
        years = range(self.ctx.start.year - 1, pd.Timestamp(self.meeting_date).year + 3)
        return SchoolDays(
            self.data.frames["Closures"]["Date"].dropna(), holidays_of(self.data.frames.get("Holidays")), years
        )

    @cached_property
    def found_on(self) -> dict[str, dt.date]:
        """Finding ID -> the day of the event an open critical finding is about (a post's, a message's or an
        incident's date), or ``as of`` for a standing state (an account, the policy): how old it is."""
        out = {}
        for f in self.result.findings:
            if not f.is_open or f.severity != Severity.CRITICAL:
                continue
            sheet = SHEETS.get(f.sheet or "")
            frame = self.data.frames.get(f.sheet or "")
            day = None
            if sheet is not None and sheet.event_date and frame is not None and f.row is not None:
                dates = frame.loc[frame[ROW] == f.row, sheet.event_date]
                day = dates.iloc[0] if len(dates) and not pd.isna(dates.iloc[0]) else None
            out[f.id] = pd.Timestamp(day if day is not None else self.ctx.as_of).date()
        return out

    @cached_property
    def actions(self) -> list[dict]:
        """One entry per rule with open findings, most severe first (the plan's and the report's actions)."""
        return action_rows(
            self.result.findings,
            self.meeting_date,
            days=self.school_days,
            found_on=self.found_on,
            counted=lambda rule: plain(self.figures.counted(rule)),
        )

    @cached_property
    def accepted_risks(self) -> list[dict]:
        """Rules whose findings the DPO has all set aside, at least one as an accepted risk: kept in the plan."""
        return accepted_risk_rows(self.result.findings, counted=lambda rule: plain(self.figures.accepted(rule)))

    @property
    def _not_checked(self) -> dict[str, str]:
        """Rule -> why this run could not assess it."""
        return {n.rule: n.reason for n in self.result.not_assessed}

    @property
    def _last_year_rules(self) -> set[str] | None:
        """Rules of this version last year had something to follow for (from its findings.json): open findings,
        or findings accepted as risks; when it was given."""
        if self.previous is None:
            return None
        accepted = {
            f.get("rule")
            for f in self.previous.get("findings", [])
            if isinstance(f, dict) and isinstance(f.get("decision"), dict)
            and f["decision"].get("decision") == ACCEPTED_RISK
        }  # fmt: skip
        return (set(self.previous["summary"].get("by_rule", {})) | accepted) & set(load_all_rules())

    @cached_property
    def plan(self) -> CarriedPlan:
        """This run's action plan, with the edits of the plan it replaces and what happened since last year."""
        decided = {
            rule: info.get("accepted_risk", 0) + info.get("not_a_breach", 0)
            for rule, info in self.summary["rules"].items()
        }
        return build_plan(
            self.actions,
            replaced=self.replaced_plan,
            last_year=self.last_year_plan,
            last_year_rules=self._last_year_rules,
            decided=decided,
            accepted=self.accepted_risks,
            not_checked=self._not_checked,
        )

    @cached_property
    def last_year_actions(self) -> LastYearActions | None:
        still_there = {r["rule"] for r in self.accepted_risks} | set(self._not_checked)
        return last_year_actions(self.actions, self.last_year_plan, self._last_year_rules, still_there)

    @property
    def carried_over(self) -> int | None:
        """Of this year's actions, how many last year's plan also had (None without last year)."""
        if self.last_year_actions is None:
            return None
        rules = {a["rule"] for a in self.actions}
        return sum(1 for r in self.plan.plan.rows if r.get("Rule") in rules and r.get(SINCE_LAST_YEAR) == CARRIED_OVER)

    @cached_property
    def breaches(self) -> BreachRegister:
        """The year's personal data breaches (UK GDPR Article 33(5)), with the findings on each."""
        return breach_register(self.data, self.ctx, self.result.findings)

    @property
    def plan_lines(self) -> dict[str, PlanLine]:
        """Rule -> its action plan row's Owner and Due date (as carried): where the DPO's worklist starts from."""
        out = {}
        for row in self.plan.plan.rows:
            rule, due = row.get(RULE), row.get(DUE)
            if isinstance(rule, str) and rule not in out:
                out[rule] = PlanLine(row.get(OWNER), due if isinstance(due, dt.date) else None)
        return out

    @cached_property
    def refusals(self) -> list[str]:
        """Why nothing may be published: text for governors (the DPO's review, or typed into an action plan
        that the new plan carries) holding a name or ID of the data. One line each, naming the cell."""
        lines = [n.message for n in self.result.notices if n.kind == NoticeKind.DPO_TEXT_PERSONAL_DATA]
        texts = [text.text for text in self.plan.texts]
        personal = PersonalIndex(personal_strings(self.data) if texts else {}, texts)
        for text in self.plan.texts:
            # The Owner may name a member of staff (governors-page.md); no other cell may name anyone.
            kinds = personal.found_in(text.text, allow=STAFF_NAMES if text.column == OWNER else ())
            if kinds:
                lines.append(
                    f"{text.file}, sheet {text.sheet}, cell {text.cell} ({text.column}) holds {kinds[0]} from the "
                    "data; the new action plan would carry it to governors, so reword it without names or IDs"
                )
        return lines

    @property
    def policy_version(self) -> str:
        return self.summary.get("policy_version") or "not recorded"


def plan_read_back(path: str, unusable: str, problems: list[str], read=read_plan):
    """A published plan (or worklist, ``read`` by its reader) read back, or None (with a line saying so, ``unusable``
    its consequence) when it cannot be read."""
    if not path or not Path(path).is_file():
        return None
    try:
        return read(path)
    except PlanUnreadable as exc:
        problems.append(f"{path}: {exc}; {unusable}")
        return None


def earlier_years(
    previous: str | Path, previous_plan: str, history: str | Path, year: str
) -> tuple[str, str, list[str]]:
    """``previous`` and ``history`` as the command takes them -> last year's findings.json, its plan, and the
    earlier years' history.json files (findings.json from an older lks-audit)."""
    if previous:
        last = last_year(previous, year)
        previous, previous_plan = str(last.findings), previous_plan or (str(last.plan) if last.plan else "")
    found = [str(e.findings) for e in history_years(history, year)] if str(history) else []
    return str(previous or ""), previous_plan, found


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while, then as it was. Loading, auditing and writing the workbooks
    make many objects that live on and few that die in cycles: collections would only walk the same rows,
    findings and cells again and again (about a tenth of the notebook's first cell, as ``check`` found).
    Reference counting still frees what is let go; a cycle let go meanwhile (an openpyxl workbook once
    written) waits for the collector's next run."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@cyclic_gc_paused()
def load_review(parameters: ReportParameters, *, previous_plan: str = "") -> Review:
    """Audit ``parameters.data_dir`` and gather what the review shows (the notebook's one working cell).

    ``previous`` and ``history`` are what ``report --previous`` and ``--history`` take: last year's report folder
    (its findings.json, and its action plan as the school last saved it) or its findings.json; a folder below
    which every earlier year's history.json (or findings.json, from an older lks-audit) is read, counts only.
    ``previous_plan``: last year's action plan when it is not in that folder. ``replaced_plan`` and
    ``replaced_worklist``: the published action plan and DPO's worklist of this year that the run replaces.
    ``generated`` and ``meeting_date`` (``YYYY-MM-DD``) default to today. A folder or file that cannot be used
    raises AuditInputError, in the command's words.
    """
    if parameters.audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, got {parameters.audience!r}")
    data, result = audit_folder(parameters.data_dir, parameters.year, parameters.as_of or None, dict(parameters.params))
    day = dt.date.fromisoformat(parameters.generated) if parameters.generated else dt.date.today()
    previous, previous_plan, history = earlier_years(
        parameters.previous, previous_plan, parameters.history, parameters.year
    )
    last_year = read_previous(previous)
    # The trend needs counts only: whatever file a year comes from, nothing else of it is kept.
    years = {doc["year"]: counts_only(doc) for doc in map(read_previous, history)}
    if last_year is not None:
        years.setdefault(last_year["year"], counts_only(last_year))
    problems: list[str] = []
    return Review(
        parameters.school,
        data,
        result,
        last_year,
        day,
        parameters.audience,
        meeting_day(parameters.meeting_date, result.context.as_of.date()),
        opinions=area_opinions(data),
        last_year_plan=plan_read_back(previous_plan, "last year's statuses and notes are left out", problems),
        replaced_plan=plan_read_back(
            parameters.replaced_plan, "its edits cannot be carried (the file is kept in previous-runs/)", problems
        ),
        replaced_worklist=plan_read_back(
            parameters.replaced_worklist,
            "your edits cannot be carried (the file is kept in previous-runs/)",
            problems,
            read_worklist,
        ),
        history=[years[y] for y in sorted(years) if y < result.context.year],
        problems=problems,
    )
