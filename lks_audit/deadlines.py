"""The policy's deadlines, each computed here once: the rules raise a finding when one has passed at ``as of``
(rules.md, "Deadlines and as of"), and ``lks-audit due`` lists the same ones while they still run (due.md).

Every function takes a column of starts (UK wall-clock times, as typed) and gives the deadline of each as a UK
wall-clock moment: an hour deadline falls at a moment, a day deadline at the end of its day (23:59:59), so one
comparison with ``as of`` (:meth:`~lks_audit.context.AuditContext.passed`) serves both. Blank in, blank out.
"""

from __future__ import annotations

import pandas as pd

from .context import add_hours

#: A day deadline falls due at the end of its day (due.md): 23:59:59 Europe/London.
END_OF_DAY = pd.Timedelta(hours=23, minutes=59, seconds=59)


def end_of_day(days) -> pd.Series:
    """23:59:59 on each day of ``days``."""
    return pd.Series(pd.to_datetime(days), copy=False).dt.floor("D") + END_OF_DAY


def reply_due(received, ctx) -> pd.Series:
    """INT-01 and INT-02: received on a working day, ``respond_within_hours`` real hours later; otherwise 23:59:59
    on the next working day."""
    return ctx.calendar.response_deadline(received, ctx.params.respond_within_hours)


def reply_due_at_latest(received, ctx, unknown_closures: int, due: pd.Series) -> pd.Series:
    """The reply deadline if every Closures date that could not be read fell where it delays it most: received on
    a working day, the end of the ``unknown_closures``-th working day after; otherwise of the one after that.
    ``due``: the deadlines :func:`reply_due` gave (worked out once per period, in ``Derived``)."""
    if not unknown_closures:
        return due
    working = ctx.calendar.is_working_day(received)
    later = end_of_day(ctx.calendar.add_working_days(received, unknown_closures + 1))
    latest = end_of_day(ctx.calendar.add_working_days(received, unknown_closures)).where(working, later.to_numpy())
    return latest.where(latest > due, due)


def assessment_due(reported, ctx, unknown_closures: int = 0) -> pd.Series:
    """INC-01 and INC-02: the end of the ``assessment_working_days``-th working day after the day reported (with
    ``unknown_closures``, that many working days later: where unreadable Closures dates could push it)."""
    n = ctx.params.assessment_working_days + unknown_closures
    return end_of_day(ctx.calendar.add_working_days(reported, n))


def ico_due(reported, ctx) -> pd.Series:
    """INC-05 and INC-08: ``ico_hours`` real hours after the school became aware (Reported at)."""
    return add_hours(reported, ctx.params.ico_hours)


def months_after(days, months: int) -> pd.Series:
    """The end of the day ``months`` calendar months after each day (TRN-02, TRN-04, ACC-08, POL-01): trained on
    31/03/2025, with 12, still valid through 31/03/2026; from 29/02/2024 through 28/02/2025."""
    days = pd.Series(pd.to_datetime(days), copy=False).dt.floor("D")
    return end_of_day(days + pd.DateOffset(months=months))


def days_after(days, n: int) -> pd.Series:
    """The end of the day ``n`` days after each day (APP-02, INC-07): submitted on 01/06/2026, with 30, waiting
    too long from 02/07/2026."""
    return end_of_day(pd.Series(pd.to_datetime(days), copy=False).dt.floor("D") + pd.Timedelta(days=n))
