"""A synthetic but realistic school year 2025-26 with a known set of planted breaches (``lks-audit sample``).

``write_sample(folder, seed, scale)`` writes the contract's workbooks staff keep and returns how many findings
each rule must report for an audit of ``2025-26`` as of ``2026-08-31`` with default parameters (the table of
:mod:`.planted`).

The school is ``scale`` *blocks*. A block is 600 students, 80 staff, 6 accounts, 8 applications,
~1,500 posts, ~4,000 interactions and 40 incidents, each block with its own ids and random draws and
the same planted breaches, so every per-block count is multiplied by ``scale``. The Policy row,
the Closures and the dropped column exist once. The baseline is clean for every
rule by construction: posters are current administrators of the account, pictured students consent on
the post's day, responses come before the deadline from :class:`~lks_audit.context.WorkingCalendar`,
captions never contain a first name (tests check the caption vocabulary), and so on.

For 2025-26 the first four accounts of each block also have their platform archives (``platform_exports/``,
see :mod:`.exports`, which plants EVD-01 to EVD-05 and one more PST-04 and INT-01 from the platforms'
record); the 2024-25 year has none. The :data:`EDGE_POSTS` each block logs for them come last in the log, so the
other posts keep their IDs.

Clean edge cases on purpose: a comment received on the snow day and one on Good Friday answered on the
next working day, one received on Sunday 30/08/2026 not yet answered (deadline after as_of), a post
naming the author "Amelia Hartley" while student "Amelia Hart" is on the register, a withdrawn student
pictured before the withdrawal in a post removed on the withdrawal day, an incident reported on a
Saturday assessed on the Tuesday.

The modules, each one job: ``year`` (dates, closures), ``words`` (names and texts), ``block`` (one block's IDs and
draws), ``people`` (staff, consent), ``accounts`` (accounts, applications), ``posts``, ``interactions`` and
``incidents`` (the logs), ``review`` (the DPO's review), ``earlier`` (the year before), ``school`` (the blocks
joined), ``planted`` (the planted breaches, declared once: what each year must find), ``workbooks`` (the .xlsx files
as staff type them), ``exports`` and ``platform_writers`` (the platforms' archives).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..schema import WORKBOOKS
from .exports import write_exports
from .posts import EDGE_POSTS
from .school import DROPPED, build_sample
from .words import FIRST_NAMES, IMAGE_CAPTIONS, PLACES, PLAIN_CAPTIONS, SPORTS, SUBJECTS, YEAR_GROUPS
from .workbooks import write_workbook
from .year import AS_OF, EARLIER_YEAR, SAMPLE_YEARS, YEAR

__all__ = [
    "AS_OF",
    "DROPPED",
    "EARLIER_YEAR",
    "EDGE_POSTS",
    "FIRST_NAMES",
    "IMAGE_CAPTIONS",
    "PLACES",
    "PLAIN_CAPTIONS",
    "SAMPLE_YEARS",
    "SPORTS",
    "SUBJECTS",
    "YEAR",
    "YEAR_GROUPS",
    "build_sample",
    "write_sample",
]


def write_sample(
    folder: Path, seed: int = 2026, scale: int = 1, year: str = YEAR, layouts: dict | None = None
) -> dict[str, int]:
    """Write the sample school's workbooks for ``year`` (one of :data:`SAMPLE_YEARS`) into ``folder``, and for
    2025-26 its accounts' platform archives (laid out as ``layouts`` says, see :mod:`.exports`); return
    planted findings per rule."""
    frames, planted = build_sample(seed, scale, year)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fmt_rng = np.random.default_rng([seed, scale, 1])  # formatting draws never shift the data draws
    for wb in WORKBOOKS:
        # The DPO's review only where the year has one; the school's holidays (an optional sheet) never.
        if all(sheet.name in frames for sheet in wb.sheets if not sheet.optional):
            write_workbook(folder / wb.file, wb, frames, fmt_rng)
    if "_ArchiveOnly" in frames:  # the platforms' archives, where the year has them
        write_exports(folder, frames, layouts)
    return planted
