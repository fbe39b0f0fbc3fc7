"""Pictures of a built collection, for a person to look at.

    .venv/bin/python tools/screenshots.py [--site _build/html]
        [--pdf _build/latex/margins.pdf] [--essay-pdf _build/downloads/ESSAY.pdf]
        [--epub _build/epub] [--out _build/artifacts] [--small docs/images]

Web pages are taken in Debian's Chromium (playwright, never a browser of its
own) from a server on 127.0.0.1, so the self-hosted fonts load as they would
on a real host; PDF pages are rendered with ``pdftoppm``: the collection's
title, contents, an essay's first page, a page with a cover, a quotation page
and a related-reading page, and one essay's own PDF's first page.  The ePub
page is the collection ePub's XHTML and stylesheets (the unpacked build in
``_build/epub``) drawn by Chromium at an e-reader's size: a reading system
adds its own margins and face, so this shows Folio's part only.  ``--small``
also writes downscaled copies (for docs/design.md) no wider than 900 pixels.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-dev-shm-usage", "--disable-extensions", "--no-first-run"]

#: (file name, page, viewport width, height, colour scheme, device scale)
WEB_SHOTS = (
    ("home", "index.html", 1280, 1000, "light", 1),
    ("essay-desktop", "essays/the-letter-from-the-north.html", 1280, 1400, "light", 1),
    ("essay-phone", "essays/the-letter-from-the-north.html", 390, 844, "light", 2),
    ("essay-dark", "essays/the-letter-from-the-north.html", 1280, 1000, "dark", 1),
    ("essay-quote", "essays/frankenstein-at-two-hundred.html", 1280, 2000, "light", 1),
    ("library", "library.html", 1280, 1000, "light", 1),
    ("genre", "genres/review.html", 1280, 800, "light", 1),
    ("archive", "archive.html", 1280, 1000, "light", 1),
)

#: (file name, page of the unpacked ePub, viewport width, height)
EPUB_SHOTS = (
    ("epub-essay", "essays/frankenstein-at-two-hundred.xhtml", 600, 900),
    ("epub-contents", "index.xhtml", 600, 900),
)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """The site over http://127.0.0.1 on a free port, for as long as it is needed."""
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def web_pictures(site: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, page_name, width, height, scheme, scale in WEB_SHOTS:
            if not (site / page_name).exists():
                continue
            context = browser.new_context(viewport={"width": width, "height": height},
                                          device_scale_factor=scale, color_scheme=scheme)
            page = context.new_page()
            # The theme keeps the reader's choice in localStorage; "auto" follows the system.
            page.add_init_script("localStorage.setItem('theme', 'auto');"
                                 "localStorage.setItem('mode', 'auto');")
            page.goto(f"{base}/{page_name}", wait_until="networkidle")
            page.evaluate("document.fonts.ready")
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=False)
            written.append(target)
            context.close()
        browser.close()
    return written


def epub_pictures(folder: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with serve(folder) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, page_name, width, height in EPUB_SHOTS:
            if not (folder / page_name).exists():
                continue
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base}/{page_name}", wait_until="networkidle")
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=False)
            written.append(target)
            page.close()
        browser.close()
    return written


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of a PDF."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")


def choose_pages(texts: list[str]) -> dict[str, int]:
    """Pages worth a look: title, contents, an essay's first page, a cover with a quote."""
    chosen = {"pdf-title": 1}
    for number, text in enumerate(texts, start=1):
        if "pdf-contents" not in chosen and re.search(r"^\s*Contents\s*$", text, re.M):
            chosen["pdf-contents"] = number
        if ("pdf-essay-first" not in chosen and "pdf-contents" in chosen
                and number > chosen["pdf-contents"] and re.search(r"\b(19|20)\d\d\b", text)
                and "Contents" not in text):
            chosen["pdf-essay-first"] = number
        if ("pdf-cover-quote" not in chosen and "Cover of" in text
                and re.search(r"\(p[0-9ivxl]", text)):
            chosen["pdf-cover-quote"] = number
        if ("pdf-quote" not in chosen and "Cover of" not in text
                and len(re.findall(r"\(p[0-9ivxl]", text)) >= 2):
            chosen["pdf-quote"] = number
        if "pdf-related" not in chosen and "Read something similar" in text:
            chosen["pdf-related"] = number
    return chosen


def pdf_pictures(pdf: Path, out: Path, essay_pdf: Path | None = None) -> list[Path]:
    chosen = [(pdf, name, number) for name, number in choose_pages(pdf_pages(pdf)).items()]
    if essay_pdf is not None and essay_pdf.is_file():
        chosen.append((essay_pdf, "pdf-essay-own", 1))
    written = []
    for source, name, number in chosen:
        stem = out / name
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(number), "-l", str(number),
                        "-singlefile", str(source), str(stem)], check=True)
        written.append(stem.with_suffix(".png"))
    return written


def downscale(picture: Path, target: Path, width: int = 900) -> None:
    """A smaller copy for the docs, drawn by Chromium (no imaging library needed)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(picture, Path(folder) / "p.png")
        html = Path(folder) / "p.html"
        html.write_text('<html><body style="margin:0"><img id="p" src="p.png" '
                        f'style="display:block;max-width:{width}px"></body></html>')
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": width, "height": 100})
            page.goto(html.as_uri(), wait_until="load")
            page.locator("#p").screenshot(path=str(target))
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("_build/html"))
    parser.add_argument("--pdf", type=Path, default=Path("_build/latex/margins.pdf"))
    parser.add_argument("--essay-pdf", type=Path,
                        default=Path("_build/downloads/frankenstein-at-two-hundred.pdf"))
    parser.add_argument("--epub", type=Path, default=Path("_build/epub"))
    parser.add_argument("--out", type=Path, default=Path("_build/artifacts"))
    parser.add_argument("--small", type=Path, help="also write downscaled copies here")
    parser.add_argument("--prefix", default="", help="file name prefix of the small copies")
    options = parser.parse_args(argv)
    options.out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if options.site.is_dir():
        written += web_pictures(options.site, options.out)
    else:
        print(f"no site at {options.site}: no web pictures", file=sys.stderr)
    if options.pdf.is_file():
        written += pdf_pictures(options.pdf, options.out, options.essay_pdf)
    else:
        print(f"no PDF at {options.pdf}: no PDF pictures", file=sys.stderr)
    if options.epub.is_dir():
        written += epub_pictures(options.epub, options.out)
    else:
        print(f"no unpacked ePub at {options.epub}: no ePub pictures", file=sys.stderr)
    for picture in written:
        print(picture)
        if options.small:
            options.small.mkdir(parents=True, exist_ok=True)
            name = f"{options.prefix}-{picture.name}" if options.prefix else picture.name
            downscale(picture, options.small / name,
                      width=440 if any(kind in picture.name for kind in ("phone", "pdf", "epub"))
                      else 900)
    return 0


if __name__ == "__main__":
    sys.exit(main())
