"""The DPO's detail: the DPO's working papers, the cells tagged ``dpo`` of the annual review, left out of the
governors' page.

First what needs the DPO before the governors' meeting and after it (notices about the decisions, lapsed
decisions, critical findings, findings waiting on a data fix, decisions due for review, the DPO's own actions),
then the contents with page numbers, every rule with its one count, every finding with its file, sheet, cell and
Student ID, the breach register, the DPO's decisions with their history, the method with the rule parameters and
the input files' checksums and, with last year's counts, the trend by rule; the governors' page follows, as
governors read it. Every finding has an anchor (``finding-<ID>``) that the front page, the decisions, the register
and each finding to confirm (to the data fault it waits on) link to.

It prints on A4 landscape, laid out here onto numbered pages (:mod:`.paged`): the contents says where each part
starts, and the browser's PDF bookmarks come from the headings (h1 to h4, in order). Each function returns None
unless the review is the DPO's (``audience="dpo"``), so a governors' run of the notebook shows nothing here.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML

from ..breaches import day_text, moment_text
from ..findings import AREA_TITLES, AREAS, Finding, NoticeKind, Severity, rule_order
from ..params import Parameters
from ..personal import public_record
from ..rules import REGISTRY
from ..summary import SMALL_BASE
from ..summary_text import RECORD_WORKBOOKS, decision_words, rule_count, workbook_state
from ..version import __version__
from ..wording import fault_label
from ..worklist import LAPSED, OPEN, REVIEW_DUE, TO_CONFIRM, finding_state, review_horizon
from . import evidence, paged
from .action_plan import ACTION as TODO_HEADER
from .action_plan import DUE, FINDINGS, OWNER, RULE, STATUS
from .dpo_actions import RENEW, where
from .dpo_year import decision_rows
from .html import long_date, number, plural
from .paged import Column, Part, Row, cell, heading, para, table
from .review_data import Review

#: The notices about the DPO's own review: a decision that could not be applied, a personal value in text for
#: governors.
_DPO_NOTICES = (NoticeKind.DPO_DECISION, NoticeKind.DPO_TEXT_PERSONAL_DATA)

#: Record IDs listed per rule in the rules tables; the findings list has them all.
RECORDS_SHOWN = 8
#: Stands for a page number until the pages are known: as wide as any the detail will have.
_PAGE_MARK = re.compile(r"⟦page:([^⟧]+)⟧")
_WIDEST_PAGE = "999"
#: The anchor of the governors' page where the detail shows it (its title block).
GOVERNORS_ANCHOR = "h-review"
#: Owners of the plan's rows that are the DPO's own.
DPO_OWNERS = ("data protection officer", "dpo")


def _for_dpo(rv: Review) -> bool:
    return rv.audience == "dpo"


def _rule_anchor(rule_id: str) -> str:
    return f"rule-{rule_id}"


def finding_anchor(finding_id: str) -> str:
    """The anchor of a finding's row in "Every finding"."""
    return f"finding-{finding_id}"


def _e(value: object) -> str:
    return _html.escape("" if value is None else str(value))


def _page_of(anchor: str) -> str:
    """A page number in the text, filled in once the pages are known."""
    return f"⟦page:{anchor}⟧"


def _id_cell(finding_id: str, *, link: bool = True, anchor: bool = False) -> paged.Cell:
    """A finding ID whose parts (rule, record, student) are never split, breaking only after a colon; a link to the
    finding's row (or the row itself, ``anchor``)."""
    parts = ":<wbr>".join(f'<span class="lks-id">{_e(p)}</span>' for p in finding_id.split(":"))
    if link and not anchor:
        parts = f'<a href="#{_e(finding_anchor(finding_id))}">{parts}</a>'
    return cell(finding_id.replace(":", ": "), parts)


def _linked_ids(ids, text_of=lambda i: i) -> paged.Cell:
    """Finding IDs, each a link to its finding's row, one after another."""
    ids = list(ids)
    html = "; ".join(
        f'<a href="#{_e(finding_anchor(i))}">'
        + ":<wbr>".join(f'<span class="lks-id">{_e(p)}</span>' for p in i.split(":"))
        + f"</a>{_e(text_of(i)[len(i) :])}"
        for i in ids
    )
    return cell("; ".join(text_of(i).replace(":", ": ") for i in ids), html)


