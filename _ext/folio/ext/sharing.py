"""How the collection travels: an Atom feed, a sitemap, link previews and
schema.org data.

The feed (built with feedgen) and the sitemap are written at
``build-finished`` from the whole collection, so they are complete after an
incremental build too (sphinx-sitemap collects pages as they are written,
so an incremental build's sitemap would list only the pages rewritten).
Link previews, the feed's address and JSON-LD go into the ``<head>`` of
Folio's own pages (essays, pages with an essay list, generated pages) at
``html-page-context``, which only reads the records; any other page of a
site that adds Folio is left as it was.  Where sphinxext-opengraph writes the
previews, Folio hands it each essay's summary and adds only what it lacks.
"""

from __future__ import annotations

import datetime
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin
from xml.etree import ElementTree

from docutils import nodes
from sphinx.util import logging

from folio.core.escaping import html_text, script_json
from folio.core.ratings import WORST
from folio.core.records import Book, Essay
from folio.ext.config import author_of
from folio.ext.domain import folio_domain
from folio.ext.listings import newest_first
from folio.ext.shared import WEB_BUILDERS, FolioPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

FEED = "atom.xml"
SITEMAP = "sitemap.xml"


def site_url(app: Sphinx) -> str:
    base = str(app.config.html_baseurl or "")
    return base if not base or base.endswith("/") else base + "/"


def page_url(app: Sphinx, pagename: str) -> str:
    return urljoin(site_url(app), str(app.builder.get_target_uri(pagename)))


def published(essay: Essay) -> datetime.datetime:
    day = essay.date or datetime.date(1970, 1, 1)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def absolute_links(fragment: str, base: str) -> str:
    """Feed readers resolve links against the feed, not the page: make them absolute."""
    def absolute(match: re.Match[str]) -> str:
        target = urljoin(base, html.unescape(match.group(2)))
        return f'{match.group(1)}="{html_text(target)}"'

    return re.sub(r'(href|src)="([^"#:][^":]*|#[^"]*)"', absolute, fragment)


# -- the feed and the sitemap ---------------------------------------------------------------------

def write_feed_and_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """Both need the site's address; without one, say so and write neither."""
    if exception or app.builder.name not in WEB_BUILDERS:
        return
    base = site_url(app)
    if not base:
        logger.info("folio: no feed or sitemap: set html_baseurl in conf.py to have them")
        return
    if app.config.folio_feed_length:
        write_feed(app, base)
    write_sitemap(app, base)


def write_feed(app: Sphinx, base: str) -> None:
    """``atom.xml``: the newest essays, as summaries or in full."""
    from feedgen.feed import FeedGenerator  # only web builds need it

    essays = newest_first(folio_domain(app.env).essays.values())[: app.config.folio_feed_length]
    feed = FeedGenerator()
    feed.id(base)
    feed.title(app.config.html_title or app.config.project)
    feed.author({"name": author_of(app.config)})
    feed.link(href=base, rel="alternate")
    feed.link(href=urljoin(base, FEED), rel="self")
    feed.language(app.config.language or "en")
    feed.updated(published(essays[0]) if essays else datetime.datetime(1970, 1, 1,
                                                                        tzinfo=datetime.UTC))
    for essay in reversed(essays):  # feedgen lists the last added first
        url = page_url(app, essay.docname)
        entry = feed.add_entry()
        entry.id(url)
        entry.title(essay.title)
        entry.link(href=url)
        entry.published(published(essay))
        entry.updated(published(essay))
        entry.author({"name": essay.author})
        entry.category([{"term": tag} for tag in (essay.genre, *essay.tags) if tag])
        if essay.summary:
            entry.summary(essay.summary)
        if app.config.folio_feed_content == "full":
            entry.content(full_text(app, essay.docname, url), type="html")
    feed.atom_file(str(Path(app.outdir, FEED)), pretty=True)


def full_text(app: Sphinx, docname: str, url: str) -> str:
    """An essay's body as HTML, rendered again in the main process."""
    doctree = app.env.get_and_resolve_doctree(docname, app.builder, tags=app.tags)
    fragment = app.builder.render_partial(doctree)["fragment"]  # type: ignore[attr-defined]
    return absolute_links(str(fragment), url)


