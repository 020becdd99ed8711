"""The input's personal values (names, Student IDs, Staff IDs) and finding them in text.

What the governors' page and the DPO's text for governors must never hold: the guard checks the page
(:mod:`lks_audit.render.guard`), :mod:`lks_audit.dpo_review` checks the commentary, evidence and reasons
before anything is rendered. Plain Python apart from reading the loaded frames.
"""

from __future__ import annotations

import re

from .schema import personal_columns


def personal_strings(data) -> dict[str, str]:
    """Every value of the schema's personal columns in ``data`` (a loaded Dataset): text -> what it is."""
    found: dict[str, str] = {}
    for sheet, column in personal_columns():
        frame = data.frames.get(sheet)
        if frame is None or column.header not in frame:
            continue
        for value in frame[column.header].dropna():
            text = " ".join(str(value).split())
            if len(text) >= 3:  # shorter strings would match ordinary words and numbers
                found.setdefault(text, column.personal)
    return found


def personal_values_in(text: str, strings: dict[str, str]) -> list[str]:
    """What each of ``strings`` found in ``text`` is ("a student name"), as whole words, case aside."""
    folded = " ".join(text.split()).casefold()
    hits = []
    for value, kind in strings.items():
        needle = value.casefold()
        if needle in folded and re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", folded):
            hits.append(kind)
    return hits
