"""The DPO's detail: the logs checked against the platforms' own record (platform-exports.md).

Which archives were read and what each holds, how the posts and messages were matched, and every difference
found, side by side: each post never logged with its time, account and text, each logged post missing from the
platform, each caption that differs, each message never logged and each reply time that differs. Texts and
times hold personal data: the DPO's detail only. Governors read counts (the EVD rules' problems, in their areas).
"""

from __future__ import annotations

from collections import Counter

from IPython.display import HTML

from ..platforms import EXPORTS_FOLDER, holdings
from ..rules.base import fmt_datetime, platform_evidence, reply_time_differences, weekday_datetime_texts
from .html import Raw, esc, number, section, table
from .review_data import Review

#: The rules whose findings come from the platforms' record.
EVD_RULES = ("EVD-01", "EVD-02", "EVD-03", "EVD-04", "EVD-05")


def _uk(wall) -> str:
    return weekday_datetime_texts([wall])[0] if wall is not None else "none"


def _id(finding_id: str) -> Raw:
    return Raw(":<wbr>".join(f'<span class="lks-id">{esc(part)}</span>' for part in finding_id.split(":")))


def platform_record(rv: Review) -> HTML | None:
    """The archives read, how each was matched, and every difference the platforms showed (DPO only)."""
    if rv.audience != "dpo":
        return None
    if rv.data.exports is None:
        body = (
            f"<p>No platform archive was in the data folder ({esc(EXPORTS_FOLDER)}/), so the logs were not checked "
            "against what the platforms recorded. Each account's owner can download one (see the README, "
            '"Checking against the platforms").</p>'
        )
        return section("platforms", "Checked against the platforms", body)
    found = platform_evidence(rv.data, rv.ctx)
    minutes = rv.ctx.params.evidence_match_minutes
    parts = [
        f"<p>The posts and messages in the logs were compared with each account's own archive ({esc(EXPORTS_FOLDER)}/"
        "). Archive times are UTC and were turned into UK time (TikTok writes no time zone: its times are read as "
        f"UTC). A post matches a logged post by the ID in its Link, otherwise by a time within {minutes:g} minutes and "
        "a similar text (a photo alone by its time); a message sent to the school matches a logged interaction by "
        f"its ID in Link, otherwise by a time within {minutes:g} minutes. Each match is one to one, the closest in "
        "time first.</p>",
        _archives_table(rv, found),
    ]
    notices = rv.data.exports.notices
    if notices:
        items = "".join(f"<li>{esc(n.message)}</li>" for n in notices)
        parts.append(f"<h3>What could not be read or was guessed</h3><ul>{items}</ul>")
    if found.archives:
        parts += _differences(rv, found)
    else:
        parts.append("<p>No archive in the folder could be used (see above), so nothing was checked against them.</p>")
    return section("platforms", "Checked against the platforms", "".join(parts))


def _archives_table(rv: Review, found) -> Raw:
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
        rows.append(
            [
                archive.source,
                a,
                holdings(archive),
                (matched or "none") + (f"; {number(posts[(a, None)])} not in the log" if posts[(a, None)] else ""),
                f"{number(queries[(a, True)])} of {number(queries[(a, True)] + queries[(a, False)])}",
            ]
        )
    return table(
        ["Archive", "Account", "What it holds", "Posts matched to the log", "Messages and replied-to comments logged"],
        rows,
        caption="Archives read, and how their posts and messages were matched",
    )


def _differences(rv: Review, found) -> list[str]:
    by_rule: dict[str, list] = {}
    for f in rv.result.findings:
        if f.rule in EVD_RULES or f.source == "platform":
            by_rule.setdefault(f.rule if f.rule in EVD_RULES else "names", []).append(f)
    posts = {f"{m.archive.account}:{m.key}": m for m in found.posts}
    queries = {f"{q.archive.account}:{q.key}": q for q in found.queries}
    log = rv.data.frames["Posts"].set_index("_row", drop=False)
    out = []

    def block(heading: str, headers: list, rows: list) -> None:
        if rows:
            out.append(f"<h3>{esc(heading)} ({number(len(rows))})</h3>" + table(headers, rows, css="lks-detail"))

    block(
        "Posts on the platforms never logged",
        ["Finding ID", "Account", "Published (UK time)", "Text as published"],
        [
            [_id(f.id), posts[f.record].archive.account, _uk(posts[f.record].london), posts[f.record].record.text]
            for f in by_rule.get("EVD-01", ())
            if f.record in posts
        ],
    )
    block(
        "Logged posts not in their account's archive",
        ["Finding ID", "Post", "Account", "Logged at", "Status"],
        [
            [_id(f.id), f.record, log.at[f.row, "Account ID"], fmt_datetime(log.at[f.row, "Posted at"]),
             "to confirm: its Removed on could not be read" if f.depends_on else "no removal recorded"]
            for f in by_rule.get("EVD-02", ())
        ],
    )  # fmt: skip
    block(
        "Published text that differs from the log, side by side",
        ["Finding ID", "Post", "Logged text", "Published text", "Similarity"],
        [
            [_id(f.id), f.record, log.at[f.row, "Post text"], m.record.text, f"{m.similarity:.2f}"]
            for f in by_rule.get("EVD-03", ())
            if (m := found.post_of_row.get(f.row)) is not None
        ],
    )
    block(
        "Students' names found only in the text as published",
        ["Finding ID", "Rule", "Post", "Student ID"],
        [[_id(f.id), f.rule, f.record, f.student or ""] for f in by_rule.get("names", ())],
    )
    block(
        "Messages to the school never logged",
        ["Finding ID", "Account", "Received (UK time)", "Message", "The school's first reply"],
        [
            [_id(f.id), q.archive.account, _uk(q.london), q.text, _uk(q.reply_london)]
            for f in by_rule.get("EVD-04", ())
            if (q := queries.get(f.record)) is not None
        ],
    )
    differ = reply_time_differences(rv.data, rv.ctx)
    interactions = rv.data.frames["Interactions"].set_index("_row", drop=False)
    block(
        "Reply times that differ from the platform's",
        ["Finding ID", "Interaction", "Received (logged)", "First response (logged)", "First reply on the platform"],
        [
            [_id(f.id), f.record, fmt_datetime(interactions.at[f.row, "Received at"]),
             fmt_datetime(interactions.at[f.row, "First response at"]) if differ[f.row][1] else "could not be read",
             _uk(differ[f.row][0].reply_london)]
            for f in by_rule.get("EVD-05", ())
            if f.row in differ
        ],
    )  # fmt: skip
    if not out:
        out.append("<p>The logs agree with the platforms: no difference was found.</p>")
    return out
