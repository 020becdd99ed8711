"""Content and conduct (area ``content``): PST-01..PST-06.

Student names (PST-03, PST-04) are found without running one regex per
student over every post: each post's folded text is split into word tokens,
names are indexed by their first one or two tokens, and only the names whose
tokens occur in a post are confirmed with the exact whole-word regex.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

import numpy as np
import pandas as pd

from ..cells import clean_unicode
from ..context import AuditContext
from ..findings import PLATFORM_SOURCE, RuleOutcome
from ..load import Dataset
from ..schema import ROW
from .base import (
    first_by_key,
    fmt_date,
    post_labels,
    weekday_datetime_texts,
)
from .derived import WORD, Derived, RegisterName
from .registry import Rule, rules_in
from .unknown import (
    Tri,
    checked,
    in_doubt,
    key_cells,
    other_cells,
    says_yes,
    settle,
    settle_as_read,
    staff_current,
    test,
    unreadable,
    unreadable_at,
    unreadable_rows,
)

#: The area of every rule in this module.
AREA = "content"
register = rules_in(AREA)


def fold(text: str) -> str:
    """interpretations.md: names and post texts are compared after NFKC and case folding.

    Accents are kept: "Zoe" and "Zoë" are different names.
    """
    return clean_unicode(text).casefold()


def folded_texts(texts: pd.Series) -> list[str | None]:
    return [fold(t) if isinstance(t, str) else None for t in texts.tolist()]


def full_name_hits(folded: list[str | None], names: list[RegisterName]) -> pd.DataFrame:
    """One row per (post, student) whose full register name is in the post's folded text.

    Columns ``pos`` (position in ``folded``) and ``student`` (Student ID; None for a register
    row without one), in post order.
    """
    index: dict[tuple[str, str], list[RegisterName]] = {}
    odd = []
    for name in names:
        bigram = name.bigram
        if bigram is not None:
            index.setdefault(bigram, []).append(name)
        elif len(name.words) > 1:
            odd.append(name)
    keys = set(index)
    hits: dict[tuple, str | None] = {}
    # Posts repeat texts (notices, templated captions): each distinct text is searched once.
    named_in: dict[str, list[RegisterName]] = {}
    for pos, text in enumerate(folded):
        if text is None:
            continue
        found = named_in.get(text)
        if found is None:
            words = WORD.findall(text)
            candidates = [n for k in keys.intersection(zip(words, words[1:])) for n in index[k]]
            found = named_in[text] = [name for name in candidates + odd if name.full_name.search(text)]
        for name in found:
            # A register row without a Student ID is told apart by its name.
            hits[(pos, name.student if name.student is not None else name.words)] = name.student
    ordered = sorted(hits, key=lambda k: (k[0], str(k[1])))
    return pd.DataFrame(
        {
            "pos": pd.Series([k[0] for k in ordered], dtype="int64"),
            "student": pd.Series([hits[k] for k in ordered], dtype=object),
        }
    )


def _starts_capitalised(text: str, first_name: re.Pattern) -> bool:
    """The first name occurs as a whole word whose first letter is a capital (Amelia, AMELIA; not amelia).

    The regex runs on the folded text; each match is mapped back to the character it came from.
    """
    text = clean_unicode(text)
    folded_parts = [c.casefold() for c in text]
    starts, at = [], 0
    for part in folded_parts:
        starts.append(at)
        at += len(part)
    for m in first_name.finditer("".join(folded_parts)):
        first = text[bisect_right(starts, m.start()) - 1]
        if first.isupper() or first.istitle():
            return True
    return False


_POSTS = ("post", "posts")

_AUTHORISED_CLAUSE = (
    "Know the contents of and ensure that any use of social media, is by an authorised staff "
    "member and is carried out in line with this and other relevant policies"
)


@register(
    "PST-01",
    "high",
    clause=_AUTHORISED_CLAUSE,
    meaning="Posted by is an Administrator of that post's account.",
    needs={"Posts": ("Post ID", "Posted at", "Account ID", "Posted by"), "Accounts": ("Account ID", "Administrators")},
    counts=_POSTS,
    title="Posts by staff not named to run the account",
    why="Only the staff named for an account should post on it, so that the school knows who speaks for it.",
    good="Every post comes from one of the staff named for its account.",
    question="How do we stop staff from posting on accounts they do not run?",
    action="Only the account's named administrators post; add the person as an administrator or stop them posting.",
    owner="SLT",
)
def posted_by_non_administrator(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    posts = derived.period_posts
    accounts = first_by_key(data.frames["Accounts"], "Account ID")
    admins = accounts[["Account ID", "Administrators"]].explode("Administrators").dropna().astype(object)
    is_admin = pd.MultiIndex.from_frame(posts[["Account ID", "Posted by"]].astype(object)).isin(
        pd.MultiIndex.from_frame(admins)
    )
    # The account's Administrators cell could not be read: anyone may be one of them.
    account_row = np.full(len(posts), -1.0)
    if ("Accounts", "Administrators") in data.unknown:  # looked up only where such a cell exists
        account_row = accounts.set_index("Account ID")[ROW].reindex(posts["Account ID"]).fillna(-1).to_numpy()
    admins_unread = unreadable_at(data, "Accounts", account_row, "Administrators")
    not_admin = Tri(~is_admin, admins_unread)
    # A Posted by or Account ID that could not be read reads as none ("does not record who posted it"): to confirm.
    found, undecided = settle(not_admin, doubtful=admins_unread)
    hit = posts[found]
    known = hit["Account ID"].isin(accounts["Account ID"].dropna()).tolist()
    messages = []
    for label, account, by, on_register in zip(
        post_labels(hit), hit["Account ID"].tolist(), hit["Posted by"].tolist(), known
    ):
        if by is None:  # one finding for the blank, here: PST-02 checks the posts that name someone
            messages.append(
                f"{label} does not record who posted it, so it cannot be shown to come from an administrator of "
                "its account who was on the staff that day"
            )
        elif account is None:
            messages.append(f"{label} was posted by {by} but records no account")
        elif not on_register:
            messages.append(f"{label} was posted by {by} on account {account}, which is not on the accounts register")
        else:
            messages.append(f"{label} was posted by {by}, who is not an administrator of account {account}")
    # A mistyped Posted by or Account ID (DQ-04) reads as someone else, or an account not on the register.
    also = [
        [("Posts", row, column, value) for column, value in (("Posted by", by), ("Account ID", acc)) if value]
        for row, by, acc in zip(hit[ROW].tolist(), hit["Posted by"].tolist(), hit["Account ID"].tolist())
    ]
    findings = rule.findings(
        hit, "Posts", messages, column="Posted by", rests_on=("Account ID", "Posted at"), also=also
    )
    waits = rule.undecided(
        posts[undecided], "Posts", columns=("Posted by", "Account ID"),
        also=other_cells("Accounts", account_row[undecided], "Administrators"),
    )  # fmt: skip
    return rule.outcome(findings, int(len(posts) - undecided.sum()), waits)


@register(
    "PST-02",
    "high",
    clause=_AUTHORISED_CLAUSE,
    meaning="Posted by is current staff on the day of the post (a blank Posted by is PST-01's).",
    needs={"Posts": ("Post ID", "Posted at", "Posted by"), "Staff": ("Staff ID", "Start date", "Leaving date")},
    counts=("dated post naming who posted it", "dated posts naming who posted it"),
    title="Posts by people who were not on the staff at the time",
    why="Someone who has left, or not yet started, should not be able to post as the school.",
    good="Every post comes from a current member of staff.",
    question="Do we take away access to the accounts as soon as someone leaves?",
    plain_counts=("dated post", "dated posts"),
    action="Remove access for anyone who has left or not yet started; change the account passwords.",
    owner="Account administrator",
)
def posted_by_non_current_staff(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    every = derived.period_posts
    # An undated post cannot be placed against anyone's start and leaving dates; one whose Posted at could not be
    # read is dated, on a day unknown. A post naming no one is PST-01's one finding (one fault, one finding); one
    # whose Posted by could not be read may name anyone (undecided, below).
    day_unread = unreadable(data, every, "Posts", "Posted at")
    by_unread = unreadable(data, every, "Posts", "Posted by")
    named = every["Posted by"].notna().to_numpy()
    posts = every[every["Posted at"].notna().to_numpy() & named]
    current, as_read, staff_rows = staff_current(data, posts["Posted by"], posts["Posted at"])
    # A Start or Leaving date that could not be read makes "current" unknown (rules.md), read blank: current.
    found, undecided = settle_as_read(~current, ~as_read)
    hit, hit_rows = posts[found], staff_rows[found]
    staff = first_by_key(data.frames["Staff"], "Staff ID")[["Staff ID", "Start date", "Leaving date"]]
    dates = hit[["Posted by", "Posted at"]].merge(staff, left_on="Posted by", right_on="Staff ID", how="left")
    left = (dates["Leaving date"] <= dates["Posted at"].dt.floor("D")).tolist()
    messages = []
    for label, by, start, leaving, gone in zip(
        post_labels(hit), hit["Posted by"].tolist(), dates["Start date"], dates["Leaving date"], left
    ):
        if gone:
            messages.append(f"{label} was posted by {by}, who left on {fmt_date(leaving)}")
        elif pd.notna(start):
            messages.append(f"{label} was posted by {by}, who only started on {fmt_date(start)}")
        else:
            messages.append(f"{label} was posted by {by}, who is not on the staff list")
    also = [
        ([("Posts", row, "Posted by", by)] if by else []) + cells
        for row, by, cells in zip(
            hit[ROW], hit["Posted by"], other_cells("Staff", hit_rows, "Start date", "Leaving date")
        )
    ]
    findings = rule.findings(hit, "Posts", messages, column="Posted by", rests_on=("Posted at",), also=also)
    nowhere = key_cells(data, "Staff", "Staff ID")
    waits = rule.undecided(
        posts[undecided], "Posts", columns=("Posted by",),
        also=[cells + nowhere for cells in other_cells("Staff", staff_rows[undecided], "Start date", "Leaving date")],
    )  # fmt: skip
    # A post on a day that could not be read: undecided, unless its author is current whatever the day (on the
    # Staff sheet with neither a Start nor a Leaving date).
    undated = every[day_unread & named]
    ever, _, _ = staff_current(data, undated["Posted by"], pd.Series(pd.Timestamp.min.ceil("D"), index=undated.index))
    always, _, _ = staff_current(
        data, undated["Posted by"], pd.Series(pd.Timestamp.max.floor("D"), index=undated.index)
    )
    waits += rule.undecided(undated[~(ever.yes & always.yes)], "Posts", columns=("Posted at", "Posted by"))
    waits += rule.undecided(every[by_unread], "Posts", columns=("Posted by",))
    return rule.outcome(findings, int(len(posts) - undecided.sum()), waits)


_NAMES_CLAUSE = (
    "Personal details of students and vulnerable adults, which could make them identifiable/targeted "
    "(including name and address) are not posted."
)


@register(
    "PST-03",
    "critical",
    take_down=True,
    clause=_NAMES_CLAUSE,
    meaning=(
        "Post text contains the full name (first name and surname as on the consent register, whole "
        "words, any case, any spacing between) of a student on the consent register."
    ),
    needs={"Posts": ("Post ID", "Posted at", "Post text"), "Consent": ("Student ID", "Student name")},
    counts=_POSTS,
    title="Students' full names in posts",
    why="A child's full name online makes the child easy to find, which is a safety risk.",
    good="No post gives a student's full name.",
    question="How do we check posts for students' names before they go up?",
    action="Edit the post to remove the student's name (first names only, and never with a photo of them).",
    owner="Account administrator",
)
def student_full_name(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    posts = derived.period_posts
    hits = full_name_hits(folded_texts(posts["Post text"]), derived.register_names)
    hit = posts.iloc[hits["pos"].to_numpy()]
    messages = [f"{label} gives a student's full name in its text" for label in post_labels(hit)]
    # A name found on a Consent row whose Student ID could not be read: whose it is waits on that cell.
    nameless = key_cells(data, "Consent", "Student ID")
    findings = rule.findings(
        hit, "Posts", messages, students=hits["student"], column="Post text", rests_on=("Posted at",),
        also=[nameless if s is None else [] for s in hits["student"].tolist()],
    )  # fmt: skip
    # A post whose text could not be read may name anyone; a Student name that could not be read may be in any
    # post: either way the post is undecided (unless a name was found in it already).
    unread = unreadable(data, posts, "Posts", "Post text")
    names_unread = [("Consent", int(r), "Student name") for r in unreadable_rows(data, "Consent", "Student name")]
    if names_unread:
        unread |= posts["Post text"].notna().to_numpy()
    unread[hits["pos"].to_numpy()] = False
    waits = rule.undecided(posts[unread], "Posts", columns=("Post text",), also=[names_unread] * int(unread.sum()))
    # platform-exports.md: the published text is the truth for the name rules, matched or not; its base adds the
    # posts only the platforms show.
    published = derived.published_in_period
    found = set(zip(hit[ROW].tolist(), hits["student"].tolist()))
    findings += _published_full_names(rule, data, derived, published, found)
    unlogged = sum(1 for m in published if m.row is None)
    return rule.outcome(findings, int(len(posts) - unread.sum()) + unlogged, waits)


def _on_logged_posts(rule: Rule, data: Dataset, derived: Derived, hits: list[tuple[int, str]], says: str) -> list:
    """Findings from the platform (``source: "platform"``) on the posts log rows of ``hits`` ((Excel row, Student
    ID) pairs), each message the post's label and ``says``."""
    if not hits:
        return []
    at = derived.post_positions
    hit = data.frames["Posts"].iloc[[at[row] for row, _ in hits]]
    messages = [f"{label} {says}" for label in post_labels(hit)]
    findings = rule.findings(hit, "Posts", messages, students=[student for _, student in hits])
    return [replace(f, source=PLATFORM_SOURCE) for f in findings]


