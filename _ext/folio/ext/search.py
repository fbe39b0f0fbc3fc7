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
``page-quote`` as a quotation of its own (its words, book and page, linking to
it in the essay); every book as a book (its page).  Nothing else: not the home
page, not the listings.  An essay with ``nosearch`` in its front matter, or
matching a pattern in ``folio_search_exclude``, is left out with its quotations.

Incremental: in one process that keeps the index (``folio live``:
:func:`keep_index_in_memory`) each build sends Pagefind only the pages whose
files changed and the records that changed (Pagefind replaces what has the
same URL), then writes the bundle; a new process (``make html``) indexes the
whole collection, unless nothing it would index changed since the bundle was
written (``folio-search.json`` in the doctree folder remembers).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
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
from folio.core.pagefind import PagefindError, PagefindService, write_bundle
from folio.core.records import Essay, Quote
from folio.ext.domain import folio_domain
from folio.ext.freshness import nothing_new
from folio.ext.library import book_page as library_page
from folio.ext.listings import tag_names
from folio.ext.shared import warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

ENGINES = ("auto", "pagefind", "sphinx")
#: The builders Pagefind indexes for (singlehtml has no search; the ePub none either).
INDEXED_BUILDERS = ("html", "dirhtml")
#: The bundle's folder in the output, and the page taking the search form's GET.
BUNDLE = "pagefind"
SEARCH_PAGE = "search"
#: Remembered in the doctree folder: what the bundle on disk was written from.
STATE = "folio-search.json"
#: Parts of an essay's page that are not its text.
NOT_TEXT = (".headerlink", ".folio-byline", ".folio-downloads", ".folio-related",
            ".folio-spoiler", ".folio-spoiler-warning", ".folio-responses", ".folio-copyright",
            ".folio-comments")
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
    return app.builder.name in INDEXED_BUILDERS and engine(app) == "pagefind"


def searchable(app: Sphinx) -> dict[str, Essay]:
    """The essays search finds: not marked ``nosearch``, not matched by ``folio_search_exclude``."""
    left_out = Matcher(list(app.config.folio_search_exclude))
    metadata = app.env.metadata
    return {name: essay for name, essay in sorted(folio_domain(app.env).essays.items())
            if "nosearch" not in metadata.get(name, {}) and not left_out(name)}


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
        found = {"kind": [kind], "genre": list(self.genre), "tag": list(self.tag),
                 "book": list(self.book), "year": list(self.year)}
        return {name: values for name, values in found.items() if values}

    def joined(self, other: Facets) -> Facets:
        return Facets(*(tuple(dict.fromkeys((*getattr(self, f), *getattr(other, f))))
                        for f in FACETS))


def essay_facets(essay: Essay, books: Iterable[str]) -> Facets:
    return Facets(genre=essay.genres, tag=tuple(dict.fromkeys(tag_name(t) for t in essay.tags)),
                  book=tuple(dict.fromkeys(books)),
                  year=(str(essay.date.year),) if essay.date else ())


def essay_meta(essay: Essay, label: str) -> dict[str, str]:
    """What an essay's result shows besides its snippet."""
    meta = {"kind": "essay", "title": essay.title, "genre": label or essay.genre,
            "summary": essay.summary}
    if essay.date:
        meta["date"] = wording.format_date(essay.date)
        meta["iso"] = essay.date.isoformat()
    return {key: value for key, value in meta.items() if value}


def essay_markup(essay: Essay, label: str, facets: Facets) -> str:
    """Pagefind's attributes for an essay's page, in an element no reader sees.

    Pagefind reads ``data-pagefind-meta`` and ``-filter`` anywhere on a page;
    ``key:value`` takes the rest of the attribute as the value.  Every value is
    the writer's text, escaped for an attribute.
    """
    parts = [f'<span data-pagefind-meta="{html_text(f"{key}:{value}")}"></span>'
             for key, value in essay_meta(essay, label).items()]
    parts += [f'<span data-pagefind-filter="{html_text(f"{name}:{value}")}"></span>'
              for name, values in facets.filters("essay").items() for value in values]
    if essay.date:
        parts.append(f'<span data-pagefind-sort="date:{essay.date.isoformat()}"></span>')
    return f'<div class="folio-search-facts" hidden>{"".join(parts)}</div>'


