"""Folio: a Sphinx extension for essays about books.

Every piece at a glance; each module holds one concern.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from folio.books import setup_books
from folio.collection import setup_collection
from folio.config import setup_config
from folio.design import setup_design
from folio.domain import FolioDomain
from folio.essays import setup_essays
from folio.listings import setup_listings
from folio.offline import setup_offline
from folio.pages import setup_pages
from folio.quotes import setup_quotes
from folio.related import setup_related
from folio.search import setup_search
from folio.sharing import setup_sharing
from folio.spoiler import setup_spoiler
from folio.writers import (
    draw_epub_cover,
    set_epub_language,
    setup_writers,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"
STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"


def prepare_builder(app: Sphinx) -> None:
    """Per-builder set-up: our stylesheet for HTML and ePub; the ePub's language and cover."""
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC))
        app.add_css_file("folio.css")
    set_epub_language(app)
    draw_epub_cover(app)


def add_templates(app: Sphinx, config: Config) -> None:
    """Our page templates (generated pages, the sidebar), before builders load them."""
    config.templates_path = [*config.templates_path, str(TEMPLATES)]


def setup(app: Sphinx) -> ExtensionMetadata:
    setup_config(app)  # folio_* settings
    app.add_domain(FolioDomain)  # every record, kept per document
    setup_essays(app)  # front matter, title, byline, copyright line
    setup_books(app)  # book-citation, {book}
    setup_quotes(app)  # page-quote, {page}
    setup_related(app)  # related-reading
    setup_spoiler(app)  # spoiler
    setup_collection(app)  # site-wide records and checks, once per build
    setup_offline(app)  # a PDF and an ePub of every essay, and links to them
    setup_listings(app)  # essay lists; genre, tag, year, library, quotation pages
    setup_sharing(app)  # Atom feed, sitemap, link previews, schema.org data
    setup_search(app)  # the search index's stemmer, remembering across pages
    setup_pages(app)  # placeholders filled, web-only markup
    setup_writers(app)  # HTML visitors for web-only nodes
    setup_design(app)  # the look: fonts, scoped styles, the book's LaTeX design, ePub CSS
    app.connect("config-inited", add_templates)
    app.connect("builder-inited", prepare_builder)
    return {
        "version": __version__,
        "env_version": 3,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
