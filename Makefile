# The two commands of this project: `make release` and `make test`.
# Both create the virtual environment in .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ASSIGNMENTS := $(notdir $(wildcard assignments/*))

.PHONY: release test env clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

env: $(BIN)/.installed

# Build every assignment, then grade its bundled sample submissions.
release: env
	$(BIN)/autograder build
	@for name in $(ASSIGNMENTS); do \
	  $(BIN)/autograder grade --assignment $$name --out dist/$$name/graded dist/$$name/samples/*.ipynb || exit 1; \
	done

test: env
	$(BIN)/python -m pytest

clean:
	rm -rf dist $(VENV)
