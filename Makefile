# Two commands for a new machine: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
BIN := .venv/bin
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
DEMO_DAYS ?= 30
PORT ?= 8501
TIER ?= hospital

export UV_PYTHON_DOWNLOADS := never
# Ship the environment with compiled bytecode: where PYTHONDONTWRITEBYTECODE is set (as on our CI
# machines) every process would otherwise compile dbt, Dagster and the rest from source at each
# start (measured: 12.4 s -> 7.0 s to import dbt, Dagster and DuckDB).
export UV_COMPILE_BYTECODE := 1
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home
export OPS_DATA_DIR ?= $(CURDIR)/data
export DO_NOT_TRACK := 1
export DAGSTER_DISABLE_TELEMETRY := 1
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: help setup browser manifest synth pipeline users dashboards dagster-ui demo lint test bench docs clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

setup: $(UV)  ## Create .venv with the exact versions in uv.lock
	$(UV) sync --locked --quiet

browser:  ## Install Debian's Chromium for the dashboard browser tests
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

manifest: setup  ## Parse the dbt project (offline) so Dagster can load it
	$(BIN)/python -m pipelines.lib.dbt

synth: setup  ## Generate the synthetic demo health system into data/landing (once)
	@test -d $(OPS_DATA_DIR)/landing/adt || $(BIN)/python -m pipelines.synthetic --scale demo \
		--days $(DEMO_DAYS) --seed 7 --out $(OPS_DATA_DIR)/landing

pipeline: manifest  ## Run the Dagster job: ingest, contracts, de-identify, dbt build, publish, leak gate
	mkdir -p $(DAGSTER_HOME)
	$(BIN)/dagster job execute -m pipelines.definitions -j ops_job

users: setup  ## Create the demo dashboard users (once) and print their passwords
	$(BIN)/python -m dashboards.users demo

dashboards: setup  ## Serve the dashboards on localhost
	@echo "Dashboards: http://localhost:$(PORT)   Dagster UI on the same data: make dagster-ui"
	$(BIN)/streamlit run dashboards/streamlit_app.py --server.address 127.0.0.1 --server.port $(PORT)

dagster-ui: manifest  ## Open the Dagster UI (http://localhost:3000) on the demo instance
	$(BIN)/dagster dev -m pipelines.definitions -h 127.0.0.1 -p 3000

demo: setup synth pipeline users dashboards  ## Set up, generate, run the pipeline, serve the dashboards

lint: setup  ## ruff and SQLFluff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The dbt templater compiles every model, so it needs a warehouse with the sources: the test fixture.
	@# It is encrypted like the real one; its key (tests.dbt.fixtures.FIXTURE_KEY) goes to dbt in OPS_WAREHOUSE_KEY.
	tmp=$$(mktemp -d) && $(BIN)/python -m tests.dbt.fixtures $$tmp/lint.duckdb >/dev/null && \
		key=$$($(BIN)/python -c "from tests.dbt.fixtures import FIXTURE_KEY; print(FIXTURE_KEY)") && \
		cd dbt_project && OPS_WAREHOUSE_PATH=$$tmp/lint.duckdb OPS_WAREHOUSE_KEY=$$key \
		../$(BIN)/sqlfluff lint . --processes 2

test: setup browser lint  ## Set up and run the whole test suite (CI runs this)
	$(BIN)/python -m pytest

bench: setup  ## Benchmarks: make bench TIER=clinic|hospital|system
	$(BIN)/python -m bench --tier $(TIER)

docs: manifest  ## Build and serve the dbt docs site
	cd dbt_project && ../$(BIN)/dbt docs generate --profiles-dir . && ../$(BIN)/dbt docs serve --profiles-dir . --port 8080

clean:  ## Remove generated data and the environment
	rm -rf data .venv .tools dbt_project/target dbt_project/logs
