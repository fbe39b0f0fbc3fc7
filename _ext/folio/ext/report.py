"""What a build made, for ``folio build``'s summary (:mod:`folio.commands.summary`).

Each build leaves ``folio-report-<builder>.json`` beside its doctrees (one per
builder: ``folio build``'s builders share one doctree folder), never
published: the essays, the files written, and the two notes a writer needs
before it matters (offline files linking to an example address, web pages
without their download links).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sphinx.util import logging

from folio.core.state import report_name, write_if_changed
from folio.ext.domain import folio_domain
from folio.ext.downloads import downloads_folder, missing_downloads
from folio.ext.shared import is_web

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)


def example_address(url: str) -> bool:
    """Whether ``url`` is on a domain reserved for examples (RFC 2606), like the sample's."""
    host = urlsplit(url).hostname or ""
    return bool(re.search(r"(^|\.)(example\.(com|net|org)|example|invalid|test)$", host))


def write_build_report(app: Sphinx, exception: Exception | None) -> None:
    """What this build made, for ``make``'s summary (``folio.commands.summary``).

    Kept beside the doctrees, never published.  The two notes a writer needs
    before it matters: offline files linking to an example address, and web
    pages without their download links.
    """
    if exception:
        return
    name = app.builder.name
    report: dict[str, Any] = {"builder": name, "outdir": str(app.outdir),
                              "essays": len(folio_domain(app.env).essays),
                              "downloads": str(downloads_folder(app.outdir)),
                              # the sources this builder read (0 when another one read them)
                              "read": len(getattr(app.env, "folio_read", ()))}
    baseurl = str(app.config.html_baseurl or "")
    if name in ("epub", "latex") and app.config.folio_essay_downloads:
        report["example_baseurl"] = baseurl if example_address(baseurl) else ""
    if name == "epub":
        report["epub"] = f"{app.config.epub_basename}.epub"
        report["written"] = getattr(app.builder, "folio_epubs_written", 0)
    if is_web(app.builder):
        report["missing_downloads"] = len(missing_downloads(app))
        if report["missing_downloads"]:
            logger.info("folio: %d essay PDFs or ePubs are not built yet, so their pages offer "
                        "no download links; 'folio build' builds them",
                        report["missing_downloads"])
    write_if_changed(Path(app.doctreedir, report_name(name)), json.dumps(report, indent=1))


def setup_report(app: Sphinx) -> None:
    app.connect("build-finished", write_build_report, priority=900)
