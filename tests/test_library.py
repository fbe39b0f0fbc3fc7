"""The library: books with files of their own (books/<key>.md), a page for every
book, the shelves; their warnings, and incremental builds after a book file's edit."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import Built, build, copy_root
from test_builds import assert_same, edit, html_times, pages


def text(node: object) -> str:
    return " ".join(node.get_text(" ", strip=True).split())  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    built = build(copy_root("library", tmp_path_factory.mktemp("library")))
    assert built.warnings == ""
    return built


def test_every_book_has_a_page(site: Built) -> None:
    """From a file (jane-eyre) or only from an essay (agnes-grey)."""
    made = {p.name for p in (site.outdir / "books").glob("*.html")}
    assert made == {"jane-eyre.html", "wuthering-heights.html", "villette.html",
                    "middlemarch.html", "tristram-shandy.html", "agnes-grey.html"}
    # The book files are Folio's, not Sphinx documents: no page of their source.
    assert not (site.outdir / "_sources" / "books").exists()


def test_book_page_shows_record_reading_notes_essays_and_quotations(site: Built) -> None:
    page = site.soup("books/jane-eyre.html")
    assert page.title.get_text().startswith("Jane Eyre")
    body = page.select_one(".folio-book-page")
    assert text(body.h1) == "Jane Eyre"
    assert text(body.figcaption) == (
        "Cover of the 2006 Penguin Classics paperback edition of Jane Eyre by Charlotte "
        "Brontë, first published in 1847. Page references are to this paperback edition.")
    cover = body.select_one("img.folio-cover")
    assert (site.outdir / "books" / cover["src"]).is_file()
    record = dict(zip([text(t) for t in body.select(".folio-book-record dt")],
                      [text(d) for d in body.select(".folio-book-record dd")], strict=True))
    assert record == {
        "Author": "Charlotte Brontë", "Publisher": "Penguin Classics", "Published": "2006",
        "First published": "1847", "Edition": "paperback", "ISBN": "978-0-14-144114-6",
        "Pages": "532", "Shelf": "Read", "Finished": "20 May 2019 and 4 January 2023",
        "Rating": "★★★★½ 4.5 out of 5", "Tags": "governess, gothic"}
    # The stars are for the eye; the words are what a screen reader says.
    assert body.select_one(".folio-stars")["aria-hidden"] == "true"
    notes = body.select_one(".folio-book-notes")
    assert notes.find("em").get_text() == "again"
    essays = [" ".join(li.get_text().split()) for li in body.select(".folio-book-essays li")]
    # One reference for the pages an essay quotes, as a book gives them (issue 20),
    # each page its own link to its quotation.
    assert essays == ["The Governess Speaks [review of Jane Eyre]: (p12, 27)"]
    item = body.select_one(".folio-book-essays li")
    assert [a.get_text() for a in item.select(".folio-pages a")] == ["12", "27"]
    # Its quotations in page order, each linked to its place in the essay.
    quotes = body.select(".folio-book-quotes .folio-quotation")
    assert [text(q.figcaption) for q in quotes] == ["(p12), in The Governess Speaks",
                                                     "(p27), in The Governess Speaks"]
    href = quotes[0].figcaption.a["href"]
    page_name, anchor = href.split("#")
    assert site.soup(f"books/{page_name}").find(id=anchor) is not None


def test_notes_are_markdown_and_inert(site: Built) -> None:
    """Raw HTML in notes is shown as text; a javascript: link is no link."""
    notes = site.soup("books/jane-eyre.html").select_one(".folio-book-notes")
    assert notes.find("script") is None
    assert '<script>alert("notes")</script>' in notes.get_text()
    assert all(not a.get("href", "").startswith("javascript") for a in notes.find_all("a"))


def test_a_citation_without_options_uses_the_book_file(site: Built) -> None:
    caption = text(site.soup("essays/jane.html").select_one("#book-jane-eyre figcaption"))
    assert caption.startswith("Cover of the 2006 Penguin Classics paperback edition of "
                              "Jane Eyre by Charlotte Brontë, first published in 1847.")


def test_library_by_shelf(site: Built) -> None:
    page = site.soup("library.html")
    shelves = {text(s.h2): [text(b.select_one(".folio-shelf-title"))
                            for b in s.select(".folio-shelf")]
               for s in page.select(".folio-bookshelf")}
    assert list(shelves) == ["Reading now", "Read", "To read", "Abandoned"]
    # Read: the most recently finished first; a book read only in an essay after them.
    assert shelves == {
        "Reading now": ["Villette"],
        "Read": ["Wuthering Heights", "Jane Eyre", "Agnes Grey"],
        "To read": ["Middlemarch"],
        "Abandoned": ["The Life and Opinions of Tristram Shandy, Gentleman"]}
    jane = page.find(id="book-jane-eyre")
    assert text(jane.select_one(".folio-shelf-author")) == "Charlotte Brontë"
    assert text(jane.select_one(".folio-shelf-reads")) == "Read 20 May 2019 and 4 January 2023"
    assert text(jane.select_one(".folio-rating-words")) == "4.5 out of 5"
    assert jane.select_one(".folio-shelf-title a")["href"] == "books/jane-eyre.html"
    villette = page.find(id="book-villette")
    assert text(villette.select_one(".folio-shelf-started")) == "Started 2 November 2024"


def test_books_stay_out_of_the_epub(tmp_path: Path) -> None:
    """Web only: the ePub holds the essays, never a book's page or file."""
    built = build(copy_root("library", tmp_path), "epub")
    assert built.warnings == ""
    assert not list(built.outdir.rglob("books/*"))
    assert "Villette" not in (built.outdir / "content.opf").read_text(encoding="utf-8")


