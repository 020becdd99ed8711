"""Publishing a report set as one whole: staging, manifest, the symlink switch, the lock, pruning.

OUT/YEAR is a symlink to a complete run folder OUT/.YEAR.run-<pid>-<random>. A run builds
everything in its own OUT/.YEAR.staging-<pid>-<random>, writes the manifest, renames the folder
to a run folder and replaces the symlink (os.replace of a symlink is atomic on POSIX): whenever a
reader looks, whenever the run is killed, OUT/YEAR shows the previous set or the new one. The
rename, the switch and the pruning of older run folders happen under a lock on OUT, so two runs
publish one after the other (the later one wins) and never prune each other's work; staging
folders are only removed by their own run, or by a later run once their process is dead.

Without symlinks (Windows without developer mode), or when OUT/YEAR is a real folder from an
older lks-audit, the old folder is renamed away and the new one renamed in: between those two
renames (microseconds) OUT/YEAR is missing, though both sets are whole on disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from .. import __version__
from ..errors import ReportFailed
from ..outputs.files import FAILED, MANIFEST, PREVIOUS_RUNS, PRIVATE, atomic_write, public_dir_mode, public_mode

_WORK = re.compile(r"\.(?P<year>.+)\.(?P<kind>staging|run|old|link)-(?P<pid>\d+)-[^/]+")
STALE_AFTER_S = 86400  # Windows: no safe liveness check by pid, so a day-old staging folder is stale


def discard(path: Path) -> None:
    """Remove ``path`` (a folder, a file or a link) if it is still there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _work_entries(out_root: Path, year: str):
    for path in out_root.iterdir():
        match = _WORK.fullmatch(path.name)
        if match and match["year"] == year:
            yield path, match["kind"], int(match["pid"])


def _alive(pid: int, path: Path) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would end the process there
        return time.time() - path.stat().st_mtime < STALE_AFTER_S
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(out_root: Path, year: str) -> None:
    """Remove staging folders left by killed runs (their process is dead); live runs' stay."""
    for path, kind, pid in list(_work_entries(out_root, year)):
        if kind == "staging" and not _alive(pid, path):
            discard(path)


def new_staging(out_root: Path, year: str) -> Path:
    """A private folder in OUT for this run to build its set in (mkdtemp: owner-only, a name no other run has)."""
    return Path(tempfile.mkdtemp(dir=out_root, prefix=f".{year}.staging-{os.getpid()}-"))


@contextlib.contextmanager
def _lock(folder: Path):
    """An exclusive flock on the OUT folder itself, so no lock file is left behind."""
    try:
        import fcntl
    except ImportError:  # Windows: the renames are the only guard, and a second run fails cleanly
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _switch(out_root: Path, year: str, run_dir: Path) -> None:
    """Make OUT/YEAR show ``run_dir``."""
    link, suffix = out_root / year, run_dir.name.partition(".run-")[2]
    tmp: Path | None = out_root / f".{year}.link-{suffix}"
    try:
        os.symlink(run_dir.name, tmp, target_is_directory=True)  # relative: OUT can be moved
    except (OSError, NotImplementedError):
        tmp = None
    if link.exists() and not link.is_symlink():
        old = out_root / f".{year}.old-{suffix}"
        os.rename(link, old)
        try:
            os.replace(tmp, link) if tmp else os.rename(run_dir, link)
        except OSError:
            os.rename(old, link)
            raise
    elif tmp:
        os.replace(tmp, link)
    else:
        os.rename(run_dir, link)


def _prune(out_root: Path, year: str, keep: str) -> None:
    """Under the lock: every run, old and link entry but ``keep`` is an earlier set or a killed run's."""
    for path, kind, _ in list(_work_entries(out_root, year)):
        if kind != "staging" and path.name != keep:
            discard(path)


#: A folder of copies kept for the owner only: what people typed into the DPO's files is personal data.
PRIVATE_DIR = 0o700


def _edited_files(current: Path) -> list[Path]:
    """Files of the set ``current`` shows that changed since it was written (their SHA-256 is not the
    manifest's), or were added to it; lock files and hidden files aside."""
    try:
        written = json.loads((current / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        written = {}  # a set without a readable manifest: every file may hold edits
    return [
        path
        for path in sorted(current.iterdir())
        if path.is_file()
        and path.name != MANIFEST
        and not path.name.startswith((".", "~$"))
        and written.get(path.name) != hashlib.sha256(path.read_bytes()).hexdigest()
    ]


def keep_edited(current: Path, staging: Path) -> list[Path]:
    """Copy into ``staging`` what the set ``current`` (OUT/YEAR) holds that a person made: the copies it kept
    (its previous-runs/) and the files edited since it was written (into previous-runs/<when it was written>/).
    Nothing typed into a published set is lost when the set is replaced. Returns the new copies, relative to
    ``staging``; all owner-only."""
    if not current.is_dir():
        return []
    kept_before = current / PREVIOUS_RUNS
    if kept_before.is_dir():
        shutil.copytree(kept_before, staging / PREVIOUS_RUNS, copy_function=shutil.copy2, dirs_exist_ok=True)
    edited = _edited_files(current)
    if not edited:
        return []
    try:
        written = json.loads((current / MANIFEST).read_text(encoding="utf-8"))["written"]
    except (OSError, ValueError, KeyError, TypeError):
        written = dt.datetime.fromtimestamp(current.resolve().stat().st_mtime).isoformat(timespec="seconds")
    into = staging / PREVIOUS_RUNS / written.replace(":", "-")
    into.mkdir(parents=True, exist_ok=True)
    for folder in (staging / PREVIOUS_RUNS, into):
        os.chmod(folder, PRIVATE_DIR)
    kept = []
    for path in edited:
        copy = into / path.name
        shutil.copy2(path, copy)
        os.chmod(copy, PRIVATE)
        kept.append(copy.relative_to(staging))
    return kept


def _write_manifest(folder: Path) -> None:
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}
    manifest = {
        "run": folder.name.partition(".staging-")[2],
        "lks_audit": __version__,
        "written": dt.datetime.now().isoformat(timespec="seconds"),
        "files": files,
    }
    atomic_write(folder / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode("utf-8"), public_mode())


def publish(staging: Path, out_root: Path, year: str) -> Path:
    """Make the complete set in ``staging`` what OUT/YEAR shows, in one step; returns OUT/YEAR."""
    _write_manifest(staging)
    os.chmod(staging, public_dir_mode())  # mkdtemp made it owner-only while it held unfinished files
    run_dir = out_root / staging.name.replace(".staging-", ".run-", 1)
    with _lock(out_root):
        os.rename(staging, run_dir)
        try:
            _switch(out_root, year, run_dir)
        except OSError as exc:
            discard(run_dir)
            raise ReportFailed(
                f"could not replace {out_root / year} ({exc.strerror or exc}); is one of its "
                f"files open in another program? Nothing was changed"
            ) from None
        _prune(out_root, year, keep=run_dir.name)
    return out_root / year


def keep_partial(partial: Path, staging: Path, out_root: Path, year: str) -> Path:
    """Move a failed run's notebook beside the published reports, which stay as they were."""
    os.chmod(partial, PRIVATE)
    with _lock(out_root):
        current = out_root / year
        if not current.exists():  # nothing published yet: a set holding just this notebook
            run_dir = out_root / staging.name.replace(".staging-", ".run-", 1)
            run_dir.mkdir(mode=public_dir_mode())
            os.replace(partial, run_dir / FAILED)
            _switch(out_root, year, run_dir)
            _prune(out_root, year, keep=run_dir.name)
        else:
            os.replace(partial, current / FAILED)
    return current / FAILED
