"""The sample school's posts log: a year of everyday posts, the planted ones, and the edge posts for the platforms'
archives."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .accounts import ACCOUNTS, ACTIVE, POST_WEIGHTS
from .block import Block
from .people import PST02_LEAVER, SLT
from .words import IMAGE_CAPTIONS, PLACES, PLAIN_CAPTIONS, SPORTS, SUBJECTS, YEAR_GROUPS
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


def post(
    block: Block,
    when,
    account,
    *,
    by=None,
    text=None,
    pictured=(),
    images=None,
    shot=None,
    swim=False,
    kit=False,
    third=False,
    copyright=None,
    removed=None,
    planted=False,
    **extra,
) -> dict:
    when = pd.Timestamp(when)
    pictured = [p if isinstance(p, str) else block.student_ids[p] for p in pictured]
    images = bool(pictured) if images is None else images
    row = {
        "Account ID": block.acc_ids[account],
        "Posted at": when,
        "Posted by": by or block.poster(account, when),
        "Post text": text or _caption(block, images),
        "Images of students": images,
        "Students pictured": pictured,
        "Shot type": shot or ("Group" if images else "None"),
        "Swimwear": swim if images else None,
        "Sports kit": kit if images else None,
        "Third-party content": third,
        "Copyright permission": copyright,
        "Senior leader approval": None,
        "Removed on": ts(removed),
        "_planted": planted,
        "_dup": False,
    }
    row.update(extra)
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
        row = post(block, when, int(a), pictured=pictured, shot=shot, third=third, copyright=True if third else None)
        if rng.random() < 0.02:
            row["Senior leader approval"] = block.staff_ids[SLT[rng.integers(len(SLT))]]
        if rng.random() < 0.01:  # taken down later for an ordinary reason
            row["Removed on"] = min(when.normalize() + pd.Timedelta(days=int(rng.integers(0, 20))), AS_OF)
        rows.append(row)
    return pd.DataFrame(rows + planted + _edge_posts(block))


def _planted_posts(block: Block) -> list[dict]:
    P, cat = [], block.by_cat
    no1, no2, no3 = cat["no"][:3]
    r1, r2 = cat["restricted_yes"][:2]
    renew = cat["renew"][0]
    wd_after, w1, w2, w3 = cat["withdrawn"][:4]  # withdrawn 15/01, 10/03, 20/05, 15/06/2026

    def img(when, account, extra, n, rule=None, count=1, **kw):
        others = block.group(when, n, kw.pop("exclude_first", ()))
        P.append(post(block, when, account, pictured=others + list(extra), planted=True, **kw))
        if rule:
            block.plant(rule, count)

    img("2025-10-14 15:10", 1, [no1], 4, "IMG-01")
    img("2025-11-20 16:05", 0, [no2, no3], 5, "IMG-01", 2)
    img("2025-12-05 12:30", 1, [renew], 3, "IMG-01")  # before the renewal form (Jan-Mar 2026)
    img("2026-03-04 10:45", 0, [wd_after], 4, "IMG-01")  # consent withdrawn 15/01/2026
    img("2026-02-10 14:20", 1, [block.unknown_student], 3, "IMG-01")
    block.plant("DQ-04")
    img("2025-09-05 09:30", 0, [block.late_form], 4, "IMG-01")  # form received 10/09/2025
    img("2025-12-10 11:00", 0, [r1], 4, "IMG-03")
    img("2026-05-12 13:15", 1, [r2], 3, "IMG-03")
    img("2026-02-03 15:40", 1, [w1], 3, "IMG-04")
    img("2026-04-28 16:20", 0, [w2], 4, "IMG-04")
    img("2026-06-02 09:10", 0, [w3], 3, removed="2026-06-15")  # clean: removed on the withdrawal day
    for when, account in (("2025-10-03 17:00", 0), ("2026-04-21 12:00", 1)):
        P.append(post(block, when, account, images=True, planted=True))
        block.plant("IMG-02")
    img(
        "2026-02-27 18:30",
        1,
        [],
        4,
        "IMG-05",
        text="Amazing swimming gala tonight: so many personal bests!",
        swim=True,
    )
    img(
        "2026-07-08 16:45",
        1,
        [],
        5,
        "IMG-07",
        text="Sports day was a huge success, thank you for cheering!",
        kit=True,
    )
    for when, account in (("2025-11-07 15:30", 0), ("2026-01-23 15:30", 1), ("2026-06-19 15:30", 0)):
        img(when, account, [], 1, "IMG-06", text="Star of the week for kindness and hard work!", shot="Individual")
    P.append(post(block, "2025-10-21 12:10", 0, by=block.staff_ids[11], planted=True))
    P.append(post(block, "2026-03-17 10:00", 3, by=block.staff_ids[20], planted=True))
    block.plant("PST-01", 2)
    P.append(post(block, "2026-03-03 19:05", 0, by=block.staff_ids[PST02_LEAVER], planted=True))
    block.plant("PST-02")
    n1, n2 = (block.names[i] for i in block.pst03)
    first1, sur1 = n1.split(" ", 1)
    P.append(
        post(
            block,
            "2025-12-16 13:00",
            0,
            planted=True,
            text=f"Congratulations to {first1}  {sur1}, county chess champion!",
        )
    )
    img(
        "2026-05-06 17:20",
        1,
        [block.pst03[1]],
        3,
        text=f"Well done {n2} on a brilliant race today!",
        exclude_first={block.first[block.pst03[1]]},
    )
    block.plant("PST-03", 2)
    for when, account, i, tpl in (
        ("2026-01-29 15:50", 1, block.pst04[0], "Great captaincy from {} today!"),
        ("2026-06-24 16:10", 0, block.pst04[1], "{} led the assembly beautifully."),
    ):
        img(when, account, [i], 4, "PST-04", text=tpl.format(block.first[i]), exclude_first={block.first[i]})
    P.append(
        post(
            block,
            "2025-11-25 10:30",
            2,
            third=True,
            copyright=False,
            planted=True,
            text="Sharing this road safety video from the council.",
        )
    )
    P.append(
        post(
            block,
            "2026-04-14 11:30",
            0,
            third=True,
            planted=True,
            text="Sharing a lovely poem about spring from a local poet.",
        )
    )
    block.plant("PST-05", 2)
    P.append(
        post(
            block,
            "2025-09-29 09:00",
            4,
            by=block.staff_ids[20],
            planted=True,
            text="Our new careers and alumni page is coming soon!",
        )
    )
    block.plant("PST-06")
    P.append(post(block, "2026-02-20 12:00", 0, planted=True, **{"Removed on": "31/02/2026"}))
    img("2026-03-20 15:00", 1, [], 4, "DQ-02", swim="Yess")
    block.plant("DQ-02")  # Removed on 31/02/2026 above
    P.append(post(block, "2026-05-15 08:45", 2, planted=True, _dup=True))
    block.plant("DQ-03")
    P.append(post(block, "2026-09-04 09:00", 0, planted=True))
    block.plant("DQ-05")
    P.append(
        post(
            block,
            "2026-03-05 15:00",
            0,
            planted=True,
            text="Thank you to children's author Amelia Hartley for a wonderful World Book Day visit.",
        )
    )
    return P


def _edge_posts(block: Block) -> list[dict]:
    """:data:`EDGE_POSTS`, each by the account's first current administrator: clean edges for the platforms'
    archives (:mod:`.exports`), found there and never a finding. They draw nothing random, so the rest of the
    school is the same with them."""
    return [
        post(block, when, account, by=block.staff_ids[block.current_admins(account, pd.Timestamp(when))[0]],
                  planted=True, text=text, _edge=edge)
        for when, account, text, edge in EDGE_POSTS
    ]  # fmt: skip
