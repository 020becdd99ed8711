"""EVD-01..EVD-05 and the name and reply rules on the platforms' record, case by case (platform-exports.md).

Each case is a small school in memory with one archive written to disk: times in UTC on the platform, UK wall
clock in the log, so every case also tests the conversion (British Summer Time in spring and autumn).
"""

from __future__ import annotations

import datetime as dt

import pytest

from lks_audit.platforms.records import Record, ms_of
from lks_audit.read import uncalculated
from lks_audit.sample import platform_writers as w

from school import audit_rows, by_rule, t

ACCOUNTS = [
    {"Account ID": "ACC-X", "Platform": "X", "Account name": "@LKS"},
    {"Account ID": "ACC-F", "Platform": "Facebook", "Account name": "Little Kinvaston School"},
]
CONSENT = [
    {"Student ID": "ST1", "Student name": "Amelia Hart", "Form received on": dt.date(2025, 9, 2),
     "Social media consent": True},
    {"Student ID": "ST2", "Student name": "Noah Price", "Form received on": dt.date(2025, 9, 2),
     "Social media consent": True},
]  # fmt: skip
OWN_ID = "123"
TEXT = "Well done to Year 5 on a brilliant netball tournament."


def utc(*moment) -> int:
    return ms_of(dt.datetime(*moment, tzinfo=dt.UTC))


def tweet(at: int, text: str = TEXT, sequence: int = 0, reply_to=None) -> Record:
    return Record(w.snowflake(at, sequence), at, text, reply_to)


def post_row(post_id, when, text=TEXT, account="ACC-X", **more) -> dict:
    return {"Post ID": post_id, "Account ID": account, "Posted at": when, "Post text": text, **more}


def audit(tmp_path, posts=(), tweets=(), replies=(), messages=(), interactions=(), facebook=None, **kw):
    """The school with its X archive (and a Facebook one when ``facebook`` gives its posts and messages)."""
    root = tmp_path / "platform_exports"
    names = {r.reply_to: "aparent" for r in replies}
    w.write_archive(w.x_archive("LKS", OWN_ID, list(tweets), list(replies), list(messages), reply_names=names),
                    root / "ACC-X")  # fmt: skip
    if facebook is not None:
        w.write_archive(w.facebook_archive("Little Kinvaston School", *facebook), root / "ACC-F")
    kw.setdefault("as_of", "2026-08-31")
    kw.setdefault("Accounts", ACCOUNTS)
    return audit_rows(folder=tmp_path, Posts=list(posts), Interactions=list(interactions), Consent=CONSENT, **kw)


def counts(result) -> dict[str, int]:
    return {r: len(by_rule(result, r)) for r in ("EVD-01", "EVD-02", "EVD-03", "EVD-04", "EVD-05")}


# --- posts: by ID, else by time and text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "logged", "minutes", "found"),
    [
        (utc(2026, 3, 11, 9, 10), t(2026, 3, 11, 9, 30), None, (0, 0)),  # GMT in March: 20 minutes
        (utc(2026, 3, 11, 9, 10), t(2026, 3, 11, 9, 41), None, (1, 1)),  # 31 minutes: not the same post
        (utc(2026, 3, 11, 9, 10), t(2026, 3, 11, 9, 41), 45, (0, 0)),  # ... unless evidence_match_minutes says so
        (utc(2026, 5, 13, 9, 10), t(2026, 5, 13, 10, 30), None, (0, 0)),  # 09:10 UTC is 10:10 BST: 20 minutes
        (utc(2026, 5, 13, 9, 10), t(2026, 5, 13, 9, 30), None, (1, 1)),  # the UTC time typed: 40 minutes out
    ],
)
def test_a_post_matches_a_log_row_within_the_minutes_in_uk_time(tmp_path, published, logged, minutes, found):
    result = audit(
        tmp_path,
        posts=[post_row("P1", logged)],
        tweets=[tweet(published)],
        params={"evidence_match_minutes": minutes} if minutes else None,
    )
    assert (len(by_rule(result, "EVD-01")), len(by_rule(result, "EVD-02"))) == found


def test_british_summer_time_and_a_post_at_half_past_midnight_on_1_september(tmp_path):
    # 23:30 UTC on 31 August is 00:30 BST on 1 September: in the 2025-26 period, logged at 00:30.
    first_day = tweet(utc(2025, 8, 31, 23, 30))
    result = audit(tmp_path, posts=[post_row("P1", t(2025, 9, 1, 0, 30))], tweets=[first_day])
    assert counts(result) == dict.fromkeys(counts(result), 0)
    assert result.summary["rules"]["EVD-01"]["checked"] == 1
    # 22:30 UTC on 31 August is 23:30 BST that day: before the period, not counted at all.
    before = audit(tmp_path / "before", tweets=[tweet(utc(2025, 8, 31, 22, 30))])
    assert before.summary["rules"]["EVD-01"]["checked"] == 0


