"""A synthetic but realistic school year 2025-26 with a known set of planted breaches.

``write_sample(folder, seed, scale)`` writes the eight contract workbooks and returns how many findings
each rule must report for an audit of ``2025-26`` as of ``2026-08-31`` with default parameters.

The school is ``scale`` *blocks*. A block is 600 students, 80 staff, 6 accounts, 8 applications,
~1,500 posts, ~4,000 interactions and 40 incidents, each block with its own ids and random draws and
the same planted breaches, so every per-block count below is multiplied by ``scale``. The Policy row,
the Closures and the dropped column exist once ("once" in the table). The baseline is clean for every
rule by construction: posters are current administrators of the account, pictured students consent on
the post's day, responses come before the deadline from :class:`~lks_audit.context.WorkingCalendar`,
captions never contain a first name (tests check the caption vocabulary), and so on.

Planted breaches (per block; staff/student/account numbers are positions inside the block):

| rule   | what is planted                                                                  | count |
|--------|----------------------------------------------------------------------------------|-------|
| ACC-01 | Instagram account (acc1) created before its application was approved             | 1 |
| ACC-02 | X account (acc2): one of its two administrators left in December                 | 1 |
| ACC-03 | YouTube account (acc3) has no Privacy reason                                     | 1 |
| ACC-04 | YouTube account named "Kinvaston Music" (no "LKS"/"Little Kinvaston")            | 1 |
| ACC-05 | X account: credentials not stored securely                                       | 1 |
| ACC-06 | Facebook page (acc0): admin does not approve followers or posts                  | 1 |
| ACC-07 | YouTube account: lead staff left in March, account still Active                  | 1 |
| ACC-08 | Instagram account (created 2021): last purpose review Feb 2025                   | 1 |
| ACC-09 | LinkedIn account (acc4, new this year): no DPIA reference                        | 1 |
| ACC-10 | Instagram account: tagging not disabled                                          | 1 |
| APP-01 | X application names one proposed administrator (Approved: high); rejected TikTok  | 2 |
|        | application has no promotion plan and no privacy reason (medium)                 |   |
| APP-02 | WhatsApp application Pending since June 2026                                     | 1 |
| APP-03 | LinkedIn application: DPIA sent to the DPO after the SLT decision                | 1 |
| POL-01 | once: Next review due 15/07/2026, before as_of                                   | 1 |
| POL-02 | once: not signed by the proprietor                                               | 1 |
| TRN-01 | receptionist who answered 2 interactions has no training; an interaction answered| 2 |
|        | by a Staff ID missing from Staff                                                 |   |
| TRN-02 | Instagram administrator whose last refresher was July 2024                       | 1 |
| TRN-03 | a current volunteer with no Policy read on                                       | 1 |
| TRN-04 | employees: declaration June 2025; declaration blank; declaration "31/02/2026"    | 3 |
|        | (a DQ-02 cell, read as blank)                                                    |   |
| IMG-01 | (post, student) without consent: refused form; two refused students in one post;| 7 |
|        | before a renewal form; after a withdrawal; unknown Student ID; before the form   |   |
| IMG-02 | 2 posts with Images of students = Yes and nobody listed                          | 2 |
| IMG-03 | 2 posts each picturing a consenting, photo-restricted student                   | 2 |
| IMG-04 | 2 posts picturing a student who withdrew later; post never removed               | 2 |
| IMG-05 | 1 post (swimming gala) in swimwear                                               | 1 |
| IMG-06 | 3 "star of the week" individual shots                                           | 3 |
| IMG-07 | 1 post (sports day) in sports kit                                                | 1 |
| PST-01 | 2 posts by an administrator of another account                                  | 2 |
| PST-02 | 1 post by a Facebook administrator after his leaving date                        | 1 |
| PST-03 | full name in a caption: one post without images, one picturing that student     | 2 |
| PST-04 | 2 captions with the first name of one pictured student                          | 2 |
| PST-05 | 2 third-party posts without copyright permission (No, blank)                    | 2 |
| PST-06 | 1 LinkedIn post a week before the account was created                            | 1 |
| INT-01 | 3 answered 30-44 hours after a working-day receipt; one Friday 16:30 answered    | 4 |
|        | Monday                                                                           |   |
| INT-02 | 3 never answered; 1 whose First response at is "12/31/2025 10:15" (DQ-02)       | 4 |
| INT-03 | 2 offensive comments with Action None / blank                                    | 2 |
| INT-04 | 2 offensive comments acted on, audience not informed (No / blank)                | 2 |
| INC-01 | 1 incident with no SLT assessment                                                | 1 |
| INC-02 | assessed a week later (Monday); Friday report assessed on Wednesday              | 2 |
| INC-03 | 1 considered illegal, not reported to the police                                 | 1 |
| INC-04 | 1 personal data breach, DPO never informed                                       | 1 |
| INC-05 | ICO told after 80 hours; ICO reportable with no report                           | 2 |
| INC-06 | 1 journalist contact, media policy not recorded                                  | 1 |
| INC-07 | 2 incidents still open from March and June                                       | 2 |
| INC-08 | 1 personal data breach with ICO reportable blank                                 | 1 |
| DQ-01  | once: column "External agencies informed" left out of Incidents                  | 1 |
| DQ-02  | Platform "Facebok", Removed on "31/02/2026", Swimwear "Yess", First response     | 5 |
|        | "12/31/2025 10:15", Annual declaration "31/02/2026"                              |   |
| DQ-03  | a repeated Post ID; a blank Interaction ID (both rows otherwise clean)          | 2 |
| DQ-04  | unknown Student ID pictured, Responded by, Assessed by, Incident ID              | 4 |
| DQ-05  | account closed before created; decision before submission; leaving before start;| 7 |
|        | response before receipt; post, staff start and consent form after as_of          |   |

For 2025-26 the first four accounts of each block also have their platform archives (``platform_exports/``,
see :mod:`.sample_exports`, which plants EVD-01 to EVD-05 and one more PST-04 and INT-01 from the platforms'
record); the 2024-25 year has none. The :data:`EDGE_POSTS` each block logs for them come last in the log, so the
other posts keep their IDs.

Clean edge cases on purpose: a comment received on the snow day and one on Good Friday answered on the
next working day, one received on Sunday 30/08/2026 not yet answered (deadline after as_of), a post
naming the author "Amelia Hartley" while student "Amelia Hart" is on the register, a withdrawn student
pictured before the withdrawal in a post removed on the withdrawal day, an incident reported on a
Saturday assessed on the Tuesday.
"""

from __future__ import annotations

import functools
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from .context import WorkingCalendar
from .findings import rule_order
from .sample_exports import plan_exports, write_exports
from .schema import SHEETS, WORKBOOKS, Column, Kind

YEAR = "2025-26"
#: The same school a year before (:func:`_a_year_earlier`).
EARLIER_YEAR = "2024-25"
SAMPLE_YEARS = (EARLIER_YEAR, YEAR)
START = pd.Timestamp("2025-09-01")
AS_OF = pd.Timestamp("2026-08-31")
N_DAYS = (AS_OF - START).days + 1
#: Left out of the sample on purpose (DQ-01); no rule needs it.
DROPPED = ("Incidents", "External agencies informed")
#: Workbook properties and zip entry times are fixed so the same seed gives the same bytes.
FIXED_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_STAMP = "2026-01-01T00:00:00Z"


CLOSURES = (
    ("2025-09-01", "INSET day"),
    ("2025-10-24", "INSET day"),
    ("2026-01-05", "INSET day"),
    ("2026-01-27", "Snow day: school closed"),
    ("2026-06-01", "INSET day"),
    ("2026-07-21", "INSET day"),
    ("2026-09-01", "INSET day (next year)"),
)

# No first name may be an everyday word a caption could use (the tests check the captions).
FIRST_NAMES = (
    "Oliver",
    "Amelia",
    "George",
    "Isla",
    "Harry",
    "Ava",
    "Noah",
    "Mia",
    "Jack",
    "Ivy",
    "Leo",
    "Freya",
    "Arthur",
    "Lily",
    "Oscar",
    "Evie",
    "Charlie",
    "Sophia",
    "Jacob",
    "Ella",
    "Thomas",
    "Poppy",
    "Alfie",
    "Florence",
    "Theo",
    "Isabella",
    "Henry",
    "Millie",
    "Finley",
    "Dafydd",
    "Siân",
    "Zoë",
    "Rhys",
    "Ffion",
    "Gethin",
    "Cerys",
    "Elis",
    "Megan",
    "Owain",
    "Chloé",
    "Aoife",
    "Niamh",
    "Ciarán",
    "Priya",
    "Arjun",
    "Aisha",
    "Yusuf",
    "Zainab",
    "Mohammed",
    "Hannah",
    "Samuel",
    "Joshua",
    "Ruby",
    "Lucas",
    "Elsie",
    "Reuben",
    "Nia",
    "Maryam",
    "Tomás",
    "Seren",
)
SURNAMES = (
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Roberts",
    "Johnson",
    "Lewis",
    "Walker",
    "Robinson",
    "Wood",
    "Thompson",
    "White",
    "Watson",
    "Jackson",
    "Wright",
    "Green",
    "Harris",
    "Cooper",
    "King",
    "Lee",
    "Martin",
    "Clarke",
    "James",
    "Morgan",
    "Hughes",
    "Edwards",
    "Hill",
    "Moore",
    "Clark",
    "Harrison",
    "Scott",
    "Young",
    "Morris",
    "Hall",
    "Ward",
    "Turner",
    "Carter",
    "Phillips",
    "Mitchell",
    "Patel",
    "Adams",
    "Campbell",
    "Anderson",
    "Allen",
    "Cook",
    "Bailey",
    "Parker",
    "Price",
    "Bennett",
    "Griffiths",
    "Kelly",
    "Khan",
    "Ahmed",
    "Hart",
    "Llewellyn",
    "Pryce",
    "Bevan",
    "Jenkins",
    "Powell",
    "Gruffydd",
    "López",
    "Nowak",
    "Okafor",
)
AMELIA = "Amelia Hart"  # on the register; the caption about author "Amelia Hartley" must not match her

