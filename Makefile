# The commands a developer and CI run unchanged: serve, test, check, bench, soak.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VENDOR := graphiql/static/vendor
PYTHON ?= python3

.PHONY: serve test check bench soak schema install assets

# Checked before the venv is made: what is missing is one line, not a half-made .venv.
PYTHON_IS_NEW_ENOUGH := import sys; sys.exit(sys.version_info < (3, 11))
PYTHON_MAKES_VENVS   := import ensurepip, venv

$(STAMP): pyproject.toml
	$(if $(shell command -v $(PYTHON)),,$(error $(PYTHON) not found: install Python 3.11 or newer (apt-get install python3 python3-venv), or run make PYTHON=/path/to/python3))
	$(if $(shell $(PYTHON) -c '$(PYTHON_IS_NEW_ENOUGH)' 2>/dev/null && echo yes),,$(error Masthead needs Python 3.11 or newer, and $(PYTHON) is $(or $(shell $(PYTHON) -V 2>/dev/null),not runnable): install one, or run make PYTHON=python3.11))
	$(if $(shell $(PYTHON) -c '$(PYTHON_MAKES_VENVS)' 2>/dev/null && echo yes),,$(error $(PYTHON) cannot create virtual environments: apt-get install python3-venv))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	mkdir -p $(VENV)/pkgroot && ln -sfn ../.. $(VENV)/pkgroot/masthead
	touch $(STAMP)

install: $(STAMP)

## Refresh the GraphiQL browser files committed in graphiql/static/vendor from npm (needs Node)
assets:
	cd graphiql && npm ci --no-audit --no-fund --loglevel=error
	cp graphiql/node_modules/graphiql/graphiql.min.css graphiql/node_modules/graphiql/graphiql.min.js $(VENDOR)/
	cp graphiql/node_modules/react/umd/react.production.min.js $(VENDOR)/
	cp graphiql/node_modules/react-dom/umd/react-dom.production.min.js $(VENDOR)/
	cp graphiql/node_modules/graphiql/LICENSE $(VENDOR)/LICENSE.graphiql
	cp graphiql/node_modules/react/LICENSE $(VENDOR)/LICENSE.react

## Install into .venv, migrate, load demo content (once) and serve on http://127.0.0.1:8000/graphql
serve: install
	$(BIN)/masthead migrate
	$(BIN)/masthead seed --if-empty --posts 500 --seed 1
	$(BIN)/masthead serve

## The whole suite on SQLite, and on PostgreSQL when it is reachable (required in CI)
test: install
	scripts/test

## Lint, format check and strict typing
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Rewrite tests/schema.graphql from the code
schema: $(STAMP)
	$(BIN)/masthead schema > tests/schema.graphql

## Seed 20,000 posts and measure the six example queries under concurrent load
bench: install
	$(BIN)/python -m bench

## The soak and fault suite: mixed reads and writes on each backend and worker count (SOAK_ARGS=--help)
soak: install
	$(BIN)/python -m soak $(SOAK_ARGS)