@pytest.mark.parametrize("published", [utc(2025, 10, 26, 0, 40), utc(2025, 10, 26, 1, 40)])
def test_a_log_time_in_the_repeated_october_hour_matches_either_instant(tmp_path, published):
    result = audit(tmp_path, posts=[post_row("P1", t(2025, 10, 26, 1, 40))], tweets=[tweet(published)])
    assert counts(result)["EVD-01"] == 0


def test_by_id_in_link_three_hours_out_and_by_time_alone_for_a_photo(tmp_path):
    at = utc(2026, 1, 7, 10, 2)
    video = tweet(at, "A new term begins")
    photo = tweet(utc(2026, 1, 8, 12, 0), "", 1)
    posts = [
        post_row(
            "P1", t(2026, 1, 7, 13, 2), "New term: welcome back", Link=f"https://x.com/LKS/status/{video.id}?s=20"
        ),
        post_row("P2", t(2026, 1, 8, 12, 10), "Photo of the new library"),
    ]
    result = audit(tmp_path, posts=posts, tweets=[video, photo])
    assert counts(result) == {"EVD-01": 0, "EVD-02": 0, "EVD-03": 1, "EVD-04": 0, "EVD-05": 0}
    (edited,) = by_rule(result, "EVD-03")  # matched by ID, its texts differ; the photo had none to compare
    assert edited.record == "P1" and "similarity" in edited.message
    assert result.summary["rules"]["EVD-03"]["checked"] == 1
    without_link = audit(tmp_path / "no-link", posts=[post_row("P1", t(2026, 1, 7, 13, 2))], tweets=[video])
    assert counts(without_link)["EVD-01"] == counts(without_link)["EVD-02"] == 1


def test_similar_texts_match_and_differences_below_95_percent_are_evd_03(tmp_path):
    at = utc(2026, 2, 4, 9, 0)
    posts = [
        post_row("P1", t(2026, 2, 4, 9, 0), TEXT),
        post_row("P2", t(2026, 2, 4, 11, 0), "Well done Year 5 on the netball tournament."),
        post_row("P3", t(2026, 2, 4, 13, 0), "Term dates are on the website"),
    ]
    tweets = [
        tweet(at, TEXT.upper() + " 🎉 https://t.co/xyz"),  # same after normalising: no finding
        tweet(at + 2 * 3_600_000, "Well done Year 5 on a brilliant netball tournament!", 1),  # similar: EVD-03
        tweet(at + 4 * 3_600_000, "Our swimming gala results are in", 2),  # not similar: not the same post
    ]
    result = audit(tmp_path, posts=posts, tweets=tweets)
    assert counts(result) == {"EVD-01": 1, "EVD-02": 1, "EVD-03": 1, "EVD-04": 0, "EVD-05": 0}
    assert [f.record for f in by_rule(result, "EVD-03")] == ["P2"]
    assert [f.record for f in by_rule(result, "EVD-02")] == ["P3"]
    assert by_rule(result, "EVD-01")[0].id == f"EVD-01:ACC-X:{tweets[2].id}"


def test_one_to_one_the_closest_in_time_wins(tmp_path):
    posts = [post_row("P1", t(2026, 2, 4, 9, 0))]
    tweets = [tweet(utc(2026, 2, 4, 9, 10)), tweet(utc(2026, 2, 4, 9, 4), sequence=1)]
    result = audit(tmp_path, posts=posts, tweets=tweets)
    (unlogged,) = by_rule(result, "EVD-01")
    assert unlogged.id == f"EVD-01:ACC-X:{tweets[0].id}" and unlogged.source == "platform"


