"""Search at scale (issue 21): what Pagefind adds to the build, and what one query costs.

    .venv/bin/python bench/search.py --n 1000 [--workdir /tmp/folio-search-bench]

On a corpus from bench/generate.py (seeded): two clean ``html`` builds in this
process (``-j 1``), one with ``folio_search = "sphinx"`` (Sphinx's own index,
the build before this issue) and one with ``"pagefind"``; the second times
Folio's indexing step (``SiteIndex.update``: reading the essays' pages, the
records, Pagefind, writing ``pagefind/``) on its own.  Then the site is served
on 127.0.0.1 and Chromium types queries into the search page: the bytes the
page fetched from ``pagefind/`` for each query (after the page itself had
loaded) and the time from the last key to the first result drawn.  The load
average is printed beside every figure (the machine is shared).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
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


def build(source: Path, engine: str, timings: dict[str, float]) -> float:
    from folio.ext import search
    from sphinx.cmd.build import build_main

    out = source / f"_build-{engine}"
    shutil.rmtree(out, ignore_errors=True)
    update = search.SiteIndex.update

    def timed(self: Any, app: Any) -> None:
        began = time.perf_counter()
        update(self, app)
        timings[engine] = time.perf_counter() - began

    search.SiteIndex.update = timed  # type: ignore[method-assign]
    began = time.perf_counter()
    try:
        code = build_main(["-b", "html", "-q", "-E", "-D", f"folio_search={engine}",
                           "-d", str(out / "doctrees"), str(source), str(out / "html")])
    finally:
        search.SiteIndex.update = update  # type: ignore[method-assign]
    assert code == 0, code
    return time.perf_counter() - began


def queries(outdir: Path) -> list[tuple[str, int, float, int]]:
    from conftest import serve
    from playwright.sync_api import sync_playwright

    found = []
    server = serve(outdir)
    base = next(server)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        for query in QUERIES:
            page = browser.new_page()  # a new page: nothing of the index cached
            fetched: list[Any] = []
            page.goto(f"{base}/search.html", wait_until="networkidle")
            page.on("requestfinished", fetched.append)
            page.click("#folio-search-q")
            page.keyboard.type(query, delay=30)
            began = time.perf_counter()
            page.wait_for_selector(".folio-result", timeout=30000)
            shown = time.perf_counter() - began - 0.12  # less the page's 120 ms pause
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
    args = parser.parse_args()
    source = args.workdir / f"n{args.n}"
    if not (source / "conf.py").exists():
        generate(source, args.n)
    timings: dict[str, float] = {}
    print(f"N={args.n}  load {load()}")
    sphinx = build(source, "sphinx", timings)
    print(f"html build, Sphinx's search: {sphinx:.1f} s  load {load()}", flush=True)
    pagefind = build(source, "pagefind", timings)
    index = timings.get("pagefind", float("nan"))
    print(f"html build, Pagefind: {pagefind:.1f} s, of which indexing {index:.1f} s "
          f"({index / (pagefind - index):.1%} of the rest; whole build "
          f"{pagefind / sphinx - 1:+.1%} against Sphinx's search)  load {load()}", flush=True)
    bundle = source / "_build-pagefind" / "html" / "pagefind"
    files = [p for p in bundle.rglob("*") if p.is_file()]
    print(f"bundle: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB")
    for query, size, shown, results in queries(source / "_build-pagefind" / "html"):
        print(f"query {query!r}: {size / 1000:.0f} kB fetched, first result {shown * 1000:.0f} ms "
              f"after the last key, {results} results shown  load {load()}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
