"""Hostile text in every option comes out as text in HTML, ePub and PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import Built, build, compile_pdf, copy_root, epubcheck, require

EXPECTED_WARNING = "related-reading: unknown document 'essays/javascript:alert(1)'"
TITLE = "<script>alert(1)</script> & 'Quotes' \"double\" # $ % ~ _ ^ \\ { }"


def only_expected_warning(built: Built) -> None:
    lines = [line for line in built.warnings.splitlines() if line.strip()]
    assert len(lines) == 1 and EXPECTED_WARNING in lines[0], built.warnings


def injected(soup: BeautifulSoup) -> list[str]:
    """Markup that came from an option value instead of staying text."""
    found = [str(tag) for tag in soup.find_all(True)
             if any(name.startswith("on") for name in tag.attrs)]
    for script in soup.find_all("script"):
        if script.get("type") == "application/ld+json":
            json.loads(script.string)  # data, and it parses: option text cannot end it
        elif "alert" in script.get_text():
            found.append(str(script))
    found += [str(tag) for tag in soup.find_all(["img", "a"])
              for attr in ("src", "href")
              if tag.get(attr, "").strip().lower().startswith(("javascript:", "data:"))]
    return found


@pytest.mark.parametrize("builder", ["html", "epub"])
def test_web_and_epub_escape_everything(tmp_path: Path, builder: str) -> None:
    built = build(copy_root("hostile", tmp_path), builder)
    only_expected_warning(built)
    suffix = ".html" if builder == "html" else ".xhtml"
    soup = built.soup(f"essays/hostile{suffix}")
    assert injected(soup) == []
    assert soup.find("cite").get_text() == TITLE
    assert soup.find("h1").get_text().startswith(
        "Tom & Jerry’s <script>alert(‘t’)</script> “quoted”")
    assert 'onerror="alert(1)' in soup.select_one("figure img")["alt"]
    if builder == "epub":
        [epub] = list(built.outdir.glob("*.epub"))
        report = epubcheck(epub)
        assert "0 errors / 0 warnings" in report, report
    else:
        summary = soup.find("summary").get_text()
        assert summary == "<img src=x onerror=alert(1)> & \"q\" 'q' \\{ } #hash"


def test_pdf_compiles_with_latex_specials(tmp_path: Path) -> None:
    require("xelatex", "latexmk", "pdftotext")
    built = build(copy_root("hostile", tmp_path), "latex")
    only_expected_warning(built)
    _pdf, _log, flat = compile_pdf(built)
    # The essay's own PDF, titled from its front matter (named apart from the
    # collection's hostile.tex).
    _pdf, _log, own = compile_pdf(built, "essay-hostile")
    assert own.startswith("Tom & Jerry’s <script>alert(‘t’)</script> “quoted”")
    assert "# $ % ~ _ ^ \\ { }" in flat
    assert "O’Brien" in flat or "O'Brien" in flat
    assert "Ann {Bob} \\relax" in flat
