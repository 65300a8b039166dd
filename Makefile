# Developer entry points. Works on a fresh clone with only python3 and make:
# the first target that needs the environment creates .venv and installs the
# package in editable mode with its [dev] extras.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when the dependency list changes.
STAMP := $(VENV)/.installed-stamp

SPHINXOPTS ?= -W --keep-going
DOCS_OUT := docs/_build/html

.PHONY: help install demo test docs bench lint clean

help:
	@echo "make demo    run the showcase (writes ./analoglinalg-demo/report.md)"
	@echo "make test    run the test suite without the slow tests"
	@echo "make docs    build the HTML documentation into $(DOCS_OUT)"
	@echo "make bench   run the benchmark scripts in benchmarks/"
	@echo "make lint    run ruff"
	@echo "make clean   remove build outputs (keeps .venv)"

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -e ".[dev]"
	@touch $@

demo: $(STAMP)
	$(BIN)/analoglinalg demo

test: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

docs: $(STAMP)
	MPLBACKEND=Agg $(BIN)/sphinx-build $(SPHINXOPTS) -b html docs $(DOCS_OUT)

bench: $(STAMP)
	$(BIN)/analoglinalg bench

lint: $(STAMP)
	$(BIN)/ruff check analoglinalg tests benchmarks examples docs/conf.py

clean:
	rm -rf docs/_build docs/auto_examples docs/api/generated docs/sg_execution_times.rst
	rm -rf analoglinalg-demo build .pytest_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
