"""lks-audit: prove, once a year, that Little Kinvaston School lives by its Social Media Policy.

For the DPO's notebook: :func:`open_audit` (in :mod:`lks_audit.explore`, imported on first use so that the
command line starts without pandas).
"""

from .version import __version__


def __getattr__(name: str):
    if name in ("open_audit", "Audit"):
        from . import explore

        return getattr(explore, name)
    raise AttributeError(f"module 'lks_audit' has no attribute {name!r}")


__all__ = ["__version__", "open_audit", "Audit"]
