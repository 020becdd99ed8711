"""Findings are plain data: every check returns them, notebooks only render them."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum


class Severity(StrEnum):
    """rules.md's severities, worst first. A member equals its word ("high"), so rules may name one by it."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    ADVISORY = "advisory"


class Area(StrEnum):
    """rules.md's policy areas in report order; ``data`` is data quality."""

    GOVERNANCE = "governance"
    PEOPLE = "people"
    IMAGES = "images"
    CONTENT = "content"
    MONITORING = "monitoring"
    INCIDENTS = "incidents"
    DATA = "data"


class NoticeKind(StrEnum):
    """What a :class:`Notice` is about, as tools read it in ``Notice.kind`` (and ``check --json``)."""

    #: The header row was found below titles.
    HEADER_ROW = "header-row"
    #: A sheet was found under another name.
    RENAMED_SHEET = "renamed-sheet"
    #: A column the contract does not name, kept without checking.
    EXTRA_COLUMN = "extra-column"
    #: A workbook found under a near name, or missing with a hint of what is there instead.
    FILE_NAME = "file-name"
    #: A workbook whose format is not what its name says.
    FILE_FORMAT = "file-format"
    #: Formulas with no calculated value (a file written by a program and never opened).
    UNCALCULATED_FORMULAS = "uncalculated-formulas"
    #: A DPO decision that could not be applied.
    DPO_DECISION = "dpo-decision"
    #: A cell of the DPO's review, written for governors, that holds a personal value.
    DPO_TEXT_PERSONAL_DATA = "dpo-text-personal-data"
    #: An archive under ``platform_exports/`` refused, or guessed at.
    PLATFORM_EXPORT = "platform-export"


SEVERITIES: tuple[Severity, ...] = tuple(Severity)

#: Policy areas in report order.
AREAS: tuple[Area, ...] = tuple(Area)

#: Rule families in rules.md's order, then platform-exports.md's EVD (the logs against the platforms' archives):
#: reports, the README and the sample list rules in this order.
RULE_FAMILIES = ("ACC", "APP", "POL", "TRN", "IMG", "PST", "INT", "INC", "DQ", "EVD")

#: Area statuses as rules.md defines them, worst first.
RAG_STATUSES = ("Red", "Amber", "Green", "Grey")

AREA_TITLES = {
    Area.GOVERNANCE: "Governance and accounts",
    Area.PEOPLE: "People and training",
    Area.IMAGES: "Images and consent",
    Area.CONTENT: "Content and conduct",
    Area.MONITORING: "Monitoring and response",
    Area.INCIDENTS: "Incidents",
    Area.DATA: "Data quality",
}


def _fields(record: object, names: tuple[str, ...]) -> dict:
    """Those fields of a record as a JSON object's members, in that order."""
    return {name: getattr(record, name) for name in names}


@dataclass(frozen=True)
class Decision:
    """The DPO's judgement on one finding (``dpo_review.xlsx``, sheet Decisions, rules.md "DPO decisions")."""

    #: "Accepted risk" (the school knowingly accepts it) or "Not a breach" (the check is wrong for this record).
    decision: str
    reason: str | None
    decided_by: str | None
    #: ISO dates (``2026-03-12``), or None when the cell is blank.
    decided_on: str | None
    review_by: str | None
    #: The Excel row of the decision on the Decisions sheet, so a view can send the DPO back to it.
    row: int | None = None
    #: The finding's earlier decisions on the sheet (its history, oldest row first), for the DPO's detail.
    earlier: tuple[Decision, ...] = ()

    def to_dict(self) -> dict:
        return _fields(self, ("decision", "reason", "decided_by", "decided_on", "review_by"))


#: A finding's ``source`` when what it rests on is only in a platform's archive (platform-exports.md).
PLATFORM_SOURCE = "platform"


