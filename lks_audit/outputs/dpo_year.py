"""The DPO's year on the page: opinions and commentary per area, risks accepted, last year's actions, the
last five years, and (for the DPO only) every decision and the notices about them.

The governors' sections follow on from what is above them in print (no page of their own), so the page
stays short.

Each piece has a plain-data function (``*_rows``, or a small dataclass) and a display function returning one
section, or None when there is nothing to show; the notebook shows them as they are. The governors' pieces
name no person and no Finding ID (they hold Student IDs): they show counts beside their base, the DPO's words
(checked for personal data before anything is rendered) and rule descriptions. :func:`dpo_decisions` is for
the DPO's detail only (its notebook cell is tagged ``dpo``).
"""

from __future__ import annotations

from dataclasses import dataclass

from IPython.display import HTML

from ..dpo_review import ACCEPTED, NOT_A_BREACH, PERSONAL_TEXT
from ..findings import AREA_TITLES, AREAS
from ..history import YEARS_SHOWN
from ..rules import REGISTRY
from . import charts
from .action_plan import CARRIED_OVER, SINCE_LAST_YEAR
from .html import Raw, esc, long_date, number, plural, rag_label, section, table
from .review_data import Review


def _of(count: int, base: int, word: str, many: str | None = None) -> str:
    """``1 of 4 findings``: a count beside its base."""
    return f"{number(count)} of {plural(base, word, many)}"


def _day(iso: str | None) -> str:
    return long_date(iso) if iso else ""


# --- the DPO's opinion per area (governors) -------------------------------------------------------


def opinion_rows(rv: Review) -> list[dict]:
    """Per area with an opinion from the DPO: the rating the checks give beside the DPO's assurance, the
    commentary and where the evidence is kept."""
    rows = []
    for area in AREAS:
        opinion = rv.opinions.get(area)
        if opinion is None:
            continue
        rows.append(
            {
                "area": area,
                "title": AREA_TITLES[area],
                "rating": rv.summary["areas"][area]["rag"],
                "assurance": opinion.assurance,
                "commentary": opinion.commentary,
                "evidence": opinion.evidence,
            }
        )
    return rows


def opinion_html(rv: Review, area: str) -> str:
    """The DPO's assurance opinion of ``area`` beside the rating the checks give, the commentary and where the
    evidence is kept; empty when the DPO gave none. Shown in the area's own section."""
    opinion = rv.opinions.get(area)
    if opinion is None:
        return ""
    assurance = opinion.assurance or "not given"
    if assurance not in ("not given", "No assurance"):
        assurance += " assurance"
    return (
        f'<p class="lks-opinion">The checks rate it {esc(rv.summary["areas"][area]["rag"])}. '
        f"The Data Protection Officer's opinion: <strong>{esc(assurance)}</strong>.</p>"
        + (f"<p>{esc(opinion.commentary)}</p>" if opinion.commentary else "")
        + (f'<p class="lks-meta">Evidence kept in: {esc(opinion.evidence)}</p>' if opinion.evidence else "")
    )


# --- risks accepted (governors) --------------------------------------------------------------------


def accepted_risk_rows(rv: Review) -> list[dict]:
    """Per area with a decision in force: how many of its findings were accepted as risks (and judged not a
    breach), of all its findings, and each accepted risk's rule and reason."""
    rows = []
    for area in AREAS:
        info = rv.summary["areas"][area]
        mine = [f for f in rv.result.findings if f.area == area]
        accepted = [f for f in mine if f.decision and f.decision.decision == ACCEPTED]
        not_a_breach = [f for f in mine if f.decision and f.decision.decision == NOT_A_BREACH]
        if not accepted and not not_a_breach:
            continue
        rows.append(
            {
                "area": area,
                "title": info["title"],
                "rating": info["rag"],
                "findings": len(mine),
                "accepted": len(accepted),
                "not_a_breach": len(not_a_breach),
                "reasons": [
                    {
                        "rule": f.rule,
                        "severity": f.severity,
                        "clause": REGISTRY[f.rule].clause if f.rule in REGISTRY else "",
                        "reason": f.decision.reason,
                        "review_by": f.decision.review_by,
                    }
                    for f in accepted
                ],
            }
        )
    return rows


