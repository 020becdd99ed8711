"""``lks-audit report``: run the annual review notebook once, export it twice, write the outputs.

One papermill execution of ``notebooks/annual_review.ipynb`` (a real kernel,
papermill's progress bar on stderr) gives the executed notebook; nbconvert
exports it as the DPO's detail (every cell) and as the governors' report
(cells tagged ``dpo`` removed). findings.json and action-plan.xlsx come from
the same audit, run in this process while the kernel works.

Every output is written to a temporary file in OUT/YEAR and renamed over the
old one, so a reader never sees half a file. A failing cell publishes nothing
but the partly executed notebook, and the command exits 1 with one line.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import lks_audit

from .action_plan import action_plan_bytes
from .audit import audit_folder, check_folder_usable, parameters_from_args
from .context import make_context
from .review import read_previous

NOTEBOOKS = Path(lks_audit.__file__).parent.parent / "notebooks"
ANNUAL_REVIEW = NOTEBOOKS / "annual_review.ipynb"
TEMPLATES = Path(__file__).parent / "nbtemplates"
TEMPLATE_NAME = "lks_report"

GOVERNORS_HTML = "annual-review.html"
DPO_HTML = "dpo-detail.html"
ACTION_PLAN = "action-plan.xlsx"
FINDINGS_JSON = "findings.json"
EXECUTED = "annual-review.ipynb"
FAILED = "annual-review.failed.ipynb"

PRIVATE = 0o600
#: Cells that never appear in an export: papermill's parameters and the notebook's own notes.
ALWAYS_REMOVED = frozenset({"parameters", "injected-parameters", "notebook-only"})
#: ipykernel logs this at start-up for every local kernel (ipykernel/kernelapp.py, init_sockets);
#: the kernel only listens on localhost, so it tells a school user nothing they can act on.
TCP_WARNING = b"running over TCP without encryption"


class ReportFailed(Exception):
    """The report could not be produced: one line for the user, exit code 1."""


def _usage_error(message: str):
    from .cli import UsageError
    return UsageError(message)


def _public_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


# --- atomic files --------------------------------------------------------------------------------

def _temp_file(folder: Path, name: str) -> Path:
    """An empty file next to ``name``, private (0600) from the start, ending like ``name``."""
    stem, dot, ext = name.rpartition(".")
    fd, path = tempfile.mkstemp(dir=folder, prefix=f".{stem}.", suffix=f".tmp{dot}{ext}")
    os.close(fd)
    return Path(path)


def atomic_write(path: Path, content: bytes, mode: int) -> Path:
    tmp = _temp_file(path.parent, path.name)
    try:
        with open(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


# --- running the notebook ------------------------------------------------------------------------

def _forward_stderr(pipe, sink) -> None:
    for line in iter(pipe.readline, b""):
        if TCP_WARNING not in line:
            sink.write(line)
            sink.flush()
    pipe.close()


def _kernel_manager_class():
    """A kernel manager whose kernel's stderr is passed through minus the TCP warning.

    Built on first use so the report module imports without jupyter_client's start-up cost.
    """
    from jupyter_client.manager import AsyncKernelManager

    class FilteredStderrKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["stderr"] = subprocess.PIPE
            await super()._async_launch_kernel(kernel_cmd, **kw)
            process = self.provisioner.process
            sink = getattr(sys.stderr, "buffer", None) or sys.__stderr__.buffer
            threading.Thread(target=_forward_stderr, args=(process.stderr, sink), daemon=True,
                             name="kernel-stderr").start()

    return FilteredStderrKernelManager


def _first_line(text: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()
    return text.splitlines()[0] if text else ""


def _running_cell(path: Path) -> int | None:
    """Execution count of the cell papermill marked as running when it stopped (timeouts, dead kernels)."""
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return None
    for cell in nb.cells:
        if cell.get("metadata", {}).get("papermill", {}).get("status") == "running":
            return cell.get("execution_count")
    return None


def execute_notebook(notebook: Path, parameters: dict, out_dir: Path, timeout: int) -> Path:
    """Run ``notebook`` with papermill into a private temp file in ``out_dir``; returns its path."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    executed = _temp_file(out_dir, EXECUTED)
    try:
        papermill.execute_notebook(
            str(notebook), str(executed), parameters=parameters, progress_bar=True,
            execution_timeout=timeout, cwd=str(notebook.parent),
            kernel_manager_class=_kernel_manager_class())
    except PapermillExecutionError as exc:
        failed = _keep_failed(executed, out_dir)
        reason = f"{exc.ename}: {_first_line(exc.evalue)}" if _first_line(exc.evalue) else exc.ename
        raise ReportFailed(f"the report notebook failed in cell {exc.exec_count}: {reason}; "
                           f"partly executed notebook: {failed}") from None
    except Exception as exc:  # a timeout, a dead kernel, no kernel at all
        reason = f"{type(exc).__name__}: {_first_line(exc)}"
        if executed.stat().st_size == 0:
            executed.unlink(missing_ok=True)
            raise ReportFailed(f"the report notebook could not run: {reason}") from None
        cell = _running_cell(executed)
        failed = _keep_failed(executed, out_dir)
        where = f" in cell {cell}" if cell else ""
        raise ReportFailed(f"the report notebook failed{where}: {reason}; partly executed notebook: {failed}") \
            from None
    except BaseException:
        executed.unlink(missing_ok=True)
        raise
    return executed


def _keep_failed(executed: Path, out_dir: Path) -> Path:
    failed = out_dir / FAILED
    os.chmod(executed, PRIVATE)
    os.replace(executed, failed)
    return failed


# --- exporting -----------------------------------------------------------------------------------

