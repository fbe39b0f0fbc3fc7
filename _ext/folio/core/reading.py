"""A reading log brought in: Goodreads' and The StoryGraph's CSV exports → book records.

Pure data, no Sphinx, no docutils, no files: the commands
(``folio.commands.goodreads``, ``folio.commands.storygraph``, which share
:mod:`folio.commands.reading_log`) read the export and the ``books/`` folder
and hand the text here.  A new book file's key is :func:`folio.core.names.library_key`'s.

- :data:`GOODREADS` and :data:`STORYGRAPH` are the field-mapping tables: one
  entry per header name, the record field it fills and the converter that
  reads the cell.  Columns are found by their header names, so the layouts
  Goodreads has written over the years (31, 24 and 23 columns) and the
  StoryGraph's all read the same way.
- :func:`read_export` parses with the standard :mod:`csv` module (CRLF or LF,
  a final newline or none, empty cells quoted or not) into :class:`BookRow`
  records, one per row; a row that cannot be read is a :class:`BadRow` with
  its line number, and the rest go on.
- :func:`group_rows` makes one book of the rows that are one book (the same
  ISBN-13, or the same title and an author in common once case, spacing and
  a trailing "(Series, #n)" are set aside).
- :func:`merge_fields` merges what an export says into a book file already
  there, keeping every field the writer changed since the last import.
- :func:`book_file_text` writes ``books/<key>.md`` in the contract's format,
  its YAML through ``yaml.safe_dump`` (a title is data, never YAML syntax).
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from stdnum import isbn as stdnum_isbn

from folio.core.names import WINDOWS_DEVICES, library_key

SHELVES = ("read", "reading", "to-read", "abandoned")
#: The order of a book file's front matter (the contract's).
FIELDS = ("title", "author", "publisher", "year", "first-published", "edition", "isbn",
          "uid", "pages", "shelf", "read", "started", "rating", "tags")
#: Fields that are lists of items (merged item by item, not replaced).
LIST_FIELDS = ("read", "tags")


class ExportError(Exception):
    """The file is not such an export (one line, exit 2)."""


class CellError(ValueError):
    """One cell cannot be read; the row is reported by its line number."""


# -- the record ------------------------------------------------------------------------

@dataclass(frozen=True)
class BookRow:
    """One row of an export, read: what the row says about one book.

    ``review`` is the review's HTML exactly as the export has it: data, to be
    sanitised and converted before it is written anywhere.  ``notes`` are what
    the report says about the row (a rounded rating, dates missing).
    """

    line: int
    source: str
    title: str
    authors: tuple[str, ...]
    publisher: str = ""
    year: int | None = None
    first_published: int | None = None
    edition: str = ""
    isbn: str = ""
    uid: str = ""
    pages: int | None = None
    shelf: str = "read"
    read: tuple[datetime.date, ...] = ()
    started: datetime.date | None = None
    rating: float | None = None
    tags: tuple[str, ...] = ()
    review: str = ""
    spoiler: bool = False
    added: datetime.date | None = None
    read_count: int = 0
    row_id: str = ""
    private_notes: bool = False
    notes: tuple[str, ...] = ()

    def fields(self) -> dict[str, Any]:
        """The book file's front matter this row gives (empty values left out)."""
        values: dict[str, Any] = {
            "title": bare_title(self.title),
            "author": self.authors[0] if len(self.authors) == 1 else list(self.authors),
            "publisher": self.publisher, "year": self.year,
            "first-published": self.first_published, "edition": self.edition,
            "isbn": self.isbn, "uid": self.uid, "pages": self.pages, "shelf": self.shelf,
            "read": sorted(set(self.read)), "started": self.started, "rating": self.rating,
            "tags": list(self.tags),
        }
        return {k: v for k, v in values.items() if v not in (None, "", [])}


@dataclass(frozen=True)
class BadRow:
    """A row that could not be read, and why (the report names its line)."""

    line: int
    why: str


