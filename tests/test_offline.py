"""One PDF and one ePub per essay, and the web pages' links to them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, Built, build, compile_pdf, copy_root, epubcheck, require

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow

ESSAYS = ["ambition", "creature", "pemberley", "walking", "whale"]


def test_each_essay_gets_a_latex_document(tmp_path: Path) -> None:
    built = build(copy_root("folio", tmp_path), "latex", html_baseurl="")
    assert built.warnings == ""
    assert sorted(p.stem for p in built.outdir.glob("*.tex")) == sorted([*ESSAYS, "testfolio"])
    _pdf, log, text = compile_pdf(built, "pemberley")
    assert "Missing character" not in log
    assert text.startswith("Pemberley Days")
    assert "Contents" not in text and "Release" not in text
    assert "Cover of the 2003 Penguin Classics edition of Pride and Prejudice" in text
    assert "(p5)" in text
    # Essays outside this PDF are named, without a page number in it.
    assert "The Creature Speaks [review of Frankenstein]" in text
    assert "The Creature Speaks [review], page" not in text


def test_essay_pdf_links_to_the_web_when_the_site_has_an_address(tmp_path: Path) -> None:
    built = build(copy_root("folio", tmp_path), "latex", html_baseurl="https://example.org/x/")
    tex = (built.outdir / "pemberley.tex").read_text()
    assert r"\sphinxhref{https://example.org/x/essays/creature.html}" in tex


def test_each_essay_gets_an_epub(tmp_path: Path) -> None:
    built = build(copy_root("folio", tmp_path), "epub", html_baseurl="https://example.org/x/")
    assert built.warnings == ""
    folder = built.outdir.parent / "downloads"
    assert sorted(p.stem for p in folder.glob("*.epub")) == ESSAYS
    report = epubcheck(folder / "pemberley.epub")
    assert "0 errors / 0 warnings" in report, report
    import zipfile

    with zipfile.ZipFile(folder / "pemberley.epub") as book:
        chapter = BeautifulSoup(book.read("EPUB/essay.xhtml"), "html.parser")
        names = book.namelist()
    assert chapter.find("h1").get_text() == "Pemberley Days"
    assert "EPUB/images/folio-cover-pride-and-prejudice.svg" in names
    related = {a.get_text(): a["href"] for a in chapter.select(".folio-related a")}
    assert related["The Creature Speaks"] == "https://example.org/x/essays/creature.html"
    assert all(a["href"].startswith("#") for a in chapter.select(".folio-page-ref a"))


def test_essay_epub_without_a_site_address_has_no_dead_links(tmp_path: Path) -> None:
    built = build(copy_root("folio", tmp_path), "epub", html_baseurl="")
    import zipfile

    with zipfile.ZipFile(built.outdir.parent / "downloads/pemberley.epub") as book:
        chapter = BeautifulSoup(book.read("EPUB/essay.xhtml"), "html.parser")
    assert chapter.select(".folio-related a") == []
    assert "The Creature Speaks" in chapter.select_one(".folio-related").get_text()


def test_no_download_links_without_files(tmp_path: Path) -> None:
    built = build(copy_root("folio", tmp_path))
    assert built.soup("essays/creature.html").select(".folio-downloads") == []


def test_an_essay_offers_its_files_in_its_byline(tmp_path: Path) -> None:
    """The offer is the byline's last item, not a line of its own (issue 20); the
    ePub and the PDF, which are those files, offer nothing."""
    source = copy_root("folio", tmp_path)
    downloads = tmp_path / "out" / "downloads"
    downloads.mkdir(parents=True)
    for name in ("creature.pdf", "creature.epub", "testfolio.pdf"):
        (downloads / name).write_bytes(b"x")
    page = build(source, "html", builddir=tmp_path / "out").soup("essays/creature.html")
    section = page.select_one("section.folio-reading")
    byline = section.select_one(":scope > .folio-byline p")
    assert " ".join(byline.get_text().split()) == (
        "28 April 2019 · review · science, ambition · Download: PDF · ePub")
    offer = byline.select_one(".folio-downloads")
    assert offer.get_text() == "Download: PDF · ePub"
    assert {a.get_text(): a["href"] for a in offer.select("a")} == {
        "PDF": "../downloads/creature.pdf", "ePub": "../downloads/creature.epub"}
    assert len(page.select(".folio-downloads")) == 1  # no line of its own any more
    home = build(source, "html", builddir=tmp_path / "out").soup("index.html")
    assert home.select_one(".folio-index > .folio-downloads p").get_text() == (
        "Download the collection: PDF")
    latex = build(source, "latex", builddir=tmp_path / "out", html_baseurl="")
    assert "Download" not in (latex.outdir / "creature.tex").read_text()
    assert "Download" not in (latex.outdir / "testfolio.tex").read_text()
    epub = build(source, "epub", builddir=tmp_path / "out", html_baseurl="")
    chapter = BeautifulSoup((epub.outdir / "essays/creature.xhtml").read_text(), "html.parser")
    assert "Download" not in chapter.get_text() and chapter.select_one(".folio-byline")


def test_a_part_of_a_series_offers_the_series_in_its_byline(tmp_path: Path) -> None:
    """A part's byline ends with its own files, then the series'; one item, after
    the date, rating and series lines untouched below it."""
    source = copy_root("library", tmp_path)
    downloads = tmp_path / "out" / "downloads"
    downloads.mkdir(parents=True)
    series = "series-rereading-the-brontës"
    for name in ("heights.pdf", "heights.epub", f"{series}.pdf", f"{series}.epub",
                 "walking.pdf"):
        (downloads / name).write_bytes(b"x")
    built = build(source, "html", builddir=tmp_path / "out")
    page = built.soup("essays/heights.html")
    byline = page.select_one("section.folio-reading > .folio-byline p")
    assert " ".join(byline.get_text().split()) == (
        "1 April 2023 · review · Download: PDF · ePub; the series: PDF · ePub")
    offer = byline.select_one(":scope > .folio-downloads:last-child")
    assert [a["href"] for a in offer.select("a")] == [
        "../downloads/heights.pdf", "../downloads/heights.epub",
        f"../downloads/{series}.pdf", f"../downloads/{series}.epub"]
    # A line breaks between the two groups (after "; "), never inside one.
    assert [g.get_text() for g in offer.select(".folio-download-group")] == [
        "Download: PDF · ePub", "the series: PDF · ePub"]
    assert len(page.select(".folio-downloads")) == 1
    # The series' line still follows the byline, not the offer.
    assert page.select_one(".folio-byline ~ .folio-series-line") is not None
    alone = built.soup("essays/walking.html").select_one(".folio-byline .folio-downloads")
    assert alone.get_text() == "Download: PDF"


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The sample collection as `make` builds it: ePubs, PDFs, then the web site."""
    require("xelatex", "latexmk")
    builddir = tmp_path_factory.mktemp("site")
    epub = build(ROOT, "epub", builddir=builddir)
    latex = build(ROOT, "latex", builddir=builddir)
    assert epub.warnings == "" and latex.warnings == ""
    # As `make pdf` does: the collection with latexmk, the essays' own PDFs
    # typeset together and cut apart (folio.commands.offprints).
    run = subprocess.run([sys.executable, "-m", "folio.commands.offprints", str(latex.outdir),
                          str(builddir / "downloads")], capture_output=True, text=True,
                         timeout=1800, check=False,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "_ext")})
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    downloads = builddir / "downloads"
    shutil.copy(epub.outdir / "margins.epub", downloads)
    return build(ROOT, "html", builddir=builddir)


