"""Offline reading on the web: "Download: PDF · ePub" for the files that exist.

Every essay page (and the home page, for the collection's) offers the files
found in the downloads folder.  On an essay the offer is the byline's last
item, "14 March 2024 · review · Download: PDF · ePub", as a magazine sets its
"save" and "print" by the byline: facts about the piece, then the ways to
take it away, never a line of its own under the title (issue 20); an essay
with no byline, and the home page, give it a line of its own.  The files are
those found in the downloads folder (``_build/downloads``, beside every builder's
folder), which the web build publishes as ``downloads/``; when the files on
offer change, every page is written again.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.osutil import relative_uri

from folio.core.names import series_page, series_stem
from folio.core.wording import (
    DOWNLOAD_GROUP_JOINER,
    EPUB_LABEL,
    PDF_LABEL,
    SEPARATOR,
    SERIES_DOWNLOADS,
    download_label,
)
from folio.ext.domain import folio_domain
from folio.ext.essays import header_end
from folio.ext.offline import essay_stem
from folio.ext.shared import WEB_BUILDERS, FolioPostTransform, is_web

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

DOWNLOADS = "downloads"


class downloads(nodes.General, nodes.Element):
    """Placeholder, always replaced: by the download links on web pages, else by nothing."""


def mark_downloads(app: Sphinx, doctree: nodes.document) -> None:
    """Leave a placeholder for download links under an essay's byline and on the home page."""
    if not app.config.folio_essay_downloads:
        return
    docname = app.env.docname
    is_home = docname == app.config.root_doc
    if docname not in folio_domain(app.env).essays and not is_home:
        return
    section = next((c for c in doctree.children if isinstance(c, nodes.section)), None)
    if section is None:
        return
    placeholder = downloads(docname=docname, home=is_home)
    byline = next((child for child in section.children if isinstance(child, nodes.container)
                   and "folio-byline" in child["classes"]), None)
    if not is_home and byline is not None and isinstance(byline[0], nodes.paragraph):
        byline[0] += placeholder
    else:
        section.insert(header_end(section), placeholder)


def download_names(config: Config, docname: str, home: bool) -> list[tuple[str, str]]:
    """(label, file name) of what a page may offer."""
    if home:
        pdf = config.latex_documents[0][1].replace(".tex", ".pdf") if config.latex_documents \
            else ""
        return [(PDF_LABEL, pdf), (EPUB_LABEL, f"{config.epub_basename}.epub")]
    stem = essay_stem(config, docname)
    return [(PDF_LABEL, f"{stem}.pdf"), (EPUB_LABEL, f"{stem}.epub")]


def downloads_folder(outdir: str | Path) -> Path:
    """``_build/downloads``: beside every builder's output folder."""
    return Path(outdir).parent / DOWNLOADS


class DownloadLinks(FolioPostTransform):
    """"Download: PDF · ePub", for the files that exist (a part of a series offers the
    series' too); nothing elsewhere."""

    default_priority = 5

    def series_names(self, docname: str) -> list[tuple[str, str]]:
        """(label, file name) of the PDF and ePub of the series an essay is a part of."""
        essay = folio_domain(self.env).essays.get(docname)
        if essay is None or not essay.series:
            return []
        stem = series_stem(series_page(essay.series))
        return [(PDF_LABEL, f"{stem}.pdf"), (EPUB_LABEL, f"{stem}.epub")]

    def run(self, **kwargs: Any) -> None:
        web = is_web(self.builder)
        folder = downloads_folder(self.builder.outdir)
        for placeholder in list(self.document.findall(downloads)):
            docname, home = placeholder["docname"], placeholder["home"]
            offered = [(label, name) for label, name in download_names(self.config, docname, home)
                       if web and name and (folder / name).is_file()]
            if not offered:
                placeholder.replace_self([])
                continue
            in_byline = isinstance(placeholder.parent, nodes.paragraph)
            here = self.builder.get_target_uri(docname)
            whole = [(label, name) for label, name in self.series_names(docname)
                     if (folder / name).is_file()]
            offer: nodes.Element = nodes.inline() if in_byline else nodes.paragraph()
            for label, files in ((download_label(home), offered), (SERIES_DOWNLOADS, whole)):
                if not files:
                    continue
                if len(offer):
                    offer += nodes.Text(DOWNLOAD_GROUP_JOINER)
                offer += self.group(label, files, here)
            if in_byline:
                offer["classes"].append("folio-downloads")
                placeholder.replace_self([nodes.Text(SEPARATOR), offer])
            else:
                placeholder.replace_self(nodes.container("", offer, classes=["folio-downloads"]))

    @staticmethod
    def group(label: str, files: list[tuple[str, str]], here: str) -> nodes.inline:
        """"Download: PDF · ePub" (or "the series: PDF · ePub"), never broken inside."""
        group = nodes.inline(classes=["folio-download-group"])
        group += nodes.Text(label)
        for number, (name_label, name) in enumerate(files):
            if number:
                group += nodes.Text(SEPARATOR)
            group += nodes.reference(name_label, name_label,
                                     refuri=relative_uri(here, f"{DOWNLOADS}/{name}"))
        return group


def copy_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Publish the downloads folder with the web site."""
    if exception or app.builder.name not in WEB_BUILDERS:
        return
    folder = downloads_folder(app.outdir)
    if folder.is_dir() and any(folder.iterdir()):
        shutil.copytree(folder, Path(app.outdir) / DOWNLOADS, dirs_exist_ok=True)


def missing_downloads(app: Sphinx) -> list[str]:
    """The essays' files a web page would offer but the downloads folder lacks."""
    if not app.config.folio_essay_downloads:
        return []
    present = set(available_downloads(app))  # one listing, not a look per file
    return [name for docname in sorted(folio_domain(app.env).essays)
            for _label, name in download_names(app.config, docname, home=False)
            if name not in present]


def available_downloads(app: Sphinx) -> list[str]:
    """The files offered now, so pages are rewritten when that changes."""
    folder = downloads_folder(app.outdir)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def refresh_downloads(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """Every page when the files offered for download changed (the home page offers
    the collection's, each essay its own).  Only web pages offer them: the ePub and
    LaTeX builds, which may run while the files are being written, never look."""
    if not is_web(app.builder):
        return set()
    views = folio_domain(env).views
    offered = available_downloads(app)
    if offered == views.downloads:
        return set()
    views.downloads = offered
    return set(env.found_docs)


def setup_downloads(app: Sphinx) -> None:
    app.connect("doctree-read", mark_downloads)
    app.add_post_transform(DownloadLinks)
    app.connect("build-finished", copy_downloads)
