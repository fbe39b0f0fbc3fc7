"""Every phrase a reader sees, written once.

Captions, edition phrases, alt text, page references, labels, headings and
the names of the generated pages are composed here and nowhere else: the
directives, the post-transforms, the templates (which receive these strings
already formatted), the feed and the offline files all call these
functions, so a setting such as ``folio_page_format`` reads the same on
every page and in every output.  Pure functions of records and settings.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Sequence

from folio.core.ratings import format_value
from folio.core.records import Book, Essay, PageSpan

MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")

#: Between the date, genre and tags of a byline, and the facts of a listing.
SEPARATOR = " · "


def format_date(date: datetime.date) -> str:
    """``28 April 2019``: unambiguous to readers everywhere."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def join_names(names: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# -- books ------------------------------------------------------------------------------

def book_title(book: Book) -> str:
    """The title a reader sees (the key when no essay gave one)."""
    return book.title or book.key


def edition_phrase(book: Book) -> str:
    """``2006 Faber and Faber paperback edition``, or ``""`` when nothing is known."""
    edition = book.edition.strip()
    if edition and not edition.lower().endswith("edition"):
        edition += " edition"
    described = " ".join(part for part in (book.year, book.publisher, edition) if part)
    if described and not edition:
        described += " edition"
    return described


def first_published_phrase(book: Book) -> str:
    """``first published in 2005``, when that differs from the edition's year."""
    if book.first_published and book.first_published != book.year:
        return f"first published in {book.first_published}"
    return ""


#: English inner quotation marks, for a caller that names no language's.
ENGLISH_MARKS = ("‘", "’")


def styled_title(title: str, style: str,
                 marks: tuple[str, str] = ENGLISH_MARKS) -> tuple[str, bool]:
    r"""A book title as set in running text: (text, set in italics?).

    ``italic`` leaves the text for the writer to set in italics (``<cite>``,
    ``\sphinxtitleref``); ``quoted`` puts it in ``marks``, the language's
    inner quotation marks (the extension asks docutils for them:
    :func:`folio.ext.shared.quote_marks`).
    """
    if style == "quoted":
        opening, closing = marks
        return f"{opening}{title}{closing}", False
    return title, True


def edition_kind(book: Book) -> str:
    """``paperback`` from ``:edition: paperback`` (or ``paperback edition``)."""
    kind = " ".join(book.edition.split())
    return kind[: -len("edition")].strip() if kind.lower().endswith("edition") else kind


def page_references_sentence(book: Book, noun: str | None) -> str:
    """The caption's last sentence: which edition the page numbers follow.

    ``noun`` names the piece ("essay", "article"); ``None`` on a page that is
    not an essay, where "in this essay" would be wrong.
    """
    kind = edition_kind(book)
    edition = f"this {kind} edition" if kind else "this edition"
    where = f" in this {noun}" if noun else ""
    return f"Page references{where} are to {edition}."


def caption_parts(book: Book, noun: str | None = "essay", style: str = "italic",
                  marks: tuple[str, str] = ENGLISH_MARKS) -> list[tuple[str, bool]]:
    """The caption as (text, is_title) runs, so the title can be set as a title.

    "Cover of the 2006 Faber and Faber paperback edition of *Never Let Me Go*
    by Kazuo Ishiguro, first published in 2005. Page references in this essay
    are to this paperback edition."
    """
    described = edition_phrase(book)
    opening = f"Cover of the {described} of " if described else "Cover of "
    title, italic = styled_title(book_title(book), style, marks)
    parts: list[tuple[str, bool]] = [(opening, False), (title, italic)]
    tail = f" by {join_names(book.authors)}" if book.authors else ""
    first = first_published_phrase(book)
    if first:
        tail += f", {first}"
    tail += "."
    if described:
        tail += " " + page_references_sentence(book, noun)
    parts.append((tail, False))
    return parts


def edition_line(book: Book) -> str:
    """The library's line under a title: the caption's own edition phrase.

    ``2003 Penguin Classics paperback edition, first published in 1818``.
    """
    return ", ".join(part for part in (edition_phrase(book), first_published_phrase(book))
                     if part)


def cover_alt(book: Book) -> str:
    """Alt text of a cover image the writer gave no ``:cover-alt:`` for."""
    return f"Cover of {book_title(book)}"


def epub_cover_alt(title: str, author: str) -> str:
    """Alt text of the cover Folio draws for an essay's (or a series') own ePub: the
    words drawn on it, the title and the author."""
    return f"Cover of {title} by {author}"


def drawn_cover_alt(book: Book) -> str:
    """Alt text of a cover Folio drew from the record."""
    return f"{cover_alt(book)} (drawn)"


# -- quotes -------------------------------------------------------------------------------

