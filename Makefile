# zwgk task runner. The README's two commands:
#   make all    build the dataset from data/raw, execute every notebook headless, export every figure
#   make test   run the test suite
# Both set up everything first: a virtual environment in .venv with the package and its
# dependencies, and (as root on Debian) the system packages chromium and fonts-noto-cjk.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make
SYSTEM_PACKAGES := chromium fonts-noto-cjk

.PHONY: all setup data report evaluate benchmark test lint docs clean

all: report

setup: $(STAMP)/python $(STAMP)/system

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

evaluate: data
	$(BIN)/zwgk evaluate

benchmark: data
	$(BIN)/python benchmarks/national_corpus.py

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check lib tests benchmarks
	$(BIN)/ruff format --check lib tests benchmarks

docs: setup
	$(BIN)/zwgk docs

clean:
	rm -rf $(VENV) $(STAMP) data/processed .pytest_cache .ruff_cache
