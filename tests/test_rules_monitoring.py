"""INT-01..INT-04: response deadlines in working days, and handling of offensive interactions."""

from school import audit, audit_rows, by_rule, d, not_assessed, t, write_school


def interaction(iid, received, answered=None, **extra):
    return {
        "Interaction ID": iid,
        "Account ID": "ACC-001",
        "Received at": received,
        "Type": "Comment",
        "From": "Parent",
        "First response at": answered,
        **extra,
    }


def records(result, rule_id):
    return sorted(f.record for f in by_rule(result, rule_id))


# Each pair: a compliant response next to the nearest late one.
TIMING = [
    # Saturday receipt: deadline Monday 23:59:59.
    interaction("WKND-OK", t(2026, 3, 7, 10, 0), t(2026, 3, 9, 20, 0)),
    interaction("WKND-LATE", t(2026, 3, 7, 10, 0), t(2026, 3, 10, 0, 0, 30)),
    # Saturday before a closure Monday (16/03/2026 on the Closures sheet): deadline Tuesday 23:59:59.
    interaction("CLOSURE-OK", t(2026, 3, 14, 11, 0), t(2026, 3, 17, 23, 0)),
    interaction("CLOSURE-LATE", t(2026, 3, 14, 11, 0), t(2026, 3, 18, 0, 30)),
    # Sunday before the Spring bank holiday (Mon 25/05/2026): deadline Tuesday 26/05 23:59:59.
    interaction("BANK-OK", t(2026, 5, 24, 9, 0), t(2026, 5, 26, 22, 0)),
    interaction("BANK-LATE", t(2026, 5, 24, 9, 0), t(2026, 5, 27, 0, 10)),
    # Christmas Day (Thu), Boxing Day (Fri), weekend: deadline Monday 29/12/2025 23:59:59.
    interaction("XMAS-OK", t(2025, 12, 25, 12, 0), t(2025, 12, 29, 18, 0)),
    interaction("XMAS-LATE", t(2025, 12, 25, 12, 0), t(2025, 12, 30, 9, 0)),
    # Friday afternoon on a working day: the policy's literal 24 hours, so Monday is late.
    interaction("FRI-LATE", t(2026, 3, 6, 15, 10), t(2026, 3, 9, 8, 22), Type="Query"),
    # Working day: exactly t + 24 h is on time, one second more is late.
    interaction("EXACT-OK", t(2026, 3, 10, 9, 0), t(2026, 3, 11, 9, 0, 0)),
    interaction("EXACT-LATE", t(2026, 3, 10, 9, 0), t(2026, 3, 11, 9, 0, 1)),
    # 47 hours: late by default, on time with respond_within_hours = 48.
    interaction("H47", t(2026, 3, 10, 9, 0), t(2026, 3, 12, 8, 0)),
    # Before the audit period: ignored however late.
    interaction("AUG", t(2025, 8, 29, 9, 0), t(2025, 9, 10, 9, 0)),
]
TIMING_ROW_OF = {r["Interaction ID"]: n for n, r in enumerate(TIMING, start=2)}
CLOSURES = [{"Date": d(2026, 3, 16), "Reason": "INSET day"}]


def test_int01_late_responses_by_working_day_deadline_from_real_xlsx(tmp_path):
    # On files: the one-second margins (00:00:30, 09:00:01) must survive Excel's storage of times.
    result = audit(write_school(tmp_path, Interactions=TIMING, Closures=CLOSURES))
    late = by_rule(result, "INT-01")
    assert sorted(f.record for f in late) == sorted(
        ["WKND-LATE", "CLOSURE-LATE", "BANK-LATE", "XMAS-LATE", "FRI-LATE", "EXACT-LATE", "H47"]
    )
    assert all(
        f.row == TIMING_ROW_OF[f.record]
        and f.sheet == "Interactions"
        and f.file == "interactions_log.xlsx"
        and f.severity == "medium"
        and f.area == "monitoring"
        for f in late
    )


def test_int01_message_states_the_delay_in_hours():
    result = audit_rows(Interactions=TIMING, Closures=CLOSURES)
    messages = {f.record: f.message for f in by_rule(result, "INT-01")}
    assert messages["FRI-LATE"] == (
        "Interaction FRI-LATE (query received Fri 06/03/2026 15:10) was first answered "
        "65.2 hours after receipt, 41.2 hours after its deadline of Sat 07/03/2026 15:10"
    )
    assert "deadline of Tue 17/03/2026 23:59" in messages["CLOSURE-LATE"]
    assert "deadline of Tue 26/05/2026 23:59" in messages["BANK-LATE"]
    assert "deadline of Mon 29/12/2025 23:59" in messages["XMAS-LATE"]


def test_int01_respond_within_hours_override():
    result = audit_rows(params={"respond_within_hours": 48}, Interactions=TIMING, Closures=CLOSURES)
    # Weekend deadlines do not depend on the hours; working-day ones move to t + 48 h (FRI-LATE took 65 h).
    assert records(result, "INT-01") == sorted(["WKND-LATE", "CLOSURE-LATE", "BANK-LATE", "XMAS-LATE", "FRI-LATE"])
    assert result.context.params.respond_within_hours == 48


