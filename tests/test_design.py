"""The design, measured: the PDF as a book of essays, the web page set for reading,
and Folio's styles kept to Folio's own pages (issue 11; issue 13, item 1).

The PDF is read with pdftotext (page by page, and with ``-layout`` for line
lengths); the web pages are opened in Debian's Chromium from a server on
127.0.0.1, so the self-hosted font loads as it would on a real host.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Built, build, require, serve

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-dev-shm-usage", "--disable-extensions", "--no-first-run"]
ESSAY = "essays/frankenstein-at-two-hundred.html"


# -- the PDF -------------------------------------------------------------------------------

def latexmk(folder: Path, name: str) -> Path:
    run = subprocess.run(["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error",
                          f"{name}.tex"], cwd=folder, capture_output=True, text=True,
                         timeout=600, check=False)
    assert run.returncode == 0, run.stdout[-3000:]
    return folder / f"{name}.pdf"


def pdf_pages(pdf: Path, layout: bool = False) -> list[str]:
    command = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def flat(text: str) -> str:
    """Text with words hyphenated across lines joined and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"-\n\s*", "", text)).strip()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, Path, Path]:
    """The sample's LaTeX, the collection's PDF and one essay's own PDF."""
    require("xelatex", "latexmk", "pdftotext")
    built = build(ROOT, "latex", builddir=tmp_path_factory.mktemp("design-latex"))
    assert built.warnings == ""
    return (built, latexmk(built.outdir, "margins"),
            latexmk(built.outdir, "frankenstein-at-two-hundred"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    built = build(ROOT, "html", builddir=tmp_path_factory.mktemp("design-html"))
    assert built.warnings == ""
    return built


def essay_titles(site: Built) -> list[str]:
    return [site.soup(str(p.relative_to(site.outdir))).h1.get_text(strip=True).rstrip("#")
            for p in sorted((site.outdir / "essays").glob("*.html"))]


def test_no_release_and_no_figure_numbers(book: tuple[Built, Path, Path]) -> None:
    _built, collection, essay = book
    for pdf in (collection, essay):
        text = "\n".join(pdf_pages(pdf))
        assert "Release" not in text
        assert not re.search(r"\bFig(\.|ure)\s*\d", text)
        assert "Cover of the" in text  # the captions are there, without a number
        assert "Writing guide" not in text and "Index" not in text.split()


def test_title_page_and_contents(book: tuple[Built, Path, Path], site: Built) -> None:
    _built, collection, _essay = book
    pages = pdf_pages(collection)
    title = flat(pages[0])
    assert title.startswith("Margins") and "HESTER VALE" in title.upper()
    assert re.search(r"\b20\d\d\b", title)  # the year
    contents = flat(pages[1])
    assert contents.startswith("Contents")
    for essay_title in essay_titles(site):
        assert re.search(re.escape(essay_title) + r"[ .]*\d+", contents), essay_title
    everything = "\n".join(pages)
    assert not re.search(r"\bchapter\s+(one|\d+)\b", everything, re.IGNORECASE)
    assert not re.search(r"^\s*\d+\.\d+\s+[A-Z]", everything, re.MULTILINE)  # no "1.1 Title"


def test_each_essay_opens_a_page(book: tuple[Built, Path, Path], site: Built) -> None:
    _built, collection, _essay = book
    page_starts = [flat(page) for page in pdf_pages(collection)]
    titles = essay_titles(site)
    assert len(titles) >= 9
    for title in titles:
        assert any(start.startswith(title) for start in page_starts), title


def test_measure_of_the_book(book: tuple[Built, Path, Path]) -> None:
    """Median line of body text (Butterick, Bringhurst: 45–75 characters)."""
    _built, collection, essay = book
    for pdf in (collection, essay):
        lines = [line.strip() for page in pdf_pages(pdf, layout=True)
                 for line in page.splitlines() if len(line.strip()) >= 30]
        median = statistics.median(len(line) for line in lines)
        assert 50 <= median <= 80, median


def test_quotation_and_its_page_share_a_page(book: tuple[Built, Path, Path],
                                             site: Built) -> None:
    _built, collection, _essay = book
    pages = [flat(page) for page in pdf_pages(collection)]
    checked = 0
    for path in sorted((site.outdir / "essays").glob("*.html")):
        soup = site.soup(str(path.relative_to(site.outdir)))
        for quote in soup.select(".folio-quote"):
            words = re.findall(r"[\w’']+", quote.blockquote.get_text())[-6:]
            ref = quote.select_one(".folio-page-ref").get_text(strip=True)
            tail = r"\W+".join(map(re.escape, words))
            # pdftotext may read the reference (set on the last line, flush right)
            # before the line's words: same page is what counts.
            holding = [page for page in pages if re.search(tail, page.replace(ref, " "))]
            assert holding and all(ref in page for page in holding), (path.name, words, ref)
            checked += 1
    assert checked >= 15


def test_the_text_face_is_in_the_pdf(book: tuple[Built, Path, Path]) -> None:
    _built, collection, _essay = book
    fonts = subprocess.run(["pdffonts", str(collection)], capture_output=True, text=True,
                           check=True).stdout
    if "GentiumBookPlus" not in fonts:  # a machine without fonts-sil-gentiumplus
        assert "FreeSerif" in fonts
    else:
        assert "GentiumBookPlus-Italic" in fonts


# -- the web page ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require(CHROMIUM)
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def served(site: Built) -> Iterator[str]:
    yield from serve(site.outdir)


def open_page(browser: Any, url: str, width: int = 1280) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    fetched: list[str] = []
    page.on("response", lambda response: fetched.append(response.url))
    page.goto(url, wait_until="networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page, fetched


def test_essay_is_set_in_the_self_hosted_face(site: Built, served: str, browser: Any) -> None:
    page, fetched = open_page(browser, f"{served}/{ESSAY}")
    family = page.evaluate(
        "getComputedStyle(document.querySelector('.folio-reading p')).fontFamily")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    page.close()
    assert family.split(",")[0].strip("\"' ") == "Gentium Book Plus"
    assert any(name.strip("\"'") == "Gentium Book Plus" for name in loaded)
    fonts = [url for url in fetched if "gentium" in url]
    assert fonts and all(url.startswith(f"{served}/_static/fonts/") for url in fonts)
    assert all(url.startswith(served) for url in fetched)  # no font service, nothing outside


LINE_LENGTHS = """
() => [...document.querySelectorAll('.folio-reading > p')]
  .filter(p => p.textContent.length > 300 && !p.querySelector('.folio-note'))
  .map(p => {
    const range = document.createRange(); range.selectNodeContents(p);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return p.textContent.replace(/\\s+/g, ' ').length / tops.size;
  })
"""


def test_measure_and_leading_on_the_web(site: Built, served: str, browser: Any) -> None:
    """60–75 characters a line (the last line of a paragraph is short, so the
    average of a paragraph errs low), line spacing within 140–150 %."""
    page, _fetched = open_page(browser, f"{served}/{ESSAY}")
    averages = page.evaluate(LINE_LENGTHS)
    leading = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('.folio-reading > p'));"
        " return parseFloat(s.lineHeight) / parseFloat(s.fontSize); })()")
    page.close()
    assert averages and 55 <= statistics.mean(averages) <= 75, averages
    assert 1.4 <= leading <= 1.5


def test_one_search_field_and_no_contents_column(site: Built, served: str,
                                                 browser: Any) -> None:
    page, _fetched = open_page(browser, f"{served}/{ESSAY}")
    visible = page.evaluate(
        "[...document.querySelectorAll('.search-button-field, input[type=search]')]"
        ".filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')"
        ".length")
    secondary = page.evaluate(
        "[...document.querySelectorAll('.bd-sidebar-secondary')]"
        ".filter(e => e.getClientRects().length).length")
    page.close()
    assert visible == 1
    assert secondary == 0


def test_quotation_is_in_the_body_ink_with_its_page_on_its_last_line(
        site: Built, served: str, browser: Any) -> None:
    page, _fetched = open_page(browser, f"{served}/{ESSAY}")
    result = page.evaluate("""(() => {
      const box = document.querySelector('.folio-quote');
      const quote = box.querySelector('blockquote'), ref = box.querySelector('.folio-page-ref a');
      const lines = [...quote.querySelectorAll('p')].pop().getClientRects();
      const last = lines[lines.length - 1], at = ref.getBoundingClientRect();
      const text = getComputedStyle(document.querySelector('.folio-reading > p')).color;
      return {same: Math.abs(last.bottom - at.bottom) < 4, ink: getComputedStyle(quote).color,
              text: text, background: getComputedStyle(quote).backgroundColor};
    })()""")
    page.close()
    assert result["same"]
    assert result["ink"] == result["text"]
    assert result["background"] in ("rgba(0, 0, 0, 0)", "transparent")


def test_tab_titles(site: Built) -> None:
    assert site.soup(ESSAY).title.get_text() == "Frankenstein at Two Hundred — Margins"
    assert site.soup("index.html").title.get_text() == "Margins"
    assert site.soup("library.html").title.get_text() == "Library — Margins"


def test_home_page_has_no_repeated_list_and_listings_introduce_themselves(site: Built) -> None:
    home = site.soup("index.html")
    assert not home.select(".toctree-wrapper li")
    assert len(home.select(".folio-essay")) >= 9
    genre = site.soup("genres/review.html").select_one(".folio-intro")
    assert genre is not None and "filed under review" in genre.get_text()
    tag = next((site.outdir / "tags").glob("s*.html"))
    assert "tagged" in site.soup(f"tags/{tag.name}").select_one(".folio-intro").get_text()
    for isbn in site.soup("library.html").select(".folio-isbn"):
        assert isbn.get_text().startswith("ISBN ")


def test_previous_and_next_go_by_date(site: Built) -> None:
    soup = site.soup(ESSAY)  # 11 March 2018: the oldest essay
    assert soup.select_one(".prev-next-area a.left-prev") is None
    nxt = soup.select_one(".prev-next-area a.right-next")
    assert nxt is not None and nxt["href"] == "the-whale-and-the-kitchen-table.html"  # 2019


# -- a guest in someone else's site ------------------------------------------------------------

GUEST_CONF = """
import sys
sys.path.insert(0, {ext!r})
project = "Field Notes"
author = "The Docs Team"
copyright = "2024 The Docs Team"
extensions = ["myst_parser"{folio}]
html_theme = "sphinx_book_theme"
exclude_patterns = ["_build"]
suppress_warnings = ["epub.unknown_project_files"]
"""

GUEST_ESSAY = """---
title: Reading Walden Slowly
author: Ada Byron
date: 2024-05-01
genre: review
---

A short note on a long book.
"""


def guest_site(folder: Path, folio: bool) -> Built:
    folder.mkdir(parents=True)
    (folder / "conf.py").write_text(GUEST_CONF.format(
        ext=str(ROOT / "_ext"), folio=', "folio"' if folio else ""), encoding="utf-8")
    (folder / "index.md").write_text(textwrap.dedent("""\
        # Field Notes

        ```{toctree}
        install
        essays/reading-walden
        ```
        """), encoding="utf-8")
    (folder / "install.md").write_text("# Installing\n\nRun the installer, then restart.\n",
                                       encoding="utf-8")
    (folder / "essays").mkdir()
    (folder / "essays" / "reading-walden.md").write_text(GUEST_ESSAY, encoding="utf-8")
    return build(folder, "html")


@pytest.fixture(scope="module")
def guests(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, Built]:
    base = tmp_path_factory.mktemp("guest")
    return guest_site(base / "with", True), guest_site(base / "without", False)


def test_a_plain_page_keeps_its_theme(guests: tuple[Built, Built], browser: Any) -> None:
    with_folio, without = guests
    styles = []
    for site in (with_folio, without):
        for url in serve(site.outdir):
            page, _fetched = open_page(browser, f"{url}/install.html")
            styles.append(page.evaluate(
                "(() => { const p = getComputedStyle(document.querySelector('article p'));"
                " return [p.fontFamily, p.fontSize, p.lineHeight,"
                " getComputedStyle(document.querySelector('.bd-article-container')).maxWidth,"
                " document.querySelectorAll('.folio-reading').length]; })()"))
            page.close()
    assert styles[0] == styles[1]
    assert styles[0][4] == 0
    assert "Gentium" not in styles[0][0]


def test_a_guest_essay_names_its_own_author(guests: tuple[Built, Built]) -> None:
    with_folio, _without = guests
    essay = with_folio.soup("essays/reading-walden.html")
    assert essay.select_one("section.folio-reading") is not None
    footer = essay.select_one(".bd-footer-content").get_text(" ", strip=True)
    assert "Ada Byron" in footer and "Docs Team" not in footer
    plain = with_folio.soup("install.html").select_one(".bd-footer-content")
    assert "The Docs Team" in plain.get_text(" ", strip=True)


# -- issue 20: a reader's page (masthead, notes beside the text, one design offline) --------

NOTED = "essays/frankenstein-at-two-hundred.html"  # the sample essay with three footnotes


def visible(page: Any, selector: str) -> list[dict[str, float]]:
    """The boxes of the elements a reader can see."""
    return page.evaluate("""sel => [...document.querySelectorAll(sel)]
      .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden'
                   && getComputedStyle(e).display !== 'none')
      .map(e => { const r = e.getBoundingClientRect();
                  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })""",
                         selector)


def test_masthead_and_a_centred_column_on_a_wide_screen(site: Built, served: str,
                                                        browser: Any) -> None:
    page, _fetched = open_page(browser, f"{served}/{NOTED}", width=1280)
    masthead = page.evaluate("""(() => {
      const bar = document.querySelector('header.folio-masthead');
      const links = [...bar.querySelectorAll('nav a')].map(a => [a.textContent.trim(),
                                                                  a.getAttribute('href')]);
      const form = bar.querySelector('form[role=search]');
      const field = form && form.querySelector('input[type=search][name=q]');
      const label = field && document.querySelector('label[for="' + field.id + '"]');
      return {links, action: form && form.getAttribute('action'), method: form && form.method,
              label: label && label.textContent.trim(),
              height: bar.getBoundingClientRect().height};
    })()""")
    column = page.evaluate("(() => { const r = document.querySelector('section.folio-reading')"
                           ".getBoundingClientRect(); return [r.left, r.right]; })()")
    toggles = visible(page, ".sidebar-toggle, .primary-toggle, .secondary-toggle, "
                            "button[aria-label*='navigation' i], .bd-sidebar-primary")
    page.close()
    hrefs = dict(masthead["links"])
    assert hrefs["Essays"] == "../archive.html"
    assert hrefs["Library"] == "../library.html" and hrefs["Quotations"] == "../quotations.html"
    assert hrefs["Tags"] == "../tags/index.html"
    assert masthead["action"] == "../search.html" and masthead["method"] == "get"
    assert masthead["label"]  # a real label, for a screen reader
    assert masthead["height"] < 70  # one slim bar
    assert abs((column[0] + column[1]) / 2 - 640) < 12, column  # centred in the window
    assert toggles == []  # no hamburger, no sidebar


def test_each_note_is_beside_its_mark_on_a_wide_screen(site: Built, served: str,
                                                       browser: Any) -> None:
    page, _fetched = open_page(browser, f"{served}/{NOTED}", width=1280)
    pairs = page.evaluate("""[...document.querySelectorAll('.folio-note')].map(note => {
      const mark = note.previousElementSibling.getBoundingClientRect();
      const box = note.getBoundingClientRect();
      const text = document.querySelector('section.folio-reading > p').getBoundingClientRect();
      return {mark: mark.top, top: box.top, left: box.left, right: box.right,
              column: text.right, shown: getComputedStyle(note).display};
    })""")
    page.close()
    assert len(pairs) == 3
    for pair in pairs:
        assert pair["shown"] != "none"
        assert pair["left"] > pair["column"] and pair["right"] <= 1280  # in the margin
        assert abs(pair["top"] - pair["mark"]) < 30, pair  # level with its line


@pytest.mark.parametrize("javascript", [True, False])
def test_a_note_opens_on_tap_on_a_phone(site: Built, served: str, browser: Any,
                                        javascript: bool) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  java_script_enabled=javascript, has_touch=True)
    page = context.new_page()
    page.goto(f"{served}/{NOTED}", wait_until="networkidle")
    note = page.locator(".folio-note").first
    assert not note.is_visible()
    page.locator(".folio-note-mark").first.tap()
    assert note.is_visible()
    assert "Villa Diodati" in note.inner_text()
    box = note.bounding_box()
    overflow = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert overflow <= 390  # nothing wider than the phone