YEAR_GROUPS = ("Reception",) + tuple(f"Year {n}" for n in range(1, 12))

SPORTS = (
    "netball",
    "football",
    "rugby",
    "hockey",
    "cross-country",
    "athletics",
    "cricket",
    "rounders",
    "table tennis",
    "basketball",
)
SUBJECTS = (
    "science",
    "history",
    "geography",
    "art",
    "music",
    "drama",
    "maths",
    "French",
    "computing",
    "design and technology",
    "English",
    "RE",
)
PLACES = (
    "the Black Country Living Museum",
    "Dudley Zoo",
    "Cadbury World",
    "Thinktank in Birmingham",
    "the Malvern Hills",
    "Stratford-upon-Avon",
    "the Severn Valley Railway",
    "Ironbridge Gorge",
    "the Wrekin",
    "Warwick Castle",
)
IMAGE_CAPTIONS = (
    "{year} had a fantastic day at {place} today!",
    "Great teamwork from our {year} {sport} squad this afternoon.",
    "Well done to {year} on a brilliant {sport} tournament.",
    "{year} have been busy in {subject} this week.",
    "A lovely celebration assembly for {year} this morning.",
    "Our {year} choir sang beautifully at the spring concert.",
    "{year} explored {subject} outdoors in the sunshine.",
    "Thank you to all the families who came to the {year} open classroom.",
    "{year} enjoyed a hands-on {subject} workshop today.",
    "What a performance from {year} at the {sport} fixture today!",
    "Harvest festival: {year} collected food for the local food bank.",
    "Our eco-council planted new trees around the playground.",
    "{year} are proud of their {subject} projects on display in the hall.",
    "Rain did not stop {year} on their trip to {place}.",
    "Celebrating reading: {year} dressed up for book week.",
)
PLAIN_CAPTIONS = (
    "Reminder: the {year} parents' evening booking system opens on Monday.",
    "School photographs will be taken next week; letters have gone home.",
    "The {sport} club starts again after half term: sign up at the office.",
    "Our latest newsletter is now on the school website.",
    "Please remember that the school car park is for staff only.",
    "Term dates for next year are now published on our website.",
    "Applications for Reception places close on 15 January.",
    "Lost property will be on display by the main entrance on Friday.",
    "We are recruiting: teaching assistant vacancy, see our website for details.",
    "Well done to everyone who raised money for charity this week.",
    "The {subject} department has shared revision guides for {year}.",
    "School will close at 2pm on the last day of term.",
    "Flu vaccinations for {year} take place on Thursday.",
    "Our careers fair welcomed twenty local employers.",
    "Parent workshop on online safety: Tuesday at 6pm in the library.",
)
#: Posts each block logs that make the platforms' archives show their edges (every one matched, never a finding):
#: a post at 00:30 on 1 September (23:30 UTC on 31 August), one in the hour the clocks repeat in October
#: (published at its second 01:40), non-ASCII text Meta writes as mojibake, a link X shortens with an ampersand it
#: escapes, an X thread (the second tweet replies to the first) and a long post whose text is a note-tweet.
EDGE_POSTS = (
    ("2025-09-01 00:30", 0, "Welcome back, everyone: the new school year starts today!", "midnight"),
    ("2025-10-26 01:40", 2, "The clocks went back last night: enjoy the extra hour of sleep!", "clocks"),
    ("2026-03-10 14:00", 0, "Café afternoon for our grandparents ☕🎉 merci to everyone who baked!", "cafe"),
    ("2026-02-11 12:00", 2, "Parents & carers: spring newsletter out https://www.lks.example/news/spring", "link"),
    ("2026-04-23 16:00", 2, "Sports awards evening (1/2): thank you to every coach, parent and volunteer.", "thread1"),
    ("2026-04-23 16:02", 2, "Sports awards evening (2/2): the full list of winners is in the newsletter.", "thread2"),
    (
        "2026-07-17 12:00",
        2,
        "Our end-of-year message: thank you to every family, every member of staff and every governor for a "
        "remarkable year. Together we opened the new library, raised more than ever for local charities, welcomed "
        "forty new families and celebrated results our students worked hard for. Have a restful summer, and we look "
        "forward to seeing you all in September.",
        "long",
    ),
)
SUMMARIES = {
    "Comment": (
        "Congratulated the team on the result",
        "Thanked staff for the trip",
        "Said the concert was lovely",
        "Asked for more photos of the event",
        "Shared a memory of the school",
    ),
    "Query": (
        "Asked about the match time",
        "Asked when term ends",
        "Asked how to book parents' evening",
        "Asked about lost property",
        "Asked about school uniform sizes",
        "Asked about the trip deposit",
    ),
    "Complaint": (
        "Unhappy about car park congestion",
        "Complained about late trip return",
        "Complained about homework volume",
        "Complained about a cancelled club",
    ),
    "Message": (
        "Asked to speak to the office",
        "Sent apologies for absence",
        "Offered to help at the fair",
        "Asked for a copy of the newsletter",
    ),
}
KINDS, KIND_P = ("Comment", "Query", "Message", "Complaint"), (0.5, 0.25, 0.2, 0.05)
SENDERS, SENDER_P = ("Parent", "Public", "Unknown", "Student", "Staff"), (0.6, 0.2, 0.1, 0.05, 0.05)
OFFENSIVE_SUMMARY = "Abusive comment under a post"
INCIDENT_TEXT = {
    "Bullying": "Unkind comments between students under a school post",
    "Offensive or harassing": "Abusive comment on a school account",
    "Defamatory": "Untrue allegations about a member of staff",
    "Discriminatory": "Discriminatory remark in a comment thread",
    "Personal data breach": "Newsletter photo showed a class list",
    "Confidentiality": "Staff message shared outside the school",
    "Copyright": "Music used in a video without a licence",
    "Safeguarding": "Adult stranger messaged a student via a comment",
    "Staff conduct": "Staff member's personal post named the school",
    "Staff contact with students": "Former student sent a follow request to staff",
    "Journalist contact": "Local newspaper asked for comment",
    "Other": "Fake account using the school logo",
}
OUTCOMES = (
    "Comment deleted, user blocked",
    "Resolved with the family",
    "Reported to the platform",
    "Advice given to staff",
    "No further action",
    "Account removed by the platform",
)

# Staff positions inside a block (see the module table).
SLT = (0, 1, 2, 3)
RECEPTIONIST = 6  # TRN-01: answers interactions, never trained
PST02_LEAVER = 10  # Facebook administrator, left 13/02/2026, posts after
STALE_TRAINING = 13  # TRN-02
ACC02_LEAVER = 15  # X administrator, left 19/12/2025
ACC07_LEAD = 19  # YouTube lead, left 31/03/2026
OTHER_LEAVERS = {40: "2025-12-19", 41: "2026-04-02", 55: "2026-07-22", 66: "2026-03-27", 42: "2025-07-18"}
NEW_STARTERS = {44: "2025-09-01", 45: "2026-01-05", 56: "2026-02-23"}
TRN04_OLD, TRN04_BLANK, TRN04_BAD = 30, 31, 32
TRN03_VOLUNTEER = 67
STARTS_AFTER_AS_OF = 48  # DQ-05
LEAVES_BEFORE_START = 77  # DQ-05

ACCOUNTS = (  # platform, name, purpose, privacy, reason, admins, lead, created, review, dpia, creds, approves, tagging
    (
        "Facebook",
        "Little Kinvaston School",
        "Information",
        "Open",
        "Public news for families and the community",
        (7, 8, 9, PST02_LEAVER),
        7,
        "2019-01-14",
        "2025-11-12",
        "DPIA-2018-04",
        True,
        False,
        True,
    ),
    (
        "Instagram",
        "@lks_sport",
        "Celebration",
        "Private",
        "Shows students; followers approved",
        (11, 12, STALE_TRAINING),
        11,
        "2021-01-15",
        "2025-02-03",
        "DPIA-2020-11",
        True,
        True,
        False,
    ),
    (
        "X",
        "@LittleKinvaston",
        "Information",
        "Open",
        "Announcements for the public",
        (14, ACC02_LEAVER),
        14,
        "2020-09-07",
        "2026-01-20",
        "DPIA-2020-06",
        False,
        True,
        True,
    ),
    (
        "YouTube",
        "Kinvaston Music",
        "Teaching and learning",
        "Private",
        None,
        (16, 17, 18),
        ACC07_LEAD,
        "2022-03-01",
        "2025-10-08",
        "DPIA-2022-01",
        True,
        True,
        True,
    ),
    (
        "LinkedIn",
        "LKS Careers & Alumni",
        "Information",
        "Open",
        "Professional network for alumni",
        (20, 21),
        20,
        "2025-10-06",
        None,
        None,
        True,
        True,
        True,
    ),
    (
        "Facebok",
        "LKS Trips 2022",
        "Mixed",
        "Private",
        "Trip updates for travelling families",
        (22, 23),
        22,
        "2022-01-10",
        "2021-03-01",
        "DPIA-2021-09",
        True,
        True,
        True,
    ),
)
CLOSED_ACCOUNT = 5
ACTIVE = (0, 1, 2, 3, 4)
POST_WEIGHTS = np.array([0.36, 0.26, 0.12, 0.09, 0.17])
APPLICATIONS = (  # account, submitted, dpia, decision, decision date, proposed admins, promotion, privacy reason
    (0, "2018-11-20", "2018-11-28", "Approved", "2018-12-10", (7, 8), "Newsletter and website", None),
    (1, "2020-12-01", "2020-12-08", "Approved", "2021-02-01", (11, 12), "Sports day flyers", None),
    (2, "2020-06-15", "2020-06-22", "Approved", "2020-07-06", (14,), "Website banner", None),
    (3, "2022-01-10", "2022-01-17", "Approved", "2022-02-07", (16, 17), "Concert programmes", "Students perform"),
    (4, "2025-09-08", "2025-09-30", "Approved", "2025-09-22", (20, 21), "Alumni email", None),
    (5, "2021-11-15", "2021-11-22", "Approved", "2021-12-06", (22, 23), "Trip letters", None),
    ("WhatsApp", "2026-06-15", None, "Pending", None, (8, 9), "Parent reps", "Closed parent groups"),
    ("TikTok", "2025-11-20", "2025-11-24", "Rejected", "2025-11-03", (24, 25), None, None),
)