def _published_full_names(rule: Rule, data: Dataset, derived: Derived, published: list, found: set[tuple]) -> list:
    """PST-03 on the texts as published: a name found only there is a finding with ``source: "platform"``, on
    its log row where the post was logged, else on the post (``<Account ID>:<post ID or UTC time>``), to confirm
    while a log row that matched nothing might be it (its account, time or Link could not be read)."""
    if not published:
        return []
    # A post published with the text it was logged with has the log's findings: only the others are searched.
    at, logged = derived.post_positions, data.frames["Posts"]["Post text"].to_numpy()
    published = [m for m in published if m.row is None or logged[at[m.row]] != m.record.text]
    hits = full_name_hits([fold(m.record.text) for m in published], derived.register_names)
    out, logged_posts = [], []
    for pos, student in zip(hits["pos"].tolist(), hits["student"].tolist()):
        m = published[pos]
        if m.row is not None:
            if (m.row, student) not in found:  # else the logged text names the student too: found there
                logged_posts.append((m.row, student))
        else:
            when = weekday_datetime_texts([m.london])[0]
            message = f"A post published on {m.archive.account} on {when} and never logged gives a student's full name"
            out.append(
                rule.platform_finding(
                    f"{m.archive.account}:{m.key}",
                    m.archive.source,
                    message,
                    student=student,
                    rests_on=derived.unsure_cells("Posts", m.archive.account),
                )
            )
    says = "gives a student's full name in its text as published on the platform (not as logged)"
    return _on_logged_posts(rule, data, derived, logged_posts, says) + out


