# The two commands a new user needs:
#   make run   - set up, then run the main job on bundled data: a sample person's check, and the
#                calibrated population simulation of 2019-2025 at scale 0.1 (about 6 s, 0.65 GiB)
#   make test  - set up, then run lint and the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean setup

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/callup check examples/student-bachelor.yaml --date 2022-10-15
	$(BIN)/callup simulate --scale 0.1 --out runs/baseline

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_simulate.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache runs