# -- cells -------------------------------------------------------------------------------

def text(cell: str) -> str:
    """A one-line text: runs of spaces (and newlines) are one space."""
    return " ".join(cell.split())


def raw_text(cell: str) -> str:
    """A review or a note: kept as written (it is converted later, as HTML)."""
    return cell.strip()


NAME_SUFFIXES = re.compile(r"^(?:jr|sr|ii|iii|iv|phd|md|esq)\.?$", re.IGNORECASE)


def names(cell: str) -> tuple[str, ...]:
    """``A. E. Hotchner, Paul Newman`` → two names; ``King, Jr.`` stays one."""
    found: list[str] = []
    for part in cell.split(","):
        name = text(part)
        if not name:
            continue
        if found and NAME_SUFFIXES.match(name):
            found[-1] = f"{found[-1]}, {name}"
        elif name not in found:
            found.append(name)
    return tuple(found)


def excel_cell(cell: str) -> str:
    """Goodreads writes ``="9780571224135"`` so spreadsheets keep the leading zero."""
    value = cell.strip()
    if value.startswith("="):
        value = value[1:].strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
    return value.strip()


def isbn_cell(cell: str) -> str:
    """An ISBN as written (``=""`` and hyphens gone); checked later."""
    return re.sub(r"[\s-]", "", excel_cell(cell))


def isbn13(value: str) -> str:
    """The ISBN-13 of a valid ISBN-10 or -13, else ``""``."""
    if len(value) in (10, 13) and stdnum_isbn.is_valid(value):
        return str(stdnum_isbn.to_isbn13(value))
    return ""


def count(cell: str) -> int | None:
    value = excel_cell(cell)
    if not value:
        return None
    if not re.fullmatch(r"\d+", value):
        raise CellError(f"{value!r} is not a whole number")
    return int(value)


def year(cell: str) -> int | None:
    """A year; negative for BCE (Goodreads writes the Odyssey's as ``-800``)."""
    value = excel_cell(cell)
    if not value:
        return None
    if not re.fullmatch(r"-?\d{1,4}", value):
        raise CellError(f"{value!r} is not a year")
    return int(value)


DATE = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})")


def one_date(value: str) -> datetime.date:
    match = DATE.fullmatch(value.strip())
    if match is None:
        raise CellError(f"{value.strip()!r} is not a date")
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise CellError(f"{value.strip()!r} is not a date") from None


def date(cell: str) -> datetime.date | None:
    """``2019/05/20`` (both services) or ``2019-05-20``."""
    value = cell.strip()
    return one_date(value) if value else None


Span = tuple["datetime.date | None", "datetime.date | None"]  # (first day, last day)


def date_ranges(cell: str) -> tuple[Span, ...]:
    """StoryGraph's "Dates Read": ``2021/03/01-2021/03/20, 2023/01/05`` → (start, end)
    pairs; a range still open (``2025/01/10-``) has no end."""
    found: list[Span] = []
    for part in re.split(r"[,;]", cell):
        part = part.strip()
        if not part:
            continue
        open_range = re.fullmatch(r"(.*?\d)\s*[-–—]\s*", part)
        if open_range:
            found.append((one_date(open_range.group(1)), None))
            continue
        ends = [p for p in re.split(r"\s*[–—]\s*|\s+-\s+|(?<=\d)-(?=\d{4})", part) if p]
        if len(ends) == 1:
            found.append((None, one_date(ends[0])))
        elif len(ends) == 2:
            found.append((one_date(ends[0]), one_date(ends[1])))
        else:
            raise CellError(f"{part!r} is not a date or a range of dates")
    return tuple(found)


def stars(cell: str) -> float | None:
    """A rating out of 5: ``4``, ``4.0``, ``4.25``; ``0`` or empty means unrated."""
    value = cell.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise CellError(f"{value!r} is not a rating") from None
    if not math.isfinite(number) or number < 0 or number > 5:
        raise CellError(f"{value!r} is not a rating from 0 to 5")
    return number or None


