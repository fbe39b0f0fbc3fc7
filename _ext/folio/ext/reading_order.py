"""Previous and next: an essay's neighbours by date, not by the table of contents.

A collection is read in the order it was written; the home page's toctree is
alphabetical (or the writer's), so the theme's "previous/next" would lead to an
alphabetical neighbour.  On essay pages they go to the essay written just
before and just after; on the pages Folio writes (library, genres...) and on
the home page of a collection they go nowhere, and the home page's "next" is
the newest essay (where a reader starts).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from sphinx.util.osutil import relative_uri

from folio.core.escaping import html_text
from folio.ext.domain import folio_domain
from folio.ext.shared import WEB_BUILDERS

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def by_date(app: Sphinx) -> list[str]:
    """Essays oldest first (undated last), for "previous" and "next"."""
    essays = folio_domain(app.env).essays
    return sorted(essays, key=lambda name: (essays[name].date or datetime.date.max, name))


def refresh_order(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """The essays by date; pages whose neighbours by date changed need writing again."""
    views = folio_domain(env).views
    order = by_date(app)
    if views.order == order:
        return set()
    views.order = order
    return {*order, app.config.root_doc}


def neighbours(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
               doctree: nodes.document | None) -> None:
    """``html-page-context``: previous/next by date on essays, none on Folio's own pages."""
    if app.builder.name not in WEB_BUILDERS:
        return
    domain = folio_domain(app.env)
    order = domain.views.order or by_date(app)
    here = app.builder.get_target_uri(pagename)

    def link(docname: str) -> dict[str, str]:
        # The theme prints the title as HTML, as Sphinx's own neighbours are.
        return {"link": relative_uri(here, app.builder.get_target_uri(docname)),
                "title": html_text(domain.essays[docname].title)}

    if pagename not in domain.essays:
        if pagename == app.config.root_doc and pagename in domain.lists:
            # The home page lists the essays newest first: "next" is the newest one.
            dated = [name for name in order if domain.essays[name].date] or order
            context["prev"], context["next"] = None, (link(dated[-1]) if dated else None)
        elif pagename in domain.views.generated:
            context["prev"] = context["next"] = None
        return
    position = order.index(pagename) if pagename in order else -1

    def neighbour(offset: int) -> dict[str, str] | None:
        index = position + offset
        if position < 0 or not 0 <= index < len(order):
            return None
        return link(order[index])

    context["prev"], context["next"] = neighbour(-1), neighbour(1)


def setup_reading_order(app: Sphinx) -> None:
    app.connect("html-page-context", neighbours, priority=600)
