"""The governors' page: each function takes the :class:`.review_data.Review` and returns one display
object, which the notebook shows as it is (one call per cell).

A first page that stands alone (the school, the overall statement, each area's rating in
proportion, the decisions and the questions), one short section per area, the action plan's
headline, how the review was made and a sign-off block. The words come from :mod:`.governors` and the
registry's plain words; the exact checks, parameters, files and checksums are the DPO's
(:mod:`.detail`). Everything from the input passes through :func:`.html.esc`; people are never named.
"""

from __future__ import annotations

import math

import pandas as pd
from IPython.display import HTML

from .. import __version__
from ..findings import AREA_TITLES, AREAS
from ..rules import REGISTRY
from . import charts
from .dpo_year import accepted_html, opinion_html
from .governors import (
    RATING_WORDS,
    RECORDS_SHOWN,
    Problem,
    actions,
    area_measure,
    decisions,
    overall_statement,
    problems,
    questions,
    severity_counts,
)
from .html import esc, in_sentence, long_date, number, plural, rag_label, record_ids, section, table
from .review_data import Review

#: The record books of the data contract, as staff know them.
RECORD_BOOKS = (
    "accounts, requests for accounts, staff training, photo consent, posts, messages and comments, "
    "incidents and school settings"
)
SEVERITY_WORDS = {"critical": "Critical", "high": "High", "medium": "Medium", "advisory": "Advisory"}


# --- the first page ------------------------------------------------------------------------------


def title_block(rv: Review) -> HTML:
    ctx = rv.ctx
    facts = [
        ("For the governors' meeting on", long_date(rv.meeting_date)),
        ("Data as of", long_date(ctx.as_of)),
        ("Policy version", rv.policy_version),
    ]
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in facts)
    return HTML(
        f'<header class="lks-title"><p class="lks-kicker">{esc(rv.school)}</p>'
        f"<h1>Social Media Policy: annual review {esc(ctx.year)}</h1>"
        f'<dl class="lks-facts">{items}</dl>'
        f'<p class="lks-lead">{esc(overall_statement(rv))}</p></header>'
    )


def areas_overview(rv: Review) -> HTML:
    """The seven areas: each one's rating, the DPO's opinion beside it when given, the measure that puts it in
    proportion (and last year's rating)."""
    last = rv.previous["summary"]["areas"] if rv.previous else None
    opinions = bool(rv.opinions)
    headers = (
        ["Area", "Rating"]
        + (["DPO's opinion"] if opinions else [])
        + ["In proportion"]
        + ([f"Rating in {rv.previous['year']}"] if last else [])
    )
    rows = []
    for area in AREAS:
        row = [AREA_TITLES[area], rag_label(rv.summary["areas"][area]["rag"])]
        if opinions:
            opinion = rv.opinions.get(area)
            row.append(opinion.assurance if opinion and opinion.assurance else "none given")
        row.append(area_measure(rv, area))
        if last is not None:
            row.append(rag_label(last[area]["rag"]) if area in last else "not rated")
        rows.append(row)
    key = " ".join(f"{rag_label(r)} {esc(words)}." for r, words in RATING_WORDS.items())
    body = table(headers, rows, caption="Rating of each area, and its most telling count", css="lks-overview")
    return section(
        "areas", "How well each area keeps the policy", f'{body}<p class="lks-key">{key}</p>', new_page=False
    )


def decisions_list(rv: Review) -> HTML:
    items = "".join(f"<li>{esc(d)}</li>" for d in decisions(rv))
    return section("decisions", "Decisions for the governing body", f"<ol>{items}</ol>", new_page=False)


def questions_list(rv: Review) -> HTML | None:
    asked = questions(rv)
    if not asked:
        return None
    items = "".join(f"<li>{esc(q)}</li>" for q in asked)
    return section("questions", "Questions governors may ask", f"<ol>{items}</ol>", new_page=False)


# --- one short section per area ------------------------------------------------------------------


