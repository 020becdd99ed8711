"""Publishing a report set as one whole, into a plain folder: staging, manifest, the swap, the lock, tidying.

OUT/YEAR is a plain folder (no symbolic link: ``cp -r``, zip, OneDrive and Windows all see its files). A run
builds everything in its own OUT/.YEAR.staging-<pid>-<random>, writes the manifest, renames the folder to
OUT/.YEAR.run-<pid>-<random> and swaps it with OUT/YEAR:

* where the system can exchange two folders in one step (Linux's renameat2, macOS's renamex_np), OUT/YEAR
  shows the previous set or the new one whenever a reader looks;
* elsewhere (Windows), the old folder is renamed away and the new one renamed in: between those two renames
  OUT/YEAR is missing for a moment, though both sets are whole on disk.

The steps are :data:`STEPS`; a crash between any two leaves the old set or the new one whole, and the next run
tidies what is left (:func:`tidy`): a missing OUT/YEAR is put back from the whole set beside it, leftover
folders are removed. The renames, the swap and the tidying happen under a lock on OUT, so two runs publish
one after the other (the later one wins) and never tidy away each other's work; staging folders are only
removed by their own run, or by a later run once their process is dead.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import ReportFailed
from ..files import (
    FAILED,
    MANIFEST,
    OFFICE_LOCKS,
    PREVIOUS_RUNS,
    PRIVATE,
    atomic_write,
    manifest_files,
    public_dir_mode,
    public_mode,
    sha256_file,
)
from ..version import __version__

_WORK = re.compile(r"\.(?P<year>.+)\.(?P<kind>staging|run|old|link)-(?P<pid>\d+)-[^/]+")
STALE_AFTER_S = 86400  # Windows: no safe liveness check by pid, so a day-old staging folder is stale
#: What publishing does, in order; ``publish(on_step=...)`` is told after each (tests crash the process there).
#: "moved aside" only where folders cannot be exchanged in one step (OUT/YEAR is then missing until "swapped").
STEPS = ("manifest", "renamed", "moved aside", "swapped", "tidied")


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


def _libc_exchange():
    """The system's "swap two paths in one step", as a function of two paths returning whether it did; None
    where there is none (Windows, a libc without it)."""
    if sys.platform.startswith("linux"):
        name, flag = "renameat2", 2  # RENAME_EXCHANGE (glibc 2.28 and later)
    elif sys.platform == "darwin":
        name, flag = "renamex_np", 2  # RENAME_SWAP
    else:
        return None
    try:
        call = getattr(ctypes.CDLL(None, use_errno=True), name)  # the C library this process already runs on
    except (OSError, AttributeError):
        return None
    at_cwd = -100  # AT_FDCWD: paths as given

    def exchange(a: Path, b: Path) -> bool:
        a, b = os.fsencode(a), os.fsencode(b)
        done = call(at_cwd, a, at_cwd, b, flag) if name == "renameat2" else call(a, b, flag)
        return done == 0  # not supported by this file system (a network share, FAT): rename instead

    return exchange


#: The one-step swap, looked up when first needed; None where there is none.
_EXCHANGE: object = "not looked up yet"


def exchange(a: Path, b: Path) -> bool:
    """Swap the folders ``a`` and ``b`` in one step, where the system can; False (nothing done) where not."""
    global _EXCHANGE
    if _EXCHANGE == "not looked up yet":
        _EXCHANGE = _libc_exchange()
    return _EXCHANGE is not None and _EXCHANGE(a, b)


def _switch(out_root: Path, year: str, run_dir: Path, step: Callable[[str], None]) -> None:
    """Make OUT/YEAR the set in ``run_dir`` (a plain folder); the set it held is left under a hidden name."""
    current, suffix = out_root / year, run_dir.name.partition(".run-")[2]
    if current.is_dir() and not current.is_symlink() and exchange(run_dir, current):
        return  # run_dir now holds the old set, tidied away next
    if current.exists() or current.is_symlink():  # a link: OUT/YEAR as lks-audit before plain folders wrote it
        old = out_root / f".{year}.old-{suffix}"
        os.rename(current, old)
        step("moved aside")
        try:
            os.rename(run_dir, current)
        except OSError:
            os.rename(old, current)
            raise
    else:
        os.rename(run_dir, current)


def _whole(folder: Path) -> bool:
    """Whether ``folder`` holds a complete set: a manifest whose every file is there with its SHA-256."""
    try:
        files = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
        return all(hashlib.sha256((folder / n).read_bytes()).hexdigest() == d for n, d in files.items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _written(folder: Path) -> str:
    try:
        return str(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["written"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _tidy_locked(out_root: Path, year: str) -> None:
    """Under the lock: put a missing OUT/YEAR back from what a crash left (the newer whole set: a run folder
    renamed in, else the old set renamed away), then remove every other leftover and dead runs' staging."""
    current = out_root / year
    entries = list(_work_entries(out_root, year))
    if not (current.exists() or current.is_symlink()):
        sets = [p for p, kind, _ in entries if kind in ("run", "old") and p.is_dir() and not p.is_symlink()]
        whole = sorted((p for p in sets if _whole(p)), key=lambda p: (_written(p), "run-" in p.name))
        if whole:
            os.rename(whole[-1], current)
    for path, kind, pid in entries:
        if not path.exists() and not path.is_symlink():
            continue  # the set just put back
        if kind != "staging" or not _alive(pid, path):
            discard(path)