def test_evd_02_only_where_the_archive_covers_the_day_and_no_removal_is_recorded(tmp_path):
    tweets = [tweet(utc(2026, 2, 1, 9, 0)), tweet(utc(2026, 6, 1, 9, 0), sequence=1)]
    posts = [
        post_row("P1", t(2026, 2, 1, 9, 0)),
        post_row("P2", t(2026, 6, 1, 10, 0)),
        post_row("P-before", t(2026, 1, 10, 9, 0), "Before the archive's first post"),
        post_row("P-gone", t(2026, 3, 1, 9, 0), "Taken down", **{"Removed on": dt.date(2026, 3, 2)}),
        post_row("P-lost", t(2026, 3, 2, 9, 0), "Never found"),
        post_row("P-typo", t(2026, 3, 3, 9, 0), "Removed, date mistyped", **{"Removed on": "31/02/2026"}),
        post_row("P-other", t(2026, 3, 4, 9, 0), "On an account without an archive", account="ACC-L"),
    ]
    result = audit(tmp_path, posts=posts, tweets=tweets)
    assert sorted((f.record, bool(f.depends_on)) for f in by_rule(result, "EVD-02")) == [
        ("P-lost", False),
        ("P-typo", True),
    ]
    assert result.summary["rules"]["EVD-02"]["checked"] == 5


def test_an_unreadable_posted_at_makes_an_unlogged_post_one_to_confirm(tmp_path):
    posts = [post_row("P1", "31/02/2026 09:00")]
    result = audit(tmp_path, posts=posts, tweets=[tweet(utc(2026, 2, 10, 9, 0))])
    (unlogged,) = by_rule(result, "EVD-01")
    assert unlogged.depends_on and unlogged.depends_on[0].startswith("DQ-02:")
    assert not unlogged.is_open


def test_a_log_row_that_may_be_the_post_leaves_it_undecided_and_the_post_to_confirm(tmp_path):
    """Unknown is not blank: a Posted at that could not be read may be the platform's post, so that post is never
    logged only to confirm, and the row is neither missing from the archive (EVD-02) nor a changed caption
    (EVD-03) until it is fixed; a matched post whose logged text could not be read is undecided for EVD-03."""
    posts = [post_row("P1", "31/02/2026 09:00"), post_row("P2", t(2026, 2, 12, 9, 0), uncalculated("A1&B1"))]
    result = audit(
        tmp_path, posts=posts, tweets=[tweet(utc(2026, 2, 10, 9, 0)), tweet(utc(2026, 2, 12, 9, 0), sequence=1)]
    )
    assert [bool(f.depends_on) for f in by_rule(result, "EVD-01")] == [True]
    assert by_rule(result, "EVD-02") == by_rule(result, "EVD-03") == []
    undecided = sorted((u.rule, u.record, bool(u.waits_on)) for u in result.undecided if u.rule.startswith("EVD"))
    assert undecided == [("EVD-02", "P1", True), ("EVD-03", "P1", True), ("EVD-03", "P2", True)]
    assert result.summary["rules"]["EVD-02"]["checked"] == 1  # P2, found on the platform


def test_an_archive_may_belong_to_an_account_id_that_could_not_be_read(tmp_path):
    accounts = [{**ACCOUNTS[0], "Account ID": uncalculated('"ACC-"&"X"')}, ACCOUNTS[1]]
    result = audit(tmp_path, tweets=[tweet(utc(2026, 2, 10, 9, 0))], Accounts=accounts)
    assert [f.id.split(":")[1] for f in by_rule(result, "EVD-01")] == ["ACC-X"]
    assert any("could not be read and may be it" in n.detail for n in result.notices)


# --- the name rules on what was really published ------------------------------------------------------------


def test_a_full_name_only_on_the_platform_is_pst_03_from_the_platform(tmp_path):
    at = utc(2026, 2, 4, 9, 0)
    tweets = [
        tweet(at, "Congratulations to Amelia Hart, county chess champion!"),  # logged without the name
        tweet(at + 3_600_000, "Well done Noah Price on a brilliant race!", 1),  # never logged
    ]
    posts = [post_row("P1", t(2026, 2, 4, 9, 0), "Congratulations to our county chess champion!")]
    result = audit(tmp_path, posts=posts, tweets=tweets)
    found = sorted((f.id, f.source, f.file) for f in by_rule(result, "PST-03"))
    assert found == [
        (f"PST-03:ACC-X:{tweets[1].id}:ST2", "platform", "platform_exports/ACC-X.zip"),
        ("PST-03:P1:ST1", "platform", "posts_log.xlsx"),
    ]
    assert result.summary["rules"]["PST-03"]["checked"] == 2  # the logged post, and the one only published
    logged_too = audit(
        tmp_path / "both", posts=[post_row("P1", t(2026, 2, 4, 9, 0), tweets[0].text)], tweets=[tweets[0]]
    )
    assert [(f.id, f.source) for f in by_rule(logged_too, "PST-03")] == [("PST-03:P1:ST1", None)]


