"""People (area ``people``): policy reading, training and declarations of account users and staff.

Standing-state rules: the Staff sheet as it stands at ``as_of``. "Account users" come from the
Accounts register (administrators of Active accounts) and the in-period Posts and Interactions logs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..deadlines import months_after
from ..schema import ROW
from .base import (
    ACCOUNT_USER_SOURCES,
    account_user_cells,
    account_users,
    distinct_ids,
    first_by_key,
    fmt_date,
    is_active,
    names,
    period_rows,
)
from .registry import CLOCKS, DAYS, register_clock, register_rule
from .unknown import Tri, blank, checked, key_cells, known, settle_as_read, test, unreadable

_TRAINING_CLAUSE = (
    "SLT will ensure that anyone running/administering a social media account on behalf of the "
    "school, has read and understood this policy and received appropriate training. This also "
    "applies to anyone who is not directly employed by the school, including volunteers or parents."
)

_ACCOUNT_USERS = ("account user", "account users")

#: What TRN-01 reads; TRN-03 spares TRN-01's people only when TRN-01 could be assessed.
_TRN01_NEEDS = {**ACCOUNT_USER_SOURCES, "Staff": ("Staff ID", "Policy read on", "Social media training on")}


def _staff_rows(data) -> pd.DataFrame:
    """Staff rows, a repeated Staff ID counted once (its first row, as DQ-03 keeps it); blank IDs kept."""
    return first_by_key(data.frames["Staff"], "Staff ID", keep_blank=True)


def _doubtful_account_users(data, ctx) -> tuple[dict[str, list[tuple]], list[tuple], set[str]]:
    """Who is an account user only perhaps, because a cell that makes them one could not be read.

    Returns Staff ID -> the unreadable cells that leave it open (an administrator of an account whose Status
    could not be read, someone who posted or responded on a day that could not be read); the unreadable cells
    that could name anyone (an Administrators, Posted by or Responded by cell); and who is surely one.
    """
    doubts: dict[str, list[tuple]] = {}
    anyone: list[tuple] = []
    sure: set[str] = set()
    accounts = data.frames["Accounts"]
    status_unread = unreadable(data, accounts, "Accounts", "Status")
    may_be_active = is_active(accounts) | status_unread
    admins_unread = unreadable(data, accounts, "Accounts", "Administrators")
    for row, ids, active, open_status, open_admins in zip(
        accounts[ROW].tolist(), accounts["Administrators"].tolist(), may_be_active.tolist(),
        status_unread.tolist(), admins_unread.tolist(),
    ):  # fmt: skip
        if not active:
            continue
        if open_admins:
            anyone.append(("Accounts", row, "Administrators"))
        for staff_id in distinct_ids(ids):
            if open_status:
                doubts.setdefault(staff_id, []).append(("Accounts", row, "Status"))
            else:
                sure.add(staff_id)
    for sheet, when, column in (("Posts", "Posted at", "Posted by"), ("Interactions", "Received at", "Responded by")):
        rows = period_rows(data, sheet, when, ctx)
        day_unread = unreadable(data, rows, sheet, when)
        who_unread = unreadable(data, rows, sheet, column)
        if who_unread.any():
            anyone += [(sheet, r, column) for r in rows.loc[who_unread, ROW].tolist()]
        if not day_unread.any():  # the usual case: every day read, everyone named surely a user
            sure.update(i for i in pd.unique(rows[column].to_numpy()) if i is not None)
            continue
        named = rows[column].notna().to_numpy()
        sure.update(i for i in pd.unique(rows.loc[named & ~day_unread, column].to_numpy()))
        for staff_id, r in zip(rows.loc[named & day_unread, column].tolist(), rows.loc[named & day_unread, ROW]):
            doubts.setdefault(staff_id, []).append((sheet, int(r), when))
    return {k: v for k, v in doubts.items() if k not in sure}, anyone, sure


def _account_users_training(data, ctx) -> pd.DataFrame:
    """One row per person who is, or may be, an account user, with their Staff row's dates; ``missing``: what
    TRN-01 finds missing as the cells read ('' when they have read the policy and been trained by ``as_of``);
    ``user``: a :class:`Tri` column's parts, ``user_open`` (only perhaps a user) and ``user_cells`` (the
    unreadable cells that leave it open); ``fails`` / ``fails_open``: TRN-01's test in three values.

    Built once per audit and shared by TRN-01, TRN-02 (not raised where TRN-01 is) and TRN-03 (not
    raised for account users under TRN-01); rules must treat it as read-only.
    """
    key = ("account_users_training", ctx.start, ctx.end, ctx.as_of)
    if key not in data.derived:
        users = account_users(data, ctx)
        doubts, anyone, sure = _doubtful_account_users(data, ctx)
        staff_all = _staff_rows(data)
        staff = staff_all[["Staff ID", "Policy read on", "Social media training on", "Latest refresher on", ROW]]
        staff = staff[staff["Staff ID"].notna()]
        maybe_ids = set(doubts) | (set(staff["Staff ID"]) if anyone else set())
        extra = sorted(maybe_ids - set(users.index))
        frame = pd.DataFrame(
            {
                "Staff ID": pd.Series(list(users.index) + extra, dtype=object),
                "roles": pd.Series(list(users.to_numpy()) + ["may be an account user" for _ in extra], dtype=object),
                "as_read": np.array([True] * len(users) + [False] * len(extra), dtype=bool),
            }
        )
        merged = frame.merge(staff, on="Staff ID", how="left", indicator=True)
        merged["on_staff_sheet"] = merged["_merge"] == "both"
        merged = merged.drop(columns="_merge")
        merged["missing"] = _not_read_or_trained(merged, ctx)
        user_open = ~merged["Staff ID"].isin(sure).to_numpy()
        merged["user_open"] = user_open
        merged["user_cells"] = [
            (doubts.get(s, []) + anyone) if is_open else [] for s, is_open in zip(merged["Staff ID"], user_open)
        ]
        # TRN-01's test in three values: a date that could not be read leaves it open, and so does a Staff ID on
        # no row while a Staff ID could not be read.
        on_sheet = merged["on_staff_sheet"].to_numpy()
        nowhere = Tri(~on_sheet, ~on_sheet & (len(key_cells(data, "Staff", "Staff ID")) > 0))
        fails = nowhere
        for column in ("Policy read on", "Social media training on"):
            undone = (merged[column].isna() | (merged[column] > ctx.as_of)).to_numpy()
            fails = fails | test(data, merged, "Staff", on_sheet & undone, column)
        merged["fails"], merged["fails_open"] = fails.yes, fails.unknown
        data.derived[key] = merged
    return data.derived[key]


def _not_read_or_trained(users: pd.DataFrame, ctx) -> pd.Series:
    """TRN-01 per account user: what is missing, or '' when they are compliant."""
    as_of = fmt_date(ctx.as_of)
    checks = (("Policy read on", "reading the policy"), ("Social media training on", "training"))

    def problems(on_staff_sheet: bool, *dates) -> str:
        if not on_staff_sheet:
            return "is not on the Staff sheet, so reading the policy and training cannot be shown"
        out = []
        for (column, what), when in zip(checks, dates):
            if pd.isna(when):
                out.append(f"has no {column} date")
            elif when > ctx.as_of:
                out.append(f"has {column} {fmt_date(when)}, after {as_of} ({what} is not yet done)")
        return " and ".join(out)

    found = map(problems, users["on_staff_sheet"].tolist(), *(users[column].tolist() for column, _ in checks))
    return pd.Series(list(found), index=users.index, dtype=object)


@register_rule(
    "TRN-01",
    "people",
    "high",
    clause=_TRAINING_CLAUSE,
    meaning="Every account user (administrator of an Active account, or who posted or responded in the period) "
    "has Policy read on and Social media training on, both on or before as of.",
    needs=_TRN01_NEEDS,
    counts=_ACCOUNT_USERS,
    title="Staff using accounts without reading the policy or training",
    why="Staff who post or reply for the school must know the rules before they start.",
    good="Everyone who uses a school account has read the policy and has been trained.",
    question="How do we make sure that nobody uses a school account before they are trained?",
    plain_counts=("staff user of the accounts", "staff users of the accounts"),
    action="Have the person read the policy and attend social media training before using a school account, "
    "and record both dates on the Staff sheet.",
    owner="SLT member responsible for social media",
)
def account_users_read_and_trained(rule, data, ctx):
    users = _account_users_training(data, ctx)
    user = Tri(~users["user_open"].to_numpy(), users["user_open"].to_numpy())
    hit = user & Tri(users["fails"].to_numpy(), users["fails_open"].to_numpy())
    fired = users["as_read"].to_numpy(dtype=bool) & (users["missing"] != "").to_numpy(dtype=bool)
    # Only perhaps an account user: "Account user S012 (posted in the period)" may be untrue, so undecided.
    found, undecided = settle_as_read(hit, fired, doubtful=users["user_open"].to_numpy())
    hit, open_ = users[found], users[undecided]
    messages = [f"Account user {s} ({roles}) {p}" for s, roles, p in zip(hit["Staff ID"], hit["roles"], hit["missing"])]
    # Someone not on the Staff sheet rests on the cells naming them (a mistyped ID there is a DQ-04).
    named = account_user_cells(data, ctx, hit.loc[~hit["on_staff_sheet"], "Staff ID"])
    columns = [
        None if not on_sheet else "Policy read on" if pd.isna(read) or read > ctx.as_of else "Social media training on"
        for on_sheet, read in zip(hit["on_staff_sheet"], hit["Policy read on"])
    ]
    findings = rule.findings(
        hit, "Staff", messages, column=columns, rests_on=("Policy read on", "Social media training on"),
        also=[named.get(s, []) + cells for s, cells in zip(hit["Staff ID"], hit["user_cells"])],
    )  # fmt: skip
    nowhere = key_cells(data, "Staff", "Staff ID")
    waits = rule.undecided(
        open_, "Staff", columns=("Policy read on", "Social media training on"),
        also=[c + ([] if on else nowhere) for c, on in zip(open_["user_cells"], open_["on_staff_sheet"])],
    )  # fmt: skip
    return rule.outcome(findings, checked(user, found, undecided), waits)


@register_rule(
    "TRN-02",
    "people",
    "high",
    clause="Attend appropriate training including regular updates",
    meaning="Every account user's latest of (Social media training on, Latest refresher on) is within "
    "training_valid_months of as of (not raised where TRN-01 is).",
    needs={
        **ACCOUNT_USER_SOURCES,
        "Staff": ("Staff ID", "Policy read on", "Social media training on", "Latest refresher on"),
    },
    counts=_ACCOUNT_USERS,
    title="Training out of date",
    why="Risks and platforms change, so training needs a regular refresher.",
    good="Everyone who uses a school account has up-to-date training.",
    question="How do we keep staff training up to date?",
    plain_counts=("staff user of the accounts", "staff users of the accounts"),
    action="Book the person on a refresher and record its date on the Staff sheet.",
    owner="SLT member responsible for social media",
)
def account_users_training_current(rule, data, ctx):
    everyone = _with_training_clock(_account_users_training(data, ctx), ctx)
    user = Tri(~everyone["user_open"].to_numpy(), everyone["user_open"].to_numpy())
    trained = ~Tri(everyone["fails"].to_numpy(), everyone["fails_open"].to_numpy())
    # Out of date once its clock has run out at as of: training_valid_months after the latest training (with no
    # training date at all, out of date as read: TRN-01's to raise). A training date that could not be read may be
    # later than the one read, so it leaves that open; it cannot make a recent one old.
    lapsed = CLOCKS["TRN-02"].run_out(everyone, ctx) | everyone["_due"].isna().to_numpy()
    stale = Tri(lapsed, lapsed & unreadable(data, everyone, "Staff", *_TRAINING_DATES))
    fired = everyone["as_read"].to_numpy(dtype=bool) & (everyone["missing"] == "").to_numpy(dtype=bool) & lapsed
    hit = user & trained & stale
    # "was last trained on ..." is untrue if a training date could not be read: every open record is undecided.
    found, undecided = settle_as_read(hit, fired, doubtful=hit.unknown)
    hit, open_ = everyone[found], everyone[undecided]
    messages = [
        f"Account user {s} ({roles}) was last trained on {fmt_date(last)}, more than "
        f"{ctx.params.training_valid_months} months before {fmt_date(ctx.as_of)}"
        for s, roles, last in zip(hit["Staff ID"], hit["roles"], hit["_start"])
    ]
    findings = rule.findings(
        hit, "Staff", messages, column="Latest refresher on", rests_on=("Social media training on",)
    )
    waits = rule.undecided(
        open_, "Staff", columns=("Policy read on", "Social media training on", "Latest refresher on"),
        also=open_["user_cells"].tolist(),
    )  # fmt: skip
    return rule.outcome(findings, checked(user, found, undecided), waits)


_TRAINING_DATES = ("Social media training on", "Latest refresher on")


def _with_training_clock(users: pd.DataFrame, ctx) -> pd.DataFrame:
    """``users`` with TRN-02's clock: their latest training runs out ``training_valid_months`` after it."""
    latest = users[list(_TRAINING_DATES)].max(axis=1)
    return users.assign(_start=latest, _due=months_after(latest, ctx.params.training_valid_months))