def test_int02_unanswered_past_deadline_before_as_of():
    rows = [
        interaction("FRI", t(2026, 7, 17, 10, 0)),  # deadline Sat 18/07 10:00: overdue
        interaction("SAT", t(2026, 7, 18, 10, 0)),  # deadline Mon 20/07 23:59:59, the as_of day
        interaction("SUN", t(2026, 7, 19, 11, 0)),  # same deadline: not yet overdue
        interaction("MON", t(2026, 7, 20, 9, 0)),  # deadline after as_of
        interaction("ANSWERED", t(2026, 7, 17, 10, 0), t(2026, 7, 17, 12, 0)),
        interaction("AUG", t(2025, 8, 20, 10, 0)),  # before the period
    ]
    result = audit_rows(as_of="2026-07-20", Interactions=rows)
    found = by_rule(result, "INT-02")
    assert [(f.record, f.row, f.severity) for f in found] == [("FRI", 2, "high")]
    assert found[0].message == (
        "Interaction FRI (comment received Fri 17/07/2026 10:00) has no recorded response; "
        "its deadline was Sat 18/07/2026 10:00"
    )


def test_int02_deadline_at_midnight_starting_as_of_is_not_before_it():
    rows = [
        interaction("THU-0000", t(2026, 7, 16, 0, 0)),  # deadline Fri 17/07 00:00 = start of as_of
        interaction("WED-2359", t(2026, 7, 15, 23, 59)),  # deadline Thu 16/07 23:59: overdue
    ]
    result = audit_rows(as_of="2026-07-17", Interactions=rows)
    assert records(result, "INT-02") == ["WED-2359"]


def test_int03_int04_offensive_interactions():
    rows = [
        interaction("BLANK", t(2026, 3, 10, 9), t(2026, 3, 10, 10), Offensive=True),
        interaction("NONE", t(2026, 3, 10, 9), t(2026, 3, 10, 10), Offensive="Yes", **{"Action taken": "None"}),
        interaction("HIDDEN", t(2026, 3, 10, 9), t(2026, 3, 10, 10), Offensive="Yes", **{"Action taken": "Hidden"}),
        interaction(
            "HIDDEN-NO",
            t(2026, 3, 10, 9),
            t(2026, 3, 10, 10),
            Offensive="Yes",
            **{"Action taken": "Hidden", "Audience informed": "No"},
        ),
        interaction(
            "BLOCKED-TOLD",
            t(2026, 3, 10, 9),
            t(2026, 3, 10, 10),
            Offensive="Yes",
            **{"Action taken": "Blocked", "Audience informed": "Yes"},
        ),
        interaction("NOT-OFFENSIVE", t(2026, 3, 10, 9), t(2026, 3, 10, 10), Offensive="No"),
        interaction("UNKNOWN", t(2026, 3, 10, 9), t(2026, 3, 10, 10), **{"Action taken": "Deleted"}),
        interaction("AUG", t(2025, 8, 10, 9), t(2025, 8, 10, 10), Offensive="Yes"),
    ]
    result = audit_rows(Interactions=rows)
    assert [(f.record, f.row, f.severity) for f in by_rule(result, "INT-03")] == [
        ("BLANK", 2, "high"),
        ("NONE", 3, "high"),
    ]
    int04 = by_rule(result, "INT-04")
    assert [(f.record, f.row, f.severity) for f in int04] == [("HIDDEN", 4, "medium"), ("HIDDEN-NO", 5, "medium")]
    assert "was hidden but the audience was not told why" in int04[0].message


def test_not_assessed_without_the_log_or_a_column():
    result = audit_rows(omit=("interactions_log.xlsx",))
    assert {"INT-01", "INT-02", "INT-03", "INT-04"} <= not_assessed(result)
    result = audit_rows(
        drop_columns={"Interactions": ("Audience informed",)},
        Interactions=[interaction("X", t(2026, 3, 10, 9), Offensive="Yes")],
    )
    assert "INT-04" in not_assessed(result)
    assert not {"INT-01", "INT-02", "INT-03"} & not_assessed(result)
    assert records(result, "INT-03") == ["X"]
    result = audit_rows(drop_columns={"Interactions": ("First response at",)})
    assert {"INT-01", "INT-02"} <= not_assessed(result)


def test_missing_closures_sheet_does_not_stop_the_deadline_rules():
    # Without closures the working days are weekdays that are not bank holidays (docs/interpretations.md).
    rows = [interaction("LATE", t(2026, 3, 14, 11, 0), t(2026, 3, 17, 9, 0))]  # Sat -> Mon 16/03 23:59:59
    result = audit_rows(omit=("school_settings.xlsx",), Interactions=rows)
    assert not {"INT-01", "INT-02"} & not_assessed(result)
    assert records(result, "INT-01") == ["LATE"]
