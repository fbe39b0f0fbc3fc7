# Folio: build the collection and test the toolchain.
#   make          HTML and ePub (and the PDF when TeX is installed)
#   make test     lint, type-check and the whole test suite
# The first run creates .venv from pyproject.toml; later runs reuse it.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
BUILD   := _build
SPHINX  := $(BIN)/sphinx-build
# Warnings fail the build, but every one is reported first.
SPHINXOPTS ?= -W --keep-going -n
PDFNAME := margins
XELATEX ?= xelatex
LATEXMK ?= latexmk
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended fonts-freefont-otf fonts-sil-gentiumplus latexmk xindy tex-gyre lmodern

.PHONY: all site html epub pdf check-tex test lint live clean

all: site

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,live]'
	touch $@

# The offline files first, so the web pages can link to them.
site: epub
	@if command -v $(XELATEX) >/dev/null && command -v $(LATEXMK) >/dev/null; then \
		$(MAKE) --no-print-directory pdf; \
	else \
		echo "No TeX found: skipping the PDF (see 'make pdf')."; \
	fi
	$(MAKE) --no-print-directory html

html: $(VENV)/.installed
	$(SPHINX) -b html -d $(BUILD)/doctrees/html $(SPHINXOPTS) . $(BUILD)/html

epub: $(VENV)/.installed
	$(SPHINX) -b epub -d $(BUILD)/doctrees/epub $(SPHINXOPTS) . $(BUILD)/epub
	mkdir -p $(BUILD)/downloads && cp $(BUILD)/epub/*.epub $(BUILD)/downloads/

check-tex:
	@command -v $(XELATEX) >/dev/null && command -v $(LATEXMK) >/dev/null || { \
		echo "The PDF needs TeX Live with xelatex and latexmk. On Debian or Ubuntu:"; \
		echo "  sudo apt-get install $(TEX_PACKAGES)"; \
		exit 1; }

pdf: check-tex $(VENV)/.installed
	$(SPHINX) -b latex -d $(BUILD)/doctrees/latex $(SPHINXOPTS) . $(BUILD)/latex
	cd $(BUILD)/latex && latexmk -xelatex -interaction=nonstopmode -halt-on-error *.tex
	mkdir -p $(BUILD)/downloads && cp $(BUILD)/latex/*.pdf $(BUILD)/downloads/
	@echo "The collection is $(BUILD)/latex/$(PDFNAME).pdf; one PDF per essay is in $(BUILD)/downloads"

lint: $(VENV)/.installed
	$(BIN)/ruff check _ext tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n auto

live: $(VENV)/.installed
	$(BIN)/sphinx-autobuild -b html -d $(BUILD)/doctrees/live . $(BUILD)/html \
		--ignore '$(CURDIR)/$(BUILD)/*' --ignore '$(CURDIR)/$(VENV)/*' --watch _ext

clean:
	rm -rf $(BUILD)
