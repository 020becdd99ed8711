"""What ``report`` and the annual review's kernel hand each other (lks_audit.handover): the notebook's parameters
cell names what the dataclass declares, with the same defaults, and the guard's file reads back as written."""

from __future__ import annotations

import ast
import dataclasses
import stat
from pathlib import Path

import nbformat
import pytest

from lks_audit.files import GUARD
from lks_audit.handover import ExploreParameters, Handover, ReportParameters
from lks_audit.lab import EXPLORE
from lks_audit.render.report import ANNUAL_REVIEW, NOTEBOOKS


def _parameters_cell(notebook: Path = ANNUAL_REVIEW) -> dict[str, object]:
    """Name -> literal value of each assignment in ``notebook``'s parameters cell."""
    nb = nbformat.read(str(notebook), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(cell.source).body
        if isinstance(node, ast.Assign)
    }


@pytest.mark.parametrize(
    ("notebook", "parameters"),
    [(ANNUAL_REVIEW, ReportParameters), (NOTEBOOKS / EXPLORE, ExploreParameters)],
    ids=["annual_review", "explore"],
)
def test_the_parameters_cell_names_every_field_in_order_with_its_default(notebook, parameters):
    cell = _parameters_cell(notebook)
    fields = dataclasses.fields(parameters)
    assert list(cell) == [f.name for f in fields]
    for f in fields:
        if f.default is not dataclasses.MISSING:
            assert cell[f.name] == f.default, f.name
        elif f.default_factory is not dataclasses.MISSING:
            assert cell[f.name] == f.default_factory(), f.name


def test_the_notebook_takes_its_parameters_from_its_cells():
    cell = _parameters_cell()
    taken = ReportParameters.of_notebook({**cell, "unrelated": 1})
    assert taken.injected() == cell


def test_the_guard_reads_back_as_written(tmp_path):
    handed = Handover(
        problems=["staff_training.xlsx is missing"],
        personal={"Jane Teacherson": "a name"},
        carried_rules=["POL-01"],
        hand_rows=2,
        worklist_findings=3,
        worklist_hand_rows=1,
    )
    handed.write(tmp_path)
    assert stat.S_IMODE((tmp_path / GUARD).stat().st_mode) == 0o600
    assert Handover.read(tmp_path) == handed
    Handover(refused=["dpo_review.xlsx, sheet Areas, cell C4 holds a name"]).write(tmp_path)
    assert Handover.read(tmp_path).refused == ["dpo_review.xlsx, sheet Areas, cell C4 holds a name"]


def test_a_guard_file_of_another_shape_is_refused(tmp_path):
    (tmp_path / GUARD).write_text('{"nothing": 1}')
    with pytest.raises(ValueError):
        Handover.read(tmp_path)
    with pytest.raises(FileNotFoundError):
        Handover.read(tmp_path / "absent")
