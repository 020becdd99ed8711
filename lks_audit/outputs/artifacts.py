"""The files the kernel hands over to ``lks-audit report``: findings.json, history.json, action-plan.xlsx,
dpo-actions.xlsx and the words the personal-data guard looks for.

``lks-audit report`` passes its staging folder as the notebook's ``handoff`` parameter and the notebook's first
working cell calls :func:`write_artifacts`, so the audit runs once, in the kernel, and the parent process never
loads the workbooks. What goes each way is declared in :mod:`lks_audit.handover`.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import PersonalDataInText
from ..files import ACTION_PLAN, DPO_ACTIONS, FINDINGS_JSON, HISTORY_JSON, PRIVATE, atomic_write, public_mode
from ..handover import Handover
from ..history import history_document
from ..personal import personal_strings
from .action_plan import action_plan_bytes
from .dpo_actions import removed_on, worklist_book, worklist_rows
from .findings_json import document_text
from .review_data import Review, cyclic_gc_paused


@cyclic_gc_paused()  # the workbooks' cells and styles: as loading the data
def write_artifacts(rv: Review, folder: str | Path) -> None:
    """Write findings.json, history.json, action-plan.xlsx, dpo-actions.xlsx and the hand-over for the report into
    ``folder``.

    With ``folder = ""`` (the notebook opened in JupyterLab) nothing is written. When text for governors holds
    a name or ID of the data, the hand-over says so and :class:`PersonalDataInText` stops the notebook: the
    report then publishes nothing and names the cells.
    """
    if not folder:
        return
    folder, result = Path(folder), rv.result
    if rv.refusals:
        Handover(refused=rv.refusals).write(folder)
        raise PersonalDataInText("; ".join(rv.refusals))
    # findings.json carries Student IDs and messages naming records: as private as the DPO's detail. history.json
    # holds counts only (what later years' trends read): it may be read like the governors' page.
    doc = result.to_json_dict()
    atomic_write(folder / FINDINGS_JSON, document_text(doc).encode("utf-8"), PRIVATE)
    atomic_write(folder / HISTORY_JSON, document_text(history_document(doc)).encode("utf-8"), public_mode())
    plan = action_plan_bytes(rv.plan.plan, rv.school, result.context.year, result.context.as_of, rv.meeting_date)
    atomic_write(folder / ACTION_PLAN, plan, public_mode())
    rows = worklist_rows(
        result.findings, rv.meeting_date, removed=removed_on(rv.data), plan=rv.plan_lines, replaced=rv.replaced_worklist
    )
    worklist = worklist_book(
        rows, rv.school, result.context.year, result.context.as_of, rules=rv.summary["rules"], register=rv.breaches
    )
    atomic_write(folder / DPO_ACTIONS, worklist, PRIVATE)
    Handover(
        problems=rv.data.problems + rv.problems,
        personal=personal_strings(rv.data),
        carried_rules=rv.plan.carried_rules,
        hand_rows=rv.plan.hand_rows,
        worklist_findings=len(rows.carried),
        worklist_hand_rows=rows.hand_rows,
    ).write(folder)