def test_a_pictured_students_first_name_only_on_the_platform_is_pst_04_from_the_platform(tmp_path):
    at = utc(2026, 5, 6, 15, 0)
    posts = [post_row("P1", t(2026, 5, 6, 16, 0), "A brilliant race today!", **{"Images of students": True,
                      "Students pictured": ["ST1", "ST2"]})]  # fmt: skip
    result = audit(tmp_path, posts=posts, tweets=[tweet(at, "A brilliant race today, well done Noah!")])
    assert [(f.id, f.source) for f in by_rule(result, "PST-04")] == [("PST-04:P1:ST2", "platform")]
    assert [f.record for f in by_rule(result, "EVD-03")] == ["P1"]


# --- messages and replies --------------------------------------------------------------------------------------


def dm(at, text, sender, conversation="c1", ident=None) -> Record:
    return Record(ident or str(at), at, text, None, sender, conversation)


def interaction(iid, received, responded=None, account="ACC-X", **more) -> dict:
    return {"Interaction ID": iid, "Account ID": account, "Received at": received, "First response at": responded,
            "Type": "Message", **more}  # fmt: skip


def test_evd_04_counts_each_new_query_and_finds_the_unlogged_one(tmp_path):
    at = utc(2026, 3, 2, 10, 0)
    messages = [
        dm(at, "Hello, is there a disco on Friday?", "555"),
        dm(at + 60_000, "And what time does it end?", "555"),  # the same query: no reply yet
        dm(at + 3_600_000, "Yes, 6 to 8pm.", OWN_ID),
        dm(at + 7_200_000, "Thank you!", "555"),  # a new query after the school's reply
        dm(at + 86_400_000, "Can my child bring a friend?", "777", "c2"),
    ]
    logged = [interaction("I-1", t(2026, 3, 2, 10, 5), t(2026, 3, 2, 11, 0)), interaction("I-2", t(2026, 3, 3, 10, 0))]
    result = audit(tmp_path, messages=messages, interactions=logged)
    assert result.summary["rules"]["EVD-04"]["checked"] == 3
    (unlogged,) = by_rule(result, "EVD-04")
    assert unlogged.id == f"EVD-04:ACC-X:{messages[3].id}" and "Thank you!" in unlogged.message


def test_evd_05_and_int_01_on_the_platforms_times(tmp_path):
    at = utc(2026, 3, 2, 10, 0)  # a Monday, 10:00 GMT
    messages = [
        dm(at, "Can I book a parents' evening slot?", "555", "c1", "m1"),
        dm(at + 26 * 3_600_000, "Yes, here is the link.", OWN_ID, "c1", "m2"),  # replied 26 hours later
        dm(at + 3_600_000, "Is the trip still on?", "777", "c2", "m3"),
        dm(at + 3 * 3_600_000, "Yes it is.", OWN_ID, "c2", "m4"),  # replied within 2 hours
    ]
    logged = [
        interaction("I-1", t(2026, 3, 2, 10, 0), t(2026, 3, 2, 11, 0)),  # logged as answered in an hour
        interaction("I-2", t(2026, 3, 2, 11, 0), t(2026, 3, 4, 12, 0)),  # logged as answered two days later
    ]
    result = audit(tmp_path, messages=messages, interactions=logged)
    assert sorted(f.record for f in by_rule(result, "EVD-05")) == ["I-1", "I-2"]
    # INT-01 reads the platform's times where EVD-05 fires: I-1 was late on the platform, I-2 was not.
    (late,) = by_rule(result, "INT-01")
    assert (
        late.record == "I-1" and "26.0 hours after receipt" in late.message and "platform's own record" in late.message
    )


def test_an_x_reply_is_matched_by_the_snowflake_of_the_tweet_it_answers(tmp_path):
    received = utc(2026, 3, 2, 18, 30)
    theirs = w.snowflake(received, 3)
    reply = tweet(received + 30 * 3_600_000, "@aparent Thank you!", 1, reply_to=theirs)
    logged = [interaction("I-1", t(2026, 3, 2, 18, 31), t(2026, 3, 2, 19, 0), Type="Comment")]
    result = audit(tmp_path, replies=[reply], interactions=logged)
    (differs,) = by_rule(result, "EVD-05")
    assert differs.record == "I-1" and "30.0 hours" not in differs.message and "later" in differs.message
    assert [f.record for f in by_rule(result, "INT-01")] == ["I-1"]  # 30 hours on the platform: late
    assert counts(result)["EVD-04"] == 0  # a comment replied to is not a direct message


