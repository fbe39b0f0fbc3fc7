"""Offline reading: one PDF and one ePub per essay, and the links to them.

* PDF: each essay becomes an extra entry in ``latex_documents`` (added at
  ``config-inited``, so writers never edit ``conf.py`` for it); the LaTeX
  builder writes one ``.tex`` per essay from the same environment, and a
  list of them (``folio-essays.json``); ``folio.commands.offprints`` typesets them a
  few dozen at a time and cuts each essay's PDF out (``make pdf``).
* ePub: after the collection's ePub is written, each essay's chapter is
  packaged as a book of its own with EbookLib; links to other essays become
  links to the web site (``html_baseurl``) or plain text.
* Web: every essay page offers "Download: PDF · ePub" for the files that
  exist in the downloads folder (``_build/downloads``, next to the HTML).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import posixpath
import re
import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from docutils import nodes
from sphinx.util import logging, texescape
from sphinx.util.matching import Matcher
from sphinx.util.osutil import relative_uri

from folio.core.escaping import html_text
from folio.core.wording import download_label
from folio.ext.books import cover_svg
from folio.ext.domain import folio_domain
from folio.ext.essays import educate, header_end, recover_front_matter
from folio.ext.shared import WEB_BUILDERS, FolioPostTransform, add_latex_styles, is_web

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

DOWNLOADS = "downloads"


class downloads(nodes.General, nodes.Element):
    """Placeholder, always replaced: by the download links on web pages, else by nothing."""


# -- which files are essays, before anything is read ---------------------------------

def essay_sources(srcdir: Path, config: Config,
                  suffixes: tuple[str, ...]) -> list[tuple[str, Path]]:
    """(docname, path) of every essay source, in name order."""
    is_essay = Matcher(config.folio_essays)
    excluded = Matcher([*config.exclude_patterns, "_build", ".venv"])
    found = []
    for folder, subfolders, files in os.walk(srcdir):
        # Not into _build, .venv or excluded folders (thousands of built files).
        subfolders[:] = [name for name in subfolders
                         if not excluded(Path(folder, name).relative_to(srcdir).as_posix())]
        for file in files:
            path = Path(folder, file)
            relative = path.relative_to(srcdir).as_posix()
            if path.suffix in suffixes and not excluded(relative):
                docname = relative[: -len(path.suffix)]
                if is_essay(docname):
                    found.append((docname, path))
    return sorted(found, key=lambda item: item[1])  # in path order, as before


def source_fields(path: Path) -> dict[str, str]:
    """The front matter (MyST) or docinfo fields (rST) of an essay, before reading."""
    if path.suffix == ".md":
        return recover_front_matter(str(path))
    text = path.read_text(encoding="utf-8", errors="replace")
    return {key: value.strip() for key, value in re.findall(r"^:(\w+):\s*(.+)$", text,
                                                            re.MULTILINE)[::-1]}


def source_field(path: Path, key: str) -> str:
    """One front matter value (MyST) or docinfo field (rST) of an essay, before reading.

    ``latex_documents`` must be complete at ``config-inited``, before any
    document is read, so the title and author come from the file itself.
    """
    if path.suffix == ".md":
        return recover_front_matter(str(path)).get(key, "")
    match = re.search(rf"^:{key}:\s*(.+)$",
                      path.read_text(encoding="utf-8", errors="replace"), re.MULTILINE)
    return match.group(1).strip() if match else ""


def slug_of(docname: str) -> str:
    return docname.rsplit("/", 1)[-1]


def essay_stem(config: Config, docname: str) -> str:
    """The file name (no suffix) of an essay's own PDF and ePub."""
    for entry in config.latex_documents:
        if entry[0] == docname:
            return str(entry[1]).removesuffix(".tex")
    return slug_of(docname)


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
    remembered = Path(app.doctreedir, "folio-essay-fields.json")
    settings = repr((config.latex_engine, config.language, config.smartquotes,
                     config.smartquotes_action, config.folio_author, config.author))
    try:
        known = json.loads(remembered.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict) or known.get("settings") != settings \
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
        target = f"{slug_of(docname)}.tex"
        if target in taken:  # an essay named like the collection's own file
            target = f"essay-{target}"
        taken.add(target)
        stat = path.stat()
        stamp = [stat.st_mtime_ns, stat.st_size]
        entry = known["essays"].get(docname)
        if not (isinstance(entry, list) and len(entry) == 4 and entry[:2] == stamp):
            fields = source_fields(path)
            title = educate(str(fields.get("title", "")), config) or slug_of(docname)
            # An essay's own PDF names its own author (the contract), else the collection's.
            author = str(fields.get("author", "")) or config.folio_author or config.author
            entry = [*stamp, texescape.escape(title, engine), texescape.escape(author, engine)]
        fresh[docname] = entry
        documents.append((docname, target, entry[2], entry[3], "howto"))
    config.latex_documents = documents
    if fresh != known["essays"]:
        try:
            remembered.parent.mkdir(parents=True, exist_ok=True)
            remembered.write_text(json.dumps({"settings": settings, "essays": fresh},
                                             sort_keys=True), encoding="utf-8")
        except OSError:
            pass  # only a shortcut for the next build


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
        author = essay.author or app.config.folio_author or app.config.author
        listed.append({"docname": docname, "tex": target, "stem": essay_stem(app.config, docname),
                       "title": essay.title, "author": author,
                       "author_tex": texescape.escape(author, engine)})
    Path(app.builder.outdir, "folio-essays.json").write_text(
        json.dumps({"essays": listed, "collections": collections}, indent=1), encoding="utf-8")


