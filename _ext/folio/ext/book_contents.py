"""What the collection's PDF and ePub hold: the essays, not the web site's other pages.

The web site has listings, a writing guide, an index; a book of essays has
the essays (and the home page's introduction) and whatever
``folio_offline_include`` names.  The PDF drops the other pages' parts of the
root document; the ePub shows the home page's toctree as its contents (the web
page hides it behind the essay list) and leaves the other pages' files out.

Only on a book of essays: a guest's PDF and ePub (Folio in someone else's
documentation site, tests/roots/test-guest) are the host's own book, all of its
pages in its own toctree order, with the essays among them as ordinary pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util.texescape import escape as tex_escape

from folio.core.wording import INTRODUCTION_HEADING, contents_entry, format_date
from folio.ext.design import FONTS, writer_set
from folio.ext.domain import folio_domain
from folio.ext.masthead import is_collection
from folio.ext.shared import FolioPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config


def is_book_of_essays(app: Sphinx) -> bool:
    """Whether the site's PDF and ePub are a book of essays: on a collection (its home
    page lists the essays) or a site of nothing but essays and its home page (a
    collection without an ``essay-list``).  A guest's pages are the host's, and stay."""
    if is_collection(app):
        return True
    essays = folio_domain(app.env).essays
    return all(name in essays or name == app.config.root_doc for name in app.env.found_docs)


def kept_offline(app: Sphinx, docname: str) -> bool:
    """Whether a page belongs in the collection's ePub and PDF: the essays, the
    home page and whatever ``folio_offline_include`` names."""
    return (docname in folio_domain(app.env).essays or docname == app.config.root_doc
            or docname in app.config.folio_offline_include)


def newest_first(app: Sphinx, docnames: list[str]) -> list[str]:
    """Essays newest first (as the home page lists them), then the other pages kept."""
    essays = folio_domain(app.env).essays
    dated = sorted((name for name in docnames if name in essays and essays[name].date),
                   key=lambda name: (essays[name].date, name), reverse=True)
    return dated + [name for name in docnames if name not in dated]


#: What a page holds besides its content (a heading stands after these).
NOT_CONTENT = (nodes.title, nodes.target, nodes.comment, nodes.raw,
               nodes.substitution_definition)


class BookOfEssays(FolioPostTransform):
    """The collection's PDF holds the essays, newest first (as the home page lists
    them), not the writing guide or the essay lists; its contents give each essay's
    date under its title, and the home page's opening words, if any, are headed
    "Introduction" (a book opens with a chapter, not an unheaded page)."""

    default_priority = 8
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        app = self.env._app
        if self.env.docname != self.config.root_doc or not is_book_of_essays(app):
            return
        for part in list(self.document.findall(addnodes.start_of_file)):
            if not kept_offline(app, part["docname"]):
                part.parent.remove(part)
        # The home page's toctree became one run of parts: put them in date order.
        parents = {id(part.parent): part.parent for part in
                   self.document.findall(addnodes.start_of_file)
                   if isinstance(part.parent, nodes.Element)}
        for parent in parents.values():
            parts = {child["docname"]: child for child in parent.children
                     if isinstance(child, addnodes.start_of_file)}
            if len(parts) < 2:
                continue
            first = min(parent.index(child) for child in parts.values())
            for child in parts.values():
                parent.remove(child)
            for offset, name in enumerate(newest_first(app, list(parts))):
                parent.insert(first + offset, parts[name])
        for box in list(self.document.findall(nodes.container)):
            if "folio-essay-list" in box["classes"]:
                box.parent.remove(box)
        self.date_the_contents(app)
        if is_collection(app):  # a guest's home page is theirs, not an introduction
            self.head_the_introduction()

    def date_the_contents(self, app: Sphinx) -> None:
        """``\\foliocontentsdate{30 May 2025}`` after each dated essay's title: ``folio.sty``
        sets the date under the title in the contents."""
        essays = folio_domain(app.env).essays
        for part in self.document.findall(addnodes.start_of_file):
            essay = essays.get(part["docname"])
            section = next(iter(part.findall(nodes.section)), None)
            if essay is None or essay.date is None or section is None:
                continue
            date = tex_escape(format_date(essay.date))
            at = 1 if section.children and isinstance(section[0], nodes.title) else 0
            section.insert(at, nodes.raw("", rf"\foliocontentsdate{{{date}}}", format="latex"))

    def head_the_introduction(self) -> None:
        """A heading before the home page's own words, when it has any before its essays."""
        root = next(iter(self.document.findall(nodes.section)), None)
        if root is None:
            return
        for at, child in enumerate(root.children):
            if isinstance(child, NOT_CONTENT):
                continue
            if next(iter(child.findall(addnodes.start_of_file)), None) is None:
                heading = tex_escape(INTRODUCTION_HEADING)
                root.insert(at, nodes.raw("", rf"\foliointroduction{{{heading}}}",
                                          format="latex"))
            return