# --- the layout ---------------------------------------------------------------------------------------------


@dataclass
class Papers:
    """The DPO's part of the detail, laid out on numbered pages."""

    parts: dict[str, Part]
    #: Pages the DPO's part takes; the governors' page starts on the next.
    pages: int
    #: Anchor -> the page it prints on.
    page_of: dict[str, int]


_LAST: list = [None, None]


def papers(rv: Review) -> Papers:
    """The DPO's part of ``rv``, laid out once and shared by the notebook's cells (the latest review kept)."""
    if _LAST[0] is not rv:
        _LAST[:] = [rv, _lay_out(rv)]
    return _LAST[1]


def _lay_out(rv: Review) -> Papers:
    builders = (
        ("front", _front),
        ("contents", _contents),
        ("rules", _rules),
        ("detail", _findings),
        ("platforms", lambda rv: evidence.platform_blocks(rv, _id_cell)),
        ("register", _register),
        ("dpo-decisions", _decisions),
        ("dpo-method", _method),
        ("trend-rules", _trend),
    )
    parts = {}
    for key, build in builders:
        blocks = build(rv)
        if blocks:
            parts[key] = Part(key, blocks)
    pages = paged.paginate(parts.values())
    page_of = {b.id: b.page for part in parts.values() for b in part.blocks if b.id}
    page_of[GOVERNORS_ANCHOR] = pages + 1
    return Papers(parts, pages, page_of)


def _part(rv: Review, key: str) -> HTML | None:
    if not _for_dpo(rv):
        return None
    laid = papers(rv)
    part = laid.parts.get(key)
    if part is None:
        return None
    first = next(iter(laid.parts)) == key
    label = next((b.id for b in part.blocks if b.kind == "h2" and b.id), None)
    out = paged.render(part, first=first, label=label)
    out = _PAGE_MARK.sub(lambda m: str(laid.page_of.get(m.group(1), "")), out)
    return HTML((paged.print_css() if first else "") + out)


def _shows(key: str) -> Callable[[Review], HTML | None]:
    """What a notebook cell of the DPO's detail calls: the part ``key`` of the working papers, laid onto pages
    (None for governors, or when the part is empty)."""

    def show(rv: Review) -> HTML | None:
        return _part(rv, key)

    return show


#: What needs the DPO, first in the detail, with the personal-data banner and the print styles.
front_page = _shows("front")
#: Each part of the detail, each area and each rule, with the page each starts on.
contents = _shows("contents")
#: Every rule by area: its one count, what governors read, its exact semantics, its clause and its records.
rules = _shows("rules")
#: Every finding with its ID, file, sheet, cell, record, student and state: each one's anchor.
findings = _shows("detail")
#: The logs checked against the platforms' own archives: what was read, how it matched, every difference.
platforms = _shows("platforms")
#: The year's personal data breaches (UK GDPR Article 33(5)).
breach_register = _shows("register")
#: Every decision of dpo_review.xlsx with its finding, its state and its history; the notices about them.
decisions = _shows("dpo-decisions")
#: How the audit was made, exactly: rating, parameters, rules not assessed, input files and checksums.
method = _shows("dpo-method")
#: This year's open findings by rule against last year's; nothing without ``--previous``.
trend_by_rule = _shows("trend-rules")


# --- what needs the DPO ---------------------------------------------------------------------------------------


BANNER = (
    "Contains personal data. For the Data Protection Officer only: this detail names student IDs and records. Keep "
    "it on school systems and do not forward it; governors receive annual-review.html."
)


def _states(rv: Review) -> list[tuple[Finding, str]]:
    return [(f, finding_state(f, rv.meeting_date)) for f in rv.result.findings]


def _group(title: str, count: int, blocks: list) -> list:
    """A group of the front page: its heading with how many, and its table, or "None."."""
    return [heading(4, f"{title} ({count})")] + (blocks if count else [para("None.")])


