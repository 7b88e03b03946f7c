# Every target sets up what it needs on a fresh machine (Python >= 3.11 and make).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check lint typecheck layers unit bench clean

$(STAMP): pyproject.toml
	@echo "installing kubectl-fed and its test tools into $(VENV) (a minute or two, once)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## demo: start a local 3-cluster sandbox federation and walk through it
demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

## test: lint, types, layer contracts, then the whole test suite
test: check unit

check: lint typecheck layers

lint: $(STAMP)
	$(BIN)/ruff check kubectl_fed tests bench
	$(BIN)/ruff format --check kubectl_fed tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

# one worker more than the CPUs, as the tests often wait on their local servers;
# a test file stays on one worker (its module-scoped sandbox is shared)
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)')
unit: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

bench: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python bench/run.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python bench/reconcile_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
