"""Pages numbered before the browser prints them: the DPO's detail laid out here onto A4 landscape pages, so its
contents can say on which page each part starts.

Chromium implements no ``target-counter()``, so no stylesheet can print a contents with page numbers. Instead each
part of the detail is a list of blocks (headings, paragraphs, tables) whose printed height is estimated
*generously* from its text: the print stylesheet (:func:`print_css`) fixes every font size, line height, padding
and column width; a line's text is measured with the character widths of Arial (Liberation Sans, Helvetica: the
fonts it asks for share them) and :data:`WIDER` to spare, and wrapped as the browser wraps it, at spaces. Blocks
are packed onto pages of :data:`PAGE_HEIGHT` (less :data:`SLACK`) and a page break is forced before the first
block (or table row) of each page. Since nothing is estimated shorter than it prints, the browser never needs to
break earlier than here, and the page numbers given are the pages printed (tests print the sample with Chromium
and read them back).

Everything here is plain data and HTML text; :mod:`.detail` decides what the DPO reads.
"""

from __future__ import annotations

import html as _html
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

PT_PER_MM = 72 / 25.4
#: A4 landscape less the page margins of report.css (17 mm at the top, 15 mm at the sides and the foot), in points.
PAGE_WIDTH = (297 - 30) * PT_PER_MM
PAGE_HEIGHT = (210 - 17 - 15) * PT_PER_MM
#: Room left unused at the foot of every page, for what no estimate foresees (a rounding, a border).
SLACK = 18.0
#: How much wider than Arial a line is assumed to be: a fallback font (DejaVu Sans is about a tenth wider) and
#: kerning never make a line wrap sooner than estimated.
WIDER = 1.12
#: Bold text (headers, headings) is wider still.
BOLD = 1.10

#: Font size and line height (points) of each kind of block, as :func:`print_css` sets them.
TEXT = (9.0, 11.5)
TABLE = (7.5, 9.5)
HEADINGS = {1: (16.0, 19.0), 2: (12.5, 15.0), 3: (10.5, 13.0), 4: (9.0, 11.5)}
#: Space above and below each kind of block (points), as :func:`print_css` sets it.
SPACE = {"h1": (0, 6), "h2": (0, 6), "h3": (8, 4), "h4": (6, 3), "p": (0, 5), "table": (0, 7), "li": (0, 2)}
#: A table cell's padding (top and bottom, left and right) and border width, in points.
CELL_PAD = (1.5, 3.0)
BORDER = 0.75
#: A heading's rule below it (h2) and a note's frame (the banner): padding and border, in points.
H2_RULE = 3.0
NOTE_PAD, NOTE_BORDER = 6.0, 2.25

