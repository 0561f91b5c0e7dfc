# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help run test fuzz install system-deps schema sample-data install-check bench clean

# The main job on the bundled sample workspace: check every file, the gap report as of the latest month, then
# the monthly report and the city's year-end draft (into reports/jinhua-2021/<YYYY-MM>/).
run: $(STAMP)
	$(BIN)/mubiao check
	$(BIN)/mubiao gaps --plan jinhua-2021
	$(BIN)/mubiao report --plan jinhua-2021
	$(BIN)/mubiao summary --plan jinhua-2021

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n auto

# Everything that reads what people type (cells, tables, county files, plans) fed any input by hypothesis
# (tests/fuzz/, issue 8): `make test` runs a few examples of each, this runs FUZZ_EXAMPLES of each (on a 2-core
# machine about 40 s per 1,000, so some 7 minutes by default; a failure prints the input that caused it). Not
# part of `make test`.
FUZZ_EXAMPLES ?= 10000
fuzz: $(STAMP)
	MUBIAO_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/fuzz -q -p no:cacheprovider \
		--hypothesis-profile=fuzz --hypothesis-show-statistics

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

# Regenerate the sample progress files under data/jinhua-2021 (deterministic; a test keeps them equal), and the
# package's copy of the sample that `mubiao init --example` writes (another test keeps that equal).
sample-data: $(STAMP)
	$(BIN)/python data/make_sample.py
	$(BIN)/python data/bundle_sample.py

# A fresh virtual environment outside the repository, pip and then pipx install of this checkout (from PyPI,
# about half a minute each), then init --example, check, gaps, report and summary in it (issue 9; not part of
# `make test`, which must not need the network).
install-check:
	bash tests/install-check.sh
	bash tests/install-check.sh --pipx

# mubiao against DuckDB on synthetic province and national workspaces (issue 7; not part of `make test`):
# generated once under .bench/; a smoke run is `make bench BENCH_ARGS=--quick`, and see run.py --help.
bench: $(STAMP)
	$(BIN)/python tests/bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# What each target does (`make` alone is `make run`).
help:
	@echo "make run          check the sample workspace, print its gaps, write its report and year-end draft"
	@echo "make test         the whole test suite (property tests with a few examples each)"
	@echo "make fuzz         the property tests of tests/fuzz/ with FUZZ_EXAMPLES (default $(FUZZ_EXAMPLES)) examples each"
	@echo "make schema       regenerate targets/plan.schema.json"
	@echo "make sample-data  regenerate data/jinhua-2021/ and the package's copy of it"
	@echo "make install-check  pip and pipx install of this checkout into fresh environments, then every command"
	@echo "make bench        mubiao against DuckDB on synthetic workspaces (BENCH_ARGS=--quick for a smoke run)"
	@echo "make clean        remove .venv/ and the test caches"
