"""The governors' page: each function takes the :class:`.review_data.Review` and returns one display
object, which the notebook shows as it is (one call per cell).

A first page that stands alone (the school, the overall statement and what was found, each area's rating
with the reason for it and the DPO's opinion, how to read them, last year's actions and any lapsed accepted
risk, the decisions and the questions), one short section per area, the action plan's headline, the trend
over the years, how the review was made and a sign-off block. The words come from :mod:`.governors` and the
registry's plain words; every number is a figure of :mod:`.figures` (``<data value data-figure>``) and every
date a ``<time>``; what the DPO typed is shown as typed (:func:`.html.typed`). The exact checks, parameters,
files and checksums are the DPO's (:mod:`.detail`). People are never named, and the posts behind findings
about children are never listed.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from ..findings import AREA_TITLES, AREAS, SEVERITIES
from ..rules import REGISTRY
from ..schema import ACCEPTED_RISK
from ..summary_text import RECORD_WORKBOOKS
from . import charts
from .figures import Fig, Html, Phrase, html, joined, mark, slug, time_html, words
from .governors import (
    ASSURANCE_MEANING,
    NO_OPINION,
    RECORDS_SHOWN,
    SEVERITY_MEANING,
    SEVERITY_WORDS,
    TERMS,
    Problem,
    decisions,
    lapsed_risks,
    overall_statement,
    problems,
    questions,
    rating_reason,
    rating_rule,
    since_last_year,
    what_was_found,
)
from .html import Raw, esc, in_sentence, rag_label, record_ids, section, table, typed
from .review_data import Review

#: The record books of the data contract, as staff know them.
RECORD_BOOKS = (
    "accounts, requests for accounts, staff training, photo consent, posts, messages and comments, "
    "incidents and school settings"
)


def rating(fig: Fig) -> Html:
    """A rating figure shown as its coloured label."""
    return Html(mark(fig, inner=rag_label(fig.value)))


def _rated(phrase: Phrase) -> Phrase:
    """A phrase whose rating figures show as coloured labels."""
    return [rating(p) if isinstance(p, Fig) and p.key.endswith(".rating") else p for p in phrase]


def _p(phrase: Phrase, css: str = "") -> str:
    return f"<p{f' class={css}' if css else ''}>{html(phrase)}</p>"


# --- the first page ------------------------------------------------------------------------------


def title_block(rv: Review) -> HTML:
    ctx, f = rv.ctx, rv.figures
    facts = [
        ("For the governors' meeting on", time_html(rv.meeting_date)),
        ("Data as of", time_html(ctx.as_of)),
        ("Policy version", mark(f.fig("policy.version")) if f.has("policy.version") else "not recorded"),
    ]
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in facts)
    return HTML(
        f'<header class="lks-title" id="h-review"><p class="lks-kicker">{esc(rv.school)}</p>'
        f"<h1>Social Media Policy: annual review {esc(ctx.year)}</h1>"
        f'<dl class="lks-facts">{items}</dl>'
        f'<p class="lks-lead">{html(overall_statement(rv))}</p>{_p(what_was_found(rv))}</header>'
    )


def _opinion(rv: Review, area: str) -> Phrase:
    f = rv.figures
    return [f.fig(f"area.{area}.assurance")] if f.has(f"area.{area}.assurance") else [NO_OPINION]


def areas_overview(rv: Review) -> HTML:
    """The seven areas: each one's rating with the reason for it, the DPO's opinion beside it (and last year's
    rating); then how to read them: the rating rule, how serious a finding is, the DPO's assurance levels and
    the terms the page uses."""
    f = rv.figures
    last = rv.previous["year"] if rv.previous else None
    headers = ["Area", "Rating, and why", "DPO's opinion"] + ([f"In {last}"] if last else [])
    rows = []
    for area in AREAS:
        row = [AREA_TITLES[area], Raw(html(_rated(rating_reason(rv, area)))), Raw(html(_opinion(rv, area)))]
        if last:
            key = f"history.{last}.area.{area}.rating"
            row.append(Raw(rating(f.fig(key))) if f.has(key) else "not rated")
        rows.append(row)
    body = table(headers, rows, caption="Rating of each area, and why", css="lks-overview")
    return section("areas", "How well each area keeps the policy", body + _key(rv), new_page=False)


def _key(rv: Review) -> str:
    """How to read the ratings and the opinions: the rule the code rates by, the severities, the four assurance
    levels in internal audit's words, and the terms the page uses."""
    ratings: Phrase = []
    for i, (r, said) in enumerate(rating_rule(rv).items()):
        ratings += (["; "] if i else []) + [Html(rag_label(r)), " "] + said
    severities = "; ".join(f"{SEVERITY_WORDS[s]}: {SEVERITY_MEANING[s]}" for s in SEVERITIES)
    assurance = "; ".join(f"{level}: {meaning}" for level, meaning in ASSURANCE_MEANING.items())
    return (
        '<div class="lks-key">'
        + _p(["Ratings. "] + ratings + ["."])
        + _p([f"Findings. {severities}."])
        + _p([f"The DPO's opinion (assurance, as internal audit gives it). {assurance}; or {NO_OPINION}."])
        + "</div>"
    )