class EpubOfEssays(FolioPostTransform):
    """The ePub's navigation lists every essay, newest first, each with its date, and
    nothing else the web site has; its home page is a contents page with the dates too.

    Sphinx builds the ePub's navigation and reading order from the home
    page's toctrees, leaving out hidden ones (the web home page hides its
    toctree behind the essay list): in the ePub the toctree is unhidden and
    put in date order; the essay list, which has the dates, is the contents
    page a reader sees (``folio-epub.css`` hides the toctree's own list).
    """

    default_priority = 8
    builders = ("epub",)

    def run(self, **kwargs: Any) -> None:
        app = self.env._app
        if self.env.docname != self.config.root_doc or not is_book_of_essays(app):
            return
        for toctree in self.document.findall(addnodes.toctree):
            toctree["hidden"] = False
            kept = newest_first(app, [ref for ref in toctree["includefiles"]
                                      if kept_offline(app, ref)])
            titles = {ref: title for title, ref in toctree["entries"]}
            toctree["entries"] = [(self.entry(ref, titles.get(ref)), ref) for ref in kept]
            toctree["includefiles"] = kept
            toctree["caption"] = None

    def entry(self, ref: str, title: str | None) -> str | None:
        """An essay's title and date (the navigation shows them as its contents); any
        other page as the toctree names it."""
        essay = folio_domain(self.env).essays.get(ref)
        if essay is None or essay.date is None:
            return title
        shown = title or (self.env.titles[ref].astext() if ref in self.env.titles
                          else essay.title)
        return contents_entry(shown, format_date(essay.date))


def leave_out_of_epub(app: Sphinx, builder: Builder) -> None:
    """Pages that are not essays stay out of the ePub's files too (and the web fonts:
    reading systems set the text in the reader's own choice, as Standard Ebooks do).

    At ``write-started``, after Sphinx has saved the environment: the setting is
    one the environment remembers, and changed any earlier it would make the
    next builder sharing the environment read every source again."""
    if builder.name != "epub":
        return
    suffix = getattr(builder, "out_suffix", ".xhtml")
    outside = [f"{name}{suffix}" for name in sorted(app.env.found_docs)
               if is_book_of_essays(app) and not kept_offline(app, name)]
    fonts = [f"_static/fonts/{p.name}" for p in sorted(FONTS.glob("*"))]
    fonts.append("_static/folio-web.css")
    app.config.epub_exclude_files = [*app.config.epub_exclude_files,
                                     *[n for n in outside + fonts
                                       if n not in app.config.epub_exclude_files]]


def no_index_in_the_epub(app: Sphinx, config: Config) -> None:
    """A book of essays has a contents page, not a generated index (unless asked)."""
    if not writer_set(config, "epub_use_index"):
        config.epub_use_index = False


def setup_book_contents(app: Sphinx) -> None:
    app.add_config_value("folio_offline_include", [], "env", types=frozenset({list, tuple}))
    app.connect("config-inited", no_index_in_the_epub, priority=800)
    app.connect("write-started", leave_out_of_epub)
    app.add_post_transform(BookOfEssays)
    app.add_post_transform(EpubOfEssays)