def _first_name_candidates(
    pairs: pd.DataFrame, texts: pd.Series, names: dict[str, list[RegisterName]]
) -> list[tuple[int, str, str]]:
    """(post position, Student ID, folded text) of the pictured pairs whose post text holds one of the
    student's first names as a whole word, in pair order: the cheap test before the exact ones, since most
    pictured students are not named at all.

    A first name of letters and digits is in a text as a whole word exactly when it is one of the text's
    words, so for those the test is one join (pairs to their students' first names) and a look-up of each
    (distinct text, first name) among the first names each distinct text holds, both numbered so the look-up
    compares integers; any other first name is looked for as a substring.
    """
    codes, distinct = pd.factorize(texts)  # posts repeat texts (notices, templated captions)
    folded = [fold(t) if isinstance(t, str) else None for t in distinct]
    firsts = pd.DataFrame(
        [(student, n.words[0]) for student, ns in names.items() for n in ns], columns=["Students pictured", "first"]
    ).drop_duplicates()
    plain = np.array([WORD.fullmatch(first) is not None for first in firsts["first"].tolist()], dtype=bool)
    pairs = pairs.assign(code=codes[pairs["pos"].to_numpy()], pair=np.arange(len(pairs)))
    named = firsts[plain]
    number, vocabulary = pd.factorize(named["first"].to_numpy(dtype=object))
    numbered = dict(zip(vocabulary.tolist(), range(len(vocabulary))))
    size = max(len(vocabulary), 1)
    # (distinct text, first name) as one integer, for every first name that is a word of the text.
    held = np.fromiter(
        (code * size + numbered[word] for code, text in enumerate(folded) if text
         for word in set(WORD.findall(text)) if word in numbered),
        dtype=np.int64,
    )  # fmt: skip
    wanted = pairs.merge(named.assign(number=number), on="Students pictured")
    found = wanted["pair"][np.isin(wanted["code"].to_numpy() * size + wanted["number"].to_numpy(), held)]
    other = firsts[~plain]
    odd = pairs[
        pairs["Students pictured"].isin(other["Students pictured"]).to_numpy() & (pairs["code"] >= 0).to_numpy()
    ]
    other_firsts = other.groupby("Students pictured")["first"].agg(list)
    found_odd = [
        pair
        for pair, code, student in zip(odd["pair"], odd["code"], odd["Students pictured"])
        if any(first in folded[code] for first in other_firsts[student])
    ]
    for pair in sorted(set(found.tolist()) | set(found_odd)):
        pos, student, code = (pairs[c].iat[pair] for c in ("pos", "Students pictured", "code"))
        yield int(pos), student, folded[code]


