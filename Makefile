# patron — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench migration clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: install, migrate and serve on 127.0.0.1:8000 (SQLite in ./data, demo org)
run: $(STAMP)
	$(BIN)/patron serve

## test: lint, type-check and run the whole suite (SQLite, and PostgreSQL when reachable)
test: $(STAMP) lint
	$(BIN)/pytest

## lint: ruff (check and format) and mypy --strict
lint: $(STAMP)
	$(BIN)/ruff check src tests migrations bench
	$(BIN)/ruff format --check src tests migrations bench
	$(BIN)/mypy

## format: apply ruff's formatting and safe fixes
format: $(STAMP)
	$(BIN)/ruff check --fix src tests migrations bench
	$(BIN)/ruff format src tests migrations bench

## bench: measure throughput and latency against PostgreSQL (see bench/README.md)
bench: $(STAMP)
	$(BIN)/python -m bench

## migration: autogenerate a migration from the models (MESSAGE="what changed")
migration: $(STAMP)
	$(BIN)/python -m patron.migrate_new "$(MESSAGE)"

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