@pytest.fixture(scope="module")
def epub_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    built = build(ROOT, "epub", builddir=tmp_path_factory.mktemp("design-epub"))
    assert built.warnings == ""
    return built


def test_epub_notes_are_pop_up_pairs(epub_build: Built) -> None:
    from conftest import epubcheck
    from lxml import etree

    # lxml's own namespaces: in a test worker that had run other tests, BeautifulSoup's
    # "xml" parser twice found no epub:type on a file that has three (CI, 3 December).
    xhtml, ops = "{http://www.w3.org/1999/xhtml}", "{http://www.idpf.org/2007/ops}"
    page = etree.parse(str(epub_build.outdir / "essays" / "frankenstein-at-two-hundred.xhtml"))
    marks = [a for a in page.iter(f"{xhtml}a") if a.get(f"{ops}type") == "noteref"]
    assert len(marks) == 3
    for mark in marks:
        found = page.xpath("//*[@id=$id]", id=mark.get("href", "").lstrip("#"))
        note = found[0] if found else None
        assert note is not None and note.tag == f"{xhtml}aside"
        assert note.get(f"{ops}type") == "footnote"
        assert "".join(note.itertext()).strip()
        back = next(note.iter(f"{xhtml}a"), None)
        assert back is not None and back.get("href") == f"#{mark.get('id')}"  # back to the mark
    report = epubcheck(epub_build.outdir / "margins.epub")
    assert "0 fatals / 0 errors / 0 warnings" in report, report[-2000:]
    essay = epub_build.outdir.parent / "downloads" / "frankenstein-at-two-hundred.epub"
    report = epubcheck(essay)
    assert "0 fatals / 0 errors / 0 warnings" in report, report[-2000:]


