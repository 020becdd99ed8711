"""``lks-audit explore``: the DPO's notebook in JupyterLab, on a private copy.

The command checks its options as ``report`` does, copies ``notebooks/explore.ipynb`` into a working folder of
the DPO's own (``~/lks-audit/little-kinvaston-school-2025-26/``: owner-only, outside the data folder, named for the
school and year), fills in the notebook's parameters from the options (papermill's injected cell, so the DPO
sees what was given) and starts JupyterLab on it. The copy holds personal data once run, so it is written
owner-only, as every notebook lks-audit writes; an earlier copy the DPO worked in is kept beside it, renamed,
never overwritten.

JupyterLab and itables come with the ``interactive`` extra; without them the command says how to install them
and writes nothing. Plain Python until JupyterLab starts: the options are refused before anything is imported.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import AuditInputError, MissingPackage
from .files import PRIVATE, atomic_write
from .handover import DEFAULT_SCHOOL, ExploreParameters

#: The notebook the command copies, in the notebooks folder beside the package (or as installed).
EXPLORE = "explore.ipynb"
#: The working folder's mode: only its owner may list or open what is in it.
PRIVATE_DIR = 0o700
#: What the DPO's notebook needs beyond the report: the package each comes in, how to get them.
NEEDS = {"jupyterlab": "JupyterLab", "itables": "itables"}
INSTALL = "pip install 'lks-audit[interactive]' (or: conda install -c conda-forge jupyterlab itables)"


def default_root() -> Path:
    """Where the working folders go unless ``--work`` says otherwise: ``lks-audit`` in the user's home folder."""
    return Path.home() / "lks-audit"


def slug(text: str) -> str:
    """``Little Kinvaston School`` -> ``little-kinvaston-school``: a folder name on any system."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "school"


def check_installed() -> None:
    """Raise :class:`MissingPackage` naming what is missing and how to install it."""
    missing = [name for module, name in NEEDS.items() if importlib.util.find_spec(module) is None]
    if missing:
        raise MissingPackage(
            f"the DPO's notebook needs {' and '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not "
            f"installed: {INSTALL}"
        )


@dataclass(frozen=True)
class Workspace:
    """The notebook written for the DPO, and the earlier copy kept (None when there was none, or it was the same)."""

    notebook: Path
    kept: Path | None = None


def working_folder(school: str, year: str, root: str | Path | None, data_dir: Path) -> Path:
    """``ROOT/<school>-<year>``; AuditInputError when it would lie inside the data folder (the notebook holds
    personal data that staff who share the data folder must not read)."""
    folder = Path(root) if root else default_root()
    folder = folder / f"{slug(school)}-{year}"
    inside = folder.resolve()
    data = data_dir.resolve()
    if inside == data or data in inside.parents:
        raise AuditInputError(
            f"--work: {folder} is inside the data folder {data_dir}; the DPO's notebook holds personal data, so keep "
            "it outside (the default is a folder lks-audit in your home folder)"
        )
    return folder


def _private_folder(folder: Path) -> None:
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    for path in created:
        os.chmod(path, PRIVATE_DIR)
    os.chmod(folder, PRIVATE_DIR)  # an existing folder too: it holds the DPO's notebooks


def prepare(
    asked: ExploreParameters,
    *,
    school: str = DEFAULT_SCHOOL,
    work: str | Path | None = None,
    now: dt.datetime | None = None,
) -> Workspace:
    """Check the options as ``report`` does and write the DPO's notebook, its parameters filled in, into the
    private working folder ``work`` (see :func:`working_folder`). Raises AuditInputError for an option that cannot
    be used (nothing written)."""
    from .history import checked_options
    from .intake import kept_name
    from .render.report import NOTEBOOKS

    checked = checked_options(
        asked.data_dir, asked.year, asked.as_of, asked.params, asked.previous, asked.history, as_of_left_to_run=True
    )
    target = working_folder(school, checked.year, work, Path(asked.data_dir))
    parameters = ExploreParameters(
        data_dir=checked.data_dir,
        year=checked.year,
        as_of=checked.as_of,  # a moment, when one was asked for; empty: the day the notebook runs
        previous=checked.previous,
        history=checked.history,
        params=checked.params,
    )
    text = _parameterised(NOTEBOOKS / EXPLORE, parameters.injected())
    _private_folder(target)
    notebook = target / EXPLORE
    kept = None
    if notebook.exists() and notebook.read_text(encoding="utf-8") != text:
        kept = kept_name(notebook, now)
        notebook.rename(kept)  # the DPO's earlier work, as they left it
        os.chmod(kept, PRIVATE)
    atomic_write(notebook, text.encode("utf-8"), PRIVATE)
    return Workspace(notebook, kept)


def _parameterised(source: Path, parameters: dict) -> str:
    """The notebook at ``source`` with ``parameters`` injected after its parameters cell, as papermill does."""
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(source)), parameters, comment="Filled in by lks-audit explore")
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:  # papermill's working metadata: the DPO's copy stays as clean as the committed one
        cell.metadata.pop("papermill", None)
        if not cell.metadata.get("tags", True):
            del cell.metadata["tags"]
    return nbformat.writes(nb) + "\n"


def start_lab(notebook: Path, *, browser: bool = True, port: int | None = None) -> None:
    """Run JupyterLab in this process on ``notebook``'s folder, showing the notebook, until it is stopped (Ctrl-C
    twice, or the File menu's Shut Down)."""
    from jupyterlab.labapp import LabApp

    argv = [
        str(notebook),
        f"--ServerApp.root_dir={notebook.parent}",
        # Nothing leaves the machine unasked: no news feed, no update check, no extension catalogue from PyPI.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--ServerApp.allow_root=True")  # a container or CI machine; a DPO's desk is not root
    if not browser:
        argv.append("--no-browser")
    if port is not None:
        argv.append(f"--port={port}")
    LabApp.launch_instance(argv=argv)


def keep_notebook_private() -> Path | None:
    """In a kernel JupyterLab started for a notebook file: make that file owner-only, since saving it keeps the
    outputs (personal data) in it. Returns the file, or None when the kernel runs for no file (papermill)."""
    name = os.environ.get("JPY_SESSION_NAME", "")
    path = Path(name) if name.endswith(".ipynb") else None
    if path is None or not path.is_file():
        return None
    try:
        os.chmod(path, PRIVATE)
    except OSError:
        return None
    return path
