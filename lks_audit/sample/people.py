"""The sample school's people: its staff (with their planted training gaps and leavers) and its students'
image consent forms."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .block import Block
from .words import AMELIA, FIRST_NAMES, SURNAMES, YEAR_GROUPS
from .year import START, day_number

# Staff positions inside a block (their planted breaches: :mod:`.planted`).
SLT = (0, 1, 2, 3)
RECEPTIONIST = 6  # TRN-01: answers interactions, never trained
PST02_LEAVER = 10  # Facebook administrator, left 13/02/2026, posts after
STALE_TRAINING = 13  # TRN-02
ACC02_LEAVER = 15  # X administrator, left 19/12/2025
ACC07_LEAD = 19  # YouTube lead, left 31/03/2026
OTHER_LEAVERS = {40: "2025-12-19", 41: "2026-04-02", 55: "2026-07-22", 66: "2026-03-27", 42: "2025-07-18"}
NEW_STARTERS = {44: "2025-09-01", 45: "2026-01-05", 56: "2026-02-23"}
TRN04_OLD, TRN04_BLANK, TRN04_BAD = 30, 31, 32
TRN03_VOLUNTEER = 67
STARTS_AFTER_AS_OF = 48  # DQ-05
LEAVES_BEFORE_START = 77  # DQ-05


def student_names(rng: np.random.Generator, n: int) -> list[str]:
    """Unique full names: every first name/surname pair, then double-barrelled surnames when needed."""
    singles = [f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES if f"{f} {s}" != AMELIA]
    out = [singles[i] for i in rng.permutation(len(singles))[:n]]
    seen = set(out) | {AMELIA}
    while len(out) < n:
        a, b = rng.choice(len(SURNAMES), 2, replace=False)
        name = f"{FIRST_NAMES[rng.integers(len(FIRST_NAMES))]} {SURNAMES[a]}-{SURNAMES[b]}"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return [out[i] for i in rng.permutation(n)]


ROLES = (
    "Headteacher",
    "Deputy Headteacher",
    "Assistant Headteacher",
    "Assistant Headteacher",
    "School Business Manager",
    "Office Manager",
    "Receptionist",
    "Digital Lead",
)
#: Leaving dates by position: the planted leavers and ordinary ones (42 left before this year).
LEAVERS = {PST02_LEAVER: "2026-02-13", ACC02_LEAVER: "2025-12-19", ACC07_LEAD: "2026-03-31", **OTHER_LEAVERS}
#: Cells typed over what is drawn, by position: the planted breaches and last year's leaver.
STAFF_CELLS: dict[int, dict[str, object]] = {
    42: {  # left before this year: last year's dates
        "Policy read on": pd.Timestamp("2024-09-05"),
        "Latest refresher on": None,
        "Annual declaration on": pd.Timestamp("2024-09-06"),
    },
    RECEPTIONIST: {"Social media training on": None, "Latest refresher on": None},  # TRN-01
    STALE_TRAINING: {  # TRN-02
        "Social media training on": pd.Timestamp("2022-09-06"),
        "Latest refresher on": pd.Timestamp("2024-07-10"),
    },
    TRN03_VOLUNTEER: {"Policy read on": None},
    TRN04_OLD: {"Annual declaration on": pd.Timestamp("2025-06-30")},
    TRN04_BLANK: {"Annual declaration on": None},
    TRN04_BAD: {"Annual declaration on": "31/02/2026"},  # and DQ-02
    STARTS_AFTER_AS_OF: {
        "Start date": pd.Timestamp("2026-09-01"),
        "Policy read on": None,
        "Social media training on": None,
        "Latest refresher on": None,
        "Annual declaration on": None,
    },
    LEAVES_BEFORE_START: {"Start date": pd.Timestamp("2026-02-02"), "Leaving date": pd.Timestamp("2026-01-30")},
}


def _kind(i: int) -> str:
    return "Employee" if i < 65 else "Volunteer" if i < 72 else "Parent" if i < 76 else "Contractor"


def _role(i: int) -> str:
    if i < len(ROLES):
        return ROLES[i]
    if i < 65:
        return "Teacher" if i < 50 else "Teaching Assistant"
    return {"Volunteer": "Reading volunteer", "Parent": "PTA parent", "Contractor": "Sports coach"}[_kind(i)]


def _new_starter(start: str) -> dict[str, object]:
    """A new starter's cells: read the policy on the first day, trained two days later, declared the next day."""
    day = pd.Timestamp(start)
    return {
        "Start date": day,
        "Policy read on": day,
        "Social media training on": day + pd.Timedelta(days=2),
        "Latest refresher on": None,
        "Annual declaration on": day + pd.Timedelta(days=3),
    }