def test_every_epub_has_the_same_stylesheets(epub_build: Built) -> None:
    """The collection's ePub and an essay's own ePub: one design (issue 20)."""
    import zipfile

    def sheets(path: Path) -> set[str]:
        with zipfile.ZipFile(path) as book:
            return {Path(name).name for name in book.namelist() if name.endswith(".css")}

    essay = epub_build.outdir.parent / "downloads" / "frankenstein-at-two-hundred.epub"
    collection, own = sheets(epub_build.outdir / "margins.epub"), sheets(essay)
    assert "folio-epub.css" in collection and "folio-epub.css" in own
    assert {"folio.css", "epub.css"} <= own


def test_epub_contents_newest_first(epub_build: Built) -> None:
    from bs4 import BeautifulSoup

    nav = BeautifulSoup((epub_build.outdir / "nav.xhtml").read_text(), "xml")
    order = [a["href"] for a in nav.find_all("a") if a["href"].startswith("essays/")]
    home = BeautifulSoup((epub_build.outdir / "index.xhtml").read_text(), "xml")
    listed = [a["href"] for a in home.select(".folio-essay-title a")]
    assert order and [h.split("#")[0] for h in listed] == order  # contents page = navigation
    dates = [p.get_text() for p in home.select(".folio-essay-facts")]
    assert len(dates) == len(order) and all(re.search(r"\b(19|20)\d\d\b", d) for d in dates)
    assert order[0] == "essays/the-harpooners-wife.xhtml"  # the newest essay