#: Between the pages of one reference: ``(p12, 14)``.
PAGE_JOINER = ", "


def page_reference(page_format: str, spans: Sequence[PageSpan]) -> str:
    """The reference as readers see it: ``(p69)``, ``(p274–275)``."""
    return page_format.format(page=PAGE_JOINER.join(str(span) for span in spans))


def page_reference_ends(page_format: str) -> tuple[str, str]:
    """What a reference sets before and after its pages: ``("(p", ")")``.

    Several references to one book from one page are one reference, as a
    book's notes give them: ``(p3, 347, 624)``, not ``(p3), (p347), (p624)``.
    """
    before, _, after = page_format.format(page="\0").partition("\0")
    return before, after


def quoted_in(reference: str) -> str:
    """Under a quotation in the quotations index: ``(p69), in``, before the essay's link."""
    return f"{reference}, in"


# -- essays and related reading -------------------------------------------------------------

def byline_author(author: str) -> str:
    """In the byline of an essay by someone other than the collection's author."""
    return f"by {author}"


def copyright_line(copyright_: str) -> str:
    return f"© {copyright_}"


#: Between the genres of an essay listed under several.
GENRE_JOINER = " – "


def essay_label(essay: Essay, cited_titles: Sequence[str]) -> str:
    """What follows an essay's title in brackets in related reading and listings.

    The writer's own ``label``; else, for a review (genre exactly
    ``review``) of exactly one book its title does not name, ``review of
    <Book title>``; else its genres joined by " – ".
    """
    if essay.label:
        return essay.label
    if essay.genres == ("review",) and len(cited_titles) == 1:
        title = cited_titles[0]
        if title and title.casefold() not in essay.title.casefold():
            return f"review of {title}"
    return GENRE_JOINER.join(essay.genres)


def title_spans(text: str, titles: Sequence[str]) -> tuple[tuple[str, bool], ...]:
    """``text`` cut where a book's title appears (a whole word or words), each piece
    with whether it is a title: a summary written as plain text still sets
    "Moby-Dick" in italics, as the essay does.  Longest titles first, so
    "Jane Eyre" wins over "Jane"."""
    names = tuple(sorted({title for title in titles if title.strip()}, key=lambda t: (-len(t), t)))
    return _title_spans(text, names)


@functools.lru_cache(maxsize=65536)
def _title_spans(text: str, names: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    """:func:`title_spans`, remembered: a summary is shown on the home page, its genre's,
    tags' and year's pages and its books'; its pattern was compiled for each (``re``'s
    own cache holds 512 patterns, fewer than a collection has essays)."""
    if not names or not text:
        return ((text, False),) if text else ()
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(name) for name in names) + r")(?!\w)")
    spans: list[tuple[str, bool]] = []
    at = 0
    for match in pattern.finditer(text):
        if match.start() > at:
            spans.append((text[at:match.start()], False))
        spans.append((match.group(0), True))
        at = match.end()
    if at < len(text):
        spans.append((text[at:], False))
    return tuple(spans)


def bracketed_label(label: str) -> str:
    """The label as shown after a title: ``[review of Curing Affluenza]``."""
    return f"[{label}]"


def print_page_reference() -> str:
    """After a related essay's title in print: ``, page `` and the page number."""
    return ", page "


# -- the spoiler --------------------------------------------------------------------------

def spoiler_start(label: str, default: str) -> str:
    """``Spoilers: What happens at the end`` (just ``Spoilers`` without a label)."""
    return f"{default}: {label}" if label and label != default else default


def spoiler_end(default: str) -> str:
    return f"End of {default.lower()}"


def spoiler_mark(default: str) -> str:
    """Beside a page reference to a quotation inside a spoiler, in the library."""
    return f"({default.lower()})"


def spoiler_page_mark(default: str) -> str:
    """After a page inside a reference, ``(p3, 347 [spoilers], 624)``: brackets
    within parentheses, as the Chicago Manual of Style sets them."""
    return f"[{default.lower()}]"


# -- responses ------------------------------------------------------------------------------

#: Above the responses stored with an essay.
RESPONSES_HEADING = "Responses"


#: What a screen reader announces for the comments form under an essay.
COMMENTS_LABEL = "Responses"
def responses_left_out(shown: int, left_out: int) -> str:
    """Under the responses shown, when the essay has more than ``folio_responses_limit``."""
    later = "One later response is" if left_out == 1 else f"{left_out:,} later responses are"
    return f"{later} not shown here (the first {shown:,} are)."


def reply_by_email() -> str:
    return "Reply by email"


def reply_subject(essay_title: str) -> str:
    """The subject of a reply by e-mail: it names the essay."""
    return f"Re: {essay_title}"


# -- offline files --------------------------------------------------------------------------

def download_label(home: bool) -> str:
    return "Download the collection: " if home else "Download: "


