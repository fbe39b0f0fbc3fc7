"""The names Folio makes from a writer's words: page names, book keys, file names.

Several rules, because each kind of name has other readers; each is here once.

Page names, safe and unique by construction.  A tag, a genre (and later a
series) becomes a page, an old WordPress permalink becomes a redirect file.
Those words come from front matter or an import, so their names must hold
whatever the words hold:

- **one page per tag**: two tags share a page only when they are the same
  words, told apart by nothing but case, spacing or punctuation (``The Sea``,
  ``the sea``, ``the-sea``); symbols that make another word are spelled out
  (``C++`` → ``c-plus-plus``, ``C#`` → ``c-sharp``), so those get pages of
  their own;
- **safe on every disk and in every address**: lowercase letters, digits,
  ``_`` and ``-`` only (no dot, no space, no quote), NFC-normalised, at most
  :data:`MAX_NAME` characters, never a Windows device name (``con``, ``nul``,
  ``com1`` …) or a name the site already uses (``index`` among the tags);
  such a name, or a cut one, gets a short hash of the words, so it is still
  one page per tag and the same on every build;
- **an old address stays inside the site**: :func:`redirect_source` refuses
  ``..`` (also percent-encoded), absolute paths, globs, backslashes, control
  characters, hidden and Sphinx's own folders and Windows device names.

The other names:

- :func:`book_key`: a book's key, as ``book-citation`` makes it from a title
  when the writer gives none (and the WordPress importer makes the same one,
  so an essay it writes cites the key Folio itself would).  It must pass the
  key check (:data:`BOOK_KEY`: letters, digits, ``-``).
- :func:`library_key`: the key of a new book file from an import (Goodreads,
  StoryGraph): the same characters, from the same :func:`dashed`, with
  apostrophes joined and accents folded; :func:`book_key` cannot take that
  up without moving keys essays already cite.
- :func:`file_name`: a file name from a title or a WordPress post name
  (``folio new-essay``, ``folio import-wordpress``): ASCII only, because the
  file travels (zip files, web hosts, other people's machines), and empty
  when nothing is left, for the caller to refuse or fall back.
- :func:`file_stem`: a document's file name without its folder;
  :func:`surname_key`: the order of authors' names.

Pure functions, no Sphinx: the extension and the commands use the same rules.
"""


from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import unquote

#: Windows refuses these as a file or folder name, with any extension, in any case.
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul",
                             *(f"com{n}" for n in "123456789¹²³"),
                             *(f"lpt{n}" for n in "123456789¹²³")})
#: A page name's longest plain part; past it the name is cut and the hash added.
MAX_NAME = 64
#: Symbols that make a different word of the one before them: spelled out.
SPELLED = ((re.compile(r"\+"), " plus "), (re.compile(r"(?<=\w)#"), " sharp "),
           (re.compile(r"&"), " and "), (re.compile(r"@"), " at "),
           (re.compile(r"%"), " percent "), (re.compile(r"\$"), " dollar "))


#: The characters a book key may hold (``book-citation``'s check).
BOOK_KEY = re.compile(r"^[A-Za-z0-9-]+$")
#: A file name is cut to this many characters (a long title makes a long name).
FILE_NAME_LENGTH = 80
#: Pages beside the tags' own in ``tags/``: no tag may take their name.
TAG_FOLDER_PAGES = frozenset({"index"})

def words_key(text: str) -> str:
    """What tells two tags apart: the words, lowercase, symbols spelled out, the rest a ``-``."""
    text = unicodedata.normalize("NFC", text).casefold()
    for pattern, word in SPELLED:
        text = pattern.sub(word, text)
    return re.sub(r"[^\w]+", "-", text).strip("-")


def short_hash(text: str) -> str:
    """Eight hex digits of SHA-256: the same on every machine and run (never ``hash()``)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def page_name(text: str, reserved: frozenset[str] = frozenset(), fallback: str = "untitled") -> str:
    """The page name for a tag or genre (the part after ``tags/``): the one rule.

    >>> page_name("The Sea"), page_name("C++"), page_name("C#")
    ('the-sea', 'c-plus-plus', 'c-sharp')

    A name that would be a Windows device name, one of ``reserved`` (a page
    the site has beside them, such as the tag index) or longer than
    :data:`MAX_NAME` keeps its words (cut at the limit) and gains ``-`` and
    a hash of the words: ``index-…``, ``con-…``.
    """
    key = words_key(text)
    name = key[:MAX_NAME].rstrip("-")
    if key and name == key and name not in WINDOWS_DEVICES and name not in reserved:
        return name
    # Words that are only punctuation have no key: tell them apart by what they are.
    return f"{name or fallback}-{short_hash(key or unicodedata.normalize('NFC', text))}"



def genre_page(genre: str) -> str:
    """The name of a genre's listing page."""
    return f"genres/{page_name(genre)}"


def tag_name(tag: str) -> str:
    """A tag's page name in ``tags/`` (never the tag index's, whatever the tag)."""
    return page_name(tag, TAG_FOLDER_PAGES)


