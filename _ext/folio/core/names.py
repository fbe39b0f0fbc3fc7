"""The names Folio makes from a writer's words: book keys, page names, file names.

Three rules, because three kinds of name have different readers:

- :func:`book_key`: a book's key, as ``book-citation`` makes it from a title
  when the writer gives none (and the WordPress importer makes the same one,
  so an essay it writes cites the key Folio itself would).  It must pass the
  key check (letters, digits, ``-``), so anything else becomes ``-``.
- :func:`page_name`: the last part of a generated page's name, for a tag or a
  genre (``tags/the-sea``).  Any letter of any script stays: a tag in Greek
  gets a page of its own, not one shared with every other Greek tag.
- :func:`file_name`: a file name from a title or a WordPress post name
  (``folio new-essay``, ``folio import-wordpress``): ASCII only, because the
  file travels (zip files, web hosts, other people's machines), and empty
  when nothing is left, for the caller to refuse or fall back.

And :func:`file_stem`, the other way: a document's file name without its
folder; :func:`surname_key`, the order of authors' names.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

#: The characters a book key may hold (``book-citation``'s check).
BOOK_KEY = re.compile(r"^[A-Za-z0-9-]+$")
#: A file name is cut to this many characters (a long title makes a long name).
FILE_NAME_LENGTH = 80


def book_key(title: str) -> str:
    """A book key from a title: ``Never Let Me Go`` → ``never-let-me-go``."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "book"


def page_name(text: str) -> str:
    """A page name for a tag or genre: ``the sea`` → ``the-sea``."""
    return re.sub(r"[^\w]+", "-", text.casefold()).strip("-") or "untitled"


def genre_page(genre: str) -> str:
    """The name of a genre's listing page."""
    return f"genres/{page_name(genre)}"


def tag_page(tag: str) -> str:
    """The name of a tag's listing page."""
    return f"tags/{page_name(tag)}"


def file_name(text: str) -> str:
    """A file name (no suffix) from a title or a post name: lower-case ASCII
    letters, digits and ``-`` (``Ça va!`` → ``ca-va``; ``%C3%A7a`` is read as ``ça``).
    Empty when the text has no letter or digit that ASCII can spell."""
    text = unicodedata.normalize("NFKD", unquote(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:FILE_NAME_LENGTH].strip("-")


def file_stem(docname: str) -> str:
    """A document's own name without its folder: ``essays/real-hope`` → ``real-hope``."""
    return docname.rsplit("/", 1)[-1]


def surname_key(name: str) -> tuple[str, str]:
    """An author's place in the library: by the last word of the name, then the whole."""
    return (name.split()[-1].casefold() if name.split() else "", name.casefold())
