"""Essays written in parts: ``series:`` and ``part:`` in the front matter.

Each part says "Part 2 of 3 in Rereading the Brontës" under its byline and
links the previous and next parts, in every output (on the web the series'
name leads to its page, ``series/<slug>.html``; in print it is text).  The
line is a placeholder until every essay is read (:class:`FillSeries`): the
parts are known only then.  :func:`refresh_series` recomputes the series in
``env-updated`` and returns the parts whose line shows something new (a part
added, moved, removed or retitled).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.nodes import make_refnode
from sphinx.util.osutil import relative_uri

from folio.core import wording
from folio.core.escaping import html_text
from folio.core.frontmatter import field_lines
from folio.core.names import series_page, series_stem
from folio.core.records import Essay
from folio.ext.config import author_of
from folio.ext.domain import folio_domain, in_this_book
from folio.ext.downloads import DOWNLOADS, downloads_folder
from folio.ext.essays import header_end
from folio.ext.generated import Pages
from folio.ext.shared import PRINT_SERIES, WEB_BUILDERS, FolioPostTransform, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


class series_line(nodes.General, nodes.Element):
    """Placeholder, always replaced by the part's line when references are resolved."""


# -- pure functions --------------------------------------------------------------------------

def parts_of(essays: Mapping[str, Essay]) -> dict[str, tuple[str, ...]]:
    """Series page → its parts in order: by ``part``, then date, then name (a part
    without a number after the numbered ones)."""
    grouped: dict[str, list[Essay]] = defaultdict(list)
    for essay in essays.values():
        if essay.series:
            grouped[series_page(essay.series)].append(essay)
    return {page: tuple(e.docname for e in sorted(
        found, key=lambda e: (e.part is None, e.part or 0,
                              e.date.toordinal() if e.date else 0, e.docname)))
            for page, found in sorted(grouped.items())}


def series_name(essays: Mapping[str, Essay], parts: tuple[str, ...]) -> str:
    """The series' name as its first part writes it."""
    return essays[parts[0]].series


def position(essays: Mapping[str, Essay], parts: tuple[str, ...], docname: str) -> int:
    """The part's number: as written, else its place in the series."""
    return essays[docname].part or parts.index(docname) + 1


# -- the line under the byline -----------------------------------------------------------------

