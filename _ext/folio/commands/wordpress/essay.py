"""One WordPress post → the text of one essay file (front matter, body, responses)."""

from __future__ import annotations

import datetime
import email.utils
import hashlib
import posixpath
import re
from dataclasses import dataclass

import yaml

from folio.commands.wordpress.content import (
    YAML_UNSAFE,
    Context,
    Converted,
    convert_post,
    double_quoted,
    fence,
    join_unique,
    plain_text,
    response_markdown,
    words_only,
)
from folio.commands.wordpress.wxr import Comment, Item
from folio.core.dates import parse_date
from folio.core.names import file_name
from folio.core.privacy import private_data, redact, web_link

SUBTITLE = re.compile(r"\s+[—―]\s+|\s+--\s+")
UNCATEGORISED = {"uncategorized", "uncategorised"}


@dataclass(frozen=True)
class Written:
    """An essay ready to write, and what the report says about it."""

    name: str  # file name without .md
    text: str
    recovered: tuple[str, ...]
    not_recovered: tuple[str, ...]


#: A file name from a post name or title: :func:`folio.core.names.file_name`.
file_slug = file_name


#: Names Windows keeps for devices, with any extension ("con.md", "aux.jpg").
RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?", re.IGNORECASE)
SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*")


def windows_reserved(name: str) -> str:
    """The device name ``name`` would be on Windows (``con``, ``lpt1``...), or ``""``."""
    match = RESERVED.fullmatch(name)
    return match.group(1) if match else ""


def safe_file_name(name: str) -> str:
    """A file or folder name every disk keeps apart: lower case, ASCII, no device name.

    A name that already is one stays as it is; any other gets a slug and a
    short hash of the original, so ``Cover.jpg`` and ``cover.jpg`` (one file
    on a case-insensitive disk) stay two files.
    """
    if SAFE_NAME.fullmatch(name) and len(name) <= 100 and not windows_reserved(name):
        return name
    stem, suffix = posixpath.splitext(name)
    suffix = suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix) else ""
    tag = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{file_slug(stem)[:60] or 'file'}-{tag}{suffix}"


def post_date(item: Item) -> datetime.date | None:
    """The post's own date; a draft's is often ``0000-00-00``, so other dates follow."""
    day = parse_date(item.date)
    if day is not None:
        return day
    try:
        return email.utils.parsedate_to_datetime(item.pub_date).date()
    except (TypeError, ValueError, IndexError):
        return None


def yaml_text(value: str) -> str:
    """A YAML scalar: plain when that reads back the same, else double-quoted."""
    plain = re.fullmatch(r"[A-Za-z0-9][^:#\n\"'{}\[\],&*!|>%@`]*", value) is not None
    if plain and not value.endswith(" ") and not YAML_UNSAFE.search(value):
        try:
            if yaml.safe_load(value) == value:
                return value
        except yaml.YAMLError:
            pass
    return double_quoted(value)


def yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(yaml_text(v) for v in values) + "]"


def split_title(title: str) -> tuple[str, str]:
    """``Enmeshed — thoughts on a novel`` → (``Enmeshed``, ``thoughts on a novel``)."""
    parts = SUBTITLE.split(title, maxsplit=1)
    if len(parts) == 2 and parts[0].strip() and parts[1].strip():
        return parts[0].strip(), parts[1].strip()
    return title.strip(), ""


def classify(item: Item, genres: list[str], genre_map: dict[str, str]
             ) -> tuple[list[str], list[str]]:
    """Categories that are genres (or mapped to one) → genres; the rest → tags."""
    chosen: list[str] = []
    tags: list[str] = []
    by_name = {genre.casefold(): genre for genre in genres}
    for category in item.categories:
        name = plain_text(category.name)
        keys = {name.casefold(), category.slug.casefold()}
        if category.kind == "category":
            mapped = next((genre_map[k] for k in keys if k in genre_map), None)
            if mapped is None:
                for key in keys:
                    for candidate in (key, key.removesuffix("s")):
                        if candidate in by_name:
                            mapped = by_name[candidate]
                            break
                    if mapped:
                        break
            if mapped:
                chosen.append(mapped)
            elif not keys & UNCATEGORISED:
                tags.append(name)
        elif category.kind == "post_tag":
            tags.append(name)
    return join_unique(chosen), join_unique(t for t in tags if t)


