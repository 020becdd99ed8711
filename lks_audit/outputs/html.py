"""The HTML kit the review and the data check are built with.

Everything from the input passes through :func:`esc` (``html.escape``) before it reaches HTML;
a fragment built here from escaped parts is marked :class:`Raw` so it is not escaped twice.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
from IPython.display import HTML

from ..findings import RAG_STATUSES


class Raw(str):
    """An HTML fragment built here (its input parts already escaped)."""


def esc(value: object) -> str:
    """``value`` as HTML text; a :class:`Raw` fragment passes as it is."""
    if isinstance(value, Raw):
        return value
    return html.escape("" if value is None else str(value))


def number(value: int) -> str:
    """A count with thousands separators: 1,234."""
    return f"{value:,}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 finding', '3 findings'; ``many`` where adding an s is wrong ('1 incident was', '2 incidents were')."""
    return f"{number(count)} {word if count == 1 else (many or word + 's')}"


def long_date(value: dt.date) -> str:
    """A date as governors read it: 1 September 2025."""
    return pd.Timestamp(value).strftime("%-d %B %Y")


def in_sentence(text: str) -> str:
    """A rule's meaning continuing a sentence: 'A post ...' becomes 'a post ...', 'ICO ...' stays."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[0].isupper() and not text[1].isupper() else text


def record_ids(ids, shown: int) -> Raw:
    """Record IDs (P-0004, INC-0012), each kept whole on one line, the first ``shown`` of them."""
    ids = list(ids)
    listed = ", ".join(f'<span class="lks-id">{esc(i)}</span>' for i in ids[:shown])
    return Raw(listed + (f" and {number(len(ids) - shown)} more" if len(ids) > shown else ""))


def table(
    headers: list, rows: list, *, caption: str | None = None, numeric: tuple[int, ...] = (), css: str = ""
) -> Raw:
    """A table with column headers and each row's first cell as its row header."""
    out = [f'<table class="lks-table {css}">']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append(
        "<thead><tr>"
        + "".join(f'<th scope="col"{" class=num" if i in numeric else ""}>{esc(h)}</th>' for i, h in enumerate(headers))
        + "</tr></thead><tbody>"
    )
    for row in rows:
        cells = [f'<th scope="row">{esc(row[0])}</th>']
        cells += [f"<td{' class=num' if i in numeric else ''}>{esc(v)}</td>" for i, v in enumerate(row[1:], 1)]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return Raw("".join(out))


def section(key: str, heading: str, body: str, *, new_page: bool = True) -> HTML:
    """One section of the review: an ``h2`` heading and ``body``; in print, a new page unless ``new_page`` is off."""
    css = "lks-section new-page" if new_page else "lks-section"
    return HTML(
        f'<section class="{css}" aria-labelledby="h-{key}"><h2 id="h-{key}">{esc(heading)}</h2>{body}</section>'
    )


def rag_label(rag: str) -> Raw:
    """A Red/Amber/Green/Grey status, coloured by report.css."""
    # The class name comes from the fixed list, never from the value: a trend's RAG is read from a file.
    css = rag.lower() if rag in RAG_STATUSES else "grey"
    return Raw(f'<span class="rag rag-{css}">{esc(rag)}</span>')
