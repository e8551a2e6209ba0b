# zwgk task runner. The README's two commands:
#   make all    build the dataset from data/raw, execute every notebook headless, export every figure
#   make test   run the test suite
#   make lab    open the notebooks in JupyterLab
# All set up everything first: a virtual environment in .venv with the package and its
# dependencies, (as root on Debian) the system packages chromium and fonts-noto-cjk, and the
# git filter that strips notebook outputs when they are staged (scripts/install_git_filters.sh).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make
SYSTEM_PACKAGES := chromium fonts-noto-cjk

.PHONY: all setup data report lab evaluate benchmark test lint docs clean

all: report

setup: $(STAMP)/python $(STAMP)/system
	@bash scripts/install_git_filters.sh $(BIN)/python

$(STAMP)/python: pyproject.toml
	@mkdir -p $(STAMP)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "zwgk needs Python 3.11 or newer; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

$(STAMP)/system:
	@mkdir -p $(STAMP)
	@bash scripts/install_system_packages.sh $(SYSTEM_PACKAGES)
	@touch $@

data: setup
	$(BIN)/zwgk build
	$(BIN)/zwgk cluster

report: data
	$(BIN)/zwgk report

# Notebooks open paired with their .py scripts (jupytext); saving keeps outputs in your copy,
# the git filter keeps them out of commits. Figures of a notebook run by hand go to figures/_scratch/.
lab: data
	$(BIN)/jupyter lab notebooks/

# The BERTopic comparison needs the optional extra (BERTopic, with torch pinned to the CPU build).
evaluate: data
	$(BIN)/python -m pip install --quiet -e '.[bertopic]'
	$(BIN)/zwgk evaluate
	$(BIN)/python benchmarks/bertopic_comparison.py

# N = 1,000, 5,000 and 30,000 plans; make benchmark BENCHMARK_ARGS=--skip-largest leaves out 30,000.
benchmark: data
	$(BIN)/python benchmarks/national_corpus.py $(BENCHMARK_ARGS)

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check lib tests benchmarks
	$(BIN)/ruff format --check lib tests benchmarks

docs: setup
	$(BIN)/zwgk docs

clean:
	rm -rf $(VENV) $(STAMP) data/processed .pytest_cache .ruff_cache
