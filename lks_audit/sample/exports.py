"""The sample school's platform archives (``lks-audit sample``, 2025-26), written from its logs with a few
planted differences, so the review shows the logs checked against the platforms out of the box.

Each block's Facebook page, Instagram, X and YouTube accounts have an archive in ``platform_exports/``: the
Facebook, Instagram and X ones as downloaded (``ACC-001.zip``), YouTube's as a folder holding Google Takeout's two
zips. The LinkedIn account has none (LinkedIn gives no such export). An archive holds every post of its account
that was not taken down, published exactly at the logged minute (scheduled posts go out on the minute), every
direct message (the log's Messages, with the school's reply) and on X the school's replies to comments. Some X and
YouTube posts carry their address in the log's Link column.

Planted per block: the rows of :data:`.planted.PLANTED` that land on ``platform_exports`` (EVD-01 to EVD-05, and
one more PST-04 and INT-01 on the platforms' record).

Clean on purpose (matched, no finding): an X post published 20 minutes after its logged time (same text); a
YouTube video logged three hours out whose Link holds its ID; the edge posts of ``posts.EDGE_POSTS`` (00:30 on
1 September, the repeated hour in October, mojibake, t.co and ``&amp;``, a thread, a long post).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..platforms import EXPORTS_FOLDER
from ..platforms.matching import SAME_POST, SAME_TEXT, instants_ms, normalised, similarity
from ..platforms.records import Record
from .platform_writers import (
    conversation_folder,
    digest,
    facebook_archive,
    instagram_archive,
    snowflake,
    write_archive,
    x_archive,
    youtube_id,
    youtube_takeout,
)
from .year import is_ts

#: Account position in a block -> its platform, whose archive the sample has.
ARCHIVED = {0: "Facebook", 1: "Instagram", 2: "X", 3: "YouTube"}
#: How the sample saves each platform's archive: ``form`` and ``top`` for :func:`write_archive`, the rest for the
#: platform's writer (its ``layout``, ...). Tests write every layout variant by passing others.
SAMPLE_LAYOUTS = {
    "Facebook": {"form": "zip"},
    "Instagram": {"form": "zip"},
    "X": {"form": "zip"},
    "YouTube": {"form": "zips"},
}
#: When the archives were downloaded (UK time): nothing later is in them.
DOWNLOADED = pd.Timestamp("2026-09-01 10:15")
MINUTE = 60_000
HOUR = 60 * MINUTE
PARENTS = ("Robin", "Alex", "Sam", "Jo", "Chris", "Pat", "Jamie", "Morgan", "Kim", "Lee")
PARENT_SURNAMES = ("Ashdown", "Bellamy", "Corbett", "Dunmore", "Elstree", "Fairley", "Gresham", "Holloway")
INCOMING = (
    "Hello, could someone from the office call me back please?",
    "Hi, my child is unwell today and won't be in. Thank you.",
    "Good morning, I'd be happy to help at the summer fair.",
    "Could you send me a copy of the latest newsletter?",
    "Hello, what time does the concert finish tonight?",
)
ANSWERS = (
    "Thank you for your message; the office will call you this morning.",
    "Thank you for letting us know. We hope they feel better soon.",
    "Thank you so much! We will be in touch with the details.",
    "Of course, here it is: it is also on the website.",
    "Thank you for getting in touch; we have passed this on.",
)
UNLOGGED_POSTS = {
    0: ("2026-05-16 20:15", "Photos from the Year 4 trip to the farm: what a day!"),
    2: ("2025-11-29 20:40", "Good luck to our debating team at the regional final tomorrow!"),
}
UNLOGGED_MESSAGE = ("2026-02-14 23:40", "Hello, is the school open on Monday after the storm?", "2026-02-15 09:10",
                    "Yes, the school is open as usual on Monday. Thank you for checking.")  # fmt: skip
EDITED_CAPTION = " Photos by our Year 10 media club."


#: Each row's block and its position in the block, as :func:`_block_and_position` gives them.
Placed = tuple[np.ndarray, np.ndarray]


def _block_and_position(accounts: pd.Series) -> Placed:
    """Each Account ID's block and its position in the block (ACC-009 is block 1, position 2: its X account)."""
    number = accounts.str.slice(4).astype(int).to_numpy() - 1
    return number // 6, number % 6


