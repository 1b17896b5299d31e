# Trellis — every target installs what it needs (a fresh machine needs only python3.13 and make).
SHELL := /bin/bash
PYTHON ?= python3.13
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .venv-sam
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml shared/requirements.txt | sha1sum | cut -c1-12)
PORT ?= 3000

.PHONY: help install run test test-fast lint openapi bench build sam-tools clean

help:
	@echo "make run      install, start the local stack on http://127.0.0.1:$(PORT) with demo data"
	@echo "make test     install, lint, and run every test (unit, integration, e2e, contract)"
	@echo "make openapi  write docs/openapi.json (the merged document of all services)"
	@echo "make bench    benchmarks: cold imports, partners lists, leads routing (writes bench/RESULTS.md)"
	@echo "             PARTS=\"routing\" runs only the parts named and rewrites only their sections"
	@echo "make build    sam validate --lint and sam build (installs the SAM CLI in $(SAM_VENV))"

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -r shared/requirements.txt --group dev
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m local --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/cfn-lint template.yaml

test: lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: $(STAMP)
	$(BIN)/python -m pytest -x -q -m "not e2e"

openapi: $(STAMP)
	$(BIN)/python -m local.openapi > docs/openapi.json.tmp && mv docs/openapi.json.tmp docs/openapi.json

bench: $(STAMP)
	$(BIN)/python -m bench $(PARTS)

$(SAM_VENV)/bin/sam:
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --upgrade "pip>=25.1"
	$(SAM_VENV)/bin/python -m pip install --quiet --group sam

sam-tools: $(SAM_VENV)/bin/sam

build: $(SAM_VENV)/bin/sam
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam validate --lint
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam build --parallel

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache .local