def tidy(out_root: Path, year: str) -> None:
    """What crashed runs left in OUT for ``year``, tidied: OUT/YEAR whole again, their folders removed (live
    runs' staging stays)."""
    if out_root.is_dir():
        with _lock(out_root):
            _tidy_locked(out_root, year)


#: A folder of copies kept for the owner only: what people typed into the DPO's files is personal data.
PRIVATE_DIR = 0o700


def set_files_state(current: Path) -> tuple[list[Path], list[Path]]:
    """The files of the published set ``current`` a person changed: (files it was published with, edited since
    (their SHA-256 is not the manifest's)), and (files lks-audit did not write there); office lock files, hidden
    files and a failed run's notebook aside. Without a readable manifest every file may hold edits."""
    written = manifest_files(current)
    edited, not_ours = [], []
    for path in sorted(current.iterdir()) if current.is_dir() else ():
        if path.name in (MANIFEST, FAILED, PREVIOUS_RUNS) or path.name.startswith((".", *OFFICE_LOCKS)):
            continue
        if path.is_dir() and not path.is_symlink():  # a folder of the DPO's own (lks-audit writes none but ours)
            not_ours.append(path)
        elif not path.is_file():
            continue
        elif written is not None and path.name not in written:
            not_ours.append(path)
        elif written is None or written[path.name] != sha256_file(path):
            edited.append(path)
    return edited, not_ours


@contextlib.contextmanager
def _private_copies(staging: Path, written: str):
    into = staging / PREVIOUS_RUNS / written.replace(":", "-")
    into.mkdir(parents=True, exist_ok=True)
    for folder in (staging / PREVIOUS_RUNS, into):
        os.chmod(folder, PRIVATE_DIR)
    yield into


