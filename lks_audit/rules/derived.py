"""The tables several rules (and the measures, the clocks and the DPO's detail) read the same way, built once per
audit period: :class:`Derived`.

Each table is a lazily computed property: the first reader builds it, every later one shares it (read-only), so
the interactions log, say, is copied for the period once however many rules read it. The audit makes one
:class:`Derived` per (data, context) and hands it to every rule's check; a context carries the parameters
(``respond_within_hours``, ``evidence_match_minutes``), so one object per context covers them.

Area modules import this module, never the other way round: the few tables that only one area reads (the
pictured students joined to consent, the account users' training, the consent register's names) are built here
too, so that each is built once and typed where it is declared.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from ..context import AuditContext
from ..deadlines import reply_due
from ..load import Dataset
from ..platforms.matching import REPLY_TOLERANCE_MINUTES, Evidence, PostMatch, instants_ms, match
from ..schema import ROW
from .base import distinct_ids, first_by_key, fmt_date, in_period, in_period_day, is_active
from .unknown import Tri, key_cells, test, unreadable

#: The date column that places each log sheet's rows in the audit period.
PERIOD_DATES = {"Posts": "Posted at", "Interactions": "Received at", "Incidents": "Reported at"}

#: Each log sheet's in-period table (a property of :class:`Derived`).
_IN_PERIOD = {"Posts": "posts_in_period", "Interactions": "interactions_in_period", "Incidents": "incidents_in_period"}
#: The logs whose writers in the period are account users (rules.md's "Account users"): sheet -> the column naming
#: who wrote a row, and what it makes them.
_LOG_WRITERS = {
    "Posts": ("Posted by", "posted in the period"),
    "Interactions": ("Responded by", "responded to interactions in the period"),
}
#: Those logs: sheet -> (its date column, the column naming who wrote it).
ACCOUNT_USER_LOGS = {sheet: (PERIOD_DATES[sheet], who) for sheet, (who, _) in _LOG_WRITERS.items()}
#: The columns account users are found from (TRN-01..03 and the training measure): the register's Status and
#: Administrators, and the logs' dates and writers.
ACCOUNT_USER_SOURCES = {"Accounts": ("Status", "Administrators"), **ACCOUNT_USER_LOGS}

#: The cells that tie a log row to what a platform shows (platform-exports.md's matching): its account, its time
#: and its Link.
_MATCHED_BY = {"Posts": ("Account ID", "Posted at", "Link"), "Interactions": ("Account ID", "Received at", "Link")}
_PAIR_POST_COLUMNS = ["Post ID", "Posted at", "Removed on", "Images of students", ROW]
#: A word token of a folded text (a name's and a post's words are compared token by token).
WORD = re.compile(r"\w+")


class RegisterName:
    """One distinct (student, name) of the consent register, folded for matching.

    Its regexes are compiled only when a post is a candidate, so 30,000 names cost little.
    """

    __slots__ = ("student", "words")

    def __init__(self, student: str | None, words: tuple[str, ...]) -> None:
        self.student = student
        self.words = words

    @property
    def bigram(self) -> tuple[str, str] | None:
        """The two tokens a post must hold in a row for the full name to be worth a regex.

        None when the name is one word, or does not start and end with a letter or digit: then no
        run of whole tokens stands for it, and it is checked against every post.
        """
        if len(self.words) < 2 or not (WORD.match(self.words[0]) and WORD.match(self.words[-1][-1])):
            return None
        tokens = WORD.findall(" ".join(self.words))
        return (tokens[0], tokens[1]) if len(tokens) > 1 else None

    @property
    def full_name(self) -> re.Pattern | None:
        """First name and surname, whole words, any run of white space between; None for a one-word name."""
        return _whole_words(r"\s+".join(map(re.escape, self.words))) if len(self.words) > 1 else None

    @property
    def first_name(self) -> re.Pattern:
        return _whole_words(re.escape(self.words[0]))


@lru_cache(maxsize=65536)
def _whole_words(body: str) -> re.Pattern:
    return re.compile(rf"\b{body}\b")


class Derived:
    """The shared tables of one audit period of ``data`` (see the module's docstring); read-only to every reader."""

    def __init__(self, data: Dataset, ctx: AuditContext) -> None:
        self.data = data
        self.ctx = ctx

    # --- the period's log rows ---------------------------------------------------------------------------------

    def in_period(self, sheet: str) -> pd.DataFrame:
        """The rows of a log sheet (Posts, Interactions or Incidents) dated inside the audit period (undated rows
        kept: they cannot be placed)."""
        return getattr(self, _IN_PERIOD[sheet])  # only the one asked for is built

    @cached_property
    def posts_in_period(self) -> pd.DataFrame:
        """In-period Posts rows, as the sheet indexes them: the content rules, the account users and the measures."""
        return self._period_rows("Posts")

    @cached_property
    def interactions_in_period(self) -> pd.DataFrame:
        """In-period Interactions rows (one copy of the log: it costs as much as a rule): the monitoring and
        evidence rules, the account users and the measures."""
        return self._period_rows("Interactions")

    @cached_property
    def incidents_in_period(self) -> pd.DataFrame:
        """Incidents reported in the period: the incidents rules and the measures."""
        return self._period_rows("Incidents")

    def _period_rows(self, sheet: str) -> pd.DataFrame:
        return in_period(self.data.frames[sheet], PERIOD_DATES[sheet], self.ctx)

    @cached_property
    def period_interactions(self) -> pd.DataFrame:
        """In-period interactions with their response deadline (rules.md) in ``_deadline``: INT-01, INT-02, the
        reply clock and the replies measure."""
        rows = self.interactions_in_period
        return rows.assign(_deadline=reply_due(rows["Received at"], self.ctx))

    @cached_property
    def period_posts(self) -> pd.DataFrame:
        """In-period posts (undated ones kept), numbered 0..n-1: the content, images and evidence rules."""
        return self.posts_in_period.reset_index(drop=True)

    @cached_property
    def pictured_students(self) -> pd.DataFrame:
        """One row per (in-period post, student it pictures): ``pos``, the post's place in :attr:`period_posts`,
        and ``Student ID``; in post order and as listed, a student listed twice on one post once. The images rules
        and PST-04."""
        positions, students = [], []
        for pos, ids in enumerate(self.period_posts["Students pictured"].tolist()):
            if isinstance(ids, tuple) and ids:
                listed = dict.fromkeys(ids)
                positions += [pos] * len(listed)
                students += listed
        return pd.DataFrame(
            {"pos": np.array(positions, dtype="int64"), "Student ID": pd.Series(students, dtype=object)}
        )

    @cached_property
    def pictured_pairs(self) -> pd.DataFrame:
        """One row per (in-period post, pictured Student ID) with the Consent row in force on the post's day:
        IMG-01, IMG-03, IMG-04 and the withdrawal clock.

        The row in force is the student's latest Consent row with Form received on <= the post's day
        (a form received that day counts; on a tie of dates the row further down the sheet wins). Its columns
        come back prefixed ``c:``; they are blank where no form is in force, including undated posts.
        """
        pictured = self.pictured_students
        pairs = self.period_posts[_PAIR_POST_COLUMNS].iloc[pictured["pos"].to_numpy()].reset_index(drop=True)
        pairs["Student ID"] = pictured["Student ID"].to_numpy()
        pairs["_day"] = pd.to_datetime(pairs["Posted at"]).dt.floor("D")

        consent = self.data.frames["Consent"]
        consent = consent[consent["Student ID"].notna() & consent["Form received on"].notna()]
        consent = consent.sort_values(["Form received on", ROW], kind="stable")
        consent = consent.add_prefix("c:").rename(columns={"c:Student ID": "Student ID"})
        # merge_asof wants the same dtype on both sides of ``by`` (ids may load as pandas strings).
        consent["Student ID"] = consent["Student ID"].astype(object)
        pairs["Student ID"] = pairs["Student ID"].astype(object)

        # Undated posts join on the earliest time there is, so they find no form (and no consent).
        pairs["_on"] = pairs["_day"].fillna(pd.Timestamp.min)
        ordered = pairs.reset_index().sort_values("_on", kind="stable")
        joined = pd.merge_asof(
            ordered,
            consent,
            left_on="_on",
            right_on="c:Form received on",
            by="Student ID",
            direction="backward",
            allow_exact_matches=True,
        )
        return joined.set_index("index").sort_index()

    @cached_property
    def register_names(self) -> list[RegisterName]:
        """Every distinct (Student ID, name) on the consent register (a student's forms may spell it differently):
        PST-03 and PST-04."""
        consent = self.data.frames["Consent"]
        seen: dict[tuple, RegisterName] = {}
        # A student's forms repeat their name: each (student, name) is split once. Names are read as normalised
        # text already (cells.read_text), so only case is folded here.
        for student, name in dict.fromkeys(zip(consent["Student ID"].tolist(), consent["Student name"].tolist())):
            if not isinstance(name, str):
                continue
            words = tuple(name.casefold().split())
            if words:
                seen.setdefault((student, words), RegisterName(student, words))
        return list(seen.values())

    # --- the account users ---------------------------------------------------------------------------------------

    @cached_property
    def account_users(self) -> pd.Series:
        """rules.md's account users: Staff ID -> how they use the accounts (sorted by Staff ID). Every
        administrator of an Active account, and everyone who posted or responded in the period: the people rules
        and the training measure."""
        accounts = self.data.frames["Accounts"]
        active = accounts[is_active(accounts)]
        admins = pd.DataFrame(
            {"Account ID": active["Account ID"], "Staff ID": active["Administrators"].map(distinct_ids)}
        )
        admins = admins.explode("Staff ID").dropna(subset=["Staff ID"])
        # Each administrator's accounts once each, in register order (an account with no ID still makes an admin).
        named = admins.dropna(subset=["Account ID"]).drop_duplicates()
        joined = named.groupby("Staff ID", sort=False)["Account ID"].agg(", ".join)
        staff = admins["Staff ID"].drop_duplicates()
        administers = "administers " + joined.reindex(staff, fill_value="")
        writers = [
            pd.Series(role, index=_named(self.in_period(sheet)[who]), dtype=object)
            for sheet, (who, role) in _LOG_WRITERS.items()
        ]
        roles = pd.concat([administers, *writers])
        return roles.groupby(level=0).agg("; ".join).sort_index()

    def account_user_cells(self, staff_ids: pd.Series) -> dict[str, list[tuple]]:
        """Where each of ``staff_ids`` is named as an account user: (sheet, row, column, Staff ID) per cell.

        What a finding about a person who is not on the Staff sheet rests on: a mistyped ID there (DQ-04)
        is the likelier story.
        """
        wanted = set(staff_ids)
        out: dict[str, list[tuple]] = {}
        if not wanted:
            return out
        accounts = self.data.frames["Accounts"]
        active = accounts[is_active(accounts)]
        admins = pd.DataFrame({ROW: active[ROW], "id": active["Administrators"].map(distinct_ids)}).explode("id")
        named = [("Accounts", "Administrators", admins[ROW], admins["id"])]
        for sheet, (_, column) in ACCOUNT_USER_LOGS.items():
            rows = self.in_period(sheet)
            named.append((sheet, column, rows[ROW], rows[column]))
        for sheet, column, rows, ids in named:
            mine = ids.isin(wanted).to_numpy(dtype=bool)
            for row, staff_id in zip(rows[mine].tolist(), ids[mine].tolist()):
                out.setdefault(staff_id, []).append((sheet, int(row), column, staff_id))
        return out

    @cached_property
    def account_users_training(self) -> pd.DataFrame:
        """One row per person who is, or may be, an account user, with their Staff row's dates; ``missing``: what
        TRN-01 finds missing as the cells read ('' when they have read the policy and been trained by ``as_of``);
        ``user``: a :class:`Tri` column's parts, ``user_open`` (only perhaps a user) and ``user_cells`` (the
        unreadable cells that leave it open); ``fails`` / ``fails_open``: TRN-01's test in three values.

        Shared by TRN-01, TRN-02 (not raised where TRN-01 is), its clock and TRN-03 (not raised for account users
        under TRN-01).
        """
        data, ctx = self.data, self.ctx
        users = self.account_users
        doubts, anyone, sure = self._doubtful_account_users()
        staff = staff_rows(data)[["Staff ID", "Policy read on", "Social media training on", "Latest refresher on", ROW]]
        staff = staff[staff["Staff ID"].notna()]
        maybe_ids = set(doubts) | (set(staff["Staff ID"]) if anyone else set())
        extra = sorted(maybe_ids - set(users.index))
        frame = pd.DataFrame(
            {
                "Staff ID": pd.Series(list(users.index) + extra, dtype=object),
                "roles": pd.Series(list(users.to_numpy()) + ["may be an account user" for _ in extra], dtype=object),
                "as_read": np.array([True] * len(users) + [False] * len(extra), dtype=bool),
            }
        )
        merged = frame.merge(staff, on="Staff ID", how="left", indicator=True)
        merged["on_staff_sheet"] = merged["_merge"] == "both"
        merged = merged.drop(columns="_merge")
        merged["missing"] = _not_read_or_trained(merged, ctx)
        user_open = ~merged["Staff ID"].isin(sure).to_numpy()
        merged["user_open"] = user_open
        merged["user_cells"] = [
            (doubts.get(s, []) + anyone) if is_open else [] for s, is_open in zip(merged["Staff ID"], user_open)
        ]
        # TRN-01's test in three values: a date that could not be read leaves it open, and so does a Staff ID on
        # no row while a Staff ID could not be read.
        on_sheet = merged["on_staff_sheet"].to_numpy()
        nowhere = Tri(~on_sheet, ~on_sheet & (len(key_cells(data, "Staff", "Staff ID")) > 0))
        fails = nowhere
        for column in ("Policy read on", "Social media training on"):
            undone = (merged[column].isna() | (merged[column] > ctx.as_of)).to_numpy()
            fails = fails | test(data, merged, "Staff", on_sheet & undone, column)
        merged["fails"], merged["fails_open"] = fails.yes, fails.unknown
        return merged

    def _doubtful_account_users(self) -> tuple[dict[str, list[tuple]], list[tuple], set[str]]:
        """Who is an account user only perhaps, because a cell that makes them one could not be read.

        Returns Staff ID -> the unreadable cells that leave it open (an administrator of an account whose Status
        could not be read, someone who posted or responded on a day that could not be read); the unreadable cells
        that could name anyone (an Administrators, Posted by or Responded by cell); and who is surely one.
        """
        data = self.data
        doubts: dict[str, list[tuple]] = {}
        anyone: list[tuple] = []
        sure: set[str] = set()
        accounts = data.frames["Accounts"]
        status_unread = unreadable(data, accounts, "Accounts", "Status")
        may_be_active = is_active(accounts) | status_unread
        admins_unread = unreadable(data, accounts, "Accounts", "Administrators")
        for row, ids, active, open_status, open_admins in zip(
            accounts[ROW].tolist(), accounts["Administrators"].tolist(), may_be_active.tolist(),
            status_unread.tolist(), admins_unread.tolist(),
        ):  # fmt: skip
            if not active:
                continue
            if open_admins:
                anyone.append(("Accounts", row, "Administrators"))
            for staff_id in distinct_ids(ids):
                if open_status:
                    doubts.setdefault(staff_id, []).append(("Accounts", row, "Status"))
                else:
                    sure.add(staff_id)
        for sheet, (when, column) in ACCOUNT_USER_LOGS.items():
            rows = self.in_period(sheet)
            day_unread = unreadable(data, rows, sheet, when)
            who_unread = unreadable(data, rows, sheet, column)
            if who_unread.any():
                anyone += [(sheet, r, column) for r in rows.loc[who_unread, ROW].tolist()]
            if not day_unread.any():  # the usual case: every day read, everyone named surely a user
                sure.update(i for i in pd.unique(rows[column].to_numpy()) if i is not None)
                continue
            named = rows[column].notna().to_numpy()
            sure.update(i for i in pd.unique(rows.loc[named & ~day_unread, column].to_numpy()))
            for staff_id, r in zip(rows.loc[named & day_unread, column].tolist(), rows.loc[named & day_unread, ROW]):
                doubts.setdefault(staff_id, []).append((sheet, int(r), when))
        return {k: v for k, v in doubts.items() if k not in sure}, anyone, sure

    # --- the platforms' own record (platform-exports.md) --------------------------------------------------------

    @cached_property
    def platform_evidence(self) -> Evidence | None:
        """The platform archives matched to the logs (:mod:`lks_audit.platforms.matching`); None without archives.
        The EVD rules, PST-03, PST-04, INT-01, INT-02 and the DPO's detail."""
        if self.data.exports is None:
            return None
        frames = self.data.frames
        return match(
            self.data.exports.archives,
            frames["Posts"],
            frames["Interactions"],
            self.ctx.params.evidence_match_minutes,
        )

    @cached_property
    def post_positions(self) -> dict[int, int]:
        """Excel row of each Posts row -> its place in the sheet's frame: PST-03 and PST-04 look up the log rows that
        published posts matched."""
        return dict(zip(self.data.frames["Posts"][ROW].tolist(), range(len(self.data.frames["Posts"]))))

    @cached_property
    def published_in_period(self) -> list[PostMatch]:
        """The archived posts published on a day of the audit period (UK time: 23:30 UTC on 31 August is on
        1 September), each with the log row it matched: what EVD-01 counts and PST-03 and PST-04 also read."""
        found = self.platform_evidence
        return [m for m in found.posts if in_period_day(self.ctx, m.local_ms)] if found else []

    def unsure_rows(self, sheet: str) -> pd.DataFrame:
        """The rows of ``sheet`` (Posts or Interactions) that matched nothing on the platforms but might have: a
        cell matching reads (Account ID, the time, Link) could not be read, and an archive of their account (of
        any, where the Account ID could not be read) holds a post or message that matched no row. Each with
        ``_cells``, those unreadable cells as (sheet, row, column), and ``_any``, whether its account could not
        be read. Rare: most schools have none, and then this is one look-up per column."""
        return self.unsure_posts if sheet == "Posts" else self.unsure_interactions

    @cached_property
    def unsure_posts(self) -> pd.DataFrame:
        """:meth:`unsure_rows` of Posts: EVD-01, EVD-02, PST-03 and PST-04."""
        return self._unsure_rows("Posts")

    @cached_property
    def unsure_interactions(self) -> pd.DataFrame:
        """:meth:`unsure_rows` of Interactions: EVD-04 and EVD-05."""
        return self._unsure_rows("Interactions")

    def _unsure_rows(self, sheet: str) -> pd.DataFrame:
        frame = self.data.frames[sheet]
        unread = {c: self.data.unknown.get((sheet, c), ()) for c in _MATCHED_BY[sheet]}
        bad = {c: set(rows.tolist()) for c, rows in unread.items() if len(rows)}
        found = self.platform_evidence
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

    def unsure_cells(self, sheet: str, account: str) -> list[tuple]:
        """The unreadable cells of :meth:`unsure_rows` that may tie one of ``account``'s unmatched posts or
        messages to a row of ``sheet``: a finding that it was never logged waits on them."""
        rows = self.unsure_rows(sheet)
        if not len(rows):
            return []
        mine = rows[rows["_any"].to_numpy(dtype=bool) | (rows["Account ID"] == account).to_numpy()]
        return [cell for cells in mine["_cells"].tolist() for cell in cells]

    @property
    def reply_time_differences(self) -> dict[int, tuple]:
        """EVD-05: Excel row of each in-period interaction whose logged First response at is more than an hour
        from the platform's time of the school's first reply -> (its query, whether the logged time could be
        read). A logged time that could not be read (DQ-02) counts too, to be confirmed: the platform's time is
        known. Where this holds, INT-01 and INT-02 use the platform's times; the DPO's detail lists them."""
        return self._reply_times[0]

    @property
    def reply_times_compared(self) -> int:
        """How many in-period interactions have both a logged First response at (read or not) and the platform's
        reply to compare it with: EVD-05's base."""
        return self._reply_times[1]

    @cached_property
    def _reply_times(self) -> tuple[dict[int, tuple], int]:
        """:attr:`reply_time_differences` and :attr:`reply_times_compared`, from one pass over the interactions
        the platforms show."""
        found = self.platform_evidence
        out: dict[int, tuple] = {}
        if found is None or not found.query_of_row:
            return out, 0
        rows = self.interactions_in_period
        rows = rows[rows[ROW].isin(list(found.query_of_row)).to_numpy()]  # only what the platforms show
        unread = unreadable(self.data, rows, "Interactions", "First response at")
        first, second, readable = instants_ms(rows["First response at"])
        compared = 0
        for i, row in enumerate(rows[ROW].tolist()):
            query = found.query_of_row[row]
            if query.reply_ms is None:
                continue
            if readable[i]:
                compared += 1
                apart = min(abs(int(first[i]) - query.reply_ms), abs(int(second[i]) - query.reply_ms))
                if apart > REPLY_TOLERANCE_MINUTES * 60_000:
                    out[row] = (query, True)
            elif unread[i]:
                compared += 1
                out[row] = (query, False)
        return out, compared

    @cached_property
    def platform_timed_interactions(self) -> pd.DataFrame:
        """:attr:`period_interactions`, where EVD-05 fires, with the platform's received and replied times (UK
        wall clock) and the deadline worked out again from them; ``_platform_times`` marks those rows (the column
        is there only when there are any). What INT-01, INT-02 and the replies measure read (platform-exports.md:
        "INT-01 and INT-02 use the platform's times")."""
        ctx = self.ctx
        rows = self.period_interactions
        differ = self.reply_time_differences if self.data.exports is not None else {}
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
            rows.loc[mask, "_deadline"] = reply_due(received, ctx)
        return rows


def staff_rows(data: Dataset) -> pd.DataFrame:
    """Staff rows, a repeated Staff ID counted once (its first row, as DQ-03 keeps it); blank IDs kept."""
    return first_by_key(data.frames["Staff"], "Staff ID", keep_blank=True)


def _named(ids: pd.Series) -> list[str]:
    """The distinct IDs of a column, blanks left out, in the order first written (the few distinct values are
    sifted for blanks, not the many rows)."""
    return [i for i in pd.unique(ids.to_numpy()) if isinstance(i, str)]


def _not_read_or_trained(users: pd.DataFrame, ctx: AuditContext) -> pd.Series:
    """TRN-01 per account user: what is missing, or '' when they are compliant."""
    as_of = fmt_date(ctx.as_of)
    checks = (("Policy read on", "reading the policy"), ("Social media training on", "training"))

    def problems(on_staff_sheet: bool, *dates: pd.Timestamp) -> str:
        if not on_staff_sheet:
            return "is not on the Staff sheet, so reading the policy and training cannot be shown"
        out = []
        for (column, what), when in zip(checks, dates):
            if pd.isna(when):
                out.append(f"has no {column} date")
            elif when > ctx.as_of:
                out.append(f"has {column} {fmt_date(when)}, after {as_of} ({what} is not yet done)")
        return " and ".join(out)

    found = map(problems, users["on_staff_sheet"].tolist(), *(users[column].tolist() for column, _ in checks))
    return pd.Series(list(found), index=users.index, dtype=object)
