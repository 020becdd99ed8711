"""Policy rules, one module per area; :func:`load_all_rules` registers them all."""

import importlib
import pkgutil

from .registry import CLOCKS, REGISTRY, Rule, register_clock, register_rule  # noqa: F401


def load_all_rules() -> dict:
    """Import every area module in this package (each registers its rules on import)."""
    for info in pkgutil.iter_modules(__path__):
        if info.name not in ("registry", "base") and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY
