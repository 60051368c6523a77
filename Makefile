# Délibé — two commands set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.install-stamp
PYTEST_ARGS ?=
# Every test that touches the database, run again on PostgreSQL by `make test-postgres` (and CI).
PG_TESTS := tests/web tests/trust tests/assiduite tests/interop tests/api

.PHONY: help install sysdeps demo test test-fast test-postgres bench load-test lint clean

help:
	@echo "make demo   — installe tout, prépare la base SQLite de démonstration et sert http://127.0.0.1:8000"
	@echo "make test   — installe tout et lance toute la suite de tests"
	@echo "make bench  — mesure la vitesse (moyennes, jury, pages web sur SQLite), le coût des fichiers hostiles, et affiche les tableaux de docs/benchmarks.md"
	@echo "make install — construit seulement .venv"

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import delibe, django, numpy" 
	touch $(STAMP)

# System packages the tests need (Chromium for browser tests, poppler for PDF text, harfbuzz-subset for
# WeasyPrint) and the npm package axe-core. Installed only when missing; needs root (CI runs as root).
sysdeps:
	@bash scripts/install-system-deps.sh

demo: install
	$(BIN)/delibe demo

test: install sysdeps
	$(BIN)/pytest $(PYTEST_ARGS)

# The engine and adapters only: no database, no browser (seconds).
test-fast: install
	$(BIN)/pytest -m "not browser" tests/engine tests/formations tests/imports tests/simulate tests/test_architecture.py

# The database tests again on a throwaway PostgreSQL 15 cluster (started and stopped by the script).
test-postgres: install
	bash scripts/with-postgres.sh $(BIN)/pytest -m "not browser" $(PG_TESTS) $(PYTEST_ARGS)

bench: install
	$(BIN)/delibe bench
	$(BIN)/python bench/web.py
	$(BIN)/python bench/upload_bombs.py

# 50 HTTP clients save 5,000 grades on loopback against PostgreSQL, then the database is checked.
load-test: install
	bash scripts/with-postgres.sh $(BIN)/python bench/load_grades.py --markdown

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/mypy src/delibe/engine
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
