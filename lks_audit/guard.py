"""The personal-data guard: does a page about to be published show any of the input's personal data?

The kernel hands over the words to look for (every name, Student ID and Staff ID in the input,
:func:`lks_audit.personal.personal_strings`); the governors' page is checked against them
before anything is published, so a section that let one slip in stops the run instead.

Whole names and IDs are looked for everywhere on the page. What people typed (the DPO's commentary,
evidence and reasons, marked ``lks-typed``) is also searched for a student's first name and a staff
member's surname after a title: elsewhere the page holds only the tool's own words, where a first name
such as "Will" would be an ordinary word.
"""

from __future__ import annotations

import base64
import html
import re
from html.parser import HTMLParser

from .personal import PersonalIndex

_DATA_URI = re.compile(r"data:([\w/+.-]+);base64,([A-Za-z0-9+/=]+)")
#: The class of the elements holding text a person typed, as :func:`lks_audit.outputs.html.typed` marks it.
TYPED = "lks-typed"


def _readable(match: re.Match) -> str:
    """An embedded SVG chart as the text it draws (its labels); any other embedded image as nothing."""
    if match.group(1) != "image/svg+xml":
        return ""
    return " " + re.sub(r"<[^>]+>", " ", base64.b64decode(match.group(2)).decode("utf-8", "replace"))


class _Typed(HTMLParser):
    """The text of every element marked as typed by a person."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.texts = 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth or TYPED in (dict(attrs).get("class") or "").split():
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.texts.append(data)


def typed_texts(page: str) -> list[str]:
    """The texts people typed that ``page`` shows (each element marked ``lks-typed``)."""
    parser = _Typed()
    parser.feed(page)
    return ["".join(parser.texts)] if parser.texts else []


def personal_data_in(page: str, strings: dict[str, str]) -> list[str]:
    """Which of ``strings`` occur in ``page`` (its text, its attributes and the labels of its SVG charts), and
    which first names or titled surnames occur in the text people typed, each with the word as written."""
    text = html.unescape(_DATA_URI.sub(_readable, page))
    typed = typed_texts(page)
    index = PersonalIndex(strings, [text])
    found = index.found_in(text, parts=False)
    for words in typed:
        found += [hit for hit in index.found_in(words) if hit not in found]
    return found
