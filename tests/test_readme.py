"""The README's generated tables (rules, parameters, contract) are current, and its layout section true."""

import re
from pathlib import Path

from lks_audit.docs import README, render_readme


def test_readme_generated_blocks_are_current():
    text = README.read_text()
    assert render_readme(text) == text, "README.md is stale: run `python -m lks_audit.docs`"


def test_readme_gives_the_two_commands():
    text = README.read_text()
    assert "make report" in text and "make test" in text


def _layout_lines() -> list[str]:
    text = README.read_text()
    block = text.split("<!-- BEGIN layout -->", 1)[1].split("<!-- END layout -->", 1)[0]
    return [line for line in block.splitlines() if line.startswith("- ")]


def test_layout_section_names_every_module_and_folder_once_and_nothing_else():
    package = Path(README).parent / "lks_audit"
    modules = {p.name for p in package.glob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    folders = {p.name + "/" for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    named = [re.match(r"- `lks_audit/([\w./]+)`:", line).group(1) for line in _layout_lines()]
    assert sorted(named) == sorted(modules | folders), "README's 'How the code is laid out' is out of step"


def test_layout_section_names_every_module_of_each_folder():
    package = Path(README).parent / "lks_audit"
    for line in _layout_lines():
        folder = re.match(r"- `lks_audit/([\w.]+)/`:", line)
        if not folder:
            continue
        inside = {p.stem for p in (package / folder.group(1)).glob("*.py") if p.stem != "__init__"}
        mentioned = set(re.findall(r"`(\w+)`", line))
        assert inside <= mentioned, f"{folder.group(1)}/: {sorted(inside - mentioned)} not described"
