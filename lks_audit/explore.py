"""The DPO's notebook API: one audit held open to explore, drill into and decide on.

A thin layer over what the report uses (:func:`~lks_audit.outputs.review_data.load_review` runs the same audit,
:func:`~lks_audit.outputs.plan_carry.build_plan` gives the same Since last year), returning pandas DataFrames a
notebook shows, sorts and filters::

    import lks_audit

    audit = lks_audit.open_audit("examples/sample-school", "2025-26", as_of="31/08/2026")
    audit.findings.query("severity == 'critical' and state == 'open'")
    audit.rows("IMG-01:P-00026:ST0237")           # the workbook rows a finding rests on
    audit.sheet("Posts").loc[1118]                # what row 1,118 of the posts log says
    audit.pictured("ST0237")                      # the posts that picture a student
    audit.compare("reports/2024-25")              # each finding since last year
    audit.decide("ACC-05:ACC-003", "Accepted risk", "Password manager arrives in March", review_by="31/03/2027")

Everything here names students and records: it is the DPO's own view, never the governors'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from . import worklist
from .decide import AskedDecision, Recorded, checked_row, record_decision
from .errors import AuditInputError
from .findings import AREA_TITLES, Finding, findings_frame
from .handover import ReportParameters
from .load import ROW
from .outputs.action_plan import (
    ACCEPTED_RISK,
    CARRIED_OVER,
    CARRIED_OVER_ACCEPTED,
    NEW,
    NEW_ACCEPTED,
    NOT_CHECKED,
    RESOLVED,
)
from .params import audit_taken
from .rules import REGISTRY
from .schema import SHEETS, WORKBOOK_BY_FILE, WORKBOOK_OF_SHEET

#: A finding's state for the DPO: counted in the rating, waiting on a data fix, or set aside by a decision.
OPEN, TO_CONFIRM, SET_ASIDE = "open", "to confirm", "set aside"
#: What a cell that could not be read shows in :meth:`Audit.rows` and :meth:`Audit.sheet`: never a blank.
UNREADABLE = "could not be read: "
#: :meth:`Audit.compare`'s ``change``: found this year and last, only this year, or only last year.
STILL_THERE, NEW_HERE, GONE = "still there", "new", "gone"
#: The columns of :attr:`Audit.findings`, in order.
FINDING_COLUMNS = (
    "id", "rule", "area", "severity", "state", "note", "record", "student", "date", "file", "sheet", "row", "cell",
    "message", "depends_on", "decision", "review_by",
)  # fmt: skip


def _day(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _long(day) -> str:
    return pd.Timestamp(day).strftime("%d/%m/%Y")


#: The DPO's states (:func:`lks_audit.worklist.finding_state`, one definition) as the notebook groups them.
_GROUPED = {
    worklist.OPEN: OPEN,
    worklist.LAPSED: OPEN,
    worklist.TO_CONFIRM: TO_CONFIRM,
    worklist.REVIEW_DUE: SET_ASIDE,
    worklist.SET_ASIDE: SET_ASIDE,
}


def finding_state(f: Finding) -> str:
    """open, to confirm (waiting on a data fix) or set aside (a DPO decision in force); a lapsed decision is open:
    :func:`lks_audit.worklist.finding_state` grouped."""
    return _GROUPED[worklist.finding_state(f)]


def _note(f: Finding) -> str | None:
    if f.lapsed_decision is not None:
        d = f.lapsed_decision
        return f"the DPO's decision ({d.decision}, review by {_long(d.review_by)}) has lapsed: open again"
    if f.decision is not None:
        until = f"review by {_long(f.decision.review_by)}" if f.decision.review_by else "until withdrawn"
        return f"{f.decision.decision} ({until})"
    if f.depends_on:
        return "to confirm once the data it waits on is fixed"
    return None


def _shown(value):
    """A value as read, as a person reads it in a table: IDs of one cell joined, Yes/No as words."""
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    return value


class Audit:
    """One audit of a school's folder for one year, held open for the DPO (see :func:`open_audit`).

    Attributes
    ----------
    data_dir : pathlib.Path
        The folder audited.
    year : str
        The academic year, as ``2025-26``.
    as_of : datetime.date
        The day the audit is taken.
    """

    def __init__(self, data_dir, year, as_of=None, params=None):
        self.data_dir = Path(data_dir)
        taken = audit_taken(year, as_of)
        self.year = taken.year
        self.as_of = taken.day
        #: What the audit is taken as of: the day, or the moment when a time of day was given (as ``--as-of``).
        self._as_of = taken.as_of
        self._params = _overrides(params)
        self.refresh()

    def refresh(self) -> None:
        """Audit the folder again (after the workbooks or the DPO's review changed)."""
        from .outputs.review_data import load_review

        if not self.data_dir.is_dir():
            raise AuditInputError(f"{self.data_dir}: no such folder")
        # The school's name left as the review's default: nothing the notebook API shows carries it.
        self.review = load_review(
            ReportParameters(year=self.year, data_dir=self.data_dir, as_of=self._as_of, params=self._params)
        )

    @property
    def _result(self):
        return self.review.result

    @property
    def _data(self):
        return self.review.data

    def __repr__(self) -> str:
        s = self._result.summary
        return (
            f"<Audit of {self.data_dir} for {self.year} as of {_long(self.as_of)}: {len(self._result.findings)} "
            f"findings, {s['open_findings']} open, {s['to_confirm']} to confirm, {s['undecided']} undecided>"
        )

    # --- what was found --------------------------------------------------------------------------------

    @property
    def findings(self) -> pd.DataFrame:
        """One row per finding, most severe first.

        Columns: ``id`` (rules.md's Finding ID, what a decision names), ``rule``, ``area`` (its title),
        ``severity``, ``state`` (``open``; ``to confirm``: it waits on a data fix, ``depends_on``; ``set aside``:
        a DPO decision is in force; a decision that has lapsed leaves it open, with a ``note`` saying so),
        ``note``, ``record``, ``student``, ``date`` (the day of the post, message or incident it is about;
        empty for a standing record), ``file``, ``sheet``, ``row`` (the Excel row), ``cell``, ``message``,
        ``depends_on`` (the data-quality findings it waits on), ``decision`` and ``review_by`` (the decision in
        force).
        """
        found = self._result.findings
        frame = findings_frame(found)
        frame["area"] = frame["area"].map(AREA_TITLES).fillna(frame["area"])
        frame["state"] = [finding_state(f) for f in found]
        frame["note"] = [_note(f) for f in found]
        frame["date"] = self._event_days(found)
        frame["depends_on"] = [", ".join(f.depends_on) or None for f in found]
        frame["decision"] = [f.decision.decision if f.decision else None for f in found]
        frame["review_by"] = [_day(f.decision.review_by) if f.decision else None for f in found]
        frame["row"] = frame["row"].astype("Int64")
        return frame[list(FINDING_COLUMNS)]

    def _event_days(self, found) -> list:
        """The day of each finding's event (its sheet's event date on its row), or None."""
        days: dict[str, dict[int, object]] = {}
        for sheet_name in {f.sheet for f in found if f.sheet}:
            sheet, frame = SHEETS.get(sheet_name), self._data.frames.get(sheet_name)
            if sheet is not None and sheet.event_date and frame is not None:
                days[sheet_name] = dict(zip(frame[ROW].tolist(), frame[sheet.event_date].dt.date.tolist()))
        return [_day(days.get(f.sheet or "", {}).get(f.row)) for f in found]

    @property
    def undecided(self) -> pd.DataFrame:
        """The records rules could not decide because a cell they need could not be read (rules.md, "Unknown is
        not blank"): neither a finding nor a pass. Columns: ``id`` (the finding it would be), ``rule``, ``area``,
        ``severity``, ``record``, ``student``, ``file``, ``sheet``, ``row``, ``waits_on`` (the data-quality findings
        to fix first)."""
        rows = [
            {
                "id": u.id,
                "rule": u.rule,
                "area": AREA_TITLES.get(REGISTRY[u.rule].area),
                "severity": REGISTRY[u.rule].severity,
                "record": u.record,
                "student": u.student,
                "file": u.file,
                "sheet": u.sheet,
                "row": u.row,
                "waits_on": ", ".join(u.waits_on) or None,
            }
            for u in self._result.undecided
        ]
        columns = ["id", "rule", "area", "severity", "record", "student", "file", "sheet", "row", "waits_on"]
        frame = pd.DataFrame(rows, columns=columns)
        frame["row"] = frame["row"].astype("Int64")
        return frame

    @property
    def areas(self) -> pd.DataFrame:
        """Each policy area's rating, with the sentence that makes it so and the counts behind it.

        Indexed by area key (``images``). Columns: ``area`` (its title), ``rating`` (Red, Amber, Green, Grey, from
        the open findings), ``why``, ``assurance`` (the DPO's opinion in dpo_review.xlsx), ``open`` and its split
        by severity (``critical``, ``high``, ``medium``, ``advisory``), ``to_confirm``, ``undecided``,
        ``accepted_risk``, ``not_a_breach``, ``rules``, ``rules_not_assessed`` and ``checked`` (the records the
        area's rules checked, summed over them: each rule's own base is in the DPO's detail).
        """
        from .outputs.figures import plain
        from .outputs.governors import rating_reason

        rows = {}
        for area, info in self._result.summary["areas"].items():
            rows[area] = {
                "area": info["title"],
                "rating": info["rag"],
                "why": plain(rating_reason(self.review, area)),
                "assurance": info.get("assurance"),
                "open": info["findings"],
                **info["counts"],
                "to_confirm": info["to_confirm"],
                "undecided": info["undecided"],
                "accepted_risk": info["accepted_risk"],
                "not_a_breach": info["not_a_breach"],
                "rules": info["rules"],
                "rules_not_assessed": info["rules_not_assessed"],
                "checked": sum(n or 0 for n in info["checked"].values()),
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    # --- the rows behind it ----------------------------------------------------------------------------

    def rows(self, finding_id: str) -> pd.DataFrame:
        """The workbook rows a finding rests on (or an undecided record waits on).

        Parameters
        ----------
        finding_id : str
            The finding's ID as :attr:`findings` gives it (case aside).

        Returns
        -------
        pandas.DataFrame
            One row per workbook row, the finding's own first, then the rows its decisive cells are on (the
            consent row in force for an IMG-01, the staff row of a Posted by, the key row an ID resolves to):
            ``file``, ``sheet``, ``row`` (the Excel row), ``rests_on`` (the columns of that row the finding rests
            on), then the row's cells as read. A cell that could not be read says so, with what it holds.
        """
        item = self._item(finding_id)
        wanted: dict[tuple[str, int], list[str]] = {}
        if item.sheet and item.row is not None:
            wanted[(item.sheet, int(item.row))] = []
        for place in item.rests_on:
            sheet, row, column = place[:3]
            if row is None or pd.isna(row):
                continue
            wanted.setdefault((sheet, int(row)), [])
            if column not in wanted[(sheet, int(row))]:
                wanted[(sheet, int(row))].append(column)
            if len(place) == 4:  # an ID it had to resolve: the row of the sheet that ID is the key of
                target = self._key_row(SHEETS[sheet].column(column).refers_to, place[3])
                if target is not None:
                    wanted.setdefault(target, [])
        parts = [self._one_row(sheet, row, columns) for (sheet, row), columns in wanted.items()]
        parts = [p for p in parts if p is not None]
        if not parts:
            return pd.DataFrame(columns=["file", "sheet", "row", "rests_on"])
        return pd.concat(parts, ignore_index=True)

    def _item(self, finding_id: str):
        key = str(finding_id).strip().casefold()
        for item in list(self._result.findings) + list(self._result.undecided):
            if item.id.casefold() == key:
                return item
        from .dpo_review import SlipFinder

        meant = SlipFinder([f.id for f in self._result.findings]).meant(str(finding_id))
        hint = f"; did you mean {meant}?" if meant else ""
        raise KeyError(f"no finding or undecided record of this audit has the ID {finding_id!r}{hint}")

    def _key_row(self, target: tuple[str, str] | None, key: str) -> tuple[str, int] | None:
        """(sheet, Excel row) of the row whose key is ``key``, on a sheet with a key; None otherwise."""
        if target is None or SHEETS[target[0]].key != target[1]:
            return None
        frame = self._data.frames.get(target[0])
        if frame is None:
            return None
        hit = frame.loc[frame[target[1]].astype(object).map(lambda v: isinstance(v, str) and v.casefold())
                        == str(key).casefold(), ROW]  # fmt: skip
        return (target[0], int(hit.iloc[0])) if len(hit) else None

    def _one_row(self, sheet: str, row: int, columns: list[str]) -> pd.DataFrame | None:
        table = self._shown(sheet, [row])
        if table.empty:
            return None
        out = table.reset_index()
        out.insert(3, "rests_on", ", ".join(columns) or None)
        return out

    def sheet(self, name: str) -> pd.DataFrame:
        """A sheet as the audit read it, indexed by Excel row: ``audit.sheet("Posts").loc[1118]`` is row 1,118.

        Parameters
        ----------
        name : str
            The sheet (``Posts``), or its workbook's file name when it has one sheet (``posts_log.xlsx``).

        Returns
        -------
        pandas.DataFrame
            Columns ``file`` and ``sheet``, then the contract's columns and any a person added, each cell as read
            (a date as a date, several IDs joined, Yes or No); a cell that could not be read says so, with what it
            holds. Blank rows are left out, as the audit leaves them.
        """
        return self._shown(self._sheet_name(name))

    def _shown(self, sheet: str, rows: list[int] | None = None) -> pd.DataFrame:
        """The contract sheet ``sheet`` as :meth:`sheet` gives it; only its Excel ``rows`` (in the sheet's order)
        when given, picked before the cells are converted, which is most of the work."""
        frame = self._data.frames[sheet]
        if rows is not None:
            frame = frame[frame[ROW].isin(rows)]
        out = frame.drop(columns=[ROW]).astype(object).map(_shown) if len(frame) else frame.drop(columns=[ROW])
        out = out.astype(object).where(frame.drop(columns=[ROW]).notna(), None)
        out.index = pd.Index(frame[ROW].to_numpy(dtype="int64"), name="row")  # Excel rows, a sheet with none too
        for fault in self._data.cell_faults:
            if fault.sheet == sheet and fault.row in out.index:
                out.at[fault.row, fault.column] = UNREADABLE + fault.problem
        out.insert(0, "sheet", sheet)
        out.insert(0, "file", WORKBOOK_OF_SHEET[sheet].file)
        return out

    def _sheet_name(self, name: str) -> str:
        text = str(name).strip()
        by_key = {s.casefold(): s for s in SHEETS}
        if text.casefold() in by_key:
            return by_key[text.casefold()]
        workbook = next((wb for file, wb in WORKBOOK_BY_FILE.items() if file.casefold() == text.casefold()), None)
        if workbook is not None and len(workbook.sheets) == 1:
            return workbook.sheets[0].name
        if workbook is not None:
            names = ", ".join(s.name for s in workbook.sheets)
            raise KeyError(f"{workbook.file} has the sheets {names}: name one of them")
        raise KeyError(f"no sheet or workbook {name!r}; the sheets are {', '.join(SHEETS)}")

    def pictured(self, student_id: str) -> pd.DataFrame:
        """The posts that picture a student (Students pictured lists them), any date, and those that may (their
        Students pictured could not be read).

        Parameters
        ----------
        student_id : str
            The Student ID, case aside.

        Returns
        -------
        pandas.DataFrame
            The posts' rows as :meth:`sheet` gives them (indexed by Excel row), with ``listed`` (``yes``, or
            ``may be``: its Students pictured could not be read) and ``findings`` (the IDs of the findings on that
            post that name the student).
        """
        student = str(student_id).strip().casefold()
        posts = self._data.frames["Posts"]
        listed = posts["Students pictured"].map(
            lambda ids: isinstance(ids, tuple) and student in (i.casefold() for i in ids)
        )
        unread = posts[ROW].isin(self._data.unknown.get(("Posts", "Students pictured"), ()))
        out = self._shown("Posts", posts.loc[listed | unread, ROW].astype(int).tolist())
        out["listed"] = ["yes" if yes else "may be" for yes in listed[listed | unread]]
        on_post: dict[int, list[str]] = {}
        for f in self._result.findings:
            if f.sheet == "Posts" and f.student and f.student.casefold() == student:
                on_post.setdefault(f.row, []).append(f.id)
        out["findings"] = [", ".join(on_post.get(r, [])) or None for r in out.index]
        return out

    # --- last year --------------------------------------------------------------------------------------

    def compare(self, previous: str | Path) -> pd.DataFrame:
        """Each finding of this year and last, with what happened since, in the action plan's words.

        Parameters
        ----------
        previous : str or pathlib.Path
            Last year's report folder (``reports/2024-25``: its findings.json and its action plan as the school
            last saved it), or its findings.json, as ``report --previous`` takes it.

        Returns
        -------
        pandas.DataFrame
            One row per finding of either year: ``id``, ``rule``, ``area``, ``severity``, ``record``, ``student``,
            ``this_year`` and ``last_year`` (its state each year, empty where it was not found), ``change`` (``new``,
            ``still there`` or ``gone``), ``since_last_year``: the finding's own label in the action plan's words
            (*New* or *Carried over*, with *(accepted risk)* when the DPO accepted it this year; *Resolved* for one
            gone; *Not checked this run* for one gone while its rule could not be assessed or its record could not
            be decided this run, so it may still be there), and ``plan_row``: the *Since last year* of its rule's
            row in this year's action plan, worked out by the function that writes the plan (empty where the plan
            has no row for the rule).
        """
        from .outputs.action_plan import RULE, SINCE_LAST_YEAR
        from .outputs.review_data import earlier_years, plan_read_back
        from .params import read_previous

        findings, plan, _ = earlier_years(previous, "", "", self.year)
        doc = read_previous(findings)
        # As the report reads them; a plan that cannot be read leaves last year's statuses out (the report's line
        # saying so is not the notebook's), the labels still from its findings.
        with_last = replace(self.review, previous=doc, last_year_plan=plan_read_back(plan, "", []))
        rows_of_plan = {
            r.get(RULE): r.get(SINCE_LAST_YEAR) for r in with_last.plan.plan.rows if r.get(RULE) in REGISTRY
        }
        unchecked = {n.rule for n in self._result.not_assessed}
        undecided = {u.id.casefold() for u in self._result.undecided}
        before = {str(f.get("id", "")).casefold(): f for f in doc.get("findings", []) if isinstance(f, dict)}
        rows, seen = [], set()
        for f in self._result.findings:
            then = before.get(f.id.casefold())
            seen.add(f.id.casefold())
            accepted = f.decision is not None and f.decision.decision == ACCEPTED_RISK
            label = (
                (CARRIED_OVER_ACCEPTED if accepted else CARRIED_OVER) if then else (NEW_ACCEPTED if accepted else NEW)
            )
            now = (f.id, f.rule, f.area, f.severity, f.record, f.student, finding_state(f), _last_state(then))
            rows.append(_compared((*now, STILL_THERE if then else NEW_HERE, label, rows_of_plan.get(f.rule))))
        for key, then in before.items():
            if key in seen:
                continue
            rule = str(then.get("rule"))
            area = then.get("area") or (REGISTRY[rule].area if rule in REGISTRY else None)
            label = NOT_CHECKED if rule in unchecked or key in undecided else RESOLVED
            was = (then.get("id"), rule, area, then.get("severity"), then.get("record"), then.get("student"), None)
            rows.append(_compared((*was, _last_state(then), GONE, label, rows_of_plan.get(rule))))
        return pd.DataFrame(rows, columns=list(_COMPARED))

    def trend(self, history: str | Path) -> pd.DataFrame:
        """Open findings by area, year by year: every earlier year's findings.json below ``history`` (as
        ``report --history`` reads them), and this year.

        Parameters
        ----------
        history : str or pathlib.Path
            A folder holding earlier years' reports (``reports``).

        Returns
        -------
        pandas.DataFrame
            One row per area (its title), one column per year, oldest first; empty where a year has no count.
        """
        from .history import history_years
        from .params import read_previous

        years = {e.year: read_previous(e.findings)["summary"]["areas"] for e in history_years(history, self.year)}
        years[self.year] = self._result.summary["areas"]
        by_year = {y: {AREA_TITLES.get(a, a): info.get("findings") for a, info in in_year.items()}
                   for y, in_year in years.items()}  # fmt: skip
        return pd.DataFrame(by_year).reindex(list(AREA_TITLES.values()))

    # --- the DPO's decision -----------------------------------------------------------------------------

    def decide(
        self,
        finding_id: str,
        decision: str,
        reason: str,
        review_by=None,
        decided_by: str | None = None,
        decided_on=None,
    ) -> Recorded:
        """Record a decision on a finding: one new row on the Decisions sheet of dpo_review.xlsx.

        The workbook is made from the template when the folder has none; otherwise no other cell is changed, and
        the workbook as it was is kept beside it (``dpo_review.replaced-20261204-101502.xlsx``, which the audit
        never reads). The audit is then run again, so :attr:`findings` shows the decision, as the next ``check``
        and ``report`` will.

        Parameters
        ----------
        finding_id : str
            The finding's ID as :attr:`findings` gives it (case aside).
        decision : str
            ``Accepted risk`` (the school knowingly accepts it; governors see how many and why) or ``Not a breach``
            (the check is wrong for this record).
        reason : str
            Why. Governors read the reason of an accepted risk: no name or ID of a student or member of staff.
        review_by : datetime.date or str, optional
            The day to look at it again (``31/03/2027``, ``2027-03-31``, ``31 March 2027``); once it has passed the
            finding counts again. None: until withdrawn.
        decided_by : str, optional
            Who decided, by role (``DPO``, ``Headteacher``).
        decided_on : datetime.date or str, optional
            The day of the decision; today when not given.

        Returns
        -------
        Recorded
            Where the row was written, and where the workbook as it was is kept.

        Raises
        ------
        lks_audit.errors.WorkbookOpen
            While dpo_review.xlsx is open in Excel or LibreOffice (its lock file is beside it): nothing is written.
        lks_audit.errors.AuditInputError
            For a value the audit could not use (an ID no finding has, a decision not in the list, a reason naming
            someone, a Review by already past or not a date): nothing is written.
        """
        asked = AskedDecision(finding_id, decision, reason, review_by, decided_by, decided_on)
        row = checked_row(self._data, self._result.findings, self.as_of, asked)
        recorded = record_decision(self._data, row)
        self.refresh()
        return recorded


_COMPARED = (
    "id", "rule", "area", "severity", "record", "student", "this_year", "last_year", "change", "since_last_year",
    "plan_row",
)  # fmt: skip


def _last_state(then: dict | None) -> str | None:
    """A finding's state in last year's findings.json."""
    if then is None:
        return None
    if isinstance(then.get("decision"), dict):
        return SET_ASIDE
    return TO_CONFIRM if then.get("depends_on") else OPEN


def _compared(values: tuple) -> dict:
    """A row of :meth:`Audit.compare`: ``values`` in :data:`_COMPARED`'s order, the area shown by its title."""
    row = dict(zip(_COMPARED, values, strict=True))
    row["area"] = AREA_TITLES.get(row["area"], row["area"])
    return row


def _overrides(params) -> dict:
    """Rule parameters as the command takes them: name -> value (``--param``), or a settings file (``--settings``)."""
    from .params import asked_overrides, checked_overrides

    settings, by_name = (params, None) if isinstance(params, (str, Path)) else (None, params)
    return checked_overrides(asked_overrides(settings, by_name))


def open_audit(data_dir, year, as_of=None, params=None) -> Audit:
    """Audit a school's folder for one year and hold the result open to explore.

    Parameters
    ----------
    data_dir : str or pathlib.Path
        The folder holding the school's workbooks.
    year : str
        The academic year as the command takes it: ``2025-26``, ``2025/26``, ``2025-2026``.
    as_of : datetime.date, datetime.datetime or str, optional
        The day the audit is taken, inside the year: a date, ``31/08/2026`` or ``2026-08-31``, or a moment of it
        (``31/03/2026 10:00``), as ``--as-of`` takes it. Default: the year's last day, or today if earlier.
    params : dict or str, optional
        Rule parameters to override by name (``{"ico_hours": 48}``, as ``--param``), or a settings file
        (``settings.toml``, as ``--settings``).

    Returns
    -------
    Audit
        ``.findings``, ``.undecided``, ``.areas``, ``.rows(id)``, ``.sheet(name)``, ``.pictured(student)``,
        ``.compare(previous)`` and ``.decide(...)``.

    Raises
    ------
    lks_audit.errors.AuditInputError
        For a year, day, parameter or folder that cannot be used, with a line saying why.
    """
    return Audit(data_dir, year, as_of, params)


__all__ = ["Audit", "open_audit", "finding_state", "OPEN", "TO_CONFIRM", "SET_ASIDE"]
