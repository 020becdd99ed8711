"""The papermill and nbconvert side of ``lks-audit report``, run in the command's own process.

:func:`render_report` runs the review notebook in a kernel (:mod:`.execute`), exports it as the
governors' and the DPO's pages (:mod:`.export`) after the personal-data check (:mod:`lks_audit.guard`), and
publishes the set as one whole (:mod:`.publish`). What the kernel itself imports lives in
:mod:`lks_audit.outputs`.
"""

from .report import RenderedSet, render_report

__all__ = ["RenderedSet", "render_report"]
