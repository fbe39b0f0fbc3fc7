"""``folio build`` reads the sources once for its three builders (ePub, LaTeX, web
site), and what one builder's read made stale still reaches every output: an edit
that only changes another essay's related reading, a book file's record, and the
result equals a clean build, HTML, every ePub and every PDF's text."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import require
from folio.commands.build import book_contents
from test_build import folio, new_collection

#: End to end (TeX, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow

ESSAY = """\
---
title: {title}
date: {date}
genre: review
tags: [ponds, idleness]
summary: An essay about sitting still by water.
---

{body}
"""

CITING = """\
I reread {book}`walden` every winter.

```{book-citation} walden
```

Sitting still is the whole of it.
"""

WALDEN = """\
---
title: Walden
author: Henry David Thoreau
year: 1854
---
"""


def write_collection(tmp_path: Path) -> Path:
    folder = new_collection(tmp_path)
    essays = folder / "essays"
    (essays / "still-water.md").write_text(ESSAY.format(
        title="Still Water", date="2024-03-01", body=CITING), encoding="utf-8")
    (essays / "pond-life.md").write_text(ESSAY.format(
        title="Pond Life", date="2024-04-01", body="Frogs, mostly, and the light."),
        encoding="utf-8")
    (folder / "books").mkdir()
    (folder / "books/walden.md").write_text(WALDEN, encoding="utf-8")
    return folder


def read_counts(folder: Path) -> dict[str, int]:
    """How many sources each builder of the last ``folio build`` read (its report)."""
    shared = folder / "_build/doctrees/shared"
    return {builder: json.loads((shared / f"folio-report-{builder}.json").read_text())["read"]
            for builder in ("epub", "latex", "html")}


def build_all(folder: Path, jobs: int = 2) -> None:
    made = folio(folder, "build", "--jobs", str(jobs))
    assert made.returncode == 0, made.stdout + made.stderr
    assert made.stderr == "", made.stderr


def html_text(folder: Path, page: str) -> str:
    soup = BeautifulSoup((folder / "_build/html" / page).read_text(encoding="utf-8"),
                         "html.parser")
    return " ".join(soup.get_text(" ").split())


def epub_text(book: Path, member: str) -> str:
    with zipfile.ZipFile(book) as epub:
        name = next(n for n in epub.namelist() if n.endswith(member))
        soup = BeautifulSoup(epub.read(name).decode("utf-8"), "html.parser")
    return " ".join(soup.get_text(" ").split())


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(text.split())


def in_every_output(folder: Path, words: str) -> dict[str, bool]:
    """Whether Still Water's web page, ePub and PDF, and the collection's ePub and PDF,
    show ``words``."""
    downloads = folder / "_build/downloads"
    return {
        "html": words in html_text(folder, "essays/still-water.html"),
        "epub": words in epub_text(downloads / "still-water.epub", "essay.xhtml"),
        "pdf": words in pdf_text(downloads / "still-water.pdf"),
        "collection epub": words in epub_text(downloads / "notes.epub", "still-water.xhtml"),
        "collection pdf": words in pdf_text(downloads / "notes.pdf"),
    }


def outputs(folder: Path) -> dict[str, object]:
    """Every web page's text, every ePub's members, every PDF's text."""
    found: dict[str, object] = {}
    html = folder / "_build/html"
    for page in sorted(html.rglob("*.html")):
        name = page.relative_to(html).as_posix()
        if not name.startswith(("_static/", "_sources/", "pagefind/")):
            found[name] = html_text(folder, name)
    for path in sorted((folder / "_build/downloads").iterdir()):
        if path.suffix == ".pdf":
            found[path.name] = pdf_text(path)
        elif path.suffix == ".epub":
            found[path.name] = book_contents(path)
    return found


def test_one_read_serves_three_builders_and_every_change_reaches_every_output(
        tmp_path: Path) -> None:
    require("xelatex", "latexmk", "pdftotext")
    folder = write_collection(tmp_path)
    build_all(folder)
    # The ePub builder read the four documents (home, three essays); the others none.
    assert read_counts(folder) == {"epub": 4, "latex": 0, "html": 0}
    assert all(in_every_output(folder, "Pond Life").values())
    assert all(in_every_output(folder, "Henry David Thoreau").values())

    # A retitle changes only Still Water's related reading (its source is untouched):
    # read once, by the first builder; written by all three.
    pond = folder / "essays/pond-life.md"
    pond.write_text(pond.read_text().replace("title: Pond Life", "title: Frogs at Dusk"))
    build_all(folder)
    assert read_counts(folder) == {"epub": 1, "latex": 0, "html": 0}
    assert in_every_output(folder, "Frogs at Dusk") == dict.fromkeys(
        in_every_output(folder, "Frogs at Dusk"), True)

    # A book file is no document: no builder reads a source, and the record reaches
    # every output of the essay citing it.
    walden = folder / "books/walden.md"
    walden.write_text(walden.read_text().replace("Henry David Thoreau", "H. D. Thoreau"))
    build_all(folder, jobs=1)
    assert read_counts(folder) == {"epub": 0, "latex": 0, "html": 0}
    assert all(in_every_output(folder, "H. D. Thoreau").values())

    # Nothing changed: nothing read, nothing owed.
    build_all(folder)
    assert read_counts(folder) == {"epub": 0, "latex": 0, "html": 0}
    owed = json.loads((folder / "_build/doctrees/shared/folio-owed.json").read_text())
    assert owed == {name: {"changed": False, "pages": []} for name in ("epub", "html", "latex")}

    # Incremental equals clean, -j 1 equals -j 2: the same sources built from nothing.
    clean = tmp_path / "clean" / folder.name
    shutil.copytree(folder, clean, ignore=shutil.ignore_patterns("_build"))
    build_all(clean, jobs=1)
    assert outputs(folder) == outputs(clean)
