import sys
from pathlib import Path

# Make tests/school.py importable as `school` whatever the working directory.
sys.path.insert(0, str(Path(__file__).parent))
