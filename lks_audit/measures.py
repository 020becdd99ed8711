"""Headline measures a governor wants, as plain JSON-able numbers.

Whether a record breaks a rule is taken from the findings (INT-01/02, TRN-*,
IMG-01/02), never decided again here, so a measure can never disagree with
the findings it sits next to. The frames only supply what no rule decides:
totals, months, categories and response times.

Every section is a dict; a section that cannot be measured (its sheet, a
column or the rule it leans on is unavailable) is ``{"assessed": False,
"reason": ...}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from .context import AuditContext, elapsed_hours
from .findings import Finding, Undecided
from .load import Dataset
from .rules import REGISTRY
from .rules.base import (
    current_staff_ids,
    is_blank,
    is_yes,
)
from .rules.derived import ACCOUNT_USER_SOURCES, Derived
from .rules.incidents import BREACH_COLUMNS, personal_data_breaches
from .schema import ROW

NOT_RECORDED = "Not recorded"


def headline_measures(
    data: Dataset,
    ctx: AuditContext,
    findings: Iterable[Finding] = (),
    undecided: Iterable[Undecided] = (),
    derived: Derived | None = None,
) -> dict:
    """The measures, from the open findings; records whose findings wait on a data fix, and records a rule could
    not decide (``undecided``), are counted apart, and those the DPO set aside by a decision count as met.
    ``derived``: the audit's shared tables (:class:`~lks_audit.rules.derived.Derived`), built here if not given."""
    findings = list(findings)
    derived = Derived(data, ctx) if derived is None else derived
    # Log rows are matched by their Excel row (an ID may be blank or repeated); people by their Staff ID.
    rows = _by_rule(findings, lambda f: f.row, open_=True)
    rows_waiting = _by_rule(findings, lambda f: f.row, open_=False)
    people = _by_rule(findings, lambda f: f.record, open_=True)
    people_waiting = _by_rule(findings, lambda f: f.record, open_=False)
    for u in undecided:  # neither met nor not met yet: waiting on a data fix, like a finding to confirm
        if u.row is not None:
            rows_waiting.setdefault(u.rule, set()).add(u.row)
        if u.record is not None:
            people_waiting.setdefault(u.rule, set()).add(u.record)
    return {
        "interactions": _interactions(data, ctx, derived, rows, rows_waiting),
        "incidents": _incidents(data, ctx, derived),
        "training": _training(data, ctx, derived, people, people_waiting),
        "consent": _consent(data, derived, rows, rows_waiting),
    }


def _by_rule(findings: list[Finding], key: Callable[[Finding], object], open_: bool) -> dict[str, set]:
    """Rule -> the ``key`` of its findings that are open (or, with ``open_=False``, waiting on a data fix).

    A finding the DPO set aside by a decision is neither: like the rating, the measures count it as met."""
    out: dict[str, set] = {}
    for f in findings:
        if (f.is_open if open_ else f.waits_on_data) and key(f) is not None:
            out.setdefault(f.rule, set()).add(key(f))
    return out


def _of(found: dict[str, set], *rules: str) -> set:
    return set().union(*(found.get(r, set()) for r in rules))


def _blocked(data: Dataset, sheet: str, columns: tuple[str, ...], rules: tuple[str, ...] = ()) -> str | None:
    """Why a measure cannot be taken: its own columns or a rule it leans on are unavailable."""
    reason = data.unavailable(sheet, columns)
    if reason:
        return reason
    for rule_id in rules:
        rule = REGISTRY.get(rule_id)
        if rule is None:
            return f"rule {rule_id} is not available"
        gap = rule.gap(data)
        if gap:
            return f"rule {rule_id} was not assessed ({gap.reason})"
    return None


def _not_assessed(reason: str) -> dict:
    return {"assessed": False, "reason": reason}


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _months(ctx: AuditContext) -> list[pd.Period]:
    """Months of the academic year up to and including the as-of month."""
    last = min(ctx.end, ctx.as_of).to_period("M")
    return list(pd.period_range(ctx.start.to_period("M"), last, freq="M")) if last >= ctx.start.to_period("M") else []


