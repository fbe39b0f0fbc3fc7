"""The offline files at scale (issue 14): essay PDFs cut from shared TeX runs,
rebuilt only when their essay changed; -j 2 equals -j 1, incremental equals clean.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, build, copy_root, require

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow

ESSAYS = ["ambition", "creature", "pemberley", "walking", "whale"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "_ext")}


def offline(srcdir: Path, builddir: Path, parallel: int = 0) -> Path:
    """What ``make`` builds before the web pages: the ePubs, then the PDFs."""
    for builder in ("epub", "latex"):
        built = build(srcdir, builder, builddir=builddir, fresh=False, parallel=parallel)
        assert built.warnings == "", built.warnings
    run = subprocess.run([sys.executable, "-m", "folio.commands.offprints", str(builddir / "latex"),
                          str(builddir / "downloads"), "--essays-only",
                          "--jobs", str(max(1, parallel))],
                         env=ENV, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stderr == ""
    return builddir / "downloads"


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def contents(folder: Path) -> dict[str, str | dict[str, bytes]]:
    """Every essay's PDF as text and ePub as its members."""
    found: dict[str, str | dict[str, bytes]] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".pdf":
            found[path.name] = pdf_text(path)
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as book:
                found[path.name] = {name: book.read(name) for name in book.namelist()}
    return found


def mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("xelatex", "pdftotext")
    tmp = tmp_path_factory.mktemp("offprints")
    return offline(copy_root("folio", tmp), tmp / "_build")


def test_each_essay_pdf_is_its_own_document(downloads: Path) -> None:
    from pypdf import PdfReader

    assert sorted(p.stem for p in downloads.glob("*.pdf")) == ESSAYS
    text = pdf_text(downloads / "pemberley.pdf")
    assert text.split()[:2] == ["Pemberley", "Days"]  # its own title at the top
    assert "Release" not in text and "Contents" not in text
    assert "The Creature Speaks" in text and "(p5)" in text
    # Page numbers start at 1 in every essay, whichever book it was set in.
    for name in ESSAYS:
        pages = PdfReader(downloads / f"{name}.pdf").pages
        assert pages[0].extract_text().rstrip().endswith("1"), name
    reader = PdfReader(downloads / "pemberley.pdf")
    assert reader.metadata.title == "Pemberley Days"
    assert reader.metadata.author == "Guest Writer"  # the essay's author, not the site's
    assert reader.outline[0].title == "Pemberley Days"


