"""The personal-data guard: does a page about to be published show any of the input's personal data?

The kernel hands over the words to look for (every name, Student ID and Staff ID in the input,
:func:`lks_audit.outputs.artifacts.personal_strings`); the governors' page is checked against them
before anything is published, so a section that let one slip in stops the run instead.
"""

from __future__ import annotations

import base64
import html
import re

_DATA_URI = re.compile(r"data:([\w/+.-]+);base64,([A-Za-z0-9+/=]+)")


def _readable(match: re.Match) -> str:
    """An embedded SVG chart as the text it draws (its labels); any other embedded image as nothing."""
    if match.group(1) != "image/svg+xml":
        return ""
    return " " + re.sub(r"<[^>]+>", " ", base64.b64decode(match.group(2)).decode("utf-8", "replace"))


def personal_data_in(page: str, strings: dict[str, str]) -> list[str]:
    """Which of ``strings`` occur in ``page``: its text, its attributes and the labels of its SVG charts."""
    text = html.unescape(_DATA_URI.sub(_readable, page)).casefold()
    hits = []
    for value, kind in strings.items():
        needle = value.casefold()
        if needle in text and re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", text):
            hits.append(kind)
    return hits