def _front(rv: Review) -> list:
    ctx, summary = rv.ctx, rv.summary
    states = _states(rv)
    by_id = {f.id: f for f in rv.result.findings}
    meeting = long_date(rv.meeting_date)
    critical_open = sum(1 for f, s in states if f.severity == Severity.CRITICAL and s in (OPEN, LAPSED))
    breaches = len(rv.breaches.breaches)
    counts = (
        f"{plural(summary['open_findings'], 'open finding')} ({critical_open:,} critical), "
        f"{summary['to_confirm']:,} to confirm once the data is fixed, "
        f"{sum(1 for f, _ in states if f.decision):,} set aside by your decisions, "
        f"{sum(1 for f, _ in states if f.lapsed_decision):,} with a lapsed decision"
    )
    undecided = summary.get("undecided", 0)
    counts += f", {undecided:,} more records could not be checked" if undecided else ""
    register = (
        f"; {plural(breaches, 'personal data breach', 'personal data breaches')} (the register is on page "
        f"{_WIDEST_PAGE})"
        if not rv.breaches.unavailable
        else ""
    )
    register_html = register.replace(_WIDEST_PAGE, _page_of("h-register"))
    blocks = [
        paged.Block(
            "note", f"<strong>Contains personal data.</strong> {_e(BANNER[len('Contains personal data. ') :])}", BANNER
        ),
        heading(1, f"The DPO's detail: {rv.school}, {ctx.year}", "h-dpo"),
        para(
            f"Audit as of {long_date(ctx.as_of)}; governors' meeting {meeting}. {counts}{register}.",
            f"Audit as of {_e(long_date(ctx.as_of))}; governors' meeting {_e(meeting)}. {_e(counts)}"
            f"{_e(register_html)}.",
        ),
        heading(2, "What needs the DPO", "h-front"),
        heading(3, f"Before the meeting on {meeting}", "h-before"),
    ]
    notices = [n for n in rv.result.notices if n.kind in _DPO_NOTICES]
    blocks += _group(
        "Notices about your decisions: not applied, or naming someone",
        len(notices),
        [para(n.message, _notice_html(n), kind="li") for n in notices],
    )
    lapsed = [f for f, s in states if s == LAPSED]
    blocks += _group(
        "Lapsed decisions: the finding counts again",
        len(lapsed),
        [
            table(
                [
                    Column("Finding ID", 0.2),
                    Column("Severity", 0.07),
                    Column("Decision", 0.28),
                    Column("What to do", 0.45),
                ],
                [
                    Row(
                        [
                            _id_cell(f.id),
                            cell(f.severity.capitalize()),
                            cell(decision_words(f.lapsed_decision)),
                            cell(f"To renew it, {RENEW}; or act: {REGISTRY[f.rule].action}"),
                        ]
                    )
                    for f in lapsed
                ],  # fmt: skip
            )
        ],
    )
    critical = [(f, s) for f, s in states if f.severity == Severity.CRITICAL and s in (OPEN, LAPSED, TO_CONFIRM)]
    blocks += _group("Critical findings open or to confirm", len(critical), [_finding_table(critical, by_id)])
    waiting = [(f, s) for f, s in states if s == TO_CONFIRM]
    blocks += _group("Findings waiting on a data fix", len(waiting), [_finding_table(waiting, by_id)])
    if undecided:
        more = f"{plural(undecided, 'more record')} could not be checked until the entries are fixed: listed on page "
        link = f'<a href="#findings-undecided">page {_page_of("findings-undecided")}</a>'
        blocks.append(para(f"{more}{_WIDEST_PAGE}.", f"{_e(more[: -len('page ')])}{link}."))
    blocks.append(heading(3, "After the meeting", "h-after"))
    horizon = long_date(review_horizon(rv.meeting_date))
    due = [f for f, s in states if s == REVIEW_DUE]
    blocks += _group(
        f"Decisions due for review by {horizon}",
        len(due),
        [
            table(
                [Column("Finding ID", 0.2), Column("Decision", 0.1), Column("Review by", 0.1), Column("Reason", 0.6)],
                [
                    Row(
                        [
                            _id_cell(f.id),
                            cell(f.decision.decision),
                            cell(_uk(f.decision.review_by)),
                            cell(f.decision.reason or ""),
                        ]
                    )
                    for f in due
                ],  # fmt: skip
            )
        ],
    )
    own = [r for r in rv.plan.plan.rows if str(r.get(OWNER) or "").strip().casefold() in DPO_OWNERS]
    blocks += _group(
        "Your actions in the action plan",
        len(own),
        [
            table(
                [
                    Column("Rule", 0.07),
                    Column("Findings", 0.25),
                    Column("What to do", 0.5),
                    Column("Due", 0.09),
                    Column("Status", 0.09),
                ],
                [
                    Row(
                        [
                            cell(r.get(RULE), nowrap=True),
                            cell(r.get(FINDINGS)),
                            cell(r.get(TODO_HEADER)),
                            cell(_uk(r.get(DUE))),
                            cell(r.get(STATUS)),
                        ]
                    )
                    for r in own
                ],  # fmt: skip
            )
        ],
    )
    return blocks