#: A book file's problems: (file, line, message).
BAD_BOOKS = {
    "no-title.md": "---\nauthor: Somebody\n---\n",
    "bad-isbn.md": "---\ntitle: Bad ISBN\nauthor: A. Writer\nisbn: 978-0-14-144114-7\n---\n",
    "bad-dates.md": "---\ntitle: Bad Dates\nauthor: A. Writer\nread: [2019-02-30, 2020-01-01]\n"
                    "started: soon\n---\n",
    "bad-rating.md": "---\ntitle: Too Good\nauthor: A. Writer\nrating: 7\n---\n",
    "quarter.md": "---\ntitle: Quarter\nauthor: A. Writer\nrating: 4.25\n---\n",
    "bad-shelf.md": "---\ntitle: Lent\nauthor: A. Writer\nshelf: borrowed\n---\n",
    "no-front-matter.md": "Just notes.\n",
    "typo.md": "---\ntitle: Typo\nauthor: A. Writer\nratng: 4\n---\n",
}
EXPECTED = [
    ("books/no-title.md", 1, "book file has no 'title' in its front matter"),
    ("books/bad-isbn.md", 4, "ISBN '978-0-14-144114-7' is not valid"),
    ("books/bad-dates.md", 4, "read: '2019-02-30' is not a date (use YYYY-MM-DD)"),
    ("books/bad-dates.md", 5, "started: 'soon' is not a date (use YYYY-MM-DD)"),
    ("books/bad-rating.md", 4, "rating '7' is off the scale (0 to 5)"),
    ("books/quarter.md", 4, "rating '4.25' is not a whole or half number; shown as 4.5"),
    ("books/bad-shelf.md", 4, "unknown shelf 'borrowed' (one of: reading, read, to-read, "
                              "abandoned); using 'read'"),
    ("books/no-front-matter.md", 1, "book file has no front matter"),
    ("books/typo.md", 4, "unknown key 'ratng' in a book file"),
    ("essays/jane.md", 14, "book 'jane-eyre': year differ from its record at "
                           "books/jane-eyre.md:5"),
]


@pytest.fixture(scope="module")
def warned(tmp_path_factory: pytest.TempPathFactory) -> Built:
    source = copy_root("library", tmp_path_factory.mktemp("warned"))
    for name, content in BAD_BOOKS.items():
        (source / "books" / name).write_text(content, encoding="utf-8")
    edit(source / "essays/jane.md", "```{book-citation} jane-eyre\n",
         "```{book-citation} jane-eyre\n:year: 1999\n")
    return build(source, nitpicky=True)


