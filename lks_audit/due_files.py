"""``due``'s two files for the school's leaders, the calendar (.ics) and the digest (.html), written as the command
and the due notebook both write them: each checked for a usable place first, then written whole in one step,
readable by others (they hold no personal data: :func:`~lks_audit.due_digest.checked_digest` refuses any)."""

from __future__ import annotations

from pathlib import Path

from .due import DueList
from .errors import AuditInputError
from .files import atomic_write, public_mode
from .load import Dataset


def write_public(path: str | Path, content: bytes) -> Path:
    """Write one of ``due``'s files for the school's leaders (no personal data) in one step; AuditInputError for a
    folder given as the file, or a folder that is not there."""
    target = Path(path)
    if target.is_dir():
        raise AuditInputError(f"{target} is a folder; give a file name")
    if not target.parent.is_dir():
        raise AuditInputError(f"{target.parent} does not exist; make the folder first")
    return atomic_write(target, content, public_mode())


def write_due_files(
    due: DueList, data: Dataset, school: str, ics: str | Path = "", html: str | Path = ""
) -> list[Path]:
    """The calendar written to ``ics`` and the leaders' digest to ``html``, each where a path is given; the files
    written, in that order."""
    written: list[Path] = []
    if ics:
        from .due_calendar import calendar_bytes  # icalendar only when a calendar is asked for

        written.append(write_public(ics, calendar_bytes(due, school)))
    if html:
        from .due_digest import checked_digest

        written.append(write_public(html, checked_digest(due, data, school).encode("utf-8")))
    return written