def staff_sheet(block: Block) -> pd.DataFrame:
    rng, rows = block.rng, []
    for i in range(80):
        kind = _kind(i)
        name = f"{FIRST_NAMES[rng.integers(len(FIRST_NAMES))]} {SURNAMES[rng.integers(len(SURNAMES))]}"
        start = pd.Timestamp(2008, 9, 1) + pd.Timedelta(days=int(rng.integers(0, 15 * 365)))
        if i < 30:  # administrators and SLT have been here a while
            start = min(start, pd.Timestamp("2022-09-01"))
        read = START + pd.Timedelta(days=int(rng.integers(1, 30)))
        trained = max(
            pd.Timestamp(2019, 9, 1) + pd.Timedelta(days=int(rng.integers(0, 5 * 365))),
            start + pd.Timedelta(days=7),
        )
        refresher = START + pd.Timedelta(days=int(rng.integers(3, 300)))
        declared = (
            START + pd.Timedelta(days=int(rng.integers(1, 45))) if kind == "Employee" or rng.random() < 0.5 else None
        )
        row = {
            "Staff ID": block.staff_ids[i],
            "Name": name,
            "Role": _role(i),
            "Type": kind,
            "Start date": start,
            "Leaving date": None,
            "Policy read on": read,
            "Social media training on": trained,
            "Latest refresher on": refresher,
            "Annual declaration on": declared,
        }
        if i in NEW_STARTERS:
            row.update(_new_starter(NEW_STARTERS[i]))
        if i in LEAVERS:
            row["Leaving date"] = pd.Timestamp(LEAVERS[i])
        row.update(STAFF_CELLS.get(i, {}))
        rows.append(row)
    return pd.DataFrame(rows)


def consent_sheet(block: Block) -> pd.DataFrame:
    rng, n = block.rng, 600
    order = rng.permutation(n)
    cats = np.array(["normal"] * n, dtype=object)
    spans = (
        ("no", 60),
        ("restricted_yes", 3),
        ("restricted_no", 3),
        ("renew", 8),
        ("withdrawn", 10),
        ("leaver", 15),
        ("future", 1),
    )
    pos, by_cat = 0, {}
    for cat, count in spans:
        by_cat[cat] = [int(i) for i in order[pos : pos + count]]
        cats[order[pos : pos + count]] = cat
        pos += count
    groups = rng.integers(0, len(YEAR_GROUPS), n)
    # Consent windows [from, to) in period day numbers: who may be pictured on which day.
    block.ok_from = np.full(n, 10**6)
    block.ok_to = np.full(n, 10**6)
    rows = []
    block.by_cat = by_cat
    normal = [int(i) for i in order[pos:]]
    if block.k == 0:
        block.names[normal[0]] = AMELIA
    block.first = [nm.split()[0] for nm in block.names]
    singles = [i for i in normal if "-" not in block.names[i] and block.names[i] != AMELIA]
    block.pst03 = singles[:2]
    block.pst04 = singles[2:4]
    block.late_form = normal[-1]  # IMG-01: pictured on 05/09/2025, form arrives 10/09/2025
    for i in range(n):
        cat, group = cats[i], int(groups[i])
        received = (
            START + pd.Timedelta(days=int(rng.integers(1, 12)))
            if _new_intake(group)
            else pd.Timestamp(2019, 9, 1) + pd.Timedelta(days=int(rng.integers(0, 5 * 365 + 300)))
        )
        if i == block.late_form:
            received = pd.Timestamp("2025-09-10")
        base = {
            "Student ID": block.student_ids[i],
            "Student name": block.names[i],
            "Year group": _year_group_at(group, received),
            "Form received on": received,
            "Social media consent": True,
            "Photo restriction": False,
            "Withdrawn on": None,
            "Form version": "DSPP 2024" if received.year >= 2024 else "DSPP 2019",
            "Left school on": None,
        }
        rows.extend(_forms(block, i, cat, group, base))
    frame = pd.DataFrame(rows)
    return frame.sort_values(["Student ID", "Form received on"], kind="stable", ignore_index=True)