@pytest.mark.parametrize(("filename", "line", "message"), EXPECTED,
                         ids=[f"{f}:{n}" for f, n, _ in EXPECTED])
def test_book_warnings_have_file_and_line(warned: Built, filename: str, line: int,
                                          message: str) -> None:
    pattern = re.compile(rf"{re.escape(filename)}:{line}: WARNING: .*{re.escape(message)}")
    assert pattern.search(warned.warnings), warned.warnings


def test_book_warnings_nothing_else(warned: Built) -> None:
    lines = [line for line in warned.warnings.splitlines() if "WARNING" in line]
    assert len(lines) == len(EXPECTED), warned.warnings
    assert "Traceback" not in warned.warnings
    # The build went on: the bad books have pages, the quarter rating shown at its half.
    quarter = warned.soup("books/quarter.html")
    assert text(quarter.select_one(".folio-rating-words")) == "4.5 out of 5"
    assert text(warned.soup("books/no-title.html").h1) == "no-title"


def rewritten_after(tmp_path: Path, filename: str, old: str, new: str
                    ) -> tuple[set[str], set[str]]:
    """Edit one file after a build: (pages rewritten, pages whose content changed),
    having checked that the incremental build equals a clean one."""
    source = copy_root("library", tmp_path / "incremental")
    before = build(source)
    old_pages, old_times = pages(before.outdir), html_times(before.outdir)
    edit(source / filename, old, new)
    after = build(source, fresh=False)
    assert after.warnings == ""
    clean_source = tmp_path / "clean"
    shutil.copytree(source, clean_source, ignore=shutil.ignore_patterns("_build"))
    clean = build(clean_source)
    clean_pages = pages(clean.outdir)
    assert_same(pages(after.outdir), clean_pages)
    changed = {name for name in clean_pages
               if name.endswith(".html") and old_pages.get(name) != clean_pages[name]}
    rewritten = {name for name, mtime in html_times(after.outdir).items()
                 if old_times.get(name) != mtime}
    return rewritten - {"search.html", "genindex.html"}, changed


def test_a_book_record_edit_rewrites_its_page_the_library_and_its_essays(tmp_path: Path
                                                                         ) -> None:
    rewritten, changed = rewritten_after(tmp_path, "books/wuthering-heights.md",
                                         "year: 2003", "year: 2009")
    # Its page, the library and the essay citing it show the year.
    assert changed == {"books/wuthering-heights.html", "library.html", "essays/heights.html"}
    # Written again too: walking.md names the book and a page of it (its title, which
    # could have changed), and Sphinx writes the page whose table of contents holds an
    # essay written again (index.md).  No other book's page, no other essay.
    assert rewritten - changed == {"essays/walking.html", "index.html"}


def test_a_reading_edit_rewrites_only_its_page_and_the_library(tmp_path: Path) -> None:
    """A rating or a date read is not in the essays: they keep their files.  A new
    reading year's page is linked only from the index of years."""
    rewritten, changed = rewritten_after(tmp_path, "books/villette.md", "shelf: reading",
                                         "shelf: read\nread: [2025-01-05]\nrating: 5")
    assert rewritten == changed == {"books/villette.html", "library.html", "reading/index.html",
                                    "reading/2025.html"}


def test_a_new_and_a_deleted_book_file(tmp_path: Path) -> None:
    source = copy_root("library", tmp_path / "incremental")
    build(source)
    (source / "books/middlemarch.md").unlink()
    (source / "books/bleak-house.md").write_text(
        "---\ntitle: Bleak House\nauthor: Charles Dickens\nshelf: to-read\n---\n",
        encoding="utf-8")
    after = build(source, fresh=False)
    clean_source = tmp_path / "clean"
    shutil.copytree(source, clean_source, ignore=shutil.ignore_patterns("_build"))
    clean = build(clean_source)
    assert not (after.outdir / "books/middlemarch.html").exists()
    assert_same(pages(after.outdir), pages(clean.outdir))
    shelf = after.soup("library.html").find(id="shelf-to-read")
    assert [text(t) for t in shelf.select(".folio-shelf-title")] == ["Bleak House"]


