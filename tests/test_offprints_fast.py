"""The offprint cutter and make's summary without TeX, in seconds (``make test-fast``).

``folio.commands.offprints`` is driven as ``folio build`` drives it, through
its ``XELATEX`` setting, but the TeX it calls is a small stand-in
(``tests/fake_xelatex.py``): it reads the offprint book the cutter wrote, and
sets each essay as pypdf pages that carry the essay's words, with a bookmark
per section and the ``\\jobname.pages`` file real TeX writes.  So the cutter's own work is real:
splitting the ``.tex``, choosing what is stale from the manifest, cutting
pages and bookmarks out of the book, writing only what changed, removing the
PDFs of essays that are gone.  The real TeX runs are the slow tests'
(``test_offline_builds.py``, ``test_series.py``).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from folio.commands import offprints, summary
from pypdf import PdfReader

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "_ext")}

PREAMBLE = r"""\documentclass{sphinxhowto}
\usepackage{folio}
\title{%(title)s}
\date{2020-02-02}
\release{}
\author{Hester Vale}
"""


def essay_tex(title: str, body: str) -> str:
    return PREAMBLE % {"title": title} + f"\\begin{{document}}\n\\sphinxmaketitle\n{body}\n" \
        "\\printindex\n\\end{document}\n"


class Collection:
    """A LaTeX folder as the extension leaves it: essays' ``.tex`` and the essay list."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.latex, self.downloads = tmp_path / "latex", tmp_path / "downloads"
        self.latex.mkdir()
        fake = tmp_path / "fake_xelatex"
        # An executable, as XELATEX names one (the damage tests add lines to it).
        fake.write_text(f"#!{sys.executable}\nimport sys\nfrom pathlib import Path\n"
                        f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
                        "import fake_xelatex\nfake_xelatex.main()\n", encoding="utf-8")
        fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("XELATEX", str(fake))
        self.essays: dict[str, dict[str, str]] = {}
        self.series: list[dict[str, Any]] = []

    def write(self, stem: str, title: str, body: str) -> None:
        (self.latex / f"{stem}.tex").write_text(essay_tex(title, body), encoding="utf-8")
        self.essays[stem] = {"docname": f"essays/{stem}", "tex": f"{stem}.tex", "stem": stem,
                             "title": title, "author": "Hester Vale"}
        self.save_list()

    def remove(self, stem: str) -> None:
        del self.essays[stem]
        (self.latex / f"{stem}.tex").unlink()
        self.save_list()

    def save_list(self) -> None:
        (self.latex / "folio-essays.json").write_text(json.dumps(
            {"essays": list(self.essays.values()), "collections": [], "series": self.series}),
            encoding="utf-8")

    def make(self) -> offprints.Report:
        return offprints.make_pdfs(self.latex, self.downloads, jobs=1, collections=False)

    def typeset(self) -> str:
        """What the last run sent to TeX (its first offprint book)."""
        book = self.latex / offprints.WORKDIR / "offprints-1.tex"
        return book.read_text(encoding="utf-8") if book.is_file() else ""

    def times(self) -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in self.downloads.glob("*.pdf")}


