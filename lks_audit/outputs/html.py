"""The HTML kit the review and the data check are built with.

Everything from the input passes through :func:`esc` (``html.escape``) before it reaches HTML;
a fragment built here from escaped parts is marked :class:`Raw` so it is not escaped twice.
"""

from __future__ import annotations

import datetime as dt
import html
import re

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


def record_ids(ids, shown: int, more: str | None = None) -> Raw:
    """Record IDs (P-0004, INC-0012), each kept whole on one line, the first ``shown`` of them, then "and 3 more"
    (or ``more``, words without a number, for a page whose every number is a figure)."""
    ids = list(ids)
    listed = ", ".join(f'<span class="lks-id">{esc(i)}</span>' for i in ids[:shown])
    if len(ids) > shown:
        listed += esc(more) if more is not None else f" and {number(len(ids) - shown)} more"
    return Raw(listed)


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
        # Each cell names its column (data-label), for the narrow screens where a table shows as cards.
        cells += [
            f'<td data-label="{esc(headers[i]) if i < len(headers) else ""}"{" class=num" if i in numeric else ""}>'
            f"{esc(v)}</td>"
            for i, v in enumerate(row[1:], 1)
        ]
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


#: Dates as people type them in the DPO's text: 20/01/2026, or a month and a year ("March 2026").
_TYPED_DATE = re.compile(
    r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\b"
    r"|\b(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)"
    r" (?P<year>\d{4})\b"
)
_MONTHS = ("January February March April May June July August September October November December").split()


def _typed_date(match: re.Match) -> str:
    text = esc(match.group())
    try:
        if match.group("d"):
            day = dt.date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
            return f'<time datetime="{day.isoformat()}">{text}</time>'
        return f'<time datetime="{match.group("year")}-{_MONTHS.index(match.group("month")) + 1:02d}">{text}</time>'
    except ValueError:  # not a date after all (31/02/2026): shown as typed
        return text


def typed(text: object, tag: str = "span") -> Raw:
    """Text a person typed (the DPO's commentary, evidence, reasons), shown as typed and marked as such (the
    personal-data guard reads it for first names); the dates in it marked up as dates."""
    parts, last = [], 0
    value = "" if text is None else str(text)
    for match in _TYPED_DATE.finditer(value):
        parts += [esc(value[last : match.start()]), _typed_date(match)]
        last = match.end()
    parts.append(esc(value[last:]))
    return Raw(f'<{tag} class="lks-typed">{"".join(parts)}</{tag}>')