def write_sample(
    folder: Path, seed: int = 2026, scale: int = 1, year: str = YEAR, layouts: dict | None = None
) -> dict[str, int]:
    """Write the sample school's workbooks for ``year`` (one of :data:`SAMPLE_YEARS`) into ``folder``, and for
    2025-26 its accounts' platform archives (laid out as ``layouts`` says, see :mod:`.sample_exports`); return
    planted findings per rule."""
    frames, planted = build_sample(seed, scale, year)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fmt_rng = np.random.default_rng([seed, scale, 1])  # formatting draws never shift the data draws
    for wb in WORKBOOKS:
        # The DPO's review only where the year has one; the school's holidays (an optional sheet) never.
        if all(sheet.name in frames for sheet in wb.sheets if not sheet.optional):
            _write_workbook(folder / wb.file, wb, frames, fmt_rng)
    if "_ArchiveOnly" in frames:  # the platforms' archives, where the year has them
        write_exports(folder, frames, layouts)
    return planted


def build_sample(seed: int = 2026, scale: int = 1, year: str = YEAR) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """The sample as canonical frames (Timestamps, bools, id lists) and the planted counts, for ``year``."""
    if year not in SAMPLE_YEARS:
        raise ValueError(f"the sample school has the years {' and '.join(SAMPLE_YEARS)}, not {year}")
    rng = np.random.default_rng(seed)
    planted: Counter = Counter()
    cal = WorkingCalendar([pd.Timestamp(d) for d, _ in CLOSURES], years=range(2024, 2028))
    names = _student_names(rng, 600 * scale)
    made = [_Block(k, scale, rng, cal, names[600 * k : 600 * (k + 1)], planted) for k in range(scale)]
    blocks = [block.build() for block in made]
    frames = {name: pd.concat([b[name] for b in blocks], ignore_index=True) for name in blocks[0]}
    _number(frames)
    frames["Policy"] = pd.DataFrame(
        [
            {
                "Policy version": "2025.1",
                "Approved on": pd.Timestamp("2025-09-17"),
                "Next review due": pd.Timestamp("2026-07-15"),  # POL-01: the summer review did not happen
                "Signed by chair of governors on": pd.Timestamp("2025-09-18"),
                "Signed by proprietor on": None,  # POL-02
            }
        ]
    )
    planted.update({"POL-01": 1, "POL-02": 1, "DQ-01": 1})
    frames["Closures"] = pd.DataFrame([{"Date": pd.Timestamp(d), "Reason": r} for d, r in CLOSURES])
    frames["Incidents"] = frames["Incidents"].drop(columns=[DROPPED[1]])
    if year == EARLIER_YEAR:
        refused = {b.student_ids[i] for b in made for i in b.by_cat["no"][:3]}
        planted = _a_year_earlier(frames, planted, scale, refused)
    else:
        planted.update(plan_exports(frames, seed, cal))
        frames.update(_dpo_review(frames, made[0]))
    ids = sorted(r for r in planted if planted[r])
    return frames, {r: planted[r] for r in sorted(ids, key=rule_order)}


def _dpo_review(frames: dict[str, pd.DataFrame], block: _Block) -> dict[str, pd.DataFrame]:
    """The DPO's review of the first block's findings: opinions for five areas and four decisions.

    - Accepted risk on the chess champion's post (PST-03): the family asked for the name to be published.
    - Not a breach on the race post (PST-03): the name is a visiting runner's. With both, Content and
      conduct goes from Red to Amber.
    - Accepted risk on the X account's insecure credentials (ACC-05), review by 31/03/2026: lapsed by the
      audit day, so the finding counts again and says so.
    - A decision on ``ACC-09:ACC-05``, the LinkedIn account's ID typed short: no finding has it (a notice).
    """
    posts = frames["Posts"]

    def post_naming(student: int, words: str) -> str:
        first, surname = block.names[student].split(" ", 1)
        text = posts["Post text"].astype(str)
        hit = text.str.contains(words, regex=False) & text.str.contains(surname, regex=False)
        return posts.loc[hit & text.str.contains(first, regex=False), "Post ID"].iloc[0]

    chess, race = block.pst03
    chess_id = f"PST-03:{post_naming(chess, 'county chess champion')}:{block.student_ids[chess]}"
    race_id = f"PST-03:{post_naming(race, 'brilliant race')}:{block.student_ids[race]}"
    decisions = [
        (chess_id, "Accepted risk", "The family asked for the county chess result to be published with the "
         "student's name; their written request is on file", "Headteacher and DPO", "2025-12-18", "2026-12-18"),
        (race_id, "Not a breach", "The runner named is from the visiting school and shares the name of one "
         "of ours; no student of this school is named", "DPO", "2026-05-08", None),
        (f"ACC-05:{block.acc_ids[2]}", "Accepted risk", "The password manager was being procured; the X "
         "account's login was kept in the school safe meanwhile", "DPO", "2026-01-20", "2026-03-31"),
        (f"ACC-09:{block.acc_ids[4][:4]}{block.acc_ids[4][5:]}", "Accepted risk", "The LinkedIn DPIA is being "
         "written", "DPO", "2026-02-02", "2026-10-31"),
    ]  # fmt: skip
    areas = [
        ("Governance and accounts", "Limited", "The X account's login is still not in the password manager and "
         "the YouTube account has had no lead since March; both are on the action plan for the autumn term.",
         "SLT minutes 20/01/2026"),
        ("Images and consent", "Limited", "Photographs of students without consent remain the most serious "
         "issue. The posts found are being taken down, the office now checks the consent register before a "
         "photograph is posted, and staff were retrained in March.", "Training register, March 2026"),
        ("Content and conduct", "Reasonable", "One student's full name was published at the family's request "
         "(accepted as a risk); the other match was a visiting runner. Staff have been reminded not to name "
         "students.", "Family's written request, 17/12/2025"),
        ("Monitoring and response", "Substantial", "Replies are almost always on time; the few late ones were "
         "at weekends, before the new rota.", "Monitoring rota, January 2026"),
        ("Incidents", "Limited", "Two breaches were not reported to the ICO in time. The DPO is now told of "
         "every incident on the day it is reported.", "Incident log review, 02/06/2026"),
    ]  # fmt: skip
    return {
        "Areas": pd.DataFrame(areas, columns=["Area", "Assurance", "Commentary", "Evidence"]),
        "Decisions": pd.DataFrame(
            [(i, c, r, by, pd.Timestamp(on), _ts(review)) for i, c, r, by, on, review in decisions],
            columns=["Finding ID", "Decision", "Reason", "Decided by", "Decided on", "Review by"],
        ),
    }


def _student_names(rng, n: int) -> list[str]:
    """Unique full names: every first name/surname pair, then double-barrelled surnames when needed."""
    singles = [f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES if f"{f} {s}" != AMELIA]
    out = [singles[i] for i in rng.permutation(len(singles))[:n]]
    seen = set(out) | {AMELIA}
    while len(out) < n:
        a, b = rng.choice(len(SURNAMES), 2, replace=False)
        name = f"{FIRST_NAMES[rng.integers(len(FIRST_NAMES))]} {SURNAMES[a]}-{SURNAMES[b]}"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return [out[i] for i in rng.permutation(n)]


def _ts(day) -> pd.Timestamp | None:
    return None if day is None else pd.Timestamp(day)


def _day(ts) -> int:
    """Day number inside the period (0 = 1 Sep 2025)."""
    return pd.Timestamp(ts).toordinal() - _START_ORDINAL


_START_ORDINAL = START.toordinal()


