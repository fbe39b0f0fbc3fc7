"""Search that knows books: essays, quotations and books, found in the site's own design.

``folio_search`` chooses the engine:

* ``"pagefind"``: Pagefind (https://pagefind.app, ``pagefind[bin]``) writes a
  static index into ``pagefind/`` beside the pages once they are written
  (``build-finished``, web builders only), which the search page's script
  (``static/folio-search.js``) reads in pieces.  Sphinx's own index
  (``searchindex.js``) and search page are not made; Folio writes the search
  page (``templates/folio/search.html``).
* ``"sphinx"``: Sphinx's own search, as in any documentation site; Folio only
  remembers the English stems across pages (:class:`EnglishWithMemory`).
* ``"auto"`` (the default): Pagefind when the site is Folio's (its home page
  is an essay or has an ``essay-list``), Sphinx's otherwise, so a guest in
  someone else's documentation joins that site's search without taking it over.

What Pagefind indexes: every essay's text (not its byline, downloads, related
reading, spoilers, responses or permalink marks), with its title, date, genre
and summary to show and its genres, tags, books and year to narrow by; every
book as a book (its page).  Nothing else: not the home page, not the listings.
A ``page-quote`` is found as a quotation through its essay: the essay's page
is indexed with the quotation in it, and the essay's result carries each
quotation's place (its anchor), words, book and page (:func:`quotation_facts`),
so the search page shows the words found inside a quotation as that quotation
(:file:`static/folio-search.js`).  A quotation is not a result of its own: at
10,000 essays 30,000 quotation results made the index's list of results, which
every query downloads, three times as long, and indexed every quoted word twice.

An essay with ``nosearch`` in its front matter, or matching a pattern in
``folio_search_exclude``, is left out with its quotations.

Incremental: in one process that keeps the index (``folio live``:
:func:`keep_index_in_memory`) each build sends Pagefind only the pages whose
files changed and the records that changed (Pagefind replaces what has the
same URL), then writes the bundle; a new process (``make html``) indexes the
whole collection, unless nothing it would index changed since the bundle was
written (``folio-search.json`` in the doctree folder remembers).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from weakref import WeakKeyDictionary

from sphinx.search.en import SearchEnglish
from sphinx.util.matching import Matcher
from sphinx.util.osutil import relative_uri

from folio.core import wording
from folio.core.escaping import html_text, script_json
from folio.core.names import tag_name
from folio.core.pagefind import (
    UNUSED,
    PagefindError,
    PagefindService,
    ascii_typography,
    in_order,
    pagefind_language,
    prune,
    stems_english,
    typography_for_page,
    write_bundle,
)
from folio.core.records import Essay, Quote
from folio.core.state import SEARCH_PAGE_RECORD, SEARCH_STATE, read_json, write_if_changed
from folio.ext.domain import folio_domain
from folio.ext.freshness import changed_pages, nothing_new
from folio.ext.library import book_page as library_page
from folio.ext.listings import tag_names
from folio.ext.shared import SEARCH_BUILDERS, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

ENGINES = ("auto", "pagefind", "sphinx")
#: The bundle's folder in the output, and the page taking the search form's GET.
BUNDLE = "pagefind"
SEARCH_PAGE = "search"
#: Parts of an essay's page that are not its text: the lines under its title (byline,
#: rating, the series' part and its neighbours' titles), links, what others wrote.
NOT_TEXT = (".headerlink", ".folio-byline", ".folio-rating-line", ".folio-series-line",
            ".folio-downloads", ".folio-related", ".folio-spoiler", ".folio-spoiler-warning",
            ".folio-responses", ".folio-copyright", ".folio-comments")
#: Sent for a page or record no longer indexed: Pagefind leaves out what has no words.
EMPTY_PAGE = "<html><body></body></html>"
FACETS = ("genre", "tag", "book", "year")


class EnglishWithMemory(SearchEnglish):
    """Sphinx's English search language, each word stemmed once per build.

    Sphinx stems every word of every page afresh (its cache lasts one page),
    serially in the main process: at 1,000 essays that was the largest single
    cost of writing (docs/performance.md).  Stems do not change between pages.
    """

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        self.stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        found = self.stems.get(word)
        if found is None:
            found = self.stems[word] = super().stem(word)
        return found


# -- which engine, which pages ------------------------------------------------------------------

def engine(app: Sphinx) -> str:
    """``pagefind`` or ``sphinx`` for this build."""
    chosen = app.config.folio_search
    if chosen != "auto":
        return str(chosen)
    domain = folio_domain(app.env)
    root = app.config.root_doc
    return "pagefind" if root in domain.essays or root in domain.lists else "sphinx"


def uses_pagefind(app: Sphinx) -> bool:
    return app.builder.name in SEARCH_BUILDERS and engine(app) == "pagefind"


def left_out_of_search(app: Sphinx) -> Callable[[str], bool]:
    """Whether search leaves a page out: ``nosearch`` in its front matter, or matched by
    ``folio_search_exclude``."""
    excluded = Matcher(list(app.config.folio_search_exclude))
    metadata = app.env.metadata
    return lambda name: "nosearch" in metadata.get(name, {}) or excluded(name)


def searchable(app: Sphinx) -> dict[str, Essay]:
    """The essays search finds, by name."""
    left_out = left_out_of_search(app)
    return {name: essay for name, essay in sorted(folio_domain(app.env).essays.items())
            if not left_out(name)}


def searchable_essay(app: Sphinx, docname: str) -> Essay | None:
    """``docname``'s essay if search finds it, else ``None``.

    For one page at a time: :func:`searchable` goes through every essay, so every
    essay page asking it for itself made the build quadratic in the essays.
    """
    essay = folio_domain(app.env).essays.get(docname)
    return None if essay is None or left_out_of_search(app)(docname) else essay


def page_url(builder: Builder, docname: str, anchor: str = "") -> str:
    """A result's address from the site's root, as Pagefind writes a page's: ``/essays/x.html``."""
    uri = "/" + builder.get_target_uri(docname)
    return f"{uri}#{anchor}" if anchor else uri


