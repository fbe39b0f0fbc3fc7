"""A book's own file, ``books/<key>.md``: front matter → :class:`LibraryBook`.

The front matter is composed, not loaded, with PyYAML: every value stays
the text the writer wrote (``2019-02-30`` is a date that is not a date, not
a crash inside PyYAML's date constructor), and every key keeps its line for
the warning that names it.  The Markdown after the front matter is the
writer's notes.  Pure functions: text in, a record and the problems out.
"""

from __future__ import annotations

import datetime
import re

import yaml

from folio.core.dates import parse_date
from folio.core.frontmatter import YAML_ERRORS, split_front_matter
from folio.core.ratings import parse_rating
from folio.core.records import SHELVES, Book, LibraryBook

#: The keys a book file may give: ``book-citation``'s options and the reading.
FIELDS = ("title", "author", "publisher", "year", "first-published", "edition", "isbn",
          "pages", "cover", "cover-alt", "shelf", "read", "started", "rating", "tags", "uid")

Problems = list[tuple[int, str]]


def _values(node: yaml.Node) -> str | list[str] | None:
    """A scalar's text, a list of scalars' texts, or None for anything else."""
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.SequenceNode) and all(isinstance(item, yaml.ScalarNode)
                                                   for item in node.value):
        return [str(item.value) for item in node.value]
    return None


def front_matter_fields(front: str) -> tuple[dict[str, str | list[str]], dict[str, int], Problems]:
    """Each key's value (text or list of texts) and line; problems with their lines."""
    problems: Problems = []
    try:
        root = yaml.compose(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except YAML_ERRORS as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for '---', +1 from 0-based
        problem = getattr(error, "problem", None) or error
        return {}, {}, [(line, f"book file's front matter is not valid YAML: {problem}")]
    if root is None:
        return {}, {}, []
    if not isinstance(root, yaml.MappingNode):
        return {}, {}, [(2, "book file's front matter must be 'key: value' lines")]
    values: dict[str, str | list[str]] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in root.value:
        key, line = str(key_node.value), key_node.start_mark.line + 2
        value = _values(value_node)
        if value is None:
            problems.append((line, f"{key} must be text or a list of texts"))
            continue
        values[key], lines[key] = value, line
    return values, lines, problems


def as_list(value: str | list[str]) -> list[str]:
    """``[a, b]``, or ``a; b`` / ``a, b`` written on one line."""
    if isinstance(value, list):
        return [item.strip() for item in value if item.strip()]
    return [item.strip() for item in re.split(r"[;,]", value) if item.strip()]


def as_text(value: str | list[str]) -> str:
    return ", ".join(value) if isinstance(value, list) else value.strip()


def read_book_file(key: str, source: str, text: str, scale: int
                   ) -> tuple[LibraryBook, Problems]:
    """A book file's record and reading, and its problems as (line, message).

    ``key`` is the file's name without ``.md``; ``source`` how the writer
    names the file (``books/<key>.md``).  Problems never stop the reading:
    a bad value is left out (a bad shelf is ``read``) and said once.
    """
    front, body = split_front_matter(text)
    problems: Problems = []
    if front is None:
        problems.append((1, "book file has no front matter (it needs a title and an author)"))
        values: dict[str, str | list[str]] = {}
        lines: dict[str, int] = {}
    else:
        values, lines, problems = front_matter_fields(front)

    def line(name: str) -> int:
        return lines.get(name, 1)

    for name in sorted(set(values) - set(FIELDS)):
        problems.append((line(name), f"unknown key {name!r} in a book file "
                                     f"(known: {', '.join(FIELDS)})"))
    text_of = {name: as_text(values[name]) for name in FIELDS
               if name in values and name not in ("author", "read", "tags")}
    title = text_of.get("title", "")
    authors = tuple(as_list(values.get("author", "")))
    if front is not None and not title:
        problems.append((1, "book file has no 'title' in its front matter"))
    if front is not None and not authors:
        problems.append((1, "book file has no 'author' in its front matter"))
    pages: int | None = None
    if text_of.get("pages"):
        if re.fullmatch(r"[0-9]{1,6}", text_of["pages"]) and int(text_of["pages"]) > 0:
            pages = int(text_of["pages"])
        else:
            problems.append((line("pages"), f"pages {text_of['pages']!r} is not a number of pages"))
    shelf = text_of.get("shelf", "read") or "read"
    if shelf not in SHELVES:
        problems.append((line("shelf"), f"unknown shelf {shelf!r} (one of: {', '.join(SHELVES)}); "
                                        "using 'read'"))
        shelf = "read"
    read: list[datetime.date] = []
    for written in as_list(values.get("read", "")):
        date = parse_date(written)
        if date is None:
            problems.append((line("read"), f"read: {written!r} is not a date (use YYYY-MM-DD)"))
        else:
            read.append(date)
    started = None
    if text_of.get("started"):
        started = parse_date(text_of["started"])
        if started is None:
            problems.append((line("started"), f"started: {text_of['started']!r} is not a date "
                                              "(use YYYY-MM-DD)"))
    rating = None
    if text_of.get("rating"):
        rating, problem = parse_rating(text_of["rating"], scale)
        if problem:
            problems.append((line("rating"), problem))
    book = Book(key=key, title=title, authors=authors, publisher=text_of.get("publisher", ""),
                year=text_of.get("year", ""), first_published=text_of.get("first-published", ""),
                edition=text_of.get("edition", ""), isbn=text_of.get("isbn", ""), pages=pages)
    entry = LibraryBook(
        book=book, source=source, shelf=shelf, read=tuple(sorted(set(read))), started=started,
        rating=rating, tags=tuple(dict.fromkeys(as_list(values.get("tags", "")))),
        uid=text_of.get("uid", ""), notes=body.strip(), cover=text_of.get("cover", ""),
        cover_alt=text_of.get("cover-alt", ""), lines=tuple(sorted(lines.items())))
    return entry, problems
