"""A client for Pagefind's indexing service (``pagefind --service``), without Sphinx.

Pagefind (https://pagefind.app) writes a static search index that a browser
reads in pieces.  Its Python package ships the binary (``pagefind[bin]``) and
an asyncio wrapper; the wrapper reads each answer after a fixed 0.1 s pause,
so 1,000 pages took 101 s through it against 4 s through the same binary's
own folder walk (bench/search.py's corpus, measured for issue 21).  This
client speaks the same protocol (base64 JSON messages ended by a comma, on
the binary's stdin and stdout) with the package's own message types, and
writes every request before reading the answers: the service reads and
answers on threads of their own through unbounded queues, and handles the
messages one at a time in the order sent, so pipelining cannot deadlock and
the index is the same whatever the timing.

An index lives in the service's memory: adding a page or a record with a URL
it already holds replaces it (Pagefind's ``fossick_one``), which is how a
long-running preview keeps one index current by sending only what changed.
Pages with no words are left out of the written index, so a page is taken
out by sending it again empty.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import re
import subprocess
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import cbor2

#: Pagefind's settings for an index (``IndexConfig`` in the package).
Config = Mapping[str, Any]


class PagefindError(Exception):
    """The service refused a request, or is not there."""


def executable() -> Path:
    """The Pagefind binary: the one ``pagefind[bin]`` installed, or one on the PATH."""
    try:
        from pagefind.service import get_executable
    except ImportError as error:  # pragma: no cover - a dependency of Folio
        raise PagefindError("the pagefind package is not installed") from error
    found = get_executable()
    if found is None:
        raise PagefindError("no pagefind binary (pip install 'pagefind[bin]')")
    return found


class PagefindService:
    """One running ``pagefind --service``; one index in it at a time."""

    def __init__(self, config: Config) -> None:
        self.config = dict(config)
        try:
            self.process = subprocess.Popen(
                [str(executable()), "--service"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError as error:
            raise PagefindError(f"cannot start pagefind: {error}") from error
        self.sent = 0
        self.pending: list[int] = []
        self.buffer = bytearray()
        self.index_id = -1
        self.new_index()

    # -- the protocol ------------------------------------------------------------------------

    def _send(self, payload: Mapping[str, Any]) -> None:
        assert self.process.stdin is not None
        self.sent += 1
        message = {"message_id": self.sent, "payload": dict(payload)}
        try:
            self.process.stdin.write(base64.b64encode(json.dumps(message).encode()) + b",")
        except OSError as error:
            raise PagefindError(f"pagefind stopped: {error}") from error
        self.pending.append(self.sent)

    def flush(self) -> None:
        """Hand what was sent to the service now, without waiting for its answers."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.flush()
        except OSError as error:
            raise PagefindError(f"pagefind stopped: {error}") from error

    def _answers(self) -> list[dict[str, Any]]:
        """Every pending answer, in the order sent; the first refusal raises."""
        assert self.process.stdout is not None
        self.flush()
        answers: dict[int, dict[str, Any]] = {}
        refused = ""
        while len(answers) < len(self.pending):
            end = self.buffer.find(b",")
            while end < 0:
                chunk = cast(io.BufferedReader, self.process.stdout).read1(1 << 20)
                if not chunk:
                    raise PagefindError("pagefind stopped before answering")
                looked = len(self.buffer)  # an answer of megabytes: look in the new part
                self.buffer += chunk
                end = self.buffer.find(b",", looked)
            message = json.loads(base64.b64decode(bytes(self.buffer[:end])))
            del self.buffer[:end + 1]
            payload = message.get("payload") or {}
            if payload.get("type") == "Error":
                refused = refused or str(payload.get("message", "refused"))
            answers[message.get("message_id") or -1] = payload
            if message.get("message_id") is None:  # unparseable: no id to wait for
                break
        self.pending = []
        if refused:
            raise PagefindError(refused)
        return list(answers.values())

    # -- an index ------------------------------------------------------------------------------

    def new_index(self) -> None:
        """Start an empty index (the old one, if any, is forgotten)."""
        self._send({"type": "NewIndex", "config": {k: v for k, v in self.config.items()
                                                   if k != "output_path"}})
        self.index_id = int(self._answers()[0]["index_id"])

    def add_pages(self, pages: Iterable[tuple[str, str]]) -> None:
        """HTML pages as (URL, the page's HTML), replacing any with the same URL."""
        for url, html in pages:
            self._send({"type": "AddFile", "index_id": self.index_id, "url": url,
                        "file_path": None, "file_contents": html})

    def add_records(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Records that are not pages: ``url``, ``content``, ``language``, ``meta``,
        ``filters``, ``sort`` (Pagefind's custom records)."""
        for record in records:
            self._send({"type": "AddRecord", "index_id": self.index_id, **record})

    def files(self) -> dict[str, bytes]:
        """The index's files, built in memory: path in the bundle → content.

        Not ``WriteFiles``: the service writes through asynchronous file handles
        it never flushes and exits at once when its input closes, so a file can be
        left empty (seen here: ``pagefind-component-ui.js``, 0 bytes).
        """
        self._send({"type": "GetFiles", "index_id": self.index_id})
        answer = self._answers()[-1]  # after those of anything sent before
        return {str(f["path"]): base64.b64decode(f["content"]) for f in answer["files"]}

    def wait(self) -> int:
        """Wait for what was sent; the number of answers."""
        return len(self._answers())

    def close(self) -> None:
        if self.process.poll() is None:
            if self.process.stdin is not None:
                self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- typographic punctuation, as Pagefind can split at it -----------------------------------------

#: Pagefind splits a word into parts only at ASCII punctuation (``get_discrete_words``
#: in its fossick/splitting.rs, 1.5.2).  At a curly quotation mark it indexes the word
#: with the mark as one more word ("memory’" beside "memory": one per word a quotation
#: mark touches, sorted just after the word, where the search for it also looks, 111 kB
#: more for "memory" at 10,000 essays), and at a dash it finds neither side ("sea—and"
#: gives "seaand", not "sea" and "and").  So the text it is sent has each of these
#: written as ``ESCAPE`` and an ASCII mark, which it splits at as at any other; the search
#: page writes them back (``TYPOGRAPHY`` reversed, handed to it in the page).
TYPOGRAPHY = {"‘": "(", "’": ")", "“": "[", "”": "]", "‚": ",", "„": ";", "–": "-", "—": "=",
              "…": ".", "«": "{", "»": "}", "‹": "!", "›": "?"}
#: Rare in prose, and not one of the marks Pagefind writes as an entity (``<``, ``>``).
ESCAPE = "`"
_TYPOGRAPHIC = re.compile("[" + re.escape(ESCAPE + "".join(TYPOGRAPHY)) + "]")
_WRITTEN = re.compile(re.escape(ESCAPE) + "(.)", re.DOTALL)
_BACK = {mark: character for character, mark in TYPOGRAPHY.items()}


def ascii_typography(text: str) -> str:
    """``text`` with each typographic mark as ``ESCAPE`` + its ASCII mark (and ``ESCAPE``
    itself doubled), for Pagefind; :func:`typography_back` undoes it exactly."""
    return _TYPOGRAPHIC.sub(lambda found: ESCAPE + TYPOGRAPHY.get(found[0], ESCAPE), text)


def typography_back(text: str) -> str:
    """What :func:`ascii_typography` was given (the search page does the same in JS)."""
    return _WRITTEN.sub(lambda found: _BACK.get(found[1], found[1]), text)


def typography_for_page() -> dict[str, str]:
    """The ASCII marks and what they stand for, as the search page reads them."""
    return dict(sorted(_BACK.items()))


def pagefind_language(sphinx_language: str | None) -> str:
    """The language Pagefind is told: Sphinx's code as the page's ``lang`` has it.

    Sphinx writes ``en_GB``, its pages ``lang="en-GB"``; Pagefind picks its stemmer (and
    names its files) by the part before a hyphen, and told ``en_GB`` it stemmed nothing.
    """
    return (sphinx_language or "en").replace("_", "-")


def stems_english(language: str) -> bool:
    """Whether Pagefind stems the words of a site in ``language`` as English (Snowball's
    English, the stemmer the search page has; ``get_stemmer`` in its fossick/mod.rs)."""
    return language.split("-")[0] == "en"


#: What begins every index file of Pagefind's, inside its gzip.
SIGNATURE = b"pagefind_dcd"
META = re.compile(r"pagefind\.(?P<hash>(?P<language>[^._/]+)_[0-9a-f]+)\.pf_meta")
FILTER = re.compile(r"filter/(?P<language>[^._/]+)_[0-9a-f]+\.pf_filter")


def pagefind_hash(data: bytes) -> str:
    """Pagefind's name for ``data`` (``utils::full_hash``): SHA-1, each byte in hex unpadded."""
    return "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())


def unpack(data: bytes) -> Any:
    """An index file's content: gzip'd CBOR after :data:`SIGNATURE`."""
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise PagefindError("not one of Pagefind's index files")
    return cbor2.loads(raw[len(SIGNATURE):])


def pack(encoded: bytes) -> bytes:
    """CBOR as an index file, at Pagefind's compression, with no time in the gzip header."""
    return gzip.compress(SIGNATURE + encoded, compresslevel=9, mtime=0)


def in_order(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The bundle with its filter files written in one order, so one site gives one bundle.

    Pagefind (1.5) builds each filter's values, and the meta file's list of
    filters, from Rust hash maps (``index/mod.rs``: "TODO: Change filter indexes
    to BTree to give them a stable hash"), so two builds of the same site write
    the same facts in different orders, under different names.  Here each filter
    file is encoded again with its values sorted by value (their pages are in
    page order already), named by its new content as Pagefind names it (the
    language, ``_``, the first 7 of :func:`pagefind_hash`, longer on a clash),
    and the meta file lists the filters and sorts by name, names the new files,
    is renamed by its own hash (10 characters) and the entry file names it.
    The word index and fragments are left as they are: they are ordered already.
    """
    found = dict(files)
    renamed: dict[str, str] = {}  # old filter hash -> new
    for language in sorted({m["language"] for n in found if (m := FILTER.fullmatch(n))}):
        names = sorted(n for n in found if (m := FILTER.fullmatch(n))
                       and m["language"] == language)
        encoded = {}
        for name in names:
            name_, values = unpack(found.pop(name))
            encoded[name] = [name_, sorted(values, key=lambda v: str(v[0]))]
        taken: set[str] = set()
        for name, value in sorted(encoded.items(), key=lambda item: str(item[1][0])):
            data = cbor2.dumps(value)
            full = f"{language}_{pagefind_hash(data)}"
            short = full[:len(language) + 8]
            while short in taken and len(short) < len(full):
                short = full[:len(short) + 2]  # as Pagefind lengthens a clashing name
            taken.add(short)
            renamed[name.removeprefix("filter/").removesuffix(".pf_filter")] = short
            found[f"filter/{short}.pf_filter"] = pack(data)
    for name in sorted(n for n in files if META.fullmatch(n)):
        match = META.fullmatch(name)
        assert match is not None
        version, pages, chunks, filters, sorts, *rest = unpack(found.pop(name))
        filters = sorted([[f, renamed.get(h, h)] for f, h in filters], key=lambda f: str(f[0]))
        sorts = sorted(sorts, key=lambda s: str(s[0]))
        meta = cbor2.dumps([version, pages, chunks, filters, sorts, *rest])
        language = match["language"]
        new = f"{language}_{pagefind_hash(meta)[:len(language) + 8]}"
        found[f"pagefind.{new}.pf_meta"] = pack(meta)
        entry = found.get("pagefind-entry.json")
        if entry is not None:
            found["pagefind-entry.json"] = entry.replace(
                f'"hash":"{match["hash"]}"'.encode(), f'"hash":"{new}"'.encode())
    return found


#: Pagefind's own result interface, which Folio does not use (it draws results itself).
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")


def write_bundle(files: Mapping[str, bytes], folder: Path, keep: Collection[str] = ()) -> int:
    """Bring ``folder`` to exactly ``files`` (less Pagefind's own interface); the number written.

    Hashed files that are already there are left alone; each file is written
    whole and then moved into place, the entry file last (it names the rest),
    and files no longer part of the index are removed after, but for those in
    ``keep`` (a reader that loaded the old entry file may still ask for them).
    A reader therefore sees either the old index or the new, never part of one.
    """
    wanted = {name: data for name, data in files.items() if not name.startswith(UNUSED)}
    written = 0
    for name in sorted(wanted, key=lambda n: (n == "pagefind-entry.json", n)):
        target = folder / name
        try:
            if target.read_bytes() == wanted[name]:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(wanted[name])
        os.replace(partial, target)
        written += 1
    prune(folder, {*wanted, *keep})
    return written


def prune(folder: Path, names: Collection[str]) -> None:
    """Remove every file in ``folder`` but ``names`` (paths in it), and emptied folders."""
    for path in sorted(folder.rglob("*"), reverse=True):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in names:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
