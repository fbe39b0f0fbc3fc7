"""Folio as a guest in someone else's documentation site (tests/roots/test-guest).

The root is a plain documentation project (an index, an installation page, an
API page, a reading-notes section) that adds Folio for one essay, with
sphinxext-opengraph loaded as such sites often have it.  Built with Folio and
without it (the same sources, ``extensions`` minus ``folio``), every page but
the essay must come out byte for byte the same, except Folio's two stylesheet
links: those load on every page, and the styles in them apply only to pages
marked ``folio-reading`` (the essay here).  Nothing else is normalised.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import Built, build, copy_root, epubcheck

ESSAY = "reading-notes/elements-of-style.html"
WITHOUT_FOLIO = ["myst_parser", "sphinxext.opengraph"]
OPF = "{http://www.idpf.org/2007/opf}"
ALL_LISTING_PAGES = ["genres", "tags", "archive", "library", "quotations"]
#: Folio's stylesheets, linked from every page (the only difference allowed).
STYLESHEET = re.compile(r'^\s*<link rel="stylesheet" type="text/css" '
                        r'href="(\.\./)*_static/folio(-web)?\.css\?v=[0-9a-f]+" />\n',
                        re.MULTILINE)


@pytest.fixture(scope="module")
def guest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, Built]:
    base = tmp_path_factory.mktemp("guest")
    with_folio = build(copy_root("guest", base / "with"), nitpicky=True)
    without = build(copy_root("guest", base / "without"), extensions=WITHOUT_FOLIO)
    return with_folio, without


def html_pages(built: Built) -> set[str]:
    return {p.relative_to(built.outdir).as_posix() for p in built.outdir.rglob("*.html")}


def meta_names(html: str) -> Counter[str]:
    return Counter(m.group(2) for m in
                   re.finditer(r'<meta\s[^>]*?\b(property|name)="([^"]+)"', html))


def caption(built: Built, page: str) -> str:
    """A figure's caption as read, without its permalink mark."""
    return built.soup(page).select_one("figcaption").get_text(" ", strip=True).rstrip(" ¶")


def test_builds_without_a_warning(guest: tuple[Built, Built]) -> None:
    with_folio, _without = guest
    assert with_folio.warnings == ""


def test_plain_pages_are_byte_identical_but_for_the_stylesheets(
        guest: tuple[Built, Built]) -> None:
    with_folio, without = guest
    assert html_pages(with_folio) == html_pages(without)  # and no page of Folio's own
    compared = sorted(html_pages(without) - {ESSAY})
    assert {"index.html", "installation.html", "api.html", "reading-notes.html"} <= set(compared)
    for page in compared:
        mine = (with_folio.outdir / page).read_text(encoding="utf-8")
        theirs = (without.outdir / page).read_text(encoding="utf-8")
        assert len(STYLESHEET.findall(mine)) == 2, page
        assert STYLESHEET.sub("", mine) == theirs, page


def test_only_the_essay_is_styled_as_folio(guest: tuple[Built, Built]) -> None:
    with_folio, _without = guest
    for page in html_pages(with_folio):
        marked = "folio-reading" in with_folio.soup(page).select_one("body").decode()
        assert marked == (page == ESSAY), page


def test_no_meta_tag_twice(guest: tuple[Built, Built]) -> None:
    """Only the theme's own pair of viewport tags (alabaster writes one, its base theme
    another, with Folio or without) may repeat."""
    with_folio, without = guest
    theirs = {name for name, n in meta_names(
        (without.outdir / "installation.html").read_text(encoding="utf-8")).items() if n > 1}
    assert theirs <= {"viewport"}
    for page in sorted(html_pages(with_folio)):
        counts = meta_names((with_folio.outdir / page).read_text(encoding="utf-8"))
        twice = {name for name, n in counts.items() if n > 1}
        assert twice <= theirs, (page, twice)


def test_the_essay_preview_is_opengraph_s_with_the_essay_s_summary(
        guest: tuple[Built, Built]) -> None:
    with_folio, _without = guest
    essay = with_folio.soup(ESSAY)
    prop = {m["property"]: m["content"] for m in essay.find_all("meta", property=True)}
    summary = "What a hundred-year-old style guide taught us about error messages."
    assert prop["og:title"] == "Fewer Words in the Manual"
    assert prop["og:type"] == "article"
    assert prop["og:description"] == summary
    assert prop["og:url"] == "https://lanternfish.example.org/docs/" + ESSAY
    assert essay.find("meta", attrs={"name": "description"})["content"] == summary
    assert essay.find("script", type="application/ld+json") is not None  # what it lacks
    # No html_baseurl: no feed, so no link to one.
    assert essay.find("link", type="application/atom+xml") is None


