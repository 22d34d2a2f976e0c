# The two commands of this project: `make release` and `make test`.
# Both create the virtual environment in .venv on first use; `make test` also installs the
# system packages the suite drives (a browser, the sandbox's tools) where they are missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ASSIGNMENTS := $(notdir $(wildcard assignments/*))
# Debian packages the test suite uses: Chromium for the browser tests of the class report and
# the student notebooks; for the emulated Gradescope container, setpriv and unshare
# (util-linux), libseccomp, patchelf (the test's Python tarball) and curl (which the zip's
# setup.sh would otherwise install with apt, on this machine).
SYSTEM_PACKAGES := chromium util-linux libseccomp2 patchelf curl ca-certificates
SYSTEM_COMMANDS := /usr/bin/chromium /usr/bin/setpriv /usr/bin/unshare /usr/bin/patchelf /usr/bin/curl

.PHONY: release test lint env system clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

env: $(BIN)/.installed

# Installed with apt where a command is missing (CI and a fresh machine run as root).
system:
	@missing=""; for command in $(SYSTEM_COMMANDS); do [ -x $$command ] || missing=1; done; \
	if [ -n "$$missing" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	fi

# Build every assignment, then grade its bundled sample submissions.
release: env
	$(BIN)/autograder build
	@for name in $(ASSIGNMENTS); do \
	  $(BIN)/autograder grade --assignment $$name --out dist/$$name/graded dist/$$name/samples/*.ipynb || exit 1; \
	done

# The type checker and the linter (configured in pyproject.toml), before the suite.
lint: env
	$(BIN)/mypy
	$(BIN)/ruff check

test: lint env system
	$(BIN)/python -m pytest

clean:
	rm -rf dist $(VENV)