#: schema.org accessibility metadata (EPUB Accessibility 1.1): what the books
#: offer, so reading systems and checkers (DAISY Ace) can tell readers.
ACCESSIBILITY = (
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityHazard", "none"),
    ("schema:accessibilitySummary",
     "Essays with headings and a table of contents; every cover image has a text "
     "alternative, and each quotation its page reference in text."),
)


def add_accessibility_metadata(app: Sphinx, exception: Exception | None) -> None:
    """Sphinx's ``content.opf`` has no place for these: add them, then zip again."""
    if exception or app.builder.name != "epub":
        return
    opf = Path(app.builder.outdir, "content.opf")
    text = opf.read_text(encoding="utf-8")
    if "schema:accessMode" in text:
        return
    lines = "".join(f'    <meta property="{prop}">{html_text(value)}</meta>\n'
                    for prop, value in ACCESSIBILITY)
    opf.write_text(text.replace("  </metadata>", lines + "  </metadata>", 1),
                   encoding="utf-8")
    app.builder.build_epub()  # type: ignore[attr-defined]


# -- per-essay ePubs -----------------------------------------------------------------------

def essay_epub_date(essay_date: datetime.date | None) -> datetime.datetime:
    """``dcterms:modified``: SOURCE_DATE_EPOCH if set, else the essay's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and re.fullmatch(r"[0-9]{1,12}", epoch):
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
    day = essay_date or datetime.date(2000, 1, 1)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def write_essay_epubs(app: Sphinx, exception: Exception | None) -> None:
    """Package each essay's chapter of the collection's ePub as its own book."""
    if exception or app.builder.name != "epub" or not app.config.folio_essay_downloads:
        return
    from ebooklib import epub  # imported here: only ePub builds need it
    from lxml import etree

    class LanguageTaggedWriter(epub.EpubWriter):  # type: ignore[misc]
        """EbookLib leaves ``xml:lang`` off ``<package>``; readers and Ace want it."""

        def _write_opf_file(self, root: Any) -> None:
            root.attrib["{http://www.w3.org/XML/1998/namespace}lang"] = self.book.language
            super()._write_opf_file(root)

    config = app.config
    outdir = Path(app.builder.outdir)
    target = downloads_folder(outdir)
    target.mkdir(parents=True, exist_ok=True)
    styles = [name for name in ("_static/epub.css", "_static/pygments.css", "_static/folio.css")
              if (outdir / name).exists()]
    language = config.language or "en"
    written = 0
    for docname, essay in sorted(folio_domain(app.env).essays.items()):
        chapter_path = outdir / f"{docname}.xhtml"
        if not chapter_path.exists():
            continue
        tree = etree.parse(str(chapter_path))
        [main] = tree.xpath("//*[local-name()='div'][@role='main']") or [tree.getroot()]
        book = epub.EpubBook()
        book.set_identifier(f"{config.epub_uid}-{slug_of(docname)}")
        book.set_title(essay.title)
        book.set_language(language)
        book.add_author(essay.author or config.folio_author or config.author)
        book.set_cover("cover.svg", cover_svg(docname, essay.title, essay.author).encode(),
                       create_page=True)
        images = gather_images(main, chapter_path, outdir)
        for name, data in sorted(images.items()):
            book.add_item(epub.EpubImage(uid=f"image-{len(book.items)}", file_name=name,
                                         media_type=media_type(name), content=data))
        link_outside(main, docname, config.html_baseurl)
        chapter = epub.EpubHtml(title=essay.title, file_name="essay.xhtml", lang=language)
        chapter.content = etree.tostring(main, encoding="unicode", method="xml")
        for name, data in stylesheets(outdir, styles).items():
            kind = "text/css" if name.endswith(".css") else media_type(name)
            book.add_item(epub.EpubItem(uid=f"style-{len(book.items)}", file_name=name,
                                        media_type=kind, content=data))
            if name.endswith(".css"):
                chapter.add_link(href=name, rel="stylesheet", type="text/css")
        book.add_item(chapter)
        book.toc = [epub.Link("essay.xhtml", essay.title, "essay")]
        book.add_item(epub.EpubNcx())
        book.add_item(epub.EpubNav())
        book.spine = ["cover", chapter]
        for prop, value in ACCESSIBILITY:
            book.add_metadata(None, "meta", value, {"property": prop})
        buffer = io.BytesIO()
        modified = essay_epub_date(essay.date)
        writer = LanguageTaggedWriter(buffer, book, {"mtime": modified, "epub2_guide": False,
                                                     "epub3_landmark": False})
        writer.process()
        writer.write()
        path = target / f"{essay_stem(config, docname)}.epub"
        data = stamped_zip(buffer.getvalue(), modified)
        # Rewritten only when the book differs: an unchanged essay keeps its file and time.
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
            written += 1
    if written:
        logger.info("folio: %d essay ePubs written in %s", written, target)
    # For the build report (same build, so the builder holds it; nothing is pickled).
    app.builder.folio_epubs_written = written  # type: ignore[attr-defined]


def stamped_zip(data: bytes, when: datetime.datetime) -> bytes:
    """The same zip with every entry dated ``when``: the same book, the same bytes."""
    stamp = when.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as copy:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)  # type: ignore[arg-type]
            info.compress_type = entry.compress_type
            info.external_attr = 0o644 << 16
            copy.writestr(info, source.read(entry))
    return out.getvalue()


def stylesheets(outdir: Path, styles: list[str]) -> dict[str, bytes]:
    """The stylesheets, and the files their ``url()``s need, under ``_static/``."""
    found: dict[str, bytes] = {}
    for style in styles:
        css = (outdir / style).read_bytes()
        found[style] = css
        for url in re.findall(rb"url\(\s*['\"]?([^'\")]+)", css):
            name = posixpath.normpath(posixpath.join("_static", url.decode()))
            if not re.match(r"^[a-z]+:", url.decode()) and (outdir / name).is_file():
                found[name] = (outdir / name).read_bytes()
    return found


def media_type(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"svg": "image/svg+xml", "png": "image/png", "gif": "image/gif",
            "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}.get(
                suffix, "application/octet-stream")


def gather_images(main: Any, chapter_path: Path, outdir: Path) -> dict[str, bytes]:
    """Point images at ``images/`` inside the new book; return their bytes."""
    found: dict[str, bytes] = {}
    for image in main.iter("{*}img"):
        source = (chapter_path.parent / image.get("src", "")).resolve()
        if outdir.resolve() not in source.parents or not source.is_file():
            continue
        name = f"images/{source.name}"
        found[name] = source.read_bytes()
        image.set("src", name)
    return found


def link_outside(main: Any, docname: str, baseurl: str) -> None:
    """Links to other essays go to the web site, or become plain text."""
    folder = posixpath.dirname(docname)
    for link in list(main.iter("{*}a")):
        href = link.get("href", "")
        if not href or href.startswith("#") or re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
            continue
        path, _, fragment = href.partition("#")
        other = posixpath.normpath(posixpath.join(folder, path))
        other = other[: -len(".xhtml")] if other.endswith(".xhtml") else other
        if other == docname:
            link.set("href", f"#{fragment}" if fragment else "#")
        elif baseurl:
            link.set("href", f"{baseurl.rstrip('/')}/{other}.html"
                             + (f"#{fragment}" if fragment else ""))
        else:
            link.tag = link.tag.replace("}a", "}span") if "}" in link.tag else "span"
            for attribute in ("href", "title"):
                link.attrib.pop(attribute, None)


# -- download links on web pages -----------------------------------------------------------

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
        return [("PDF", pdf), ("ePub", f"{config.epub_basename}.epub")]
    stem = essay_stem(config, docname)
    return [("PDF", f"{stem}.pdf"), ("ePub", f"{stem}.epub")]


def downloads_folder(outdir: str | Path) -> Path:
    """``_build/downloads``: beside every builder's output folder."""
    return Path(outdir).parent / DOWNLOADS


