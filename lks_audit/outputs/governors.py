"""What the governors' page says, as plain data: the overall statement, why each area has its rating, each
area's problems counted in what people picture, the decisions for the governing body and the questions to ask.

Everything is read from the findings model through :class:`.figures.Figures` (the one source of every number),
never decided again, and worded only with the registry's plain words (a rule's ``title``, ``why``, ``good``,
``question`` and ``plain_base``): no column, parameter or file name reaches a governor. Sentences come back as
:data:`.figures.Phrase` lists; :mod:`.sections` lays them out as HTML.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from ..findings import AREAS, SEVERITIES, Severity, severity_rank
from ..personal import child_records, counts_only, public_record
from ..rules import REGISTRY
from ..schema import ACCEPTED_RISK
from ..summary import systemic
from .figures import Fig, Phrase, joined, words
from .html import in_sentence
from .review_data import Review

#: How many questions the first page offers: one per area at most, the most serious areas first.
QUESTIONS = 4
#: Record IDs shown beside a problem; the DPO's detail lists them all.
RECORDS_SHOWN = 4
SEVERITY_WORDS = {s: s.capitalize() for s in Severity}
#: What each severity means, in the legend's words (the action plan's due dates follow them).
SEVERITY_MEANING = {
    Severity.CRITICAL: "could harm a child or break the law",
    Severity.HIGH: "a serious gap in keeping the policy",
    Severity.MEDIUM: "a gap to close within a term",
    Severity.ADVISORY: "a point of good practice",
}
#: The DPO's assurance levels in the words UK public-sector internal audit uses.
ASSURANCE_MEANING = {
    "Substantial": "a sound system of control, with few minor weaknesses",
    "Reasonable": "generally sound, with some weaknesses that put some objectives at risk",
    "Limited": "significant gaps or weaknesses",
    "No assurance": "fundamental weaknesses; the system is open to abuse or error",
}
NO_OPINION = "no opinion given"
#: Terms the page uses, spelled out once on its first page (the DPO's own commentary may use them too).
PROPRIETOR = "the body that owns and runs the school"
#: Terms the area sections, the action plan and the DPO's own words use, spelled out before them; the first page
#: spells out the DPO, and the proprietor where it asks for the policy to be signed.
TERMS = (
    ("SLT", "the senior leadership team"),
    ("ICO", "the Information Commissioner's Office, the regulator for data protection"),
    ("the designated safeguarding lead", "the senior member of staff who leads on keeping children safe"),
)


@dataclass(frozen=True)
class Problem:
    """One rule with findings, as governors read it."""

    rule: str
    severity: str
    open: int
    to_confirm: int
    #: IDs of the records it names that governors may see (accounts, posts, interactions, incidents); none for
    #: the rules about children, whose posts would lead a reader to a child.
    records: tuple[str, ...]

    @property
    def words(self):
        return REGISTRY[self.rule]

    @property
    def title(self) -> str:
        return self.words.title


def public_records(rule_id: str, findings, withheld: set[str] = frozenset()) -> tuple[str, ...]:
    """The IDs of the records ``findings`` name that governors may see, in order, each once; none for a rule
    about children (IMG-*, PST-03, PST-04) or checking the platforms' record (EVD: counts only), nor a post behind
    any finding about a child (``withheld``)."""
    if counts_only(rule_id):
        return ()
    return tuple(dict.fromkeys(f.record for f in findings if public_record(f) and f.record not in withheld))


def problems(rv: Review, area: str | None = None) -> list[Problem]:
    """Rules with findings (of ``area``, or all), most serious first: open ones by the severity their
    findings carry, then by how many; rules whose findings all wait on a data fix last."""
    by_rule: dict[str, list] = {}
    for f in rv.result.findings:
        if area is None or f.area == area:
            by_rule.setdefault(f.rule, []).append(f)
    found = []
    withheld = child_records(rv.result.findings)
    for rule_id, mine in by_rule.items():
        if rule_id not in REGISTRY:
            continue
        info = rv.summary["rules"][rule_id]
        if not info["open"] and not info["to_confirm"]:
            continue  # every finding set aside by a DPO decision: shown with the accepted risks
        open_ = [f for f in mine if f.is_open]
        severity = min((f.severity for f in open_ or mine), key=severity_rank)
        records = public_records(rule_id, open_, withheld)
        found.append(Problem(rule_id, severity, info["open"], info["to_confirm"], records))
    found.sort(key=lambda p: (not p.open, severity_rank(p.severity), -p.open, p.rule))
    return found


def rating_fig(rv: Review, area: str) -> Fig:
    return rv.figures.fig(f"area.{area}.rating")


def _titled(rv: Review, p: Problem) -> Phrase:
    """'photos of students without consent (6 children in 5 posts)'."""
    return [in_sentence(p.title), " ("] + rv.figures.counted(p.rule, brief=True) + [")"]


def rating_reason(rv: Review, area: str) -> Phrase:
    """One sentence saying why ``area`` has its rating, naming the problem that makes it so, by the rule the
    code rates with (:func:`lks_audit.summary.area_rating`)."""
    f = rv.figures
    rating = rating_fig(rv, area)
    found = [p for p in problems(rv, area) if p.open]
    if rating.value == "Red":
        critical = [p for p in found if p.severity == Severity.CRITICAL]
        if critical:
            what = "a critical finding" if sum(p.open for p in critical) == 1 else "critical findings"
            return [rating, f" because of {what}: "] + joined([_titled(rv, p) for p in critical]) + ["."]
        p = next(p for p in found if p.severity == Severity.HIGH and _widespread(rv, p.rule))
        out = [rating, " because a serious problem is widespread: ", in_sentence(p.title), " ("]
        out += f.counted(p.rule, brief=True)
        if (f.get(f"rule.{p.rule}.checked") or 0) < f.get("param.small_base"):
            return out + ["; below ", f.fig("param.small_base"), " checked, any finding counts as widespread)."]
        return out + [", at least the ", f.fig("param.systemic_share"), "% that counts as widespread)."]
    if rating.value == "Amber":
        top = next(p for p in found if p.severity in (Severity.HIGH, Severity.MEDIUM))
        what = "serious findings, none widespread" if top.severity == Severity.HIGH else "medium-severity findings"
        return [rating, f" because of {what}, most of all "] + _titled(rv, top) + ["."]
    if rating.value == "Grey":
        return (
            [rating, " because "]
            + [f.fig(f"area.{area}.checks_not_made"), " of its "]
            + words(f.fig(f"area.{area}.checks"), "check")
            + [" could not be made (records were missing), and nothing serious was found."]
        )
    return [rating, ": only points of good practice were found." if found else ": its checks found nothing open."]


def _widespread(rv: Review, rule_id: str) -> bool:
    """rules.md: a high-severity rule whose open high findings reach the systemic share of what it checked."""
    info = rv.summary["rules"][rule_id]
    if not info["assessed"] or REGISTRY[rule_id].severity != Severity.HIGH:
        return False
    high = sum(1 for f in rv.result.findings if f.rule == rule_id and f.is_open and f.severity == Severity.HIGH)
    return systemic(high, info["checked"] or 0, rv.ctx.params.systemic_share)


def rating_rule(rv: Review) -> dict[str, Phrase]:
    """The legend: each rating as the code gives it (:func:`lks_audit.summary.area_rating`)."""
    f = rv.figures
    return {
        "Red": [
            "a critical finding, or a high-severity check whose findings reach ",
            f.fig("param.systemic_share"),
            "% of what it checked (any finding, below ",
            f.fig("param.small_base"),
            " checked)",
        ],
        "Amber": ["any other high or medium finding"],
        "Green": ["advisory findings only, or none"],
        "Grey": ["some checks could not be made, and nothing above advisory was found"],
    }


def what_was_found(rv: Review) -> Phrase:
    """The first page's count of everything: checks, open findings, the actions they are grouped into, those
    waiting on a fix and those the DPO set aside."""
    f = rv.figures
    out = ["The Data Protection Officer (DPO) ran "] + words(f.fig("checks.total"), "check")
    out += [" and found "] + words(f.fig("findings.open"), "open finding")
    out += [" (a finding is one record that breaks one rule of the policy), grouped into "]
    out += words(f.fig("plan.actions"), "action")
    extra = []
    if f.get("findings.to_confirm"):
        extra.append([f.fig("findings.to_confirm"), " more wait on a fix to the records"])
    if f.get("findings.set_aside"):
        extra.append([f.fig("findings.set_aside"), " were set aside by the DPO"])
    if extra:
        out += ["; "] + joined(extra)
    return out + ["."]


def overall_statement(rv: Review) -> Phrase:
    """One sentence: how well the school keeps its policy, its most serious problem, and any area that
    could not be fully checked."""
    f = rv.figures
    rags = Counter(rv.summary["areas"][a]["rag"] for a in AREAS)
    worst = next((p for p in problems(rv) if p.open), None)
    most = [", most of all ", in_sentence(worst.title)] if worst else []
    of_all = [" of the ", f.fig("areas.total"), " areas "]
    if rags["Red"]:
        out = ["The school does not yet keep its Social Media Policy well enough: ", f.fig("areas.red")] + of_all
        out += ["needs" if rags["Red"] == 1 else "need", " urgent action"] + most
    elif rags["Amber"]:
        out = ["The school mostly keeps its Social Media Policy: no area needs urgent action, but "]
        out += [f.fig("areas.amber")] + of_all + ["needs" if rags["Amber"] == 1 else "need", " attention"] + most
    else:
        out = ["The school keeps its Social Media Policy well: no area has a serious problem"]
    if rags["Grey"]:
        out += ["; ", f.fig("areas.grey"), " could not be fully checked"]
    return out + ["."]


def decisions(rv: Review) -> list[Phrase]:
    """What the governing body is asked to decide, in the order of the meeting.

    Note the risks the school accepts (the DPO's decisions), before the action plan.
    """
    f = rv.figures
    open_ = {p.rule for p in problems(rv) if p.open}
    out: list[Phrase] = []
    if "POL-01" in open_:
        out.append(["Review the Social Media Policy and approve it again, with a date for its next review."])
    if "POL-02" in open_:
        out.append(["Ask the chair of governors and the proprietor (", PROPRIETOR, ") to sign the policy."])
    if f.get("risks.accepted"):
        out.append(
            ["Note the "]
            + words(f.fig("risks.accepted"), "risk")
            + [" the school has accepted on the DPO's advice (given under its area, with the reason)."]
        )
    if f.get("plan.actions"):
        first = next(iter(k for k in ("now", *SEVERITIES) if f.has(f"plan.group.{k}")))
        urgent = f.fig(f"plan.group.{first}")
        out.append(
            ["Approve the action plan: "]
            + words(f.fig("plan.actions"), "action")
            + (
                [", the ", urgent, " most urgent due by ", f.fig("plan.due_first"), "."]
                if urgent.value < f.get("plan.actions")
                else [", due by ", f.fig("plan.due_first"), "."]
            )
        )
    else:
        out.append(["Note that no action is needed this year."])
    return out


def questions(rv: Review, limit: int = QUESTIONS) -> list[str]:
    """Questions governors may ask, from the most serious open problems: one per area, most serious
    first (the policy's own review is a decision, not a question)."""
    asked, areas = [], set()
    for p in problems(rv):
        if not p.open or p.words.governors_decide or p.words.area in areas:
            continue
        asked.append(p.words.question)
        areas.add(p.words.area)
        if len(asked) == limit:
            break
    return asked


def since_last_year(rv: Review) -> Phrase | None:
    """How last year's actions ended, for the first page: how many were marked done, how many have nothing open
    now, and how many of this year's carry on. None without last year."""
    f = rv.figures
    if not f.has("last_year.actions"):
        return None
    last = rv.previous["year"] if rv.previous else "last year"
    out = [f"Last year's action plan ({last}) had "] + words(f.fig("last_year.actions"), "action")
    if f.has("last_year.done"):
        out += [": ", f.fig("last_year.done"), " ", "was" if f.get("last_year.done") == 1 else "were"]
        out += [" marked done"]
    else:
        out += ["; whether they were marked done is not known, as last year's plan was not given"]
    if f.get("last_year.added"):  # rows the school added by hand: the checks cannot say whether they are done
        out += [", and this year's checks find nothing open for ", f.fig("last_year.resolved"), " of the "]
        out += words(f.fig("last_year.from_checks"), "action") + [" last year's checks gave; the other "]
        out += [f.fig("last_year.added"), " ", "was" if f.get("last_year.added") == 1 else "were"]
        out += [" added by the school."]
    else:
        out += [", and this year's checks find nothing open for ", f.fig("last_year.resolved"), " of them."]
    if f.has("plan.carried_over") and f.get("plan.actions"):
        out += [" Of this year's "] + words(f.fig("plan.actions"), "action") + [", ", f.fig("plan.carried_over")]
        out += [" carry on from last year and ", f.fig("plan.new"), " ", "is" if f.get("plan.new") == 1 else "are"]
        out += [" new."]
    return out


def lapsed_risks(rv: Review) -> list[Phrase]:
    """Each accepted risk whose review date has passed without the DPO renewing it: the problem, until when it
    was accepted, and that it counts again."""
    out = []
    for finding in rv.result.findings:
        lapsed = finding.lapsed_decision
        if lapsed is None or lapsed.decision != ACCEPTED_RISK or finding.rule not in REGISTRY:
            continue
        out.append(
            [REGISTRY[finding.rule].title, ", accepted until "]
            + ([_day(lapsed.review_by)] if lapsed.review_by else ["its review date"])
            + ["; the DPO has not renewed it, so it counts again."]
        )
    return out


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


__all__ = [
    "Problem",
    "decisions",
    "lapsed_risks",
    "overall_statement",
    "problems",
    "questions",
    "rating_reason",
    "rating_rule",
    "since_last_year",
    "what_was_found",
]
