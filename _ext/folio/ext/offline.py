"""Offline reading, the PDFs: one LaTeX document per essay, handed to the offprint cutter.

Each essay becomes an extra entry in ``latex_documents`` (added at
``config-inited``, so writers never edit ``conf.py`` for it); the LaTeX
builder writes one ``.tex`` per essay from the same environment, and a list
of them (``folio-essays.json``); :mod:`folio.commands.offprints` typesets them
a few dozen at a time and cuts each essay's PDF out (``folio build``).
The ePubs are :mod:`folio.ext.epubs`, the links to both on web pages
:mod:`folio.ext.downloads`, what a build made :mod:`folio.ext.report`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import texescape
from sphinx.util.matching import Matcher

from folio.core.frontmatter import recover_front_matter
from folio.core.names import file_stem
from folio.core.state import ESSAY_FIELDS, ESSAY_LIST, read_mapping, write_if_changed
from folio.core.wording import SEPARATOR
from folio.ext.config import author_of
from folio.ext.domain import folio_domain
from folio.ext.essays import educate
from folio.ext.shared import PRINT_SERIES, FolioPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


# -- which files are essays, before anything is read ---------------------------------

def essay_sources(srcdir: Path, config: Config,
                  suffixes: tuple[str, ...]) -> list[tuple[str, Path]]:
    """(docname, path) of every essay source, in name order.

    Walked with strings, not ``Path`` objects: every build of every builder walks
    the sources here, before anything is read."""
    is_essay = Matcher(config.folio_essays)
    excluded = Matcher([*config.exclude_patterns, "_build", ".venv"])
    root = os.fspath(srcdir)
    found = []
    for folder, subfolders, files in os.walk(root):
        here = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if here == "." else f"{here}/"
        # Not into _build, .venv or excluded folders (thousands of built files).
        subfolders[:] = [name for name in subfolders if not excluded(prefix + name)]
        for file in files:
            stem, suffix = os.path.splitext(file)
            relative = prefix + file
            if suffix in suffixes and not excluded(relative) and is_essay(prefix + stem):
                found.append((prefix + stem, Path(folder, file)))
    return sorted(found, key=lambda item: item[1])  # in path order, as before


def source_fields(path: Path) -> dict[str, str]:
    """The front matter (MyST) or docinfo fields (rST) of an essay, before reading:
    ``latex_documents`` must be complete at ``config-inited``, before any document
    is read, so the title and author come from the file itself."""
    if path.suffix == ".md":
        return recover_front_matter(str(path))
    text = path.read_text(encoding="utf-8", errors="replace")
    return {key: value.strip() for key, value in re.findall(r"^:(\w+):\s*(.+)$", text,
                                                            re.MULTILINE)[::-1]}


#: ``latex_documents`` as last looked at, and each document's file stem (the first
#: entry for a document wins); asked once per essay by every web page's downloads.
_STEMS: list[Any] = [None, 0, {}]


def essay_stem(config: Config, docname: str) -> str:
    """The file name (no suffix) of an essay's own PDF and ePub."""
    documents = config.latex_documents
    if _STEMS[0] is not documents or _STEMS[1] != len(documents):
        _STEMS[:] = [documents, len(documents),
                     {entry[0]: str(entry[1]).removesuffix(".tex")
                      for entry in reversed(documents)}]
    stem = _STEMS[2].get(docname)
    return str(stem) if stem is not None else file_stem(docname)


def add_essay_pdfs(app: Sphinx, config: Config) -> None:
    """One LaTeX document per essay, written alongside the collection's."""
    if not config.folio_essay_downloads:
        return
    documents = list(config.latex_documents)
    taken = {entry[0] for entry in documents} | {entry[1] for entry in documents}
    # Parsers add their suffixes to the registry; conf.py may list more.
    suffixes = tuple({*config.source_suffix, *app.registry.source_suffix})
    # Every build reads every essay's title and author here, before Sphinx reads
    # anything: remembered beside the doctrees by file time and size, as typeset
    # for the settings that shape them.
    remembered = Path(app.doctreedir, ESSAY_FIELDS)
    settings = repr((config.latex_engine, config.language, config.smartquotes,
                     config.smartquotes_action, config.folio_author, config.author))
    known = read_mapping(remembered)
    if known.get("settings") != settings \
            or not isinstance(known.get("essays"), dict):
        known = {"settings": settings, "essays": {}}
    fresh: dict[str, list[Any]] = {}
    # latex_documents take LaTeX markup: the writer's text must be escaped
    # (``texescape`` fills its tables lazily, hence ``init()``).
    texescape.init()
    engine = config.latex_engine
    for docname, path in essay_sources(Path(app.srcdir), config, suffixes):
        if docname in taken:
            continue
        target = f"{file_stem(docname)}.tex"
        if target in taken:  # an essay named like the collection's own file
            target = f"essay-{target}"
        taken.add(target)
        stat = path.stat()
        stamp = [stat.st_mtime_ns, stat.st_size]
        entry = known["essays"].get(docname)
        if not (isinstance(entry, list) and len(entry) == 4 and entry[:2] == stamp):
            fields = source_fields(path)
            title = educate(str(fields.get("title", "")), config) or file_stem(docname)
            # An essay's own PDF names its own author (the contract), else the collection's.
            author = author_of(config, str(fields.get("author", "")))
            entry = [*stamp, texescape.escape(title, engine), texescape.escape(author, engine)]
        fresh[docname] = entry
        documents.append((docname, target, entry[2], entry[3], "howto"))
    config.latex_documents = documents
    if fresh != known["essays"]:
        with contextlib.suppress(OSError):  # only a shortcut for the next build
            write_if_changed(remembered, json.dumps({"settings": settings, "essays": fresh},
                                                    sort_keys=True))