def flag(cell: str) -> bool:
    return cell.strip().lower() in ("true", "yes", "1")


def shelf_name(cell: str) -> str:
    return text(cell).lower()


def shelf_list(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in (text(p) for p in cell.split(",")) if n))


# -- the tables ------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """Where a header's cells go and how they are read."""

    field: str
    convert: Callable[[str], Any]


#: Goodreads' "Export Library" CSV: header name → field.  Headers not named here
#: (Book Id aside: Average Rating, Owned Copies, Condition, BCID ...) are not needed.
GOODREADS: Mapping[str, Column] = {
    "Book Id": Column("row_id", text),
    "Title": Column("title", text),
    "Author": Column("author", text),
    "Additional Authors": Column("additional_authors", names),
    "ISBN": Column("isbn10", isbn_cell),
    "ISBN13": Column("isbn13", isbn_cell),
    "My Rating": Column("rating", stars),
    "Publisher": Column("publisher", text),
    "Binding": Column("edition", text),
    "Number of Pages": Column("pages", count),
    "Year Published": Column("year", year),
    "Original Publication Year": Column("first_published", year),
    "Date Read": Column("date_read", date),
    "Date Added": Column("added", date),
    "Bookshelves": Column("shelves", shelf_list),
    "Exclusive Shelf": Column("exclusive", shelf_name),
    "My Review": Column("review", raw_text),
    "Spoiler": Column("spoiler", flag),
    "Private Notes": Column("private_notes", raw_text),
    "Read Count": Column("read_count", count),
}
GOODREADS_REQUIRED = ("Title", "Author", "Exclusive Shelf", "My Rating")

#: The StoryGraph's export: header name → field (moods, pace and the character
#: questions are the StoryGraph's own and have no place in a book record).
STORYGRAPH: Mapping[str, Column] = {
    "Title": Column("title", text),
    "Authors": Column("authors", names),
    "ISBN/UID": Column("isbn_uid", isbn_cell),
    "Format": Column("edition", text),
    "Read Status": Column("status", shelf_name),
    "Date Added": Column("added", date),
    "Last Date Read": Column("last_read", date),
    "Dates Read": Column("dates", date_ranges),
    "Read Count": Column("read_count", count),
    "Star Rating": Column("rating", stars),
    "Review": Column("review", raw_text),
    "Tags": Column("tags", shelf_list),
}
STORYGRAPH_REQUIRED = ("Title", "Authors", "ISBN/UID", "Read Status")


# -- shelves -------------------------------------------------------------------------------

#: Goodreads' own exclusive shelves and the StoryGraph's read statuses.
OWN_SHELVES = {"read": "read", "currently-reading": "reading", "to-read": "to-read",
               "did-not-finish": "abandoned", "paused": "reading"}
ABANDONED_NAMES = re.compile(
    r"^(?:dnf.*|abandon.*|did-?n[o']?t-?finish.*|won-?t-?finish.*|wont-?finish.*|gave-?up.*|"
    r"given-?up.*|unfinished|not-?finished|never-?finished|stopped-?reading|quit.*)$")


def shelf_key(name: str) -> str:
    return re.sub(r"[\s_'’]+", "-", name.strip().lower())


def is_abandoned_name(name: str) -> bool:
    """``dnf``, ``abandoned``, ``wont-finish``, ``did-not-finish`` and their kin."""
    return ABANDONED_NAMES.match(shelf_key(name)) is not None


def choose_shelf(status: str, other_names: Iterable[str], finished: bool) -> str:
    """The service's own shelf or status if it is one of the four; else a name that
    says abandoned; else the dates decide (finished: read, else to-read)."""
    own = OWN_SHELVES.get(shelf_key(status))
    if own:
        return own
    if status and is_abandoned_name(status):
        return "abandoned"
    if not status and any(is_abandoned_name(n) for n in other_names):
        return "abandoned"
    return "read" if finished else "to-read"


