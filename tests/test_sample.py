"""The sample collection itself, in every output, as a reader gets it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, Built, build, compile_pdf, epubcheck, require

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow

ESSAYS = sorted(p.stem for p in (ROOT / "essays").iterdir() if p.suffix in {".md", ".rst"})


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(ROOT, "html", builddir=tmp_path_factory.mktemp("sample"))


def test_sample_builds_cleanly_with_nitpicky(site: Built) -> None:
    assert site.warnings == ""
    assert len(ESSAYS) >= 8


def test_every_essay_has_its_parts(site: Built) -> None:
    genres = set()
    for name in ESSAYS:
        page = site.soup(f"essays/{name}.html")
        assert page.select_one(".folio-byline .folio-date"), name
        genres.add(page.select_one(".folio-byline .folio-genre").get_text())
        assert page.select_one(".folio-copyright").get_text().strip().startswith("©"), name
        assert page.select("figure.folio-book figcaption cite"), name
        assert page.select(".folio-related li"), name
    assert genres == {"review", "memoir", "fiction", "opinion"}


def test_sample_epub_is_valid(tmp_path: Path) -> None:
    built = build(ROOT, "epub", builddir=tmp_path)
    assert built.warnings == ""
    report = epubcheck(built.outdir / "margins.epub")
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in report, report


def test_sample_pdf(tmp_path: Path) -> None:
    require("xelatex", "latexmk", "pdftotext", "pdftoppm")
    built = build(ROOT, "latex", builddir=tmp_path)
    assert built.warnings == ""
    pdf, log, text = compile_pdf(built)
    assert "Missing character" not in log
    assert "Cover of the 2003 Penguin Classics paperback edition of Frankenstein" in text
    assert re.search(r"\(p\d+\)", text)
    assert re.search(r"\[(review|memoir|fiction|opinion)\], page \d+", text)
    assert "© 2018 Hester Vale" in text or "© 2019 Hester Vale" in text
    # A picture of a page, kept beside the build for a person to look at.
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "5", "-l", "5", str(pdf),
                    str(built.outdir / "page")], check=True)
    assert list(built.outdir.glob("page*.png"))
