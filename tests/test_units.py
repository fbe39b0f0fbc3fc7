"""The pure functions, without a Sphinx app."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from folio.core.dates import parse_date
from folio.core.frontmatter import parse_tags
from folio.core.names import BOOK_KEY, book_key, file_name, library_key, page_name
from folio.core.pages import pages_outside, parse_locator, roman_value
from folio.core.records import Book, Citation, Essay, PageSpan, Place, RelatedRequest
from folio.core.related import choose_related, resolve_name, split_names
from folio.core.wording import caption_parts, format_date, join_names, page_reference_ends
from folio.core.wording import page_reference as format_pages
from folio.ext.books import check_book, merge_books
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("69", "69"),
        ("274-275", "274–275"),
        ("274–275", "274–275"),
        ("274 - 275", "274–275"),
        ("xii", "xii"),
        ("XII", "XII"),
        ("12, 14", "12, 14"),
        ("ix-xii, 3", "ix–xii, 3"),
    ],
)
def test_locators_that_parse(text: str, expected: str) -> None:
    assert ", ".join(str(span) for span in parse_locator(text)) == expected


@pytest.mark.parametrize("text", ["", " ", "p69", "12,", "-3", "5-3", "xii-4", "iix", "1-2-3",
                                  "½", "٣"])
def test_locators_that_do_not(text: str) -> None:
    with pytest.raises(ValueError):
        parse_locator(text)


def test_roman_values() -> None:
    assert [roman_value(r) for r in ("i", "iv", "ix", "xii", "xl", "mcmxc")] == [
        1, 4, 9, 12, 40, 1990]
    assert roman_value("iiii") is None


def test_page_format_and_range() -> None:
    spans = parse_locator("274-275")
    assert format_pages("(p{page})", spans) == "(p274–275)"
    assert format_pages("p. {page}", parse_locator("12, 14")) == "p. 12, 14"
    assert pages_outside(parse_locator("280-290, xii"), 282) == ["290"]
    # The ends around several pages: one reference for all the pages a page quotes.
    assert page_reference_ends("(p{page})") == ("(p", ")")
    assert page_reference_ends("p. {page}") == ("p. ", "")
    assert page_reference_ends("{{p{page}}}") == ("{p", "}")
    assert pages_outside((PageSpan("0"),), 10) == ["0"]


def test_caption_full_record() -> None:
    book = Book("never-let-me-go", "Never Let Me Go", ("Kazuo Ishiguro",), "Faber and Faber",
                "2006", "2005", "paperback")
    text = "".join(part for part, _ in caption_parts(book))
    assert text == (
        "Cover of the 2006 Faber and Faber paperback edition of Never Let Me Go by Kazuo "
        "Ishiguro, first published in 2005. Page references in this essay are to this "
        "paperback edition.")
    assert [part for part, is_title in caption_parts(book) if is_title] == ["Never Let Me Go"]
    # The reference's wording, from the contract.
    book = Book("never-let-me-go", "Never let me go", ("Kazuo Ishiguro",), "Faber and Faber",
                "2006", "2005", "paperback")
    assert "".join(part for part, _ in caption_parts(book, "article", "quoted", ("‘", "’"))) == (
        "Cover of the 2006 Faber and Faber paperback edition of ‘Never let me go’ by Kazuo "
        "Ishiguro, first published in 2005. Page references in this article are to this "
        "paperback edition.")
    # Not in an essay: neutral wording.
    assert "".join(part for part, _ in caption_parts(book, None)).endswith(
        "Page references are to this paperback edition.")


def test_essay_labels() -> None:
    from folio.core.wording import essay_label

    review = Essay("a", "Real hope", None, "review")
    assert essay_label(review, ["Curing Affluenza"]) == "review of Curing Affluenza"
    assert essay_label(review, ["Real Hope"]) == "review"  # the title names the book
    assert essay_label(review, ["A", "B"]) == "review"
    both = Essay("b", "Old books", None, "review", other_genres=("memoir",))
    assert essay_label(both, ["Curing Affluenza"]) == "review – memoir"
    own = Essay("c", "Away", None, "opinion", label="opinion – the mad appeal of Mars")
    assert essay_label(own, []) == "opinion – the mad appeal of Mars"


def test_library_wording() -> None:
    from folio.core.wording import count_in_brackets, genre_with_count, isbn_line, rating_tally

    assert isbn_line("978-0-14-143947-1") == "ISBN 978-0-14-143947-1"
    assert count_in_brackets(12) == "(12)"
    assert genre_with_count("review", 3) == "review (3)"
    assert rating_tally(4.5, 5, 1) == "4.5 out of 5: One book"
    assert rating_tally(3, 10, 12) == "3 out of 10: 12 books"


def test_caption_sparse_record() -> None:
    text = "".join(p for p, _ in caption_parts(Book("x", "X", ("A", "B", "C"))))
    assert text == "Cover of X by A, B and C."
    assert join_names(["A", "B"]) == "A and B"


def test_book_checks() -> None:
    good = Book("k", "T", ("A",), isbn="978-0-14-143947-1", year="2003", first_published="1818")
    assert check_book(good) == []
    problems = dict(check_book(Book("k", isbn="978-0-14-143947-2", year="1800",
                                    first_published="1818")))
    assert "isbn" in problems and "before first-published" in problems["year"]
    assert "is not a year" in dict(check_book(Book("k", year="soon")))["year"]


def test_name_rules() -> None:
    """The rules differ on purpose (folio.core.names): a key, a new file's key, a page, a file."""
    assert book_key("Never Let Me Go!") == "never-let-me-go"
    assert book_key("…") == "book"
    assert book_key("Ender's Game") == "ender-s-game"  # cited by essays: never moves
    assert library_key("Ender’s Game") == "enders-game"  # a new book file's key
    assert library_key("Les Misérables") == "les-miserables"
    assert library_key("Θάλασσα") == ""  # nothing left: the import falls back
    assert library_key("The Life and Opinions of Tristram Shandy, Gentleman", 30) == \
        "the-life-and-opinions-of"  # cut at a word
    assert all(BOOK_KEY.match(library_key(t)) for t in ("A—B", "l'été", "C++ 2"))
    assert page_name("The Sea") == "the-sea"
    assert page_name("Θάλασσα") == "θάλασσα"  # any script keeps its own page
    assert page_name("…").startswith("untitled-")  # no words: told apart by a hash
    assert file_name("Ça va!") == "ca-va"
    assert file_name("%C3%A7a%20va") == "ca-va"  # a WordPress post name, URL-encoded
    assert file_name("Θάλασσα") == ""  # nothing ASCII can spell: the caller decides
    assert len(file_name("word " * 40)) <= 80


