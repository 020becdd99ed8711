"""The DPO's detail: the cells tagged ``dpo`` of the annual review, removed from the governors' page.

A banner and a contents list first, then (after the governors' page, which the detail also shows)
every rule with its exact semantics, every finding with its file, sheet, cell and Student ID, the
method with the rule parameters, the rules not assessed with the files they needed, the input files'
checksums and, with last year's findings, the trend by rule. Each function returns None unless the
review is the DPO's (``audience="dpo"``), so a governors' run of the notebook shows nothing here.
"""

from __future__ import annotations

from IPython.display import HTML

from ..findings import AREA_TITLES, AREAS, rule_order
from ..params import Parameters
from ..personal import public_record
from ..rules import REGISTRY
from ..summary import decision_words, not_checked, of_base
from ..version import __version__
from .html import Raw, esc, long_date, number, plural, record_ids, section, table
from .review_data import Review

#: Record IDs listed per rule in the rule tables; the findings list has them all.
RECORDS_SHOWN = 8


def _for_dpo(rv: Review) -> bool:
    return rv.audience == "dpo"


def _rule_anchor(rule_id: str) -> str:
    return f"rule-{rule_id}"


def banner(rv: Review) -> HTML | None:
    if not _for_dpo(rv):
        return None
    return HTML(
        '<div class="lks-banner" role="note"><strong>Contains personal data.</strong> For the Data '
        "Protection Officer only: this detail names student IDs and records. Keep it on school systems "
        "and do not forward it; governors receive annual-review.html.</div>"
    )


def contents(rv: Review) -> HTML | None:
    """Links to the governors' page, each area's rules and each rule, the findings and the method."""
    if not _for_dpo(rv):
        return None
    areas = []
    for area in AREAS:
        rules = sorted((r for r in REGISTRY if REGISTRY[r].area == area), key=rule_order)
        links = " ".join(f'<a class="lks-id" href="#{_rule_anchor(r)}">{esc(r)}</a>' for r in rules)
        areas.append(f'<li><a href="#dpo-area-{area}">{esc(AREA_TITLES[area])}</a>: {links}</li>')
    trend = '<li><a href="#h-trend-rules">Trend by rule</a></li>' if rv.previous else ""
    decided = any(f.decision or f.lapsed_decision for f in rv.result.findings) or any(
        n.kind.startswith("dpo-") for n in rv.result.notices
    )
    decisions = '<li><a href="#h-dpo-decisions">The DPO\'s decisions</a></li>' if decided else ""
    return HTML(
        '<nav class="lks-contents" aria-label="Contents"><p><strong>Contents</strong></p><ol>'
        '<li><a href="#h-areas">The governors\' page</a></li>'
        f'<li><a href="#h-rules">Every rule, by area</a><ul>{"".join(areas)}</ul></li>'
        '<li><a href="#h-detail">Every finding</a></li>'
        '<li><a href="#h-platforms">Checked against the platforms</a></li>'
        f"{decisions}"
        '<li><a href="#h-dpo-method">Method and data</a></li>'
        f"{trend}</ol></nav>"
    )


def _records(findings) -> Raw:
    """Non-personal record IDs of findings (accounts, posts, interactions, incidents), a few at most: the DPO's
    view, so the posts behind findings about children too."""
    return record_ids(dict.fromkeys(f.record for f in findings if public_record(f)), RECORDS_SHOWN)


def _finding_id(finding_id: str) -> Raw:
    """A finding ID whose parts (rule, record, student) are never split, breaking only after a colon."""
    return Raw(":<wbr>".join(f'<span class="lks-id">{esc(part)}</span>' for part in finding_id.split(":")))