def last_year_and_lapsed(rv: Review) -> HTML | None:
    """For the first page: how last year's actions ended, and each accepted risk that lapsed."""
    done, lapsed = since_last_year(rv), lapsed_risks(rv)
    if done is None and not lapsed:
        return None
    body = _p(done) if done else ""
    for risk in lapsed:
        body += _p(["An accepted risk has lapsed: ", in_sentence(risk[0])] + risk[1:], "lks-lapsed")
    return section("since-last-year", "Since last year", body, new_page=False)


def decisions_list(rv: Review) -> HTML:
    items = "".join(f"<li>{html(d)}</li>" for d in decisions(rv))
    return section("decisions", "Decisions for the governing body", f"<ol>{items}</ol>", new_page=False)


def questions_list(rv: Review) -> HTML | None:
    asked = questions(rv)
    if not asked:
        return None
    items = "".join(f"<li>{esc(q)}</li>" for q in asked)
    return section("questions", "Questions governors may ask", f"<ol>{items}</ol>", new_page=False)


# --- one short section per area ------------------------------------------------------------------

#: How many of an area's most serious problems say why they matter and which records they concern.
EXPLAINED = 2


def _problem_item(rv: Review, p: Problem, explain: bool) -> str:
    why = f" {esc(p.words.why)}" if explain else ""
    listed = record_ids(p.records, RECORDS_SHOWN, more=" and others (the DPO's detail lists them all)")
    records = f" Records: {listed}." if explain and p.records else ""
    return (
        f'<li><span class="lks-sev">{esc(SEVERITY_WORDS[p.severity])}:</span> <strong>{esc(p.title)}</strong>, '
        f"{html(rv.figures.counted(p.rule))}.{why}{records}</li>"
    )


def _opinion_html(rv: Review, area: str) -> str:
    """The DPO's assurance beside the checks' rating, with the commentary and where the evidence is kept."""
    opinion = rv.opinions.get(area)
    f = rv.figures
    if f.has(f"area.{area}.assurance"):
        level = f.fig(f"area.{area}.assurance")
        said = [level, "" if level.value == "No assurance" else " assurance"]
    else:
        said = [NO_OPINION]
    out = f'<p class="lks-opinion">The DPO\'s opinion: <strong>{html(said)}</strong>.</p>'
    if opinion and opinion.commentary:
        out += f"<p>{typed(opinion.commentary)}</p>"
    if opinion and opinion.evidence:
        out += f'<p class="lks-meta">Evidence kept in: {typed(opinion.evidence)}</p>'
    return out