def _digest(*parts) -> int:
    return int(digest(*parts)[:12], 16)


def x_handle(block: int) -> str:
    return "LittleKinvaston" + (str(block + 1) if block else "")


def x_user_id(block: int) -> str:
    return str(1_301_234_567_890 + block)


def instagram_username(block: int) -> str:
    return "lks_sport" + (str(block + 1) if block else "")


def plan_exports(frames: dict[str, pd.DataFrame], seed: int, calendar) -> None:
    """Decide what each archive holds (hidden ``_``-columns of the Posts and Interactions frames, and
    ``frames["_ArchiveOnly"]`` for what was never logged) and fill the logs' Link cells, in ``frames``; what is
    planted is the table of :mod:`.planted`. ``calendar``: the sample's working days."""
    rng = np.random.default_rng([seed, 22])
    posts = _plan_posts(frames["Posts"], rng)
    inter = _plan_interactions(frames["Interactions"], rng)
    only = []
    # Each row's block and position, worked out once for every block's planting.
    posts_at, inter_at = _block_and_position(posts["Account ID"]), _block_and_position(inter["Account ID"])
    consent = frames["Consent"]
    first_names = {sid: name.split(" ", 1)[0] for sid, name in zip(consent["Student ID"], consent["Student name"])}
    for block in sorted(set(posts_at[0].tolist())):
        only += _plant(posts, inter, first_names, block, calendar, posts_at, inter_at)
    frames["Posts"], frames["Interactions"] = posts, inter
    frames["_ArchiveOnly"] = pd.DataFrame(only, columns=["Account ID", "kind", "at_ms", "text", "reply_ms", "reply"])


def _plan_posts(posts: pd.DataFrame, rng) -> pd.DataFrame:
    posts = posts.copy()
    block, position = _block_and_position(posts["Account ID"])
    first, second, readable = instants_ms(posts["Posted at"].where(posts["Posted at"].map(is_ts)))
    removed = posts["Removed on"].notna()  # a date, or a cell that cannot be read: taken down either way
    on_platform = (
        np.isin(position, list(ARCHIVED))
        & readable
        & ~removed.to_numpy()
        & (posts["Posted at"].map(lambda v: is_ts(v) and v <= DOWNLOADED)).to_numpy()
    )
    published = np.where(posts["_edge"].to_numpy() == "clocks", second, first).astype("float64")
    posts["_published_ms"] = np.where(on_platform, published, np.nan)
    posts["_published_text"] = posts["Post text"]
    ids = []
    for b, p, ms, key in zip(block.tolist(), position.tolist(), posts["_published_ms"].tolist(), posts.index):
        if np.isnan(ms):
            ids.append(None)
        elif p == 2:
            ids.append(snowflake(int(ms), _digest(b, key) % 4096))
        elif p == 3:
            ids.append(youtube_id(b, key))
        else:
            ids.append(None)
    posts["_platform_id"] = ids
    # Some staff copy the address of X and YouTube posts into Link.
    link = rng.random(len(posts)) < 0.4
    link &= posts["_edge"].isna().to_numpy()  # the edge posts are found by their time and text
    posts["Link"] = [
        _post_link(b, p, i) if i and chosen else None
        for b, p, i, chosen in zip(block.tolist(), position.tolist(), ids, link.tolist())
    ]
    return posts


def _post_link(block: int, position: int, platform_id: str) -> str:
    if position == 2:
        return f"https://x.com/{x_handle(block)}/status/{platform_id}"
    return f"https://www.youtube.com/watch?v={platform_id}"


