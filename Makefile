# Two commands do all the set-up:  `make demo`  and  `make test`.
# Each creates .venv, installs the package with its extras, makes sure the graphviz
# `dot` program is there, and then runs the main demo or the whole test suite.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test bench setup dot lint clean

demo: setup dot
	$(BIN)/python demos/moons.py

test: setup dot
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

dot:
	@tools/ensure-dot.sh

lint: setup
	$(BIN)/ruff check tinygrad_scalar tests demos benchmarks

clean:
	rm -rf $(VENV) out build *.egg-info .pytest_cache .hypothesis
