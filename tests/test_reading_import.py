"""``folio import goodreads`` / ``folio import storygraph``: exports we wrote → ``books/``.

The fixtures in ``tests/data/reading/`` are rows we wrote ourselves under the
services' own header rows: Goodreads' 24-column layout (LF, a final
newline), its older 31-column one (CRLF, no final newline) and its 23-column
one (no Average Rating); StoryGraph's 2025 export (CRLF, no final newline,
empty cells unquoted) and its older one (every text cell quoted, ``""``).
Each trap the real exports hold is a row here, and a test below.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT
from folio.commands import goodreads, storygraph
from folio.core import reading
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

DATA = ROOT / "tests" / "data" / "reading"


class Run:
    """One run of a command: exit status, what it printed, where it wrote."""

    def __init__(self, root: Path, code: int, out: str, err: str) -> None:
        self.root, self.code, self.out, self.err = root, code, out, err
        self.books = root / "books"

    def text(self, key: str) -> str:
        return (self.books / f"{key}.md").read_text(encoding="utf-8")

    def book(self, key: str) -> dict[str, Any]:
        data, _head, _body = reading.split_book_file(self.text(key))
        assert data is not None
        return data

    def body(self, key: str) -> str:
        return reading.split_book_file(self.text(key))[2].strip()

    def book_keys(self) -> list[str]:
        return sorted(p.stem for p in self.books.glob("*.md"))


def run(root: Path, source: str, export: Path | str, *args: str) -> Run:
    module = goodreads if source == "goodreads" else storygraph
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = module.main([str(export), "--into", str(root / "books"), *args])
        except SystemExit as stop:  # argparse
            code = int(stop.code or 0)
    return Run(root, code, out.getvalue(), err.getvalue())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "conf.py").write_text('folio_genres = ["review", "memoir"]\n', encoding="utf-8")
    return site


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(folder)): (p.read_text(encoding="utf-8"), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


# -- Goodreads ------------------------------------------------------------------------

def test_goodreads_counts_shelves_and_report(root: Path) -> None:
    done = run(root, "goodreads", DATA / "goodreads-24.csv")
    assert done.code == 0, done.err
    assert done.err == ""
    # 21 rows: one bad, two pairs of editions → 18 books.
    assert len(done.book_keys()) == 18
    assert "21 rows, 18 books" in done.out
    assert "18 written, 0 merged, 0 unchanged" in done.out
    shelves = {key: done.book(key)["shelf"] for key in done.book_keys()}
    assert shelves["jane-eyre"] == "reading"          # currently-reading
    assert shelves["the-odyssey"] == "to-read"
    assert shelves["bleak-house"] == "to-read"        # custom exclusive shelf, no date
    assert shelves["dracula"] == "read"               # custom exclusive shelf, a date read
    assert shelves["ulysses"] == "abandoned"          # wont-finish
    assert shelves["moby-dick"] == "abandoned"        # dnf
    assert set(shelves.values()) <= set(reading.SHELVES)


def test_goodreads_book_record(root: Path) -> None:
    done = run(root, "goodreads", DATA / "goodreads-24.csv")
    book = done.book("middlemarch")
    assert book == {
        "title": "Middlemarch", "author": "George Eliot", "publisher": "Penguin Classics",
        "year": 2003, "first-published": 1871, "edition": "paperback",
        "isbn": "9780141439549", "pages": 880, "shelf": "read",
        "read": [datetime.date(2019, 3, 14)], "rating": 5, "tags": ["classics", "victorian"]}
    # The front matter in the contract's order, the ISBN a string.
    head = done.text("middlemarch").split("---")[1]
    assert [line.split(":")[0] for line in head.strip().splitlines()] == [
        "title", "author", "publisher", "year", "first-published", "edition", "isbn", "pages",
        "shelf", "read", "rating", "tags"]
    assert "isbn: '9780141439549'" in head


def test_goodreads_isbn_cells(root: Path) -> None:
    done = run(root, "goodreads", DATA / "goodreads-24.csv")
    assert done.book("jane-eyre")["isbn"] == "9780141441146"   # ISBN ="", ISBN13 ="978…"
    assert done.book("cranford")["isbn"] == "9780140434729"    # ISBN-10 only → ISBN-13
    assert "isbn" not in done.book("lady-audleys-secret")      # both =""
    assert "isbn" not in done.book("silas-marner")             # ="97829176236": 11 digits
    assert "ISBN13 '97829176236' is not an ISBN; left out" in done.out
    assert '="' not in "".join(done.text(k) for k in done.book_keys())


def test_goodreads_authors_rating_years(root: Path) -> None:
    done = run(root, "goodreads", DATA / "goodreads-24.csv")
    # Additional Authors, and runs of spaces in names made one.
    assert done.book("barchester-towers")["author"] == [
        "Anthony Trollope", "Some Editor", "Another Hand"]
    assert done.book("the-odyssey")["author"] == ["Homer", "Emily Wilson"]
    assert done.book("the-odyssey")["first-published"] == -800   # BCE
    assert "rating" not in done.book("the-odyssey")              # My Rating 0 = unrated
    assert done.book("ulysses")["rating"] == 1
    assert done.book("barchester-towers")["edition"] == "Kindle"  # "Kindle Edition"


def test_goodreads_read_count_above_dates(root: Path) -> None:
    done = run(root, "goodreads", DATA / "goodreads-24.csv")
    assert done.book("persuasion")["read"] == [datetime.date(2020, 1, 5)]
    assert "books/persuasion.md (line 7): read 2 times; the export gives one date " \
           "(2020-01-05), kept" in done.out
    # A reread in progress: the shelf is reading, the earlier read kept.
    assert done.book("jane-eyre")["read"] == [datetime.date(2015, 6, 2)]
    # Read, no date: a read book with no dates.
    assert "read" not in done.book("tess-of-the-durbervilles")


def test_goodreads_shelves_as_tags(root: Path) -> None:
    done = run(root, "goodreads", DATA / "goodreads-24.csv")
    assert done.book("bleak-house")["tags"] == ["to-read-classics", "doorstoppers"]
    assert done.book("vanity-fair")["tags"] == ["2019", "satire"]   # a year shelf, a string
    assert done.book("ulysses")["tags"] == ["wont-finish"]
    assert done.book("moby-dick")["tags"] == ["dnf", "sea"]
    assert "tags" not in done.book("persuasion")
    # Goodreads' own shelves are shelves, never tags.
    assert done.book("jane-eyre")["tags"] == ["classics"]


def test_two_editions_are_one_book(root: Path) -> None:
    done = run(root, "goodreads", DATA / "goodreads-24.csv")
    # "North and South" / "North And South", "Elizabeth  Gaskell": case and spacing.
    north = done.book("north-and-south")
    assert north["read"] == [datetime.date(2018, 7, 1), datetime.date(2022, 2, 2)]
    # The edition last finished, whole: its ISBN and its publisher, not a mix.
    assert (north["isbn"], north["publisher"], north["edition"]) == (
        "9780199537006", "Oxford University Press", "hardcover")
    assert north["rating"] == 4
    # "(Chronicles of Barsetshire, #1)" / "(… #1)": the series suffix set aside.
    warden = done.book("the-warden")
    assert warden["title"] == "The Warden"
    assert warden["shelf"] == "read" and warden["read"] == [datetime.date(2016, 3, 3)]
    assert not any(k.startswith(("north-and-south-", "the-warden-")) for k in done.book_keys())
    assert "books/north-and-south.md (line 9): the same book as line 8" in done.out
    # The same ISBN-13 twice (the 31-column export): one book.
    other = run(root, "goodreads", DATA / "goodreads-31.csv")
    assert other.book("emma")["read"] == [datetime.date(2011, 1, 1), datetime.date(2013, 2, 2)]
    assert "3 rows, 2 books" in other.out


def test_bad_row_reported_by_line_rest_imported(root: Path) -> None:
    done = run(root, "goodreads", DATA / "goodreads-24.csv")
    assert done.code == 0
    # Line 24, not 21: the review before it holds three line breaks.
    assert "Rows not imported: 1\n  line 24: Date Read: '2019/13/45' is not a date\n" in done.out
    assert "the-woman-in-white" not in done.book_keys()
    assert "the-mill-on-the-floss" in done.book_keys()   # the row after it


def test_private_notes_never_written(root: Path) -> None:
    done = run(root, "goodreads", DATA / "goodreads-24.csv")
    assert "Private notes on 1 book were not imported" in done.out
    assert "PRIVATEWORD" not in "".join(p.read_text(encoding="utf-8")
                                        for p in root.rglob("*") if p.is_file())


def test_review_html_and_goodreads_links_become_text(root: Path) -> None:
    done = run(root, "goodreads", DATA / "goodreads-24.csv")
    body = done.body("middlemarch")
    assert body == ("A slow river of a novel.\n\nBetter than *Adam Bede*, and George Eliot "
                    "knew it.\n\n> A line I copied out, in my own words here.\n\n"
                    "**Verdict**\\: *read it*.")   # the converter escapes a colon after markup
    assert "[b:" not in body and "[a:" not in body and "gr-assets" not in body
    # Notes are CommonMark (the book page runs no directive): a warning, not a fold.
    spoiled = done.body("the-moonstone")
    assert spoiled == ("*Spoilers follow.*\n\nWho took the diamond? The one you trusted. "
                       "Read it in a week.")
    # A review with newlines of its own: each line its own paragraph, none run together.
    assert done.body("tess-of-the-durbervilles") == (
        "First line of a long thought.\n\nSecond line, still the same review.\n\n"
        "And a new paragraph.")
    assert inert(done.body("lady-audleys-secret"))
    assert "SCRIPTWORD" not in done.text("lady-audleys-secret")


def test_layouts_31_and_23_columns(root: Path) -> None:
    old = run(root, "goodreads", DATA / "goodreads-31.csv")
    assert old.code == 0, old.err
    assert old.book("hard-times")["isbn"] == "9780140439670"
    assert old.book("hard-times")["shelf"] == "to-read"
    new = run(root, "goodreads", DATA / "goodreads-23.csv")
    assert new.code == 0, new.err
    assert new.book("kidnapped")["shelf"] == "abandoned"       # did-not-finish as a shelf
    assert new.book("kidnapped")["tags"] == ["adventure", "did-not-finish"]
    assert new.book("treasure-island")["rating"] == 5
    assert "read 3 times; the export gives one date (2010-06-06)" in new.out


def test_abandoned_dates_are_not_dates_finished(root: Path) -> None:
    done = run(root, "storygraph", DATA / "storygraph.csv")
    book = done.book("frankenstein")
    assert book["shelf"] == "abandoned" and "read" not in book
    assert "abandoned: the date given (2021-02-01) is not a date finished" in done.out


# -- StoryGraph ---------------------------------------------------------------------------

def test_storygraph_records(root: Path) -> None:
    done = run(root, "storygraph", DATA / "storygraph.csv")
    assert done.code == 0, done.err
    assert "10 rows, 9 books" in done.out
    assert "line 12: Date Added: 'yesterday' is not a date" in done.out  # a review of 3 lines
    assert done.book("good-omens")["author"] == ["Terry Pratchett", "Neil Gaiman"]
    # ISBN/UID: an ISBN-13, an ISBN-10 (converted), and three that are no ISBN.
    assert done.book("middlemarch")["isbn"] == "9780141439549"
    assert done.book("wuthering-heights")["isbn"] == "9780141439556"
    for key, uid in (("frankenstein", "B00FRANK01"), ("good-omens", "38549081"),
                     ("the-time-machine", "140143505")):
        assert done.book(key)["uid"] == uid and "isbn" not in done.book(key)
    assert done.book("wuthering-heights")["shelf"] == "reading"
    assert done.book("good-omens")["shelf"] == "to-read"
    # No status at all, a tag that says so.
    assert done.book("carmilla")["shelf"] == "abandoned"


def test_storygraph_dates_and_ratings(root: Path) -> None:
    done = run(root, "storygraph", DATA / "storygraph.csv")
    assert done.book("middlemarch")["read"] == [datetime.date(2019, 3, 14),
                                                datetime.date(2024, 5, 20)]
    assert done.book("kim")["read"] == [datetime.date(2021, 3, 20), datetime.date(2023, 3, 3)]
    assert done.book("the-turn-of-the-screw")["read"] == [datetime.date(2022, 10, 31)]
    # Quarter stars to the nearest half, said in the report; whole stars as given.
    assert done.book("middlemarch")["rating"] == 4.5
    assert done.book("jane-eyre")["rating"] == 4
    assert done.book("kim")["rating"] == 4 and "rating: 4\n" in done.text("kim")
    assert "rating 4.25 rounded to 4.5 (halves only, out of 5)" in done.out
    assert "rating 3.75 rounded to 4" in done.out


def test_storygraph_older_quoting(root: Path) -> None:
    done = run(root, "storygraph", DATA / "storygraph-quoted.csv")
    assert done.code == 0, done.err
    assert done.book("ivanhoe")["rating"] == 5
    assert done.book("ivanhoe")["read"] == [datetime.date(2020, 8, 8)]
    assert done.book("rob-roy") == {"title": "Rob Roy", "author": "Walter Scott",
                                    "edition": "paperback", "shelf": "to-read"}


def test_rating_on_the_collections_scale(root: Path) -> None:
    (root / "conf.py").write_text("folio_rating_scale = 10\n", encoding="utf-8")
    done = run(root, "storygraph", DATA / "storygraph.csv")
    assert done.book("middlemarch")["rating"] == 8.5          # 4.25 of 5
    assert done.book("the-turn-of-the-screw")["rating"] == 10


# -- both files, re-runs, the writer's edits --------------------------------------------------

def test_both_services_merge_without_duplicates(root: Path) -> None:
    books = len(run(root, "goodreads", DATA / "goodreads-24.csv").book_keys())
    second = run(root, "storygraph", DATA / "storygraph.csv")
    assert second.code == 0
    # Middlemarch (same ISBN) and Jane Eyre (same title and author, no ISBN on StoryGraph).
    assert "2 merged" in second.out
    assert len(second.book_keys()) == books + 7
    middlemarch = second.book("middlemarch")
    assert middlemarch["read"] == [datetime.date(2019, 3, 14), datetime.date(2024, 5, 20)]
    assert middlemarch["tags"] == ["classics", "victorian", "rereads"]
    assert middlemarch["publisher"] == "Penguin Classics"     # StoryGraph has none: kept
    assert second.body("middlemarch").startswith("A slow river")
    assert second.book("jane-eyre")["isbn"] == "9780141441146"


def test_second_run_changes_nothing(root: Path) -> None:
    run(root, "goodreads", DATA / "goodreads-24.csv")
    run(root, "storygraph", DATA / "storygraph.csv")
    before = snapshot(root)
    again = run(root, "goodreads", DATA / "goodreads-24.csv")
    assert "0 written, 0 merged, 18 unchanged" in again.out
    again = run(root, "storygraph", DATA / "storygraph.csv")
    assert "0 written, 0 merged, 9 unchanged" in again.out
    assert snapshot(root) == before


def write_export(path: Path, source: str, rows: list[dict[str, str]], newline: str = "\n") -> Path:
    header = (DATA / ("goodreads-24.csv" if source == "goodreads" else "storygraph.csv")
              ).read_text(encoding="utf-8").splitlines()[0].split(",")
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header, lineterminator=newline, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def goodreads_row(**cells: str) -> dict[str, str]:
    row = {"Book Id": "900", "Title": "Lorna Doone", "Author": "R. D. Blackmore",
           "ISBN": '=""', "ISBN13": '="9780199537358"', "My Rating": "4",
           "Exclusive Shelf": "read", "Date Read": "2019/04/04", "Date Added": "2019/01/01",
           "Read Count": "1", "Bookshelves": "romance"}
    row.update(cells)
    return row


def test_hand_edits_kept_new_reads_added(root: Path) -> None:
    export = write_export(root / "one.csv", "goodreads", [goodreads_row()])
    run(root, "goodreads", export)
    path = root / "books" / "lorna-doone.md"
    edited = path.read_text(encoding="utf-8").replace("rating: 4", "rating: 3  # on reflection")
    edited = edited.replace("tags: [romance]", "tags: [exmoor]")
    path.write_text(edited + "My own notes.\n", encoding="utf-8")
    # Goodreads now has a second read, a new rating, a new shelf.
    export = write_export(root / "two.csv", "goodreads", [goodreads_row(
        **{"Date Read": "2024/09/09", "My Rating": "5", "Bookshelves": "romance, 17th-century",
           "Read Count": "2"})])
    done = run(root, "goodreads", export)
    assert "1 merged" in done.out
    text = path.read_text(encoding="utf-8")
    assert "rating: 3  # on reflection" in text                 # the writer's, kept as typed
    assert text.endswith("My own notes.\n")
    book = done.book("lorna-doone")
    # The dates the writer kept and the new one; romance stays removed; the new shelf added.
    assert book["read"] == [datetime.date(2019, 4, 4), datetime.date(2024, 9, 9)]
    assert book["tags"] == ["exmoor", "17th-century"]
    # And again: nothing to do.
    before = snapshot(root / "books")
    assert "1 unchanged" in run(root, "goodreads", export).out
    assert snapshot(root / "books") == before
    # --force: the export's values again.
    forced = run(root, "goodreads", export, "--force")
    assert forced.book("lorna-doone")["rating"] == 5


def test_a_book_the_writer_made_is_merged_not_duplicated(root: Path) -> None:
    (root / "books").mkdir()
    mine = ("---\n# my own record\ntitle: Lorna Doone\nauthor: R. D. Blackmore\n"
            "shelf: to-read\n---\nWhy I want to read it.\n")
    (root / "books" / "doone.md").write_text(mine, encoding="utf-8")
    done = run(root, "goodreads", write_export(root / "one.csv", "goodreads", [goodreads_row()]))
    assert done.book_keys() == ["doone"]
    text = done.text("doone")
    assert text.startswith("---\n# my own record\ntitle: Lorna Doone\n")
    assert "shelf: to-read" in text                       # the writer's, not changed
    assert "read: [2019-04-04]" in text and "isbn: '9780199537358'" in text
    assert text.endswith("---\nWhy I want to read it.\n")


def test_a_deleted_book_is_not_brought_back(root: Path) -> None:
    export = write_export(root / "one.csv", "goodreads", [goodreads_row()])
    run(root, "goodreads", export)
    (root / "books" / "lorna-doone.md").unlink()
    done = run(root, "goodreads", export)
    assert "1 deleted since the last import and not brought back" in done.out
    assert done.book_keys() == []
    assert run(root, "goodreads", export, "--force").book_keys() == ["lorna-doone"]


def test_reviews_as_draft_essays(root: Path) -> None:
    (root / "essays").mkdir()
    mine = "---\ntitle: Reading Hardy\ndate: 2024-01-01\ngenre: review\n---\nMine.\n"
    (root / "essays" / "tess-of-the-durbervilles.md").write_text(mine, encoding="utf-8")
    done = run(root, "goodreads", DATA / "goodreads-24.csv", "--reviews", "drafts")
    assert done.code == 0, done.err
    assert "Draft essays in" in done.out and "4 written" in done.out
    assert inert((root / "essays" / "lady-audleys-secret.md").read_text(encoding="utf-8")
                 .split("---", 2)[2], ("book-citation",))
    essay = (root / "essays" / "middlemarch.md").read_text(encoding="utf-8")
    assert essay.startswith("---\ntitle: Middlemarch\ndate: 2019-03-14\ngenre: review\n"
                            "draft: true\n---\n\n```{book-citation} middlemarch\n```\n\n"
                            "A slow river of a novel.")
    assert done.body("middlemarch") == ""                # not in the notes as well
    spoiled = (root / "essays" / "the-moonstone.md").read_text(encoding="utf-8")
    assert "```{spoiler}\nWho took the diamond?" in spoiled
    # No date read: the date the book was added.
    # An essay of the writer's own under the book's name is never touched.
    assert (root / "essays" / "tess-of-the-durbervilles.md").read_text(encoding="utf-8") == mine
    tess = (root / "essays" / "tess-of-the-durbervilles-review.md").read_text(encoding="utf-8")
    assert "\ndate: 2020-01-01\n" in tess
    # Again: nothing changes; an edited draft is the writer's.
    path = root / "essays" / "middlemarch.md"
    path.write_text(essay + "\nMore thoughts.\n", encoding="utf-8")
    before = snapshot(root)
    again = run(root, "goodreads", DATA / "goodreads-24.csv", "--reviews", "drafts")
    assert "1 left alone (edited since)" in again.out
    assert snapshot(root) == before


# -- not an export -------------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "content", "expected"), [
    ("goodreads", "", "not a Goodreads export: no 'Title', 'Author', 'Exclusive Shelf', "
                      "'My Rating' column"),
    ("goodreads", '<?xml version="1.0"?><rss><channel></channel></rss>\n', "not a Goodreads"),
    ("storygraph", "Title,Author\nA,B\n", "not a StoryGraph export: no 'Authors', 'ISBN/UID'"),
    ("goodreads", (DATA / "storygraph.csv").read_text(encoding="utf-8"),
     "(it looks like a StoryGraph export: folio import storygraph)"),
    ("storygraph", (DATA / "goodreads-24.csv").read_text(encoding="utf-8"),
     "(it looks like a Goodreads export: folio import goodreads)"),
])
def test_not_an_export_is_one_line_and_exit_2(root: Path, source: str, content: str,
                                              expected: str) -> None:
    export = root / "export.csv"
    export.write_text(content, encoding="utf-8")
    done = run(root, source, export)
    assert done.code == 2
    assert done.out == ""
    assert len(done.err.splitlines()) == 1 and expected in done.err, done.err
    assert not (root / "books").exists()


def test_unreadable_files_are_one_line(root: Path) -> None:
    export = root / "export.csv"
    export.write_bytes(b"\xff\xfe\x00T\x00i\x00t\x00l\x00e")
    done = run(root, "goodreads", export)
    assert done.code == 2 and len(done.err.splitlines()) == 1 and "not UTF-8" in done.err
    done = run(root, "goodreads", root / "missing.csv")
    assert done.code == 2 and len(done.err.splitlines()) == 1 and "missing.csv" in done.err


def test_line_endings_and_final_newline_read_the_same() -> None:
    text = (DATA / "goodreads-24.csv").read_text(encoding="utf-8")
    variants = [text, text.replace("\n", "\r\n"), text.rstrip("\n"),
                text.replace("\n", "\r\n").rstrip("\r\n")]
    read = [[r for r in reading.read_export(v, "goodreads") if isinstance(r, reading.BookRow)]
            for v in variants]
    # Newlines inside a review follow the file's: compare the rest.
    def without_review(rows: list[reading.BookRow]) -> list[Any]:
        return [(r.line, r.fields()) for r in rows]
    assert all(without_review(r) == without_review(read[0]) for r in read[1:])
    assert len(read[0]) == 20


def test_series_and_spacing_keys() -> None:
    assert reading.title_key("Ordinary Monsters (The Talents Trilogy, #1)") == \
        reading.title_key("ordinary  monsters (The Talents Trilogy #1)")
    assert reading.bare_title("Ninth House (Alex Stern, #1)") == "Ninth House"
    assert reading.bare_title("Dune (40th Anniversary Edition)") == \
        "Dune (40th Anniversary Edition)"
    assert reading.names("Martin Luther King, Jr., Coretta Scott King") == (
        "Martin Luther King, Jr.", "Coretta Scott King")
    assert reading.date_ranges("2021/03/01-2021/03/20, 2023/01/02") == (
        (datetime.date(2021, 3, 1), datetime.date(2021, 3, 20)),
        (None, datetime.date(2023, 1, 2)))
    assert reading.on_scale(4.25, 5) == (4.5, "rating 4.25 rounded to 4.5 (halves only, "
                                              "out of 5)")
    assert reading.on_scale(4.0, 5) == (4, "")


# -- hostile text is data ------------------------------------------------------------------------

MYST = create_md_parser(MdParserConfig(enable_extensions={"colon_fence", "deflist",
                                                          "smartquotes"}), RendererHTML)
MARKUP_TOKENS = {"html_block", "html_inline", "myst_role", "myst_target", "myst_line_comment",
                 "myst_block_break", "image", "footnote_ref", "footnote_block", "math_inline",
                 "math_block", "front_matter"}


def inert(markdown: str, allowed: tuple[str, ...] = ()) -> bool:
    """Whether MyST reads ``markdown`` as text only: no directive but ``allowed``
    (whose own content must be inert), no role, no raw HTML, no target, no comment,
    links only to the web."""
    def walk(tokens: list[Any]) -> bool:
        for token in tokens:
            if token.type in MARKUP_TOKENS:
                return False
            if token.type in ("fence", "colon_fence") and token.info.strip().startswith("{"):
                name = token.info.strip()[1:].split("}")[0]
                if name not in allowed or not inert(token.content, ()):
                    return False
            if token.type == "link_open" and not re.match(
                    r"^https?://", str(token.attrGet("href") or "")):
                return False
            if token.children and not walk(token.children):
                return False
        return True
    return walk(MYST.parse(markdown))


CELL = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=60)
MARKUP = st.sampled_from([
    "```{include} /etc/passwd\n```", "{download}`/etc/passwd`", ":::{raw} html\n<b>x</b>\n:::",
    "<script>alert(1)</script>", "(target)=", "% comment", "+++", "[x](javascript:alert(1))",
    "<spoiler>```{eval-rst}</spoiler>", "[b:T|1|T|A|https://x/|2]", "---", "{{ sub }}",
    "![i](/etc/passwd)", "<blockquote>:::{note}\nx\n:::</blockquote>", "[^1]", "$x$", "\\",
    "    ```{raw} html", "> ```{include} x", "- :::{raw} html",
    # What YAML would read as something other than text.
    "yes", "null", "~", "2019-01-01", "1e3", "0x1F", "- a", "? x", "&anchor", "*alias",
    "!!python/object:os.system", "'", '"', "# not a comment", "key: value", "[a, b]", "{a: b}"])
HOSTILE = st.lists(st.one_of(CELL, MARKUP), min_size=1, max_size=4).map("\n".join)
PROPERTY = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def check_written(root: Path, reviews: str) -> None:
    for path in sorted(root.rglob("*.md")):
        content = path.read_text(encoding="utf-8")
        data, head, body = reading.split_book_file(content)
        assert data is not None, content
        for value in data.values():   # every value reads back as data, never as a tag
            assert isinstance(value, str | int | float | list | datetime.date), value
        assert yaml.safe_load(head) == data
        allowed = ("spoiler", "book-citation") if path.parent.name == "essays" else ()
        assert inert(body, allowed), body


@PROPERTY
@given(column=st.sampled_from(sorted(reading.GOODREADS)), value=HOSTILE,
       reviews=st.sampled_from(["none", "drafts"]))
def test_any_goodreads_cell_is_inert(tmp_path_factory: pytest.TempPathFactory, column: str,
                                     value: str, reviews: str) -> None:
    root = tmp_path_factory.mktemp("hostile")
    row = goodreads_row(**{"My Review": "A review.", column: value})
    done = run(root, "goodreads", write_export(root / "x.csv", "goodreads", [row]),
               "--reviews", reviews)
    assert done.code == 0, done.err
    check_written(root, reviews)
    field = {"Title": "title", "Author": "author", "Publisher": "publisher"}.get(column)
    for key in done.book_keys():
        written = done.book(key).get(field) if field else None
        if written is not None:   # the text round-trips, as a string (series aside)
            assert isinstance(written, str)
            expected = " ".join(value.split())
            assert written == (reading.bare_title(expected) if field == "title" else expected)


@PROPERTY
@given(column=st.sampled_from(sorted(reading.STORYGRAPH)), value=HOSTILE,
       reviews=st.sampled_from(["none", "drafts"]))
def test_any_storygraph_cell_is_inert(tmp_path_factory: pytest.TempPathFactory, column: str,
                                      value: str, reviews: str) -> None:
    root = tmp_path_factory.mktemp("hostile")
    row = {"Title": "Kim", "Authors": "Rudyard Kipling", "ISBN/UID": "", "Read Status": "read",
           "Dates Read": "2020/01/01", "Star Rating": "4", "Review": "Fine.", column: value}
    done = run(root, "storygraph", write_export(root / "x.csv", "storygraph", [row], "\r\n"),
               "--reviews", reviews)
    assert done.code == 0, done.err
    check_written(root, reviews)
    for key in done.book_keys():
        for name in ("title", "author", "uid", "edition"):
            assert not isinstance(done.book(key).get(name), bool | dict)


def test_state_file_is_json(root: Path) -> None:
    run(root, "goodreads", DATA / "goodreads-24.csv")
    state = json.loads((root / "books" / ".folio-import.json").read_text(encoding="utf-8"))
    assert set(state) == {"books", "rows"}
    assert state["rows"]["goodreads:101"] == "middlemarch"


def test_reachable_from_the_folio_command(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from folio.commands.cli import IMPORTS, main

    assert IMPORTS["goodreads"][0] == "folio.commands.goodreads"
    assert IMPORTS["storygraph"][0] == "folio.commands.storygraph"
    shutil.copy(DATA / "goodreads-31.csv", root / "export.csv")
    monkeypatch.chdir(root)
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["import", "goodreads", "export.csv"])
    assert code == 0
    assert (root / "books" / "emma.md").is_file()


@pytest.mark.parametrize("markup", ["{download}`x`", "<b>x</b>", "```{include} x\n```", "(t)=",
                                    "% c", "![i](x.png)", "```{spoiler}\n{eval-rst}`x`\n```",
                                    "[^1]\n\n[^1]: x", ":::{raw} html\nx\n:::"])
def test_the_inert_check_catches_markup(markup: str) -> None:
    assert not inert(markup, ("spoiler",))
    assert inert("plain *text* and a [link](https://example.org/)")


def test_every_file_written_reads_as_the_library_reads_it(root: Path) -> None:
    """The extension's own reader finds nothing to warn about in what was imported."""
    from folio.core.library import read_book_file
    from folio.ext.books import check_book

    for source, export in (("goodreads", "goodreads-24.csv"), ("goodreads", "goodreads-31.csv"),
                           ("goodreads", "goodreads-23.csv"), ("storygraph", "storygraph.csv"),
                           ("storygraph", "storygraph-quoted.csv")):
        run(root, source, DATA / export)
    done = run(root, "goodreads", write_export(root / "x.csv", "goodreads", [goodreads_row(
        **{"Year Published": "2001", "Original Publication Year": "2005"})]))
    assert "Original Publication Year 2005 is after this edition's year 2001; left out" \
        in done.out
    paths = sorted((root / "books").glob("*.md"))
    assert len(paths) == 18 + 2 + 2 + 7 + 2 + 1
    for path in paths:
        entry, problems = read_book_file(path.stem, f"books/{path.name}",
                                         path.read_text(encoding="utf-8"), 5)
        problems.extend(check_book(entry.book))
        assert problems == [], (path.name, problems)
    middlemarch = read_book_file("middlemarch", "books/middlemarch.md",
                                 (root / "books" / "middlemarch.md").read_text(), 5)[0]
    assert middlemarch.rating == 4.5 and middlemarch.shelf == "read"
    assert middlemarch.read == (datetime.date(2019, 3, 14), datetime.date(2024, 5, 20))
    assert middlemarch.book.authors == ("George Eliot",)
    good_omens = read_book_file("good-omens", "books/good-omens.md",
                                (root / "books" / "good-omens.md").read_text(), 5)[0]
    assert good_omens.book.authors == ("Terry Pratchett", "Neil Gaiman")
    assert good_omens.uid == "38549081" and good_omens.book.isbn == ""


