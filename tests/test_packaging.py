"""environment.yml and pyproject.toml must list the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name_and_spec(requirement: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_name_and_spec(r) for r in project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted.update(_name_and_spec(r) for r in extra)

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    pip_section = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section = dep.get("pip", [])
            continue
        name, spec = _name_and_spec(dep)
        if name not in ("python", "pip"):
            conda[name] = spec
    assert conda == wanted, "environment.yml and pyproject.toml disagree"
    assert "-e ." in pip_section, "environment.yml must install the package itself with pip"


def test_console_script_points_at_cli_run():
    """The command runs :func:`lks_audit.cli.run` (main, then the exit); ``python -m lks_audit`` does the same."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["lks-audit"] == "lks_audit.cli:run"
    from lks_audit.cli import main, run

    assert callable(main) and callable(run)
    assert "run()" in (ROOT / "lks_audit" / "__main__.py").read_text()
