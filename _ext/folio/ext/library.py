"""The library: books with files of their own, a page for every book, and the
shelves.

**Book files.**  ``books/<key>.md`` holds a book's record and the writer's
reading of it (:mod:`folio.core.library` reads one).  They are not Sphinx
documents: Folio reads the folder itself at ``env-before-read-docs``, in the
main process, and keeps each file's record in the domain with the file's
time and size, so an unchanged file is not read again.  Keeping them out of
Sphinx's documents is what keeps them out of everything a document is part
of (the collection's ePub and PDF, the search index, the table of contents,
the essays) without a rule in each of those places.

**Book pages.**  Every book, from a file or only from essays, has a page
``books/<key>.html`` generated at ``html-collect-pages`` with the other
generated pages, so one renderer draws them all.  A page's context is the
data it shows (every text already worded, every link made), never its
rendered body: :func:`folio.ext.freshness.changed_pages` compares a digest of
that data with the one recorded when the page was last written, and the
theme renders only the pages whose data changed.  An edit to one book file
therefore rewrites its page, the library, and (through
:func:`folio.ext.books.refresh_books`, which compares merged records) the
essays citing the book when its record changed; every other book page keeps
its file.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nh3
from markdown_it import MarkdownIt
from sphinx.environment import CONFIG_OK

from folio.core import wording
from folio.core.escaping import html_text
from folio.core.library import read_book_file
from folio.core.names import BOOK_KEY, book_key, surname_key
from folio.core.pages import page_order
from folio.core.ratings import stars
from folio.core.records import SHELVES, Book, Citation, Essay, LibraryBook, Quote
from folio.core.state import write_if_changed
from folio.core.wording import join_names
from folio.ext.books import check_book, cover_filename, local_path, write_cover
from folio.ext.domain import folio_domain
from folio.ext.generated import Pages, pages_quoted
from folio.ext.shared import clean_text, quote_marks, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: The folder of book files, in the sources.
BOOKS = "books"
#: What a page's context carries instead of a rendered body (see the module's docstring).
BOOK_TEMPLATE = "folio/book-page.html"
#: The kinds of image a book file's ``cover`` may be.
COVER_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")


# -- reading the books folder ----------------------------------------------------------------

def book_files(srcdir: Path) -> dict[str, Path]:
    """``books/<name>.md`` → its path, in name order."""
    folder = srcdir / BOOKS
    if not folder.is_dir():
        return {}
    return {f"{BOOKS}/{path.name}": path for path in sorted(folder.glob("*.md"))
            if path.is_file()}


def notes_html(markdown: str) -> str:
    """A book's notes as HTML: CommonMark with raw HTML shown as text, then sanitised.

    Notes may hold a review an importer brought in: never MyST (no directive
    runs), never the HTML as written.
    """
    if not markdown.strip():
        return ""
    html = MarkdownIt("commonmark", {"html": False}).render(markdown)
    return nh3.clean(html, url_schemes={"http", "https", "mailto"})


def read_library(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: read the book files that are new or changed.

    Warnings name the file and line, once, when the file is read (as Sphinx
    warns about a document when it reads it).  ``env.folio_books_changed``
    tells :func:`folio.ext.freshness.documents_changed` that the collection's
    views must be computed again even when no document was read.
    """
    domain = folio_domain(env)
    stamps: dict[str, tuple[int, int, int]] = domain.data["library_stamps"]
    scale = app.config.folio_rating_scale
    settled = env.config_status == CONFIG_OK
    found = book_files(Path(app.srcdir))
    changed = False
    by_source = {entry.source: key for key, entry in domain.library.items()}
    for source in sorted(set(stamps) - set(found)):  # a file deleted
        domain.library.pop(by_source.get(source, ""), None)
        del stamps[source]
        changed = True
    for source, path in found.items():
        status = path.stat()
        stamp = (status.st_mtime_ns, status.st_size, scale)
        if settled and stamps.get(source) == stamp:
            continue
        domain.library.pop(by_source.get(source, ""), None)
        stamps[source] = stamp
        changed = True
        entry = read_book(path, source, scale)
        if entry.book.key in domain.library:
            other = domain.library[entry.book.key].source
            warn(f"book key {entry.book.key!r} is also {other}'s; this file is left out",
                 f"{path}:1", "library")
            continue
        domain.library[entry.book.key] = entry
    env.folio_books_changed = changed  # type: ignore[attr-defined]