def test_every_sample_essay_offers_its_files(sample_site: Built) -> None:
    assert sample_site.warnings == ""
    essays = sorted(p.stem for p in (ROOT / "essays").iterdir() if p.suffix in {".md", ".rst"})
    for name in essays:
        page = sample_site.soup(f"essays/{name}.html")
        # Its own two files first; a part of a series then offers the series' too.
        found = page.select(".folio-downloads a")
        links = {a.get_text(): a["href"] for a in found[:2]}
        assert links == {"PDF": f"../downloads/{name}.pdf", "ePub": f"../downloads/{name}.epub"}
        # The byline's last item (issue 20), after its date and facts; a part of a
        # series offers the series' files in the same item.
        byline = page.select_one("section.folio-reading > .folio-byline p")
        offer = byline.select_one(":scope > .folio-downloads:last-child")
        line = offer.get_text()
        assert line == "Download: PDF · ePub" or (
            line == "Download: PDF · ePub; the series: PDF · ePub"
            and all("/series-" in a["href"] for a in found[2:]))
        date = byline.select_one(".folio-date").get_text()
        assert byline.get_text().startswith(date) and byline.get_text().endswith(line)
        assert len(page.select(".folio-downloads")) == 1
        for href in [a["href"] for a in found]:
            assert (sample_site.outdir / "essays" / href).resolve().is_file(), href
    home = sample_site.soup("index.html")
    links = {a.get_text(): a["href"] for a in home.select(".folio-downloads a")}
    assert links == {"PDF": "downloads/margins.pdf", "ePub": "downloads/margins.epub"}
    assert all((sample_site.outdir / href).is_file() for href in links.values())