class _Block:
    """One block of the school: its people, accounts and year of records, planted breaches included."""

    def __init__(self, k, scale, rng, cal, names, planted):
        self.k, self.scale, self.rng, self.cal, self.names, self.planted = k, scale, rng, cal, names, planted
        self.staff_ids = [f"S{80 * k + i + 1:03d}" for i in range(80)]
        self.acc_ids = [f"ACC-{6 * k + i + 1:03d}" for i in range(6)]
        self.app_ids = [f"APP-{8 * k + i + 1:03d}" for i in range(8)]
        self.student_ids = [f"ST{600 * k + i + 1:04d}" for i in range(600)]
        # Ids that do not exist (DQ-04): beyond every real id at this scale, distinct per block.
        self.unknown_staff = f"S{80 * scale + 100 * k + 99}"
        self.unknown_assessor = f"S{80 * scale + 100 * k + 98}"
        self.unknown_student = f"ST{600 * scale + 100 * k + 99:04d}"
        self.unknown_incident = f"INC-{40 * scale + 100 * k + 99:03d}"

    def plant(self, rule: str, n: int = 1):
        self.planted[rule] += n

    def build(self) -> dict[str, pd.DataFrame]:
        staff = self._staff()
        # Each staff member's current days [start, leave) as period day numbers, for fast look-ups.
        self.current_from = [_day(d) if _is_ts(d) else -(10**6) for d in staff["Start date"]]
        self.current_to = [_day(d) if _is_ts(d) else 10**6 for d in staff["Leaving date"]]
        accounts, apps = self._accounts(), self._applications()
        consent = self._consent()
        incidents = self._incidents()
        return {
            "Accounts": accounts,
            "Applications": apps,
            "Staff": staff,
            "Consent": consent,
            "Posts": self._posts(),
            "Interactions": self._interactions(incidents),
            "Incidents": incidents,
        }

    # ---- people -------------------------------------------------------------------------------
    def _staff(self) -> pd.DataFrame:
        rng, rows = self.rng, []
        roles = [
            "Headteacher",
            "Deputy Headteacher",
            "Assistant Headteacher",
            "Assistant Headteacher",
            "School Business Manager",
            "Office Manager",
            "Receptionist",
            "Digital Lead",
        ]
        for i in range(80):
            kind = "Employee" if i < 65 else "Volunteer" if i < 72 else "Parent" if i < 76 else "Contractor"
            role = (
                roles[i]
                if i < len(roles)
                else (
                    "Teacher"
                    if i < 50
                    else "Teaching Assistant"
                    if i < 65
                    else {"Volunteer": "Reading volunteer", "Parent": "PTA parent", "Contractor": "Sports coach"}[kind]
                )
            )
            name = f"{FIRST_NAMES[rng.integers(len(FIRST_NAMES))]} {SURNAMES[rng.integers(len(SURNAMES))]}"
            start = pd.Timestamp(2008, 9, 1) + pd.Timedelta(days=int(rng.integers(0, 15 * 365)))
            if i < 30:  # administrators and SLT have been here a while
                start = min(start, pd.Timestamp("2022-09-01"))
            read = START + pd.Timedelta(days=int(rng.integers(1, 30)))
            trained = max(
                pd.Timestamp(2019, 9, 1) + pd.Timedelta(days=int(rng.integers(0, 5 * 365))),
                start + pd.Timedelta(days=7),
            )
            refresher = START + pd.Timedelta(days=int(rng.integers(3, 300)))
            declared = (
                START + pd.Timedelta(days=int(rng.integers(1, 45)))
                if kind == "Employee" or rng.random() < 0.5
                else None
            )
            row = {
                "Staff ID": self.staff_ids[i],
                "Name": name,
                "Role": role,
                "Type": kind,
                "Start date": start,
                "Leaving date": None,
                "Policy read on": read,
                "Social media training on": trained,
                "Latest refresher on": refresher,
                "Annual declaration on": declared,
            }
            if i in NEW_STARTERS:
                s = pd.Timestamp(NEW_STARTERS[i])
                row.update(
                    {
                        "Start date": s,
                        "Policy read on": s,
                        "Social media training on": s + pd.Timedelta(days=2),
                        "Latest refresher on": None,
                        "Annual declaration on": s + pd.Timedelta(days=3),
                    }
                )
            leaving = {
                PST02_LEAVER: "2026-02-13",
                ACC02_LEAVER: "2025-12-19",
                ACC07_LEAD: "2026-03-31",
                **OTHER_LEAVERS,
            }.get(i)
            if leaving:
                row["Leaving date"] = pd.Timestamp(leaving)
            if i == 42:  # left before this year: last year's dates
                row.update(
                    {
                        "Policy read on": pd.Timestamp("2024-09-05"),
                        "Latest refresher on": None,
                        "Annual declaration on": pd.Timestamp("2024-09-06"),
                    }
                )
            if i == RECEPTIONIST:
                row.update({"Social media training on": None, "Latest refresher on": None})
                self.plant("TRN-01")
            if i == STALE_TRAINING:
                row.update(
                    {
                        "Social media training on": pd.Timestamp("2022-09-06"),
                        "Latest refresher on": pd.Timestamp("2024-07-10"),
                    }
                )
                self.plant("TRN-02")
            if i == TRN03_VOLUNTEER:
                row["Policy read on"] = None
                self.plant("TRN-03")
            if i == TRN04_OLD:
                row["Annual declaration on"] = pd.Timestamp("2025-06-30")
            if i == TRN04_BLANK:
                row["Annual declaration on"] = None
            if i == TRN04_BAD:
                row["Annual declaration on"] = "31/02/2026"
                self.plant("DQ-02")
            if i in (TRN04_OLD, TRN04_BLANK, TRN04_BAD):
                self.plant("TRN-04")
            if i == STARTS_AFTER_AS_OF:
                row.update(
                    {
                        "Start date": pd.Timestamp("2026-09-01"),
                        "Policy read on": None,
                        "Social media training on": None,
                        "Latest refresher on": None,
                        "Annual declaration on": None,
                    }
                )
                self.plant("DQ-05")
            if i == LEAVES_BEFORE_START:
                row.update({"Start date": pd.Timestamp("2026-02-02"), "Leaving date": pd.Timestamp("2026-01-30")})
                self.plant("DQ-05")
            rows.append(row)
        return pd.DataFrame(rows)

    def current_admins(self, account: int, day) -> list[int]:
        d = _day(day)
        return [i for i in ACCOUNTS[account][5] if self.current_from[i] <= d < self.current_to[i]]

    def poster(self, account: int, day) -> str:
        admins = self.current_admins(account, day)
        return self.staff_ids[admins[self.rng.integers(len(admins))]]

    # ---- governance ---------------------------------------------------------------------------
    def _accounts(self) -> pd.DataFrame:
        rows = []
        suffix = "" if self.k == 0 else f" {self.k + 1}"
        for i, (
            platform,
            name,
            purpose,
            privacy,
            reason,
            admins,
            lead,
            created,
            review,
            dpia,
            creds,
            approves,
            tagging,
        ) in enumerate(ACCOUNTS):
            closed = i == CLOSED_ACCOUNT
            rows.append(
                {
                    "Account ID": self.acc_ids[i],
                    "Platform": platform,
                    "Account name": name + suffix,
                    "Application ID": self.app_ids[i],
                    "Purpose": purpose,
                    "Audience": "Parents, carers and the local community",
                    "Privacy": privacy,
                    "Privacy reason": reason,
                    "Administrators": [self.staff_ids[a] for a in admins],
                    "Lead staff": self.staff_ids[lead],
                    "Created on": pd.Timestamp(created),
                    "Credentials stored securely": creds,
                    "Admin approves followers or posts": approves,
                    "Tagging disabled": tagging,
                    "Status": "Closed" if closed else "Active",
                    # DQ-05: typed 2021 for 2025, so it reads as closed before it was created.
                    "Closed or transferred on": pd.Timestamp("2021-07-16") if closed else None,
                    "Last purpose review": _ts(review),
                    "DPIA reference": dpia,
                }
            )
        for rule in (
            "ACC-01",
            "ACC-02",
            "ACC-03",
            "ACC-04",
            "ACC-05",
            "ACC-06",
            "ACC-07",
            "ACC-08",
            "ACC-09",
            "ACC-10",
            "DQ-05",
            "DQ-02",
        ):
            self.plant(rule)  # one each, see ACCOUNTS and APPLICATIONS (DQ-05 closed before created, Facebok)
        return pd.DataFrame(rows)

    def _applications(self) -> pd.DataFrame:
        rows = []
        for j, (acc, submitted, dpia, decision, decided, proposed, promotion, reason) in enumerate(APPLICATIONS):
            on_account = isinstance(acc, int)
            platform = ACCOUNTS[acc][0].replace("Facebok", "Facebook") if on_account else acc
            privacy = ACCOUNTS[acc][3] if on_account else "Private"
            if on_account:
                reason = reason or ACCOUNTS[acc][4]
            rows.append(
                {
                    "Application ID": self.app_ids[j],
                    "Submitted on": pd.Timestamp(submitted),
                    "Submitted by": self.staff_ids[proposed[0]],
                    "Platform": platform,
                    "Aim": "Share school news and celebrate achievements" if j != 7 else "Short videos of school life",
                    "Intended audience": "Parents and carers",
                    "Promotion plan": promotion,
                    "Proposed administrators": [self.staff_ids[p] for p in proposed],
                    "Privacy": privacy,
                    "Privacy reason": reason,
                    "DPIA submitted to DPO on": _ts(dpia),
                    "SLT decision": decision,
                    "Decision date": _ts(decided),
                }
            )
        # APP-01 x2 (X: one proposed admin; TikTok: no promotion plan or privacy reason), APP-02 WhatsApp
        # pending since June, APP-03 LinkedIn DPIA after the decision, DQ-05 TikTok decided before submitted.
        self.plant("APP-01", 2)
        for rule in ("APP-02", "APP-03", "DQ-05"):
            self.plant(rule)
        return pd.DataFrame(rows)

    # ---- students -----------------------------------------------------------------------------
    def _consent(self) -> pd.DataFrame:
        rng, n = self.rng, 600
        order = rng.permutation(n)
        cats = np.array(["normal"] * n, dtype=object)
        spans = (
            ("no", 60),
            ("restricted_yes", 3),
            ("restricted_no", 3),
            ("renew", 8),
            ("withdrawn", 10),
            ("leaver", 15),
            ("future", 1),
        )
        pos, by_cat = 0, {}
        for cat, count in spans:
            by_cat[cat] = [int(i) for i in order[pos : pos + count]]
            cats[order[pos : pos + count]] = cat
            pos += count
        groups = rng.integers(0, len(YEAR_GROUPS), n)
        # Consent windows [from, to) in period day numbers: who may be pictured on which day.
        self.ok_from = np.full(n, 10**6)
        self.ok_to = np.full(n, 10**6)
        rows = []
        self.by_cat = by_cat
        normal = [int(i) for i in order[pos:]]
        if self.k == 0:
            self.names[normal[0]] = AMELIA
        self.first = [nm.split()[0] for nm in self.names]
        singles = [i for i in normal if "-" not in self.names[i] and self.names[i] != AMELIA]
        self.pst03 = singles[:2]
        self.pst04 = singles[2:4]
        self.late_form = normal[-1]  # IMG-01: pictured on 05/09/2025, form arrives 10/09/2025
        wd_dates = ["2026-01-15", "2026-03-10", "2026-05-20", "2026-06-15"]
        for i in range(n):
            cat, group = cats[i], int(groups[i])
            new_intake = YEAR_GROUPS[group] in ("Reception", "Year 7")
            received = (
                START + pd.Timedelta(days=int(rng.integers(1, 12)))
                if new_intake
                else pd.Timestamp(2019, 9, 1) + pd.Timedelta(days=int(rng.integers(0, 5 * 365 + 300)))
            )
            if i == self.late_form:
                received = pd.Timestamp("2025-09-10")
            base = {
                "Student ID": self.student_ids[i],
                "Student name": self.names[i],
                "Year group": _year_group_at(group, received),
                "Form received on": received,
                "Social media consent": True,
                "Photo restriction": False,
                "Withdrawn on": None,
                "Form version": "DSPP 2024" if received.year >= 2024 else "DSPP 2019",
                "Left school on": None,
            }
            forms = [base]
            if cat == "normal":
                self.ok_from[i] = _day(received)
                # Some re-consent at the start of this year (never the student whose form arrives late).
                if not new_intake and i != self.late_form and rng.random() < 0.15:
                    forms.append(
                        {
                            **base,
                            "Form received on": START + pd.Timedelta(days=int(rng.integers(2, 20))),
                            "Year group": YEAR_GROUPS[group],
                            "Form version": "DSPP 2024",
                        }
                    )
            elif cat == "no":
                base["Social media consent"] = False
            elif cat.startswith("restricted"):
                base.update({"Photo restriction": True, "Social media consent": cat == "restricted_yes"})
            elif cat == "renew":  # refused, then a new form this year gives consent
                base.update(
                    {
                        "Social media consent": False,
                        "Form received on": pd.Timestamp("2023-09-12"),
                        "Year group": _year_group_at(group, pd.Timestamp("2023-09-12")),
                    }
                )
                renewed = pd.Timestamp("2026-01-12") + pd.Timedelta(days=int(rng.integers(0, 60)))
                forms.append(
                    {
                        **base,
                        "Form received on": renewed,
                        "Social media consent": True,
                        "Year group": YEAR_GROUPS[group],
                        "Form version": "DSPP 2024",
                    }
                )
                self.ok_from[i] = _day(renewed)
            elif cat == "withdrawn":
                j = by_cat["withdrawn"].index(i)
                w = (
                    pd.Timestamp(wd_dates[j])
                    if j < len(wd_dates)
                    else pd.Timestamp("2025-11-03") + pd.Timedelta(days=int(rng.integers(0, 200)))
                )
                base["Withdrawn on"] = w
            elif cat == "leaver":
                left = pd.Timestamp("2025-10-01") + pd.Timedelta(days=int(rng.integers(0, 290)))
                base["Left school on"] = left
                self.ok_from[i], self.ok_to[i] = _day(received), _day(left)
            elif cat == "future":  # DQ-05: a September 2026 starter's form typed in early
                base.update({"Form received on": pd.Timestamp("2026-09-02"), "Year group": "Reception"})
                self.plant("DQ-05")
            rows.extend(forms)
        frame = pd.DataFrame(rows)
        return frame.sort_values(["Student ID", "Form received on"], kind="stable", ignore_index=True)

    def pool(self, day, exclude_first=()) -> np.ndarray:
        d = _day(day)
        ok = (self.ok_from <= d) & (d < self.ok_to)
        if exclude_first:
            ok &= ~np.isin(np.array(self.first, dtype=object), list(exclude_first))
        return np.flatnonzero(ok)

    def group(self, day, n, exclude_first=()) -> list[int]:
        return list(self.rng.choice(self.pool(day, exclude_first), n, replace=False))

    # ---- posts --------------------------------------------------------------------------------
    def _caption(self, images: bool) -> str:
        rng = self.rng
        templates = IMAGE_CAPTIONS if images else PLAIN_CAPTIONS
        return templates[rng.integers(len(templates))].format(
            year=YEAR_GROUPS[rng.integers(len(YEAR_GROUPS))],
            sport=SPORTS[rng.integers(len(SPORTS))],
            subject=SUBJECTS[rng.integers(len(SUBJECTS))],
            place=PLACES[rng.integers(len(PLACES))],
        )

    def post(
        self,
        when,
        account,
        *,
        by=None,
        text=None,
        pictured=(),
        images=None,
        shot=None,
        swim=False,
        kit=False,
        third=False,
        copyright=None,
        removed=None,
        planted=False,
        **extra,
    ) -> dict:
        when = pd.Timestamp(when)
        pictured = [p if isinstance(p, str) else self.student_ids[p] for p in pictured]
        images = bool(pictured) if images is None else images
        row = {
            "Account ID": self.acc_ids[account],
            "Posted at": when,
            "Posted by": by or self.poster(account, when),
            "Post text": text or self._caption(images),
            "Images of students": images,
            "Students pictured": pictured,
            "Shot type": shot or ("Group" if images else "None"),
            "Swimwear": swim if images else None,
            "Sports kit": kit if images else None,
            "Third-party content": third,
            "Copyright permission": copyright,
            "Senior leader approval": None,
            "Removed on": _ts(removed),
            "_planted": planted,
            "_dup": False,
        }
        row.update(extra)
        return row

    def _posts(self) -> pd.DataFrame:
        rng = self.rng
        planted = self._planted_posts()
        n = 1500 - len(planted)
        days = rng.choice(N_DAYS, n, p=_day_weights(post=True))
        minutes = rng.integers(7 * 60 + 30, 19 * 60 + 30, n)
        accounts = rng.choice(ACTIVE, n, p=POST_WEIGHTS / POST_WEIGHTS.sum())
        created4 = _day(ACCOUNTS[4][7])
        accounts = np.where((accounts == 4) & (days < created4), 0, accounts)
        with_images = rng.random(n) < 0.6
        rows = []
        for d, m, a, img in zip(days, minutes, accounts, with_images):
            when = START + pd.Timedelta(days=int(d), minutes=int(m))
            pictured, shot = [], None
            if img:
                pictured = self.group(when, min(2 + int(rng.poisson(3)), 15))
                shot = "Group" if rng.random() < 0.85 else "From behind"
            third = bool(rng.random() < 0.04)
            row = self.post(when, int(a), pictured=pictured, shot=shot, third=third, copyright=True if third else None)
            if rng.random() < 0.02:
                row["Senior leader approval"] = self.staff_ids[SLT[rng.integers(len(SLT))]]
            if rng.random() < 0.01:  # taken down later for an ordinary reason
                row["Removed on"] = min(when.normalize() + pd.Timedelta(days=int(rng.integers(0, 20))), AS_OF)
            rows.append(row)
        return pd.DataFrame(rows + planted + self._edge_posts())

    def _planted_posts(self) -> list[dict]:
        P, cat = [], self.by_cat
        no1, no2, no3 = cat["no"][:3]
        r1, r2 = cat["restricted_yes"][:2]
        renew = cat["renew"][0]
        wd_after, w1, w2, w3 = cat["withdrawn"][:4]  # withdrawn 15/01, 10/03, 20/05, 15/06/2026

        def img(when, account, extra, n, rule=None, count=1, **kw):
            others = self.group(when, n, kw.pop("exclude_first", ()))
            P.append(self.post(when, account, pictured=others + list(extra), planted=True, **kw))
            if rule:
                self.plant(rule, count)

        img("2025-10-14 15:10", 1, [no1], 4, "IMG-01")
        img("2025-11-20 16:05", 0, [no2, no3], 5, "IMG-01", 2)
        img("2025-12-05 12:30", 1, [renew], 3, "IMG-01")  # before the renewal form (Jan-Mar 2026)
        img("2026-03-04 10:45", 0, [wd_after], 4, "IMG-01")  # consent withdrawn 15/01/2026
        img("2026-02-10 14:20", 1, [self.unknown_student], 3, "IMG-01")
        self.plant("DQ-04")
        img("2025-09-05 09:30", 0, [self.late_form], 4, "IMG-01")  # form received 10/09/2025
        img("2025-12-10 11:00", 0, [r1], 4, "IMG-03")
        img("2026-05-12 13:15", 1, [r2], 3, "IMG-03")
        img("2026-02-03 15:40", 1, [w1], 3, "IMG-04")
        img("2026-04-28 16:20", 0, [w2], 4, "IMG-04")
        img("2026-06-02 09:10", 0, [w3], 3, removed="2026-06-15")  # clean: removed on the withdrawal day
        for when, account in (("2025-10-03 17:00", 0), ("2026-04-21 12:00", 1)):
            P.append(self.post(when, account, images=True, planted=True))
            self.plant("IMG-02")
        img(
            "2026-02-27 18:30",
            1,
            [],
            4,
            "IMG-05",
            text="Amazing swimming gala tonight: so many personal bests!",
            swim=True,
        )
        img(
            "2026-07-08 16:45",
            1,
            [],
            5,
            "IMG-07",
            text="Sports day was a huge success, thank you for cheering!",
            kit=True,
        )
        for when, account in (("2025-11-07 15:30", 0), ("2026-01-23 15:30", 1), ("2026-06-19 15:30", 0)):
            img(when, account, [], 1, "IMG-06", text="Star of the week for kindness and hard work!", shot="Individual")
        P.append(self.post("2025-10-21 12:10", 0, by=self.staff_ids[11], planted=True))
        P.append(self.post("2026-03-17 10:00", 3, by=self.staff_ids[20], planted=True))
        self.plant("PST-01", 2)
        P.append(self.post("2026-03-03 19:05", 0, by=self.staff_ids[PST02_LEAVER], planted=True))
        self.plant("PST-02")
        n1, n2 = (self.names[i] for i in self.pst03)
        first1, sur1 = n1.split(" ", 1)
        P.append(
            self.post(
                "2025-12-16 13:00", 0, planted=True, text=f"Congratulations to {first1}  {sur1}, county chess champion!"
            )
        )
        img(
            "2026-05-06 17:20",
            1,
            [self.pst03[1]],
            3,
            text=f"Well done {n2} on a brilliant race today!",
            exclude_first={self.first[self.pst03[1]]},
        )
        self.plant("PST-03", 2)
        for when, account, i, tpl in (
            ("2026-01-29 15:50", 1, self.pst04[0], "Great captaincy from {} today!"),
            ("2026-06-24 16:10", 0, self.pst04[1], "{} led the assembly beautifully."),
        ):
            img(when, account, [i], 4, "PST-04", text=tpl.format(self.first[i]), exclude_first={self.first[i]})
        P.append(
            self.post(
                "2025-11-25 10:30",
                2,
                third=True,
                copyright=False,
                planted=True,
                text="Sharing this road safety video from the council.",
            )
        )
        P.append(
            self.post(
                "2026-04-14 11:30",
                0,
                third=True,
                planted=True,
                text="Sharing a lovely poem about spring from a local poet.",
            )
        )
        self.plant("PST-05", 2)
        P.append(
            self.post(
                "2025-09-29 09:00",
                4,
                by=self.staff_ids[20],
                planted=True,
                text="Our new careers and alumni page is coming soon!",
            )
        )
        self.plant("PST-06")
        P.append(self.post("2026-02-20 12:00", 0, planted=True, **{"Removed on": "31/02/2026"}))
        img("2026-03-20 15:00", 1, [], 4, "DQ-02", swim="Yess")
        self.plant("DQ-02")  # Removed on 31/02/2026 above
        P.append(self.post("2026-05-15 08:45", 2, planted=True, _dup=True))
        self.plant("DQ-03")
        P.append(self.post("2026-09-04 09:00", 0, planted=True))
        self.plant("DQ-05")
        P.append(
            self.post(
                "2026-03-05 15:00",
                0,
                planted=True,
                text="Thank you to children's author Amelia Hartley for a wonderful World Book Day visit.",
            )
        )
        return P

    def _edge_posts(self) -> list[dict]:
        """:data:`EDGE_POSTS`, each by the account's first current administrator: clean edges for the platforms'
        archives (sample_exports), found there and never a finding. They draw nothing random, so the rest of the
        school is the same with them."""
        return [
            self.post(when, account, by=self.staff_ids[self.current_admins(account, pd.Timestamp(when))[0]],
                      planted=True, text=text, _edge=edge)
            for when, account, text, edge in EDGE_POSTS
        ]  # fmt: skip

    # ---- interactions -------------------------------------------------------------------------
    def interaction(
        self,
        received,
        account,
        *,
        response="auto",
        by=None,
        kind=None,
        sender=None,
        offensive=False,
        action=None,
        informed=None,
        incident=None,
        blank_id=False,
        typed_response=None,
    ) -> dict:
        rng = self.rng
        received = pd.Timestamp(received)
        kind = kind or KINDS[rng.choice(len(KINDS), p=KIND_P)]
        sender = sender or SENDERS[rng.choice(len(SENDERS), p=SENDER_P)]
        if response == "auto":
            response = received + pd.Timedelta(minutes=int(rng.integers(20, 180)))
        return {
            "Account ID": self.acc_ids[account],
            "Received at": received,
            "Type": kind,
            "From": sender,
            "Summary": OFFENSIVE_SUMMARY if offensive else SUMMARIES[kind][rng.integers(len(SUMMARIES[kind]))],
            "First response at": typed_response or _ts(response),
            "Responded by": (by or self.poster(account, received)) if response is not None else None,
            "Offensive": offensive,
            "Action taken": action,
            "Audience informed": informed,
            "_incident": incident,
            "_blank_id": blank_id,
            # Only the baseline's messages and X comments reach the platforms' archives (sample_exports).
            "_baseline": False,
        }

    def _interactions(self, incidents: pd.DataFrame) -> pd.DataFrame:
        rng, cal = self.rng, self.cal
        planted = self._planted_interactions()
        linked = []  # offensive comments that became incidents, logged just before the incident
        for key, acc, reported in zip(incidents["_key"], incidents["Account ID"], incidents["Reported at"]):
            if acc in self.acc_ids[:5] and rng.random() < 0.6:
                linked.append(
                    self.interaction(
                        reported - pd.Timedelta(minutes=int(rng.integers(30, 300))),
                        self.acc_ids.index(acc),
                        kind="Comment",
                        offensive=True,
                        action=("Deleted", "Reported", "Hidden")[rng.integers(3)],
                        informed=True,
                        incident=key,
                    )
                )
        n = 4000 - len(planted) - len(linked)
        days = rng.choice(N_DAYS, n, p=_day_weights(post=False))
        received = pd.Series(
            START + pd.to_timedelta(days, unit="D") + pd.to_timedelta(rng.integers(6 * 60, 23 * 60, n), unit="min")
        )
        accounts = rng.choice(ACTIVE, n, p=POST_WEIGHTS / POST_WEIGHTS.sum())
        accounts = np.where((accounts == 4) & (days < _day(ACCOUNTS[4][7])), 0, accounts)
        deadline = cal.response_deadline(received, 24)
        delay = pd.to_timedelta(np.minimum(rng.lognormal(np.log(120), 1.0, n), 22 * 60).astype(int), unit="min")
        response = received + delay
        # Weekend/closure mail is often answered the next working morning, still before its deadline.
        next_morning = cal.next_working_day(received) + pd.to_timedelta(
            rng.integers(7 * 60 + 30, 10 * 60, n), unit="min"
        )
        late_reply = ~cal.is_working_day(received) & (rng.random(n) < 0.5)
        response = response.where(~late_reply, next_morning)
        response = response.where(response < deadline - pd.Timedelta(minutes=5), received + pd.Timedelta(minutes=15))
        response = response.where(
            response <= AS_OF + pd.Timedelta(hours=23, minutes=30), received + pd.Timedelta(minutes=5)
        )
        offensive = rng.random(n) < 0.015
        kinds = rng.choice(len(KINDS), n, p=KIND_P)
        senders = rng.choice(len(SENDERS), n, p=SENDER_P)
        rows = []
        for i, (rec, resp) in enumerate(zip(received.tolist(), response.tolist())):
            row = self.interaction(
                rec, int(accounts[i]), response=resp, kind=KINDS[kinds[i]], sender=SENDERS[senders[i]]
            )
            row["_baseline"] = True
            if offensive[i]:
                row.update(
                    {
                        "Offensive": True,
                        "Summary": OFFENSIVE_SUMMARY,
                        "Audience informed": True,
                        "Action taken": ("Hidden", "Deleted", "Blocked", "Reported")[rng.integers(4)],
                    }
                )
            elif rng.random() < 0.5:
                row["Action taken"] = "None"
            rows.append(row)
        return pd.DataFrame(rows + linked + planted)

    def _planted_interactions(self) -> list[dict]:
        cal, planted = self.cal, []
        for rec, resp, acc in (
            ("2025-10-07 10:15", "2025-10-08 16:40", 0),
            ("2026-02-24 14:05", "2026-02-26 09:30", 1),
            ("2026-05-13 19:20", "2026-05-15 08:05", 2),
            ("2026-03-13 16:30", "2026-03-16 09:10", 0),
        ):  # Friday, answered Monday
            assert cal.is_working_day(pd.Series([pd.Timestamp(rec)]))[0]
            planted.append(self.interaction(rec, acc, response=resp))
        self.plant("INT-01", 4)
        for rec, acc in (("2025-11-12 11:00", 0), ("2026-04-22 15:40", 1), ("2026-07-02 09:25", 3)):
            planted.append(self.interaction(rec, acc, response=None, kind="Query"))
        planted.append(self.interaction("2025-12-30 09:40", 0, typed_response="12/31/2025 10:15"))
        self.plant("INT-02", 4)
        self.plant("DQ-02")
        planted.append(self.interaction("2025-10-09 20:10", 0, kind="Comment", offensive=True, action="None"))
        planted.append(self.interaction("2026-05-02 21:30", 1, kind="Comment", offensive=True, action=None))
        self.plant("INT-03", 2)
        planted.append(
            self.interaction("2026-01-14 18:00", 0, kind="Comment", offensive=True, action="Deleted", informed=False)
        )
        planted.append(self.interaction("2026-06-03 19:45", 2, kind="Comment", offensive=True, action="Hidden"))
        self.plant("INT-04", 2)
        planted.append(self.interaction("2026-01-20 14:00", 0, response="2026-01-19 15:30"))
        self.plant("DQ-05")  # response before receipt
        planted.append(self.interaction("2026-02-05 10:00", 1, by=self.unknown_staff))
        self.plant("DQ-04")
        self.plant("TRN-01")  # an account user missing from Staff
        planted.append(
            self.interaction(
                "2026-06-09 16:00",
                0,
                kind="Comment",
                offensive=True,
                action="Reported",
                informed=True,
                incident=self.unknown_incident,
            )
        )
        self.plant("DQ-04")
        for rec in ("2025-10-15 09:05", "2026-03-25 11:20"):
            planted.append(self.interaction(rec, 0, by=self.staff_ids[RECEPTIONIST]))
        planted.append(self.interaction("2026-04-01 12:00", 1, blank_id=True))
        self.plant("DQ-03")
        # Clean edges: snow day and Good Friday are not working days; Sunday 30/08 is not yet overdue.
        planted.append(self.interaction("2026-01-27 10:00", 0, response="2026-01-28 16:00"))
        planted.append(self.interaction("2026-04-03 12:00", 1, response="2026-04-07 11:00"))
        planted.append(self.interaction("2026-08-30 11:00", 0, response=None))
        return planted

    # ---- incidents ----------------------------------------------------------------------------
    def incident(
        self,
        reported,
        category,
        *,
        assessed="auto",
        by=None,
        account="auto",
        illegal=False,
        police="auto",
        breach=None,
        dpo="auto",
        ico="auto",
        ico_at="auto",
        media="auto",
        closed="auto",
    ) -> dict:
        rng = self.rng
        reported = pd.Timestamp(reported)
        if assessed == "auto":
            assessed = reported + pd.Timedelta(minutes=int(rng.integers(30, 20 * 60)))
        if account == "auto":
            a = ACTIVE[rng.integers(len(ACTIVE))]
            a = 0 if reported < pd.Timestamp(ACCOUNTS[a][7]) else a  # not on an account before it existed
            account = (
                self.acc_ids[a]
                if category not in ("Staff conduct", "Staff contact with students", "Journalist contact")
                else None
            )
        breach = category == "Personal data breach" if breach is None else breach
        if police == "auto":
            police = reported.normalize() + pd.Timedelta(days=int(rng.integers(0, 2))) if illegal else None
        if dpo == "auto":
            dpo = reported + pd.Timedelta(minutes=int(rng.integers(30, 6 * 60))) if breach else None
        if ico == "auto":
            ico = bool(rng.random() < 0.5) if breach else None
        if ico_at == "auto":
            ico_at = reported + pd.Timedelta(hours=int(rng.integers(20, 60))) if ico else None
        if media == "auto":
            media = True if category == "Journalist contact" else None
        if closed == "auto":
            closed = min(reported.normalize() + pd.Timedelta(days=int(rng.integers(3, 25))), AS_OF)
        return {
            "Reported at": reported,
            "Category": category,
            "Account ID": account,
            "Summary": INCIDENT_TEXT[category],
            "SLT assessment at": _ts(assessed),
            "Assessed by": by or self.staff_ids[SLT[rng.integers(len(SLT))]],
            "Considered illegal": illegal,
            "Reported to police on": _ts(police),
            "External agencies informed": "Police" if police else None,
            "Personal data breach": breach,
            "DPO informed at": _ts(dpo),
            "ICO reportable": ico,
            "Reported to ICO at": _ts(ico_at),
            "Media policy followed": media,
            "Outcome": OUTCOMES[rng.integers(len(OUTCOMES))] if closed else None,
            "Closed on": _ts(closed),
        }

    def _incidents(self) -> pd.DataFrame:
        rng, cal, rows = self.rng, self.cal, []
        rows.append(self.incident("2025-11-18 10:00", "Offensive or harassing", assessed=None))
        self.plant("INC-01")
        for rep, ass in (("2026-03-02 09:00", "2026-03-09 10:00"), ("2026-06-12 16:00", "2026-06-17 09:30")):
            limit = cal.add_working_days(pd.Series([pd.Timestamp(rep)]), 2)[0]
            assert pd.Timestamp(ass).normalize() > limit
            rows.append(self.incident(rep, "Bullying", assessed=ass))
        self.plant("INC-02", 2)
        rows.append(self.incident("2026-01-13 08:40", "Safeguarding", illegal=True, police=None))
        self.plant("INC-03")
        rows.append(self.incident("2026-02-17 13:00", "Confidentiality", breach=True, dpo=None, ico=False))
        self.plant("INC-04")
        rows.append(
            self.incident("2026-02-02 09:00", "Personal data breach", ico=True, ico_at="2026-02-05 17:00")
        )  # 80 hours
        rows.append(self.incident("2026-05-19 14:00", "Other", breach=True, ico=True, ico_at=None))
        self.plant("INC-05", 2)
        rows.append(self.incident("2025-10-02 11:00", "Journalist contact", media=None))
        self.plant("INC-06")
        for rep in ("2026-03-24 10:30", "2026-06-30 15:00"):
            rows.append(self.incident(rep, "Defamatory", closed=None))
        self.plant("INC-07", 2)
        rows.append(self.incident("2026-04-21 09:15", "Personal data breach", ico=None))
        self.plant("INC-08")
        rows.append(self.incident("2025-12-03 12:00", "Copyright", by=self.unknown_assessor))
        self.plant("DQ-04")
        # Clean edges: Saturday report assessed on the second working day; a recent incident still open.
        rows.append(self.incident("2026-02-07 10:00", "Offensive or harassing", assessed="2026-02-10 09:00"))
        rows.append(self.incident("2026-08-10 11:00", "Other", closed=None))
        cats = list(INCIDENT_TEXT)
        weights = np.array([4, 6, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2], dtype=float)
        for _ in range(40 - len(rows)):
            day_w = _day_weights(post=False)[2 : N_DAYS - 10]  # not the first or last days of the year
            day = 2 + int(rng.choice(len(day_w), p=day_w / day_w.sum()))
            when = START + pd.Timedelta(days=day, minutes=int(rng.integers(8 * 60, 18 * 60)))
            category = cats[rng.choice(len(cats), p=weights / weights.sum())]
            rows.append(self.incident(when, category, illegal=bool(rng.random() < 0.08)))
        frame = pd.DataFrame(rows)
        frame["_key"] = [(self.k, i) for i in range(len(frame))]
        return frame


