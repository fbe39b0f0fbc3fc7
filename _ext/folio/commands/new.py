"""``folio new DIR``: a collection of one's own, started for you.

It writes ``conf.py`` with the settings a writer changes, a home page, one
example essay, and the Read the Docs and GitHub Pages files, from the files
in ``starter_files/``.  The collection needs nothing but Folio: ``folio
build`` builds it, ``folio live`` previews it, and the hosts' files call
``folio build`` and install the Debian packages its PDFs need
(:data:`folio.core.requirements.TEX_PACKAGES`, written in here).  It asks
nothing it can default and never overwrites a file: a refusal is one line on
stderr and exit status 2 (``folio new-essay`` is :mod:`folio.commands.new_essay`).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from folio.core.names import file_name
from folio.core.requirements import TEX_PACKAGES

STARTER_FILES = Path(__file__).parent / "starter_files"

#: Each file of a new collection, and the file in ``starter_files/`` it comes
#: from (packages keep no dot-files; ``.in`` files are neither a module nor a page
#: of the sample collection).
COLLECTION: tuple[tuple[str, str], ...] = (
    ("conf.py", "conf.py.in"),
    ("index.md", "index.md.in"),
    ("essays/looking-at-work.md", "example-essay.md.in"),
    ("requirements.txt", "requirements.txt"),
    (".readthedocs.yaml", "readthedocs.yaml"),
    (".github/workflows/pages.yml", "pages.yml"),
    (".gitignore", "gitignore"),
)

AUTHOR_PLACEHOLDER = "Your Name"
#: Where the essays of a collection live (``folio_essays``' default).
ESSAYS_DIR = "essays"


class Refusal(Exception):
    """What the writer typed cannot be done: the one line that says why."""


@dataclass(frozen=True)
class Collection:
    """What a new collection's files are filled in with."""

    title: str
    author: str
    today: datetime.date
    #: the requirements.txt line that installs this Folio, or None when unknown
    requirement: str | None


# -- Pure functions: text in, text out ------------------------------------------------


def title_from_folder(name: str) -> str:
    """A collection's title from its folder's name: "reading-notes" -> "Reading Notes"."""
    words = re.sub(r"[-_.\s]+", " ", name).split()
    if not words:
        return "Essays"
    if name == name.lower():
        return " ".join(word[:1].upper() + word[1:] for word in words)
    return " ".join(words)


def check_text(what: str, text: str) -> str:
    """A one-line value (a title, a name): stripped, never empty or multi-line."""
    text = text.strip()
    if not text:
        raise Refusal(f"the {what} is empty")
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise Refusal(f"the {what} {text!r} has a line break or control character")
    return text


def markdown_text(text: str) -> str:
    """Text set in Markdown as itself: every punctuation mark that means something escaped."""
    return re.sub(r"([\\`*_{}\[\]<>#|~$%&])", r"\\\1", text)


def python_text(text: str) -> str:
    """A Python string literal of one-line text, in double quotes like the rest of conf.py."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fill(template: str, values: Mapping[str, str]) -> str:
    """Put each ``{{name}}`` of a starter file in (``${{ x }}`` in a workflow is left alone)."""

    def value(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return re.sub(r"\{\{([a-z_]+)\}\}", value, template)


def collection_files(collection: Collection) -> dict[str, str]:
    """Every file of a new collection, by its path in the collection's folder."""
    slug = file_name(collection.title) or "essays"
    if not slug[0].isalpha():
        slug = f"essays-{slug}"  # the ePub's identifier must be an XML name
    year = collection.today.year
    requirement = collection.requirement or (
        "# This Folio was installed from a folder on your machine: name where the\n"
        "# web hosts get it, e.g.  folio[live] @ git+https://github.com/OWNER/folio")
    values = {
        "apt_packages": "\n".join(f"    - {package}" for package in TEX_PACKAGES),
        "apt_line": " ".join(TEX_PACKAGES),
        "title": collection.title,
        "project": python_text(collection.title),
        "author": python_text(collection.author),
        "author_text": markdown_text(collection.author),
        "copyright": python_text(f"{year} {collection.author}"),
        "version": python_text(collection.today.strftime("%Y.%m")),
        "slug": slug,
        "today": collection.today.isoformat(),
        "folio_requirement": requirement,
    }
    files = {}
    for target, source in COLLECTION:
        template = (STARTER_FILES / source).read_text(encoding="utf-8")
        if target == "index.md":
            values = {**values, "title": markdown_text(collection.title)}
        files[target] = fill(template, values)
    return files