# -- reading an export ---------------------------------------------------------------------

EDITION_WORDS = {"unknown binding": "", "kindle edition": "Kindle", "ebook": "ebook",
                 "digital": "digital", "audio": "audio"}


def edition_kind(binding: str) -> str:
    """Goodreads' Binding or StoryGraph's Format → the edition's kind, as captions say it
    ("the 2006 Faber and Faber paperback edition"): lower case, no "Edition"."""
    value = binding.strip()
    if value.lower() in EDITION_WORDS:
        return EDITION_WORDS[value.lower()]
    value = re.sub(r"\s+edition$", "", value, flags=re.IGNORECASE)
    return value if value.isupper() else value.lower()


def read_cells(row: list[str], columns: dict[int, tuple[str, Column]]) -> dict[str, Any]:
    """The row's cells through the table's converters; a bad one names its header."""
    cells: dict[str, Any] = {}
    for index, (header, column) in columns.items():
        cell = row[index] if index < len(row) else ""
        try:
            cells[column.field] = column.convert(cell)
        except CellError as error:
            raise CellError(f"{header}: {error}") from None
    return cells


def not_finished(shelf: str, read: tuple[datetime.date, ...], notes: list[str]
                 ) -> tuple[datetime.date, ...]:
    """An abandoned book's dates are when it was put down, not finished: left out of
    ``read`` (dates finished), and the report says so."""
    if shelf != "abandoned" or not read:
        return read
    notes.append("abandoned: the date given (" + ", ".join(d.isoformat() for d in read)
                 + ") is not a date finished; left out")
    return ()


def goodreads_row(cells: dict[str, Any], line: int) -> BookRow:
    """A Goodreads row's cells → the book: authors with Additional Authors, the
    ISBN-13 (or the ISBN-10's), the exclusive shelf as a shelf, other shelves as tags."""
    notes: list[str] = []
    title = cells.get("title", "")
    authors = tuple(dict.fromkeys(n for n in (text(cells.get("author", "")),
                                              *cells.get("additional_authors", ())) if n))
    isbn = isbn13(cells.get("isbn13", ""))
    if not isbn and cells.get("isbn13"):
        notes.append(f"ISBN13 {cells['isbn13']!r} is not an ISBN; left out")
    if not isbn and cells.get("isbn10"):
        isbn = isbn13(cells["isbn10"])
        if not isbn:
            notes.append(f"ISBN {cells['isbn10']!r} is not an ISBN; left out")
    finished = cells.get("date_read")
    read: tuple[datetime.date, ...] = (finished,) if finished else ()
    exclusive = cells.get("exclusive", "")
    shelves = cells.get("shelves", ())
    own = {"read", "currently-reading", "to-read"}
    tags = [s for s in shelves if shelf_key(s) not in own]
    if exclusive and shelf_key(exclusive) not in own and exclusive not in tags:
        tags.append(exclusive)
    shelf = choose_shelf(exclusive, (), bool(read))
    read = not_finished(shelf, read, notes)
    read_count = cells.get("read_count") or 0
    if read_count > max(1, len(read)):
        notes.append(f"read {read_count} times; the export gives "
                     + (f"one date ({read[0].isoformat()}), kept" if read else "no date"))
    first_published = cells.get("first_published")
    if first_published is not None and cells.get("year") is not None \
            and first_published > cells["year"]:
        notes.append(f"Original Publication Year {first_published} is after this edition's "
                     f"year {cells['year']}; left out")
        first_published = None
    return BookRow(
        line=line, source="goodreads", title=title, authors=authors,
        publisher=cells.get("publisher", ""), year=cells.get("year"),
        first_published=first_published,
        edition=edition_kind(cells.get("edition", "")), isbn=isbn,
        pages=cells.get("pages") or None, shelf=shelf, read=read, rating=cells.get("rating"),
        tags=tuple(tags), review=cells.get("review", ""), spoiler=cells.get("spoiler", False),
        added=cells.get("added"), read_count=read_count,
        row_id=f"goodreads:{cells['row_id']}" if cells.get("row_id") else "",
        private_notes=bool(cells.get("private_notes")), notes=tuple(notes))