def test_no_generated_pages_and_no_link_to_one(guest: tuple[Built, Built]) -> None:
    with_folio, _without = guest
    for name in ("genres", "tags"):
        assert not (with_folio.outdir / name).exists()
    for page in ("archive", "library", "quotations"):
        assert not (with_folio.outdir / f"{page}.html").exists()
    byline = with_folio.soup(ESSAY).select_one(".folio-byline")
    assert byline.get_text(" ", strip=True) == "by Priya Nand · 5 March 2024 · review"
    assert byline.find("a") is None  # the genre is a word, not a link to nowhere
    for page in html_pages(with_folio):
        here = (with_folio.outdir / page).parent
        for link in with_folio.soup(page).find_all("a", href=True):
            target = link["href"].split("#")[0]
            if target and not re.match(r"^[a-z]+:", target):
                assert (here / target).resolve().exists(), (page, link["href"])


def test_listing_pages_when_asked_only_those_with_something_to_list(tmp_path: Path) -> None:
    built = build(copy_root("guest", tmp_path), folio_listing_pages=ALL_LISTING_PAGES)
    assert built.warnings == ""
    made = {p for p in html_pages(built) if p.split("/")[0] in ("genres", "tags")
            or p in ("archive.html", "library.html", "quotations.html")}
    # One review, dated, citing and quoting one book, with no tags.
    assert made == {"genres/review.html", "archive.html", "library.html", "quotations.html"}
    byline = built.soup(ESSAY).select_one(".folio-byline")
    assert byline.find("a", string="review")["href"] == "../genres/review.html"


def test_a_page_that_is_not_an_essay_is_named_by_its_title(tmp_path: Path) -> None:
    """The library lists every page that cites or quotes a book; the quotations index
    names each page by its title; a caption outside an essay speaks of no essay."""
    source = copy_root("guest", tmp_path)
    (source / "style-notes.md").write_text(
        "# Notes on house style\n\n```{book-citation} elements-of-style\n"
        ":title: The Elements of Style\n:author: William Strunk Jr.\n"
        ":publisher: Harcourt, Brace and Howe\n:year: 1920\n:first-published: 1918\n```\n\n"
        "```{page-quote} 24\nOmit needless words.\n```\n", encoding="utf-8")
    index = source / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("reading-notes\n```",
                                                               "reading-notes\nstyle-notes\n```"),
                     encoding="utf-8")
    built = build(source, folio_listing_pages=ALL_LISTING_PAGES)
    assert built.warnings == ""
    assert caption(built, "style-notes.html").endswith(
        "first published in 1918. Page references are to this edition.")
    assert caption(built, ESSAY).endswith("Page references in this essay are to this edition.")
    shelf = built.soup("library.html").select_one(".folio-shelf-essays")
    entries = [" ".join(li.get_text().split()) for li in shelf.find_all("li")]
    assert entries == ["Fewer Words in the Manual [review of The Elements of Style]: (p23)",
                       "Notes on house style: (p24)"]
    names = [c.find("a").get_text() for c in built.soup("quotations.html").select("figcaption")]
    assert names == ["Fewer Words in the Manual", "Notes on house style"]


def test_a_site_without_essays_gets_no_generated_page(tmp_path: Path) -> None:
    built = build(copy_root("guest", tmp_path), folio_listing_pages=ALL_LISTING_PAGES,
                  folio_essays=["no-essays-here/*"])
    assert "essay" not in built.warnings
    assert {p for p in html_pages(built) if "/" in p} == {ESSAY}
    assert not (built.outdir / "library.html").exists()
    assert caption(built, ESSAY).endswith("first published in 1918. Page references are to "
                                          "this edition.")


def test_a_page_with_nothing_left_to_list_is_deleted(tmp_path: Path) -> None:
    """Incremental: the essay stops citing and quoting; the library and the
    quotations go, the genre page and the archive stay."""
    source = copy_root("guest", tmp_path)
    first = build(source, folio_listing_pages=ALL_LISTING_PAGES)
    assert (first.outdir / "library.html").exists()
    essay = source / "reading-notes" / "elements-of-style.md"
    text = essay.read_text(encoding="utf-8")
    text = re.sub(r"```\{book-citation\}.*?```\n|```\{page-quote\}.*?```\n|, and \{page\}`23`",
                  "", text, flags=re.DOTALL)
    essay.write_text(text, encoding="utf-8")
    again = build(source, fresh=False, folio_listing_pages=ALL_LISTING_PAGES)
    assert again.warnings == ""
    assert not (again.outdir / "library.html").exists()
    assert not (again.outdir / "quotations.html").exists()
    assert (again.outdir / "genres" / "review.html").exists()
    assert (again.outdir / "archive.html").exists()