def _year_group_at(group: int, received: pd.Timestamp) -> str:
    """The year group a student was in when a form arrived (a year per September)."""
    academic = received.year - (received.month < 9)
    return YEAR_GROUPS[max(0, group - (2025 - academic))]


def _is_ts(value) -> bool:
    return isinstance(value, pd.Timestamp)


@functools.cache
def _day_weights(post: bool) -> np.ndarray:
    """Relative activity per day of the period: school days busy, weekends and holidays quiet."""
    days = pd.date_range(START, AS_OF)
    w = np.where(days.day_of_week < 5, 1.0, 0.25 if post else 0.35)
    holiday = (
        (days.month == 8)
        | ((days.month == 7) & (days.day > 22))
        | ((days.month == 12) & (days.day > 19))
        | ((days.month == 1) & (days.day < 5))
    )
    w = np.where(holiday, w * 0.3, w)
    return w / w.sum()


def _number(frames: dict[str, pd.DataFrame]) -> None:
    """Chronological keys across blocks; resolve planted duplicates, blanks and incident links."""
    inc = frames["Incidents"].sort_values("Reported at", kind="stable", ignore_index=True)
    inc.insert(0, "Incident ID", [f"INC-{i + 1:03d}" for i in range(len(inc))])
    key_to_id = dict(zip(inc.pop("_key"), inc["Incident ID"]))
    frames["Incidents"] = inc

    # The edge posts for the platforms' archives (EDGE_POSTS) come last, as posts logged late do, so the other
    # posts keep the IDs they had before there were archives.
    edge = frames["Posts"]["_edge"].notna() if "_edge" in frames["Posts"] else False
    posts = pd.concat(
        [frames["Posts"][~edge].sort_values("Posted at", kind="stable"), frames["Posts"][edge]], ignore_index=True
    )
    ids = [f"P-{i + 1:05d}" for i in range(len(posts))]
    for i in np.flatnonzero(posts.pop("_dup").to_numpy()):
        ids[i] = ids[i - 1]  # DQ-03: typed the previous post's id again
    posts.insert(0, "Post ID", ids)
    frames["Posts"] = posts  # its _planted and _edge marks stay for the platforms' archives (never written)

    inter = frames["Interactions"].sort_values("Received at", kind="stable", ignore_index=True)
    ids = [f"I-{i + 1:06d}" for i in range(len(inter))]
    ids = [None if blank else x for x, blank in zip(ids, inter.pop("_blank_id"))]
    inter.insert(0, "Interaction ID", ids)
    inter["Incident ID"] = [key_to_id.get(x, x) if isinstance(x, tuple) else x for x in inter.pop("_incident")]
    frames["Interactions"] = inter