def _monitoring_context(rv: Review) -> str:
    replies = rv.measures.get("interactions", {})
    if instead := _instead_of_counts(replies, "due", "No message was due a reply this year."):
        return instead
    f = rv.figures
    out = words(f.fig("replies.due"), "message was", "messages were") + [" due a reply: ", f.fig("replies.in_time")]
    out += [" answered on time"] + (
        [" (", f.fig("replies.in_time.share"), ")"] if f.has("replies.in_time.share") else []
    )
    out += [", ", f.fig("replies.late"), " late and ", f.fig("replies.never"), " never"]
    if f.get("replies.to_confirm"):
        out += ["; ", f.fig("replies.to_confirm"), " to confirm once the records are fixed"]
    out += ["."]
    if f.has("replies.median_hours"):
        out += [" Half of all first replies came within ", f.fig("replies.median_hours"), " hours."]
    months = replies["by_month"]
    if not any(m["late"] for m in months):
        return _p(out)
    names = [pd.Period(m["month"]).strftime("%b") for m in months]
    alt = (
        "Bar chart of replies late or never sent each month: "
        + "; ".join(f"{pd.Period(m['month']):%B %Y} {m['late']} of {m['interactions']} received" for m in months)
        + "."
    )
    caption = ["Replies late or never sent, by month (the school received about ", f.fig("replies.per_month")]
    caption += [" messages a month)"]
    figure = charts.column_bars(
        names,
        [m["late"] for m in months],
        colour=charts.ORANGE,
        ylabel="Replies",
        alt=alt,
        caption="",
        caption_html=html(caption),
    )
    return _p(out) + figure


def _not_measured() -> str:
    return "This could not be measured, because records were missing."


def _instead_of_counts(measure: dict, count: str, none: str) -> str | None:
    """What a headline measure's paragraph says instead of its counts: that it could not be measured, or ``none``
    when its ``count`` is nought; None when there is something to count."""
    if not measure.get("assessed"):
        return f"<p>{_not_measured()}</p>"
    if not measure[count]:
        return f"<p>{none}</p>"
    return None


def _coverage_context(rv: Review) -> str:
    """Training and declarations, each count beside its base (a percentage only from
    :data:`lks_audit.summary.SMALL_BASE` up)."""
    f = rv.figures
    lines = []
    if f.has("staff.account_users"):
        out = ["Of the "] + words(f.fig("staff.account_users"), "member of staff", "members of staff")
        out += [" who run the accounts, ", f.fig("staff.account_users.done"), " ", _are(f, "staff.account_users.done")]
        out += [" trained and up to date"]
        parts = []
        if f.get("staff.account_users.not_done"):
            parts.append([f.fig("staff.account_users.not_done"), " ", _are(f, "staff.account_users.not_done"), " not"])
        if f.get("staff.account_users.to_confirm"):
            parts.append([f.fig("staff.account_users.to_confirm"), " ", _are(f, "staff.account_users.to_confirm")])
            parts[-1] += [" to confirm"]
        lines.append(out + ([", "] + joined(parts) if parts else []) + ["."])
    for key, what in (
        ("staff.current", "members of staff have read the policy"),
        ("staff.employees", "employees have a current annual declaration"),
    ):
        if not f.has(key):
            continue
        out = [f.fig(f"{key}.done"), " of the ", f.fig(key), f" {what}"]
        out += [" (", f.fig(f"{key}.done.share"), ")"] if f.has(f"{key}.done.share") else []
        if f.get(f"{key}.to_confirm"):
            out += ["; ", f.fig(f"{key}.to_confirm"), " more to confirm"]
        lines.append(out + ["."])
    if not lines:
        return f"<p>{_not_measured()}</p>"
    return '<ul class="lks-measures">' + "".join(f"<li>{html(x)}</li>" for x in lines) + "</ul>"


def _are(f, key: str) -> str:
    return "is" if f.get(key) == 1 else "are"