class DownloadLinks(FolioPostTransform):
    """"Download: PDF · ePub", for the files that exist; nothing elsewhere."""

    default_priority = 5

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
            for number, (label, name) in enumerate(offered):
                if number:
                    paragraph += nodes.Text(" · ")
                paragraph += nodes.reference(label, label,
                                             refuri=relative_uri(here, f"{DOWNLOADS}/{name}"))
            placeholder.replace_self(nodes.container("", paragraph, classes=["folio-downloads"]))


def copy_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Publish the downloads folder with the web site."""
    if exception or app.builder.name not in WEB_BUILDERS:
        return
    folder = downloads_folder(app.outdir)
    if folder.is_dir() and any(folder.iterdir()):
        shutil.copytree(folder, Path(app.outdir) / DOWNLOADS, dirs_exist_ok=True)


def example_address(url: str) -> bool:
    """Whether ``url`` is on a domain reserved for examples (RFC 2606), like the sample's."""
    host = urlsplit(url).hostname or ""
    return bool(re.search(r"(^|\.)(example\.(com|net|org)|example|invalid|test)$", host))


def missing_downloads(app: Sphinx) -> list[str]:
    """The essays' files a web page would offer but the downloads folder lacks."""
    if not app.config.folio_essay_downloads:
        return []
    folder = downloads_folder(app.outdir)
    missing = []
    for docname in sorted(folio_domain(app.env).essays):
        for _label, name in download_names(app.config, docname, home=False):
            if not (folder / name).is_file():
                missing.append(name)
    return missing


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
                              "downloads": str(downloads_folder(app.outdir))}
    baseurl = str(app.config.html_baseurl or "")
    if name in ("epub", "latex") and app.config.folio_essay_downloads:
        report["example_baseurl"] = baseurl if example_address(baseurl) else ""
    if name == "epub":
        report["epub"] = f"{app.config.epub_basename}.epub"
        report["written"] = getattr(app.builder, "folio_epubs_written", 0)
    if name in ("html", "dirhtml", "singlehtml"):
        report["missing_downloads"] = len(missing_downloads(app))
        if report["missing_downloads"]:
            logger.info("folio: %d essay PDFs or ePubs are not built yet, so their pages offer "
                        "no download links; 'folio build' builds them",
                        report["missing_downloads"])
    Path(app.doctreedir).mkdir(parents=True, exist_ok=True)
    Path(app.doctreedir, "folio-report.json").write_text(json.dumps(report, indent=1),
                                                         encoding="utf-8")


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


