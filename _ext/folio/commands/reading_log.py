"""``folio import goodreads`` and ``folio import storygraph``: the run both share.

The export is read whole first (:func:`folio.core.reading.read_export`); a
file that is not such an export stops there, exit 2, nothing written.  Then
its rows are made into books (two editions of one book are one book), each
matched against the ``books/`` folder (the same ISBN, the same title and
author, or the row the last import took it from), merged
(:func:`folio.core.reading.merge_fields`) and written.

Re-running is safe, as ``folio import-wordpress`` is: ``.folio-import.json``
in the books folder keeps, for each book the importer wrote, a hash of the
file, the front matter it wrote and what each service said last.  A file
still as written is rewritten whole; a file the writer edited gets only new
dates read and tags and the fields the writer never touched, by a change to
those keys alone (comments and layout kept); ``--force`` overwrites.  A
second run over the same export changes no file.

Reviews are untrusted HTML: Goodreads' own ``[b:Title|…]`` links become the
title in italics, then the importer's sanitiser and converter (nh3, then
markdownify with everything MyST could read as markup escaped) make it
Markdown that is only text.  They go into the book's notes, or with
``--reviews drafts`` into a draft essay citing the book.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from folio.commands.wordpress.command import conf_values, digest, find_conf, read_strings
from folio.commands.wordpress.content import fence, response_markdown
from folio.core.reading import (
    SERVICE,
    BadRow,
    BookRow,
    ExportError,
    Library,
    bare_title,
    book_file_text,
    combine,
    edit_front_matter,
    group_rows,
    merge_fields,
    new_key,
    on_scale,
    plain,
    read_export,
    split_book_file,
    yaml_entry,
)
from folio.core.records import DEFAULT_GENRES
from folio.core.state import IMPORT_MANIFEST, read_mapping, write_if_changed
from folio.core.wording import IMPORTED_REVIEW_SPOILERS

STATE = ".folio-import.json"


class UsageError(Exception):
    """A mistake in what the writer typed: one line, exit 2."""


def add_arguments(parser: argparse.ArgumentParser, service: str) -> None:
    parser.add_argument("export", type=Path, help=f"the {service} export (a .csv file)")
    parser.add_argument("--reviews", choices=("none", "drafts"), default="none",
                        help="where reviews go: the book's notes (none, the default) or "
                             "a draft essay citing the book (drafts)")
    parser.add_argument("--into", type=Path, default=Path("books"),
                        help="folder for the book files (default: books)")
    parser.add_argument("--essays", type=Path, default=None,
                        help="folder for draft essays (default: essays beside --into)")
    parser.add_argument("--force", action="store_true",
                        help="overwrite book files (and drafts) edited since they were imported")
    parser.add_argument("--conf", type=Path, default=None,
                        help="the collection's conf.py (default: found above --into)")


# -- reviews ---------------------------------------------------------------------------

GOODREADS_LINK = re.compile(r"\[([ab]):([^|\]]*)(?:\|[^\]]*)?\]")
SPOILER_TAG = re.compile(r"</?spoiler\s*>", re.IGNORECASE)
LINE_BREAKS = re.compile(r"(?:\s*(?:<br\s*/?>|\r?\n))+\s*", re.IGNORECASE)


def review_markdown(review: str) -> tuple[str, bool]:
    """(Markdown that is only text, whether it gives something away).

    ``[b:Title|id|…]`` → the title in italics, ``[a:Name|id|…]`` → the name
    (the ids are Goodreads' and the writer has left); ``<spoiler>`` marks the
    review as one to fold.  Then the importer's sanitiser and converter.
    """
    if not review.strip():
        return "", False

    def link(match: re.Match[str]) -> str:
        words = " ".join(match.group(2).split())
        return f"<i>{words}</i>" if match.group(1) == "b" else words

    spoiler = SPOILER_TAG.search(review) is not None
    html = SPOILER_TAG.sub("", GOODREADS_LINK.sub(link, review))
    # Every line break a paragraph's end: the converter keeps no hard line break, and
    # "Word: meaning<br/>Word: meaning" run together would read as one line.
    html = LINE_BREAKS.sub("\n\n", html)
    return response_markdown(html), spoiler


def notes_text(markdown: str, spoiler: bool) -> str:
    """The review as a book's notes.  Notes are CommonMark, not MyST (the book's page
    runs no directive), so a review that gives things away opens with a warning."""
    if not markdown:
        return ""
    return f"*{IMPORTED_REVIEW_SPOILERS}*\n\n{markdown}" if spoiler else markdown


def essay_text(markdown: str, spoiler: bool) -> str:
    """The review as a draft essay's body: behind a ``spoiler`` fold when it gives
    things away (an essay is MyST)."""
    if not spoiler:
        return markdown
    marks = fence(markdown)
    return f"{marks}{{spoiler}}\n{markdown}\n{marks}"


# -- state -----------------------------------------------------------------------------

def read_state(path: Path) -> dict[str, Any]:
    data = read_mapping(path)
    books = data.get("books") if isinstance(data.get("books"), dict) else {}
    rows = data.get("rows") if isinstance(data.get("rows"), dict) else {}
    return {"books": books, "rows": rows}


# -- the run ---------------------------------------------------------------------------

@dataclass
class Report:
    """What the run did, book by book, for the lines it prints."""

    written: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    drafts_kept: list[str] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    notes: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, note)
    rows: int = 0
    private_notes: int = 0
    shelves: Counter[str] = field(default_factory=Counter)


def decode(export: Path, service: str) -> str:
    try:
        data = export.read_bytes()
    except OSError as error:
        raise UsageError(f"{export}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ExportError(f"{export}: not a {service} export (not UTF-8 text)") from None


def run_import(args: argparse.Namespace, source: str) -> int:
    """The command: exit 0 when it wrote what it could, 2 with one line when not."""
    try:
        return import_log(args, source)
    except (ExportError, UsageError) as error:
        sys.stderr.write(f"folio import {source}: {error}\n")
        return 2
    except BrokenPipeError:  # the report piped into `head`: what was written stays written
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error
        return 0


def import_log(args: argparse.Namespace, source: str) -> int:
    service = SERVICE[source]
    export: Path = args.export
    into: Path = args.into
    if into.exists() and not into.is_dir():
        raise UsageError(f"--into {into}: not a folder")
    content = decode(export, service)
    try:
        entries = list(read_export(content, source))
    except ExportError as error:
        raise ExportError(f"{export}: {error}") from None
    conf = args.conf if args.conf else find_conf(into)
    settings = conf_values(conf)
    scale = settings.get("folio_rating_scale", 5)
    scale = scale if isinstance(scale, int) and scale > 0 else 5
    genres = [str(g) for g in settings.get("folio_genres", DEFAULT_GENRES)  # type: ignore[attr-defined]
              if str(g).strip()] or list(DEFAULT_GENRES)
    essays_dir: Path = args.essays or into.parent / "essays"

    report = Report()
    rows: list[BookRow] = []
    for entry in entries:
        if isinstance(entry, BadRow):
            report.bad.append(entry)
        else:
            rows.append(entry)
    report.rows = len(rows) + len(report.bad)

    state_path = into / STATE
    state = read_state(state_path)
    library, files = load_library(into)
    used: set[str] = set(files) | set(state["books"])
    essay_state = read_strings(essays_dir / IMPORT_MANIFEST)  # import-wordpress's manifest

    for group in group_rows(rows):
        book = combine(group)
        report.private_notes += book.private_notes
        key = state["rows"].get(book.row_id) if book.row_id else None
        if key is None or key not in used:
            key = library.find(book)
        if key is None:
            key = new_key(book, lambda k: k in used or (into / f"{k}.md").exists())
        used.add(key)
        filename = f"{key}.md"
        values = book.fields()
        notes = list(book.notes)
        if book.rating is not None:
            values["rating"], rounded = on_scale(book.rating, scale)
            if rounded:
                notes.append(rounded)
        markdown, spoiler = review_markdown(book.review)
        body = notes_text(markdown, spoiler or book.spoiler) if args.reviews == "none" else ""
        if book.row_id:
            state["rows"][book.row_id] = key
        report.shelves[str(values.get("shelf", "read"))] += 1
        outcome = write_book(into, key, values, body, source, state, args.force, files)
        {"written": report.written, "merged": report.merged, "unchanged": report.unchanged,
         "kept": report.kept, "gone": report.gone}[outcome].append(filename)
        library.add(key, values)
        for note in notes:
            report.notes.append((filename, book.line, note))
        if args.reviews == "drafts" and markdown:
            write_draft(essays_dir, key, book, markdown, spoiler or book.spoiler, genres,
                        essay_state, args.force, report)

    if state["books"] or state["rows"]:
        into.mkdir(parents=True, exist_ok=True)
        write_if_changed(state_path, state_text(state))
    if essay_state:  # the same form import-wordpress writes it in
        write_if_changed(essays_dir / IMPORT_MANIFEST,
                         json.dumps(essay_state, indent=1, sort_keys=True) + "\n")
    print_report(report, export, into, essays_dir, service)
    return 0


Parsed = tuple[str, "dict[str, Any] | None", str]  # (text, front matter, body)


def load_library(into: Path) -> tuple[Library, dict[str, Parsed]]:
    """The book files already there, by what makes two records one book; and each
    file as read (so no file is read and parsed twice)."""
    library = Library()
    files: dict[str, Parsed] = {}
    if not into.is_dir():
        return library, files
    for path in sorted(into.glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            files[path.stem] = ("", None, "")
            continue
        values, _head, body = split_book_file(text)
        files[path.stem] = (text, values, body)
        if values is not None:
            library.add(path.stem, values)
    return library, files


def state_text(state: dict[str, Any]) -> str:
    """The state file: JSON, one book to a line (short diffs for a writer who keeps
    ``books/`` in git; and written by the C encoder, not the indenting one)."""
    parts = []
    for section in sorted(state):
        entries = state[section]
        lines = [f" {json.dumps(k, ensure_ascii=False)}: "
                 f"{json.dumps(entries[k], ensure_ascii=False, sort_keys=True)}"
                 for k in sorted(entries)]
        parts.append(f"{json.dumps(section)}: {{\n" + ",\n".join(lines) + "\n}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def write_book(into: Path, key: str, values: dict[str, Any], body: str, source: str,
               state: dict[str, Any], force: bool, files: dict[str, Parsed]) -> str:
    """Write or merge one book file; which of written/merged/unchanged/kept/gone."""
    path = into / f"{key}.md"
    record = state["books"].get(key)
    record = record if isinstance(record, dict) else None
    incoming = {k: plain(v) for k, v in values.items()}
    seen = (record or {}).get("sources", {}).get(source)
    body_seen = (record or {}).get("bodies", {}).get(source)
    if not path.exists():
        if record is not None and not force:
            return "gone"  # the writer deleted it; --force brings it back
        text = book_file_text(values, body)
        write_if_changed(path, text)
        state["books"][key] = {"hash": digest(text), "fields": incoming, "whole": True,
                               "body": digest(body.strip()),
                               "sources": {source: incoming},
                               "bodies": {source: digest(body.strip())}}
        return "written"
    current_text, current, current_body = files.get(key) or ("", None, "")
    if key not in files:  # written earlier in this run (two rows, one key)
        current_text = path.read_text(encoding="utf-8")
        current, _head, current_body = split_book_file(current_text)
    if current is None:
        return "kept"  # not a book file Folio can read: the writer's to fix
    ours = record is not None and record.get("whole", True) is True \
        and record.get("hash") == digest(current_text)
    written = record.get("fields") if record is not None else None
    if force:
        written, seen, ours = {k: plain(v) for k, v in current.items()}, None, True
    merged = merge_fields(current, written, seen, incoming)
    new_body = current_body.strip()
    body_unedited = record is not None and record.get("body") == digest(new_body)
    if body and body_seen != digest(body.strip()) and (body_unedited or not new_body or force):
        new_body = body.strip()
    before = {k: plain(v) for k, v in current.items()}
    changed = {k: v for k, v in merged.items() if before.get(k) != v}
    whole = ours
    if ours:
        text = book_file_text(merged, new_body)
    else:  # the writer's file: only the keys that change, comments and layout kept
        text = current_text
        if changed:
            edited = edit_front_matter(current_text, changed)
            if edited is None:
                return "kept"
            text = edited
        if new_body != current_body.strip():
            body_now = split_book_file(text)[2]
            text = text[: len(text) - len(body_now)] + (f"\n{new_body}\n" if new_body else "")
    sources = dict((record or {}).get("sources", {}))
    sources[source] = incoming
    bodies = dict((record or {}).get("bodies", {}))
    bodies[source] = digest(body.strip())
    state["books"][key] = {"hash": digest(text), "fields": merged, "whole": whole,
                           "body": digest(new_body), "sources": sources, "bodies": bodies}
    if text == current_text:
        return "unchanged"
    write_if_changed(path, text)
    return "merged"


def write_draft(essays_dir: Path, key: str, book: BookRow, markdown: str, spoiler: bool,
                genres: list[str], manifest: dict[str, str], force: bool,
                report: Report) -> None:
    """A review → ``essays/<key>.md``, a draft essay citing the book (never over an
    essay the writer made or edited since, unless ``--force``)."""
    genre = "review" if "review" in genres else genres[0]
    when = max(book.read) if book.read else book.added or datetime.date.today()
    body = essay_text(markdown, spoiler)
    head = "\n".join(["---", yaml_entry("title", bare_title(book.title)),
                      f"date: {when.isoformat()}", yaml_entry("genre", genre),
                      "draft: true", "---"])
    text = f"{head}\n\n```{{book-citation}} {key}\n```\n\n{body}\n"
    filename = draft_name(essays_dir, key, text, manifest)
    target = essays_dir / filename
    if target.exists():
        current = target.read_text(encoding="utf-8")
        if current == text:
            manifest[filename] = digest(text)
            return
        if manifest.get(filename) != digest(current) and not force:
            report.drafts_kept.append(filename)
            return
    write_if_changed(target, text)
    manifest[filename] = digest(text)
    report.drafts.append(filename)


def draft_name(essays_dir: Path, key: str, text: str, manifest: dict[str, str]) -> str:
    """``<key>.md``, unless an essay of the writer's own has that name (one the importer
    never wrote): then ``<key>-review.md``, ``<key>-review-2.md`` ..."""
    for number in range(1, 1000):
        name = f"{key}.md" if number == 1 else \
            f"{key}-review.md" if number == 2 else f"{key}-review-{number - 1}.md"
        path = essays_dir / name
        if name in manifest or not path.exists() or path.read_text(encoding="utf-8") == text:
            return name
    return f"{key}-review-{digest(text)[:8]}.md"


def print_report(report: Report, export: Path, into: Path, essays: Path, service: str) -> None:
    out = sys.stdout
    books = len(report.written) + len(report.merged) + len(report.unchanged) \
        + len(report.kept) + len(report.gone)
    out.write(f"{export}: {report.rows} rows, {books} books "
              f"({', '.join(f'{n} {s}' for s, n in sorted(report.shelves.items()))}).\n")
    out.write(f"Into {into}/: {len(report.written)} written, {len(report.merged)} merged, "
              f"{len(report.unchanged)} unchanged, {len(report.kept)} left alone "
              f"(edited since the last import; --force overwrites)"
              + (f", {len(report.gone)} deleted since the last import and not brought back"
                 if report.gone else "") + ".\n")
    if report.drafts or report.drafts_kept:
        out.write(f"Draft essays in {essays}/: {len(report.drafts)} written"
                  + (f", {len(report.drafts_kept)} left alone (edited since)"
                     if report.drafts_kept else "") + ".\n")
    if report.bad:
        out.write(f"Rows not imported: {len(report.bad)}\n")
        for bad in report.bad:
            out.write(f"  line {bad.line}: {bad.why}\n")
    if report.private_notes:
        out.write(f"Private notes on {report.private_notes} "
                  f"book{'s' if report.private_notes > 1 else ''} were not imported "
                  f"(they are private on {service}; a site is public).\n")
    for filename in report.kept:
        out.write(f"{into / filename}: edited since it was imported; left alone\n")
    if report.notes:
        out.write("Notes:\n")
        for filename, line, note in report.notes:
            out.write(f"  {into / filename} (line {line}): {note}\n")
