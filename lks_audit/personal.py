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


_WORDS = re.compile(r"\w+")


class PersonalIndex:
    """``strings`` (text -> what it is) indexed by a word of each, so a text is matched against the few values
    that share a word with it rather than against every name and ID of the school."""

    def __init__(self, strings: dict[str, str], texts: list[str] | None = None):
        """``texts``: the only texts it will be asked about, if known; values that cannot be in any of them
        are not indexed (the school's many names against a DPO's few cells)."""
        self.by_word: dict[str, list[tuple[int, str, str]]] = {}
        self.wordless: list[tuple[int, str, str]] = []
        words = None if texts is None else set(_WORDS.findall(" ".join(texts).casefold()))
        for order, (value, kind) in enumerate(strings.items()):
            needle = value.casefold()
            if words is not None:
                # A value whose first word is all letters and digits is in a text only if that word is.
                first = needle.split(None, 1)[0]
                if first.isalnum() and first not in words:
                    continue
            # A run of letters and digits of the value stands whole in any text holding the value as a whole
            # word: a text without that run cannot hold the value.
            word = _WORDS.search(needle)
            entry = (order, needle, kind)
            if word is None:
                self.wordless.append(entry)
            else:
                self.by_word.setdefault(word.group(), []).append(entry)

    def found_in(self, text: str) -> list[str]:
        """What each value found in ``text`` is ("a student name"), as whole words, case aside, in the order
        the values were given."""
        folded = " ".join(text.split()).casefold()
        candidates = [e for word in set(_WORDS.findall(folded)) for e in self.by_word.get(word, ())]
        hits = sorted(
            (order, kind)
            for order, needle, kind in candidates + self.wordless
            if needle in folded and re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", folded)
        )
        return [kind for _, kind in hits]


def personal_values_in(text: str, strings: dict[str, str]) -> list[str]:
    """What each of ``strings`` found in ``text`` is ("a student name"), as whole words, case aside."""
    return PersonalIndex(strings, [text]).found_in(text)
