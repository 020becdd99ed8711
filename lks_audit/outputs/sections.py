"""The annual review's sections: each function takes the :class:`.review_data.Review` and returns one
display object, which the notebook shows as it is.

All wording and layout lives here, so the CLI's report and a DPO exploring in JupyterLab see the
same thing. The governors' sections show counts and the IDs of accounts, applications, posts,
interactions and incidents only; student and staff details appear only in :func:`dpo_banner` and
:func:`dpo_findings`, whose notebook cells are tagged ``dpo`` and removed from the governors'
export.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
from IPython.display import HTML

from .. import __version__
from ..findings import AREA_TITLES, AREAS, SEVERITIES, rule_order
from ..params import Parameters
from ..rules import REGISTRY
from ..schema import SHEETS
from ..summary import decision_words, of_base
from . import charts
from .action_plan import DUE_WORDS, action_rows
from .html import Raw, esc, in_sentence, long_date, number, plural, rag_label, section, table
from .review_data import Review

POLICY_AREAS = AREAS[:-1]
RECORDS_SHOWN = 8
RAG_MEANING = {
    "Red": "a critical finding, or a high one that is widespread (5% or more of what its check looked at)",
    "Amber": "another high or medium finding",
    "Green": "advisory findings only, or none",
    "Grey": "part of the area could not be checked and nothing serious was found",
}


# --- the governors' report ---------------------------------------------------------------------


def title_block(rv: Review) -> HTML:
    ctx = rv.ctx
    facts = [
        ("School", rv.school),
        ("Academic year", f"{ctx.year} ({long_date(ctx.start)} to {long_date(ctx.end)})"),
        ("Policy version", rv.policy_version),
        ("Data as of", long_date(ctx.as_of)),
        ("Report generated", long_date(rv.generated)),
    ]
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in facts)
    return HTML(
        f'<header class="lks-title"><p class="lks-kicker">{esc(rv.school)}</p>'
        f"<h1>Social Media Policy: annual review {esc(ctx.year)}</h1>"
        f'<dl class="lks-facts">{items}</dl></header>'
    )


def _rule_groups(rv: Review) -> list[dict]:
    """Rules with findings, most severe first (shared with the action plan)."""
    return action_rows(rv.result.findings, rv.ctx.as_of, rv.result.checked)


def _measure_sentences(m: dict) -> list[str]:
    out = []
    inter = m.get("interactions", {})
    if inter.get("assessed") and inter["due"]:
        sentence = (
            f"{inter['pct_in_time']:g}% of the "
            f"{plural(inter['due'], 'comment, query or message', 'comments, queries and messages')} "
            f"due for a reply were answered within the deadline"
        )
        if inter.get("median_response_hours") is not None:
            sentence += f" (median first response {inter['median_response_hours']:g} hours)"
        out.append(sentence)
    inc = m.get("incidents", {})
    if inc.get("assessed"):
        out.append(f"{plural(inc['total'], 'incident was', 'incidents were')} logged")
    users = m.get("training", {}).get("account_users", {})
    if users.get("assessed") and users["total"]:
        out.append(
            f"{users['pct']:g}% of the {plural(users['total'], 'account user')} had read the policy "
            "and had current training"
        )
    consent = m.get("consent", {})
    if consent.get("assessed") and consent["posts_with_images"]:
        out.append(
            f"{consent['pct']:g}% of the {plural(consent['posts_with_images'], 'post')} with images of "
            "students had consent for every student pictured"
        )
    return out


def executive_summary(rv: Review) -> HTML:
    areas = rv.summary["areas"]
    rags = Counter(areas[a]["rag"] for a in POLICY_AREAS)
    counted = [(rags[r], r) for r in ("Red", "Amber", "Green", "Grey") if rags[r]]
    phrases = [
        f"{n} {'is' if n == 1 else 'are'} rated {r}" if i == 0 else f"{n} {r}" for i, (n, r) in enumerate(counted)
    ]
    rated = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    if rags["Grey"]:
        rated += " (Grey: not fully assessed)"
    text = [
        f"This review checks {esc(rv.school)}'s social media records for {esc(rv.ctx.year)} against the "
        f"Social Media Policy, as they stood on {long_date(rv.ctx.as_of)}. "
        f"Of the six policy areas, {rated}; data quality is {areas['data']['rag']}."
    ]
    groups = _rule_groups(rv)
    serious = [g for g in groups if g["severity"] in ("critical", "high")][:3]
    if serious:
        listed = "; ".join(
            f"{esc(in_sentence(REGISTRY[g['rule']].meaning.rstrip('.')))} "
            f"({g['rule']}, {g['severity']}, {esc(_of_base(rv, g['rule'], g['count']))})"
            for g in serious
        )
        text.append(f" The most serious findings: {listed}.")
    elif not rv.result.findings:
        text.append(" Every rule that could be assessed passed.")
    sentences = _measure_sentences(rv.measures)
    if sentences:
        joined = "; ".join(sentences)
        text.append(f" {joined[0].upper()}{joined[1:]}.")
    if rv.result.not_assessed:
        text.append(
            f" {plural(len(rv.result.not_assessed), 'rule')} could not be assessed because data was "
            "missing (see the appendix)."
        )
    return section("summary", "Executive summary", f'<p class="lks-lead">{"".join(text)}</p>', new_page=False)


def _of_base(rv: Review, rule_id: str, count: int) -> str:
    """``7 of 888 posts with images of students``: a count beside what its rule checked."""
    return of_base(count, rv.summary["rules"][rule_id]["checked"], REGISTRY[rule_id].counts)


def rag_table(rv: Review) -> HTML:
    rows = []
    for area in AREAS:
        info = rv.summary["areas"][area]
        assessed = info["rules"] - info["rules_not_assessed"]
        rows.append(
            [
                info["title"],
                rag_label(info["rag"]),
                *(number(info["counts"][s]) for s in SEVERITIES),
                number(info["to_confirm"]),
                f"{assessed} of {info['rules']}",
            ]
        )
    legend = "".join(f"<li>{rag_label(r)} {esc(m)}</li>" for r, m in RAG_MEANING.items())
    body = table(
        ["Area", "Status", "Critical", "High", "Medium", "Advisory", "To confirm once data is fixed", "Rules assessed"],
        rows,
        caption="Status and number of open findings by policy area (findings waiting on a data fix are counted "
        "apart and do not change the status)",
        numeric=(2, 3, 4, 5, 6),
    )
    return section("status", "Status by area", f'{body}<ul class="lks-legend">{legend}</ul>', new_page=False)


def _not_measured(title: str, measure: dict) -> str:
    return f"<h3>{esc(title)}</h3><p>Not measured: {esc(measure.get('reason', 'no data'))}.</p>"


def _responses_block(inter: dict) -> str:
    title = "Replies within the deadline"
    if not inter.get("assessed"):
        return _not_measured(title, inter)
    bands = inter["bands"]
    labels = list(bands)
    values = [bands[k] for k in labels]
    colours = [charts.GREEN, charts.ORANGE, charts.ORANGE, charts.ORANGE, charts.RED]
    due = inter["due"]
    deadline = f"{inter['deadline_hours']:g} hours (next working day for weekends and closures)"
    lead = (
        f"The policy asks for a reply within {deadline}. Of {plural(due, 'interaction')} due for a reply, "
        f"{number(inter['answered_in_time'])} ({inter['pct_in_time'] if inter['pct_in_time'] is not None else 0:g}%) "
        f"were answered in time, {number(inter['answered_late'])} late and {number(inter['unanswered_overdue'])} not "
        f"at all; {plural(inter['not_yet_due'], 'was', 'were')} not yet due."
    )
    if inter.get("median_response_hours") is not None:
        lead += f" The median first response took {inter['median_response_hours']:g} hours."
    alt = "Bar chart of replies against the deadline: " + ", ".join(f"{k} {v}" for k, v in bands.items()) + "."
    figure = charts.horizontal_bars(
        labels,
        values,
        colours=colours,
        xlabel="Interactions",
        alt=alt,
        caption="Interactions due for a reply, by how late the first reply was",
    )
    data = table(
        ["Reply", "Interactions"],
        [[k, number(v)] for k, v in bands.items()],
        numeric=(1,),
        caption="Replies against the deadline",
        css="lks-data",
    )
    return f"<h3>{esc(title)}</h3><p>{esc(lead)}</p>{figure}{data}"


def _monthly_block(inter: dict) -> str:
    title = "Interactions and late replies by month"
    if not inter.get("assessed"):
        return _not_measured(title, inter)
    months = [pd.Period(m["month"]).strftime("%b %Y") for m in inter["by_month"]]
    short = [pd.Period(m["month"]).strftime("%b") for m in inter["by_month"]]
    totals = [m["interactions"] for m in inter["by_month"]]
    late = [m["late"] for m in inter["by_month"]]
    worst = max(inter["by_month"], key=lambda m: m["late"], default=None)
    lead = f"{plural(inter['total'], 'interaction was', 'interactions were')} received this year."
    if worst and worst["late"]:
        lead += (
            f" The most late or unanswered were in {pd.Period(worst['month']).strftime('%B %Y')} "
            f"({number(worst['late'])} of {number(worst['interactions'])})."
        )
    alt = (
        "Bar chart by month of all interactions and those late or unanswered: "
        + "; ".join(f"{m} {t} received, {lt} late" for m, t, lt in zip(months, totals, late))
        + "."
    )
    figure = charts.monthly_bars(
        short, totals, late, alt=alt, caption="Interactions received each month and how many were late or unanswered"
    )
    data = table(
        ["Month", *short],
        [["Received", *map(number, totals)], ["Late or unanswered", *map(number, late)]],
        numeric=tuple(range(1, len(short) + 1)),
        caption="Interactions by month",
        css="lks-months",
    )
    return f"<h3>{esc(title)}</h3><p>{esc(lead)}</p>{figure}{data}"


def _incidents_block(inc: dict) -> str:
    title = "Incidents by category"
    if not inc.get("assessed"):
        return _not_measured(title, inc)
    if not inc["total"]:
        return f"<h3>{esc(title)}</h3><p>No incidents were logged in the year.</p>"
    by = inc["by_category"]
    lead = f"{plural(inc['total'], 'incident was', 'incidents were')} logged"
    lead += f"; {number(inc['open'])} still open." if inc.get("open") is not None else "."
    alt = "Bar chart of incidents by category: " + ", ".join(f"{k} {v}" for k, v in by.items()) + "."
    figure = charts.horizontal_bars(
        list(by),
        list(by.values()),
        colours=charts.BLUE,
        xlabel="Incidents",
        alt=alt,
        caption="Incidents logged in the year, by category",
    )
    data = table(
        ["Category", "Incidents"],
        [[k, number(v)] for k, v in by.items()],
        numeric=(1,),
        caption="Incidents by category",
        css="lks-data",
    )
    return f"<h3>{esc(title)}</h3><p>{esc(lead)}</p>{figure}{data}"


def _coverage_block(m: dict) -> str:
    title = "Training, declarations and consent"
    training = m.get("training", {})
    consent = m.get("consent", {})
    measured = [
        (
            "Account users trained and up to date",
            training.get("account_users", {}),
            "trained_and_current",
            "total",
            "account users",
        ),
        ("Current staff who have read the policy", training.get("policy_read", {}), "read", "total", "staff"),
        (
            "Employees with a current annual declaration",
            training.get("declarations", {}),
            "current",
            "total",
            "employees",
        ),
        (
            "Posts with images: every student pictured had consent",
            consent,
            "all_pictured_consented",
            "posts_with_images",
            "posts",
        ),
    ]
    rows, labels, values, notes = [], [], [], []
    for label, measure, part, whole, unit in measured:
        if not measure.get("assessed"):
            rows.append([label, "not measured", measure.get("reason", "")])
            notes.append(f"{label}: not measured")
            continue
        pct = measure.get("pct")
        rows.append(
            [
                label,
                "no records" if pct is None else f"{pct:g}%",
                f"{number(measure[part])} of {plural(measure[whole], unit[:-1], unit)}",
            ]
        )
        if pct is not None:
            labels.append(label)
            values.append(pct)
            notes.append(f"{label}: {pct:g}%")
    body = f"<h3>{esc(title)}</h3>"
    if labels:
        colours = [charts.GREEN if v >= 100 else charts.ORANGE if v >= 90 else charts.RED for v in values]
        figure = charts.horizontal_bars(
            labels,
            values,
            colours=colours,
            xlabel="Per cent",
            xmax=118,
            suffix="%",
            reference=100,
            alt="Bar chart of coverage: " + "; ".join(notes) + ".",
            caption="Coverage against the policy's expectation of 100%",
        )
        body += "<p>The policy expects every one of these to be 100%.</p>" + figure
    body += table(
        ["Measure", "Coverage", "Count"], rows, caption="Training, declarations and consent coverage", numeric=(1,)
    )
    return body


def key_measures(rv: Review) -> HTML:
    m = rv.measures
    inter = m.get("interactions", {})
    body = (
        _responses_block(inter) + _monthly_block(inter) + _incidents_block(m.get("incidents", {})) + _coverage_block(m)
    )
    return section("measures", "Key measures", body)


def _change(before: int, now: int) -> Raw:
    diff = now - before
    if diff > 0:
        return Raw(f'<span class="trend-up"><span aria-hidden="true">▲ </span>up {number(diff)}</span>')
    if diff < 0:
        return Raw(f'<span class="trend-down"><span aria-hidden="true">▼ </span>down {number(-diff)}</span>')
    return Raw("no change")


def trend(rv: Review) -> HTML | None:
    """This year against last year's findings.json; nothing at all without ``--previous``."""
    if rv.previous is None:
        return None
    prev = rv.previous["summary"]
    last, this = str(rv.previous["year"]), rv.ctx.year
    rows = []
    for area in AREAS:
        before = prev["areas"].get(area, {})
        now = rv.summary["areas"][area]
        rows.append(
            [
                AREA_TITLES[area],
                rag_label(before.get("rag", "Grey")),
                number(before.get("findings", 0)),
                rag_label(now["rag"]),
                number(now["findings"]),
                _change(before.get("findings", 0), now["findings"]),
            ]
        )
    area_table = table(
        ["Area", f"Status {last}", f"Findings {last}", f"Status {this}", f"Findings {this}", "Change"],
        rows,
        numeric=(2, 4),
        caption=f"Findings by area, {last} and {this}",
    )
    by_rule_now = rv.summary["by_rule"]
    rule_ids = sorted(set(prev["by_rule"]) | set(by_rule_now), key=rule_order)
    rule_rows = [
        [
            r,
            REGISTRY[r].meaning if r in REGISTRY else "",
            number(prev["by_rule"].get(r, 0)),
            number(by_rule_now.get(r, 0)),
            _change(prev["by_rule"].get(r, 0), by_rule_now.get(r, 0)),
        ]
        for r in rule_ids
    ]
    total_before, total_now = prev.get("total_findings", 0), rv.summary["total_findings"]
    lead = (
        f"Last year ({esc(last)}) had {plural(total_before, 'finding')}; this year has "
        f"{plural(total_now, 'finding')}. More findings is worse."
    )
    body = f"<p>{lead}</p>{area_table}<h3>By rule</h3>"
    body += (
        table(
            ["Rule", "What it checks", last, this, "Change"],
            rule_rows,
            numeric=(2, 3),
            caption=f"Findings by rule, {last} and {this}",
        )
        if rule_rows
        else "<p>No findings in either year.</p>"
    )
    return section("trend", f"Trend against {last}", body)