def accepted_html(rv: Review, area: str) -> str:
    """How many of ``area``'s findings the school accepts as risks (and judged not a breach), of all its
    findings, and why: each accepted risk by its plain title, with the DPO's reason and review date. Empty
    when no decision stands in the area. Shown in the area's own section."""
    row = next((r for r in accepted_risk_rows(rv) if r["area"] == area), None)
    if row is None:
        return ""
    parts = []
    if row["accepted"]:
        parts.append(f"{_of(row['accepted'], row['findings'], 'problem')} accepted as a risk")
    if row["not_a_breach"]:
        parts.append(f"{_of(row['not_a_breach'], row['findings'], 'problem')} judged not to break the policy")
    items = "".join(
        f"<li><strong>{esc(REGISTRY[x['rule']].title)}</strong>: {esc(x['reason'] or 'no reason recorded.')}"
        + (
            f' <span class="lks-meta">(looked at again by {esc(_day(x["review_by"]))})</span>'
            if x["review_by"]
            else ' <span class="lks-meta">(until withdrawn)</span>'
        )
        + "</li>"
        for x in row["reasons"]
    )
    return (
        f"<p>Decided by the Data Protection Officer, and left out of the rating while the decision stands: "
        f"{esc('; '.join(parts))}.</p>" + (f'<ul class="lks-accepted">{items}</ul>' if items else "")
    )


def accepted_risk_count(rv: Review) -> int:
    """How many findings the school accepts as risks, in all areas."""
    return sum(r["accepted"] for r in accepted_risk_rows(rv))


# --- last year's actions (governors) -------------------------------------------------------------------


@dataclass(frozen=True)
class CarryOver:
    """How this year's actions relate to last year's: of this year's actions, those last year also had."""

    actions: int
    carried_over: int


def carry_over(rv: Review) -> CarryOver | None:
    """Read from this year's plan, whose rows say what happened since last year (None without last year)."""
    if rv.last_year_actions is None:
        return None
    rules = {a["rule"] for a in rv.actions}
    carried = [r for r in rv.plan.plan.rows if r.get("Rule") in rules and r.get(SINCE_LAST_YEAR) == CARRIED_OVER]
    return CarryOver(len(rules), len(carried))


def last_year_actions(rv: Review) -> HTML | None:
    """How many of last year's actions were completed, and how many carry on into this year."""
    done = rv.last_year_actions
    if done is None:
        return None
    last = rv.previous["year"]
    sentences = []
    if done.done is None:
        sentences.append(
            f"Last year ({last}) had {plural(done.actions, 'action')}; whether they were marked done is not known, "
            "because last year's action plan was not given."
        )
    else:
        sentences.append(
            f"Last year ({last}) had {plural(done.actions, 'action')}: {_of(done.done, done.actions, 'action')} "
            f"{'was' if done.done == 1 else 'were'} marked done in last year's plan."
        )
    added = done.actions - done.from_checks  # rows the school added by hand: the checks cannot say
    if added:
        sentences.append(
            f"This year's checks find nothing open for {number(done.resolved)} of the "
            f"{plural(done.from_checks, 'action')} last year's checks gave; the other {number(added)} "
            f"{'was' if added == 1 else 'were'} added by the school."
        )
    else:
        sentences.append(
            f"This year's checks find nothing open for {_of(done.resolved, done.actions, 'action')} of last year."
        )
    carried = carry_over(rv)
    if carried and carried.actions:
        new = carried.actions - carried.carried_over
        sentences.append(
            f"Of this year's {plural(carried.actions, 'action')}, {number(carried.carried_over)} carry on from last "
            f"year and {number(new)} {'is' if new == 1 else 'are'} new."
        )
    body = f"<p>{esc(' '.join(sentences))}</p>"
    return section("last-year-actions", f"Last year's actions ({last})", body, new_page=False)


# --- five years (governors) ------------------------------------------------------------------------------