def _plan_interactions(inter: pd.DataFrame, rng) -> pd.DataFrame:
    inter = inter.copy()
    block, position = _block_and_position(inter["Account ID"])
    received, _, readable = instants_ms(inter["Received at"].where(inter["Received at"].map(is_ts)))
    replied, _, answered = instants_ms(inter["First response at"].where(inter["First response at"].map(is_ts)))
    answered &= replied > received
    baseline = inter["_baseline"].to_numpy(dtype=bool) & readable
    kind = inter["Type"].to_numpy(dtype=object)
    dm = baseline & (kind == "Message") & np.isin(position, (0, 1, 2))
    x_reply = baseline & (kind == "Comment") & (position == 2) & answered
    channel = np.where(dm, "dm", np.where(x_reply, "x-reply", "")).astype(object)
    # Two messages to one account within two minutes could be told apart only by chance: only one is sent.
    sent = channel != ""
    accounts = inter["Account ID"].to_numpy(dtype=object)
    for account in pd.unique(accounts[sent]):
        mine = np.flatnonzero((accounts == account) & sent)
        order = mine[np.argsort(received[mine], kind="stable")]
        channel[order[1:][np.diff(received[order]) < 2 * MINUTE]] = ""
    sent = channel != ""
    inter["_channel"] = np.where(sent, channel, None)
    inter["_received_ms"] = np.where(sent, received, 0)
    inter["_reply_ms"] = np.where(sent & answered, replied, 0)
    # On X the comment the school answered is someone's tweet: its ID (a snowflake of its time) and handle.
    keys = inter.index.tolist()
    inter["_tweet"] = [
        snowflake(int(ms), key % 4096) if c == "x-reply" else None for c, ms, key in zip(channel, received, keys)
    ]
    inter["_handle"] = [_sender(b, key).replace(" ", "") for b, key in zip(block.tolist(), keys)]
    chosen = rng.random(len(inter)) < 0.3
    inter["Link"] = [
        f"https://x.com/{handle}/status/{tweet}" if tweet and pick else None
        for tweet, handle, pick in zip(inter["_tweet"], inter["_handle"], chosen.tolist())
    ]
    return inter


def _sender(block: int, key) -> str:
    n = _digest("sender", block, key)
    return f"{PARENTS[n % len(PARENTS)]} {PARENT_SURNAMES[(n // 16) % len(PARENT_SURNAMES)]}"


def _near(times: pd.Series, at: pd.Timestamp, minutes: int) -> int:
    """How many of ``times`` are within ``minutes`` of ``at``."""
    stamps = times[times.map(is_ts)]
    return int(((stamps - at).abs() < pd.Timedelta(minutes=minutes)).sum())


def _free_slot(times: pd.Series, start: str, minutes: int = 45) -> pd.Timestamp:
    """``start``, or the same time on the first day after it with no logged time within ``minutes``."""
    at = pd.Timestamp(start)
    while _near(times, at, minutes):
        at += pd.Timedelta(days=1)
    return at


