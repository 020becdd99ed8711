"""The DPO's review of the sample school's 2025-26 findings (``dpo_review.xlsx``): opinions and decisions."""

from __future__ import annotations

import pandas as pd

from .block import Block
from .year import ts


def dpo_review(frames: dict[str, pd.DataFrame], block: Block) -> dict[str, pd.DataFrame]:
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
            [(i, c, r, by, pd.Timestamp(on), ts(review)) for i, c, r, by, on, review in decisions],
            columns=["Finding ID", "Decision", "Reason", "Decided by", "Decided on", "Review by"],
        ),
    }
