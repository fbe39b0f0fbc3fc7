"""``book-citation`` and ``{book}``: the book an essay discusses, recorded once.

Everything about a book lives here, for every builder: the directive stores
a :class:`Citation` and returns a figure whose caption and cover wait for
the merged record (another essay may give the fields this one leaves out);
``env-updated`` merges the records (:func:`refresh_books`) and checks them;
a post-transform fills the caption, the alt text and the drawn cover; on
web pages and in the ePub the drawn cover becomes an SVG image, in LaTeX a
framed box.  The caption's words come from :mod:`folio.core.wording`.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.matching import Matcher
from stdnum import isbn as isbn_check

from folio.core.escaping import html_text
from folio.core.names import BOOK_KEY, book_key
from folio.core.records import Book, Citation, LibraryBook, Place
from folio.core.state import write_if_changed
from folio.core.wording import (
    book_title,
    caption_parts,
    cover_alt,
    drawn_cover_alt,
    join_names,
)
from folio.ext.domain import folio_domain
from folio.ext.shared import clean_text, first_line, option_lines, quote_marks, warn

if TYPE_CHECKING:
    from docutils.nodes import Node, system_message
    from sphinx.application import Sphinx
    from sphinx.domains import Domain
    from sphinx.environment import BuildEnvironment
    from sphinx.writers.html5 import HTML5Translator

class drawn_cover(nodes.General, nodes.Element):
    """A cover drawn from the book's title and author, for web and ePub."""


# -- pure functions -------------------------------------------------------------

def split_authors(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(";") if name.strip())


def merge_books(
    citations: Mapping[str, list[Citation]],
    records: Mapping[str, LibraryBook] | None = None,
) -> tuple[dict[str, Book], dict[str, Citation]]:
    """One record per key, and the citation a link to the book goes to.

    A book's own file (``books/<key>.md``) owns its record; otherwise the
    first citation (by document name, then line) does.  Later citations only
    fill fields the owner leaves blank.
    """
    books: dict[str, Book] = {key: entry.book for key, entry in (records or {}).items()}
    homes: dict[str, Citation] = {}
    ordered = sorted((c for cs in citations.values() for c in cs), key=lambda c: c.place)
    for citation in ordered:
        key = citation.book.key
        books[key] = books[key].merged_with(citation.book) if key in books else citation.book
        if key not in homes and citation.anchor:
            homes[key] = citation
    return books, homes


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
        warn(message, self.get_location(), "book")

    def run(self) -> list[Node]:
        option = {name: clean_text(str(self.options.get(name, ""))).strip()
                  for name in self.option_spec}
        given: set[str] = set()
        for name, line in option_lines(self.block_text, self.lineno, first_line(self)):
            if name in given and name in self.option_spec:  # MyST keeps the last silently
                warn(f"book-citation: :{name}: is given twice; using the last",
                     (self.env.docname, line), "book")
            given.add(name)
        key = self.arguments[0].strip() if self.arguments else ""
        if key and not BOOK_KEY.match(key):
            self.warn(f"book key {key!r} may only hold letters, digits and '-'; "
                      f"using {book_key(key)!r}")
            key = book_key(key)
        if not key:
            if not option["title"]:
                self.warn("book-citation needs a key or a :title:")
                return []
            key = book_key(option["title"])
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
            where = "in this essay" if Matcher(self.config.folio_essays)(self.env.docname) \
                else "on this page"
            self.warn(f"book {key!r} is already cited {where}")
            anchor = ""
        _source, line = self.get_source_info()
        cover = option["cover"] if local_path(option["cover"]) else ""
        cover_file = self.env.relfn2path(cover, self.env.docname)[0] if cover else ""
        domain.add_citation(Citation(book, Place(self.env.docname, line), anchor, cover_file))

        figure = nodes.figure(classes=["folio-book"], ids=[anchor] if anchor else [])
        figure["folio-book"] = key
        figure["folio-docname"] = self.env.docname  # LaTeX resolves one doctree for all
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
            image["alt"] = alt or cover_alt(book)
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


# -- the drawn cover ------------------------------------------------------------------

