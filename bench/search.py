"""Search at scale (issue 21): what Pagefind adds to the build, and what one query costs.

    .venv/bin/python bench/search.py --n 1000 [--workdir /tmp/folio-search-bench]
        [--jobs 1] [--no-sphinx] [--queries-only] [--rounds 1]

On a corpus from bench/generate.py (seeded): two clean ``html`` builds in this
process (``-j 1``), one with ``folio_search = "sphinx"`` (Sphinx's own index,
the build before this issue) and one with ``"pagefind"``; the second times
Folio's indexing step (``SiteIndex.update``: reading the essays' pages, the
records, Pagefind, writing ``pagefind/``) on its own.  Then the site is served
on 127.0.0.1 and Chromium types queries into the search page: the bytes the
page fetched for each query (from the page's opening: the engine, the index's
meta, the chunks and fragments in ``pagefind/``, and the page's own search
scripts, ``SEARCH_FILES``) and the time from the last
key to the first result drawn.  The load
average is printed beside every figure (the machine is shared).

``--no-sphinx`` skips the build with Sphinx's search (at 10,000 essays each
build takes minutes); ``--queries-only`` serves the Pagefind build already in
the work folder; ``--rounds`` types the queries that many times (the median
is printed); ``--breakdown`` prints, under each query, what its bytes were
(the engine's files, the index's meta, filters, fragments, and each word-index
chunk with the words it holds), read from the files on disk; ``--words zipf``
draws the corpus's words from a long tail as real prose does (generate.py's
``Vocabulary``), beside the uniform worst case, where every word is in every
essay.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "_ext"))
sys.path.insert(0, str(HERE.parent / "tests"))

import conftest  # noqa: E402
from generate import generate  # noqa: E402

QUERIES = ("river", "garden memory", "silence", "winter", "narrator")
#: The search page's pause after a key (PAUSE in folio-search.js), in milliseconds.
PAUSE = 50


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def build(source: Path, engine: str, timings: dict[str, float], jobs: int) -> float:
    from folio.ext import search
    from sphinx.cmd.build import build_main

    out = source / f"_build-{engine}"
    shutil.rmtree(out, ignore_errors=True)
    update = search.SiteIndex.update

    def timed(self: Any, app: Any) -> None:
        began = time.perf_counter()
        update(self, app)
        timings[engine] = time.perf_counter() - began

    def timed_ahead(self: Any, app: Any, docname: str) -> None:
        began = time.perf_counter()
        ahead(self, app, docname)
        timings["ahead"] = timings.get("ahead", 0.0) + time.perf_counter() - began

    ahead = search.SiteIndex.send_ahead
    search.SiteIndex.update = timed  # type: ignore[method-assign]
    search.SiteIndex.send_ahead = timed_ahead  # type: ignore[method-assign]
    began = time.perf_counter()
    try:
        code = build_main(["-b", "html", "-q", "-E", "-j", str(jobs),
                           "-D", f"folio_search={engine}", "-d", str(out / "doctrees"),
                           str(source), str(out / "html")])
    finally:
        search.SiteIndex.update = update  # type: ignore[method-assign]
        search.SiteIndex.send_ahead = ahead  # type: ignore[method-assign]
    assert code == 0, code
    return time.perf_counter() - began


def kind_of(path: str) -> str:
    """What a file of Pagefind's bundle is, by its name."""
    name = path.rsplit("/", 1)[-1]
    if name.startswith("wasm."):  # wasm.en.pagefind
        return "wasm"
    for ending, kind in ((".pf_index", "word index"), (".pf_fragment", "fragment"),
                         (".pf_filter", "filter"), (".pf_meta", "meta"), (".js", "script"),
                         (".json", "entry")):
        if name.endswith(ending):
            return kind
    return "other"


