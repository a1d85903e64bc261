# The front door of the workbench. `make help` lists the targets.
# Every target that needs the environment creates it first: a virtualenv in
# .venv with the pinned dependencies, the package (editable) and a Jupyter
# kernel named "buitenbeeld".

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= data
# The CBS boundary files the scripts below are built from (reference-data, crosswalk, boundaries).
GEO_DIR ?= ../shared/data/geo
# The report maps need no setting: the gemeente boundaries of 2013 and 2026 ship with the
# package, and a file in <data>/raw/geo (`buitenbeeld grenzen`) wins. GRENZEN=MAP points the
# reports at another folder instead.
GRENZEN ?=

.DEFAULT_GOAL := help
.PHONY: help setup reports test test-fast lint format lab bench demo-data reference-data crosswalk boundaries training clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "buitenbeeld needs Python 3.11 or newer: run make with PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name buitenbeeld --display-name "Python (buitenbeeld)" >/dev/null
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv with the pinned dependencies, the package and the kernel

reports: $(STAMP) ## Render a report per gemeente and an evaluation per pilot from $(DATA)/ into reports/ (hub: reports/index.html)
	$(BIN)/buitenbeeld rapporten --data $(DATA) $(if $(GRENZEN),--grenzen $(GRENZEN))

test: $(STAMP) ## Run the whole test suite: unit tests, notebooks through papermill and nbval
	$(BIN)/python -m pytest tests --nbval-lax notebooks

test-fast: $(STAMP) ## Run the fast unit tests only (no notebooks, renders or browser), in under a minute
	$(BIN)/python -m pytest tests -m "not slow" -q

lint: $(STAMP) ## Check the code with ruff and the layer contract with import-linter
	$(BIN)/ruff check lib tests bench scripts
	$(BIN)/lint-imports

format: $(STAMP) ## Let ruff fix what it can (import order, simple style)
	$(BIN)/ruff check --fix lib tests bench scripts

lab: $(STAMP) ## Open the notebooks in JupyterLab on the project's kernel
	$(BIN)/jupyter lab notebooks

bench: $(STAMP) ## Run the benchmarks in bench/ (timings side by side)
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

demo-data: $(STAMP) ## Regenerate the synthetic demo data in data/raw/demo
	$(BIN)/buitenbeeld demo

reference-data: ## Regenerate the gemeente code lists from the CBS geo files in GEO_DIR
	$(PYTHON) scripts/build_reference_data.py $(GEO_DIR)

training: $(STAMP) ## Build the training notebooks as slides and handouts into reports/training
	$(BIN)/buitenbeeld training --data $(DATA)

crosswalk: $(STAMP) ## Regenerate the 2013->2026 gemeente crosswalk from the CBS boundary files in GEO_DIR
	$(BIN)/python scripts/build_crosswalk.py $(GEO_DIR)

boundaries: ## Regenerate the packaged gemeente boundaries (2013, 2026) from the CBS boundary files in GEO_DIR
	$(PYTHON) scripts/build_boundaries.py $(GEO_DIR)

clean: ## Remove the virtualenv, caches and rendered reports
	rm -rf $(VENV) .pytest_cache reports/*/ reports/index.html reports/.mislukt.json
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
