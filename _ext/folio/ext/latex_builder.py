"""The LaTeX builder, made incremental: an essay's ``.tex`` is written only when needed.

Sphinx's LaTeX builder assembles and translates every document on every
build; :class:`FolioLaTeXBuilder` replaces it (same name, ``override=True``)
and hands it only the documents that :mod:`folio.ext.freshness` says this
build read or made stale, or that another builder sharing the environment
read or made stale since this one last finished (``folio build`` reads once
for the ePub, the LaTeX and the web site).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.builders.latex import LaTeXBuilder

from folio.core.state import LATEX_SETTINGS, read_json, write_if_changed
from folio.ext.domain import folio_domain
from folio.ext.freshness import code_stamp, maybe_changed

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx


class FolioLaTeXBuilder(LaTeXBuilder):
    """Sphinx's LaTeX builder, which assembles and translates every document on every
    build (about 157 s at 1,000 essays), writing an essay's own document only when
    the essay was read again or a refresh made it stale (another essay's title in
    its related list, a book's record...), or its ``.tex`` is missing; the
    collection's only when anything changed.  Everything is written when the
    LaTeX settings, templates or Folio's code changed since the last build.
    """

    name = "latex"

    def write_documents(self, _docnames: Set[str]) -> None:
        self.document_data = self.documents_to_write()
        super().write_documents(_docnames)

    def settings_stamp(self) -> str:
        plain = (str, int, float, bool, list, tuple, dict, type(None))
        values = sorted((item.name, repr(item.value)) for item in self.config
                        if isinstance(item.value, plain))
        folders = [Path(self.srcdir, folder) for folder in self.config.templates_path]
        newest = max((p.stat().st_mtime_ns for folder in folders if folder.is_dir()
                      for p in folder.rglob("*") if p.is_file()), default=0)
        return hashlib.sha256(repr((values, newest, code_stamp())).encode()).hexdigest()

    def documents_to_write(self) -> list[tuple[str, str, str, str, str, bool]]:
        record = Path(self.doctreedir, LATEX_SETTINGS)
        stamp = self.settings_stamp()
        same = read_json(record) == stamp
        if not same:
            write_if_changed(record, json.dumps(stamp))
        changed = maybe_changed(self.env)
        if not same or changed is None:
            return list(self.document_data)
        essays = folio_domain(self.env).essays
        anything = bool(changed) or bool(getattr(self.env, "folio_changed", True))
        return [entry for entry in self.document_data
                if not Path(self.outdir, entry[1]).is_file()
                or (entry[0] in changed if entry[0] in essays else anything)]


def setup_latex_builder(app: Sphinx) -> None:
    app.add_builder(FolioLaTeXBuilder, override=True)