def record(url: str, content: str, language: str, meta: Mapping[str, str],
           filters: Mapping[str, list[str]], sort: Mapping[str, str]) -> dict[str, Any]:
    """A Pagefind custom record (its ``AddRecord`` fields)."""
    return {"url": url, "content": content, "language": language,
            "meta": {k: v for k, v in meta.items() if v}, "filters": dict(filters),
            "sort": dict(sort)}


def quotation_record(quote: Quote, essay: Essay, url: str, book_title: str, authors: str,
                     page: str, facets: Facets, language: str) -> dict[str, Any]:
    meta = {"kind": "quotation", "title": book_title, "book": book_title, "author": authors,
            "page": page, "essay": essay.title,
            "date": wording.format_date(essay.date) if essay.date else ""}
    sort = {"date": essay.date.isoformat()} if essay.date else {}
    return record(url, quote.text, language, meta,
                  Facets(essay.genres, facets.tag, (quote.book_key,), facets.year)
                  .filters("quotation"), sort)


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
    language = app.config.language or "en"
    page_format = app.config.folio_page_format
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
        for quote in domain.quotes.get(name, []):
            book = domain.books.get(quote.book_key)
            if not quote.anchor or quote.spoiler or book is None or not quote.text:
                continue
            url = page_url(builder, name, quote.anchor)
            found.records[url] = quotation_record(
                quote, essay, url, wording.book_title(book), wording.join_names(book.authors),
                wording.page_reference(page_format, quote.pages), facets, language)
    for key, book in sorted(domain.books.items()):
        facets = by_book.get(key, Facets())
        where = book_page(app, key)
        if where is None:
            continue
        url = page_url(builder, *where)
        text = " ".join(part for part in (wording.book_title(book), *book.authors,
                                          book.publisher, book.first_published or book.year)
                        if part)
        meta = {"kind": "book", "title": wording.book_title(book),
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
    return {"force_language": app.config.language or "en", "exclude_selectors": list(NOT_TEXT)}


def fingerprint(records: Mapping[str, Mapping[str, Any]], config: Mapping[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps([config, sorted(records.items())], sort_keys=True,
                                       ensure_ascii=False).encode())
    return digest.hexdigest()


class SiteIndex:
    """The bundle one output folder holds, and (when kept) the service holding it."""

    def __init__(self) -> None:
        self.keep = False
        self.service: PagefindService | None = None
        self.pages: dict[str, list[int]] = {}  # URL -> file stamp, as last sent
        self.records: dict[str, dict[str, Any]] = {}  # key -> record, as last sent

    def update(self, app: Sphinx) -> None:
        outdir = Path(app.outdir)
        bundle = outdir / BUNDLE
        state_file = Path(app.doctreedir) / STATE
        if self.service is None and nothing_new(app) and state_file.is_file() \
                and (bundle / "pagefind.js").is_file():
            return  # no page written, no record changed: the bundle is the last one's
        wanted = contents(app)
        stamps = {url: stamp(path) for url, path in wanted.pages.items()}
        config = pagefind_config(app)
        state = {"pages": stamps, "records": fingerprint(wanted.records, config)}
        if self.service is None and (bundle / "pagefind.js").is_file():
            try:
                if json.loads(state_file.read_text(encoding="utf-8")) == state:
                    return  # nothing indexed changed since the bundle was written
            except (OSError, ValueError):
                pass
        state_file.unlink(missing_ok=True)
        if self.service is None:
            self.service = PagefindService(config)
            self.pages, self.records = {}, {}
        service = self.service
        pages = sorted(url for url, seen in stamps.items() if self.pages.get(url) != seen)
        service.add_pages((url, read_page(wanted.pages[url])) for url in pages)
        service.add_pages((url, EMPTY_PAGE) for url in sorted(set(self.pages) - set(stamps)))
        language = app.config.language or "en"
        service.add_records(rec for key, rec in sorted(wanted.records.items())
                            if self.records.get(key) != rec)
        service.add_records(record(self.records[key]["url"], "", language, {}, {}, {})
                            for key in sorted(set(self.records) - set(wanted.records)))
        service.wait()
        write_bundle(service.files(), bundle)
        self.pages, self.records = stamps, wanted.records
        state_file.write_text(json.dumps(state), encoding="utf-8")

    def close(self) -> None:
        if self.service is not None:
            self.service.close()
            self.service = None


def read_page(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return EMPTY_PAGE


#: Each application's index (``folio live`` keeps its service between builds).
INDEXES: WeakKeyDictionary[Sphinx, SiteIndex] = WeakKeyDictionary()


def keep_index_in_memory(app: Sphinx) -> None:
    """Keep Pagefind's index in memory between this application's builds (``folio live``):
    each build then sends only what changed."""
    INDEXES.setdefault(app, SiteIndex()).keep = True


def write_index(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: bring the bundle up to date with the pages just written."""
    if exception is not None or not uses_pagefind(app):
        return
    index = INDEXES.setdefault(app, SiteIndex())
    try:
        index.update(app)
    except (PagefindError, OSError) as error:
        index.close()
        warn(f"search: the index was not written: {error}", None, "search")
    finally:
        if not index.keep:
            index.close()


# -- the pages ------------------------------------------------------------------------------------

def choose_engine(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: no Sphinx index when Pagefind searches; essays to rewrite on a change.

    The builder reads ``search`` when it starts writing, after this event.
    """
    if app.builder.name not in INDEXED_BUILDERS:
        return []
    chosen = engine(app)
    if chosen == "pagefind":
        app.builder.search = False  # type: ignore[attr-defined]
    views = folio_domain(env).views
    if views.search == chosen:
        return []
    views.search = chosen
    return sorted(folio_domain(env).essays)


def leave_out_sphinx_search(app: Sphinx, pagename: str, templatename: str,
                            context: dict[str, Any], doctree: object) -> None:
    """``html-page-context``: with Pagefind, no page loads Sphinx's search scripts.

    pydata-sphinx-theme loads searchtools.js, language_data.js and searchindex.js on
    every page but the search page, for its search-as-you-type; with Pagefind the builder
    writes no searchindex.js, and the theme's search field submits to Folio's search page,
    so layout.html leaves the three out (``folio_pagefind``).
    """
    context["folio_pagefind"] = uses_pagefind(app)


def mark_essay(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
               doctree: object) -> None:
    """``html-page-context``: an essay's text is what Pagefind indexes of its page."""
    if not uses_pagefind(app) or "body" not in context:
        return
    essay = searchable(app).get(pagename) if pagename in folio_domain(app.env).essays else None
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
    context["body"] = marked + essay_markup(essay, label, essay_facets(essay, keys))


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
    """``html-collect-pages``: Folio's search page, when Pagefind searches."""
    if not uses_pagefind(app):
        return
    here = app.builder.get_target_uri(SEARCH_PAGE)
    words = script_json(wording.SEARCH_WORDS)
    body = app.builder.templates.render("folio/search.html", {
        "title": wording.SEARCH_TITLE, "words": wording.SEARCH_WORDS, "words_json": words,
        "facets": facet_options(app),
        "pagefind": relative_uri(here, f"{BUNDLE}/pagefind.js"),
        "script": relative_uri(here, "_static/folio-search.js"),
    })
    yield SEARCH_PAGE, {"title": wording.SEARCH_TITLE, "body": body}, "page.html"


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
    app.connect("html-collect-pages", search_page)
    app.connect("build-finished", write_index)