# -- What the commands ask of the machine -----------------------------------------------


def git_output(*args: str) -> str:
    """One git answer, or "" when git is missing, fails or has nothing to say."""
    try:
        result = subprocess.run(["git", *args], capture_output=True, text=True, timeout=10,
                                check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def folio_requirement() -> str | None:
    """How the web hosts install this same Folio, or None when that is not known."""
    try:
        dist = importlib.metadata.distribution("folio")
    except importlib.metadata.PackageNotFoundError:
        return None
    return requirement_from(dist.read_text("direct_url.json"), dist.version, git_origin)


def git_origin(folder: str) -> str:
    return git_output("-C", folder, "remote", "get-url", "origin")


def requirement_from(recorded: str | None, version: str,
                     origin: Callable[[str], str]) -> str | None:
    """A requirements.txt line from where pip says it installed Folio (PEP 610's record).

    From an index: pinned by version; from a git URL: by commit; from a web
    archive: its URL; from a checkout on this machine: its ``origin``, when that
    is a web address (``origin`` looks it up). Anything else is unknown: a
    bare ``folio`` could name someone else's package on PyPI.
    """
    if not recorded:
        return f"folio[live]=={version}"
    try:
        direct = json.loads(recorded)
    except ValueError:
        return None
    if not isinstance(direct, dict):
        return None
    url = str(direct.get("url", ""))
    vcs = direct.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and url.startswith("https://") and vcs.get("commit_id"):
        return f"folio[live] @ git+{url}@{vcs['commit_id']}"
    if "archive_info" in direct and url.startswith("https://"):
        return f"folio[live] @ {url}"
    if url.startswith("file://") and "dir_info" in direct:
        remote = origin(unquote(urlparse(url).path))
        if remote.startswith("https://"):
            return f"folio[live] @ git+{remote}"
    return None


def refuse(command: str, error: Refusal | OSError) -> int:
    """The one line a refusal prints; exit status 2."""
    if isinstance(error, OSError):
        message = f"cannot write {error.filename}: {error.strerror}"
    else:
        message = str(error)
    sys.stderr.write(f"folio {command}: {message}\n")
    return 2


# -- folio new ------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="a new (or empty) folder")
    parser.add_argument("--title", help="the collection's title (default: from DIR's name)")
    parser.add_argument("--author", help="your name (default: git config user.name)")


def run(args: argparse.Namespace) -> int:
    try:
        return start_collection(Path(args.folder), args.title, args.author)
    except (Refusal, OSError) as error:
        return refuse("new", error)


def start_collection(folder: Path, title: str | None, author: str | None) -> int:
    if folder.exists() and not folder.is_dir():
        raise Refusal(f"{folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise Refusal(f"{folder} is not empty; give a new or empty folder")
    title = check_text("title", title if title is not None
                       else title_from_folder(folder.resolve().name))
    named = author if author is not None else git_output("config", "user.name")
    author = check_text("author", named) if named else AUTHOR_PLACEHOLDER
    collection = Collection(title, author, datetime.date.today(), folio_requirement())
    files = collection_files(collection)
    for target, text in files.items():
        path = folder / target
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
    print(f"Started {title!r} in {folder}: {', '.join(files)}")
    if author == AUTHOR_PLACEHOLDER:
        print("Put your name in conf.py (author): git has no user.name to borrow.")
    if collection.requirement is None:
        print("Say in requirements.txt where the web hosts install Folio from.")
    print(f"Next: cd {folder} && folio build (or folio live: a preview that follows "
          "your saves)")
    return 0