def write_sitemap(app: Sphinx, base: str) -> None:
    """``sitemap.xml``: every document and generated page, in name order.

    From the records, not the output folder, which still holds the pages of
    essays deleted since the last clean build.
    """
    names = sorted({*app.env.found_docs, *folio_domain(app.env).views.generated})
    ElementTree.register_namespace("", "http://www.sitemaps.org/schemas/sitemap/0.9")
    root = ElementTree.Element("{http://www.sitemaps.org/schemas/sitemap/0.9}urlset")
    for name in names:
        url = ElementTree.SubElement(root, "{http://www.sitemaps.org/schemas/sitemap/0.9}url")
        ElementTree.SubElement(url, "{http://www.sitemaps.org/schemas/sitemap/0.9}loc").text = \
            page_url(app, name)
    ElementTree.indent(root)
    ElementTree.ElementTree(root).write(Path(app.outdir, SITEMAP), encoding="utf-8",
                                        xml_declaration=True)


# -- link previews and schema.org ------------------------------------------------------------------

def book_data(book: Book) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Book", "name": book.title,
                            "author": [{"@type": "Person", "name": a} for a in book.authors]}
    if book.isbn:
        data["isbn"] = book.isbn
    if book.edition:
        data["bookEdition"] = book.edition
    if book.publisher:
        data["publisher"] = {"@type": "Organization", "name": book.publisher}
    if book.year:
        data["datePublished"] = book.year
    if book.pages:
        data["numberOfPages"] = book.pages
    return data


def essay_data(essay: Essay, books: list[Book], url: str, scale: int = 5) -> dict[str, Any]:
    """A ``Review`` of its book when the essay is a review of one (or rates the book
    it cites: then with its ``reviewRating``); else an ``Article``."""
    reviews = bool(books) and (essay.genre == "review" or essay.rating is not None)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Review" if reviews else "Article",
        "headline": essay.title, "url": url, "genre": essay.genre,
        "author": {"@type": "Person", "name": essay.author},
    }
    if essay.date:
        data["datePublished"] = essay.date.isoformat()
    if essay.summary:
        data["description"] = essay.summary
    if essay.tags:
        data["keywords"] = list(essay.tags)
    if data["@type"] == "Review":
        data["itemReviewed"] = book_data(books[0])
        if essay.rating is not None:
            data["reviewRating"] = {"@type": "Rating", "ratingValue": essay.rating,
                                    "bestRating": scale, "worstRating": WORST}
        if len(books) > 1:
            data["about"] = [book_data(b) for b in books[1:]]
    elif books:
        data["about"] = [book_data(b) for b in books]
    return data


#: Extensions that write link-preview tags (``og:*``, ``twitter:*``) themselves.
PREVIEW_EXTENSIONS = ("sphinxext.opengraph",)


def meta(name: str, value: str, attribute: str = "property") -> str:
    return f'<meta {attribute}="{html_text(name)}" content="{html_text(value)}" />\n'


def tags_present(metatags: str) -> set[str]:
    """The ``property``/``name`` of every ``<meta>`` a page's head already carries."""
    return {match.group(2) for match in
            re.finditer(r'<meta\s[^>]*?\b(property|name)="([^"]+)"', metatags)}


def previews_elsewhere(app: Sphinx) -> bool:
    """Whether another extension writes the link previews (sphinxext-opengraph)."""
    return any(name in app.extensions for name in PREVIEW_EXTENSIONS)


def folio_page(app: Sphinx, pagename: str) -> bool:
    """Essays, pages with an essay list and the pages Folio writes: the pages that
    carry Folio's head tags (and its styles); every other page of the site is left
    as its own extensions and theme make it."""
    domain = folio_domain(app.env)
    return (pagename in domain.essays or pagename in domain.lists
            or pagename in domain.views.generated)


def offer_essay_to_previews(app: Sphinx, pagename: str, templatename: str,
                            context: dict[str, Any], doctree: nodes.document | None) -> None:
    """Before a preview extension writes an essay's tags: its summary and type.

    sphinxext-opengraph takes per-page ``og:*`` values from the page's metadata
    (``context["meta"]``) and leaves out its own ``description`` when the head
    has one, so an essay's preview shows its summary, not the byline it would
    otherwise read off the page.  A copy: the environment's metadata stays as read.
    """
    essay = folio_domain(app.env).essays.get(pagename)
    if essay is None or app.builder.name not in WEB_BUILDERS or not previews_elsewhere(app):
        return
    page_meta = dict(context.get("meta") or {})
    page_meta.setdefault("og:type", "article")
    if essay.summary:
        page_meta.setdefault("og:description", essay.summary)
        if "description" not in tags_present(context.get("metatags", "")):
            context["metatags"] = (context.get("metatags", "")
                                   + meta("description", essay.summary, "name"))
    context["meta"] = page_meta


