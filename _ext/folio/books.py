"""``book-citation`` and ``{book}``: the book an essay discusses, recorded once.

The directive stores a :class:`Citation` and returns a figure whose cover
and caption are left for :mod:`folio.pages` to fill in, because the full
record may come from another essay citing the same key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from stdnum import isbn as isbn_check

from folio.domain import folio_domain
from folio.essays import clean_text
from folio.records import Book, Citation, Place

if TYPE_CHECKING:
    from docutils.nodes import Node, system_message
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

KEY = re.compile(r"^[A-Za-z0-9-]+$")


# -- pure functions -------------------------------------------------------------

def slug(text: str) -> str:
    """A book key from a title: ``Never Let Me Go`` → ``never-let-me-go``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "book"


def split_authors(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(";") if name.strip())


def join_names(names: tuple[str, ...] | list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def caption_parts(book: Book) -> list[tuple[str, bool]]:
    """The caption as (text, is_title) runs, so the title can be set as a title.

    "Cover of the 2006 Faber and Faber paperback edition of *Never Let Me Go*
    by Kazuo Ishiguro, first published in 2005. Page references in this essay
    are to this edition."
    """
    edition = book.edition.strip()
    if edition and not edition.lower().endswith("edition"):
        edition += " edition"
    described = " ".join(part for part in (book.year, book.publisher, edition) if part)
    if described and not edition:
        described += " edition"
    opening = f"Cover of the {described} of " if described else "Cover of "
    parts: list[tuple[str, bool]] = [(opening, False), (book.title or book.key, True)]
    tail = f" by {join_names(book.authors)}" if book.authors else ""
    if book.first_published and book.first_published != book.year:
        tail += f", first published in {book.first_published}"
    tail += "."
    if described:
        tail += " Page references in this essay are to this edition."
    parts.append((tail, False))
    return parts


def check_book(book: Book) -> list[tuple[str, str]]:
    """Problems with one record as (option, message); empty when it is sound."""
    problems: list[tuple[str, str]] = []
    if book.isbn and not isbn_check.is_valid(book.isbn):
        problems.append(("isbn", f"ISBN {book.isbn!r} is not valid (check digit or length)"))
    for option, value in (("year", book.year), ("first-published", book.first_published)):
        if value and not re.fullmatch(r"-?\d{1,4}", value):
            problems.append((option, f"{option} {value!r} is not a year"))
    if (re.fullmatch(r"-?\d{1,4}", book.year or "x")
            and re.fullmatch(r"-?\d{1,4}", book.first_published or "x")
            and int(book.year) < int(book.first_published)):
        problems.append(("year", f"year {book.year} is before first-published "
                                 f"{book.first_published}"))
    return problems


def local_path(uri: str) -> bool:
    """A cover must be a file in the sources: no scheme, no network."""
    return not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri) and not uri.startswith("//")


# -- directive and role -------------------------------------------------------------

class BookCitation(SphinxDirective):
    """``book-citation``: record a book and show its cover with a caption."""

    optional_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {  # type: ignore[misc]
        "title": directives.unchanged,
        "author": directives.unchanged,
        "publisher": directives.unchanged,
        "year": directives.unchanged,
        "first-published": directives.unchanged,
        "edition": directives.unchanged,
        "isbn": directives.unchanged,
        "pages": directives.unchanged,
        "cover": directives.unchanged,
        "cover-alt": directives.unchanged,
    }

    def warn(self, message: str) -> None:
        logger.warning(message, location=self.get_location(), type="folio", subtype="book")

    def run(self) -> list[Node]:
        option = {name: clean_text(str(self.options.get(name, ""))).strip()
                  for name in self.option_spec}
        key = self.arguments[0].strip() if self.arguments else ""
        if key and not KEY.match(key):
            self.warn(f"book key {key!r} may only hold letters, digits and '-'; "
                      f"using {slug(key)!r}")
            key = slug(key)
        if not key:
            if not option["title"]:
                self.warn("book-citation needs a key or a :title:")
                return []
            key = slug(option["title"])
        pages: int | None = None
        if option["pages"]:
            if re.fullmatch(r"[0-9]{1,6}", option["pages"]) and int(option["pages"]) > 0:
                pages = int(option["pages"])
            else:
                self.warn(f"pages {option['pages']!r} is not a number of pages")
        book = Book(
            key=key,
            title=option["title"],
            authors=split_authors(option["author"]),
            publisher=option["publisher"],
            year=option["year"],
            first_published=option["first-published"],
            edition=option["edition"],
            isbn=option["isbn"],
            pages=pages,
        )
        for _option, message in check_book(book):
            self.warn(message)

        domain = folio_domain(self.env)
        anchor = f"book-{key}"
        if key in domain.cited_keys(self.env.docname):
            self.warn(f"book {key!r} is already cited in this essay")
            anchor = ""
        _source, line = self.get_source_info()
        cover = option["cover"] if local_path(option["cover"]) else ""
        cover_file = self.env.relfn2path(cover, self.env.docname)[0] if cover else ""
        domain.add_citation(Citation(book, Place(self.env.docname, line), anchor, cover_file))

        figure = nodes.figure(classes=["folio-book"], ids=[anchor] if anchor else [])
        figure["folio-book"] = key
        self.set_source_info(figure)
        if anchor:
            self.state.document.ids[anchor] = figure
        figure += self.cover(key, option["cover"], option["cover-alt"], book)
        figure += nodes.caption("", "", **{"folio-book": key})
        if self.content:
            legend = nodes.legend()
            legend += self.parse_content_to_nodes()
            figure += legend
        return [figure]

    def cover(self, key: str, uri: str, alt: str, book: Book) -> nodes.Element:
        """The writer's image, or a placeholder for a cover drawn from the record."""
        if uri and not local_path(uri):
            self.warn(f"cover {uri!r} must be a file in the sources, not a URL; "
                      "drawing a cover instead")
            uri = ""
        if uri:
            image = nodes.image(uri=directives.uri(uri), classes=["folio-cover"])
            image["alt"] = alt or f"Cover of {book.title or key}"
            if not alt:
                image["folio-book"] = key  # the alt text follows the merged record
            self.set_source_info(image)
            return image
        drawn = nodes.container(classes=["folio-drawn-cover"])
        drawn["folio-book"] = key
        if alt:
            drawn["alt"] = alt
        return drawn


def book_reference(reftype: str, key: str, docname: str, content: nodes.Node) -> nodes.Element:
    """A link to a book's citation, resolved once every essay has been read."""
    ref = addnodes.pending_xref("", refdomain="folio", reftype=reftype, reftarget=key,
                                refdoc=docname, refwarn=False)
    ref["folio-docname"] = docname
    ref += content
    return ref


class BookRole(SphinxRole):
    """``{book}`key```: the book's title, set as a title, linked to its record."""

    def run(self) -> tuple[list[Node], list[system_message]]:
        key = self.text.strip()
        place = Place(self.env.docname, self.lineno)
        folio_domain(self.env).add_mention(key, place)
        title = nodes.title_reference(key, key)
        node = book_reference("book", key, self.env.docname, title)
        self.set_source_info(node)
        return [node], []


def setup_books(app: Sphinx) -> None:
    app.add_directive("book-citation", BookCitation)
    app.add_role("book", BookRole())