def storygraph_row(cells: dict[str, Any], line: int) -> BookRow:
    """A StoryGraph row's cells → the book: ISBN/UID an ISBN or a ``uid``, the read
    status as a shelf, each range's last day a date finished, an open range the start."""
    notes: list[str] = []
    given = cells.get("isbn_uid", "")
    isbn = isbn13(given)
    uid = "" if isbn else given
    ranges: list[Span] = list(cells.get("dates", ()))
    last = cells.get("last_read")
    if last and all(end != last for _start, end in ranges):
        ranges.append((None, last))
    ends = tuple(end for _start, end in ranges if end is not None)
    tags = list(cells.get("tags", ()))
    status = cells.get("status", "")
    if status and shelf_key(status) not in OWN_SHELVES and status not in tags:
        tags.append(status)
    shelf = choose_shelf(status, tags, bool(ends))
    read = not_finished(shelf, ends, notes)
    opened = [start for start, end in ranges if start is not None and end is None]
    started = opened[-1] if opened and shelf == "reading" else None
    read_count = cells.get("read_count") or 0
    if read_count > max(1, len(read)):
        notes.append(f"read {read_count} times; the export gives "
                     + (f"{'one' if len(read) == 1 else len(read)} date"
                        f"{'s' if len(read) > 1 else ''} "
                        f"({', '.join(d.isoformat() for d in read)}), kept"
                        if read else "no date"))
    return BookRow(
        line=line, source="storygraph", title=cells.get("title", ""),
        authors=tuple(cells.get("authors", ())), edition=edition_kind(cells.get("edition", "")),
        isbn=isbn, uid=uid, shelf=shelf, read=read, started=started,
        rating=cells.get("rating"), tags=tuple(tags), review=cells.get("review", ""),
        added=cells.get("added"), read_count=read_count, notes=tuple(notes))


TABLES: dict[str, Mapping[str, Column]] = {"goodreads": GOODREADS, "storygraph": STORYGRAPH}
REQUIRED = {"goodreads": GOODREADS_REQUIRED, "storygraph": STORYGRAPH_REQUIRED}
ASSEMBLE: dict[str, Callable[[dict[str, Any], int], BookRow]] = {
    "goodreads": goodreads_row, "storygraph": storygraph_row}
SERVICE = {"goodreads": "Goodreads", "storygraph": "StoryGraph"}


