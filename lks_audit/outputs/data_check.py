"""The office's data check (notebooks/data_check.ipynb): what to fix in the workbooks before the audit."""

from __future__ import annotations

from pathlib import Path

from IPython.display import HTML

from ..audit import audit_folder
from ..rules import REGISTRY
from ..summary_text import workbook_state
from .html import esc, number, plural, table


def data_check(data_dir: str | Path, year: str, as_of: str = "") -> HTML:
    """What to fix in the workbooks, per workbook and cell: the data-quality findings only."""
    data, result = audit_folder(data_dir, year, as_of or None)
    problems = [f for f in result.findings if f.area == "data"]
    files = [
        [
            i.file,
            workbook_state(i),
            "; ".join(f"{s}: {number(n)}" for s, n in i.rows.items()) or "none",
            number(sum(1 for f in problems if f.file == i.file)),
        ]
        for i in data.files
    ]
    out = [
        f"<h1>Data check: {esc(data_dir)}</h1>",
        f"<p>{plural(len(problems), 'problem')} to fix before the audit. Nothing here changes the workbooks.</p>",
        table(["Workbook", "Status", "Rows", "Problems"], files, numeric=(3,), caption="Workbooks"),
    ]
    for info in data.files:
        mine = [f for f in problems if f.file == info.file]
        if not mine:
            continue
        rows = [
            [
                f.sheet or "",
                f.cell or "",
                f.row or "",
                f.record or "",
                f.message,
                REGISTRY[f.rule].action if f.rule in REGISTRY else "",
            ]
            for f in mine
        ]
        out.append(
            f"<h2>{esc(info.file)}</h2>"
            + table(
                ["Sheet", "Cell", "Row", "Record", "Problem", "What to do"],
                rows,
                numeric=(2,),
                css="lks-detail",
                caption=f"Problems in {info.file}",
            )
        )
    return HTML("".join(out))
