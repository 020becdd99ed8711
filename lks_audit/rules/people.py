"""People (area ``people``): policy reading, training and declarations of account users and staff.

Standing-state rules: the Staff sheet as it stands at ``as_of``. "Account users" come from the
Accounts register (administrators of Active accounts) and the in-period Posts and Interactions logs.
"""

from __future__ import annotations

import pandas as pd

from ..deadlines import months_after
from .base import ACCOUNT_USER_SOURCES, account_user_cells, account_users, first_by_key, fmt_date, is_current
from .registry import CLOCKS, DAYS, register_clock, register_rule

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


def _account_users_training(data, ctx) -> pd.DataFrame:
    """One row per account user with their Staff row's dates and ``missing``: what TRN-01 finds missing
    ('' when they have read the policy and been trained by ``as_of``).

    Built once per audit and shared by TRN-01, TRN-02 (not raised where TRN-01 is) and TRN-03 (not
    raised for account users under TRN-01); rules must treat it as read-only.
    """
    key = ("account_users_training", ctx.start, ctx.end, ctx.as_of)
    if key not in data.derived:
        users = account_users(data, ctx)
        frame = pd.DataFrame({"Staff ID": users.index, "roles": users.to_numpy()})
        staff = _staff_rows(data)[
            ["Staff ID", "Policy read on", "Social media training on", "Latest refresher on", "_row"]
        ]
        merged = frame.merge(staff[staff["Staff ID"].notna()], on="Staff ID", how="left", indicator=True)
        merged["on_staff_sheet"] = merged["_merge"] == "both"
        merged = merged.drop(columns="_merge")
        merged["missing"] = _not_read_or_trained(merged, ctx)
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
    hit = users[(users["missing"] != "").to_numpy()]
    messages = [f"Account user {s} ({roles}) {p}" for s, roles, p in zip(hit["Staff ID"], hit["roles"], hit["missing"])]
    # Someone not on the Staff sheet rests on the cells naming them (a mistyped ID there is a DQ-04).
    named = account_user_cells(data, ctx, hit.loc[~hit["on_staff_sheet"], "Staff ID"])
    columns = [
        None if not on_sheet else "Policy read on" if pd.isna(read) or read > ctx.as_of else "Social media training on"
        for on_sheet, read in zip(hit["on_staff_sheet"], hit["Policy read on"])
    ]
    findings = rule.findings(
        hit, "Staff", messages, column=columns, rests_on=("Policy read on", "Social media training on"),
        also=[named.get(s, []) for s in hit["Staff ID"]],
    )  # fmt: skip
    return rule.outcome(findings, len(users))


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
    everyone = _account_users_training(data, ctx)
    users = training_in_force(data, ctx)
    hit = users[CLOCKS["TRN-02"].run_out(users, ctx)]
    messages = [
        f"Account user {s} ({roles}) was last trained on {fmt_date(last)}, more than "
        f"{ctx.params.training_valid_months} months before {fmt_date(ctx.as_of)}"
        for s, roles, last in zip(hit["Staff ID"], hit["roles"], hit["_start"])
    ]
    findings = rule.findings(
        hit, "Staff", messages, column="Latest refresher on", rests_on=("Social media training on",)
    )
    return rule.outcome(findings, len(everyone))


@register_clock(
    "TRN-02",
    "Training refresher for {record}",
    DAYS,
    "Staff",
    start=("Social media training on", "Latest refresher on"),
)
def training_in_force(data, ctx) -> pd.DataFrame:
    """Account users who have read the policy and been trained (TRN-01 quiet): their latest training runs out
    ``training_valid_months`` after it."""
    everyone = _account_users_training(data, ctx)
    users = everyone[(everyone["missing"] == "").to_numpy()]
    latest = users[["Social media training on", "Latest refresher on"]].max(axis=1)
    return users.assign(_start=latest, _due=months_after(latest, ctx.params.training_valid_months))


def _current_staff(data, ctx) -> pd.DataFrame:
    staff = _staff_rows(data)
    return staff[is_current(staff["Start date"], staff["Leaving date"], ctx.as_of).to_numpy()]


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
    staff = _current_staff(data, ctx)
    under_trn01 = set()
    # TRN-01 raises nothing when it cannot be assessed, so then it spares no one.
    if not any(data.unavailable(sheet, columns) for sheet, columns in _TRN01_NEEDS.items()):
        users = _account_users_training(data, ctx)
        under_trn01 = set(users.loc[(users["missing"] != "").to_numpy(), "Staff ID"])
    hit = staff[(staff["Policy read on"].isna() & ~staff["Staff ID"].isin(under_trn01)).to_numpy()]
    messages = [
        f"Staff member {s or '(no Staff ID)'} ({t or 'no Type'}) has no date for reading the Social Media Policy"
        for s, t in zip(hit["Staff ID"], hit["Type"])
    ]
    return rule.outcome(rule.findings(hit, "Staff", messages, column="Policy read on"), len(staff))


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
    staff = _current_staff(data, ctx)
    employee = staff["Type"] == "Employee"
    employees = declarations_in_force(data, ctx)
    hit = employees[CLOCKS["TRN-04"].run_out(employees, ctx)]
    messages = [
        f"Employee {s or '(no Staff ID)'} "
        + (
            f"last signed the annual declaration on {fmt_date(d)}, more than {ctx.params.declaration_valid_months} "
            f"months before {fmt_date(ctx.as_of)}"
            if pd.notna(d)
            else "has no annual declaration recorded"
        )
        for s, d in zip(hit["Staff ID"], hit["Annual declaration on"])
    ]
    findings = rule.findings(hit, "Staff", messages, column="Annual declaration on")
    return rule.outcome(findings, int(employee.sum()))


@register_clock(
    "TRN-04", "Annual declaration by {record}", DAYS, "Staff", start=("Annual declaration on",), undated_overdue=True
)
def declarations_in_force(data, ctx) -> pd.DataFrame:
    """Current Employees: their annual declaration runs out ``declaration_valid_months`` after it was signed (one
    with none is overdue)."""
    staff = _current_staff(data, ctx)
    employees = staff[(staff["Type"] == "Employee").to_numpy()]
    declared = employees["Annual declaration on"]
    return employees.assign(_start=declared, _due=months_after(declared, ctx.params.declaration_valid_months))
