"""Build modes give the same pages: twice clean, in parallel, and incrementally."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import build, copy_root

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow


def search_index(path: Path) -> bytes:
    """The search index, less the empty term lists an incremental build leaves.

    Sphinx's own pruning keeps ``"sea": []`` once no page uses a word, where
    a clean build has no entry: the same index for every search.
    """
    text = path.read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1: text.rindex(")")])
    for kind in ("terms", "titleterms"):
        data[kind] = {term: found for term, found in data[kind].items() if found != []}
    return json.dumps(data, sort_keys=True).encode()


def pages(outdir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(outdir)): search_index(p) if p.name == "searchindex.js"
            else p.read_bytes()
            for p in sorted(outdir.rglob("*")) if p.suffix in {".html", ".svg", ".js", ".xml"}}


def assert_same(left: dict[str, bytes], right: dict[str, bytes]) -> None:
    assert sorted(left) == sorted(right)
    differ = [name for name in left if left[name] != right[name]]
    assert differ == []


def test_two_clean_builds_are_identical(tmp_path: Path) -> None:
    first = build(copy_root("folio", tmp_path / "one"))
    second = build(copy_root("folio", tmp_path / "two"))
    assert_same(pages(first.outdir), pages(second.outdir))


def test_parallel_equals_serial(tmp_path: Path) -> None:
    serial = build(copy_root("folio", tmp_path / "serial"))
    parallel = build(copy_root("folio", tmp_path / "parallel"), parallel=2)
    assert parallel.warnings == ""
    assert_same(pages(serial.outdir), pages(parallel.outdir))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


EDITS = {
    # whale.md stops sharing tags with the others and starts sharing pemberley's.
    "retag": ("essays/whale.md", "tags: [the sea, ambition, science]", "tags: [marriage, class]"),
    # The record of moby-dick changes in whale.md; ambition.md shows it too.
    "book": ("essays/whale.md", ":year: 2003", ":year: 2009"),
    # A new title shows in every related list that points at the essay.
    "retitle": ("essays/walking.rst", ":title: On Walking Out", ":title: Walking Out"),
    # Re-dating changes the order of automatic lists.
    "redate": ("essays/ambition.md", "date: 2023-01-15", "date: 2018-01-15"),
}


@pytest.mark.parametrize("change", sorted(EDITS))
def test_incremental_equals_clean(tmp_path: Path, change: str) -> None:
    filename, old, new = EDITS[change]
    source = copy_root("folio", tmp_path / "incremental")
    before = build(source)
    old_pages = pages(before.outdir)
    edit(source / filename, old, new)
    after = build(source, fresh=False)
    clean_source = tmp_path / "clean"
    shutil.copytree(source, clean_source, ignore=shutil.ignore_patterns("_build"))
    clean = build(clean_source)
    assert_same(pages(after.outdir), pages(clean.outdir))
    # And the change did reach pages other than the edited one.
    edited_page = str(Path(filename).with_suffix(".html"))
    others = [name for name in old_pages
              if name != edited_page and name.startswith("essays/")
              and old_pages[name] != pages(clean.outdir)[name]]
    assert others, "the edit should change another essay's page"


def test_adding_and_removing_an_essay(tmp_path: Path) -> None:
    source = copy_root("folio", tmp_path / "incremental")
    build(source)
    (source / "essays/creature.md").unlink()
    (source / "essays/newcomer.md").write_text(
        "---\ntitle: Newcomer\ndate: 2024-05-05\ngenre: review\ntags: [ambition]\n---\n\n"
        "About {book}`moby-dick`.\n", encoding="utf-8")
    after = build(source, fresh=False)
    # pemberley.md lists the deleted essay by name: the writer is told.
    assert "related-reading: unknown document 'essays/creature'" in after.warnings
    clean_source = tmp_path / "clean"
    shutil.copytree(source, clean_source, ignore=shutil.ignore_patterns("_build"))
    clean = build(clean_source)
    after_pages = {k: v for k, v in pages(after.outdir).items() if "creature" not in k}
    assert_same(after_pages, pages(clean.outdir))


def add_recent_essays(source: Path, count: int = 6) -> None:
    """Essays newer than the root's, so the sidebar's six recent essays are all these."""
    for number in range(count):
        (source / f"essays/recent{number}.md").write_text(
            f"---\ntitle: Recent Essay {number}\ndate: 2025-0{number + 1}-10\ngenre: review\n"
            f"tags: [letters]\n---\n\nAbout {{book}}`moby-dick`, briefly.\n"
            + LINKS_BY_TITLE.get(number, ""), encoding="utf-8")


#: Links that show walking.rst's title: {doc}, and a Markdown link without text.
LINKS_BY_TITLE = {0: "\nSee {doc}`walking`.\n", 1: "\nSee [](walking.rst).\n"}


def html_times(outdir: Path) -> dict[str, int]:
    return {str(p.relative_to(outdir)): p.stat().st_mtime_ns for p in outdir.rglob("*.html")}


def test_retitle_rewrites_only_the_pages_that_show_the_title(tmp_path: Path) -> None:
    """walking.rst (2021) is not among the sidebar's recent essays: a new title
    reaches its neighbours by date, its listings and the related lists naming it,
    and the result equals a clean build; pages that do not show it keep their files."""
    source = copy_root("folio", tmp_path / "incremental")
    add_recent_essays(source)
    before = build(source)
    old_pages, old_times = pages(before.outdir), html_times(before.outdir)
    edit(source / "essays/walking.rst", ":title: On Walking Out", ":title: Walking Out")
    after = build(source, fresh=False)
    clean_source = tmp_path / "clean"
    shutil.copytree(source, clean_source, ignore=shutil.ignore_patterns("_build"))
    clean = build(clean_source)
    clean_pages = pages(clean.outdir)
    assert_same(pages(after.outdir), clean_pages)
    changed = {name for name in clean_pages if old_pages.get(name) != clean_pages[name]}
    rewritten = {name for name, mtime in html_times(after.outdir).items()
                 if old_times.get(name) != mtime}
    # Its neighbours by date (pemberley 2020, whale 2022) show the title in previous/next.
    assert {"essays/pemberley.html", "essays/whale.html", "genres/opinion.html"} <= changed
    # Links by title show it too.
    assert {"essays/recent0.html", "essays/recent1.html"} <= changed
    # Nothing needless: every page written again shows something new (Sphinx's own
    # search and index pages are written on every build).
    assert rewritten - changed <= {"search.html", "genindex.html"}
    assert "essays/recent3.html" not in rewritten
    assert "tags/letters.html" not in rewritten


def test_noop_build_writes_no_generated_page(tmp_path: Path) -> None:
    """A second build with nothing changed leaves every generated page's file alone,
    and a page whose file went missing is written again."""
    source = copy_root("folio", tmp_path / "site")
    first = build(source)
    times = html_times(first.outdir)
    (first.outdir / "tags/index.html").unlink()
    second = build(source, fresh=False)
    again = html_times(second.outdir)
    rewritten = {name for name in again if times.get(name) != again[name]}
    assert rewritten - {"search.html", "genindex.html"} == {"tags/index.html"}
    assert pages(second.outdir) == pages(first.outdir)


def latex(srcdir: Path, fresh: bool) -> tuple[dict[str, bytes], str]:
    """A LaTeX build: every .tex file, and what Sphinx said it processed."""
    from io import StringIO

    from sphinx.testing.util import SphinxTestApp

    status, warning = StringIO(), StringIO()
    app = SphinxTestApp("latex", srcdir=srcdir, freshenv=fresh, status=status, warning=warning)
    try:
        app.build()
    finally:
        app.cleanup()
    assert warning.getvalue() == ""
    return {p.name: p.read_bytes() for p in sorted(app.outdir.glob("*.tex"))}, status.getvalue()


def test_latex_writes_only_the_essays_that_changed(tmp_path: Path) -> None:
    """Sphinx's LaTeX builder would assemble every essay's document again; an edit
    to whale.md redoes whale's and those showing it, and the files equal a clean build."""
    source = copy_root("folio", tmp_path / "incremental")
    _first, said = latex(source, fresh=True)
    assert "processing ambition.tex" in said
    edit(source / "essays/whale.md", "Call me", "Edited here. Call me")
    after, said = latex(source, fresh=False)
    assert "processing whale.tex" in said and "processing testfolio.tex" in said
    assert "processing walking.tex" not in said
    _same, said = latex(source, fresh=False)
    assert "processing" not in said  # nothing changed: nothing assembled
    clean_source = tmp_path / "clean"
    shutil.copytree(source, clean_source, ignore=shutil.ignore_patterns("_build"))
    clean, _said = latex(clean_source, fresh=True)
    assert sorted(after) == sorted(clean)
    assert [name for name in after if after[name] != clean[name]] == []


def test_a_changed_setting_reaches_the_generated_pages(tmp_path: Path) -> None:
    """A Folio setting the generated pages show (the page references' format on
    the quotations page) still rewrites them: incremental equals clean."""
    source = copy_root("folio", tmp_path / "incremental")
    build(source)
    after = build(source, fresh=False, folio_page_format="[page {page}]")
    clean_source = tmp_path / "clean"
    shutil.copytree(source, clean_source, ignore=shutil.ignore_patterns("_build"))
    clean = build(clean_source, folio_page_format="[page {page}]")
    assert "[page " in (clean.outdir / "quotations.html").read_text(encoding="utf-8")
    assert_same(pages(after.outdir), pages(clean.outdir))
