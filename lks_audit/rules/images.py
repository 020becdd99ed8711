"""Images and consent (area ``images``): IMG-01..IMG-07.

Consent is looked up once per (post, pictured student) pair by an as-of join
(``pandas.merge_asof``) of each post's pictured students against the Consent
rows, so the cost is linear in posts plus consent rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np
import pandas as pd

from ..context import AuditContext
from ..findings import RuleOutcome
from ..load import Dataset
from ..schema import ROW, WORKBOOK_OF_SHEET
from .base import fmt_date, is_yes, post_labels
from .derived import Derived
from .registry import ACT_NOW, Rule, register_clock, rules_in
from .unknown import Tri, blank, checked, in_doubt, key_cells, says_yes, settle, settle_as_read, test, unreadable

#: The area of every rule in this module.
AREA = "images"
register = rules_in(AREA)

POLICY_BREACH = "a breach of the school's policy on images"
#: The policy's clause on students' clothing in images (IMG-05, IMG-07).
_CLOTHING_CLAUSE = (
    "Consideration to the clothing of the students in images eg avoid swimming costume shots and "
    "review sporting activity clothing."
)
CONSENT_CLAUSE = (
    "Permission to use any photos or video recordings is sought in line with DSPP's (Dudley "
    "Safeguarding People Partnership), use of images permission guidance and associated consent forms."
)
#: The consent register's file, as a finding names the row of it that decided.
CONSENT_FILE = WORKBOOK_OF_SHEET["Consent"].file
_PAIRS = ("(post, pictured student) pair", "(post, pictured student) pairs")
_PICTURING_POSTS = ("post picturing students", "posts picturing students")


def _consent_cells(data: Dataset, pairs: pd.DataFrame, columns: Iterable[str] = ()) -> list[list[tuple]]:
    """What a pair's consent decision rests on, beyond the post's own cells: ``columns`` of the Consent row in
    force, every Consent row of the student whose Form received on could not be read (it might be the form in
    force), and every Consent row whose Student ID could not be read (it might be the student's)."""
    consent = data.frames["Consent"]
    undated = consent[
        unreadable(data, consent, "Consent", "Form received on") & consent["Student ID"].notna().to_numpy()
    ]
    undated_rows: dict[str, list[int]] = {}
    for student, row in zip(undated["Student ID"].tolist(), undated[ROW].tolist()):
        undated_rows.setdefault(student, []).append(row)
    anyone = key_cells(data, "Consent", "Student ID")
    return [
        [("Consent", r, "Form received on") for r in undated_rows.get(student, [])]
        + anyone
        + ([("Consent", in_force, c) for c in columns] if pd.notna(in_force) else [])
        for student, in_force in zip(pairs["Student ID"].tolist(), pairs["c:_row"].tolist())
    ]


def _form_in_doubt(data: Dataset, pairs: pd.DataFrame) -> np.ndarray:
    """Per pair: may another Consent row be the one in force? One of the student's forms has a date that could
    not be read, a Consent row's Student ID could not be read, or the post's day could not be read."""
    consent = data.frames["Consent"]
    undated = consent.loc[unreadable(data, consent, "Consent", "Form received on"), "Student ID"].dropna()
    doubt = pairs["Student ID"].isin(set(undated)).to_numpy() | (len(key_cells(data, "Consent", "Student ID")) > 0)
    return doubt | unreadable(data, pairs, "Posts", "Posted at")


def _in_force(data: Dataset, pairs: pd.DataFrame, column: str) -> np.ndarray:
    """Per pair: could ``column`` of its Consent row in force not be read?"""
    return unreadable(data, pairs, "Consent", column, rows="c:_row")


def _unlisted_posts(data: Dataset, derived: Derived, scope: Tri | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """In-period posts whose Students pictured could not be read (any student may be on them), and of those, the
    ones ``scope`` (a :class:`Tri` over every in-period post) may hold for; each is undecided for the pair rules."""
    posts = derived.period_posts
    unread = unreadable(data, posts, "Posts", "Students pictured")
    if scope is not None:
        unread &= scope.maybe
    return posts[unread], unread


def _pictured(pairs: pd.DataFrame) -> list[tuple]:
    """Each pair's Students pictured reference: an ID not on the consent register is a DQ-04."""
    return [("Posts", r, "Students pictured", s) for r, s in zip(pairs[ROW].tolist(), pairs["Student ID"].tolist())]


def consent_holds(pairs: pd.DataFrame) -> pd.Series:
    """rules.md: the row in force says Social media consent Yes and Withdrawn on is blank or after the day."""
    withdrawn = pairs["c:Withdrawn on"]
    return is_yes(pairs["c:Social media consent"]) & (withdrawn.isna() | (withdrawn > pairs["_day"]))


def _no_consent_reasons(pairs: pd.DataFrame) -> list[str]:
    """Why each (post, student) pair has no consent on the post's day, worded for the school office: the Consent
    row in force named by its file and row."""
    received = pairs["c:Form received on"].dt.strftime("%d/%m/%Y").tolist()
    withdrawn = pairs["c:Withdrawn on"].dt.strftime("%d/%m/%Y").tolist()
    undated = pairs["_day"].isna().tolist()
    no_form = pairs["c:Form received on"].isna().tolist()
    was_withdrawn = (pairs["c:Withdrawn on"] <= pairs["_day"]).tolist()
    rows = [f" ({CONSENT_FILE}, row {int(r)})" if pd.notna(r) else "" for r in pairs["c:_row"].tolist()]
    return [
        "has no Posted at, so the consent of a student it pictures cannot be checked"
        if u
        else "pictures a student with no consent form received by that day"
        if n
        else f"pictures a student whose consent was withdrawn on {w}{row}"
        if gone
        else f"pictures a student whose consent form received on {r}{row} does not give social media consent"
        for u, n, gone, r, w, row in zip(undated, no_form, was_withdrawn, received, withdrawn, rows)
    ]


def _later_forms(data: Dataset, pairs: pd.DataFrame) -> list[tuple | None]:
    """Per pair, the student's first Consent row received after the post's day, as (day, Excel row, gives social
    media consent): a form that came too late does not cure the post, but the DPO must know of it."""
    consent = data.frames["Consent"]
    consent = consent[consent["Student ID"].isin(set(pairs["Student ID"])) & consent["Form received on"].notna()]
    forms: dict[str, list[tuple]] = {}
    ordered = consent.sort_values(["Form received on", ROW], kind="stable")
    for student, day, row, given in zip(
        ordered["Student ID"], ordered["Form received on"], ordered[ROW], is_yes(ordered["Social media consent"])
    ):
        forms.setdefault(student, []).append((day, int(row), bool(given)))
    out = []
    for student, day in zip(pairs["Student ID"].tolist(), pairs["_day"].tolist()):
        later = [f for f in forms.get(student, ()) if pd.notna(day) and f[0] > day]
        out.append(later[0] if later else None)
    return out


def _later_form_words(form: tuple | None, day: pd.Timestamp) -> str:
    """``; a form giving social media consent was received 5 days later, on 10/09/2025 (image_consent.xlsx, row
    812)``, or "" when no form came after the post."""
    if form is None:
        return ""
    received, row, given = form
    days = (received - day).days
    gives = "giving" if given else "not giving"
    when = f"{days} day{'s' if days != 1 else ''} later, on {fmt_date(received)}"
    return f"; a form {gives} social media consent was received {when} ({CONSENT_FILE}, row {row})"


def _consent_facts(pairs: pd.DataFrame, later: list[tuple | None]) -> list[tuple]:
    """IMG-01's facts: the Consent row in force (its Excel row, or None) and the first form received after the post."""
    return [
        (
            ("consent_row", None if pd.isna(row) else int(row)),
            ("later_form_row", form[1] if form else None),
            ("later_form_received_on", form[0].date().isoformat() if form else None),
            ("later_form_gives_consent", form[2] if form else None),
        )
        for row, form in zip(pairs["c:_row"].tolist(), later)
    ]


@register(
    "IMG-01",
    "critical",
    take_down=True,
    clause=CONSENT_CLAUSE,
    meaning=(
        "A post with Images of students = Yes pictures a student who has no social media consent on "
        "the post's date (no form received by then, consent not given, or withdrawn on or before it)."
    ),
    needs={
        "Posts": ("Post ID", "Posted at", "Images of students", "Students pictured"),
        "Consent": ("Student ID", "Form received on", "Social media consent", "Withdrawn on"),
    },
    counts=(
        "(post, pictured student) pair on a post with images of students",
        "(post, pictured student) pairs on posts with images of students",
    ),
    title="Photos of students without consent",
    why="Posting a child's photo without consent breaks the policy and can put the child at risk.",
    good="Every student in a posted photo has consent on the day it is posted.",
    question="How will we make sure consent is checked before a photo is posted?",
    plain_counts=("pictured student", "pictured students"),
    action="Take the post down or remove the student from the image, and check the consent form before posting.",
    owner="Account administrator",
)
def pictured_without_consent(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    pairs = derived.pictured_pairs
    images = says_yes(data, pairs, "Posts", "Images of students")
    withdrawn = pairs["c:Withdrawn on"]
    answer_unread = _in_force(data, pairs, "Social media consent")
    withdrawal_unread = _in_force(data, pairs, "Withdrawn on")
    # Consent in three values: the form in force's answer and withdrawal (consent_holds, each half unknown where
    # its cell could not be read), and whether that form is in force.
    given = Tri(is_yes(pairs["c:Social media consent"]).to_numpy(bool), answer_unread)
    kept = Tri((withdrawn.isna() | (withdrawn > pairs["_day"])).to_numpy(), withdrawal_unread)
    holds = in_doubt(given & kept, _form_in_doubt(data, pairs))
    hit = images & ~holds
    fired = is_yes(pairs["Images of students"]).to_numpy(bool) & ~consent_holds(pairs).to_numpy(bool)
    # "no consent form received by that day" holds whatever a form's unreadable date is (to confirm, as it has
    # always been); an unreadable answer, withdrawal or Images of students may say otherwise (undecided).
    doubtful = unreadable(data, pairs, "Posts", "Images of students") | answer_unread | withdrawal_unread
    found, undecided = settle_as_read(hit, fired, doubtful)
    hit = pairs[found]
    later = _later_forms(data, hit)
    messages = [
        f"{label} {reason}: {POLICY_BREACH}{_later_form_words(form, day)}"
        for label, reason, form, day in zip(post_labels(hit), _no_consent_reasons(hit), later, hit["_day"].tolist())
    ]
    also = [[ref, *cells] for ref, cells in zip(_pictured(hit), _consent_cells(data, hit, ("Social media consent",)))]
    findings = rule.findings(
        hit, "Posts", messages, students=hit["Student ID"], column="Students pictured", rests_on=("Posted at",),
        also=also,
    )  # fmt: skip
    findings = [replace(f, facts=x) for f, x in zip(findings, _consent_facts(hit, later))]
    open_ = pairs[undecided]
    waits = rule.undecided(
        open_, "Posts", columns=("Posted at", "Images of students"), students=open_["Student ID"],
        also=_consent_cells(data, open_, ("Social media consent", "Withdrawn on")),
    )  # fmt: skip
    posts = derived.period_posts
    unlisted, _ = _unlisted_posts(data, derived, says_yes(data, posts, "Posts", "Images of students"))
    waits += rule.undecided(unlisted, "Posts", columns=("Students pictured", "Images of students"))
    return rule.outcome(findings, checked(images, found, undecided), waits)


@register(
    "IMG-02",
    "high",
    clause=CONSENT_CLAUSE,
    meaning="A post with Images of students = Yes names no Students pictured, so consent cannot be verified.",
    needs={"Posts": ("Post ID", "Posted at", "Images of students", "Students pictured")},
    counts=("post with images of students", "posts with images of students"),
    title="Photos of students with no record of who is shown",
    why="If no one writes down who is in a photo, no one can check their consent.",
    good="Every post with students in it lists who is shown.",
    question="How do staff record who is in each photo?",
    plain_counts=("post with photos of students", "posts with photos of students"),
    action="Record in the posts log which students are pictured, then check their consent.",
    owner="Account administrator",
)
def students_not_recorded(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    posts = derived.period_posts
    with_images = says_yes(data, posts, "Posts", "Images of students")
    # Students pictured that could not be read reads as none ("does not record who is pictured"): to confirm.
    hit = with_images & blank(data, posts, "Posts", "Students pictured")
    found, undecided = settle(hit, doubtful=with_images.unknown)
    hit = posts[found]
    messages = [
        f"{label} shows students but does not record who is pictured, so their consent cannot be checked"
        for label in post_labels(hit)
    ]
    findings = rule.findings(hit, "Posts", messages, column="Students pictured", rests_on=("Posted at",))
    waits = rule.undecided(posts[undecided], "Posts", columns=("Images of students", "Students pictured"))
    return rule.outcome(findings, checked(with_images, found, undecided), waits)


@register(
    "IMG-03",
    "critical",
    take_down=True,
    clause=(
        "Litle Kinvaston School takes great care when posting images and videos of people, especially "
        "students and vulnerable adults."
    ),
    meaning=(
        "A post pictures a student whose latest Consent row on the post's date has Photo restriction "
        "= Yes (whatever the consent)."
    ),
    needs={
        "Posts": ("Post ID", "Posted at", "Students pictured"),
        "Consent": ("Student ID", "Form received on", "Photo restriction"),
    },
    counts=_PAIRS,
    title="Photos of students who must never be shown",
    why="Some children must not be pictured at all, often to keep them safe from someone who may be looking for them.",
    good="No student who must not be photographed appears in any post.",
    question="How do staff know which students must never be photographed?",
    plain_counts=("pictured student", "pictured students"),
    action="Take the post down at once and tell the designated safeguarding lead.",
    owner="Designated safeguarding lead",
)
def pictured_with_photo_restriction(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    pairs = derived.pictured_pairs
    as_read = is_yes(pairs["c:Photo restriction"]).to_numpy(bool)
    unread = _in_force(data, pairs, "Photo restriction")
    hit = in_doubt(Tri(as_read, unread), _form_in_doubt(data, pairs))
    found, undecided = settle_as_read(hit, as_read, doubtful=unread)
    hit = pairs[found]
    messages = [
        f"{label} pictures a student who must never be photographed for publication "
        f"(photo restriction): {POLICY_BREACH}"
        for label in post_labels(hit)
    ]
    findings = rule.findings(
        hit, "Posts", messages, students=hit["Student ID"], column="Students pictured", also=_consent_cells(data, hit)
    )
    open_ = pairs[undecided]
    waits = rule.undecided(
        open_, "Posts", columns=("Posted at",), students=open_["Student ID"],
        also=_consent_cells(data, open_, ("Photo restriction",)),
    )  # fmt: skip
    unlisted, _ = _unlisted_posts(data, derived)
    waits += rule.undecided(unlisted, "Posts", columns=("Students pictured",))
    return rule.outcome(findings, int(len(pairs) - undecided.sum()), waits)


@register(
    "IMG-04",
    "medium",
    take_down=True,
    clause=CONSENT_CLAUSE,
    meaning=(
        "A post pictures a student whose consent (the form in force on the post's day) was withdrawn "
        "after the post, and the post has no Removed on on or after the withdrawal."
    ),
    needs={
        "Posts": ("Post ID", "Posted at", "Students pictured", "Removed on"),
        "Consent": ("Student ID", "Form received on", "Withdrawn on"),
    },
    counts=_PAIRS,
    title="Photos left up after consent was withdrawn",
    why="When a parent withdraws consent, the school should take down the photos of their child.",
    good="Photos come down when consent is withdrawn.",
    question="What do we do with old posts when a parent withdraws consent?",
    plain_counts=("pictured student", "pictured students"),
    action="Take the post down (or remove the student from it) and record the Removed on date.",
    owner="Account administrator",
)
def not_removed_after_withdrawal(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    pairs = derived.pictured_pairs
    later, removed_in_time = _withdrawn_later(pairs, ctx)
    # A Removed on that could not be read reads as none ("the post has not been removed"): to confirm. Its clock
    # runs out at once (act now, due.md).
    withdrawal_unread = _in_force(data, pairs, "Withdrawn on")
    hit = in_doubt(Tri(later, withdrawal_unread), _form_in_doubt(data, pairs))
    hit = hit & ~test(data, pairs, "Posts", removed_in_time, "Removed on")
    found, undecided = settle_as_read(hit, later & ~removed_in_time, doubtful=withdrawal_unread)
    hit = pairs[found]
    messages = [
        f"{label} pictures a student whose consent was withdrawn on {fmt_date(w)}; "
        + ("the post has not been removed" if pd.isna(r) else f"it was removed on {fmt_date(r)}, before that")
        + f": {POLICY_BREACH}"
        for label, w, r in zip(post_labels(hit), hit["c:Withdrawn on"].tolist(), hit["Removed on"].tolist())
    ]
    findings = rule.findings(
        hit, "Posts", messages, students=hit["Student ID"], column="Removed on", also=_consent_cells(data, hit)
    )
    open_ = pairs[undecided]
    waits = rule.undecided(
        open_, "Posts", columns=("Posted at", "Removed on"), students=open_["Student ID"],
        also=_consent_cells(data, open_, ("Withdrawn on",)),
    )  # fmt: skip
    unlisted, _ = _unlisted_posts(data, derived)
    waits += rule.undecided(unlisted, "Posts", columns=("Students pictured",))
    return rule.outcome(findings, int(len(pairs) - undecided.sum()), waits)


def _withdrawn_later(pairs: pd.DataFrame, ctx: AuditContext) -> tuple[np.ndarray, np.ndarray]:
    """Per (post, student) pair: was consent withdrawn after the post's day, on or before as of (a withdrawal dated
    after as of is a DQ-05 data error, not counted again here); and was the post removed on or after that?"""
    withdrawn = pairs["c:Withdrawn on"]
    later = (withdrawn.notna() & (withdrawn > pairs["_day"]) & (withdrawn <= ctx.as_of)).to_numpy()
    removed_in_time = (pairs["Removed on"].notna() & (pairs["Removed on"] >= withdrawn)).to_numpy()
    return later, removed_in_time


@register_clock(
    "IMG-04",
    "Take-down of post {record}",
    ACT_NOW,
    "Posts",
    start=(("Consent", "Withdrawn on", "c:_row"),),
    stop=("Removed on",),
    student="Student ID",
)
def still_up_after_withdrawal(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """(post, student) pairs whose consent was withdrawn after the post, on or before as of, and the post not
    removed since: to be taken down at once. Pairs whose Withdrawn on could not be read, on a post not removed,
    are kept with no start (the clock is then to confirm), and so are pairs where another consent form could be
    the one in force (``_open_cells``)."""
    pairs = derived.pictured_pairs
    later, removed_in_time = _withdrawn_later(pairs, ctx)
    unknown = _in_force(data, pairs, "Withdrawn on") & pairs["Removed on"].isna().to_numpy()
    up = pairs[(later & ~removed_in_time) | unknown]
    doubt = _form_in_doubt(data, up)
    posted = unreadable(data, up, "Posts", "Posted at")
    cells = [
        ([("Posts", r, "Posted at")] if p else []) + (c if d else [])
        for r, p, c, d in zip(up[ROW].tolist(), posted.tolist(), _consent_cells(data, up), doubt.tolist())
    ]
    return up.assign(_start=up["c:Withdrawn on"], _due=up["c:Withdrawn on"], _open_cells=cells)


@register(
    "IMG-05",
    "high",
    take_down=True,
    clause=_CLOTHING_CLAUSE,
    meaning="A post picturing students has Swimwear = Yes.",
    needs={"Posts": ("Post ID", "Posted at", "Images of students", "Students pictured", "Swimwear")},
    counts=_PICTURING_POSTS,
    title="Photos of students in swimwear",
    why="Photos in swimwear are more open to misuse, so the policy says to avoid them.",
    good="No post shows students in swimming costumes.",
    question="Do staff know not to post photos of students in swimwear?",
    plain_counts=("post with photos of students", "posts with photos of students"),
    action="Take the post down or replace the image; do not post pictures of students in swimming costumes.",
    owner="Account administrator",
)
def swimwear(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    return _picturing_posts_where(rule, data,  derived, "Swimwear", lambda posts: is_yes(posts["Swimwear"]),
                                  "shows students in swimwear")  # fmt: skip


@register(
    "IMG-06",
    "advisory",
    clause="Using group shots not individual shots",
    meaning="A post picturing students has Shot type Individual.",
    needs={"Posts": ("Post ID", "Posted at", "Images of students", "Students pictured", "Shot type")},
    counts=_PICTURING_POSTS,
    title="Photos of one student rather than a group",
    why="In a group shot, one child is harder to pick out.",
    good="Posts use group shots, or shots from behind.",
    question="Do we use group shots wherever we can?",
    plain_counts=("post with photos of students", "posts with photos of students"),
    action="Prefer group shots or shots from behind for future posts.",
    owner="Account administrator",
)
def individual_shot(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    return _picturing_posts_where(
        rule, data,  derived, "Shot type", lambda posts: posts["Shot type"] == "Individual",
        "uses an individual shot of a student; group shots are preferred",
    )  # fmt: skip


@register(
    "IMG-07",
    "advisory",
    clause=_CLOTHING_CLAUSE,
    meaning="A post picturing students has Sports kit = Yes: the policy asks for the sporting clothing to be reviewed.",
    needs={"Posts": ("Post ID", "Posted at", "Images of students", "Students pictured", "Sports kit")},
    counts=_PICTURING_POSTS,
    title="Photos of students in sports kit",
    why="The policy asks staff to think about what students are wearing in sports photos.",
    good="Sports photos are checked before they are posted.",
    question="Who checks sports photos before they go up?",
    plain_counts=("post with photos of students", "posts with photos of students"),
    action="Review the sports clothing in the picture before posting; prefer images where kit is not revealing.",
    owner="Account administrator",
)
def sports_kit(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    return _picturing_posts_where(rule, data,  derived, "Sports kit", lambda posts: is_yes(posts["Sports kit"]),
                                  "shows students in sports kit: review the clothing shown")  # fmt: skip


def _picturing_posts_where(
    rule: Rule,
    data: Dataset,
    derived: Derived,
    column: str,
    selects: Callable[[pd.DataFrame], pd.Series],
    what: str,
) -> RuleOutcome:
    """In-period posts picturing students where ``selects(posts)`` holds, out of all posts picturing students.
    An unreadable ``column`` (or whether the post pictures students) may say otherwise: undecided."""
    posts = derived.period_posts
    picturing = says_yes(data, posts, "Posts", "Images of students") | ~blank(data, posts, "Posts", "Students pictured")
    hit = picturing & test(data, posts, "Posts", selects(posts).to_numpy(dtype=bool), column)
    found, undecided = settle(hit, doubtful=hit.unknown)
    hit = posts[found]
    messages = [f"{label} {what}" for label in post_labels(hit)]
    findings = rule.findings(hit, "Posts", messages, column=column, rests_on=("Posted at",))
    waits = rule.undecided(posts[undecided], "Posts", columns=(column, "Images of students", "Students pictured"))
    return rule.outcome(findings, checked(picturing, found, undecided), waits)