def words(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def outline(pdf: Path) -> list[Any]:
    """The bookmarks as (title, page) pairs, nested lists as nested lists."""
    reader = PdfReader(pdf)

    def walk(items: list[Any]) -> list[Any]:
        return [walk(item) if isinstance(item, list)
                else (str(item.title), reader.get_destination_page_number(item))
                for item in items]
    return walk(reader.outline)


@pytest.fixture
def collection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Collection:
    found = Collection(tmp_path, monkeypatch)
    found.write("whale", "The Whale", "\\section{Ishmael}\nCall me Ishmael.\n\\newpage\n"
                "\\section{The Ship}\nThe Pequod sails.")
    found.write("walking", "On Walking", "\\section{Concord}\nI went to the woods.")
    found.write("ambition", "Against Ambition", "Nothing is enough.")
    return found


def test_each_essay_gets_its_own_pages_title_and_bookmarks(collection: Collection) -> None:
    report = collection.make()
    assert report.failures == [] and report.unchanged == 0
    assert sorted(report.written) == ["ambition.pdf", "walking.pdf", "whale.pdf"]
    whale = collection.downloads / "whale.pdf"
    assert words(whale) == ["The Whale Call me Ishmael.", "The Whale The Pequod sails."]
    assert words(collection.downloads / "walking.pdf") == ["On Walking I went to the woods."]
    # The essay's title on top, its sections (the book's bookmarks on its pages) under it,
    # pointing at the pages of the essay's own PDF.
    assert outline(whale) == [("The Whale", 0), [("Ishmael", 0), ("The Ship", 1)]]
    assert outline(collection.downloads / "ambition.pdf") == [("Against Ambition", 0)]
    meta = PdfReader(whale).metadata
    assert meta is not None and (meta.title, meta.author) == ("The Whale", "Hester Vale")
    # The collection's index is no essay's business.
    assert "\\printindex" not in collection.typeset()


def test_unchanged_essays_are_neither_typeset_nor_rewritten(collection: Collection) -> None:
    collection.make()
    before = collection.times()
    report = collection.make()
    assert (report.written, report.unchanged) == ([], 3)
    assert collection.typeset() == ""  # no book at all: TeX never ran
    assert collection.times() == before


def test_a_changed_essay_alone_is_typeset_and_rewritten(collection: Collection) -> None:
    collection.make()
    before = collection.times()
    collection.write("walking", "On Walking", "\\section{Concord}\nI left the woods.")
    report = collection.make()
    assert (report.written, report.unchanged) == (["walking.pdf"], 2)
    assert "I left the woods." in collection.typeset()
    assert "Call me Ishmael." not in collection.typeset()
    after = collection.times()
    assert {name for name in after if after[name] != before[name]} == {"walking.pdf"}
    assert words(collection.downloads / "walking.pdf") == ["On Walking I left the woods."]
    manifest = json.loads((collection.latex / "folio-offprints.json").read_text())
    assert sorted(manifest) == ["essays/ambition", "essays/walking", "essays/whale"]


def test_a_deleted_pdf_is_made_again(collection: Collection) -> None:
    collection.make()
    (collection.downloads / "ambition.pdf").unlink()
    report = collection.make()
    assert (report.written, report.unchanged) == (["ambition.pdf"], 2)
    assert (collection.downloads / "ambition.pdf").is_file()


def test_a_removed_essay_takes_its_pdf_along(collection: Collection) -> None:
    collection.make()
    collection.remove("ambition")
    report = collection.make()
    assert report.removed == ["ambition.pdf"] and report.written == []
    assert sorted(p.name for p in collection.downloads.iterdir()) == ["walking.pdf",
                                                                       "whale.pdf"]
    manifest = json.loads((collection.latex / "folio-offprints.json").read_text())
    assert "essays/ambition" not in manifest
    assert "removed 1 for essays or series that are gone" in offprints.summary(
        report, collection.downloads, 1.0)


def test_a_damaged_manifest_only_costs_the_work(collection: Collection) -> None:
    collection.make()
    (collection.latex / "folio-offprints.json").write_text("{not json", encoding="utf-8")
    before = collection.times()
    report = collection.make()
    # Every essay typeset again, the same bytes: nothing rewritten.
    assert report.failures == [] and (report.written, report.unchanged) == ([], 3)
    assert "Call me Ishmael." in collection.typeset() and collection.times() == before
    assert json.loads((collection.latex / "folio-offprints.json").read_text())


def add_seasons(collection: Collection) -> None:
    """A series of two of the collection's essays, listed as the extension lists it."""
    collection.series.append({"stem": "seasons", "title": "Seasons", "author": "Hester Vale",
                              "title_tex": "Seasons", "author_tex": "Hester Vale",
                              "intro_tex": "Two essays.", "parts": ["essays/walking",
                                                                    "essays/whale"]})
    collection.save_list()


def test_a_series_is_its_title_page_then_its_parts(collection: Collection) -> None:
    add_seasons(collection)
    report = collection.make()
    assert report.series_written == ["seasons.pdf"]
    series = collection.downloads / "seasons.pdf"
    assert words(series) == ["Seasons Two essays.", "On Walking I went to the woods.",
                             "The Whale Call me Ishmael.", "The Whale The Pequod sails."]
    assert outline(series)[0] == ("Seasons", 0)
    # Unchanged parts: the series is left alone; a part edited: remade.
    assert collection.make().series_unchanged == 1
    collection.write("whale", "The Whale", "Call me Ishmael, again.")
    assert collection.make().series_written == ["seasons.pdf"]
    assert words(series)[-1] == "The Whale Call me Ishmael, again."


def test_a_damaged_part_leaves_its_series_for_the_next_build(collection: Collection) -> None:
    add_seasons(collection)
    collection.make()
    (collection.downloads / "seasons.pdf").unlink()
    part = collection.downloads / "whale.pdf"
    part.write_bytes(part.read_bytes().replace(b"/Type /Pages", b"/Type /Page "))
    report = collection.make()
    assert report.series_written == [] and len(report.failures) == 1
    what, log = report.failures[0]
    assert what.startswith("series PDF seasons: cannot be joined")
    assert "whale.pdf" in log.read_text(encoding="utf-8")
    assert not (collection.downloads / "seasons.pdf").exists()


def test_a_missing_glyph_is_a_warning(collection: Collection) -> None:
    collection.write("ambition", "Against Ambition", "A snowman ☃.")
    report = collection.make()
    assert report.warnings == ["Missing character: There is no ☃ in font Gentium!"]
    assert "PDF warning: Missing character" in offprints.summary(report, collection.downloads,
                                                                 1.0)


def cutter(collection: Collection) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "folio.commands.offprints",
                           str(collection.latex), str(collection.downloads), "--essays-only",
                           "--jobs", "1"], env={**ENV, "XELATEX": os.environ["XELATEX"]},
                          capture_output=True, text=True, check=False)


