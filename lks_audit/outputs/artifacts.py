"""The files the kernel hands over to ``lks-audit report``: findings.json, action-plan.xlsx and the
words the personal-data guard looks for.

``lks-audit report`` passes its staging folder as the notebook's ``handoff`` parameter and the
notebook's first working cell calls :func:`write_artifacts`, so the audit runs once, in the kernel,
and the parent process never loads the workbooks.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..load import Dataset
from ..schema import personal_columns
from .action_plan import action_plan_bytes
from .files import ACTION_PLAN, FINDINGS_JSON, GUARD, PRIVATE, atomic_write, public_mode
from .findings_json import findings_json_text
from .review_data import Review


def personal_strings(data: Dataset) -> dict[str, str]:
    """Every value of the schema's personal columns in the input (names, Student and Staff IDs): text -> what it is."""
    found: dict[str, str] = {}
    for sheet, column in personal_columns():
        frame = data.frames.get(sheet)
        if frame is None or column.header not in frame:
            continue
        for value in frame[column.header].dropna():
            text = " ".join(str(value).split())
            if len(text) >= 3:  # shorter strings would match ordinary words and numbers
                found.setdefault(text, column.personal)
    return found


def write_artifacts(rv: Review, folder: str | Path) -> None:
    """Write findings.json, action-plan.xlsx and the guard's words (with the data problems) into ``folder``.

    With ``folder = ""`` (the notebook opened in JupyterLab) nothing is written.
    """
    if not folder:
        return
    folder, result = Path(folder), rv.result
    # findings.json carries Student IDs and messages naming records: as private as the DPO's detail.
    atomic_write(folder / FINDINGS_JSON, findings_json_text(result).encode("utf-8"), PRIVATE)
    plan = action_plan_bytes(
        result.findings,
        result.context.as_of,
        rv.school,
        result.context.year,
        result.checked,
        meeting_date=rv.meeting_date,
    )
    atomic_write(folder / ACTION_PLAN, plan, public_mode())
    guard = {"problems": rv.data.problems, "personal": personal_strings(rv.data)}
    atomic_write(folder / GUARD, json.dumps(guard, ensure_ascii=False).encode("utf-8"), PRIVATE)
