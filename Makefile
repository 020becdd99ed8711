# One command to render the sample school's annual review, one to run the tests.
# Needs only python3 (3.11+) and make; everything else is installed into .venv.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SAMPLE := examples/sample-school
YEAR   := 2025-26
AS_OF  := 2026-08-31
# The same made-up school a year earlier: its report gives the trend, carry-over and history.
EARLIER_SAMPLE := examples/sample-school-2024-25
EARLIER_YEAR   := 2024-25
EARLIER_AS_OF  := 2025-08-31

.PHONY: setup interactive report test browser-deps office-deps benchmark clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# The package's bytecode, compiled as pip compiles an installed package: where PYTHONDONTWRITEBYTECODE is set, an
# editable install otherwise compiles every module from source in each process (the report's kernel included, about
# a tenth of a second of every report). Only changed modules are compiled again.
setup: $(VENV)/.installed
	@$(PY) -m compileall -q lks_audit

# The interactive extra (JupyterLab, itables): the tests start JupyterLab and run the DPO's notebook, the benchmark
# times it. make report does without it (the report never imports them).
$(VENV)/.interactive: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[interactive]'
	touch $@

interactive: $(VENV)/.interactive

## Render the bundled sample school's 2024-25, then its 2025-26 against it, into reports/
report: setup
	$(VENV)/bin/lks-audit report $(EARLIER_SAMPLE) --year $(EARLIER_YEAR) --as-of $(EARLIER_AS_OF) --out reports
	$(VENV)/bin/lks-audit report $(SAMPLE) --year $(YEAR) --as-of $(AS_OF) --out reports \
		--previous reports/$(EARLIER_YEAR) --history reports

## Set up, check the style (ruff) and run the whole test suite (browser tests included)
test: setup interactive browser-deps office-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

## Headless Chromium (Debian) and axe-core (npm) for the report's browser tests
browser-deps:
	@bash tools/browser-deps.sh

## LibreOffice (Debian) for the tests that make real office files with it
office-deps:
	@bash tools/office-deps.sh

## Measure the floor, report, the DPO's notebook, check at scales 1/10/50 and start-up imports; prints one table
benchmark: setup interactive
	$(PY) benchmarks/run_benchmarks.py

clean:
	rm -rf $(VENV) reports/$(YEAR) reports/.$(YEAR).* reports/$(EARLIER_YEAR) reports/.$(EARLIER_YEAR).*