def test_the_command_says_what_it_made(collection: Collection) -> None:
    run = cutter(collection)
    assert run.returncode == 0 and run.stderr == ""
    assert "3 essay PDFs" in run.stdout and "(3 written, 0 unchanged)" in run.stdout


def test_a_tex_failure_is_reported_with_its_log(collection: Collection) -> None:
    collection.write("ambition", "Against Ambition", "\\undefinedcs")
    run = cutter(collection)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "PDF failed: essay PDFs (book 1)" in run.stderr
    assert "Undefined control sequence" in run.stderr


@pytest.mark.parametrize("damage", ["missing", "not json", "wrong fields"])
def test_a_bad_essay_list_is_one_line_and_exit_2(collection: Collection, damage: str) -> None:
    listing = collection.latex / "folio-essays.json"
    if damage == "missing":
        listing.unlink()
    elif damage == "not json":
        listing.write_text('{"essays": [', encoding="utf-8")
    else:
        listing.write_text('{"essays": [{"docname": "x"}], "collections": []}',
                           encoding="utf-8")
    run = cutter(collection)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "folio-essays.json" in run.stderr
    assert run.stdout == ""


def test_an_essay_tex_that_is_gone_is_one_line_and_exit_2(collection: Collection) -> None:
    (collection.latex / "walking.tex").unlink()
    run = cutter(collection)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "walking.tex" in run.stderr


@pytest.mark.parametrize("damage", ["corrupt pdf", "no pdf", "no pages", "no kids",
                                    "pages not pages"])