def rules(rv: Review) -> HTML | None:
    """Every rule by area: its count against what it checked, what governors read, its exact semantics,
    its clause and the records it names."""
    if not _for_dpo(rv):
        return None
    by_rule: dict[str, list] = {}
    for f in rv.result.findings:
        by_rule.setdefault(f.rule, []).append(f)
    not_assessed = {n.rule: n.reason for n in rv.result.not_assessed}
    body = [
        "<p>Every rule, with its findings against what it checked (those waiting on a data fix apart), the "
        "title governors read, its exact semantics and the policy clause it enforces.</p>"
    ]
    for area in AREAS:
        info = rv.summary["areas"][area]
        rows = []
        for r in sorted((r for r in REGISTRY if REGISTRY[r].area == area), key=rule_order):
            rule, counted = REGISTRY[r], rv.summary["rules"][r]
            if r in not_assessed:
                found = f"not assessed: {not_assessed[r]}"
            else:
                found = of_base(counted["open"], counted["checked"], rule.counts)
                found += f"; {counted['to_confirm']} to confirm" if counted["to_confirm"] else ""
                found += f"; {not_checked(counted['undecided'])}" if counted.get("undecided") else ""
            rows.append(
                [
                    Raw(f'<span id="{_rule_anchor(r)}" class="lks-id">{esc(r)}</span>'),
                    rule.severity.capitalize(),
                    found,
                    rule.title,
                    rule.meaning,
                    rule.clause,
                    _records(by_rule.get(r, ())),
                ]
            )
        body.append(
            f'<h3 id="dpo-area-{area}">{esc(info["title"])}</h3>'
            + table(
                ["Rule", "Severity", "Findings", "Governors read", "What it checks", "Policy clause", "Records"],
                rows,
                css="lks-rules",
                caption=f"{info['title']}: every rule",
            )
        )
    return section("rules", "Every rule, by area", "".join(body))


def findings(rv: Review) -> HTML | None:
    """Every finding with its ID, file, sheet, cell, record and student: the DPO's worklist."""
    if not _for_dpo(rv):
        return None
    by_id = {f.id: f for f in rv.result.findings}

    def status(f) -> str:
        if f.decision:
            return f"set aside by the DPO: {decision_words(f.decision)}"
        if f.is_open:
            return "open" + ("; the DPO's decision has lapsed" if f.lapsed_decision else "")
        fixes = "; ".join(f"{d} ({by_id[d].file} {by_id[d].cell})" if by_id.get(d) and by_id[d].cell else d
                          for d in f.depends_on)  # fmt: skip
        return f"to confirm once the data is fixed: {fixes}"

    waiting = sum(1 for f in rv.result.findings if f.waits_on_data)
    body = [
        f"<p>{plural(len(rv.result.findings), 'finding')}, most severe first, by area; "
        f"{plural(waiting, 'finding waits', 'findings wait')} on a data fix and {'does' if waiting == 1 else 'do'} "
        "not count in the status.</p>"
    ]
    for area in AREAS:
        found = [f for f in rv.result.findings if f.area == area]
        if not found:
            continue
        rows = [
            [
                f.id,
                f.severity,
                f.file or "",
                f.sheet or "",
                f.cell or f.row or "",
                f.student or "",
                f.message,
                status(f),
            ]
            for f in found
        ]
        body.append(
            f"<h3>{esc(AREA_TITLES[area])}</h3>"
            + table(
                ["Finding ID", "Severity", "File", "Sheet", "Cell", "Student ID", "Finding", "Status"],
                rows,
                css="lks-detail",
                caption=f"{AREA_TITLES[area]}: every finding",
            )
        )
    body.append(_undecided(rv, by_id))
    return section("detail", "Every finding", "".join(body))


def _undecided(rv: Review, by_id: dict) -> str:
    """The records no rule could decide because an entry it needs could not be read, with the entries to fix."""
    waiting = getattr(rv.result, "undecided", ())
    if not waiting:
        return ""
    rows = [
        [
            u.id,
            u.file or "",
            u.sheet or "",
            u.row or "",
            u.student or "",
            "; ".join(
                f"{d} ({by_id[d].file} {by_id[d].cell})" if by_id.get(d) and by_id[d].cell else d for d in u.waits_on
            ),  # fmt: skip
        ]
        for u in waiting
    ]
    return (
        f"<h3>Could not be checked until the entries are fixed</h3><p>{plural(len(waiting), 'record')} "
        f"{'is' if len(waiting) == 1 else 'are'} neither a finding nor a pass: an entry the rule needs could not be "
        "read, and some value of it would give a finding. Each is left out of what its rule checked, and is checked "
        "once the entries named are fixed.</p>"
        + table(
            ["Record", "File", "Sheet", "Row", "Student ID", "Waits on"],
            rows,
            css="lks-detail",
            caption="Records that could not be checked until the entries are fixed",
        )
    )


