# SES mail platform - developer and CI entry points. `make help` lists the targets.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules --no-print-directory

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CHECKOV_VENV := $(VENV)/checkov
ENVS := local staging production
ENV ?=

MODULE_DIRS = $(patsubst %/,%,$(sort $(dir $(wildcard terraform/modules/*/versions.tf))))
ENV_DIRS = $(addprefix terraform/envs/,$(ENVS))
TF_DIRS = $(MODULE_DIRS) $(ENV_DIRS)

# Terraform: repo-local CLI config (provider mirror auto-discovered, overridable with
# TF_PROVIDER_MIRROR=/path, or TF_PROVIDER_MIRROR= for the public registry only).
export TF_CLI_CONFIG_FILE := $(CURDIR)/.terraformrc.generated
export TF_IN_AUTOMATION := 1
export CHECKPOINT_DISABLE := 1
_tfrc := $(shell scripts/dev/terraformrc.sh "$(TF_CLI_CONFIG_FILE)" >&2)
ifneq ($(.SHELLSTATUS),0)
$(error Terraform CLI config could not be written: fix TF_PROVIDER_MIRROR (see the line above))
endif

# Environment selection for plan/apply: checked before anything runs; one line and exit 2.
ifneq ($(filter plan apply smoke,$(MAKECMDGOALS)),)
ifeq ($(filter $(ENV),$(ENVS)),)
$(error ENV must be one of: $(ENVS) (got '$(ENV)'), e.g. make plan ENV=staging)
endif
endif
ENV_DIR = terraform/envs/$(ENV)
PLAN_FILE = $(CURDIR)/build/plans/$(ENV).tfplan
TFVARS ?= $(ENV_DIR)/terraform.tfvars
BACKEND_CONFIG ?= $(ENV_DIR)/backend.hcl

.PHONY: help setup lock fmt lint lint-python lint-terraform validate checkov test pytest tftest package \
        demo console browser plan apply smoke clean distclean

help: ## List the targets with one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  Variables: ENV=$(subst $() ,|,$(ENVS)), TF_PROVIDER_MIRROR=path, PYTHON=python3.11+"

setup: $(VENV)/.installed ## Create .venv and install the hashed, pinned dependencies (idempotent)

# Two stamps: the Python venv alone is enough for package/demo; .installed adds checkov (lint).
# pip only bootstraps uv (hash-checked); uv then installs the hashed locks in seconds.
# uv reads UV_INDEX_URL / UV_EXTRA_INDEX_URL (not pip.conf) if you use a private package index.
UV := $(BIN)/uv
UV_INSTALL = $(UV) pip install --quiet --require-hashes --no-deps

$(VENV)/.python-installed: requirements/dev.txt requirements/bootstrap.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python >= 3.11 is required (set PYTHON=...), found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --disable-pip-version-check --require-hashes --no-deps -r requirements/bootstrap.txt
	$(UV_INSTALL) --python $(BIN)/python -r requirements/dev.txt
	@$(BIN)/python -c 'import site, pathlib; pathlib.Path(site.getsitepackages()[0], "sesmail-src.pth").write_text("$(CURDIR)/lambda_src\n")'
	@touch $@

$(VENV)/.installed: $(VENV)/.python-installed requirements/checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(UV_INSTALL) --python $(CHECKOV_VENV)/bin/python -r requirements/checkov.txt
	@touch $@

lock: $(VENV)/.python-installed ## Re-resolve requirements/*.in into hashed locks (needs the package index)
	$(UV) pip compile requirements/bootstrap.in --generate-hashes --python-version 3.11 -o requirements/bootstrap.txt
	$(UV) pip compile requirements/dev.in --generate-hashes --python-version 3.11 -o requirements/dev.txt
	$(UV) pip compile requirements/checkov.in --generate-hashes --python-version 3.11 -o requirements/checkov.txt

fmt: setup ## Format Python (ruff) and Terraform (terraform fmt)
	$(BIN)/ruff format lambda_src scripts tests $(wildcard bench)
	$(BIN)/ruff check --fix lambda_src scripts tests $(wildcard bench)
	terraform fmt -recursive terraform

lint: lint-python lint-terraform ## ruff, mypy --strict, terraform fmt/validate, checkov

lint-python: setup
	$(BIN)/ruff check lambda_src scripts tests $(wildcard bench)
	$(BIN)/ruff format --check lambda_src scripts tests $(wildcard bench)
	$(BIN)/mypy --strict lambda_src/sesmail lambda_src/sesmail_local scripts

lint-terraform: validate checkov
	terraform fmt -check -recursive -diff terraform

validate: package ## terraform validate in every module and environment (offline)
	scripts/dev/tf_each.sh validate $(TF_DIRS)

checkov: setup ## checkov over terraform/ (offline, inline skips only)
	BC_SKIP_MAPPING=TRUE $(CHECKOV_VENV)/bin/checkov --directory terraform --framework terraform \
	  --skip-download --quiet --compact --download-external-modules false

test: setup package lint pytest tftest ## Everything CI runs: lint + pytest + terraform test

# The support console's browser test drives a system Chromium (never a downloaded browser build):
# Debian's package where it is missing, or CONSOLE_CHROMIUM=/path/to/chrome elsewhere.
CONSOLE_CHROMIUM ?= /usr/bin/chromium
browser: ## Install Debian's chromium for the console's browser test when it is missing (root, apt)
	@test -x "$(CONSOLE_CHROMIUM)" || { \
	  echo "installing chromium (Debian package) for the console browser test" >&2; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null \
	  || { echo "error: no Chromium at $(CONSOLE_CHROMIUM) and apt-get could not install it: run 'apt-get install -y chromium' as root, or set CONSOLE_CHROMIUM" >&2; exit 2; }; }

pytest: setup package browser ## Python tests (unit, moto, plan-JSON, integration)
	$(BIN)/pytest $(PYTEST_ARGS)

tftest: package ## terraform test in every module that has tests/
	scripts/dev/tf_each.sh test $(MODULE_DIRS)

package: $(VENV)/.python-installed ## Build deterministic Lambda zips into build/lambda/
	$(BIN)/python scripts/dev/package_lambdas.py

demo: $(VENV)/.python-installed package ## The whole flow on an emulated AWS, no account needed (MOTO_PORT=, DEMO_ARGS=)
	$(BIN)/python scripts/demo.py $(DEMO_ARGS)

console: $(VENV)/.python-installed ## The support console on 127.0.0.1:8765 over the demo's data (local, no login; CONSOLE_ARGS=)
	$(BIN)/python scripts/console.py $(CONSOLE_ARGS)

plan: setup package ## terraform plan ENV=local|staging|production (real backend; saves build/plans/ENV.tfplan)
	@test -f "$(TFVARS)" || [ "$(ENV)" = local ] || { echo "error: $(TFVARS) is missing: copy $(ENV_DIR)/terraform.tfvars.example and fill it in" >&2; exit 2; }
	@mkdir -p build/plans
	terraform -chdir=$(ENV_DIR) init -input=false $(if $(filter local,$(ENV)),,-backend-config=$(abspath $(BACKEND_CONFIG)))
	terraform -chdir=$(ENV_DIR) plan -input=false $(if $(wildcard $(TFVARS)),-var-file=$(abspath $(TFVARS))) -out=$(PLAN_FILE)

apply: ## terraform apply ENV=... of the plan saved by `make plan ENV=...` (nothing else)
	@test -f "$(PLAN_FILE)" || { echo "error: no saved plan for $(ENV): run 'make plan ENV=$(ENV)' first and review it" >&2; exit 2; }
	terraform -chdir=$(ENV_DIR) apply -input=false $(PLAN_FILE)
	@rm -f $(PLAN_FILE)

smoke: $(VENV)/.python-installed ## Prove SES -> table after an apply: ENV=staging|production, or local against `make demo DEMO_ARGS=--keep-running` (SMOKE_ARGS=)
	$(BIN)/python scripts/smoke.py --env $(ENV) $(SMOKE_ARGS)

clean: ## Remove build outputs, caches and Terraform working dirs (keeps .venv)
	rm -rf build .demo .pytest_cache .mypy_cache .ruff_cache .hypothesis .terraformrc.generated
	find terraform -name .terraform -type d -prune -exec rm -rf {} +
	find . -name __pycache__ -type d -not -path './.venv/*' -prune -exec rm -rf {} +

distclean: clean ## clean + remove .venv
	rm -rf $(VENV)