#: The names of the two offline files in a download link.
PDF_LABEL = "PDF"
EPUB_LABEL = "ePub"
#: After an essay's own downloads, its series': ``Download: PDF · ePub; the series: PDF``;
#: a line may break after the joiner, never inside either group.
DOWNLOAD_GROUP_JOINER = "; "
SERIES_DOWNLOADS = "the series: "

# -- the collection's PDF and ePub ----------------------------------------------------------

#: The heading over the home page's opening words in the collection's PDF, so the book
#: opens with a chapter like every essay's, not with an unheaded page.
INTRODUCTION_HEADING = "Introduction"


def contents_entry(title: str, date: str) -> str:
    """An essay in the ePub's navigation: ``The Harpooner’s Wife · 30 May 2025``."""
    return f"{title}{SEPARATOR}{date}"


#: Read out by reading systems and checkers (schema:accessibilitySummary in each ePub).
ACCESSIBILITY_SUMMARY = ("Essays with headings and a table of contents; every cover image has a "
                         "text alternative, and each quotation its page reference in text.")


# -- generated pages ------------------------------------------------------------------------

def genre_page_title(genre: str) -> str:
    return genre.capitalize()


def tag_page_title(tag: str) -> str:
    return f"Tagged “{tag}”"


NO_ESSAYS = "No essays yet."
NUMBERS = ("No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")


def count_of_essays(count: int) -> str:
    """``Two essays``, ``One essay``, ``12 essays``."""
    number = NUMBERS[count] if count < len(NUMBERS) else str(count)
    return f"{number} {'essay' if count == 1 else 'essays'}"


def genre_page_intro(count: int, genre: str) -> str:
    """The sentence that opens a genre's page."""
    return f"{count_of_essays(count)} filed under {genre.lower()}, newest first."


def tag_page_intro(count: int, tag: str) -> str:
    """The sentence that opens a tag's page."""
    return f"{count_of_essays(count)} tagged “{tag}”, newest first."


def count_in_brackets(count: int) -> str:
    """After a tag on the tags' page: ``(12)``, the essays that carry it."""
    return f"({count})"


def genre_with_count(genre: str, count: int) -> str:
    """A genre in the sidebar: ``review (12)``."""
    return f"{genre} {count_in_brackets(count)}"


#: The sidebar's words: its name for screen readers, the home link, its headings.
SIDEBAR = {"label": "Essays", "home": "Home", "recent": "Recent essays", "genres": "Genres",
           "browse": "Browse"}

#: The ways into the collection the sidebar offers: (page, heading).
BROWSE = (("archive", "Archive"), ("library", "Library"), ("reading/index", "Reading years"),
          ("quotations", "Quotations"), ("tags/index", "Tags"))
#: The masthead's links, on every page of a collection: the sidebar's ways in, with
#: the archive called what it holds.
MASTHEAD = tuple((page, "Essays" if page == "archive" else label) for page, label in BROWSE)
MASTHEAD_LABEL = "The collection"
SEARCH_LABEL = "Search the collection"
SEARCH_PLACEHOLDER = "Search"
TAGS_TITLE = "Tags"
ARCHIVE_TITLE = "Archive"
LIBRARY_TITLE = "Library"
QUOTATIONS_TITLE = "Quotations"
UNKNOWN_AUTHOR = "Unknown author"


# -- ratings, the library and the books' pages ------------------------------------------

def rating_words(value: float, scale: int) -> str:
    """A rating in words, for every reader: ``4 out of 5``, ``3.5 out of 5``."""
    return f"{format_value(value)} out of {scale}"


#: Each shelf's heading in the library, in the order shown.
SHELF_HEADINGS = (("reading", "Reading now"), ("read", "Read"), ("to-read", "To read"),
                  ("abandoned", "Abandoned"))


def shelf_heading(shelf: str) -> str:
    return dict(SHELF_HEADINGS).get(shelf, shelf)


def dates_read(dates: Sequence[datetime.date]) -> str:
    """``Read 20 May 2019 and 4 January 2023`` (oldest first); ``""`` with none."""
    return f"Read {join_names([format_date(d) for d in dates])}" if dates else ""


def started_on(date: datetime.date) -> str:
    return f"Started {format_date(date)}"


#: The labels of a book's record on its page, in the order shown.
RECORD_LABELS = (("author", "Author"), ("publisher", "Publisher"), ("year", "Published"),
                 ("first-published", "First published"), ("edition", "Edition"),
                 ("isbn", "ISBN"), ("pages", "Pages"), ("shelf", "Shelf"),
                 ("read", "Finished"), ("started", "Started"), ("rating", "Rating"),
                 ("tags", "Tags"))