def test_epub_navigation_gives_each_essay_its_date(epub_build: Built, site: Built) -> None:
    """nav.xhtml and toc.ncx (what a reading system shows as the contents): each essay's
    title and date, newest first, as its byline has them."""
    from bs4 import BeautifulSoup

    expected = [f"{title} · {date}" for title, date in dated_essays(site)]
    nav = BeautifulSoup((epub_build.outdir / "nav.xhtml").read_text(), "xml")
    shown = [a.get_text(strip=True) for a in nav.select("nav a")
             if a["href"].startswith("essays/")]
    assert shown == expected
    ncx = BeautifulSoup((epub_build.outdir / "toc.ncx").read_text(), "xml")
    points = [(p.navLabel.get_text(strip=True), p.content["src"])
              for p in ncx.find_all("navPoint")]
    assert [label for label, src in points if src.startswith("essays/")] == expected
    # The home page (the contents page with the essay list) keeps its own title.
    assert points[0][1] == "index.xhtml" and "·" not in points[0][0]


def page_of(pdf: Path, words: str) -> list[int]:
    """The pages (from 1) whose text holds ``words``, read one page at a time."""
    count = len(pdf_pages(pdf))
    found = []
    for number in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        if words in flat(text):
            found.append(number)
    return found


def test_pdf_footnotes_on_the_page_of_their_mark(book: tuple[Built, Path, Path]) -> None:
    _built, collection, essay = book
    # Each note's first words: TeX may carry a long note's end over to the next page,
    # as books do, but a note always begins under the line that calls it.
    notes = (("gave her the story", "The summer of 1816, at the Villa"),
             ("it is that he runs", "Prometheus made men out of clay"),
             ("once it is made", "She was eighteen when the story came"))
    for pdf in (collection, essay):
        for mark, note in notes:
            where = page_of(pdf, note)
            assert len(where) == 1, (pdf.name, note, where)
            assert where[0] in page_of(pdf, mark), (pdf.name, mark, where)