# ---- writing ----------------------------------------------------------------------------------
# openpyxl without lxml (not a dependency) writes ~12,000 cells a second, too slow for scale 50, so the
# workbooks are written as plain SpreadsheetML: shared strings, real date serials with UK formats.
# Other ways staff write yes/no (the contract accepts them all); about 1 cell in 12 uses one.
_YES = ("y", "TRUE", "yes", "Y", "YES", "true", "1")
_NO = ("n", "FALSE", "no", "N", "NO", "false", "0")
_SEPARATORS = (", ",) * 16 + (";", "; ", "\n", ",")
_EPOCH = pd.Timestamp("1899-12-30")
_DATE_STYLE, _DATETIME_STYLE, _HEADER_STYLE = 1, 2, 3


class _Date(float):
    """An Excel date serial and the style (number format) it is shown with."""

    style = _DATE_STYLE


class _DateTime(float):
    style = _DATETIME_STYLE


def _cells(values: pd.Series, col: Column, rng) -> list:
    """Canonical values as staff type them: mostly tidy, some text dates, odd case and yes/no words."""
    vals = values.tolist()
    draws = rng.random(len(vals))
    picks = rng.integers(0, 1 << 30, len(vals))
    if col.kind in (Kind.DATE, Kind.DATETIME):
        stamps = pd.to_datetime(
            pd.Series([v if isinstance(v, pd.Timestamp) else pd.NaT for v in vals], dtype="datetime64[ns]")
        )
        serials = ((stamps.dt.floor("min") - _EPOCH) / pd.Timedelta(days=1)).round(8).tolist()
    out = []
    for i, (v, r, p) in enumerate(zip(vals, draws, picks)):
        if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
            out.append(None)
        elif isinstance(v, str) and col.kind not in (Kind.CHOICE, Kind.TEXT, Kind.ID):
            out.append(v)  # a planted bad cell (DQ-02), kept as typed
        elif col.kind is Kind.DATE:
            out.append(
                v.strftime("%d/%m/%Y") if r < 0.04 else v.strftime("%Y-%m-%d") if r < 0.06 else _Date(serials[i])
            )
        elif col.kind is Kind.DATETIME:
            out.append(
                v.strftime("%d/%m/%Y %H:%M")
                if r < 0.03
                else v.strftime("%Y-%m-%dT%H:%M")
                if r < 0.05
                else _DateTime(serials[i])
            )
        elif col.kind is Kind.YESNO:
            words = _YES if v else _NO
            out.append(words[p % len(words)] if r < 0.08 else "Yes" if v else "No")
        elif col.kind is Kind.IDS:
            out.append(_SEPARATORS[p % len(_SEPARATORS)].join(v) if v else None)
        elif col.kind is Kind.CHOICE and v in col.choices and r < 0.04:
            out.append(v.lower() if r < 0.02 else v.upper() if r < 0.03 else f" {v} ")
        else:
            out.append(v)
    return out


