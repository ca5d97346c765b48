# Every target creates .venv on first use: a fresh clone needs nothing else.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN    := $(BIN)/python -m workflow

.PHONY: publish update-po check status approve test bench clean clean-venv fonts

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed ($(PYTHON) is older): install it, or run make PYTHON=python3.12 ..." >&2; exit 2; }
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || \
	  { echo "$(PYTHON) cannot create a virtual environment: on Debian/Ubuntu, apt-get install python3-venv" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@# Compiled once, as an install from a wheel is: where PYTHONDONTWRITEBYTECODE is set (CI, some
	@# containers) every run would otherwise compile the package again (0.16 s of each start).
	$(BIN)/python -m compileall -q workflow
	@# The fonts, once per machine: Noto's static faces, and Moul and Battambang from the npm registry
	@# (pinned, sha512 checked; workflow/pdf/fonts.py). A publish makes any that are missing too.
	$(BIN)/python -m workflow.pdf.fonts
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

publish: $(VENV)/.installed          ## update the catalogs and build every edition under output/ (JOBS=N)
	$(RUN) publish $(if $(JOBS),--jobs $(JOBS))

update-po: $(VENV)/.installed        ## rebuild templates, merge them into every catalog
	$(RUN) update-po

check: $(VENV)/.installed            ## check every translation (exit 1 on any error)
	$(RUN) check

status: $(VENV)/.installed           ## how much of each catalog is translated
	$(RUN) status

approve: $(VENV)/.installed          ## make approve RELEASE=<slug> LANG=<lang> BY="<name>"
	@# LANG is the edition's language here, not a locale: the tool itself runs in C.UTF-8.
	LANG=C.UTF-8 $(RUN) approve --release "$(RELEASE)" --lang "$(LANG)" --by "$(BY)"

test: $(VENV)/.installed-test        ## the whole test suite
	$(BIN)/python -m pytest workflow tests

$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $@

bench: $(VENV)/.installed-bench      ## whole-run speed and memory figures, BENCH_N releases (never part of the tests)
	$(BIN)/python -m tests.bench
	$(BIN)/python -m tests.bench_checks

fonts: $(VENV)/.installed           ## make (or check) the bundled fonts in ~/.cache/mfaic-workflow/fonts
	$(BIN)/python -m workflow.pdf.fonts

clean:                               ## remove generated output
	rm -rf output .workflow-cache

clean-venv:
	rm -rf $(VENV)
