"""An essay's front matter, read as text: no Sphinx, no docutils, only PyYAML.

Folio reads a MyST file's front matter itself, from the file as written,
rather than from what MyST hands Sphinx: MyST reads the block strictly
(``2019-02-30`` is a bad date to PyYAML) and drops all of it with one
"Malformed YAML" at line 1, while a writer needs to hear about the one bad
value at its own line.  Every value stays the text the writer wrote (lists
and mappings as JSON, as MyST hands them over); the extension
(:mod:`folio.ext.essays`) checks them and makes the :class:`Essay` record,
and the offline files read an essay's title and author from here before
Sphinx has read anything.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from folio.core.dates import parse_date


def parse_list(value: str) -> tuple[str, ...]:
    """Items of a YAML list (which MyST hands over as JSON) or ``a, b``, as written."""
    value = value.strip()
    items: list[object]
    if value.startswith("["):
        try:
            loaded = json.loads(value)
        except ValueError:
            loaded = value.strip("[]").split(",")
        items = loaded if isinstance(loaded, list) else [loaded]
    else:
        items = list(value.split(","))
    found = (str(item).strip().strip("'\"").strip() for item in items)
    return tuple(item for item in found if item)


def parse_tags(value: str) -> tuple[str, ...]:
    """Tags from a YAML list or ``a, b``, each once."""
    return tuple(dict.fromkeys(parse_list(value)))


def is_json_collection(value: str) -> bool:
    """Whether a front matter value was a YAML list or mapping (MyST hands those over as JSON)."""
    try:
        return isinstance(json.loads(value), list | dict)
    except ValueError:
        return False


def field_lines(source: str) -> dict[str, int]:
    """Line of each front-matter key (``key:`` or ``:key:``) near a file's top.

    Docutils does not keep lines for front matter, and a warning a writer can
    act on needs one.
    """
    lines: dict[str, int] = {}
    try:
        head = Path(source).read_text(encoding="utf-8", errors="replace").splitlines()[:200]
    except OSError:
        return lines
    pattern = re.compile(r"^:?([A-Za-z][\w-]*):(?:\s|$)")
    for number, line in enumerate(head, start=1):
        match = pattern.match(line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


#: What PyYAML may raise on bad input (out-of-range dates escape as ValueError).
YAML_ERRORS = (yaml.YAMLError, ValueError, RecursionError)
NO_FRONT_MATTER = "essay has no front matter (it needs a title, a date and a genre)"


def front_matter_end(lines: list[str]) -> int | None:
    """The line (0-based) closing a MyST file's front matter, found as MyST finds it:
    the file opens with three or more dashes, and a line of at least as many (or
    ``...``) closes it; unclosed, it is no front matter."""
    opening = re.match(r"-{3,}", lines[0]) if lines else None
    if opening is None:
        return None
    for number, line in enumerate(lines[1:], start=1):
        closing = re.fullmatch(r" {0,3}(-{3,}|\.\.\.)[ \t]*", line)
        if closing and (closing.group(1) == "..." or len(closing.group(1)) >= len(opening[0])):
            return number
    return None


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(front matter, body) of a MyST text; no front matter: (None, the whole text)."""
    lines = text.split("\n")
    end = front_matter_end(lines)
    if end is None:
        return None, text
    return "\n".join(lines[1:end]), "\n".join(lines[end + 1:])


def front_matter_of(text: str) -> str | None:
    """The YAML between a MyST text's ``---`` lines, if it has any."""
    lines = text.split("\n")
    end = front_matter_end(lines)
    return None if end is None else "\n".join(lines[1:end])


def front_matter_text(source: str) -> str | None:
    """The YAML between a MyST file's ``---`` lines, if it has any."""
    if not source.endswith(".md"):
        return None
    try:
        return front_matter_of(Path(source).read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None


def front_matter_problem(source: str) -> tuple[int, str] | None:
    """Where and why an essay's front matter gives nothing to read, if it does not.

    One warning says it all: no front matter, an empty one, one that is not
    YAML, or YAML that is not ``key: value`` lines (the missing title, date and
    genre follow from it and are not reported again).
    """
    if not source.endswith(".md"):
        return 1, NO_FRONT_MATTER  # reStructuredText: no field list before the text
    text = front_matter_text(source)
    if text is None:
        return 1, NO_FRONT_MATTER
    try:
        data = yaml.load(text, Loader=yaml.BaseLoader)
    except YAML_ERRORS as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for '---', +1 from 0-based
        return line, f"front matter is not valid YAML: {getattr(error, 'problem', None) or error}"
    if not data:
        return 1, "essay's front matter is empty (it needs a title, a date and a genre)"
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "plain text"
        return 2, f"front matter must be 'key: value' lines (title, date, genre), not {kind}"
    return None


def folio_reports(text: str) -> bool:
    """Whether Folio warns about this front matter itself: unreadable, not
    ``key: value`` lines, or a date that is not a date."""
    try:
        data = yaml.load(text, Loader=yaml.BaseLoader)
    except YAML_ERRORS:
        return True
    if not data or not isinstance(data, dict):
        return True
    date = data.get("date", "")
    return not isinstance(date, str) or (bool(date.strip()) and parse_date(date) is None)


def recover_front_matter(source: str) -> dict[str, str]:
    """A MyST file's front matter, every value as the writer wrote it.

    Read as text, not as PyYAML types: PyYAML turns ``2019-02-30`` into a
    date and fails, and MyST then drops the whole block with "Malformed
    YAML"; this way the writer hears about the one bad value instead.
    """
    text = front_matter_text(source)
    if text is None:
        return {}
    try:
        # libyaml's loader when installed: the same strings, ten times faster (every
        # essay is read at config-inited for its PDF's title, on every build).
        data = yaml.load(text, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))
    except YAML_ERRORS:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): json.dumps(value) if isinstance(value, list | dict) else str(value)
            for key, value in data.items()}