@register(
    "PST-04",
    "high",
    take_down=True,
    clause=_NAMES_CLAUSE,
    meaning=(
        "Post text contains, as a whole word with a capital first letter, the first name of a student "
        "pictured in that post (not raised where PST-03 already is for that student)."
    ),
    needs={
        "Posts": ("Post ID", "Posted at", "Post text", "Students pictured"),
        "Consent": ("Student ID", "Student name"),
    },
    counts=("(post, pictured student) pair", "(post, pictured student) pairs"),
    title="Students named next to their own photo",
    why="A first name next to a photo lets a stranger link a face to a child.",
    good="No post names a student who is shown in it.",
    question="Do staff know not to name a child who is in the photo?",
    plain_counts=("pictured student", "pictured students"),
    action="Edit the post so a pictured student is not named alongside their photo.",
    owner="Account administrator",
)
def pictured_student_first_name(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    posts = derived.period_posts
    names: dict[str, list[RegisterName]] = {}
    for name in derived.register_names:
        if name.student is not None:
            names.setdefault(name.student, []).append(name)
    pairs = derived.pictured_students.rename(columns={"Student ID": "Students pictured"})
    pairs = pairs[pairs["Students pictured"].isin(list(names)).to_numpy()]
    texts = posts["Post text"].tolist()
    hit_pos, hit_students = [], []
    for pos, student, text in _first_name_candidates(pairs, posts["Post text"], names):
        if any(n.full_name is not None and n.full_name.search(text) for n in names[student]):
            continue  # PST-03 is raised for this student in this post
        if any(_starts_capitalised(texts[pos], n.first_name) for n in names[student]):
            hit_pos.append(pos)
            hit_students.append(student)
    hit = posts.iloc[hit_pos]
    messages = [f"{label} gives the first name of a student it pictures" for label in post_labels(hit)]
    findings = rule.findings(hit, "Posts", messages, students=hit_students, column="Post text", rests_on=("Posted at",))
    # A pair is undecided when its post's text, or a Student name of that student, could not be read; and a
    # pictured student on no form, while a Consent row's Student ID could not be read (that row may be theirs).
    # Looked for only where such a cell exists: the usual school has none.
    text_unread = unreadable(data, posts, "Posts", "Post text")
    consent = data.frames["Consent"]
    unread_names = consent[unreadable(data, consent, "Consent", "Student name")]
    nameless = key_cells(data, "Consent", "Student ID")
    waits, checked_pairs = [], len(pairs)
    if text_unread.any() or len(unread_names) or nameless:
        name_cells: dict[str, list[tuple]] = {}
        for student, row in zip(unread_names["Student ID"].tolist(), unread_names[ROW].tolist()):
            name_cells.setdefault(student, []).append(("Consent", int(row), "Student name"))
        every = derived.pictured_students.rename(columns={"Student ID": "Students pictured"})
        pos, student = every["pos"].to_numpy(), every["Students pictured"]
        open_ = text_unread[pos] | student.isin(set(name_cells)).to_numpy()
        if nameless:
            unplaced = ~student.isin(set(names)).to_numpy()
            open_ |= unplaced
            for s in student[unplaced].tolist():
                name_cells.setdefault(s, []).extend(nameless)
        open_ &= ~pd.MultiIndex.from_arrays([pos, student]).isin(list(zip(hit_pos, hit_students)))
        undecided = every[open_]
        rows = posts.iloc[undecided["pos"].to_numpy()]
        waits = rule.undecided(
            rows, "Posts", columns=("Post text",), students=undecided["Students pictured"].tolist(),
            also=[name_cells.get(s, []) for s in undecided["Students pictured"].tolist()],
        )  # fmt: skip
        counted = pairs.merge(undecided[["pos", "Students pictured"]], how="left", indicator=True)
        checked_pairs = int((counted["_merge"] == "left_only").sum())
    # A post whose Students pictured could not be read may picture anyone it names: one with a text, logged (read
    # or not) or as published.
    published = derived.published_in_period
    unlisted = unreadable(data, posts, "Posts", "Students pictured")
    if unlisted.any():
        texts = {m.row for m in published if m.row is not None and m.record.text}
        unlisted &= posts["Post text"].notna().to_numpy() | text_unread | posts[ROW].isin(list(texts)).to_numpy()
    waits += rule.undecided(posts[unlisted], "Posts", columns=("Students pictured", "Post text"))
    # platform-exports.md: the text as published of a logged post, with the log's Students pictured.
    found = set(zip(hit[ROW].tolist(), hit_students))
    findings += _published_first_names(rule, data, derived, names, found)
    waits += _unsure_first_names(rule, derived, published, names)
    return rule.outcome(findings, checked_pairs, waits)


def _published_first_names(
    rule: Rule, data: Dataset, derived: Derived, names: dict[str, list[RegisterName]], found: set
) -> list:
    """PST-04 on the texts as published of logged posts (the log's Students pictured): a first name found only
    there is a finding with ``source: "platform"``."""
    published = [m for m in derived.published_in_period if m.row is not None]
    if not published:
        return []
    at, posts = derived.post_positions, data.frames["Posts"]
    texts_logged, pictured_logged = posts["Post text"].to_numpy(), posts["Students pictured"].to_numpy()
    hits = []
    for m in published:
        text, pictured = texts_logged[at[m.row]], pictured_logged[at[m.row]]
        if text == m.record.text or not isinstance(pictured, tuple):
            continue  # not logged, or the same text (the log's findings are the published text's), or no one pictured
        texts = [fold(m.record.text)] + ([fold(text)] if isinstance(text, str) else [])
        text = m.record.text
        for student in dict.fromkeys(pictured):
            if (m.row, student) in found or student not in names:
                continue
            if any(n.full_name is not None and n.full_name.search(t) for n in names[student] for t in texts):
                continue  # PST-03's, from either text
            if any(_starts_capitalised(text, n.first_name) for n in names[student]):
                hits.append((m.row, student))
    return _on_logged_posts(
        rule, data, derived, hits, "gives the first name of a student it pictures, as published on the platform"
    )


def _unsure_first_names(
    rule: Rule,
    derived: Derived,
    published: list,
    names: dict[str, list[RegisterName]],
) -> list:
    """PST-04's undecided records from the platforms: a logged post that matched nothing but might have (its
    account, time or Link could not be read), with a student it pictures named in the text of a post its
    account (any account, where that could not be read) published and that matched no row."""
    unsure = derived.unsure_rows("Posts")
    if not len(unsure):
        return []
    texts: dict[str, list[str]] = {}
    for m in published:
        if m.row is None and m.record.text:
            texts.setdefault(m.archive.account, []).append(m.record.text)
    at, students, cells = [], [], []
    columns = (unsure[c].tolist() for c in ("Account ID", "_any", "Students pictured", "_cells"))
    for i, (account, anyone, pictured, unread) in enumerate(zip(*columns)):
        if not isinstance(pictured, tuple):
            continue
        theirs = [text for a, ts in texts.items() if anyone or a == account for text in ts]
        for student in dict.fromkeys(pictured):
            named = (_starts_capitalised(text, n.first_name) for n in names.get(student, ()) for text in theirs)
            if any(named):
                at.append(i)
                students.append(student)
                cells.append(unread)
    return rule.undecided(unsure.iloc[at], "Posts", students=students, also=cells)


@register(
    "PST-05",
    "high",
    clause=(
        "Users of the school official social media accounts, should consider the copyright of the content "
        "they are sharing and, where necessary, should seek permission from the copyright holder before sharing"
    ),
    meaning="Third-party content = Yes and Copyright permission is not Yes.",
    needs={"Posts": ("Post ID", "Posted at", "Third-party content", "Copyright permission")},
    counts=("post with third-party content", "posts with third-party content"),
    title="Other people's material shared without permission",
    why="Sharing someone else's work without their permission can break copyright law.",
    good="Every post that shares other people's work has the owner's permission on record.",
    question="How do staff check that they may share someone else's material?",
    plain_counts=("post sharing other people's work", "posts sharing other people's work"),
    action="Get and record the copyright holder's permission, or take the content down.",
    owner="Account administrator",
)
def third_party_without_permission(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    posts = derived.period_posts
    third_party = says_yes(data, posts, "Posts", "Third-party content")
    # Either answer unreadable may be Yes: undecided.
    hit = third_party & ~says_yes(data, posts, "Posts", "Copyright permission")
    found, undecided = settle(hit, doubtful=hit.unknown)
    hit = posts[found]
    messages = [
        f"{label} shares third-party content without recorded copyright permission" for label in post_labels(hit)
    ]
    findings = rule.findings(hit, "Posts", messages, column="Copyright permission", rests_on=("Posted at",))
    waits = rule.undecided(posts[undecided], "Posts", columns=("Third-party content", "Copyright permission"))
    return rule.outcome(findings, checked(third_party, found, undecided), waits)


@register(
    "PST-06",
    "high",
    clause=(
        "Control the process for managing and hand over of an account, after the lead staff member/s have "
        "left the organisation (closing or transferring)"
    ),
    meaning="A post on an account before its Created on, or after its Closed or transferred on.",
    needs={
        "Posts": ("Post ID", "Posted at", "Account ID"),
        "Accounts": ("Account ID", "Created on", "Closed or transferred on"),
    },
    counts=("dated post on an account of the register", "dated posts on accounts of the register"),
    title="Posts on accounts before they opened or after they closed",
    why="Posts outside an account's agreed life suggest that it is not under control.",
    good="Posts appear only while an account is open and approved.",
    question="Are closed accounts really shut, so that no one can post on them?",
    plain_counts=("dated post on a known account", "dated posts on known accounts"),
    action="Check who posted on the account outside its life; secure or properly close the account.",
    owner="SLT",
)
def posted_outside_account_life(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    posts = derived.period_posts
    accounts = first_by_key(data.frames["Accounts"], "Account ID")[
        ["Account ID", "Created on", "Closed or transferred on", ROW]
    ].rename(columns={ROW: "_account_row"})
    # An unknown Account ID is DQ-04's; an undated post cannot be placed in the account's life.
    dated = posts[posts["Posted at"].notna() | unreadable(data, posts, "Posts", "Posted at")]
    merged = dated.merge(accounts, on="Account ID", how="inner")
    day = merged["Posted at"].dt.floor("D")
    before = (merged["Created on"].notna() & (day < merged["Created on"])).to_numpy()
    after = (merged["Closed or transferred on"].notna() & (day > merged["Closed or transferred on"])).to_numpy()
    # A post's day, or an account's dates, that could not be read may be any: undecided.
    created, closed = merged["Created on"], merged["Closed or transferred on"]
    early = test(data, merged, "Accounts", before, "Created on", rows="_account_row")
    late = test(data, merged, "Accounts", after, "Closed or transferred on", rows="_account_row")
    day_unread = unreadable(data, merged, "Posts", "Posted at")
    # An account with neither date (known blank) has no life to post outside of, whatever the day.
    ageless = (created.isna() & closed.isna()).to_numpy() & ~early.unknown & ~late.unknown
    found, undecided = settle(in_doubt(early | late, day_unread & ~ageless), doubtful=None)
    found, undecided = (
        found & ~(early | late).unknown & ~(day_unread & ~ageless),
        undecided | (found & ~(early | late).yes),
    )
    hit = merged[found]
    messages = [
        f"{label} was posted on account {account} "
        + (
            f"before it was created on {fmt_date(c)}"
            if b
            else f"after it was closed or transferred on {fmt_date(cl)}"
        )
        for label, account, c, cl, b in zip(
            post_labels(hit), hit["Account ID"].tolist(), hit["Created on"], hit["Closed or transferred on"],
            before[found].tolist(),
        )
    ]  # fmt: skip
    findings = rule.findings(hit, "Posts", messages, column="Posted at")
    open_ = merged[undecided]
    waits = rule.undecided(
        open_, "Posts", columns=("Posted at",),
        also=other_cells("Accounts", open_["_account_row"], "Created on", "Closed or transferred on"),
    )  # fmt: skip
    # A post whose account could not be told: its Account ID could not be read, or is on no row of the register
    # while an Account ID there could not be read.
    nowhere = key_cells(data, "Accounts", "Account ID")
    lost = unreadable(data, dated, "Posts", "Account ID")
    if nowhere:
        lost |= dated["Account ID"].notna().to_numpy() & ~dated["Account ID"].isin(accounts["Account ID"]).to_numpy()
    waits += rule.undecided(dated[lost], "Posts", columns=("Account ID",), also=[nowhere] * int(lost.sum()))
    return rule.outcome(findings, int(len(merged) - undecided.sum()), waits)