@dataclass(frozen=True)
class Finding:
    """One thing a rule found, located by its fields (never by parsing ``message``)."""

    rule: str
    #: A :class:`Severity` (rules name theirs by its word, which equals it).
    severity: str
    #: An :class:`Area`, likewise.
    area: str
    record: str | None
    file: str | None
    sheet: str | None
    row: int | None
    #: What a person reads: the whole finding, its location included where it names a cell.
    message: str
    #: Excel cell such as ``I4`` where one cell is at fault (DQ-02).
    cell: str | None = None
    #: Student ID, for the DPO's own output only; never shown to governors.
    student: str | None = None
    #: The contract column at fault, where one is (DQ-01, DQ-02, DQ-04).
    column: str | None = None
    #: ``message`` without the location its fields already give ("'31/02/2026' is not a date ..."),
    #: for views that show the location in columns of their own. None: ``message`` names no location.
    detail: str | None = None
    #: The stable ID of rules.md: rule, record and Student ID joined by ``:`` (set by the audit).
    id: str = ""
    #: IDs of the data-quality findings (an unreadable cell, an unresolved ID) its decisive value comes
    #: from: the finding is to be confirmed once the data is fixed and does not count in the rating.
    depends_on: tuple[str, ...] = ()
    #: What tells it apart from another finding on the same record and column, as the last part of its ID:
    #: DQ-04's ID that does not resolve, DQ-05's kind of date problem.
    part: str | None = None
    #: The cells whose values decide the finding, as (sheet, Excel row, column), and the IDs it had to
    #: resolve, as (sheet, Excel row, column, ID): what ``depends_on`` is worked out from.
    rests_on: tuple[tuple, ...] = ()
    #: The DPO's decision in force on this finding: it is then not open (set by the audit).
    decision: Decision | None = None
    #: A decision whose Review by has passed: the finding is open again, and its message says so.
    lapsed_decision: Decision | None = None
    #: :data:`PLATFORM_SOURCE` when what it rests on is only in a platform's archive (a post never logged, a name
    #: found only in the published text); None for a finding from the workbooks.
    source: str | None = None
    #: What the rule measured, as (name, value) pairs for views and tools to word (INC-05: reported late or
    #: not reported, the deadline, the hours): in findings.json as an object, left out when empty.
    facts: tuple[tuple[str, object], ...] = ()

    @property
    def is_open(self) -> bool:
        """Counted in the rating and the measures: no DPO decision in force, and not waiting on a data fix."""
        return self.decision is None and not self.depends_on

    @property
    def waits_on_data(self) -> bool:
        """To confirm once the data is fixed (and not set aside by a decision, which comes first)."""
        return self.decision is None and bool(self.depends_on)

    @property
    def text(self) -> str:
        """What is wrong, without the location: ``detail`` where the message carries one, else ``message``."""
        return self.message if self.detail is None else self.detail

    def to_dict(self) -> dict:
        out = _fields(self, FINDING_COLUMNS)
        out["depends_on"] = list(self.depends_on)
        for name in ("decision", "lapsed_decision"):
            out[name] = None if out[name] is None else out[name].to_dict()
        if self.facts:
            out["facts"] = dict(self.facts)
        return out


#: The fields of a finding in findings.json and ``check --json``, ``id`` first; ``detail`` repeats the
#: message and ``rests_on`` is working data; ``facts`` follows them where a rule measured something.
FINDING_COLUMNS = ("id",) + tuple(
    f.name for f in fields(Finding) if f.name not in ("id", "detail", "rests_on", "part", "facts")
)


@dataclass(frozen=True)
class Undecided:
    """A record a rule could not decide, neither a finding nor a pass: a cell it needs could not be read
    (rules.md, "Unknown is not blank"), and some value of that cell would give a finding. It waits on the
    data-quality findings of those cells and is not counted in the rule's ``checked``."""

    rule: str
    record: str | None
    file: str | None
    sheet: str | None
    row: int | None
    student: str | None = None
    #: The cells it could not read, as (sheet, Excel row, column), and the IDs it could not resolve, as (sheet,
    #: row, column, ID): what ``waits_on`` is worked out from.
    rests_on: tuple[tuple, ...] = ()
    #: IDs of the data-quality findings it waits on (set by the audit).
    waits_on: tuple[str, ...] = ()
    #: The ID its finding would have (set by the audit): a DPO decision naming it is "not decided this run".
    id: str = ""
    #: As :attr:`Finding.column` and :attr:`Finding.part`, for a data-quality record (DQ-04's unresolved ID).
    column: str | None = None
    part: str | None = None

    def to_dict(self) -> dict:
        return _fields(self, ("id", "record", "student", "file", "sheet", "row")) | {"waits_on": list(self.waits_on)}


