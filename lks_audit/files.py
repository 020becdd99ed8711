"""The files of a report set, shared by the kernel that writes them and the process that publishes them.

Plain Python only: the report's parent process imports this before its kernel starts, and must not
pay for pandas there.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

GOVERNORS_HTML = "annual-review.html"
DPO_HTML = "dpo-detail.html"
ACTION_PLAN = "action-plan.xlsx"
#: The DPO's worklist, one row per finding not closed (personal data).
DPO_ACTIONS = "dpo-actions.xlsx"
#: Counts per area and rule, by state and severity, with no personal data: what ``--history`` reads.
HISTORY_JSON = "history.json"
FINDINGS_JSON = "findings.json"
EXECUTED = "annual-review.ipynb"
FAILED = "annual-review.failed.ipynb"
#: Each published file's sha256 and the run that wrote it: a set is whole when they all match.
MANIFEST = "manifest.json"
#: What the kernel hands over for the personal-data guard (words to look for), what it could not use and what
#: it carried, or why it refused to go on; never published.
GUARD = ".guard.json"
#: Inside a year's set: copies of the files people edited in the sets it replaced (owner-only).
PREVIOUS_RUNS = "previous-runs"

#: Files an office program keeps beside a file it has open (Excel's ``~$``, LibreOffice's ``.~lock.``).
OFFICE_LOCKS = ("~$", ".~lock.")
#: The formats a plan saved by a person may come back in (read as the workbooks are, by python-calamine).
PLAN_FORMATS = (".xlsx", ".xlsm", ".ods", ".xls")

#: Files holding personal data (the DPO's detail and worklist, findings.json, the executed notebook): owner only.
PRIVATE = 0o600


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def public_mode() -> int:
    """A file everyone may read, as the user's umask allows (the governors' outputs)."""
    return 0o666 & ~_umask()


def public_dir_mode() -> int:
    return 0o777 & ~_umask()


def _temp_file(folder: Path, name: str) -> Path:
    """An empty file next to ``name``, private (0600) from the start, ending like ``name``."""
    stem, dot, ext = name.rpartition(".")
    fd, path = tempfile.mkstemp(dir=folder, prefix=f".{stem}.", suffix=f".tmp{dot}{ext}")
    os.close(fd)
    return Path(path)


def atomic_write(path: Path, content: bytes, mode: int) -> Path:
    """Replace ``path`` with ``content`` in one step: a reader, a crash or a kill sees the old file or the new.

    The bytes go to a private temporary file beside ``path`` (so no one reads personal data while
    it is written), are synced, given ``mode`` and renamed over ``path``; on any failure the
    temporary file is removed and ``path`` is left as it was.
    """
    tmp = _temp_file(path.parent, path.name)
    try:
        with open(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_files(folder: Path) -> dict[str, str] | None:
    """Name -> SHA-256 of the files the set in ``folder`` was published with; None without a readable manifest."""
    try:
        files = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
        return files if isinstance(files, dict) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def plan_to_carry(folder: Path) -> Path | None:
    """The action plan of a published set whose edits a run carries (see :func:`to_carry`)."""
    return to_carry(folder, ACTION_PLAN)


def to_carry(folder: Path, name: str) -> Path | None:
    """The file ``name`` (the action plan, the DPO's worklist) of a published set whose edits a run carries: as a
    person last saved it, in any office format (``action-plan.ods`` beside our ``action-plan.xlsx`` when LibreOffice
    saved it in its own format): of the copies changed since the set was published (or not written by lks-audit),
    the latest saved; none changed: our own. None when the folder holds none."""
    stem = name.rsplit(".", 1)[0].casefold()
    plans = [
        p
        for p in (folder.iterdir() if folder.is_dir() else ())
        if p.is_file() and p.suffix.casefold() in PLAN_FORMATS and p.stem.casefold() == stem
    ]
    if not plans:
        return None
    written = manifest_files(folder) or {}
    changed = [p for p in plans if written.get(p.name) != sha256_file(p)]
    if changed:
        return max(changed, key=lambda p: (p.stat().st_mtime, p.name == name))
    return folder / name if (folder / name).is_file() else plans[0]