def keep_edited(current: Path, staging: Path, own: tuple[str, ...]) -> tuple[list[Path], list[str]]:
    """Carry into ``staging`` what the set ``current`` (OUT/YEAR) holds that a person made, so nothing typed into a
    published set is lost when the set is replaced:

    * the copies it kept (its previous-runs/), and a copy of each file of ours edited since it was published (into
      previous-runs/<when it was written>/, owner-only);
    * each file lks-audit did not write (``governors-notes.txt``, a plan saved as ``.ods``): left where it is,
      untouched (the new set holds the same file, linked, or a byte-for-byte copy where links are not possible).
      One whose name the new set uses (``own``) is kept as an edited copy instead.

    Returns the new copies (relative to ``staging``) and the names of the files kept where they are."""
    if not current.is_dir():
        return [], []
    kept_before = current / PREVIOUS_RUNS
    if kept_before.is_dir():
        shutil.copytree(kept_before, staging / PREVIOUS_RUNS, copy_function=shutil.copy2, dirs_exist_ok=True)
    edited, not_ours = set_files_state(current)
    edited += [p for p in not_ours if p.name in own]
    left = [p for p in not_ours if p.name not in own]
    for path in left:
        if path.is_dir():
            shutil.copytree(path, staging / path.name, symlinks=True, copy_function=_same_file)
        else:
            _same_file(path, staging / path.name)
    names = [p.name + ("/" if p.is_dir() else "") for p in left]
    if not edited:
        return [], names
    written = _written(current) or dt.datetime.fromtimestamp(current.stat().st_mtime).isoformat(timespec="seconds")
    copies = []
    with _private_copies(staging, written) as into:
        for path in sorted(edited):
            copy = into / path.name
            shutil.copy2(path, copy)
            os.chmod(copy, PRIVATE)
            copies.append(copy.relative_to(staging))
    return copies, names


def _same_file(source: Path, target: Path) -> None:
    """``target`` as the very file ``source`` (a hard link: untouched), or a byte-for-byte copy with its times where
    the file system has no hard links (FAT, some shares)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _write_manifest(folder: Path, not_ours: tuple[str, ...]) -> None:
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name not in not_ours
    }
    manifest = {
        "run": folder.name.partition(".staging-")[2],
        "lks_audit": __version__,
        "written": dt.datetime.now().isoformat(timespec="seconds"),
        "files": files,
    }
    atomic_write(folder / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode("utf-8"), public_mode())


def publish(
    staging: Path,
    out_root: Path,
    year: str,
    not_ours: tuple[str, ...] = (),
    on_step: Callable[[str], None] | None = None,
) -> Path:
    """Make the complete set in ``staging`` what OUT/YEAR shows, in one step; returns OUT/YEAR.

    ``not_ours``: files in ``staging`` that lks-audit did not write (kept from the set replaced), left out of the
    manifest. ``on_step`` is called with each of :data:`STEPS` once it is done."""
    step = on_step or (lambda name: None)
    _write_manifest(staging, not_ours)
    os.chmod(staging, public_dir_mode())  # mkdtemp made it owner-only while it held unfinished files
    step("manifest")
    run_dir = out_root / staging.name.replace(".staging-", ".run-", 1)
    with _lock(out_root):
        _tidy_locked(out_root, year)  # a crashed run's leftovers first: OUT/YEAR whole before it is replaced
        os.rename(staging, run_dir)
        step("renamed")
        try:
            _switch(out_root, year, run_dir, step)
        except OSError as exc:
            discard(run_dir)
            raise ReportFailed(
                f"could not replace {out_root / year} ({exc.strerror or exc}); is one of its "
                f"files open in another program? Nothing was changed"
            ) from None
        step("swapped")
        _tidy_locked(out_root, year)
        step("tidied")
    return out_root / year


def keep_partial(partial: Path, staging: Path, out_root: Path, year: str) -> Path:
    """Move a failed run's notebook beside the published reports, which stay as they were."""
    os.chmod(partial, PRIVATE)
    with _lock(out_root):
        _tidy_locked(out_root, year)
        current = out_root / year
        if not current.exists():  # nothing published yet: a folder holding just this notebook
            run_dir = out_root / staging.name.replace(".staging-", ".run-", 1)
            run_dir.mkdir(mode=public_dir_mode())
            os.replace(partial, run_dir / FAILED)
            os.rename(run_dir, current)
        else:
            os.replace(partial, current / FAILED)
    return current / FAILED
