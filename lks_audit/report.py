"""``lks-audit report``: run the annual review notebook once, export it twice, publish the set.

One papermill execution of ``notebooks/annual_review.ipynb`` (a real kernel,
papermill's progress bar on stderr) runs the audit once: the kernel writes
findings.json and action-plan.xlsx itself (:func:`.outputs.artifacts.write_artifacts`), so this process
never loads the workbooks. nbconvert then exports the executed notebook as the
DPO's detail (every cell) and as the governors' report (cells tagged ``dpo``
removed).

Everything is built in a private staging folder and published as one set (see
"publishing" below): after a kill, a Ctrl-C or two runs at once, OUT/YEAR holds
the previous complete set or the new one, never a mixture. A failing or hung
cell publishes nothing but the partly executed notebook, and the command exits
1 with one line.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import lks_audit

# Only plain-Python argument checks here: pandas and friends load in the kernel, not in this process.
from .intake import check_folder_usable
from .params import audit_day, checked_overrides, parse_param_pairs, read_previous, read_settings_file
from .errors import AuditInputError, ReportFailed
from .outputs.files import (ACTION_PLAN, DPO_HTML, EXECUTED, FAILED, FINDINGS_JSON, GOVERNORS_HTML, GUARD, MANIFEST,
                            PRIVATE, atomic_write, public_dir_mode, public_mode)

def _notebooks_folder() -> Path:
    """notebooks/ beside the package (a checkout, editable install) or as installed data files."""
    beside = Path(lks_audit.__file__).parent.parent / "notebooks"
    installed = Path(sys.prefix) / "share" / "lks-audit" / "notebooks"
    return beside if beside.is_dir() or not installed.is_dir() else installed


NOTEBOOKS = _notebooks_folder()
ANNUAL_REVIEW = NOTEBOOKS / "annual_review.ipynb"
TEMPLATES = Path(__file__).parent / "nbtemplates"
TEMPLATE_NAME = "lks_report"

#: Another notebook to run instead of the bundled one (tests use it for a hung or failing cell).
NOTEBOOK_ENV = "LKS_AUDIT_NOTEBOOK"
INTERRUPTED = "lks-audit: interrupted; previous reports left as they were"

#: Cells that never appear in an export: papermill's parameters and the notebook's own notes.
ALWAYS_REMOVED = frozenset({"parameters", "injected-parameters", "notebook-only"})
#: ipykernel logs this at start-up for every local kernel (ipykernel/kernelapp.py, init_sockets);
#: the kernel only listens on localhost, so it tells a school user nothing they can act on.
TCP_WARNING = b"running over TCP without encryption"


# --- running the notebook ------------------------------------------------------------------------

#: Set once the run is interrupted: what a kernel says while it is being stopped is noise.
_QUIET = threading.Event()


def _forward_stderr(pipe, sink) -> None:
    for line in iter(pipe.readline, b""):
        if TCP_WARNING not in line and not _QUIET.is_set():
            sink.write(line)
            sink.flush()
    pipe.close()


def _kernel_manager_class(on_launch=None):
    """A kernel manager whose kernel's stderr is passed through minus the TCP warning.

    ``on_launch`` is called once the kernel process has started (this process's imports are done).

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
            _KERNELS.append(self)
            if on_launch:
                on_launch()

    return FilteredStderrKernelManager


#: Kernel managers this process started, so an interrupted run can stop its kernel.
_KERNELS: list = []


def _stop_kernels() -> None:
    """Kill the kernels this process started and still runs.

    Papermill cannot shut its kernel down once KeyboardInterrupt has broken out of its event loop,
    and jupyter_client starts kernels in their own session, so the user's Ctrl-C never reaches them.
    (After a SIGKILL of this process, ipykernel's parent poller ends the kernel within a second.)
    """
    _QUIET.set()
    while _KERNELS:
        manager = _KERNELS.pop()
        process = getattr(manager.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        manager.cleanup_connection_file()


def _first_line(text: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()
    return text.splitlines()[0] if text else ""


def _running_cell(path: Path) -> int | None:
    """Execution count of the last cell papermill started: the one running when it stopped (a timeout,
    a dead kernel). Papermill marks it completed either way, so the start time is what tells."""
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return None
    started = [c for c in nb.cells if c.get("metadata", {}).get("papermill", {}).get("start_time")]
    return started[-1].get("execution_count") if started else None


def execute_notebook(notebook: Path, parameters: dict, out_dir: Path, timeout: int, on_launch=None) -> Path:
    """Run ``notebook`` with papermill into ``out_dir`` (the private staging folder); returns its path."""
    import papermill
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    executed = out_dir / EXECUTED
    os.close(os.open(executed, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE))  # papermill keeps the mode
    try:
        papermill.execute_notebook(
            str(notebook), str(executed), parameters=parameters, progress_bar=True,
            execution_timeout=timeout, cwd=str(notebook.parent),
            # The kernel has nothing left to save once the last cell has replied, and after a timeout
            # a graceful shutdown would make the hung kernel print a traceback (and wait up to 5 s).
            shutdown_kernel="immediate",
            kernel_manager_class=_kernel_manager_class(on_launch))
    except PapermillExecutionError as exc:
        reason = f"{exc.ename}: {_first_line(exc.evalue)}" if _first_line(exc.evalue) else exc.ename
        raise ReportFailed(f"the report notebook failed in cell {exc.exec_count}: {reason}", executed) from None
    except CellTimeoutError:
        cell = _running_cell(executed)
        where = f" (cell {cell})" if cell else ""
        raise ReportFailed(f"a cell ran longer than {timeout} s{where}, so the report was stopped and nothing "
                           f"was published (see --timeout)", executed) from None
    except Exception as exc:  # a dead kernel, no kernel at all
        reason = f"{type(exc).__name__}: {_first_line(exc)}"
        if executed.stat().st_size == 0:
            raise ReportFailed(f"the report notebook could not run: {reason}") from None
        cell = _running_cell(executed)
        where = f" in cell {cell}" if cell else ""
        raise ReportFailed(f"the report notebook failed{where}: {reason}", executed) from None
    return executed


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


def _exporter_class():
    """nbconvert's HTMLExporter without its BeautifulSoup pass over the rendered page.

    That pass re-parses the whole page (base64 charts included) to give images without alt text a
    placeholder and to make every input and output focusable: two thirds of the export time. Every
    image we draw has its own alt text (charts.figure_html), no input is shown, and no output
    scrolls (report.css), so there is nothing for it to do; the accessibility tests check the page.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # As HTMLExporter.from_notebook_node up to the BeautifulSoup pass (the template needs both
            # filters registered, though no code is shown).
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", Highlight2HTML(parent=self))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


def make_exporter(remove_tags=frozenset()):
    """An exporter for pages without code, prompts or cells tagged ``remove_tags``, its template loaded."""
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
    exporter = _exporter_class()(config=config)
    exporter.register_preprocessor(_drop_stderr_preprocessor(), enabled=True)
    exporter.template  # noqa: B018 - compiled now, so a warm-up thread can do it (see _prepare_exporters)
    return exporter


def export_html(nb, title: str, remove_tags=frozenset(), exporter=None) -> str:
    """The executed notebook as one self-contained page: no code, no prompts, no cells tagged ``remove_tags``."""
    exporter = exporter or make_exporter(remove_tags)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def _prepare_exporters():
    """Import nbconvert and build both pages' exporters on a thread while the kernel runs.

    This process only waits for the kernel meanwhile; doing it afterwards cost ~0.4 s of every run.
    Returns ``start`` (call it once the kernel is launched: nbconvert imports modules papermill also
    imports, and two threads importing the same module can see it half-initialised) and ``get``,
    giving ``{"governors": exporter, "dpo": exporter}``; an exporter the thread could not build is
    left out and built again (raising its error) where it is used.
    """
    ready: dict = {}

    def build():
        with contextlib.suppress(Exception):
            ready["governors"] = make_exporter(remove_tags={"dpo"})
            ready["dpo"] = make_exporter()

    thread = threading.Thread(target=build, daemon=True, name="exporters")

    def start() -> None:
        if thread.ident is None:
            thread.start()

    def get() -> dict:
        if thread.ident is not None:
            thread.join()
        return ready

    return start, get


# --- the personal-data guard ---------------------------------------------------------------------

_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


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
    check_folder_usable(folder, need_readable=True)
    overrides = read_settings_file(args.settings) if args.settings else {}
    overrides.update(parse_param_pairs(args.param))
    overrides = checked_overrides(overrides)
    try:
        day = audit_day(args.year, args.as_of)
    except ValueError as exc:
        raise AuditInputError(str(exc)) from None
    previous = ""
    if args.previous:
        try:
            read_previous(args.previous)
        except ValueError as exc:
            raise AuditInputError(f"--previous: {exc}") from None
        previous = str(Path(args.previous).resolve())
    if args.timeout is not None and args.timeout <= 0:
        raise AuditInputError("--timeout must be a positive number of seconds")
    return folder, overrides, day.isoformat(), previous


def run_report(args, notebook: Path | None = None) -> int:
    # jsonschema (via nbformat) imports the optional rfc3987_syntax when it is installed (JupyterLab
    # brings it), which builds a grammar for ~1.5 s; the report never validates IRIs, so skip it.
    sys.modules.setdefault("rfc3987_syntax", None)
    folder, overrides, as_of, previous = _validated(args)
    notebook = Path(notebook or os.environ.get(NOTEBOOK_ENV) or ANNUAL_REVIEW)
    out_root = Path(args.out)
    out_root.mkdir(parents=True, exist_ok=True)
    clean_stale(out_root, args.year)
    with _Interrupts() as interrupts:
        staging = Path(tempfile.mkdtemp(dir=out_root, prefix=f".{args.year}.staging-{os.getpid()}-"))
        parameters = {
            "school": args.school,
            "year": args.year,
            "data_dir": str(folder.resolve()),
            "as_of": as_of,
            "audience": "dpo",
            "params": {k: v for k, v in overrides.items()},
            "previous": previous,
            "generated": dt.date.today().isoformat(),
            "handoff": str(staging.resolve()),
        }
        try:
            start_exporters, exporters = _prepare_exporters()
            executed = execute_notebook(notebook, parameters, staging, args.timeout, start_exporters)
            problems = _render(executed, staging, args, exporters())
            interrupts.defer()
            published = publish(staging, out_root, args.year)
        except ReportFailed as exc:
            interrupts.defer()
            line = str(exc)
            if exc.partial is not None:
                line += f"; {exc.what}: {_keep_partial(exc.partial, staging, out_root, args.year)}"
            print(f"lks-audit: {line}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            _stop_kernels()
            print(INTERRUPTED, file=sys.stderr)
            return 130
        finally:
            _remove(staging)  # gone already once published
    for problem in problems:
        print(f"lks-audit: {problem}", file=sys.stderr)
    for name in (GOVERNORS_HTML, DPO_HTML, ACTION_PLAN, FINDINGS_JSON, EXECUTED):
        print(f"wrote {published / name}")
    return 0


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


def _render(executed: Path, staging: Path, args, exporters: dict) -> list[str]:
    """Export both pages into ``staging``; returns the data problems to print. Raises ReportFailed."""
    import nbformat

    try:
        guard = json.loads((staging / GUARD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportFailed("the notebook handed over no findings (its first cell must call "
                           "outputs.artifacts.write_artifacts(rv, handoff))", executed, "executed notebook") from None
    (staging / GUARD).unlink()
    nb = nbformat.read(str(executed), as_version=4)
    title = f"Social Media Policy annual review {args.year}"
    governors = export_html(nb, f"{title}: {args.school}", {"dpo"}, exporters.get("governors"))
    leaks = personal_data_in(governors, guard["personal"])
    if leaks:
        raise ReportFailed(f"the governors' report would show personal data ({', '.join(sorted(set(leaks)))}), "
                           f"so nothing was published", executed, "executed notebook")
    dpo = export_html(nb, f"{title}: detail for the DPO (personal data)", exporter=exporters.get("dpo"))
    atomic_write(staging / GOVERNORS_HTML, governors.encode("utf-8"), public_mode())
    atomic_write(staging / DPO_HTML, dpo.encode("utf-8"), PRIVATE)
    return guard["problems"]


# --- publishing a set ----------------------------------------------------------------------------
#
# OUT/YEAR is a symlink to a complete run folder OUT/.YEAR.run-<pid>-<random>. A run builds
# everything in its own OUT/.YEAR.staging-<pid>-<random>, writes the manifest, renames the folder
# to a run folder and replaces the symlink (os.replace of a symlink is atomic on POSIX): whenever a
# reader looks, whenever the run is killed, OUT/YEAR shows the previous set or the new one. The
# rename, the switch and the pruning of older run folders happen under a lock on OUT, so two runs
# publish one after the other (the later one wins) and never prune each other's work; staging
# folders are only removed by their own run, or by a later run once their process is dead.
#
# Without symlinks (Windows without developer mode), or when OUT/YEAR is a real folder from an
# older lks-audit, the old folder is renamed away and the new one renamed in: between those two
# renames (microseconds) OUT/YEAR is missing, though both sets are whole on disk.

_WORK = re.compile(r"\.(?P<year>.+)\.(?P<kind>staging|run|old|link)-(?P<pid>\d+)-[^/]+")
STALE_AFTER_S = 86400  # Windows: no safe liveness check by pid, so a day-old staging folder is stale


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _work_entries(out_root: Path, year: str):
    for path in out_root.iterdir():
        match = _WORK.fullmatch(path.name)
        if match and match["year"] == year:
            yield path, match["kind"], int(match["pid"])


def _alive(pid: int, path: Path) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would end the process there
        return time.time() - path.stat().st_mtime < STALE_AFTER_S
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(out_root: Path, year: str) -> None:
    """Remove staging folders left by killed runs (their process is dead); live runs' stay."""
    for path, kind, pid in list(_work_entries(out_root, year)):
        if kind == "staging" and not _alive(pid, path):
            _remove(path)


@contextlib.contextmanager
def _lock(folder: Path):
    """An exclusive flock on the OUT folder itself, so no lock file is left behind."""
    try:
        import fcntl
    except ImportError:  # Windows: the renames are the only guard, and a second run fails cleanly
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _switch(out_root: Path, year: str, run_dir: Path) -> None:
    """Make OUT/YEAR show ``run_dir``."""
    link, suffix = out_root / year, run_dir.name.partition(".run-")[2]
    tmp: Path | None = out_root / f".{year}.link-{suffix}"
    try:
        os.symlink(run_dir.name, tmp, target_is_directory=True)  # relative: OUT can be moved
    except (OSError, NotImplementedError):
        tmp = None
    if link.exists() and not link.is_symlink():
        old = out_root / f".{year}.old-{suffix}"
        os.rename(link, old)
        try:
            os.replace(tmp, link) if tmp else os.rename(run_dir, link)
        except OSError:
            os.rename(old, link)
            raise
    elif tmp:
        os.replace(tmp, link)
    else:
        os.rename(run_dir, link)


def _prune(out_root: Path, year: str, keep: str) -> None:
    """Under the lock: every run, old and link entry but ``keep`` is an earlier set or a killed run's."""
    for path, kind, _ in list(_work_entries(out_root, year)):
        if kind != "staging" and path.name != keep:
            _remove(path)


def _write_manifest(folder: Path) -> None:
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}
    manifest = {"run": folder.name.partition(".staging-")[2], "lks_audit": lks_audit.__version__,
                "written": dt.datetime.now().isoformat(timespec="seconds"), "files": files}
    atomic_write(folder / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode("utf-8"), public_mode())


def publish(staging: Path, out_root: Path, year: str) -> Path:
    """Make the complete set in ``staging`` what OUT/YEAR shows, in one step; returns OUT/YEAR."""
    _write_manifest(staging)
    os.chmod(staging, public_dir_mode())  # mkdtemp made it owner-only while it held unfinished files
    run_dir = out_root / staging.name.replace(".staging-", ".run-", 1)
    with _lock(out_root):
        os.rename(staging, run_dir)
        try:
            _switch(out_root, year, run_dir)
        except OSError as exc:
            _remove(run_dir)
            raise ReportFailed(f"could not replace {out_root / year} ({exc.strerror or exc}); is one of its "
                               f"files open in another program? Nothing was changed") from None
        _prune(out_root, year, keep=run_dir.name)
    return out_root / year


def _keep_partial(partial: Path, staging: Path, out_root: Path, year: str) -> Path:
    """Move a failed run's notebook beside the published reports, which stay as they were."""
    os.chmod(partial, PRIVATE)
    with _lock(out_root):
        current = out_root / year
        if not current.exists():  # nothing published yet: a set holding just this notebook
            run_dir = out_root / staging.name.replace(".staging-", ".run-", 1)
            run_dir.mkdir(mode=public_dir_mode())
            os.replace(partial, run_dir / FAILED)
            _switch(out_root, year, run_dir)
            _prune(out_root, year, keep=run_dir.name)
        else:
            os.replace(partial, current / FAILED)
    return current / FAILED