def test_every_sample_essay_epub_is_valid(sample_site: Built) -> None:
    folder = sample_site.outdir / "downloads"
    for book in sorted(folder.glob("*.epub")):
        report = epubcheck(book)
        assert "0 errors / 0 warnings" in report, (book.name, report)


def test_first_page_of_an_essay_pdf_as_png(sample_site: Built) -> None:
    """Kept in _build/artifacts for a person to look at."""
    require("pdftoppm")
    pdf = sample_site.outdir / "downloads/two-women-at-a-window.pdf"
    artifacts = ROOT / "_build" / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    for old in artifacts.glob("essay-pdf-page*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(artifacts / "essay-pdf-page")], check=True)
    assert (artifacts / "essay-pdf-page.png").stat().st_size > 10_000


def test_an_essays_own_pdf_and_epub_name_its_author_once(tmp_path: Path) -> None:
    """The contract: an essay's own PDF and ePub name its author on their first page.
    The PDF's opening (issue 20) named nobody for an essay by the collection's author
    (the byline's "by X" is for guests); now every essay's author has a line under the
    title, once: a guest's byline no longer says "by X" there too."""
    import re
    import zipfile

    require("xelatex", "pdftotext")
    source = copy_root("folio", tmp_path)
    out = tmp_path / "out"
    latex = build(source, "latex", builddir=out, html_baseurl="")
    assert latex.warnings == ""
    downloads = out / "downloads"
    run = subprocess.run([sys.executable, "-m", "folio.commands.offprints", str(latex.outdir),
                          str(downloads), "--essays-only", "--jobs", "1"],
                         capture_output=True, text=True, timeout=900, check=False,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "_ext")})
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    # The collection keeps its title page for its author, a guest's "by X" under the title.
    collection = (latex.outdir / "testfolio.tex").read_text()
    assert r"\folioessayauthor" not in collection and "by Guest Writer" in collection
    epub = build(source, "epub", builddir=out, html_baseurl="")
    # Creature is by the collection's author (Test Writer), Pemberley by a guest.
    for name, author, body in (("creature", "Test Writer", "Mary Shelley’s"),
                               ("pemberley", "Guest Writer", "I read")):
        page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(downloads / f"{name}.pdf"),
                               "-"], capture_output=True, text=True, check=True).stdout
        text = " ".join(page.split())
        opening = text[:text.index(body)].lower()  # small capitals: the case is the font's
        assert opening.count(author.lower()) == 1, (name, opening)
        assert f"by {author}".lower() not in opening
        # Further down the first page only the © line may name the author again.
        copyright_lines = re.findall(rf"© \d{{4}} {re.escape(author)}", text)
        assert text.lower().count(author.lower()) == 1 + len(copyright_lines), (name, text)
        with zipfile.ZipFile(downloads / f"{name}.epub") as book:
            opf = BeautifulSoup(book.read("EPUB/content.opf"), "xml")
            cover = BeautifulSoup(book.read("EPUB/cover.xhtml"), "html.parser")
            chapter = BeautifulSoup(book.read("EPUB/essay.xhtml"), "html.parser")
        assert [c.get_text() for c in opf.find_all("creator")] == [author]
        assert author in cover.img["alt"]  # the first page: the cover drawn with the name
        section = chapter.select_one("section.folio-reading")
        assert section.select_one(":scope > .folio-author-line").get_text() == author
        head = " ".join(" ".join(e.get_text() for e in section.find_all(
            ["h1", "p"], limit=4) if body not in e.get_text()).split())
        assert head.count(author) == 1 and f"by {author}" not in head, head
    # The collection's own ePub is untouched: the guest's byline still says "by X".
    guest = BeautifulSoup((epub.outdir / "essays/pemberley.xhtml").read_text(), "html.parser")
    assert guest.select_one(".folio-byline .folio-author").get_text() == "by Guest Writer"
    assert guest.select(".folio-author-line") == []
    report = epubcheck(downloads / "pemberley.epub")
    assert "0 errors / 0 warnings" in report, report