def mark_series(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: a placeholder for a part's line, under the essay's byline
    (before the download links, which follow the header's lines)."""
    essay = folio_domain(app.env).essays.get(app.env.docname)
    section = next((c for c in doctree.children if isinstance(c, nodes.section)), None)
    if essay is None or not essay.series or section is None:
        return
    section.insert(header_end(section), nodes.container(
        "", series_line(docname=essay.docname), classes=["folio-series-line"]))


class FillSeries(FolioPostTransform):
    """"Part 2 of 3 in <series>", and the previous and next parts, linked where they can be."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain = folio_domain(self.env)
        essays, series = domain.essays, domain.views.series
        web = self.builder.name in WEB_BUILDERS
        for placeholder in list(self.document.findall(series_line)):
            docname = placeholder["docname"]
            essay = essays.get(docname)
            parts = series.get(series_page(essay.series), ()) if essay else ()
            if essay is None or docname not in parts:
                placeholder.replace_self([])
                continue
            number = position(essays, parts, docname)
            line = nodes.paragraph()
            line += nodes.Text(wording.part_of(number, len(parts)))
            name: nodes.Element = nodes.inline(essay.series, essay.series,
                                               classes=["folio-series-name"])
            page = series_page(essay.series)
            if web and page in domain.views.generated:
                here = self.builder.get_target_uri(docname)
                name = nodes.reference("", "", name, internal=True,
                                       refuri=relative_uri(here, self.builder.get_target_uri(page)))
            line += name
            neighbours = nodes.paragraph(classes=["folio-series-neighbours"])
            index = parts.index(docname)
            for label, other in ((wording.PREVIOUS_PART, parts[index - 1] if index else ""),
                                 (wording.NEXT_PART, parts[index + 1]
                                  if index + 1 < len(parts) else "")):
                if not other:
                    continue
                if len(neighbours):
                    neighbours += nodes.Text(wording.SEPARATOR)
                title = nodes.inline(essays[other].title, essays[other].title)
                neighbours += nodes.Text(label)
                neighbours += (make_refnode(self.builder, docname, other, "", title)
                               if in_this_book(self.builder, other) else title)
            placeholder.replace_self([line, neighbours] if len(neighbours) else [line])


# -- the collection, once per build --------------------------------------------------------------

def refresh_series(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """The series and their parts; return the parts whose line shows something new."""
    domain = folio_domain(env)
    views = domain.views
    essays = domain.essays
    series = parts_of(essays)
    shown = {page: tuple((name, essays[name].title, position(essays, parts, name))
                         for name in parts) for page, parts in series.items()}
    before = views.series_shown
    views.series, views.series_shown = series, shown
    stale: set[str] = set()
    for page in set(before) | set(shown):
        if before.get(page) != shown.get(page):
            stale |= {entry[0] for entry in (*before.get(page, ()), *shown.get(page, ()))}
    return stale


def check_series(app: Sphinx, env: BuildEnvironment) -> None:
    """Two essays claiming the same part of a series: a warning at the second's ``part``."""
    domain = folio_domain(env)
    essays = domain.essays
    for parts in parts_of(essays).values():
        claimed: dict[int, str] = {}
        for name in sorted(parts):
            part = essays[name].part
            if part is None:
                continue
            if part in claimed:
                line = field_lines(str(env.doc2path(name))).get("part", 1)
                warn(f"part {part} of {essays[name].series!r} is also "
                     f"{env.doc2path(claimed[part], False)}'s", (name, line), "series")
            else:
                claimed[part] = name


# -- the series' pages (web only) --------------------------------------------------------------

def page_names(essays: Mapping[str, Essay], wanted: set[str]) -> list[str]:
    return sorted(parts_of(essays)) if "series" in wanted else []


def series_pages(app: Sphinx, chosen: set[str]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """A page per series: its parts in order."""
    domain = folio_domain(app.env)
    essays = domain.essays
    for page, parts in domain.views.series.items():
        if page not in chosen or not parts:
            continue
        links = Pages(app, page)
        name = series_name(essays, parts)
        title = wording.series_page_title(name)
        folder = downloads_folder(app.outdir)
        offered = [(label, links.resource(f"{DOWNLOADS}/{file}"))
                   for label, file in ((wording.PDF_LABEL, f"{series_stem(page)}.pdf"),
                                       (wording.EPUB_LABEL, f"{series_stem(page)}.epub"))
                   if (folder / file).is_file()]
        body = app.builder.templates.render("folio/series.html", {
            "title": title, "intro": wording.series_page_intro(len(parts)),
            "downloads": offered, "download_label": wording.download_label(False),
            "separator": wording.SEPARATOR,
            "parts": [(wording.part_label(position(essays, parts, part)),
                       links.essay(essays[part])) for part in parts]})
        yield page, {"title": html_text(title), "body": body}, "page.html"


# -- the series' own PDF and ePub ------------------------------------------------------------

def series_for_print(app: Sphinx) -> list[dict[str, Any]]:
    """Each series as ``folio.commands.offprints`` makes its PDF: the file's stem, its
    title and author (as text for the PDF's metadata, as LaTeX for its title page),
    the sentence under the title and its parts' docnames in order."""
    from sphinx.util import texescape

    engine = app.config.latex_engine
    texescape.init()
    essays = folio_domain(app.env).essays
    listed = []
    for page, parts in sorted(folio_domain(app.env).views.series.items()):
        if not parts:
            continue
        name = series_name(essays, parts)
        author = author_of(app.config, essays[parts[0]].author)
        listed.append({"stem": series_stem(page), "title": name, "author": author,
                       "title_tex": texescape.escape(name, engine),
                       "author_tex": texescape.escape(author, engine),
                       "intro_tex": texescape.escape(wording.series_page_intro(len(parts)),
                                                     engine),
                       "parts": list(parts)})
    return listed


def write_series_epubs(app: Sphinx, exception: Exception | None) -> None:
    """Each series as a book of its own: its parts' chapters of the collection's ePub,
    in order, beside the essays' own ePubs in the downloads folder."""
    if exception or app.builder.name != "epub" or not app.config.folio_essay_downloads:
        return
    from folio.ext.epubs import package_epub  # the essays' own ePubs are made the same way

    essays = folio_domain(app.env).essays
    folder = downloads_folder(app.builder.outdir)
    for page, parts in sorted(folio_domain(app.env).views.series.items()):
        dates = [day for day in (essays[p].date for p in parts) if day is not None]
        newest = max(dates) if dates else None
        package_epub(app, [(part, f"part-{number}.xhtml") for number, part
                           in enumerate(parts, start=1)],
                     f"{app.config.epub_uid}-{series_stem(page)}", series_name(essays, parts),
                     essays[parts[0]].author, newest, folder / f"{series_stem(page)}.epub")



def setup_series(app: Sphinx) -> None:
    app.connect("doctree-read", mark_series, priority=400)  # before the download links
    app.add_post_transform(FillSeries)
    app.connect("env-check-consistency", check_series)
    app.connect("build-finished", write_series_epubs)
    # The offprint list (ext/offline.py) asks for the series by this event, so that
    # module need not import this one, which builds on it.
    app.add_event(PRINT_SERIES)
    app.connect(PRINT_SERIES, series_for_print)