def opening_words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """Each word of a page and its box: (word, xMin, yMin, xMax, yMax)."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(m.group(5), *map(float, m.group(1, 2, 3, 4))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        xml)]


def opening(pdf: Path, page: int, title_word: str) -> dict[str, float]:
    """Where and how large an essay's title and subtitle are set on its first page."""
    boxes = opening_words(pdf, page)
    title = next(b for b in boxes if b[0] == title_word)
    subtitle = next(b for b in boxes if b[0] == "thoughts")
    body = next(b for b in boxes if b[0] == "I" and b[2] > subtitle[4] + 20)
    return {"title_top": title[2], "title_size": title[4] - title[2],
            "gap": subtitle[2] - title[4], "subtitle_size": subtitle[4] - subtitle[2],
            "indent": body[1]}


def test_one_opening_for_the_collection_and_an_essays_own_pdf(
        book: tuple[Built, Path, Path]) -> None:
    _built, collection, essay = book
    [first] = [n for n in page_of(collection, "Frankenstein at Two Hundred thoughts on")]
    mine, theirs = opening(collection, first, "Frankenstein"), opening(essay, 1, "Frankenstein")
    for key in mine:
        assert abs(mine[key] - theirs[key]) < 1.5, (key, mine, theirs)


def dated_essays(site: Built) -> list[tuple[str, str]]:
    """(title, date as the byline gives it) of every essay, newest first."""
    from datetime import datetime

    found = []
    for path in sorted((site.outdir / "essays").glob("*.html")):
        page = site.soup(str(path.relative_to(site.outdir)))
        title = page.h1.get_text(strip=True).rstrip("#")
        found.append((title, page.select_one(".folio-byline .folio-date").get_text(strip=True)))
    return sorted(found, key=lambda item: datetime.strptime(item[1], "%d %B %Y"), reverse=True)


