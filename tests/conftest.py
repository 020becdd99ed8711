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
