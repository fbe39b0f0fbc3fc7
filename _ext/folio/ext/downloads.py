"""Offline reading on the web: "Download: PDF · ePub" for the files that exist.

Every essay page (and the home page, for the collection's) offers the files
found in the downloads folder (``_build/downloads``, beside every builder's
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
    section.insert(header_end(section), downloads(docname=docname, home=is_home))


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
            paragraph = nodes.paragraph()
            paragraph += nodes.Text(download_label(home))
            here = self.builder.get_target_uri(docname)
            whole = [(label, name) for label, name in self.series_names(docname)
                     if (folder / name).is_file()]
            for group, files in enumerate((offered, whole)):
                if group and files:
                    paragraph += nodes.Text(SERIES_DOWNLOADS)
                for number, (label, name) in enumerate(files):
                    if number:
                        paragraph += nodes.Text(SEPARATOR)
                    paragraph += nodes.reference(
                        label, label, refuri=relative_uri(here, f"{DOWNLOADS}/{name}"))
            placeholder.replace_self(nodes.container("", paragraph, classes=["folio-downloads"]))


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