def test_pdf_contents_newest_first_with_dates(book: tuple[Built, Path, Path],
                                              site: Built) -> None:
    """Issue 20: the contents were alphabetical and gave no dates."""
    _built, collection, _essay = book
    contents = flat(pdf_pages(collection, layout=True)[1])  # the dates under the titles
    essays = dated_essays(site)
    assert len(essays) >= 9
    # The introduction first, on page 1; then each essay, its page, then its date.
    places = [contents.index("Introduction . ")]
    assert re.match(r"Contents Introduction[ .]*1 ", contents), contents
    for title, date in essays:
        found = re.search(re.escape(title) + r"[ .]*\d+ " + re.escape(date) + r"\b", contents)
        assert found, (title, date, contents)
        places.append(found.start())
    assert places == sorted(places), contents


def test_pdf_opens_with_a_headed_introduction(book: tuple[Built, Path, Path],
                                              site: Built) -> None:
    """The home page's words had no heading on the PDF's first page (issue 20); they open
    the book as a chapter, "Introduction", set as an essay's title is."""
    _built, collection, _essay = book
    pages = pdf_pages(collection)
    first = flat(pages[2])
    assert first.startswith("Introduction Essays about books by Hester Vale"), first
    intro = next(p for p in site.soup("index.html").select("section p")
                 if "Essays about books by" in p.get_text())
    assert flat(intro.get_text()) in first
    # Set as an essay's title: the same size, centred like it.
    words = opening_words(collection, 3)
    heading = next(b for b in words if b[0] == "Introduction")
    [page] = page_of(collection, "Frankenstein at Two Hundred thoughts on")
    title = next(b for b in opening_words(collection, page) if b[0] == "Frankenstein")
    assert abs((heading[4] - heading[2]) - (title[4] - title[2])) < 0.5
    assert abs(heading[2] - title[2]) < 1.5  # the same drop from the top


