"""Offline reading, the ePubs: each essay's chapter of the collection's ePub as a book.

After the collection's ePub is written, each essay's chapter is packaged as
a book of its own with EbookLib, into the downloads folder, rewritten only
when its bytes differ; links to other essays become links to the web site
(``html_baseurl``) or plain text.  The collection's ePub gets a drawn cover
when it has none, a language on every page, and the accessibility metadata
Sphinx has no place for.
"""

from __future__ import annotations

import datetime
import io
import os
import posixpath
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

from sphinx.util import logging

from folio.core.escaping import html_text
from folio.core.names import file_stem
from folio.core.state import write_if_changed
from folio.core.wording import ACCESSIBILITY_SUMMARY, SEPARATOR, epub_cover_alt
from folio.ext.books import cover_svg
from folio.ext.config import author_of
from folio.ext.domain import folio_domain
from folio.ext.downloads import downloads_folder
from folio.ext.offline import essay_stem

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config

logger = logging.getLogger(__name__)


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
    ("schema:accessibilitySummary", ACCESSIBILITY_SUMMARY),
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
    config = app.config
    target = downloads_folder(app.builder.outdir)
    written = 0
    for docname, essay in sorted(folio_domain(app.env).essays.items()):
        path = target / f"{essay_stem(config, docname)}.epub"
        identifier = f"{config.epub_uid}-{file_stem(docname)}"
        written += package_epub(app, [(docname, "essay.xhtml")], identifier, essay.title,
                                essay.author, essay.date, path, author_line=True)
    if written:
        logger.info("folio: %d essay ePubs written in %s", written, target)
    # For the build report (same build, so the builder holds it; nothing is pickled).
    app.builder.folio_epubs_written = written  # type: ignore[attr-defined]


def package_epub(app: Sphinx, chapters: list[tuple[str, str]], identifier: str, title: str,
                 author: str, date: datetime.date | None, path: Path, *,
                 author_line: bool = False) -> int:
    """One book of the collection's chapters ``(docname, file name in the book)``, in
    order, at ``path``: 1 when written, 0 when the file already held these bytes (or a
    chapter is missing).  ``author_line``: an essay's own book, whose page names its
    author under the title (:func:`name_the_author`)."""
    from ebooklib import epub  # imported here: only ePub builds need it
    from lxml import etree

    class LanguageTaggedWriter(epub.EpubWriter):  # type: ignore[misc]
        """EbookLib leaves ``xml:lang`` off ``<package>``; readers and Ace want it."""

        def _write_opf_file(self, root: Any) -> None:
            root.attrib["{http://www.w3.org/XML/1998/namespace}lang"] = self.book.language
            super()._write_opf_file(root)

    config = app.config
    outdir = Path(app.builder.outdir)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The same stylesheets as the collection's ePub, in the same order: one design.
    styles = [name for name in ("_static/epub.css", "_static/pygments.css", "_static/folio.css",
                                "_static/folio-epub.css")
              if (outdir / name).exists()]
    language = config.language or "en"
    essays = folio_domain(app.env).essays
    book = epub.EpubBook()
    book.set_identifier(identifier)
    book.set_title(title)
    book.set_language(language)
    author = author_of(config, author)
    book.add_author(author)
    book.set_cover("cover.svg", cover_svg(chapters[0][0], title, author).encode(),
                   create_page=True)
    # The cover page's one image says what is drawn on it (EbookLib's alt is "Cover").
    book.get_item_with_id("cover").title = epub_cover_alt(title, author)
    sheets = stylesheets(outdir, styles)
    for name, data in sheets.items():
        kind = "text/css" if name.endswith(".css") else media_type(name)
        book.add_item(epub.EpubItem(uid=f"style-{len(book.items)}", file_name=name,
                                    media_type=kind, content=data))
    spine: list[Any] = ["cover"]
    images: dict[str, bytes] = {}
    for docname, file_name in chapters:
        chapter_path = outdir / f"{docname}.xhtml"
        if not chapter_path.exists():
            return 0
        tree = etree.parse(str(chapter_path))
        [main] = tree.xpath("//*[local-name()='div'][@role='main']") or [tree.getroot()]
        images |= gather_images(main, chapter_path, outdir)
        link_outside(main, docname, config.html_baseurl)
        if author_line:
            name_the_author(main, author)
        chapter_title = essays[docname].title if docname in essays else title
        chapter = epub.EpubHtml(title=chapter_title, file_name=file_name, lang=language)
        chapter.content = etree.tostring(main, encoding="unicode", method="xml")
        for name in sheets:
            if name.endswith(".css"):
                chapter.add_link(href=name, rel="stylesheet", type="text/css")
        book.add_item(chapter)
        spine.append(chapter)
        book.toc.append(epub.Link(file_name, chapter_title, file_name.removesuffix(".xhtml")))
    for name, data in sorted(images.items()):
        book.add_item(epub.EpubImage(uid=f"image-{len(book.items)}", file_name=name,
                                     media_type=media_type(name), content=data))
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = spine
    for prop, value in ACCESSIBILITY:
        book.add_metadata(None, "meta", value, {"property": prop})
    buffer = io.BytesIO()
    modified = essay_epub_date(date)
    # No page-list: an essay has no print pages, and ebooklib would take every element
    # with an epub:type and an id (the margin notes' noterefs and footnotes) for a page
    # break, which Ace reports as page breaks without a dc:source (epub-pagesource).
    writer = LanguageTaggedWriter(buffer, book, {"mtime": modified, "epub2_guide": False,
                                                 "epub3_landmark": False, "epub3_pages": False})
    writer.process()
    writer.write()
    data = stamped_zip(buffer.getvalue(), modified)
    # Rewritten only when the book differs: an unchanged essay keeps its file and time.
    return int(write_if_changed(path, data))


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