# -- what each result says and is narrowed by (data → data) -----------------------------------

@dataclass(frozen=True)
class Facets:
    """What an essay can be narrowed by: each a list of values, as the address gives them."""

    genre: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    book: tuple[str, ...] = ()
    year: tuple[str, ...] = ()

    def filters(self, kind: str) -> dict[str, list[str]]:
        """Pagefind's filters for an essay's page or a book's record.

        Only a book carries ``kind`` (the search page asks for essays as "not a book"):
        a query loads the whole ``kind`` filter, and one listing every essay grows with
        the collection (22 kB at 10,000 essays, against 2 kB for the books alone).
        """
        found = {"kind": [kind] if kind == "book" else [], "genre": list(self.genre),
                 "tag": list(self.tag), "book": list(self.book), "year": list(self.year)}
        return {name: values for name, values in found.items() if values}

    def joined(self, other: Facets) -> Facets:
        return Facets(*(tuple(dict.fromkeys((*getattr(self, f), *getattr(other, f))))
                        for f in FACETS))


def essay_facets(essay: Essay, books: Iterable[str]) -> Facets:
    return Facets(genre=essay.genres, tag=tuple(dict.fromkeys(tag_name(t) for t in essay.tags)),
                  book=tuple(dict.fromkeys(books)),
                  year=(str(essay.date.year),) if essay.date else ())


def essay_meta(essay: Essay, label: str) -> dict[str, str]:
    """What an essay's result shows besides its snippet.

    Pagefind searches every meta value's words too (a match in the title ranks
    highest), so only what a reader might look for is here: no kind, no image.
    """
    meta = {"title": essay.title, "genre": label or essay.genre, "summary": essay.summary}
    if essay.date:
        meta["date"] = wording.format_date(essay.date)
        meta["iso"] = essay.date.isoformat()
    return {key: value for key, value in meta.items() if value}


@dataclass(frozen=True)
class QuotationFacts:
    """What the search page needs to show a quotation found in its essay's result.

    Pagefind records where the quotation's anchor is among the page's words; the
    quotation's own words, split at white space as Pagefind splits them, then
    tell which of the words found are inside it.  The words are given as the
    writer wrote them: Pagefind's copy of the page adds a full stop to a block
    that ends without one.
    """

    anchor: str
    text: str
    book: str  # the book's title
    book_key: str
    page: str  # "(p120–121)", as the essay shows it

    def as_list(self) -> list[str]:
        return [self.anchor, self.text, self.book, self.book_key, self.page]


