"""The sample school's posts log: a year of everyday posts, the planted ones, and the edge posts for the platforms'
archives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .accounts import ACCOUNTS, ACTIVE, POST_WEIGHTS
from .block import Block
from .people import PST02_LEAVER, SLT
from .words import (
    CAREERS_PAGE,
    IMAGE_CAPTIONS,
    PLACES,
    PLAIN_CAPTIONS,
    SPORTS,
    SPORTS_DAY,
    STAR_OF_THE_WEEK,
    SUBJECTS,
    SWIMMING_GALA,
    YEAR_GROUPS,
)
from .year import AS_OF, N_DAYS, START, day_number, day_weights, ts

#: Posts each block logs that make the platforms' archives show their edges (every one matched, never a finding):
#: a post at 00:30 on 1 September (23:30 UTC on 31 August), one in the hour the clocks repeat in October
#: (published at its second 01:40), non-ASCII text Meta writes as mojibake, a link X shortens with an ampersand it
#: escapes, an X thread (the second tweet replies to the first) and a long post whose text is a note-tweet.
EDGE_POSTS = (
    ("2025-09-01 00:30", 0, "Welcome back, everyone: the new school year starts today!", "midnight"),
    ("2025-10-26 01:40", 2, "The clocks went back last night: enjoy the extra hour of sleep!", "clocks"),
    ("2026-03-10 14:00", 0, "Café afternoon for our grandparents ☕🎉 merci to everyone who baked!", "cafe"),
    ("2026-02-11 12:00", 2, "Parents & carers: spring newsletter out https://www.lks.example/news/spring", "link"),
    ("2026-04-23 16:00", 2, "Sports awards evening (1/2): thank you to every coach, parent and volunteer.", "thread1"),
    ("2026-04-23 16:02", 2, "Sports awards evening (2/2): the full list of winners is in the newsletter.", "thread2"),
    (
        "2026-07-17 12:00",
        2,
        "Our end-of-year message: thank you to every family, every member of staff and every governor for a "
        "remarkable year. Together we opened the new library, raised more than ever for local charities, welcomed "
        "forty new families and celebrated results our students worked hard for. Have a restful summer, and we look "
        "forward to seeing you all in September.",
        "long",
    ),
)


def _caption(block: Block, images: bool) -> str:
    rng = block.rng
    templates = IMAGE_CAPTIONS if images else PLAIN_CAPTIONS
    return templates[rng.integers(len(templates))].format(
        year=YEAR_GROUPS[rng.integers(len(YEAR_GROUPS))],
        sport=SPORTS[rng.integers(len(SPORTS))],
        subject=SUBJECTS[rng.integers(len(SUBJECTS))],
        place=PLACES[rng.integers(len(PLACES))],
    )


@dataclass(frozen=True)
class Post:
    """A post to log. What is left blank is drawn as for any post: by a current administrator of the account, a
    caption from the sample's words, a group shot if it pictures students."""

    when: str | pd.Timestamp
    #: The account's position in the block.
    account: int
    #: Who posted (a Staff ID).
    by: str | None = None
    text: str | None = None
    #: Students pictured: positions in the block, or Student IDs as typed.
    pictured: Sequence[int | str] = ()
    #: How many more students to picture, drawn from those who may be pictured that day, none with these first names.
    others: int = 0
    others_not_named: frozenset[str] = frozenset()
    #: Images of students; blank: whether anyone is pictured.
    images: bool | None = None
    shot: str | None = None
    swim: bool | str = False
    kit: bool = False
    third: bool = False
    copyright: bool | None = None
    removed: str | pd.Timestamp | None = None
    #: Removed on as typed, where it cannot be read (DQ-02).
    typed_removed: str | None = None
    #: Not a baseline post: the platforms' archives leave it as it is.
    planted: bool = False
    #: Typed with the previous post's ID (DQ-03).
    repeats_id: bool = False
    #: Which of :data:`EDGE_POSTS` it is.
    edge: str | None = None