def tag_page(tag: str) -> str:
    """The name of a tag's listing page."""
    return f"tags/{tag_name(tag)}"


# -- other names -----------------------------------------------------------------------------

def dashed(text: str) -> str:
    """Lower-case ASCII letters and digits, every other run one ``-``: what a book key
    and a file name are made of."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def ascii_folded(text: str) -> str:
    """Accents taken off, what ASCII cannot spell left out: ``Ça`` → ``Ca``."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def book_key(title: str) -> str:
    """A book key from a title: ``Never Let Me Go`` → ``never-let-me-go``.

    ``book-citation`` makes this key when the writer gives none, and essays
    already written cite it (and its page's address), so it never changes: an
    accent or an apostrophe is a ``-`` (``Ender's Game`` → ``ender-s-game``).
    """
    return dashed(title) or "book"


#: A book file's key, made by an import, is cut at a word to this many characters.
LIBRARY_KEY_LENGTH = 60


def library_key(title: str, limit: int = LIBRARY_KEY_LENGTH) -> str:
    """The key of a book file an import makes (``books/<key>.md``): :func:`book_key`'s
    letters, digits and ``-``, but an apostrophe joins (``enders-game``), accents
    fold (``Les Misérables`` → ``les-miserables``) and a long title is cut at a
    word; ``""`` when nothing is left, for the caller to fall back.  New files
    only: a file keeps the key it has."""
    slug = dashed(ascii_folded(re.sub(r"['’]", "", title)))
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug


def file_name(text: str) -> str:
    """A file name (no suffix) from a title or a post name: lower-case ASCII
    letters, digits and ``-`` (``Ça va!`` → ``ca-va``; ``%C3%A7a`` is read as ``ça``).
    Empty when the text has no letter or digit that ASCII can spell."""
    return dashed(ascii_folded(unquote(text)))[:FILE_NAME_LENGTH].strip("-")


def file_stem(docname: str) -> str:
    """A document's own name without its folder: ``essays/real-hope`` → ``real-hope``."""
    return docname.rsplit("/", 1)[-1]


def surname_key(name: str) -> tuple[str, str]:
    """An author's place in the library: by the last word of the name, then the whole."""
    return (name.split()[-1].casefold() if name.split() else "", name.casefold())

# -- old addresses ---------------------------------------------------------------------------

#: Folders Sphinx writes itself: an old address must not put a file among them.
SPHINX_FOLDERS = frozenset({"_static", "_images", "_sources", "_downloads", ".doctrees"})
GLOB = re.compile(r"[*?\[\]]")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def segment_problem(segment: str) -> str | None:
    """Why one folder or file name of a path cannot be written on every disk, if it cannot."""
    stem = segment.split(".", 1)[0].casefold()
    if stem in WINDOWS_DEVICES:
        return f"{segment!r} is a device name on Windows"
    if segment.endswith((".", " ")):
        return f"{segment!r} ends with a dot or a space (not a name on Windows)"
    if re.search(r'[<>:"|]', segment):
        return f"{segment!r} holds a character Windows refuses in a name (< > : \" |)"
    return None


def redirect_source(path: str) -> tuple[str, str]:
    """An old address as the relative path of its redirect file, or why it is refused.

    Returns ``(path, "")`` or ``("", reason)``.  Percent-encoding is decoded
    once (a web server looks for ``café/`` when asked for ``caf%C3%A9/``); what
    is still encoded after that, or any ``..``, absolute path, glob,
    backslash or control character, is refused rather than guessed at.  Empty
    and ``.`` segments are dropped; a trailing ``.html`` is the file's own.
    """
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return "", "is percent-encoded, but not as UTF-8"
    if CONTROL.search(decoded):
        return "", "holds a control character"
    if "\\" in decoded:
        return "", "holds a backslash"
    if "%" in decoded:
        return "", "is percent-encoded twice"
    if GLOB.search(decoded):
        return "", "holds a glob character (* ? [ ])"
    if decoded.startswith("/") or re.match(r"[A-Za-z]:", decoded):
        return "", "is an absolute path (write it relative to the site, e.g. 2019/04/post/index)"
    segments = [s for s in decoded.split("/") if s not in ("", ".")]
    if ".." in segments:
        return "", "climbs out of the site ('..')"
    if not segments:
        return "", "is empty"
    if segments[0] in SPHINX_FOLDERS:
        return "", f"is inside {segments[0]}/, which Sphinx writes"
    for segment in segments:
        if segment.startswith("."):
            return "", f"{segment!r} is a hidden name"
        problem = segment_problem(segment)
        if problem:
            return "", problem
    return "/".join(segments), ""


def series_page(name: str) -> str:
    """The page of a series (the page-name rule of tags and genres)."""
    return f"series/{page_name(name)}"


def series_stem(page: str) -> str:
    """The file name (no suffix) of a series' PDF and ePub: ``series-<slug>``."""
    return page.replace("/", "-")
