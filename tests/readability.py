"""Plain-English measures of an HTML page's prose, as the issue measures the governors' page.

A copy of the measurement logic of the project's shared tool ``shared/tools/readability.py`` (outside
this repository, so CI's clean checkout cannot run it), kept line for line in what it counts: Flesch
reading ease over the text of ``<p>`` and ``<li>`` (tables excluded), the words, and jargon hits
(parameter identifiers, snake_case words, "Column = Yes/No" phrases) over all the page's text.
Only the command-line wrapper differs: :func:`measure` returns the dict the tool prints as JSON.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


class Prose(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.prose, self.all = [], [], []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if any(t in ("script", "style", "title") for t in self.stack):
            return
        self.all.append(data)
        if (
            self.stack
            and self.stack[-1] in ("p", "li", "strong", "em", "a", "span")
            and any(t in ("p", "li") for t in self.stack)
            and "table" not in self.stack
        ):
            self.prose.append(data)


def syllables(word: str) -> int:
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    groups = re.findall(r"[aeiouy]+", w)
    n = len(groups) - (1 if w.endswith("e") and not w.endswith("le") and len(groups) > 1 else 0)
    return max(1, n)


def flesch(text: str) -> tuple[float | None, int]:
    sentences = max(1, len(re.findall(r"[.!?](\s|$)", text)))
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    if not words:
        return None, 0
    syl = sum(syllables(w) for w in words)
    return round(206.835 - 1.015 * len(words) / sentences - 84.6 * syl / len(words), 1), len(words)


def measure(page: str, params: tuple[str, ...] = ()) -> dict:
    """The shared tool's JSON for ``page`` (HTML text), ``params`` being the parameter names to look for."""
    p = Prose()
    p.feed(page)
    prose = " ".join(" ".join(p.prose).split())
    alltext = " ".join(" ".join(p.all).split())
    score, nwords = flesch(prose)
    jargon = sorted(
        set(re.findall(r"\b[a-z]+(?:_[a-z]+)+\b(?!\.(?:xlsx|ods|xls|json|html))", alltext))
        | {x for x in params if x in alltext}
    )
    eq = re.findall(r"[A-Za-z ]{3,40} = (?:Yes|No)\b", alltext)
    return {
        "flesch": score,
        "prose_words": nwords,
        "all_words": len(alltext.split()),
        "snake_or_param": jargon,
        "column_equals_value": eq[:10],
        "n_column_equals_value": len(eq),
    }