def _records(findings) -> str:
    """Non-personal record IDs of findings (accounts, posts, interactions, incidents), a few at most."""
    ids = list(
        dict.fromkeys(
            f.record for f in findings if f.record and f.sheet in SHEETS and not SHEETS[f.sheet].label_is_personal
        )
    )
    if not ids:
        return ""
    shown = ", ".join(ids[:RECORDS_SHOWN])
    return shown + (f" and {number(len(ids) - RECORDS_SHOWN)} more" if len(ids) > RECORDS_SHOWN else "")


def findings_by_area(rv: Review) -> HTML:
    by_rule: dict[str, list] = {}
    for f in rv.result.findings:
        by_rule.setdefault(f.rule, []).append(f)
    not_assessed = {n.rule: n.reason for n in rv.result.not_assessed}
    body = [
        "<p>For each area, the rules that raised findings: how many out of what the rule checked, what the rule "
        "checks and the clause of the policy it comes from. Findings that rest on data which could not be read "
        "are counted apart, to confirm once the data is fixed. Record IDs are given for accounts, applications, "
        "posts, interactions and incidents; people are never named here.</p>"
    ]
    for area in AREAS:
        info = rv.summary["areas"][area]
        rule_ids = sorted((r for r in REGISTRY if REGISTRY[r].area == area), key=rule_order)
        rows = [
            [
                r,
                REGISTRY[r].severity.capitalize(),
                _of_base(rv, r, rv.summary["rules"][r]["open"])
                + (
                    f"; {rv.summary['rules'][r]['to_confirm']} to confirm"
                    if rv.summary["rules"][r]["to_confirm"]
                    else ""
                ),
                REGISTRY[r].meaning,
                REGISTRY[r].clause,
                _records(by_rule[r]),
            ]
            for r in rule_ids
            if r in by_rule
        ]
        passed = [r for r in rule_ids if r not in by_rule and r not in not_assessed]
        skipped = [r for r in rule_ids if r in not_assessed]
        part = f"<h3>{esc(info['title'])}: {rag_label(info['rag'])}</h3>"
        if rows:
            part += table(
                ["Rule", "Severity", "Findings", "What it checks", "Policy clause", "Records"],
                rows,
                numeric=(2,),
                css="lks-rules",
                caption=f"{info['title']}: rules with findings",
            )
        notes = []
        if passed:
            notes.append(f"{'Also checked' if rows else 'Checked'} with no findings: {', '.join(passed)}.")
        if skipped:
            notes.append(f"Not assessed (see the appendix): {', '.join(skipped)}.")
        part += f"<p>{esc(' '.join(notes))}</p>" if notes else ""
        body.append(part)
    return section("findings", "Findings by area", "".join(body))


