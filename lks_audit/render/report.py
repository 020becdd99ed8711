"""``lks-audit report`` as a library call: run the annual review notebook once, export it twice, publish the set.

One papermill execution of ``notebooks/annual_review.ipynb`` (a real kernel, papermill's progress
bar on stderr) runs the audit once: the kernel writes findings.json and action-plan.xlsx itself
(:func:`lks_audit.outputs.artifacts.write_artifacts`), so this process never loads the workbooks.
nbconvert then exports the executed notebook as the DPO's detail (every cell) and as the
governors' report (cells tagged ``dpo`` removed).

Everything is built in a private staging folder and published as one set (:mod:`.publish`): after
a kill, a Ctrl-C or two runs at once, OUT/YEAR holds the previous complete set or the new one, never
a mixture. A failing or hung cell publishes nothing but the partly executed notebook.

This process imports only plain Python before the kernel starts (pandas and friends load in the
kernel); it prints nothing of its own, and says what went wrong by raising.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import sys
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import AuditInputError, PersonalDataInText, ReportFailed
from ..files import (
    ACTION_PLAN,
    DPO_ACTIONS,
    DPO_HTML,
    EXECUTED,
    FINDINGS_JSON,
    GOVERNORS_HTML,
    GUARD,
    HISTORY_JSON,
    MANIFEST,
    PRIVATE,
    atomic_write,
    plan_to_carry,
    public_mode,
    to_carry,
)
from ..guard import personal_data_in
from ..handover import Handover, ReportParameters
from ..history import checked_options
from ..params import meeting_day
from .execute import execute_notebook, stop_kernels
from .export import export_html, prepare_exporters
from .publish import discard, keep_edited, keep_partial, new_staging, publish, tidy


def _notebooks_folder() -> Path:
    """notebooks/ beside the package (a checkout, editable install) or as installed data files."""
    beside = Path(__file__).parent.parent.parent / "notebooks"  # lks_audit/render/report.py -> the checkout
    installed = Path(sys.prefix) / "share" / "lks-audit" / "notebooks"
    return beside if beside.is_dir() or not installed.is_dir() else installed


NOTEBOOKS = _notebooks_folder()
ANNUAL_REVIEW = NOTEBOOKS / "annual_review.ipynb"
#: The published files people use, in the order the command lists them (the manifest aside).
SET_FILES = (GOVERNORS_HTML, DPO_HTML, ACTION_PLAN, DPO_ACTIONS, FINDINGS_JSON, HISTORY_JSON, EXECUTED)
#: What a run stopped by Ctrl-C leaves behind: the KeyboardInterrupt it raises says so.
INTERRUPTED = "interrupted; previous reports left as they were"


@dataclass(frozen=True)
class RenderedSet:
    """What a run published, and what it found."""

    #: OUT/YEAR, now showing the new set.
    folder: Path
    #: What the kernel handed over: what the audit could not read, one line each, for the user, and what it carried
    #: from the plan and the DPO's worklist this set replaces. Out of the repr: it holds the data's personal values.
    handed_over: Handover = field(repr=False)
    #: Copies kept of files people edited in the set this one replaced (inside OUT/YEAR/previous-runs/).
    kept: list[Path] = field(default_factory=list)
    #: Files lks-audit did not write in OUT/YEAR (a DPO's notes, a plan saved as .ods), left where they are.
    not_ours: list[str] = field(default_factory=list)
    #: Area title -> its rating, in report order.
    ratings: dict[str, str] = field(default_factory=dict)
    #: Rules registered, and those not assessed.
    rules: int = 0
    not_assessed: int = 0
    #: Rules the set this one replaced could not assess, when there was one.
    replaced_not_assessed: int | None = None

    @property
    def files(self) -> list[Path]:
        """Every file of the set, the manifest last."""
        return [self.folder / name for name in SET_FILES + (MANIFEST,)]


def render_report(
    asked: ReportParameters, out: str | Path, *, timeout: int | None = None, notebook: str | Path | None = None
) -> RenderedSet:
    """Audit ``asked.data_dir`` for ``asked.year`` (``2025-26`` or ``2025/26``) in a kernel and publish the set as
    OUT/YEAR.

    ``asked`` holds the command's options as the notebook's parameters: ``params`` are rule parameters by name;
    ``previous`` is last year's report folder (its findings.json and edited action plan) or its findings.json, or
    empty; ``history`` a folder below which every earlier year's findings.json is read (the five-year table), or
    empty; ``meeting_date`` is the day governors receive the review (empty: today), from which the action plan's
    due dates count. Its ``audience``, ``replaced_plan``, ``replaced_worklist``, ``generated`` and ``handoff`` are
    the run's own. ``timeout`` stops a cell running longer (seconds; None: no limit); ``notebook`` runs another
    notebook than the bundled one. The plan of the set this run replaces is read back and its edits carried; the
    files people edited in it are kept in previous-runs/.

    Raises :class:`AuditInputError` for arguments that cannot be used (before any kernel starts) and
    :class:`PersonalDataInText` when text for governors holds a name or ID of the data (nothing published);
    :class:`ReportFailed` when no set could be published (the line names the partly executed notebook kept
    beside OUT/YEAR, if any) and KeyboardInterrupt (saying :data:`INTERRUPTED`) when Ctrl-C stopped the run
    before publishing began.
    """
    # jsonschema (via nbformat) imports the optional rfc3987_syntax when it is installed (JupyterLab
    # brings it), which builds a grammar for ~1.5 s; the report never validates IRIs, so skip it.
    sys.modules.setdefault("rfc3987_syntax", None)
    checked = _checked(asked)
    if timeout is not None and timeout <= 0:
        raise AuditInputError("--timeout must be a positive number of seconds")

    year = checked.year
    notebook = Path(notebook or ANNUAL_REVIEW)
    out_root = Path(out)
    out_root.mkdir(parents=True, exist_ok=True)
    tidy(out_root, year)  # what a crashed run left: OUT/YEAR whole again before its plan is read
    current = out_root / year
    replaced_plan = plan_to_carry(current)
    replaced_worklist = to_carry(current, DPO_ACTIONS)
    replaced_not_assessed = _not_assessed(current / FINDINGS_JSON)
    with _Interrupts() as interrupts:
        staging = new_staging(out_root, year)
        parameters = replace(
            checked,
            # Absolute (the kernel runs in the notebook's folder, where a relative --out means nothing), and
            # through OUT/YEAR, so a line about it names the file the DPO opens, not the run folder behind it.
            replaced_plan=str(replaced_plan.absolute()) if replaced_plan else "",
            replaced_worklist=str(replaced_worklist.absolute()) if replaced_worklist else "",
            handoff=str(staging.resolve()),
        )
        try:
            start_exporters, exporters = prepare_exporters()
            try:
                executed = execute_notebook(notebook, parameters.injected(), staging, timeout, start_exporters)
            except ReportFailed:
                _raise_refusal(staging)
                raise
            handed_over = _export_pages(executed, staging, year, checked.school, exporters())
            interrupts.defer()
            kept, not_ours = keep_edited(current, staging, SET_FILES)
            found = json.loads((staging / FINDINGS_JSON).read_text(encoding="utf-8"))
            published = publish(staging, out_root, year, tuple(n.rstrip("/") for n in not_ours))
        except ReportFailed as exc:
            interrupts.defer()
            if exc.partial is None:
                raise
            kept_partial = keep_partial(exc.partial, staging, out_root, year)
            raise ReportFailed(f"{exc}; {exc.what}: {kept_partial}", kept_partial, exc.what) from None
        except KeyboardInterrupt:
            stop_kernels()
            raise KeyboardInterrupt(INTERRUPTED) from None
        finally:
            discard(staging)  # gone already once published
    return RenderedSet(
        published,
        handed_over,
        kept=[published / path for path in kept],
        not_ours=not_ours,
        ratings={info["title"]: info["rag"] for info in found["summary"]["areas"].values()},
        rules=len(found["summary"]["rules"]),
        not_assessed=len(found["not_assessed"]),
        replaced_not_assessed=replaced_not_assessed,
    )


def _checked(asked: ReportParameters) -> ReportParameters:
    """``asked`` checked, before any kernel starts (AuditInputError), as the kernel takes it: the year as written
    in folder names, days as ISO dates, folders absolute (the kernel runs in the notebook's folder)."""
    checked = checked_options(asked.data_dir, asked.year, asked.as_of, asked.params, asked.previous, asked.history)
    meeting = meeting_day(asked.meeting_date, checked.day)
    return replace(
        asked,
        year=checked.year,
        data_dir=checked.data_dir,
        as_of=checked.as_of,  # a moment, when one was asked for
        audience="dpo",
        params=dict(checked.params),
        previous=checked.previous,
        history=checked.history,
        generated=dt.date.today().isoformat(),
        meeting_date=meeting.isoformat(),
    )


def _not_assessed(findings_json: Path) -> int | None:
    """How many rules a published set could not assess (None when there is no set, or it cannot be read)."""
    try:
        return len(json.loads(findings_json.read_text(encoding="utf-8"))["not_assessed"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _raise_refusal(staging: Path) -> None:
    """The kernel stopped because text for governors names someone: say which cells, publish nothing."""
    try:
        refused = Handover.read(staging).refused
    except (OSError, ValueError):
        return
    if refused:
        raise PersonalDataInText("; ".join(refused) + ". Nothing was published") from None


class _Interrupts:
    """Ctrl-C stops the run until publishing starts; from then on the run completes.

    Stopping during the switch would gain nothing and make "previous reports left as they were"
    untrue. A second Ctrl-C while the first is being cleaned up is ignored.
    """

    def __init__(self):
        self.deferred = False
        self.previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if not self.deferred:
            self.deferred = True
            raise KeyboardInterrupt

    def defer(self) -> None:
        self.deferred = True

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def _export_pages(executed: Path, staging: Path, year: str, school: str, exporters: dict) -> Handover:
    """Export both pages into ``staging``; returns what the kernel handed over (its data problems, what it
    carried). Raises ReportFailed."""
    import nbformat

    try:
        handed_over = Handover.read(staging)
    except FileNotFoundError:
        raise ReportFailed(
            "the notebook handed over no findings (its first cell must call artifacts.write_artifacts(rv, handoff))",
            executed,
            "executed notebook",
        ) from None
    (staging / GUARD).unlink()
    nb = nbformat.read(str(executed), as_version=4)
    title = f"Social Media Policy annual review {year}"
    head = f"{school}: {title}"
    governors = export_html(
        nb, f"{title}: {school}", {"dpo"}, exporters.get("governors"), page="governors", running_head=head
    )
    leaks = personal_data_in(governors, handed_over.personal)
    if leaks:
        raise ReportFailed(
            f"the governors' report would show personal data ({', '.join(sorted(set(leaks)))}), "
            f"so nothing was published",
            executed,
            "executed notebook",
        )
    dpo = export_html(
        nb, f"{title}: detail for the DPO (personal data)", exporter=exporters.get("dpo"), page="dpo", running_head=head
    )
    atomic_write(staging / GOVERNORS_HTML, governors.encode("utf-8"), public_mode())
    atomic_write(staging / DPO_HTML, dpo.encode("utf-8"), PRIVATE)
    return handed_over