def _drop_stderr_preprocessor():
    from nbconvert.preprocessors import Preprocessor

    class DropStderr(Preprocessor):
        """Warnings a cell printed stay in the executed notebook (the audit trail), not in the report."""

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.outputs
                                if not (o.output_type == "stream" and o.get("name") == "stderr")]
            return cell, resources

    return DropStderr


def export_html(nb, title: str, remove_tags=frozenset()) -> str:
    """The executed notebook as one self-contained page: no code, no prompts, no cells tagged ``remove_tags``."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.HTMLExporter.template_name = TEMPLATE_NAME
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.CSSHTMLHeaderPreprocessor.enabled = False  # code highlighting CSS, and no code is shown
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(ALWAYS_REMOVED | set(remove_tags))
    exporter = HTMLExporter(config=config)
    exporter.register_preprocessor(_drop_stderr_preprocessor(), enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


# --- the personal-data guard ---------------------------------------------------------------------

_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def personal_strings(data) -> dict[str, str]:
    """Student IDs, student names and staff names in the input: text -> what it is."""
    found: dict[str, str] = {}
    sources = (("Consent", "Student ID", "a Student ID"), ("Consent", "Student name", "a student name"),
               ("Staff", "Name", "a staff name"))
    for sheet, column, kind in sources:
        frame = data.frames.get(sheet)
        if frame is None or column not in frame:
            continue
        for value in frame[column].dropna():
            text = " ".join(str(value).split())
            if len(text) >= 3:  # shorter strings would match ordinary words and numbers
                found.setdefault(text, kind)
    return found


def personal_data_in(page: str, strings: dict[str, str]) -> list[str]:
    """Which of ``strings`` occur in ``page`` (text and attributes, embedded images ignored)."""
    text = html.unescape(_DATA_URI.sub("", page)).casefold()
    hits = []
    for value, kind in strings.items():
        needle = value.casefold()
        if needle in text and re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", text):
            hits.append(kind)
    return hits


# --- the command ---------------------------------------------------------------------------------

def _validated(args):
    folder = Path(args.data_dir)
    check_folder_usable(folder)
    overrides = parameters_from_args(args)
    try:
        ctx = make_context(args.year, args.as_of, overrides)
    except ValueError as exc:
        raise _usage_error(str(exc)) from None
    previous = ""
    if args.previous:
        try:
            read_previous(args.previous)
        except ValueError as exc:
            raise _usage_error(f"--previous: {exc}") from None
        previous = str(Path(args.previous).resolve())
    if args.timeout is not None and args.timeout <= 0:
        raise _usage_error("--timeout must be a positive number of seconds")
    return folder, overrides, ctx.as_of.date().isoformat(), previous


def run_report(args, notebook: Path = ANNUAL_REVIEW) -> int:
    folder, overrides, as_of, previous = _validated(args)
    out_dir = Path(args.out) / args.year
    out_dir.mkdir(parents=True, exist_ok=True)
    today = dt.date.today()
    parameters = {
        "school": args.school,
        "year": args.year,
        "data_dir": str(folder.resolve()),
        "as_of": as_of,
        "audience": "dpo",
        "params": {k: v for k, v in overrides.items()},
        "previous": previous,
        "generated": today.isoformat(),
    }
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The same audit the kernel runs, here for findings.json, the action plan and the guard.
        audit = pool.submit(audit_folder, folder, args.year, as_of, overrides)
        try:
            executed = execute_notebook(Path(notebook), parameters, out_dir, args.timeout)
        except ReportFailed as exc:
            print(f"lks-audit: {exc}", file=sys.stderr)
            return 1
        try:
            data, result = audit.result()
            outputs = _render(executed, data, result, args, out_dir)
        except ReportFailed as exc:
            print(f"lks-audit: {exc}", file=sys.stderr)
            return 1
        except BaseException:
            executed.unlink(missing_ok=True)
            raise
    for problem in data.problems:
        print(f"lks-audit: {problem}", file=sys.stderr)
    public = _public_mode()
    for name, content, private in outputs:
        atomic_write(out_dir / name, content, PRIVATE if private else public)
    os.replace(executed, out_dir / EXECUTED)
    (out_dir / FAILED).unlink(missing_ok=True)  # an earlier run's failure is no longer the latest word
    for name in [n for n, _, _ in outputs] + [EXECUTED]:
        print(f"wrote {out_dir / name}")
    return 0


def _render(executed: Path, data, result, args, out_dir: Path) -> list[tuple[str, bytes, bool]]:
    """(file name, content, private?) for every output; raises ReportFailed before anything is written."""
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    title = f"Social Media Policy annual review {args.year}"
    governors = export_html(nb, f"{title}: {args.school}", remove_tags={"dpo"})
    leaks = personal_data_in(governors, personal_strings(data))
    if leaks:
        failed = _keep_failed(executed, out_dir)
        raise ReportFailed(f"the governors' report would show personal data ({', '.join(sorted(set(leaks)))}), "
                           f"so nothing was published; executed notebook: {failed}")
    dpo = export_html(nb, f"{title}: detail for the DPO (personal data)")
    findings = json.dumps(result.to_json_dict(), indent=1, default=str, ensure_ascii=False) + "\n"
    plan = action_plan_bytes(result.findings, result.context.as_of, args.school, args.year)
    return [
        (GOVERNORS_HTML, governors.encode("utf-8"), False),
        (DPO_HTML, dpo.encode("utf-8"), True),
        (ACTION_PLAN, plan, False),
        # findings.json carries Student IDs and messages naming records: as private as the DPO's detail.
        (FINDINGS_JSON, findings.encode("utf-8"), True),
    ]