def _images_context(rv: Review) -> str:
    f = rv.figures
    if not f.has("posts.with_students"):
        return f"<p>{_not_measured()}</p>"
    if not f.get("posts.with_students"):
        return "<p>No post showed students this year.</p>"
    out = ["Of the "] + words(f.fig("posts.with_students"), "post") + [" with photos of students, "]
    out += [f.fig("posts.consented"), " had consent for everyone shown"]
    out += [" (", f.fig("posts.consented.share"), ")"] if f.has("posts.consented.share") else []
    parts = []
    if f.get("posts.without_consent"):
        parts.append([f.fig("posts.without_consent"), " showed a student without consent"])
    if f.get("posts.not_recorded"):
        parts.append([f.fig("posts.not_recorded"), " did not record who was shown"])
    if f.get("posts.to_confirm"):
        parts.append([f.fig("posts.to_confirm"), " ", _are(f, "posts.to_confirm"), " to confirm"])
    return _p(out + ([", "] + joined(parts) if parts else []) + ["."])


def _incidents_context(rv: Review) -> str:
    inc = rv.measures.get("incidents", {})
    if instead := _instead_of_counts(inc, "total", "No incidents were logged this year."):
        return instead
    f = rv.figures
    # Breaches are counted one way everywhere (the flag or the category), so not as a category here.
    top = [k for k in inc["by_category"] if not (f.has("incidents.breaches") and k == BREACH_CATEGORY)][:3]
    kinds = [[k.lower(), " (", f.fig(f"incidents.category.{slug(k)}"), ")"] for k in top]
    out = words(f.fig("incidents.logged"), "incident was", "incidents were") + [" logged this year"]
    out += [", most often "] + joined(kinds) if kinds else []
    if f.get("incidents.breaches"):
        out += ["; ", f.fig("incidents.breaches"), " ", "was a" if f.get("incidents.breaches") == 1 else "were"]
        out += [" personal data breach" if f.get("incidents.breaches") == 1 else " personal data breaches"]
    if f.get("incidents.open"):
        out += ["; ", f.fig("incidents.open"), " ", _are(f, "incidents.open"), " still open"]
    return _p(out + ["."])


#: The incident category that makes an incident a personal data breach (as its flag does).
BREACH_CATEGORY = "Personal data breach"

#: What the headline measures add to an area's problems (the areas without such a measure have none).
CONTEXT = {
    "people": _coverage_context,
    "images": _images_context,
    "monitoring": _monitoring_context,
    "incidents": _incidents_context,
}


def _set_aside_html(rv: Review, area: str) -> str:
    """How many of ``area``'s findings the DPO set aside (accepted as risks, judged not a breach), and each
    accepted risk by its plain title with the DPO's reason and review date."""
    f = rv.figures
    parts = []
    if f.get(f"area.{area}.accepted"):
        parts.append([f.fig(f"area.{area}.accepted"), " accepted as a risk"])
    if f.get(f"area.{area}.not_a_breach"):
        parts.append([f.fig(f"area.{area}.not_a_breach"), " judged not to break the policy"])
    if not parts:
        return ""
    items = []
    for finding in rv.result.findings:
        if finding.area != area or not finding.decision or finding.decision.decision != ACCEPTED_RISK:
            continue
        decision = finding.decision
        when = [" (looked at again by ", pd.Timestamp(decision.review_by).date(), ")"] if decision.review_by else []
        reason = typed(decision.reason) if decision.reason else esc("no reason recorded.")
        items.append(
            f"<li><strong>{esc(REGISTRY[finding.rule].title)}</strong>: {reason}"
            f' <span class="lks-meta">{html(when or [" (until withdrawn)"])}</span></li>'
        )
    lead = ["Set aside by the DPO's decisions, and left out of the rating while they stand: "] + joined(parts)
    return _p(lead + ["."]) + (f'<ul class="lks-accepted">{"".join(items)}</ul>' if items else "")


