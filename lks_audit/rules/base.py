"""Shared pieces for rule modules, each written once: yes/no masks, first row per key, distinct IDs,
staff currency, the period's posts and account users, dates in messages.

Area modules import from here and never from each other, so each rule reads as its own.
"""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd

from ..deadlines import reply_due
from ..load import Dataset


def is_yes(s: pd.Series) -> pd.Series:
    """True where a yes/no column says Yes (blank and No are False)."""
    return s.fillna(False).astype(bool)


_NOT = np.frompyfunc(operator.not_, 1, 1)


def is_blank(s: pd.Series) -> pd.Series:
    """Blank cells of any kind (an ids column is blank when it holds no id)."""
    if s.dtype == object:
        # None and () are falsy, texts and lists of IDs are not: one C loop, not a Python call per cell.
        values = s.to_numpy(dtype=object)
        return pd.Series(_NOT(values).astype(bool) | pd.isna(values), index=s.index)
    return s.isna()


def fmt_date(value) -> str:
    """dd/mm/yyyy, as a school office writes dates."""
    return "no date" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y")


def fmt_datetime(value) -> str:
    return "no date" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y %H:%M")


_WEEKDAYS = np.array(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])


def weekday_datetime_texts(values) -> list[str]:
    """``Fri 06/03/2026 15:10`` per value ("no date" for blanks); the weekday makes working-day deadlines
    easy to check by eye. Vectorised: rules may word 100,000 findings."""
    minutes = pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[m]")
    iso = np.datetime_as_string(minutes, unit="m")
    weekday = _WEEKDAYS[(minutes.astype("datetime64[D]").astype("int64") + 3) % 7]  # 1970-01-01 was a Thursday
    return ["no date" if x == "NaT" else f"{w} {x[8:10]}/{x[5:7]}/{x[:4]} {x[11:16]}" for w, x in zip(weekday, iso)]


def is_current(start: pd.Series, leaving: pd.Series, day) -> pd.Series:
    """rules.md: Start date blank or on/before the day, and Leaving date blank or after it.

    ``day`` may be one timestamp or a Series aligned with ``start`` (times are ignored).
    """
    day = day.dt.floor("D") if isinstance(day, pd.Series) else pd.Timestamp(day).floor("D")
    return (start.isna() | (start <= day)) & (leaving.isna() | (leaving > day))


def first_by_key(frame: pd.DataFrame, key: str, *, keep_blank: bool = False) -> pd.DataFrame:
    """One row per key: the first, as DQ-03 keeps it; rows with a blank key dropped unless ``keep_blank``."""
    repeated = frame[key].duplicated(keep="first") & frame[key].notna()
    keep = ~repeated if keep_blank else ~repeated & frame[key].notna()
    return frame[keep.to_numpy()]


def distinct_ids(ids) -> list[str]:
    """The IDs of an ids cell once each, in the order written ("S001, S001" is one ID)."""
    return list(dict.fromkeys(ids or ()))


def current_staff_ids(data: Dataset, day) -> set[str]:
    """Staff IDs current on ``day``."""
    staff = data.frames["Staff"]
    mask = is_current(staff["Start date"], staff["Leaving date"], day)
    return set(staff.loc[mask & staff["Staff ID"].notna(), "Staff ID"])


def staff_on_day(data: Dataset, ids: pd.Series, days: pd.Series) -> pd.Series:
    """Per row: is the Staff ID in ``ids`` current on the matching day in ``days``?

    A Staff ID that is not on the Staff sheet is not current. Vectorised by a merge.
    """
    staff = first_by_key(data.frames["Staff"], "Staff ID")[["Staff ID", "Start date", "Leaving date"]]
    rows = pd.DataFrame({"Staff ID": ids.to_numpy(), "_day": pd.to_datetime(days).to_numpy()})
    merged = rows.merge(staff, on="Staff ID", how="left", indicator=True)
    known = (merged["_merge"] == "both").to_numpy()
    current = is_current(merged["Start date"], merged["Leaving date"], merged["_day"]).to_numpy()
    return pd.Series(known & current, index=ids.index)


def in_period(data_frame: pd.DataFrame, column: str, ctx) -> pd.DataFrame:
    """Rows dated inside the audit period (undated rows are kept: they cannot be placed)."""
    return data_frame[ctx.in_period(data_frame[column]).to_numpy()]


def period_rows(data, sheet: str, column: str, ctx) -> pd.DataFrame:
    """:func:`in_period` of ``sheet`` by its date ``column``: built once per audit period and shared by the
    rules and measures (read-only), since each copy of the interactions log costs as much as a rule."""
    key = ("in_period", sheet, column, ctx.start, ctx.end)
    if key not in data.derived:
        data.derived[key] = in_period(data.frames[sheet], column, ctx)
    return data.derived[key]


def period_interactions(data, ctx) -> pd.DataFrame:
    """In-period interactions with their response deadline (rules.md) in ``_deadline``: built once per audit
    period and shared by INT-01, INT-02 and the replies measure (read-only)."""
    key = ("period_interactions", ctx.start, ctx.end, ctx.params.respond_within_hours)
    if key not in data.derived:
        rows = period_rows(data, "Interactions", "Received at", ctx)
        data.derived[key] = rows.assign(_deadline=reply_due(rows["Received at"], ctx))
    return data.derived[key]