def _problem_item(p: Problem, explain: bool) -> str:
    why = f" {esc(p.words.why)}" if explain else ""
    records = f" Records: {record_ids(p.records, RECORDS_SHOWN)}." if explain and p.records else ""
    return (
        f'<li><span class="lks-sev">{esc(SEVERITY_WORDS[p.severity])}:</span> <strong>{esc(p.title)}</strong>, '
        f"{esc(p.counted)}.{why}{records}</li>"
    )


def _not_measured() -> str:
    return "This could not be measured, because records were missing."


def _monitoring_context(rv: Review) -> str:
    replies = rv.measures.get("interactions", {})
    if not replies.get("assessed"):
        return f"<p>{_not_measured()}</p>"
    if not replies["due"]:
        return "<p>No message was due a reply this year.</p>"
    never, late = replies["unanswered_overdue"], replies["answered_late"]
    text = (
        f"{plural(replies['due'], 'message was', 'messages were')} due a reply: {number(replies['answered_in_time'])} "
        f"were answered on time, {number(late)} late and {number(never)} never"
    )
    if replies["pct_in_time"] is not None:
        text += f" ({replies['pct_in_time']:g}% on time)"
    text += f"; {number(replies['to_confirm'])} more to confirm." if replies["to_confirm"] else "."
    if replies.get("median_response_hours") is not None:
        text += f" Half of all first replies came within {replies['median_response_hours']:g} hours."
    months = replies["by_month"]
    if not any(m["late"] for m in months):
        return f"<p>{esc(text)}</p>"
    names = [pd.Period(m["month"]).strftime("%b") for m in months]
    alt = (
        "Bar chart of replies late or never sent each month: "
        + "; ".join(f"{pd.Period(m['month']):%B %Y} {m['late']} of {m['interactions']} received" for m in months)
        + "."
    )
    typical = round(sum(m["interactions"] for m in months) / len(months))
    figure = charts.column_bars(
        names,
        [m["late"] for m in months],
        colour=charts.ORANGE,
        ylabel="Replies",
        alt=alt,
        caption=f"Replies late or never sent, by month (the school received about {number(typical)} messages a month)",
    )
    return f"<p>{esc(text)}</p>{figure}"


def _coverage_context(rv: Review) -> str:
    training = rv.measures.get("training", {})
    measured = [
        (
            "Staff users of the accounts trained and up to date",
            training.get("account_users", {}),
            "trained_and_current",
        ),
        ("Staff who have read the policy", training.get("policy_read", {}), "read"),
        ("Employees with a current declaration", training.get("declarations", {}), "current"),
    ]
    shown = [(label, m, m[part]) for label, m, part in measured if m.get("assessed") and m.get("pct") is not None]
    if not shown:
        return f"<p>{_not_measured()}</p>" if not all(m.get("assessed") for _, m, _ in measured) else ""
    values = [m["pct"] for _, m, _ in shown]
    start = max(0, math.floor((min(values) - 5) / 10) * 10)
    scale = (
        f"The scale starts at {start}%, so that the differences show; the policy expects 100%."
        if start
        else "The policy expects 100%."
    )
    alt = (
        "Bar chart of training and declarations: "
        + "; ".join(f"{label} {m['pct']:g}% ({_of_known(part, m)})" for label, m, part in shown)
        + f". {scale}"
    )
    figure = charts.horizontal_bars(
        [label for label, _, _ in shown],
        values,
        colours=[charts.GREEN if v >= 100 else charts.ORANGE if v >= 90 else charts.RED for v in values],
        xlabel="Per cent",
        xmin=start,
        xmax=100 + (100 - start) * 0.18,
        suffix="%",
        reference=100,
        alt=alt,
        caption=f"Training and declarations against the policy's 100%. {scale}",
    )
    return figure


def _of_known(part: int, measure: dict) -> str:
    """``13 of 15``, the base being those whose status is known (a percentage's base), and any to confirm."""
    waiting = measure.get("to_confirm", 0)
    text = f"{number(part)} of {number(measure['total'] - waiting)}"
    return text + (f", {number(waiting)} more to confirm" if waiting else "")