def _uk(day) -> str:
    return "" if day is None or day == "" else f"{pd.Timestamp(day):%d/%m/%Y}"


def _notice_html(notice) -> str:
    """A notice, the finding it was probably meant for linked."""
    text = _e(notice.message)
    if notice.suggestion:
        meant = _e(notice.suggestion)
        link = f'<a href="#{_e(finding_anchor(notice.suggestion))}"><span class="lks-id">{meant}</span></a>'
        text = text.replace(f"did you mean {meant}?", f"did you mean {link}?")
    return text


def _state_words(f: Finding, state: str, by_id: dict) -> paged.Cell:
    """A finding's state as the DPO reads it; to confirm, with links to the data faults it waits on."""
    if state == TO_CONFIRM:
        ids = _faults(f.depends_on, by_id)
        return cell(f"To confirm once fixed: {ids.text}", f"To confirm once fixed: {ids.html}")
    if f.decision is not None:
        return cell(f"{state}: {decision_words(f.decision)}")
    if state == LAPSED:
        return cell(f"Open again: the decision lapsed on {_uk(f.lapsed_decision.review_by)}")
    return cell(state)


def _faults(fault_ids, by_id: dict) -> paged.Cell:
    """The data-quality findings something waits on, each linked, with the cell to fix."""
    return _linked_ids(fault_ids, lambda d: fault_label(d, by_id, bracketed=True))


def _finding_table(found: list[tuple[Finding, str]], by_id: dict) -> paged.Block:
    return table(
        [Column("Finding ID", 0.2), Column("State", 0.2), Column("Where", 0.15), Column("Finding", 0.45)],
        [Row([_id_cell(f.id), _state_words(f, s, by_id), cell(where(f)), cell(f.message)]) for f, s in found],
    )


# --- contents -------------------------------------------------------------------------------------------------

#: The parts the contents lists, by the anchor of the heading that starts each.
PART_TITLES = {
    "h-front": "What needs the DPO",
    "h-contents": "Contents",
    "h-rules": "Every rule, by area",
    "h-detail": "Every finding",
    evidence.ANCHOR: evidence.TITLE,
    "h-register": "Personal data breach register",
    "h-dpo-decisions": "The DPO's decisions",
    "h-dpo-method": "Method and data",
    "h-trend-rules": "Trend by rule",
}


