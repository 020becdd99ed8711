"""The README's generated tables (rules, parameters, contract) are current."""
from lks_audit.docs import README, render_readme


def test_readme_generated_blocks_are_current():
    text = README.read_text()
    assert render_readme(text) == text, "README.md is stale: run `python -m lks_audit.docs`"


def test_readme_gives_the_two_commands():
    text = README.read_text()
    assert "make report" in text and "make test" in text
