"""The breaches the sample school plants, declared once as a table: what ``lks-audit sample`` reports and the tests
read as what the audit must find (:func:`planted_counts`, also written to ``examples/*.planted.json``). The records
that plant them are made in :mod:`.people`, :mod:`.accounts`, :mod:`.posts`, :mod:`.interactions`,
:mod:`.incidents` and :mod:`.exports`, each labelled with its rule; the audit of the generated school is what ties
the two (tests/test_sample_audit.py).

Staff, student and account numbers are positions inside a block (see :mod:`.people` and :mod:`.accounts`). Each
block plants every row not marked ``once``, so those counts are multiplied by the school's ``scale``. A row planted
in one year only names it: the year before (:mod:`.earlier`) has no swimming gala, sports day, post before the
LinkedIn account or journalist contact, and more photographs without consent, stars of the week and unanswered
queries; the platforms' archives (:mod:`.exports`) exist for 2025-26 only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..findings import rule_order
from .year import SAMPLE_YEARS, YEAR


@dataclass(frozen=True)
class Planted:
    """One planted breach: the rule that must find it, where it lands, what it is, and how many findings it makes."""

    rule: str
    #: The sheet its records are in, or ``Archives`` for the platforms' archives.
    lands_on: str
    what: str
    count: int = 1
    #: Planted once for the school, not once per block.
    once: bool = False
    years: tuple[str, ...] = SAMPLE_YEARS


#: The table: ``per`` is ``block`` (planted in each block) or ``school`` (once); ``years`` is ``both`` or the one year
#: it is planted in; ``Archives`` are the platforms' (``platform_exports/``).
TABLE = """
rule   | lands on     | count | per    | years   | what
ACC-01 | Accounts     |     1 | block  | both    | Instagram account (acc1) created before its application was approved
ACC-02 | Accounts     |     1 | block  | both    | X account (acc2): one of its two administrators left in December
ACC-03 | Accounts     |     1 | block  | both    | YouTube account (acc3) has no Privacy reason
ACC-04 | Accounts     |     1 | block  | both    | YouTube account named "Kinvaston Music" (no "LKS")
ACC-05 | Accounts     |     1 | block  | both    | X account: credentials not stored securely
ACC-06 | Accounts     |     1 | block  | both    | Facebook page (acc0): admin does not approve followers or posts
ACC-07 | Accounts     |     1 | block  | both    | YouTube account: lead staff left in March, account still Active
ACC-08 | Accounts     |     1 | block  | both    | Instagram account (created 2021): last purpose review Feb 2025
ACC-09 | Accounts     |     1 | block  | both    | LinkedIn account (acc4, new this year): no DPIA reference
ACC-10 | Accounts     |     1 | block  | both    | Instagram account: tagging not disabled
APP-01 | Applications |     1 | block  | both    | X application names one proposed administrator (Approved: high)
APP-01 | Applications |     1 | block  | both    | rejected TikTok application: no promotion plan nor privacy reason
APP-02 | Applications |     1 | block  | both    | WhatsApp application Pending since June 2026
APP-03 | Applications |     1 | block  | both    | LinkedIn application: DPIA sent to the DPO after the SLT decision
POL-01 | Policy       |     1 | school | both    | Next review due 15/07/2026, before the audit day
POL-02 | Policy       |     1 | school | both    | not signed by the proprietor
TRN-01 | Staff        |     1 | block  | both    | the receptionist (staff 6), answering interactions, never trained
TRN-01 | Interactions |     1 | block  | both    | an interaction answered by a Staff ID missing from Staff
TRN-02 | Staff        |     1 | block  | both    | Instagram administrator (staff 13): last refresher July 2024
TRN-03 | Staff        |     1 | block  | both    | a current volunteer (staff 67) with no Policy read on
TRN-04 | Staff        |     3 | block  | both    | staff 30-32: declared June 2025; never; on "31/02/2026"
IMG-01 | Posts        |     1 | block  | both    | a student whose form refused consent pictured
IMG-01 | Posts        |     2 | block  | both    | two students whose forms refused consent pictured in one post
IMG-01 | Posts        |     1 | block  | both    | a student pictured before a renewal form gave consent (Jan-Mar 2026)
IMG-01 | Posts        |     1 | block  | both    | a student pictured after withdrawing consent on 15/01/2026
IMG-01 | Posts        |     1 | block  | both    | a Student ID missing from Consent pictured
IMG-01 | Posts        |     1 | block  | both    | a student pictured on 05/09/2025, before the form of 10/09/2025
IMG-01 | Posts        |     3 | block  | 2024-25 | each photograph of three students who refused consent posted again
IMG-02 | Posts        |     2 | block  | both    | Images of students = Yes and nobody listed
IMG-03 | Posts        |     2 | block  | both    | each picturing a consenting, photo-restricted student
IMG-04 | Posts        |     2 | block  | both    | picturing a student who withdrew later; post never removed
IMG-05 | Posts        |     1 | block  | 2025-26 | the swimming gala, in swimwear
IMG-06 | Posts        |     3 | block  | both    | "star of the week" individual shots
IMG-06 | Posts        |     2 | block  | 2024-25 | more star-of-the-week photographs
IMG-07 | Posts        |     1 | block  | 2025-26 | sports day, in sports kit
PST-01 | Posts        |     2 | block  | both    | by an administrator of another account
PST-02 | Posts        |     1 | block  | both    | by a Facebook administrator after his leaving date
PST-03 | Posts        |     2 | block  | both    | a full name in a caption: without images; picturing that student
PST-04 | Posts        |     2 | block  | both    | captions with the first name of one pictured student
PST-04 | Archives     |     1 | block  | 2025-26 | an Instagram caption naming, as published, a student it pictures
PST-05 | Posts        |     2 | block  | both    | third-party posts without copyright permission (No, blank)
PST-06 | Posts        |     1 | block  | 2025-26 | a LinkedIn post a week before the account was created
INT-01 | Interactions |     3 | block  | both    | answered 30-44 hours after a working-day receipt
INT-01 | Interactions |     1 | block  | both    | received on a Friday at 16:30, answered on Monday
INT-01 | Archives     |     1 | block  | 2025-26 | a Facebook message answered there 26 hours later (2 hours late)
INT-02 | Interactions |     3 | block  | both    | queries never answered
INT-02 | Interactions |     1 | block  | both    | First response at "12/31/2025 10:15" (a DQ-02 cell)
INT-02 | Interactions |     3 | block  | 2024-25 | more queries never answered, 5 weeks earlier
INT-03 | Interactions |     2 | block  | both    | offensive comments with Action None / blank
INT-04 | Interactions |     2 | block  | both    | offensive comments acted on, audience not informed (No / blank)
INC-01 | Incidents    |     1 | block  | both    | no SLT assessment
INC-02 | Incidents    |     2 | block  | both    | assessed a week later (Monday); a Friday's report on Wednesday
INC-03 | Incidents    |     1 | block  | both    | considered illegal, not reported to the police
INC-04 | Incidents    |     1 | block  | both    | a personal data breach, DPO never informed
INC-05 | Incidents    |     2 | block  | both    | ICO told after 80 hours; ICO reportable with no report
INC-06 | Incidents    |     1 | block  | 2025-26 | a journalist contact, media policy not recorded
INC-07 | Incidents    |     2 | block  | both    | still open from March and June
INC-08 | Incidents    |     1 | block  | both    | a personal data breach with ICO reportable blank
DQ-01  | Incidents    |     1 | school | both    | column "External agencies informed" left out
DQ-02  | Accounts     |     1 | block  | both    | Platform "Facebok"
DQ-02  | Posts        |     2 | block  | both    | Removed on "31/02/2026"; Swimwear "Yess"
DQ-02  | Interactions |     1 | block  | both    | First response at "12/31/2025 10:15"
DQ-02  | Staff        |     1 | block  | both    | Annual declaration on "31/02/2026"
DQ-03  | Posts        |     1 | block  | both    | a repeated Post ID (the row otherwise clean)
DQ-03  | Interactions |     1 | block  | both    | a blank Interaction ID (the row otherwise clean)
DQ-04  | Posts        |     1 | block  | both    | an unknown Student ID pictured
DQ-04  | Interactions |     2 | block  | both    | an unknown Responded by; an unknown Incident ID
DQ-04  | Incidents    |     1 | block  | both    | an unknown Assessed by
DQ-05  | Accounts     |     1 | block  | both    | account closed before it was created
DQ-05  | Applications |     1 | block  | both    | SLT decision before submission (TikTok)
DQ-05  | Staff        |     2 | block  | both    | leaving before starting; starting after the audit day
DQ-05  | Interactions |     1 | block  | both    | response before receipt
DQ-05  | Posts        |     1 | block  | both    | a post after the audit day
DQ-05  | Consent      |     1 | block  | both    | a September 2026 starter's form typed in early
EVD-01 | Archives     |     2 | block  | 2025-26 | a Facebook post (May) and an X post (November) never logged
EVD-02 | Archives     |     1 | block  | 2025-26 | an Instagram post of March missing, no removal recorded
EVD-02 | Archives     |     1 | block  | 2025-26 | missing, Removed on "31/02/2026" (to confirm: it waits on that DQ-02)
EVD-03 | Archives     |     2 | block  | 2025-26 | captions changed: added to on Facebook; naming a pictured student
EVD-04 | Archives     |     1 | block  | 2025-26 | a Facebook message late on a Saturday, answered, never logged
EVD-05 | Archives     |     1 | block  | 2025-26 | a Facebook message logged as answered in 2 hours, there 26 hours
"""


def _read(table: str) -> tuple[Planted, ...]:
    """The rows of :data:`TABLE`."""
    header, *lines = table.strip().splitlines()
    assert [cell.strip() for cell in header.split("|")] == ["rule", "lands on", "count", "per", "years", "what"]
    rows = []
    for line in lines:
        rule, lands_on, count, per, years, what = (cell.strip() for cell in line.split("|", 5))
        assert per in ("block", "school") and years in ("both", *SAMPLE_YEARS), line
        rows.append(
            Planted(rule, lands_on, what, int(count), per == "school", SAMPLE_YEARS if years == "both" else (years,))
        )
    return tuple(rows)


PLANTED = _read(TABLE)


def planted_counts(scale: int = 1, year: str = YEAR) -> dict[str, int]:
    """How many findings each rule must report on the sample school of ``scale`` blocks for ``year``, audited as of
    the end of that year with default parameters; in rule order."""
    counts: Counter = Counter()
    for planted in PLANTED:
        if year in planted.years:
            counts[planted.rule] += planted.count * (1 if planted.once else scale)
    return {rule: counts[rule] for rule in sorted(counts, key=rule_order)}