def chunk_words(file: Path) -> list[tuple[str, int]]:
    """The words of one word-index chunk and how many pages each lists
    (``[[word, [[page, [locations], ...], ...], ...], ...]``, pagefind/src/index)."""
    from folio.core.pagefind import unpack

    return [(entry[0], len(entry[1])) for entry in unpack(file.read_bytes())[0]]


class Sent:
    """The files a served site sent, in order: (path, bytes sent, bytes on disk).

    Counted by the server, not the browser: Chromium reports a worker's script
    (Pagefind's ``pagefind-worker.js``) with a body size of 0.
    """

    def __init__(self) -> None:
        self.files: list[tuple[str, int, int]] = []
        self.lock = threading.Lock()

    def add(self, path: str, sent: int, size: int) -> None:
        with self.lock:
            self.files.append((path, sent, size))

    def __len__(self) -> int:
        with self.lock:
            return len(self.files)

    def since(self, mark: int) -> list[tuple[str, int, int]]:
        with self.lock:
            return self.files[mark:]


#: What a static host compresses on the way (GitHub Pages and Read the Docs send these
#: gzipped); Pagefind's own index files are gzip already and go as they are.
COMPRESSED = {".js", ".css", ".html", ".json", ".svg"}


def serve(folder: Path, sent: Sent) -> Iterator[str]:
    """The built site over http://127.0.0.1 while iterated, text gzipped when asked for."""
    import gzip
    import http.server
    import mimetypes
    from urllib.parse import unquote, urlsplit

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            file = (folder / path.lstrip("/")).resolve()
            if file.is_dir():
                file = file / "index.html"
            if not file.is_relative_to(folder.resolve()) or not file.is_file():
                self.send_error(404)
                return
            body = file.read_bytes()
            size = len(body)
            self.send_response(200)
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if file.suffix == ".js":
                kind = "text/javascript"
            self.send_header("Content-Type", kind)
            if file.suffix in COMPRESSED and "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body, compresslevel=6, mtime=0)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            sent.add(path, len(body), size)

    yield from conftest.serve(folder, Handler)


def breakdown(outdir: Path, files: list[tuple[str, int, int]]) -> list[str]:
    """Lines saying where one query's bytes went (as sent)."""
    by_kind: dict[str, int] = {}
    lines = []
    for path, size, _ in files:
        kind = kind_of(path)
        by_kind[kind] = by_kind.get(kind, 0) + size
        if kind == "word index":
            words = chunk_words(outdir / path.lstrip("/"))
            shown = ", ".join(f"{w} ({n})" for w, n in words[:6])
            more = f" and {len(words) - 6} more" if len(words) > 6 else ""
            lines.append(f"    chunk {path.rsplit('/', 1)[-1]}: {size / 1000:.0f} kB, "
                         f"{len(words)} words: {shown}{more}")
    lines.insert(0, "    " + ", ".join(f"{kind} {size / 1000:.0f} kB"
                                       for kind, size in sorted(by_kind.items())))
    return lines


@dataclass(frozen=True)
class Query:
    """One query typed into a fresh page: what it cost and what it showed."""

    words: str
    sent: int  # bytes of SEARCH_FILES as sent (text gzipped)
    on_disk: int  # the same files' bytes on disk
    shown: float  # seconds from the last key to the first result drawn
    results: int
    lines: list[str]


#: What a query is charged with: Pagefind's bundle and the search page's own scripts (the
#: page's script and the stemmer it hands Pagefind stems with), not the page and its styles.
SEARCH_FILES = ("/pagefind/", "/_static/folio-search.js", "/_static/snowball/")


