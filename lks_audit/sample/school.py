"""The whole sample school: its blocks built and joined, keys numbered across them, the school's settings, and
the year asked for (2025-26 with the DPO's review and the platforms' archives, or the year before)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..context import WorkingCalendar
from .accounts import ACCOUNTS, accounts_sheet, applications_sheet
from .block import Block
from .earlier import a_year_earlier
from .exports import plan_exports
from .incidents import incidents_sheet
from .interactions import interactions_sheet
from .people import consent_sheet, staff_sheet, student_names
from .planted import planted_counts
from .posts import posts_sheet
from .review import dpo_review
from .year import CLOSURES, EARLIER_YEAR, SAMPLE_YEARS, YEAR, day_number, is_ts

#: Left out of the sample on purpose (DQ-01); no rule needs it.
DROPPED = ("Incidents", "External agencies informed")


def build_sample(seed: int = 2026, scale: int = 1, year: str = YEAR) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """The sample as canonical frames (Timestamps, bools, id lists) and the planted counts, for ``year``."""
    if year not in SAMPLE_YEARS:
        raise ValueError(f"the sample school has the years {' and '.join(SAMPLE_YEARS)}, not {year}")
    rng = np.random.default_rng(seed)
    cal = WorkingCalendar([pd.Timestamp(d) for d, _ in CLOSURES], years=range(2024, 2028))
    names = student_names(rng, 600 * scale)
    made = [
        Block(k, scale, rng, cal, names[600 * k : 600 * (k + 1)], tuple(a[5] for a in ACCOUNTS)) for k in range(scale)
    ]
    blocks = [_build_block(block) for block in made]
    frames = {name: pd.concat([b[name] for b in blocks], ignore_index=True) for name in blocks[0]}
    _number(frames)
    frames["Policy"] = pd.DataFrame(
        [
            {
                "Policy version": "2025.1",
                "Approved on": pd.Timestamp("2025-09-17"),
                "Next review due": pd.Timestamp("2026-07-15"),  # POL-01: the summer review did not happen
                "Signed by chair of governors on": pd.Timestamp("2025-09-18"),
                "Signed by proprietor on": None,  # POL-02
            }
        ]
    )
    frames["Closures"] = pd.DataFrame([{"Date": pd.Timestamp(d), "Reason": r} for d, r in CLOSURES])
    frames["Incidents"] = frames["Incidents"].drop(columns=[DROPPED[1]])
    if year == EARLIER_YEAR:
        refused = {b.student_ids[i] for b in made for i in b.by_cat["no"][:3]}
        a_year_earlier(frames, refused)
    else:
        plan_exports(frames, seed, cal)
        frames.update(dpo_review(frames, made[0]))
    return frames, planted_counts(scale, year)


def _build_block(block: Block) -> dict[str, pd.DataFrame]:
    """One block's sheets, in the order their random draws are made."""
    staff = staff_sheet(block)
    # Each staff member's current days [start, leave) as period day numbers, for fast look-ups.
    block.current_from = [day_number(d) if is_ts(d) else -(10**6) for d in staff["Start date"]]
    block.current_to = [day_number(d) if is_ts(d) else 10**6 for d in staff["Leaving date"]]
    accounts, apps = accounts_sheet(block), applications_sheet(block)
    consent = consent_sheet(block)
    incidents = incidents_sheet(block)
    return {
        "Accounts": accounts,
        "Applications": apps,
        "Staff": staff,
        "Consent": consent,
        "Posts": posts_sheet(block),
        "Interactions": interactions_sheet(block, incidents),
        "Incidents": incidents,
    }


def _number(frames: dict[str, pd.DataFrame]) -> None:
    """Chronological keys across blocks; resolve planted duplicates, blanks and incident links."""
    inc = frames["Incidents"].sort_values("Reported at", kind="stable", ignore_index=True)
    inc.insert(0, "Incident ID", [f"INC-{i + 1:03d}" for i in range(len(inc))])
    key_to_id = dict(zip(inc.pop("_key"), inc["Incident ID"]))
    frames["Incidents"] = inc

    # The edge posts for the platforms' archives (EDGE_POSTS) come last, as posts logged late do, so the other
    # posts keep the IDs they had before there were archives.
    edge = frames["Posts"]["_edge"].notna() if "_edge" in frames["Posts"] else False
    posts = pd.concat(
        [frames["Posts"][~edge].sort_values("Posted at", kind="stable"), frames["Posts"][edge]], ignore_index=True
    )
    ids = [f"P-{i + 1:05d}" for i in range(len(posts))]
    for i in np.flatnonzero(posts.pop("_dup").to_numpy()):
        ids[i] = ids[i - 1]  # DQ-03: typed the previous post's id again
    posts.insert(0, "Post ID", ids)
    frames["Posts"] = posts  # its _planted and _edge marks stay for the platforms' archives (never written)

    inter = frames["Interactions"].sort_values("Received at", kind="stable", ignore_index=True)
    ids = [f"I-{i + 1:06d}" for i in range(len(inter))]
    ids = [None if blank else x for x, blank in zip(ids, inter.pop("_blank_id"))]
    inter.insert(0, "Interaction ID", ids)
    inter["Incident ID"] = [key_to_id.get(x, x) if isinstance(x, tuple) else x for x in inter.pop("_incident")]
    frames["Interactions"] = inter