def _contents(rv: Review) -> list:
    rows = []
    present = {"h-front", "h-contents", "h-rules", "h-detail", evidence.ANCHOR, "h-dpo-method"}
    if not rv.breaches.unavailable:
        present.add("h-register")
    if _has_decisions(rv):
        present.add("h-dpo-decisions")
    if rv.previous is not None:
        present.add("h-trend-rules")
    page = lambda anchor: cell(_WIDEST_PAGE, _page_of(anchor))  # noqa: E731
    for anchor, title in PART_TITLES.items():
        if anchor not in present:
            continue
        rows.append(Row([cell(title, f'<a href="#{anchor}">{_e(title)}</a>'), page(anchor)]))
        if anchor == "h-rules":
            for area in AREAS:
                ids = sorted((r for r in REGISTRY if REGISTRY[r].area == area), key=rule_order)
                links = " ".join(f'<a class="lks-id" href="#{_rule_anchor(r)}">{_e(r)}</a>' for r in ids)
                text = f"{AREA_TITLES[area]}: {' '.join(ids)}"
                html = f'<a href="#dpo-area-{area}">{_e(AREA_TITLES[area])}</a>: {links}'
                rows.append(Row([cell(text, html), page(f"dpo-area-{area}")]))
        if anchor == "h-detail":
            for area in AREAS:
                if any(f.area == area for f in rv.result.findings):
                    title_ = AREA_TITLES[area]
                    rows.append(
                        Row([cell(title_, f'<a href="#findings-{area}">{_e(title_)}</a>'), page(f"findings-{area}")])
                    )
            if rv.result.undecided:
                title_ = "Could not be checked until the entries are fixed"
                rows.append(
                    Row([cell(title_, f'<a href="#findings-undecided">{_e(title_)}</a>'), page("findings-undecided")])
                )
    governors = "The governors' page, as governors read it (printed upright)"
    rows.append(Row([cell(governors, f'<a href="#{GOVERNORS_ANCHOR}">{_e(governors)}</a>'), page(GOVERNORS_ANCHOR)]))
    return [
        heading(2, "Contents", "h-contents"),
        table([Column("Part", 0.9), Column("Page", 0.1, numeric=True)], rows, css="lks-contents"),
    ]


# --- every rule, every finding --------------------------------------------------------------------------------


def _records(rule_findings) -> paged.Cell:
    """Record IDs of a rule's findings (accounts, posts, interactions, incidents), a few at most, each linking to
    its first finding: the DPO's view, so the posts behind findings about children too."""
    first: dict[str, str] = {}
    for f in rule_findings:
        if public_record(f):
            first.setdefault(f.record, f.id)
    ids = list(first)
    shown = ids[:RECORDS_SHOWN]
    html = ", ".join(f'<a class="lks-id" href="#{_e(finding_anchor(first[r]))}">{_e(r)}</a>' for r in shown)
    text = ", ".join(shown)
    if len(ids) > RECORDS_SHOWN:
        more = f" and {number(len(ids) - RECORDS_SHOWN)} more"
        html, text = html + more, text + more
    return cell(text, html)


def _rules(rv: Review) -> list:
    by_rule: dict[str, list] = {}
    for f in rv.result.findings:
        by_rule.setdefault(f.rule, []).append(f)
    not_assessed = {n.rule: n.reason for n in rv.result.not_assessed}
    blocks = [
        heading(2, "Every rule, by area", "h-rules"),
        para(
            "Every rule, with its open findings against what it checked, then those to confirm once the data is "
            "fixed, with a lapsed decision and set aside by your decisions (the same count check, the worklist and "
            "the governors' figures give); the title governors read, its exact semantics and the policy clause it "
            "enforces."
        ),
    ]
    columns = [
        Column("Rule", 0.07),
        Column("Severity", 0.07),
        Column("Findings", 0.16),
        Column("Governors read", 0.13),
        Column("What it checks", 0.23),
        Column("Policy clause", 0.22),
        Column("Records", 0.12),
    ]
    for area in AREAS:
        rows = []
        for r in sorted((r for r in REGISTRY if REGISTRY[r].area == area), key=rule_order):
            rule, counted = REGISTRY[r], rv.summary["rules"][r]
            found = f"not assessed: {not_assessed[r]}" if r in not_assessed else rule_count(r, counted)
            rows.append(
                Row(
                    [
                        cell(r, f'<span id="{_rule_anchor(r)}" class="lks-id">{_e(r)}</span>', nowrap=True),
                        cell(rule.severity.capitalize()),
                        cell(found),
                        cell(rule.title),
                        cell(rule.meaning),
                        cell(rule.clause),
                        _records(by_rule.get(r, ())),
                    ]
                )  # fmt: skip
            )
        title = rv.summary["areas"][area]["title"]
        blocks += [heading(3, title, f"dpo-area-{area}"), table(columns, rows, caption=f"{title}: every rule")]
    return blocks


