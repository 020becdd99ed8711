"""Policy rules, one module per area; importing this package registers them all."""
from .registry import REGISTRY, Rule, rule  # noqa: F401
