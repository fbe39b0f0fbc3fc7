"""Two clean builds with one SOURCE_DATE_EPOCH are identical; more incremental edits."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, build, copy_root
from test_builds import assert_same, pages

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow


def epub_contents(builddir: Path) -> dict[str, bytes]:
    found = {}
    for book in sorted([*builddir.glob("epub/*.epub"), *builddir.glob("downloads/*.epub")]):
        with zipfile.ZipFile(book) as archive:
            for name in sorted(archive.namelist()):
                found[f"{book.parent.name}/{book.name}!{name}"] = archive.read(name)
    return found


def test_clean_builds_with_source_date_epoch_are_identical(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    html, epubs = [], []
    for run in ("one", "two"):
        builddir = tmp_path / run
        html.append({name: data for name, data in pages(
            build(ROOT, "html", builddir=builddir).outdir).items()})
        build(ROOT, "epub", builddir=builddir)
        epubs.append(epub_contents(builddir))
    assert_same(html[0], html[1])
    assert len(epubs[0]) > 50 and any("downloads/" in name for name in epubs[0])
    assert_same(epubs[0], epubs[1])


def rename(source: Path) -> None:
    (source / "essays/whale.md").rename(source / "essays/leviathan.md")
    for path in (source / "essays").iterdir():
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("whale", "leviathan"), encoding="utf-8")


def move_quote(source: Path) -> None:
    creature = source / "essays/creature.md"
    text = creature.read_text(encoding="utf-8")
    quote = "```{page-quote} 69\nBeware; for I am fearless, and therefore powerful.\n```\n"
    assert quote in text
    creature.write_text(text.replace(quote, ""), encoding="utf-8")
    ambition = source / "essays/ambition.md"
    ambition.write_text(ambition.read_text(encoding="utf-8") + "\n"
                        + quote.replace("69\n", "69\n:book: frankenstein\n"), encoding="utf-8")


@pytest.mark.parametrize("change", [rename, move_quote], ids=["rename", "move-quote"])
def test_incremental_equals_clean(tmp_path: Path, change: object) -> None:
    source = copy_root("folio", tmp_path / "incremental")
    build(source)
    change(source)  # type: ignore[operator]
    after = build(source, fresh=False)
    clean_source = tmp_path / "clean"
    shutil.copytree(source, clean_source, ignore=shutil.ignore_patterns("_build"))
    clean = build(clean_source)
    assert after.warnings == clean.warnings
    # Sphinx leaves a renamed essay's old page in the output folder (nothing links to it).
    stale = {"essays/whale.html"} if change is rename else set()
    assert_same({k: v for k, v in pages(after.outdir).items() if k not in stale},
                pages(clean.outdir))