def read_export(content: str, source: str) -> Iterator[BookRow | BadRow]:
    """Each row of an export (its text, already decoded) as a record or a bad row.

    Raises :class:`ExportError` when the header row lacks the columns every
    such export has, or when the CSV itself cannot be read.
    """
    table = TABLES[source]
    reader = csv.reader(io.StringIO(content.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ExportError(f"not a CSV file ({error})") from None
    names_found = [text(h) for h in header or ()]
    missing = [h for h in REQUIRED[source] if h not in names_found]
    if missing:
        other = "storygraph" if source == "goodreads" else "goodreads"
        hint = (f" (it looks like a {SERVICE[other]} export: folio import {other})"
                if all(h in names_found for h in REQUIRED[other]) else "")
        raise ExportError(f"not a {SERVICE[source]} export: no "
                          f"{', '.join(repr(m) for m in missing)} column{hint}")
    columns = {names_found.index(h): (h, c) for h, c in table.items() if h in names_found}
    assemble = ASSEMBLE[source]
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise ExportError(f"line {reader.line_num}: not readable as CSV ({error})") from None
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(names_found):
            yield BadRow(start, f"{len(row)} cells where the header has {len(names_found)}")
            continue
        try:
            cells = read_cells(row, columns)
        except CellError as error:
            yield BadRow(start, str(error))
            continue
        if not cells.get("title"):
            yield BadRow(start, "no title")
            continue
        book = assemble(cells, start)
        if not book.authors:
            yield BadRow(start, "no author")
            continue
        yield book


# -- one book from several rows, and from a library --------------------------------------

SERIES = re.compile(r"\s*\((?:[^()]*?),?\s*#\s*\d+(?:[.,-]\d+)*\)\s*$")


def title_key(title: str) -> str:
    """A title compared as the same book: case, spacing and "(Series, #n)" aside."""
    return "".join(SERIES.sub("", title).casefold().split())


def author_key(name: str) -> str:
    return "".join(name.casefold().split())


def bare_title(title: str) -> str:
    """``Ninth House (Alex Stern, #1)`` → ``Ninth House``."""
    return SERIES.sub("", title).strip() or title


def match_keys(isbn: str, title: str, authors: Iterable[str]) -> list[str]:
    """Keys any of which, shared, make two records one book."""
    found = [f"isbn:{isbn}"] if isbn else []
    tkey = title_key(title)
    found.extend(f"title:{tkey}|{author_key(a)}" for a in authors if tkey and author_key(a))
    return found


def group_rows(rows: list[BookRow]) -> list[list[BookRow]]:
    """Rows that are one book, together (in the order of their first row)."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        for key in match_keys(row.isbn, row.title, row.authors):
            if key in seen:
                a, b = find(seen[key]), find(index)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                seen[key] = index
    groups: dict[int, list[BookRow]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(find(index), []).append(row)
    return list(groups.values())


SHELF_ORDER = {"reading": 0, "read": 1, "abandoned": 2, "to-read": 3}


def combine(rows: list[BookRow]) -> BookRow:
    """Several rows (editions) of one book → one record.

    The edition (publisher, year, binding, ISBN, pages) is one row's, never a
    mix: the edition last finished, else the first row.  Every date read and
    tag is kept, the shelf furthest along, the first rating given.
    """
    if len(rows) == 1:
        return rows[0]
    finished = [r for r in rows if r.read]
    edition = max(finished, key=lambda r: max(r.read)) if finished else rows[0]
    filled: dict[str, Any] = {}
    for name in ("first_published", "rating", "started", "added", "row_id"):
        filled[name] = next((getattr(r, name) for r in rows if getattr(r, name)),
                            getattr(edition, name))
    if filled["first_published"] is not None and edition.year is not None \
            and filled["first_published"] > edition.year:
        filled["first_published"] = edition.first_published  # another edition's, not this
    authors = tuple(dict.fromkeys(a for r in [edition, *rows] for a in r.authors))
    reviews = [r.review for r in rows if r.review]
    others = ", ".join(f"line {r.line}" for r in rows if r is not edition)
    return replace(
        edition, **filled, authors=authors,
        read=tuple(sorted({d for r in rows for d in r.read})),
        tags=tuple(dict.fromkeys(t for r in rows for t in r.tags)),
        shelf=min((r.shelf for r in rows), key=SHELF_ORDER.__getitem__),
        review="<br/><br/>".join(dict.fromkeys(reviews)),
        spoiler=any(r.spoiler for r in rows),
        read_count=max(r.read_count for r in rows),
        private_notes=any(r.private_notes for r in rows),
        notes=(*(n for r in rows for n in r.notes),
               f"the same book as {others} (another edition): one book, this edition kept"))


# -- ratings ---------------------------------------------------------------------------------

def on_scale(stars_of_five: float, scale: int) -> tuple[float, str]:
    """A rating out of 5 on the collection's scale, to the nearest half (halves up).

    The contract allows halves; the StoryGraph gives quarter stars (4.25), so
    the value is rounded and the report says so rather than writing a rating
    every build would warn about.
    """
    exact = stars_of_five * scale / 5
    halves = math.floor(exact * 2 + 0.5) / 2
    value = int(halves) if halves == int(halves) else halves
    note = "" if halves == exact else \
        f"rating {exact:g} rounded to {value:g} (halves only, out of {scale})"
    return value, note


# -- merging into a library --------------------------------------------------------------------

def plain(value: Any) -> Any:
    """A front-matter value as JSON keeps it (dates as ISO strings), for comparing."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def merge_fields(current: Mapping[str, Any], written: Mapping[str, Any] | None,
                 seen: Mapping[str, Any] | None, incoming: Mapping[str, Any]
                 ) -> dict[str, Any]:
    """What a book file should say after an import.

    - ``current``: the file's front matter now (maybe edited by the writer);
    - ``written``: what the importer last wrote there (``None``: never: a file
      the writer made, or a lost state file);
    - ``seen``: what this export said last time (``None``: the first import
      from this source);
    - ``incoming``: what this export says now.

    A field the export gives is taken when the file lacks it (and the writer
    did not delete it), or when the writer left it as imported and the export
    changed it since (so two services disagreeing do not flip it on every
    run).  Dates read and tags are merged item by item: the ones new in the
    export added, none the writer removed brought back.  All values compared as :func:`plain`.
    """
    result = {k: plain(v) for k, v in current.items()}
    before = {k: plain(v) for k, v in (written or {}).items()}
    last = {k: plain(v) for k, v in (seen or {}).items()}
    for name, value in ((k, plain(v)) for k, v in incoming.items()):
        if name in LIST_FIELDS:
            have = result.get(name)
            items = list(have) if isinstance(have, list) else ([have] if have else [])
            dropped = set(map(str, before.get(name) or [])) - set(map(str, items))
            known = set(map(str, last.get(name) or []))  # offered last time: not new
            added = [v for v in value
                     if v not in items and str(v) not in dropped and str(v) not in known]
            if added:
                items.extend(added)
                result[name] = sorted(items, key=str) if name == "read" else items
            continue
        if name not in result:
            if name not in before:
                result[name] = value
        elif written is not None and result[name] == before.get(name) \
                and value != last.get(name):
            result[name] = value
    return result


# -- writing -------------------------------------------------------------------------------------

#: libyaml's safe dumper and loader when PyYAML has them (ten times faster on a
#: 5,000-book library), else the pure-Python ones: the same safe subset either way.
SafeDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrontMatterDumper(SafeDumper):  # type: ignore[misc]
    """``yaml.safe_dump``'s representer, with lists in flow style as the contract
    writes them (``read: [2019-05-20, 2023-01-04]``) inside a block mapping."""


def _flow_list(dumper: Any, value: list[Any]) -> Any:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


FrontMatterDumper.add_representer(list, _flow_list)


def dump(values: Mapping[str, Any]) -> str:
    """Front-matter lines for ``values``: strings quoted wherever YAML would read
    them as something else (a date, a number, ``yes``, a comment, a mapping)."""
    ready = {name: ([to_date(v) for v in value] if name == "read" and isinstance(value, list)
                    else to_date(value) if name == "started" else value)
             for name, value in values.items()}
    dumped: str = yaml.dump(ready, Dumper=FrontMatterDumper, allow_unicode=True,
                            sort_keys=False, default_flow_style=False, width=1_000_000)
    return dumped.rstrip("\n")


def yaml_entry(name: str, value: Any) -> str:
    """One front-matter entry, as :func:`dump` writes it."""
    return dump({name: value})


def to_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def front_matter_text(values: Mapping[str, Any]) -> str:
    ordered = [k for k in FIELDS if k in values] + sorted(k for k in values if k not in FIELDS)
    return f"---\n{dump({k: values[k] for k in ordered})}\n---"


def book_file_text(values: Mapping[str, Any], notes: str) -> str:
    """``books/<key>.md``: the front matter, then the notes (Markdown) if any."""
    head = front_matter_text(values)
    return f"{head}\n\n{notes.strip()}\n" if notes.strip() else f"{head}\n"


def split_book_file(content: str) -> tuple[dict[str, Any] | None, str, str]:
    """(front matter, its text, the body) of a book file; ``None`` when it has none
    that YAML reads as a mapping."""
    lines = content.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None, "", content
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            head = "".join(lines[1:index])
            try:
                data = yaml.load(head, Loader=SafeLoader)
            except (yaml.YAMLError, ValueError, RecursionError):
                return None, "", content
            body = "".join(lines[index + 1:])
            return (data if isinstance(data, dict) else None), head, body
    return None, "", content


def edit_front_matter(content: str, changes: Mapping[str, Any]) -> str | None:
    """A writer's book file with only the named keys rewritten (or added before the
    closing ``---``); the rest of the file, comments included, stays as it is.
    ``None`` when the result would not read back as intended."""
    data, head, body = split_book_file(content)
    if data is None:
        return None
    lines = head.splitlines()
    for name, value in changes.items():
        entry = yaml_entry(name, value).splitlines()
        start = next((i for i, line in enumerate(lines)
                      if re.match(rf"^{re.escape(name)}\s*:", line)), None)
        if start is None:
            lines.extend(entry)
            continue
        end = start + 1
        while end < len(lines) and (lines[end][:1] in (" ", "\t", "-") or not lines[end].strip()):
            end += 1
        lines[start:end] = entry
    new_head = "\n".join(lines) + "\n"
    opening = content.splitlines(keepends=True)[0]
    closing_and_body = content[len(opening) + len(head):]
    result = opening + new_head + closing_and_body
    check, _head, new_body = split_book_file(result)
    expected = {**{k: plain(v) for k, v in data.items()},
                **{k: plain(v) for k, v in changes.items()}}
    if check is None or {k: plain(v) for k, v in check.items()} != expected or new_body != body:
        return None
    return result


# -- keys ------------------------------------------------------------------------------------------

def new_key(book: BookRow, taken: Callable[[str], bool]) -> str:
    """A key for a book the library does not have: its title's slug; then with the
    author's surname; then numbered.  Titles with no Latin letters use the ISBN."""
    title = bare_title(book.title)
    main_title = title.split(":", 1)[0]  # "Barbarian Days: A Surfing Life" → barbarian-days
    base = library_key(main_title) or library_key(title) \
        or (f"book-{book.isbn}" if book.isbn else "book")
    surname = library_key(book.authors[0].split()[-1] if book.authors else "", 30)
    if base in WINDOWS_DEVICES:  # books/con.md: a file Windows cannot check out
        base = f"{base}-book"
    for candidate in (base, f"{base}-{surname}" if surname else base):
        if not taken(candidate):
            return candidate
    number = 2
    while taken(f"{base}-{number}"):
        number += 1
    return f"{base}-{number}"


@dataclass
class Library:
    """The books already there, findable as the same book (ISBN, title and author)."""

    by_match: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, values: Mapping[str, Any]) -> None:
        author = values.get("author")
        authors = [str(a) for a in author] if isinstance(author, list) else \
            [str(author)] if author else []
        isbn = isbn13(re.sub(r"[\s-]", "", str(values.get("isbn") or "")))
        for match in match_keys(isbn, str(values.get("title") or ""), authors):
            self.by_match.setdefault(match, key)
        if values.get("uid"):
            self.by_match.setdefault(f"uid:{values['uid']}", key)

    def find(self, book: BookRow) -> str | None:
        keys = match_keys(book.isbn, book.title, book.authors)
        if book.uid:
            keys.insert(0, f"uid:{book.uid}")
        return next((self.by_match[k] for k in keys if k in self.by_match), None)