def _xml_text(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    keep = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f"<si><t{keep}>{text}</t></si>"


class _Strings:
    """The shared-strings table of one workbook."""

    def __init__(self):
        self.index: dict[str, int] = {}

    def cell(self, ref: str, text: str, style: int = 0) -> str:
        i = self.index.setdefault(text, len(self.index))
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}" t="s"{s}><v>{i}</v></c>'

    def xml(self) -> str:
        items = "".join(_xml_text(t) for t in self.index)
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_NS}" '
            f'count="{len(self.index)}" uniqueCount="{len(self.index)}">{items}</sst>'
        )


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _sheet_xml(columns: list[tuple[str, list]], strings: _Strings) -> str:
    letters = [_letter(i) for i in range(len(columns))]
    header = "".join(strings.cell(f"{c}1", h, _HEADER_STYLE) for c, (h, _) in zip(letters, columns))
    rows = [f'<row r="1">{header}</row>']
    for n, values in enumerate(zip(*(v for _, v in columns)), start=2):
        cells = []
        for c, v in zip(letters, values):
            if v is None:
                continue
            if isinstance(v, float):
                cells.append(f'<c r="{c}{n}" s="{v.style}"><v>{float(v)!r}</v></c>')
            else:
                cells.append(strings.cell(f"{c}{n}", str(v)))
        rows.append(f'<row r="{n}">{"".join(cells)}</row>')
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{max(12, min(40, len(h) + 4))}" customWidth="1"/>'
        for i, (h, _) in enumerate(columns, start=1)
    )
    return (
        f'{_HEAD}<worksheet xmlns="{_NS}" xmlns:r="{_REL}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        f"<cols>{cols}</cols><sheetData>{''.join(rows)}</sheetData></worksheet>"
    )