def _images_context(rv: Review) -> str:
    consent = rv.measures.get("consent", {})
    if not consent.get("assessed"):
        return f"<p>{_not_measured()}</p>"
    total = consent["posts_with_images"]
    if not total:
        return "<p>No post showed students this year.</p>"
    text = (
        f"Of {plural(total, 'post')} with photos of students, {number(consent['all_pictured_consented'])} had "
        f"consent for everyone shown"
    )
    text += f" ({consent['pct']:g}%)" if consent["pct"] is not None else ""
    text += f"; {number(consent['to_confirm'])} more to confirm." if consent["to_confirm"] else "."
    return f"<p>{esc(text)}</p>"


def _incidents_context(rv: Review) -> str:
    inc = rv.measures.get("incidents", {})
    if not inc.get("assessed"):
        return f"<p>{_not_measured()}</p>"
    if not inc["total"]:
        return "<p>No incidents were logged this year.</p>"
    top = list(inc["by_category"].items())[:3]
    kinds = [f"{k.lower()} ({number(n)})" for k, n in top]
    listed = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    text = f"{plural(inc['total'], 'incident was', 'incidents were')} logged this year, most often {listed}"
    text += f"; {number(inc['open'])} {'is' if inc['open'] == 1 else 'are'} still open." if inc.get("open") else "."
    return f"<p>{esc(text)}</p>"


#: What the headline measures add to an area's problems (the areas without such a measure have none).
CONTEXT = {
    "people": _coverage_context,
    "images": _images_context,
    "monitoring": _monitoring_context,
    "incidents": _incidents_context,
}


def area_section(rv: Review, area: str) -> str:
    """One area: its rating, what the headline measures say, its problems in plain words with their
    counts against what was checked (those waiting on a data fix apart) and, for its most serious
    ones, why they matter and which records they concern.

    After the heading: the DPO's assurance opinion beside the checks' rating, with the commentary and
    evidence reference; after the problems: the risks the school accepts in the area, with the reasons.
    """
    info = rv.summary["areas"][area]
    found = problems(rv, area)
    parts = [f'<h3 id="h-area-{area}">{esc(info["title"])} {rag_label(info["rag"])}</h3>', opinion_html(rv, area)]
    context = CONTEXT.get(area)
    if context:
        parts.append(context(rv))
    if found:
        top = found[0].severity
        items = "".join(_problem_item(p, explain=p.open and p.severity == top) for p in found)
        parts.append(f'<ul class="lks-problems">{items}</ul>')
    parts.append(accepted_html(rv, area))
    clear = info["rules"] - info["rules_not_assessed"] - len(found)
    notes = []
    if clear:
        checks = ("other " if found else "") + ("check" if clear == 1 else f"{number(clear)} checks")
        notes.append(f"Its {checks} found nothing.")
    if info["rules_not_assessed"]:
        notes.append(f"{plural(info['rules_not_assessed'], 'check')} could not be made, because records were missing.")
    if rv.previous and area in rv.previous["summary"]["areas"]:
        before = rv.previous["summary"]["areas"][area]
        notes.append(
            f"In {esc(rv.previous['year'])} it was rated {esc(before['rag'])}, with "
            f"{plural(before.get('findings', 0), 'problem')}."
        )
    if notes:
        parts.append(f"<p>{' '.join(notes)}</p>")
    return f'<div class="lks-area">{"".join(parts)}</div>'


def area_sections(rv: Review) -> HTML:
    body = "".join(area_section(rv, area) for area in AREAS)
    lead = (
        "<p>For each area: what was found, most serious first, each count out of all that was checked. "
        "Some problems rest on an entry that could not be read: they are counted apart, to confirm once "
        "the entry is fixed, and do not change the rating.</p>"
    )
    return section("by-area", "Area by area", lead + body)


# --- the action plan, how the review was made, sign-off ------------------------------------------


