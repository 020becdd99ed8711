"""Every number governors read, from one place (governors-page.md, "Figures").

:class:`Figures` works each figure out once, under a stable key of the spec's vocabulary (``findings.open``,
``rule.IMG-01.people``, ``area.images.rating``, ``plan.due_first``...), from the audit's result, the headline
measures, the DPO's opinions, earlier years and the action plan's rows. The governors' page and the action plan
word their counts only through it: text is built as a :data:`Phrase` (plain words and :class:`Fig` figures),
shown as HTML by :func:`html` (each figure a ``<data value data-figure>``, each date a ``<time datetime>``) or
as plain text by :func:`plain` (the workbook). So the same key can never show two values, and a test can
re-derive each figure from findings.json and action-plan.xlsx alone.

Counts are in what people picture: a rule that checks (post, pictured student) pairs is counted in children
and posts; a percentage is shown only beside a base of :data:`~lks_audit.summary.SMALL_BASE` or more, and is the
one a reader would compute from the two numbers beside it.
"""

from __future__ import annotations

import datetime as dt
import html as _html
import re
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

import pandas as pd

from ..findings import AREAS, RAG_STATUSES, SEVERITIES, severity_rank
from ..history import YEARS_SHOWN
from ..personal import about_children
from ..rules import REGISTRY
from ..rules.incidents import NOT_REPORTED, REPORTED_LATE
from ..schema import ACCEPTED_RISK
from ..summary import SMALL_BASE
from ..version import __version__

#: The rule whose findings say how a breach reached the regulator (late, or never).
ICO_RULE = "INC-05"
#: What a plan row's due date rests on, as the plan's When column says it.
WHEN_NOW = "Now"


@dataclass(frozen=True)
class Fig:
    """One figure: its key, its value (a number, a share in per cent, a word or a date) and how it reads."""

    key: str
    value: object
    text: str

    @property
    def attribute(self) -> str:
        """The ``value`` attribute: a share as the percentage shown, a date as ISO, anything else as itself."""
        if isinstance(self.value, dt.date):
            return self.value.isoformat()
        return str(self.value)


#: Text as words and figures, to be shown as HTML (:func:`html`) or plain text (:func:`plain`).
Phrase = list


