"""Old addresses keep working: ``wordpress-redirects.json`` → sphinx-reredirects.

``folio import-wordpress`` writes ``wordpress-redirects.json`` beside
``conf.py`` (each old permalink path → its essay).  When the file is there,
Folio loads sphinx-reredirects (a maintained redirect extension) and hands
it those redirects, so a writer changes nothing in ``conf.py``; redirects
the writer sets in ``conf.py`` themselves win over the file's.  Redirect
pages are for the web: other builders (the ePub above all, whose package
would take them in as chapters) get none.

The file comes from an export, so each entry is checked before
sphinx-reredirects writes a file for it (:func:`folio.core.names.redirect_source`):
an old address that climbs out of the site, is absolute, holds a glob (which
sphinx-reredirects would match against every page), a backslash or a
control character, names a device on Windows, differs from another only in
case (one folder on a case-insensitive disk) or would replace one of the
site's own pages is refused with one warning at its line of the file; a
target that is not a relative address or an http(s) one is refused too.
The other entries still redirect.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sphinx.util import logging

from folio.core.names import redirect_source
from folio.core.state import REDIRECTS, read_json
from folio.ext.domain import folio_domain
from folio.ext.shared import REDIRECT_BUILDERS

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

#: What a redirect's target may not hold: it is written into the page's script and refresh.
UNSAFE_TARGET = re.compile(r"[\x00-\x20\x7f\"'<>\\`]")


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


def key_lines(text: str) -> dict[str, int]:
    """The line of each key in the file (one per line, as the importer writes it)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r'\s*[{,]?\s*("(?:[^"\\]|\\.)*")\s*:', line)
        if match:
            try:
                lines.setdefault(json.loads(match.group(1)), number)
            except ValueError:
                continue
    return lines


def target_problem(target: str) -> str | None:
    """Why a redirect's target cannot be written into a redirect page, if it cannot."""
    if not target or UNSAFE_TARGET.search(target):
        return f"target {target!r} is empty or holds a space, quote, '<', '>' or backslash"
    if urlsplit(target).scheme not in ("", "http", "https"):
        return f"target {target!r} is neither a relative address nor an http(s) one"
    return None


def checked_redirects(found: dict[str, str]) -> tuple[dict[str, tuple[str, str]],
                                                       dict[str, str]]:
    """The entries that may be written: normalised source → (source as written, target);
    and why each other one (by source as written) may not.

    Sources in sorted order, so which of two clashing entries is kept is the
    same on every build.
    """
    kept: dict[str, tuple[str, str]] = {}
    refused: dict[str, str] = {}
    folded: dict[str, str] = {}
    for source in sorted(found):
        path, problem = redirect_source(source)
        problem = problem and f"old address {source!r} {problem}"
        problem = problem or target_problem(found[source]) or ""
        if not problem and path.casefold() in folded:
            other = folded[path.casefold()]
            problem = (f"old address {source!r} is the same as {other!r}" if other == path
                       else f"old address {source!r} differs from {other!r} only in case "
                            "(one folder on case-insensitive disks)")
        if problem:
            refused[source] = problem
            continue
        folded[path.casefold()] = path
        kept[path] = (source, found[source])
    return kept, refused


def warn_at(path: Path, line: int | None, message: str) -> None:
    location = f"{path}:{line}" if line else str(path)
    logger.warning(f"{path.name}: {message}; not redirected", location=location,
                   type="folio", subtype="redirects")


def redirect_file(app: Sphinx, source: str) -> Path:
    """Where sphinx-reredirects writes the redirect for ``source`` (its own rule)."""
    suffix = str(getattr(app.builder, "out_suffix", ".html"))
    if source.endswith(suffix):
        return Path(app.outdir, source)
    return Path(app.builder.get_outfilename(source))  # type: ignore[attr-defined]


def pages_written(app: Sphinx) -> set[Path]:
    """Every page file the build writes: documents, Folio's pages, search and the indices."""
    names = {*app.env.found_docs, *folio_domain(app.env).views.generated, "search", "genindex"}
    names |= {str(index[0]) for index in getattr(app.builder, "domain_indices", [])}
    return {redirect_file(app, name).resolve() for name in names}


def hand_over(app: Sphinx, own: dict[str, str]) -> None:
    """The file's entries, checked, and ``conf.py``'s own (``own``) for sphinx-reredirects."""
    if app.builder.name not in REDIRECT_BUILDERS:
        app.config.redirects = {}
        return
    file = Path(app.srcdir, REDIRECTS)
    found = read_redirects(file)
    lines = key_lines(file.read_text(encoding="utf-8", errors="replace")) if found else {}
    kept, refused = checked_redirects(found)
    outdir = Path(app.outdir).resolve()
    pages = pages_written(app)
    for path, (source, _target) in list(kept.items()):
        written = redirect_file(app, path).resolve()
        if written in pages:
            refused[source] = f"old address {source!r} is one of the site's own pages"
        elif not written.is_relative_to(outdir):  # never: redirect_source refused it
            refused[source] = f"old address {source!r} is outside the site"
        if source in refused:
            del kept[path]
    for source, problem in sorted(refused.items()):
        warn_at(file, lines.get(source), problem)
    # Each as the file it becomes (sphinx-reredirects writes a name with the suffix as it
    # is, where it would percent-encode the name of a page: café/, not caf%C3%A9/).
    app.config.redirects = {**{redirect_file(app, path).relative_to(app.outdir).as_posix(): target
                               for path, (_source, target) in kept.items()}, **own}


def setup_redirects(app: Sphinx) -> None:
    if not Path(app.srcdir, REDIRECTS).is_file():
        return
    app.setup_extension("sphinx_reredirects")
    own: dict[str, str] = {}  # what conf.py set: kept apart, so every build reads the file anew

    def remember_own(app: Sphinx, config: Config) -> None:
        own.clear()
        own.update(config.redirects or {})

    def before_reredirects(app: Sphinx) -> list[tuple[str, dict[str, object], str]]:
        hand_over(app, own)
        return []  # html-collect-pages: no page of its own

    app.connect("config-inited", remember_own)
    app.connect("html-collect-pages", before_reredirects, priority=400)
