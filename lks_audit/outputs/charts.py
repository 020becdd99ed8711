"""Charts for the annual review: small bar charts drawn as SVG, embedded as ``data:`` images.

Each chart comes back as an HTML ``<figure>`` with alt text giving every value and a caption, so
nothing is only in a picture. The SVG is written here, element by element, with every label
escaped as XML text: no plotting library is imported (matplotlib cost the kernel half a second for
two charts), the picture stays sharp at any print size, and an ``<img>`` runs no script whatever
its labels say. Text widths are estimated from the character count, generously, so labels never
overlap the bars.
"""

from __future__ import annotations

import base64
import html
import math

# Dark, colour-blind-safe colours that keep 4.5:1 against white for labels drawn on or next to them.
BLUE = "#1F4E79"
ORANGE = "#A34700"
GREEN = "#1B5E20"
RED = "#A50E0E"
GREY = "#595959"
TEXT = "#1A1A1A"

WIDTH = 720  # px of the drawing; the page scales it to its column
FONT = 13  # px
FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"
CHAR = 0.56 * FONT  # a generous average character width for FONT (sans-serif digits are 0.56 em)
PAD = 6
BAR_ROW = 30  # px per horizontal bar
#: Diagonal stripes: a bar that must read in black and white as well as in colour.
HATCH = (
    '<pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="8" height="8" fill="{colour}"/><line x1="0" y1="0" x2="0" y2="8" stroke="#ffffff" '
    'stroke-width="3"/></pattern>'
)


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = FONT, **extra) -> str:
    attrs = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in extra.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{TEXT}"{attrs}>'
        f"{html.escape(text)}</text>"
    )


def _svg(height: float, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" font-family="{FONT_FAMILY}">'
        f'<rect width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>{"".join(body)}</svg>'
    )


def figure_html(svg: str, alt: str, caption: str) -> str:
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<figure class="lks-chart"><img src="{uri}" alt="{html.escape(alt)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round tick values from ``low`` to ``high`` (1, 2 or 5 times a power of ten apart), at most ``most``."""
    span = max(high - low, 1e-9)
    step = 10 ** math.floor(math.log10(span / most))
    step = next(m * step for m in (1, 2, 5, 10) if span / (m * step) <= most)
    first = math.ceil(low / step - 1e-9) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step + 1e-9) + 1)]


