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
from ..schema import ROW


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
    return [k if isinstance(k, str) else f"on row {r}" for k, r in zip(frame[key].tolist(), frame[ROW].tolist())]


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


def is_active(accounts: pd.DataFrame) -> np.ndarray:
    """Each account of the register is Active (a live account: not Closed or Transferred), as its Status reads;
    False where the Status could not be read (the rules that need to know say so: ``unreadable``)."""
    return (accounts["Status"] == "Active").to_numpy()


def _account_users(data, ctx) -> pd.Series:
    accounts = data.frames["Accounts"]
    active = accounts[is_active(accounts)]
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
    active = accounts[is_active(accounts)]
    admins = pd.DataFrame({ROW: active[ROW], "id": active["Administrators"].map(distinct_ids)}).explode("id")
    named = [("Accounts", "Administrators", admins[ROW], admins["id"])]
    for sheet, when, column in (("Posts", "Posted at", "Posted by"), ("Interactions", "Received at", "Responded by")):
        rows = period_rows(data, sheet, when, ctx)
        named.append((sheet, column, rows[ROW], rows[column]))
    for sheet, column, rows, ids in named:
        mine = ids.isin(wanted).to_numpy(dtype=bool)
        for row, staff_id in zip(rows[mine].tolist(), ids[mine].tolist()):
            out.setdefault(staff_id, []).append((sheet, int(row), column, staff_id))
    return out


# --- the platforms' own record (platform-exports.md) -------------------------------------------------------


def with_archives(data) -> bool:
    """Whether the data folder has platform archives (``platform_exports/``): without them the EVD rules have
    nothing to check."""
    return data.exports is not None


def platform_evidence(data, ctx):
    """The platform archives matched to the logs (:mod:`lks_audit.platforms.matching`), once per audit; None
    without archives. Shared by the EVD rules, PST-03, PST-04, INT-01 and INT-02 (read-only)."""
    if data.exports is None:
        return None
    key = ("platform_evidence", ctx.params.evidence_match_minutes)
    if key not in data.derived:
        from ..platforms.matching import match

        data.derived[key] = match(
            data.exports.archives,
            data.frames["Posts"],
            data.frames["Interactions"],
            ctx.params.evidence_match_minutes,
        )
    return data.derived[key]


def in_period_day(ctx, local_ms: int) -> bool:
    """Whether a UK wall-clock time (milliseconds, as matching keeps them) falls on a day of the audit period."""
    day = local_ms // 86_400_000
    return ctx.start.value // 86_400_000_000_000 <= day <= ctx.end.value // 86_400_000_000_000


def published_in_period(data, ctx) -> list:
    """The archived posts published on a day of the audit period (UK time: 23:30 UTC on 31 August is on
    1 September), each with the log row it matched: what EVD-01 counts and PST-03 and PST-04 also read."""
    key = ("published_in_period", ctx.start, ctx.end, ctx.params.evidence_match_minutes)
    if key not in data.derived:
        found = platform_evidence(data, ctx)
        data.derived[key] = [m for m in found.posts if in_period_day(ctx, m.local_ms)] if found else []
    return data.derived[key]


#: The cells that tie a log row to what a platform shows (platform-exports.md's matching): its account, its time
#: and its Link.
_MATCHED_BY = {"Posts": ("Account ID", "Posted at", "Link"), "Interactions": ("Account ID", "Received at", "Link")}


def unsure_rows(data, ctx, sheet: str) -> pd.DataFrame:
    """The rows of ``sheet`` (Posts or Interactions) that matched nothing on the platforms but might have: a cell
    matching reads (Account ID, the time, Link) could not be read, and an archive of their account (of any, where
    the Account ID could not be read) holds a post or message that matched no row. Each with ``_cells``, those
    unreadable cells as (sheet, row, column), and ``_any``, whether its account could not be read. Rare: most
    schools have none, and then this is one look-up per column."""
    key = ("unsure_rows", sheet, ctx.start, ctx.end, ctx.params.evidence_match_minutes)
    if key not in data.derived:
        data.derived[key] = _unsure_rows(data, ctx, sheet)
    return data.derived[key]


