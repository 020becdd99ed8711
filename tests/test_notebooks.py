"""The committed notebooks: clean (no outputs), parameterised, and giving the CLI's findings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

import lks_audit
from lks_audit.render.report import ANNUAL_REVIEW, NOTEBOOKS

from test_report import AS_OF, SAMPLE, YEAR

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: The DPO's detail (outputs/detail.py, the DPO's decisions): cells with personal data, file names, rule semantics.
DPO_ONLY_CALLS = ("detail.", "dpo_year.dpo_decisions", "evidence.")


def test_notebooks_are_found_next_to_the_package():
    assert NOTEBOOKS == Path(lks_audit.__file__).parent.parent / "notebooks"
    assert ANNUAL_REVIEW.exists() and {p.name for p in COMMITTED} >= {"annual_review.ipynb", "data_check.ipynb"}


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
        assert "papermill" not in cell.metadata and "execution" not in cell.metadata
    assert "papermill" not in nb.metadata and "widgets" not in nb.metadata


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_first_code_cell_holds_the_tagged_parameters(path):
    nb = nbformat.read(str(path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    # Thin: no function or class is defined in a notebook, everything comes from lks_audit.
    assert not any(line.lstrip().startswith(("def ", "class ")) for c in code for line in c.source.splitlines())


def test_cells_with_personal_data_are_tagged_dpo():
    nb = nbformat.read(str(ANNUAL_REVIEW), as_version=4)
    tagged = [c for c in nb.cells if "dpo" in c.metadata.get("tags", [])]
    assert len(tagged) >= 5
    for cell in nb.cells:
        shows_detail = cell.cell_type == "code" and any(call in cell.source for call in DPO_ONLY_CALLS)
        # A cell shows one thing: the DPO's detail (tagged) or the governors' page (untagged), never both.
        assert shows_detail == (cell in tagged), cell.source


def test_executed_notebook_gives_the_cli_findings(tmp_path_factory, tmp_path):
    """Run the committed notebook with papermill (a real kernel) and read back what it computed."""
    folder = SAMPLE
    nb = nbformat.read(str(ANNUAL_REVIEW), as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import json\nprint(json.dumps(rv.result.to_json_dict(), default=str, ensure_ascii=False))"
        )
    )
    probe = tmp_path / "probe.ipynb"
    nbformat.write(nb, str(probe))
    executed = papermill.execute_notebook(
        str(probe),
        str(tmp_path / "probe.out.ipynb"),
        cwd=str(ANNUAL_REVIEW.parent),
        progress_bar=False,
        parameters={"data_dir": str(folder), "year": YEAR, "as_of": AS_OF, "audience": "governors"},
    )
    printed = "".join(o.get("text", "") for o in executed.cells[-1].outputs if o.output_type == "stream")
    cli = subprocess.run(
        [
            str(Path(sys.executable).parent / "lks-audit"),
            "check",
            str(folder),
            "--year",
            YEAR,
            "--as-of",
            AS_OF,
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(printed) == json.loads(cli.stdout)
    # With audience "governors" the DPO cells show nothing at all.
    for cell in executed.cells:
        if "dpo" in cell.metadata.get("tags", []):
            assert cell.outputs == []


def test_data_check_notebook_lists_problems_by_workbook_and_cell(tmp_path_factory, tmp_path):
    from school import write_school

    folder = write_school(
        tmp_path_factory.mktemp("office"),
        Staff=[{"Staff ID": "S001", "Name": "Jane Teacherson", "Start date": "31/02/2025"}],
    )
    executed = papermill.execute_notebook(
        str(NOTEBOOKS / "data_check.ipynb"),
        str(tmp_path / "checked.ipynb"),
        cwd=str(NOTEBOOKS),
        progress_bar=False,
        parameters={"data_dir": str(folder), "year": YEAR, "as_of": AS_OF},
    )
    shown = "".join(
        o.get("data", {}).get("text/html", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "<h2>staff_training.xlsx</h2>" in shown and "31/02/2025" in shown


def test_annual_review_takes_reports_parameters(sample_two_years, tmp_path):
    """As `report --previous reports/2024-25 --history reports`: folders, the year and the day as typed."""
    nb = nbformat.read(str(ANNUAL_REVIEW), as_version=4)
    nb.cells.insert(
        3, nbformat.v4.new_code_cell("print([d['year'] for d in rv.history], rv.last_year_plan is not None)")
    )
    probe = tmp_path / "probe.ipynb"
    nbformat.write(nb, str(probe))
    reports = sample_two_years["out"]
    executed = papermill.execute_notebook(
        str(probe),
        str(tmp_path / "probe.out.ipynb"),
        cwd=str(ANNUAL_REVIEW.parent),
        progress_bar=False,
        parameters={
            "data_dir": str(SAMPLE),
            "year": "2025/26",
            "as_of": "31/08/2026",
            "previous": str(reports / "2024-25"),
            "history": str(reports),
        },
    )
    probed = next(c for c in executed.cells if c.source.startswith("print([d['year']"))
    printed = "".join(o.get("text", "") for o in probed.outputs if o.output_type == "stream")
    assert printed.strip() == "['2024-25'] True"