# -- a collection built with what was imported -------------------------------------------------

def test_imported_library_builds_and_drafts_stay_out(tmp_path: Path) -> None:
    from conftest import build

    site = tmp_path / "site"
    shutil.copytree(ROOT / "tests" / "roots" / "test-import", site)
    (site / "essays").mkdir()
    (site / "essays" / "on-kim.md").write_text(
        "---\ntitle: On Kim\ndate: 2023-03-04\ngenre: review\n---\n\n"
        "```{book-citation} kim\n```\n\nA published essay about the book.\n", encoding="utf-8")
    drafted = run(site, "goodreads", DATA / "goodreads-24.csv", "--reviews", "drafts")
    assert "4 written" in drafted.out
    noted = run(site, "storygraph", DATA / "storygraph.csv")
    assert noted.code == 0
    built = build(site, "html")
    assert built.warnings.strip() == "", built.warnings
    # Drafts are in no output; the published essay is.
    assert not (built.outdir / "essays" / "middlemarch.html").exists()
    assert (built.outdir / "essays" / "on-kim.html").is_file()
    index = built.soup("index.html").get_text(" ")
    assert "On Kim" in index and "Lady Audley" not in index
    # A book page per imported book, the review (from StoryGraph) as its notes, inert.
    page = built.soup("books/the-turn-of-the-screw.html")
    assert "Never again." in page.get_text(" ")
    assert page.find("img", onerror=True) is None
    # MyST-like text in a review is shown as the words it is, never run.
    notes = page.find(class_="folio-book-notes")
    assert [p.get_text() for p in notes.find_all("p")] == [
        "Never again.", "Or maybe {eval-rst}`x` once more."]
    assert "Henry James" in page.get_text(" ")
    # The citation with no options uses the imported record.
    essay = built.soup("essays/on-kim.html").get_text(" ")
    assert "Rudyard Kipling" in essay
    # The library by shelf.
    library = built.soup("library.html").get_text(" ")
    for heading in ("Reading now", "Read", "To read", "Abandoned"):
        assert heading in library
    assert "Jane Eyre" in library and "Carmilla" in library
    # The reading year of the imported dates: Middlemarch (March) and Vanity Fair (May).
    year = " ".join(built.soup("reading/2019.html").get_text(" ").split())
    assert "Two books finished, 880 pages." in year
    assert "March Middlemarch George Eliot 14 March 2019" in year
    assert "May Vanity Fair William Makepeace Thackeray 5 May 2019" in year
    # Nor is a draft in the ePub.
    import zipfile

    epub = build(site, "epub")
    assert epub.warnings.strip() == "", epub.warnings
    with zipfile.ZipFile(next(epub.outdir.glob("*.epub"))) as book:
        text = " ".join(book.read(name).decode("utf-8", "replace") for name in book.namelist()
                        if name.endswith((".xhtml", ".html")))
    assert "A published essay about the book." in text and "A slow river" not in text
    # Nor in the PDF's source (the LaTeX every PDF is made from).
    latex = build(site, "latex")
    tex = " ".join(p.read_text(encoding="utf-8") for p in latex.outdir.glob("*.tex"))
    assert "A published essay about the book." in tex and "A slow river" not in tex


