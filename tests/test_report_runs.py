"""`lks-audit report` as real processes that hang, are killed at random moments or race each other.

Every run gets its own school name and audit date, so each published file says which run wrote
it: a set is whole when its manifest matches the files and every file names the same run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import openpyxl
import pytest

from lks_audit.render.publish import publish
from lks_audit.render.report import INTERRUPTED

from test_report import ROOT, YEAR, _small_school

LKS_AUDIT = Path(sys.executable).parent / "lks-audit"
RUNS = 10
SCHOOLS = [f"Run {i} School" for i in range(RUNS)]
AS_OFS = [(dt.date(2026, 7, 1) + dt.timedelta(days=i)).isoformat() for i in range(RUNS)]

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="signals and /proc")]


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> Path:
    return _small_school(tmp_path_factory.mktemp("school"))


def start(school: Path, out: Path, run: int, env: dict | None = None, *extra) -> subprocess.Popen:
    log = out.parent / f"run-{run}-{time.monotonic_ns()}.log"
    with open(log, "w") as stderr:  # a file, not a pipe: a killed run never blocks on a full pipe
        proc = subprocess.Popen(
            [
                str(LKS_AUDIT),
                "report",
                str(school),
                "--year",
                YEAR,
                "--as-of",
                AS_OFS[run],
                "--out",
                str(out),
                "--school",
                SCHOOLS[run],
                *map(str, extra),
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
    proc.log = log
    return proc


def finish(proc: subprocess.Popen) -> tuple[int, str, list[str]]:
    """Exit code, whole stderr and our own lines of it (papermill's progress bar left out)."""
    code = proc.wait(timeout=120)
    err = proc.log.read_text()
    return code, err, [line for line in re.split(r"[\r\n]+", err) if line.startswith("lks-audit:")]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_run(out: Path) -> int | None:
    """Which run the set in OUT/YEAR came from (None when there is none); fails on any mixture."""
    folder = out / YEAR
    if not folder.exists():
        return None
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {p.name for p in folder.iterdir()} == set(manifest["files"]) | {"manifest.json"}
    for name, digest in manifest["files"].items():
        assert _sha256(folder / name) == digest, f"{name} is not the file run {manifest['run']} wrote"
    run = AS_OFS.index(json.loads((folder / "findings.json").read_text())["as_of"])
    # The manifest could be wrong too: every file must also say, in its own words, that it is this run's.
    for name in ("annual-review.html", "dpo-detail.html", "annual-review.ipynb"):
        assert SCHOOLS[run] in (folder / name).read_text(encoding="utf-8"), name
    assert SCHOOLS[run] in openpyxl.load_workbook(folder / "action-plan.xlsx")["Action plan"]["A1"].value
    return run


def kernels_of(pid: int) -> list[int]:
    """Live kernel processes started by process ``pid`` (jupyter_client sets JPY_PARENT_PID)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if f"JPY_PARENT_PID={pid}".encode() in environ:
                found.append(int(entry.name))
    return found


def assert_no_kernel_left(pid: int, within: float) -> None:
    deadline = time.monotonic() + within
    while kernels_of(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert kernels_of(pid) == [], f"kernel of run {pid} still running"


def staging_of(out: Path, pid: int) -> list[Path]:
    return sorted(out.glob(f".{YEAR}.staging-{pid}-*"))


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_killed_runs_leave_the_previous_set_or_the_new_one(school, tmp_path):
    out = tmp_path / "out"
    began = time.monotonic()
    code, err, _ = finish(start(school, out, 0))
    duration = time.monotonic() - began
    assert code == 0, err
    current = published_run(out)
    assert current == 0

    rng = random.Random(2026)  # seeded: the same moments every time, spread over a whole run
    outcomes = []
    for run, sig in enumerate([signal.SIGINT, signal.SIGKILL] * 3, start=1):
        proc = start(school, out, run)
        time.sleep(rng.uniform(0.3, 1.15 * duration))  # a few may come after the end
        proc.send_signal(sig)
        code, err, ours = finish(proc)
        now = published_run(out)
        if sig == signal.SIGINT and code == 130:  # stopped: the previous set stays, staging and kernel go
            assert ours == [f"lks-audit: {INTERRUPTED}"] or ours == ["lks-audit: interrupted"], (
                err
            )  # the latter: during imports
            assert "Traceback" not in err
            assert now == current and staging_of(out, proc.pid) == []
            assert kernels_of(proc.pid) == [], "Ctrl-C should stop the kernel before exiting"
        elif code == 0:  # the signal came once publishing had begun, or after the end: the run completed
            assert now == run, err
        else:
            assert sig == signal.SIGKILL and code == -signal.SIGKILL and now in (current, run), err
        # After a SIGKILL the kernel notices its parent is gone (ipykernel's parent poller, every second).
        assert_no_kernel_left(proc.pid, within=5)
        outcomes.append((sig, code, now == run, bool(staging_of(out, proc.pid))))
        current = now
    # The draws must have hit runs mid-way, or this test proved nothing.
    assert any(sig == signal.SIGINT and code == 130 for sig, code, _, _ in outcomes), outcomes
    assert any(sig == signal.SIGKILL and left for sig, _, _, left in outcomes), outcomes

    # The next run removes what killed runs left (their process is dead), and only that.
    planted_dead = out / f".{YEAR}.staging-{dead_pid()}-planted"
    planted_live = out / f".{YEAR}.staging-{os.getpid()}-planted"  # this process is alive: not stale
    planted_dead.mkdir()
    planted_live.mkdir()
    code, err, _ = finish(start(school, out, 7))
    assert code == 0, err
    assert published_run(out) == 7
    assert sorted(p.name for p in out.iterdir()) == sorted([YEAR, planted_live.name])
    assert (out / YEAR).is_dir() and not (out / YEAR).is_symlink()


def test_two_runs_at_once_both_finish_with_one_whole_set(school, tmp_path):
    out = tmp_path / "out"
    procs = [start(school, out, 1), start(school, out, 2)]
    results = [finish(p) for p in procs]
    for code, err, _ in results:
        assert code == 0, err
        assert "Traceback" not in err
    assert published_run(out) in (1, 2)
    assert [p.name for p in out.iterdir()] == [YEAR]


def test_a_hung_cell_stops_the_run_after_the_timeout(school, tmp_path):
    template = nbformat.read(str(ROOT / "notebooks" / "annual_review.ipynb"), as_version=4)
    parameters = next(c for c in template.cells if "parameters" in c.metadata.get("tags", []))
    hung = nbformat.v4.new_notebook(
        metadata=template.metadata, cells=[parameters, nbformat.v4.new_code_cell("import time\ntime.sleep(600)")]
    )
    nbformat.write(hung, str(tmp_path / "hung.ipynb"))
    out = tmp_path / "out"

    began = time.monotonic()
    proc = start(school, out, 1, {**os.environ, "LKS_AUDIT_NOTEBOOK": str(tmp_path / "hung.ipynb")}, "--timeout", 5)
    code, err, ours = finish(proc)
    elapsed = time.monotonic() - began

    assert code == 1, err
    assert 5 < elapsed < 40
    assert len(ours) == 1 and "Traceback" not in err, err
    match = re.fullmatch(
        r"lks-audit: a cell ran longer than 5 s \(cell 3\), so the report was stopped and nothing "
        r"was published \(see --timeout\); partly executed notebook: (.+)",
        ours[0],
    )
    assert match, ours[0]
    assert Path(match.group(1)) == out / YEAR / "annual-review.failed.ipynb"
    assert [p.name for p in (out / YEAR).iterdir()] == ["annual-review.failed.ipynb"]
    assert_no_kernel_left(proc.pid, within=5)


def _staging(out: Path, pid: int, run: int) -> Path:
    """A finished staging folder as a run leaves it just before publishing (files named by run)."""
    folder = out / f".{YEAR}.staging-{pid}-r{run}"
    folder.mkdir(parents=True)
    for name in ("annual-review.html", "findings.json"):
        (folder / name).write_text(f"run {run}")
    return folder


def _set_of(out: Path) -> dict[str, str]:
    folder = out / YEAR
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {p.name for p in folder.iterdir()} == set(manifest["files"]) | {"manifest.json"}
    assert all(_sha256(folder / n) == digest for n, digest in manifest["files"].items())
    return {p.name: p.read_text() for p in folder.iterdir() if p.name != "manifest.json"}


def test_publishing_clears_what_killed_runs_left_and_replaces_a_link_from_older_lks_audit(tmp_path):
    out = tmp_path / "out"
    # OUT/YEAR as lks-audit before plain folders wrote it: a symbolic link to a hidden run folder.
    older = _staging(out, dead_pid(), 0).rename(out / f".{YEAR}.run-1-r0")
    os.symlink(older.name, out / YEAR, target_is_directory=True)
    publish(_staging(out, os.getpid(), 1), out, YEAR)
    assert (out / YEAR).is_dir() and not (out / YEAR).is_symlink()
    assert _set_of(out) == {"annual-review.html": "run 1", "findings.json": "run 1"}
    assert [p.name for p in out.iterdir()] == [YEAR]

    # A run killed after renaming its staging folder (before the swap), a link and an old set of older runs.
    dead = dead_pid()
    _staging(out, dead, 2).rename(out / f".{YEAR}.run-{dead}-r2")
    os.symlink(f".{YEAR}.run-{dead}-r2", out / f".{YEAR}.link-{dead}-r2")
    (out / f".{YEAR}.old-{dead}-r0").mkdir()
    assert _set_of(out) == {"annual-review.html": "run 1", "findings.json": "run 1"}  # still the whole run 1

    publish(_staging(out, os.getpid(), 3), out, YEAR)
    assert _set_of(out) == {"annual-review.html": "run 3", "findings.json": "run 3"}
    assert [p.name for p in out.iterdir()] == [YEAR]


#: A publish in a process of its own, killed (SIGKILL) once the step named in argv[3] is done; argv[4] "renames"
#: publishes as where folders cannot be exchanged in one step (Windows).
KILLED_PUBLISH = """
import os, signal, sys
from pathlib import Path
from lks_audit.render import publish as p
out, year, at, how = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
if how == "renames":
    p._EXCHANGE = None
staging = out / f".{year}.staging-{os.getpid()}-r2"
staging.mkdir()
for name in ("annual-review.html", "findings.json"):
    (staging / name).write_text("run 2")
def crash(step):
    if step == at:
        os.kill(os.getpid(), signal.SIGKILL)
p.publish(staging, out, year, on_step=crash)
"""


@pytest.mark.parametrize("how", ["exchange", "renames"])
def test_a_publish_killed_after_each_of_its_steps_leaves_a_whole_set(tmp_path, how):
    from lks_audit.render.publish import STEPS, exchange, tidy

    if how == "exchange":
        probe = tmp_path / "probe"
        (probe / "a").mkdir(parents=True)
        (probe / "b").mkdir()
        if not exchange(probe / "a", probe / "b"):
            pytest.skip("this file system cannot exchange two folders in one step")
    run1 = {"annual-review.html": "run 1", "findings.json": "run 1"}
    run2 = {"annual-review.html": "run 2", "findings.json": "run 2"}
    seen = {}
    for step in STEPS:
        if how == "exchange" and step == "moved aside":
            continue  # that step is the renames' alone
        out = tmp_path / f"{how}-{step.replace(' ', '-')}"
        publish(_staging(out, os.getpid(), 1), out, YEAR)
        child = subprocess.run([sys.executable, "-c", KILLED_PUBLISH, out, YEAR, step, how], timeout=60)
        assert child.returncode == -signal.SIGKILL, step
        # A reader looking now sees a whole set; only between the two renames is there none for a moment.
        if how == "renames" and step == "moved aside":
            assert not (out / YEAR).exists()
        else:
            seen[step] = _set_of(out)
            assert seen[step] in (run1, run2), step
        tidy(out, YEAR)  # what the next run does first
        assert [p.name for p in out.iterdir()] == [YEAR], step
        assert _set_of(out) == (run1 if step in ("manifest", "renamed") else run2), step
    assert seen["swapped"] == run2 and seen["renamed"] == run1


def test_a_published_year_copies_whole_with_copytree(sample_two_years, tmp_path):
    """cp -r, a zip, a USB stick, OneDrive: a plain folder, every file there in the copy."""
    published = sample_two_years["dir"]
    assert published.is_dir() and not published.is_symlink()
    copy = shutil.copytree(published, tmp_path / "usb" / "2025-26")
    manifest = json.loads((copy / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        assert _sha256(copy / name) == digest, name
    assert sorted(p.name for p in copy.iterdir()) == sorted([*manifest["files"], "manifest.json"])
    assert not [p for p in sample_two_years["out"].rglob("*") if p.is_symlink()]


# Runs the CLI in-process under an audit hook that records every workbook this process opens
# while lks_audit/load.py or read.py (the loader) is on the stack. The cheap intake check before the run (zip
# sizes, file type) may open a workbook; loading it is the audit's work, which the kernel does.
# It also lists the data libraries the process imported by the end of the run.
OPENS_SPY = """
import json, os, sys
opened = []
# What the kernel imports to audit and draw; the report's own process never needs them.
DATA_LIBRARIES = ("pandas", "numpy", "holidays", "openpyxl", "python_calamine", "matplotlib")
LOADER = (os.path.join("lks_audit", "load.py"), os.path.join("lks_audit", "read.py"))

def spy(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)) and os.fsdecode(args[0]).endswith(".xlsx"):
        frame = sys._getframe(1)
        while frame is not None and not frame.f_code.co_filename.endswith(LOADER):
            frame = frame.f_back
        if frame is not None:
            opened.append(os.path.realpath(os.fsdecode(args[0])))

