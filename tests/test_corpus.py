"""A corpus of malformed essays: each mistake gives exactly one warning, its own, with
file and line (built with ``-n``, as ``make html`` builds).

Extends tests/test_warnings.py (which covers the contract's ~32 warnings) with
broken front matter, wrong types, unknown names, empty bodies, huge values,
control characters and mixed scripts. Files live in tests/roots/test-corpus;
the few that cannot sit in a repository comfortably (100k characters, control
characters) are written by the test.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Built, build, copy_root

HEAD = "---\ntitle: T\ndate: 2020-01-01\ngenre: review\n---\n"
HUGE = "x" * 100_000
#: Titles go through smartquotes, which is quadratic in docutils' tokenizer: a
#: 100k-character title costs ~40 s (see test_huge_title_is_not_quadratic).
LONG_TITLE = "x" * 10_000

#: Written into the copied root by the test: (file, text).
GENERATED = {
    "huge-genre.md": f"---\ntitle: Huge\ndate: 2020-01-01\ngenre: {HUGE}\n---\n\nBody.\n",
    "huge-date.md": f"---\ntitle: Huge date\ngenre: review\ndate: 2020-{HUGE}\n---\n\nBody.\n",
    "huge-isbn.md": f"{HEAD}\n```{{book-citation}} huge-isbn\n:title: B\n:author: A\n"
                    f":isbn: 978{'0' * 50_000}\n```\n",
    "huge-locator.md": f"{HEAD}\n```{{book-citation}} huge-locator\n:title: B\n:author: A\n```\n"
                       f"\n```{{page-quote}} {'x' * 100_000}\nText.\n```\n",
    "control-title.md": "---\ntitle: \"Bell\\a and \\x01\"\ndate: 2020-01-01\ngenre: revi\x07ew\n"
                        "---\n\nBody.\n",
    "control-key.md": f"{HEAD}\n```{{book-citation}} ke\x01y\n:title: B\n:author: A\n```\n",
    "rtl-locator.md": f"{HEAD}\n```{{book-citation}} rtl-locator\n:title: B\n:author: A\n```\n"
                      "\n```{page-quote} \u202e12\nText.\n```\n",
}

#: (file, line, the warning's own text): one mistake each, so one warning each. One
#: mistake per file, but for fm-two-unknown-keys.md, which holds two.
EXPECTED = [
    # front matter (MyST's own "Malformed YAML" / "YAML is not a dict" at line 1 would be
    # a second warning for the same mistake: Folio's, at the right line, is the one)
    ("fm-unclosed-list.md", 5, "front matter is not valid YAML: expected ',' or ']'"),
    ("fm-not-mapping.md", 2, "front matter must be 'key: value' lines (title, date, genre), "
                             "not a list"),
    ("fm-empty.md", 1, "essay's front matter is empty (it needs a title, a date and a genre)"),
    ("fm-none.md", 1, "essay has no front matter (it needs a title, a date and a genre)"),
    ("empty-file.md", 1, "essay has no front matter"),
    ("fm-title-empty.md", 1, "essay has no 'title' in its front matter"),
    ("fm-date-feb30.md", 4, "date '2019-02-30' is not a date (use YYYY-MM-DD)"),
    ("fm-date-words.md", 4, "date 'last Tuesday' is not a date (use YYYY-MM-DD)"),
    ("fm-date-list.md", 3, "date '[\"2019-04-28\"]' is not a date (use YYYY-MM-DD)"),
    ("fm-genre-case.md", 4, "unknown genre 'Review'"),
    ("fm-genre-list.md", 4, "genre 'review' is listed twice"),  # a list is fine, not this
    ("fm-genre-homoglyph.md", 4, "unknown genre 'r\u0435view'"),  # Cyrillic e
    ("fm-rtl-genre.md", 4, "unknown genre 'مراجعة'"),
    ("fm-two-unknown-keys.md", 5, "unknown front matter key 'authr'"),
    ("fm-two-unknown-keys.md", 6, "unknown front matter key 'sumary'"),
    ("huge-genre.md", 4, f"unknown genre '{HUGE}'"),
    ("huge-date.md", 4, "is not a date (use YYYY-MM-DD)"),
    ("control-title.md", 1, "front matter is not valid YAML: unacceptable character #x0007"),
    # book-citation
    ("book-pages-zero.md", 7, "pages '0' is not a number of pages"),
    ("book-pages-negative.md", 7, "pages '-5' is not a number of pages"),
    ("book-year-roman.md", 7, "year 'MMXX' is not a year"),
    ("book-first-published-circa.md", 7, "first-published 'circa 1818' is not a year"),
    ("book-isbn-short.md", 7, "ISBN '12345' is not valid (check digit or length)"),
    ("huge-isbn.md", 7, "is not valid (check digit or length)"),
    ("book-cover-protocol-relative.md", 7, "cover '//evil.example/c.png' must be a file in "
                                           "the sources, not a URL"),
    ("book-cover-https.md", 7, "cover 'https://evil.example/c.png' must be a file in the "
                               "sources, not a URL"),
    ("book-cover-missing-file.md", 7, "image file not readable: _static/no-such-cover.jpg"),
    ("book-key-unicode.md", 7, "book key 'bücher' may only hold letters, digits and '-'"),
    ("control-key.md", 7, "may only hold letters, digits and '-'"),
    ("book-key-two-words.md", 7, "Directive 'book-citation': maximum 1 argument(s) allowed, "
                                 "2 supplied"),
    ("book-authors-only-separators.md", 7, "book 'seps' has no :author: in any book-citation"),
    ("book-option-twice.md", 9, "book-citation: :title: is given twice; using the last"),
    ("book-title-blank.md", 7, "book-citation needs a key or a :title:"),
    ("directive-unknown.md", 7, "Unknown directive type: 'book-citations'"),
    # page-quote and the roles
    ("quote-open-range.md", 13, "page-quote: '12-' is not a page or a range of pages"),
    ("quote-backwards-range.md", 13, "page-quote: '20-10' is not a range from a lower page "
                                     "to a higher one"),
    ("quote-mixed-range.md", 13, "page-quote: 'xii-12' is not a range from a lower page"),
    ("quote-arabic-indic.md", 13, "page-quote: '١٢' is not a page number (use 69 or xii)"),
    ("quote-empty-item.md", 13, "page-quote: '' is not a page or a range of pages"),
    ("quote-page-zero.md", 13, "page 0 is outside 'B' (pages 1–100)"),
    ("quote-book-with-space.md", 13, "page-quote: 'two words' is not a book key"),
    ("quote-unknown-option.md", 14, "'page-quote': Unknown option key: 'page'"),
    ("quote-whitespace-body.md", 13, "page-quote has no quotation in its body"),
    ("huge-locator.md", 12, "page-quote: 'xxxxxxxxxx"),
    ("rtl-locator.md", 12, r"page-quote: '\u202e12' is not a page number"),
    ("role-page-empty-key.md", 13, "page 200 is outside 'B' (pages 1–100)"),
    ("role-page-range-backwards.md", 13, "page: '30-3' is not a range from a lower page"),
    ("role-book-spaces.md", 13, "unknown book 'no such book'"),
    ("role-unknown.md", 13, 'Unknown interpreted text role "pages"'),
    # related-reading
    ("related-unknown-option.md", 9, "'related-reading': Unknown option key: 'colour'"),
    ("related-body-text.md", 7, "related-reading: unknown document 'essays/Read these too.'"),
    ("related-body-after-limit.md", 7, "related-reading takes no body text: "
                                       "'Read these too.'"),
    ("related-negative-limit.md", 7, "limit '-1' is not a whole number; using 3"),
    ("related-outside-root.md", 7, "related-reading: unknown document '../etc/passwd'"),
    ("related-index.md", 7, "related-reading: 'index' is not an essay"),
    # spoiler
    ("spoiler-option.md", 7, "spoiler takes no options; ignoring ':open: true'"),
]

#: Valid but extreme: these build without a warning of their own.
QUIET = {
    "huge-title.md": f"---\ntitle: {LONG_TITLE}\ndate: 2020-01-01\ngenre: review\n---\n\nBody.\n",
    "mixed-scripts.md": "---\ntitle: \u05e9\u05dc\u05d5\u05dd, \u0645\u0631\u062d\u0628\u0627, "
                        "Привет, 你好 — hello\u200f!\nsubtitle: \u202bRTL embedding\u202c\n"
                        "date: 2020-01-01\ngenre: review\ntags: [עברית, العربية, ελληνικά]\n"
                        "---\n\n```{spoiler} \u05e1\u05d5\u05e3 \u0627\u0644\u0646\u0647\u0627"
                        "\u064a\u0629\nHidden.\n```\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Built:
    source = copy_root("corpus", tmp_path_factory.mktemp("corpus"))
    for name, text in {**GENERATED, **QUIET}.items():
        (source / "essays" / name).write_text(text, encoding="utf-8")
    return build(source, nitpicky=True)


def warning_lines(built: Built) -> list[str]:
    plain = re.sub(r"\x1b\[[0-9;]*m", "", built.warnings)
    return [line for line in plain.splitlines() if "WARNING" in line or "ERROR" in line]


def test_the_corpus_is_large() -> None:
    files = {f for f, _line, _message in EXPECTED}
    assert len(files) >= 55
    on_disk = {p.name for p in (ROOT / "tests/roots/test-corpus/essays").iterdir()}
    assert files == on_disk | set(GENERATED)  # every case in the corpus is listed


@pytest.mark.parametrize(("filename", "line", "message"), EXPECTED,
                         ids=[f"{f}:{n}:{m[:30]}" for f, n, m in EXPECTED])
def test_own_warning_with_file_and_line(corpus: Built, filename: str, line: int,
                                        message: str) -> None:
    pattern = re.compile(rf"essays/{re.escape(filename)}:{line}: (WARNING|ERROR): "
                         rf".*{re.escape(message)}")
    found = [w for w in warning_lines(corpus) if pattern.search(w)]
    assert found, f"no {filename}:{line} warning {message[:200]!r}"


def test_one_warning_per_mistake_and_no_traceback(corpus: Built) -> None:
    """Every mistake gives exactly one warning: never a second one (MyST's, Sphinx's
    missing reference) for the same mistake, never one for a consequence of it."""
    said: dict[str, list[tuple[int, str]]] = {}
    for warning in warning_lines(corpus):
        match = re.search(r"essays/([^:/]+):(\d+): ", warning)
        assert match, f"a warning without file and line: {warning[:300]}"
        said.setdefault(match.group(1), []).append((int(match.group(2)), warning))
    for name in QUIET:
        assert name not in said, said[name][0][1][:300]
    mistakes: dict[str, list[tuple[int, str]]] = {}
    for filename, line, message in EXPECTED:
        mistakes.setdefault(filename, []).append((line, message))
    for filename, expected in mistakes.items():
        found = said.get(filename, [])
        assert len(found) == len(expected), (filename, [w[:200] for _n, w in found])
        for line, message in expected:
            assert sum(1 for n, w in found if n == line and message in w) == 1, (filename, line)
    assert set(said) <= set(mistakes)
    assert "Traceback" not in corpus.warnings and "Exception" not in corpus.warnings
    # The build went on: every essay has its page.
    for name in [*{f for f, _n, _m in EXPECTED}, *QUIET]:
        assert (corpus.outdir / "essays" / name).with_suffix(".html").exists(), name


def test_huge_and_mixed_script_values_come_out_whole(corpus: Built) -> None:
    page = corpus.soup("essays/huge-title.html")
    assert page.find("h1").get_text().rstrip("¶#") == LONG_TITLE
    mixed = corpus.soup("essays/mixed-scripts.html")
    assert "Привет, 你好" in mixed.find("h1").get_text()
    assert mixed.find("summary").get_text() == (
        "\u05e1\u05d5\u05e3 \u0627\u0644\u0646\u0647\u0627\u064a\u0629")


# -- inputs that today crash the build, or pass without a word -----------------------

def tiny_project(folder: Path, essay: str) -> Path:
    (folder / "essays").mkdir(parents=True)
    (folder / "conf.py").write_text((ROOT / "tests/roots/test-corpus/conf.py").read_text())
    (folder / "index.md").write_text("# Tiny\n\n```{toctree}\n:glob:\n\nessays/*\n```\n")
    (folder / "essays/one.md").write_text(essay, encoding="utf-8")
    return folder


def book_with(option: str) -> str:
    return f"{HEAD}\n```{{book-citation}} one\n:title: B\n:author: A\n{option}\n```\n"


CRASHES = {
    # str.isdigit() accepts '²', int() does not; and int() refuses > 4300 digits.
    "pages-superscript": (book_with(":pages: ²"), "pages '²' is not a number of pages"),
    "pages-5000-digits": (book_with(f":pages: {'9' * 5000}"), "is not a number of pages"),
    "limit-superscript": (f"{HEAD}\n```{{related-reading}}\n:limit: ²\n```\n",
                          "limit '²' is not a whole number"),
    "limit-5000-digits": (f"{HEAD}\n```{{related-reading}}\n:limit: {'9' * 5000}\n```\n",
                          "is not a whole number"),
}


@pytest.mark.parametrize("case", sorted(CRASHES))
def test_digits_int_cannot_read_give_a_warning(tmp_path: Path, case: str) -> None:
    essay, message = CRASHES[case]
    try:
        built = build(tiny_project(tmp_path, essay))
    except Exception as error:  # the bug this guards against: a traceback
        raise AssertionError(f"{case}: {type(error).__name__}: {str(error)[:200]}") from error
    assert message in built.warnings


SILENT = {
    # An option line in a spoiler becomes hidden prose: ":open: true".
    "spoiler-option": (f"{HEAD}\n```{{spoiler}} Label\n:open: true\nHidden.\n```\n", "open"),
    # A document that is not an essay is listed (and linked) as related reading.
    "related-not-an-essay": (f"{HEAD}\n```{{related-reading}}\n:different: /index\n```\n",
                             "index"),
}


@pytest.mark.parametrize("case", sorted(SILENT))
def test_once_silent_input_gives_a_warning(tmp_path: Path, case: str) -> None:
    essay, word = SILENT[case]
    built = build(tiny_project(tmp_path, essay))
    assert word in built.warnings


def test_huge_title_builds(tmp_path: Path) -> None:
    """A 40,000-character title once took ~8 s in smartyPants' quadratic tokenizer;
    now it goes through educate_tokens. (Speed lives in bench/, not here.)"""
    source = tiny_project(tmp_path, f"---\ntitle: {'x' * 40_000} \"q\"\ndate: 2020-01-01\n"
                                    "genre: review\n---\n\nBody.\n")
    built = build(source)
    assert built.warnings == ""
    assert "x “q”" in (built.outdir / "essays/one.html").read_text(encoding="utf-8")


# -- -W turns a warning into a failing build --------------------------------------------

def test_warningiserror_fails_the_build_with_the_message(tmp_path: Path) -> None:
    source = tiny_project(tmp_path / "src", (ROOT / "tests/roots/test-corpus/essays/"
                                             "quote-backwards-range.md").read_text())
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
                          "-q", str(source), str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode != 0
    assert re.search(r"essays/one\.md:13: (WARNING|ERROR): page-quote: '20-10' is not a range "
                     r"from a lower page to a higher one", run.stderr), run.stderr
    assert "Traceback" not in run.stderr
    assert "build finished with problems" in run.stderr or "warning" in run.stderr.lower()
