"""Sphinx configuration for the Folio sample collection.

Everything a writer is expected to change sits at the top; the rest wires
the toolchain together.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

# -- The collection ----------------------------------------------------------

project = "Margins"
author = "Hester Vale"
copyright = "2018–2026 Hester Vale"
version = release = "2026.11"
language = "en"

folio_author = author
folio_genres = ["review", "memoir", "fiction", "opinion"]
folio_page_format = "(p{page})"
folio_related_auto = True
folio_related_limit = 3

# -- Sources -----------------------------------------------------------------

extensions = ["myst_parser", "sphinx_design", "folio"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", ".venv", "node_modules", "README.md", "tests", "docs/performance.md",
                    "docs/design.md", "docs/architecture.md", "bench"]
templates_path = ["_templates"]
myst_enable_extensions = ["colon_fence", "deflist", "smartquotes"]
myst_heading_anchors = 2
root_doc = "index"

# -- HTML --------------------------------------------------------------------

html_theme = "sphinx_book_theme"
html_title = project
# Where the site is published: feeds, link previews and the offline files
# (links from one essay's PDF or ePub to the others) use it.
# Read the Docs and the GitHub Pages workflow say where they publish.
html_baseurl = (
    os.environ.get("FOLIO_BASEURL")
    or os.environ.get("READTHEDOCS_CANONICAL_URL")
    or "https://margins.example.org/"
)
html_static_path = ["_static"]
html_last_updated_fmt = None
# Folio puts a masthead over every page (the title, the ways in, a search
# field); the home page and the listings also have a sidebar with recent
# essays and genres, essays none. It stays small however large the collection grows.
html_sidebars = {"**": ["folio-sidebar.html"]}
html_theme_options = {
    # The masthead has the search field (the theme's header would be a second).
    "navbar_persistent": [],
    "show_toc_level": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
}

# -- ePub --------------------------------------------------------------------

epub_basename = "margins"
epub_title = project
epub_author = author
epub_publisher = author
epub_copyright = copyright
# The identifier must equal epub_uid and be an XML name (sphinx#11184).
epub_uid = epub_identifier = "margins-essays"
epub_scheme = "URN"
epub_show_urls = "no"
epub_exclude_files = ["search.html"]

# -- LaTeX / PDF -------------------------------------------------------------

latex_engine = "xelatex"
latex_show_urls = "footnote"
latex_documents = [(root_doc, "margins.tex", project, author, "manual")]
# Folio sets the book's design (page size, fonts, title page, running heads:
# folio/design.py); any key set here replaces Folio's.
latex_elements: dict[str, str] = {}