def cover_hue(key: str) -> int:
    """The hue of a book's cover: always the same for the same book."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:2], "big") % 360


def cover_colour(key: str) -> str:
    """A dark, muted colour that is always the same for the same book."""
    return f"hsl({cover_hue(key)}, 35%, 28%)"


def cover_hex(key: str) -> str:
    """The same colour as six hex digits, for LaTeX's ``xcolor`` (which has no HSL)."""
    red, green, blue = colorsys.hls_to_rgb(cover_hue(key) / 360, 0.28, 0.35)
    return "".join(f"{round(part * 255):02X}" for part in (red, green, blue))


def cover_svg(key: str, title: str, authors: str) -> str:
    """The SVG of a plain cloth-bound cover: title above a rule, author below."""
    width, height = 300, 450
    lines = textwrap.wrap(title, 16)[:6] or [key]
    size = 30 if max(len(line) for line in lines) <= 12 else 24
    top = 150 - (len(lines) - 1) * size // 3
    title_lines = "".join(
        f'<tspan x="150" y="{top + n * (size + 8)}">{html_text(line)}</tspan>'
        for n, line in enumerate(lines))
    rule_y = top + len(lines) * (size + 8) + 10
    author_lines = "".join(
        f'<tspan x="150" y="{rule_y + 40 + n * 26}">{html_text(line)}</tspan>'
        for n, line in enumerate(textwrap.wrap(authors, 22)[:3]))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
        f"<title>{html_text(title)}</title>"
        f'<rect width="{width}" height="{height}" fill="{cover_colour(key)}"/>'
        f'<rect x="16" y="16" width="{width - 32}" height="{height - 32}" fill="none" '
        'stroke="#e8dcc0" stroke-width="2"/>'
        '<g fill="#f5ecd7" font-family="Georgia, \'Times New Roman\', serif" '
        'text-anchor="middle">'
        f'<text font-size="{size}" font-weight="bold">{title_lines}</text>'
        f'<line x1="90" y1="{rule_y}" x2="210" y2="{rule_y}" stroke="#e8dcc0" '
        'stroke-width="2"/>'
        f'<text font-size="20" font-style="italic">{author_lines}</text>'
        "</g></svg>\n"
    )


def cover_filename(key: str) -> str:
    safe = "".join(c if c.isalnum() or c == "-" else "-" for c in key) or "book"
    return f"folio-cover-{safe}.svg"


def write_cover(folder: Path, key: str, title: str, authors: str) -> str:
    """Write a drawn cover's SVG (same bytes each time); return its file name."""
    name = cover_filename(key)
    folder.mkdir(parents=True, exist_ok=True)
    svg = cover_svg(key, title, authors)
    write_if_changed(folder / name, svg)
    return name


def visit_drawn_cover(self: HTML5Translator, node: drawn_cover) -> None:
    """Write the SVG beside the page's images and show it."""
    name = write_cover(Path(self.builder.outdir, self.builder.imagedir), node["key"],
                       node["title"], node["authors"])
    src = f"{self.builder.imgpath}/{name}"
    self.body.append(self.emptytag(node, "img", "", src=src, alt=node["alt"],
                                   CLASS="folio-cover folio-drawn", width="300", height="450"))
    raise nodes.SkipNode



# -- filled in once every essay has been read ---------------------------------------------

class FillBookFigures(SphinxPostTransform):
    """Caption, drawn cover and alt text from the merged book record (every builder)."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain = folio_domain(self.env)
        for figure in self.document.findall(nodes.figure):
            key = figure.get("folio-book")
            if not key:
                continue
            book = domain.books.get(key, Book(key))
            docname = figure.get("folio-docname", self.env.docname)
            noun = self.config.folio_essay_noun if docname in domain.essays else None
            for caption in figure.findall(nodes.caption):
                del caption[:]
                for text, is_title in caption_parts(book, noun, self.config.folio_title_style,
                                                    quote_marks(self.config)):
                    caption += nodes.title_reference(text, text) if is_title else nodes.Text(text)
            for image in figure.findall(nodes.image):
                if image.get("folio-book"):
                    image["alt"] = cover_alt(book)
            for drawn in figure.findall(nodes.container):
                if "folio-drawn-cover" in drawn["classes"]:
                    del drawn[:]
                    title, authors = book_title(book), join_names(book.authors)
                    drawn += nodes.paragraph(title, title, classes=["folio-cover-title"])
                    if authors:
                        drawn += nodes.paragraph(authors, authors, classes=["folio-cover-author"])


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
                key=key, title=book_title(book), authors=join_names(book.authors),
                alt=drawn.get("alt") or drawn_cover_alt(book)))


class ColourCoversForPrint(SphinxPostTransform):
    """In the PDF the drawn cover has its book's colour too (``folio.sty`` draws it)."""

    default_priority = 6
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for drawn in self.document.findall(nodes.container):
            if "folio-drawn-cover" not in drawn["classes"]:
                continue
            key = drawn.parent.get("folio-book", "") if drawn.parent else ""
            # Six hex digits: nothing the writer typed reaches TeX here.
            colour = rf"\xglobal\definecolor{{foliocover}}{{HTML}}{{{cover_hex(key)}}}"
            drawn.insert(0, nodes.raw("", colour, format="latex"))