def test_front_matter_values() -> None:
    assert parse_tags('["identity", "science fiction"]') == ("identity", "science fiction")
    assert parse_tags("walking, nature, walking") == ("walking", "nature")
    assert parse_tags("") == ()
    assert parse_date("2019-04-28") == datetime.date(2019, 4, 28)
    assert parse_date("2019-04-28 10:00:00") == datetime.date(2019, 4, 28)
    assert parse_date("28/04/2019") is None
    assert parse_date("2019-02-30") is None
    assert format_date(datetime.date(2019, 4, 8)) == "8 April 2019"


def test_merge_books_first_owns_record() -> None:
    full = Book("f", "Frankenstein", ("Mary Shelley",), year="2003")
    partial = Book("f", "", (), publisher="Penguin", year="1999")
    citations = {
        "essays/b": [Citation(partial, Place("essays/b", 3), "book-f")],
        "essays/a": [Citation(full, Place("essays/a", 9), "book-f")],
    }
    books, homes = merge_books(citations)
    assert books["f"] == Book("f", "Frankenstein", ("Mary Shelley",), publisher="Penguin",
                              year="2003")
    assert homes["f"].place.docname == "essays/a"
    assert full.disagreements(partial) == ["year"]


def essay(name: str, genre: str, tags: tuple[str, ...] = (), day: int = 1) -> Essay:
    return Essay(f"essays/{name}", name.title(), datetime.date(2020, 1, day), genre,
                 author="W", tags=tags)