#: When the first withdrawn students withdrew consent (the planted posts picture them).
WITHDRAWN_ON = ("2026-01-15", "2026-03-10", "2026-05-20", "2026-06-15")


def _new_intake(group: int) -> bool:
    """Whether the year group joined this September, so its forms arrive in the first days."""
    return YEAR_GROUPS[group] in ("Reception", "Year 7")


def _forms(block: Block, i: int, cat: str, group: int, base: dict) -> list[dict]:
    """Student ``i``'s consent forms as its category (``cat``) has them, from the first form ``base``; sets when
    the student may be pictured."""
    rng, received = block.rng, base["Form received on"]
    forms = [base]
    if cat == "normal":
        block.ok_from[i] = day_number(received)
        # Some re-consent at the start of this year (never the student whose form arrives late).
        if not _new_intake(group) and i != block.late_form and rng.random() < 0.15:
            forms.append(
                {
                    **base,
                    "Form received on": START + pd.Timedelta(days=int(rng.integers(2, 20))),
                    "Year group": YEAR_GROUPS[group],
                    "Form version": "DSPP 2024",
                }
            )
    elif cat == "no":
        base["Social media consent"] = False
    elif cat.startswith("restricted"):
        base.update({"Photo restriction": True, "Social media consent": cat == "restricted_yes"})
    elif cat == "renew":  # refused, then a new form this year gives consent
        base.update(
            {
                "Social media consent": False,
                "Form received on": pd.Timestamp("2023-09-12"),
                "Year group": _year_group_at(group, pd.Timestamp("2023-09-12")),
            }
        )
        renewed = pd.Timestamp("2026-01-12") + pd.Timedelta(days=int(rng.integers(0, 60)))
        forms.append(
            {
                **base,
                "Form received on": renewed,
                "Social media consent": True,
                "Year group": YEAR_GROUPS[group],
                "Form version": "DSPP 2024",
            }
        )
        block.ok_from[i] = day_number(renewed)
    elif cat == "withdrawn":
        j = block.by_cat["withdrawn"].index(i)
        w = (
            pd.Timestamp(WITHDRAWN_ON[j])
            if j < len(WITHDRAWN_ON)
            else pd.Timestamp("2025-11-03") + pd.Timedelta(days=int(rng.integers(0, 200)))
        )
        base["Withdrawn on"] = w
    elif cat == "leaver":
        left = pd.Timestamp("2025-10-01") + pd.Timedelta(days=int(rng.integers(0, 290)))
        base["Left school on"] = left
        block.ok_from[i], block.ok_to[i] = day_number(received), day_number(left)
    elif cat == "future":  # DQ-05: a September 2026 starter's form typed in early
        base.update({"Form received on": pd.Timestamp("2026-09-02"), "Year group": "Reception"})
    return forms


def _year_group_at(group: int, received: pd.Timestamp) -> str:
    """The year group a student was in when a form arrived (a year per September)."""
    academic = received.year - (received.month < 9)
    return YEAR_GROUPS[max(0, group - (2025 - academic))]