def period_posts(data, ctx) -> pd.DataFrame:
    """In-period posts (undated ones kept), numbered 0..n-1; built once per audit period (read-only)."""
    key = ("period_posts", ctx.start, ctx.end)
    if key not in data.derived:
        data.derived[key] = period_rows(data, "Posts", "Posted at", ctx).reset_index(drop=True)
    return data.derived[key]


def pictured_students(data, ctx) -> pd.DataFrame:
    """One row per (in-period post, student it pictures): ``pos``, the post's place in :func:`period_posts`,
    and ``Student ID``; in post order and as listed, a student listed twice on one post once. Built once per
    audit period and shared by the images rules and PST-04 (read-only)."""
    key = ("pictured_students", ctx.start, ctx.end)
    if key not in data.derived:
        positions, students = [], []
        for pos, ids in enumerate(period_posts(data, ctx)["Students pictured"].tolist()):
            if isinstance(ids, tuple) and ids:
                listed = dict.fromkeys(ids)
                positions += [pos] * len(listed)
                students += listed
        data.derived[key] = pd.DataFrame(
            {"pos": np.array(positions, dtype="int64"), "Student ID": pd.Series(students, dtype=object)}
        )
    return data.derived[key]


def names(frame: pd.DataFrame, key: str) -> list[str]:
    """Each row's ``key``, or ``on row 14`` where the key is blank or could not be read: a message never says
    "None" ("Incident on row 14 (reported ...)")."""
    return [k if isinstance(k, str) else f"on row {r}" for k, r in zip(frame[key].tolist(), frame["_row"].tolist())]


def post_labels(posts: pd.DataFrame) -> list[str]:
    """``Post P-0042 (12/03/2026)`` per row, dates formatted in one go (rules may word 75,000 findings)."""
    days = posts["Posted at"].dt.strftime("%d/%m/%Y").astype(object).where(posts["Posted at"].notna(), "no date")
    return [f"Post {p} ({d})" for p, d in zip(names(posts, "Post ID"), days.tolist())]


#: The columns account users are found from (rules.md's "Account users"; TRN-01..03 and the training measure).
ACCOUNT_USER_SOURCES = {
    "Accounts": ("Status", "Administrators"),
    "Posts": ("Posted at", "Posted by"),
    "Interactions": ("Received at", "Responded by"),
}


def account_users(data, ctx) -> pd.Series:
    """rules.md's account users: Staff ID -> how they use the accounts (sorted by Staff ID).

    Every administrator of an Active account, and everyone who posted or responded in the period. Built once
    per audit period and shared by the people rules and the training measure (read-only).
    """
    key = ("account_users", ctx.start, ctx.end)
    if key not in data.derived:
        data.derived[key] = _account_users(data, ctx)
    return data.derived[key]


def _account_users(data, ctx) -> pd.Series:
    accounts = data.frames["Accounts"]
    active = accounts[(accounts["Status"] == "Active").to_numpy()]
    admins = pd.DataFrame({"Account ID": active["Account ID"], "Staff ID": active["Administrators"].map(distinct_ids)})
    admins = admins.explode("Staff ID").dropna(subset=["Staff ID"])
    # Each administrator's accounts once each, in register order (an account with no ID still makes an admin).
    named = admins.dropna(subset=["Account ID"]).drop_duplicates()
    joined = named.groupby("Staff ID", sort=False)["Account ID"].agg(", ".join)
    staff = admins["Staff ID"].drop_duplicates()
    administers = "administers " + joined.reindex(staff, fill_value="")
    posted = _named(period_rows(data, "Posts", "Posted at", ctx)["Posted by"])
    responded = _named(period_rows(data, "Interactions", "Received at", ctx)["Responded by"])
    roles = pd.concat(
        [
            administers,
            pd.Series("posted in the period", index=posted, dtype=object),
            pd.Series("responded to interactions in the period", index=responded, dtype=object),
        ]
    )
    return roles.groupby(level=0).agg("; ".join).sort_index()


def _named(ids: pd.Series) -> list[str]:
    """The distinct IDs of a column, blanks left out, in the order first written (the few distinct values are
    sifted for blanks, not the many rows)."""
    return [i for i in pd.unique(ids.to_numpy()) if isinstance(i, str)]


def account_user_cells(data, ctx, staff_ids) -> dict[str, list[tuple]]:
    """Where each of ``staff_ids`` is named as an account user: (sheet, row, column, Staff ID) per cell.

    What a finding about a person who is not on the Staff sheet rests on: a mistyped ID there (DQ-04)
    is the likelier story.
    """
    wanted = set(staff_ids)
    out: dict[str, list[tuple]] = {}
    if not wanted:
        return out
    accounts = data.frames["Accounts"]
    active = accounts[(accounts["Status"] == "Active").to_numpy()]
    admins = pd.DataFrame({"_row": active["_row"], "id": active["Administrators"].map(distinct_ids)}).explode("id")
    named = [("Accounts", "Administrators", admins["_row"], admins["id"])]
    for sheet, when, column in (("Posts", "Posted at", "Posted by"), ("Interactions", "Received at", "Responded by")):
        rows = period_rows(data, sheet, when, ctx)
        named.append((sheet, column, rows["_row"], rows[column]))
    for sheet, column, rows, ids in named:
        mine = ids.isin(wanted).to_numpy(dtype=bool)
        for row, staff_id in zip(rows[mine].tolist(), ids[mine].tolist()):
            out.setdefault(staff_id, []).append((sheet, int(row), column, staff_id))
    return out