def responses_block(comments: tuple[Comment, ...], notes: list[str]) -> tuple[str, int]:
    """Approved comments as a ``responses`` directive; (text, how many)."""
    entries = []
    skipped: dict[str, int] = {}
    for comment in comments:
        if comment.approved != "1":
            why = {"0": "pending", "spam": "spam", "trash": "trashed"}.get(
                comment.approved, "not approved")
            skipped[why] = skipped.get(why, 0) + 1
            continue
        if comment.kind not in ("", "comment"):
            skipped[comment.kind] = skipped.get(comment.kind, 0) + 1
            continue
        date = post_comment_date(comment.date)
        if date is None:
            skipped["undated"] = skipped.get("undated", 0) + 1
            continue
        name = redact(plain_text(comment.author))
        if not name or name == "[removed]":
            name = "Anonymous"
        try:
            text = response_markdown(comment.content)
        except RecursionError:
            text = words_only(comment.content, "").body
            notes.append("a comment's HTML was nested too deeply; kept as plain text")
        if private_data(text) or private_data(comment.author):
            notes.append("an e-mail or IP address in a comment was removed")
        text = redact(text)
        entry: dict[str, object] = {"name": name, "date": date}
        url = comment.url.strip()
        if url and web_link(url) and not private_data(url):
            entry["link"] = url
        entry["text"] = "\n".join(line.rstrip(" \t") for line in text.split("\n")) + "\n"
        entries.append((date, comment.comment_id.zfill(12), entry))
    for why, count in sorted(skipped.items()):
        noun = "" if why in ("pingback", "trackback") else " comment"
        notes.append(f"{count} {why}{noun}{'s' if count > 1 else ''} left out")
    if not entries:
        return "", 0
    entries.sort(key=lambda e: (e[0], e[1]))
    body = yaml.dump([e[2] for e in entries], Dumper=LiteralDumper, allow_unicode=True,
                     sort_keys=False, width=100, default_flow_style=False).rstrip("\n")
    marks = fence(body)
    return f"{marks}{{responses}}\n{body}\n{marks}", len(entries)


def post_comment_date(text: str) -> datetime.date | None:
    """A comment's date (WordPress writes ``2019-06-03 10:00:00``): the one date parser."""
    return parse_date(text)


class LiteralDumper(yaml.SafeDumper):
    """Multi-line text as ``|`` blocks, the way a writer would type it."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # YAML 1.1 reads NEL and the Unicode line and paragraph separators as line
    # breaks: only the double-quoted style keeps them (escaped) as characters.
    style = '"' if re.search("[\x85\u2028\u2029]", value) else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


LiteralDumper.add_representer(str, _text)


def essay_text(item: Item, name: str, *, genres: list[str], genre_map: dict[str, str],
               default_genre: str, author: str, context: Context) -> Written:
    """The whole essay file for one post."""
    notes: list[str] = []
    title = plain_text(item.title)
    if not title:
        title = f"Untitled (post {item.post_id})"
        notes.append("the post has no title; called it " + repr(title))
    title, subtitle = split_title(title)
    date = post_date(item)
    if date is None:
        notes.append("the post has no date: add one (YYYY-MM-DD) to the front matter")
    chosen, tags = classify(item, genres, genre_map)
    if not chosen:
        chosen = [default_genre]
        notes.append(f"no category is a genre; genre set to {default_genre!r} "
                     "(see --genre-map)")
    converted: Converted = convert_post(item.content, context)
    summary = plain_text(item.excerpt)
    lines = ["---", f"title: {yaml_text(title)}"]
    if subtitle:
        lines.append(f"subtitle: {yaml_text(subtitle)}")
    if author:
        lines.append(f"author: {yaml_text(author)}")
    lines.append(f"date: {date.isoformat() if date else ''}")
    lines.append(f"genre: {yaml_text(chosen[0]) if len(chosen) == 1 else yaml_list(chosen)}")
    if tags:
        lines.append(f"tags: {yaml_list(tags)}")
    if summary:
        lines.append(f"summary: {yaml_text(summary)}")
    if converted.copyright:
        lines.append(f"copyright: {yaml_text(converted.copyright)}")
    lines.append("---")
    body = converted.body
    responses, count = responses_block(item.comments, notes)
    parts = ["\n".join(lines), body] if body else ["\n".join(lines)]
    if not body:
        notes.append("the post has no text")
    if responses:
        parts.append(responses)
    recovered = list(converted.recovered)
    if count:
        recovered.append(f"{count} response{'s' if count > 1 else ''}")
    return Written(name, "\n\n".join(parts) + "\n", tuple(recovered),
                   tuple(notes + converted.not_recovered))
