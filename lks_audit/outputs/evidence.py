"""The DPO's detail: the logs checked against the platforms' own record (platform-exports.md).

Which archives were read and what each holds, how the posts and messages were matched, and every difference
found, side by side: each post never logged with its time, account and text, each logged post missing from the
platform, each caption that differs, each message never logged and each reply time that differs. Texts and
times hold personal data: the DPO's detail only. Governors read counts (the EVD rules' problems, in their areas).
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from ..findings import PLATFORM_SOURCE, Finding
from ..personal import COUNTS_ONLY_PREFIXES
from ..platforms import EXPORTS_FOLDER, holdings
from ..rules.base import fmt_datetime, weekday_datetime_texts
from ..schema import ROW
from .html import number
from .paged import Column, Row, cell, heading, para, table
from .review_data import Review

#: The anchor of the part's heading (the detail's contents link to it).
ANCHOR = "h-platforms"
TITLE = "Checked against the platforms"


def _platform_check(rule_id: str) -> bool:
    """An EVD rule, whose findings come from the platforms' record: the checks governors see as counts only
    (:data:`~lks_audit.personal.COUNTS_ONLY_PREFIXES`)."""
    return rule_id.startswith(COUNTS_ONLY_PREFIXES)


def _uk(walls: list[pd.Timestamp | None]) -> list[str]:
    """Each UK wall-clock time as ``Fri 06/03/2026 15:10`` ("none" where there is none), a whole column in one
    call of the vectorised wording (a call per finding would cost it again for each)."""
    texts = iter(weekday_datetime_texts([w for w in walls if w is not None]))
    return [next(texts) if w is not None else "none" for w in walls]


def _rows(rv: Review, sheet: str, found: list[Finding]) -> pd.DataFrame:
    """The rows of ``sheet`` that ``found`` are on, indexed by Excel row: only those copied, none without them."""
    frame = rv.data.frames[sheet]
    return frame[frame[ROW].isin([f.row for f in found])].set_index(ROW, drop=False)


def platform_blocks(rv: Review, id_cell) -> list:
    """The archives read, how each was matched, and every difference the platforms showed, as the detail's paged
    blocks (DPO only: the detail lays them out for the DPO's review alone; ``id_cell`` makes a finding ID's cell,
    linked to its row in "Every finding")."""
    blocks = [heading(2, TITLE, ANCHOR)]
    if rv.data.exports is None:
        return blocks + [
            para(
                f"No platform archive was in the data folder ({EXPORTS_FOLDER}/), so the logs were not checked "
                "against what the platforms recorded. Each account's owner can download one (see the README, "
                '"Checking against the platforms").'
            )
        ]
    found = rv.result.derived.platform_evidence
    minutes = rv.ctx.params.evidence_match_minutes
    blocks += [
        para(
            f"The posts and messages in the logs were compared with each account's own archive ({EXPORTS_FOLDER}/). "
            "Archive times are UTC and were turned into UK time (TikTok writes no time zone: its times are read as "
            f"UTC). A post matches a logged post by the ID in its Link, otherwise by a time within {minutes:g} "
            "minutes and a similar text (a photo alone by its time); a message sent to the school matches a logged "
            f"interaction by its ID in Link, otherwise by a time within {minutes:g} minutes. Each match is one to "
            "one, the closest in time first."
        ),
        _archives_table(found),
    ]
    notices = rv.data.exports.notices
    if notices:
        blocks.append(heading(3, "What could not be read or was guessed"))
        blocks += [para(n.message, kind="li") for n in notices]
    if found.archives:
        blocks += _differences(rv, found, id_cell)
    else:
        blocks.append(para("No archive in the folder could be used (see above), so nothing was checked against them."))
    return blocks


def _archives_table(found):
    posts = Counter((m.archive.account, m.how) for m in found.posts)
    queries = Counter((q.archive.account, q.row is not None) for q in found.queries)
    rows = []
    for archive in found.archives:
        a = archive.account
        matched = ", ".join(
            f"{number(posts[(a, how)])} {how}"
            for how in ("by ID", "by time and text", "by time (no text on one side)")
            if posts[(a, how)]
        )
        unlogged = f"; {number(posts[(a, None)])} not in the log" if posts[(a, None)] else ""
        rows.append(
            Row(
                [
                    cell(archive.source),
                    cell(a, nowrap=True),
                    cell(holdings(archive)),
                    cell((matched or "none") + unlogged),
                    cell(f"{number(queries[(a, True)])} of {number(queries[(a, True)] + queries[(a, False)])}"),
                ]
            )
        )
    columns = [
        Column("Archive", 0.22),
        Column("Account", 0.1),
        Column("What it holds", 0.3),
        Column("Posts matched to the log", 0.22),
        Column("Messages and replied-to comments logged", 0.16),
    ]
    return table(columns, rows, caption="Archives read, and how their posts and messages were matched")


def _differences(rv: Review, found, id_cell) -> list:
    by_rule: dict[str, list] = {}
    for f in rv.result.findings:
        if _platform_check(f.rule) or f.source == PLATFORM_SOURCE:
            by_rule.setdefault(f.rule if _platform_check(f.rule) else "names", []).append(f)
    posts = {f"{m.archive.account}:{m.key}": m for m in found.posts}
    queries = {f"{q.archive.account}:{q.key}": q for q in found.queries}
    log = _rows(rv, "Posts", [*by_rule.get("EVD-02", ()), *by_rule.get("EVD-03", ())])
    out = []

    def block(title: str, columns: list[tuple[str, float]], rows: list) -> None:
        if rows:
            out.append(heading(3, f"{title} ({number(len(rows))})"))
            out.append(
                table(
                    [Column(name, share) for name, share in columns],
                    [Row([id_cell(r[0])] + [cell(v) for v in r[1:]]) for r in rows],
                    caption=title,
                    css="lks-detail",
                )
            )

    unlogged = [(f, posts[f.record]) for f in by_rule.get("EVD-01", ()) if f.record in posts]
    block(
        "Posts on the platforms never logged",
        [("Finding ID", 0.27), ("Account", 0.1), ("Published (UK time)", 0.18), ("Text as published", 0.45)],
        [
            [f.id, m.archive.account, published, m.record.text]
            for (f, m), published in zip(unlogged, _uk([m.london for _, m in unlogged]))
        ],
    )
    block(
        "Logged posts not in their account's archive",
        [("Finding ID", 0.2), ("Post", 0.1), ("Account", 0.1), ("Logged at", 0.18), ("Status", 0.42)],
        [
            [f.id, f.record, log.at[f.row, "Account ID"], fmt_datetime(log.at[f.row, "Posted at"]),
             "to confirm: its Removed on could not be read" if f.depends_on else "no removal recorded"]
            for f in by_rule.get("EVD-02", ())
        ],
    )  # fmt: skip
    block(
        "Published text that differs from the log, side by side",
        [("Finding ID", 0.16), ("Post", 0.09), ("Logged text", 0.33), ("Published text", 0.33), ("Similarity", 0.09)],
        [
            [f.id, f.record, log.at[f.row, "Post text"], m.record.text, f"{m.similarity:.2f}"]
            for f in by_rule.get("EVD-03", ())
            if (m := found.post_of_row.get(f.row)) is not None
        ],
    )
    block(
        "Students' names found only in the text as published",
        [("Finding ID", 0.4), ("Rule", 0.15), ("Post", 0.25), ("Student ID", 0.2)],
        [[f.id, f.rule, f.record, f.student or ""] for f in by_rule.get("names", ())],
    )
    messages = [(f, q) for f in by_rule.get("EVD-04", ()) if (q := queries.get(f.record)) is not None]
    block(
        "Messages to the school never logged",
        [("Finding ID", 0.25), ("Account", 0.1), ("Received (UK time)", 0.17), ("Message", 0.31),
         ("The school's first reply", 0.17)],
        [
            [f.id, q.archive.account, received, q.text, replied]
            for (f, q), received, replied in zip(
                messages, _uk([q.london for _, q in messages]), _uk([q.reply_london for _, q in messages])
            )
        ],
    )  # fmt: skip
    differ = rv.result.derived.reply_time_differences
    late = [f for f in by_rule.get("EVD-05", ()) if f.row in differ]
    interactions = _rows(rv, "Interactions", late)
    block(
        "Reply times that differ from the platform's",
        [("Finding ID", 0.2), ("Interaction", 0.14), ("Received (logged)", 0.2), ("First response (logged)", 0.23),
         ("First reply on the platform", 0.23)],
        [
            [f.id, f.record, fmt_datetime(interactions.at[f.row, "Received at"]),
             fmt_datetime(interactions.at[f.row, "First response at"]) if differ[f.row][1] else "could not be read",
             on_platform]
            for f, on_platform in zip(late, _uk([differ[f.row][0].reply_london for f in late]))
        ],
    )  # fmt: skip
    if not out:
        out.append(para("The logs agree with the platforms: no difference was found."))
    return out
