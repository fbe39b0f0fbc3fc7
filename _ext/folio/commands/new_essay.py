"""``folio new-essay "Title"``: a dated essay with its front matter filled in.

The genre defaults to the first of ``conf.py``'s ``folio_genres`` (read,
never run), the date to today; the file is never overwritten: a refusal is
one line on stderr and exit status 2, as for ``folio new``.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import re
from pathlib import Path

from folio.commands.new import ESSAYS_DIR, Refusal, check_text, refuse
from folio.core.dates import parse_date
from folio.core.names import file_name
from folio.core.records import DEFAULT_GENRES


def essay_text(title: str, date: datetime.date, genre: str) -> str:
    """A new essay: its front matter filled in, the optional fields as YAML comments."""
    plain_genre = genre if re.fullmatch(r"\w[\w -]*", genre) else json.dumps(genre)
    return f"""---
title: {json.dumps(title, ensure_ascii=False)}
date: {date.isoformat()}
genre: {plain_genre}
tags: []
# subtitle: thoughts on ‘The Book’ by Its Author
# summary: One sentence for listings, the feed and link previews.
---

% Write the essay below. The book it discusses, recorded once (see the writing guide):
%
% ```{{book-citation}} the-book
% :title: The Book
% :author: Its Author
% :publisher: The Publisher
% :year: 2001
% ```
%
% A quotation with its page:
%
% ```{{page-quote}} 12
% The words quoted.
% ```
"""


def genres_in(conf: str) -> list[str] | None:
    """``folio_genres`` as written in a ``conf.py``: read, never run; None when it is not a list."""
    try:
        module = ast.parse(conf)
    except (SyntaxError, ValueError):
        return None
    for statement in module.body:
        if (isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "folio_genres"
                        for t in statement.targets)):
            try:
                value = ast.literal_eval(statement.value)
            except ValueError:
                return None
            if isinstance(value, list | tuple) and all(isinstance(g, str) for g in value):
                return [g.strip() for g in value if g.strip()]
            return None
    return None


def essay_date(text: str) -> datetime.date:
    """``--date``: a date the front matter's parser reads, written as the front
    matter writes it (YYYY-MM-DD; ``20261124`` parses, but is not that form)."""
    day = parse_date(text)
    if day is None or day.isoformat() != text:
        raise Refusal(f"--date {text!r} is not a date written YYYY-MM-DD")
    return day


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("title", metavar="TITLE", help="the essay's title")
    parser.add_argument("--genre", metavar="G",
                        help="its genre, one of conf.py folio_genres (default: the first)")
    parser.add_argument("--dir", default=ESSAYS_DIR,
                        help=f"the folder of essays (default: {ESSAYS_DIR})")
    parser.add_argument("--date", help="YYYY-MM-DD (default: today)")


def run(args: argparse.Namespace) -> int:
    try:
        return write_essay(args.title, args.genre, Path(args.dir), args.date)
    except (Refusal, OSError) as error:
        return refuse("new-essay", error)


def write_essay(title: str, genre: str | None, folder: Path, date: str | None) -> int:
    title = check_text("title", title)
    day = essay_date(date) if date is not None else datetime.date.today()
    slug = file_name(title)
    if not slug:
        raise Refusal(f"no file name can be made from the title {title!r}: "
                      "give it some letters or digits")
    conf = next((c for c in (Path("conf.py"), folder.parent / "conf.py") if c.is_file()), None)
    known = genres_in(conf.read_text(encoding="utf-8")) if conf else None
    known = known or list(DEFAULT_GENRES)
    genre = check_text("genre", genre) if genre is not None else known[0]
    if genre not in known:
        raise Refusal(f"unknown genre {genre!r}; conf.py folio_genres: {', '.join(known)}")
    if folder.exists() and not folder.is_dir():
        raise Refusal(f"{folder} is a file, not a folder of essays")
    taken = [p for p in sorted(folder.glob(f"{slug}.*")) if p.suffix in (".md", ".rst")]
    if taken:
        raise Refusal(f"{taken[0]} already exists; choose another title")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    with path.open("x", encoding="utf-8") as out:
        out.write(essay_text(title, day, genre))
    print(f"Wrote {path}")
    return 0