# -- the whole collection, once per build ---------------------------------------------------

def refresh_books(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """Merge the records; return the pages showing a book whose record or home changed."""
    domain = folio_domain(env)
    views = domain.views
    old_books = dict(views.books)
    old_homes = {key: (c.place.docname, c.anchor) for key, c in views.homes.items()}
    views.books, views.homes = merge_books(domain.citations, domain.library)
    new_homes = {key: (c.place.docname, c.anchor) for key, c in views.homes.items()}
    changed = {key for key in set(views.books) | set(old_books)
               if views.books.get(key) != old_books.get(key)
               or new_homes.get(key) != old_homes.get(key)}
    if not changed:
        return set()
    # Essay lists set the books' titles in the summaries (listings.summary_spans).
    return {name for name in set(domain.citations) | set(domain.quotes) | set(domain.mentions)
            if domain.keys_used(name) & changed} | set(domain.lists)


def check_books(app: Sphinx, env: BuildEnvironment) -> None:
    """What only the whole collection shows: disagreeing records, missing fields, unknown keys.

    A citation is compared with the book's own file when it has one (the file
    is the record), else with the first citation of the key.
    """
    domain = folio_domain(env)
    first: dict[str, Citation] = {}
    for docname in sorted(domain.citations):
        for citation in domain.citations[docname]:
            key = citation.book.key
            entry = domain.library.get(key)
            if entry is not None:
                differ = entry.book.disagreements(citation.book)
                field = {"authors": "author"}.get(differ[0], differ[0]) if differ else ""
                where = f"{entry.source}:{entry.line(field)}"
            elif key not in first:
                first[key] = citation
                continue
            else:
                owner = first[key]
                differ = owner.book.disagreements(citation.book)
                where = f"{env.doc2path(owner.place.docname, False)}:{owner.place.line}"
            if differ:
                warn(f"book {key!r}: {', '.join(differ)} differ from its record at {where}",
                     (citation.place.docname, citation.place.line), "book")
    for key, book in sorted(domain.books.items()):
        missing = [name for name, value in (("title", book.title), ("author", book.authors))
                   if not value]
        if missing and key in first:  # a book file says so itself, at its own line
            warn(f"book {key!r} has no {' or '.join(':' + m + ':' for m in missing)} "
                 "in any book-citation", (first[key].place.docname, first[key].place.line), "book")
    for docname in sorted(domain.mentions):
        for key, place in domain.mentions[docname]:
            if key not in domain.books:
                warn(f"unknown book {key!r}", (place.docname, place.line), "book")


def already_reported(app: Sphinx, domain: Domain | None, node: addnodes.pending_xref) -> bool:
    """``warn-missing-reference``: a ``{book}``, ``{page}`` or page-quote link Folio
    could not resolve has had its warning already, at the line that names the book
    (:func:`check_books`, :func:`folio.ext.quotes.check_quotes`, ``fill_in_book``);
    ``-n`` must not add Sphinx's "folio:page reference target not found" at another."""
    return domain is not None and domain.name == "folio"


def setup_books(app: Sphinx) -> None:
    app.add_directive("book-citation", BookCitation)
    app.add_role("book", BookRole())
    app.add_node(drawn_cover, html=(visit_drawn_cover, None))
    app.add_post_transform(FillBookFigures)
    app.add_post_transform(DrawCoversForWeb)
    app.add_post_transform(ColourCoversForPrint)
    app.connect("env-check-consistency", check_books)
    app.connect("warn-missing-reference", already_reported)
