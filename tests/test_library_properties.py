"""Property-based: arbitrary text in every field of a book file, and in its notes.

Whatever the text, the build completes, the book's page and the library are
written, and the text is shown as text: on the page exactly as written (a
``<``, a quote, an ``&amp;``), never as an element or an attribute.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: Many generated builds (hypothesis): `make test-fast` leaves them out; make test runs them.
pytestmark = pytest.mark.slow

CONF = ('project = "P"\nauthor = "A"\nextensions = ["myst_parser", "folio"]\n'
        'exclude_patterns = ["_build"]\nhtml_theme = "basic"\n')
INDEX = "# P\n\n```{toctree}\n:glob:\n\nessays/*\n```\n"
ESSAY = ("---\ntitle: On It\ndate: 2020-01-01\ngenre: review\nrating: 4\n---\n\n"
         "```{book-citation} the-book\n```\n")
#: Text without control characters (a page cannot show them as written either).
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
EXAMPLES = settings(max_examples=30, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
#: Elements the book's page and the library have of their own, whatever the book says.
SHOWN_BY_FOLIO = {"section", "h1", "h2", "figure", "img", "figcaption", "cite", "dl", "dt", "dd",
                  "ul", "li", "a", "span", "p", "div", "em", "strong", "blockquote", "code",
                  "pre", "ol", "br", "hr", "h3", "h4", "h5", "h6", "data", "time"}


def build_book(fields: dict[str, str], notes: str) -> tuple[BeautifulSoup, BeautifulSoup, str]:
    folder = Path(tempfile.mkdtemp(prefix="folio-book-prop-"))
    try:
        (folder / "essays").mkdir()
        (folder / "books").mkdir()
        (folder / "conf.py").write_text(CONF, encoding="utf-8")
        (folder / "index.md").write_text(INDEX, encoding="utf-8")
        (folder / "essays/one.md").write_text(ESSAY, encoding="utf-8")
        front = "".join(f"{name}: {json.dumps(value, ensure_ascii=False)}\n"
                        for name, value in fields.items())
        (folder / "books/the-book.md").write_text(f"---\n{front}---\n{notes}\n",
                                                  encoding="utf-8")
        built = build(folder)  # raises if anything escapes
        assert "Traceback" not in built.warnings
        return built.soup("books/the-book.html"), built.soup("library.html"), built.warnings
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def no_foreign_elements(page: BeautifulSoup) -> None:
    body = page.select_one(".folio-book-page, .folio-library")
    assert body is not None
    assert {tag.name for tag in body.find_all(True)} <= SHOWN_BY_FOLIO
    assert all(not name.startswith("on") for tag in body.find_all(True) for name in tag.attrs)


@EXAMPLES
@given(name=st.sampled_from(["title", "author", "publisher", "edition", "tags"]), value=TEXT)
def test_any_text_in_a_field_is_shown_as_written(name: str, value: str) -> None:
    fields = {"title": "A Title", "author": "An Author", name: value}
    page, library, _warnings = build_book(fields, "")
    no_foreign_elements(page)
    no_foreign_elements(library)
    written = value.strip()
    if written and name != "tags":  # a tag list splits on commas
        assert " ".join(written.split()) in " ".join(page.get_text().split())


@EXAMPLES
@given(name=st.sampled_from(["year", "first-published", "isbn", "pages", "shelf", "read",
                             "started", "rating", "uid", "cover", "cover-alt"]), value=TEXT)
def test_any_text_in_a_checked_field_builds(name: str, value: str) -> None:
    page, library, _warnings = build_book({"title": "A Title", "author": "An Author",
                                           name: value}, "")
    no_foreign_elements(page)
    no_foreign_elements(library)


@EXAMPLES
@given(notes=st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
       | st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                          "[x](javascript:alert(1))", "```{raw} html\n<script>1</script>\n```",
                          "<!-- x --><iframe src=//evil>", "{book}`the-book`"]))
def test_notes_are_markdown_never_markup(notes: str) -> None:
    page, _library, _warnings = build_book({"title": "A Title", "author": "An Author"}, notes)
    no_foreign_elements(page)
    for link in page.select(".folio-book-notes a"):
        assert link.get("href", "").startswith(("http:", "https:", "mailto:", "#")) \
            or ":" not in link.get("href", "").split("/")[0]