@dataclass(frozen=True)
class RuleOutcome:
    """What one rule found, how many records (or post-student pairs) it examined (the base every count of
    its findings is read against: "4 of 3,999 replies") and the records it could not decide, which that
    base leaves out."""

    findings: list[Finding]
    checked: int
    undecided: list[Undecided] = field(default_factory=list)


#: A contract workbook that was not read, as every message and view words it: DQ-01's finding, why a rule is not
#: assessed, the status columns of the office's page, the DPO's detail and ``validate``.
MISSING_WORKBOOK, UNREADABLE_WORKBOOK = "missing", "cannot be read"


@dataclass(frozen=True)
class Gap:
    """A workbook, sheet or column the audit needed and could not use (one DQ-01 finding).

    ``sheet`` is None when the whole workbook is missing or unreadable, ``column`` None when the
    whole sheet is missing. ``unreadable`` says why a workbook that is there cannot be read.
    """

    file: str
    sheet: str | None
    column: str | None
    unreadable: str | None = None
    #: A missing column's old header, found in its place (the workbook comes from an older template).
    formerly: str | None = None
    #: The Excel row of the header row a column is missing from (row 1 unless titles stand above it).
    row: int = 1
    #: What the folder holds instead of a missing workbook, for its finding: a CSV under its name, a file
    #: whose name is near it ("did you mean ...?").
    hint: str | None = None

    @property
    def level(self) -> str:
        return "workbook" if self.sheet is None else "sheet" if self.column is None else "column"

    @property
    def reason(self) -> str:
        """Why a rule needing it is not assessed, in a person's words."""
        if self.sheet is None:
            return f"{self.file} {UNREADABLE_WORKBOOK}" if self.unreadable else f"{self.file} is {MISSING_WORKBOOK}"
        if self.column is None:
            return f"{self.file}: sheet '{self.sheet}' is missing"
        return f"{self.file}, sheet {self.sheet}: column '{self.column}' missing"


@dataclass(frozen=True)
class NotAssessed:
    """A rule that could not run, and the gaps in the data that stopped it."""

    rule: str
    area: str
    reason: str
    gaps: tuple[Gap, ...] = ()

    def to_dict(self) -> dict:
        return _fields(self, ("rule", "area", "reason"))


def findings_frame(findings):
    """Findings as a DataFrame with a stable column order (empty-safe)."""
    import pandas as pd  # here, so the report's parent process never pays for pandas

    return pd.DataFrame([f.to_dict() for f in findings], columns=list(FINDING_COLUMNS))


def rule_order(rule_id: str) -> tuple[int, int]:
    """Sort key putting rule IDs in rules.md's order (ACC-01 ... DQ-06); unknown families last."""
    family, _, number = rule_id.partition("-")
    rank = RULE_FAMILIES.index(family) if family in RULE_FAMILIES else len(RULE_FAMILIES)
    return rank, int(number) if number.isdigit() else 0


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


@dataclass(frozen=True)
class Notice:
    """An advisory note that is not a finding: no rule, no rating, nothing that must be fixed.

    What the reader did with a layout it forgave (a header row found lower, a sheet found under another
    name), or what it kept without checking (an extra column). ``kind`` says which, for tools (a
    :class:`NoticeKind`); ``detail`` is the note without its location, which the other fields give.
    """

    kind: NoticeKind
    detail: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    #: A cell of the header row, where the note is about one column.
    cell: str | None = None
    column: str | None = None
    #: The finding ID a decision naming no finding was probably meant for (a slip), for views to link to.
    suggestion: str | None = None

    def where(self, short: bool = False) -> str:
        """``posts_log.xlsx, sheet Posts, column N``; short (under the file's heading): ``sheet Posts, column N``."""
        letters = self.cell.rstrip("0123456789") if self.cell else None
        parts = [] if short or not self.file else [self.file]
        parts += [f"sheet {self.sheet}"] if self.sheet else []
        parts += [f"column {letters}"] if letters else []
        return ", ".join(parts)

    @property
    def message(self) -> str:
        """The whole note a person reads, its location first."""
        where = self.where()
        return f"{where}: {self.detail}" if where else self.detail

    def to_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message} | _fields(self, ("file", "sheet", "row", "cell", "column"))