def area_section(rv: Review, area: str) -> str:
    """One area: its rating (the first page says why), the DPO's opinion beside it, what the headline measures
    say, its problems in plain words counted in what people picture (those waiting on a data fix apart) and, for
    its most serious ones, why they matter and which records they concern; the findings the DPO set aside; what
    else was checked.
    """
    f = rv.figures
    info = rv.summary["areas"][area]
    found = problems(rv, area)
    heading = f'<h3 id="h-area-{area}">{esc(info["title"])} {rating(f.fig(f"area.{area}.rating"))}</h3>'
    parts = [heading, _opinion_html(rv, area)]
    context = CONTEXT.get(area)
    if context:
        parts.append(context(rv))
    if found:
        top = found[0].severity
        # The most serious (at most EXPLAINED of them) say why they matter and which records they concern.
        explained = [p for p in found if p.open and p.severity == top][:EXPLAINED]
        items = "".join(_problem_item(rv, p, explain=p in explained) for p in found)
        parts.append(f'<ul class="lks-problems">{items}</ul>')
    parts.append(_set_aside_html(rv, area))
    notes = []
    clear = f.get(f"area.{area}.checks_clear")
    if clear:
        notes += ["Its other " if found else "Its "] + (
            ["check"] if clear == 1 else [f.fig(f"area.{area}.checks_clear"), " checks"]
        )
        notes += [" found nothing."]
    if f.get(f"area.{area}.checks_not_made"):
        notes += [" "] + words(f.fig(f"area.{area}.checks_not_made"), "check")
        notes += [" could not be made, because records were missing."]
    if notes:
        parts.append(_p(notes))
    return f'<div class="lks-area">{"".join(parts)}</div>'


def area_sections(rv: Review) -> HTML:
    body = "".join(area_section(rv, area) for area in AREAS)
    lead = (
        "<p>For each area: its rating (the first page says why), the DPO's opinion, and what was found, most "
        "serious first. "
        "Findings about children are counted in children and posts, never listed here. A finding that rests on "
        "an entry that could not be read is counted apart, to confirm, and does not change the rating.</p>"
    )
    terms = "; ".join(f"{term} is {meaning}" for term, meaning in TERMS)
    lead += f'<p class="lks-terms">Terms used below and in the DPO\'s words: {esc(terms)}.</p>'
    return section("by-area", "Area by area", lead + body)


# --- the action plan, the years, how the review was made, sign-off -------------------------------

#: The plan's due groups as the page names them.
GROUP_WORDS = {"now": "Critical, found more than a term ago: now", **SEVERITY_WORDS}


def action_plan(rv: Review) -> HTML:
    f = rv.figures
    rows = rv.actions
    if not rows:
        return section(
            "actions", "The action plan", "<p>Nothing was found, so no action is needed.</p>", new_page=False
        )
    lead = ["The action plan groups the "] + words(f.fig("findings.open"), "open finding")
    lead += [" into "] + words(f.fig("plan.actions"), "action")
    lead += [", one for each check with open findings, each with an owner. Due dates are school days, counted from "]
    lead += ["the meeting on ", rv.meeting_date, ". The full plan comes with this review as a spreadsheet, for "]
    lead += ["senior leaders to track and to give their response."]
    groups = [g for g in ("now", *SEVERITIES) if f.has(f"plan.group.{g}")]
    summary = table(
        ["Urgency", "Actions", "Due by"],
        [[GROUP_WORDS[g], Raw(mark(f.fig(f"plan.group.{g}"))), Raw(mark(f.fig(f"plan.due.{g}")))] for g in groups],
        caption="Actions by urgency",
        numeric=(1,),
        css="lks-due",
    )
    first = groups[0]
    urgent = [r for r in rows if ("now" if r["now"] else r["severity"]) == first]
    items = "".join(
        f"<li><strong>{esc(REGISTRY[r['rule']].title)}.</strong> The aim: {esc(in_sentence(REGISTRY[r['rule']].good))} "
        f"Owner: {esc(r['owner'] or 'SLT')}.</li>"
        for r in urgent
    )
    heading = f"<h3>The most urgent: due by {mark(f.fig('plan.due_first'))}</h3>"
    return section("actions", "The action plan", _p(lead) + summary + heading + f"<ul>{items}</ul>", new_page=False)


