import sys
from pathlib import Path

import pytest

# Make tests/school.py importable as `school` whatever the working directory.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def sample_audit():
    """The bundled sample school audited from its files, once per session; tests only read it."""
    from lks_audit.audit import audit_folder

    from school import SAMPLE_AS_OF, SAMPLE_SCHOOL, SAMPLE_YEAR

    return audit_folder(SAMPLE_SCHOOL, SAMPLE_YEAR, SAMPLE_AS_OF)[1]


@pytest.fixture(scope="session")
def earlier_sample_audit():
    """The bundled sample school's year before (2024-25), audited from its files once per session."""
    from lks_audit.audit import audit_folder

    from school import EARLIER_AS_OF, EARLIER_SAMPLE, EARLIER_YEAR

    return audit_folder(EARLIER_SAMPLE, EARLIER_YEAR, EARLIER_AS_OF)[1]


@pytest.fixture(scope="session")
def sample_two_years(tmp_path_factory) -> dict:
    """The commands of ``make report``: the sample's 2024-25, then its 2025-26 against it (a real kernel each)."""
    import subprocess

    from school import EARLIER_AS_OF, EARLIER_SAMPLE, EARLIER_YEAR, SAMPLE_AS_OF, SAMPLE_SCHOOL, SAMPLE_YEAR

    lks_audit = Path(sys.executable).parent / "lks-audit"
    out = tmp_path_factory.mktemp("sample-two-years") / "reports"

    def report(folder, year, as_of, *extra):
        args = [lks_audit, "report", folder, "--year", year, "--as-of", as_of, "--out", out, *extra]
        return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=900)

    last = report(EARLIER_SAMPLE, EARLIER_YEAR, EARLIER_AS_OF)
    assert last.returncode == 0, last.stderr[-3000:]
    proc = report(SAMPLE_SCHOOL, SAMPLE_YEAR, SAMPLE_AS_OF, "--previous", out / EARLIER_YEAR, "--history", out)
    return {"proc": proc, "dir": out / SAMPLE_YEAR, "out": out}