def post(block: Block, spec: Post) -> dict:
    """``spec`` as a row of the log (its hidden ``_`` columns for numbering and the platforms' archives)."""
    when, account = pd.Timestamp(spec.when), spec.account
    others = block.group(when, spec.others, spec.others_not_named) if spec.others else []
    pictured = [p if isinstance(p, str) else block.student_ids[p] for p in [*others, *spec.pictured]]
    images = bool(pictured) if spec.images is None else spec.images
    row = {
        "Account ID": block.acc_ids[account],
        "Posted at": when,
        "Posted by": spec.by or block.poster(account, when),
        "Post text": spec.text or _caption(block, images),
        "Images of students": images,
        "Students pictured": pictured,
        "Shot type": spec.shot or ("Group" if images else "None"),
        "Swimwear": spec.swim if images else None,
        "Sports kit": spec.kit if images else None,
        "Third-party content": spec.third,
        "Copyright permission": spec.copyright,
        "Senior leader approval": None,
        "Removed on": spec.typed_removed or ts(spec.removed),
        "_planted": spec.planted,
        "_dup": spec.repeats_id,
    }
    if spec.edge is not None:
        row["_edge"] = spec.edge
    return row


def posts_sheet(block: Block) -> pd.DataFrame:
    rng = block.rng
    planted = _planted_posts(block)
    n = 1500 - len(planted)
    days = rng.choice(N_DAYS, n, p=day_weights(post=True))
    minutes = rng.integers(7 * 60 + 30, 19 * 60 + 30, n)
    accounts = rng.choice(ACTIVE, n, p=POST_WEIGHTS / POST_WEIGHTS.sum())
    created4 = day_number(ACCOUNTS[4][7])
    accounts = np.where((accounts == 4) & (days < created4), 0, accounts)
    with_images = rng.random(n) < 0.6
    rows = []
    for d, m, a, img in zip(days, minutes, accounts, with_images):
        when = START + pd.Timedelta(days=int(d), minutes=int(m))
        pictured, shot = [], None
        if img:
            pictured = block.group(when, min(2 + int(rng.poisson(3)), 15))
            shot = "Group" if rng.random() < 0.85 else "From behind"
        third = bool(rng.random() < 0.04)
        spec = Post(when, int(a), pictured=pictured, shot=shot, third=third, copyright=True if third else None)
        row = post(block, spec)
        if rng.random() < 0.02:
            row["Senior leader approval"] = block.staff_ids[SLT[rng.integers(len(SLT))]]
        if rng.random() < 0.01:  # taken down later for an ordinary reason
            row["Removed on"] = min(when.normalize() + pd.Timedelta(days=int(rng.integers(0, 20))), AS_OF)
        rows.append(row)
    return pd.DataFrame(rows + planted + _edge_posts(block))


