"""The writer's files: each one read in the site's encoding, or left out with a warning.

Sphinx reads every source as ``source_encoding`` (UTF-8) and stops the whole
build, with a traceback and no file name, at the first one saved otherwise
(an essay saved as Windows-1252 by an old editor, a paste from a word
processor).  Before anything reads them (Folio's own readers at
``config-inited`` included), each source file is checked: one that does not
decode is a warning naming the file and the line of its first bad byte, and
is left out of this build (added to ``exclude_patterns``, so Sphinx and Folio
treat it as absent); the rest of the site builds.  Saved again as UTF-8, it
is back on the next build.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.project import EXCLUDE_PATHS
from sphinx.util import logging
from sphinx.util.matching import get_matching_files

from folio.core.state import DECODED, by_stamp, keep_by_stamp, stamp

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)


def undecodable(data: bytes, encoding: str) -> tuple[int, int] | None:
    """Where ``data`` stops decoding: (line, the byte), or None when it decodes."""
    try:
        codecs.decode(data, encoding)
    except UnicodeDecodeError as error:
        return data.count(b"\n", 0, error.start) + 1, data[error.start]
    except LookupError:  # an unknown source_encoding: Sphinx says so itself
        return None
    return None


def source_files(srcdir: Path, config: Config, suffixes: tuple[str, ...]) -> Iterator[str]:
    """Every file Sphinx will read as a document, relative to the sources (Sphinx's rule)."""
    excluded = [*config.exclude_patterns, *config.templates_path, *EXCLUDE_PATHS]
    for name in get_matching_files(srcdir, config.include_patterns, excluded):
        if name.endswith(suffixes):
            yield name


def leave_out_undecodable(app: Sphinx, config: Config) -> None:
    """``config-inited``, first: a source not in ``source_encoding`` is a warning, not a crash.

    Every build looks at every source, so the files that decoded are remembered
    beside the doctrees by time and size, and only new or changed ones are read.
    """
    encoding = str(config.source_encoding or "utf-8-sig")
    suffixes = tuple({*config.source_suffix, *app.registry.source_suffix})
    srcdir = Path(app.srcdir)
    memo = Path(app.doctreedir, DECODED)
    decoded = by_stamp(memo, encoding)
    fine: dict[str, list[Any]] = {}
    left_out = []
    for name in sorted(source_files(srcdir, config, suffixes)):
        try:
            now = stamp(srcdir / name)
            where = None if decoded.get(name) == now else \
                undecodable((srcdir / name).read_bytes(), encoding)
        except OSError:
            continue  # unreadable: Sphinx warns about those itself
        if where is None:
            fine[name] = now
            continue
        line, byte = where
        logger.warning(f"{name} is not {encoding.removesuffix('-sig').upper()} (byte 0x{byte:02X} "
                       f"on line {line}); left out of the build: save it as UTF-8",
                       location=f"{srcdir / name}:{line}", type="folio", subtype="encoding")
        left_out.append(name)
    if fine != decoded:
        keep_by_stamp(memo, encoding, fine)
    if left_out:
        config.exclude_patterns = [*config.exclude_patterns, *left_out]


def setup_sources(app: Sphinx) -> None:
    app.connect("config-inited", leave_out_undecodable, priority=100)
