"""Ways into the collection: the essay list, and pages by genre, tag and year,
the library of books and the quotations.

The lists are pure functions over the domain's records.  The generated pages
are written at ``html-collect-pages``, in the main process, from the whole
collection every build, so they are the same after an incremental build as
after a clean one; the ``essay-list`` directive is a placeholder filled when
references are resolved (``env-updated`` marks its pages stale).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from folio.core import wording
from folio.core.escaping import html_text
from folio.core.names import genre_page, tag_name
from folio.core.pages import page_order
from folio.core.records import Book, Essay, Quote
from folio.core.wording import SEPARATOR, format_date, join_names
from folio.ext.domain import Sidebar, folio_domain
from folio.ext.freshness import changed_pages, changed_titles, pages_showing, quiet_sidebars
from folio.ext.generated import Pages, summary_spans
from folio.ext.library import library_pages, remove_covers
from folio.ext.library import page_names as library_names
from folio.ext.series import page_names as series_names
from folio.ext.series import series_pages
from folio.ext.shared import WEB_BUILDERS, FolioPostTransform, quote_marks, warn
from folio.ext.years import page_names as year_names
from folio.ext.years import year_pages

if TYPE_CHECKING:
    from docutils.nodes import Node
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


class essay_list(nodes.General, nodes.Element):
    """Placeholder, always replaced by the list when references are resolved."""


# -- pure functions ------------------------------------------------------------------------

def newest_first(essays: Iterable[Essay]) -> list[Essay]:
    return sorted(essays, key=lambda e: (-(e.date.toordinal() if e.date else 0), e.docname))


def select_essays(essays: Iterable[Essay], genre: str = "", tag: str = "", year: int = 0,
                  limit: int = 0) -> list[Essay]:
    """Essays newest first, optionally of one genre, tag or year."""
    chosen = [e for e in newest_first(essays)
              if (not genre or genre in e.genres)
              and (not tag or tag_name(tag) in {tag_name(t) for t in e.tags})
              and (not year or (e.date is not None and e.date.year == year))]
    return chosen[:limit] if limit else chosen


def quotations(books: Mapping[str, Book], quotes: Mapping[str, list[Quote]]
               ) -> list[tuple[Book, list[Quote]]]:
    """Every ``page-quote`` grouped by book (title order), in page order."""
    grouped: dict[str, list[Quote]] = defaultdict(list)
    for docname in sorted(quotes):
        for quote in quotes[docname]:
            if quote.anchor and quote.book_key in books:
                grouped[quote.book_key].append(quote)
    return [(books[key], sorted(found, key=lambda q: (page_order(q), q.place)))
            for key, found in sorted(grouped.items(), key=lambda i: books[i[0]].title.casefold())]


# -- the essay-list directive ---------------------------------------------------------------

class EssayList(SphinxDirective):
    """``essay-list``: essays newest first, the first few featured."""

    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {  # type: ignore[misc]
        "featured": directives.unchanged,
        "limit": directives.unchanged,
        "genre": directives.unchanged,
        "tag": directives.unchanged,
        "year": directives.unchanged,
    }

    def number(self, option: str) -> int:
        text = str(self.options.get(option, "0") or "0").strip()
        if re.fullmatch(r"[0-9]{1,4}", text):
            return int(text)
        warn(f"essay-list: {option} {text!r} is not a whole number", self.get_location(),
             "listing")
        return 0

    def run(self) -> list[Node]:
        genre = str(self.options.get("genre", "") or "").strip()
        if genre and genre not in self.config.folio_genres:
            warn(f"essay-list: unknown genre {genre!r}", self.get_location(), "listing")
        node = essay_list(docname=self.env.docname, featured=self.number("featured"),
                          limit=self.number("limit"), genre=genre,
                          tag=str(self.options.get("tag", "") or "").strip(),
                          year=self.number("year"))
        folio_domain(self.env).lists[self.env.docname] = True
        return [node]


class FillEssayLists(FolioPostTransform):
    """Titles, dates, genres and summaries, linked; featured ones first."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        essays = folio_domain(self.env).essays.values()
        for placeholder in list(self.document.findall(essay_list)):
            chosen = select_essays(essays, placeholder["genre"], placeholder["tag"],
                                   placeholder["year"], placeholder["limit"])
            box = nodes.container(classes=["folio-essay-list"])
            for number, essay in enumerate(chosen):
                featured = number < placeholder["featured"]
                box += self.entry(essay, featured)
            placeholder.replace_self(box)

    def entry(self, essay: Essay, featured: bool) -> nodes.Element:
        title = nodes.inline(essay.title, essay.title)
        link = make_refnode(self.builder, self.env.docname, essay.docname, "", title)
        card = nodes.container(classes=["folio-essay", "folio-featured"] if featured
                               else ["folio-essay"])
        card += nodes.paragraph("", "", link, classes=["folio-essay-title"])
        label = folio_domain(self.env).views.labels.get(essay.docname, essay.genre)
        facts = SEPARATOR.join(part for part in (
            format_date(essay.date) if essay.date else "", label) if part)
        card += nodes.paragraph(facts, facts, classes=["folio-essay-facts"])
        if essay.summary:
            summary = nodes.paragraph(essay.summary, "", classes=["folio-summary"])
            for text, is_title in summary_spans(self.env, essay):
                summary += nodes.title_reference(text, text) if is_title else nodes.Text(text)
            card += summary
        return card


