"""Old addresses keep working: ``wordpress-redirects.json`` → sphinx-reredirects.

``folio import-wordpress`` writes ``wordpress-redirects.json`` beside
``conf.py`` (each old permalink path → its essay).  When the file is there,
Folio loads sphinx-reredirects (a maintained redirect extension) and hands
it those redirects, so a writer changes nothing in ``conf.py``; redirects
the writer sets in ``conf.py`` themselves win over the file's.  Redirect
pages are for the web: other builders (the ePub above all, whose package
would take them in as chapters) get none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

REDIRECTS_FILE = "wordpress-redirects.json"
WEB_BUILDERS = ("html", "dirhtml")


def read_redirects(path: Path) -> dict[str, str]:
    """The file's redirects; a file that is not a JSON object is a warning, not a crash."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        logger.warning(f"{path.name}: not readable as JSON ({error}); no redirects",
                       location=str(path), type="folio", subtype="redirects")
        return {}
    if not isinstance(data, dict):
        logger.warning(f"{path.name}: must be a JSON object (old path → new page)",
                       location=str(path), type="folio", subtype="redirects")
        return {}
    return {str(key): str(value) for key, value in data.items()}


def add_redirects(app: Sphinx, config: Config) -> None:
    found = read_redirects(Path(app.srcdir, REDIRECTS_FILE))
    config.redirects = {**found, **(config.redirects or {})}


def web_only(app: Sphinx) -> None:
    if app.builder.name not in WEB_BUILDERS:
        app.config.redirects = {}


def setup_redirects(app: Sphinx) -> None:
    if not Path(app.srcdir, REDIRECTS_FILE).is_file():
        return
    app.setup_extension("sphinx_reredirects")
    app.connect("config-inited", add_redirects)
    app.connect("builder-inited", web_only)
