"""The sample school's social media accounts and the applications that opened them, planted breaches included."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .block import Block
from .people import ACC02_LEAVER, ACC07_LEAD, PST02_LEAVER, STALE_TRAINING
from .year import ts

ACCOUNTS = (  # platform, name, purpose, privacy, reason, admins, lead, created, review, dpia, creds, approves, tagging
    (
        "Facebook",
        "Little Kinvaston School",
        "Information",
        "Open",
        "Public news for families and the community",
        (7, 8, 9, PST02_LEAVER),
        7,
        "2019-01-14",
        "2025-11-12",
        "DPIA-2018-04",
        True,
        False,
        True,
    ),
    (
        "Instagram",
        "@lks_sport",
        "Celebration",
        "Private",
        "Shows students; followers approved",
        (11, 12, STALE_TRAINING),
        11,
        "2021-01-15",
        "2025-02-03",
        "DPIA-2020-11",
        True,
        True,
        False,
    ),
    (
        "X",
        "@LittleKinvaston",
        "Information",
        "Open",
        "Announcements for the public",
        (14, ACC02_LEAVER),
        14,
        "2020-09-07",
        "2026-01-20",
        "DPIA-2020-06",
        False,
        True,
        True,
    ),
    (
        "YouTube",
        "Kinvaston Music",
        "Teaching and learning",
        "Private",
        None,
        (16, 17, 18),
        ACC07_LEAD,
        "2022-03-01",
        "2025-10-08",
        "DPIA-2022-01",
        True,
        True,
        True,
    ),
    (
        "LinkedIn",
        "LKS Careers & Alumni",
        "Information",
        "Open",
        "Professional network for alumni",
        (20, 21),
        20,
        "2025-10-06",
        None,
        None,
        True,
        True,
        True,
    ),
    (
        "Facebok",
        "LKS Trips 2022",
        "Mixed",
        "Private",
        "Trip updates for travelling families",
        (22, 23),
        22,
        "2022-01-10",
        "2021-03-01",
        "DPIA-2021-09",
        True,
        True,
        True,
    ),
)
CLOSED_ACCOUNT = 5
ACTIVE = (0, 1, 2, 3, 4)
POST_WEIGHTS = np.array([0.36, 0.26, 0.12, 0.09, 0.17])
APPLICATIONS = (  # account, submitted, dpia, decision, decision date, proposed admins, promotion, privacy reason
    (0, "2018-11-20", "2018-11-28", "Approved", "2018-12-10", (7, 8), "Newsletter and website", None),
    (1, "2020-12-01", "2020-12-08", "Approved", "2021-02-01", (11, 12), "Sports day flyers", None),
    (2, "2020-06-15", "2020-06-22", "Approved", "2020-07-06", (14,), "Website banner", None),
    (3, "2022-01-10", "2022-01-17", "Approved", "2022-02-07", (16, 17), "Concert programmes", "Students perform"),
    (4, "2025-09-08", "2025-09-30", "Approved", "2025-09-22", (20, 21), "Alumni email", None),
    (5, "2021-11-15", "2021-11-22", "Approved", "2021-12-06", (22, 23), "Trip letters", None),
    ("WhatsApp", "2026-06-15", None, "Pending", None, (8, 9), "Parent reps", "Closed parent groups"),
    ("TikTok", "2025-11-20", "2025-11-24", "Rejected", "2025-11-03", (24, 25), None, None),
)


def accounts_sheet(block: Block) -> pd.DataFrame:
    rows = []
    suffix = "" if block.k == 0 else f" {block.k + 1}"
    for i, (
        platform,
        name,
        purpose,
        privacy,
        reason,
        admins,
        lead,
        created,
        review,
        dpia,
        creds,
        approves,
        tagging,
    ) in enumerate(ACCOUNTS):
        closed = i == CLOSED_ACCOUNT
        rows.append(
            {
                "Account ID": block.acc_ids[i],
                "Platform": platform,
                "Account name": name + suffix,
                "Application ID": block.app_ids[i],
                "Purpose": purpose,
                "Audience": "Parents, carers and the local community",
                "Privacy": privacy,
                "Privacy reason": reason,
                "Administrators": [block.staff_ids[a] for a in admins],
                "Lead staff": block.staff_ids[lead],
                "Created on": pd.Timestamp(created),
                "Credentials stored securely": creds,
                "Admin approves followers or posts": approves,
                "Tagging disabled": tagging,
                "Status": "Closed" if closed else "Active",
                # DQ-05: typed 2021 for 2025, so it reads as closed before it was created.
                "Closed or transferred on": pd.Timestamp("2021-07-16") if closed else None,
                "Last purpose review": ts(review),
                "DPIA reference": dpia,
            }
        )
    return pd.DataFrame(rows)


def applications_sheet(block: Block) -> pd.DataFrame:
    rows = []
    for j, (acc, submitted, dpia, decision, decided, proposed, promotion, reason) in enumerate(APPLICATIONS):
        on_account = isinstance(acc, int)
        platform = ACCOUNTS[acc][0].replace("Facebok", "Facebook") if on_account else acc
        privacy = ACCOUNTS[acc][3] if on_account else "Private"
        if on_account:
            reason = reason or ACCOUNTS[acc][4]
        rows.append(
            {
                "Application ID": block.app_ids[j],
                "Submitted on": pd.Timestamp(submitted),
                "Submitted by": block.staff_ids[proposed[0]],
                "Platform": platform,
                "Aim": "Share school news and celebrate achievements" if j != 7 else "Short videos of school life",
                "Intended audience": "Parents and carers",
                "Promotion plan": promotion,
                "Proposed administrators": [block.staff_ids[p] for p in proposed],
                "Privacy": privacy,
                "Privacy reason": reason,
                "DPIA submitted to DPO on": ts(dpia),
                "SLT decision": decision,
                "Decision date": ts(decided),
            }
        )
    return pd.DataFrame(rows)