def test_related_selection_is_deterministic_and_ranked() -> None:
    essays = {e.docname: e for e in [
        essay("a", "review", ("sea", "whales"), 1),
        essay("b", "review", ("sea", "whales"), 2),
        essay("c", "memoir", ("sea",), 3),
        essay("d", "opinion", (), 4),
        essay("e", "fiction", ("land",), 5),
    ]}
    requests = {name: RelatedRequest(Place(name, 0)) for name in essays}
    chosen = choose_related(essays, {"essays/a": ["moby"], "essays/e": ["moby"]}, requests)
    # b shares two tags, c one tag, e the book: b first; never a itself.
    assert chosen["essays/a"].similar[0] == "essays/b"
    assert set(chosen["essays/a"].similar) == {"essays/b", "essays/c", "essays/e"}
    assert "essays/a" not in chosen["essays/a"].different
    assert not set(chosen["essays/a"].similar) & set(chosen["essays/a"].different)
    assert all(essays[d].genre != "review" for d in chosen["essays/a"].different)
    # The same records in another order give the same choice.
    shuffled = dict(reversed(list(essays.items())))
    assert choose_related(shuffled, {"essays/e": ["moby"], "essays/a": ["moby"]},
                          dict(reversed(list(requests.items())))) == chosen


def test_related_explicit_lists_and_switches() -> None:
    essays = {e.docname: e for e in [essay("a", "review", ("x",)), essay("b", "review", ("x",)),
                                     essay("c", "memoir")]}
    requests = {
        "essays/a": RelatedRequest(Place("essays/a", 1), similar=("essays/c",)),
        "essays/b": RelatedRequest(Place("essays/b", 1), auto=False),
        "essays/c": RelatedRequest(Place("essays/c", 1), limit=0),
    }
    chosen = choose_related(essays, {}, requests)
    assert chosen["essays/a"].similar == ("essays/c",)
    assert chosen["essays/b"].similar == () and chosen["essays/b"].different == ()
    assert chosen["essays/c"].similar == () and chosen["essays/c"].different == ()


def test_related_single_author_is_not_likeness() -> None:
    essays = {e.docname: e for e in [essay("a", "review"), essay("b", "review")]}
    requests = {name: RelatedRequest(Place(name, 0)) for name in essays}
    assert choose_related(essays, {}, requests)["essays/a"].similar == ()


def test_names() -> None:
    assert split_names("a\nb, c\n\n") == ["a", "b", "c"]
    found = {"essays/a", "essays/b", "index"}
    assert resolve_name("b", "essays/a", found) == "essays/b"
    assert resolve_name("/index", "essays/a", found) == "index"
    assert resolve_name("essays/b.md", "essays/a", found) == "essays/b"
    assert resolve_name("../index", "essays/a", found) == "index"


def test_collection_files_read_the_essay_list_through_state(tmp_path: Path) -> None:
    """``folio build`` finds the collection's PDFs in the extension's list; a damaged
    list, or one that is not the extension's, names none (and no traceback)."""
    import json

    from folio.commands.build import collection_files
    from folio.core.state import ESSAY_LIST

    (tmp_path / "latex").mkdir()
    (tmp_path / "epub").mkdir()
    (tmp_path / "epub" / "Margins.epub").write_bytes(b"")
    listed = tmp_path / "latex" / ESSAY_LIST
    listed.write_text(json.dumps({"collections": ["margins.tex", 3]}), encoding="utf-8")
    assert collection_files(tmp_path) == ["margins.pdf", "Margins.epub"]
    for damaged in ("{", '{"collections": "margins.tex"}', "[]"):
        listed.write_text(damaged, encoding="utf-8")
        assert collection_files(tmp_path) == ["Margins.epub"]


