"""What every generated page shares: links made relative to the page, and how
an essay or a page reference is shown on it.

The listings (genre, tag, archive, quotations), the library and the books'
pages, the series' and the reading years' pages all use :class:`Pages`; it
lives apart from :mod:`folio.ext.listings` so those modules need not import
the listings, which import them to write their pages (no import cycle).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sphinx.util.osutil import relative_uri

from folio.core import wording
from folio.core.names import genre_page
from folio.core.records import Essay, Quote
from folio.core.wording import format_date
from folio.ext.domain import folio_domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def summary_spans(env: BuildEnvironment, essay: Essay) -> tuple[tuple[str, bool], ...]:
    """An essay's summary with the titles of the books it writes about marked."""
    domain = folio_domain(env)
    titles = [wording.book_title(domain.books[key]) for key in sorted(domain.keys_used(
        essay.docname)) if key in domain.books]
    return wording.title_spans(essay.summary, titles)


class Pages:
    """The context for one generated page: links made relative to that page."""

    def __init__(self, app: Sphinx, pagename: str) -> None:
        self.builder = app.builder
        self.here = app.builder.get_target_uri(pagename)
        self.labels = folio_domain(app.env).views.labels
        self.generated = set(folio_domain(app.env).views.generated)
        self.titles = folio_domain(app.env).views.titles
        self.env = app.env

    def href(self, page: str, anchor: str = "") -> str:
        uri = relative_uri(self.here, self.builder.get_target_uri(page))
        return f"{uri}#{anchor}" if anchor else uri

    def resource(self, path: str) -> str:
        return relative_uri(self.here, path)

    def essay(self, essay: Essay) -> dict[str, Any]:
        return {
            "title": essay.title, "href": self.href(essay.docname),
            "date": format_date(essay.date) if essay.date else "",
            "iso": essay.date.isoformat() if essay.date else "",
            "genre": essay.genre,
            "kind": self.labels.get(essay.docname, essay.genre),
            "label": wording.bracketed_label(self.labels[essay.docname])
            if self.labels.get(essay.docname) else "",
            "genre_href": self.href(genre_page(essay.genre))
            if genre_page(essay.genre) in self.generated else "",
            "summary": essay.summary,
            "summary_spans": summary_spans(self.env, essay),
        }

    def page(self, docname: str, essays: Mapping[str, Essay]) -> dict[str, Any]:
        """An essay as :meth:`essay` gives it; any other page by its title, without a label."""
        if docname in essays:
            return self.essay(essays[docname])
        return {"title": self.titles.get(docname, docname), "href": self.href(docname),
                "label": ""}


def pages_quoted(links: Pages, docname: str, found: tuple[Quote, ...],
                 page_format: str) -> dict[str, Any]:
    """The pages of a book one page quotes or names, as one reference: what
    comes before and after them (``(p`` and ``)``) and each page once, worded
    as on that page, linked to its quotation (a page named in the text links
    to the essay: every page a link), and whether that quotation is a spoiler."""
    pages: dict[str, tuple[str, bool]] = {}
    for quote in found:
        href = links.href(docname, quote.anchor)
        shown = wording.PAGE_JOINER.join(str(span) for span in quote.pages)
        if shown and not pages.get(shown, ("", False))[0]:
            pages[shown] = (href, quote.spoiler)
    before, after = wording.page_reference_ends(page_format)
    return {"before": before, "after": after, "joiner": wording.PAGE_JOINER,
            "lead": wording.PAGES_LEAD,
            "pages": [(shown, href, spoiler) for shown, (href, spoiler) in pages.items()]}
