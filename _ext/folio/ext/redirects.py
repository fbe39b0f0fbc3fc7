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

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from folio.core.state import REDIRECTS, read_json
from folio.ext.shared import REDIRECT_BUILDERS

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)



def read_redirects(path: Path) -> dict[str, str]:
    """The file's redirects; a file that is not a JSON object is a warning, not a crash."""
    def unreadable(why: str) -> None:
        logger.warning(f"{path.name}: not readable as JSON ({why}); no redirects",
                       location=str(path), type="folio", subtype="redirects")

    data = read_json(path, unreadable)
    if data is None:
        return {}
    if not isinstance(data, dict):
        logger.warning(f"{path.name}: must be a JSON object (old path → new page)",
                       location=str(path), type="folio", subtype="redirects")
        return {}
    return {str(key): str(value) for key, value in data.items()}


def add_redirects(app: Sphinx, config: Config) -> None:
    found = read_redirects(Path(app.srcdir, REDIRECTS))
    config.redirects = {**found, **(config.redirects or {})}


def web_only(app: Sphinx) -> None:
    if app.builder.name not in REDIRECT_BUILDERS:
        app.config.redirects = {}


def setup_redirects(app: Sphinx) -> None:
    if not Path(app.srcdir, REDIRECTS).is_file():
        return
    app.setup_extension("sphinx_reredirects")
    app.connect("config-inited", add_redirects)
    app.connect("builder-inited", web_only)
