"""One small MyST snippet per directive and role: its doctree as XML, as read
and after the post-transforms, against the files in ``tests/snippets/``.

Model: sphinx-design's ``tests/test_snippets.py``.  They pin what each
feature module produces, so moving code between modules is proved not to
change it.  After a deliberate change, regenerate with
``FOLIO_REGEN_SNIPPETS=1 pytest tests/test_snippets.py`` and read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SNIPPETS = Path(__file__).parent / "snippets"

FRONT = """---
title: A Snippet
date: 2020-02-02
genre: review
tags: [sea]
---

"""

CITATION = """```{book-citation} moby-dick
:title: Moby-Dick
:author: Herman Melville
:publisher: Penguin Classics
:year: 2003
:first-published: 1851
:edition: paperback
:pages: 720
```
"""

CASES = {
    "essay": FRONT + "A paragraph of the essay.\n",
    "book-citation": FRONT + CITATION,
    "page-quote": FRONT + CITATION + """
```{page-quote} 1
Call me Ishmael.
```
""",
    "page-role": FRONT + CITATION + "\nAs the narrator says {page}`1`.\n",
    "book-role": FRONT + CITATION + "\nThen {book}`moby-dick` begins.\n",
    "related-reading": FRONT + """```{related-reading}
:similar: other
:different: third
```
""",
    "spoiler": FRONT + """```{spoiler} How it ends
The ship goes down.
```
""",
    "essay-list": "# Home\n\n```{essay-list}\n:featured: 1\n```\n",
    "responses": FRONT + """```{responses}
- name: Ann Reader
  date: 2020-03-01
  text: |
    I read it *twice*.
```
""",
}

OTHERS = {
    "other.md": "---\ntitle: Another\ndate: 2021-01-01\ngenre: review\ntags: [sea]\n---\n\nText.\n",
    "third.md": "---\ntitle: A Third\ndate: 2019-01-01\ngenre: memoir\n---\n\nText.\n",
}

CONF = """project = "Snippets"
author = "Test Writer"
extensions = ["myst_parser", "folio"]
exclude_patterns = ["_build"]
html_baseurl = "https://example.org/"
"""


def normalise(xml: str, root: Path) -> str:
    return xml.replace(str(root), "ROOT")


@pytest.mark.parametrize("name", sorted(CASES))
def test_snippet(name: str, tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "essays").mkdir(parents=True)
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    essays = source / "essays"
    for other, text in OTHERS.items():
        (essays / other).write_text(text, encoding="utf-8")
    if name == "essay-list":
        (source / "index.md").write_text(CASES[name], encoding="utf-8")
        docname = "index"
    else:
        (source / "index.md").write_text("# Home\n", encoding="utf-8")
        (essays / "snippet.md").write_text(CASES[name], encoding="utf-8")
        docname = "essays/snippet"

    from sphinx.testing.util import SphinxTestApp

    app = SphinxTestApp("html", srcdir=source, builddir=source / "_build", freshenv=True)
    try:
        app.build()
        read = app.env.get_doctree(docname).pformat()
        resolved = app.env.get_and_resolve_doctree(docname, app.builder).pformat()
    finally:
        app.cleanup()
    for stage, xml in (("read", read), ("resolved", resolved)):
        expected_file = SNIPPETS / f"{name}.{stage}.xml"
        text = normalise(xml, source)
        if os.environ.get("FOLIO_REGEN_SNIPPETS"):
            expected_file.write_text(text, encoding="utf-8")
        assert expected_file.exists(), f"no {expected_file.name}: regenerate (see docstring)"
        assert text == expected_file.read_text(encoding="utf-8"), f"{name} ({stage})"


def test_snippets_cover_every_directive_and_role(tmp_path: Path) -> None:
    """A new directive or role of Folio's gets its snippet here."""
    from docutils.parsers.rst import directives, roles
    from sphinx.testing.util import SphinxTestApp

    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "index.md").write_text("# Home\n", encoding="utf-8")
    app = SphinxTestApp("dummy", srcdir=source, builddir=source / "_build")
    try:
        ours = {name for name, directive in directives._directives.items()
                if getattr(directive, "__module__", "").startswith("folio.")}
        ours |= {f"{name}-role" for name, role in roles._roles.items()
                 if type(role).__module__.startswith("folio.")}
    finally:
        app.cleanup()
    assert ours, "no directive of Folio's found"
    assert ours - set(CASES) == set()