def test_an_unreadable_response_time_is_evd_05_to_confirm_and_no_int_02(tmp_path):
    at = utc(2026, 3, 2, 10, 0)
    messages = [dm(at, "Hello?", "555", "c1", "m1"), dm(at + 3_600_000, "Hello!", OWN_ID, "c1", "m2")]
    logged = [interaction("I-1", t(2026, 3, 2, 10, 0), "12/31/2026 10:15")]
    result = audit(tmp_path, messages=messages, interactions=logged)
    (differs,) = by_rule(result, "EVD-05")
    assert differs.depends_on and "could not be read" in differs.message
    assert by_rule(result, "INT-02") == []  # the platform shows the reply an hour later
    without = audit_rows(Accounts=ACCOUNTS, Interactions=logged, as_of="2026-08-31")
    assert [f.depends_on != () for f in by_rule(without, "INT-02")] == [True]


def test_facebook_messages_are_told_apart_by_the_pages_name(tmp_path):
    at = utc(2026, 6, 2, 9, 0)  # 10:00 BST
    messages = [
        Record(None, at, "Hi, is the fete on Saturday?", sender="Robin Ashdown", conversation="robinashdown_1"),
        Record(None, at + 600_000, "Yes, from noon!", sender="Little Kinvaston School", conversation="robinashdown_1"),
    ]
    logged = [interaction("I-1", t(2026, 6, 2, 10, 0), t(2026, 6, 2, 10, 10), account="ACC-F")]
    result = audit(tmp_path, facebook=([], messages), interactions=logged)
    assert counts(result) == dict.fromkeys(counts(result), 0)
    assert result.summary["rules"]["EVD-04"]["checked"] == 1 and result.summary["rules"]["EVD-05"]["checked"] == 1


# --- the DPO's detail of it --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("archives", "says"),
    [
        (None, "No platform archive was in the data folder (platform_exports/)"),
        ({"ACC-L.zip": b"PK"}, "No archive in the folder could be used (see above)"),
        ({"ACC-X.zip": None}, "Posts on the platforms never logged (1)"),
    ],
)
def test_the_dpos_detail_says_what_was_checked_against_the_platforms(tmp_path, archives, says):
    from lks_audit.handover import ReportParameters
    from lks_audit.outputs.detail import platforms as platform_record
    from lks_audit.outputs.review_data import load_review

    from school import write_school

    accounts = ACCOUNTS + [{"Account ID": "ACC-L", "Platform": "LinkedIn", "Account name": "LKS"}]
    write_school(tmp_path, Accounts=accounts, Posts=[post_row("P1", t(2026, 2, 4, 9, 0))], Consent=CONSENT)
    for name, content in (archives or {}).items():
        root = tmp_path / "platform_exports"
        if content is None:
            w.write_archive(w.x_archive("LKS", OWN_ID, [tweet(utc(2026, 2, 4, 9, 0)), tweet(utc(2026, 3, 1, 9), "Hi")]),
                            root / name.removesuffix(".zip"))  # fmt: skip
        else:
            root.mkdir(exist_ok=True)
            (root / name).write_bytes(content)
    rv = load_review(ReportParameters(data_dir=tmp_path, year="2025-26", as_of="2026-08-31"))
    html = platform_record(rv).data
    assert says in html
    rv.audience = "governors"
    assert platform_record(rv) is None  # the DPO's only


def test_a_meta_archive_without_its_name_waits_on_the_registers_unreadable_account_name(tmp_path):
    """Unknown is not blank (issue 22): with no profile name in the archive and the register's Account name
    unreadable, the Page's own messages cannot be told from those it received, so no message of it is counted as
    never logged: each is undecided, waiting on that cell."""
    at = utc(2026, 6, 2, 9, 0)
    messages = [
        Record(None, at, "Hi, is the fete on Saturday?", sender="Robin Ashdown", conversation="robin_1"),
        Record(None, at + 600_000, "Yes, from noon!", sender="Little Kinvaston School", conversation="robin_1"),
    ]
    logged = [interaction("I-1", t(2026, 6, 2, 10, 0), t(2026, 6, 2, 10, 10), account="ACC-F")]
    files = w.facebook_archive("Little Kinvaston School", [], messages)
    files = {path: data for path, data in files.items() if not path.endswith("profile_information.json")}
    w.write_archive(files, tmp_path / "platform_exports" / "ACC-F")
    accounts = [ACCOUNTS[0], {**ACCOUNTS[1], "Account name": uncalculated('"Little "&"Kinvaston"')}]
    result = audit(tmp_path, interactions=logged, Accounts=accounts)
    assert by_rule(result, "EVD-04") == []
    waits = [u for u in result.undecided if u.rule == "EVD-04"]  # the message, and the Page's reply taken for one
    assert len(waits) == 2 and {u.file for u in waits} == {"platform_exports/ACC-F.zip"}
    assert all(u.waits_on and u.waits_on[0].startswith("DQ-02:") for u in waits)
    assert all(("Accounts", 3, "Account name") in u.rests_on for u in waits)
    assert result.summary["rules"]["EVD-04"]["checked"] == 0
    assert any("Account name" in n.detail and "could not be read" in n.detail for n in result.notices)


