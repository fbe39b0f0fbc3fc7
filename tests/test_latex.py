"""The collection as a PDF through xelatex: every directive, every glyph."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import Built, build, compile_pdf, copy_root, require

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, str, str]:
    require("xelatex", "latexmk", "pdftotext")
    built = build(copy_root("folio", tmp_path_factory.mktemp("latex")), "latex")
    _pdf, log, text = compile_pdf(built)
    return built, log, text


def test_latex_builds_without_warnings(pdf: tuple[Built, str, str]) -> None:
    built, _log, _text = pdf
    assert built.warnings == ""


def test_no_missing_characters(pdf: tuple[Built, str, str]) -> None:
    _built, log, _text = pdf
    assert "Missing character" not in log


def test_pdf_shows_every_directive(pdf: tuple[Built, str, str]) -> None:
    _built, _log, text = pdf
    flat = text
    assert "Cover of the 2003 Penguin Classics paperback edition of Frankenstein by Mary" in flat
    assert "(p69)" in flat and "(p120–121)" in flat and "(pxii)" in flat
    assert "Spoilers: How it ends" in flat and "End of spoilers" in flat
    assert "© 2019 Test Writer" in flat
    # Related reading names the page each essay starts on in this PDF.
    assert "Read something similar:" in flat
    assert re.search(r"Against Ambition \[opinion\], page \d+", flat)


def test_fonts_are_embedded(pdf: tuple[Built, str, str]) -> None:
    built, _log, _text = pdf
    require("pdffonts")
    [document] = list(built.outdir.glob("*.pdf"))
    fonts = subprocess.run(["pdffonts", str(document)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts
    # Columns: name type encoding emb sub uni object ID
    assert all(line.split()[-5] == "yes" for line in fonts), fonts
