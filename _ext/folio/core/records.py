"""The records Folio keeps about a collection: plain, frozen and picklable.

Directives turn markup into these; the domain stores them by document; the
writers' side only ever reads them.  Nothing here knows about docutils.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, order=True)
class Place:
    """Where something was written: a document and a line in it."""

    docname: str
    line: int


@dataclass(frozen=True)
class Book:
    """One book as a ``book-citation`` describes it (fields may be blank)."""

    key: str
    title: str = ""
    authors: tuple[str, ...] = ()
    publisher: str = ""
    year: str = ""
    first_published: str = ""
    edition: str = ""
    isbn: str = ""
    pages: int | None = None

    def merged_with(self, other: Book) -> Book:
        """Fill this record's blank fields from ``other``."""
        filled = {
            f.name: getattr(other, f.name)
            for f in fields(self)
            if not getattr(self, f.name) and getattr(other, f.name)
        }
        return replace(self, **filled)

    def disagreements(self, other: Book) -> list[str]:
        """Names of the fields both records give, with different values."""
        return [
            f.name.replace("_", "-")
            for f in fields(self)
            if getattr(self, f.name) and getattr(other, f.name)
            and getattr(self, f.name) != getattr(other, f.name)
        ]


@dataclass(frozen=True)
class Citation:
    """A book as one essay cites it: the record, where, and the figure's id."""

    book: Book
    place: Place
    anchor: str
    cover: str = ""  # the cover image, relative to the sources ("" when drawn)


@dataclass(frozen=True)
class PageSpan:
    """One page or a range of pages, as the writer wrote them (``xii``, ``274``)."""

    first: str
    last: str = ""

    def __str__(self) -> str:
        return f"{self.first}–{self.last}" if self.last else self.first


@dataclass(frozen=True)
class Quote:
    """A ``page-quote`` or ``{page}`` reference: which book, which pages, where."""

    book_key: str
    pages: tuple[PageSpan, ...]
    place: Place
    anchor: str = ""
    text: str = ""
    spoiler: bool = False  # inside a spoiler: listed behind it, never in plain view
    book_line: int = 0  # the line of a page-quote's :book: option, for a warning about it

    @property
    def locator(self) -> str:
        return ", ".join(str(span) for span in self.pages)


#: The genres a collection has when ``conf.py`` names none (``folio_genres``);
#: ``folio new-essay`` and ``folio import-wordpress`` read the same list.
DEFAULT_GENRES = ("review", "memoir", "fiction", "opinion")


@dataclass(frozen=True)
class Essay:
    """An essay's front matter, checked and with its defaults filled in."""

    docname: str
    title: str
    date: datetime.date | None
    genre: str  # the main genre: the first of a genre list
    subtitle: str = ""
    author: str = ""
    tags: tuple[str, ...] = ()
    summary: str = ""
    copyright: str = ""
    other_genres: tuple[str, ...] = ()  # the rest of a genre list
    label: str = ""  # the writer's own label for lists ("opinion – the mad appeal of Mars")
    rating: float | None = None  # on folio_rating_scale, whole or half
    series: str = ""  # the series the essay is a part of ("Rereading the Brontës")
    part: int | None = None  # its place in the series, from 1

    @property
    def genres(self) -> tuple[str, ...]:
        """Every genre the essay is listed under, the main one first."""
        return tuple(g for g in (self.genre, *self.other_genres) if g)


@dataclass(frozen=True)
class Topic:
    """What the similar essays are about, as the heading links to it.

    ``kind`` is ``book``, ``tag`` or ``document``; ``target`` the book key,
    the tag or the docname.
    """

    kind: str
    target: str
    text: str


@dataclass(frozen=True)
class RelatedRequest:
    """What a ``related-reading`` directive asked for, names already resolved.

    ``similar``/``different`` are ``None`` when the writer left the list out,
    so it is filled automatically.
    """

    place: Place
    similar: tuple[str, ...] | None = None
    different: tuple[str, ...] | None = None
    limit: int = 3
    auto: bool = True
    topic: str = ""  # as the writer wrote it; resolved once every essay is read


@dataclass(frozen=True)
class Reading:
    """The related reading chosen for one essay: document names, best first."""

    similar: tuple[str, ...] = ()
    different: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """What a related-reading link shows: the essay's title and its label
    (``review of Curing Affluenza``; shown in brackets)."""

    docname: str
    title: str
    label: str


@dataclass(frozen=True)
class Listing:
    """The related reading of one essay, ready to render (compared across builds)."""

    similar: tuple[Entry, ...] = ()
    different: tuple[Entry, ...] = ()
    topic: Topic | None = None


#: The shelves of the library, in the order it shows them.
SHELVES = ("reading", "read", "to-read", "abandoned")


@dataclass(frozen=True)
class LibraryBook:
    """A book with a file of its own (``books/<key>.md``): the record and the reading.

    ``source`` is the file as the writer names it (``books/never-let-me-go.md``);
    ``lines`` the line of each front matter key in it, for warnings.
    """

    book: Book
    source: str
    shelf: str = "read"
    read: tuple[datetime.date, ...] = ()  # dates finished, oldest first
    started: datetime.date | None = None
    rating: float | None = None
    tags: tuple[str, ...] = ()
    uid: str = ""
    notes: str = ""  # Markdown, shown on the book's page
    cover: str = ""  # the cover image, as written (from the sources' folder)
    cover_alt: str = ""
    lines: tuple[tuple[str, int], ...] = ()

    def line(self, key: str) -> int:
        """The line of ``key`` in the file (the first line when it is not there)."""
        return dict(self.lines).get(key, 1)