# -- ratings ------------------------------------------------------------------------------------

def test_rating_by_the_byline(site: Built) -> None:
    page = site.soup("essays/jane.html")
    line = page.select_one(".folio-rating-line")
    assert text(line) == "★★★★½ 4.5 out of 5"
    assert line.select_one(".folio-stars")["aria-hidden"] == "true"
    # The rating line follows the byline directly.
    assert "folio-byline" in line.find_previous_sibling("div")["class"]
    assert site.soup("essays/agnes.html").select_one(".folio-rating-line") is None


def test_rating_in_json_ld(site: Built) -> None:
    import json

    [script] = site.soup("essays/jane.html").select('script[type="application/ld+json"]')
    data = json.loads(script.string)
    assert data["@type"] == "Review"
    assert data["itemReviewed"]["name"] == "Jane Eyre"
    assert data["reviewRating"] == {"@type": "Rating", "ratingValue": 4.5, "bestRating": 5,
                                    "worstRating": 0}
    [script] = site.soup("essays/agnes.html").select('script[type="application/ld+json"]')
    assert "reviewRating" not in json.loads(script.string)


def test_microformats(site: Built) -> None:
    """Read back with mf2py, as IndieWeb readers read them."""
    import mf2py

    def entry(page: str) -> dict[str, object]:
        parsed = mf2py.parse(doc=(site.outdir / page).read_text(encoding="utf-8"))
        [found] = [item for item in parsed["items"] if "h-entry" in item["type"]]
        return found

    rated = entry("essays/jane.html")
    assert rated["type"] == ["h-entry", "h-review"]
    assert rated["properties"] == {
        "name": ["The Governess Speaks"], "author": ["Test Writer"], "item": ["Jane Eyre"],
        "published": ["2023-02-01"], "rating": ["4.5"], "best": ["5"], "worst": ["0"]}
    plain = entry("essays/walking.html")
    assert plain["type"] == ["h-entry"]
    assert plain["properties"]["name"] == ["Notes on Walking"]
    assert plain["properties"]["published"] == ["2022-09-10"]
    assert "rating" not in plain["properties"]


def test_an_essay_rating_shows_in_the_library_for_a_book_without_its_own(site: Built) -> None:
    """heights.md rates Wuthering Heights 3, as its file does; the book page says so too."""
    page = site.soup("books/wuthering-heights.html")
    assert text(page.select_one(".folio-record-rating")) == "★★★☆☆ 3 out of 5"


# -- series --------------------------------------------------------------------------------------

def test_each_part_says_where_it_is(site: Built) -> None:
    line = site.soup("essays/heights.html").select_one(".folio-series-line")
    first, neighbours = line.find_all("p")
    assert text(first) == "Part 2 of 3 in Rereading the Brontës"
    href = first.a["href"]
    assert (site.outdir / "essays" / href.replace("%C3%AB", "ë")).is_file()
    assert text(neighbours) == "Previous part: The Governess Speaks · Next part: The Quiet Sister"
    assert [a["href"] for a in neighbours.find_all("a")] == ["jane.html", "agnes.html"]
    first_part = site.soup("essays/jane.html").select_one(".folio-series-line")
    assert text(first_part) == ("Part 1 of 3 in Rereading the Brontës "
                                "Next part: Weather on the Moors")


def test_series_page_lists_parts_in_order(site: Built) -> None:
    page = site.soup("series/rereading-the-brontës.html")
    assert text(page.h1) == "Rereading the Brontës"
    parts = [(text(li.select_one(".folio-part-label")), text(li.select_one(".folio-essay-title")))
             for li in page.select(".folio-series-parts > li")]
    assert parts == [("Part 1", "The Governess Speaks"), ("Part 2", "Weather on the Moors"),
                     ("Part 3", "The Quiet Sister")]


