"""The platforms' archives (platform-exports.md): every layout variant read back, matched to the logs, the
planted differences found.

The archives are synthetic, written by the tests from the sample school's own logs (never real people's
data) in each layout the spec names: X (``data/tweets.js``, ``data/tweet.js``, bare entries, files at the root,
split in parts), Facebook (2024, 2023 and 2022 folders), Instagram (media, content, content at the root),
YouTube (Takeout's ``video metadata``, a localised folder, both comment encodings) and TikTok (today's, older and
earliest files), as one zip, an extracted folder, several zips, or wrapped in a top folder.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from lks_audit.audit import audit_folder
from lks_audit.platforms import read_exports
from lks_audit.platforms.matching import Query, normalised, similarity
from lks_audit.platforms.records import Archive, Record, ms_of
from lks_audit.platforms.x import created_at_ms, snowflake_ms
from lks_audit.sample import build_sample, write_sample
from lks_audit.sample import platform_writers as w

from school import SAMPLE_AS_OF, SAMPLE_YEAR, audit_rows, by_rule, d, t

EVD = ("EVD-01", "EVD-02", "EVD-03", "EVD-04", "EVD-05")
#: Each combination writes the sample school's four archives in other layouts and forms; together they cover
#: every layout variant of platform-exports.md.
VARIANTS = {
    "as downloaded today": {},
    "extracted folders, older layouts": {
        "X": {"layout": "tweet", "form": "folder", "parts": 2},
        "Facebook": {"layout": "2023", "form": "folder"},
        "Instagram": {"layout": "content", "form": "folder"},
        "YouTube": {"form": "folder", "segments": "objects"},
    },
    "oldest layouts, wrapped, split over zips": {
        "X": {"layout": "bare", "form": "zips", "parts": 3},
        "Facebook": {"layout": "2022", "form": "zips", "top": "facebook-littlekinvaston-2026-09-01"},
        "Instagram": {"layout": "old", "form": "zip", "top": "instagram-lks_sport-2026-09-01"},
        "YouTube": {"form": "zip", "metadata_folder": "Video-Metadaten"},
    },
    "X files at the archive's root": {"X": {"layout": "root", "form": "zip", "top": "twitter-2026-09-01-lks"}},
}


@pytest.fixture(scope="module", params=list(VARIANTS))
def variant(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("variant")
    planted = write_sample(folder, layouts=VARIANTS[request.param])
    data, result = audit_folder(folder, SAMPLE_YEAR, SAMPLE_AS_OF)
    return request.param, planted, data, result


def test_every_planted_difference_is_found_in_every_layout(variant):
    name, planted, data, result = variant
    found = {rule: info["findings"] for rule, info in result.summary["rules"].items() if info["findings"]}
    assert found == planted, name
    assert {r: planted[r] for r in EVD} == {"EVD-01": 2, "EVD-02": 2, "EVD-03": 2, "EVD-04": 1, "EVD-05": 1}
    notices = [n.message for n in result.notices if n.kind == "platform-export"]
    if "Video-Metadaten" in str(VARIANTS[name]):
        (guess,) = notices
        assert "Video-Metadaten/videos.csv: read as the channel's video list, a guess" in guess
    else:
        assert notices == []


def test_every_post_and_message_is_matched_as_it_should_be(variant):
    name, _, data, result = variant
    found = result.derived.platform_evidence
    assert {a.account: a.platform for a in found.archives} == {
        "ACC-001": "Facebook",
        "ACC-002": "Instagram",
        "ACC-003": "X",
        "ACC-004": "YouTube",
    }
    unmatched = [m for m in found.posts if m.row is None]
    assert sorted((m.archive.account, m.record.text) for m in unmatched) == [
        ("ACC-001", "Photos from the Year 4 trip to the farm: what a day!"),
        ("ACC-003", "Good luck to our debating team at the regional final tomorrow!"),
    ]
    posts = data.frames["Posts"].set_index("_row")
    by_text = {posts.at[m.row, "Post text"]: m for m in found.posts if m.row is not None}
    # 20 minutes off, the same text: by time and text.
    twenty = [m for m in found.posts if m.minutes == -20.0]
    assert len(twenty) == 1 and twenty[0].how == "by time and text" and twenty[0].similarity == 1.0
    # Three hours off, its ID in Link: by ID.
    (late,) = [m for m in found.posts if m.minutes == 180.0]
    assert late.how == "by ID" and late.archive.platform == "YouTube" and late.record.id in posts.at[late.row, "Link"]
    # Mojibake repaired: the text as logged, accents and emoji included.
    cafe = next(m for text, m in by_text.items() if text.startswith("Café"))
    assert cafe.record.text == posts.at[cafe.row, "Post text"] and cafe.similarity == 1.0
    # 00:30 on 1 September in the UK is 23:30 UTC on 31 August: published in the period.
    welcome = by_text["Welcome back, everyone: the new school year starts today!"]
    assert (welcome.record.utc.day, welcome.london) == (31, dt.datetime(2025, 9, 1, 0, 30))
    # The repeated hour in October: logged 01:40, published at the second 01:40 (01:40 UTC).
    clocks = by_text["The clocks went back last night: enjoy the extra hour of sleep!"]
    assert (clocks.how, clocks.minutes, clocks.record.utc.hour) == ("by time and text", 0.0, 1)
    # X: t.co expanded and &amp; unescaped; a long post's note-tweet; a thread's second tweet is a post.
    link = next(m for text, m in by_text.items() if text.startswith("Parents & carers"))
    assert link.similarity == 1.0 and "https://www.lks.example/news/spring" in link.record.text
    long = next(m for text, m in by_text.items() if text.startswith("Our end-of-year message"))
    assert long.record.text == posts.at[long.row, "Post text"] and len(long.record.text) > 280
    second = next(m for text, m in by_text.items() if "(2/2)" in text)
    assert second.record.reply_to is not None and second.how == "by time and text"
    # Messages: every query but the planted one matched to its row; X replies by snowflake time or Link ID.
    queries = Counter((q.archive.platform, q.kind, q.row is not None) for q in found.queries)
    assert queries[("Facebook", "message", False)] == 1
    assert not [k for k, n in queries.items() if not k[2] and k != ("Facebook", "message", False)]
    assert queries[("X", "reply", True)] > 100 and queries[("X", "message", True)] > 50
    replies = [q for q in found.queries if q.kind == "reply"]
    assert {q.how for q in replies} == {"by time", "by ID"}
    assert all(q.at_ms == snowflake_ms(q.id) for q in replies)


def test_the_findings_from_the_archives_name_the_account_and_the_post(variant):
    _, _, data, result = variant
    unlogged = by_rule(result, "EVD-01")
    assert [f.id.split(":")[:2] for f in unlogged] == [["EVD-01", "ACC-001"], ["EVD-01", "ACC-003"]]
    facebook, x = unlogged
    assert facebook.id == "EVD-01:ACC-001:20260516T191500Z"  # no post ID on Facebook: the UTC time
    assert x.id.split(":")[2].isdigit()  # X: the post's ID
    assert all(f.source == "platform" and f.file.startswith("platform_exports/ACC-00") for f in unlogged)
    (to_confirm,) = [f for f in by_rule(result, "EVD-02") if f.depends_on]
    assert to_confirm.depends_on[0].startswith("DQ-02:") and to_confirm.column == "Removed on"
    (message,) = by_rule(result, "EVD-04")
    assert message.id == "EVD-04:ACC-001:20260214T234000Z" and message.source == "platform"
    (reply,) = by_rule(result, "EVD-05")
    late = [f for f in by_rule(result, "INT-01") if "platform's own record" in f.message]
    assert [f.record for f in late] == [reply.record]
    (named,) = [f for f in by_rule(result, "PST-04") if f.source == "platform"]
    assert named.record in {f.record for f in by_rule(result, "EVD-03")}


def test_the_committed_sample_holds_its_archives(tmp_path):
    write_sample(tmp_path)
    from school import SAMPLE_SCHOOL

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    fresh, committed = files(tmp_path / "platform_exports"), files(SAMPLE_SCHOOL / "platform_exports")
    assert (
        sorted(fresh)
        == sorted(committed)
        == [
            "ACC-001.zip",
            "ACC-002.zip",
            "ACC-003.zip",
            "ACC-004/takeout-20260901T101500Z-001.zip",
            "ACC-004/takeout-20260901T101500Z-002.zip",
        ]
    )
    assert fresh == committed, "regenerate the sample school (see tests/test_sample.py)"


# --- each reader on its own ------------------------------------------------------------------------------


def _ms(*moment) -> int:
    return ms_of(dt.datetime(*moment, tzinfo=dt.UTC))


def _sample_texts(n: int) -> list[str]:
    """Captions of the sample school's posts (its logs, never real people's)."""
    frames, _ = build_sample()
    return frames["Posts"]["Post text"].head(n).tolist()


def _read(tmp_path: Path, files: dict[str, bytes], form="zip", accounts=None, account="ACC-001", top=None):
    root = tmp_path / f"school-{form}-{top}"
    w.write_archive(files, root / "platform_exports" / account, form, top)
    return read_exports(root, accounts)


def test_a_post_and_a_query_without_an_id_are_named_by_one_utc_stamp():
    # Finding IDs name such records by this stamp: the two must never word one moment differently.
    at_ms = ms_of(dt.datetime(2024, 5, 13, 8, 10, 11, 68000, tzinfo=dt.UTC))
    query = Query(Archive("ACC-001", "platform_exports/ACC-001.zip"), "message", None, at_ms, "Sam", "Hi", local_ms=0)
    assert query.key == Record(None, at_ms, "Hi").stamp == "20240513T081011Z"


def test_x_reads_posts_replies_messages_long_posts_and_links(tmp_path):
    at = _ms(2025, 10, 6, 9, 10, 11)
    first = Record(w.snowflake(at), at, "Parents & carers <3 newsletter https://www.lks.example/news/1")
    thread = Record(w.snowflake(at + 60_000), at + 60_000, "More in the thread", reply_to=first.id)
    long = Record(w.snowflake(at + 3_600_000), at + 3_600_000, " ".join(_sample_texts(8)))
    other = w.snowflake(at - 7_200_000, 9)
    reply = Record(w.snowflake(at + 120_000, 1), at + 120_000, "@aparent Thank you!", reply_to=other)
    messages = [
        Record("71", at, "Hello?", sender="555", conversation="555-123"),
        Record("72", at + 600_000, "Hello, how can we help?", sender="123", conversation="555-123"),
    ]
    files = w.x_archive("LKS", "123", [first, thread, long], [reply], messages, reply_names={other: "aparent"})
    assert files["data/tweets.js"].startswith(b"window.YTD.tweets.part0 = [")
    (archive,) = _read(tmp_path, files).archives
    assert archive.platform == "X" and archive.own_names == {"LKS", "123"}
    assert [(r.id, r.at_ms, r.text) for r in archive.posts] == [
        (r.id, r.at_ms, r.text) for r in sorted([first, thread, long], key=lambda r: -r.at_ms)
    ]  # &amp; and &lt; unescaped, t.co expanded, the long post's note-tweet read in full
    assert b"&amp;" in files["data/tweets.js"] and b"https://t.co/" in files["data/tweets.js"]
    assert len(long.text) > 280 and b'"noteTweet"' in files["data/note-tweet.js"]
    assert [(r.id, r.reply_to) for r in archive.replies] == [(reply.id, other)]
    assert sorted((m.sender, m.text) for m in archive.messages) == [("123", messages[1].text), ("555", "Hello?")]
    assert created_at_ms("Mon May 13 08:10:11 +0000 2024") == _ms(2024, 5, 13, 8, 10, 11)
    assert created_at_ms("Mon May 13 09:10:11 +0100 2024") == _ms(2024, 5, 13, 8, 10, 11)  # the slow path
    assert snowflake_ms(w.snowflake(at)) == at


@pytest.mark.parametrize("layout", ["2024", "2023", "2022"])
def test_facebook_posts_and_messages_with_their_mojibake_repaired(tmp_path, layout):
    at = _ms(2026, 3, 10, 14, 0)
    texts = ["Café afternoon ☕🎉 for Zoë's class", "", "Year 6 trip, in the description only"]
    posts = [Record(None, at + i * 1000, text) for i, text in enumerate(texts)]
    messages = [
        Record(None, at, "Bore da! Siân here", sender="Siân Jones", conversation="sianjones_1"),
        Record(None, at + 60_000, "Diolch, Siân", sender="Little Kinvaston School", conversation="sianjones_1"),
    ]
    files = w.facebook_archive("Little Kinvaston School", posts, messages, layout=layout)
    raw = b"".join(files.values())
    assert b"\\u00c3\\u00a9" in raw and "é".encode() not in raw  # Meta's mojibake: é as two escaped bytes
    (archive,) = _read(tmp_path, files).archives
    assert archive.platform == "Facebook" and archive.notices == []
    assert sorted(r.text for r in archive.posts) == sorted(texts)
    assert sorted((m.sender, m.text) for m in archive.messages) == sorted((m.sender, m.text) for m in messages)
    assert archive.is_own("little kinvaston school") and not archive.is_own("Siân Jones")


@pytest.mark.parametrize("layout", ["media", "content", "old"])
def test_instagram_single_photos_and_reels(tmp_path, layout):
    at = _ms(2026, 5, 5, 16, 0)
    posts = [Record(None, at + i * 60_000, text) for i, text in enumerate(_sample_texts(4))]
    reels = [Record(None, at + 3_600_000, "Our reel of the sports day")]
    files = w.instagram_archive("lks_sport", posts, reels=reels, layout=layout)
    (archive,) = _read(tmp_path, files, form="folder").archives
    assert archive.platform == "Instagram"
    # every other post is a single photo: its caption and time only on media[0]
    assert sorted((r.at_ms, r.text) for r in archive.posts) == sorted((r.at_ms, r.text) for r in posts + reels)


@pytest.mark.parametrize(("folder", "segments"), [("video metadata", "takeout"), ("Video-Metadaten", "objects")])
def test_youtube_videos_and_the_channels_comments(tmp_path, folder, segments):
    at = _ms(2026, 1, 7, 10, 2)
    videos = [Record(w.youtube_id(1), at, "Spring concert\nOur choir, in full,\nwith the orchestra")]
    comments = [Record("Ugx1", at + 60_000, "Thank you | for watching", reply_to=videos[0].id)]
    files = w.youtube_takeout("UC1", videos, comments, metadata_folder=folder, segments=segments)
    (archive,) = _read(tmp_path, files, form="zips").archives
    assert [(r.id, r.at_ms, r.text) for r in archive.posts] == [(v.id, v.at_ms, v.text) for v in videos]
    assert [(c.text, c.reply_to) for c in archive.comments] == [
        ("Thank you | for watching" if segments == "takeout" else "Thank youfor watching", videos[0].id)
    ]
    assert bool(archive.notices) is (folder != "video metadata")


def test_youtube_comments_without_a_readable_time_are_passed_over(tmp_path):
    at = _ms(2026, 1, 7, 10, 2)
    videos = [Record(w.youtube_id(1), at, "Spring concert")]
    comments = [Record("Ugx1", at + 60_000, "Thank you for watching", reply_to=videos[0].id)]
    files = w.youtube_takeout("UC1", videos, comments)
    (path,) = [p for p in files if p.endswith("comments.csv")]
    # a blank time, one that is no time, and a row cut short before its time
    files[path] += b'Ugx2,UC1,,0,,v,"{}"\nUgx3,UC1,yesterday,0,,v,"{}"\nUgx4\n'
    (archive,) = _read(tmp_path, files, form="zips").archives
    assert [c.id for c in archive.comments] == ["Ugx1"]


@pytest.mark.parametrize("layout", ["current", "old", "activity"])
def test_tiktok_posts_and_messages_in_utc(tmp_path, layout):
    at = _ms(2024, 5, 13, 8, 10, 11)
    posts = [Record(w.tiktok_id(at), at, "Sports day dance!")]
    messages = [
        Record(None, at, "hi school", sender="a_parent", conversation="a_parent"),
        Record(None, at + 60_000, "Hello!", sender="lks_tok", conversation="a_parent"),
    ]
    files = w.tiktok_archive("lks_tok", posts, messages, layout=layout)
    assert (b'"Date": "2024-05-13 08:10:11"' in next(iter(files.values()))) and len(files) == 1
    (archive,) = _read(tmp_path, files).archives
    assert archive.platform == "TikTok" and archive.times_assumed_utc
    assert [(r.id, r.at_ms) for r in archive.posts] == [(posts[0].id, at)]  # the ID from inside Link
    assert archive.is_own("lks_tok") and len(archive.messages) == 2


def test_a_tiktok_account_of_the_sample_school_is_checked_like_the_others(tmp_path):
    """The sample's first Instagram posts, posted on a TikTok account instead: all matched; a message nobody
    logged is EVD-04."""
    frames, _ = build_sample()
    posts = frames["Posts"]
    instagram = posts[posts["Account ID"] == "ACC-002"].head(6)
    rows, records = [], []
    for i, (post_id, when, text) in enumerate(
        zip(instagram["Post ID"], instagram["Posted at"], instagram["Post text"])
    ):
        rows.append({"Post ID": post_id, "Account ID": "ACC-T", "Posted at": when, "Post text": text})
        at = int(ms_of(when.tz_localize("Europe/London").to_pydatetime()))
        records.append(Record(w.tiktok_id(at, i), at, text))
    unlogged = _ms(2026, 2, 14, 23, 40)
    messages = [Record(None, unlogged, "Is the disco still on?", sender="a_parent", conversation="a_parent")]
    w.write_archive(w.tiktok_archive("lks_tok", records, messages), tmp_path / "platform_exports" / "ACC-T")
    result = audit_rows(
        folder=tmp_path,
        Accounts=[{"Account ID": "ACC-T", "Platform": "TikTok", "Account name": "@lks_tok"}],
        Posts=rows,
        Interactions=[{"Interaction ID": "I-1", "Account ID": "ACC-T", "Received at": t(2026, 1, 5, 11)}],
        as_of="2026-08-31",
    )
    assert [len(by_rule(result, r)) for r in EVD] == [0, 0, 0, 1, 0]
    assert result.summary["rules"]["EVD-01"]["checked"] == len(rows)
    assert by_rule(result, "EVD-04")[0].id == "EVD-04:ACC-T:20260214T234000Z"


# --- what is refused, guessed or not found --------------------------------------------------------------------


def test_linkedin_and_whatsapp_archives_are_refused_saying_why(tmp_path):
    files = w.x_archive("LKS", "1", [])
    for account in ("ACC-L", "ACC-W"):
        w.write_archive(files, tmp_path / "platform_exports" / account)
    accounts = {"ACC-L": ("LinkedIn", "LKS Careers"), "ACC-W": ("WhatsApp", "Parents")}
    exports = read_exports(tmp_path, accounts)
    assert exports.archives == []
    assert [n.message for n in exports.notices] == [
        "platform_exports/ACC-L.zip: LinkedIn has no export of what an account published, so ACC-L cannot be "
        "checked against it; left aside",
        "platform_exports/ACC-W.zip: WhatsApp has no export of what an account published, so ACC-W cannot be "
        "checked against it; left aside",
    ]


def test_an_archive_not_recognised_says_what_was_looked_for(tmp_path):
    exports = _read(tmp_path, {"README.txt": b"hello", "photos/1.jpg": b"\xff\xd8"}, accounts={"ACC-001": ("X", "")})
    (archive,) = exports.archives
    assert archive.platform is None and archive.posts == []
    (notice,) = exports.notices
    assert notice.file == "platform_exports/ACC-001.zip"
    for looked_for in ("data/tweets.js", "your_facebook_activity/posts/", "media/posts_1.json", "videos.csv",
                       "user_data_tiktok.json"):  # fmt: skip
        assert looked_for in notice.detail, looked_for
    assert notice.detail.endswith("nothing read")


def test_names_copies_platforms_and_message_only_archives(tmp_path):
    root = tmp_path / "platform_exports"
    x = w.x_archive("LKS", "1", [Record("5", _ms(2026, 1, 5, 9), "Hi")])
    w.write_archive(x, root / "acc-001")  # the Account ID in another case
    w.write_archive(x, root / "ACC-002")
    w.write_archive(x, root / "ACC-002", form="folder")  # the same archive twice
    w.write_archive(x, root / "twitter-2026-09-01")  # not named after an account
    messages = [Record(None, _ms(2026, 1, 5, 9), "Hi", sender="Ann", conversation="ann_1")]
    only_messages = w._threads(messages, "LKS Page", "messages/inbox")  # an old archive with threads only
    w.write_archive(only_messages, root / "ACC-003")
    (root / "notes.txt").write_text("downloaded 1 Sept")
    accounts = {f"ACC-00{i}": (p, "LKS") for i, p in ((1, "Facebook"), (2, "X"), (3, "Instagram"))}
    exports = read_exports(tmp_path, accounts)
    assert sorted((a.account, a.platform) for a in exports.archives) == [("ACC-001", "X"), ("ACC-003", "Instagram")]
    messages = sorted(n.message for n in exports.notices)
    assert messages == [
        "platform_exports/ACC-002/: two copies of one archive (ACC-002 and ACC-002.zip): keep one; not read",
        "platform_exports/ACC-003.zip: holds message threads only; read as Instagram, as the register says",
        "platform_exports/ACC-003.zip: the archive holds no posts file (looked for your_instagram_activity/media/"
        "posts_1.json (or content/posts_1.json) and reels.json)",
        "platform_exports/acc-001.zip: an X archive, but the accounts register gives Facebook for ACC-001; read as X",
        "platform_exports/notes.txt: not an archive: expected <Account ID>.zip or a folder named after the account; "
        "not read",
        "platform_exports/twitter-2026-09-01.zip: 'twitter-2026-09-01' is not an Account ID of the accounts register: "
        "name the archive after the account it comes from; left aside",
    ]


def test_the_normal_form_and_similarity_of_texts():
    assert normalised("  Well DONE, Zoë!! 🎉 https://t.co/AbC123  see\u00a0you ") == "well done zoë see you"
    assert normalised("Ｆｕｌｌ width") == "full width"  # NFKC
    assert similarity(normalised("Go team!"), normalised("go TEAM")) == 1.0
    assert 0.6 <= similarity(normalised(_sample_texts(1)[0]), normalised(_sample_texts(1)[0] + " Photos!")) < 0.95


def test_no_archives_means_nothing_to_check_and_nothing_not_assessed():
    result = audit_rows(Posts=[{"Post ID": "P1", "Account ID": "ACC-1", "Posted at": t(2026, 1, 5, 9)}])
    assert {r: result.summary["rules"][r]["checked"] for r in EVD} == dict.fromkeys(EVD, 0)
    assert not {n.rule for n in result.not_assessed} & set(EVD)
    assert d(2026, 1, 5) and not [f for f in result.findings if f.rule in EVD]
