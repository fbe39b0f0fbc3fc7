# Folio: build the collection and test the toolchain.
#   make          HTML and ePub (and the PDF when TeX is installed)
#   make test     lint, type-check and the whole test suite
# The first run creates .venv from pyproject.toml; later runs reuse it.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
BUILD   := _build
SPHINX  := $(BIN)/sphinx-build
# Warnings fail the build, but every one is reported first; -q: nothing else.
SPHINXOPTS ?= -W --keep-going -n -q
# Our own commands (the PDFs, the summary) run from the extension's folder.
FOLIO   := PYTHONPATH=_ext $(BIN)/python -m
# TeX runs at once for the PDFs (the essays' offprint books and the collection).
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
PDFNAME := margins
XELATEX ?= xelatex
LATEXMK ?= latexmk
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended fonts-freefont-otf fonts-sil-gentiumplus latexmk xindy tex-gyre lmodern

.PHONY: all site html epub pdf check-tex test lint live live-autobuild clean

all: site

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,live]'
	touch $@

# The offline files first, so the web pages can link to them.  Each step
# prints a line or two; TeX's logs stay in _build/latex (shown on failure).
site: $(VENV)/.installed
	@$(MAKE) --no-print-directory epub SUMMARY_FLAGS=--no-address-note
	@if command -v $(XELATEX) >/dev/null && command -v $(LATEXMK) >/dev/null; then \
		$(MAKE) --no-print-directory pdf SUMMARY_FLAGS=--no-address-note; \
	else \
		echo "No TeX found: skipping the PDF (see 'make pdf')."; \
	fi
	@$(MAKE) --no-print-directory html
	@$(FOLIO) folio.commands.summary --address-note-only $(BUILD)/doctrees/epub $(BUILD)/doctrees/latex

html: $(VENV)/.installed
	@$(SPHINX) -b html -d $(BUILD)/doctrees/html $(SPHINXOPTS) . $(BUILD)/html
	@$(FOLIO) folio.commands.summary $(BUILD)/doctrees/html

epub: $(VENV)/.installed
	@$(SPHINX) -b epub -d $(BUILD)/doctrees/epub $(SPHINXOPTS) . $(BUILD)/epub
	@mkdir -p $(BUILD)/downloads && cp -p $(BUILD)/epub/*.epub $(BUILD)/downloads/
	@$(FOLIO) folio.commands.summary $(SUMMARY_FLAGS) $(BUILD)/doctrees/epub

check-tex:
	@command -v $(XELATEX) >/dev/null && command -v $(LATEXMK) >/dev/null || { \
		echo "The PDF needs TeX Live with xelatex and latexmk. On Debian or Ubuntu:"; \
		echo "  sudo apt-get install $(TEX_PACKAGES)"; \
		exit 1; }

# The collection's PDF with latexmk, and every essay's own PDF from a few
# shared TeX runs (folio.commands.offprints: only essays that changed are redone).
pdf: check-tex $(VENV)/.installed
	@$(SPHINX) -b latex -d $(BUILD)/doctrees/latex $(SPHINXOPTS) . $(BUILD)/latex
	@XELATEX=$(XELATEX) LATEXMK=$(LATEXMK) $(FOLIO) folio.commands.offprints $(BUILD)/latex $(BUILD)/downloads --jobs $(JOBS)
	@$(FOLIO) folio.commands.summary $(SUMMARY_FLAGS) $(BUILD)/doctrees/latex

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

# The preview: one Sphinx kept in memory, the same build as `make html` redone
# incrementally on every save (folio/live.py); PORT=8001 make live for another port.
# sphinx-autobuild (a new sphinx-build each save) stays as `make live-autobuild`.
PORT ?= 8000
live: $(VENV)/.installed
	$(FOLIO) folio.commands.live . --port $(PORT)

live-autobuild: $(VENV)/.installed
	$(BIN)/sphinx-autobuild -b html -d $(BUILD)/doctrees/html -n . $(BUILD)/html \
		--port $(PORT) --ignore '$(CURDIR)/$(BUILD)/*' --ignore '$(CURDIR)/$(VENV)/*' --watch _ext

clean:
	rm -rf $(BUILD)