def test_write_if_changed_keeps_an_unchanged_file_and_its_time(tmp_path: Path) -> None:
    """Text and bytes alike: the same content leaves the file (and its time) alone."""
    import os

    from folio.core.state import write_if_changed

    path = tmp_path / "out" / "cover.svg"
    assert write_if_changed(path, "<svg>é</svg>") is True
    os.utime(path, ns=(1, 1))
    assert write_if_changed(path, "<svg>é</svg>".encode()) is False
    assert path.stat().st_mtime_ns == 1
    assert write_if_changed(path, b"\x00\xff") is True and path.read_bytes() == b"\x00\xff"
    assert [p.name for p in path.parent.iterdir()] == ["cover.svg"]  # no temporary left


def test_downloads_are_published_only_when_they_differ(tmp_path: Path) -> None:
    from folio.ext.downloads import publish

    source, site = tmp_path / "downloads", tmp_path / "html" / "downloads"
    (source / "series").mkdir(parents=True)
    (source / "essay.pdf").write_bytes(b"%PDF one")
    (source / "series" / "whole.epub").write_bytes(b"PK one")
    publish(source, site)
    assert (site / "essay.pdf").read_bytes() == b"%PDF one"
    assert (site / "series" / "whole.epub").read_bytes() == b"PK one"
    (site / "essay.pdf").write_bytes(b"%PDF mine")  # same size; its time now differs
    kept = site / "series" / "whole.epub"
    os.utime(kept, ns=(1, (source / "series" / "whole.epub").stat().st_mtime_ns))
    kept_time = kept.stat().st_atime_ns
    publish(source, site)
    assert (site / "essay.pdf").read_bytes() == b"%PDF one"
    assert kept.stat().st_atime_ns == kept_time  # not copied again: same size and time
    (source / "series" / "whole.epub").write_bytes(b"PK two, longer")
    publish(source, site)
    assert kept.read_bytes() == b"PK two, longer"


@given(tag_lists=st.lists(st.lists(st.sampled_from(["Whales", "whales", "the sea", "The Sea",
                                                    "index", "Ships!", "ships"]),
                                   max_size=4), max_size=12),
       days=st.lists(st.integers(0, 40), min_size=12, max_size=12))
def test_essays_by_tag_chooses_as_select_essays(tag_lists: list[list[str]],
                                                days: list[int]) -> None:
    """The tag pages' one pass gives each tag the essays ``select_essays`` would, in its order."""
    from folio.ext.listings import essays_by_tag, select_essays, tag_names
    essays = [Essay(f"e{i}", f"Essay {i}", datetime.date(2020, 1, 1) + datetime.timedelta(days[i]),
                    "review", tags=tuple(tags)) for i, tags in enumerate(tag_lists)]
    grouped = essays_by_tag(essays)
    tags = tag_names(essays)
    assert set(grouped) == set(tags)
    for slug, tag in tags.items():
        assert grouped[slug] == select_essays(essays, tag=tag)


def test_a_reading_helper_forgets_the_other_documents(tmp_path: Path) -> None:
    """A process forked to read sends back only its own documents' Folio records."""
    import gc

    from folio.ext import domain, memory
    from sphinx.testing.util import SphinxTestApp

    (tmp_path / "conf.py").write_text("extensions = ['folio']\n", encoding="utf-8")
    (tmp_path / "index.md").write_text("# Home\n", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=tmp_path)
    try:
        records = domain.folio_domain(app.env)
        records.essays["essays/old"] = Essay("essays/old", "Old", None, "review")
        app.env.metadata["essays/old"]["genre"] = "review"
        saved = dict(memory.READING)
        try:
            memory.READING.update(reader=os.getpid(), helper=0)
            memory.start_helping(app, "essays/new", [""])  # the reader itself: nothing changes
            assert "essays/old" in records.essays and "essays/old" in app.env.metadata
            memory.READING.update(reader=-1)  # as in a process forked from reader -1
            memory.start_helping(app, "essays/new", [""])
            assert records.essays == {} and gc.get_freeze_count() > 0
            assert "essays/old" not in app.env.metadata
            assert app.env.metadata["essays/new"] == {}  # still a defaultdict, as Sphinx's
        finally:
            gc.unfreeze()
            memory.READING.update(saved)
    finally:
        app.cleanup()
