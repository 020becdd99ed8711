"""What is due, for a DPO in JupyterLab (notebooks/due.ipynb): the same list as ``lks-audit due``, its counts, a
time line of the coming weeks' deadlines, and the calendar and digest files when asked for."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML

from ..due import DUE_SOON, OVERDUE, RUNNING, STATES, DueList, clock_line, due_folder
from ..due_files import write_due_files
from ..handover import DEFAULT_SCHOOL
from ..load import Dataset
from ..params import asked_overrides, checked_overrides, given_moment
from ..rules import CLOCKS
from .charts import timeline
from .html import esc, plural, table


@dataclass
class DueView:
    data: Dataset
    due: DueList

    def summary(self) -> HTML:
        counts = self.due.counts()
        return HTML(
            f"<h1>What is due at {esc(f'{self.due.now:%a %d/%m/%Y %H:%M}')}</h1>"
            f"<p>Academic year {esc(self.due.year)}: "
            + ", ".join(f"{counts[s]} {esc(s)}" for s in STATES)
            + f" (due soon: within {self.due.within_days:g} days, 24 hours for hour clocks).</p>"
        )

    def chart(self, weeks: int = 6) -> HTML:
        """The next ``weeks`` weeks' deadlines on a time line, one row per kind of clock."""
        now, days = self.due.now, 7 * weeks
        ahead = [c for c in self.due.clocks if c.state in (DUE_SOON, RUNNING) and c.due is not None]
        ahead = [c for c in ahead if (c.due - now) <= pd.Timedelta(days=days)]
        rules = [r for r in CLOCKS if any(c.rule == r for c in ahead)]
        marks = [(rules.index(c.rule), (c.due - now) / pd.Timedelta(days=1), c.state == DUE_SOON) for c in ahead]
        labels = [(7.0 * w, f"{now + pd.Timedelta(weeks=w):%d/%m}") for w in range(1, weeks + 1)]
        overdue = sum(c.state == OVERDUE for c in self.due.clocks)
        alt = (
            f"{plural(len(ahead), 'deadline')} in the next {weeks} weeks: "
            + "; ".join(f"{CLOCKS[r].label}: {sum(c.rule == r for c in ahead)}" for r in rules)
            + f". Not shown: {overdue} overdue."
        )
        caption = (
            f"Deadlines in the next {weeks} weeks from {now:%d/%m/%Y %H:%M} (orange squares: due soon). "
            f"{plural(overdue, 'clock')} already overdue are listed below, not drawn."
        )
        return HTML(timeline([CLOCKS[r].label for r in rules], marks, days, labels, alt=alt, caption=caption))

    def listing(self) -> HTML:
        rows = [[c.clock, c.state, clock_line(c), c.owner] for c in self.due.clocks]
        return HTML(table(["Clock", "State", "What", "Owner"], rows, caption="Every clock, overdue first"))

    def write(self, ics: str = "", html: str = "", school: str = DEFAULT_SCHOOL) -> HTML:
        """The calendar (``ics``) and the leaders' digest (``html``) where a path is given, as the command writes
        them."""
        written = write_due_files(self.due, self.data, school, ics, html)
        return HTML("".join(f"<p>Wrote {esc(p)}</p>" for p in written) or "<p>No file asked for.</p>")


def load_due(data_dir, now: str = "", within: float = 7, params: dict | None = None, settings: str = "") -> DueView:
    """The clocks of ``data_dir`` at ``now`` (the command's ``--now``; empty: the current time in Europe/London),
    with ``--within``, ``--param`` (a dict) and ``--settings`` as the command reads them."""
    overrides = checked_overrides(asked_overrides(settings, params or {}))
    data, due = due_folder(data_dir, given_moment(now, "now"), within, overrides)
    return DueView(data, due)
