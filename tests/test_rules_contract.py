"""One typed contract per rule: every check has the registry's signature (``RuleCheck``), every clock's ``open``
has ``ClockRows``'s, and every function in ``lks_audit/rules/`` (and in the audit and the measures that run and read
them) says the types of what it takes and gives."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from lks_audit.rules import CLOCKS, load_all_rules
from lks_audit.rules.registry import ClockRows, RuleCheck

PACKAGE = Path(__file__).resolve().parents[1] / "lks_audit"
RULES = PACKAGE / "rules"
#: Beside the rules, the modules that run them and read their tables.
AROUND_THE_RULES = ("audit.py", "measures.py", "wording.py")


def unannotated(source: str) -> list[str]:
    """``name (line)`` of each function of ``source`` with a parameter (``self`` and ``cls`` aside) or a return
    that has no annotation."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        args = node.args
        every = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
        bare = [a.arg for a in every if a.annotation is None and a.arg not in ("self", "cls")]
        if bare or node.returns is None:
            out.append(
                f"{node.name} (line {node.lineno}): " + ", ".join(bare + (["return"] if not node.returns else []))
            )
    return out


def test_every_function_in_the_rules_is_annotated():
    paths = sorted(RULES.glob("*.py")) + [PACKAGE / name for name in AROUND_THE_RULES]
    missing = {p.name: found for p in paths if (found := unannotated(p.read_text("utf-8")))}
    assert missing == {}


def test_an_unannotated_function_is_found():
    assert unannotated("def f(a, b: int) -> int:\n    def g(self, c: str):\n        pass\n") == [
        "f (line 1): a",
        "g (line 2): return",
    ]


def _parameters(function) -> list[tuple[str, str]]:
    return [(p.name, str(p.annotation)) for p in inspect.signature(function).parameters.values() if p.name != "self"]


def test_every_check_has_the_registry_signature():
    wanted = _parameters(RuleCheck.__call__)
    assert [name for name, _ in wanted] == ["rule", "data", "ctx", "derived"]
    odd = {i: _parameters(rule.check) for i, rule in load_all_rules().items() if _parameters(rule.check) != wanted}
    assert odd == {}
    returns = {inspect.signature(rule.check).return_annotation for rule in load_all_rules().values()}
    assert returns == {inspect.signature(RuleCheck.__call__).return_annotation}


def test_every_clock_has_the_registry_signature():
    load_all_rules()
    wanted = _parameters(ClockRows.__call__)
    assert {r: _parameters(c.open) for r, c in CLOCKS.items() if _parameters(c.open) != wanted} == {}
