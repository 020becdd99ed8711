"""Measured speed of lks-audit, in one run and one table (issue 5, item 6).

Rows:
  * the floor: papermill + nbconvert on a one-cell notebook, and ``lks-audit report`` on the
    bundled sample school, each as fresh processes (best of ``--repeat``), and their ratio;
  * the DPO's notebook (``notebooks/explore.ipynb``) executed on the sample school as lks-audit runs its
    notebooks (papermill's API in a fresh process), run alternately with ``lks-audit report`` (best of
    ``--repeat`` each), and its ratio to the report; then the same by the papermill command, for reference;
  * ``lks-audit check`` as a real CLI process at scales 1, 10 and 50: wall time, the child's peak
    memory (from ``wait4``), rows, time per row, and load vs check split in-process
    (``check_benchmark.measure_one`` in a fresh child);
  * the parser's floor: python-calamine alone reading every sheet of the same scale-50 files into
    Python lists, as a fresh process, and the ratio of ``check`` at scale 50 (its workbooks only) to it;
  * the archives' floor (issue 22): every data file of the scale-50 sample's platform archives unzipped and
    parsed with json / csv, and the ratio of the whole ``check`` to both floors; each repeat runs the four
    side by side, and the rows say how far the ratios moved between repeats;
  * an X archive of 100,000 posts read by lks-audit against json.loads of the same text, in one process;
  * ``lks-audit due`` at scale 1 against ``check`` at scale 1 (its floor: it loads the same files and runs
    fewer rules), the two run in turn, pair after pair, and the ratio of their best (issue 21);
  * start-up: ``python -X importtime`` of each command (total import time and the five costliest
    top-level packages), and whether check / validate / templates import papermill, nbconvert
    or matplotlib (they must not).

With ``--compare-python OTHER/bin/python`` (a venv with JupyterLab installed, say) the floor and
the notebook libraries' import time are measured there too, for the before/after of keeping
JupyterLab out of the report's environment.

    python benchmarks/run_benchmarks.py [--repeat 3] [--scales 1 10 50] [--compare-python PATH]

Samples at scales above 1 are generated once into benchmarks/.cache/ (scale 50 takes about a minute).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archive_benchmark import ARCHIVES_READ, x_archive_folder, x_reader  # noqa: E402
from check_benchmark import measure_in_child, sample_folder, workbooks_only  # noqa: E402
from report_benchmark import (  # noqa: E402
    AS_OF,
    BIN,
    ROOT,
    YEAR,
    explore_cli_commands,
    explore_commands,
    floor_commands,
    report_commands,
)

SAMPLE = ROOT / "examples" / "sample-school"
#: Heavy notebook libraries only ``report`` may import.
REPORT_ONLY = ("papermill", "nbconvert", "nbclient", "nbformat", "matplotlib", "jupyter_client")
TARGET_RATIO, TARGET_SECONDS, TARGET_MB = 1.25, 10.0, 2048
#: The DPO's notebook on the sample against ``lks-audit report`` on it (issue 20).
TARGET_EXPLORE_RATIO = 1.5
#: ``check`` at the largest scale against python-calamine's bare read of the same files.
TARGET_PARSER_RATIO = 2.0
#: ``check`` with the platform archives against that read plus json.loads of the archives (issue 22), and the
#: X reader against json.loads of the same tweets.js.
TARGET_ARCHIVES_RATIO, TARGET_X_READER = 2.5, 2.0
#: ``due`` against ``check`` on the same files: it must take no longer (due.md; issue 21).
TARGET_DUE_RATIO = 1.0
#: The moment ``due`` is asked about: the audit day's morning, as a DPO would run it.
DUE_NOW = f"{AS_OF} 09:00"
#: What the parser's floor runs: every sheet of every workbook in the folder, to Python lists.
CALAMINE_READ = """
import sys
from pathlib import Path
import python_calamine
rows = 0
for path in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        rows += len(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
    book.close()
print(rows)
"""


def run(command: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS in MB and stderr of one process; fails loudly on an exit status
    not in ``ok``.

    CPU and peak memory cover the process and the children it waited for (a report's kernel), from
    ``wait4``: RUSAGE_CHILDREN would mix in every earlier run. CPU next to wall shows how much a busy
    machine slowed a run down.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} exited {proc.returncode}:\n{stderr[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stderr


def side_by_side(first: list[list[str]], second: list[list[str]], repeat: int) -> tuple[tuple, tuple]:
    """``first`` and ``second`` run alternately ``repeat`` times (so a busy spell slows both): the best of each."""
    firsts, seconds = [], []
    for _ in range(repeat):
        firsts.append(best(first, 1))
        seconds.append(best(second, 1))
    return min(firsts), min(seconds)


def best(commands: list[list[str]], repeat: int) -> tuple[float, float, float]:
    """The best of ``repeat`` runs of ``commands`` one after another: wall, CPU and the largest peak RSS."""
    runs = []
    for _ in range(repeat):
        results = [run(c) for c in commands]
        runs.append((sum(r[0] for r in results), sum(r[1] for r in results), max(r[2] for r in results)))
    return min(runs)


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_profile(stderr: str) -> tuple[float, dict[str, float], set[str]]:
    """From ``-X importtime`` output: total ms, ms per top-level package (self times summed), modules."""
    per_package: dict[str, float] = defaultdict(float)
    modules = set()
    for line in stderr.splitlines():
        m = _IMPORT_LINE.match(line)
        if m:
            self_us, name = int(m.group(1)), m.group(4)
            modules.add(name)
            per_package[name.split(".")[0]] += self_us / 1000
    return sum(per_package.values()), per_package, modules


def imports_of(command: list[str], python: str = sys.executable) -> tuple[float, dict[str, float], set[str]]:
    # validate exits 1 when the data has problems, as the bundled sample school has on purpose
    *_, stderr = run([python, "-X", "importtime", *command], ok=(0, 1))
    return import_profile(stderr)


def top(per_package: dict[str, float], n: int = 5) -> str:
    costly = sorted(per_package.items(), key=lambda kv: -kv[1])[:n]
    return ", ".join(f"{name} {ms:.0f}" for name, ms in costly)


class Table:
    def __init__(self):
        self.rows: list[tuple[str, ...]] = []

    def add(
        self,
        what: str,
        wall: str = "",
        cpu: str = "",
        peak: str = "",
        rows: str = "",
        per_row: str = "",
        detail: str = "",
    ) -> None:
        self.rows.append((what, wall, cpu, peak, rows, per_row, detail))
        print("  ...", what, wall, file=sys.stderr, flush=True)  # progress while it runs

    def print(self) -> None:
        head = ("what", "wall s", "cpu s", "peak MB", "rows", "us/row", "detail / target")
        widths = [max(len(r[i]) for r in [head, *self.rows]) for i in range(len(head) - 1)]
        line = "  ".join([f"{{:<{widths[0]}}}"] + [f"{{:>{w}}}" for w in widths[1:]] + ["{}"])
        print(line.format(*head))
        print(line.format(*("-" * w for w in widths), "-" * 15))
        for r in self.rows:
            print(line.format(*r).rstrip())


def interleaved(commands: dict[str, list[str]], repeat: int) -> dict[str, list[tuple[float, float, float]]]:
    """Each command run ``repeat`` times, taking turns (so a busy spell on the machine hits them alike): every
    run's wall, CPU and peak."""
    out: dict[str, list] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            out[name].append(run(command)[:3])
    return out


def spread(ratios: list[float]) -> str:
    """How much a side-by-side ratio moved between repeats: the machine is shared."""
    return f"per repeat {min(ratios):.2f} to {max(ratios):.2f}x" if len(ratios) > 1 else "one repeat"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def due_vs_check(table: Table, lks: str, audit_args: list[str], pairs: int) -> None:
    """``due`` and ``check`` on the scale-1 sample, one after the other ``pairs`` times (so a busy spell of the
    machine slows both alike): the best of each, their ratio, and how much the ratio moves from pair to pair."""
    folder = str(sample_folder(1))
    due = [lks, "due", folder, "--now", DUE_NOW, "--json"]
    check = [lks, "check", folder, *audit_args, "--json"]
    runs = [(run(due, ok=(0, 1)), run(check)) for _ in range(pairs)]
    due_best, check_best = (min((r[i] for r in runs), key=lambda r: r[0]) for i in (0, 1))
    ratios = sorted(d[0] / c[0] for d, c in runs)
    table.add("lks-audit due, scale 1", f"{due_best[0]:.2f}", f"{due_best[1]:.2f}", f"{due_best[2]:.0f}",
              detail=f"--now {DUE_NOW!r}; its floor is check on the same files, run in turn")  # fmt: skip
    table.add("lks-audit check, scale 1 (beside due)", f"{check_best[0]:.2f}", f"{check_best[1]:.2f}",
              f"{check_best[2]:.0f}", detail=f"best of {pairs}, each run just after a due")  # fmt: skip
    ratio = due_best[0] / check_best[0]
    table.add(
        "ratio due / check, scale 1",
        f"{ratio:.2f}x",
        detail=f"target <= {TARGET_DUE_RATIO:.1f}: {verdict(ratio <= TARGET_DUE_RATIO)}; pair by pair "
        f"{ratios[0]:.2f} to {ratios[-1]:.2f}x (median {ratios[len(ratios) // 2]:.2f}x)",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument(
        "--compare-python",
        metavar="PYTHON",
        help="another venv's python (e.g. with JupyterLab installed) to measure the floor in",
    )
    args = parser.parse_args()
    for scale in args.scales:  # generate first so generation never counts
        sample_folder(scale)
    x_archive_folder()
    table = Table()
    load_before = os.getloadavg()[0]
    audit_args = ["--year", YEAR, "--as-of", AS_OF]
    lks = str(BIN / "lks-audit")

    with tempfile.TemporaryDirectory(prefix="lks-bench-") as tmp:
        work = Path(tmp)
        floor_s, floor_cpu, floor_mb = best(floor_commands(work), args.repeat)
        table.add(
            "floor: papermill + nbconvert, one-cell notebook", f"{floor_s:.2f}", f"{floor_cpu:.2f}", f"{floor_mb:.0f}"
        )
        report_s, report_cpu, report_mb = best(report_commands(SAMPLE, work / "reports"), args.repeat)
        table.add(
            "lks-audit report, sample school",
            f"{report_s:.2f}",
            f"{report_cpu:.2f}",
            f"{report_mb:.0f}",
            detail="cpu and peak include the kernel",
        )
        ratio = report_s / floor_s
        table.add(
            "ratio report / floor",
            f"{ratio:.2f}x",
            detail=f"target <= {TARGET_RATIO}: {verdict(ratio <= TARGET_RATIO)}",
        )
        report_again, explore = side_by_side(
            report_commands(SAMPLE, work / "reports"), explore_commands(SAMPLE, work / "explore.ipynb"), args.repeat
        )
        table.add(
            "DPO's notebook: explore.ipynb by papermill, sample",
            f"{explore[0]:.2f}",
            f"{explore[1]:.2f}",
            f"{explore[2]:.0f}",
            detail=f"run alternately with report ({report_again[0]:.2f} s then)",
        )
        explore_cli = best(explore_cli_commands(SAMPLE, work / "explore-cli.ipynb"), args.repeat)
        table.add(
            "the same by the papermill command",
            f"{explore_cli[0]:.2f}",
            f"{explore_cli[1]:.2f}",
            f"{explore_cli[2]:.0f}",
            detail=f"{explore_cli[0] / report_again[0]:.2f}x report; its import builds jsonschema's IRI grammar",
        )
        explore_ratio = explore[0] / report_again[0]
        table.add(
            "ratio explore notebook / report",
            f"{explore_ratio:.2f}x",
            detail=f"target <= {TARGET_EXPLORE_RATIO}: {verdict(explore_ratio <= TARGET_EXPLORE_RATIO)}",
        )
        if args.compare_python:
            other_bin = Path(args.compare_python).parent
            other_s, other_cpu, _ = best(floor_commands(work, other_bin), args.repeat)
            table.add(f"floor in {other_bin.parent}", f"{other_s:.2f}", f"{other_cpu:.2f}", detail="--compare-python")
            if (other_bin / "lks-audit").exists():
                other_report, other_report_cpu, _ = best(
                    report_commands(SAMPLE, work / "other", other_bin), args.repeat
                )
                table.add(
                    f"report in {other_bin.parent}",
                    f"{other_report:.2f}",
                    f"{other_report_cpu:.2f}",
                    detail=f"ratio {other_report / other_s:.2f}x there",
                )

        per_row, work_per_row, check_wall = {}, {}, {}
        for scale in args.scales:
            folder = sample_folder(scale)
            wall, cpu, peak = best([[lks, "check", str(folder), *audit_args, "--json"]], args.repeat)
            split = min((measure_in_child(scale) for _ in range(args.repeat)), key=lambda r: r["load_s"] + r["check_s"])
            per_row[scale] = wall / split["rows"] * 1e6
            check_wall[scale] = wall
            work_per_row[scale] = (split["load_s"] + split["check_s"]) / split["rows"] * 1e6
            targets = ""
            if scale == 50:
                targets = (
                    f"; target < {TARGET_SECONDS:.0f} s: {verdict(wall < TARGET_SECONDS)}, "
                    f"< {TARGET_MB / 1024:.0f} GB: {verdict(peak < TARGET_MB)}"
                )
            table.add(
                f"lks-audit check, scale {scale}",
                f"{wall:.2f}",
                f"{cpu:.2f}",
                f"{peak:.0f}",
                f"{split['rows']:,}",
                f"{per_row[scale]:.1f}",
                f"in-process: load {split['load_s']:.2f} s + rules {split['check_s']:.2f} s, "
                f"{split['findings']:,} findings{targets}",
            )
        largest = max(args.scales)
        folder = sample_folder(largest)
        # Side by side, each repeat in turn: the check with and without the archives and the two floors.
        runs = interleaved(
            {
                "check": [lks, "check", str(folder), *audit_args, "--json"],
                "workbooks": [lks, "check", str(workbooks_only(folder)), *audit_args, "--json"],
                "calamine": [sys.executable, "-c", CALAMINE_READ, str(folder)],
                "archives": [sys.executable, "-c", ARCHIVES_READ, str(folder / "platform_exports")],
            },
            args.repeat,
        )
        calamine_s, calamine_cpu, calamine_mb = min(runs["calamine"])
        table.add(
            f"floor: python-calamine reads scale {largest}",
            f"{calamine_s:.2f}",
            f"{calamine_cpu:.2f}",
            f"{calamine_mb:.0f}",
            detail="every sheet of the same files to Python lists, a fresh process",
        )
        workbooks_s, workbooks_cpu, workbooks_mb = min(runs["workbooks"])
        table.add(
            f"lks-audit check, scale {largest}, workbooks only",
            f"{workbooks_s:.2f}",
            f"{workbooks_cpu:.2f}",
            f"{workbooks_mb:.0f}",
            detail="the same folder without its platform archives",
        )
        ratios = [w[0] / c[0] for w, c in zip(runs["workbooks"], runs["calamine"])]
        parser_ratio = workbooks_s / calamine_s
        table.add(
            f"ratio check / calamine floor, scale {largest}",
            f"{parser_ratio:.2f}x",
            detail=f"{spread(ratios)}; target <= {TARGET_PARSER_RATIO:.1f}: "
            f"{verdict(parser_ratio <= TARGET_PARSER_RATIO)}",
        )
        archives_s, archives_cpu, archives_mb = min(runs["archives"])
        table.add(
            f"floor: json.loads of the archives, scale {largest}",
            f"{archives_s:.2f}",
            f"{archives_cpu:.2f}",
            f"{archives_mb:.0f}",
            detail="every data file of the archives unzipped and parsed (json, csv), a fresh process",
        )
        ratios = [k[0] / (c[0] + a[0]) for k, c, a in zip(runs["check"], runs["calamine"], runs["archives"])]
        archives_ratio = min(runs["check"])[0] / (calamine_s + archives_s)
        table.add(
            f"ratio check / (calamine + archives floors), scale {largest}",
            f"{archives_ratio:.2f}x",
            detail=f"{spread(ratios)}; target <= {TARGET_ARCHIVES_RATIO:.1f}: "
            f"{verdict(archives_ratio <= TARGET_ARCHIVES_RATIO)}",
        )
        x = x_reader(max(args.repeat, 3))
        table.add(
            "floor: json.loads, X archive of 100,000 posts",
            f"{min(x['floor']):.2f}",
            detail=f"data/tweets.js, {x['mb']:.0f} MB, already in memory",
        )
        table.add(
            "lks-audit reads that X archive",
            f"{min(x['reader']):.2f}",
            rows=f"{x['posts']:,}",
            per_row=f"{min(x['reader']) / x['posts'] * 1e6:.1f}",
            detail="from the folder: read, decode, parse, posts as records; the same process, interleaved",
        )
        x_ratio = min(x["reader"]) / min(x["floor"])
        table.add(
            "ratio X reader / json.loads",
            f"{x_ratio:.2f}x",
            detail=f"{spread([r / f for r, f in zip(x['reader'], x['floor'])])}; target <= {TARGET_X_READER:.1f}: "
            f"{verdict(x_ratio <= TARGET_X_READER)}",
        )
        if 10 in per_row and 50 in per_row:
            # Load + rules alone: the wall time per row also spreads start-up over the rows.
            growth = work_per_row[50] / work_per_row[10]
            table.add(
                "time per row, scale 50 / scale 10",
                f"{growth:.2f}x",
                detail=f"load + rules in-process (wall: {per_row[50] / per_row[10]:.2f}x); "
                f"target flat (<= 1.10): {verdict(growth <= 1.10)}",
            )

        due_vs_check(table, lks, audit_args, max(args.repeat, 5))

        (work / "templates").mkdir()
        commands = {
            "start-up: import lks_audit.cli": ["-c", "import lks_audit.cli"],
            "imports of lks-audit templates": [lks, "templates", str(work / "templates")],
            "imports of lks-audit validate": [lks, "validate", str(SAMPLE)],
            "imports of lks-audit check": [lks, "check", str(SAMPLE), *audit_args],
            "imports of lks-audit due": [lks, "due", str(SAMPLE), "--now", DUE_NOW],
            "imports of lks-audit report (parent)": [
                lks,
                "report",
                str(SAMPLE),
                *audit_args,
                "--out",
                str(work / "imports"),
            ],
        }
        for what, command in commands.items():
            total, per_package, modules = imports_of(command)
            heavy = sorted({m.split(".")[0] for m in modules} & set(REPORT_ONLY))
            note = (
                ""
                if what.endswith("(parent)") or what.startswith("start-up")
                else "; no notebook libraries"
                if not heavy
                else f"; IMPORTS {', '.join(heavy)}"
            )
            table.add(what, f"{total / 1000:.2f}", detail=f"ms: {top(per_package)}{note}")
        pythons = {"import papermill, nbconvert": sys.executable}
        if args.compare_python:
            pythons[f"import papermill, nbconvert in {Path(args.compare_python).parent.parent}"] = args.compare_python
        for what, python in pythons.items():
            total, per_package, _ = imports_of(["-c", "import papermill, nbconvert"], python)
            # importtime also lists failed attempts, so ask the interpreter what it really loaded
            probe = "import sys, papermill, nbconvert; print('rfc3987_syntax' in sys.modules)"
            loaded = subprocess.run([python, "-c", probe], capture_output=True, text=True).stdout.strip()
            has = "rfc3987_syntax loaded" if loaded == "True" else "rfc3987_syntax not installed"
            table.add(what, f"{total / 1000:.2f}", detail=f"ms: {top(per_package)}; {has}")
    table.print()
    # Other work on the machine slows every wall time; cpu s is the steadier figure then.
    print(
        f"\n{os.cpu_count()} CPUs; load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
        f"best of {args.repeat} runs; python {sys.version.split()[0]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