def _unsure_rows(data, ctx, sheet: str) -> pd.DataFrame:
    frame = data.frames[sheet]
    unread = {c: data.unknown.get((sheet, c), ()) for c in _MATCHED_BY[sheet]}
    bad = {c: set(rows.tolist()) for c, rows in unread.items() if len(rows)}
    found = platform_evidence(data, ctx)
    if not bad or found is None:
        return frame.iloc[:0].assign(_cells=[], _any=[])
    taken = found.post_of_row if sheet == "Posts" else found.query_of_row
    waiting = {m.archive.account for m in (found.posts if sheet == "Posts" else found.queries) if m.row is None}
    rows = frame[frame[ROW].isin(list(set().union(*bad.values()))).to_numpy()]
    rows = rows[~rows[ROW].isin(list(taken)).to_numpy()]
    anyone = rows[ROW].isin(list(bad.get("Account ID", ()))).to_numpy()
    rows = rows.assign(_any=anyone)[(anyone & bool(waiting)) | rows["Account ID"].isin(list(waiting)).to_numpy()]
    cells = [[(sheet, r, c) for c, unread in bad.items() if r in unread] for r in rows[ROW].tolist()]
    return rows.assign(_cells=pd.Series(cells, index=rows.index, dtype=object))


def unsure_cells(data, ctx, sheet: str, account: str) -> list[tuple]:
    """The unreadable cells of :func:`unsure_rows` that may tie one of ``account``'s unmatched posts or messages
    to a row of ``sheet``: a finding that it was never logged waits on them."""
    rows = unsure_rows(data, ctx, sheet)
    if not len(rows):
        return []
    mine = rows[rows["_any"].to_numpy(dtype=bool) | (rows["Account ID"] == account).to_numpy()]
    return [cell for cells in mine["_cells"].tolist() for cell in cells]


def unreadable_cells(data) -> set[tuple]:
    """(sheet, Excel row, column) of every cell that could not be read (DQ-02)."""
    if "unreadable_cells" not in data.derived:
        data.derived["unreadable_cells"] = {(f.sheet, f.row, f.column) for f in data.cell_faults}
    return data.derived["unreadable_cells"]


def reply_time_differences(data, ctx) -> dict[int, tuple]:
    """EVD-05: Excel row of each in-period interaction whose logged First response at is more than an hour from
    the platform's time of the school's first reply -> (its query, whether the logged time could be read).
    A logged time that could not be read (DQ-02) counts too, to be confirmed: the platform's time is known.
    Where this holds, INT-01 and INT-02 use the platform's times."""
    key = ("reply_time_differences", ctx.start, ctx.end, ctx.params.evidence_match_minutes)
    if key not in data.derived:
        data.derived[key] = _reply_time_differences(data, ctx)
    return data.derived[key]


def _reply_time_differences(data, ctx) -> dict[int, tuple]:
    from ..platforms.matching import REPLY_TOLERANCE_MINUTES, instants_ms

    found = platform_evidence(data, ctx)
    out: dict[int, tuple] = {}
    if found is None or not found.query_of_row:
        return out
    rows = period_rows(data, "Interactions", "Received at", ctx)
    rows = rows[rows[ROW].isin(list(found.query_of_row)).to_numpy()]  # only what the platforms show
    faults = unreadable_cells(data)
    first, second, readable = instants_ms(rows["First response at"])
    for i, row in enumerate(rows[ROW].tolist()):
        query = found.query_of_row[row]
        if query.reply_ms is None:
            continue
        if readable[i]:
            apart = min(abs(int(first[i]) - query.reply_ms), abs(int(second[i]) - query.reply_ms))
            if apart > REPLY_TOLERANCE_MINUTES * 60_000:
                out[row] = (query, True)
        elif ("Interactions", row, "First response at") in faults:
            out[row] = (query, False)
    return out