_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_NS}"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def _write_workbook(path: Path, wb, frames: dict[str, pd.DataFrame], rng) -> None:
    """One .xlsx with fixed metadata and zip times, so the same content gives the same bytes."""
    strings, parts = _Strings(), []
    sheets = [s for s in wb.sheets if not s.optional or s.name in frames]  # the school's holidays: none given
    for sheet in sheets:
        frame = frames[sheet.name]
        cols = [
            (c.header, _cells(frame[c.header].astype(object), c, rng))
            for c in sheet.columns
            if c.header in frame.columns
        ]
        parts.append(_sheet_xml(cols, strings))
    n = len(parts)
    sheets = "".join(f'<sheet name="{s.name}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, 1))
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1)
    )
    ct = "application/vnd.openxmlformats-officedocument"
    files = {
        "[Content_Types].xml": (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Override PartName="/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{ct}.extended-properties+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"
        ),
        "docProps/core.xml": (
            f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{wb.title} (sample school)</dc:title><dc:creator>lks-audit sample</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_STAMP}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_STAMP}</dcterms:modified></cp:coreProperties>'
        ),
        "docProps/app.xml": (
            f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties">'
            "<Application>lks-audit</Application></Properties>"
        ),
        "xl/workbook.xml": f'{_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG}">{rels}'
            f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": _STYLES,
        **{f"xl/worksheets/sheet{i}.xml": part for i, part in enumerate(parts, 1)},
        "xl/sharedStrings.xml": strings.xml(),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))


# ---- the year before ------------------------------------------------------------------------------
#: 52 weeks back: the same weekdays, and the clocks change on the same Sundays, so every record keeps its
#: outcome; only the bank holidays move (handled below).
A_YEAR_EARLIER = pd.Timedelta(weeks=52)
#: Planted breaches of 2025-26 that 2024-25 did not have (per block): new this year.
NOT_YET = {
    "IMG-05": lambda posts: posts["Swimwear"].map(lambda v: v is True),
    "IMG-07": lambda posts: posts["Sports kit"].map(lambda v: v is True),
    "PST-06": lambda posts: posts["Post text"] == "Our new careers and alumni page is coming soon!",
}
STAR_OF_THE_WEEK = "Star of the week for kindness and hard work!"


def _earlier(value, old_as_of: pd.Timestamp = AS_OF):
    """A date or date-time of 2025-26 moved to 2024-25; a planted bad cell (text) stays as typed. The audit
    day itself goes to the earlier audit day (52 weeks back would be 1 September, after it)."""
    if not isinstance(value, pd.Timestamp) or pd.isna(value):
        return value
    moved = value - A_YEAR_EARLIER
    return moved - pd.Timedelta(days=1) if value.normalize() == old_as_of else moved


def _a_year_earlier(frames: dict[str, pd.DataFrame], planted: Counter, scale: int, refused: set[str]) -> Counter:
    """2025-26's school moved back to 2024-25, in place; returns what 2024-25 plants, per rule.

    Every date moves back 52 weeks. A reply whose deadline moved with a bank holiday (Good Friday 2026 is a
    working Friday in 2025) keeps its outcome: in time stays in time, late stays late by as much. Then the
    year differs on purpose (per block): no swimming gala (IMG-05), sports day (IMG-07) or post before the
    LinkedIn account existed (PST-06), and no journalist contact (INC-06), all new in 2025-26; each photograph
    of the three students whose forms refused consent posted twice (IMG-01: 10), three more queries never
    answered (INT-02: 7) and two more star-of-the-week photographs (IMG-06: 5), fewer in 2025-26. ``refused``:
    those students' IDs. The policy was version 2024.1. The DPO kept no review yet.
    """
    lateness = _reply_lateness(frames["Interactions"], list(frames["Closures"]["Date"]))
    for name, frame in frames.items():
        for column in SHEETS[name].columns:
            if column.kind in (Kind.DATE, Kind.DATETIME) and column.header in frame:
                frame[column.header] = frame[column.header].astype(object).map(_earlier)
    frames["Policy"]["Policy version"] = "2024.1"
    _keep_reply_outcomes(frames["Interactions"], lateness, list(frames["Closures"]["Date"]))
    planted = Counter(planted)
    posts = frames["Posts"]
    for rule, test in NOT_YET.items():
        gone = test(posts).to_numpy()
        assert not posts.loc[gone, "Post ID"].isin(posts.loc[~gone, "Post ID"]).any(), "a removed post's ID is reused"
        posts = posts[~gone]
        planted[rule] -= scale
    journalists = frames["Incidents"]
    unrecorded = (journalists["Category"] == "Journalist contact") & journalists["Media policy followed"].isna()
    frames["Incidents"] = journalists[~unrecorded].reset_index(drop=True)
    planted["INC-06"] -= scale
    # Copies on the same day, an hour or two later: every student pictured has the same consent as in the first.
    stars = posts[(posts["Post text"] == STAR_OF_THE_WEEK) & (posts["Posted at"] < pd.Timestamp("2025-06-01"))]
    no_consent = posts[posts["Students pictured"].map(lambda ids: bool(set(ids) & refused))]
    again = pd.concat(
        [
            stars.assign(**{"Posted at": stars["Posted at"] + pd.Timedelta(hours=1)}),
            no_consent.assign(**{"Posted at": no_consent["Posted at"] + pd.Timedelta(hours=2)}),
        ]
    )
    frames["Posts"] = pd.concat([posts, _renumbered(again, posts, "P-", 5)], ignore_index=True)
    planted["IMG-06"] += 2 * scale
    planted["IMG-01"] += 3 * scale
    inter = frames["Interactions"]
    unanswered = inter[
        inter["First response at"].isna()
        & (inter["Received at"] < pd.Timestamp("2025-08-24"))
        & (inter["Type"] == "Query")
    ]
    earlier = unanswered.assign(**{"Received at": unanswered["Received at"] - pd.Timedelta(weeks=5)})
    frames["Interactions"] = pd.concat([inter, _renumbered(earlier, inter, "I-", 6)], ignore_index=True)
    planted["INT-02"] += 3 * scale
    for name in ("Areas", "Decisions"):
        frames.pop(name, None)
    return planted


def _renumbered(rows: pd.DataFrame, frame: pd.DataFrame, prefix: str, digits: int) -> pd.DataFrame:
    """``rows`` (copies) given IDs after the highest of ``frame``'s key column (its first)."""
    key = frame.columns[0]
    highest = max(int(str(v)[len(prefix) :]) for v in frame[key].dropna())
    ids = [f"{prefix}{highest + i:0{digits}d}" for i in range(1, len(rows) + 1)]
    return rows.assign(**{key: ids})


def _reply_lateness(inter: pd.DataFrame, closures: list) -> pd.Series:
    """How long after its deadline each answered interaction was replied to (negative: in time)."""
    answered = inter["First response at"].map(lambda v: isinstance(v, pd.Timestamp)) & inter["Received at"].notna()
    received = pd.to_datetime(inter.loc[answered, "Received at"])
    deadline = WorkingCalendar(closures, range(2023, 2028)).response_deadline(received, 24)
    return pd.to_datetime(inter.loc[answered, "First response at"]) - deadline


def _keep_reply_outcomes(inter: pd.DataFrame, lateness: pd.Series, closures: list) -> None:
    """Replies moved a year back keep their outcome against the deadline of the year they are now in:
    ``lateness`` is each reply's, measured in 2025-26."""
    now = _reply_lateness(inter, closures)
    changed = (now > pd.Timedelta(0)) != (lateness > pd.Timedelta(0))
    for i in now.index[changed.to_numpy()]:
        received = inter.at[i, "Received at"]
        deadline = received + (inter.at[i, "First response at"] - received) - now[i]
        late = lateness[i] > pd.Timedelta(0)
        inter.at[i, "First response at"] = deadline + lateness[i] if late else received + pd.Timedelta(minutes=15)
