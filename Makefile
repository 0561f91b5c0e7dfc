# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install system-deps schema sample-data bench clean

# The main job on the bundled sample workspace: check every file, the gap report as of the latest month, then
# the monthly report and the city's year-end draft (into reports/jinhua-2021/<YYYY-MM>/).
run: $(STAMP)
	$(BIN)/mubiao check
	$(BIN)/mubiao gaps --plan jinhua-2021
	$(BIN)/mubiao report --plan jinhua-2021
	$(BIN)/mubiao summary --plan jinhua-2021

test: $(STAMP) system-deps
	$(BIN)/python -m pytest

# chromium, CJK fonts, LibreOffice and poppler for the browser and Word tests (Debian packages, where missing)
system-deps:
	bash tests/system-deps.sh

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Regenerate the committed schema after changing cli/mubiao/schema.py (a test keeps them equal).
schema: $(STAMP)
	$(BIN)/mubiao schema -o targets/plan.schema.json

# Regenerate the sample progress files under data/jinhua-2021 (deterministic; a test keeps them equal).
sample-data: $(STAMP)
	$(BIN)/python data/make_sample.py

# mubiao against DuckDB on synthetic province and national workspaces (issue 7; not part of `make test`):
# generated once under .bench/; a smoke run is `make bench BENCH_ARGS=--quick`, and see run.py --help.
bench: $(STAMP)
	$(BIN)/python tests/bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
