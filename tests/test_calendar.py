"""Working days, response deadlines, the audit context and its parameters."""

import datetime as dt

import pandas as pd
import pytest

from lks_audit.context import WorkingCalendar, make_context
from lks_audit.params import Parameters, parse_param_pairs

CAL = WorkingCalendar(closures=[pd.Timestamp("2026-03-16"), pd.NaT], years=range(2024, 2028))
END_OF_DAY = pd.Timedelta(hours=23, minutes=59, seconds=59)


def ts(*values):
    return pd.Series(pd.to_datetime(list(values), format="ISO8601"))


def test_is_working_day():
    days = ts(
        "2026-03-13", "2026-03-14", "2026-03-15", "2026-03-16", "2026-05-25", "2025-12-26", "2026-03-17 18:30", None
    )
    assert CAL.is_working_day(days).tolist() == [True, False, False, False, False, False, True, False]


@pytest.mark.parametrize(
    "received, deadline",
    [
        ("2026-03-10 09:00", pd.Timestamp("2026-03-11 09:00")),  # working day: t + 24 h
        ("2026-03-06 15:10", pd.Timestamp("2026-03-07 15:10")),  # Friday: t + 24 h lands on Saturday
        ("2026-03-07 10:00", pd.Timestamp("2026-03-09") + END_OF_DAY),  # Saturday -> Monday
        ("2026-03-08 00:00", pd.Timestamp("2026-03-09") + END_OF_DAY),  # Sunday midnight -> Monday
        ("2026-03-14 11:00", pd.Timestamp("2026-03-17") + END_OF_DAY),  # Saturday before a closure Monday
        ("2026-03-16 11:00", pd.Timestamp("2026-03-17") + END_OF_DAY),  # on the closure day itself
        ("2026-05-24 09:00", pd.Timestamp("2026-05-26") + END_OF_DAY),  # Sunday before a bank holiday
        ("2025-12-25 12:00", pd.Timestamp("2025-12-29") + END_OF_DAY),  # Christmas, Boxing Day, weekend
    ],
)
def test_response_deadline(received, deadline):
    assert CAL.response_deadline(ts(received), 24).tolist() == [deadline]


def test_response_deadline_hours_blank_and_index():
    received = pd.Series(pd.to_datetime(["2026-03-10 09:00", None, "2026-03-07 10:00"]), index=[7, 8, 9])
    out = CAL.response_deadline(received, 1.5)
    assert list(out.index) == [7, 8, 9]
    assert out[7] == pd.Timestamp("2026-03-10 10:30")
    assert pd.isna(out[8])
    assert out[9] == pd.Timestamp("2026-03-09") + END_OF_DAY


@pytest.mark.parametrize(
    "day, n, expected",
    [
        ("2026-03-06", 2, "2026-03-10"),  # Friday + 2 -> Tuesday (late from Wednesday)
        ("2026-03-07", 2, "2026-03-10"),  # Saturday: counted from Monday
        ("2026-03-08", 1, "2026-03-09"),  # Sunday + 1 -> Monday
        ("2026-03-13", 2, "2026-03-18"),  # Friday before the closure Monday -> Wednesday
        ("2026-03-13 15:00", 1, "2026-03-17"),
        ("2026-05-24", 1, "2026-05-26"),  # Sunday before the Spring bank holiday
        ("2025-12-24", 1, "2025-12-29"),  # over Christmas and Boxing Day
        ("2025-12-25", 1, "2025-12-29"),
        ("2026-03-10", 0, "2026-03-10"),  # zero days: the day itself when working ...
        ("2026-03-07", 0, "2026-03-09"),  # ... else the next working day
    ],
)
def test_add_working_days(day, n, expected):
    assert CAL.add_working_days(ts(day), n).tolist() == [pd.Timestamp(expected)]


