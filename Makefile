# The four commands a developer and CI run unchanged: serve, test, check, bench.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VENDOR := graphiql/static/vendor
PYTHON ?= python3

.PHONY: serve test check bench schema install assets

$(STAMP): pyproject.toml
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