def method(rv: Review) -> HTML | None:
    """How the audit was made, exactly: rating, parameters, rules not assessed, input files and checksums."""
    if not _for_dpo(rv):
        return None
    ctx = rv.ctx
    share = f"{ctx.params.systemic_share:g}"
    text = (
        f"lks-audit {esc(__version__)} loaded the eight workbooks of the data contract, read every cell as its "
        "kind (date, yes/no, choice and so on) and applied each rule of the audit to the records of the academic "
        f"year {long_date(ctx.start)} to {long_date(ctx.end)}, as they stood on {long_date(ctx.as_of)}. Rules about a "
        "standing state (accounts, applications, the policy, training, open incidents, data quality) use every "
        "row. Working days are Monday to Friday, excluding England bank holidays and the school's closure days. "
        "A rule whose workbook, sheet or column is missing is listed below as not assessed, never counted as "
        f"passed. An area is Red with any critical finding, or with a high-severity rule whose findings reach "
        f"{share}% of what it checked (any, when it checked fewer than 20); Amber with any other high or medium "
        "finding; Green otherwise; and Grey when part of it could not be assessed and nothing above advisory was "
        "found. A finding that rests on a cell which could not be read, or on an ID that does not resolve, is to "
        "be confirmed once the data is fixed and does not count. The action plan's due dates count from the "
        f"governors' meeting ({long_date(rv.meeting_date)})."
    )
    defaults = Parameters().as_dict()
    params = table(
        ["Parameter", "Value", "Default"],
        [
            [k, v, "yes" if v == defaults.get(k) else f"no (default {defaults.get(k)})"]
            for k, v in ctx.params.as_dict().items()
        ],
        caption="Rule parameters used",
    )
    if rv.result.not_assessed:
        missing = table(
            ["Rule", "Area", "Why not assessed"],
            [[n.rule, AREA_TITLES.get(n.area, n.area), n.reason] for n in rv.result.not_assessed],
            caption="Rules not assessed",
        )
    else:
        missing = "<p>Every rule was assessed.</p>"
    files = []
    for info in rv.data.files:
        rows = "; ".join(f"{sheet}: {number(n)}" for sheet, n in info.rows.items()) or "none"
        status = {"ok": "read", "missing": "missing", "unreadable": f"cannot be read: {info.problem}"}[info.status]
        files.append([info.file, status, rows, Raw(f'<code class="sha">{esc(info.sha256 or "none")}</code>')])
    file_table = table(
        ["File", "Status", "Rows", "SHA-256"],
        files,
        css="lks-files",
        caption="Input files, with rows read per sheet and SHA-256 checksum",
    )
    body = (
        f"<h3>Method</h3><p>{text}</p><h3>Parameters</h3>{params}<h3>Rules not assessed</h3>{missing}"
        f"<h3>Input files</h3><p>The checksums identify the exact files audited: any change to a file changes "
        f"its checksum.</p>{file_table}"
    )
    return section("dpo-method", "Method and data", body)


def _change(before: int, now: int) -> Raw:
    diff = now - before
    if diff > 0:
        return Raw(f'<span class="trend-up"><span aria-hidden="true">▲ </span>up {number(diff)}</span>')
    if diff < 0:
        return Raw(f'<span class="trend-down"><span aria-hidden="true">▼ </span>down {number(-diff)}</span>')
    return Raw("no change")


def trend_by_rule(rv: Review) -> HTML | None:
    """This year's findings by rule against last year's findings.json; nothing without ``--previous``."""
    if not _for_dpo(rv) or rv.previous is None:
        return None
    prev = rv.previous["summary"]
    last, this = str(rv.previous["year"]), rv.ctx.year
    now = rv.summary["by_rule"]
    rule_ids = sorted(set(prev["by_rule"]) | set(now), key=rule_order)
    rows = [
        [
            r,
            REGISTRY[r].meaning if r in REGISTRY else "",
            number(prev["by_rule"].get(r, 0)),
            number(now.get(r, 0)),
            _change(prev["by_rule"].get(r, 0), now.get(r, 0)),
        ]
        for r in rule_ids
    ]
    body = (
        table(
            ["Rule", "What it checks", last, this, "Change"],
            rows,
            numeric=(2, 3),
            caption=f"Open findings by rule, {last} and {this}",
        )
        if rows
        else "<p>No findings in either year.</p>"
    )
    return section("trend-rules", f"Trend by rule against {last}", body)
