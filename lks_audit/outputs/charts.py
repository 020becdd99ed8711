"""Charts for the annual review (small bar charts) and the due notebook (a time line of deadlines), drawn as SVG
and embedded as ``data:`` images.

Each chart comes back as an HTML ``<figure>`` with alt text giving every value and a caption, so
nothing is only in a picture. The SVG is written here, element by element, with every label
escaped as XML text: no plotting library is imported (matplotlib cost the kernel half a second for
two charts), the picture stays sharp at any print size, and an ``<img>`` runs no script whatever
its labels say. Text widths are estimated from the character count, generously, so labels never
overlap the bars.

A chart for the governors' page is drawn as wide as a phone's screen (:data:`PHONE_WIDTH`), its smallest
text :data:`SMALLEST` pixels: shown whole on a phone 390 pixels wide, no label reads smaller than 11 pixels;
wider screens and paper scale it up.
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

WIDTH = 720  # px of a drawing the page scales to its column
#: px of a drawing for the governors' page: about a phone's column (366 px at 390), so its text keeps its size there.
PHONE_WIDTH = 360
FONT = 13  # px
#: The smallest text a chart draws (tick values, month names): 12 * 366 / 360 px on a phone.
SMALLEST = FONT - 1
FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"
CHAR = 0.56 * FONT  # a generous average character width for FONT (sans-serif digits are 0.56 em)
PAD = 6
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


def _svg(height: float, body: list[str], width: int = WIDTH) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" font-family="{FONT_FAMILY}">'
        f'<rect width="{width}" height="{height:.0f}" fill="#ffffff"/>{"".join(body)}</svg>'
    )


def figure_html(svg: str, alt: str, caption: str, caption_html: str | None = None) -> str:
    """The chart as a ``<figure>``: the SVG as an image with ``alt`` giving every value, and its caption
    (``caption_html``: HTML made by the caller, its numbers marked up as figures)."""
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<figure class="lks-chart"><img src="{uri}" alt="{html.escape(alt)}">'
        f"<figcaption>{caption_html if caption_html is not None else html.escape(caption)}</figcaption></figure>"
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


def column_bars(
    labels: list[str],
    values: list[int],
    *,
    colour: str,
    ylabel: str,
    alt: str,
    caption: str,
    caption_html: str | None = None,
    width: int = PHONE_WIDTH,
) -> str:
    """One striped column per label (months, say), each with its count above it: the exceptions on their
    own scale, never beside a volume that would flatten them. Drawn a phone's width by default."""
    height, plot_top = 190, PAD + FONT + 4
    scale = [t for t in ticks(0, max([*values, 1]) * 1.25, most=4) if t == int(t)]
    top = max(scale[-1], 1)
    left, right, bottom = PAD + 2 * FONT + max(len(_number(t)) for t in scale) * CHAR, width - PAD, height - 2 * FONT

    def y(value: float) -> float:
        return bottom - (bottom - plot_top) * value / top

    body = [f"<defs>{HATCH.format(colour=colour)}</defs>"]
    for tick in scale:
        body.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{right}" y2="{y(tick):.1f}" stroke="#d9d9d9"/>')
        body.append(_text(left - PAD, y(tick) + FONT / 3, _number(tick), anchor="end", size=SMALLEST))
    slot = (right - left) / max(len(labels), 1)
    for i, (label, value) in enumerate(zip(labels, values)):
        centre = left + slot * (i + 0.5)
        body.append(
            f'<rect x="{centre - slot * 0.3:.1f}" y="{y(value):.1f}" width="{slot * 0.6:.1f}" '
            f'height="{bottom - y(value):.1f}" fill="url(#hatch)" stroke="{colour}"/>'
        )
        body.append(_text(centre, y(value) - 4, _number(value), anchor="middle", size=SMALLEST))
        body.append(_text(centre, bottom + FONT + 2, label, anchor="middle", size=SMALLEST))
    body.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{GREY}"/>')
    mid = (plot_top + bottom) / 2
    body.append(
        _text(PAD + FONT, mid, ylabel, anchor="middle", size=SMALLEST, transform=f"rotate(-90 {PAD + FONT} {mid:.1f})")
    )
    return figure_html(_svg(height, body, width), alt, caption, caption_html)


def _mark(shape: str, x: float, y: float, colour: str) -> str:
    """A point's mark, told apart by its shape as well as its colour: a square or a circle."""
    r = 4.5
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'


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
    ``day_labels`` (day from now, text); "now" at the left edge. Drawn :data:`WIDTH` wide (the DPO's notebook)."""
    row_height = 26
    label_width = max([len(r) for r in rows] + [8]) * CHAR + PAD
    left, right, top = PAD + label_width, WIDTH - PAD - FONT, PAD + FONT + 6
    bottom = top + row_height * max(len(rows), 1)
    height = bottom + 2 * FONT + PAD

    def x(day: float) -> float:
        return left + (right - left) * min(max(day, 0), days) / max(days, 1)

    body = [_text(left, PAD + FONT, "now", anchor="middle", size=SMALLEST)]
    for day, label in day_labels:
        body.append(f'<line x1="{x(day):.1f}" y1="{top}" x2="{x(day):.1f}" y2="{bottom}" stroke="#d9d9d9"/>')
        body.append(_text(x(day), bottom + FONT + 2, label, anchor="middle", size=SMALLEST))
    for i, label in enumerate(rows):
        y = top + row_height * (i + 0.5)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#efefef"/>')
        body.append(_text(left - PAD, y + FONT / 3, label, anchor="end", size=SMALLEST))
    for row, day, soon in marks:
        body.append(
            _mark("square" if soon else "circle", x(day), top + row_height * (row + 0.5), ORANGE if soon else BLUE)
        )
    body.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="{TEXT}" stroke-width="2"/>')
    return figure_html(_svg(height, body), alt, caption)
