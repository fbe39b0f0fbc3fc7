# Folio: build the collection and test the toolchain.
#   make          the sample collection: `folio build` (the site, every PDF and ePub)
#   make test     lint, type-check and the whole test suite
#   make html | epub | pdf | live   one part (`folio build html`...), the preview
# The first run creates .venv from pyproject.toml; later runs reuse it.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
BUILD   := _build
# Every build is `folio build` (folio/commands/build.py), as in a writer's collection:
# -W fails on any warning (all are reported first); TeX runs JOBS at once.
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
FOLIO   := PYTHONPATH=_ext $(BIN)/python -m folio
BUILDOPTS ?= -W --jobs $(JOBS)

.PHONY: test-fast all site html epub pdf test lint live live-autobuild clean

all: site

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,live]'
	touch $@

# The site with every essay's PDF and ePub (the PDFs when TeX is installed; without
# it `folio build` says which Debian packages give them); only what changed is redone.
site: $(VENV)/.installed
	@$(FOLIO) build all $(BUILDOPTS)

html epub pdf: $(VENV)/.installed
	@$(FOLIO) build $@ $(BUILDOPTS)

lint: $(VENV)/.installed
	$(BIN)/ruff check _ext tests bench
	$(BIN)/mypy

# The validators the tests run on the built pages (the Nu HTML checker, axe-core,
# DAISY Ace), installed as package-lock.json pins them when node_modules is missing
# or older than the lock file and holds other versions; Ace drives Debian's
# Chromium, so puppeteer downloads no browser. Without npm the validator tests
# are skipped (in CI they fail).
NODE_STAMP := node_modules/.package-lock.json

$(NODE_STAMP): package-lock.json
	@if $(PYTHON) tools/node_modules_current.py; then \
		touch $@; \
	elif command -v npm >/dev/null; then \
		echo "Installing the validators from package-lock.json (npm ci)"; \
		PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund && touch $@; \
	else \
		echo "No npm: the validator tests will be skipped (sudo apt-get install nodejs npm)."; \
	fi

test: lint $(NODE_STAMP)
	$(BIN)/pytest -n auto

# The inner loop: everything but the end-to-end builds marked slow (make test runs all).
test-fast: $(VENV)/.installed
	$(BIN)/pytest -m "not slow" -n auto

# The preview: one Sphinx kept in memory, the same build as `make html` redone
# incrementally on every save (folio live); PORT=8001 make live for another port.
# sphinx-autobuild (a new sphinx-build each save) stays as `make live-autobuild`.
PORT ?= 8000
live: $(VENV)/.installed
	$(FOLIO) live --port $(PORT)

live-autobuild: $(VENV)/.installed
	$(BIN)/sphinx-autobuild -b html -d $(BUILD)/doctrees/html -n . $(BUILD)/html \
		--port $(PORT) --ignore '$(CURDIR)/$(BUILD)/*' --ignore '$(CURDIR)/$(VENV)/*' --watch _ext

clean:
	rm -rf $(BUILD)