def test_what_is_a_draft(tmp_path: Path) -> None:
    from folio.ext.drafts import find_drafts, is_draft

    assert is_draft("---\ntitle: A\ndraft: true\n---\nText\n")
    assert is_draft("---\ntitle: A\ndraft: yes  # until I finish\n---\n")
    assert is_draft(":title: A\n:draft: true\n\nText\n")           # rST docinfo
    assert not is_draft("---\ntitle: A\ndraft: false\n---\n")
    assert not is_draft("---\ntitle: A\n---\ndraft: true\n")       # in the text, not the head
    assert not is_draft("Text\n\n:draft: true\n")
    (tmp_path / "essays" / "deep").mkdir(parents=True)
    (tmp_path / "essays" / "a.md").write_text("---\ndraft: true\n---\n", encoding="utf-8")
    (tmp_path / "essays" / "b.md").write_text("---\ntitle: B\n---\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("---\ndraft: true\n---\n", encoding="utf-8")
    assert find_drafts(tmp_path, ["essays/*"]) == ["essays/a.md"]


def test_a_read_in_progress_and_a_title_windows_keeps(root: Path) -> None:
    rows = [{"Title": "Nostromo", "Authors": "Joseph Conrad", "Read Status": "currently-reading",
             "Dates Read": "2019/02/01-2019/03/01, 2025/01/10-", "Last Date Read": "2019/03/01",
             "Read Count": "1"},
            {"Title": "Con", "Authors": "A. Nobody", "Read Status": "to-read"}]
    done = run(root, "storygraph", write_export(root / "x.csv", "storygraph", rows, "\r\n"))
    assert done.book("nostromo") == {"title": "Nostromo", "author": "Joseph Conrad",
                                     "shelf": "reading", "read": [datetime.date(2019, 3, 1)],
                                     "started": datetime.date(2025, 1, 10)}
    assert "started: 2025-01-10\n" in done.text("nostromo")
    assert done.book_keys() == ["con-book", "nostromo"]