def write_offprint_list(app: Sphinx, exception: Exception | None) -> None:
    """Tell ``folio.commands.offprints`` which ``.tex`` files are essays, and whose they are.

    The essays' own PDFs are typeset together and cut apart afterwards
    (see ``offprints.py``); the records give each PDF its title and the
    essay's own author, which ``config-inited`` could not know.
    """
    if exception or app.builder.name != "latex":
        return
    essays = folio_domain(app.env).essays
    engine = app.config.latex_engine
    texescape.init()
    listed, collections = [], []
    for entry in app.config.latex_documents:
        docname, target = entry[0], str(entry[1])
        essay = essays.get(docname)
        if essay is None or not app.config.folio_essay_downloads:
            collections.append(target)
            continue
        author = author_of(app.config, essay.author)
        listed.append({"docname": docname, "tex": target, "stem": essay_stem(app.config, docname),
                       "title": essay.title, "author": author,
                       "author_tex": texescape.escape(author, engine)})
    # ext/series.py answers (it builds on this module, so it is asked, not imported).
    series = ([entry for answer in app.emit(PRINT_SERIES) for entry in answer]
              if app.config.folio_essay_downloads else [])
    write_if_changed(Path(app.builder.outdir, ESSAY_LIST),
                     json.dumps({"essays": listed, "collections": collections,
                                 "series": series}, indent=1))



# -- the essay's own PDF names its author --------------------------------------------------

class NameTheAuthor(FolioPostTransform):
    """An essay's own PDF names its author on its first page, under the title and
    subtitle in small capitals (``\\folioessayauthor``, ``folio.sty``), for every essay.

    The byline says "by X" only when X is not the collection's author, and the
    own PDF's title block names nobody (it opens as the essay opens in the
    collection), so an essay by the collection's author named no one on its
    page.  Here the byline's "by X" goes, the line names X: once, one style.
    Only the essay's own document (Sphinx resolves it with the essay as its
    start); the collection's PDF has its title page with the author.
    """

    default_priority = 7
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        essay = folio_domain(self.env).essays.get(self.env.docname)
        section = next(iter(self.document.findall(nodes.section)), None)
        if essay is None or section is None:
            return
        author = author_of(self.config, essay.author)
        for byline in list(section.findall(nodes.container)):
            if "folio-byline" in byline["classes"]:
                drop_byline_author(byline)
        at = 1 if section.children and isinstance(section[0], nodes.title) else 0
        for index, child in enumerate(section.children):
            if isinstance(child, nodes.container) and "folio-subtitle" in child["classes"]:
                at = index + 1
        texescape.init()
        name = texescape.escape(author, self.config.latex_engine)
        section.insert(at, nodes.raw("", rf"\folioessayauthor{{{name}}}", format="latex"))


def drop_byline_author(byline: nodes.container) -> None:
    """The byline without its "by X" and the separator after it (gone with them
    when it said nothing else)."""
    for author in list(byline.findall(nodes.inline)):
        if "folio-author" not in author["classes"]:
            continue
        parent = author.parent
        following = author.next_node(descend=False, siblings=True)
        if isinstance(following, nodes.Text) and str(following) == SEPARATOR:
            parent.remove(following)
        parent.remove(author)
        if isinstance(parent, nodes.paragraph) and not parent.astext().strip():
            byline.parent.remove(byline)
            return


def setup_offline(app: Sphinx) -> None:
    app.add_post_transform(NameTheAuthor)
    app.connect("config-inited", add_essay_pdfs)
    app.connect("build-finished", write_offprint_list)
