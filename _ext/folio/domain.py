"""The ``folio`` domain: every record, kept by the document that wrote it.

Keeping records per document is what makes parallel and incremental builds
correct: ``clear_doc`` forgets exactly one document, ``merge_domaindata``
copies exactly the documents a parallel reader read.  Site-wide views (the
merged book records, the related reading) are computed once per build in
``env-updated`` (see :mod:`folio.collection`) and stored under
``site``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.domains import Domain
from sphinx.util.nodes import make_refnode

from folio.records import Book, Citation, Essay, Listing, Place, Quote, RelatedRequest

if TYPE_CHECKING:
    from collections.abc import Iterator, Set

    from sphinx.addnodes import pending_xref
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

PER_DOCUMENT = ("essays", "citations", "quotes", "mentions", "requests", "lists")


class FolioDomain(Domain):
    """Books, quotes, essays and related reading for the whole collection."""

    name = "folio"
    label = "Folio"
    data_version = 3  # raise whenever the layout of data changes
    initial_data: ClassVar[dict[str, Any]] = {
        "essays": {},  # docname -> Essay
        "citations": {},  # docname -> list[Citation]
        "quotes": {},  # docname -> list[Quote]   (page-quote and {page})
        "mentions": {},  # docname -> list[tuple[str, Place]]   ({book})
        "requests": {},  # docname -> RelatedRequest
        "lists": {},  # docname -> True, where an essay-list is
        # Computed in env-updated from all of the above; never per document.
        "books": {},  # key -> Book, merged from every citation
        "homes": {},  # key -> Citation that a link to the book goes to
        "listings": {},  # docname -> Listing
        "titles": {},  # docname -> title, to see when navigation goes stale
        "downloads": [],  # files offered for download, likewise
        "shown": {},  # docname -> Essay, as lists showed them last build
        "generated": [],  # names of the pages written at html-collect-pages
        "gone": [],  # generated pages the last change removed, to delete
        "sidebar": None,  # what every page's sidebar showed last build
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

    # -- site-wide views, refreshed in env-updated -----------------------------

    @property
    def books(self) -> dict[str, Book]:
        return self.data["books"]  # type: ignore[no-any-return]

    @property
    def homes(self) -> dict[str, Citation]:
        return self.data["homes"]  # type: ignore[no-any-return]

    @property
    def listings(self) -> dict[str, Listing]:
        return self.data["listings"]  # type: ignore[no-any-return]

    def add_citation(self, citation: Citation) -> None:
        self.citations.setdefault(citation.place.docname, []).append(citation)

    def add_quote(self, quote: Quote) -> None:
        self.quotes.setdefault(quote.place.docname, []).append(quote)

    def add_mention(self, key: str, place: Place) -> None:
        self.mentions.setdefault(place.docname, []).append((key, place))

    def cited_keys(self, docname: str) -> list[str]:
        """The books an essay cites, in the order it cites them."""
        return list(dict.fromkeys(c.book.key for c in self.citations.get(docname, [])))

    def clear_doc(self, docname: str) -> None:
        for kind in PER_DOCUMENT:
            self.data[kind].pop(docname, None)

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
            contnode = nodes.title_reference(title, title)
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