def add_page_metadata(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                      doctree: nodes.document | None) -> None:
    """Link previews, the feed's address and JSON-LD, on Folio's own pages.

    Runs after other extensions (priority 900): a tag the page already has is
    never written again, and where another extension wrote the previews
    (``og:*``), Folio adds only what they lack: an essay's cover as ``og:image``.
    """
    if app.builder.name not in WEB_BUILDERS or not folio_page(app, pagename):
        return
    base = site_url(app)
    domain = folio_domain(app.env)
    essay = domain.essays.get(pagename)
    present = tags_present(context.get("metatags", ""))
    theirs = previews_elsewhere(app) or any(name.startswith("og:") for name in present)
    title = essay.title if essay else html.unescape(re.sub("<[^>]+>", "", context.get("title")
                                                           or app.config.project))
    previews: list[tuple[str, str, str]] = []  # (attribute, name, value)
    if not theirs:
        previews += [("property", "og:title", title),
                     ("property", "og:type", "article" if essay else "website"),
                     ("property", "og:site_name", app.config.html_title or app.config.project),
                     ("name", "twitter:card", "summary")]
        if essay and essay.summary:
            previews += [("property", "og:description", essay.summary),
                         ("name", "description", essay.summary)]
        if base:
            previews.append(("property", "og:url", page_url(app, pagename)))
    cover = raster_cover(app, pagename) if essay else ""
    if cover and base:
        previews.append(("property", "og:image", urljoin(base, cover)))
    tags = [meta(name, value, attribute) for attribute, name, value in previews
            if name not in present]
    if base and app.config.folio_feed_length:
        tags.append(f'<link rel="alternate" type="application/atom+xml" title="{html_text(title)}'
                    f' feed" href="{html_text(urljoin(base, FEED))}" />\n')
    if essay:
        books = [domain.books[key] for key in domain.cited_keys(pagename) if key in domain.books]
        data = script_json(essay_data(essay, books, page_url(app, pagename) if base else "",
                                      app.config.folio_rating_scale))
        tags.append(f'<script type="application/ld+json">{data}</script>\n')
    context["metatags"] = context.get("metatags", "") + "".join(tags)


def raster_cover(app: Sphinx, docname: str) -> str:
    """The essay's first cover image that previews can show (not a drawn SVG)."""
    images = app.env.images
    for citation in folio_domain(app.env).citations.get(docname, []):
        if citation.cover in images and not citation.cover.endswith(".svg"):
            return f"{app.builder.imagedir}/{images[citation.cover][1]}"
    return ""


class Microformats(FolioPostTransform):
    """Every essay an ``h-entry`` (and an ``h-review`` when it is rated), for the
    IndieWeb's readers: its name, date, author, and the rating and the book rated.

    The rating's values are the rating node's own (:mod:`folio.ext.ratings`),
    the date the byline's own (a ``<time>``); the name, the author and the book
    are ``<data>`` values, as written (the page's heading holds a permalink,
    and an essay by the collection's author names none in its byline).
    """

    default_priority = 7
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        domain = folio_domain(self.env)
        essay = domain.essays.get(self.env.docname)
        section = next((c for c in self.document.children if isinstance(c, nodes.section)), None)
        if essay is None or section is None:
            return
        section["classes"] += ["h-entry", "h-review"] if essay.rating is not None \
            else ["h-entry"]
        # The name as written (the heading also holds its permalink's pilcrow).
        values = [("p-name", essay.title)]
        if essay.author:
            values.append(("p-author", essay.author))
        books = [domain.books[key] for key in domain.cited_keys(self.env.docname)
                 if key in domain.books]
        if essay.rating is not None and books:
            values.append(("p-item", books[0].title or books[0].key))
        for inline in section.findall(nodes.inline):
            if "folio-date" in inline["classes"] and essay.date:
                shown = inline.astext()
                inline.children = [nodes.raw(
                    "", f'<time class="dt-published" datetime="{essay.date.isoformat()}">'
                        f"{html_text(shown)}</time>", format="html")]
                break
        section.insert(1 if section.children else 0, nodes.raw("", "".join(
            f'<data class="{name}" value="{html_text(value)}"></data>'
            for name, value in values), format="html"))


def setup_sharing(app: Sphinx) -> None:
    app.add_post_transform(Microformats)
    app.connect("html-page-context", offer_essay_to_previews, priority=400)
    app.connect("html-page-context", add_page_metadata, priority=900)
    app.connect("build-finished", write_feed_and_sitemap)