@pytest.mark.slow
def test_epub_shows_ratings_and_series(tmp_path: Path) -> None:
    from conftest import epubcheck

    built = build(copy_root("library", tmp_path), "epub")
    assert built.warnings == ""
    chapter = built.soup("essays/heights.xhtml")
    assert text(chapter.select_one(".folio-rating-line")) == "★★★☆☆ 3 out of 5"
    line = chapter.select_one(".folio-series-line")
    assert text(line).startswith("Part 2 of 3 in Rereading the Brontës Previous part: "
                                 "The Governess Speaks")
    # No series page in the ePub: the name is text; the neighbours are its own chapters.
    assert line.find("a", href=re.compile("series")) is None
    assert [a["href"] for a in line.find_all("a")] == ["jane.xhtml", "agnes.xhtml"]
    report = epubcheck(next(built.outdir.glob("*.epub")))
    assert "No errors or warnings detected" in report, report


@pytest.mark.slow
def test_pdf_shows_ratings_and_series(tmp_path: Path) -> None:
    from conftest import compile_pdf

    built = build(copy_root("library", tmp_path), "latex", folio_essay_downloads=False)
    assert built.warnings == ""
    _pdf, log, shown = compile_pdf(built)
    assert "Missing character" not in log
    assert "★★★★½ 4.5 out of 5" in shown
    assert "Part 2 of 3 in Rereading the Brontës" in shown
    assert "Previous part: The Governess Speaks · Next part: The Quiet Sister" in shown
    # Book files are web only: no book's notes or shelf in the collection's PDF.
    assert "marbled page" not in shown and "Villette" not in shown


# -- reading years --------------------------------------------------------------------------------

def test_reading_year_page(site: Built) -> None:
    page = site.soup("reading/2023.html").select_one(".folio-reading-year")
    assert text(page.h1) == "Reading in 2023"
    assert text(page.select_one(".folio-intro")) == "Two books finished, 948 pages."
    svg = page.find("svg")
    assert svg["role"] == "img"
    assert text(svg.find("title")) == "Books finished in 2023, month by month"
    # One <desc>, the same figures as the table; no random ids, no script.
    [desc] = svg.find_all("desc")
    assert text(desc).startswith("January: 1, February: 0, March: 1, April: 0")
    assert svg["id"] == "chart-folio-reading-2023"
    assert page.find("script") is None
    rows = [(text(r.th), text(r.td)) for r in page.select(".folio-month-table tbody tr")]
    assert rows[:3] == [("January", "1"), ("February", "0"), ("March", "1")]
    assert sum(int(count) for _month, count in rows) == 2
    assert [text(li) for li in page.select(".folio-ratings-given li")] == [
        "4.5 out of 5: One book", "3 out of 5: One book"]
    months = {text(m.h3): [text(t) for t in m.select(".folio-shelf-title")]
              for m in page.select(".folio-year-month")}
    assert months == {"January": ["Jane Eyre"], "March": ["Wuthering Heights"]}
    cover = page.select_one(".folio-shelf-cover")["src"]
    assert (site.outdir / "reading" / cover).is_file()


def test_reading_years_index(site: Built) -> None:
    page = site.soup("reading/index.html")
    assert [text(li) for li in page.select(".folio-years li")] == ["2019 · One book",
                                                                  "2023 · Two books"]
    # Web only, and a way in from every page's sidebar.
    assert site.soup("index.html").find("a", string="Reading years") is not None


def test_charts_are_deterministic(tmp_path: Path) -> None:
    first = build(copy_root("library", tmp_path / "one"))
    second = build(copy_root("library", tmp_path / "two"))
    name = "reading/2023.html"
    assert (first.outdir / name).read_bytes() == (second.outdir / name).read_bytes()


def test_a_date_read_rewrites_its_year_page(tmp_path: Path) -> None:
    rewritten, changed = rewritten_after(tmp_path, "books/wuthering-heights.md",
                                         "read: 2023-03-18", "read: 2023-05-18")
    assert rewritten == changed == {"books/wuthering-heights.html", "library.html",
                                    "reading/2023.html"}


