"""``lks-audit due`` and the deadline rules that wait for their clock (due.md; rules.md "Deadlines and as of").

Hand-built schools in memory for the clocks' arithmetic, the bundled sample through the real command for its
outputs: the terminal list, --json, --ics (parsed back with icalendar), --html (the governors' page's guard) and
the exit status a scheduler reads.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from lks_audit.due import DUE_SOON, OVERDUE, RUNNING, TO_CONFIRM, clocks_at, due_context
from lks_audit.due_calendar import calendar_bytes, clock_uid
from lks_audit.guard import personal_data_in
from lks_audit.personal import personal_strings

from school import SAMPLE_SCHOOL, audit_rows, by_rule, d, dataset_from_rows, t, write_school

LKS_AUDIT = Path(sys.executable).parent / "lks-audit"
LONDON = ZoneInfo("Europe/London")


def incident(iid, reported, **extra):
    return {"Incident ID": iid, "Reported at": reported, "Category": "Other", "Summary": "test", **extra}


def breach(iid, reported, **extra):
    return incident(iid, reported, **{"Personal data breach": "Yes", "DPO informed at": reported, **extra})


def due_at(now: dt.datetime, within=7, **rows):
    data = dataset_from_rows(**rows)
    return {c.clock: c for c in clocks_at(data, due_context(data, now), within).clocks}


def run(*args, timeout=120):
    return subprocess.run([str(LKS_AUDIT), *map(str, args)], capture_output=True, text=True, timeout=timeout)


# ---- the rules wait for their clock ------------------------------------------------------------------------------

REPORTED = t(2026, 3, 10, 9)  # Tuesday
INCIDENTS = [
    incident("NOT-ASSESSED", REPORTED),
    incident("ICO-DUE", REPORTED, **{"ICO reportable": "Yes", "SLT assessment at": REPORTED}),
    breach("NO-DECISION", REPORTED, **{"SLT assessment at": REPORTED}),
]


@pytest.mark.parametrize(
    "as_of, raised",
    [
        ("2026-03-10 10:00", set()),  # an hour after the report: every clock still runs
        ("2026-03-12", set()),  # a day: deadlines before the day began (the 2nd working day ends Thu 23:59:59)
        ("2026-03-12 23:59", set()),
        ("2026-03-13 08:59", {"INC-01"}),  # 72 real hours end Fri 09:00
        ("2026-03-13", {"INC-01"}),
        ("2026-03-13 09:01", {"INC-01", "INC-05", "INC-08"}),
        ("2026-03-14", {"INC-01", "INC-05", "INC-08"}),
    ],
)
def test_deadline_rules_raise_only_once_their_clock_has_run_out(as_of, raised):
    result = audit_rows(as_of=as_of, Incidents=INCIDENTS)
    assert {f.rule for f in result.findings if f.rule in ("INC-01", "INC-05", "INC-08")} == raised
    clocks = due_at(dt.datetime.fromisoformat(as_of), Incidents=INCIDENTS)
    overdue = {c.rule for c in clocks.values() if c.state == OVERDUE}
    assert overdue == raised, clocks


def test_ico_hours_are_real_hours_across_the_march_change():
    """rules.md: reported on the Friday before the clocks go forward at 10:00, the 72 hours end on Monday at 11:00
    on the wall clock (10:30 is 71.5 hours)."""
    rows = [incident("FRI", t(2026, 3, 27, 10), **{"ICO reportable": "Yes", "SLT assessment at": t(2026, 3, 27, 11)})]
    clock = due_at(dt.datetime(2026, 3, 30, 10, 30), Incidents=rows)["INC-05:FRI"]
    assert clock.due == dt.datetime(2026, 3, 30, 11) and clock.to_dict()["due"] == "2026-03-30T11:00:00+01:00"
    assert clock.state == DUE_SOON and clock.hours_left == 0.5
    assert not by_rule(audit_rows(as_of="2026-03-30 10:59", Incidents=rows), "INC-05")
    assert by_rule(audit_rows(as_of="2026-03-30 11:01", Incidents=rows), "INC-05")
    late = due_at(dt.datetime(2026, 3, 30, 11, 1), Incidents=rows)["INC-05:FRI"]
    assert late.state == OVERDUE and late.hours_left == 0.0  # rounds to zero: never positive when overdue


def test_a_now_in_the_hour_skipped_in_march_is_one_instant_in_the_json_and_the_calendar():
    """01:30 on 29 March 2026 is on no UK clock: read as just after the change (02:00 BST, 01:00 UTC) by the JSON
    and by the calendar's stamp and sequence alike."""
    rows = [incident("FRI", t(2026, 3, 27, 10), **{"ICO reportable": "Yes", "SLT assessment at": t(2026, 3, 27, 11)})]
    data = dataset_from_rows(Incidents=rows)
    due = clocks_at(data, due_context(data, dt.datetime(2026, 3, 29, 1, 30)), 7)
    instant = dt.datetime.fromisoformat(due.to_json_dict()["now"])
    assert instant == dt.datetime(2026, 3, 29, 1, tzinfo=dt.UTC)
    events = list(icalendar.Calendar.from_ical(calendar_bytes(due)).walk("VEVENT"))
    assert events and all(e.decoded("DTSTAMP") == instant for e in events)
    minutes = (instant - dt.datetime(2020, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(minutes=1)
    assert all(e["SEQUENCE"] == minutes for e in events)


def test_working_day_clocks_skip_a_bank_holiday_weekend_and_a_closure():
    """A message on the Saturday before the spring bank holiday is due by the end of Tuesday; an incident on the
    Thursday before Easter is assessed by the end of the Wednesday after it; one on a Friday before a Closures Monday
    by the end of Wednesday. The rules agree."""
    rows = {
        "Interactions": [{"Interaction ID": "I-SAT", "Received at": t(2026, 5, 23, 10), "Type": "Query"}],
        "Incidents": [incident("EASTER", t(2026, 4, 2, 16)), incident("CLOSED-MON", t(2026, 6, 12, 9))],
        "Closures": [{"Date": d(2026, 6, 15), "Reason": "INSET day"}],
    }
    assert due_at(dt.datetime(2026, 5, 23, 12), **rows)["INT-02:I-SAT"].due == dt.datetime(2026, 5, 26, 23, 59, 59)
    # Good Friday and Easter Monday are bank holidays: Tuesday is the 1st working day after, Wednesday the 2nd.
    assert due_at(dt.datetime(2026, 4, 2, 17), **rows)["INC-01:EASTER"].due == dt.datetime(2026, 4, 8, 23, 59, 59)
    clock = due_at(dt.datetime(2026, 6, 12, 10), **rows)["INC-01:CLOSED-MON"]
    assert clock.due == dt.datetime(2026, 6, 17, 23, 59, 59) and clock.state == RUNNING
    assert {f.record for f in by_rule(audit_rows(as_of="2026-05-26 23:59", **rows), "INT-02")} == set()
    assert {f.record for f in by_rule(audit_rows(as_of="2026-05-27", **rows), "INT-02")} == {"I-SAT"}
    assert {f.record for f in by_rule(audit_rows(as_of="2026-04-08 23:59", **rows), "INC-01")} == set()
    assert {f.record for f in by_rule(audit_rows(as_of="2026-06-17", **rows), "INC-01")} == {"EASTER"}
    assert {f.record for f in by_rule(audit_rows(as_of="2026-06-18", **rows), "INC-01")} == {"EASTER", "CLOSED-MON"}


def test_date_clocks_fall_due_at_the_end_of_their_day():
    staff = {"Staff ID": "S1", "Type": "Employee", "Start date": d(2020, 1, 1), "Annual declaration on": d(2025, 3, 31)}
    apps = {"Application ID": "APP-1", "SLT decision": "Pending", "Submitted on": d(2026, 3, 1)}
    rows = {"Staff": [staff], "Applications": [apps]}
    clocks = due_at(dt.datetime(2026, 3, 25, 9), **rows)
    assert clocks["TRN-04:S1"].due == dt.datetime(2026, 3, 31, 23, 59, 59) and clocks["TRN-04:S1"].state == DUE_SOON
    assert clocks["APP-02:APP-1"].due == dt.datetime(2026, 3, 31, 23, 59, 59)
    assert due_at(dt.datetime(2026, 3, 23, 23, 59), **rows)["TRN-04:S1"].state == RUNNING  # 8 days ahead
    assert due_at(dt.datetime(2026, 3, 23, 23, 59), within=8, **rows)["TRN-04:S1"].state == DUE_SOON
    assert not by_rule(audit_rows(as_of="2026-03-31 23:59", **rows), "TRN-04")
    assert by_rule(audit_rows(as_of="2026-04-01 00:00", **rows), "TRN-04")
    assert due_at(dt.datetime(2026, 4, 1), **rows)["APP-02:APP-1"].state == OVERDUE


def test_a_clock_whose_start_or_stop_cannot_be_read_is_to_confirm_never_overdue():
    rows = {
        "Interactions": [
            {"Interaction ID": "I-BAD-REPLY", "Received at": t(2026, 3, 2, 9), "First response at": "12/31/2025 10:15"},
            {"Interaction ID": "I-BAD-START", "Received at": "31/02/2026 09:00"},
        ],
        "Incidents": [incident("N-BAD", "yesterday", **{"ICO reportable": "Yes"})],
    }
    clocks = due_at(dt.datetime(2026, 3, 20, 9), **rows)
    for clock_id, cell in (
        ("INT-02:I-BAD-REPLY", "interactions_log.xlsx, sheet Interactions, cell G2"),
        ("INT-02:I-BAD-START", "interactions_log.xlsx, sheet Interactions, cell C3"),
        ("INC-05:N-BAD", "incidents_log.xlsx, sheet Incidents, cell B2"),
        ("INC-01:N-BAD", "incidents_log.xlsx, sheet Incidents, cell B2"),
    ):
        clock = clocks[clock_id]
        assert (clock.state, clock.cell, clock.due, clock.hours_left) == (TO_CONFIRM, cell, None, None), clock
        assert clock.to_dict()["cell"] == cell and clock.to_dict()["due"] is None
    # Their rules raise nothing firm: to confirm once the data is fixed, or nothing yet.
    result = audit_rows(as_of="2026-03-20 09:00", **rows)
    assert all(f.depends_on for f in result.findings if f.rule in ("INT-02", "INC-01", "INC-05"))


def test_a_clock_whose_record_may_not_be_one_it_runs_for_is_to_confirm_as_its_rule_is_undecided():
    """rules.md, "Unknown is not blank": an Offensive or Personal data breach cell that could not be read leaves the
    rule undecided on the record; its clock is listed to confirm on that cell, never dropped, never overdue."""
    rows = {
        "Interactions": [{"Interaction ID": "I-MAYBE", "Received at": t(2026, 3, 2, 9), "Offensive": "x"}],
        "Incidents": [
            incident(
                "N-MAYBE", t(2026, 3, 2, 9), **{"Personal data breach": "x", "SLT assessment at": t(2026, 3, 2, 10)}
            )
        ],
    }
    data = dataset_from_rows(**rows)
    letters = data.letters
    clocks = due_at(dt.datetime(2026, 3, 20, 9), **rows)
    expected = {
        "INT-03:I-MAYBE": f"interactions_log.xlsx, sheet Interactions, cell {letters['Interactions']['Offensive']}2",
        "INC-04:N-MAYBE": f"incidents_log.xlsx, sheet Incidents, cell {letters['Incidents']['Personal data breach']}2",
        "INC-08:N-MAYBE": f"incidents_log.xlsx, sheet Incidents, cell {letters['Incidents']['Personal data breach']}2",
    }
    for clock_id, cell in expected.items():
        assert (clocks[clock_id].state, clocks[clock_id].cell) == (TO_CONFIRM, cell), clocks[clock_id]
    result = audit_rows(as_of="2026-03-20 09:00", **rows)
    assert not [f for f in result.findings if f.rule in ("INT-03", "INC-04", "INC-08")]
    assert {(u.rule, u.record) for u in result.undecided} >= {
        ("INT-03", "I-MAYBE"),
        ("INC-04", "N-MAYBE"),
        ("INC-08", "N-MAYBE"),
    }


def test_an_unreadable_closures_date_puts_a_working_day_deadline_in_doubt():
    """rules.md: with one Closures date unreadable, a working-day deadline is firm only one working day later."""
    rows = {
        "Incidents": [incident("N-1", t(2026, 3, 9, 9))],  # Monday: 2nd working day Wednesday 11/03
        "Closures": [{"Date": "31/02/2026", "Reason": "snow"}],
    }
    cell = "school_settings.xlsx, sheet Closures, cell A2"
    assert due_at(dt.datetime(2026, 3, 11, 12), **rows)["INC-01:N-1"].state == DUE_SOON
    doubt = due_at(dt.datetime(2026, 3, 12, 12), **rows)["INC-01:N-1"]
    assert (doubt.state, doubt.cell) == (TO_CONFIRM, cell)
    (finding,) = by_rule(audit_rows(as_of="2026-03-12 12:00", **rows), "INC-01")
    assert finding.depends_on  # to confirm, as the clock
    assert due_at(dt.datetime(2026, 3, 13, 0, 1), **rows)["INC-01:N-1"].state == OVERDUE
    (finding,) = by_rule(audit_rows(as_of="2026-03-13 00:01", **rows), "INC-01")
    assert not finding.depends_on


def test_act_now_clocks_are_overdue_from_their_start_and_a_recorded_action_stops_a_clock():
    rows = {
        "Interactions": [
            {"Interaction ID": "I-RUDE", "Received at": t(2026, 3, 2, 20), "Offensive": "Yes", "Action taken": "None"},
            {
                "Interaction ID": "I-HIDDEN",
                "Received at": t(2026, 3, 2, 20),
                "Offensive": "Yes",
                "Action taken": "Hidden",
                "First response at": t(2026, 3, 5, 9),
            },  # fmt: skip
            {"Interaction ID": "I-LATER", "Received at": t(2026, 3, 9, 20), "Offensive": "Yes"},
        ],
        "Incidents": [breach("N-POLICE", t(2026, 3, 2, 9), **{"Considered illegal": "Yes", "DPO informed at": None})],
    }
    clocks = due_at(dt.datetime(2026, 3, 3, 9), **rows)
    assert clocks["INT-03:I-RUDE"].state == OVERDUE and clocks["INT-03:I-RUDE"].hours_left == -13.0
    assert {"INC-03:N-POLICE", "INC-04:N-POLICE"} <= {k for k, c in clocks.items() if c.state == OVERDUE}
    # Stopped clocks are not listed, even when late (INT-01 has that finding); a record dated later has not started.
    assert "INT-02:I-HIDDEN" not in clocks and "INT-03:I-HIDDEN" not in clocks and "INT-03:I-LATER" not in clocks


def test_check_takes_a_moment_as_its_as_of(tmp_path):
    folder = write_school(tmp_path / "school", Incidents=INCIDENTS)
    proc = run("check", folder, "--year", "2025-26", "--as-of", "2026-03-13 09:01", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["as_of"] == "2026-03-13" and doc["as_of_moment"] == "2026-03-13T09:01:00"
    assert {f["rule"] for f in doc["findings"]} >= {"INC-01", "INC-05", "INC-08"}
    early = json.loads(run("check", folder, "--year", "2025-26", "--as-of", "13/03/2026 08:59", "--json").stdout)
    assert {f["rule"] for f in early["findings"]} & {"INC-05", "INC-08"} == set()


# ---- the command and its files -----------------------------------------------------------------------------------

NOW = "2026-05-21 15:00"


@pytest.fixture(scope="module")
def sample_due(tmp_path_factory):
    """``lks-audit due`` on the sample at NOW, twice, writing JSON, the calendar and the digest."""
    out = tmp_path_factory.mktemp("due")
    runs = []
    for n in (1, 2):
        ics, page = out / f"due{n}.ics", out / f"due{n}.html"
        proc = run("due", SAMPLE_SCHOOL, "--now", NOW, "--json", "--ics", ics, "--html", page)
        runs.append({"proc": proc, "ics": ics, "html": page})
    text = run("due", SAMPLE_SCHOOL, "--now", NOW)
    return {"runs": runs, "text": text, "doc": json.loads(runs[0]["proc"].stdout)}


def test_due_json_lists_every_clock_with_the_specs_fields(sample_due):
    first = sample_due["runs"][0]["proc"]
    assert first.returncode == 1, first.stderr  # the sample has overdue clocks
    doc = sample_due["doc"]
    assert doc["now"] == "2026-05-21T15:00:00+01:00" and doc["year"] == "2025-26"
    clocks = doc["clocks"]
    fields = {"clock", "rule", "record", "account", "started", "due", "hours_left", "state", "owner", "cell"}
    assert all(set(c) == fields for c in clocks)
    states = [c["state"] for c in clocks]
    assert states == sorted(states, key=["overdue", "due soon", "running", "to confirm"].index)
    timed = [c["hours_left"] for c in clocks if c["state"] != "to confirm" and c["hours_left"] is not None]
    assert timed == sorted(timed)
    assert all(c["hours_left"] <= 0 for c in clocks if c["state"] == "overdue" and c["hours_left"] is not None)
    by_id = {c["clock"]: c for c in clocks}
    ico = by_id["INC-05:INC-029"]
    assert (ico["state"], ico["due"], ico["hours_left"]) == ("due soon", "2026-05-22T14:00:00+01:00", 23.0)
    assert (ico["owner"], ico["record"], ico["started"]) == (
        "Data Protection Officer",
        "INC-029",
        "2026-05-19T14:00:00+01:00",
    )
    assert by_id["IMG-04:P-00659:ST0144"]["record"] == "P-00659"
    assert by_id["INT-02:I-001399"]["state"] == "to confirm"
    assert {c["rule"] for c in clocks} >= {"INT-02", "INT-03", "INC-05", "INC-07", "TRN-02", "TRN-04", "IMG-04"}


def test_due_text_lists_overdue_first_with_time_left(sample_due):
    text = sample_due["text"]
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert lines[0].startswith("Policy clocks at Thu 21/05/2026 15:00 (academic year 2025-26")
    assert lines[3].startswith("OVERDUE (") and lines.index("DUE SOON (1)") > 3
    assert (
        "  ICO report for INC-029: 23 hours left, due Fri 22/05/2026 14:00  [INC-05:INC-029; Data Protection "
        "Officer]" in lines
    )
    assert any(line.startswith("  Reply to message I-002772: ") for line in lines)
    assert "to confirm, interactions_log.xlsx, sheet Interactions, cell G1400 could not be read" in text.stdout


def test_due_json_and_calendar_are_byte_identical_across_runs(sample_due):
    first, second = sample_due["runs"]
    assert first["proc"].stdout == second["proc"].stdout
    assert first["ics"].read_bytes() == second["ics"].read_bytes()
    assert first["html"].read_bytes() == second["html"].read_bytes()


def test_the_calendar_parses_back_with_due_times_uids_and_the_london_zone(sample_due):
    cal = icalendar.Calendar.from_ical(sample_due["runs"][0]["ics"].read_bytes())
    events = list(cal.walk("VEVENT"))
    expected = {c["clock"]: c for c in sample_due["doc"]["clocks"] if c["state"] in ("due soon", "running")}
    assert len(events) == len(expected) > 10
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    by_uid = {clock_uid(k): c for k, c in expected.items()}
    for event in events:
        clock = by_uid[str(event["UID"])]
        start = event.decoded("DTSTART")
        assert start.tzinfo.key == "Europe/London" and event["DTSTART"].params["TZID"] == "Europe/London"
        assert start.isoformat() == clock["due"]
        (alarm,) = event.walk("VALARM")
        assert alarm.decoded("TRIGGER") in (-dt.timedelta(hours=24), -dt.timedelta(days=7))
        assert "ST0" not in event["SUMMARY"] and "S0" not in str(event["UID"])
    # The same clock keeps its UID at another moment: a re-import updates, never duplicates.
    later = json.loads(run("due", SAMPLE_SCHOOL, "--now", "2026-05-22 09:00", "--json").stdout)
    shared = {c["clock"] for c in later["clocks"]} & set(expected)
    assert shared and all(clock_uid(c) in {str(e["UID"]) for e in events} for c in shared)


def test_the_digest_has_no_personal_data_and_no_script(sample_due):
    page = sample_due["runs"][0]["html"].read_text(encoding="utf-8")
    from lks_audit.load import load_workbooks

    assert personal_data_in(page, personal_strings(load_workbooks(SAMPLE_SCHOOL))) == []
    assert "<script" not in page.lower() and "default-src 'none'" in page and 'name="viewport"' in page
    assert "INC-029" in page and "a member of staff" in page and "ST0144" not in page and "S014" not in page


def test_the_digest_is_refused_when_a_record_id_is_a_persons_name(tmp_path):
    staff = [{"Staff ID": "S1", "Name": "Jane Example", "Type": "Employee", "Start date": d(2020, 1, 1)}]
    folder = write_school(tmp_path / "school", Staff=staff, Incidents=[incident("Jane Example", t(2026, 3, 2, 9))])
    page = tmp_path / "digest.html"
    proc = run("due", folder, "--now", "2026-03-03 09:00", "--html", page)
    assert proc.returncode == 2 and not page.exists()
    assert "the digest would show personal data (a staff name ('Jane Example')); it was not written" in proc.stderr


def test_exit_status_for_schedulers(tmp_path):
    quiet = write_school(tmp_path / "quiet", Incidents=[incident("N-1", t(2026, 3, 2, 9))])
    assert run("due", quiet, "--now", "2026-03-02 10:00").returncode == 0  # its assessment is not yet due
    assert run("due", quiet, "--now", "2026-03-05 10:00").returncode == 1
    for bad in (["--now", "31/02/2026 09:00"], ["--within", "-1"], ["--within", "1e9"], ["--now", "soon"]):
        proc = run("due", quiet, *bad)
        assert proc.returncode == 2 and proc.stderr.startswith("lks-audit: ") and "Traceback" not in proc.stderr
    assert run("due", tmp_path / "nowhere").returncode == 2
    missing = write_school(tmp_path / "missing", omit=("incidents_log.xlsx",))
    proc = run("due", missing, "--now", "2026-03-05 10:00")
    assert proc.returncode == 2 and "INC-01's clocks cannot be listed: incidents_log.xlsx is missing" in proc.stderr


def test_the_due_notebook_shows_the_commands_list_and_writes_its_files(sample_due, tmp_path):
    """notebooks/due.ipynb in a real kernel (papermill), with the command's options as parameters."""
    import papermill

    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    ics = tmp_path / "nb.ics"
    executed = papermill.execute_notebook(
        str(notebooks / "due.ipynb"),
        str(tmp_path / "due.out.ipynb"),
        cwd=str(notebooks),
        progress_bar=False,
        parameters={"data_dir": str(SAMPLE_SCHOOL), "now": NOW, "ics": str(ics), "html": str(tmp_path / "nb.html")},
    )
    shown = "".join(
        o.get("data", {}).get("text/html", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs
    )
    counts = sample_due["doc"]["counts"]
    assert f"{counts['overdue']} overdue, {counts['due soon']} due soon" in shown
    assert '<figure class="lks-chart"><img src="data:image/svg+xml;base64,' in shown and "next 6 weeks" in shown
    assert all(c["clock"] in shown for c in sample_due["doc"]["clocks"])
    assert ics.read_bytes() == sample_due["runs"][0]["ics"].read_bytes()


def test_the_due_notebook_refuses_a_folder_or_a_missing_one_as_the_command_does(tmp_path):
    from lks_audit.errors import AuditInputError
    from lks_audit.outputs.due_view import load_due

    view = load_due(SAMPLE_SCHOOL, NOW)
    with pytest.raises(AuditInputError, match="is a folder; give a file name"):
        view.write(ics=str(tmp_path))
    with pytest.raises(AuditInputError, match="does not exist; make the folder first"):
        view.write(html=str(tmp_path / "nowhere" / "due.html"))
    assert list(tmp_path.iterdir()) == []
