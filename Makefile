# Every target creates .venv on first use: a fresh clone needs nothing else.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN    := $(BIN)/python -m workflow

.PHONY: publish update-po status test bench clean clean-venv

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

publish: $(VENV)/.installed          ## update the catalogs and build every edition under output/
	$(RUN) publish

update-po: $(VENV)/.installed        ## rebuild templates, merge them into every catalog
	$(RUN) update-po

status: $(VENV)/.installed           ## how much of each catalog is translated
	$(RUN) status

test: $(VENV)/.installed-test        ## the whole test suite
	$(BIN)/python -m pytest workflow tests

bench: $(VENV)/.installed-test       ## speed measurements (never part of the tests)
	$(BIN)/python -m tests.bench

clean:                               ## remove generated output
	rm -rf output

clean-venv:
	rm -rf $(VENV)
