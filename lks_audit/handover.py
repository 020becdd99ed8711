"""What ``lks-audit report`` and the annual review's kernel hand each other, each declared once (and what
``lks-audit explore`` fills in for the DPO's notebook, :class:`ExploreParameters`).

One way, :class:`ReportParameters`: the notebook's parameters, which papermill injects. ``render.report`` builds
them, the notebook's parameters cell holds the same names with literal defaults (papermill overrides them; a test
keeps the cell and the fields in step), and :func:`lks_audit.outputs.review_data.load_review` takes them.

The other way, :class:`Handover`: the kernel's ``.guard.json`` in the staging folder, which
:func:`lks_audit.outputs.artifacts.write_artifacts` writes and ``render.report`` reads back: the data's problems,
the words the personal-data guard looks for, what was carried, or why nothing may be published.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .files import GUARD, PRIVATE, atomic_write

#: The school named when none is given: the commands' --school, the notebooks run by hand, the notebook API.
DEFAULT_SCHOOL = "Little Kinvaston School"


@dataclass(frozen=True, kw_only=True)
class ReportParameters:
    """The annual review notebook's parameters, in the order papermill injects them (all plain JSON values)."""

    school: str = DEFAULT_SCHOOL
    #: The academic year, ``2025-26``.
    year: str
    #: The folder holding the school's workbooks.
    data_dir: str | Path
    #: ``31/08/2026``, ``2026-08-31`` or a moment of it; empty: the end of the year (today if earlier).
    as_of: str = ""
    #: ``dpo``, or ``governors`` to leave out the cells with personal data.
    audience: str = "dpo"
    #: Rule parameter overrides by name.
    params: Mapping[str, object] = field(default_factory=dict)
    #: Last year's report folder or its findings.json (``--previous``); empty: none.
    previous: str | Path = ""
    #: A folder holding earlier years' reports (``--history``); empty: none.
    history: str | Path = ""
    #: This year's published action-plan.xlsx and dpo-actions.xlsx whose edits the new ones carry; empty: none.
    replaced_plan: str = ""
    replaced_worklist: str = ""
    #: The day shown as generated (``YYYY-MM-DD``); empty: today.
    generated: str = ""
    #: The day governors receive the review (``YYYY-MM-DD``); empty: the later of today and ``as_of``.
    meeting_date: str = ""
    #: The staging folder ``lks-audit report`` collects the results in; empty when run by hand (nothing written).
    handoff: str = ""

    def injected(self) -> dict[str, object]:
        """The parameters as papermill injects them, by name."""
        return asdict(self)

    @classmethod
    def of_notebook(cls, namespace: Mapping[str, object]) -> ReportParameters:
        """The parameters as the notebook's parameters cell (and papermill's injected one) set them:
        ``ReportParameters.of_notebook(globals())``."""
        return cls(**{f.name: namespace[f.name] for f in fields(cls)})


@dataclass(frozen=True, kw_only=True)
class ExploreParameters:
    """The DPO's notebook's (``notebooks/explore.ipynb``) parameters, which ``lks-audit explore`` fills in, in the
    order it injects them."""

    data_dir: str | Path
    year: str
    as_of: str = ""
    previous: str | Path = ""
    history: str | Path = ""
    #: Rule parameter overrides by name, or a settings file.
    params: Mapping[str, object] | str = field(default_factory=dict)

    def injected(self) -> dict[str, object]:
        """The parameters as papermill injects them, by name."""
        return asdict(self)


@dataclass(frozen=True)
class Handover:
    """What the kernel hands back through ``.guard.json``; its fields are the file's keys."""

    #: What the audit could not use (a missing or unreadable workbook...), one line each, for the user.
    problems: list[str] = field(default_factory=list)
    #: Every personal value of the data -> what it is: the words the governors' page must not show.
    personal: dict[str, str] = field(default_factory=dict)
    #: Rules whose edits were carried from the plan replaced, and rows added by hand carried with them.
    carried_rules: list[str] = field(default_factory=list)
    hand_rows: int = 0
    #: What the worklist this one replaces handed on: the edits of these findings, and the rows added by hand.
    worklist_findings: int = 0
    worklist_hand_rows: int = 0
    #: Why nothing may be published (text for governors naming someone), one line per cell; empty: publish.
    refused: list[str] = field(default_factory=list)

    def write(self, folder: Path) -> None:
        """Write ``.guard.json`` into ``folder`` (owner-only: it holds the personal values)."""
        text = json.dumps(asdict(self), ensure_ascii=False)
        atomic_write(folder / GUARD, text.encode("utf-8"), PRIVATE)

    @classmethod
    def read(cls, folder: Path) -> Handover:
        """``.guard.json`` of ``folder``, read back. Raises OSError (FileNotFoundError when the kernel wrote none)
        and ValueError (not what :meth:`write` writes)."""
        found = json.loads((folder / GUARD).read_text(encoding="utf-8"))
        if not isinstance(found, dict):
            raise ValueError(f"{GUARD} holds no hand-over")
        try:
            return cls(**found)
        except TypeError as exc:
            raise ValueError(f"{GUARD}: {exc}") from None


__all__ = ["DEFAULT_SCHOOL", "ExploreParameters", "Handover", "ReportParameters"]
