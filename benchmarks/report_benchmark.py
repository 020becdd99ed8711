"""Wall time of `lks-audit report` on the sample school against the floor of papermill + nbconvert.

The floor is what any notebook report costs here: papermill starting a kernel
for a one-cell notebook, then nbconvert exporting it to HTML. Both are timed
in the same run, each as a fresh process (as a user runs them), best of
``--repeat``.

    python benchmarks/report_benchmark.py [--repeat 3] [--data DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
YEAR, AS_OF = "2025-26", "2026-08-31"  # as `make report` audits the sample


def sample_folder(work: Path) -> Path:
    bundled = ROOT / "examples" / "sample-school"
    if bundled.is_dir() and any(bundled.glob("*.xlsx")):
        return bundled
    from lks_audit.sample import write_sample

    folder = work / "sample-school"
    write_sample(folder, seed=2026, scale=1)
    return folder


def one_cell_notebook(path: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


#: Run a notebook tool's command line without the IRI grammar jsonschema builds at import when JupyterLab's
#: dependencies are installed (about 0.8 s; the report skips it too), so the floor is the same with or without
#: the interactive extra in the environment.
WITHOUT_IRI_GRAMMAR = "import sys; sys.modules.setdefault('rfc3987_syntax', None); sys.argv[0] = {name!r}; {main}"


def floor_commands(work: Path, bin_dir: Path = BIN) -> list[list[str]]:
    """papermill then nbconvert (from ``bin_dir``) on a one-cell notebook written into ``work``."""
    notebook = one_cell_notebook(work / "one.ipynb")
    papermill = WITHOUT_IRI_GRAMMAR.format(name="papermill", main="from papermill.cli import papermill; papermill()")
    nbconvert = WITHOUT_IRI_GRAMMAR.format(
        name="jupyter-nbconvert", main="from nbconvert.nbconvertapp import main; sys.exit(main())"
    )
    python = str(bin_dir / "python")
    return [
        [python, "-c", papermill, "--no-progress-bar", str(notebook), str(work / "one.out.ipynb")],
        [python, "-c", nbconvert, "--to", "html", "--no-input", str(work / "one.out.ipynb")],
    ]


def report_commands(folder: Path, out: Path, bin_dir: Path = BIN) -> list[list[str]]:
    return [[str(bin_dir / "lks-audit"), "report", str(folder), "--year", YEAR, "--as-of", AS_OF, "--out", str(out)]]


#: The DPO's notebook executed as lks-audit executes its notebooks: papermill's API in a fresh process, without the
#: IRI grammar jsonschema builds at import when JupyterLab's dependencies are installed (``render_report`` skips it
#: the same way; the papermill command pays about 0.8 s for it, which ``explore_cli_commands`` shows).
EXPLORE_RUN = """
import sys
sys.modules.setdefault("rfc3987_syntax", None)
import papermill
notebook, out, data_dir, year, as_of = sys.argv[1:]
parameters = {"data_dir": data_dir, "year": year, "as_of": as_of}
papermill.execute_notebook(notebook, out, parameters=parameters, cwd=str(__import__("pathlib").Path(notebook).parent))
"""


def explore_commands(folder: Path, out: Path, bin_dir: Path = BIN) -> list[list[str]]:
    """The DPO's notebook as ``lks-audit explore`` fills it in, executed top to bottom (what Run All costs)."""
    notebook = ROOT / "notebooks" / "explore.ipynb"
    return [[str(bin_dir / "python"), "-c", EXPLORE_RUN, str(notebook), str(out), str(folder), YEAR, AS_OF]]


def explore_cli_commands(folder: Path, out: Path, bin_dir: Path = BIN) -> list[list[str]]:
    """The same with the papermill command."""
    notebooks = ROOT / "notebooks"
    return [
        [
            str(bin_dir / "papermill"), "--no-progress-bar", "--cwd", str(notebooks), str(notebooks / "explore.ipynb"),
            str(out), "-p", "data_dir", str(folder), "-p", "year", YEAR, "-p", "as_of", AS_OF,
        ]
    ]  # fmt: skip


def timed(commands: list[list[str]]) -> float:
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, help="data folder (default: the sample school)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lks-report-bench-"))
    try:
        folder = args.data or sample_folder(work)
        floor, report = floor_commands(work), report_commands(folder, work / "reports")
        floor_s = min(timed(floor) for _ in range(args.repeat))
        report_s = min(timed(report) for _ in range(args.repeat))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'what':<52} {'best of ' + str(args.repeat):>10}")
    print(f"{'papermill + nbconvert, one-cell notebook (floor)':<52} {floor_s:>9.2f}s")
    print(f"{'lks-audit report, ' + folder.name:<52} {report_s:>9.2f}s")
    print(f"{'ratio report / floor':<52} {report_s / floor_s:>9.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
