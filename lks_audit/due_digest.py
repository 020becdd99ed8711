"""The due list as a one-page digest for the school's leaders (``lks-audit due --html``).

A plain HTML page to read on a phone or paste into an email: what is overdue, what falls due soon, what is to be
confirmed once an entry is fixed, and how many clocks run beyond that. It names posts, accounts, applications,
incidents and messages by their IDs and no person (staff are "a member of staff"), holds no script and loads
nothing; before it is written it passes the governors' page's personal-data guard against every name and ID of the
data, and is refused if anything slipped in.
"""

from __future__ import annotations

from collections import Counter
from html import escape

import pandas as pd

from .due import DUE_SOON, MOMENT_SHOWN, OVERDUE, RUNNING, TO_CONFIRM, DueClock, DueList, since, time_left
from .errors import AuditInputError
from .rules import CLOCKS
from .rules.registry import ACT_NOW

_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:16px;line-height:1.45;color:#1b1b1b;
margin:0;padding:0 12px}
main{max-width:40em;margin:0 auto;padding:12px 0}
h1{font-size:1.4em;margin:.4em 0}
h2{font-size:1.15em;margin:1.2em 0 .4em;padding-bottom:2px;border-bottom:2px solid #ccc}
ul{list-style:none;padding:0;margin:0}
li{padding:.45em 0;border-bottom:1px solid #e2e2e2}
.overdue h2{border-color:#b3261e}.soon h2{border-color:#a15c00}
.when{display:block;color:#444}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3em .4em;border-bottom:1px solid #e2e2e2;vertical-align:top}
td.num{text-align:right}
.note{color:#444;font-size:.9em}
"""


def digest_html(due: DueList, school: str = "") -> str:
    """The digest page (not yet checked for personal data: :func:`checked_digest` does that)."""
    counts = due.counts()
    title = f"{school + ': ' if school else ''}social media policy, what is due"
    by_state = {state: due.in_state(state) for state in (OVERDUE, DUE_SOON, TO_CONFIRM)}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{escape(title[0].upper() + title[1:])}</h1>",
        f"<p>On {escape(f'{due.now:%A %d %B %Y}')} at {escape(f'{due.now:%H:%M}')} (UK time): "
        f"<strong>{counts[OVERDUE]} overdue</strong>, {counts[DUE_SOON]} due soon, "
        f"{counts[TO_CONFIRM]} to confirm and {counts[RUNNING]} more running.</p>",
    ]
    parts += _listed("overdue", f"Overdue ({counts[OVERDUE]})", by_state[OVERDUE], "Nothing is overdue.", _when_overdue)
    soon = f"Due soon ({counts[DUE_SOON]}): within 24 hours, or {due.within_days:g} days for dates"
    parts += _listed("soon", soon, by_state[DUE_SOON], "Nothing falls due soon.", _when_due)
    if by_state[TO_CONFIRM]:
        parts += _listed(
            "confirm",
            f"To confirm ({counts[TO_CONFIRM]}): an entry could not be read",
            by_state[TO_CONFIRM],
            "",
            lambda c: f"fix {c.cell}, then run the check again",
        )
    parts += _running(due.in_state(RUNNING))
    parts += [
        "<p class=\"note\">Made by lks-audit from the school's own records, for the school's leaders. Staff are "
        "not named here: the data protection officer's list says who. Run it again for what is due later.</p>",
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _listed(css: str, heading: str, clocks: list[DueClock], empty: str, when) -> list[str]:
    out = [f'<section class="{css}"><h2>{escape(heading)}</h2>']
    if not clocks:
        out.append(f"<p>{escape(empty)}</p>")
    else:
        out.append("<ul>")
        out += [
            f"<li><strong>{escape(c.what_for_leaders)}</strong>"
            f'<span class="when">{escape(when(c))}. Owner: {escape(c.owner)}.</span></li>'
            for c in clocks
        ]
        out.append("</ul>")
    return out + ["</section>"]


def _when_overdue(c: DueClock) -> str:
    if c.started is not None and c.kind == ACT_NOW:
        return f"act now: since {since(c)}"
    return time_left(c) + (f": it was due {c.due:{MOMENT_SHOWN}}" if c.due is not None else "")


def _when_due(c: DueClock) -> str:
    return f"{time_left(c)}: due {c.due:{MOMENT_SHOWN}}"


def _running(clocks: list[DueClock]) -> list[str]:
    """The clocks beyond ``--within``: how many of each kind, and when the next falls due."""
    if not clocks:
        return []
    kinds = Counter(c.rule for c in clocks)
    rows = []
    for rule in sorted(kinds, key=lambda r: min(c.due for c in clocks if c.rule == r)):
        first = min((c for c in clocks if c.rule == rule), key=lambda c: c.due)
        rows.append(
            f"<tr><td>{escape(CLOCKS[rule].label)}</td><td class=num>{kinds[rule]}</td>"
            f"<td>{escape(f'{pd.Timestamp(first.due):%d/%m/%Y}')} ({escape(first.what_for_leaders)})</td></tr>"
        )
    return [
        f'<section class="running"><h2>Running ({len(clocks)})</h2>',
        "<table><thead><tr><th scope=col>What</th><th scope=col class=num>How many</th>"
        "<th scope=col>Next due</th></tr></thead><tbody>",
        *rows,
        "</tbody></table></section>",
    ]


def checked_digest(due: DueList, data, school: str = "") -> str:
    """The digest, once the governors' page's personal-data guard finds no name or ID of ``data`` in it; an
    AuditInputError (nothing written) if it does."""
    from .guard import personal_data_in
    from .personal import personal_strings

    page = digest_html(due, school)
    found = personal_data_in(page, personal_strings(data))
    if found:
        kinds = ", ".join(dict.fromkeys(found))
        raise AuditInputError(f"the digest would show personal data ({kinds}); it was not written")
    return page
