"""Work that spans the whole collection, done once per build.

``env-updated`` runs in the main process after parallel readers have been
merged: it merges the book records, chooses everyone's related reading and
returns the pages whose rendering changed because *another* page changed,
so an incremental build equals a clean one.  ``env-check-consistency``
reports what can only be seen across documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from sphinx.util import logging

from folio.domain import FolioDomain, folio_domain
from folio.listings import page_names, sidebar
from folio.offline import available_downloads
from folio.quotes import pages_outside
from folio.records import Book, Citation, Entry, Listing, Place
from folio.related import choose_related, listed_problems

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


def merge_books(
    citations: Mapping[str, list[Citation]],
) -> tuple[dict[str, Book], dict[str, Citation]]:
    """One record per key, and the citation a link to the book goes to.

    The first citation (by document name, then line) owns the record; later
    ones only fill fields it leaves blank.
    """
    books: dict[str, Book] = {}
    homes: dict[str, Citation] = {}
    ordered = sorted((c for cs in citations.values() for c in cs), key=lambda c: c.place)
    for citation in ordered:
        key = citation.book.key
        books[key] = books[key].merged_with(citation.book) if key in books else citation.book
        if key not in homes and citation.anchor:
            homes[key] = citation
    return books, homes


def keys_used(domain: FolioDomain, docname: str) -> set[str]:
    """Every book a page shows or links to."""
    used = set(domain.cited_keys(docname))
    used |= {quote.book_key for quote in domain.quotes.get(docname, [])}
    used |= {key for key, _place in domain.mentions.get(docname, [])}
    return used


def listing(env: BuildEnvironment, names: Iterable[str]) -> tuple[Entry, ...]:
    essays = folio_domain(env).essays
    entries = []
    for name in names:
        if name in essays:
            entries.append(Entry(name, essays[name].title, essays[name].genre))
        elif name in env.titles:
            entries.append(Entry(name, env.titles[name].astext(), ""))
    return tuple(entries)


def refresh_collection(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Recompute the site-wide views; return the pages they changed."""
    domain = folio_domain(env)
    old_books, old_listings = dict(domain.books), dict(domain.listings)
    old_homes = {key: (c.place.docname, c.anchor) for key, c in domain.homes.items()}

    books, homes = merge_books(domain.citations)
    cited = {name: domain.cited_keys(name) for name in domain.essays}
    readings = choose_related(domain.essays, cited, domain.requests)
    listings = {name: Listing(listing(env, r.similar), listing(env, r.different))
                for name, r in readings.items()}
    generated = page_names(domain.essays.values(), app.config.folio_genres)
    domain.data["gone"] = sorted(set(domain.data["generated"]) - set(generated))
    domain.data["generated"] = generated
    titles = {name: env.titles[name].astext() for name in sorted(env.found_docs)
              if name in env.titles}
    offered = available_downloads(app)
    menu = sidebar(domain.essays.values(), app.config.folio_genres)
    stale_everywhere = (titles != domain.data.get("titles", {})
                        or offered != domain.data.get("downloads", [])
                        or menu != domain.data.get("sidebar"))
    domain.data.update(books=books, homes=homes, listings=listings, titles=titles,
                       downloads=offered, sidebar=menu)
    if stale_everywhere:
        # Every page's navigation (sidebar: recent essays, genre counts;
        # previous/next) shows other pages' titles, and download links follow
        # the files; Sphinx alone would leave those pages stale.
        return sorted(env.found_docs)

    new_homes = {key: (c.place.docname, c.anchor) for key, c in homes.items()}
    changed_books = {key for key in set(books) | set(old_books)
                     if books.get(key) != old_books.get(key)
                     or new_homes.get(key) != old_homes.get(key)}
    changed = {name for name in listings if listings[name] != old_listings.get(name)}
    if domain.essays != domain.data.get("shown"):  # pages listing essays show them all
        changed |= set(domain.data["lists"])
        domain.data["shown"] = dict(domain.essays)
    for name in set(domain.citations) | set(domain.quotes) | set(domain.mentions):
        if keys_used(domain, name) & changed_books:
            changed.add(name)
    return sorted(changed & env.found_docs)


def warn(message: str, place: Place, subtype: str) -> None:
    logger.warning(message, location=(place.docname, place.line), type="folio", subtype=subtype)


def check_collection(app: Sphinx, env: BuildEnvironment) -> None:
    """Report what no single document can show wrong on its own."""
    domain = folio_domain(env)
    first: dict[str, Citation] = {}
    for docname in sorted(domain.citations):
        for citation in domain.citations[docname]:
            key = citation.book.key
            if key not in first:
                first[key] = citation
                continue
            owner = first[key]
            differ = owner.book.disagreements(citation.book)
            if differ:
                where = f"{env.doc2path(owner.place.docname, False)}:{owner.place.line}"
                warn(f"book {key!r}: {', '.join(differ)} differ from its record at {where}",
                     citation.place, "book")
    for key, book in sorted(domain.books.items()):
        missing = [name for name, value in (("title", book.title), ("author", book.authors))
                   if not value]
        if missing:
            warn(f"book {key!r} has no {' or '.join(':' + m + ':' for m in missing)} "
                 "in any essay", first[key].place, "book")
    for docname in sorted(domain.quotes):
        for quote in domain.quotes[docname]:
            known = domain.books.get(quote.book_key)
            if quote.book_key and known is None:
                warn(f"unknown book {quote.book_key!r}", quote.place, "quote")
            elif known is not None and known.pages:
                outside = pages_outside(quote.pages, known.pages)
                if outside:
                    warn(f"page {', '.join(outside)} is outside {known.title or known.key!r} "
                         f"(pages 1–{known.pages})", quote.place, "quote")
    for docname in sorted(domain.mentions):
        for key, place in domain.mentions[docname]:
            if key not in domain.books:
                warn(f"unknown book {key!r}", place, "book")
    for place, problem in listed_problems(env):
        warn(f"related-reading: {problem}", place, "related")


def setup_collection(app: Sphinx) -> None:
    app.connect("env-updated", refresh_collection)
    app.connect("env-check-consistency", check_collection)
