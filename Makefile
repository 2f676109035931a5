# One task runner. `make run` starts the web app; `make test` runs every check CI runs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run check test lint typecheck pytest bench score clean compile messages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "crampcheck needs Python 3.11 or newer (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# PYTHONDONTWRITEBYTECODE may be set: compile the package once so start-up reads .pyc files.
compile: $(STAMP)
	@$(BIN)/python -m compileall -q src

run: compile
	$(BIN)/crampcheck serve

check: compile
	$(BIN)/crampcheck check

messages: $(STAMP)
	$(BIN)/python scripts/extract_messages.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts hatch_build.py
	$(BIN)/ruff format --check src tests benchmarks scripts hatch_build.py

typecheck: $(STAMP)
	$(BIN)/mypy --strict src/crampcheck

pytest: $(STAMP)
	$(BIN)/python -m pytest

test: lint typecheck pytest

bench: compile
	$(BIN)/python benchmarks/run.py; $(BIN)/python benchmarks/medicines.py; $(BIN)/python benchmarks/diary.py

score: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python ../shared/tools/score_vignettes.py ../shared/vignettes/dev --show-failures

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