def history_rows(rv: Review) -> list[dict]:
    """The last five years (this one last): per year, each area's rating and open findings."""
    years = [(doc["year"], doc["summary"]["areas"]) for doc in rv.history]
    years.append((rv.ctx.year, rv.summary["areas"]))
    out = []
    for year, areas in years[-YEARS_SHOWN:]:
        out.append(
            {
                "year": year,
                "areas": {
                    a: {"rag": areas.get(a, {}).get("rag", "Grey"), "open": areas.get(a, {}).get("findings")}
                    for a in AREAS
                },
            }
        )
    return out


def five_year_history(rv: Review) -> HTML | None:
    """Each area's rating and open findings over the last five years, as a table and a chart."""
    rows = history_rows(rv)
    if len(rows) < 2:
        return None
    years = [r["year"] for r in rows]

    def cell(info: dict) -> str:
        return f"{rag_label(info['rag'])} {esc('?' if info['open'] is None else number(info['open']))}"

    grid = table(
        ["Area", *years],
        [[AREA_TITLES[a], *(Raw(cell(r["areas"][a])) for r in rows)] for a in AREAS],
        caption=f"Rating and number of open findings by area, {years[0]} to {years[-1]}",
    )
    series = {AREA_TITLES[a]: [r["areas"][a]["open"] or 0 for r in rows] for a in AREAS}
    alt = "Line chart of open findings by area and year: " + "; ".join(
        f"{title} " + ", ".join(f"{y} {n}" for y, n in zip(years, values)) for title, values in series.items()
    )
    figure = charts.lines_by_year(years, series, ylabel="Open findings", alt=alt,
                                  caption=f"Open findings by area, {years[0]} to {years[-1]}")  # fmt: skip
    lead = (
        f"How each area has moved over the last {plural(len(years), 'year')} of audits. A rating comes from the "
        "open findings of its year; fewer open findings is better."
    )
    return section("history", f"The last {len(years)} years", f"<p>{esc(lead)}</p>{figure}{grid}", new_page=False)


# --- the DPO's detail: every decision, and the notices -----------------------------------------------------


def decision_rows(rv: Review) -> list[dict]:
    """Every finding with a DPO decision, in force or lapsed: its ID, the decision and its reason; then each
    finding's earlier decisions (its history on the sheet), right after it."""
    rows: list[tuple[tuple, dict]] = []
    for f in rv.result.findings:
        decision, state = (f.decision, "in force") if f.decision else (f.lapsed_decision, "lapsed: counts again")
        if decision is None:
            continue
        history = [(d, "earlier decision (history)") for d in decision.earlier]
        for number_, (one, how) in enumerate([(decision, state), *history]):
            row = {
                "id": f.id,
                "decision": one.decision,
                "state": how,
                "reason": one.reason,
                "decided": " ".join(x for x in (one.decided_by, _day(one.decided_on)) if x),
                "review_by": _day(one.review_by) or "until withdrawn",
                "row": one.row,
            }
            rows.append(((decision.decision, decision.row or 0, number_), row))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def dpo_decisions(rv: Review) -> HTML | None:
    """For the DPO: each decision of dpo_review.xlsx with its finding and reason (Not a breach included), those
    that lapsed, and the notices about the review (a decision naming no finding, text naming someone)."""
    if rv.audience != "dpo":
        return None
    rows = decision_rows(rv)
    notices = [n for n in rv.result.notices if n.kind in ("dpo-decision", PERSONAL_TEXT)]
    if not rows and not notices:
        return None
    body = []
    if rows:
        body.append(
            table(
                ["Finding ID", "Decision", "State", "Reason", "Decided", "Review by", "Row"],
                [
                    [r["id"], r["decision"], r["state"], r["reason"] or "", r["decided"], r["review_by"], r["row"]]
                    for r in rows
                ],
                caption="Decisions in dpo_review.xlsx, sheet Decisions",
                css="lks-detail",
            )
        )
    if notices:
        items = "".join(f"<li>{esc(n.message)}</li>" for n in notices)
        body.append(f"<h3>Notices about the review</h3><ul>{items}</ul>")
    return section("dpo-decisions", "The DPO's decisions", "".join(body))