# -- generated pages (web only) -----------------------------------------------------------------

def generated_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """The generated pages whose content changed (:mod:`folio.ext.freshness`); pages no
    longer generated (a tag nobody uses now) are removed.

    Pages left out are not rewritten: their files already hold what they
    would show.  The sitemap and ``Views.generated`` still list every page.
    """
    if app.builder.name not in WEB_BUILDERS:
        return
    views = folio_domain(app.env).views
    for gone in views.gone:
        Path(app.outdir, app.builder.get_target_uri(gone)).unlink(missing_ok=True)

    remove_covers(app, views.gone)
    yield from changed_pages(app, lambda: collection_pages(app), views.generated,
                             (views.sidebar, views.downloads))


def tag_names(essays: Iterable[Essay]) -> dict[str, str]:
    """Tag page name → the tag as first written, newest essays first."""
    tags: dict[str, str] = {}
    for essay in newest_first(essays):
        for tag in essay.tags:
            tags.setdefault(tag_name(tag), tag)
    return dict(sorted(tags.items()))


def essays_by_tag(essays: Iterable[Essay]) -> dict[str, list[Essay]]:
    """Tag page name → its essays newest first, as :func:`select_essays` with ``tag``
    chooses them, but in one pass: a collection's tags grow with its essays, and
    going through every essay once per tag made the tag pages quadratic."""
    found: dict[str, list[Essay]] = defaultdict(list)
    for essay in newest_first(essays):
        for slug in dict.fromkeys(tag_name(t) for t in essay.tags):
            found[slug].append(essay)
    return dict(found)


def page_names(essays: Mapping[str, Essay], genres: Iterable[str], books: Mapping[str, Book],
               quotes: Mapping[str, list[Quote]], wanted: Iterable[str]) -> list[str]:
    """The names of the generated pages, known before any is written.

    Only pages with something to list, of the kinds ``folio_listing_pages``
    wants: a genre page per genre with an essay, tag pages and their index
    when essays have tags, the archive when an essay has a date, the quotations
    when a ``page-quote`` quotes one (the library and the books' pages:
    :func:`folio.ext.library.page_names`).  A site without essays has none:
    they are ways into a collection.
    """
    if not essays:
        return []
    wanted = set(wanted)
    names: set[str] = set()
    if "genres" in wanted:
        names |= {genre_page(g) for g in genres if select_essays(essays.values(), genre=g)}
    tags = tag_names(essays.values())
    if "tags" in wanted and tags:
        names |= {"tags/index", *(f"tags/{t}" for t in tags)}
    if "archive" in wanted and any(e.date for e in essays.values()):
        names.add("archive")
    if "quotations" in wanted and quotations(books, quotes):
        names.add("quotations")
    return sorted(names)


def collection_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Genre, tag and year listings, the library, the books and the quotations: those
    :func:`page_names` chose in ``env-updated``."""
    domain = folio_domain(app.env)
    essays = domain.essays
    chosen = set(domain.views.generated)

    def page(name: str, title: str, template: str, **context: Any) -> tuple[str, dict[str, Any],
                                                                          str]:
        links = Pages(app, name)
        body = app.builder.templates.render(f"folio/{template}",
                                            {"title": title, "links": links,
                                             "nothing": wording.NO_ESSAYS,
                                             "separator": SEPARATOR, **context})
        # The layout takes ``title`` as HTML, as Sphinx renders a document's.
        return name, {"title": html_text(title), "body": body}, "page.html"

    for genre in app.config.folio_genres:
        name = genre_page(genre)
        if name not in chosen:
            continue
        links = Pages(app, name)
        found = select_essays(essays.values(), genre=genre)
        yield page(name, wording.genre_page_title(genre), "listing.html",
                   intro=wording.genre_page_intro(len(found), genre),
                   essays=[links.essay(e) for e in found])
    tags = tag_names(essays.values())
    tagged = essays_by_tag(essays.values())
    for tag_slug, tag in tags.items():
        name = f"tags/{tag_slug}"
        if name not in chosen:
            continue
        links = Pages(app, name)
        found = tagged.get(tag_slug, [])
        yield page(name, wording.tag_page_title(tag), "listing.html",
                   intro=wording.tag_page_intro(len(found), tag),
                   essays=[links.essay(e) for e in found])
    counts = {tag_slug: len(tagged.get(tag_slug, [])) for tag_slug in tags}
    if "tags/index" in chosen:
        yield page("tags/index", wording.TAGS_TITLE, "tags.html",
                   tags=[(tag, f"{s}", wording.count_in_brackets(counts[s]))
                         for s, tag in sorted(tags.items())])
    years: dict[int, list[Essay]] = defaultdict(list)
    for essay in newest_first(essays.values()):
        if essay.date:
            years[essay.date.year].append(essay)
    links = Pages(app, "archive")
    if "archive" in chosen:
        yield page("archive", wording.ARCHIVE_TITLE, "archive.html",
                   years=[(year, [links.essay(e) for e in found])
                          for year, found in years.items()])
    # The library, the books', the series' and the reading years' pages (those modules build
    # on this one's helpers).

    yield from library_pages(app, chosen)
    yield from series_pages(app, chosen)
    yield from year_pages(app, chosen)
    page_format = app.config.folio_page_format

    def title(book: Book) -> dict[str, Any]:
        """A book's title as ``folio_title_style`` sets it: the text, and whether in italics."""
        text, italic = wording.styled_title(wording.book_title(book),
                                            app.config.folio_title_style,
                                            quote_marks(app.config))
        return {"text": text, "italic": italic, "authors": join_names(book.authors)}

    spoilers = {"label": app.config.folio_spoiler_label,
                "mark": wording.spoiler_mark(app.config.folio_spoiler_label),
                "fold": app.config.folio_spoiler_style == "fold"}
    links = Pages(app, "quotations")
    if "quotations" not in chosen:
        return
    yield page("quotations", wording.QUOTATIONS_TITLE, "quotations.html", spoilers=spoilers,
               books=[
        (book, [{"reference": wording.quoted_in(wording.page_reference(page_format,
                                                                        quote.pages)),
                 "text": quote.text, "spoiler": quote.spoiler,
                 "href": links.href(quote.place.docname, quote.anchor),
                 "essay": links.page(quote.place.docname, essays)["title"]}
                for quote in found], title(book))
               for book, found in quotations(domain.books, domain.quotes)])