def unread_account_replies(data, ctx, rows: pd.DataFrame) -> dict[int, list]:
    """Excel row of each of ``rows`` (in-period interactions) whose Account ID could not be read -> the platform's
    queries that EVD-05 would have compared with it had it been read: no row matched them, the school replied on the
    platform, they were received within evidence_match_minutes of its Received at (on any account: the row may be
    any account's), and that reply is more than the tolerance from its logged First response at, or that cell could
    not be read. Where one of them would change INT-01's or INT-02's outcome, the log's times cannot settle it."""
    from ..platforms.matching import REPLY_TOLERANCE_MINUTES, instants_ms

    found = platform_evidence(data, ctx)
    unread = data.unknown.get(("Interactions", "Account ID"), ())
    if found is None or not len(unread):
        return {}
    rows = rows[np.isin(rows[ROW].to_numpy(), unread)]
    free = [q for q in found.queries if q.row is None and q.reply_ms is not None]
    if not len(rows) or not free:
        return {}
    window = ctx.params.evidence_match_minutes * 60_000
    tolerance = REPLY_TOLERANCE_MINUTES * 60_000
    faults = unreadable_cells(data)
    received = instants_ms(rows["Received at"])
    replied = instants_ms(rows["First response at"])
    out: dict[int, list] = {}
    for i, row in enumerate(rows[ROW].tolist()):
        if not received[2][i]:
            continue  # its deadline is unknown anyway: undecided
        reply_unread = ("Interactions", row, "First response at") in faults
        if not (replied[2][i] or reply_unread):
            continue  # no reply logged: EVD-05 compares nothing, the log's blank stands

        def near(at: int, instants: tuple, i: int = i) -> int:
            return min(abs(int(instants[0][i]) - at), abs(int(instants[1][i]) - at))

        doubt = [
            q
            for q in free
            if near(q.at_ms, received) <= window and (reply_unread or near(q.reply_ms, replied) > tolerance)
        ]
        if doubt:
            out[row] = doubt
    return out


def reply_times_compared(data, ctx) -> int:
    """How many in-period interactions have both a logged First response at (read or not) and the platform's
    reply to compare it with: EVD-05's base."""
    found = platform_evidence(data, ctx)
    if found is None:
        return 0
    rows = period_rows(data, "Interactions", "Received at", ctx)
    rows = rows[rows[ROW].isin(list(found.query_of_row)).to_numpy()]  # only what the platforms show
    faults = unreadable_cells(data)
    return sum(
        1
        for row, response in zip(rows[ROW].tolist(), rows["First response at"].notna().tolist())
        if found.query_of_row[row].reply_ms is not None
        and (response or ("Interactions", row, "First response at") in faults)
    )


def platform_timed_interactions(data, ctx) -> pd.DataFrame:
    """:func:`period_interactions`, where EVD-05 fires, with the platform's received and replied times (UK wall
    clock) and the deadline worked out again from them; ``_platform_times`` marks those rows (the column is there
    only when there are any). What INT-01, INT-02 and the replies measure read (platform-exports.md: "INT-01 and
    INT-02 use the platform's times")."""
    key = ("platform_timed_interactions", ctx.start, ctx.end, ctx.params.respond_within_hours)
    if key in data.derived:
        return data.derived[key]
    rows = period_interactions(data, ctx)
    differ = reply_time_differences(data, ctx) if data.exports is not None else {}
    mask = rows[ROW].isin(list(differ)).to_numpy()
    if mask.any():  # else the log's own times, the frame shared as it is (no copy of every interaction)
        # ``_time_row``: the Excel row whose time cells a rule looks up as unreadable; none where the times are
        # the platform's (read from its archive, never unknown).
        rows = rows.assign(_platform_times=mask, _time_row=rows[ROW].where(~mask, -1))
        queries = [differ[row][0] for row in rows.loc[mask, ROW].tolist()]
        received = pd.Series([q.london for q in queries], index=rows.index[mask], dtype="datetime64[ns]")
        replied = pd.Series([q.reply_london for q in queries], index=rows.index[mask], dtype="datetime64[ns]")
        rows.loc[mask, "Received at"] = received
        rows.loc[mask, "First response at"] = replied
        rows.loc[mask, "_deadline"] = ctx.calendar.response_deadline(received, ctx.params.respond_within_hours)
    data.derived[key] = rows
    return rows


def time_rows(rows: pd.DataFrame) -> str:
    """The column of :func:`platform_timed_interactions`'s rows that says where to look up unreadable time cells:
    ``_time_row`` when some times are the platform's, else ``_row``."""
    return "_time_row" if "_time_row" in rows else ROW
