"""The masthead: one slim bar over every page of a collection, not a docs frame.

A collection's site (its home page lists the essays) gets, on every page, the
collection's title, links to the essays, library, quotations and tags, a
search field that works without JavaScript (a plain ``GET`` form to
``search.html?q=``) and the theme's colour-scheme switch, in place of the book
theme's header, sidebar toggle and article buttons.  Essay pages have no
sidebar at all; the home page and the listings keep theirs (recent essays,
genres) on wide screens.  The bar wraps onto a second line on a phone rather
than hiding behind a menu button (PaperMod's header does the same).

Folio as a guest in someone else's documentation site (the home page is
theirs) changes nothing here: their frame stays as it is; so does a theme
without pydata-sphinx-theme's header (alabaster's sidebar keeps Folio's links).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from folio.core import wording
from folio.ext.domain import folio_domain
from folio.ext.shared import WEB_BUILDERS

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx


def is_collection(app: Sphinx) -> bool:
    """A site whose home page lists the essays is a collection (Folio's own site)."""
    return app.config.root_doc in folio_domain(app.env).lists


def masthead_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                     doctree: nodes.document | None) -> None:
    """What the masthead shows, and the theme's frame it replaces, on a collection's pages."""
    if app.builder.name not in WEB_BUILDERS or not is_collection(app):
        return
    if "theme_navbar_start" not in context:
        return  # not a pydata-sphinx-theme (book theme) site: no header to replace
    domain = folio_domain(app.env)
    pathto = context["pathto"]
    links = []
    for page, label in wording.MASTHEAD:
        if page in domain.views.generated:
            links.append((pathto(page), label, page == pagename))
    context["folio_masthead"] = True
    context["folio_masthead_links"] = links
    context["folio_masthead_label"] = wording.MASTHEAD_LABEL
    context["folio_search_label"] = wording.SEARCH_LABEL
    context["folio_search_placeholder"] = wording.SEARCH_PLACEHOLDER
    # The masthead holds the search field and the colour switch: no article buttons,
    # no sidebar toggle (pydata-sphinx-theme reads these per page).
    context["theme_article_header_start"] = []
    context["theme_article_header_end"] = []
    if pagename in domain.essays:
        context["sidebars"] = []
        # The essay ends with its own © line: the footer does not repeat it.
        context["theme_footer_content_items"] = []


def setup_masthead(app: Sphinx) -> None:
    # After the listings (the sidebar's lists) and the design (footer author).
    app.connect("html-page-context", masthead_context, priority=650)
