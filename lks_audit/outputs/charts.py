"""Charts for the annual review: matplotlib (Agg canvas, no display), embedded as base64 PNG.

Each chart comes back as an HTML ``<figure>`` with alt text giving every value and a caption, so
nothing is only in a picture.
Figures are built with ``matplotlib.figure.Figure`` (no pyplot state), so
charts are independent of each other and of the kernel's inline backend.
"""

from __future__ import annotations

import base64
import html
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Dark, colour-blind-safe colours that keep 4.5:1 against white for labels drawn on or next to them.
BLUE = "#1F4E79"
ORANGE = "#A34700"
GREEN = "#1B5E20"
RED = "#A50E0E"
GREY = "#595959"
TEXT = "#1A1A1A"

WIDTH_IN = 7.5
DPI = 144
PAD_PT = 3  # white space around the chart, as constrained layout left
MIN_PLOT = 0.4  # smallest share of the figure's width and height the bars keep


def _figure(height_in: float) -> tuple[Figure, object]:
    # Imported when a chart is drawn: matplotlib costs half a second, which code importing the
    # review's sections without drawing (JupyterLab, tests) need not pay. A bare Figure saves
    # through the Agg canvas without matplotlib.use("Agg"), which would also switch a DPO's own
    # pyplot backend in JupyterLab.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI)
    FigureCanvasAgg(fig)  # the canvas measures text for _fit and saves the PNG
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(colors=TEXT, labelsize=9)
    for spine in ax.spines.values():
        spine.set_color(GREY)
    return fig, ax


def _integer_ticks():
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _fit(fig: Figure) -> None:
    """Move the axes so its labels, legend and annotations just fit inside the figure.

    One measurement of what sticks out of the axes before the draw: constrained layout measured
    twice, which made each chart take twice as long for the same picture.
    """
    (ax,) = fig.axes
    renderer = fig.canvas.get_renderer()
    outer, inner = ax.get_tightbbox(renderer), ax.get_window_extent(renderer)
    width, height = fig.bbox.width, fig.bbox.height
    pad = PAD_PT / 72 * fig.dpi
    left = (inner.x0 - outer.x0 + pad) / width
    right = 1 - (outer.x1 - inner.x1 + pad) / width
    bottom = (inner.y0 - outer.y0 + pad) / height
    top = 1 - (outer.y1 - inner.y1 + pad) / height
    # A label as long as a cell can hold would leave no room for bars: keep them, clip the label
    # (the table beside the chart shows it whole).
    left, bottom = max(min(left, right - MIN_PLOT), 0), max(min(bottom, top - MIN_PLOT), 0)
    ax.set_position([left, bottom, max(right - left, MIN_PLOT), max(top - bottom, MIN_PLOT)])


def _png_uri(fig: Figure) -> str:
    _fit(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure_html(fig: Figure, alt: str, caption: str) -> str:
    return (
        f'<figure class="lks-chart"><img src="{_png_uri(fig)}" alt="{html.escape(alt)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _label_bars(ax, bars, values, horizontal: bool, suffix: str = "", at: float | None = None) -> None:
    """Each bar's value as text; ``at`` puts horizontal labels in one column (clear of a reference line)."""
    for bar, value in zip(bars, values):
        text = f"{value:g}{suffix}"
        if horizontal:
            x = bar.get_x() + bar.get_width() if at is None else at
            ax.annotate(
                text,
                (x, bar.get_y() + bar.get_height() / 2),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                color=TEXT,
            )
        else:
            ax.annotate(
                text,
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color=TEXT,
            )


def horizontal_bars(
    labels: list[str],
    values: list[float],
    *,
    colours,
    xlabel: str,
    alt: str,
    caption: str,
    xmin: float = 0,
    xmax: float | None = None,
    suffix: str = "",
    reference: float | None = None,
) -> str:
    """One bar per label, top to bottom in the order given; optional vertical reference line.

    ``xmin`` above 0 starts the scale where the differences show (say so in the caption): bars of 87%
    and 99% drawn from 0 look the same.
    """
    fig, ax = _figure(0.5 + 0.34 * max(len(labels), 1))
    positions = list(range(len(labels)))[::-1]
    bars = ax.barh(positions, [v - xmin for v in values], left=xmin, color=colours, height=0.6)
    ax.set_yticks(positions, labels, parse_math=False)  # a '$' in a label is text, not mathtext
    ax.set_xlabel(xlabel, color=TEXT, fontsize=9)
    top = xmax if xmax is not None else max([*values, 1]) * 1.15
    ax.set_xlim(xmin, top)
    if xmax is None:  # counts: no 0.5 of an incident on the axis
        ax.xaxis.set_major_locator(_integer_ticks())
    if reference is not None:
        ax.axvline(reference, color=TEXT, linestyle="--", linewidth=1)
    _label_bars(ax, bars, values, horizontal=True, suffix=suffix, at=reference)
    return figure_html(fig, alt, caption)


def column_bars(labels: list[str], values: list[int], *, colour: str, ylabel: str, alt: str, caption: str) -> str:
    """One column per label (months, say), each with its count above it: the exceptions on their own
    scale, never beside a volume that would flatten them."""
    fig, ax = _figure(1.9)
    x = list(range(len(labels)))
    bars = ax.bar(x, values, 0.6, color=colour, hatch="//", edgecolor="white")
    ax.set_xticks(x, labels, parse_math=False)
    ax.set_ylabel(ylabel, color=TEXT, fontsize=9)
    ax.set_ylim(0, max([*values, 1]) * 1.3)
    ax.yaxis.set_major_locator(_integer_ticks())
    _label_bars(ax, bars, values, horizontal=False)
    return figure_html(fig, alt, caption)
