"""Property-based: arbitrary text in every option, role and front matter value.

Each example is a fresh one-essay project in a temp dir, built by a fresh Sphinx
app; whatever the text, no exception escapes and the build completes.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: Many generated builds (hypothesis): `make test-fast` leaves them out; make test runs them.
pytestmark = pytest.mark.slow

CONF = ('project = "P"\nauthor = "A"\nextensions = ["myst_parser", "folio"]\n'
        'myst_enable_extensions = ["colon_fence"]\nexclude_patterns = ["_build"]\n'
        'html_theme = "basic"\n')
INDEX = "# P\n\n```{toctree}\n:glob:\n\nessays/*\n```\n"
# One line of text: MyST options and arguments are line-based. Short, so each example
# stays fast (a long title is quadratic today: see test_corpus).
LINE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r`"),
               max_size=40)
EXAMPLES = settings(max_examples=100, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def build_essay(essay: str) -> str:
    folder = Path(tempfile.mkdtemp(prefix="folio-prop-"))
    try:
        (folder / "essays").mkdir()
        (folder / "conf.py").write_text(CONF, encoding="utf-8")
        (folder / "index.md").write_text(INDEX, encoding="utf-8")
        (folder / "essays/one.md").write_text(essay, encoding="utf-8")
        built = build(folder)  # raises if anything escapes
        assert (built.outdir / "essays/one.html").exists()
        assert "Traceback" not in built.warnings
        return built.warnings
    finally:
        shutil.rmtree(folder, ignore_errors=True)


HEAD = "---\ntitle: T\ndate: 2020-01-01\ngenre: review\n---\n\n"


def option(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a quoted YAML scalar, as written


@EXAMPLES
@given(name=st.sampled_from(["title", "author", "publisher", "year", "first-published",
                             "edition", "isbn", "pages", "cover", "cover-alt"]),
       value=LINE, key=LINE)
def test_book_citation_options(name: str, value: str, key: str) -> None:
    build_essay(f"{HEAD}```{{book-citation}} {key}\n:title: B\n:author: A\n"
                f":{name}: {option(value)}\n```\n\n{{book}}`{key or 'b'}`\n")


@EXAMPLES
@given(locator=LINE, book=LINE, body=LINE)
def test_page_quote(locator: str, book: str, body: str) -> None:
    build_essay(f"{HEAD}```{{book-citation}} b\n:title: B\n:author: A\n:pages: 50\n```\n\n"
                f"```{{page-quote}} {locator}\n:book: {option(book)}\n{body}\n```\n")


@EXAMPLES
@given(name=st.sampled_from(["similar", "different", "limit", "auto"]), value=LINE)
def test_related_reading(name: str, value: str) -> None:
    build_essay(f"{HEAD}```{{related-reading}}\n:{name}: {option(value)}\n```\n")


@EXAMPLES
@given(label=LINE, body=LINE, page=LINE, book=LINE)
def test_spoiler_and_roles(label: str, body: str, page: str, book: str) -> None:
    build_essay(f"{HEAD}```{{book-citation}} b\n:title: B\n:author: A\n```\n\n"
                f"```{{spoiler}} {label}\n{body or 'x'}\n```\n\n"
                f"See {{page}}`{page or ' '}` and {{book}}`{book or ' '}`.\n")


@EXAMPLES
@given(key=st.sampled_from(["title", "subtitle", "author", "date", "genre", "tags",
                            "summary", "copyright", "other"]), value=LINE)
def test_front_matter_values(key: str, value: str) -> None:
    build_essay(f"---\ntitle: T\ndate: 2020-01-01\ngenre: review\n{key}: {option(value)}\n"
                "---\n\nBody.\n")
