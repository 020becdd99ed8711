"""The due list as an iCalendar file (RFC 5545, written with ``icalendar``): one event per clock not yet overdue.

Each event falls at its clock's due time (Europe/London, with the zone's definition in the file) and carries a
reminder: 24 hours before for an hour clock, ``--within`` days before for a date clock (when it becomes "due
soon"). Its UID is made from the clock's ID alone, so the same clock keeps its UID from run to run and importing
a newer file updates the event instead of adding a second one; SEQUENCE grows with the moment of the run, so the
newer one wins. The file names no person: posts, accounts, incidents and messages by their IDs, staff as "a
member of staff" (as the leaders' digest).
"""

from __future__ import annotations

import datetime as dt
import hashlib

import icalendar

from .context import LONDON
from .due import DUE_SOON, MOMENT_SHOWN, RUNNING, DueClock, DueList, london_aware
from .rules.registry import HOURS

PRODID = "-//Little Kinvaston School//lks-audit due//EN"
#: The UIDs' domain part (RFC 5545 recommends one, so UIDs from different tools never meet).
UID_DOMAIN = "due.lks-audit"
#: SEQUENCE counts minutes from here: a later run's events supersede an earlier run's.
_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def clock_uid(clock_id: str) -> str:
    """The event UID of a clock: stable across runs, and without the IDs (of staff, students) the clock ID holds."""
    return f"{hashlib.sha256(clock_id.encode('utf-8')).hexdigest()[:32]}@{UID_DOMAIN}"


def calendar_clocks(due: DueList) -> list[DueClock]:
    """The clocks the calendar holds: those not yet overdue, with a due time (none to confirm)."""
    return [c for c in due.clocks if c.state in (DUE_SOON, RUNNING) and c.due is not None]


def calendar_bytes(due: DueList, school: str = "") -> bytes:
    """The .ics file's bytes: the same clocks and ``now`` give the same bytes."""
    now = london_aware(due.now)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{school + ': ' if school else ''}social media policy deadlines")
    cal.add("x-wr-timezone", LONDON)
    sequence = int((now - _EPOCH).total_seconds() // 60)
    last = now
    for c in calendar_clocks(due):
        due_at = london_aware(c.due)
        last = max(last, due_at)
        event = icalendar.Event()
        event.add("uid", clock_uid(c.clock))
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("sequence", sequence)
        event.add("dtstart", due_at)
        event.add("summary", f"Due: {c.what_for_leaders}")
        event.add("description", _description(c, due))
        event.add("categories", ["Social media policy"])
        event.add("transp", "TRANSPARENT")
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Due soon: {c.what_for_leaders}")
        before = dt.timedelta(hours=24) if c.kind == HOURS else dt.timedelta(days=due.within_days)
        alarm.add("trigger", -before)
        event.add_component(alarm)
        cal.add_component(event)
    # The zone's definition for the years the events fall in (Outlook needs it; a wider span only adds lines).
    cal.add_missing_timezones(first_date=dt.date(now.year - 1, 1, 1), last_date=dt.date(last.year + 2, 1, 1))
    return cal.to_ical()


def _description(c: DueClock, due: DueList) -> str:
    return (
        f"{c.what_for_leaders}: due {c.due:{MOMENT_SHOWN}} (UK time). Owner: {c.owner}. Policy check {c.rule}. "
        f"From lks-audit due at {due.now:%d/%m/%Y %H:%M}; run it again for what is due now."
    )