sys.addaudithook(spy)
from lks_audit.cli import main
code = main(sys.argv[1:])
print("IMPORTED " + json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in DATA_LIBRARIES)))
print("OPENED " + json.dumps(sorted(set(opened))))
sys.exit(code)
"""


def _run_spied(*args) -> tuple[list[str], list[str]]:
    """The workbooks of the school (args[1]) that ``lks-audit *args`` loaded in its own process, and the
    data libraries it imported."""
    proc = subprocess.run(
        [sys.executable, "-c", OPENS_SPY, *map(str, args)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    folder = Path(args[1]).resolve()
    opened = [p for p in json.loads(proc.stdout.rpartition("OPENED ")[2]) if Path(p).parent == folder]
    imported = json.loads(proc.stdout.rpartition("IMPORTED ")[2].partition("\n")[0])
    return opened, imported


def test_the_report_command_leaves_the_workbooks_and_the_data_libraries_to_the_kernel(school, tmp_path):
    """The audit runs once, in the kernel: the report process itself opens no workbook, and never imports
    pandas, numpy, holidays or openpyxl (before its kernel starts or after: it waits for the kernel)."""
    audit = (school, "--year", YEAR, "--as-of", AS_OFS[1])
    opened, imported = _run_spied("check", *audit)
    assert len(opened) == 8 and "pandas" in imported  # the spy sees the workbooks being loaded, and pandas
    opened, imported = _run_spied("report", *audit, "--school", SCHOOLS[1], "--out", tmp_path / "out")
    assert opened == [] and imported == []
    assert published_run(tmp_path / "out") == 1


def test_without_a_one_step_exchange_the_set_is_swapped_by_renames(tmp_path, monkeypatch):
    """Windows: no call exchanges two folders, so OUT/YEAR is renamed away and the new set renamed in."""
    from lks_audit.render import publish as publishing

    monkeypatch.setattr(publishing, "_EXCHANGE", None)
    out = tmp_path / "out"
    for run in (1, 2):
        publish(_staging(out, os.getpid(), run), out, YEAR)
        assert not (out / YEAR).is_symlink()
        assert _set_of(out) == {"annual-review.html": f"run {run}", "findings.json": f"run {run}"}
        assert [p.name for p in out.iterdir()] == [YEAR]