@pytest.mark.slow
def test_parallel_equals_serial(tmp_path: Path) -> None:
    """Book files are read in the main process before the workers start: -j 2 = -j 1."""
    serial = build(copy_root("library", tmp_path / "serial"))
    parallel = build(copy_root("library", tmp_path / "parallel"), parallel=2)
    assert parallel.warnings == ""
    assert_same(pages(serial.outdir), pages(parallel.outdir))


@pytest.mark.slow
def test_a_series_has_its_own_epub(tmp_path: Path) -> None:
    """Its parts in order, a valid ePub beside the essays' own; the series' page offers it."""
    import zipfile

    from conftest import epubcheck

    source = copy_root("library", tmp_path)
    epub = build(source, "epub")
    assert epub.warnings == ""
    book = epub.outdir.parent / "downloads" / "series-rereading-the-brontës.epub"
    report = epubcheck(book)
    assert "No errors or warnings detected" in report, report
    with zipfile.ZipFile(book) as packed:
        opf = next(n for n in packed.namelist() if n.endswith(".opf"))
        package = packed.read(opf).decode()
        chapters = [packed.read(n).decode() for n in sorted(packed.namelist())
                    if re.search(r"part-\d\.xhtml$", n)]
    assert "<dc:title>Rereading the Brontës</dc:title>" in package
    assert [c.count(title) > 0 for c, title in zip(chapters, (
        "The Governess Speaks", "Weather on the Moors", "The Quiet Sister"), strict=True)] \
        == [True, True, True]
    site = build(source, "html", fresh=False)
    offered = site.soup("series/rereading-the-brontës.html").select_one(".folio-downloads")
    assert text(offered) == "Download: ePub"
    assert (site.outdir / "series" / offered.a["href"]).is_file()


def test_a_book_edit_that_changes_no_page_is_read_once(tmp_path: Path) -> None:
    """A book file saved unchanged stales no page; its new stamp is still saved, so the
    build after reads nothing."""
    import os
    import pickle

    source = copy_root("library", tmp_path)
    build(source)
    book = source / "books" / "villette.md"
    later = book.stat().st_mtime_ns + 5_000_000_000
    os.utime(book, ns=(later, later))
    build(source, fresh=False)
    [saved] = source.glob("_build/**/environment.pickle")
    with saved.open("rb") as env_file:
        env = pickle.load(env_file)  # the test build's own file
    assert env.domaindata["folio"]["library_stamps"]["books/villette.md"][0] == later


def test_a_notes_edit_rewrites_only_its_page(tmp_path: Path) -> None:
    """The notes are shown only on the book's own page (incremental equals clean)."""
    rewritten, changed = rewritten_after(tmp_path, "books/jane-eyre.md",
                                         "slower.", "slower still.")
    assert rewritten == changed == {"books/jane-eyre.html"}


def test_a_rating_edit_rewrites_its_page_the_library_and_its_year_pages(tmp_path: Path
                                                                        ) -> None:
    """The rating shows on its page, in the library and in the ratings given in each
    year it was finished; the citing essay gives its own rating, so keeps its file."""
    rewritten, changed = rewritten_after(tmp_path, "books/jane-eyre.md",
                                         "rating: 4.5", "rating: 2")
    assert changed == {"books/jane-eyre.html", "library.html", "reading/2019.html",
                       "reading/2023.html"}
    assert rewritten == changed


def test_a_title_edit_rewrites_what_shows_the_title(tmp_path: Path) -> None:
    """Its page, the library, the year pages that list it and the essay citing it."""
    rewritten, changed = rewritten_after(tmp_path, "books/jane-eyre.md",
                                         "title: Jane Eyre", "title: Jane Eyre, Again")
    assert {"books/jane-eyre.html", "library.html", "reading/2019.html", "reading/2023.html",
            "essays/jane.html"} <= changed
    assert changed - {"search.html", "genindex.html"} <= rewritten