def _findings(rv: Review) -> list:
    states = dict((f.id, s) for f, s in _states(rv))
    by_id = {f.id: f for f in rv.result.findings}
    waiting = sum(1 for f in rv.result.findings if f.waits_on_data)
    blocks = [
        heading(2, "Every finding", "h-detail"),
        para(
            f"{plural(len(rv.result.findings), 'finding')}, most severe first, by area; "
            f"{plural(waiting, 'finding waits', 'findings wait')} on a data fix and {'does' if waiting == 1 else 'do'} "
            "not count in the rating. A finding to confirm links to the data fault it waits on."
        ),
    ]
    columns = [
        Column("Finding ID", 0.17),
        Column("Severity", 0.065),
        Column("Where", 0.145),
        Column("Student ID", 0.065),
        Column("Finding", 0.355),
        Column("State", 0.2),
    ]
    for area in AREAS:
        found = [f for f in rv.result.findings if f.area == area]
        if not found:
            continue
        rows = [
            Row(
                [
                    _id_cell(f.id, anchor=True),
                    cell(f.severity.capitalize()),
                    cell(where(f)),
                    cell(f.student, nowrap=True),
                    cell(f.message),
                    _state_words(f, states[f.id], by_id),
                ],
                id=finding_anchor(f.id),
            )  # fmt: skip
            for f in found
        ]
        title = AREA_TITLES[area]
        blocks += [heading(3, title, f"findings-{area}"), table(columns, rows, caption=f"{title}: every finding")]
    return blocks + _undecided(rv, by_id)


def _undecided(rv: Review, by_id: dict) -> list:
    """The records no rule could decide because an entry it needs could not be read, with the entries to fix."""
    waiting = rv.result.undecided
    if not waiting:
        return []
    columns = [
        Column("Record", 0.2),
        Column("File", 0.14),
        Column("Sheet", 0.1),
        Column("Row", 0.05, numeric=True),
        Column("Student ID", 0.08),
        Column("Waits on", 0.43),
    ]
    rows = [
        Row(
            [
                _id_cell(u.id, link=False),  # no finding to link to; a long DQ ID breaks after a colon
                cell(u.file or ""),
                cell(u.sheet or ""),
                cell(u.row or ""),
                cell(u.student or "", nowrap=True),
                _faults(u.waits_on, by_id),
            ]
        )  # fmt: skip
        for u in waiting
    ]
    return [
        heading(3, "Could not be checked until the entries are fixed", "findings-undecided"),
        para(
            f"{plural(len(waiting), 'record')} {'is' if len(waiting) == 1 else 'are'} neither a finding nor a pass: an "
            "entry the rule needs could not be read, and some value of it would give a finding. Each is left out of "
            "what its rule checked, and is checked once the entries named are fixed."
        ),
        table(columns, rows, caption="Records that could not be checked until the entries are fixed"),
    ]


# --- the breach register ---------------------------------------------------------------------------------------


def _register(rv: Review) -> list:
    register = rv.breaches
    if register.unavailable:
        return []
    lead = (
        f"{plural(len(register.breaches), 'personal data breach', 'personal data breaches')} this year: every "
        "incident the log marks as a personal data breach (Personal data breach Yes, or that Category), counted "
        "the same way as the checks and the governors' page count them, with what UK GDPR Article 33(5) asks the "
        f"school to document, as the incidents log records it. The {rv.ctx.params.ico_hours:g} hours run from when "
        "the school became aware."
    )
    if register.missing:
        lead += f" Not in the log (shown blank): {', '.join(register.missing)}."
    if register.maybe:
        lead += (
            f" Not counted until the entries are fixed, as the checks leave them undecided: "
            f"{plural(len(register.maybe), 'incident')} whose Personal data breach or Category could not be read "
            f"({', '.join(register.maybe)})."
        )
    columns = [
        Column("Incident", 0.065),
        Column("Category", 0.085),
        Column("What happened; outcome", 0.165),
        Column("Aware", 0.08),
        Column("DPO told", 0.08),
        Column("Assessed", 0.08),
        Column("ICO decision", 0.07),
        Column("72 hours ended", 0.08),
        Column("Reported to ICO", 0.08),
        Column("Who was told", 0.075),
        Column("Closed", 0.06),
        Column("Findings", 0.08),
    ]
    columns[7].header = f"{rv.ctx.params.ico_hours:g} hours ended"
    rows = []
    for b in register.breaches:
        what = "; ".join(x for x in (b.summary, b.outcome and f"outcome: {b.outcome}") if x)
        if not b.flagged:
            what += " (marked a breach by its category only)"
        ico = {True: "reportable", False: "not reportable", None: "not recorded"}[b.ico_reportable]
        assessed = moment_text(b.assessed_at)
        rows.append(
            Row(
                [
                    cell(b.incident or f"row {b.row}", nowrap=True),
                    cell(b.category),
                    cell(what),
                    cell(moment_text(b.aware_at)),
                    cell(moment_text(b.dpo_informed_at) or "not recorded"),
                    cell(assessed or "not recorded"),
                    cell(ico),
                    cell(moment_text(b.ico_deadline)),
                    cell(moment_text(b.reported_to_ico_at) or ("not reported" if b.ico_reportable else "")),
                    cell(b.told),
                    cell(day_text(b.closed_on) or "open"),
                    _linked_ids(b.findings),
                ]
            )  # fmt: skip
        )
    return [
        heading(2, "Personal data breach register", "h-register"),
        para(lead),
        table(columns, rows, caption="Personal data breaches, in the order of the incidents log"),
    ]


