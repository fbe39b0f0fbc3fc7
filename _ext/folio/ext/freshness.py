"""What a build must write again, and nothing more: which pages are stale.

Sphinx rewrites a page when its source changed; Folio's pages also show other
pages' titles and the collection's lists, so the refreshes in ``env-updated``
add the pages another page's change made stale.  Two questions decide most
of an incremental build's time at 1,000 essays, and are answered here:

- **Which pages show a title that changed?**  Not every page: the essay's
  neighbours by date (their previous/next links), the pages whose Sphinx
  navigation (parent, previous, next) names it, the pages linking to it by
  its title (``{doc}`` or a Markdown link without text; :class:`TitleLinks`
  remembers them per document), and every page only when the
  sidebar changed (it lists the six most recent essays) or when the sidebar
  is the theme's own (which may show every title).  Its listings and the
  related lists naming it are the other refreshes' business.
- **Which generated pages changed?**  The genre, tag, archive, library and
  quotation pages are computed from the whole collection on every build;
  rendering them into the theme's page is the expensive half, so a page is
  handed to Sphinx only when a digest of what it would show differs from
  the one recorded when it was last written, or its file is missing.  The
  record is a small JSON file beside the doctrees, not the environment:
  Sphinx pickles the environment before ``html-collect-pages``, so anything
  kept there at that point would be lost.

The LaTeX builder that writes only the stale essays is
:mod:`folio.ext.latex_builder`'s; keeping the garbage collector off a large
environment is :mod:`folio.ext.memory`'s.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx import addnodes
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.util import docname_join

from folio.core.state import (
    GENERATED_PAGES,
    OWED,
    read_mapping,
    write_if_changed,
)

if TYPE_CHECKING:
    from collections.abc import Set

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Sidebar templates that show no other page's title, except Folio's own sidebar,
#: whose titles are the ``Views.sidebar`` a refresh compares.
QUIET_SIDEBARS = frozenset({
    "folio-sidebar.html", "navbar-logo.html", "search-button-field.html", "search-field.html",
    "searchbox.html", "sourcelink.html",
})

Page = tuple[str, dict[str, Any], str]

#: Folio's own code (core, extension, commands): a change to it stales every page.
FOLIO_CODE = Path(__file__).resolve().parent.parent


def code_stamp() -> int:
    """When Folio's code last changed (the newest ``.py`` file's time)."""
    return max((p.stat().st_mtime_ns for p in FOLIO_CODE.rglob("*.py")), default=0)


def quiet_sidebars(sidebars: Mapping[str, Any]) -> bool:
    """Whether every page's sidebar is one of :data:`QUIET_SIDEBARS` (``html_sidebars``).

    A theme's default sidebar (the site's whole table of contents, say)
    shows every title on every page, so any retitle stales every page.
    """
    if "**" not in sidebars:
        return False
    for templates in sidebars.values():
        names = [templates] if isinstance(templates, str) else list(templates)
        if not set(names) <= QUIET_SIDEBARS:
            return False
    return True


def changed_titles(old: Mapping[str, str], new: Mapping[str, str]) -> set[str]:
    """Pages whose title is new, gone or different."""
    return {name for name in {*old, *new} if old.get(name) != new.get(name)}


def neighbours(order: Sequence[str], names: Iterable[str]) -> set[str]:
    """Each essay in ``names`` with the essays just before and after it by date."""
    position = {name: index for index, name in enumerate(order)}
    found: set[str] = set()
    for name in names:
        if name in position:
            index = position[name]
            found.update(order[max(index - 1, 0): index + 2])
    return found


def pages_showing(env: BuildEnvironment, retitled: set[str], order: Sequence[str],
                  quiet: bool) -> set[str]:
    """The pages whose navigation shows one of the ``retitled`` pages' titles.

    ``order`` is the essays by date as the last build showed them (their
    previous/next links); a change of order is :func:`folio.ext.reading_order.refresh_order`'s.
    """
    if not retitled:
        return set()
    if not quiet or env.config.root_doc in retitled:
        return set(env.found_docs)  # the home page's title is on every page
    stale = neighbours(order, retitled) & env.found_docs
    stale |= linking_by_title(env, retitled)
    essays = set(order)
    for name, (parent, previous, following) in env.collect_relations().items():
        shown = {parent} if name in essays else {parent, previous, following}
        if shown & retitled:
            stale.add(name)
    return stale


# -- what this build read, and what it made stale ------------------------------------------------

def note_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs`` (every build): the documents about to be read."""
    env.folio_read = set(docnames)  # type: ignore[attr-defined]


