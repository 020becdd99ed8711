"""The input's personal values (names, Student IDs, Staff IDs) and finding them in text.

What the governors' page and the DPO's text for governors must never hold: the guard checks the page
(:mod:`lks_audit.guard`), :mod:`lks_audit.dpo_review` checks the commentary, evidence and reasons
before anything is rendered, and the report checks what a person typed into an action plan it carries.
Besides a whole name or ID, governors-page.md refuses a student's first name (a capitalised whole word; month
and day names are not names) and a staff member's surname after a title (Mr, Mrs, Ms, Miss, Dr). Each hit
says what it is and the word as written, so a refusal can say which word to reword. Plain Python apart from
reading the loaded frames.
"""

from __future__ import annotations

import re

from .schema import SHEETS, WORKBOOK_OF_SHEET, personal_columns
from .text import fold_spaces

STUDENT_NAME, STAFF_NAME = "a student name", "a staff name"
#: What the parts of a name found in a text are.
FIRST_NAME = "a student's first name"
TITLED_SURNAME = "a staff member's surname after a title"
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr")
#: What an action's Owner may hold: a member of staff, by name or by title and surname (governors-page.md).
STAFF_NAMES = (STAFF_NAME, TITLED_SURNAME)
#: Words that are first names and also a month or a day ("May", "August"): governors-page.md says they are not
#: names, so the DPO may write "in May" whatever the register holds.
NOT_NAMES = frozenset(
    w.casefold()
    for w in (
        "January February March April May June July August September October November December "
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
    ).split()
)
#: The rules whose findings are about children (images, students named in posts): their post IDs would lead a
#: reader to the public post of a child, so neither the governors' page nor the action plan lists them.
CHILD_RULE_PREFIXES = ("IMG-",)
CHILD_RULES = ("PST-03", "PST-04")


def about_children(rule_id: str) -> bool:
    """Whether ``rule_id``'s records would lead to a child (IMG-*, PST-03, PST-04): counts only, for governors."""
    return rule_id.startswith(CHILD_RULE_PREFIXES) or rule_id in CHILD_RULES


#: platform-exports.md: governors see counts only of the checks against the platforms' record (EVD); their texts,
#: times and post or message IDs are the DPO's.
COUNTS_ONLY_PREFIXES = ("EVD-",)


def counts_only(rule_id: str) -> bool:
    """Whether governors see only the counts of ``rule_id``'s findings, never its records: the rules about
    children and the checks against the platforms' record."""
    return about_children(rule_id) or rule_id.startswith(COUNTS_ONLY_PREFIXES)


def child_records(findings) -> set[str]:
    """The records (posts) behind any finding about children: never shown to governors, whatever else names them
    (a data-quality finding on the same post would otherwise lead a reader to it)."""
    return {f.record for f in findings if f.record and about_children(f.rule)}


def public_record(finding) -> bool:
    """Whether a finding's record ID may be shown to governors: a post, account, application, interaction or
    incident, not a person (a Staff ID, a Student ID) nor a row of the DPO's review (named by finding IDs, which
    hold Student IDs)."""
    sheet = SHEETS.get(finding.sheet or "")
    return bool(
        finding.record
        and sheet is not None
        and not sheet.label_is_personal
        and not WORKBOOK_OF_SHEET[sheet.name].optional
    )


def personal_strings(data) -> dict[str, str]:
    """Every value of the schema's personal columns in ``data`` (a loaded Dataset): text -> what it is."""
    found: dict[str, str] = {}
    for sheet, column in personal_columns():
        frame = data.frames.get(sheet)
        if frame is None or column.header not in frame:
            continue
        for value in frame[column.header].dropna():
            text = fold_spaces(str(value))
            if len(text) >= 3:  # shorter strings would match ordinary words and numbers
                found.setdefault(text, column.personal)
    return found


_WORDS = re.compile(r"\w+")
_TITLE = "(?:" + "|".join(TITLES) + r")\.?\s+"
#: How a value is looked for: whole (any case), as a capitalised word (a first name), or after a title.
WHOLE, CAPITALISED, TITLED = "whole", "capitalised", "titled"


class PersonalIndex:
    """``strings`` (text -> what it is) indexed by a word of each, so a text is matched against the few values
    that share a word with it rather than against every name and ID of the school.

    Each student name also gives its first name, and each staff name its surname (found after a title)."""

    def __init__(self, strings: dict[str, str], texts: list[str] | None = None):
        """``texts``: the only texts it will be asked about, if known; values that cannot be in any of them
        are not indexed (the school's many names against a DPO's few cells)."""
        self.by_word: dict[str, list[tuple[int, str, str, str]]] = {}
        self.wordless: list[tuple[int, str, str, str]] = []
        words = None if texts is None else set(_WORDS.findall(" ".join(texts).casefold()))
        for order, (value, kind) in enumerate(strings.items()):
            self._add(order, value, kind, WHOLE, words)
            parts = value.split()
            if kind == STUDENT_NAME and parts[0].casefold() not in NOT_NAMES:
                self._add(order, parts[0], FIRST_NAME, CAPITALISED, words)
            if kind == STAFF_NAME and len(parts) > 1:
                self._add(order, parts[-1], TITLED_SURNAME, TITLED, words)

    def _add(self, order: int, value: str, kind: str, how: str, words: set[str] | None) -> None:
        needle = value.casefold()
        if words is not None:
            # A value whose first word is all letters and digits is in a text only if that word is.
            first = needle.split(None, 1)[0]
            if first.isalnum() and first not in words:
                return
        # A run of letters and digits of the value stands whole in any text holding the value as a whole
        # word: a text without that run cannot hold the value.
        word = _WORDS.search(needle)
        entry = (order, value, kind, how)
        if word is None:
            self.wordless.append(entry)
        else:
            self.by_word.setdefault(word.group(), []).append(entry)

    def found_in(self, text: str, *, parts: bool = True, allow: tuple[str, ...] = ()) -> list[str]:
        """What each value found in ``text`` is, with the word as written ("a student's first name ('Amelia')"),
        as whole words, in the order the values were given; a whole name before a part of it.

        ``parts``: also first names and surnames after a title; ``allow``: kinds a text may hold (the Owner
        of an action may be a member of staff, by name or by title and surname).
        """
        plain = fold_spaces(text)
        folded = plain.casefold()
        candidates = [e for word in set(_WORDS.findall(folded)) for e in self.by_word.get(word, ())]
        hits = []
        for order, value, kind, how in candidates + self.wordless:
            if kind in allow or (how != WHOLE and not parts):
                continue
            if value.casefold() not in folded:
                continue
            word = _written(plain, value, how)
            if word is not None:
                hits.append((order, how != WHOLE, f"{kind} ('{word}')"))
        return [found for _, _, found in sorted(hits)]


def _written(text: str, value: str, how: str) -> str | None:
    """``value`` as it is written in ``text`` (a whole word, case and spacing aside; a first name capitalised;
    a surname after a title, the title included), or None when it is not there so."""
    pattern = r"\s+".join(map(re.escape, value.split()))
    if how == TITLED:
        pattern = _TITLE + pattern
    for match in re.finditer(rf"(?<![\w]){pattern}(?![\w])", text, re.IGNORECASE):
        if how != CAPITALISED or match.group()[0].isupper():
            return match.group()
    return None


def personal_values_in(text: str, strings: dict[str, str], *, parts: bool = True) -> list[str]:
    """What each of ``strings`` found in ``text`` is, with the word ("a student name ('Amelia Hart')")."""
    return PersonalIndex(strings, [text]).found_in(text, parts=parts)
