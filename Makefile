# Délibé — two commands set up a fresh machine: `make demo` and `make test`.
# Any Python >= 3.11: the first of python3, python3.11, python3.12… that is recent enough (or PYTHON=…).
PYTHON ?= $(shell for p in python3 python3.11 python3.12 python3.13 python3.14 python3.15; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
PORT   ?= 8000
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.install-stamp
PYTEST_ARGS ?=
# Every test that touches the database, run again on PostgreSQL by `make test-postgres` (and CI).
PG_TESTS := tests/web tests/trust tests/assiduite tests/interop tests/api

.PHONY: help install sysdeps demo test test-fast test-postgres bench load-test lint clean

help:
	@echo "make demo   — installe tout, prépare la base SQLite de démonstration et sert http://127.0.0.1:8000 (PORT=8001 pour un autre port)"
	@echo "make test   — installe tout et lance toute la suite de tests"
	@echo "make test-fast — moteur et adaptateurs seulement, sans base ni navigateur (environ une minute)"
	@echo "make bench  — mesure la vitesse (moyennes, jury, pages web sur SQLite, coût de l'exactitude), le coût des fichiers hostiles, les deux moteurs PDF côte à côte, et affiche les tableaux de docs/benchmarks.md"
	@echo "make install — construit seulement .venv"
	@echo "make lint   — ruff, mypy strict sur le moteur, contrats d'import (import-linter)"

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || test -n "$(PYTHON)" || \
		{ echo "Python 3.11 ou plus récent est introuvable : installez-le ou passez PYTHON=/chemin/python3.x" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -c "import delibe, django, numpy"
	touch $(STAMP)

# System packages the tests need (Chromium for browser tests, poppler for PDF text, harfbuzz-subset for
# WeasyPrint) and the npm package axe-core. Installed only when missing; needs root (CI runs as root).
sysdeps:
	@bash scripts/install-system-deps.sh

demo: install
	$(BIN)/delibe demo --port $(PORT)

test: install sysdeps
	$(BIN)/pytest $(PYTEST_ARGS)

# The engine and adapters only: no database, no browser. About a minute of CPU (measured 2026-12-02: 378
# tests, 66 s CPU; 4 min wall on a loaded 2-core machine), mostly the Hypothesis property tests.
test-fast: install
	$(BIN)/pytest -m "not browser" tests/engine tests/formations tests/imports tests/simulate tests/test_architecture.py

# The database tests again on a throwaway PostgreSQL 15 cluster (started and stopped by the script).
test-postgres: install
	bash scripts/with-postgres.sh $(BIN)/pytest -m "not browser" $(PG_TESTS) $(PYTEST_ARGS)

bench: install
	$(BIN)/delibe bench
	$(BIN)/python bench/web.py
	$(BIN)/python bench/exactness.py
	$(BIN)/python bench/upload_bombs.py
	$(BIN)/python bench/pdf_engines.py

# 50 HTTP clients save 5,000 grades on loopback against PostgreSQL, then the database is checked; then a
# university (bench/universite.py: UNIVERSITE_ARGS, 2 departments by default; the full target is
# `--departements 20 --etudiants 600`, about 15 min of generation) is generated and walked role by role.
UNIVERSITE_ARGS ?= --departements 2 --etudiants 600 --grande-promo 600
load-test: install
	bash scripts/with-postgres.sh $(BIN)/python bench/load_grades.py --markdown
	bash scripts/with-postgres.sh $(BIN)/python bench/universite.py $(UNIVERSITE_ARGS)

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/mypy -p delibe.engine
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