def _planted_posts(block: Block) -> list[dict]:
    """This block's planted posts (see :mod:`.planted`) and clean edges."""
    cat, first = block.by_cat, block.first
    no1, no2, no3 = cat["no"][:3]
    r1, r2 = cat["restricted_yes"][:2]
    renew = cat["renew"][0]
    wd_after, w1, w2, w3 = cat["withdrawn"][:4]  # withdrawn 15/01, 10/03, 20/05, 15/06/2026
    chess, race = block.pst03
    chess_first, chess_surname = block.names[chess].split(" ", 1)
    captain, leader = block.pst04

    def naming(when: str, account: int, student: int, others: int, text: str) -> Post:
        """A post picturing ``student`` whose caption names them; nobody else pictured shares their first name."""
        not_named = frozenset({first[student]})
        return Post(when, account, pictured=[student], others=others, others_not_named=not_named, text=text)

    planted = [
        # IMG-01: pictured without consent: a refused form; two refused forms; before a renewal form (Jan-Mar
        # 2026); after a withdrawal (15/01/2026); a Student ID missing from Consent (DQ-04); before the form arrived
        # (10/09/2025).
        Post("2025-10-14 15:10", 1, pictured=[no1], others=4),
        Post("2025-11-20 16:05", 0, pictured=[no2, no3], others=5),
        Post("2025-12-05 12:30", 1, pictured=[renew], others=3),
        Post("2026-03-04 10:45", 0, pictured=[wd_after], others=4),
        Post("2026-02-10 14:20", 1, pictured=[block.unknown_student], others=3),
        Post("2025-09-05 09:30", 0, pictured=[block.late_form], others=4),
        # IMG-03: photo-restricted; IMG-04: withdrawn later, never removed; clean: removed on the withdrawal day.
        Post("2025-12-10 11:00", 0, pictured=[r1], others=4),
        Post("2026-05-12 13:15", 1, pictured=[r2], others=3),
        Post("2026-02-03 15:40", 1, pictured=[w1], others=3),
        Post("2026-04-28 16:20", 0, pictured=[w2], others=4),
        Post("2026-06-02 09:10", 0, pictured=[w3], others=3, removed="2026-06-15"),
        # IMG-02: images of students, nobody listed.
        Post("2025-10-03 17:00", 0, images=True),
        Post("2026-04-21 12:00", 1, images=True),
        Post("2026-02-27 18:30", 1, others=4, text=SWIMMING_GALA, swim=True),  # IMG-05
        Post("2026-07-08 16:45", 1, others=5, text=SPORTS_DAY, kit=True),  # IMG-07
        # IMG-06: individual shots.
        Post("2025-11-07 15:30", 0, others=1, text=STAR_OF_THE_WEEK, shot="Individual"),
        Post("2026-01-23 15:30", 1, others=1, text=STAR_OF_THE_WEEK, shot="Individual"),
        Post("2026-06-19 15:30", 0, others=1, text=STAR_OF_THE_WEEK, shot="Individual"),
        # PST-01: by an administrator of another account; PST-02: by a Facebook administrator who has left.
        Post("2025-10-21 12:10", 0, by=block.staff_ids[11]),
        Post("2026-03-17 10:00", 3, by=block.staff_ids[20]),
        Post("2026-03-03 19:05", 0, by=block.staff_ids[PST02_LEAVER]),
        # PST-03: a full name, without images and picturing that student; PST-04: a pictured student's first name.
        Post("2025-12-16 13:00", 0, text=f"Congratulations to {chess_first}  {chess_surname}, county chess champion!"),
        naming("2026-05-06 17:20", 1, race, 3, f"Well done {block.names[race]} on a brilliant race today!"),
        naming("2026-01-29 15:50", 1, captain, 4, f"Great captaincy from {first[captain]} today!"),
        naming("2026-06-24 16:10", 0, leader, 4, f"{first[leader]} led the assembly beautifully."),
        # PST-05: third-party content without copyright permission (No, blank).
        Post(
            "2025-11-25 10:30", 2, third=True, copyright=False, text="Sharing this road safety video from the council."
        ),
        Post("2026-04-14 11:30", 0, third=True, text="Sharing a lovely poem about spring from a local poet."),
        Post("2025-09-29 09:00", 4, by=block.staff_ids[20], text=CAREERS_PAGE),  # PST-06
        # DQ-02: Removed on and Swimwear typed unreadably; DQ-03: the previous post's ID again; DQ-05: after the
        # audit day.
        Post("2026-02-20 12:00", 0, typed_removed="31/02/2026"),
        Post("2026-03-20 15:00", 1, others=4, swim="Yess"),
        Post("2026-05-15 08:45", 2, repeats_id=True),
        Post("2026-09-04 09:00", 0),
        # Clean: the author's name, not the student Amelia Hart's.
        Post(
            "2026-03-05 15:00",
            0,
            text="Thank you to children's author Amelia Hartley for a wonderful World Book Day visit.",
        ),
    ]
    return [post(block, replace(spec, planted=True)) for spec in planted]


def _edge_posts(block: Block) -> list[dict]:
    """:data:`EDGE_POSTS`, each by the account's first current administrator: clean edges for the platforms'
    archives (:mod:`.exports`), found there and never a finding. They draw nothing random, so the rest of the
    school is the same with them."""
    return [
        post(block, Post(when, account, by=block.staff_ids[block.current_admins(account, pd.Timestamp(when))[0]],
                         planted=True, text=text, edge=edge))
        for when, account, text, edge in EDGE_POSTS
    ]  # fmt: skip