def action_plan(rv: Review) -> HTML:
    rows = actions(rv)
    if not rows:
        return section(
            "actions", "The action plan", "<p>Nothing was found, so no action is needed.</p>", new_page=False
        )
    counted = severity_counts(rows)
    due = {r["severity"]: r["due"] for r in rows}
    lead = (
        f"<p>The action plan has {plural(len(rows), 'action')}, one for each problem found, each with an owner. "
        f"Due dates count from the meeting on {long_date(rv.meeting_date)}. The full plan comes with this review "
        "as a spreadsheet, for senior leaders to track.</p>"
    )
    summary = table(
        ["Urgency", "Actions", "Due by"],
        [[SEVERITY_WORDS[s], number(n), long_date(due[s])] for s, n in counted.items()],
        caption="Actions by urgency",
        numeric=(1,),
        css="lks-due",
    )
    first = rows[0]["severity"]
    urgent = [r for r in rows if r["severity"] == first]
    items = "".join(
        f"<li><strong>{esc(REGISTRY[r['rule']].title)}.</strong> The aim: {esc(in_sentence(REGISTRY[r['rule']].good))} "
        f"Owner: {esc(r['owner'] or 'SLT')}.</li>"
        for r in urgent
    )
    heading = f"<h3>The most urgent: due by {long_date(urgent[0]['due'])}</h3>"
    return section("actions", "The action plan", lead + summary + heading + f"<ul>{items}</ul>", new_page=False)


def how_made(rv: Review) -> HTML:
    ctx, result = rv.ctx, rv.result
    checks = len(rv.summary["rules"])
    made = (
        f"The data protection officer ran {number(checks)} checks over the school's social media records for "
        f"{long_date(ctx.start)} to {long_date(ctx.end)}, as they stood on {long_date(ctx.as_of)}. Each check "
        "comes from a line of the policy. Staff keep the records in eight record books: "
        f"{RECORD_BOOKS}."
    )
    if rv.data.exports is not None and rv.data.exports.archives:
        made += (
            " The posts and messages were also compared with what the platforms themselves recorded, in the "
            "downloads of the school's accounts."
        )
    unmade = len(result.not_assessed)
    gaps = (
        f"{plural(unmade, 'check')} could not be made, because records were missing; a check that could not be "
        "made is never counted as passed."
        if unmade
        else "Every check could be made."
    )
    waiting = rv.summary["to_confirm"]
    if waiting:
        gaps += (
            f" {plural(waiting, 'problem rests', 'problems rest')} on an entry that could not be read: "
            f"{'it is' if waiting == 1 else 'they are'} counted apart until the entry is fixed."
        )
    detail = (
        "The data protection officer keeps a detailed report, with every problem, the exact check behind it and "
        "the records it concerns. It holds personal data, so it stays with the data protection officer; "
        "governors may ask to go through it."
    )
    trend = ""
    if rv.previous:
        trend = (
            f"<p>Last year's review ({esc(rv.previous['year'])}) found "
            f"{plural(rv.previous['summary'].get('total_findings', 0), 'problem')}; this year's finds "
            f"{plural(rv.summary['total_findings'], 'problem')}.</p>"
        )
    made_with = f"Made with lks-audit {esc(__version__)} on {long_date(rv.generated)}."
    body = f"<p>{esc(made)}</p><p>{esc(gaps)}</p><p>{esc(detail)}</p>{trend}<p>{made_with}</p>"
    return section("method", "How this review was made", body, new_page=False)


def sign_off(rv: Review) -> HTML:
    lines = "".join(
        f'<div><dt>{esc(label)}</dt><dd><span class="lks-unseen">to fill in</span></dd></div>'
        for label in ("Minute reference", "Signed (chair of governors)", "Date")
    )
    body = f'<p>Presented to the governing body on {long_date(rv.meeting_date)}.</p><dl class="lks-sign">{lines}</dl>'
    return section("sign-off", "Sign-off", f'<div class="lks-signoff">{body}</div>', new_page=False)