# -- the collection's ePub: its language and its cover --------------------------------------

def draw_epub_cover(app: Sphinx) -> None:
    """Give the ePub a cover drawn from the collection's title when it has none."""
    if app.builder.name != "epub" or app.config.epub_cover:
        return
    folder = Path(app.builder.outdir, "_static")
    folder.mkdir(parents=True, exist_ok=True)
    title = app.config.epub_title or app.config.project
    (folder / "folio-collection-cover.svg").write_text(
        cover_svg("collection", title, app.config.epub_author or app.config.author),
        encoding="utf-8")
    app.config.epub_cover = ("_static/folio-collection-cover.svg", "epub-cover.html")


def set_epub_language(app: Sphinx) -> None:
    """ePub pages carry no ``lang`` of their own; readers and checkers want one."""
    language = app.config.language or "en"
    if app.builder.name == "epub" and hasattr(app.builder, "html_tag"):
        app.builder.html_tag = (
            '<html xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:epub="http://www.idpf.org/2007/ops" '
            f"lang={quoteattr(language)} xml:lang={quoteattr(language)}>")


#: One essay's own PDF (howto class): no contents page for a single chapter,
#: and no release number; the byline gives the essay's date.
LATEX_STYLES = r"""
% Folio, offline files: one essay's own PDF.
\makeatletter
\@ifclassloaded{sphinxhowto}{%
  \renewcommand{\sphinxtableofcontents}{}%
  \renewcommand{\release}[1]{}\renewcommand{\releasename}{}%
  \renewcommand{\date}[1]{\gdef\@date{}}%
}{}
\makeatother
"""


def setup_offline(app: Sphinx) -> None:
    app.connect("config-inited", add_essay_pdfs)
    app.connect("builder-inited", set_epub_language)
    app.connect("builder-inited", draw_epub_cover)
    app.connect("doctree-read", mark_downloads)
    app.add_post_transform(DownloadLinks)
    app.connect("build-finished", write_offprint_list)
    app.connect("build-finished", add_accessibility_metadata, priority=400)
    app.connect("build-finished", write_essay_epubs)
    app.connect("build-finished", copy_downloads)
    add_latex_styles(app, LATEX_STYLES)
    app.connect("build-finished", write_build_report, priority=900)