def _plant(posts, inter, first_names: dict, block: int, calendar, posts_at: Placed, inter_at: Placed) -> list[tuple]:
    """This block's planted differences (see :mod:`.planted`); returns what only the archives hold.
    ``first_names``: each Student ID's first name; ``posts_at``, ``inter_at``: each post's and interaction's block
    and position (:func:`_block_and_position`)."""
    post_block, post_position = posts_at
    mine = post_block == block
    baseline = mine & ~posts["_planted"].to_numpy(dtype=bool) & posts["_published_ms"].notna().to_numpy()
    acc = {p: f"ACC-{6 * block + p + 1:03d}" for p in range(6)}

    def of(position: int) -> np.ndarray:
        return baseline & (post_position == position)

    def time_of(position: int) -> pd.Series:
        return posts.loc[mine & (post_position == position), "Posted at"]

    # Clean: an X post published 20 minutes after its logged time, matched by time and text.
    twenty = next(i for i in _after(posts, of(2), "2025-10-01") if _near(time_of(2), posts.at[i, "Posted at"], 50) == 1)
    posts.at[twenty, "_published_ms"] += 20 * MINUTE
    posts.at[twenty, "Link"] = None
    # Clean: a YouTube video logged three hours out, found by the ID in its Link.
    late = next(i for i in _after(posts, of(3), "2026-01-05") if _near(time_of(3), posts.at[i, "Posted at"], 240) == 1)
    posts.at[late, "_published_ms"] -= 3 * HOUR
    posts.at[late, "Link"] = _post_link(block, 3, posts.at[late, "_platform_id"])
    # EVD-02: an Instagram post missing from the archive, its removal never recorded.
    gone = _after(posts, of(1), "2026-03-02")[0]
    posts.at[gone, "_published_ms"] = np.nan
    # The post whose Removed on cannot be read is not in the archive either (taken down): EVD-02, to confirm.
    # EVD-03: a Facebook caption added to after logging.
    for i in _after(posts, of(0), "2026-04-01"):
        edited = posts.at[i, "Post text"] + EDITED_CAPTION
        if SAME_POST <= similarity(normalised(edited), normalised(posts.at[i, "Post text"])) < SAME_TEXT:
            posts.at[i, "_published_text"] = edited
            break
    # EVD-03 and PST-04 from the platform: an Instagram caption naming, as published, a student it pictures.
    for i in _after(posts, of(1) & posts["Students pictured"].map(bool).to_numpy(), "2026-05-04"):
        pictured = [first_names.get(s) for s in posts.at[i, "Students pictured"]]
        text = posts.at[i, "Post text"]
        first = pictured[0]
        if first is None or pictured.count(first) > 1 or first.casefold() in text.casefold():
            continue
        named = text.rstrip(" .!") + f", well done {first}!"
        if SAME_POST <= similarity(normalised(named), normalised(text)) < SAME_TEXT:
            posts.at[i, "_published_text"] = named
            break
    # EVD-01: posts that only the platforms show, at a time no logged post of the account is near.
    only = []
    for position, (start, text) in UNLOGGED_POSTS.items():
        at = _free_slot(time_of(position), start)
        only.append((acc[position], "post", _ms(at), text, None, None))
    # EVD-04: a message on Facebook late on a Saturday, answered, never logged.
    inter_block, inter_position = inter_at
    facebook = inter.loc[(inter_block == block) & (inter_position == 0), "Received at"]
    received, text, answered, answer = UNLOGGED_MESSAGE
    at = _free_slot(facebook, received)
    reply = at.normalize() + (pd.Timestamp(answered) - pd.Timestamp(answered).normalize()) + pd.Timedelta(days=1)
    only.append((acc[0], "message", _ms(at), text, _ms(reply), answer))
    # EVD-05 and INT-01: a Facebook message logged as answered within hours, answered 26 hours later there.
    answered_dms = inter[
        (inter_block == block)
        & (inter_position == 0)
        & (inter["_channel"] == "dm").to_numpy()
        & (inter["_reply_ms"] > 0).to_numpy()
    ]
    # The time test runs on this block's answered messages only, not on every block's interactions.
    since = answered_dms["Received at"].map(lambda v: is_ts(v) and v >= pd.Timestamp("2025-11-03"))
    candidates = answered_dms[since.to_numpy(dtype=bool)].sort_values("Received at", kind="stable")
    for i, row in candidates.iterrows():
        on_time = row["First response at"] - row["Received at"] < pd.Timedelta(hours=5)
        working = calendar.is_working_day(pd.Series([row["Received at"]]))[0]
        if 9 <= row["Received at"].hour < 15 and on_time and working:
            inter.at[i, "_reply_ms"] = int(row["_received_ms"]) + 26 * HOUR
            break
    return only


def _after(posts: pd.DataFrame, mask: np.ndarray, when: str) -> list:
    """The index of the ``mask`` posts logged at or after ``when``, in logged order."""
    # The mask first: the time test then runs on one block's posts, not on every block's.
    chosen = posts[mask]
    since = chosen["Posted at"].map(lambda v: is_ts(v) and v >= pd.Timestamp(when))
    return chosen.loc[since.to_numpy(dtype=bool), "Posted at"].sort_values(kind="stable").index.tolist()


def _ms(wall: pd.Timestamp) -> int:
    return int(instants_ms(pd.Series([wall]))[0][0])