# --- the DPO's decisions -----------------------------------------------------------------------------------------


def _has_decisions(rv: Review) -> bool:
    return bool(decision_rows(rv)) or any(n.kind in _DPO_NOTICES for n in rv.result.notices)


def _decisions(rv: Review) -> list:
    if not _has_decisions(rv):
        return []
    rows = decision_rows(rv)
    blocks = [
        heading(2, "The DPO's decisions", "h-dpo-decisions"),
        para(
            "Each decision of dpo_review.xlsx with its finding: the one in force (or lapsed), then its earlier rows "
            "on the sheet, its history. To renew a decision, add a new row: the latest Decided on is in force."
        ),
    ]
    if rows:
        columns = [
            Column("Finding ID", 0.18),
            Column("Decision", 0.09),
            Column("State", 0.12),
            Column("Reason", 0.33),
            Column("Decided", 0.14),
            Column("Review by", 0.09),
            Column("Row", 0.05, numeric=True),
        ]
        blocks.append(
            table(
                columns,
                [
                    Row(
                        [
                            _id_cell(r["id"]),
                            cell(r["decision"]),
                            cell(r["state"]),
                            cell(r["reason"] or ""),
                            cell(r["decided"]),
                            cell(r["review_by"]),
                            cell(r["row"]),
                        ]
                    )
                    for r in rows
                ],  # fmt: skip
                caption="Decisions in dpo_review.xlsx, sheet Decisions",
            )
        )
    notices = [n for n in rv.result.notices if n.kind in _DPO_NOTICES]
    if notices:
        blocks.append(heading(3, "Notices about the review", "h-dpo-notices"))
        blocks += [para(n.message, _notice_html(n), kind="li") for n in notices]
    return blocks


# --- method and trend ----------------------------------------------------------------------------------------------


