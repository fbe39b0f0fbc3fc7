"""Every warning the authoring contract promises: its file, its line, and the
build going on regardless."""

from __future__ import annotations

import re

import pytest
from sphinx.testing.util import SphinxTestApp

EXPECTED = [
    ("no-title.md", 1, "essay has no 'title' in its front matter"),
    ("no-date.md", 1, "essay has no 'date' in its front matter"),
    ("bad-date.md", 3, "date '2019-13-45' is not a date (use YYYY-MM-DD)"),
    ("bad-genre.md", 4, "unknown genre 'poetry' (one of: review, memoir, fiction, opinion)"),
    ("no-genre.md", 1, "essay has no 'genre'"),
    ("unknown-key.md", 5, "unknown front matter key 'tgas'"),
    ("books.md", 7, "ISBN '978-0-14-143947-2' is not valid"),
    ("books.md", 7, "year 1800 is before first-published 1818"),
    ("books.md", 7, "pages 'many' is not a number of pages"),
    ("books.md", 16, "book key 'bad_key!' may only hold letters, digits and '-'"),
    ("books.md", 21, "cover 'javascript:alert(1)' must be a file in the sources, not a URL"),
    ("books.md", 27, "book 'good-book' is already cited in this essay"),
    ("books.md", 32, "book-citation needs a key or a :title:"),
    ("books.md", 39, "Unknown option key: 'colour'"),
    ("quotes.md", 18, "page-quote: no page given"),
    ("quotes.md", 23, "page-quote: 'p12' is not a page number"),
    ("quotes.md", 29, "unknown book 'nowhere'"),  # the :book: line
    ("quotes.md", 33, "page-quote has no quotation in its body"),
    ("quotes.md", 37, "page 150 is outside 'One' (pages 1–100)"),
    ("quotes.md", 42, "this essay cites 2 books: name one with :book:"),
    ("quotes.md", 46, "page: 'twelve' is not a page number"),
    ("quotes.md", 46, "unknown book 'missing-book'"),
    ("nobook.md", 7, "this essay cites no book: name one with :book:"),
    ("related.md", 9, "related-reading: unknown document 'essays/no-such-essay'"),
    ("related.md", 9, "related-reading lists this essay itself ('related')"),
    ("related.md", 9, "related-reading lists 'bad-date' twice"),
    ("related.md", 9, "limit 'lots' is not a whole number"),
    ("related.md", 9, "auto 'maybe' is not true or false"),
    ("related.md", 17, "related-reading appears twice in this document"),
    ("conflict-b.md", 7, "book 'shared': year differ from its record at essays/conflict-a.md:7"),
    ("conflict-b.md", 13, "book 'authorless' has no :author: in any book-citation"),
    ("spoiler.md", 7, "spoiler has nothing in its body"),
    ("genres.md", 4, "unknown genre 'poetry' (one of: review, memoir, fiction, opinion)"),
    ("genres.md", 4, "genre 'review' is listed twice"),
    ("empty-genres.md", 4, "the genre list is empty (one of: review, memoir, fiction, opinion)"),
    ("label.md", 6, "label must be text, not '[\"one\", \"two\"]'"),
    ("label.md", 11, "related-reading: topic 'nothing-by-this-name' names no book key, tag or "
                     "document"),
    ("series-a.md", 7, "rating '6' is off the scale (0 to 5)"),
    ("series-b.md", 7, "rating '3.3' is not a whole or half number; shown as 3.5"),
    ("series-b.md", 6, "part 1 of 'Letters' is also essays/series-a.md's"),
    ("series-c.md", 6, "part 'third' is not a positive whole number"),
    ("series-c.md", 7, "rating 'lots' is not a number (0 to 5, halves allowed)"),
    ("lonely-part.md", 5, "part is given without a series"),
]


@pytest.fixture(scope="module")
def warnings(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, SphinxTestApp]:
    from conftest import build, copy_root

    # -n, as make html builds: no second warning (Sphinx's missing reference) either.
    built = build(copy_root("warnings", tmp_path_factory.mktemp("warnings")), nitpicky=True)
    return built.warnings, built


@pytest.mark.parametrize(("filename", "line", "message"), EXPECTED,
                         ids=[f"{f}:{n}" for f, n, _ in EXPECTED])
def test_warning_has_file_and_line(warnings: tuple[str, object], filename: str, line: int,
                                   message: str) -> None:
    text, _built = warnings
    pattern = re.compile(rf"essays/{re.escape(filename)}:{line}: (WARNING|ERROR): .*"
                         rf"{re.escape(message)}")
    assert pattern.search(text), f"no {filename}:{line} warning {message!r} in:\n{text}"


def test_nothing_unexpected_and_no_traceback(warnings: tuple[str, object]) -> None:
    text, built = warnings
    lines = [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]
    unexpected = [line for line in lines if not any(m in line for _f, _n, m in EXPECTED)]
    assert unexpected == []
    assert "Traceback" not in text and "Exception" not in text
    # The build went on: every page was written.
    assert (built.outdir / "essays/quotes.html").exists()  # type: ignore[attr-defined]
    assert (built.outdir / "essays/books.html").exists()  # type: ignore[attr-defined]


def test_warnings_can_be_suppressed_by_type(tmp_path_factory: pytest.TempPathFactory) -> None:
    from conftest import build, copy_root

    built = build(copy_root("warnings", tmp_path_factory.mktemp("quiet")),
                  suppress_warnings=["folio.related"])
    assert "related-reading" not in built.warnings
    assert "unknown genre" in built.warnings


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("folio_title_style", "bold", "folio_title_style must be 'italic' or 'quoted'; using 'italic'"),
    ("folio_spoiler_style", "hide", "folio_spoiler_style must be 'fold' or 'warn'; using 'fold'"),
    ("folio_essay_noun", " ", "folio_essay_noun is empty; using 'essay'"),
    ("folio_comments", {"provider": "disqus"},
     "folio_comments: unknown provider 'disqus' (use 'giscus' or 'email')"),
    ("folio_comments", {"provider": "giscus", "repo": "me/essays"},
     "folio_comments: giscus needs 'repo-id', 'category', 'category-id'"),
    ("folio_comments", {"provider": "email"}, "folio_comments: email needs an 'address'"),
    ("folio_comments", {"provider": "email", "address": "not an address"},
     "folio_comments: 'not an address' is not an e-mail address"),
    ("folio_comments", {"provider": "email", "address": "a@example.org", "colour": "red"},
     "folio_comments: email has no setting 'colour'"),
])
def test_bad_settings_warn_once(tmp_path_factory: pytest.TempPathFactory, setting: str,
                                value: object, message: str) -> None:
    """A setting that cannot work: one warning naming it, and the build goes on."""
    from conftest import build, copy_root

    built = build(copy_root("folio", tmp_path_factory.mktemp("settings")), **{setting: value})
    found = [line for line in built.warnings.splitlines() if setting in line]
    assert len(found) == 1, built.warnings
    assert message in found[0]
    assert (built.outdir / "essays" / "creature.html").is_file()
