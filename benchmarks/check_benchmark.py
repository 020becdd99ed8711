"""Loading and checking time and peak memory on the sample school at several scales.

Each scale runs in its own child process so peak memory (ru_maxrss) belongs to
that scale alone. Samples are generated once into benchmarks/.cache/.

    python benchmarks/check_benchmark.py [--scales 1 10 50]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"


def sample_folder(scale: int, seed: int = 2026) -> Path:
    """The sample school at ``scale``, generated once into the cache by a process of its own: generated here,
    its hundreds of MB would stay in this process, and every process it starts afterwards would report
    them as its own peak memory (Linux counts a forked child's size before it runs its program)."""
    folder = CACHE / f"sample-s{scale}"
    # A cache made before the sample had platform archives is made again.
    if not (folder / "posts_log.xlsx").exists() or not (folder / "platform_exports").exists():
        code = (
            "import sys; from lks_audit.sample import write_sample; "
            "write_sample(sys.argv[1], seed=int(sys.argv[2]), scale=int(sys.argv[3]))"
        )
        subprocess.run([sys.executable, "-c", code, str(folder), str(seed), str(scale)], check=True)
    return folder


def workbooks_only(folder: Path) -> Path:
    """The same workbooks without the platform archives (hard links, made once): the check the parser's floor
    alone is measured against."""
    copy = folder.with_name(folder.name + "-workbooks")
    copy.mkdir(exist_ok=True)
    for path in folder.glob("*.xlsx"):
        if not (copy / path.name).exists():
            (copy / path.name).hardlink_to(path)
    return copy


def measure_one(scale: int) -> dict:
    """Runs in the child: load, then check, timing each and reading peak RSS after each."""
    from lks_audit.audit import closures_of, run_rules
    from lks_audit.context import make_context
    from lks_audit.load import load_workbooks

    folder = sample_folder(scale)
    t0 = time.perf_counter()
    data = load_workbooks(folder)
    t1 = time.perf_counter()
    load_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ctx = make_context("2025-26", "2026-08-31", closures=closures_of(data))
    t2 = time.perf_counter()
    result = run_rules(data, ctx)
    t3 = time.perf_counter()
    rows = sum(sum(f.rows.values()) for f in data.files)
    return {
        "scale": scale,
        "rows": rows,
        "load_s": t1 - t0,
        "load_peak_mb": load_peak,
        "check_s": t3 - t2,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "findings": len(result.findings),
    }


def measure_in_child(scale: int) -> dict:
    """:func:`measure_one` in a fresh interpreter, so its peak memory is that scale's alone."""
    out = subprocess.run([sys.executable, __file__, "--child", str(scale)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_one(args.child)))
        return
    for scale in args.scales:  # generate first so generation never counts
        sample_folder(scale)
    results = [measure_in_child(scale) for scale in args.scales]
    base = results[0]
    print(
        f"{'scale':>5} {'rows':>9} {'load s':>8} {'load MB':>8} {'check s':>8} {'peak MB':>8} "
        f"{'check us/row':>12} {'findings':>9}"
    )
    for r in results:
        per_row = r["check_s"] / r["rows"] * 1e6
        print(
            f"{r['scale']:>5} {r['rows']:>9,} {r['load_s']:>8.2f} {r['load_peak_mb']:>8.0f} "
            f"{r['check_s']:>8.2f} {r['peak_mb']:>8.0f} {per_row:>12.1f} {r['findings']:>9,}"
        )
    if len(results) > 1:
        last = results[-1]
        print(
            f"check time grew {last['check_s'] / base['check_s']:.1f}x for {last['rows'] / base['rows']:.1f}x "
            f"rows (1.0 = linear; below 1 = fixed costs dominate at small scale)"
        )


if __name__ == "__main__":
    main()
