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