@register_clock("TRN-02", "Training refresher for {record}", DAYS, "Staff", start=_TRAINING_DATES)
def training_in_force(data, ctx) -> pd.DataFrame:
    """Account users who have read the policy and been trained (TRN-01 quiet, as read): their latest training runs
    out ``training_valid_months`` after it. One only perhaps an account user waits on the cells that leave it open."""
    everyone = _account_users_training(data, ctx)
    users = everyone[(everyone["missing"] == "").to_numpy()]
    return _with_training_clock(users, ctx).assign(_open_cells=users["user_cells"])


def _current_staff(data, ctx) -> tuple[pd.DataFrame, Tri]:
    """Every Staff row (a repeated Staff ID once), and whether each is current staff at ``as_of`` in three values:
    a Start or Leaving date that could not be read makes it unknown (rules.md), read as blank (current)."""
    staff = _staff_rows(data)
    start, leaving = staff["Start date"], staff["Leaving date"]
    started = test(data, staff, "Staff", (start.isna() | (start <= ctx.as_of)).to_numpy(), "Start date")
    not_left = test(data, staff, "Staff", (leaving.isna() | (leaving > ctx.as_of)).to_numpy(), "Leaving date")
    return staff, started & not_left


_STAFF_DATES = ("Start date", "Leaving date")