def isbn_line(isbn: str) -> str:
    """After a book's edition in the library: ``ISBN 978-0-14-143947-1``."""
    return f"{dict(RECORD_LABELS)['isbn']} {isbn}"


#: Between an essay in a book's list and the pages of the book it quotes or names:
#: ``Real hope [review]: (p3, 347)``.
PAGES_LEAD = ": "


def rating_tally(value: float, scale: int, count: int) -> str:
    """A line of a year's ratings given: ``4 out of 5: Two books``."""
    return f"{rating_words(value, scale)}: {count_of_books(count)}"


BOOK_NOTES_HEADING = "Notes"
BOOK_ESSAYS_HEADING = "Essays about this book"
BOOK_QUOTES_HEADING = "Quotations"


def book_page_title(book: Book) -> str:
    return book_title(book)


def count_of_books(count: int) -> str:
    """``One book``, ``Two books``, ``12 books``."""
    number = NUMBERS[count] if count < len(NUMBERS) else str(count)
    return f"{number} {'book' if count == 1 else 'books'}"


# -- series ---------------------------------------------------------------------------------

def part_of(number: int, count: int) -> str:
    """Before the series' name under a part's byline: ``Part 2 of 3 in ``."""
    return f"Part {number} of {count} in "


PREVIOUS_PART = "Previous part: "
NEXT_PART = "Next part: "


def part_label(number: int) -> str:
    """Before a part's title on the series' page."""
    return f"Part {number}"


def series_page_title(series: str) -> str:
    return series


def series_page_intro(count: int) -> str:
    """The sentence that opens a series' page."""
    number = NUMBERS[count] if count < len(NUMBERS) else str(count)
    return f"A series in {number.lower() if count < len(NUMBERS) else number} " \
           f"{'part' if count == 1 else 'parts'}, in order."


# -- reading years ----------------------------------------------------------------------------

READING_YEARS_TITLE = "Reading years"
RATINGS_GIVEN_HEADING = "Ratings given"
BOOKS_FINISHED_HEADING = "Books finished, month by month"
MONTH_TABLE_HEADINGS = ("Month", "Books finished")


def reading_year_title(year: int) -> str:
    return f"Reading in {year}"


def chart_title(year: int) -> str:
    """The chart's title, and the table's caption: they show the same figures."""
    return f"Books finished in {year}, month by month"


def books_finished_label() -> str:
    return "Books finished"


def month_counts_sentence(counts: Sequence[int]) -> str:
    """The chart's figures in a sentence (its ``<desc>``): ``January: 1, February: 0, …``."""
    return ", ".join(f"{month}: {count}" for month, count in zip(MONTHS, counts, strict=True)) + "."


def year_summary(books: int, pages: int) -> str:
    """``Twelve books finished, 3,456 pages.``"""
    finished = f"{count_of_books(books)} finished"
    return f"{finished}, {pages:,} pages." if pages else f"{finished}."


# -- a reading log brought in (folio import goodreads / storygraph) -----------------------

#: Opens a review Goodreads marked as giving things away, in a book's notes (which are
#: plain Markdown: no fold; a draft essay folds it behind a ``spoiler`` instead).
IMPORTED_REVIEW_SPOILERS = "Spoilers follow."


# -- search ---------------------------------------------------------------------------------

SEARCH_TITLE = "Search"

#: What the search page says; the page's script fills ``{n}`` and ``{query}``.
SEARCH_WORDS: dict[str, object] = {
    "label": "Search the essays, quotations and books",
    "button": "Search",
    "narrow": "Narrow to",
    "facets": {"genre": ("Genre", "any genre"), "tag": ("Tag", "any tag"),
               "book": ("Book", "any book"), "year": ("Year", "any year")},
    "headings": {"essay": "Essays", "quotation": "Quotations", "book": "Books"},
    "counts": {"essay": ("{n} essay", "{n} essays"),
               "quotation": ("{n} quotation", "{n} quotations"),
               "book": ("{n} book", "{n} books")},
    "and": " and ",
    "at_least": "at least {count}",
    "found": "Found {found} for “{query}”.",
    "found_narrowed": "Found {found}.",
    "none": "Nothing found for “{query}”.",
    "none_narrowed": "Nothing found.",
    "searching": "Searching…",
    "more": "Show more {kind}",
    "unavailable": "Search needs the site opened over http (folio live, or a web server), "
                   "with JavaScript on.",
    "in_essay": "in",
    "separator": SEPARATOR,
    "comma": ", ",
}


def search_book_facts(book: Book, essays: int) -> str:
    """Under a book in search results: ``Herman Melville · 1851 · in 2 essays``."""
    count = f"in {essays} {'essay' if essays == 1 else 'essays'}" if essays else ""
    return SEPARATOR.join(part for part in (join_names(book.authors),
                                            book.first_published or book.year, count) if part)
