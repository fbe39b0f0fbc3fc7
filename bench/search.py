"""Search at scale (issue 21): what Pagefind adds to the build, and what one query costs.

    .venv/bin/python bench/search.py --n 1000 [--workdir /tmp/folio-search-bench]
        [--jobs 1] [--no-sphinx] [--queries-only] [--rounds 1]

On a corpus from bench/generate.py (seeded): two clean ``html`` builds in this
process (``-j 1``), one with ``folio_search = "sphinx"`` (Sphinx's own index,
the build before this issue) and one with ``"pagefind"``; the second times
Folio's indexing step (``SiteIndex.update``: reading the essays' pages, the
records, Pagefind, writing ``pagefind/``) on its own.  Then the site is served
on 127.0.0.1 and Chromium types queries into the search page: the bytes the
page fetched from ``pagefind/`` for each query (from the page's opening: the
engine, the index's meta, the chunks and fragments) and the time from the last
key to the first result drawn.  The load
average is printed beside every figure (the machine is shared).

``--no-sphinx`` skips the build with Sphinx's search (at 10,000 essays each
build takes minutes); ``--queries-only`` serves the Pagefind build already in
the work folder; ``--rounds`` types the queries that many times (the median
is printed).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "_ext"))
sys.path.insert(0, str(HERE.parent / "tests"))

from generate import generate  # noqa: E402

QUERIES = ("river", "garden memory", "silence", "winter", "narrator")


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


def queries(outdir: Path, rounds: int) -> list[tuple[str, int, float, int]]:
    from conftest import serve
    from playwright.sync_api import sync_playwright

    found = []
    server = serve(outdir)
    base = next(server)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        for query in QUERIES * rounds:
            page = browser.new_page()  # a new page: nothing of the index cached
            fetched: list[Any] = []
            # From the page's opening: the engine's files load then, before any key.
            page.on("requestfinished", functools.partial(list.append, fetched))
            page.goto(f"{base}/search.html", wait_until="networkidle")
            page.click("#folio-search-q")
            page.keyboard.type(query, delay=30)
            began = time.perf_counter()
            page.wait_for_selector(".folio-result", timeout=30000)
            shown = time.perf_counter() - began  # from the last key, the page's pause (PAUSE) in it
            page.wait_for_load_state("networkidle")
            size = sum(r.sizes()["responseBodySize"] for r in fetched
                       if "/pagefind/" in r.url)
            found.append((query, size, shown, page.locator(".folio-result").count()))
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
    args = parser.parse_args()
    source = args.workdir / f"n{args.n}"
    if not (source / "conf.py").exists():
        generate(source, args.n)
    timings: dict[str, float] = {}
    print(f"N={args.n}  load {load()}")
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
    for query, size, shown, results in queries(source / "_build-pagefind" / "html", args.rounds):
        shown_ms.append(shown * 1000)
        print(f"query {query!r}: {size / 1000:.0f} kB fetched, first result {shown * 1000:.0f} ms "
              f"after the last key, {results} results shown  load {load()}", flush=True)
    print(f"first result: median {statistics.median(shown_ms):.0f} ms of {len(shown_ms)} "
          f"queries  load {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
