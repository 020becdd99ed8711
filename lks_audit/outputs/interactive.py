"""The DPO's notebook views (``notebooks/explore.ipynb``): tables to sort, search and filter, offline, and two charts.

Tables are DataTables through itables in offline mode: :func:`offline_tables` embeds the library once, in its own
output, and every table after it loads from there, so no request leaves the machine (a notebook of personal data
works the same at school, at home or behind a firewall, and tells no one it was opened). Filter panes pick
values of the columns named (area, severity, state), the search box looks through every cell, a click on a header
sorts. Cell text is escaped, never run as HTML. itables comes with the ``interactive`` extra; without it,
:class:`~lks_audit.errors.MissingPackage` says how to install it.

The charts are the review's own SVG bar charts (:mod:`.charts`): no plotting library.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from ..errors import MissingPackage
from ..findings import AREA_TITLES
from . import charts

#: How to get what the DPO's notebook needs.
INSTALL = "pip install 'lks-audit[interactive]' (or: conda install -c conda-forge jupyterlab itables)"
#: The columns a table of findings can be filtered by, when it has them.
FILTERS = ("area", "severity", "state")
#: Rows a table shows per page at first (the DPO can choose more).
PAGE = 25


def _itables():
    try:
        import itables
    except ImportError:
        raise MissingPackage(f"the interactive tables need itables, which is not installed: {INSTALL}") from None
    return itables


def offline_tables() -> None:
    """Embed the tables' library in the notebook (run once, before the first table; keep its output)."""
    _itables().init_notebook_mode(all_interactive=False, connected=False)


def table(frame: pd.DataFrame, filters=FILTERS, caption: str | None = None) -> HTML:
    """``frame`` as a table to sort, search and filter (a pane per column of ``filters`` it has), every row kept.

    Parameters
    ----------
    frame : pandas.DataFrame
        What to show (e.g. ``audit.findings``); its index is shown when it is not a plain count (Excel rows).
    filters : sequence of str
        Columns whose values get a filter pane.
    caption : str, optional
        Said under the table.
    """
    itables = _itables()
    shown = frame.astype(object).where(frame.notna(), "") if len(frame) else frame  # blank, not "None"
    with_index = not isinstance(frame.index, pd.RangeIndex)
    offset = frame.index.nlevels if with_index else 0
    panes = [offset + list(frame.columns).index(c) for c in filters if c in frame.columns]
    options = {
        "connected": False,
        "display_logo_when_loading": False,
        # Every row: a table that dropped rows to stay small would hide findings from the DPO.
        "maxBytes": 0,
        "showIndex": with_index,
        "pageLength": PAGE,
        "lengthMenu": [10, PAGE, 100, 500],
        "classes": "display compact",
    }
    if panes:
        options["layout"] = {"top1": "searchPanes"}
        options["searchPanes"] = {"columns": panes, "layout": f"columns-{len(panes)}", "cascadePanes": True}
    return HTML(itables.to_html_datatable(shown, caption=caption, **options))


def _month(day) -> str:
    return pd.Timestamp(day).strftime("%b %y")


def charts_of(findings: pd.DataFrame) -> HTML:
    """Open findings by area, and by the month of the post, message or incident they are about."""
    open_ = findings[findings["state"] == "open"]
    areas = list(AREA_TITLES.values())
    by_area = [int((open_["area"] == title).sum()) for title in areas]
    short = [title.split()[0] for title in areas]
    dated = open_.dropna(subset=["date"])
    months = pd.Series(pd.to_datetime(dated["date"]).dt.to_period("M")).value_counts().sort_index()
    area_chart = charts.column_bars(
        short,
        by_area,
        colour=charts.RED,
        ylabel="open findings",
        alt="Open findings by area: " + ", ".join(f"{a} {n}" for a, n in zip(areas, by_area)),
        caption="Open findings by area",
        width=charts.WIDTH,
    )
    labels = [_month(p.start_time) for p in months.index]
    month_chart = charts.column_bars(
        labels,
        [int(n) for n in months.tolist()],
        colour=charts.BLUE,
        ylabel="open findings",
        alt="Open findings by the month of their record: "
        + ", ".join(f"{m} {n}" for m, n in zip(labels, months.tolist())),
        caption=f"Open findings by the month of their post, message or incident ({len(dated)} of {len(open_)} "
        "have such a date; the others are about standing records)",
        width=charts.WIDTH,
    )
    return HTML(area_chart + month_chart)