@register_rule(
    "TRN-03",
    "people",
    "medium",
    clause="Know the contents of and ensure that any use of social media, is by an authorised staff member and "
    "is carried out in line with this and other relevant policies",
    meaning="Every current staff member (any Type) has Policy read on (not raised for account users already "
    "under TRN-01).",
    needs={"Staff": ("Staff ID", "Start date", "Leaving date", "Policy read on")},
    counts=("current member of staff", "current members of staff"),
    title="Staff who have not read the policy",
    why="All staff, not only those who post, must know what the policy asks of them, on their own accounts too.",
    good="Every member of staff has read the policy.",
    question="How do we check that new staff read the policy?",
    plain_counts=("member of staff", "members of staff"),
    action="Ask the person to read the policy and record the date on the Staff sheet.",
    owner="School office",
)
def current_staff_read_policy(rule, data, ctx):
    staff, current = _current_staff(data, ctx)
    under = known(np.zeros(len(staff), dtype=bool))
    under_as_read = np.zeros(len(staff), dtype=bool)
    cells: dict[str, list[tuple]] = {}
    # TRN-01 raises nothing when it cannot be assessed, so then it spares no one.
    if not any(data.unavailable(sheet, columns) for sheet, columns in _TRN01_NEEDS.items()):
        users = _account_users_training(data, ctx)
        user = Tri(~users["user_open"].to_numpy(), users["user_open"].to_numpy())
        trn01 = user & Tri(users["fails"].to_numpy(), users["fails_open"].to_numpy())
        ids = staff["Staff ID"]
        by_id = pd.Index(users["Staff ID"])
        at = by_id.get_indexer(ids)
        # Looked up by place; -1 (not an account user) takes the False appended last.
        raised = users["as_read"].to_numpy(dtype=bool) & (users["missing"] != "").to_numpy(dtype=bool)
        under_as_read = np.append(raised, False)[at]
        under = Tri(np.append(trn01.yes, False)[at], np.append(trn01.unknown, False)[at])
        # A Staff ID that could not be read may be anyone's, an account user's too.
        under = under | Tri(np.zeros(len(staff), dtype=bool), unreadable(data, staff, "Staff", "Staff ID"))
        cells = dict(zip(users["Staff ID"], users["user_cells"]))
    no_read = blank(data, staff, "Staff", "Policy read on")
    hit = current & no_read & ~under
    fired = current.maybe & staff["Policy read on"].isna().to_numpy() & ~under_as_read
    found, undecided = settle_as_read(hit, fired)
    hit, open_ = staff[found], staff[undecided]
    messages = [
        f"Staff member {s} ({t or 'no Type'}) has no date for reading the Social Media Policy"
        for s, t in zip(names(hit, "Staff ID"), hit["Type"])
    ]
    findings = rule.findings(
        hit, "Staff", messages, column="Policy read on", rests_on=_STAFF_DATES,
        also=[cells.get(s, []) for s in hit["Staff ID"]],
    )  # fmt: skip
    waits = rule.undecided(
        open_, "Staff", columns=("Staff ID", "Policy read on", *_STAFF_DATES),
        also=[cells.get(s, []) for s in open_["Staff ID"]],
    )  # fmt: skip
    return rule.outcome(findings, checked(current, found, undecided), waits)


