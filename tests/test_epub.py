"""The collection as an ePub: valid, and every directive readable offline."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import Built, build, copy_root, epubcheck

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def epub(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(copy_root("folio", tmp_path_factory.mktemp("epub")), "epub")


def chapter(built: Built, name: str) -> BeautifulSoup:
    return BeautifulSoup((built.outdir / name).read_text(encoding="utf-8"), "html.parser")


def test_epubcheck_is_clean(epub: Built) -> None:
    assert epub.warnings == ""
    [book] = list(epub.outdir.glob("*.epub"))
    report = epubcheck(book)
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in report, report


def test_essay_chapter(epub: Built) -> None:
    page = chapter(epub, "essays/creature.xhtml")
    assert page.find("html")["lang"] == "en"
    figure = page.find("figure", class_="folio-book")
    cover = figure.find("img")
    assert cover["src"] == "../_images/folio-cover-frankenstein.svg"
    assert (epub.outdir / "_images/folio-cover-frankenstein.svg").exists()
    assert "first published in 1818" in figure.find("figcaption").get_text()
    refs = [a.get_text() for a in page.select(".folio-page-ref a")]
    assert refs == ["(p69)", "(p120–121)"]
    # Spoilers are shown, between a marked start and end.
    assert page.find("details") is None
    assert page.select_one(".folio-spoiler-start").get_text(strip=True) == "Spoilers: How it ends"
    assert page.select_one(".folio-spoiler-end").get_text(strip=True) == "End of spoilers"
    # Related reading stays inside the book.
    links = [a["href"] for a in page.select(".folio-related a")]
    assert links and all(re.fullmatch(r"[a-z]+\.xhtml", href) for href in links)


def test_cover_is_in_the_manifest(epub: Built) -> None:
    [book] = list(epub.outdir.glob("*.epub"))
    with zipfile.ZipFile(book) as archive:
        opf = archive.read("content.opf").decode()
    assert 'href="_images/folio-cover-frankenstein.svg"' in opf
    assert 'media-type="image/svg+xml"' in opf
    # With no epub_cover set, the book gets one drawn from its title.
    cover_id = re.search(r'<meta name="cover" content="([^"]+)"', opf).group(1)
    assert f'id="{cover_id}" href="_static/folio-collection-cover.svg"' in opf
    assert "Test Folio" in (epub.outdir / "_static/folio-collection-cover.svg").read_text()


def test_text_builder_fallback(tmp_path: Path) -> None:
    built = build(copy_root("folio", tmp_path), "text")
    assert built.warnings == ""
    text = (built.outdir / "essays/creature.txt").read_text()
    for expected in ("(p69)", "Spoilers: How it ends", "End of spoilers",
                     "Read something similar:", "© 2019 Test Writer",
                     "first published in 1818"):
        assert expected in text


@pytest.mark.parametrize("builder", ["man", "texinfo", "singlehtml", "dirhtml"])
def test_other_builders_get_a_plain_fallback(tmp_path: Path, builder: str) -> None:
    built = build(copy_root("folio", tmp_path), builder)
    assert built.warnings == ""
    text = "\n".join(p.read_text(errors="replace") for p in built.outdir.rglob("*")
                     if p.is_file() and p.suffix in {".1", ".texi", ".html"})
    assert "(p69)" in text and "Read something similar:" in text