def _number(value: float, suffix: str = "") -> str:
    return f"{value:g}{suffix}"


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
    and 99% drawn from 0 look the same. Counts (no ``xmax``) get whole-number ticks.
    """
    colours = [colours] * len(values) if isinstance(colours, str) else list(colours)
    top = xmax if xmax is not None else max([*values, 1]) * 1.15
    scale = ticks(xmin, top) if xmax is not None else [t for t in ticks(xmin, top) if t == int(t)]
    left = PAD + min(max((len(label) for label in labels), default=1) * CHAR, WIDTH * 0.45) + PAD
    value_room = max(len(_number(v, suffix)) for v in [*values, 0]) * CHAR + 2 * PAD
    right = WIDTH - PAD - value_room  # room for the values: beside each bar, or in one column beyond the reference
    plot_top, height = PAD, PAD + BAR_ROW * len(labels) + 2.6 * FONT + 2 * PAD

    def x(value: float) -> float:
        return left + (right - left) * (min(max(value, xmin), top) - xmin) / (top - xmin)

    body = []
    bottom = plot_top + BAR_ROW * len(labels)
    for tick in scale:
        body.append(f'<line x1="{x(tick):.1f}" y1="{plot_top}" x2="{x(tick):.1f}" y2="{bottom}" stroke="#d9d9d9"/>')
        body.append(_text(x(tick), bottom + FONT + 2, _number(tick), anchor="middle", size=FONT - 2))
    body.append(f'<line x1="{left}" y1="{plot_top}" x2="{left}" y2="{bottom}" stroke="{GREY}"/>')
    for i, (label, value, colour) in enumerate(zip(labels, values, colours)):
        y = plot_top + i * BAR_ROW
        body.append(
            f'<rect x="{left:.1f}" y="{y + 5}" width="{x(value) - left:.1f}" height="{BAR_ROW - 10}" fill="{colour}"/>'
        )
        body.append(_text(left - PAD, y + BAR_ROW / 2 + FONT / 3, label, anchor="end"))
        at = x(value) + PAD if reference is None else x(top) + PAD
        body.append(_text(at, y + BAR_ROW / 2 + FONT / 3, _number(value, suffix)))
    if reference is not None:
        body.append(
            f'<line x1="{x(reference):.1f}" y1="{plot_top}" x2="{x(reference):.1f}" y2="{bottom}" '
            f'stroke="{TEXT}" stroke-dasharray="5 3"/>'
        )
    body.append(_text((left + right) / 2, height - PAD, xlabel, anchor="middle", size=FONT - 1))
    return figure_html(_svg(height, body), alt, caption)


def column_bars(labels: list[str], values: list[int], *, colour: str, ylabel: str, alt: str, caption: str) -> str:
    """One striped column per label (months, say), each with its count above it: the exceptions on their
    own scale, never beside a volume that would flatten them."""
    height, plot_top = 190, PAD + FONT + 4
    scale = [t for t in ticks(0, max([*values, 1]) * 1.25, most=4) if t == int(t)]
    top = max(scale[-1], 1)
    left, right, bottom = PAD + 2 * FONT + max(len(_number(t)) for t in scale) * CHAR, WIDTH - PAD, height - 2 * FONT

    def y(value: float) -> float:
        return bottom - (bottom - plot_top) * value / top

    body = [f"<defs>{HATCH.format(colour=colour)}</defs>"]
    for tick in scale:
        body.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{right}" y2="{y(tick):.1f}" stroke="#d9d9d9"/>')
        body.append(_text(left - PAD, y(tick) + FONT / 3, _number(tick), anchor="end", size=FONT - 2))
    slot = (right - left) / max(len(labels), 1)
    for i, (label, value) in enumerate(zip(labels, values)):
        centre = left + slot * (i + 0.5)
        body.append(
            f'<rect x="{centre - slot * 0.3:.1f}" y="{y(value):.1f}" width="{slot * 0.6:.1f}" '
            f'height="{bottom - y(value):.1f}" fill="url(#hatch)" stroke="{colour}"/>'
        )
        body.append(_text(centre, y(value) - 4, _number(value), anchor="middle", size=FONT - 1))
        body.append(_text(centre, bottom + FONT + 2, label, anchor="middle", size=FONT - 1))
    body.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{GREY}"/>')
    mid = (plot_top + bottom) / 2
    body.append(
        _text(PAD + FONT, mid, ylabel, anchor="middle", size=FONT - 1, transform=f"rotate(-90 {PAD + FONT} {mid:.1f})")
    )
    return figure_html(_svg(height, body), alt, caption)


#: What tells lines apart without colour: each line's dash, and the mark at each of its points.
_LINE_LOOKS = (
    (BLUE, "", "circle"),
    (ORANGE, "6 3", "square"),
    (GREEN, "2 3", "triangle"),
    (RED, "8 3 2 3", "diamond"),
    (GREY, "", "down"),
    ("#6A3D9A", "6 3", "circle"),
    (TEXT, "2 3", "square"),
)


def _mark(shape: str, x: float, y: float, colour: str) -> str:
    r = 4.5
    points = {
        "triangle": ((0, -r - 1), (r + 1, r), (-r - 1, r)),
        "down": ((0, r + 1), (r + 1, -r), (-r - 1, -r)),
        "diamond": ((0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)),
    }
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" fill="{colour}"/>'
    corners = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in points[shape])
    return f'<polygon points="{corners}" fill="{colour}"/>'


def lines_by_year(years: list[str], series: dict[str, list[int]], *, ylabel: str, alt: str, caption: str) -> str:
    """One line per series across the years, each with its own colour, dash and mark; the legend above."""
    per_row = 3
    legend_rows = math.ceil(len(series) / per_row)
    plot_top = PAD + legend_rows * (FONT + 8) + PAD
    height = plot_top + 190
    bottom = height - 2 * FONT
    scale = [t for t in ticks(0, max([v for values in series.values() for v in values] + [1]) * 1.15, most=5)]
    scale = [t for t in scale if t == int(t)]
    top = max(scale[-1], 1)
    left = PAD + 2 * FONT + max(len(_number(t)) for t in scale) * CHAR
    right = WIDTH - PAD - 4 * CHAR  # the last year's label is centred on its point

    def x(i: int) -> float:
        return left + 3 * CHAR + (right - left - 3 * CHAR) * (i / max(len(years) - 1, 1))

    def y(value: float) -> float:
        return bottom - (bottom - plot_top) * value / top

    body = []
    for tick in scale:
        body.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{right}" y2="{y(tick):.1f}" stroke="#d9d9d9"/>')
        body.append(_text(left - PAD, y(tick) + FONT / 3, _number(tick), anchor="end", size=FONT - 2))
    for i, year in enumerate(years):
        body.append(_text(x(i), bottom + FONT + 2, year, anchor="middle", size=FONT - 1))
    body.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{GREY}"/>')
    column = (WIDTH - 2 * PAD) / per_row
    for n, ((label, values), (colour, dash, shape)) in enumerate(zip(series.items(), _LINE_LOOKS)):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dashes}/>')
        body += [_mark(shape, x(i), y(v), colour) for i, v in enumerate(values)]
        lx, ly = PAD + column * (n % per_row), PAD + (n // per_row) * (FONT + 8) + FONT
        body.append(f'<line x1="{lx:.1f}" y1="{ly - 4:.1f}" x2="{lx + 24:.1f}" y2="{ly - 4:.1f}" stroke="{colour}" '
                    f'stroke-width="2"{dashes}/>')  # fmt: skip
        body.append(_mark(shape, lx + 12, ly - 4, colour))
        body.append(_text(lx + 30, ly, label, size=FONT - 1))
    mid = (plot_top + bottom) / 2
    body.append(
        _text(PAD + FONT, mid, ylabel, anchor="middle", size=FONT - 1, transform=f"rotate(-90 {PAD + FONT} {mid:.1f})")
    )
    return figure_html(_svg(height, body), alt, caption)


def timeline(
    rows: list[str],
    marks: list[tuple[int, float, bool]],
    days: int,
    day_labels: list[tuple[float, str]],
    *,
    alt: str,
    caption: str,
) -> str:
    """Deadlines on a time line: one row per label in ``rows``, a mark per (row, day from now, due soon) in
    ``marks`` (due soon: an orange square; later: a blue circle), ``days`` wide, the axis labelled at
    ``day_labels`` (day from now, text); "now" at the left edge."""
    row_height = 26
    label_width = max([len(r) for r in rows] + [8]) * CHAR + PAD
    left, right, top = PAD + label_width, WIDTH - PAD - FONT, PAD + FONT + 6
    bottom = top + row_height * max(len(rows), 1)
    height = bottom + 2 * FONT + PAD

    def x(day: float) -> float:
        return left + (right - left) * min(max(day, 0), days) / max(days, 1)

    body = [_text(left, PAD + FONT, "now", anchor="middle", size=FONT - 1)]
    for day, label in day_labels:
        body.append(f'<line x1="{x(day):.1f}" y1="{top}" x2="{x(day):.1f}" y2="{bottom}" stroke="#d9d9d9"/>')
        body.append(_text(x(day), bottom + FONT + 2, label, anchor="middle", size=FONT - 2))
    for i, label in enumerate(rows):
        y = top + row_height * (i + 0.5)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#efefef"/>')
        body.append(_text(left - PAD, y + FONT / 3, label, anchor="end", size=FONT - 1))
    for row, day, soon in marks:
        body.append(
            _mark("square" if soon else "circle", x(day), top + row_height * (row + 0.5), ORANGE if soon else BLUE)
        )
    body.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="{TEXT}" stroke-width="2"/>')
    return figure_html(_svg(height, body), alt, caption)