def test_an_essays_own_pdf_opens_with_the_essay(book: tuple[Built, Path, Path]) -> None:
    """No introduction heading where there is no home page."""
    _built, _collection, essay = book
    assert flat(pdf_pages(essay)[0]).startswith("Frankenstein at Two Hundred thoughts on")


def test_summaries_set_book_titles_in_italics(site: Built) -> None:
    """A summary is plain text; the titles of the books its essay cites are <cite>."""
    home = site.soup("index.html")
    cited = {c.get_text() for c in home.select(".folio-summary cite")}
    assert {"Moby-Dick", "Jane Eyre"} <= cited, cited


def test_title_spans_keep_every_character() -> None:
    from folio.core.wording import title_spans
    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.text(max_size=80), st.lists(st.text(min_size=1, max_size=12), max_size=4))
    def check(text: str, titles: list[str]) -> None:
        spans = title_spans(text, titles)
        assert "".join(part for part, _title in spans) == text
        assert all(part in titles for part, is_title in spans if is_title)

    check()
    assert title_spans("Jane Eyre, Jane", ["Jane", "Jane Eyre"]) == (
        ("Jane Eyre", True), (", ", False), ("Jane", True))


def test_epub_page_reference_ends_its_quotation(epub_build: Built) -> None:
    """"(p274–275)" is the end of the quotation's last paragraph, not a block a line
    below it (issue 20), in the collection's ePub and in an essay's own."""
    import zipfile

    from bs4 import BeautifulSoup

    pages = {p.name: p.read_text() for p in (epub_build.outdir / "essays").glob("*.xhtml")}
    own = epub_build.outdir.parent / "downloads" / "the-whale-and-the-kitchen-table.epub"
    with zipfile.ZipFile(own) as book:
        pages["own"] = book.read("EPUB/essay.xhtml").decode()
    quotes = 0
    for name, xhtml in pages.items():
        for quote in BeautifulSoup(xhtml, "xml").select(".folio-quote"):
            quotes += 1
            assert quote.select("div.folio-page-ref") == [], (name, quote)
            last = quote.blockquote.find_all("p")[-1]
            ref = last.select_one("span.folio-page-ref .folio-page")
            assert ref is not None and ref.get_text().startswith("(p"), (name, quote)
            assert last.get_text().endswith(ref.get_text())
    assert quotes >= 10
    assert "(p274–275)" in pages["own"]


def test_epub_lists_show_no_bullets(epub_build: Built, browser: Any) -> None:
    """The contents page and related reading are lists a reader sees without bullets
    ("the index is a bulleted list"), drawn with the ePub's own stylesheets.  The
    module's browser, not a second Playwright: two in one process collide."""
    page = browser.new_page(viewport={"width": 600, "height": 900})
    seen = 0
    for name in ("index.xhtml", "essays/the-whale-and-the-kitchen-table.xhtml"):
        page.goto((epub_build.outdir / name).as_uri())
        found = page.evaluate("""() => [...document.querySelectorAll('li')]
            .filter(li => li.getClientRects().length > 0)
            .map(li => [getComputedStyle(li).listStyleType, li.textContent.trim()])""")
        seen += len(found)
        assert [f for f in found if f[0] != "none"] == [], (name, found)
    page.close()
    assert seen >= 5  # related reading's items at least
