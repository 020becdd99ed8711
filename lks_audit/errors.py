"""What can go wrong that a person can put right: the exceptions the library raises on purpose.

Each carries one line a person can act on. The library never prints and never exits; the
command line (``cli``) prints the line and maps the exception to an exit code.
"""

from __future__ import annotations

from pathlib import Path


class LksAuditError(Exception):
    """Base of the errors lks-audit raises on purpose."""


class AuditInputError(LksAuditError, ValueError):
    """The folder, year, date, parameters or files given cannot be used as asked (the CLI exits 2)."""


class PersonalDataInText(AuditInputError):
    """Text written for governors (the DPO's commentary, evidence or reasons, or notes typed into an action
    plan) holds a name or ID of the data: nothing is published until it is reworded (the CLI exits 2)."""


class ReportFailed(LksAuditError):
    """The report could not be produced (the CLI exits 1).

    ``partial`` is the notebook worth keeping for the DPO, if any: it is moved beside the
    published reports (which stay as they were) and named at the end of the line as ``what``.
    """

    def __init__(self, message: str, partial: Path | None = None, what: str = "partly executed notebook"):
        super().__init__(message)
        self.partial, self.what = partial, what


class WorkbookOpen(LksAuditError):
    """A workbook lks-audit would write into is open in Excel or LibreOffice (its lock file is beside it): saving
    there now would lose what the person types next, or be lost when they save. ``lock`` is the lock file."""

    def __init__(self, message: str, lock: Path):
        super().__init__(message)
        self.lock = lock


class MissingPackage(LksAuditError):
    """A command needs a package of an optional extra that is not installed (the CLI exits 1); the message says
    how to install it."""


class UnreadableFile(LksAuditError):
    """The file is not a workbook we can read; the message says why and what to do."""


class PlanUnreadable(LksAuditError):
    """A published plan that cannot be read back (not an .xlsx, no table): its edits cannot be carried."""
