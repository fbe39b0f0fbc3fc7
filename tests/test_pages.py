"""Where the sample's PDF pages break (issue 20): related reading never on a page of
its own, a running head on every page after an essay's first in the collection and in
each essay's own PDF (cut from the offprint book, as ``folio build`` makes them), and
no word's broken-off end opening a page.

Read page by page with ``pdftotext -f N -l N`` (``-layout`` keeps the head's line).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, build, require
from test_design import latexmk, opening

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "_ext")}
RELATED = "Read something similar"


def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's non-blank lines, read one page at a time."""
    count = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout, re.M)[1])
    pages = []
    for number in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number),
                               str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages.append([line.strip() for line in text.splitlines() if line.strip()])
    return pages


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample's collection PDF and every essay's own PDF, as ``folio build`` cuts them."""
    require("xelatex", "latexmk", "pdftotext", "pdfinfo")
    builddir = tmp_path_factory.mktemp("pages")
    built = build(ROOT, "latex", builddir=builddir)
    assert built.warnings == ""
    found = {"margins": latexmk(built.outdir, "margins")}
    run = subprocess.run([sys.executable, "-m", "folio.commands.offprints", str(built.outdir),
                          str(builddir / "downloads"), "--essays-only", "--jobs", "1"],
                         env=ENV, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    # The essays' own PDFs (a series' PDF opens with its own title page).
    found |= {p.stem: p for p in sorted((builddir / "downloads").glob("*.pdf"))
              if not p.stem.startswith("series-")}
    assert len(found) > 5, found
    return found


def is_head(line: str, number: int) -> bool:
    """A running head: the page number at one end of the line and a title beside it."""
    words = line.split()
    return len(words) >= 2 and str(number) in (words[0], words[-1])


def test_related_reading_never_sits_alone(pdfs: dict[str, Path]) -> None:
    seen = 0
    for name, pdf in pdfs.items():
        for number, lines in enumerate(page_lines(pdf), start=1):
            text = "\n".join(lines)
            if RELATED not in text:
                continue
            seen += 1
            before = [line for line in text[:text.index(RELATED)].splitlines()
                      if not is_head(line, number) and "∗" not in line
                      and not line.startswith("©")]
            # At least a line of the essay itself (not only its © line) above the block.
            assert any(len(line.split()) >= 5 for line in before), (name, number, lines)
    assert seen >= len(pdfs)  # the sample's essays end with related reading


def test_a_running_head_on_every_page_after_an_essays_first(pdfs: dict[str, Path]) -> None:
    titles = set()
    for name, pdf in pdfs.items():
        if name == "margins":
            continue
        pages = page_lines(pdf)
        assert len(pages) >= 2, name
        title = pages[0][0]
        titles.add(title)
        for number, lines in enumerate(pages[1:], start=2):
            assert lines[0].startswith(title) and lines[0].endswith(str(number)), \
                (name, number, lines[:2])
    # The book: after the title, contents and introduction (numbered from 1 on page 3),
    # every page but an essay's first has its head.
    book = page_lines(pdfs["margins"])
    openings = [n for n, lines in enumerate(book, start=1) if lines[0] in titles]
    assert len(openings) == len(titles)
    for number, lines in enumerate(book[3:], start=4):
        if number not in openings:
            assert is_head(lines[0], number - 2), (number, lines[:2])


def test_an_essays_own_pdf_opens_as_in_the_collection(pdfs: dict[str, Path]) -> None:
    """The PDF a reader downloads (not only the essay's .tex set alone) opens as the book."""
    book = page_lines(pdfs["margins"])
    [first] = [n for n, lines in enumerate(book, start=1)
               if lines[0] == "Frankenstein at Two Hundred"]
    mine = opening(pdfs["margins"], first, "Frankenstein")
    theirs = opening(pdfs["frankenstein-at-two-hundred"], 1, "Frankenstein")
    for key in mine:
        assert abs(mine[key] - theirs[key]) < 1.5, (key, mine, theirs)


def test_no_broken_word_or_lone_fragment_opens_a_page(pdfs: dict[str, Path]) -> None:
    for name, pdf in pdfs.items():
        pages = page_lines(pdf)
        for number in range(2, len(pages) + 1):
            previous, lines = pages[number - 2], pages[number - 1]
            body = [line for line in lines if not is_head(line, number)
                    and not is_head(line, number - 2)]
            last = [line for line in previous if not line.isdigit()
                    and not is_head(line, number - 1) and not is_head(line, number - 3)]
            if not body or not last:
                continue
            assert not last[-1].endswith("-"), (name, number, last[-1], body[0])
            assert not re.fullmatch(r"\S+[.,;:!?’”)]", body[0]), (name, number, body[:2])
