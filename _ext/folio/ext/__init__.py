"""The Sphinx extension: every piece at a glance.

Each feature module owns its directive or role,
its nodes, their visitors for every builder, its post-transforms and its
share of the site-wide views; :mod:`folio.core.wording` writes every phrase a
reader sees, :mod:`folio.ext.shared` holds the node helpers and the builder
policy, :mod:`folio.ext.domain` the records and the typed site-wide views.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from folio._version import __version__
from folio.ext.book_contents import setup_book_contents
from folio.ext.books import refresh_books, setup_books
from folio.ext.comments import setup_comments
from folio.ext.config import setup_config
from folio.ext.design import setup_design
from folio.ext.domain import setup_domain
from folio.ext.downloads import refresh_downloads, setup_downloads
from folio.ext.drafts import setup_drafts
from folio.ext.epubs import setup_epubs
from folio.ext.essays import refresh_labels, setup_essays
from folio.ext.freshness import documents_changed, remember_stale, setup_freshness
from folio.ext.latex_builder import setup_latex_builder
from folio.ext.library import setup_library
from folio.ext.listings import refresh_listings, setup_listings
from folio.ext.masthead import setup_masthead
from folio.ext.memory import setup_memory
from folio.ext.notes import setup_notes
from folio.ext.offline import setup_offline
from folio.ext.quotes import setup_quotes
from folio.ext.ratings import setup_ratings
from folio.ext.reading_order import refresh_order, setup_reading_order
from folio.ext.redirects import setup_redirects
from folio.ext.related import refresh_related, setup_related
from folio.ext.report import setup_report
from folio.ext.responses import setup_responses
from folio.ext.search import setup_search
from folio.ext.series import refresh_series, setup_series
from folio.ext.sharing import setup_sharing
from folio.ext.sources import setup_sources
from folio.ext.spoiler import setup_spoiler
from folio.ext.template_cache import setup_template_cache

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

STATIC = Path(__file__).parent.parent / "static"
TEMPLATES = Path(__file__).parent.parent / "templates"

#: The site-wide views, refreshed once per build in this order (labels name
#: merged books; related lists show labels); each returns the pages it staled.
REFRESHES = (refresh_books, refresh_labels, refresh_related, refresh_series, refresh_listings,
             refresh_order)


def refresh_site(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: recompute the domain's views; Sphinx rewrites what they staled.

    The views are the same for every builder, so what they staled is owed by
    every builder sharing the environment; the files on offer for download
    are shown by web pages alone, so what they stale is this builder's own.
    """
    shared: set[str] = set()
    # No document read or removed: the views are what the records gave last build
    # (the files offered for download are on disk, so they are always looked at).
    if documents_changed(env):
        for refresh in REFRESHES:
            shared |= refresh(app, env)
    own = refresh_downloads(app, env)
    return remember_stale(app, env, sorted(shared & env.found_docs),
                          sorted(own & env.found_docs))


def add_stylesheet(app: Sphinx) -> None:
    """Our stylesheet, for HTML-format builders (the web and the ePub).

    A new list, not an append: a setting conf.py leaves alone is Sphinx's default
    list itself, shared by every build in the process (the tests, ``folio build``).
    """
    if app.builder.format == "html":
        app.config.html_static_path = [*app.config.html_static_path, str(STATIC)]
        app.add_css_file("folio.css")


def add_templates(app: Sphinx, config: Config) -> None:
    """Our page templates (generated pages, the sidebar), before builders load them."""
    config.templates_path = [*config.templates_path, str(TEMPLATES)]


def setup(app: Sphinx) -> ExtensionMetadata:
    setup_config(app)  # folio_* settings
    setup_sources(app)  # a source not in UTF-8: a warning, and left out; the rest builds
    setup_domain(app)  # every record, kept per document; the site-wide views
    setup_essays(app)  # front matter, title, byline, © line
    setup_drafts(app)  # draft: true → left out of every output
    setup_books(app)  # book-citation, {book}: caption, cover
    setup_library(app)  # books/<key>.md: the books' own files, their pages, the shelves
    setup_quotes(app)  # page-quote, {page}
    setup_ratings(app)  # an essay's rating by its byline: stars and words
    setup_related(app)  # related-reading
    setup_spoiler(app)  # spoiler
    setup_responses(app)  # responses: readers' responses kept with the essay
    setup_redirects(app)  # old WordPress addresses → essays (wordpress-redirects.json)
    setup_listings(app)  # essay-list; genre, tag, year, library, quotation pages; sidebar
    setup_series(app)  # series: and part:, "Part 2 of 3 in ...", the series' pages
    setup_offline(app)  # a PDF of every essay: its LaTeX document, for the offprints
    setup_epubs(app)  # an ePub of every essay; the collection's cover and language
    setup_downloads(app)  # "Download: PDF · ePub" on web pages; published with the site
    setup_comments(app)  # folio_comments: giscus or reply by email, web pages only
    setup_sharing(app)  # Atom feed, sitemap, link previews, schema.org data
    setup_search(app)  # the search index's stemmer, remembering across pages
    setup_design(app)  # the look: fonts, scoped styles, folio.sty (the PDFs), ePub CSS
    setup_book_contents(app)  # which pages the collection's PDF and ePub hold
    setup_reading_order(app)  # previous/next by date
    setup_masthead(app)  # the bar over every page of a Folio site; no docs frame
    setup_notes(app)  # footnotes: in the margin, on tap, EPUB pop-ups, PDF footnotes
    app.connect("env-updated", refresh_site)
    setup_report(app)  # what the build made, for folio build's summary
    setup_freshness(app)  # what changed: documents read, links by title, generated pages
    setup_latex_builder(app)  # the LaTeX builder, writing only the essays that changed
    setup_memory(app)  # a large environment set aside from the garbage collector; lean read helpers
    setup_template_cache(app)  # page templates compiled once, kept beside the doctrees
    app.connect("config-inited", add_templates)
    app.connect("builder-inited", add_stylesheet)
    return {
        "version": __version__,
        # 7: tag and series page names by folio.core.names (a kept environment links the old)
        "env_version": 7,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
