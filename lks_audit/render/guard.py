"""The personal-data guard: does a page about to be published show any of the input's personal data?

The kernel hands over the words to look for (every name, Student ID and Staff ID in the input,
:func:`lks_audit.outputs.artifacts.personal_strings`); the governors' page is checked against them
before anything is published, so a section that let one slip in stops the run instead.
"""

from __future__ import annotations

import html
import re

_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def personal_data_in(page: str, strings: dict[str, str]) -> list[str]:
    """Which of ``strings`` occur in ``page`` (text and attributes, embedded images ignored)."""
    text = html.unescape(_DATA_URI.sub("", page)).casefold()
    hits = []
    for value, kind in strings.items():
        needle = value.casefold()
        if needle in text and re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", text):
            hits.append(kind)
    return hits
