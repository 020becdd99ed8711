"""People (area ``people``): policy reading, training and declarations of account users and staff.

Standing-state rules: the Staff sheet as it stands at ``as_of``. "Account users" come from the
Accounts register (administrators of Active accounts) and the in-period Posts and Interactions logs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..context import AuditContext
from ..deadlines import months_after
from ..findings import RuleOutcome
from ..load import Dataset
from .base import (
    fmt_date,
    names,
)
from .derived import ACCOUNT_USER_SOURCES, Derived, staff_rows
from .registry import CLOCKS, DAYS, Rule, register_clock, rules_in
from .unknown import Tri, blank, checked, key_cells, known, settle_as_read, test, unreadable

#: The area of every rule in this module.
AREA = "people"
register = rules_in(AREA)

_TRAINING_CLAUSE = (
    "SLT will ensure that anyone running/administering a social media account on behalf of the "
    "school, has read and understood this policy and received appropriate training. This also "
    "applies to anyone who is not directly employed by the school, including volunteers or parents."
)

_ACCOUNT_USERS = ("account user", "account users")

#: What TRN-01 reads; TRN-03 spares TRN-01's people only when TRN-01 could be assessed.
_TRN01_NEEDS = {**ACCOUNT_USER_SOURCES, "Staff": ("Staff ID", "Policy read on", "Social media training on")}


@register(
    "TRN-01",
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
def account_users_read_and_trained(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    users = derived.account_users_training
    user = Tri(~users["user_open"].to_numpy(), users["user_open"].to_numpy())
    hit = user & Tri(users["fails"].to_numpy(), users["fails_open"].to_numpy())
    fired = users["as_read"].to_numpy(dtype=bool) & (users["missing"] != "").to_numpy(dtype=bool)
    # Only perhaps an account user: "Account user S012 (posted in the period)" may be untrue, so undecided.
    found, undecided = settle_as_read(hit, fired, doubtful=users["user_open"].to_numpy())
    hit, open_ = users[found], users[undecided]
    messages = [f"Account user {s} ({roles}) {p}" for s, roles, p in zip(hit["Staff ID"], hit["roles"], hit["missing"])]
    # Someone not on the Staff sheet rests on the cells naming them (a mistyped ID there is a DQ-04).
    named = derived.account_user_cells(hit.loc[~hit["on_staff_sheet"], "Staff ID"])
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


@register(
    "TRN-02",
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
def account_users_training_current(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    everyone = _with_training_clock(derived.account_users_training, ctx)
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


def _with_training_clock(users: pd.DataFrame, ctx: AuditContext) -> pd.DataFrame:
    """``users`` with TRN-02's clock: their latest training runs out ``training_valid_months`` after it."""
    latest = users[list(_TRAINING_DATES)].max(axis=1)
    return users.assign(_start=latest, _due=months_after(latest, ctx.params.training_valid_months))


@register_clock("TRN-02", "Training refresher for {record}", DAYS, "Staff", start=_TRAINING_DATES)
def training_in_force(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """Account users who have read the policy and been trained (TRN-01 quiet, as read): their latest training runs
    out ``training_valid_months`` after it. One only perhaps an account user waits on the cells that leave it open."""
    everyone = derived.account_users_training
    users = everyone[(everyone["missing"] == "").to_numpy()]
    return _with_training_clock(users, ctx).assign(_open_cells=users["user_cells"])


def _current_staff(data: Dataset, ctx: AuditContext) -> tuple[pd.DataFrame, Tri]:
    """Every Staff row (a repeated Staff ID once), and whether each is current staff at ``as_of`` in three values:
    a Start or Leaving date that could not be read makes it unknown (rules.md), read as blank (current)."""
    staff = staff_rows(data)
    start, leaving = staff["Start date"], staff["Leaving date"]
    started = test(data, staff, "Staff", (start.isna() | (start <= ctx.as_of)).to_numpy(), "Start date")
    not_left = test(data, staff, "Staff", (leaving.isna() | (leaving > ctx.as_of)).to_numpy(), "Leaving date")
    return staff, started & not_left


_STAFF_DATES = ("Start date", "Leaving date")


@register(
    "TRN-03",
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
def current_staff_read_policy(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    staff, current = _current_staff(data, ctx)
    under = known(np.zeros(len(staff), dtype=bool))
    under_as_read = np.zeros(len(staff), dtype=bool)
    cells: dict[str, list[tuple]] = {}
    # TRN-01 raises nothing when it cannot be assessed, so then it spares no one.
    if not any(data.unavailable(sheet, columns) for sheet, columns in _TRN01_NEEDS.items()):
        users = derived.account_users_training
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


@register(
    "TRN-04",
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
def employees_declared(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
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


def _with_declaration_clock(staff: pd.DataFrame, ctx: AuditContext) -> pd.DataFrame:
    declared = staff["Annual declaration on"]
    return staff.assign(_start=declared, _due=months_after(declared, ctx.params.declaration_valid_months))


@register_clock(
    "TRN-04", "Annual declaration by {record}", DAYS, "Staff", start=("Annual declaration on",), undated_overdue=True,
    scope=("Type", *_STAFF_DATES),
)  # fmt: skip
def declarations_in_force(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """Current Employees (and those who may be: a Type, Start or Leaving date that could not be read): their annual
    declaration runs out ``declaration_valid_months`` after it was signed (one with none is overdue)."""
    staff, current = _current_staff(data, ctx)
    employee = (staff["Type"] == "Employee").to_numpy() | unreadable(data, staff, "Staff", "Type")
    return _with_declaration_clock(staff[current.maybe & employee], ctx)