# Character widths of Arial (and the fonts metric-compatible with it), in thousandths of an em, for the printable
# ASCII characters from the space to the tilde; anything else is taken as wide as a capital W is not, but an M is.
_ASCII_WIDTHS = (
    "278 278 355 556 556 889 667 222 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 278 "
    "278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 611 722 "
    "667 944 667 667 611 278 278 278 469 556 222 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 "
    "556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_WIDTH = {chr(32 + i): int(w) / 1000 for i, w in enumerate(_ASCII_WIDTHS.split())}
_OTHER = 0.833


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide ``text`` prints at ``size`` points, generously (see :data:`WIDER`)."""
    em = sum(_WIDTH.get(c, _OTHER) for c in text)
    return em * size * WIDER * (BOLD if bold else 1.0)


def lines(text: str, width: float, size: float, *, bold: bool = False, nowrap: bool = False) -> int:
    """How many lines ``text`` wraps to in ``width`` points, breaking at spaces as the browser does (a word longer
    than the line breaks where it must, as ``overflow-wrap: break-word`` lets it); ``nowrap``: one line."""
    if nowrap:
        return 1
    space = text_width(" ", size, bold)
    count = 0
    for paragraph in text.split("\n") or [""]:
        count += 1
        used = 0.0
        for word in paragraph.split():
            w = text_width(word, size, bold)
            if used and used + space + w <= width:
                used += space + w
                continue
            if used:
                count += 1
            if w <= width:
                used = w
            else:  # broken across lines where it must
                count += math.ceil(w / width) - 1
                used = w - (math.ceil(w / width) - 1) * width
    return max(count, 1)


# --- blocks -------------------------------------------------------------------------------------------


@dataclass
class Cell:
    """A table cell: its HTML and the text it shows (what is measured). ``nowrap``: never wrapped (an ID)."""

    html: str
    text: str
    nowrap: bool = False


def cell(text: object, html: str | None = None, *, nowrap: bool = False) -> Cell:
    """A cell showing ``text`` (escaped), or ``html`` that shows ``text``."""
    text = "" if text is None else str(text)
    return Cell(_html.escape(text) if html is None else html, text, nowrap)


@dataclass
class Column:
    """A table column: its header and its share of the page's width (the shares of a table add up to 1)."""

    header: str
    share: float
    numeric: bool = False


@dataclass
class Row:
    cells: list[Cell]
    #: The row's anchor (``id``), for links to it.
    id: str | None = None


@dataclass
class Block:
    """Something printed whole, one after another: a heading, a paragraph, a list item, a note, a table."""

    kind: str  # "h1".."h4", "p", "li", "note", "table"
    html: str = ""
    text: str = ""
    id: str | None = None
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    caption: str | None = None
    css: str = ""
    #: Set by :func:`paginate`: a page break before this block; rows of a table a page break goes before.
    break_before: bool = False
    row_breaks: set[int] = field(default_factory=set)
    #: Set by :func:`paginate`: the page it starts on (1 is the first).
    page: int = 0


def heading(level: int, text: str, id: str | None = None, html: str | None = None) -> Block:
    return Block(f"h{level}", _html.escape(text) if html is None else html, text, id)


def para(text: str, html: str | None = None, kind: str = "p") -> Block:
    return Block(kind, _html.escape(text) if html is None else html, text)


def table(columns: list[Column], rows: list[Row], caption: str | None = None, css: str = "") -> Block:
    return Block("table", columns=columns, rows=rows, caption=caption, css=css)


# --- heights --------------------------------------------------------------------------------------------


def _text_height(block: Block) -> float:
    if block.kind.startswith("h"):
        size, line = HEADINGS[int(block.kind[1])]
        above, below = SPACE[block.kind]
        rule = H2_RULE if block.kind == "h2" else 0.0
        return above + below + rule + line * lines(block.text, PAGE_WIDTH, size, bold=True)
    size, line = TEXT
    width = PAGE_WIDTH - (2 * (NOTE_PAD + NOTE_BORDER) if block.kind == "note" else 18.0 if block.kind == "li" else 0)
    frame = 2 * (NOTE_PAD + NOTE_BORDER) if block.kind == "note" else 0.0
    above, below = SPACE["li" if block.kind == "li" else "p"]
    return above + below + frame + line * lines(block.text, width, size)


def _row_height(cells: list[Cell], columns: list[Column], bold: bool = False) -> float:
    size, line = TABLE
    tallest = max(
        (
            lines(c.text, col.share * PAGE_WIDTH - 2 * CELL_PAD[1] - BORDER, size, bold=bold, nowrap=c.nowrap)
            for c, col in zip(cells, columns)
        ),
        default=1,
    )
    return tallest * line + 2 * CELL_PAD[0] + BORDER


def _caption_height(block: Block) -> float:
    if not block.caption:
        return 0.0
    size, line = TABLE
    return line * lines(block.caption, PAGE_WIDTH, size, bold=True) + 2.0


def block_height(block: Block) -> float:
    """The height ``block`` prints at, generously; a table whole, on one page."""
    if block.kind != "table":
        return _text_height(block)
    head = _row_height([cell(c.header) for c in block.columns], block.columns, bold=True)
    rows = sum(_row_height(r.cells, block.columns) for r in block.rows)
    return sum(SPACE["table"]) + _caption_height(block) + head + rows


# --- pages ------------------------------------------------------------------------------------------------


@dataclass
class Part:
    """One part of the detail (a notebook cell's output): its blocks, starting on a new page."""

    key: str
    blocks: list[Block]
    #: Set by :func:`paginate`: the page it starts on.
    page: int = 0


def paginate(parts: Iterable[Part]) -> int:
    """Lay ``parts`` out on pages, each part from a new page: marks where page breaks go (``break_before``,
    ``row_breaks``) and the page each part and block starts on; returns the number of pages."""
    room = PAGE_HEIGHT - SLACK
    page, used = 0, room  # as if the page before the first were full
    for part in parts:
        page, used = page + 1, 0.0
        part.page = page
        blocks = part.blocks
        for i, block in enumerate(blocks):
            if block.kind == "table":
                page, used = _place_table(block, page, used, room, first=i == 0)
                continue
            height = _text_height(block)
            keep = _kept_with(blocks, i)
            if used and used + height + keep > room:
                page, used = page + 1, 0.0
                block.break_before = True
            block.page = page
            used += height
    return page


def _kept_with(blocks: list[Block], i: int) -> float:
    """What must print on the page of heading ``blocks[i]`` after it: the headings that follow it, then the first
    line of the text (or the header and first row of the table) they head. Nothing for a block that is no heading."""
    keep = 0.0
    while blocks[i].kind.startswith("h") and i + 1 < len(blocks):
        i += 1
        keep += _text_height(blocks[i]) if blocks[i].kind.startswith("h") else _first_piece(blocks[i])
    return keep


def _first_piece(block: Block) -> float:
    """The least of ``block`` that must print on the page of the heading before it."""
    if block.kind != "table":
        size, line = HEADINGS.get(int(block.kind[1]), TEXT) if block.kind.startswith("h") else TEXT
        return line + sum(SPACE.get(block.kind, SPACE["p"]))
    head = _row_height([cell(c.header) for c in block.columns], block.columns, bold=True)
    first = _row_height(block.rows[0].cells, block.columns) if block.rows else 0.0
    return SPACE["table"][0] + _caption_height(block) + head + first


def _place_table(block: Block, page: int, used: float, room: float, first: bool) -> tuple[int, float]:
    """Rows onto pages, the header repeated on each (the browser repeats a table's thead)."""
    head = _row_height([cell(c.header) for c in block.columns], block.columns, bold=True)
    if used and used + _first_piece(block) > room:
        page, used = page + 1, 0.0
        block.break_before = True
    block.page = page
    used += SPACE["table"][0] + _caption_height(block) + head
    for i, row in enumerate(block.rows):
        height = _row_height(row.cells, block.columns)
        if used + height > room and i:
            page, used = page + 1, head
            block.row_breaks.add(i)
        used += height
    return page, used + SPACE["table"][1]


# --- HTML ----------------------------------------------------------------------------------------------------


def render(part: Part, first: bool = False, label: str | None = None) -> str:
    """A part as HTML (a ``section``, on a new page unless it is the ``first``), its page breaks where
    :func:`paginate` put them; ``label``: the ID of the heading that names it."""
    css = "lks-paged" if first else "lks-paged lks-break"
    named = f' aria-labelledby="{_html.escape(label)}"' if label else ""
    return f'<section class="{css}"{named}>' + "".join(_render(block) for block in part.blocks) + "</section>"


def _render(block: Block) -> str:
    brk = ' class="lks-break"' if block.break_before else ""
    ident = f' id="{_html.escape(block.id)}"' if block.id else ""
    if block.kind.startswith("h"):
        return f"<{block.kind}{ident}{brk}>{block.html}</{block.kind}>"
    if block.kind == "note":
        css = "lks-banner lks-break" if block.break_before else "lks-banner"
        return f'<div class="{css}" role="note">{block.html}</div>'
    if block.kind in ("p", "li"):
        return f"<p{ident}{brk}>{block.html}</p>"
    css = f"lks-table lks-paged-table {block.css}".strip() + (" lks-break" if block.break_before else "")
    out = [f'<table class="{css}"{ident}>']
    if block.caption:
        out.append(f"<caption>{_html.escape(block.caption)}</caption>")
    out.append(
        "<colgroup>" + "".join(f'<col style="width:{c.share * 100:.2f}%">' for c in block.columns) + "</colgroup>"
    )
    out.append(
        "<thead><tr>"
        + "".join(
            f'<th scope="col"{" class=num" if c.numeric else ""}>{_html.escape(c.header)}</th>' for c in block.columns
        )
        + "</tr></thead><tbody>"
    )
    for i, row in enumerate(block.rows):
        attrs = (f' id="{_html.escape(row.id)}"' if row.id else "") + (
            ' class="lks-break"' if i in block.row_breaks else ""
        )
        cells = [f'<th scope="row"{_nowrap(row.cells[0])}>{row.cells[0].html}</th>']
        cells += [
            f'<td data-label="{_html.escape(col.header)}"{_nowrap(c, col.numeric)}>{c.html}</td>'
            for c, col in zip(row.cells[1:], block.columns[1:])
        ]
        out.append(f"<tr{attrs}>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _nowrap(c: Cell, numeric: bool = False) -> str:
    classes = [x for x, on in (("lks-nowrap", c.nowrap), ("num", numeric)) if on]
    return f' class="{" ".join(classes)}"' if classes else ""


def print_css() -> str:
    """The print stylesheet the estimates above rest on: A4 landscape for the DPO's part, portrait for the
    governors' page shown after it, fixed sizes, and page breaks only where :func:`paginate` put them."""
    t, tl = TEXT
    s, sl = TABLE
    heads = "".join(
        f".lks-paged h{n} {{ font-size: {size}pt; line-height: {line}pt; margin: {SPACE[f'h{n}'][0]}pt 0 "
        f"{SPACE[f'h{n}'][1]}pt; padding: 0; }}"
        for n, (size, line) in HEADINGS.items()
    )
    return (
        "<style>@page { size: A4 landscape; } @page governors { size: A4 portrait; }"
        "@media print {"
        ".lks-dpo .jp-Cell:not(.celltag_dpo) { page: governors; }"
        '.lks-paged { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; '
        f"font-size: {t}pt; line-height: {tl}pt; }}"
        f"{heads}"
        f".lks-paged h2 {{ padding-bottom: {H2_RULE - 2}pt; border-bottom-width: 2pt; }}"
        ".lks-paged h1, .lks-paged h2, .lks-paged h3, .lks-paged h4 { break-before: auto; break-after: auto; }"
        f".lks-paged p {{ margin: {SPACE['p'][0]}pt 0 {SPACE['p'][1]}pt; max-width: none; }}"
        f".lks-paged .lks-banner {{ margin: 0 0 {SPACE['p'][1]}pt; padding: {NOTE_PAD}pt; "
        f"border-width: {NOTE_BORDER}pt; font-size: {t}pt; line-height: {tl}pt; }}"
        f".lks-paged .lks-banner strong {{ font-size: {t}pt; }}"
        f".lks-paged .lks-paged-table {{ table-layout: fixed; width: 100%; font-size: {s}pt; line-height: {sl}pt; "
        f"margin: {SPACE['table'][0]}pt 0 {SPACE['table'][1]}pt; }}"
        f".lks-paged .lks-paged-table caption {{ padding: 0 0 2pt; line-height: {sl}pt; }}"
        f".lks-paged .lks-paged-table th, .lks-paged .lks-paged-table td {{ padding: {CELL_PAD[0]}pt {CELL_PAD[1]}pt; "
        f"border-width: {BORDER}pt; overflow-wrap: break-word; word-break: normal; }}"
        ".lks-paged .lks-contents { break-after: auto; border: 0; padding: 0; margin: 0; font-size: inherit; }"
        ".lks-paged .lks-break, section.lks-paged.lks-break { break-before: page; }"
        "}"
        ".lks-nowrap, .lks-paged .lks-id { white-space: nowrap; }"
        # On a phone each row is a card, its cells one under another with their headings (as the governors'
        # ratings are): a table as wide as the page would scroll sideways. Checksums break anywhere there.
        "@media screen and (max-width: 40rem) {"
        ".lks-paged-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; "
        "clip-path: inset(50%); }"
        ".lks-paged-table, .lks-paged-table caption, .lks-paged-table tbody, .lks-paged-table tr, "
        ".lks-paged-table th, .lks-paged-table td { display: block; width: auto !important; }"
        ".lks-paged-table tr { border: 1px solid var(--rule); margin: 0 0 0.5rem; }"
        ".lks-paged-table th, .lks-paged-table td { border: 0; overflow-wrap: anywhere; }"
        ".lks-paged-table td::before { content: attr(data-label) ': '; font-weight: 600; }"
        ".lks-paged-table code.sha { white-space: normal; }"
        "}"
        "</style>"
    )


__all__ = ["Block", "Cell", "Column", "Part", "Row", "cell", "heading", "paginate", "para", "print_css", "render"]