@register_rule(
    "TRN-04",
    "people",
    "medium",
    clause="Add an appropriate disclaimer to personal accounts when naming the school",
    meaning="Every current Employee has an Annual declaration on within declaration_valid_months of as of.",
    needs={"Staff": ("Staff ID", "Type", "Start date", "Leaving date", "Annual declaration on")},
    counts=("current employee", "current employees"),
    title="Yearly staff declarations missing",
    why="The yearly declaration is how staff confirm that they follow the policy.",
    good="Every employee has signed a declaration that is still current.",
    question="How do we chase staff who have not signed this year's declaration?",
    plain_counts=("employee", "employees"),
    action="Ask the employee to sign this year's declaration and record the date on the Staff sheet.",
    owner="School office",
)
def employees_declared(rule, data, ctx):
    staff, current = _current_staff(data, ctx)
    staff = _with_declaration_clock(staff, ctx)
    employee = test(data, staff, "Staff", (staff["Type"] == "Employee").to_numpy(), "Type")
    # Lapsed once its clock has run out at as of (none at all: lapsed at any as of). A declaration that could not
    # be read reads as none: "has no annual declaration recorded", to confirm.
    lapsed = CLOCKS["TRN-04"].run_out(staff, ctx)
    undeclared = test(data, staff, "Staff", lapsed, "Annual declaration on")
    hit = current & employee & undeclared
    fired = current.maybe & (staff["Type"] == "Employee").to_numpy() & lapsed
    found, undecided = settle_as_read(hit, fired, doubtful=unreadable(data, staff, "Staff", "Type"))
    hit, open_ = staff[found], staff[undecided]
    messages = [
        f"Employee {s} "
        + (
            f"last signed the annual declaration on {fmt_date(d)}, more than {ctx.params.declaration_valid_months} "
            f"months before {fmt_date(ctx.as_of)}"
            if pd.notna(d)
            else "has no annual declaration recorded"
        )
        for s, d in zip(names(hit, "Staff ID"), hit["Annual declaration on"])
    ]
    findings = rule.findings(hit, "Staff", messages, column="Annual declaration on", rests_on=_STAFF_DATES)
    waits = rule.undecided(open_, "Staff", columns=("Type", "Annual declaration on", *_STAFF_DATES))
    return rule.outcome(findings, checked(current & employee, found, undecided), waits)


def _with_declaration_clock(staff: pd.DataFrame, ctx) -> pd.DataFrame:
    declared = staff["Annual declaration on"]
    return staff.assign(_start=declared, _due=months_after(declared, ctx.params.declaration_valid_months))


@register_clock(
    "TRN-04", "Annual declaration by {record}", DAYS, "Staff", start=("Annual declaration on",), undated_overdue=True,
    scope=("Type", *_STAFF_DATES),
)  # fmt: skip
def declarations_in_force(data, ctx) -> pd.DataFrame:
    """Current Employees (and those who may be: a Type, Start or Leaving date that could not be read): their annual
    declaration runs out ``declaration_valid_months`` after it was signed (one with none is overdue)."""
    staff, current = _current_staff(data, ctx)
    employee = (staff["Type"] == "Employee").to_numpy() | unreadable(data, staff, "Staff", "Type")
    return _with_declaration_clock(staff[current.maybe & employee], ctx)
