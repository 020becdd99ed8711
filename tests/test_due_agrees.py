"""One source: a clock of ``lks-audit due`` is overdue at a moment exactly when its rule raises its finding with
``check --as-of`` that moment (due.md), for every clock kind, on the bundled sample and on ``lks-audit sample
--seed 7``, at moments across the year: both clock changes, a bank holiday weekend, Closures days, and a minute
either side of real due times."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lks_audit import cli
from lks_audit.audit import closures_of, findings_of
from lks_audit.context import make_context
from lks_audit.due import OVERDUE, TO_CONFIRM, clocks_at, due_context
from lks_audit.load import load_workbooks
from lks_audit.params import academic_year_of
from lks_audit.rules import CLOCKS
from lks_audit.rules.derived import Derived
from lks_audit.rules.registry import ACT_NOW

from school import SAMPLE_SCHOOL

#: Moments of 2025-26 where a clock is easy to get wrong (the sample's Closures: 24/10/2025, 27/01/2026, 01/06/2026).
MOMENTS = [
    "2025-10-24 12:00",  # an INSET day, the Friday before the clocks go back
    "2025-10-26 01:30",  # the hour that happens twice
    "2025-10-27 09:00",
    "2026-01-27 10:00",  # the snow day (a Closures row)
    "2026-03-28 10:00",
    "2026-03-29 01:30",  # the hour that does not happen
    "2026-03-30 10:30",
    "2026-04-03 10:00",  # Good Friday
    "2026-04-06 12:00",  # Easter Monday
    "2026-05-23 10:00",  # the spring bank holiday weekend
    "2026-05-25 12:00",
    "2026-06-01 08:00",  # an INSET day after it
    "2026-08-31 23:59",
]


@pytest.fixture(scope="module")
def schools(tmp_path_factory):
    """The bundled sample and the school ``lks-audit sample --seed 7`` writes, each loaded once."""
    seven = tmp_path_factory.mktemp("seed-7")
    assert cli.main(["sample", str(seven), "--seed", "7"]) == 0
    return {"sample": load_workbooks(SAMPLE_SCHOOL), "seed 7": load_workbooks(seven)}


def _firm_findings(data, moment: dt.datetime) -> dict[str, object]:
    """The clock rules' findings with ``check --as-of moment``, firm (not waiting on a data fix), by ID."""
    ctx = make_context(academic_year_of(moment.date()), moment, closures=closures_of(data))
    found = findings_of(data, ctx, [*CLOCKS, "DQ-02", "DQ-04"])
    return {f.id: f for f in found if f.rule in CLOCKS and not f.depends_on}


def _agree(data, moment: dt.datetime) -> dict[str, str]:
    """Check the agreement at ``moment``; return each listed clock's state by its ID."""
    due = clocks_at(data, due_context(data, moment))
    firm = _firm_findings(data, moment)
    listed = {c.clock: c for c in due.clocks}
    # Every listed clock: overdue exactly when its rule raises its finding, firm.
    for clock in due.clocks:
        assert (clock.state == OVERDUE) == (clock.clock in firm), (moment, clock)
        if clock.state == TO_CONFIRM:
            assert clock.cell and clock.due is None and clock.hours_left is None, clock
    # Every firm finding on a record whose clock is open is an overdue clock, but an act-now record dated after the
    # moment (a date typed ahead, which DQ-05 names): that clock has not started. A finding on a record whose clock
    # has stopped is about lateness (INC-05 reported late), not a clock.
    ctx = due_context(data, moment)
    for finding_id, f in firm.items():
        if finding_id in listed:
            continue
        rows = CLOCKS[f.rule].open(data, ctx, Derived(data, ctx))
        starts = rows.loc[rows["_row"] == f.row, "_start"]
        if starts.empty:
            assert f.rule == "INC-05" and "reported to the ICO" in f.message, (moment, finding_id, f.message)
            continue
        assert CLOCKS[f.rule].kind == ACT_NOW, (moment, finding_id, f.message)
        assert (starts > pd.Timestamp(moment)).all(), (moment, finding_id)
    return {c.clock: c.state for c in due.clocks}


@pytest.mark.parametrize("school", ["sample", "seed 7"])
def test_overdue_clocks_are_the_rules_findings_across_the_year(schools, school):
    data = schools[school]
    seen_kinds = set()
    for text in MOMENTS:
        moment = dt.datetime.fromisoformat(text)
        states = _agree(data, moment)
        seen_kinds |= {c.split(":")[0] for c, state in states.items() if state == OVERDUE}
    # The moments exercise most clock kinds as overdue (the sample plants one of each).
    assert len(seen_kinds) >= 10, seen_kinds


@pytest.mark.parametrize("school", ["sample", "seed 7"])
def test_a_minute_either_side_of_each_kind_of_deadline(schools, school):
    """At the earliest due time of each clock kind with one, a minute before and a minute after: clock and rule agree,
    and the clock turns overdue in that minute."""
    data = schools[school]
    year_end = due_context(data, dt.datetime(2026, 8, 31, 23, 59))
    tried = set()
    for rule, clock in CLOCKS.items():
        if clock.kind == ACT_NOW:
            continue
        dues = clock.open(data, year_end, Derived(data, year_end))["_due"].dropna()
        dues = dues[(dues > pd.Timestamp("2025-09-02")) & (dues < pd.Timestamp("2026-08-31 23:00"))]
        if dues.empty:
            continue
        due = dues.min()
        tried.add(rule)
        before, after = (due + pd.Timedelta(minutes=m) for m in (-1, 1))
        states = _agree(data, before.to_pydatetime())
        ids = [c for c, state in states.items() if c.startswith(rule) and state != OVERDUE]
        later = _agree(data, after.to_pydatetime())
        assert [c for c in ids if later.get(c) == OVERDUE], (rule, after, ids)
    assert {"INT-02", "INC-01", "INC-05", "INC-07", "INC-08", "TRN-04", "POL-01", "ACC-08"} <= tried, sorted(tried)
