# Two entry points (see README "Quick start"): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench readme web chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## make run: create the virtual environment, install botec, print the SmartPal report
run: $(VENV)/.installed-run
	$(BIN)/botec report scenarios/smartpal.toml

## make test: create the virtual environment with test tools, lint, run every test
test: $(VENV)/.installed-test chromium
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

## Debian's chromium for the browser tests (Playwright cannot download its own browser here)
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

## make web: set up, then serve the API (and the playground) on http://127.0.0.1:8000/
web: $(VENV)/.installed-run
	$(BIN)/botec web

## make readme: regenerate every example output in README.md from the code (cog)
readme: $(VENV)/.installed-test
	$(BIN)/cog -r -I tools README.md
	$(BIN)/python tools/charts.py
	$(BIN)/python tools/screenshot.py

bench: $(VENV)/.installed-run
	$(BIN)/python benchmarks/report_speed.py
	$(BIN)/python benchmarks/cold_start.py
	$(BIN)/python benchmarks/uncertainty_speed.py
	$(BIN)/python benchmarks/optimise_speed.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache
