"""The benchmark corpus (bench/generate.py) builds cleanly and uses every directive.

No timing here: bench/run.py measures; this only keeps the generator honest.
"""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import ROOT, build

sys.path.insert(0, str(ROOT / "bench"))

import pytest
from generate import generate

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow


DIRECTIVES = ("```{book-citation}", "```{page-quote}", "{page}`", "{book}`",
              "```{related-reading}", "```{spoiler}", "```{essay-list}", "```{toctree}")


def test_generated_collection_builds_without_warnings(tmp_path: Path) -> None:
    src = tmp_path / "folio"
    names = generate(src, 5)
    sources = "\n".join(p.read_text(encoding="utf-8")
                        for p in [src / "index.md", *sorted((src / "essays").glob("*.md"))])
    for directive in DIRECTIVES:
        assert directive in sources, directive
    assert ":book: book-" in sources and ":similar:" in sources
    built = build(src)
    assert built.warnings == ""
    for name in names:
        page = (built.outdir / f"{name}.html").read_text(encoding="utf-8")
        assert "folio-related" in page
    assert "(p" in (built.outdir / f"{names[0]}.html").read_text(encoding="utf-8")


def test_generator_is_deterministic_and_plain_has_no_directives(tmp_path: Path) -> None:
    generate(tmp_path / "a", 5)
    generate(tmp_path / "b", 5)
    for path in sorted((tmp_path / "a").rglob("*.md")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    plain = tmp_path / "plain"
    generate(plain, 5, plain=True, small_sidebar_copy=True)
    text = "\n".join(p.read_text(encoding="utf-8") for p in (plain / "essays").glob("*.md"))
    assert "{" not in text.replace("{toctree}", "")
    assert "folio" not in (plain / "conf.py").read_text(encoding="utf-8")
    built = build(plain)
    assert built.warnings == ""
