"""Governance (area ``governance``): accounts, applications for accounts and the policy itself.

All are standing-state rules: they look at every row as it stands at ``as_of``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..context import AuditContext
from ..deadlines import days_after, end_of_day, months_after
from ..findings import RuleOutcome
from ..load import Dataset
from ..schema import ROW
from .base import distinct_ids, first_by_key, fmt_date, is_active, names
from .derived import Derived
from .registry import CLOCKS, DAYS, Rule, register_clock, rules_in
from .unknown import (
    Tri,
    blank,
    checked,
    key_cells,
    known,
    other_cells,
    says_yes,
    settle,
    settle_as_read,
    staff_current,
    test,
    unreadable,
)

#: The area of every rule in this module.
AREA = "governance"
register = rules_in(AREA)

#: The policy's clause on DPIAs (ACC-09, APP-03).
_DPIA_CLAUSE = (
    "For all new processing requirements, where the processing of personal data is being undertaken, you "
    "should complete a Data Protection Impact Assessment and submit this to your Data Protection Officer "
    "for consideration in advance of the processing being undertaken."
)


def _active(data: Dataset, accounts: pd.DataFrame) -> Tri:
    """Each account is Active (unknown where its Status could not be read)."""
    return test(data, accounts, "Accounts", is_active(accounts), "Status")


def _setting_not_yes(rule: Rule, data: Dataset, column: str) -> RuleOutcome:
    """Every account whose yes/no ``column`` is not Yes (No or blank), out of every account; one whose cell could
    not be read may say Yes, so it is undecided."""
    accounts = data.frames["Accounts"]
    not_yes = ~says_yes(data, accounts, "Accounts", column)
    found, undecided = settle(not_yes, doubtful=not_yes.unknown)
    hit = accounts[found]
    said = ["blank" if pd.isna(v) else "No" for v in hit[column]]
    messages = [f"Account {a}: {column} is {s}, not Yes" for a, s in zip(names(hit, "Account ID"), said)]
    findings = rule.findings(hit, "Accounts", messages, column=column)
    waits = rule.undecided(accounts[undecided], "Accounts", columns=(column,))
    return rule.outcome(findings, checked(known(np.ones(len(accounts))), found, undecided), waits)


_ACCOUNTS = ("account", "accounts")
_ACTIVE_ACCOUNTS = ("Active account", "Active accounts")
_APPLICATIONS = ("application", "applications")


@register(
    "ACC-01",
    "critical",
    clause="Approve account creation, giving due consideration to the purpose/audience and associated account "
    "settings/response and forwarding functionality",
    meaning="An Active account has an Application ID that exists, whose SLT decision is Approved, with "
    "Decision date on or before Created on.",
    needs={
        "Accounts": ("Account ID", "Application ID", "Status", "Created on"),
        "Applications": ("Application ID", "SLT decision", "Decision date"),
    },
    counts=_ACTIVE_ACCOUNTS,
    title="Accounts set up without senior leaders' approval",
    why="Each school account speaks for the school, so senior leaders must agree to it before it is set up.",
    good="Every live account was approved by senior leaders before it was made.",
    question="How do we make sure no account is set up before senior leaders agree to it?",
    plain_counts=("live account", "live accounts"),
    action="Find the SLT approval for the account and record it in account_applications.xlsx, or close "
    "the account until SLT approve it.",
    owner="SLT member responsible for social media",
)
def account_approved_before_creation(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    accounts = data.frames["Accounts"]
    apps = first_by_key(data.frames["Applications"], "Application ID")[
        ["Application ID", "SLT decision", "Decision date", ROW]
    ].rename(columns={ROW: "_app_row"})
    merged = accounts.merge(apps, on="Application ID", how="left", indicator=True)
    no_app_id = merged["Application ID"].isna()
    unknown = ~no_app_id & (merged["_merge"] != "both")
    not_approved = ~no_app_id & ~unknown & (merged["SLT decision"] != "Approved")
    no_decision_date = ~no_app_id & ~unknown & ~not_approved & merged["Decision date"].isna()
    no_created = ~(no_app_id | unknown | not_approved | no_decision_date) & merged["Created on"].isna()
    created_first = merged["Decision date"] > merged["Created on"]
    reasons = np.select(
        [no_app_id, unknown, not_approved, no_decision_date, no_created, created_first],
        ["no_app_id", "unknown", "not_approved", "no_decision_date", "no_created", "created_first"],
        "",
    )
    # The same test in three values. An Application ID, Status or SLT decision that could not be read may be
    # anything (undecided); a date that could not be read reads as none: "has no Created on date", to confirm.
    found_app = merged["_merge"].eq("both").to_numpy()
    approved = test(
        data, merged, "Applications", (merged["SLT decision"] == "Approved").to_numpy(), "SLT decision", rows="_app_row"
    )
    dated = ~blank(data, merged, "Applications", "Decision date", rows="_app_row")
    created = ~blank(data, merged, "Accounts", "Created on")
    in_order = test(data, merged, "Applications", ~created_first.to_numpy(), "Decision date", rows="_app_row") & test(
        data, merged, "Accounts", ~created_first.to_numpy(), "Created on"
    )
    shown = ~blank(data, merged, "Accounts", "Application ID") & known(found_app) & approved & dated & created
    hit = _active(data, merged) & ~(shown & in_order)
    doubtful = unreadable(data, merged, "Accounts", "Status", "Application ID") | unreadable(
        data, merged, "Applications", "SLT decision", rows="_app_row"
    )
    found, undecided = settle_as_read(hit, reasons != "", doubtful)
    hit, reasons = merged[found], reasons[found]
    # What each reason rests on: an unresolved Application ID, or the application's decision and its date.
    column = {
        "no_app_id": "Application ID",
        "unknown": "Application ID",
        "no_created": "Created on",
        "created_first": "Created on",
    }
    decided_by = {"not_approved": "SLT decision", "no_decision_date": "Decision date"}
    also = [
        (("Accounts", row, "Application ID", app),) if reason == "unknown"
        else (("Applications", app_row, decided_by[reason]),) if reason in decided_by
        else (("Applications", app_row, "Decision date"),) if reason == "created_first"
        else ()
        for reason, row, app, app_row in zip(reasons, hit[ROW], hit["Application ID"], hit["_app_row"])
    ]  # fmt: skip
    messages = []
    for reason, acc, (_, r) in zip(reasons, names(hit, "Account ID"), hit.iterrows()):
        app = r["Application ID"]
        messages.append(
            {
                "no_app_id": f"Active account {acc} names no Application ID: SLT approval of its creation "
                "cannot be shown",
                "unknown": f"Active account {acc} names application {app}, which is not in account_applications.xlsx",
                "not_approved": f"Active account {acc} was created from application {app}, whose SLT decision is "
                f"{r['SLT decision'] or 'blank'}, not Approved",
                "no_decision_date": f"Active account {acc}: application {app} is Approved but has no Decision date, "
                f"so approval before creation cannot be shown",
                "no_created": f"Active account {acc} has no Created on date, so approval before creation "
                "cannot be shown",
                "created_first": f"Active account {acc} was created on {fmt_date(r['Created on'])}, before SLT "
                f"approved application {app} on {fmt_date(r['Decision date'])}",
            }[reason]
        )
    findings = rule.findings(hit, "Accounts", messages, column=[column.get(r) for r in reasons], also=also)
    open_ = merged[undecided]
    waits = rule.undecided(
        open_, "Accounts", columns=("Status", "Application ID", "Created on"),
        also=other_cells("Applications", open_["_app_row"], "SLT decision", "Decision date"),
    )  # fmt: skip
    return rule.outcome(findings, checked(_active(data, merged), found, undecided), waits)


@register(
    "ACC-02",
    "high",
    clause="Identifying who will administer the account (at least two staff members should be named)",
    meaning="An Active account has at least two distinct Administrators who are current staff at as of.",
    needs={"Accounts": ("Account ID", "Status", "Administrators"), "Staff": ("Staff ID", "Start date", "Leaving date")},
    counts=_ACTIVE_ACCOUNTS,
    title="Accounts with fewer than two staff in charge",
    why="With two named staff, someone can always watch the account and act quickly.",
    good="Each live account has at least two current staff who run it.",
    question="Who looks after each account when the person who runs it is away?",
    plain_counts=("live account", "live accounts"),
    action="Name a second current member of staff as administrator and remove anyone who has left.",
    owner="Account administrator",
)
def two_current_administrators(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    accounts = data.frames["Accounts"]
    active = _active(data, accounts)
    admins = accounts["Administrators"].map(distinct_ids).explode().dropna()
    current, as_read, staff_rows = staff_current(data, admins, ctx.as_of)
    current_by_account = admins[as_read].groupby(level=0).agg(list)
    other_by_account = admins[~as_read].groupby(level=0).agg(list)

    def per_account(mask: np.ndarray) -> np.ndarray:
        # astype: with no administrator anywhere the empty result is not numeric under pandas 3.
        counts = pd.Series(mask, index=admins.index).groupby(level=0).sum().astype("int64")
        return counts.reindex(accounts.index, fill_value=0).to_numpy()

    sure, maybe, read = per_account(current.yes), per_account(current.maybe), per_account(as_read)
    # Fewer than two: surely when even those who may be current are fewer; not when two surely are. An
    # Administrators cell that could not be read may name anyone.
    admins_unread = unreadable(data, accounts, "Accounts", "Administrators")
    too_few = Tri((maybe < 2) & ~admins_unread, ((maybe >= 2) & (sure < 2)) | admins_unread)
    hit = active & too_few
    fired = is_active(accounts) & (read < 2)
    found, undecided = settle_as_read(hit, fired, doubtful=unreadable(data, accounts, "Accounts", "Status"))
    hit = accounts[found]
    messages = []
    for idx, acc in zip(hit.index, names(hit, "Account ID")):
        now = current_by_account.get(idx, [])
        gone = other_by_account.get(idx, [])
        text = f"Active account {acc} has {len(now)} current administrator{'' if len(now) == 1 else 's'}"
        text += f" ({', '.join(now)})" if now else ""
        text += f"; not current staff on {fmt_date(ctx.as_of)}: {', '.join(gone)}" if gone else ""
        messages.append(text + "; at least two are needed")
    # An administrator's mistyped Staff ID (DQ-04) reads as someone not on the staff list.
    also = [[("Accounts", row, "Administrators", a) for a in other_by_account.get(idx, [])]
            for idx, row in zip(hit.index, hit[ROW])]  # fmt: skip
    findings = rule.findings(hit, "Accounts", messages, column="Administrators", also=also)
    # Undecided: each administrator whose currency is unknown names their Staff row's dates (or the Staff IDs
    # that could not be read).
    open_cells = pd.Series(
        [cells for cells in other_cells("Staff", staff_rows, "Start date", "Leaving date")], index=admins.index
    )[current.unknown]
    nowhere = key_cells(data, "Staff", "Staff ID")
    open_ = accounts[undecided]
    waits = rule.undecided(
        open_, "Accounts", columns=("Status", "Administrators"),
        also=[sum(open_cells.loc[[i]].tolist(), []) + nowhere if i in open_cells.index else nowhere
              for i in open_.index],
    )  # fmt: skip
    return rule.outcome(findings, checked(active, found, undecided), waits)


@register(
    "ACC-03",
    "medium",
    clause="Specify if the account will be open or private/closed and the reason for the 'suggested' privacy setting",
    meaning="Privacy is set and Privacy reason is not blank.",
    needs={"Accounts": ("Account ID", "Privacy", "Privacy reason")},
    counts=_ACCOUNTS,
    title="Privacy setting or its reason not written down",
    why="Whether an account is public or private decides who can see what the school posts about students.",
    good="Each account records whether it is public or private, and why.",
    question="Who decides whether an account is public or private, and is the reason written down?",
    action="Record the account's privacy setting and the reason for it in the accounts register.",
    owner="Account administrator",
)
def privacy_and_reason(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    accounts = data.frames["Accounts"]
    # A Privacy or reason that could not be read reads as none ("has no Privacy recorded"): to confirm.
    no_privacy, no_reason = (
        blank(data, accounts, "Accounts", "Privacy"),
        blank(data, accounts, "Accounts", "Privacy reason"),
    )
    found, _ = settle(no_privacy | no_reason)
    hit = accounts[found]
    # A surely missing item is named alone; otherwise what reads as missing.
    sure = np.column_stack([no_privacy.yes, no_reason.yes])[found]
    maybe = np.column_stack([no_privacy.maybe, no_reason.maybe])[found]
    named = np.where(sure.any(axis=1)[:, None], sure, maybe)
    items = ("Privacy", "Privacy reason")
    missing = [[w for w, m in zip(items, row) if m] for row in named.tolist()]
    messages = [f"Account {a} has no {' and '.join(m)} recorded" for a, m in zip(names(hit, "Account ID"), missing)]
    findings = rule.findings(
        hit, "Accounts", messages, column=[m[0] for m in missing],
        also=[[("Accounts", r, c) for c in m] for r, m in zip(hit[ROW].tolist(), missing)],
    )  # fmt: skip
    return rule.outcome(findings, len(accounts))


@register(
    "ACC-04",
    "medium",
    clause="Name the account using an agreed convention",
    meaning="Account name matches account_name_pattern.",
    needs={"Accounts": ("Account ID", "Account name")},
    counts=_ACCOUNTS,
    title="Account names that do not follow the agreed pattern",
    why="A clear, agreed name helps parents tell real school accounts from fake ones.",
    good="Every account name shows that it belongs to the school.",
    question="How would a parent know that an account is really the school's?",
    action="Rename the account to follow the school's naming convention (LKS or Little Kinvaston).",
    owner="Account administrator",
)
def account_name_convention(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    accounts = data.frames["Accounts"]
    pattern = re.compile(ctx.params.account_name_pattern)
    matches = accounts["Account name"].map(lambda name: name is not None and pattern.search(name) is not None)
    off = test(data, accounts, "Accounts", ~matches.astype(bool).to_numpy(), "Account name")
    found, undecided = settle(off, doubtful=off.unknown)
    hit = accounts[found]
    messages = [
        f"Account {a}: the name {repr(n) if n else '(blank)'} does not follow the agreed naming convention"
        for a, n in zip(names(hit, "Account ID"), hit["Account name"])
    ]
    findings = rule.findings(hit, "Accounts", messages, column="Account name")
    waits = rule.undecided(accounts[undecided], "Accounts", columns=("Account name",))
    return rule.outcome(findings, int(len(accounts) - undecided.sum()), waits)


@register(
    "ACC-05",
    "high",
    clause="Store account details, including passwords securely",
    meaning="Credentials stored securely is Yes.",
    needs={"Accounts": ("Account ID", "Credentials stored securely")},
    counts=_ACCOUNTS,
    title="Passwords not stored securely",
    why="If a password is lost or shared, someone else could post as the school.",
    good="The login details of every account are kept in the school's secure store.",
    question="Where are the account passwords kept, and who can get to them?",
    action="Move the account's login details into the school's secure password store and record it.",
    owner="Account administrator",
)
def credentials_stored_securely(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    return _setting_not_yes(rule, data, "Credentials stored securely")


@register(
    "ACC-06",
    "advisory",
    clause="Social media account settings needing an administrator to approve followers or posts",
    meaning="Admin approves followers or posts is Yes.",
    needs={"Accounts": ("Account ID", "Admin approves followers or posts")},
    counts=_ACCOUNTS,
    title="Followers and posts not checked by staff first",
    why="When staff approve new followers or posts, strangers find it harder to reach students.",
    good="Each account is set so that staff approve new followers or posts.",
    question="Can strangers follow our accounts without a check?",
    action="Turn on the setting that makes an administrator approve followers or posts.",
    owner="Account administrator",
)
def admin_approves_followers(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    return _setting_not_yes(rule, data, "Admin approves followers or posts")


@register(
    "ACC-07",
    "high",
    clause="Control the process for managing and hand over of an account, after the lead staff member/s have "
    "left the organisation (closing or transferring)",
    meaning="If the Lead staff is not current at as of, the account is Closed or Transferred.",
    needs={"Accounts": ("Account ID", "Lead staff", "Status"), "Staff": ("Staff ID", "Start date", "Leaving date")},
    counts=_ACCOUNTS,
    title="Accounts still led by staff who have left",
    why="When the lead person leaves, the account must be handed over or closed so that it is not left unwatched.",
    good="Every account whose lead has left is closed or handed to current staff.",
    question="What happens to an account when the member of staff who leads it leaves?",
    action="Hand the account over to a current member of staff (Transferred) or close it, and record the date.",
    owner="SLT member responsible for social media",
)
def lead_left_account_handed_over(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    accounts = data.frames["Accounts"]
    lead = accounts["Lead staff"]
    lead_current, as_read, staff_rows = staff_current(data, lead, ctx.as_of)
    handed_over = test(
        data, accounts, "Accounts", accounts["Status"].isin(["Closed", "Transferred"]).to_numpy(), "Status"
    )
    # A Lead staff that could not be read may be anyone; a lead's Start or Leaving date that could not be read
    # makes "current" unknown (rules.md), read blank: current.
    lead_current = lead_current | Tri(
        np.zeros(len(accounts), dtype=bool), unreadable(data, accounts, "Accounts", "Lead staff")
    )
    hit = ~lead_current & ~handed_over
    fired = ~as_read & ~accounts["Status"].isin(["Closed", "Transferred"]).to_numpy()
    found, undecided = settle_as_read(hit, fired, doubtful=unreadable(data, accounts, "Accounts", "Status"))
    hit, hit_rows = accounts[found], staff_rows[found]
    messages = [
        f"Account {a} ({s or 'no Status'}) names no Lead staff: close it or transfer it to a named lead"
        if ld is None
        else f"Account {a} ({s or 'no Status'}): its Lead staff {ld} is not current staff on {fmt_date(ctx.as_of)}, "
        f"but the account has not been closed or transferred"
        for a, s, ld in zip(names(hit, "Account ID"), hit["Status"], hit["Lead staff"])
    ]
    # A mistyped Lead staff (DQ-04) reads as someone not current; an unreadable Status as not closed.
    also = [
        ([("Accounts", row, "Lead staff", ld)] if ld is not None else []) + cells
        for row, ld, cells in zip(
            hit[ROW], hit["Lead staff"], other_cells("Staff", hit_rows, "Start date", "Leaving date")
        )
    ]
    findings = rule.findings(hit, "Accounts", messages, column="Lead staff", rests_on=("Status",), also=also)
    open_ = accounts[undecided]
    waits = rule.undecided(
        open_, "Accounts", columns=("Status", "Lead staff"),
        also=[cells + key_cells(data, "Staff", "Staff ID")
              for cells in other_cells("Staff", staff_rows[undecided], "Start date", "Leaving date")],
    )  # fmt: skip
    return rule.outcome(findings, int(len(accounts) - undecided.sum()), waits)


@register(
    "ACC-08",
    "medium",
    clause="Develop and implement the Social Media policy, including regular reviews of the policy content and "
    "purpose of the school social media sites",
    meaning="An Active account created more than purpose_review_months before as of has a Last purpose review "
    "within purpose_review_months of as of.",
    needs={"Accounts": ("Account ID", "Status", "Created on", "Last purpose review")},
    counts=("Active account created before the review period", "Active accounts created before the review period"),
    title="Account purpose not reviewed on time",
    why="A regular look at each account checks that it is still needed and used as planned.",
    good="Senior leaders review the purpose of each account on time.",
    question="When did we last check that each account is still needed?",
    plain_counts=("older live account", "older live accounts"),
    action="SLT review the account's purpose and record the date in the accounts register.",
    owner="SLT member responsible for social media",
)
def purpose_reviewed(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    months = ctx.params.purpose_review_months
    accounts = _with_purpose_clock(data.frames["Accounts"], ctx)
    since = ctx.months_before_as_of(months)
    # Due a review: created more than purpose_review_months before as of; its clock has run out once that long has
    # passed since the last review too (or there has been none).
    created_before = ctx.passed(months_after(accounts["Created on"], months))
    review = accounts["Last purpose review"]
    review_lapsed = review.isna().to_numpy() | ctx.passed(months_after(review, months))
    due = _active(data, accounts) & test(data, accounts, "Accounts", created_before, "Created on")
    # A review date that could not be read reads as none ("has no purpose review recorded"): to confirm.
    hit = due & test(data, accounts, "Accounts", review_lapsed, "Last purpose review")
    fired = is_active(accounts) & CLOCKS["ACC-08"].run_out(accounts, ctx)
    found, undecided = settle_as_read(
        hit, fired, doubtful=unreadable(data, accounts, "Accounts", "Status", "Created on")
    )
    hit = accounts[found]
    messages = [
        f"Active account {a} (created {fmt_date(c)}) "
        + (f"was last reviewed for purpose on {fmt_date(r)}" if pd.notna(r) else "has no purpose review recorded")
        + f"; a review is due at least every {ctx.params.purpose_review_months} months (since {fmt_date(since)})"
        for a, c, r in zip(names(hit, "Account ID"), hit["Created on"], hit["Last purpose review"])
    ]
    findings = rule.findings(hit, "Accounts", messages, column="Last purpose review")
    waits = rule.undecided(accounts[undecided], "Accounts", columns=("Status", "Created on", "Last purpose review"))
    return rule.outcome(findings, checked(due, found, undecided), waits)


def _with_purpose_clock(accounts: pd.DataFrame, ctx: AuditContext) -> pd.DataFrame:
    """``accounts`` with ACC-08's clock: the purpose is due for review ``purpose_review_months`` after the last
    review, or after the account was created if it has had none (one with no Created on is never due)."""
    created = accounts["Created on"]
    last = accounts[["Created on", "Last purpose review"]].max(axis=1).where(created.notna())
    return accounts.assign(_start=last, _due=months_after(last, ctx.params.purpose_review_months))


@register_clock(
    "ACC-08", "Purpose review of account {record}", DAYS, "Accounts", start=("Created on", "Last purpose review"),
    scope=("Status",),
)  # fmt: skip
def purpose_reviews_due(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """Active accounts (and those whose Status could not be read): their purpose review falls due."""
    accounts = data.frames["Accounts"]
    return _with_purpose_clock(accounts[_active(data, accounts).maybe], ctx)


@register(
    "ACC-09",
    "high",
    clause=_DPIA_CLAUSE,
    meaning="An account has a DPIA reference.",
    needs={"Accounts": ("Account ID", "DPIA reference")},
    counts=_ACCOUNTS,
    title="Accounts without a privacy risk check",
    why="A privacy risk check (a DPIA), made with the data protection officer, shows that the risks to people's data "
    "were weighed first.",
    good="Every account has a privacy risk check on record.",
    question="Has the data protection officer checked the risks of each account?",
    action="Complete a DPIA for the account with the DPO and record its reference.",
    owner="Data Protection Officer",
)
def account_has_dpia(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    accounts = data.frames["Accounts"]
    # A reference that could not be read reads as none: to confirm.
    found, _ = settle(blank(data, accounts, "Accounts", "DPIA reference"))
    hit = accounts[found]
    messages = [f"Account {a} has no DPIA reference" for a in names(hit, "Account ID")]
    return rule.outcome(rule.findings(hit, "Accounts", messages, column="DPIA reference"), len(accounts))


@register(
    "ACC-10",
    "advisory",
    clause="Consider turning off tagging people in images where possible",
    meaning="Tagging disabled is Yes.",
    needs={"Accounts": ("Account ID", "Tagging disabled")},
    counts=_ACCOUNTS,
    title="Tagging of people left turned on",
    why="A tag can link a photo to a child's name or profile.",
    good="Tagging is turned off wherever the platform allows it.",
    question="Have we turned off tagging on every account where we can?",
    action="Turn off tagging of people in images on the account, where the platform allows.",
    owner="Account administrator",
)
def tagging_disabled(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    return _setting_not_yes(rule, data, "Tagging disabled")


# APP-01: the business-case points, in the policy's order, with how each is found missing.
_APPLICATION_ITEMS = (
    ("Aim", "aim"),
    ("Intended audience", "intended audience"),
    ("Promotion plan", "promotion plan"),
    ("Proposed administrators", "at least two proposed administrators"),
    ("Privacy", "privacy"),
    ("Privacy reason", "privacy reason"),
)


@register(
    "APP-01",
    "high",
    clause="Any member of staff wishing to create such an account must present a business case to the "
    "Leadership Team (SLT), which covers the following points",
    meaning="An application names aim, intended audience, promotion plan, at least two proposed administrators, "
    "privacy and privacy reason (high when the application is Approved, medium otherwise).",
    needs={"Applications": ("Application ID", "SLT decision") + tuple(c for c, _ in _APPLICATION_ITEMS)},
    counts=_APPLICATIONS,
    title="Requests for new accounts with parts of the case missing",
    why="Before an account is agreed, the policy asks staff to set out its aim, audience, plan, two named staff and "
    "privacy.",
    good="Every request covers each point that the policy lists.",
    question="Do senior leaders turn down a request that leaves out part of the case?",
    plain_counts=("request for an account", "requests for accounts"),
    action="Complete the missing points of the business case; SLT should not approve an incomplete one.",
    owner="SLT member responsible for social media",
    also=("medium",),
)
def application_complete(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    apps = data.frames["Applications"]
    # Each point missing, in three values: a cell that could not be read reads as missing, to confirm.
    missing = {
        column: (
            test(
                data,
                apps,
                "Applications",
                apps[column].map(lambda ids: len(distinct_ids(ids)) < 2).to_numpy(bool),
                column,
            )  # fmt: skip
            if column == "Proposed administrators"
            else blank(data, apps, "Applications", column)
        )
        for column, _ in _APPLICATION_ITEMS
    }
    any_missing = known(np.zeros(len(apps), dtype=bool))
    for item in missing.values():
        any_missing = any_missing | item
    found, _ = settle(any_missing)
    hit = apps[found]
    # Surely missing points are named alone; where none is sure, the points that read as missing.
    sure = np.column_stack([m.yes for m in missing.values()])[found]
    maybe = np.column_stack([m.maybe for m in missing.values()])[found]
    named = np.where(sure.any(axis=1)[:, None], sure, maybe) if len(hit) else sure
    points = [[(c, what) for (c, what), m in zip(_APPLICATION_ITEMS, row) if m] for row in named.tolist()]
    approved = (hit["SLT decision"] == "Approved").to_numpy()
    messages = [
        f"Application {a} ({d or 'no decision'}) is missing: {', '.join(what for _, what in items)}"
        for a, d, items in zip(names(hit, "Application ID"), hit["SLT decision"], points)
    ]
    # The first missing point is the cell to look at; an SLT decision that could not be read leaves the
    # severity unknown, so that finding is to confirm too.
    findings = rule.findings(
        hit, "Applications", messages, severities=["high" if a else "medium" for a in approved],
        column=[items[0][0] for items in points], rests_on=("SLT decision",),
        also=[[("Applications", r, c) for c, _ in items] for r, items in zip(hit[ROW].tolist(), points)],
    )  # fmt: skip
    return rule.outcome(findings, len(apps))


@register(
    "APP-02",
    "advisory",
    clause="Following consideration by the SLT an application will be approved or rejected.",
    meaning="A Pending application submitted more than pending_application_days before as of.",
    needs={"Applications": ("Application ID", "SLT decision", "Submitted on")},
    counts=("Pending application", "Pending applications"),
    title="Requests for new accounts waiting too long for a decision",
    why="Staff need a clear yes or no, so that they do not set up accounts on their own.",
    good="Senior leaders decide on each request without delay.",
    question="How long do staff wait for an answer when they ask for a new account?",
    plain_counts=("request still waiting", "requests still waiting"),
    action="SLT decide on the application (approve or reject) and record the decision date.",
    owner="SLT member responsible for social media",
)
def application_pending_too_long(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    apps = _with_decision_clock(data.frames["Applications"], ctx)
    waiting = (ctx.as_of - apps["Submitted on"]).dt.days
    pending = test(data, apps, "Applications", (apps["SLT decision"] == "Pending").to_numpy(), "SLT decision")
    # Waiting too long once its clock has run out at as of: pending_application_days days after submission.
    too_long = CLOCKS["APP-02"].run_out(apps, ctx)
    # A submission date that could not be read may be any day: undecided, as an unreadable decision is.
    hit = pending & test(data, apps, "Applications", too_long, "Submitted on")
    found, undecided = settle(hit, doubtful=hit.unknown)
    hit = apps[found]
    messages = [
        f"Application {a}, submitted on {fmt_date(s)}, has been Pending for {int(w)} days"
        for a, s, w in zip(names(hit, "Application ID"), hit["Submitted on"], waiting[found])
    ]
    findings = rule.findings(hit, "Applications", messages, column="SLT decision")
    waits = rule.undecided(apps[undecided], "Applications", columns=("SLT decision", "Submitted on"))
    return rule.outcome(findings, checked(pending, found, undecided), waits)


def _with_decision_clock(apps: pd.DataFrame, ctx: AuditContext) -> pd.DataFrame:
    due = days_after(apps["Submitted on"], ctx.params.pending_application_days)
    return apps.assign(_start=apps["Submitted on"], _due=due)


@register_clock(
    "APP-02", "Decision on application {record}", DAYS, "Applications", start=("Submitted on",), stop=("SLT decision",)
)
def pending_applications(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """Pending applications (and any whose SLT decision could not be read): a decision is due
    ``pending_application_days`` days after submission."""
    apps = data.frames["Applications"]
    pending = (apps["SLT decision"] == "Pending").to_numpy() | unreadable(data, apps, "Applications", "SLT decision")
    return _with_decision_clock(apps[pending], ctx)


@register(
    "APP-03",
    "high",
    clause=_DPIA_CLAUSE,
    meaning="An Approved application has DPIA submitted to DPO on, on or before its Decision date.",
    needs={"Applications": ("Application ID", "SLT decision", "DPIA submitted to DPO on", "Decision date")},
    counts=("Approved application", "Approved applications"),
    title="Accounts agreed before their privacy risk check",
    why="The policy asks for the privacy risk check to reach the data protection officer before an account is agreed.",
    good="The privacy risk check reaches the data protection officer before each decision.",
    question="Do senior leaders see the privacy risk check before they agree to a new account?",
    plain_counts=("agreed request", "agreed requests"),
    action="Submit the DPIA to the DPO before SLT decide; for this account, complete the DPIA with the DPO now.",
    owner="Data Protection Officer",
)
def dpia_before_approval(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    apps = data.frames["Applications"]
    approved = test(data, apps, "Applications", (apps["SLT decision"] == "Approved").to_numpy(), "SLT decision")
    dpia, decided = apps["DPIA submitted to DPO on"], apps["Decision date"]
    in_time = (dpia.notna() & decided.notna() & (dpia <= decided)).to_numpy()
    # A date that could not be read reads as none ("has no date the DPIA was submitted"): to confirm.
    late = test(data, apps, "Applications", ~in_time, "DPIA submitted to DPO on", "Decision date")
    hit = approved & late
    found, undecided = settle(hit, doubtful=unreadable(data, apps, "Applications", "SLT decision"))
    hit = apps[found]
    messages = [
        f"Approved application {a} has no date the DPIA was submitted to the DPO"
        if pd.isna(p)
        else f"Approved application {a} has no Decision date, so the DPIA ({fmt_date(p)}) cannot be shown to precede it"
        if pd.isna(d)
        else f"Approved application {a}: the DPIA went to the DPO on {fmt_date(p)}, after SLT approved it on "
        f"{fmt_date(d)}"
        for a, p, d in zip(names(hit, "Application ID"), hit["DPIA submitted to DPO on"], hit["Decision date"])
    ]
    columns = ["Decision date" if pd.notna(p) and pd.isna(d) else "DPIA submitted to DPO on"
               for p, d in zip(hit["DPIA submitted to DPO on"], hit["Decision date"])]  # fmt: skip
    findings = rule.findings(hit, "Applications", messages, column=columns,
                             rests_on=("DPIA submitted to DPO on", "Decision date"))  # fmt: skip
    waits = rule.undecided(
        apps[undecided], "Applications", columns=("SLT decision", "DPIA submitted to DPO on", "Decision date")
    )
    return rule.outcome(findings, checked(approved, found, undecided), waits)


_REVIEW_CLAUSE = (
    "Little Kinvaston School's Social Media Policy will be reviewed on an annual basis in accordance "
    "with the procedures for reviewing LKS policies."
)


def _no_policy_row(rule: Rule) -> RuleOutcome:
    """A Policy sheet with no row: nothing shows the policy was approved or signed."""
    message = "school_settings.xlsx, sheet Policy: no policy version is recorded"
    return rule.outcome([rule.finding(None, "Policy", None, message)], 0)


_POLICIES = ("policy record", "policy records")


@register(
    "POL-01",
    "high",
    governors_decide=True,
    clause=_REVIEW_CLAUSE,
    meaning="The policy's Approved on is within policy_review_months of as of and Next review due is not before as of.",
    needs={"Policy": ("Policy version", "Approved on", "Next review due")},
    counts=_POLICIES,
    title="Policy overdue for review",
    why="The policy must be reviewed each year so that it keeps up with new risks and the law.",
    good="Governors approved the policy within the last year, and its next review date has not passed.",
    question="When will governors next review the policy?",
    plain_counts=("policy", "policies"),
    action="Governors review and re-approve the policy, and set the next review date.",
    owner="Governing body",
)
def policy_reviewed(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    policy = data.frames["Policy"]
    if policy.empty:
        return _no_policy_row(rule)
    reviews = policy_reviews_due(data, ctx, derived)
    hit = reviews[CLOCKS["POL-01"].run_out(reviews, ctx)]
    # Each reason on its own: past (or without) its date at as of.
    old, late = (~(hit[due] >= ctx.as_of_moment).to_numpy() for due in ("_by_approval", "_by_next_review"))
    messages = []
    for version, approved, due, was_old, was_late in zip(
        hit["Policy version"], hit["Approved on"], hit["Next review due"], old, late
    ):
        problems = []
        if was_old:
            problems.append(
                f"approved on {fmt_date(approved)}, more than {ctx.params.policy_review_months} months "
                f"before {fmt_date(ctx.as_of)}"
                if pd.notna(approved)
                else "has no Approved on date"
            )
        if was_late:
            problems.append(
                f"its review was due on {fmt_date(due)}" if pd.notna(due) else "has no Next review due date"
            )
        messages.append(f"Policy version {version or '(blank)'}: " + "; ".join(problems))
    columns = ["Approved on" if o else "Next review due" for o in old]
    findings = rule.findings(hit, "Policy", messages, column=columns, rests_on=("Approved on", "Next review due"))
    return rule.outcome(findings, len(policy))


@register_clock(
    "POL-01",
    "Review of policy version {record}",
    DAYS,
    "Policy",
    start=("Approved on", "Next review due"),
    undated_overdue=True,
)
def policy_reviews_due(data: Dataset, ctx: AuditContext, derived: Derived) -> pd.DataFrame:
    """Each Policy row: its review is due on the earlier of Next review due and ``policy_review_months`` after Approved
    on (a row missing either is overdue)."""
    policy = data.frames["Policy"]
    policy = policy.assign(
        _by_approval=months_after(policy["Approved on"], ctx.params.policy_review_months),
        _by_next_review=end_of_day(policy["Next review due"]),
    )
    due = policy[["_by_approval", "_by_next_review"]].min(axis=1, skipna=False)
    return policy.assign(_start=policy["Approved on"], _due=due)


@register(
    "POL-02",
    "medium",
    governors_decide=True,
    clause="Signed (Chair of Governors) Signed (Proprietor)",
    meaning="The policy is signed by the chair of governors and by the proprietor.",
    needs={"Policy": ("Policy version", "Signed by chair of governors on", "Signed by proprietor on")},
    counts=_POLICIES,
    title="Policy not signed",
    why="The chair of governors and the proprietor sign the policy to show that it is in force.",
    good="The policy carries both signatures.",
    question="Who will sign the policy, and when?",
    plain_counts=("policy", "policies"),
    action="Have the chair of governors and the proprietor sign the policy and record the dates.",
    owner="Governing body",
)
def policy_signed(rule: Rule, data: Dataset, ctx: AuditContext, derived: Derived) -> RuleOutcome:
    policy = data.frames["Policy"]
    if policy.empty:
        return _no_policy_row(rule)
    no_chair, no_proprietor = policy["Signed by chair of governors on"].isna(), policy["Signed by proprietor on"].isna()
    hit = policy[(no_chair | no_proprietor).to_numpy()]
    messages = [
        f"Policy version {v or '(blank)'} is not signed by the "
        + " or the ".join(w for w, m in (("chair of governors", c), ("proprietor", p)) if m)
        for v, c, p in zip(hit["Policy version"], no_chair[hit.index], no_proprietor[hit.index])
    ]
    signed = ("Signed by chair of governors on", "Signed by proprietor on")
    columns = [signed[0] if c else signed[1] for c in no_chair[hit.index]]
    findings = rule.findings(hit, "Policy", messages, column=columns, rests_on=signed)
    return rule.outcome(findings, len(policy))
