"""A series' own PDF: its title page and its parts in order, cut from the essays' offprint
pages (no TeX run of its own), offered on the series' page and rewritten only when a
part changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Built, build, copy_root, require
from test_builds import edit

pytestmark = pytest.mark.slow

SERIES_PDF = "series-rereading-the-brontës.pdf"
PARTS = ["The Governess Speaks", "Weather on the Moors", "The Quiet Sister"]


def pdfs(source: Path) -> Path:
    """What ``folio build`` does for the PDFs: the LaTeX build, then the offprints."""
    built = build(source, "latex", fresh=False)
    assert built.warnings == "", built.warnings
    downloads = built.outdir.parent / "downloads"
    run = subprocess.run([sys.executable, "-m", "folio.commands.offprints", str(built.outdir),
                          str(downloads), "--essays-only", "--jobs", "1"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 series PDFs" in run.stdout, run.stdout
    return downloads


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("xelatex", "pdftotext")
    return pdfs(copy_root("library", tmp_path_factory.mktemp("series")))


def test_series_pdf_is_its_title_page_then_its_parts_in_order(downloads: Path) -> None:
    from pypdf import PdfReader

    shown = pdf_text(downloads / SERIES_PDF)
    pages = shown.split("\f")
    assert "Rereading the Brontës" in pages[0]
    assert "A series in three parts, in order." in pages[0]
    assert not any(title in pages[0] for title in PARTS)
    places = [shown.index(title) for title in PARTS]
    assert places == sorted(places)
    # No other essay: Notes on Walking (named only in a part's related reading) is not in it.
    assert "belongs to no series" not in shown and "Notes on Walking\n" not in pages[-1][:40]
    # The parts' own pages, as their own PDFs have them, after the title page.
    series = PdfReader(downloads / SERIES_PDF)
    own = [PdfReader(downloads / f"{stem}.pdf") for stem in ("jane", "heights", "agnes")]
    assert len(series.pages) == 1 + sum(len(book.pages) for book in own)
    assert series.metadata.title == "Rereading the Brontës"
    assert [item.title for item in series.outline if not isinstance(item, list)] == [
        "Rereading the Brontës", *PARTS]


def test_the_series_page_offers_its_pdf(downloads: Path) -> None:
    site: Built = build(downloads.parent.parent, "html", fresh=False)
    offered = site.soup("series/rereading-the-brontës.html").select_one(".folio-downloads")
    assert " ".join(offered.get_text(" ", strip=True).split()) == "Download: PDF"
    href = offered.a["href"]
    assert href.endswith(".pdf")
    assert (site.outdir / "series" / href).is_file()
    # Each part's download line offers its own PDF, then the series'.
    line = site.soup("essays/heights.html").select_one(".folio-downloads")
    assert " ".join(line.get_text(" ", strip=True).split()) == \
        "Download: PDF ; the series: PDF"
    assert [a["href"] for a in line.find_all("a")] == [
        "../downloads/heights.pdf", f"../downloads/{SERIES_PDF}"]
    assert (site.outdir / "essays" / line.find_all("a")[1]["href"]).is_file()
    # An essay in no series offers only its own.
    alone = site.soup("essays/walking.html").select_one(".folio-downloads")
    assert [a["href"] for a in alone.find_all("a")] == ["../downloads/walking.pdf"]


def test_a_part_edit_rewrites_the_series_pdf_and_another_essay_does_not(tmp_path: Path) -> None:
    require("xelatex", "pdftotext")
    source = copy_root("library", tmp_path / "series")
    folder = pdfs(source)
    before = mtimes(folder)
    edit(source / "essays/walking.md", "An essay that rates nothing",
         "An edited essay that rates nothing")
    pdfs(source)
    after = mtimes(folder)
    assert sorted(name for name in after if after[name] != before.get(name)) == ["walking.pdf"]
    edit(source / "essays/heights.md", "The second, on", "The second (edited), on")
    pdfs(source)
    again = mtimes(folder)
    assert sorted(name for name in again if again[name] != after.get(name)) == [
        "heights.pdf", SERIES_PDF]
    assert "The second (edited), on" in pdf_text(folder / SERIES_PDF).replace("\n", " ")