def note_removal(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """``env-purge-doc``: a document is forgotten (removed, or about to be read again)."""
    env.folio_purged = True  # type: ignore[attr-defined]


def documents_changed(env: BuildEnvironment) -> bool:
    """Whether this build read or removed any document; asked once, in ``env-updated``.

    When none was (nor any book file), every record is as the last build left it, and so is every
    view computed from them (every Folio setting a view depends on needs a new
    environment, so every document is read again; only the feed's two settings
    do not, and the feed is written from the records at ``build-finished``).
    The answer is kept for the writing phase.
    """
    changed = bool(getattr(env, "folio_read", True)) or bool(getattr(env, "folio_purged", False)) \
        or bool(getattr(env, "folio_books_changed", False))  # a book file (folio.ext.library)
    env.folio_purged = False  # type: ignore[attr-defined]
    env.folio_changed = changed  # type: ignore[attr-defined]
    return changed


def remember_stale(app: Sphinx, env: BuildEnvironment, stale: list[str],
                   own: Sequence[str] = ()) -> list[str]:
    """The pages this builder must write for what changed: kept for the writing phase.

    Builders may share one environment (``folio build`` reads once for the
    ePub, the LaTeX and the web site): what this build read and what the
    refreshes made stale is then owed by every builder sharing it, not only
    by this one, which would otherwise be the only one to know
    (:func:`owe`).  ``own`` are pages only this builder shows stale (the web
    pages' download links).  This builder's whole debt is what it writes.
    """
    app.builder.folio_wrote_pages = False  # type: ignore[attr-defined]
    read = set(getattr(env, "folio_read", ()))
    owed = owe(app, env, read | set(stale), bool(getattr(env, "folio_changed", True)))
    env.folio_stale = owed.pages | set(own)  # type: ignore[attr-defined]
    env.folio_changed = owed.changed  # type: ignore[attr-defined]
    return sorted(env.folio_stale & env.found_docs)  # type: ignore[attr-defined]


def note_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: a document's page is written in this build.  Emitted in the
    main process for every page written, also when the pages are written in parallel
    (``html-page-context`` is not: it happens in the writing processes)."""
    app.builder.folio_wrote_pages = True  # type: ignore[attr-defined]


def nothing_new(app: Sphinx) -> bool:
    """Whether this build wrote no document's page and no document changed since this
    builder last finished: what is made from the pages and the records (the search
    index) is then as this builder last made it."""
    return not getattr(app.builder, "folio_wrote_pages", True) \
        and not getattr(app.env, "folio_changed", True)


def maybe_changed(env: BuildEnvironment) -> set[str] | None:
    """Documents this build read or made stale, or another builder sharing the
    environment did since this builder last finished; None when that is not known."""
    read, stale = getattr(env, "folio_read", None), getattr(env, "folio_stale", None)
    if read is None or stale is None:
        return None
    return set(read) | set(stale)


# -- what each builder sharing the doctrees still owes -------------------------------------------

class Owed:
    """What one builder owes: pages to write, and whether any document changed (so
    every view, the generated pages and the collection's documents, may differ)."""

    def __init__(self, pages: Iterable[str], changed: bool) -> None:
        self.pages, self.changed = set(pages), changed


def read_ledger(path: Path) -> dict[str, Owed]:
    """Each builder's :class:`Owed`, from ``folio-owed.json``; damaged entries dropped
    (a builder without an entry owes everything)."""
    ledger = {}
    for name, entry in read_mapping(path).items():
        if isinstance(entry, dict) and isinstance(entry.get("pages"), list):
            ledger[name] = Owed((p for p in entry["pages"] if isinstance(p, str)),
                                entry.get("changed") is not False)
    return ledger


def write_ledger(path: Path, ledger: Mapping[str, Owed]) -> None:
    write_if_changed(path, json.dumps(
        {name: {"changed": owed.changed, "pages": sorted(owed.pages)}
         for name, owed in ledger.items()}, indent=0, sort_keys=True))


def owe(app: Sphinx, env: BuildEnvironment, pages: set[str], changed: bool) -> Owed:
    """Every builder that shares these doctrees now owes ``pages`` (and, when
    ``changed``, a look at everything computed from the whole collection);
    returns this builder's whole debt, which it pays at ``build-finished``.

    The ledger is a small JSON file beside the environment, written before
    Sphinx pickles the environment, so a build that stops half way leaves
    every debt in place.  A builder with no entry yet (its first build on
    these doctrees) owes every page: nothing says what its output holds.
    """
    path = Path(app.doctreedir, OWED)
    ledger = read_ledger(path)
    name = app.builder.name
    if name not in ledger:
        ledger[name] = Owed(env.found_docs, True)
    for owed in ledger.values():
        owed.pages |= pages
        owed.changed = owed.changed or changed
    write_ledger(path, ledger)
    mine: Owed | None = getattr(app.builder, "folio_owed", None)
    if mine is None:
        mine = app.builder.folio_owed = Owed((), False)  # type: ignore[attr-defined]
    mine.pages |= ledger[name].pages
    mine.changed = mine.changed or ledger[name].changed
    return ledger[name]


def pay_owed(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: this builder has written what it owed (only when it finished:
    a failed build owes it all again next time).  Only its own entry is cleared."""
    mine: Owed | None = getattr(app.builder, "folio_owed", None)
    if exception is not None or mine is None:
        return
    del app.builder.folio_owed  # type: ignore[attr-defined]
    path = Path(app.doctreedir, OWED)
    ledger = read_ledger(path)
    name = app.builder.name
    if name in ledger:
        ledger[name].pages -= mine.pages
        ledger[name].changed = ledger[name].changed and not mine.changed
        write_ledger(path, ledger)


def before_numbering(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``, before Sphinx numbers sections and figures again: the
    numbers as they were (Sphinx replaces the two mappings, it never edits them)."""
    env.folio_numbers = (env.toc_secnumbers, env.toc_fignumbers)  # type: ignore[attr-defined]
    return []


def after_numbering(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``, after: the pages whose numbers changed are Sphinx's own
    stale pages, found only by the builder that read; every sharer owes them."""
    old_sections, old_figures = getattr(env, "folio_numbers", ({}, {}))
    del env.folio_numbers  # type: ignore[attr-defined]
    renumbered = {name for old, new in ((old_sections, env.toc_secnumbers),
                                        (old_figures, env.toc_fignumbers))
                  for name in {*old, *new} if old.get(name) != new.get(name)}
    if renumbered:
        owe(app, env, renumbered & env.found_docs, False)
    return []


def read_as(app: Sphinx) -> tuple[bool, str]:
    """What makes a doctree depend on the builder that read it, beyond the sources and
    the ``env`` settings Sphinx itself compares: docutils' smart quotes, which
    ``smartquotes_excludes`` may turn off for some builders, and ``sphinx.ext.viewcode``,
    which keeps its nodes only for the builders it supports.  Every other read
    (Folio's directives, transforms and refreshes, the images' candidates) is the same
    for every builder; what differs is done when writing."""
    excluded = app.config.smartquotes_excludes.get("builders", [])
    smart = bool(app.config.smartquotes) and app.builder.name not in excluded
    viewcode = app.builder.name if "sphinx.ext.viewcode" in app.config.extensions else ""
    return smart, viewcode


def read_again_if_read_otherwise(app: Sphinx, env: BuildEnvironment, added: Set[str],
                                 changed: Set[str], removed: Set[str]) -> list[str]:
    """``env-get-outdated``: every document, when the environment was read by a builder
    that reads differently (:func:`read_as`); so sharing an environment never changes
    what a builder's doctrees hold, it only saves the reading."""
    mine = list(read_as(app))
    if getattr(env, "folio_read_as", None) == mine:
        return []
    env.folio_read_as = mine  # type: ignore[attr-defined]
    return sorted(env.found_docs)


def setup_freshness(app: Sphinx) -> None:
    app.add_env_collector(TitleLinks)  # links shown by title: a retitle rewrites their pages
    app.connect("env-get-outdated", read_again_if_read_otherwise)
    app.connect("env-before-read-docs", note_reading)
    app.connect("env-purge-doc", note_removal)
    app.connect("env-get-updated", before_numbering, priority=100)
    app.connect("env-get-updated", after_numbering, priority=900)
    app.connect("doctree-resolved", note_page)
    app.connect("build-finished", pay_owed, priority=950)  # after the pages, ePubs, report


# -- links that show the page's title ----------------------------------------------------------

def title_links(doctree: nodes.document, docname: str) -> set[str]:
    """What a document links to by its title: ``doc:NAME`` or ``label:NAME``.

    ``{doc}`` and a Markdown link without text show the linked page's title;
    so does ``{ref}`` without text (the section's, often the page's).
    """
    found: set[str] = set()
    for node in doctree.findall(addnodes.pending_xref):
        if node.get("refexplicit"):
            continue
        target = str(node.get("reftarget", ""))
        if node.get("refdomain") == "doc":  # MyST: the docname, already absolute
            found.add(f"doc:{target}")
        elif node.get("reftype") == "doc":
            found.add(f"doc:{docname_join(str(node.get('refdoc', docname)), target)}")
        elif node.get("reftype") in {"ref", "numref"}:
            found.add(f"label:{target.lower()}")
    return found


class TitleLinks(EnvironmentCollector):
    """Per document, what it links to by title (``env.folio_title_links``)."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        links(env).pop(docname, None)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: Set[str],
                    other: BuildEnvironment) -> None:
        theirs = links(other)
        for docname in docnames:
            if docname in theirs:
                links(env)[docname] = theirs[docname]

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        found = title_links(doctree, app.env.docname)
        if found:
            links(app.env)[app.env.docname] = found


def links(env: BuildEnvironment) -> dict[str, set[str]]:
    if not hasattr(env, "folio_title_links"):
        env.folio_title_links = {}  # type: ignore[attr-defined]
    return env.folio_title_links  # type: ignore[attr-defined,no-any-return]


def linking_by_title(env: BuildEnvironment, retitled: set[str]) -> set[str]:
    """The documents whose links show one of the ``retitled`` pages' titles."""
    labels = env.domains.standard_domain.labels  # label -> (docname, anchor, section title)
    wanted = {f"doc:{name}" for name in retitled}
    wanted |= {f"label:{label}" for label, (docname, _anchor, _title) in labels.items()
               if docname in retitled}
    return {name for name, found in links(env).items() if found & wanted} & env.found_docs


# -- generated pages ----------------------------------------------------------------------------

def page_stamp(app: Sphinx, shown: object) -> str:
    """What every generated page shows besides its own context.

    The html builder's configuration and tags (what Sphinx compares to decide
    that every page is stale), the newest template, Folio's own code, and
    ``shown`` (what the site-wide chrome lists: the sidebar, the downloads).
    """
    builder = app.builder
    info = getattr(builder, "build_info", None)
    templates = getattr(builder, "templates", None)
    newest = templates.newest_template_mtime() if templates is not None else 0.0
    return repr((builder.name, getattr(info, "config_hash", ""), getattr(info, "tags_hash", ""),
                 newest, code_stamp(), shown))


def inputs_digest(app: Sphinx, stamp: str) -> str:
    """What the generated pages are computed from, when no document was read or removed
    this build: the stamp and the images (covers).  Empty when documents changed (or
    Folio's settings, which make every document read again): then every page is
    computed, and only those whose digest changed are written.
    """
    env = app.env
    if getattr(env, "folio_changed", True):
        return ""
    images = sorted((name, unique) for name, (_docs, unique) in env.images.items())
    return hashlib.sha256(repr((stamp, images)).encode("utf-8", "surrogatepass")).hexdigest()


def page_digest(stamp: str, page: Page) -> str:
    name, context, template = page
    text = repr((stamp, name, template, sorted(context.items())))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def changed_pages(app: Sphinx, compute: Callable[[], Iterable[Page]], names: Iterable[str],
                  shown: object, record_name: str = GENERATED_PAGES) -> Iterator[Page]:
    """The generated pages whose content differs from when they were last written.

    When no document changed, nor what every page shows, and every page's
    file is there (a no-op build), nothing is computed.  Otherwise every page is
    computed (its digest needs it) and only the pages whose digest changed
    are handed over.  The record (``record_name``, in the doctree folder: one
    per caller, since each lists only its own pages) is rewritten once all
    pages were handed over, so a build that fails half way renders them all
    next time.
    """
    record = Path(app.doctreedir, record_name)
    before = read_mapping(record)
    if not isinstance(before.get("pages"), dict) or not isinstance(before.get("inputs"), str):
        before = {"inputs": "", "pages": {}}
    outfile = getattr(app.builder, "get_outfilename", None)

    def written(name: str) -> bool:
        return outfile is not None and Path(outfile(name)).is_file()

    stamp = page_stamp(app, shown)
    inputs = inputs_digest(app, stamp)
    names = list(names)
    if inputs and before["inputs"] == inputs and set(before["pages"]) == set(names) \
            and all(written(name) for name in names):
        return
    pages: dict[str, str] = {}
    for page in compute():
        name = page[0]
        pages[name] = page_digest(stamp, page)
        if before["pages"].get(name) == pages[name] and written(name):
            continue
        yield page
    after = {"inputs": inputs, "pages": pages}
    if after != before:
        write_if_changed(record, json.dumps(after, indent=0, sort_keys=True))
