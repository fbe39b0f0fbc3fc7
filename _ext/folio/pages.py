"""Post-transforms that turn placeholders into what a page shows.

They run per page when references are resolved, after ``env-updated`` has
merged the book records and chosen the related reading, so every page sees
the whole collection.  The first two work for every builder with plain
docutils nodes; the HTML-only ones swap in richer web markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode

from folio.books import caption_parts, join_names
from folio.domain import folio_domain, in_this_book
from folio.records import Book, Entry
from folio.related import related_reading
from folio.writers import drawn_cover, spoiler_details

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

HTML_BUILDERS = ("html", "dirhtml", "singlehtml")


class FolioPostTransform(SphinxPostTransform):
    """A post-transform that needs the builder (to make links)."""

    @property
    def builder(self) -> Builder:
        # Sphinx 9 deprecates ``self.app``; its own transforms use ``env._app``.
        app = getattr(self.env, "_app", None) or self.app
        return app.builder  # type: ignore[no-any-return]


class FillBookFigures(SphinxPostTransform):
    """Caption, drawn cover and alt text from the merged book record."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain = folio_domain(self.env)
        for figure in self.document.findall(nodes.figure):
            key = figure.get("folio-book")
            if not key:
                continue
            book = domain.books.get(key, Book(key))
            for caption in figure.findall(nodes.caption):
                del caption[:]
                for text, is_title in caption_parts(book):
                    caption += nodes.title_reference(text, text) if is_title else nodes.Text(text)
            for image in figure.findall(nodes.image):
                if image.get("folio-book"):
                    image["alt"] = f"Cover of {book.title or key}"
            for drawn in figure.findall(nodes.container):
                if "folio-drawn-cover" in drawn["classes"]:
                    del drawn[:]
                    title, authors = book.title or key, join_names(book.authors)
                    drawn += nodes.paragraph(title, title, classes=["folio-cover-title"])
                    if authors:
                        drawn += nodes.paragraph(authors, authors, classes=["folio-cover-author"])


class FillRelatedReading(FolioPostTransform):
    """The two related-reading lists, as links with each essay's genre."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain = folio_domain(self.env)
        for placeholder in list(self.document.findall(related_reading)):
            found = domain.listings.get(placeholder["docname"])
            box = nodes.container(classes=["folio-related"])
            if found:
                for heading, entries in (
                    (self.config.folio_similar_heading, found.similar),
                    (self.config.folio_different_heading, found.different),
                ):
                    if entries:
                        box += nodes.rubric(heading, heading, classes=["folio-related-heading"])
                        box += self.entries(entries)
            placeholder.replace_self(box if box.children else [])

    def entries(self, entries: tuple[Entry, ...]) -> nodes.bullet_list:
        items = nodes.bullet_list(classes=["folio-related-list"])
        baseurl = self.config.html_baseurl
        for entry in entries:
            text = nodes.inline(entry.title, entry.title)
            inside = in_this_book(self.builder, entry.docname)
            link: nodes.Node = text
            if inside:
                link = make_refnode(self.builder, self.env.docname, entry.docname, "", text)
            elif baseurl:  # an essay's own PDF: point to the essay on the web
                link = nodes.reference("", "", text,
                                       refuri=f"{baseurl.rstrip('/')}/{entry.docname}.html")
            paragraph = nodes.paragraph("", "", link)
            if entry.genre:
                paragraph += nodes.Text(" ")
                paragraph += nodes.inline(f"[{entry.genre}]", f"[{entry.genre}]",
                                          classes=["folio-genre"])
            if inside:  # in print a link is only useful with the page it leads to
                label = rf"\detokenize{{{entry.docname}::doc}}"
                paragraph += nodes.raw("", rf", page \pageref{{{label}}}", format="latex")
            items += nodes.list_item("", paragraph)
        return items


class DrawCoversForWeb(SphinxPostTransform):
    """On web pages and in the ePub, the drawn cover becomes an SVG image."""

    default_priority = 6
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        books = folio_domain(self.env).books
        for drawn in list(self.document.findall(nodes.container)):
            if "folio-drawn-cover" not in drawn["classes"]:
                continue
            key = drawn.parent.get("folio-book", "") if drawn.parent else ""
            book = books.get(key, Book(key))
            drawn.replace_self(drawn_cover(
                key=key, title=book.title or key, authors=join_names(book.authors),
                alt=drawn.get("alt") or f"Cover of {book.title or key} (drawn)"))


class SpoilersForWeb(SphinxPostTransform):
    """On web pages a spoiler starts closed, in a ``<details>`` element."""

    default_priority = 6
    builders = HTML_BUILDERS

    def run(self, **kwargs: Any) -> None:
        for box in list(self.document.findall(nodes.container)):
            if "folio-spoiler" not in box["classes"]:
                continue
            markers = {"folio-spoiler-start", "folio-spoiler-end"}
            inner = [child for child in box.children
                     if not (isinstance(child, nodes.Element)
                             and markers & set(child["classes"]))]
            details = spoiler_details(label=box.get("label", ""), ids=box["ids"])
            details.extend(inner)
            box.replace_self(details)


def setup_pages(app: Sphinx) -> None:
    for transform in (FillBookFigures, FillRelatedReading, DrawCoversForWeb, SpoilersForWeb):
        app.add_post_transform(transform)