def name_the_author(main: Any, author: str) -> None:
    """An essay's own ePub names its author under the title and subtitle, as its own
    PDF does (:class:`folio.ext.offline.NameTheAuthor`): the byline's "by X" (only
    for guests) goes, a line of its own names every essay's author, once."""
    from lxml import etree

    for span in main.xpath(".//*[local-name()='span'][contains(concat(' ', @class, ' '),"
                           " ' folio-author ')]"):
        paragraph, previous = span.getparent(), span.getprevious()
        tail = (span.tail or "").removeprefix(SEPARATOR)
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            paragraph.text = (paragraph.text or "") + tail
        paragraph.remove(span)
        byline = paragraph.getparent()
        if not "".join(paragraph.itertext()).strip() and byline is not None:
            byline.getparent().remove(byline)
    section = next(iter(main.xpath(".//*[local-name()='section']")), None)
    if section is None:
        return
    heads = section.xpath("./*[local-name()='h1'] | ./*[local-name()='div']"
                          "[contains(concat(' ', @class, ' '), ' folio-subtitle ')]")
    if not heads:
        return
    namespace = etree.QName(heads[-1]).namespace
    line = etree.Element(f"{{{namespace}}}p" if namespace else "p",
                         {"class": "folio-author-line"})
    line.text = author
    line.tail = heads[-1].tail
    heads[-1].addnext(line)


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


# -- the collection's ePub: its language and its cover --------------------------------------

def leave_out_sphinx_backups(app: Sphinx, config: Config) -> None:
    """Sphinx keeps an outdated ``.buildinfo`` as ``.buildinfo.bak`` in the output folder
    (after an upgrade, say), and its ePub builder would then warn that it cannot pack
    it: never part of the book."""
    if ".buildinfo.bak" not in config.epub_exclude_files:
        config.epub_exclude_files = [*config.epub_exclude_files, ".buildinfo.bak"]


def forget_cover_page(app: Sphinx) -> None:
    """Remove the last build's cover page before this one lists the book's files.

    Sphinx writes the cover page after it has listed the files of the book, so
    a clean build lists it once, as the cover; an incremental one would find
    last build's copy and list it again, as an extra page: the same book must
    come out of both.
    """
    name = getattr(app.builder, "coverpage_name", "")
    if app.builder.name == "epub" and name:
        Path(app.builder.outdir, name).unlink(missing_ok=True)


def draw_epub_cover(app: Sphinx, builder: Builder) -> None:
    """Give the ePub a cover drawn from the collection's title when it has none.

    At ``write-started``, after Sphinx has saved the environment: ``epub_cover``
    is a setting the environment remembers, and set any earlier it would tell
    the next builder sharing the environment (``folio build``'s LaTeX) that the
    settings changed, so that it read every source again."""
    if builder.name != "epub" or app.config.epub_cover:
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


def setup_epubs(app: Sphinx) -> None:
    app.connect("builder-inited", set_epub_language)
    app.connect("write-started", draw_epub_cover)
    app.connect("builder-inited", forget_cover_page)
    app.connect("config-inited", leave_out_sphinx_backups)
    app.connect("build-finished", add_accessibility_metadata, priority=400)
    app.connect("build-finished", write_essay_epubs)