def test_an_unreadable_account_id_puts_int_01_in_doubt_where_the_platforms_times_would_decide(tmp_path):
    """Unknown is not blank (issue 22): an interaction whose Account ID could not be read matches no archive, so
    INT-01 would read the log's times; where a message no row matched, received at its time, shows a reply that
    would change INT-01's outcome, the log's finding is to confirm on the Account ID and its pass is undecided."""
    at = utc(2026, 3, 2, 10, 0)  # a Monday, 10:00 GMT
    messages = [
        dm(at, "Can I book a parents' evening slot?", "555", "c1", "m1"),
        dm(at + 26 * 3_600_000, "Yes, here is the link.", OWN_ID, "c1", "m2"),  # late on the platform
        dm(at + 3_600_000, "Is the trip still on?", "777", "c2", "m3"),
        dm(at + 2 * 3_600_000, "Yes it is.", OWN_ID, "c2", "m4"),  # on time on the platform
        dm(at + 50 * 3_600_000, "Thank you for the flowers", "888", "c3", "m5"),
        dm(at + 51 * 3_600_000, "You are welcome!", OWN_ID, "c3", "m6"),  # agrees with its log row
    ]
    unread = uncalculated('"ACC-"&"X"')
    logged = [
        interaction("I-1", t(2026, 3, 2, 10, 0), t(2026, 3, 2, 11, 0), account=unread),  # on time by the log
        interaction("I-2", t(2026, 3, 2, 11, 0), t(2026, 3, 4, 12, 0), account=unread),  # late by the log
        interaction("I-3", t(2026, 3, 4, 12, 0), t(2026, 3, 4, 13, 0), account=unread),  # on time either way
    ]
    result = audit(tmp_path, messages=messages, interactions=logged)
    (late,) = by_rule(result, "INT-01")
    assert late.record == "I-2" and late.depends_on and ("Interactions", late.row, "Account ID") in late.rests_on
    (waits,) = [u for u in result.undecided if u.rule == "INT-01"]
    assert waits.record == "I-1" and ("Interactions", waits.row, "Account ID") in waits.rests_on
    assert result.summary["rules"]["INT-01"]["checked"] == 2  # I-2 (to confirm) and I-3
    readable = audit(
        tmp_path / "readable", messages=messages, interactions=[{**r, "Account ID": "ACC-X"} for r in logged]
    )
    assert [(f.record, f.depends_on) for f in by_rule(readable, "INT-01")] == [("I-1", ())]


def test_an_unreadable_account_id_makes_int_02_on_an_unreadable_reply_rest_on_it_too(tmp_path):
    at = utc(2026, 3, 2, 10, 0)
    messages = [dm(at, "Hello?", "555", "c1", "m1"), dm(at + 3_600_000, "Hello!", OWN_ID, "c1", "m2")]
    logged = [interaction("I-1", t(2026, 3, 2, 10, 0), "12/31/2026 10:15", account=uncalculated('"ACC-"&"X"'))]
    result = audit(tmp_path, messages=messages, interactions=logged)
    (unanswered,) = by_rule(result, "INT-02")  # no response as read; the platform's reply may be its own
    assert {c[2] for c in unanswered.rests_on if c[0] == "Interactions"} >= {"First response at", "Account ID"}
    assert len(unanswered.depends_on) == 2


def test_the_detail_words_a_column_of_uk_times_at_once_none_where_there_is_none():
    import pandas as pd

    from lks_audit.outputs.evidence import _uk

    walls = [pd.Timestamp(2026, 3, 6, 15, 10), None, pd.Timestamp(2026, 3, 29, 1, 30, 59)]
    assert _uk(walls) == ["Fri 06/03/2026 15:10", "none", "Sun 29/03/2026 01:30"]
    assert _uk([None]) == ["none"] and _uk([]) == []