def quotation_facts(quotes: Iterable[Quote], book_titles: Mapping[str, str],
                    page_format: str) -> tuple[QuotationFacts, ...]:
    """The essay's quotations search shows: those with an anchor, words and a known book,
    not inside a spoiler (its text is not indexed, as the reader has not chosen to see it)."""
    return tuple(QuotationFacts(q.anchor, " ".join(q.text.split()), book_titles[q.book_key],
                                q.book_key, wording.page_reference(page_format, q.pages))
                 for q in quotes
                 if q.anchor and not q.spoiler and q.text.strip() and q.book_key in book_titles)


def essay_markup(essay: Essay, label: str, facets: Facets,
                 quotations: Iterable[QuotationFacts] = ()) -> str:
    """Pagefind's attributes for an essay's page, in an element no reader sees.

    Pagefind reads ``data-pagefind-meta`` and ``-filter`` anywhere on a page;
    ``key:value`` takes the rest of the attribute as the value.  Every value is
    the writer's text, escaped for an attribute; the quotations are one value,
    a JSON list of :meth:`QuotationFacts.as_list`.

    Pagefind indexes the words of every meta value, split at white space, keeping
    only letters and digits: the JSON has a space after each comma, or
    ``memory","almost`` would index "memoryalmost", one such word per quotation
    next to "memory" in the word index (and a search for "memory" would fetch
    that chunk of junk as well as its own, 112 kB at 10,000 essays).  The
    empty ``image`` stops Pagefind taking the cover's address as the page's image
    (its words, "images", "folio", "cover", would find every essay with a cover).
    """
    meta = essay_meta(essay, label)
    listed = [q.as_list() for q in quotations]
    if listed:
        meta["quotations"] = json.dumps(listed, ensure_ascii=False)
    parts = [f'<span data-pagefind-meta="{html_text(f"{key}:{value}")}"></span>'
             for key, value in {**meta, "image": ""}.items()]
    parts += [f'<span data-pagefind-filter="{html_text(f"{name}:{value}")}"></span>'
              for name, values in facets.filters("essay").items() for value in values]
    if essay.date:
        parts.append(f'<span data-pagefind-sort="date:{essay.date.isoformat()}"></span>')
    return f'<div class="folio-search-facts" hidden>{"".join(parts)}</div>'


def record(url: str, content: str, language: str, meta: Mapping[str, str],
           filters: Mapping[str, list[str]], sort: Mapping[str, str]) -> dict[str, Any]:
    """A Pagefind custom record (its ``AddRecord`` fields), its text in ASCII typography
    as a page's is (:func:`read_page`)."""
    return {"url": url, "content": ascii_typography(content), "language": language,
            "meta": {k: ascii_typography(v) for k, v in meta.items() if v},
            "filters": {k: [ascii_typography(v) for v in values]
                        for k, values in filters.items()},
            "sort": dict(sort)}


# -- the index's contents for a build ------------------------------------------------------------

@dataclass
class Contents:
    """Everything the index should hold: pages (URL → file) and records (URL → record)."""

    pages: dict[str, Path] = field(default_factory=dict)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)


def book_page(app: Sphinx, key: str) -> tuple[str, str] | None:
    """Where a book's result opens: its own page, the library's shelf, or where it is cited."""
    views = folio_domain(app.env).views
    if library_page(key) in views.generated:
        return library_page(key), ""
    if "library" in views.generated:
        return "library", f"book-{key}"
    home = views.homes.get(key)
    return (home.place.docname, home.anchor) if home else None


def contents(app: Sphinx) -> Contents:
    """The pages and records for this build's index."""
    domain = folio_domain(app.env)
    builder = cast("StandaloneHTMLBuilder", app.builder)
    language = pagefind_language(app.config.language)
    essays = searchable(app)
    found = Contents()
    by_book: dict[str, Facets] = {}
    readers: dict[str, set[str]] = {}
    for name, essay in essays.items():
        found.pages[page_url(builder, name)] = Path(builder.outdir,
                                                    builder.get_outfilename(name))
        keys = [*domain.cited_keys(name), *(q.book_key for q in domain.quotes.get(name, [])
                                            if q.book_key)]
        facets = essay_facets(essay, keys)
        for key in dict.fromkeys(keys):
            by_book[key] = by_book.get(key, Facets()).joined(facets)
            readers.setdefault(key, set()).add(name)
    for key, book in sorted(domain.books.items()):
        facets = by_book.get(key, Facets())
        where = book_page(app, key)
        if where is None:
            continue
        url = page_url(builder, *where)
        text = " ".join(part for part in (wording.book_title(book), *book.authors,
                                          book.publisher, book.first_published or book.year)
                        if part)
        meta = {"title": wording.book_title(book),
                "facts": wording.search_book_facts(book, len(readers.get(key, ())))}
        found.records[url] = record(
            url, text, language, meta, Facets(facets.genre, facets.tag, (key,), facets.year)
            .filters("book"), {})
    return found


