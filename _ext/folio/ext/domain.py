"""The ``folio`` domain: every record, kept by the document that wrote it,
and the site-wide views computed from them.

Keeping records per document is what makes parallel and incremental builds
correct: ``clear_doc`` forgets exactly one document, ``merge_domaindata``
copies exactly the documents a parallel reader read.  The site-wide views
(:class:`Views`: the merged book records, the related reading, the
generated pages...) are recomputed once per build in ``env-updated``, by one
refresh per feature (see :func:`folio.ext.setup`), each returning the pages its
change made stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.domains import Domain
from sphinx.util.nodes import make_refnode

from folio.core.records import (
    Book,
    Citation,
    Essay,
    LibraryBook,
    Listing,
    Place,
    Quote,
    RelatedRequest,
)
from folio.ext.shared import title_node

if TYPE_CHECKING:
    from collections.abc import Iterator, Set

    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

PER_DOCUMENT = ("essays", "citations", "quotes", "mentions", "requests", "lists")

#: The sidebar's lists: recent essays (docname, title), genres (page, genre, count).
Sidebar = tuple[list[tuple[str, str]], list[tuple[str, str, int]]]


@dataclass
class Views:
    """What the whole collection shows, recomputed in ``env-updated``; never per document.

    Several fields remember what the last build showed, so a refresh can tell
    which pages another page's change made stale.
    """

    books: dict[str, Book] = field(default_factory=dict)  # key -> record merged from citations
    homes: dict[str, Citation] = field(default_factory=dict)  # key -> where a link to it goes
    listings: dict[str, Listing] = field(default_factory=dict)  # docname -> related reading
    titles: dict[str, str] = field(default_factory=dict)  # docname -> title, for navigation
    downloads: list[str] = field(default_factory=list)  # files offered for download
    labels: dict[str, str] = field(default_factory=dict)  # docname -> label in lists
    shown: dict[str, Essay] = field(default_factory=dict)  # essays as listed last build
    generated: list[str] = field(default_factory=list)  # pages written at html-collect-pages
    gone: list[str] = field(default_factory=list)  # generated pages to delete now
    sidebar: Sidebar | None = None  # what every page's sidebar showed
    order: list[str] = field(default_factory=list)  # essays by date, for previous/next
    series: dict[str, tuple[str, ...]] = field(default_factory=dict)  # series page -> parts
    # series page -> (docname, title, part number) of each part, as their lines showed them
    series_shown: dict[str, tuple[tuple[str, str, int], ...]] = field(default_factory=dict)
    search: str = ""  # the engine the pages were last written for (folio.ext.search)


class FolioDomain(Domain):
    """Books, quotes, essays and related reading for the whole collection."""

    name = "folio"
    label = "Folio"
    data_version = 5  # raise whenever the layout of data changes
    initial_data: ClassVar[dict[str, Any]] = {
        "essays": {},  # docname -> Essay
        "citations": {},  # docname -> list[Citation]
        "quotes": {},  # docname -> list[Quote]   (page-quote and {page})
        "mentions": {},  # docname -> list[tuple[str, Place]]   ({book})
        "requests": {},  # docname -> RelatedRequest
        "lists": {},  # docname -> True, where an essay-list is
        # The books folder, read by Folio itself (folio.ext.library), never per document:
        "library": {},  # key -> LibraryBook, from books/<key>.md
        "library_stamps": {},  # books/<key>.md -> (mtime_ns, size, settings) when last read
        "views": Views(),  # computed in env-updated from all of the above
    }

    # -- per-document records ------------------------------------------------

    @property
    def essays(self) -> dict[str, Essay]:
        return self.data["essays"]  # type: ignore[no-any-return]

    @property
    def citations(self) -> dict[str, list[Citation]]:
        return self.data["citations"]  # type: ignore[no-any-return]

    @property
    def quotes(self) -> dict[str, list[Quote]]:
        return self.data["quotes"]  # type: ignore[no-any-return]

    @property
    def mentions(self) -> dict[str, list[tuple[str, Place]]]:
        return self.data["mentions"]  # type: ignore[no-any-return]

    @property
    def requests(self) -> dict[str, RelatedRequest]:
        return self.data["requests"]  # type: ignore[no-any-return]

    @property
    def lists(self) -> dict[str, bool]:
        return self.data["lists"]  # type: ignore[no-any-return]

    @property
    def library(self) -> dict[str, LibraryBook]:
        """The books with a file of their own, by key."""
        return self.data["library"]  # type: ignore[no-any-return]

    # -- site-wide views -------------------------------------------------------

    @property
    def views(self) -> Views:
        views = self.data.get("views")
        if not isinstance(views, Views):  # a fresh environment shares initial_data's
            views = self.data["views"] = Views()
        return views

    @property
    def books(self) -> dict[str, Book]:
        return self.views.books

    @property
    def homes(self) -> dict[str, Citation]:
        return self.views.homes

    @property
    def listings(self) -> dict[str, Listing]:
        return self.views.listings

    def add_citation(self, citation: Citation) -> None:
        self.citations.setdefault(citation.place.docname, []).append(citation)

    def add_quote(self, quote: Quote) -> None:
        self.quotes.setdefault(quote.place.docname, []).append(quote)

    def add_mention(self, key: str, place: Place) -> None:
        self.mentions.setdefault(place.docname, []).append((key, place))

    def cited_keys(self, docname: str) -> list[str]:
        """The books an essay cites, in the order it cites them."""
        return list(dict.fromkeys(c.book.key for c in self.citations.get(docname, [])))

    def keys_used(self, docname: str) -> set[str]:
        """Every book a page shows or links to."""
        used = set(self.cited_keys(docname))
        used |= {quote.book_key for quote in self.quotes.get(docname, [])}
        used |= {key for key, _place in self.mentions.get(docname, [])}
        return used

    def clear_doc(self, docname: str) -> None:
        for kind in PER_DOCUMENT:
            self.data[kind].pop(docname, None)

    def forget_others(self) -> None:
        """Forget every document's records (``folio.ext.memory.start_helping``)."""
        for kind in PER_DOCUMENT:
            self.data[kind] = {}

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for kind in PER_DOCUMENT:
            theirs = otherdata[kind]
            for docname in docnames:
                if docname in theirs:
                    self.data[kind][docname] = theirs[docname]

    # -- cross references: {book}, {page} and page-quote ----------------------

    def target_of(self, key: str, fromdocname: str) -> Citation | None:
        """Where a link to a book goes: this essay's own figure, else its home."""
        for citation in self.citations.get(fromdocname, []):
            if citation.book.key == key:
                return citation
        return self.homes.get(key)

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        home = self.target_of(target, node.get("folio-docname", fromdocname))
        if home is None:
            return None
        title = self.books.get(target, home.book).title
        if typ == "book":
            contnode = title_node(title, env.config)
        if not in_this_book(builder, home.place.docname):
            return contnode  # type: ignore[return-value]
        return make_refnode(builder, fromdocname, home.place.docname, home.anchor, contnode,
                            title)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        return []

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for key, home in sorted(self.homes.items()):
            yield key, self.books[key].title, "book", home.place.docname, home.anchor, 1


def in_this_book(builder: Builder, docname: str) -> bool:
    """Whether a LaTeX document (one essay's PDF, say) contains ``docname``."""
    included = getattr(builder, "docnames", None)
    return builder.format != "latex" or included is None or docname in included


def folio_domain(env: BuildEnvironment) -> FolioDomain:
    """The domain, typed (``env.domains`` gives a plain ``Domain``)."""
    return env.domains["folio"]  # type: ignore[return-value]


def setup_domain(app: Sphinx) -> None:
    app.add_domain(FolioDomain)