def sidebar(essays: Iterable[Essay], genres: Iterable[str]) -> Sidebar:
    """The sidebar's lists: six recent essays, and each genre with its count."""
    essays = list(essays)
    recent = [(e.docname, e.title) for e in newest_first(essays)[:6]]
    counts = [(genre_page(g), g, len(select_essays(essays, genre=g))) for g in genres]
    return recent, counts


def sidebar_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                    doctree: nodes.document | None) -> None:
    """What the sidebar shows: recent essays, genres, and the ways in; never the whole site."""
    # Computed once per build in env-updated (refresh_listings), not once per page.
    views = folio_domain(app.env).views
    recent, genres = views.sidebar or ([], [])
    # Links only to pages that exist (refresh_listings rewrites every page when that changes).
    context["folio_words"] = wording.SIDEBAR
    context["folio_recent"] = recent
    context["folio_genres"] = [(page, wording.genre_with_count(genre, count))
                               for page, genre, count in genres if page in views.generated]
    context["folio_browse"] = [(page, label) for page, label in wording.BROWSE
                               if page in views.generated]


#: Generated pages only their own refreshes' pages link to (the library, the parts of a
#: series, the reading years' index), never the sidebar or a byline.
LINKED_BY_FEW = ("books/", "series/", "reading/")


def linked_from_every_page(names: Iterable[str]) -> list[str]:
    """The generated pages any page may link to: a new or gone one stales every page."""
    return [name for name in names
            if not name.startswith(LINKED_BY_FEW) or name == "reading/index"]


def refresh_listings(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """The generated pages, the sidebar and the pages' titles; return what they staled.

    A page's navigation shows other pages' titles: the sidebar's recent
    essays and genre counts on every page, previous/next on an essay's
    neighbours by date.  A changed sidebar stales every page; a changed title
    only the pages showing it (:func:`folio.ext.freshness.pages_showing`), which
    Sphinx alone would not see.  Pages with an essay-list show every essay's
    title, date, genre and summary.
    """
    domain = folio_domain(env)
    views = domain.views

    wanted = set(app.config.folio_listing_pages)
    generated = sorted({
        *page_names(domain.essays, app.config.folio_genres, domain.books, domain.quotes,
                    wanted),
        *library_names(domain.essays, domain.books, domain.library, wanted),
        *series_names(domain.essays, wanted), *year_names(domain.library, wanted)})
    views.gone = sorted(set(views.generated) - set(generated))
    # The sidebar, bylines and listings link to them (not to a book's, a series' or a
    # reading year's page: the pages that do are their refreshes' business).
    linked = linked_from_every_page(generated) != linked_from_every_page(views.generated)
    views.generated = generated
    titles = {name: env.titles[name].astext() for name in sorted(env.found_docs)
              if name in env.titles}
    menu = sidebar(domain.essays.values(), app.config.folio_genres)
    if linked or menu != views.sidebar:
        stale: set[str] = set(env.found_docs)
    else:
        stale = pages_showing(env, changed_titles(views.titles, titles), views.order,
                              quiet_sidebars(app.config.html_sidebars))
    views.titles, views.sidebar = titles, menu
    if domain.essays != views.shown:
        views.shown = dict(domain.essays)
        stale |= set(domain.lists)
    return stale


def setup_listings(app: Sphinx) -> None:
    app.add_directive("essay-list", EssayList)
    app.add_post_transform(FillEssayLists)
    app.connect("html-collect-pages", generated_pages)
    # Before any theme renders the sidebar (to see whether it is empty): it needs the words.
    app.connect("html-page-context", sidebar_context, priority=400)
