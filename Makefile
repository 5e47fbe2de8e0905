# ucops.expressway — developer entry points. `make demo` and `make test` are the two a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: help venv system-deps test changelog-lint sanity units emulator-tests integration molecule demo demo-stop clean

help:
	@echo "make demo   - start an emulated Expressway fleet, local DNS and SIPS servers; configure, verify, report"
	@echo "make test   - every test: changelog lint, ansible-test sanity and units, emulator, integration, molecule"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@echo "==> Creating the Python virtual environment $(VENV) and installing requirements-dev.txt"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

system-deps:
	@bash scripts/install-system-deps.sh

test: venv system-deps
	@bash scripts/run-tests.sh

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

sanity: venv
	bash scripts/sanity.sh

units: venv
	bash scripts/units.sh

emulator-tests: venv
	$(BIN)/python -m pytest -q tests/emulator

integration: venv system-deps
	cd tests/integration && ../../$(BIN)/python -m pytest -q

molecule: venv
	bash scripts/molecule.sh

demo: venv system-deps
	@bash scripts/demo.sh

clean:
	rm -rf .build tests/output report
