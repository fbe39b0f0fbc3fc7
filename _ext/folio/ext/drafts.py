"""Drafts: an essay whose front matter says ``draft: true`` is in no output.

What a writer coming from Hugo, Jekyll (``published: false``) or Eleventy
expects, and what ``folio import goodreads --reviews drafts`` writes: a
review brought in is a starting point, published only once the writer takes
the line out.  Drafts are found when the configuration is read and added to
``exclude_patterns``, so Sphinx never reads them: no page, no PDF or ePub, no
listing, no feed entry, no warning.  Only files matching ``folio_essays``
are looked at, and only their first few kilobytes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util.matching import Matcher

from folio.core.state import DRAFTS, by_stamp, keep_by_stamp, stamp

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: ``draft: true`` in YAML front matter, or ``:draft: true`` in an rST docinfo block.
DRAFT = re.compile(r"^:?draft:\s*(?:true|yes|on)\s*(?:#.*)?$", re.IGNORECASE | re.MULTILINE)
HEAD = 4096
SUFFIXES = (".md", ".rst")


def is_draft(text: str) -> bool:
    """Whether a file's front matter (or its rST docinfo at the top) says draft."""
    lines = text[:HEAD].splitlines()
    if lines and re.fullmatch(r"-{3,}\s*", lines[0]):
        end = next((i for i, line in enumerate(lines[1:], 1)
                    if re.fullmatch(r"(?:-{3,}|\.\.\.)\s*", line)), None)
        return end is not None and DRAFT.search("\n".join(lines[1:end])) is not None
    head: list[str] = []
    for line in lines:  # rST: the field list opening the file
        if not line.strip() and head:
            break
        head.append(line)
    return DRAFT.search("\n".join(head)) is not None


def find_drafts(srcdir: Path, patterns: list[str], memo: Path | None = None) -> list[str]:
    """Source paths (relative, with suffix) of the essays marked as drafts.

    With ``memo`` (a file beside the doctrees), each file's answer is remembered
    by its time and size, so an unchanged file is not opened again."""
    known = by_stamp(memo, "drafts") if memo is not None else {}
    seen: dict[str, list[Any]] = {}
    matcher = Matcher(patterns)
    folders = {pattern.split("*", 1)[0].rsplit("/", 1)[0] for pattern in patterns}
    found: list[str] = []
    for folder in sorted(folders):
        base = srcdir / folder if folder else srcdir
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            relative = path.relative_to(srcdir).as_posix()
            if not matcher(relative.rsplit(".", 1)[0]):
                continue
            try:
                now = stamp(path)
                if known.get(relative, [])[:2] == now:
                    draft = bool(known[relative][2])
                else:
                    with path.open(encoding="utf-8", errors="replace") as handle:
                        draft = is_draft(handle.read(HEAD))
            except OSError:
                continue
            seen[relative] = [*now, draft]
            if draft:
                found.append(relative)
    if memo is not None and seen != known:
        keep_by_stamp(memo, "drafts", seen)
    return found


def leave_out_drafts(app: Sphinx, config: Any) -> None:
    """``config-inited``: drafts join ``exclude_patterns``."""
    drafts = find_drafts(Path(app.srcdir), list(config.folio_essays),
                         Path(app.doctreedir, DRAFTS))
    if drafts:
        config.exclude_patterns = [*config.exclude_patterns, *drafts]


def setup_drafts(app: Sphinx) -> None:
    app.connect("config-inited", leave_out_drafts)
