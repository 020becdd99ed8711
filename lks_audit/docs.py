"""README sections generated from the schema and the rule registry (never written twice).

``python -m lks_audit.docs`` rewrites the marked blocks of README.md; a test
fails when README.md is out of date.
"""

from __future__ import annotations

import re
import sys
from dataclasses import fields
from pathlib import Path

from .findings import AREA_TITLES, rule_order
from .params import Parameters
from .rules import load_all_rules
from .schema import contract_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def rules_markdown() -> str:
    registry = load_all_rules()
    lines = [
        "| ID | area | severity | governors read | what it checks | policy clause |",
        "|---|---|---|---|---|---|",
    ]
    for rule_id in sorted(registry, key=rule_order):
        r = registry[rule_id]
        clause = r.clause if len(r.clause) <= 140 else r.clause[:137] + "..."
        severity = "medium / high" if rule_id == "APP-01" else r.severity
        lines.append(f"| {r.id} | {AREA_TITLES[r.area]} | {severity} | {r.title} | {r.meaning} | {clause} |")
    return "\n".join(lines)


def parameters_markdown() -> str:
    defaults = Parameters()
    lines = ["| parameter | default |", "|---|---|"]
    for f in fields(Parameters):
        lines.append(f"| `{f.name}` | `{getattr(defaults, f.name)}` |")
    return "\n".join(lines)


BLOCKS = {"rules": rules_markdown, "parameters": parameters_markdown, "contract": contract_markdown}


def render_readme(text: str) -> str:
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n)(?:.*?\n)?(<!-- END {name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README.md lacks the markers for the {name} block")
        block = make().strip()
        text = pattern.sub(lambda m, block=block: m.group(1) + block + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    new = render_readme(README.read_text())
    if "--check" in sys.argv:
        sys.exit(0 if new == README.read_text() else 1)
    README.write_text(new)