def _interactions(
    data: Dataset, ctx: AuditContext, derived: Derived, records: dict[str, set], waiting: dict[str, set]
) -> dict:
    columns = ("Interaction ID", "Received at", "First response at")
    reason = _blocked(data, "Interactions", columns, ("INT-01", "INT-02"))
    if reason:
        return _not_assessed(reason)
    rows = derived.platform_timed_interactions  # the platform's times where the log's are wrong (EVD-05)
    excel_rows = rows[ROW]
    to_confirm = excel_rows.isin(_of(waiting, "INT-01", "INT-02")).to_numpy()
    late = excel_rows.isin(records.get("INT-01", set())).to_numpy() & ~to_confirm
    unanswered = excel_rows.isin(records.get("INT-02", set())).to_numpy() & ~to_confirm
    answered = rows["First response at"].notna().to_numpy()
    # Not yet due: no response, and the deadline has not passed (INT-02 did not fire).
    due = answered | unanswered | to_confirm
    in_time = answered & ~late & ~to_confirm

    # Real elapsed hours (rules.md): a clock change in between counts as it happened.
    hours = pd.Series(elapsed_hours(rows["Received at"], rows["First response at"]))
    answered_hours = hours[answered & hours.notna().to_numpy() & (hours >= 0).to_numpy()]
    overdue_by = elapsed_hours(rows["_deadline"], rows["First response at"])[late]
    bands = {
        "Answered in time": int(in_time.sum()),
        "Late by up to 1 day": int((overdue_by <= 24).sum()),
        "Late by 1 to 3 days": int(((overdue_by > 24) & (overdue_by <= 72)).sum()),
        "Late by more than 3 days": int((overdue_by > 72).sum()),
        "No response, deadline passed": int(unanswered.sum()),
    }

    month = pd.to_datetime(rows["Received at"]).dt.to_period("M")
    by_month = []
    for period in _months(ctx):
        in_month = (month == period).to_numpy()
        by_month.append(
            {
                "month": str(period),
                "interactions": int(in_month.sum()),
                "late": int((in_month & (late | unanswered)).sum()),
            }
        )
    return {
        "assessed": True,
        "total": int(len(rows)),
        "due": int(due.sum()),
        "answered_in_time": int(in_time.sum()),
        "answered_late": int(late.sum()),
        "unanswered_overdue": int(unanswered.sum()),
        "to_confirm": int(to_confirm.sum()),
        "not_yet_due": int((~due).sum()),
        # Of the replies whose time is known: one waiting on a data fix is neither in time nor late yet.
        "pct_in_time": _percent(int(in_time.sum()), int(due.sum() - to_confirm.sum())),
        "median_response_hours": round(float(answered_hours.median()), 1) if len(answered_hours) else None,
        "deadline_hours": ctx.params.respond_within_hours,
        "bands": bands,
        "by_month": by_month,
    }


def _incidents(data: Dataset, ctx: AuditContext, derived: Derived) -> dict:
    reason = _blocked(data, "Incidents", ("Incident ID", "Reported at", "Category"))
    if reason:
        return _not_assessed(reason)
    rows = derived.incidents_in_period
    counts = rows["Category"].astype("object").where(rows["Category"].notna(), NOT_RECORDED).value_counts()
    by_category = {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))}
    # Without the Closed on column nothing says which incidents are still open.
    open_now = None if data.unavailable("Incidents", ("Closed on",)) else int(rows["Closed on"].isna().sum())
    # Breaches counted one way everywhere (the flag or the category): the register's rows, INC-04's and INC-08's base.
    breaches = None if data.unavailable("Incidents", BREACH_COLUMNS) else int(len(personal_data_breaches(data, ctx)))
    return {
        "assessed": True,
        "total": int(len(rows)),
        "open": open_now,
        "by_category": by_category,
        "breaches": breaches,
    }


