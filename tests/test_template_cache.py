"""Page templates compiled once and kept beside the doctrees (ext/template_cache.py).

The cache must never serve an old template: a writer's edited template shows
in the next incremental build, as in a clean one.
"""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from conftest import build, copy_root
from folio.ext.template_cache import TEMPLATE_CACHE


def mark(outdir: Path) -> str:
    soup = BeautifulSoup((outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    found = soup.select_one("#folio-test-mark")
    assert found is not None
    return found.get_text()


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    source = copy_root("folio", tmp_path)
    templates = source / "_templates"
    templates.mkdir()
    sidebar = templates / "folio-sidebar.html"  # the root's sidebar, the writer's own
    sidebar.write_text('<p id="folio-test-mark">first</p>\n', encoding="utf-8")
    first = build(source, templates_path=["_templates"])
    assert mark(first.outdir) == "first"
    cached = list((source / "_build" / "doctrees").glob(f"{TEMPLATE_CACHE}/*/*.cache"))
    assert cached, "the compiled templates are kept"
    again = build(source, fresh=False, templates_path=["_templates"])
    assert mark(again.outdir) == "first"
    sidebar.write_text('<p id="folio-test-mark">second</p>\n', encoding="utf-8")
    edited = build(source, fresh=False, templates_path=["_templates"])
    assert mark(edited.outdir) == "second"