def save_read_books(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``, last: save the environment when a book file was read.

    Sphinx saves it only when some document was read or made stale; a book
    file's edit that changes no page (a file saved unchanged, say) would then
    leave its new stamp unsaved, and the file be read again on every build.
    Saved as Sphinx saves it, at the same moment (right after ``env-updated``)."""
    if not getattr(env, "folio_books_changed", False):
        return
    import pickle

    from sphinx.application import ENV_PICKLE_FILENAME

    with open(Path(app.doctreedir) / ENV_PICKLE_FILENAME, "wb") as out:
        pickle.dump(env, out, pickle.HIGHEST_PROTOCOL)


def read_book(path: Path, source: str, scale: int) -> LibraryBook:
    """One book file, its problems said as warnings at their lines."""
    key = path.stem
    if not BOOK_KEY.match(key):
        warn(f"book file name {path.name!r} may only hold letters, digits and '-' "
             f"(it is the book's key); using {book_key(key)!r}", f"{path}:1", "library")
        key = book_key(key)
    text = clean_text(path.read_text(encoding="utf-8", errors="replace"))
    entry, problems = read_book_file(key, source, text, scale)
    for option, message in check_book(entry.book):
        problems.append((entry.line(option), message))
    for line, message in sorted(problems):
        warn(message, f"{path}:{line}", "library")
    return replace(entry, notes=notes_html(entry.notes))


def exclude_books_folder(app: Sphinx, config: Any) -> None:
    """``config-inited``: book files are Folio's to read, never Sphinx documents."""
    config.exclude_patterns = [*config.exclude_patterns, f"{BOOKS}/*.md"]


# -- the shelves ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shelf:
    """One book in the library, with the pages that discuss it (essays or not)."""

    book: Book
    home: Citation | None
    readers: tuple[tuple[str, tuple[Quote, ...]], ...]  # (docname, its quotes of the book)
    entry: LibraryBook | None = None  # the book's own file, if it has one
    rated: float | None = None  # the rating the newest essay rating it gives

    @property
    def shelf(self) -> str:
        return self.entry.shelf if self.entry else "read"

    @property
    def rating(self) -> float | None:
        """The book file's rating, else the newest rating an essay about it gives."""
        if self.entry is not None and self.entry.rating is not None:
            return self.entry.rating
        return self.rated


def essay_ratings(essays: Mapping[str, Essay], citations: Mapping[str, list[Citation]]
                  ) -> dict[str, float]:
    """Book key → the rating of the newest rated essay whose first cited book it is."""
    found: dict[str, tuple[int, str, float]] = {}
    for name, essay in essays.items():
        cited = citations.get(name, [])
        if essay.rating is None or not cited:
            continue
        when = (essay.date.toordinal() if essay.date else 0, name, essay.rating)
        key = cited[0].book.key
        if key not in found or when > found[key]:
            found[key] = when
    return {key: when[2] for key, when in found.items()}


def library(books: Mapping[str, Book], homes: Mapping[str, Citation],
            citations: Mapping[str, list[Citation]], quotes: Mapping[str, list[Quote]],
            records: Mapping[str, LibraryBook] | None = None,
            rated: Mapping[str, float] | None = None) -> dict[str, Shelf]:
    """Every book by key, with every page that cites or quotes it (an essay or any
    other page) and which pages of the book, its own file if it has one, and the
    rating an essay about it gives."""
    records, rated = records or {}, rated or {}
    discussed: dict[str, set[str]] = defaultdict(set)
    for docname, cited in citations.items():
        for citation in cited:
            discussed[citation.book.key].add(docname)
    for docname, quoted in quotes.items():
        for quote in quoted:
            if quote.book_key:
                discussed[quote.book_key].add(docname)
    found: dict[str, Shelf] = {}
    for key, book in sorted(books.items()):
        readers = tuple(
            (name, tuple(sorted((q for q in quotes.get(name, []) if q.book_key == key),
                                key=page_order)))
            for name in sorted(discussed[key]))
        found[key] = Shelf(book, homes.get(key), readers, records.get(key), rated.get(key))
    return found


def by_author(shelf: Shelf) -> tuple[tuple[str, str], str]:
    first = shelf.book.authors[0] if shelf.book.authors else wording.UNKNOWN_AUTHOR
    return surname_key(first), wording.book_title(shelf.book).casefold()


def on_shelves(found: Iterable[Shelf]) -> list[tuple[str, list[Shelf]]]:
    """The shelves that hold a book, in :data:`SHELVES` order.

    Read: the most recently finished first, books without a date after them
    by author; reading now: the most recently started first; the others by
    author's surname, then title.
    """
    shelves: dict[str, list[Shelf]] = defaultdict(list)
    for shelf in found:
        shelves[shelf.shelf].append(shelf)

    def newest(dates: Iterable[datetime.date | None]) -> int:
        return -max((d.toordinal() for d in dates if d), default=0)

    ordered: list[tuple[str, list[Shelf]]] = []
    for name in SHELVES:
        books = sorted(shelves.get(name, []), key=by_author)
        if name == "read":
            books.sort(key=lambda s: newest(s.entry.read if s.entry else ()))
        elif name == "reading":
            books.sort(key=lambda s: newest((s.entry.started,) if s.entry else ()))
        if books:
            ordered.append((name, books))
    return ordered


# -- what the pages show -------------------------------------------------------------------------

def book_page(key: str) -> str:
    """The name of a book's page."""
    return f"{BOOKS}/{key}"


def page_names(essays: Mapping[str, Essay], books: Mapping[str, Book],
               records: Mapping[str, LibraryBook], wanted: Iterable[str]) -> list[str]:
    """The library and a page per book, when ``folio_listing_pages`` wants the library
    and the site has essays or book files (a site of other pages only has neither)."""
    if "library" not in set(wanted) or not books or not (essays or records):
        return []
    return ["library", *(book_page(key) for key in sorted(books))]


def cover_files(app: Sphinx, shelves: Mapping[str, Shelf]) -> dict[str, tuple[str, str]]:
    """Key → (built file showing the book's cover, its alt text).

    The book file's own ``cover`` (copied beside the page images), else the
    first cover an essay shows, else a cover drawn from the record.
    """
    images = app.env.images
    imagedir = app.builder.imagedir
    shown: dict[str, str] = {}
    for docname in sorted(folio_domain(app.env).citations):
        for citation in folio_domain(app.env).citations[docname]:
            if citation.cover and citation.cover in images:
                shown.setdefault(citation.book.key, f"{imagedir}/{images[citation.cover][1]}")
    covers: dict[str, tuple[str, str]] = {}
    for key, shelf in shelves.items():
        entry = shelf.entry
        alt = wording.cover_alt(shelf.book)
        own = copy_cover(app, key, entry.cover) if entry and entry.cover else ""
        if entry and entry.cover_alt:
            alt = entry.cover_alt
        if own or key in shown:
            covers[key] = (own or shown[key], alt)
            continue
        name = write_cover(Path(app.outdir, imagedir), key, wording.book_title(shelf.book),
                           join_names(shelf.book.authors))
        covers[key] = (f"{imagedir}/{name}", wording.drawn_cover_alt(shelf.book))
    return covers


def copy_cover(app: Sphinx, key: str, cover: str) -> str:
    """A book file's ``cover`` (a file in the sources) beside the page images; ``""`` if none."""
    if not local_path(cover):
        return ""
    source = Path(app.srcdir, cover.lstrip("/")).resolve()
    if Path(app.srcdir).resolve() not in source.parents or not source.is_file() \
            or source.suffix.lower() not in COVER_SUFFIXES:
        return ""
    name = f"folio-book-cover-{key}{source.suffix.lower()}"
    write_if_changed(Path(app.outdir, app.builder.imagedir, name), source.read_bytes())
    return f"{app.builder.imagedir}/{name}"


def remove_covers(app: Sphinx, gone: Iterable[str]) -> None:
    """A book no page shows any more (its page is gone) leaves no cover behind."""
    folder = Path(app.outdir, app.builder.imagedir)
    for name in gone:
        if name.startswith(f"{BOOKS}/"):
            key = name.removeprefix(f"{BOOKS}/")
            for cover in (cover_filename(key), *(f"folio-book-cover-{key}{suffix}"
                                                 for suffix in COVER_SUFFIXES)):
                (folder / cover).unlink(missing_ok=True)


def rating_shown(value: float | None, scale: int) -> dict[str, str] | None:
    """Stars for the eye and words for every reader."""
    if value is None:
        return None
    return {"stars": stars(value, scale), "words": wording.rating_words(value, scale)}


def record_rows(shelf: Shelf, scale: int) -> list[tuple[str, str, str]]:
    """(field, label, value) of everything known about the book, in :data:`RECORD_LABELS` order."""
    book, entry = shelf.book, shelf.entry
    values = {
        "author": join_names(book.authors), "publisher": book.publisher, "year": book.year,
        "first-published": book.first_published, "edition": book.edition, "isbn": book.isbn,
        "pages": str(book.pages or ""),
    }
    if entry is not None:
        values |= {
            "shelf": wording.shelf_heading(entry.shelf),
            "read": join_names([wording.format_date(d) for d in entry.read]),
            "started": wording.format_date(entry.started) if entry.started else "",
            "tags": ", ".join(entry.tags),
        }
    if shelf.rating is not None:
        values["rating"] = wording.rating_words(shelf.rating, scale)
    return [(name, label, values[name]) for name, label in wording.RECORD_LABELS
            if values.get(name)]


class Shown:
    """What the library and the book pages share: settings worded once per build."""

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.scale = app.config.folio_rating_scale
        self.page_format = app.config.folio_page_format
        self.style = app.config.folio_title_style
        self.marks = quote_marks(app.config)
        self.spoilers = {"label": app.config.folio_spoiler_label,
                         "mark": wording.spoiler_page_mark(app.config.folio_spoiler_label),
                         "fold": app.config.folio_spoiler_style == "fold"}

    def title(self, book: Book) -> dict[str, Any]:
        """A title as ``folio_title_style`` sets it: the text, and whether in italics."""
        text, italic = wording.styled_title(wording.book_title(book), self.style, self.marks)
        return {"text": text, "italic": italic}

    def book(self, links: Pages, shelf: Shelf, cover: tuple[str, str],
             essays: Mapping[str, Essay]) -> dict[str, Any]:
        """One book as the library lists it."""
        entry = shelf.entry
        return {
            "key": shelf.book.key, "title": self.title(shelf.book),
            "href": links.href(book_page(shelf.book.key)),
            "authors": join_names(shelf.book.authors),
            "edition": wording.edition_line(shelf.book),
            "isbn": wording.isbn_line(shelf.book.isbn) if shelf.book.isbn else "",
            "cover": links.resource(cover[0]), "cover_alt": cover[1],
            "reads": wording.dates_read(entry.read) if entry else "",
            "started": wording.started_on(entry.started) if entry and entry.started
            and entry.shelf == "reading" else "",
            "rating": rating_shown(shelf.rating, self.scale),
            "essays": [(links.page(name, essays), pages_quoted(links, name, found,
                                                                 self.page_format))
                       for name, found in shelf.readers],
        }


def library_pages(app: Sphinx, chosen: set[str]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """The library by shelf and every book's page (those :func:`page_names` chose)."""
    if "library" not in chosen:
        return
    domain = folio_domain(app.env)
    essays = domain.essays
    shelves = library(domain.books, domain.homes, domain.citations, domain.quotes,
                      domain.library, essay_ratings(essays, domain.citations))
    covers = cover_files(app, shelves)
    shown = Shown(app)
    links = Pages(app, "library")
    context = {"title": wording.LIBRARY_TITLE, "spoilers": shown.spoilers,
               "separator": wording.SEPARATOR, "shelves": [
        (wording.shelf_heading(name), name,
         [shown.book(links, shelf, covers[shelf.book.key], essays) for shelf in found])
        for name, found in on_shelves(shelves.values())]}
    body = app.builder.templates.render("folio/library.html", {"links": links, **context})
    yield "library", {"title": html_text(wording.LIBRARY_TITLE), "body": body}, "page.html"
    quoted: dict[str, list[Quote]] = defaultdict(list)
    for docname in sorted(domain.quotes):
        for quote in domain.quotes[docname]:
            if quote.anchor:
                quoted[quote.book_key].append(quote)
    for key, shelf in shelves.items():
        name = book_page(key)
        if name not in chosen:
            continue
        links = Pages(app, name)
        entry = shelf.entry
        caption = wording.caption_parts(shelf.book, None, shown.style, shown.marks)
        yield name, {"title": html_text(wording.book_page_title(shelf.book)), "folio_book": {
            "title": shown.title(shelf.book), "caption": caption,
            "cover": links.resource(covers[key][0]), "cover_alt": covers[key][1],
            "record": record_rows(shelf, shown.scale),
            "rating": rating_shown(shelf.rating, shown.scale),
            "notes": entry.notes if entry else "",
            "essays": [(links.page(page, essays), pages_quoted(links, page, found,
                                                                 shown.page_format))
                       for page, found in shelf.readers],
            "quotes": [{"reference": wording.quoted_in(wording.page_reference(
                            shown.page_format, quote.pages)),
                        "text": quote.text, "spoiler": quote.spoiler,
                        "href": links.href(quote.place.docname, quote.anchor),
                        "essay": links.page(quote.place.docname, essays)["title"]}
                       for quote in sorted(quoted.get(key, []),
                                           key=lambda q: (page_order(q), q.place))],
            "headings": {"notes": wording.BOOK_NOTES_HEADING,
                         "essays": wording.BOOK_ESSAYS_HEADING,
                         "quotes": wording.BOOK_QUOTES_HEADING},
            "spoilers": shown.spoilers,
        }}, BOOK_TEMPLATE


def setup_library(app: Sphinx) -> None:
    app.connect("config-inited", exclude_books_folder)
    app.connect("env-before-read-docs", read_library)
    app.connect("env-updated", save_read_books, priority=900)
