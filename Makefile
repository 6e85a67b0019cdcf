# Two commands do all the set-up:  `make demo`  and  `make test`.
# Each creates .venv, installs the package with its extras, makes sure the graphviz
# `dot` program is there (and, for the tests, a headless Chromium with chromedriver for
# the pages), and then runs the main demo or the whole test suite.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test test-fast bench setup dot browser lint sizes clean

demo: setup dot
	$(BIN)/python demos/moons.py

test: setup dot browser
	$(BIN)/python -m pytest

# the same suite without the reliability campaign (tests marked slow): for your own loop
test-fast: setup dot browser
	$(BIN)/python -m pytest -m "not slow"

setup: $(STAMP)

$(STAMP): setup.cfg setup.py pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pip install --quiet torch==2.13.0 || \
	  echo "PyTorch could not be installed: the PyTorch bridge tests will be skipped"
	touch $(STAMP)

dot:
	@tools/ensure-dot.sh

browser:
	@tools/ensure-browser.sh

bench: setup
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/training.py

lint: setup
	$(BIN)/ruff check tinygrad_scalar tests demos benchmarks

# no module over 400 lines, no function over 80
sizes:
	$(PYTHON) tools/sizes.py

clean:
	rm -rf $(VENV) out build dist *.egg-info .pytest_cache .hypothesis .mypy_cache
