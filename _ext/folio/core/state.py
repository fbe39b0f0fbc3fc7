"""The JSON files Folio keeps for itself, and the one way to read and write them.

Some files let the next build skip work (a missing or damaged one only costs
that work); others carry facts from one part of Folio to another (the
extension tells the offprint cutter which ``.tex`` files are essays; the
importer tells the extension the old addresses).  Their names are here, so
the part that writes a file and the part that reads it name the same one.

Reading never fails: a missing, unreadable or damaged file reads as
``None`` (:func:`read_json`) or an empty mapping (:func:`read_mapping`),
and the caller decides what that costs.  Writing is :func:`write_if_changed`:
a file whose text would not change is left alone (its time too, so tools
that compare times see nothing new), and a new text goes through a
temporary file and a rename, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

# -- Beside the doctrees (the build's memory) ------------------------------------------------

#: Each essay's title and author for ``latex_documents``, by file time and size.
ESSAY_FIELDS = "folio-essay-fields.json"
#: Each generated page -> a digest of what it showed when last written.
GENERATED_PAGES = "folio-generated-pages.json"
#: The same for Folio's search page (Pagefind): what it was last written from.
SEARCH_PAGE_RECORD = "folio-search-page.json"
#: What the LaTeX settings, templates and Folio's code were at the last LaTeX build.
LATEX_SETTINGS = "folio-latex-settings.json"
#: The sources that decode in ``source_encoding``, by file time and size.
DECODED = "folio-decoded.json"
#: Each essay source's time, size and whether it is a draft.
DRAFTS = "folio-drafts.json"
#: What each builder's last build made (downloads, redirects), one file per builder
#: (builders may share one doctree folder): ``folio.commands.summary`` prints it.
REPORT = "folio-report-{builder}.json"
#: Per builder sharing these doctrees, what it still owes: the pages another
#: builder's read (or Folio's refreshes after it) made stale, and whether any
#: document changed since it last finished (:mod:`folio.ext.freshness`).
OWED = "folio-owed.json"
#: What the search bundle on disk was written from (:mod:`folio.ext.search`): the pages'
#: stamps and the records' digest; the same again skips the indexing.
SEARCH_STATE = "folio-search.json"

# -- Beside the LaTeX files ---------------------------------------------------------------------

#: Which ``.tex`` files are essays, and whose: written by the extension, read by
#: ``folio.commands.offprints``.
ESSAY_LIST = "folio-essays.json"
#: Each essay's offprint as last cut (digest and file stem): the offprint cutter's own.
OFFPRINTS = "folio-offprints.json"

# -- Beside the sources (the writer keeps them) ----------------------------------------------

#: Old WordPress addresses -> essays: written by ``folio import-wordpress``,
#: read by the extension (``folio.ext.redirects``).
REDIRECTS = "wordpress-redirects.json"
#: In the essays folder: a hash of every essay the importer wrote.
IMPORT_MANIFEST = ".folio-import.json"


def report_name(builder: str) -> str:
    """The file one builder's report is kept in, beside the doctrees."""
    return REPORT.format(builder=builder)


def by_stamp(path: Path, key: str) -> dict[str, list[Any]]:
    """A file-stamp memo (``name -> [mtime_ns, size, ...]``) kept under ``key``: empty
    when the file is missing, damaged or was kept for another ``key``."""
    memo = read_mapping(path)
    files = memo.get("files")
    return files if memo.get("key") == key and isinstance(files, dict) else {}


def keep_by_stamp(path: Path, key: str, files: dict[str, list[Any]]) -> None:
    """Keep a file-stamp memo (only a shortcut: a file that cannot be written is none)."""
    with contextlib.suppress(OSError):
        write_if_changed(path, json.dumps({"key": key, "files": files}, sort_keys=True))


def stamp(path: Path) -> list[int]:
    """A file's modification time and size, what a memo compares."""
    info = path.stat()
    return [info.st_mtime_ns, info.st_size]


def read_json(path: Path, problem: Callable[[str], None] | None = None) -> Any:
    """The file's JSON value; ``None`` when it is missing, unreadable or not JSON
    (``problem``, when given, hears why: a file the writer keeps deserves a reason)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        if problem is not None:
            problem(str(error))
        return None


def read_mapping(path: Path) -> dict[str, Any]:
    """The file's JSON object; empty when it is missing, unreadable or not an object."""
    value = read_json(path)
    return value if isinstance(value, dict) else {}


def write_if_changed(path: Path, text: str | bytes) -> bool:
    """Write ``text`` (UTF-8) or bytes through a temporary file and a rename; ``False``
    when the file already holds them.  The new file gets the permissions any file the
    writer makes gets (the umask's), not a temporary file's 0600.  Folio's other
    outputs that must keep their time when unchanged (a drawn cover, an ePub,
    ``folio.sty``) are written this way too."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
    except OSError:
        pass  # unreadable: written anew
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False,
                                     suffix=".tmp") as handle:
        handle.write(data)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(handle.name, 0o666 & ~umask)
    os.replace(handle.name, path)
    return True
