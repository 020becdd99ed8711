"""How fast ``load_workbooks`` (python-calamine) is next to plain pandas + openpyxl.

Writes the sample school at each scale into a temporary folder, then, in one
process and on the same files, times:

* ``load_workbooks(folder)``: parse with calamine *and* read every cell as its
  contract kind, with all data-quality findings;
* ``pandas.read_excel(engine="openpyxl")`` of every contract sheet: parsing only,
  no typing or checks, so it is the lower bound of what an openpyxl loader costs.

Each figure is the best of ``--repeat`` runs (the least disturbed by the machine).
If ``lks_audit.sample`` cannot write the sample (or with ``--synthetic``), a
synthetic posts and interactions log of similar size is used instead.

    python benchmarks/load_benchmark.py [--scales 1 10] [--repeat 3] [--synthetic]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from lks_audit.load import load_workbooks
from lks_audit.schema import SHEETS, WORKBOOKS


def write_synthetic(folder: Path, scale: int) -> None:
    """Posts and interactions logs with the contract's headers and a realistic mix of cell types."""
    import openpyxl

    rng = random.Random(scale)
    start = dt.datetime(2025, 9, 1, 8, 0)
    folder.mkdir(parents=True)
    for file, sheet, n in (("posts_log.xlsx", "Posts", 1500), ("interactions_log.xlsx", "Interactions", 4000)):
        book = openpyxl.Workbook(write_only=True)
        ws = book.create_sheet(sheet)
        columns = SHEETS[sheet].columns
        ws.append([c.header for c in columns])
        for i in range(n * scale):
            when = start + dt.timedelta(minutes=rng.randrange(500_000))
            row = []
            for c in columns:
                kind = c.kind.value
                row.append(
                    f"{sheet[0]}-{i:06d}"
                    if c.header == SHEETS[sheet].key
                    else rng.choice(c.choices)
                    if kind == "choice"
                    else rng.choice(["Yes", "No", "y", ""])
                    if kind == "yes/no"
                    else when
                    if kind == "datetime"
                    else when.strftime("%d/%m/%Y")
                    if kind == "date"
                    else f"S{rng.randrange(40):03d}"
                    if kind in ("id", "ids")
                    else "Well done to our Year 7 netball team " * rng.randrange(1, 4)
                )
            ws.append(row)
        book.save(folder / file)


def make_school(folder: Path, scale: int, synthetic: bool) -> str:
    if not synthetic:
        try:
            from lks_audit.sample import write_sample

            write_sample(folder, seed=2026, scale=scale)
            return "sample"
        except Exception as exc:  # the sample generator is optional for this comparison
            print(f"sample school unavailable ({type(exc).__name__}: {exc}); using synthetic logs", file=sys.stderr)
            shutil.rmtree(folder, ignore_errors=True)
    write_synthetic(folder, scale)
    return "synthetic"


def read_with_openpyxl(folder: Path) -> int:
    rows = 0
    for wb in WORKBOOKS:
        if not (folder / wb.file).exists():
            continue
        frames = pd.read_excel(folder / wb.file, sheet_name=[s.name for s in wb.sheets], engine="openpyxl")
        rows += sum(len(f) for f in frames.values())
    return rows


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synthetic", action="store_true", help="skip the sample school")
    args = parser.parse_args(argv)

    print(
        f"{'scale':>5} {'data':>9} {'rows':>8} {'MB':>6} {'load_workbooks s':>17} "
        f"{'read_excel(openpyxl) s':>23} {'ratio':>6}"
    )
    with tempfile.TemporaryDirectory(prefix="lks-load-bench-") as tmp:
        for scale in args.scales:
            folder = Path(tmp) / f"scale-{scale}"
            source = make_school(folder, scale, args.synthetic)
            size = sum(p.stat().st_size for p in folder.glob("*.xlsx")) / 2**20
            ours, data = best_of(args.repeat, lambda folder=folder: load_workbooks(folder))
            theirs, rows = best_of(args.repeat, lambda folder=folder: read_with_openpyxl(folder))
            loaded = sum(len(f) for f in data.frames.values())
            if loaded != rows:  # same files, so the same rows, or the comparison is unfair
                print(f"warning: load_workbooks kept {loaded} rows, read_excel {rows}", file=sys.stderr)
            print(
                f"{scale:>5} {source:>9} {loaded:>8} {size:>6.1f} {ours:>17.3f} {theirs:>23.3f} {theirs / ours:>5.1f}x"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