def trend(rv: Review) -> HTML | None:
    """The years shown (this one last): open findings by how serious they are, and each area's rating. The
    same count in every year, so the totals add up to the table."""
    f = rv.figures
    years = [year for year, _ in f.years]
    if len(years) < 2:
        return None
    lead = (
        "<p>How the findings have moved. Each year counts the open findings of its own audit, by how serious "
        "they are: fewer is better, and critical and high findings matter most.</p>"
    )
    by_severity = table(
        ["Year", *(SEVERITY_WORDS[s] for s in SEVERITIES), "All open"],
        [
            [
                year,
                *(Raw(mark(f.fig(f"history.{year}.{s}"))) for s in SEVERITIES),
                Raw(mark(f.fig(f"history.{year}.open"))),
            ]
            for year in years
        ],
        caption="Open findings by how serious they are, each year",
        numeric=tuple(range(1, len(SEVERITIES) + 2)),
        css="lks-years",
    )
    if len(years) < 3:  # two years: the first page shows last year's rating beside this year's
        return section("history", "The years so far", lead + by_severity, new_page=False)
    ratings = table(
        ["Area", *years],
        [
            [
                AREA_TITLES[a],
                *(
                    Raw(rating(f.fig(f"history.{y}.area.{a}.rating")))
                    if f.has(f"history.{y}.area.{a}.rating")
                    else "not rated"
                    for y in years
                ),
            ]
            for a in AREAS
        ],
        caption="Rating of each area, each year",
    )
    return section("history", "The years so far", lead + by_severity + ratings, new_page=False)


def how_made(rv: Review) -> HTML:
    ctx, f = rv.ctx, rv.figures
    made = ["The DPO ran "] + words(f.fig("checks.total"), "check")
    made += [" over the school's social media records for ", ctx.start, " to ", ctx.end, ", as they stood on "]
    made += [ctx.as_of, ". Each check comes from a line of the policy. Staff keep the records in "]
    made += [f"{RECORD_WORKBOOKS} record books: {RECORD_BOOKS}."]
    if rv.data.exports is not None and rv.data.exports.archives:
        made += [" The platforms' own records were checked too."]
    if f.get("checks.not_made"):
        gaps = words(f.fig("checks.not_made"), "check") + [
            " could not be made, because records were missing; a check that could not be made is never counted "
            "as passed."
        ]
    else:
        gaps = ["Every check could be made."]
        if f.get("rule.DQ-01.open"):
            gaps += [" Some parts of the school's records are missing ("]
            gaps += words(f.fig("rule.DQ-01.open"), "part") + ["), but no check needed them: see Data quality."]
    if f.get("findings.to_confirm"):
        gaps += [" "] + words(f.fig("findings.to_confirm"), "finding rests", "findings rest")
        gaps += [" on an entry that could not be read: counted apart until the entry is fixed."]
    detail = (
        "The DPO keeps a detailed report, with every finding, the exact check behind it and the records it "
        "concerns. It holds personal data, so it stays with the DPO; governors may ask to go through it."
    )
    trend_line = ""
    if rv.previous and f.has(f"history.{rv.previous['year']}.open"):
        last, this = rv.previous["year"], ctx.year
        trend_line = _p(
            [f"Last year's review ({last}) found "]
            + words(f.fig(f"history.{last}.open"), "open finding")
            + ["; this year's finds ", f.fig(f"history.{this}.open"), "."]
        )
    made_with = _p(["Made with lks-audit ", f.fig("tool.version"), " on ", rv.generated, "."])
    body = _p(made) + _p(gaps) + f"<p>{esc(detail)}</p>" + trend_line + made_with
    return section("method", "How this review was made", body, new_page=False)


def sign_off(rv: Review) -> HTML:
    lines = "".join(
        f'<div><dt>{esc(label)}</dt><dd><span class="lks-unseen">to fill in</span></dd></div>'
        for label in ("Minute reference", "Signed (chair of governors)", "Date")
    )
    body = f'<p>Presented to the governing body on {time_html(rv.meeting_date)}.</p><dl class="lks-sign">{lines}</dl>'
    return section("sign-off", "Sign-off", f'<div class="lks-signoff">{body}</div>', new_page=False)


__all__ = [
    "action_plan",
    "area_sections",
    "areas_overview",
    "decisions_list",
    "how_made",
    "last_year_and_lapsed",
    "questions_list",
    "sign_off",
    "title_block",
    "trend",
]