def _round(value: float, places: int) -> Decimal:
    """Half up, as a person rounds (12.5 is 13), not Python's half to even."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent_text(p: float) -> str:
    """A share as a reader takes it in: one decimal under 10% and over 90% (0.6%, 99.8%), else whole (67%);
    never a rounded 0% or 100% for a share that is neither."""
    if 0 < p < 0.05:
        return "under 0.1%"
    if 99.95 <= p < 100:
        return "over 99.9%"
    places = 1 if p < 10 or p > 90 else 0
    return f"{_round(p, places).normalize():f}%"


def percent_value(p: float) -> str:
    """The ``value`` of a share: the percentage as shown ("0.6"), or to two significant figures where the text
    says "under 0.1%" or "over 99.9%"."""
    if 0 < p < 0.05 or 99.95 <= p < 100:
        return f"{p:.2g}" if p < 1 else f"{_round(p, 2).normalize():f}"
    return percent_text(p)[:-1]


def share(part: int, whole: int | None) -> float | None:
    """``part`` of ``whole`` in per cent, or None below :data:`~lks_audit.summary.SMALL_BASE`, where "6 of 9"
    says it better."""
    if not whole or whole < SMALL_BASE:
        return None
    return 100 * part / whole


def number_text(value) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def long_date(day) -> str:
    return f"{pd.Timestamp(day):%-d %B %Y}"


def time_html(day) -> str:
    """A date as governors read it, marked up as one: ``<time datetime="2026-12-04">4 December 2026</time>``."""
    day = pd.Timestamp(day).date()
    return f'<time datetime="{day.isoformat()}">{long_date(day)}</time>'


def mark(fig: Fig, inner: str | None = None) -> str:
    """``fig`` as HTML: ``<data value data-figure>`` around its text (or ``inner``, HTML made here); a date
    also as a ``<time>``."""
    if inner is None:
        inner = time_html(fig.value) if isinstance(fig.value, dt.date) else _html.escape(fig.text)
    return f'<data value="{_html.escape(fig.attribute)}" data-figure="{_html.escape(fig.key)}">{inner}</data>'


class Html(str):
    """A piece of a phrase that is HTML already (a rating's coloured label around its figure)."""


def html(parts: Phrase) -> str:
    """A phrase as HTML: words escaped, figures marked up, dates as ``<time>``."""
    out = []
    for part in parts:
        if isinstance(part, Fig):
            out.append(mark(part))
        elif isinstance(part, (dt.date, pd.Timestamp)):
            out.append(time_html(part))
        elif isinstance(part, Html):
            out.append(part)
        else:
            out.append(_html.escape(str(part)))
    return "".join(out)


def plain(parts: Phrase) -> str:
    """A phrase as plain text (the action plan's cells)."""
    out = []
    for part in parts:
        if isinstance(part, Fig):
            out.append(long_date(part.value) if isinstance(part.value, dt.date) else part.text)
        elif isinstance(part, (dt.date, pd.Timestamp)):
            out.append(long_date(part))
        elif isinstance(part, Html):
            out.append(re.sub(r"<[^>]+>", "", part))
        else:
            out.append(str(part))
    return "".join(out)


def words(fig: Fig, one: str, many: str | None = None) -> Phrase:
    """``fig`` and its noun: '1 action', '3 actions' (``many`` where adding an s is wrong)."""
    return [fig, " ", one if fig.value == 1 else (many or one + "s")]


def joined(items: list[Phrase], last: str = "and") -> Phrase:
    """'a, b and c' of phrases."""
    out: Phrase = []
    for i, item in enumerate(items):
        if i:
            out.append(f" {last} " if i == len(items) - 1 else ", ")
        out += item
    return out


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def counts_pairs(rule_id: str) -> bool:
    """Whether a rule checks (post, pictured student) pairs: its base is then the posts with photos of students."""
    rule = REGISTRY.get(rule_id)
    return rule is not None and "pair" in rule.counts[0]


#: The headline measures shown as they are: (section of summary["measures"], key prefix, key -> its field).
MEASURE_FIGURES = (
    (
        "interactions",
        "replies",
        {
            "received": "total",
            "due": "due",
            "in_time": "answered_in_time",
            "late": "answered_late",
            "never": "unanswered_overdue",
            "to_confirm": "to_confirm",
        },
    ),
    (
        "consent",
        "posts",
        {
            "with_students": "posts_with_images",
            "consented": "all_pictured_consented",
            "without_consent": "some_pictured_without_consent",
            "not_recorded": "pictured_not_recorded",
            "to_confirm": "to_confirm",
        },
    ),
)
#: Training and declarations: (part of the training measure, its count of those who meet it, key).
STAFF_MEASURES = (
    ("account_users", "trained_and_current", "staff.account_users"),
    ("policy_read", "read", "staff.current"),
    ("declarations", "current", "staff.employees"),
)
#: Shares of the measures: key -> (its part, its whole), the two figures shown beside it.
MEASURE_SHARES = (
    ("replies.in_time.share", ("replies.in_time", "replies.due")),
    ("posts.consented.share", ("posts.consented", "posts.with_students")),
)


class Figures:
    """The figures of one review, by key. ``fig(key)`` gives one; a key it does not have is a programming error."""

    def __init__(self, rv):
        self.rv = rv
        self.values: dict[str, object] = {}
        summary = rv.summary
        findings = rv.result.findings
        self._open_by_rule: dict[str, list] = {}
        for f in findings:
            if f.is_open:
                self._open_by_rule.setdefault(f.rule, []).append(f)
        # Rules about children whose findings name a student (one per post and student): counted in children
        # and posts. (A data-quality finding on the consent register names a student too, but counts cells.)
        self._students_named = {f.rule for f in findings if f.student and about_children(f.rule)}
        self._findings(findings)
        self._rules(summary["rules"])
        self._areas(summary, findings)
        self._measures(rv.measures)
        self._parameters(rv.ctx.params)
        self._history()
        if summary.get("policy_version"):
            self.values["policy.version"] = summary["policy_version"]
        self.values["checks.total"] = len(summary["rules"])
        self.values["checks.not_made"] = len(rv.result.not_assessed)
        self.values["tool.version"] = __version__
        self._planned = False

    # --- reading -----------------------------------------------------------------------------------

    def has(self, key: str) -> bool:
        self._plan()
        return key in self.values

    def fig(self, key: str) -> Fig:
        """The figure of ``key``, with its text as governors read it."""
        self._plan()
        value = self.values[key]
        if key.endswith(".share"):
            return Fig(key, percent_value(value), percent_text(value))
        if isinstance(value, dt.date):
            return Fig(key, value, long_date(value))
        return Fig(key, value, number_text(value) if isinstance(value, (int, float)) else str(value))

    def get(self, key: str, default=None):
        self._plan()
        return self.values.get(key, default)

    # --- the result ----------------------------------------------------------------------------------

    def _findings(self, findings) -> None:
        v = self.values
        v["findings.open"] = sum(1 for f in findings if f.is_open)
        v["findings.to_confirm"] = sum(1 for f in findings if f.waits_on_data)
        v["findings.set_aside"] = sum(1 for f in findings if f.decision is not None)
        v["findings.lapsed"] = sum(1 for f in findings if f.lapsed_decision is not None)
        v["risks.accepted"] = sum(1 for f in findings if f.decision and f.decision.decision == ACCEPTED_RISK)
        v["risks.lapsed"] = sum(
            1 for f in findings if f.lapsed_decision and f.lapsed_decision.decision == ACCEPTED_RISK
        )

    def _rules(self, rules: dict) -> None:
        v = self.values
        for rule_id, info in rules.items():
            key = f"rule.{rule_id}"
            v[f"{key}.open"] = info["open"]
            v[f"{key}.to_confirm"] = info["to_confirm"]
            v[f"{key}.undecided"] = info.get("undecided", 0)
            v[f"{key}.accepted"] = info.get("accepted_risk", 0)
            if info["checked"] is not None:
                v[f"{key}.checked"] = info["checked"]
            mine = self._open_by_rule.get(rule_id, [])
            if rule_id in self._students_named:
                v[f"{key}.people"] = len({f.student for f in mine if f.student})
                v[f"{key}.posts"] = len({f.record for f in mine if f.record})
            if rule_id == ICO_RULE:
                facts = [dict(f.facts) for f in mine]
                late = [x["hours_late"] for x in facts if x.get("ico_report") == REPORTED_LATE]
                v[f"{key}.late"] = len(late)
                v[f"{key}.not_reported"] = sum(1 for x in facts if x.get("ico_report") == NOT_REPORTED)
                if late:
                    v[f"{key}.hours_late"] = int(_round(max(late), 0))

    def _rule_share(self, rule_id: str) -> float | None:
        """Open findings of what the rule checked, or for a rule naming students, its posts of the posts it
        looked at: the posts with photos of students for a rule checking (post, student) pairs."""
        v = self.values
        if rule_id in self._students_named:
            base = v.get("posts.with_students") if counts_pairs(rule_id) else v.get(f"rule.{rule_id}.checked")
            return share(v[f"rule.{rule_id}.posts"], base)
        return share(v[f"rule.{rule_id}.open"], v.get(f"rule.{rule_id}.checked"))

    def _areas(self, summary: dict, findings) -> None:
        v = self.values
        ratings = Counter()
        for area in AREAS:
            info = summary["areas"][area]
            key = f"area.{area}"
            v[f"{key}.rating"] = info["rag"]
            ratings[info["rag"]] += 1
            v[f"{key}.open"] = sum(info["counts"].values())
            v[f"{key}.checks"] = info["rules"]
            v[f"{key}.checks_not_made"] = info["rules_not_assessed"]
            mine = [r for r, x in summary["rules"].items() if x["area"] == area]
            v[f"{key}.checks_clear"] = sum(
                1 for r in mine if summary["rules"][r]["assessed"] and not summary["rules"][r]["findings"]
            )
            v[f"{key}.accepted"] = info.get("accepted_risk", 0)
            v[f"{key}.not_a_breach"] = info.get("not_a_breach", 0)
            if info.get("assurance"):
                v[f"{key}.assurance"] = info["assurance"]
        v["areas.total"] = len(AREAS)
        for rag in RAG_STATUSES:
            v[f"areas.{rag.lower()}"] = ratings[rag]

    def _measures(self, measures: dict) -> None:
        """The headline measures (summary["measures"]) as figures, and each rule's share (its base may be a
        measure: the posts with photos of students)."""
        v = self.values
        for section, prefix, fields in MEASURE_FIGURES:
            found = measures.get(section, {})
            if found.get("assessed"):
                v.update({f"{prefix}.{name}": found[field] for name, field in fields.items()})
        self._replies(measures.get("interactions", {}))
        self._incidents(measures.get("incidents", {}))
        self._training(measures.get("training", {}))
        self._shares()

    def _replies(self, replies: dict) -> None:
        """The replies' median time and how many interactions a month, where they were assessed."""
        if not replies.get("assessed"):
            return
        v = self.values
        if replies.get("median_response_hours") is not None:
            v["replies.median_hours"] = replies["median_response_hours"]
        months = replies.get("by_month") or []
        if months:
            v["replies.per_month"] = int(_round(sum(m["interactions"] for m in months) / len(months), 0))

    def _incidents(self, incidents: dict) -> None:
        """The incidents logged, open, by category and the breaches, where they were assessed."""
        if not incidents.get("assessed"):
            return
        v = self.values
        v["incidents.logged"] = incidents["total"]
        if incidents.get("open") is not None:
            v["incidents.open"] = incidents["open"]
        for category, n in incidents["by_category"].items():
            v[f"incidents.category.{slug(category)}"] = n
        if incidents.get("breaches") is not None:
            v["incidents.breaches"] = incidents["breaches"]

    def _training(self, training: dict) -> None:
        """Each staff measure: its people, those who meet it, those to confirm and those who do not."""
        v = self.values
        for part, done, name in STAFF_MEASURES:
            m = training.get(part, {})
            if m.get("assessed"):
                waiting = m.get("to_confirm", 0)
                v.update({name: m["total"], f"{name}.done": m[done], f"{name}.to_confirm": waiting})
                v[f"{name}.not_done"] = m["total"] - m[done] - waiting

    def _shares(self) -> None:
        """The measures' shares and each rule's, where their base is not small."""
        v = self.values
        for key, (part, whole) in [
            *MEASURE_SHARES,
            *((f"{n}.done.share", (f"{n}.done", n)) for _, _, n in STAFF_MEASURES),
        ]:
            if part in v and share(v[part], v[whole]) is not None:
                v[key] = share(v[part], v[whole])
        for rule_id in self.rv.summary["rules"]:
            found = self._rule_share(rule_id)
            if found is not None:
                v[f"rule.{rule_id}.share"] = found

    def _parameters(self, params) -> None:
        v = self.values
        v["param.ico_hours"] = params.ico_hours
        v["param.systemic_share"] = params.systemic_share
        v["param.small_base"] = SMALL_BASE
        v["param.respond_within_hours"] = params.respond_within_hours

    def _history(self) -> None:
        """Per year shown (the last five, this one last): open findings, by severity and in all, and each area's
        rating; the same counts in every year, so the totals add up to the table."""
        v = self.values
        for year, summary in self.years:
            counts = Counter()
            for area, info in summary["areas"].items():
                counts.update(info.get("counts", {}))
                v[f"history.{year}.area.{area}.rating"] = info.get("rag", "Grey")
            for severity in SEVERITIES:
                v[f"history.{year}.{severity}"] = counts[severity]
            v[f"history.{year}.open"] = sum(counts[s] for s in SEVERITIES)

    @cached_property
    def years(self) -> list[tuple[str, dict]]:
        """The years the trend shows, oldest first, this one last (at most five)."""
        years = [(doc["year"], doc["summary"]) for doc in self.rv.history]
        return (years + [(self.rv.ctx.year, self.rv.summary)])[-YEARS_SHOWN:]

    # --- the action plan and last year's ------------------------------------------------------------

    def _plan(self) -> None:
        """The plan's figures, once its rows exist (they are worded with this object's counts)."""
        if self._planned:
            return
        self._planned = True
        v, rv = self.values, self.rv
        rows = rv.actions
        v["plan.actions"] = len(rows)
        for severity in SEVERITIES:
            v[f"plan.{severity}"] = sum(1 for r in rows if r["severity"] == severity)
        for group, mine in _due_groups(rows).items():
            v[f"plan.group.{group}"] = len(mine)
            v[f"plan.due.{group}"] = mine[0]["due"]
        if rows:
            v["plan.due_first"] = min(r["due"] for r in rows)
        done = rv.last_year_actions
        if done is not None:
            v["last_year.actions"] = done.actions
            v["last_year.resolved"] = done.resolved
            v["last_year.from_checks"] = done.from_checks
            v["last_year.added"] = done.actions - done.from_checks
            if done.done is not None:
                v["last_year.done"] = done.done
            carried = rv.carried_over
            if carried is not None:
                v["plan.carried_over"] = carried
                v["plan.new"] = len(rows) - carried

    # --- counts in words -----------------------------------------------------------------------------

    def counted(self, rule_id: str, *, brief: bool = False) -> Phrase:
        """A rule's open findings in units people picture, against what it checked (its share from a base of
        :data:`~lks_audit.summary.SMALL_BASE`); those waiting on a data fix and those undecided apart; INC-05's
        late and never reported told apart. ``brief``: the count and its base only ("6 children in 5 posts", "1 of
        5 live accounts")."""
        key = f"rule.{rule_id}"
        opened = self.values[f"{key}.open"]
        out = self._open_count(rule_id, brief=brief)
        if brief:
            return out
        if rule_id == ICO_RULE and opened:
            out += [": "] + self.ico_split()
        if self.values[f"{key}.to_confirm"]:
            out += self._to_confirm(rule_id)
        if self.values[f"{key}.undecided"]:
            out += ["; ", self.fig(f"{key}.undecided"), " undecided until the records are fixed"]
        return out

    def _open_count(self, rule_id: str, *, brief: bool) -> Phrase:
        """A rule's open findings against what it checked: children in posts for a rule naming students; nothing
        when its only findings are to confirm and its count would read 0."""
        key = f"rule.{rule_id}"
        rule = REGISTRY[rule_id]
        opened = self.values[f"{key}.open"]
        out: Phrase = []
        if rule_id in self._students_named and opened:
            out += words(self.fig(f"{key}.people"), "child", "children")
            out += [" in "] + words(self.fig(f"{key}.posts"), "post")
            if self.has(f"{key}.share") and not brief:
                pairs = counts_pairs(rule_id)
                base = self.fig("posts.with_students" if pairs else f"{key}.checked")
                noun = "posts with photos of students" if pairs else _plural(base.value, rule.plain_base)
                out += [" (", self.fig(f"{key}.share"), " of the ", base, f" {noun})"]
        elif rule_id in self._students_named:
            pass  # only some to confirm: their children and posts are not known yet
        elif opened or not self.values[f"{key}.to_confirm"]:
            out += [self.fig(f"{key}.open")]
            if self.has(f"{key}.checked"):
                checked = self.fig(f"{key}.checked")
                out += [" of ", checked, " ", _plural(checked.value, rule.plain_base)]
                if self.has(f"{key}.share") and not brief:
                    out += [" (", self.fig(f"{key}.share"), ")"]
        return out

    def _to_confirm(self, rule_id: str) -> Phrase:
        """A rule's findings waiting on a data fix: more beside open ones, or alone against what it checked."""
        key = f"rule.{rule_id}"
        if self.values[f"{key}.open"]:
            return ["; ", self.fig(f"{key}.to_confirm"), " more to confirm"]
        out: Phrase = [self.fig(f"{key}.to_confirm"), " to confirm"]
        if self.has(f"{key}.checked") and rule_id not in self._students_named:
            checked = self.fig(f"{key}.checked")
            out += [", of ", checked, " ", _plural(checked.value, REGISTRY[rule_id].plain_base)]
        return out

    def accepted(self, rule_id: str) -> Phrase:
        """A rule's findings the DPO accepted as risks, against what it checked ("1 of 6 accounts accepted as a
        risk"; for a rule checking (post, student) pairs, its findings only: pairs are not what a reader pictures)."""
        key = f"rule.{rule_id}"
        accepted = self.fig(f"{key}.accepted")
        if counts_pairs(rule_id) or not self.has(f"{key}.checked"):
            return words(accepted, "finding") + [" accepted as a risk"]
        checked = self.fig(f"{key}.checked")
        noun = _plural(checked.value, REGISTRY[rule_id].plain_base)
        return [accepted, " of ", checked, f" {noun} accepted as a risk"]

    def ico_split(self) -> Phrase:
        """INC-05's findings told apart: '1 reported 8 hours late and 1 not reported'; never 'late' for a breach
        that was not reported at all."""
        key = f"rule.{ICO_RULE}"
        parts = []
        late = self.values.get(f"{key}.late", 0)
        if late == 1:
            parts.append([self.fig(f"{key}.late"), " reported ", self.fig(f"{key}.hours_late"), " hours late"])
        elif late:
            parts.append(
                [self.fig(f"{key}.late"), " reported late (the latest by ", self.fig(f"{key}.hours_late"), " hours)"]
            )
        if self.values.get(f"{key}.not_reported"):
            parts.append([self.fig(f"{key}.not_reported"), " not reported"])
        return joined(parts) + [" (the limit is ", self.fig("param.ico_hours"), " hours)"]


def _plural(count, nouns: tuple[str, str]) -> str:
    return nouns[0] if count == 1 else nouns[1]


def _due_groups(rows: list[dict]) -> dict[str, list[dict]]:
    """The plan's rows by what their due date rests on: 'now' (critical findings older than a term), then each
    severity; in that order, the earliest first."""
    groups: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda r: (not r["now"], severity_rank(r["severity"]))):
        groups.setdefault("now" if row["now"] else row["severity"], []).append(row)
    return groups


__all__ = ["Fig", "Figures", "Html", "html", "plain", "time_html", "mark", "percent_text", "share", "words"]