def write_exports(folder: Path, frames: dict[str, pd.DataFrame], layouts: dict | None = None) -> list[Path]:
    """Write every planned archive under ``folder/platform_exports``, each platform's laid out as ``layouts``
    says (default :data:`SAMPLE_LAYOUTS`); returns what was written."""
    layouts = {**SAMPLE_LAYOUTS, **(layouts or {})}
    posts, inter, only = frames["Posts"], frames["Interactions"], frames["_ArchiveOnly"]
    root = Path(folder) / EXPORTS_FOLDER
    written = []
    post_block, post_position = _block_and_position(posts["Account ID"])
    inter_block, inter_position = _block_and_position(inter["Account ID"])
    for block in sorted(set(post_block.tolist())):
        for position, platform in ARCHIVED.items():
            how = dict(layouts[platform])
            form, top = how.pop("form", "zip"), how.pop("top", None)
            account = f"ACC-{6 * block + position + 1:03d}"
            mine = posts[
                (post_block == block) & (post_position == position) & posts["_published_ms"].notna().to_numpy()
            ]
            records = [
                Record(pid, int(ms), text)
                for pid, ms, text in zip(mine["_platform_id"], mine["_published_ms"], mine["_published_text"])
            ]
            edges = dict(zip(mine["_edge"], range(len(mine))))
            if "thread2" in edges:  # the second tweet of the thread replies to the first
                records[edges["thread2"]].reply_to = records[edges["thread1"]].id
            extra = only[only["Account ID"] == account]
            for kind, at, text in zip(extra["kind"], extra["at_ms"], extra["text"]):
                if kind == "post":
                    records.append(Record(snowflake(int(at), 7) if platform == "X" else None, int(at), text))
            messages = inter[(inter_block == block) & (inter_position == position)]
            files = _archive_files(platform, block, records, messages, extra, how)
            written.append(write_archive(files, root / account, form, top))
    return written


def _archive_files(platform: str, block: int, posts: list[Record], inter: pd.DataFrame, extra: pd.DataFrame,
                   how: dict) -> dict[str, bytes]:  # fmt: skip
    names = {
        "Facebook": "Little Kinvaston School" + (f" {block + 1}" if block else ""),
        "Instagram": instagram_username(block),
        "X": x_user_id(block),
    }
    own = names.get(platform)
    messages, replies, reply_names = [], [], {}
    rows = zip(
        inter.index, inter["_channel"], inter["_received_ms"], inter["_reply_ms"], inter["_tweet"], inter["_handle"]
    )
    for n, (key, channel, received, replied, tweet, handle) in enumerate(rows):
        sender = _sender(block, key) if platform != "X" else str(10**15 + _digest("user", block, key) % 10**14)
        conversation = _conversation(platform, sender, own, key)
        if channel == "dm":
            text = INCOMING[_digest("in", key) % len(INCOMING)]
            messages.append(Record(_message_id(platform, received, n), int(received), text, None, sender, conversation))
            if replied:
                answer = ANSWERS[_digest("out", key) % len(ANSWERS)]
                reply_id = _message_id(platform, replied, n + 1)
                messages.append(Record(reply_id, int(replied), answer, None, own, conversation))
        elif channel == "x-reply":
            reply_names[tweet] = handle
            text = f"@{handle} Thank you for your kind words!"
            replies.append(Record(snowflake(int(replied), (key + 1) % 4096), int(replied), text, tweet))
    for kind, at, text, reply_ms, reply in zip(extra["kind"], extra["at_ms"], extra["text"], extra["reply_ms"],
                                               extra["reply"]):  # fmt: skip
        if kind == "message":
            sender = _sender(block, "unlogged")
            conversation = _conversation(platform, sender, own, "unlogged")
            messages.append(Record(None, int(at), text, None, sender, conversation))
            messages.append(Record(None, int(reply_ms), reply, None, own, conversation))
    if platform == "X":
        return x_archive(x_handle(block), own, posts, replies, messages, reply_names=reply_names, **how)
    if platform == "Facebook":
        return facebook_archive(own, posts, messages, **how)
    if platform == "Instagram":
        return instagram_archive(own, posts, messages, **how)
    videos = list(posts)
    comments = [
        Record(f"Ugx{_digest('comment', block, i):x}", v.at_ms + 2 * HOUR, "Thank you for watching!", v.id)
        for i, v in enumerate(videos[::10])
    ]
    return youtube_takeout(f"UC{_digest('channel', block):x}", videos, comments, **how)


def _conversation(platform: str, sender: str, own: str, key) -> str:
    if platform == "X":
        return f"{min(sender, own)}-{max(sender, own)}"
    return conversation_folder(sender, _digest("thread", key) % 10**15)


def _message_id(platform: str, ms, n: int) -> str | None:
    return snowflake(int(ms), n % 4096) if platform == "X" else None