# -- keeping the bundle current -------------------------------------------------------------------

def stamp(path: Path) -> list[int]:
    try:
        found = path.stat()
    except OSError:
        return [0, 0]
    return [found.st_mtime_ns, found.st_size]


def pagefind_config(app: Sphinx) -> dict[str, Any]:
    return {"force_language": pagefind_language(app.config.language),
            "exclude_selectors": list(NOT_TEXT)}


def fingerprint(records: Mapping[str, Mapping[str, Any]], config: Mapping[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps([config, sorted(records.items())], sort_keys=True,
                                       ensure_ascii=False).encode())
    return digest.hexdigest()


class SiteIndex:
    """The bundle one output folder holds, and (when kept) the service holding it.

    Pagefind reads a page in about 2.5 ms, one page at a time, and then builds
    the index (about as long again at 1,000 essays).  So that the reading is
    not added to the build, a build that writes an essay's page sends Pagefind
    the records and the essays' pages already written while Sphinx writes the
    rest (:meth:`send_ahead`): in a serial build Sphinx writes documents in
    name order, so when it starts on one, every page named before it is final.
    The records and then the pages go in name order, so the index is the same
    as when they are all sent at the end; a page or record that changed after
    it was sent (a page's size and time are checked) is sent again, in its place.

    A parallel build writes its pages in processes of its own (Sphinx's ``-j``),
    so the pages cannot be sent from ``html-page-context``; there, in a build from
    clean, a thread watches for them instead (:meth:`watch_written`).  Sphinx
    writes them in name order, one batch at a time with ``-j 2``, so an essay's
    page is final when the next essay's is there (with more processes, batches
    overlap: a page sent while still being written is sent again at the end,
    its stamp having changed).
    """

    def __init__(self) -> None:
        self.keep = False
        self.service: PagefindService | None = None
        self.pages: dict[str, list[int]] = {}  # URL -> file stamp, as last sent
        self.records: dict[str, dict[str, Any]] = {}  # key -> record, as last sent
        self.owner = os.getpid()  # a writer process forked by Sphinx sends nothing
        self.ahead: list[tuple[str, str, Path]] | None = None  # (docname, URL, file) unsent
        self.outbox: queue.SimpleQueue[list[tuple[str, Path]] | None] | None = None
        self.sending: threading.Thread | None = None  # reads and sends what is in outbox
        self.send_failed = False
        self.last_files: frozenset[str] = frozenset()  # the bundle's files, as last written
        self.bundle: Path | None = None  # where they were written
        self.runs = 0  # jobs run (folio live's tests count them)
        self.changed = threading.Condition()  # guards worker and waiting
        self.worker: threading.Thread | None = None
        self.waiting: IndexJob | None = None
        self.watching: threading.Thread | None = None  # a parallel build's written pages
        self.stop_watching = threading.Event()

    def start(self, app: Sphinx) -> list[tuple[str, str, Path]]:
        """Start Pagefind with the records; the essays' pages to send, in name order."""
        builder = cast("StandaloneHTMLBuilder", app.builder)
        ahead = [(name, page_url(builder, name),
                  Path(builder.outdir, builder.get_outfilename(name))) for name in searchable(app)]
        self.service = self.service or PagefindService(pagefind_config(app))
        # The records come from the environment, final before any page is written
        # (``run`` sends again any that differ at the end).
        records = contents(app).records
        self.service.add_records(rec for _key, rec in sorted(records.items()))
        self.service.flush()
        self.pages, self.records = {}, records
        self.outbox = queue.SimpleQueue()
        self.sending = threading.Thread(target=self.sender, args=(self.service, self.outbox),
                                        name="folio-search-send", daemon=True)
        self.sending.start()
        return ahead

    def watch_written(self, app: Sphinx) -> None:
        """``write-started`` of a parallel build from clean: send each essay's page once
        the next one is written (Sphinx writes them in name order), while it writes."""
        if self.keep or not getattr(app.builder, "parallel_ok", False) or self.ahead is not None:
            return
        builder = cast("StandaloneHTMLBuilder", app.builder)
        names = list(searchable(app))
        if not names or any(Path(builder.outdir, builder.get_outfilename(n)).exists()
                            for n in names):
            return  # an incremental build: its pages are sent at the end
        pages = self.start(app)
        self.ahead = []  # the first page, written here, sends nothing (send_ahead)
        self.stop_watching.clear()
        self.watching = threading.Thread(target=self.watcher, args=(pages,),
                                         name="folio-search-watch", daemon=True)
        self.watching.start()

    def watcher(self, pages: list[tuple[str, str, Path]]) -> None:
        ready = 0
        while not self.stop_watching.wait(0.25) and self.outbox is not None:
            done = ready
            while done + 1 < len(pages) and pages[done + 1][2].exists():
                done += 1
            if done > ready:
                self.outbox.put([(url, path) for _name, url, path in pages[ready:done]])
                ready = done

    def send_ahead(self, app: Sphinx, docname: str) -> None:
        """Sphinx starts writing ``docname``: send the essays' pages named before it.

        The pages are read and sent by a thread of their own (:meth:`sender`), so
        Sphinx's writing never waits on the pipe to Pagefind.
        """
        if self.keep or os.getpid() != self.owner:
            return  # folio live sends what changed at the end; a writer process cannot send
        if self.ahead is None:
            if searchable_essay(app, docname) is None:
                return  # only an essay being written means the index will be rebuilt
            self.ahead = self.start(app)
        ready = 0
        while ready < len(self.ahead) and self.ahead[ready][0] < docname:
            ready += 1
        if ready and self.outbox is not None:
            self.outbox.put([(url, path) for _name, url, path in self.ahead[:ready]])
        del self.ahead[:ready]

    def sender(self, service: PagefindService,
               outbox: queue.SimpleQueue[list[tuple[str, Path]] | None]) -> None:
        """Read and send each batch of pages put in ``outbox``, until ``None``."""
        while (batch := outbox.get()) is not None:
            if self.send_failed:
                continue
            try:
                for url, path in batch:
                    self.pages[url] = stamp(path)  # before reading: a later change shows
                    service.add_pages([(url, read_page(path))])
                service.flush()  # read now, while Sphinx writes
            except (PagefindError, OSError):
                self.send_failed = True  # ``run`` starts again from nothing

    def stop_sending(self) -> None:
        """Wait for the pages sent ahead; after a failure, forget the service."""
        self.ahead = None
        if self.watching is not None:
            self.stop_watching.set()
            self.watching.join()
            self.watching = None
        if self.sending is not None and self.outbox is not None:
            self.outbox.put(None)
            self.sending.join()
        self.sending = self.outbox = None
        if self.send_failed:
            self.send_failed = False
            self.close_service()

    def update(self, app: Sphinx) -> None:
        """Bring the bundle up to date now (``make html``: the build waits for it).

        A build that wrote no page and changed no record (a no-op) leaves the bundle
        as the last one wrote it, without computing what it holds."""
        if self.service is None and nothing_new(app) \
                and Path(app.doctreedir, SEARCH_STATE).is_file() \
                and Path(app.outdir, BUNDLE, "pagefind.js").is_file():
            return
        self.run(self.job(app))

    def job(self, app: Sphinx) -> IndexJob:
        """What the index should hold after this build, taken from the environment."""
        self.stop_sending()
        config = pagefind_config(app)
        return IndexJob(contents(app), config, config["force_language"],
                        Path(app.outdir) / BUNDLE, Path(app.doctreedir) / SEARCH_STATE)

    def run(self, job: IndexJob) -> None:
        """Send Pagefind what changed since it was last sent, and write the bundle.

        Reads only the job and the files: in ``folio live`` this runs beside the next
        build.  A page is stamped before it is read, so a page Sphinx was rewriting
        while it was read is sent again by the next job.
        """
        self.runs += 1
        wanted = job.wanted
        stamps = {url: stamp(path) for url, path in wanted.pages.items()}
        state = {"pages": stamps, "records": fingerprint(wanted.records, job.config)}
        if self.service is None and (job.bundle / "pagefind.js").is_file() \
                and read_json(job.state_file) == state:
            return  # nothing indexed changed since the bundle was written
        job.state_file.unlink(missing_ok=True)
        if self.service is None:
            self.service = PagefindService(job.config)
            self.pages, self.records = {}, {}
        service = self.service
        # The records, then the pages in the essays' name order (``contents``): the order
        # ``send_ahead`` sends them in, so the index numbers them alike.
        service.add_records(rec for key, rec in sorted(wanted.records.items())
                            if self.records.get(key) != rec)
        service.add_records(record(self.records[key]["url"], "", job.language, {}, {}, {})
                            for key in sorted(set(self.records) - set(wanted.records)))
        pages = [url for url, seen in stamps.items() if self.pages.get(url) != seen]
        service.add_pages((url, read_page(wanted.pages[url])) for url in pages)
        service.add_pages((url, EMPTY_PAGE) for url in sorted(set(self.pages) - set(stamps)))
        service.wait()
        files = in_order(service.files())  # Pagefind's filter files in one order
        # A kept index is rewritten while readers use it: the last bundle's files stay
        # one round longer, for a page that read the entry file before it changed.
        write_bundle(files, job.bundle, keep=self.last_files if self.keep else ())
        self.last_files = frozenset(name for name in files if not name.startswith(UNUSED))
        self.bundle = job.bundle
        self.pages, self.records = stamps, wanted.records
        write_if_changed(job.state_file, json.dumps(state))

    # -- folio live: indexing beside the preview ---------------------------------------------

    def run_later(self, job: IndexJob) -> None:
        """Index in the background: the build (and the page it reloads) does not wait.

        One worker at a time; a job that arrives while one runs waits, and replaces any
        job already waiting (only the newest state of the site matters).
        """
        with self.changed:
            self.waiting = job
            if self.worker is None:
                self.worker = threading.Thread(target=self.work, name="folio-search-index",
                                               daemon=True)
                self.worker.start()

    def work(self) -> None:
        while True:
            with self.changed:
                job, self.waiting = self.waiting, None
                if job is None:
                    self.worker = None
                    self.changed.notify_all()
                    return
            try:
                self.run(job)
            except (PagefindError, OSError) as error:
                self.close_service()
                warn(f"search: the index was not written: {error}", None, "search")

    def settle(self) -> None:
        """Wait until the background indexing has caught up with the last build."""
        with self.changed:
            while self.worker is not None:
                self.changed.wait()

    def close_service(self) -> None:
        if self.sending is not None:
            self.stop_sending()
        self.ahead = None
        if self.service is not None:
            self.service.close()
            self.service = None

    def close(self) -> None:
        """Stop Pagefind; the bundle is left as exactly the last index written."""
        self.settle()
        self.close_service()
        if self.keep and self.bundle is not None and self.last_files:
            with contextlib.suppress(OSError):
                prune(self.bundle, self.last_files)


@dataclass(frozen=True)
class IndexJob:
    """One build's wish for the index: everything :meth:`SiteIndex.run` needs but files."""

    wanted: Contents
    config: dict[str, Any]
    language: str
    bundle: Path
    state_file: Path


def read_page(path: Path) -> str:
    """What Pagefind is sent of a written page: its indexed part, typographic marks in
    ASCII (:data:`folio.core.pagefind.TYPOGRAPHY` says why), filters and meta too: the
    search page writes its filters the same way and reads every answer back."""
    try:
        return ascii_typography(indexed_part(path.read_text(encoding="utf-8")))
    except OSError:
        return EMPTY_PAGE


def indexed_part(page: str) -> str:
    """All Pagefind reads of an essay's page: the essay (``data-pagefind-body``) to the end
    of its search facts (:func:`essay_markup`), about half the page.

    Pagefind indexes only the marked element's text and reads the facts' attributes;
    the theme's head, navigation and sidebars around them would only be parsed and
    thrown away.  A page without both marks is sent whole.
    """
    body = page.find(" data-pagefind-body")
    start = page.rfind("<", 0, body) if body >= 0 else -1
    facts = page.find('<div class="folio-search-facts"', body) if start >= 0 else -1
    end = page.find("</div>", facts) if facts >= 0 else -1
    if end < 0:
        return page
    return f"<html><body>{page[start:end + len('</div>')]}</body></html>"


#: Each application's index (``folio live`` keeps its service between builds).
INDEXES: WeakKeyDictionary[Sphinx, SiteIndex] = WeakKeyDictionary()


def keep_index_in_memory(app: Sphinx) -> None:
    """Keep Pagefind's index in memory between this application's builds (``folio live``):
    each build then sends only what changed, in a background thread (:meth:`SiteIndex.run_later`),
    so the page is served before Pagefind has rebuilt its index."""
    INDEXES.setdefault(app, SiteIndex()).keep = True


def send_pages_ahead(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                     doctree: object) -> None:
    """``html-page-context`` of a document: Pagefind reads the pages already written."""
    if doctree is None or not uses_pagefind(app):
        return
    index = INDEXES.setdefault(app, SiteIndex())
    try:
        index.send_ahead(app, pagename)
    except (PagefindError, OSError):
        index.close_service()  # build-finished starts again, and says what is wrong


def watch_written_pages(app: Sphinx, builder: Builder) -> None:
    """``write-started``: in a parallel build, Pagefind reads the pages as they are written."""
    if not uses_pagefind(app):
        return
    index = INDEXES.setdefault(app, SiteIndex())
    try:
        index.watch_written(app)
    except (PagefindError, OSError):
        index.close_service()  # build-finished starts again, and says what is wrong


def write_index(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: bring the bundle up to date with the pages just written."""
    if exception is not None or not uses_pagefind(app):
        if app in INDEXES and not INDEXES[app].keep:
            INDEXES[app].close_service()  # pages sent ahead of a build that failed
        return
    index = INDEXES.setdefault(app, SiteIndex())
    if index.keep:
        index.run_later(index.job(app))  # folio live: the page is served at once
        return
    try:
        index.update(app)
    except (PagefindError, OSError) as error:
        warn(f"search: the index was not written: {error}", None, "search")
    finally:
        index.close()


# -- the pages ------------------------------------------------------------------------------------

def choose_engine(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: no Sphinx index when Pagefind searches; essays to rewrite on a change.

    The builder reads ``search`` when it starts writing, after this event.
    """
    if app.builder.name not in SEARCH_BUILDERS:
        return []
    chosen = engine(app)
    if chosen == "pagefind":
        app.builder.search = False  # type: ignore[attr-defined]
    views = folio_domain(env).views
    if views.search == chosen:
        return []
    views.search = chosen
    return sorted(folio_domain(env).essays)


#: Sphinx's search scripts: with Pagefind there is no index for them to read.
SPHINX_SEARCH_SCRIPTS = frozenset({"searchtools.js", "language_data.js", "searchindex.js"})
SCRIPT = re.compile(r"<script\b[^>]*>\s*</script>[ \t]*\n?", re.IGNORECASE)
SOURCE = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def script_file(address: str) -> str:
    """The file a script's address names: ``../_static/searchtools.js?v=1`` → ``searchtools.js``."""
    return address.split("#", 1)[0].split("?", 1)[0].rsplit("/", 1)[-1]


def without_sphinx_search(html: str) -> str:
    """``html`` less every ``<script src>`` element loading one of Sphinx's search scripts,
    however the theme writes it (attributes, quotes, a version query, its folder)."""

    def kept(script: re.Match[str]) -> str:
        found = SOURCE.search(script.group(0).split(">", 1)[0])
        address = next((g for g in found.groups() if g is not None), "") if found else ""
        return "" if script_file(address) in SPHINX_SEARCH_SCRIPTS else script.group(0)

    return SCRIPT.sub(kept, html)


def leave_out_sphinx_search(app: Sphinx, pagename: str, templatename: str,
                            context: dict[str, Any], doctree: object) -> None:
    """``html-page-context``: with Pagefind, no page loads Sphinx's search scripts.

    Sphinx lists them in ``script_files`` on its search page; pydata-sphinx-theme (and
    the book theme built on it) writes them straight into every other page's head, for
    its search-as-you-type, whatever ``search_as_you_type`` says.  With Pagefind the
    builder writes no searchindex.js and the theme's search field submits to Folio's
    search page, so they are taken out of ``script_files`` here, and layout.html passes
    the theme's head through :func:`without_sphinx_search` (``folio_pagefind``).  A
    guest's site (Sphinx's search) is not touched.
    """
    context["folio_pagefind"] = pagefind = uses_pagefind(app)
    if not pagefind:
        return
    context["folio_without_sphinx_search"] = without_sphinx_search
    if isinstance(context.get("script_files"), list):
        context["script_files"] = [js for js in context["script_files"]
                                   if script_file(str(js)) not in SPHINX_SEARCH_SCRIPTS]


def mark_essay(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
               doctree: object) -> None:
    """``html-page-context``: an essay's text is what Pagefind indexes of its page."""
    if not uses_pagefind(app) or "body" not in context:
        return
    essay = searchable_essay(app, pagename)
    if essay is None:
        return
    domain = folio_domain(app.env)
    keys = [*domain.cited_keys(pagename),
            *(q.book_key for q in domain.quotes.get(pagename, []) if q.book_key)]
    body = str(context["body"])
    start = body.find("<section")
    marked = (body[:start + 8] + " data-pagefind-body" + body[start + 8:] if start >= 0
              else f"<div data-pagefind-body>{body}</div>")
    label = domain.views.labels.get(pagename, essay.genre)
    quotes = domain.quotes.get(pagename, [])
    titles = {q.book_key: wording.book_title(domain.books[q.book_key]) for q in quotes
              if q.book_key in domain.books}
    quotations = quotation_facts(quotes, titles, app.config.folio_page_format)
    context["body"] = marked + essay_markup(essay, label, essay_facets(essay, keys), quotations)


def facet_options(app: Sphinx) -> list[dict[str, Any]]:
    """The search page's choices: only genres, tags, books and years something has."""
    essays = searchable(app)
    domain = folio_domain(app.env)
    used_genres = {g for e in essays.values() for g in e.genres}
    keys = {k for name in essays for k in domain.cited_keys(name)}
    keys |= {q.book_key for name in essays for q in domain.quotes.get(name, []) if q.book_key}
    books = sorted(((k, wording.book_title(domain.books[k])) for k in keys if k in domain.books),
                   key=lambda item: (item[1].casefold(), item[0]))
    years = sorted({str(e.date.year) for e in essays.values() if e.date}, reverse=True)
    options = {
        "genre": [(g, g) for g in app.config.folio_genres if g in used_genres],
        "tag": list(tag_names(essays.values()).items()),
        "book": books,
        "year": [(y, y) for y in years],
    }
    labels: Mapping[str, tuple[str, str]] = wording.SEARCH_WORDS["facets"]  # type: ignore[assignment]
    return [{"name": name, "label": labels[name][0], "any": labels[name][1],
             "options": options[name]} for name in FACETS if options[name]]


def search_page(app: Sphinx) -> Iterable[tuple[str, dict[str, Any], str]]:
    """``html-collect-pages``: Folio's search page, when Pagefind searches.

    Written only when what it shows changed (:func:`folio.ext.freshness.changed_pages`,
    as the listings): rendering it through the theme's layout on every no-op
    build was a large part of a no-op's cost beyond plain Sphinx's.
    """
    if not uses_pagefind(app):
        return
    views = folio_domain(app.env).views
    yield from changed_pages(app, lambda: [search_page_content(app)], [SEARCH_PAGE],
                             (views.sidebar, views.downloads), SEARCH_PAGE_RECORD)


def search_page_content(app: Sphinx) -> tuple[str, dict[str, Any], str]:
    """The search page: its facets (what the essays have) and its words."""
    here = app.builder.get_target_uri(SEARCH_PAGE)
    words = script_json(wording.SEARCH_WORDS)
    body = app.builder.templates.render("folio/search.html", {
        "title": wording.SEARCH_TITLE, "words": wording.SEARCH_WORDS, "words_json": words,
        "facets": facet_options(app),
        "pagefind": relative_uri(here, f"{BUNDLE}/pagefind.js"),
        "typography": json.dumps(typography_for_page(), ensure_ascii=False),
        "script": relative_uri(here, "_static/folio-search.js"),
        "stemmer": relative_uri(here, "_static/snowball/english-stemmer.js")
        if stems_english(pagefind_language(app.config.language)) else "",
    })
    return SEARCH_PAGE, {"title": wording.SEARCH_TITLE, "body": body}, "page.html"


def check_config(app: Sphinx, config: Config) -> None:
    if config.folio_search not in ENGINES:
        warn(f"folio_search must be {', '.join(map(repr, ENGINES))}; using 'auto'", None,
             "config")
        config.folio_search = "auto"


def setup_search(app: Sphinx) -> None:
    app.add_search_language(EnglishWithMemory)
    # "html": a change rewrites every page (the essays' markup, the search page).
    app.add_config_value("folio_search", "auto", "html", types=frozenset({str}))
    app.add_config_value("folio_search_exclude", [], "env", types=frozenset({list, tuple}))
    app.connect("config-inited", check_config)
    app.connect("env-updated", choose_engine)
    app.connect("html-page-context", mark_essay)
    app.connect("html-page-context", leave_out_sphinx_search)
    app.connect("html-page-context", send_pages_ahead)
    app.connect("write-started", watch_written_pages)
    app.connect("html-collect-pages", search_page)
    app.connect("build-finished", write_index)

