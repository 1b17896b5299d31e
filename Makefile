# Trellis — every target installs what it needs (a fresh machine needs only python3.13 and make).
SHELL := /bin/bash
PYTHON ?= python3.13
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .venv-sam
AUDIT_VENV := .venv-audit
AUDIT_STAMP := $(AUDIT_VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
# pip-audit reports a dependency it cannot look up as skipped; `PIP_AUDIT_FLAGS=--strict` fails on that
# too (for a CI that reaches the vulnerability service; `-s osv` picks OSV instead of PyPI's JSON API).
PIP_AUDIT_FLAGS ?=
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml shared/requirements.txt | sha1sum | cut -c1-12)
PORT ?= 3000
# The web app: rebuilt when a source changes (npm ci only when the lock file does).
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/package.json \
	web/package-lock.json web/vite.config.ts web/tsconfig.json
WEB_DEPS := web/node_modules/.ci-stamp
WEB_BUILD := web/dist/index.html
# Browser tests drive Debian's Chromium (never a browser download); apt-get as root, else through sudo.
CHROMIUM := /usr/bin/chromium
APT := $(if $(filter 0,$(shell id -u)),,sudo )

.PHONY: help install web chromium run test test-fast test-browser lint audit fuzz openapi bench demo-data build sam-tools clean

help:
	@echo "make run      install, start the local stack on http://127.0.0.1:$(PORT) with demo data"
	@echo "make test     install, lint, and run every test (unit, integration, e2e, browser, contract)"
	@echo "make web      build the web app into web/dist (served by make run at /)"
	@echo "make test-browser  only the browser tests (Playwright driving Debian's Chromium)"
	@echo "make openapi  write docs/openapi.json (the merged document of all services)"
	@echo "make bench    benchmarks: cold imports, partners lists, leads routing (writes bench/RESULTS.md)"
	@echo "             PARTS=\"routing\" runs only the parts named and rewrites only their sections"
	@echo "make demo-data SIZE=S|M|L  a generated program for the demo vendor in the running local stack"
	@echo "make audit    checkov on template.yaml, pip-audit on the dependencies, bandit on the code"
	@echo "make fuzz     schemathesis over the API of a local stack of its own (no 5xx, invalid input refused)"
	@echo "make build    sam validate --lint and sam build (installs the SAM CLI in $(SAM_VENV))"

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -r shared/requirements.txt --group dev
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

$(WEB_DEPS): web/package-lock.json web/package.json
	cd web && npm ci --no-audit --no-fund
	touch $(WEB_DEPS)

$(WEB_BUILD): $(WEB_DEPS) $(WEB_SOURCES)
	cd web && npm run build
	touch $(WEB_BUILD)

web: $(WEB_BUILD)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  $(APT)apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(APT)apt-get install -y -qq chromium; }

run: $(STAMP) $(WEB_BUILD)
	$(BIN)/python -m local --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/cfn-lint template.yaml web/hosting.yaml

test: lint $(WEB_BUILD) chromium
	$(BIN)/python -m pytest -n 2 --dist loadfile --junitxml=.artifacts/junit/pytest.xml

test-browser: $(STAMP) $(WEB_BUILD) chromium
	$(BIN)/python -m pytest -q -m browser tests/browser

test-fast: $(STAMP)
	$(BIN)/python -m pytest -x -q -m "not e2e and not browser"

openapi: $(STAMP)
	$(BIN)/python -m local.openapi > docs/openapi.json.tmp && mv docs/openapi.json.tmp docs/openapi.json

bench: $(STAMP)
	$(BIN)/python -m bench $(PARTS)

SIZE ?= S
demo-data: $(STAMP)
	$(BIN)/python -m bench.generate --size $(SIZE) --stack http://127.0.0.1:$(PORT)

$(AUDIT_STAMP):
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet --upgrade "pip>=25.1"
	$(AUDIT_VENV)/bin/python -m pip install --quiet --group audit
	rm -f $(AUDIT_VENV)/.installed-* && touch $(AUDIT_STAMP)

# Findings are fixed or skipped in place, each with its reason: checkov in the resource's
# Metadata (template.yaml), bandit with `# nosec <id>` on the line (and [tool.bandit] in pyproject).
fuzz: $(STAMP) $(WEB_BUILD)
	$(BIN)/python -m tests.fuzz

audit: $(STAMP) $(AUDIT_STAMP)
	$(AUDIT_VENV)/bin/checkov --file template.yaml --framework cloudformation --compact --quiet --skip-download
	PIPAPI_PYTHON_LOCATION=$(BIN)/python $(AUDIT_VENV)/bin/pip-audit --progress-spinner off $(PIP_AUDIT_FLAGS)
	$(AUDIT_VENV)/bin/bandit --configfile pyproject.toml --recursive --quiet shared services local bench

$(SAM_VENV)/bin/sam:
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --upgrade "pip>=25.1"
	$(SAM_VENV)/bin/python -m pip install --quiet --group sam

sam-tools: $(SAM_VENV)/bin/sam

build: $(SAM_VENV)/bin/sam
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam validate --lint
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam build --parallel

clean:
	rm -rf $(VENV) $(SAM_VENV) $(AUDIT_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache .local web/node_modules web/dist .artifacts