def _method(rv: Review) -> list:
    ctx = rv.ctx
    share = f"{ctx.params.systemic_share:g}"
    text = (
        f"lks-audit {__version__} loaded the {RECORD_WORKBOOKS} workbooks of the data contract, read every cell as its "
        "kind (date, yes/no, choice and so on) and applied each rule of the audit to the records of the academic "
        f"year {long_date(ctx.start)} to {long_date(ctx.end)}, as they stood on {long_date(ctx.as_of)}. Rules about a "
        "standing state (accounts, applications, the policy, training, open incidents, data quality) use every "
        "row. Working days are Monday to Friday, excluding England bank holidays and the school's closure days. "
        "A rule whose workbook, sheet or column is missing is listed below as not assessed, never counted as "
        f"passed. An area is Red with any critical finding, or with a high-severity rule whose findings reach "
        f"{share}% of what it checked (any, when it checked fewer than {SMALL_BASE}); Amber with any other high or "
        "medium finding; Green otherwise; and Grey when part of it could not be assessed and nothing above advisory "
        "was found. A finding that rests on a cell which could not be read, or on an ID that does not resolve, is to "
        "be confirmed once the data is fixed and does not count. The action plan's due dates count from the "
        f"governors' meeting ({long_date(rv.meeting_date)}); a decision is due for review when its Review by falls "
        f"within three months of it (by {long_date(review_horizon(rv.meeting_date))})."
    )
    defaults = Parameters().as_dict()
    params = table(
        [Column("Parameter", 0.3), Column("Value", 0.3), Column("Default", 0.4)],
        [
            Row([cell(k), cell(v), cell("yes" if v == defaults.get(k) else f"no (default {defaults.get(k)})")])
            for k, v in ctx.params.as_dict().items()
        ],
        caption="Rule parameters used",
    )
    blocks = [
        heading(2, "Method and data", "h-dpo-method"),
        heading(3, "Method"),
        para(text),
        heading(3, "Parameters"),
        params,
        heading(3, "Rules not assessed"),
    ]
    if rv.result.not_assessed:
        blocks.append(
            table(
                [Column("Rule", 0.1), Column("Area", 0.2), Column("Why not assessed", 0.7)],
                [
                    Row([cell(n.rule, nowrap=True), cell(AREA_TITLES.get(n.area, n.area)), cell(n.reason)])
                    for n in rv.result.not_assessed
                ],
                caption="Rules not assessed",
            )
        )
    else:
        blocks.append(para("Every rule was assessed."))
    files = []
    for info in rv.data.files:
        rows_read = "; ".join(f"{sheet}: {number(n)}" for sheet, n in info.rows.items()) or "none"
        sha = info.sha256 or "none"
        files.append(
            Row(
                [
                    cell(info.file),
                    cell(workbook_state(info)),
                    cell(rows_read),
                    cell(sha, f'<code class="sha">{_e(sha)}</code>', nowrap=True),
                ]
            )
        )
    blocks += [
        heading(3, "Input files"),
        para("The checksums identify the exact files audited: any change to a file changes its checksum."),
        table(
            [Column("File", 0.2), Column("Status", 0.14), Column("Rows", 0.22), Column("SHA-256", 0.44)],
            files,
            caption="Input files, with rows read per sheet and SHA-256 checksum",
        ),
    ]
    return blocks


def _change(before: int, now: int) -> paged.Cell:
    diff = now - before
    if diff > 0:
        return cell(
            f"up {number(diff)}", f'<span class="trend-up"><span aria-hidden="true">▲ </span>up {number(diff)}</span>'
        )
    if diff < 0:
        return cell(
            f"down {number(-diff)}",
            f'<span class="trend-down"><span aria-hidden="true">▼ </span>down {number(-diff)}</span>',
        )
    return cell("no change")


def _trend(rv: Review) -> list:
    if rv.previous is None:
        return []
    last = next((doc for doc in rv.history if doc["year"] == str(rv.previous["year"])), None)
    prev = (last or rv.previous)["summary"]
    year_before, this = str(rv.previous["year"]), rv.ctx.year
    now = rv.summary["by_rule"]
    rule_ids = sorted(set(prev["by_rule"]) | set(now), key=rule_order)
    before = prev["by_rule"]
    rows = [
        Row([cell(r, nowrap=True), cell(REGISTRY[r].meaning if r in REGISTRY else ""), cell(number(before.get(r, 0))),
             cell(number(now.get(r, 0))), _change(before.get(r, 0), now.get(r, 0))])
        for r in rule_ids
    ]  # fmt: skip
    blocks = [heading(2, f"Trend by rule against {year_before}", "h-trend-rules")]
    if rows:
        columns = [Column("Rule", 0.08), Column("What it checks", 0.6), Column(year_before, 0.1, numeric=True),
                   Column(this, 0.1, numeric=True), Column("Change", 0.12)]  # fmt: skip
        blocks.append(table(columns, rows, caption=f"Open findings by rule, {year_before} and {this}"))
    else:
        blocks.append(para("No findings in either year."))
    return blocks


__all__ = [
    "breach_register",
    "contents",
    "decisions",
    "findings",
    "front_page",
    "method",
    "papers",
    "rules",
    "trend_by_rule",
]