def queries(outdir: Path, rounds: int, delay: int) -> list[Query]:
    from playwright.sync_api import sync_playwright

    found = []
    sent = Sent()
    server = serve(outdir, sent)
    base = next(server)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        for query in QUERIES * rounds:
            page = browser.new_page()  # a new context: nothing of the index cached
            mark = len(sent)
            # From the page's opening: the engine's files load then, before any key.
            page.goto(f"{base}/search.html", wait_until="networkidle")
            page.click("#folio-search-q")
            page.keyboard.type(query, delay=delay)
            began = time.perf_counter()
            page.wait_for_selector(".folio-result", timeout=30000)
            shown = time.perf_counter() - began  # from the last key, the page's pause (PAUSE) in it
            page.wait_for_load_state("networkidle")
            bundle = [f for f in sent.since(mark) if f[0].startswith(SEARCH_FILES)]
            found.append(Query(query, sum(f[1] for f in bundle), sum(f[2] for f in bundle),
                               shown, page.locator(".folio-result").count(),
                               breakdown(outdir, bundle)))
            page.close()
        browser.close()
    with contextlib.suppress(StopIteration):
        next(server)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/folio-search-bench"))
    parser.add_argument("--jobs", "-j", type=int, default=1, help="Sphinx's -j")
    parser.add_argument("--no-sphinx", action="store_true",
                        help="skip the build with Sphinx's search")
    parser.add_argument("--queries-only", action="store_true",
                        help="no build: query the Pagefind build already there")
    parser.add_argument("--rounds", type=int, default=1, help="times to type the queries")
    parser.add_argument("--delay", type=int, default=30,
                        help="milliseconds between keys as the queries are typed")
    parser.add_argument("--words", choices=("uniform", "zipf"), default="uniform",
                        help="the corpus's words (bench/generate.py's Vocabulary): uniform, "
                             "the worst case, or zipf, a long tail as in real prose")
    parser.add_argument("--breakdown", action="store_true",
                        help="say what each query's bytes were")
    args = parser.parse_args()
    source = args.workdir / (f"n{args.n}" if args.words == "uniform" else f"n{args.n}-{args.words}")
    if not (source / "conf.py").exists():
        generate(source, args.n, words=args.words)
    timings: dict[str, float] = {}
    print(f"N={args.n}, words {args.words}  load {load()}")
    if not args.queries_only:
        sphinx = float("nan")
        if not args.no_sphinx:
            sphinx = build(source, "sphinx", timings, args.jobs)
            print(f"html build -j {args.jobs}, Sphinx's search: {sphinx:.1f} s  load {load()}",
                  flush=True)
        pagefind = build(source, "pagefind", timings, args.jobs)
        index = timings.get("pagefind", float("nan")) + timings.get("ahead", 0.0)
        print(f"html build -j {args.jobs}, Pagefind: {pagefind:.1f} s, of which indexing "
              f"{index:.1f} s ({timings.get('ahead', 0.0):.1f} s sending pages while Sphinx "
              f"writes, the rest at the end; {index / (pagefind - index):.1%} of the rest; "
              f"whole build {pagefind / sphinx - 1:+.1%} against Sphinx's search)  "
              f"load {load()}", flush=True)
    bundle = source / "_build-pagefind" / "html" / "pagefind"
    files = [p for p in bundle.rglob("*") if p.is_file()]
    print(f"bundle: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB")
    shown_ms = []
    print(f"typed at {args.delay} ms a key")
    for query in queries(source / "_build-pagefind" / "html", args.rounds, args.delay):
        shown_ms.append(query.shown * 1000)
        # Typed slower than the page's pause, each prefix is searched and its results drawn:
        # the first result after the last key is an earlier prefix's, so no time is given.
        when = (f"first result {query.shown * 1000:.0f} ms after the last key"
                if args.delay < PAUSE else "each prefix searched as typed")
        print(f"query {query.words!r}: {query.sent / 1000:.0f} kB sent "
              f"({query.on_disk / 1000:.0f} kB on disk), {when}, {query.results} results shown  "
              f"load {load()}", flush=True)
        if args.breakdown:
            print("\n".join(query.lines), flush=True)
    if args.delay < PAUSE:
        print(f"first result: median {statistics.median(shown_ms):.0f} ms of {len(shown_ms)} "
              f"queries  load {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