def test_essay_pdf_links_work(downloads: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(downloads / "pemberley.pdf")
    names = set(reader.named_destinations)
    uris, inside = [], []
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A", {})
            if "/URI" in action:
                uris.append(str(action["/URI"]))
            elif "/D" in action:
                inside.append(str(action["/D"]))
    assert "https://example.org/folio/essays/creature.html" in uris
    assert inside and all(name in names for name in inside)


def test_parallel_equals_serial(tmp_path: Path) -> None:
    require("xelatex", "pdftotext")
    one = offline(copy_root("folio", tmp_path / "one"), tmp_path / "one/_build", parallel=1)
    two = offline(copy_root("folio", tmp_path / "two"), tmp_path / "two/_build", parallel=2)
    assert contents(one) == contents(two)
    assert len(contents(one)) == 2 * len(ESSAYS)


def test_editing_one_essay_rewrites_only_its_files(tmp_path: Path) -> None:
    require("xelatex", "pdftotext")
    src = copy_root("folio", tmp_path / "inc")
    folder = offline(src, tmp_path / "inc/_build")
    before = mtimes(folder)
    essay = src / "essays" / "whale.md"
    text = essay.read_text(encoding="utf-8")
    assert "Call me" in text
    essay.write_text(text.replace("Call me", "Edited here. Call me", 1), encoding="utf-8")
    offline(src, tmp_path / "inc/_build")
    after = mtimes(folder)
    assert sorted(k for k in after if after[k] != before.get(k)) == ["whale.epub", "whale.pdf"]
    assert "Edited here." in pdf_text(folder / "whale.pdf")
    # A clean build of the edited sources gives the same files.
    other = copy_root("folio", tmp_path / "clean")
    (other / "essays/whale.md").write_text(essay.read_text(encoding="utf-8"), encoding="utf-8")
    clean = offline(other, tmp_path / "clean/_build")
    assert contents(folder) == contents(clean)


def test_retitling_an_essay_rewrites_the_essays_that_name_it(tmp_path: Path) -> None:
    require("xelatex", "pdftotext")
    src = copy_root("folio", tmp_path / "inc")
    folder = offline(src, tmp_path / "inc/_build")
    before = mtimes(folder)
    showing = {p.stem for p in folder.glob("*.pdf")
               if "The Creature Speaks" in pdf_text(p) and p.stem != "creature"}
    assert showing
    essay = src / "essays" / "creature.md"
    essay.write_text(essay.read_text(encoding="utf-8").replace(
        "title: The Creature Speaks", "title: The Creature Answers", 1), encoding="utf-8")
    offline(src, tmp_path / "inc/_build")
    after = mtimes(folder)
    changed = {k.rsplit(".", 1)[0] for k in after if after[k] != before.get(k)}
    assert {"creature"} | showing <= changed
    assert all("The Creature Speaks" not in pdf_text(p) for p in folder.glob("*.pdf"))


def test_a_removed_essay_takes_its_pdf_along(tmp_path: Path) -> None:
    require("xelatex")
    src = copy_root("folio", tmp_path)
    folder = offline(src, tmp_path / "_build")
    (src / "essays" / "ambition.md").unlink()
    whale = src / "essays" / "whale.md"  # the one essay naming it
    whale.write_text(whale.read_text().replace(":similar: ambition\n", ""), encoding="utf-8")
    offline(src, tmp_path / "_build")
    assert "ambition.pdf" not in {p.name for p in folder.iterdir()}
    manifest = json.loads((tmp_path / "_build/latex/folio-offprints.json").read_text())
    assert "essays/ambition" not in manifest


def test_a_tex_failure_shows_the_log(tmp_path: Path) -> None:
    require("xelatex")
    src = copy_root("folio", tmp_path)
    build(src, "latex", builddir=tmp_path / "_build")
    tex = tmp_path / "_build/latex/whale.tex"
    tex.write_text(tex.read_text().replace(r"\begin{document}", r"\begin{document}\undefinedcs",
                                           1))
    run = subprocess.run([sys.executable, "-m", "folio.commands.offprints",
                          str(tmp_path / "_build/latex"),
                          str(tmp_path / "_build/downloads"), "--essays-only"],
                         env=ENV, capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "PDF failed" in run.stderr and "Undefined control sequence" in run.stderr
    assert "offprints-1.console.log" in run.stderr


def summary(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "folio.commands.summary", *args], env=ENV,
                          capture_output=True, text=True, check=True).stdout


def test_summary_warns_once_about_an_example_address(tmp_path: Path) -> None:
    src = copy_root("folio", tmp_path)
    build(src, "epub", builddir=tmp_path / "_build", html_baseurl="https://margins.example.org/")
    doctrees = tmp_path / "_build/doctrees"
    text = summary(str(doctrees))
    assert "5 essay ePubs" in text
    assert text.count("html_baseurl") == 1 and "margins.example.org" in text
    assert "html_baseurl" not in summary("--no-address-note", str(doctrees))
    assert summary("--address-note-only", str(doctrees), str(doctrees)).count("warning") == 1


def test_summary_names_no_address_when_the_site_has_one(tmp_path: Path) -> None:
    src = copy_root("folio", tmp_path)
    build(src, "epub", builddir=tmp_path / "_build", html_baseurl="https://essays.hv.net/")
    assert "html_baseurl" not in summary(str(tmp_path / "_build/doctrees"))


def test_html_says_when_download_links_are_missing(tmp_path: Path) -> None:
    src = copy_root("folio", tmp_path)
    build(src, "html", builddir=tmp_path / "_build")
    text = summary(str(tmp_path / "_build/doctrees"))
    assert "10 essay PDFs or ePubs are not built yet" in text and "'folio build'" in text
