"""``page-quote`` and ``{page}``: quotations that carry their page numbers.

The page reference is worded by :func:`folio.core.wording.page_reference` from
``folio_page_format`` (the library and the quotations index use the same
function), and linked to the book's citation when references are resolved.
A quote without ``:book:`` gets the essay's only book at ``doctree-read``;
pages are checked against the merged record once every essay is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from folio.core.names import BOOK_KEY
from folio.core.pages import pages_outside, parse_locator
from folio.core.records import Place, Quote
from folio.core.wording import page_reference
from folio.ext.books import book_reference
from folio.ext.domain import folio_domain
from folio.ext.shared import (
    first_line,
    has_class,
    option_lines,
    styled_paragraph,
    warn,
)

if TYPE_CHECKING:
    from docutils.nodes import Node, system_message
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]*)>$", re.DOTALL)


# -- directive and role -----------------------------------------------------------

class PageQuote(SphinxDirective):
    """``page-quote``: a block quotation followed by its page reference."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {  # type: ignore[misc]
        "book": directives.unchanged,
    }

    def warn(self, message: str) -> None:
        logger.warning(message, location=self.get_location(), type="folio", subtype="quote")

    def run(self) -> list[Node]:
        locator = self.arguments[0] if self.arguments else ""
        try:
            spans = parse_locator(locator)
        except ValueError as error:
            self.warn(f"page-quote: {error}")
            spans = ()
        key = str(self.options.get("book", "")).strip()
        if key and not BOOK_KEY.match(key):
            self.warn(f"page-quote: {key!r} is not a book key")
            key = ""
        if not self.content or not "".join(self.content).strip():
            self.warn("page-quote has no quotation in its body")
            return []

        docname = self.env.docname
        anchor = f"quote-{self.env.new_serialno('folio-quote') + 1}"
        quote = nodes.block_quote()
        quote += self.parse_content_to_nodes()
        box = nodes.container(classes=["folio-quote"], ids=[anchor])
        self.state.document.ids[anchor] = box
        self.set_source_info(box)
        box += quote
        _source, line = self.get_source_info()
        if spans:
            text = page_reference(self.config.folio_page_format, spans)
            ref = book_reference("page", key, docname,
                                 nodes.inline(text, text, classes=["folio-page"]))
            ref["folio-anchor"] = anchor
            box += styled_paragraph("folio-page-ref", ref)
        folio_domain(self.env).add_quote(
            Quote(key, spans, Place(docname, line), anchor, quote.astext()[:400],
                  book_line=self.option_line("book") if key else 0))
        return [box]

    def option_line(self, name: str) -> int:
        """The line of option ``:name:`` (a warning about its value belongs there)."""
        return next((line for option, line in option_lines(self.block_text, self.lineno,
                                                           first_line(self)) if option == name),
                    self.lineno)


class PageRole(SphinxRole):
    """``{page}`69``` or ``{page}`274 <book-key>```: a page reference in prose."""

    def run(self) -> tuple[list[Node], list[system_message]]:
        locator, key = self.text, ""
        match = EXPLICIT.match(self.text)
        if match:
            locator, key = match.group(1), match.group(2).strip()
        place = Place(self.env.docname, self.lineno)
        try:
            spans = parse_locator(locator)
        except ValueError as error:
            logger.warning(f"page: {error}", location=self.get_location(),
                           type="folio", subtype="quote")
            return [nodes.inline(self.rawtext, self.text)], []
        text = page_reference(self.config.folio_page_format, spans)
        node = book_reference("page", key, self.env.docname,
                              nodes.inline(text, text, classes=["folio-page"]))
        self.set_source_info(node)
        folio_domain(self.env).add_quote(Quote(key, spans, place))
        return [node], []


def fill_in_book(app: Sphinx, doctree: nodes.document) -> None:
    """Give page references without a book the essay's only book, or warn; and
    mark the quotations that sit inside a spoiler.

    Runs at ``doctree-read`` because a quote may come before the citation,
    and a quote's directive cannot see the spoiler around it.
    """
    env = app.env
    docname = env.docname
    domain = folio_domain(env)
    cited = domain.cited_keys(docname)
    for ref in doctree.findall(addnodes.pending_xref):
        if ref.get("refdomain") != "folio" or ref.get("reftarget"):
            continue
        if len(cited) == 1:
            ref["reftarget"] = cited[0]
        else:
            why = "cites no book" if not cited else f"cites {len(cited)} books"
            page = "this essay" if docname in domain.essays else "this page"
            warn(f"{page} {why}: name one with :book: (or <key> in {{page}})", ref, "quote")
    hidden = {anchor for box in doctree.findall(nodes.container)
              if has_class(box, "folio-spoiler")
              for inner in box.findall(nodes.container) if has_class(inner, "folio-quote")
              for anchor in inner["ids"]}
    if docname in domain.quotes:
        only = cited[0] if len(cited) == 1 else ""
        domain.quotes[docname] = [
            replace(quote, book_key=quote.book_key or only,
                    spoiler=bool(quote.anchor) and quote.anchor in hidden)
            for quote in domain.quotes[docname]
        ]


def check_quotes(app: Sphinx, env: BuildEnvironment) -> None:
    """Quotes of books no essay cites, and pages the book does not have."""
    domain = folio_domain(env)
    for docname in sorted(domain.quotes):
        for quote in domain.quotes[docname]:
            where = (quote.place.docname, quote.place.line)
            known = domain.books.get(quote.book_key)
            if quote.book_key and known is None:
                warn(f"unknown book {quote.book_key!r}",
                     (quote.place.docname, quote.book_line or quote.place.line), "quote")
            elif known is not None and known.pages:
                outside = pages_outside(quote.pages, known.pages)
                if outside:
                    warn(f"page {', '.join(outside)} is outside {known.title or known.key!r} "
                         f"(pages 1–{known.pages})", where, "quote")



def setup_quotes(app: Sphinx) -> None:
    app.add_directive("page-quote", PageQuote)
    app.add_role("page", PageRole())
    app.connect("doctree-read", fill_in_book)
    app.connect("env-check-consistency", check_quotes)