def test_a_damaged_typeset_book_is_a_failure_not_a_traceback(
        collection: Collection, tmp_path: Path, damage: str) -> None:
    # TeX says it succeeded, yet what it left cannot be cut.
    fake = Path(os.environ["XELATEX"])
    book = "Path(sys.argv[-1])"
    spoil = {"corrupt pdf": f"{book}.with_suffix('.pdf').write_bytes(b'%PDF-1.7 broken')",
             "no pdf": f"{book}.with_suffix('.pdf').unlink()",
             "no pages": f"{book}.with_suffix('.pages').write_text('start 0 1\\n')",
             # A damaged object inside a whole file: pypdf raises IndexError or
             # AttributeError here, not its own errors.
             "no kids": f"(p := {book}.with_suffix('.pdf')).write_bytes("
                        "p.read_bytes().replace(b'/Kids', b'/Kidz'))",
             "pages not pages": f"(p := {book}.with_suffix('.pdf')).write_bytes("
                                "p.read_bytes().replace(b'/Type /Pages', b'/Type /Page '))",
             }[damage]
    fake.write_text(fake.read_text(encoding="utf-8") + spoil + "\n", encoding="utf-8")
    run = cutter(collection)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    failed = [line for line in run.stderr.splitlines() if line.startswith("PDF failed")]
    assert len(failed) == 1 and "offprints-1" in failed[0]
    assert "cannot be cut" in failed[0]
    # Nothing was recorded as done, so the next run tries again.
    assert not (collection.latex / "folio-offprints.json").read_text().strip("{} \n")


# -- make's summary -------------------------------------------------------------------------------

def report_file(doctrees: Path, **report: Any) -> None:
    doctrees.mkdir(parents=True, exist_ok=True)
    (doctrees / f"folio-report-{report['builder']}.json").write_text(json.dumps(report),
                                                                       encoding="utf-8")


def summary_of(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "folio.commands.summary", *args], env=ENV,
                          cwd=cwd, capture_output=True, text=True, check=False)


def test_summary_lines_for_each_builder(tmp_path: Path) -> None:
    doctrees = tmp_path / "_build/doctrees/shared"
    report_file(doctrees, builder="epub", outdir=str(tmp_path / "_build/epub"), essays=5,
                downloads=str(tmp_path / "_build/downloads"), epub="margins.epub", written=2,
                example_baseurl="https://margins.example.org/")
    report_file(doctrees, builder="latex", outdir=str(tmp_path / "_build/latex"), essays=5,
                example_baseurl="https://margins.example.org/")
    report_file(doctrees, builder="html", outdir=str(tmp_path / "_build/html"), essays=5,
                missing_downloads=3)
    run = summary_of(str(doctrees), cwd=tmp_path)
    assert run.returncode == 0 and run.stderr == ""
    # epub, latex, html: the order folio build runs them; paths as the writer sees them.
    assert run.stdout.splitlines() == [
        "ePub: _build/downloads/margins.epub and 5 essay ePubs in _build/downloads "
        "(2 written, 3 unchanged)",
        "HTML: _build/html/index.html (5 essays)",
        "note: 3 essay PDFs or ePubs are not built yet, so their pages have no download "
        "links; 'folio build' builds everything",
        # Said once, though the ePub's and the LaTeX build's reports both carry it.
        "warning: the essays' PDFs and ePubs link to https://margins.example.org/, an example "
        "address: set html_baseurl in conf.py to where the site is published"]
    quiet = summary_of("--no-address-note", str(doctrees), cwd=tmp_path).stdout
    assert "html_baseurl" not in quiet and "HTML:" in quiet
    once = summary_of("--address-note-only", str(doctrees), cwd=tmp_path).stdout
    assert once.count("html_baseurl") == 1 and "HTML:" not in once


def test_summary_of_a_published_site_has_no_notes() -> None:
    lines = summary.describe({"builder": "dirhtml", "outdir": "/srv/site", "essays": 1,
                              "missing_downloads": 0})
    assert lines == ["HTML: /srv/site/index.html (1 essays)"]
    assert summary.describe({"builder": "latex", "outdir": "/x", "example_baseurl": ""}) == []


def test_summary_skips_missing_and_damaged_reports(tmp_path: Path) -> None:
    doctrees = tmp_path / "doctrees"
    doctrees.mkdir()
    (doctrees / "folio-report-epub.json").write_text("{half", encoding="utf-8")
    (doctrees / "folio-report-html.json").write_text('{"essays": 3}', encoding="utf-8")
    report_file(doctrees, builder="latex", outdir="/x", example_baseurl="")
    run = summary_of(str(doctrees), str(tmp_path / "nowhere"), cwd=tmp_path)
    assert "Traceback" not in run.stderr
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.splitlines() == [
        f"{doctrees / 'folio-report-html.json'}: not a build report (no builder or outdir); "
        "build again"]