def test_a_guests_home_page_gets_no_introduction_heading(tmp_path: Path) -> None:
    """The collection's PDF heads the home page's words "Introduction" (issue 20); a
    guest's home page is theirs, and keeps no heading Folio made up."""
    guest = build(copy_root("guest", tmp_path / "guest"), "latex")
    assert "\\foliointroduction" not in (guest.outdir / "lanternfish.tex").read_text()
    # A collection's home page: headed when it has words of its own before the essays.
    bare = build(copy_root("folio", tmp_path / "bare"), "latex")
    assert "\\foliointroduction" not in (bare.outdir / "testfolio.tex").read_text()
    source = copy_root("folio", tmp_path / "folio")
    index = source / "index.md"
    index.write_text(index.read_text().replace(
        "# Test Folio\n", "# Test Folio\n\nEssays on books read twice.\n"))
    tex = (build(source, "latex").outdir / "testfolio.tex").read_text()
    assert "\\foliointroduction{Introduction}\n\n\\sphinxAtStartPar\nEssays on books" in tex


def test_the_guests_pdf_and_epub_are_the_hosts_own_book(tmp_path: Path) -> None:
    """A guest's PDF and ePub hold every page of the host's, in its toctree order, the
    essay among them as an ordinary page: only a collection's book is its essays,
    newest first, without the other pages."""
    import zipfile
    from xml.etree import ElementTree

    from bs4 import BeautifulSoup

    latex = build(copy_root("guest", tmp_path / "latex"), "latex")
    assert latex.warnings == ""
    tex = (latex.outdir / "lanternfish.tex").read_text(encoding="utf-8")
    headings = re.findall(r"^\\(chapter|section)\{([^}]*)\}", tex, re.MULTILINE)
    assert headings == [("chapter", "Installation"), ("section", "Upgrading"),
                        ("chapter", "Python API"), ("chapter", "Reading notes"),
                        ("section", "Fewer Words in the Manual")]
    for words in ("Lanternfish reads sonar logs", "Lanternfish needs Python 3.11",
                  "Everything the command line does", "Books the team read together",
                  "Vigorous writing is concise."):
        assert words in tex, words
    assert "\\foliocontentsdate" not in tex  # the essay is an ordinary page of the host's

    # Sphinx asks an ePub for a version, which the host's conf.py leaves out.
    epub = build(copy_root("guest", tmp_path / "epub"), "epub", version="1.4")
    assert epub.warnings == ""
    pages = ["index.xhtml", "installation.xhtml", "api.xhtml", "reading-notes.xhtml",
             "reading-notes/elements-of-style.xhtml"]
    with zipfile.ZipFile(epub.outdir / "Lanternfish.epub") as book:
        assert set(pages) <= set(book.namelist())
        opf = ElementTree.fromstring(book.read("content.opf"))
        nav = BeautifulSoup(book.read("nav.xhtml").decode(), "html.parser")
    files = {item.get("id"): item.get("href") for item in opf.iter(f"{OPF}item")}
    spine = [files[ref.get("idref")] for ref in opf.iter(f"{OPF}itemref")]
    assert spine == ["epub-cover.xhtml", *pages]
    listed = [a["href"] for a in nav.select("nav a")]
    assert listed == ["index.xhtml", "installation.xhtml", "installation.xhtml#upgrading",
                      "api.xhtml", "reading-notes.xhtml",
                      "reading-notes/elements-of-style.xhtml"]


@pytest.mark.slow
def test_the_guests_pdf_compiles_with_its_own_engine(tmp_path: Path) -> None:
    """The host never chose an engine (Sphinx's pdflatex): Folio's fonts, which need
    fontspec, stay out of its preamble, and its PDF holds every page in toctree order."""
    import subprocess

    from conftest import require

    require("pdflatex", "latexmk", "pdftotext")
    built = build(copy_root("guest", tmp_path), "latex")
    run = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error",
                          "lanternfish.tex"], cwd=built.outdir, capture_output=True,
                         text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout[-2000:]
    text = subprocess.run(["pdftotext", str(built.outdir / "lanternfish.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    body = " ".join(text.split())
    words = ["Lanternfish reads sonar logs", "Lanternfish needs Python 3.11", "Upgrading",
             "Everything the command line does", "Books the team read together",
             "Fewer Words in the Manual", "Vigorous writing is concise."]
    places = [body.rfind(w) for w in words]  # past the contents, which name the chapters
    assert -1 not in places, dict(zip(words, places, strict=True))
    assert places == sorted(places)


@pytest.mark.slow
def test_the_guests_epub_passes_epubcheck(tmp_path: Path) -> None:
    built = build(copy_root("guest", tmp_path), "epub", version="1.4")
    report = epubcheck(built.outdir / "Lanternfish.epub")
    assert "No errors or warnings detected" in report, report[-2000:]