def _training(
    data: Dataset, ctx: AuditContext, derived: Derived, records: dict[str, set], waiting: dict[str, set]
) -> dict:
    out: dict = {"assessed": True}
    reason = _blocked(data, "Staff", ("Staff ID",), ("TRN-01", "TRN-02")) or next(
        (r for r in (data.unavailable(s, c) for s, c in ACCOUNT_USER_SOURCES.items()) if r), None
    )
    if reason:
        out["account_users"] = _not_assessed(reason)
    else:
        users = {str(i) for i in derived.account_users.index}
        out["account_users"] = _people_meeting(users, "trained_and_current", ("TRN-01", "TRN-02"), records, waiting)

    staff_columns = ("Staff ID", "Start date", "Leaving date")
    reason = _blocked(data, "Staff", staff_columns + ("Policy read on",))
    if reason:
        out["policy_read"] = _not_assessed(reason)
    else:
        staff = data.frames["Staff"]
        current = staff[staff["Staff ID"].isin(current_staff_ids(data, ctx.as_of)).to_numpy(dtype=bool)]
        read = current["Policy read on"].notna() & (current["Policy read on"] <= ctx.as_of)
        out["policy_read"] = {
            "assessed": True,
            "total": int(len(current)),
            "read": int(read.sum()),
            "pct": _percent(int(read.sum()), len(current)),
        }

    reason = _blocked(data, "Staff", staff_columns + ("Type",), ("TRN-04",))
    if reason:
        out["declarations"] = _not_assessed(reason)
    else:
        staff = data.frames["Staff"]
        current = staff["Staff ID"].isin(current_staff_ids(data, ctx.as_of)) & (staff["Type"] == "Employee")
        employees = {str(i) for i in staff.loc[current.to_numpy(dtype=bool), "Staff ID"]}
        out["declarations"] = _people_meeting(employees, "current", ("TRN-04",), records, waiting)
    return out


def _people_meeting(
    people: set[str], met: str, rules: tuple[str, ...], records: dict[str, set], waiting: dict[str, set]
) -> dict:
    """How many of ``people`` meet what ``rules`` check (under ``met``): neither found failing nor to confirm.
    The share is of those whose state is known: a finding waiting on a data fix is neither way yet."""
    to_confirm = people & _of(waiting, *rules)
    done = len(people) - len(people & _of(records, *rules)) - len(to_confirm)
    return {
        "assessed": True,
        "total": len(people),
        met: done,
        "to_confirm": len(to_confirm),
        "pct": _percent(done, len(people) - len(to_confirm)),
    }


def _consent(data: Dataset, derived: Derived, records: dict[str, set], waiting: dict[str, set]) -> dict:
    columns = ("Post ID", "Posted at", "Images of students", "Students pictured")
    reason = _blocked(data, "Posts", columns, ("IMG-01", "IMG-02"))
    if reason:
        return _not_assessed(reason)
    posts = derived.posts_in_period
    with_images = posts[is_yes(posts["Images of students"]).to_numpy(dtype=bool)]
    excel_rows = with_images[ROW]
    to_confirm = excel_rows.isin(_of(waiting, "IMG-01", "IMG-02")).to_numpy()
    without_consent = excel_rows.isin(records.get("IMG-01", set())).to_numpy()
    not_listed = excel_rows.isin(records.get("IMG-02", set())).to_numpy() | (
        is_blank(with_images["Students pictured"]).to_numpy() & ~to_confirm
    )
    all_consented = ~without_consent & ~not_listed & ~to_confirm
    total = int(len(with_images))
    return {
        "assessed": True,
        "posts_with_images": total,
        "all_pictured_consented": int(all_consented.sum()),
        "some_pictured_without_consent": int(without_consent.sum()),
        "pictured_not_recorded": int((not_listed & ~without_consent).sum()),
        "to_confirm": int((to_confirm & ~without_consent & ~not_listed).sum()),
        # Of the posts whose consent is known: one waiting on a data fix is neither way yet.
        "pct": _percent(int(all_consented.sum()), total - int((to_confirm & ~without_consent & ~not_listed).sum())),
    }