def recommended_actions(rv: Review) -> HTML:
    groups = _rule_groups(rv)
    if not groups:
        return section("actions", "Recommended actions", "<p>No findings, so no actions this year.</p>")
    body = [
        "<p>One action per rule with findings, most urgent first. The same list, with due dates and a "
        "status to track, is in action-plan.xlsx.</p>"
    ]
    for severity in SEVERITIES:
        mine = [g for g in groups if g["severity"] == severity]
        if not mine:
            continue
        items = "".join(
            f'<li><strong>{esc(g["action"])}</strong> <span class="lks-meta">{esc(g["rule"])}, '
            f"{esc(_of_base(rv, g['rule'], g['count']))}; owner: {esc(g['owner'] or 'SLT')}; due "
            f"{esc(g['due'].strftime('%-d %B %Y'))}</span></li>"
            for g in mine
        )
        body.append(f"<h3>{esc(severity.capitalize())}: {esc(DUE_WORDS[severity])}</h3><ol>{items}</ol>")
    return section("actions", "Recommended actions", "".join(body))


def appendix(rv: Review) -> HTML:
    ctx = rv.ctx
    method = (
        f"lks-audit {esc(__version__)} loaded the eight workbooks of the data contract, read every cell as its "
        "kind (date, yes/no, choice and so on) and applied each rule of the audit to the records of the academic "
        f"year {long_date(ctx.start)} to {long_date(ctx.end)}, as they stood on {long_date(ctx.as_of)}. Rules about a "
        "standing state (accounts, applications, the policy, training, open incidents, data quality) use every "
        "row. Working days are Monday to Friday, excluding England bank holidays and the school's closure days. "
        "Each rule enforces a clause of the Social Media Policy. A rule whose workbook, sheet or column is missing "
        "is listed below as not assessed, never counted as passed. An area is Red with any critical finding, or "
        "with a high-severity rule whose findings reach 5% of what it checked (any, when it checked fewer than "
        "20); Amber with any other high or medium finding; Green otherwise; and Grey when part of it could not be "
        "assessed and nothing above advisory was found. A finding that rests on a cell which could not be read, "
        "or on an ID that does not resolve, is to be confirmed once the data is fixed and does not count. This "
        "report gives counts and the IDs of accounts, applications, posts, interactions and incidents only; the "
        "Data Protection Officer's separate detail report lists every finding with its file, sheet and row."
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
        f"<h3>Method</h3><p>{method}</p><h3>Parameters</h3>{params}<h3>Rules not assessed</h3>{missing}"
        f"<h3>Input files</h3><p>The checksums identify the exact files audited: any change to a file changes "
        f"its checksum.</p>{file_table}"
    )
    return section("appendix", "Appendix: method and data", body)


# --- the DPO's detail (cells tagged ``dpo``) ------------------------------------------------------


def dpo_banner(rv: Review) -> HTML | None:
    if rv.audience != "dpo":
        return None
    return HTML(
        '<div class="lks-banner" role="note"><strong>Contains personal data.</strong> For the Data '
        "Protection Officer only: this detail names student IDs and records. Keep it on school systems "
        "and do not forward it; governors receive annual-review.html.</div>"
    )


def dpo_findings(rv: Review) -> HTML | None:
    """Every finding with its ID, file, sheet, cell, record and student: the DPO's worklist."""
    if rv.audience != "dpo":
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
    return section("detail", "Detail for the Data Protection Officer", "".join(body))