def test_next_working_day_and_blank():
    out = CAL.next_working_day(ts("2026-03-13", None, "2026-04-02"))
    assert out[0] == pd.Timestamp("2026-03-17")
    assert pd.isna(out[1])
    assert out[2] == pd.Timestamp("2026-04-07")  # Good Friday and Easter Monday skipped


def test_make_context_as_of_default_and_given():
    assert make_context("2025-26", today=dt.date(2026, 9, 15)).as_of == pd.Timestamp("2026-08-31")
    assert make_context("2025-26", today=dt.date(2026, 3, 2)).as_of == pd.Timestamp("2026-03-02")
    assert make_context("2025-26", "", today=dt.datetime(2026, 3, 2, 14, 5)).as_of == pd.Timestamp("2026-03-02")
    ctx = make_context("2025-26", "2026-07-20")
    assert (ctx.year, ctx.start, ctx.end, ctx.as_of) == (
        "2025-26",
        pd.Timestamp("2025-09-01"),
        pd.Timestamp("2026-08-31"),
        pd.Timestamp("2026-07-20"),
    )
    assert make_context("2025-26", dt.date(2026, 7, 20)).as_of == pd.Timestamp("2026-07-20")
    assert make_context("2025-26", pd.Timestamp("2026-07-20 10:00")).as_of == pd.Timestamp("2026-07-20")
    assert make_context("2025-26", "20/07/2026").as_of == pd.Timestamp("2026-07-20")  # the UK way
    with pytest.raises(ValueError, match="--as-of must be a day like 31/08/2026"):
        make_context("2025-26", "next week")
    with pytest.raises(ValueError, match="academic year"):
        make_context("2025-27", "2026-07-20")


def test_make_context_params_and_closures():
    ctx = make_context("2025-26", "2026-07-20", params={"ico_hours": "48"}, closures=[pd.Timestamp("2026-03-16")])
    assert ctx.params.ico_hours == 48 and ctx.params.respond_within_hours == 24
    assert ctx.calendar.is_working_day(ts("2026-03-16", "2026-03-17")).tolist() == [False, True]
    assert make_context("2025-26", "2026-07-20").calendar.is_working_day(ts("2026-03-16")).tolist() == [True]


def test_parameters_with_overrides_types():
    p = Parameters().with_overrides(
        {
            "respond_within_hours": "1.5",
            "training_valid_months": "6",
            "ico_hours": 48,
            "open_incident_days": 14.0,
            "account_name_pattern": r"(?i)lks",
        }
    )
    assert p.respond_within_hours == 1.5
    assert p.training_valid_months == 6 and isinstance(p.training_valid_months, int)
    assert p.ico_hours == 48
    assert p.open_incident_days == 14 and isinstance(p.open_incident_days, int)
    assert p.account_name_pattern == r"(?i)lks"
    assert Parameters().respond_within_hours == 24  # frozen defaults are untouched
    assert Parameters().with_overrides({}) == Parameters()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"respond_in": "24"}, "unknown parameter 'respond_in'"),
        ({"training_valid_months": "12.5"}, "whole number"),
        ({"training_valid_months": "twelve"}, "whole number"),
        ({"ico_hours": "nan"}, "expects a float"),
        ({"ico_hours": True}, "expects a float"),
        ({"open_incident_days": -1}, "must not be negative"),
        ({"account_name_pattern": "(lks"}, "not a valid regular expression"),
        ({"account_name_pattern": 5}, "expects a str"),
    ],
)
def test_parameters_with_overrides_rejects(overrides, message):
    with pytest.raises(ValueError, match=message):
        Parameters().with_overrides(overrides)


def test_parse_param_pairs():
    assert parse_param_pairs(None) == {}
    assert parse_param_pairs(["ico_hours=48", " open_incident_days = 14 ", "account_name_pattern=a=b"]) == {
        "ico_hours": "48",
        "open_incident_days": "14",
        "account_name_pattern": "a=b",
    }
    for bad in ("ico_hours", "=48"):
        with pytest.raises(ValueError, match="name=value"):
            parse_param_pairs([bad])
