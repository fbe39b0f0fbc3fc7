"""Search that knows books (issue 21): Pagefind's index, and the search page in Chromium.

The ``folio`` root is built once as HTML and served on 127.0.0.1; the browser
types into the real search page.  What the index holds is also read straight
from the bundle (Pagefind's fragments are gzipped JSON), for the checks that
need no browser: what is left out, the guest site, the ePub and the PDF's
LaTeX, parallel and incremental builds.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import Built, build, copy_root, serve
from folio.core.records import Essay
from folio.ext.search import Facets, QuotationFacts, essay_markup, essay_meta
from hypothesis import given, settings
from hypothesis import strategies as st
from test_builds import edit
from test_live import fetch, live  # noqa: F401 (a fixture)
from test_validators import AXE_JS, AXE_TAGS, browser  # noqa: F401 (a fixture)


def indexed(outdir: Path) -> list[dict[str, Any]]:
    """Every result the bundle can give: its URL, text, meta and filters, by URL, its text
    and meta in the site's typography, as the search page reads them back."""
    from folio.core.pagefind import typography_back

    found = []
    for fragment in sorted((outdir / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        result = json.loads(data[len(b"pagefind_dcd"):])
        result["content"] = typography_back(result["content"])
        result["meta"] = {k: typography_back(v) for k, v in result["meta"].items()}
        found.append(result)
    return sorted(found, key=lambda d: d["url"])


def kind(result: dict[str, Any]) -> str:
    """A result's kind as the search page tells it: only a book carries the filter."""
    return "book" if result["filters"].get("kind") == ["book"] else "essay"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(copy_root("folio", tmp_path_factory.mktemp("search")))


@pytest.fixture(scope="module")
def served(site: Built) -> Iterator[str]:
    yield from serve(site.outdir)


def search(browser: Any, url: str) -> Any:  # noqa: F811
    """The search page at ``url``, once it has said what it found."""
    page = browser.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "document.getElementById('folio-search-status').textContent.length > 0")
    return page


# -- the index -------------------------------------------------------------------------------

def test_only_essays_quotations_and_books_are_indexed(site: Built) -> None:
    results = indexed(site.outdir)
    kinds = {d["url"]: kind(d) for d in results}
    essays = {u for u, k in kinds.items() if k == "essay"}
    assert essays == {f"/essays/{n}.html" for n in
                      ("ambition", "creature", "pemberley", "walking", "whale")}
    assert {u for u, k in kinds.items() if k == "book"} == {
        f"/books/{k}.html" for k in
        ("frankenstein", "moby-dick", "pride-and-prejudice", "walden")}
    # A quotation is found through its essay (test_an_essay_result_lists_its_quotations).
    assert set(kinds.values()) == {"essay", "book"}  # no home page, no listing
    assert not any(u in ("/", "/index.html") or u.startswith(("/genres", "/tags"))
                   for u in kinds)
    # No searchindex.js: Sphinx's own index is not made when Pagefind searches.
    assert not (site.outdir / "searchindex.js").exists()


def test_what_an_essay_result_holds(site: Built) -> None:
    creature = next(d for d in indexed(site.outdir) if d["url"] == "/essays/creature.html")
    assert creature["meta"] | {"title": "The Creature Speaks",
                                "date": "28 April 2019", "iso": "2019-04-28",
                                "genre": "review of Frankenstein",
                                "summary": "A monster who reads Milton."} == creature["meta"]
    assert creature["filters"]["genre"] == ["review"]
    assert sorted(creature["filters"]["tag"]) == ["ambition", "science"]
    assert creature["filters"]["book"] == ["frankenstein"]
    assert creature["filters"]["year"] == ["2019"]
    # The byline, permalink marks and the related reading are not the essay's text.
    assert "¶" not in creature["content"]
    assert "Read something" not in creature["content"]
    assert "complaint" in creature["content"]


def test_the_lines_under_a_title_are_not_the_essays_text(tmp_path: Path) -> None:
    """A part of a series names the other parts ("Next part: The Moors Speak"): a search
    for the next part's words should find that essay, not this one."""
    built = build(copy_root("library", tmp_path))
    jane = next(d for d in indexed(built.outdir) if d["url"] == "/essays/jane.html")
    page = built.soup("essays/jane.html")
    assert page.select_one(".folio-series-line") and page.select_one(".folio-rating-line")
    assert "Part 1 of" not in jane["content"] and "Next part" not in jane["content"]
    assert "out of 5" not in jane["content"] and "★" not in jane["content"]
    assert "resisted" in jane["content"]


def test_an_essay_result_lists_its_quotations(site: Built) -> None:
    """Each quotation's anchor, words, book and page; where Pagefind says the anchor is,
    the page's words are the quotation's (the search page marks the words found by it)."""
    results = indexed(site.outdir)
    quoted = 0
    for essay in (d for d in results if kind(d) == "essay"):
        words = re.split(r"[\r\n\s]+", essay["content"])  # as folio-search.js splits
        starts = {a["id"]: a["location"] for a in essay["anchors"]}
        for anchor, text, _book, _key, _page in json.loads(essay["meta"].get("quotations", "[]")):
            mine = text.split()
            assert [w.rstrip(".") for w in words[starts[anchor]:starts[anchor] + len(mine)]] == [
                w.rstrip(".") for w in mine], (essay["url"], anchor)
            quoted += 1
    assert quoted >= 5
    creature = next(d for d in results if d["url"] == "/essays/creature.html")
    listed = {q[0]: q for q in json.loads(creature["meta"]["quotations"])}
    _anchor, text, book, key, page = listed["quote-2"]
    assert "benevolent" in text
    assert (book, key, page) == ("Frankenstein", "frankenstein", "(p120–121)")
    assert creature["filters"]["book"] == ["frankenstein"]


def letters(word: str) -> str:
    """A word as Pagefind indexes it, before stemming: its letters and digits, lower case."""
    return "".join(c for c in word.lower() if c.isalnum())


def test_every_indexed_word_is_a_word_of_the_page(site: Built) -> None:
    """Pagefind indexes the words of meta values as well as the text: what Folio puts in
    meta must be words a reader reads, not runs of JSON glued together ("memory","almost"
    indexed as "memoryalmost", one such word beside each real one, and a search for the
    real one fetching them) nor the cover's address ("images", "svg")."""
    from bisect import bisect_left

    from folio.core.pagefind import TYPOGRAPHY, unpack

    written = set()
    for result in indexed(site.outdir):
        values = [result["content"], *(v for k, v in result["meta"].items() if k != "quotations")]
        for quotation in json.loads(result["meta"].get("quotations", "[]")):
            values += quotation
        for value in values:
            for word in str(value).split():
                # Pagefind also indexes a word's parts (p120–121: p, 120, 121, 120–121).
                parts = re.findall(r"[^\W\d_]+|\d+", word)
                written.update("".join(parts[i:j]).lower() for i in range(len(parts))
                               for j in range(i + 1, len(parts) + 1))
    known = sorted(written)
    stems = [entry[0] for chunk in sorted((site.outdir / "pagefind" / "index").glob("*"))
             for entry in unpack(chunk.read_bytes())[0]]
    assert len(stems) > 100
    for stem in stems:
        start = letters(stem)[:-1]  # happi from happy: the stem less its last letter
        at = bisect_left(known, start)
        assert at < len(known) and known[at].startswith(start), stem
    assert "svg" not in stems and "imag" not in stems
    # Nor a word with a quotation mark or dash in it ("creature’" beside "creatur").
    assert [stem for stem in stems if set(stem) & set(TYPOGRAPHY)] == []


def test_the_part_sent_indexes_as_the_whole_page(site: Built) -> None:
    """Pagefind is sent only an essay's marked part; it indexes what the whole page gives."""
    from folio.core.pagefind import PagefindService
    from folio.ext.search import NOT_TEXT, indexed_part

    pages = {f"/essays/{p.name}": p.read_text(encoding="utf-8")
             for p in sorted((site.outdir / "essays").glob("*.html"))}
    config = {"force_language": "en", "exclude_selectors": list(NOT_TEXT)}
    fragments = []
    for part in (lambda page: page, indexed_part):
        service = PagefindService(config)
        try:
            service.add_pages((url, part(page)) for url, page in pages.items())
            files = service.files()
        finally:
            service.close()
        fragments.append(sorted(gzip.decompress(data).decode() for name, data in files.items()
                                if name.startswith("fragment/")))
    assert len(fragments[0]) == 5 and fragments[0] == fragments[1]
    assert all(len(indexed_part(page)) < len(page) / 2 for page in pages.values())


# -- the search page in Chromium ------------------------------------------------------------------

def test_a_word_from_an_essay_finds_it(served: str, browser: Any) -> None:  # noqa: F811
    page = search(browser, f"{served}/search.html?q=complaint")
    essays = page.locator(".folio-search-essays .folio-result")
    assert essays.count() == 1
    result = essays.first
    assert result.locator(".folio-result-title a").inner_text() == "The Creature Speaks"
    assert result.locator("a").first.get_attribute("href").endswith("/essays/creature.html")
    facts = result.locator(".folio-result-facts").inner_text()
    assert "28 April 2019" in facts and "review of Frankenstein" in facts
    assert result.locator("time").get_attribute("datetime") == "2019-04-28"
    assert result.locator(".folio-result-snippet mark").first.inner_text() == "complaint"
    assert "essay" in page.inner_text("#folio-search-status")
    page.close()


@pytest.mark.parametrize("word", ["grey", "unmoved", "kept", "harpooneer"])
def test_a_word_beside_a_dash_or_a_quotation_mark_is_found(
        served: str, browser: Any, word: str) -> None:  # noqa: F811
    """"sea—grey, ‘unmoved’—kept": Pagefind splits words only at ASCII marks, so Folio
    sends these as ASCII and the page shows them as written."""
    page = search(browser, f"{served}/search.html?q={word}")
    essays = page.locator(".folio-search-essays .folio-result")
    assert essays.count() == 1
    assert essays.first.locator(".folio-result-title a").inner_text() == "The Whale Road"
    snippet = essays.first.locator(".folio-result-snippet").inner_text()
    assert "harpooneer’s sea—grey, ‘unmoved’—kept" in snippet and "`" not in snippet
    assert word in essays.first.locator(".folio-result-snippet mark").first.inner_text()
    page.close()


def pagefinds_stems(words: list[str]) -> dict[str, str]:
    """What Pagefind's English stemmer makes of each word: one record per word, its stem
    read back from the index (each entry a stem and its pages, numbered as the meta file
    lists them, each number the difference from the one before)."""
    from folio.core.pagefind import PagefindService, unpack

    service = PagefindService({"force_language": "en"})
    try:
        service.add_records({"url": f"/{i}", "content": word, "language": "en", "meta": {},
                             "filters": {}, "sort": {}} for i, word in enumerate(words))
        files = service.files()
    finally:
        service.close()
    meta = unpack(next(data for name, data in files.items() if name.endswith(".pf_meta")))
    url_of = {name.split("/")[1].split(".")[0]: json.loads(
                  gzip.decompress(data)[len(b"pagefind_dcd"):])["url"]
              for name, data in files.items() if name.startswith("fragment/")}
    pages = [url_of[page[0]] for page in meta[1]]
    stems = {}
    for name, data in files.items():
        if name.startswith("index/"):
            for entry in unpack(data)[0]:
                number = 0
                for page in entry[1]:
                    number += page[0]
                    stems[words[int(pages[number][1:])]] = entry[0]
    return stems


#: Word forms that take each of the English stemmer's steps and exceptions
#: (snowballstem.org/algorithms/english), beside the site's own words.
ENDINGS = ("", "s", "es", "'s", "ed", "ing", "ly", "edly", "ingly", "ness", "ful", "fulness",
           "ation", "ational", "ator", "ance", "ence", "ement", "ment", "ent", "ism", "ist",
           "ogist", "ology", "ity", "ive", "ize", "ization", "ous", "ously", "al", "ally",
           "er", "eed", "eedly", "y", "ies", "ied", "li", "able", "ible", "ic", "ical")
EXCEPTIONS = ("skis", "skies", "dying", "lying", "tying", "idly", "gently", "ugly", "early",
              "only", "singly", "sky", "news", "howe", "atlas", "cosmos", "bias", "andes",
              "succeed", "proceed", "exceed", "canning", "inning", "outing", "herring",
              "earring", "evening", "evenings", "added", "adding", "generous", "general",
              "generate", "communal", "community", "arsenal", "arsenic", "emergency",
              "emerge", "internal", "international", "internment", "interval",
              "interfered", "interfering", "interference", "organ", "organic", "organize",
              "past", "paste", "later", "lateral", "universe", "universal", "university",
              "geologist", "geology", "yelling", "sayings", "cried", "ties", "hopping",
              "hoping", "filing", "filling", "luxuriate", "conditional", "abominable")


def test_the_pages_stemmer_is_pagefinds(site: Built, served: str,
                                        browser: Any) -> None:  # noqa: F811
    """The search page hands Pagefind stems (forPagefind): they must be the stems Pagefind
    makes, or a word would look for what the index does not hold."""
    text = " ".join(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text(" ")
                    for p in sorted(site.outdir.glob("essays/*.html")))
    own = sorted({w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2})
    roots = ("book", "gener", "nation", "hope", "rational", "sense", "memory", "quiet", "walk",
             "read", "whale", "create", "relate", "fortune", "agree", "happy", "nerve")
    words = sorted({*own, *EXCEPTIONS, *(root + end for root in roots for end in ENDINGS)})
    assert len(words) > 800
    expected = pagefinds_stems(words)
    assert len(expected) == len(words)
    page = browser.new_page()
    page.goto(f"{served}/search.html", wait_until="load")
    stemmer = page.locator("form[data-folio-search]").get_attribute("data-stemmer")
    assert stemmer and stemmer.endswith("_static/snowball/english-stemmer.js")
    got = page.evaluate("""async ([address, words]) => {
        const English = (await import(new URL(address, document.baseURI).href)).default;
        const english = new English();
        return Object.fromEntries(words.map((word) => [word, english.stemWord(word)]));
    }""", [stemmer, words])
    assert {w: s for w, s in got.items() if s != expected[w]} == {}
    page.close()


def test_pagefind_is_handed_each_words_stem(served: str, browser: Any) -> None:  # noqa: F811
    """Pagefind looks up the typed word as well as its stem and fetches the index chunk of
    each: handed the stem, it fetches one. A stem that stems again to something shorter is
    not handed over ("early" → "earli" → "ear" would find "earth"), nor a word of other
    letters or with a mark inside; quotation marks (words in a row) stay."""
    page = browser.new_page()
    page.goto(f"{served}/search.html", wait_until="load")
    handed = page.evaluate("""async (queries) => {
        const form = document.querySelector("form[data-folio-search]");
        const script = document.querySelector('script[src*="folio-search.js"]').src;
        const { forPagefind } = await import(script);
        const English = (await import(new URL(form.dataset.stemmer, document.baseURI).href))
          .default;
        const english = new English();
        const stem = (word) => english.stemWord(word);
        return queries.map((query) => [forPagefind(query, stem), forPagefind(query, undefined)]);
    }""", ["Garden memory", "early  whales", '"whale roads"', "Creatures,", "o'clock",
           "café memories", "1851 harpooneers"])
    assert handed == [["Garden memori", "Garden memory"], ["early  whale", "early  whales"],
                      ['"whale road"', '"whale roads"'], ["creatur", "Creatures,"],
                      ["o'clock", "o'clock"], ["café memori", "café memories"],
                      ["1851 harpoon", "1851 harpooneers"]]
    page.close()


@pytest.mark.parametrize("typed", ["complaints", "Complaint,", "COMPLAINTS"])
def test_a_word_is_found_as_the_reader_types_it(
        served: str, browser: Any, typed: str) -> None:  # noqa: F811
    page = search(browser, f"{served}/search.html?q={typed}")
    essays = page.locator(".folio-search-essays .folio-result")
    assert essays.count() == 1
    assert essays.first.locator(".folio-result-title a").inner_text() == "The Creature Speaks"
    assert essays.first.locator(".folio-result-snippet mark").first.inner_text() == "complaint"
    page.close()


@pytest.mark.parametrize(("language", "stemmed"), [("en_GB", True), ("fr", False)])
def test_the_sites_language_is_pagefinds(tmp_path: Path, language: str, stemmed: bool) -> None:
    """Sphinx's ``en_GB`` goes to Pagefind as ``en-GB`` (told ``en_GB`` it stemmed
    nothing); the search page has the English stemmer only where Pagefind stems English."""
    from folio.core.pagefind import unpack

    built = build(copy_root("folio", tmp_path), language=language)
    stems = {entry[0] for chunk in sorted((built.outdir / "pagefind" / "index").glob("*"))
             for entry in unpack(chunk.read_bytes())[0]}
    if stemmed:  # and in French, by Pagefind's French stemmer, which the page does not have
        assert "creatur" in stems and "creature" not in stems and "complaint" in stems
    assert [p.name.split("_")[0] for p in (built.outdir / "pagefind").glob("*.pf_meta")] == [
        f"pagefind.{language.replace('_', '-')}"]
    form = built.soup("search.html").select_one("form[data-folio-search]")
    assert form is not None and form.has_attr("data-stemmer") == stemmed


def test_a_word_from_a_quotation_finds_it_and_opens_the_essay_there(
        served: str, browser: Any) -> None:  # noqa: F811
    page = search(browser, f"{served}/search.html?q=benevolent")
    quote = page.locator(".folio-search-quotations .folio-result").first
    assert "benevolent" in quote.locator("mark").first.inner_text()
    facts = quote.locator(".folio-result-facts").inner_text()
    assert "Frankenstein" in facts and "(p120–121)" in facts
    quote.locator("blockquote a").click()
    page.wait_for_url(re.compile(r"/essays/creature\.html#quote-2$"))
    assert page.evaluate("document.getElementById(location.hash.slice(1)) !== null")
    assert "benevolent" in page.evaluate(
        "document.getElementById(location.hash.slice(1)).textContent")
    page.close()


def test_a_book_title_finds_the_book(served: str, browser: Any) -> None:  # noqa: F811
    page = search(browser, f"{served}/search.html?q=walden")
    book = page.locator(".folio-search-books .folio-result")
    assert book.count() == 1
    assert book.locator("a").inner_text() == "Walden"
    assert book.locator("a").get_attribute("href").endswith("/books/walden.html")
    assert "Henry David Thoreau" in book.locator(".folio-result-facts").inner_text()
    book.locator("a").click()
    page.wait_for_url(re.compile(r"/books/walden\.html$"))
    assert "Walden" in page.locator("h1").first.inner_text()
    page.close()


def test_the_address_narrows_by_genre(served: str, browser: Any) -> None:  # noqa: F811
    page = search(browser, f"{served}/search.html?q=frankenstein")
    every = page.locator(".folio-search-essays .folio-result-genre").all_inner_texts()
    page.goto(f"{served}/search.html?q=frankenstein&genre=review")
    page.wait_for_function(
        "document.getElementById('folio-search-status').textContent.length > 0")
    narrowed = page.locator(".folio-search-essays .folio-result-genre").all_inner_texts()
    assert len(every) >= 3 and narrowed == ["review of Frankenstein"]
    assert page.locator("select[name=genre]").input_value() == "review"
    # Choosing in the form narrows as well, and the address says so (a link to share).
    page.select_option("select[name=genre]", "fiction")
    page.wait_for_function("location.search.includes('genre=fiction')")
    page.wait_for_function("""[...document.querySelectorAll('.folio-search-essays a')]
        .map(a => a.textContent).join() === 'The Whale Road'""")
    page.close()


def test_typing_searches_and_is_announced(served: str, browser: Any) -> None:  # noqa: F811
    page = browser.new_page()
    page.goto(f"{served}/search.html", wait_until="load")
    assert page.evaluate("document.activeElement.id") == "folio-search-q"
    status = page.locator("#folio-search-status")
    assert status.get_attribute("aria-live") == "polite"
    page.keyboard.type("ishmael")
    page.wait_for_function("location.search === '?q=ishmael'")
    page.wait_for_function(
        "document.getElementById('folio-search-status').textContent.includes('ishmael')")
    assert page.locator(".folio-search-quotations a").first.inner_text() == "Call me Ishmael."
    page.keyboard.press("Tab")  # the search button, then the first filter
    page.close()


#: An essay with more quotations than the search page draws at once (Thoreau's "Walking", 1862).
MANY_QUOTATIONS = """---
title: Sauntering
date: 2022-06-01
genre: opinion
summary: Six lines from Walking.
---

Thoreau's {book}`thoreau-walking` is an essay about going out.

```{book-citation} thoreau-walking
:title: Walking
:author: Henry David Thoreau
:year: 1862
```
""" + "".join(f"""
```{{page-quote}} {page}
{words}
```
""" for page, words in ((1, "I wish to speak a word for Nature, for absolute freedom."),
                        (2, "Every walk is a sort of crusade."),
                        (5, "Life consists with wildness."),
                        (6, "The most alive is the wildest."),
                        (7, "In Wildness is the preservation of the World."),
                        (9, "We had a remarkable sunset one day last November.")))


def test_the_first_few_are_drawn_and_more_on_asking(tmp_path: Path,
                                                    browser: Any) -> None:  # noqa: F811
    """Each kind draws its first few results (one fragment fetched each); "more" the rest."""
    source = copy_root("folio", tmp_path)
    (source / "essays" / "sauntering.md").write_text(MANY_QUOTATIONS, encoding="utf-8")
    built = build(source)
    server = serve(built.outdir)
    served = next(server)
    try:
        page = browser.new_page()
        fragments: list[str] = []
        page.on("request", lambda r: fragments.append(r.url) if "fragment" in r.url else None)
        page.goto(f"{served}/search.html?book=thoreau-walking", wait_until="load")
        page.wait_for_function(
            "document.getElementById('folio-search-status').textContent.length > 0")
        assert "6 quotations" in page.inner_text("#folio-search-status")
        quotations = page.locator(".folio-search-quotations .folio-result")
        assert quotations.count() == 4
        page.wait_for_load_state("networkidle")
        drawn = page.locator(".folio-result").count()
        # 1 essay, 4 of its quotations, 1 book: the quotations come in the essay's fragment.
        assert drawn == 6 and len(set(fragments)) == 2 == len(fragments)
        page.locator(".folio-search-quotations .folio-search-more").click()
        page.wait_for_function(
            "document.querySelectorAll('.folio-search-quotations .folio-result').length == 6")
        assert page.locator(".folio-search-quotations .folio-search-more").count() == 0
        assert len(fragments) == 2
        # The kinds keep their order, whichever answered first.
        assert [h.text_content() for h in page.locator("#folio-search-results h2").all()] == [
            "Essays", "Quotations", "Books"]
        page.close()
    finally:
        server.close()  # the server stops


def test_results_use_the_sites_text_face(served: str, browser: Any) -> None:  # noqa: F811
    page = search(browser, f"{served}/search.html?q=frankenstein")
    faces = page.evaluate("""[...document.querySelectorAll('.folio-result, #folio-search-q')]
        .map(e => getComputedStyle(e).fontFamily)""")
    assert faces and all(face.startswith('"Gentium Book Plus"') for face in faces), faces
    page.close()


def test_no_result_for_the_home_page(served: str, browser: Any) -> None:  # noqa: F811
    # Every essay's title is on the home page (its essay list): only the essays answer.
    page = search(browser, f"{served}/search.html?q=pemberley")
    hrefs = page.evaluate("[...document.querySelectorAll('#folio-search-results a')]"
                          ".map(a => new URL(a.href).pathname)")
    assert "/essays/pemberley.html" in hrefs
    assert not any(h in ("/", "/index.html") for h in hrefs), hrefs
    page.close()


def test_axe_passes_with_results_shown(served: str, browser: Any) -> None:  # noqa: F811
    page = search(browser, f"{served}/search.html?q=frankenstein")
    assert page.locator(".folio-result").count() >= 3
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", AXE_TAGS)
    assert result["testEngine"]["name"] == "axe-core"
    assert [v["id"] for v in result["violations"]] == []
    page.close()


# -- left out, and other sites and outputs --------------------------------------------------------

def test_pages_can_be_left_out(tmp_path: Path) -> None:
    source = copy_root("folio", tmp_path)
    edit(source / "essays/whale.md", "genre: fiction", "genre: fiction\nnosearch: true")
    built = build(source, folio_search_exclude=["essays/walk*"])
    urls = {d["url"].split("#")[0] for d in indexed(built.outdir)}
    assert "/essays/whale.html" not in urls and "/essays/walking.html" not in urls
    assert "/essays/creature.html" in urls
    assert not built.soup("essays/whale.html").select("[data-pagefind-body]")
    assert built.warnings == ""


def test_a_guest_keeps_its_sites_search(tmp_path: Path) -> None:
    guest = build(copy_root("guest", tmp_path / "guest"))
    assert (guest.outdir / "searchindex.js").is_file() and not (guest.outdir / "pagefind").exists()
    # Its search page loads Sphinx's scripts, as on any Sphinx site.
    assert sorted(sphinx_search_scripts(guest, "search.html")) == sorted(SPHINX_SEARCH_SCRIPTS)
    assert not guest.soup("reading-notes/elements-of-style.html").select("[data-pagefind-body]")
    asked = build(copy_root("guest", tmp_path / "asked"), folio_search="pagefind")
    assert [d["url"] for d in indexed(asked.outdir)
            if kind(d) == "essay"] == ["/reading-notes/elements-of-style.html"]


SPHINX_SEARCH_SCRIPTS = ("searchtools.js", "language_data.js", "searchindex.js")


def sphinx_search_scripts(built: Built, page: str) -> list[str]:
    """Every Sphinx search script the page loads or links to, however it is written."""
    soup = built.soup(page)
    addresses = [str(e.get("src") or e.get("href")) for e in soup.select("script[src], link[href]")]
    return [name for name in (a.split("?")[0].rsplit("/", 1)[-1] for a in addresses)
            if name in SPHINX_SEARCH_SCRIPTS]


@pytest.mark.parametrize("theme", ["sphinx_book_theme", "pydata_sphinx_theme", "alabaster"])
def test_no_page_loads_sphinx_search_scripts_with_pagefind(tmp_path: Path, theme: str) -> None:
    """pydata-sphinx-theme writes them into every page; there is no searchindex.js to load."""
    built = build(copy_root("folio", tmp_path), html_theme=theme)
    assert not (built.outdir / "searchindex.js").exists()
    for page in ("index.html", "essays/creature.html", "search.html"):
        assert sphinx_search_scripts(built, page) == [], page
        assert built.soup(page).select("script[src*='_static/doctools.js']")  # the rest stays
    assert built.soup("index.html").select('meta[name="viewport"]')  # the rest of the head


def test_sphinx_search_scripts_are_found_however_written() -> None:
    from folio.ext.search import without_sphinx_search

    head = ('<meta name="viewport" content="width=device-width">\n'
            '<script src="../_static/searchtools.js?v=5e2b"></script>\n'
            "<script defer src='_static/language_data.js'></script>\n"
            '<SCRIPT type="text/javascript" src=searchindex.js async></SCRIPT>\n'
            '<script src="_static/doctools.js?v=9a2dae69"></script>\n'
            '<script src="_static/my-searchindex.js.map.js"></script>\n'
            "<script>var searchindex = 'searchindex.js';</script>\n")
    kept = without_sphinx_search(head)
    assert "searchtools" not in kept and "language_data" not in kept
    assert "src=searchindex.js" not in kept
    assert kept == ('<meta name="viewport" content="width=device-width">\n'
                    '<script src="_static/doctools.js?v=9a2dae69"></script>\n'
                    '<script src="_static/my-searchindex.js.map.js"></script>\n'
                    "<script>var searchindex = 'searchindex.js';</script>\n")


def test_sphinx_search_when_asked(tmp_path: Path) -> None:
    built = build(copy_root("folio", tmp_path), folio_search="sphinx",
                  html_theme="sphinx_book_theme")
    assert (built.outdir / "searchindex.js").is_file() and not (built.outdir / "pagefind").exists()
    # The theme's search scripts stay, as on any Sphinx site.
    assert sorted(sphinx_search_scripts(built, "index.html")) == sorted(SPHINX_SEARCH_SCRIPTS)


def test_a_bad_setting_is_one_warning(tmp_path: Path) -> None:
    built = build(copy_root("folio", tmp_path), folio_search="lunr")
    assert built.warnings.count("folio_search must be") == 1
    assert (built.outdir / "pagefind" / "pagefind.js").is_file()


@pytest.mark.parametrize("builder", ["epub", "latex"])
def test_offline_outputs_are_untouched(tmp_path: Path, builder: str) -> None:
    built = build(copy_root("folio", tmp_path), builder)
    assert not (built.outdir / "pagefind").exists()
    for path in built.outdir.rglob("*"):
        if path.suffix in {".xhtml", ".html", ".tex"}:
            assert "pagefind" not in path.read_text(encoding="utf-8"), path


def bundle(outdir: Path) -> dict[str, bytes]:
    """Every file of the bundle, by its path in it."""
    folder = outdir / "pagefind"
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_clean_builds_write_the_same_bundle(tmp_path: Path) -> None:
    """Byte for byte, filter files too (Pagefind writes those in hash-map order)."""
    first = bundle(build(copy_root("folio", tmp_path / "one")).outdir)
    second = bundle(build(copy_root("folio", tmp_path / "two")).outdir)
    assert first == second
    assert len([n for n in first if n.startswith("filter/")]) == 5  # kind, genre, tag, book, year


def test_filter_files_are_sorted_and_named_as_pagefind_names_them(site: Built) -> None:
    """Each filter's values in order; every index file named by its content as Pagefind does
    (the word index and fragments are Pagefind's own names: the rule is checked on them)."""
    from folio.core.pagefind import SIGNATURE, pagefind_hash, unpack

    files = bundle(site.outdir)
    for name, data in files.items():
        if name.endswith((".pf_filter", ".pf_index", ".pf_meta")):
            stem = name.rsplit("/", 1)[-1].removeprefix("pagefind.").split(".")[0]
            language, short = stem.split("_", 1)
            content = gzip.decompress(data)[len(SIGNATURE):]
            assert language == "en" and pagefind_hash(content).startswith(short), name
    filters = {unpack(data)[0]: unpack(data)[1] for name, data in files.items()
               if name.startswith("filter/")}
    assert set(filters) == {"kind", "genre", "tag", "book", "year"}
    for values in filters.values():
        assert [v for v, _pages in values] == sorted(v for v, _pages in values)
    assert [v for v, _pages in filters["kind"]] == ["book"]  # essays are what is not a book
    (meta,) = [name for name in files if name.endswith(".pf_meta")]
    listed = unpack(files[meta])[3]
    assert [f for f, _hash in listed] == sorted(filters)
    assert {f"filter/{h}.pf_filter" for _f, h in listed} == {
        n for n in files if n.startswith("filter/")}
    entry = json.loads(files["pagefind-entry.json"])
    assert meta == f"pagefind.{entry['languages']['en']['hash']}.pf_meta"


def test_parallel_and_incremental_index_the_same(tmp_path: Path) -> None:
    serial = build(copy_root("folio", tmp_path / "serial"))
    parallel = build(copy_root("folio", tmp_path / "parallel"), parallel=2)
    assert indexed(serial.outdir) == indexed(parallel.outdir)
    # The serial build sent its pages while writing, the parallel one at the end: same order.
    assert bundle(serial.outdir) == bundle(parallel.outdir)
    source = copy_root("folio", tmp_path / "edited")
    build(source)
    edit(source / "essays/whale.md", "Call me Ishmael.", "Call me Ishmael, said the sailor.")
    incremental = build(source, fresh=False)
    clean = build(copy_root("folio", tmp_path / "clean"))
    edit(clean.srcdir / "essays/whale.md", "Call me Ishmael.", "Call me Ishmael, said the sailor.")
    clean = build(clean.srcdir)
    assert indexed(incremental.outdir) == indexed(clean.outdir)
    assert bundle(incremental.outdir) == bundle(clean.outdir)
    assert any("sailor" in d["content"] for d in indexed(incremental.outdir))


def test_pages_are_sent_while_sphinx_writes(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind reads the essays' pages during the writing, not all after it."""
    from folio.ext.search import SiteIndex

    sent_before_the_end: list[int] = []
    run = SiteIndex.run

    def spy(self: SiteIndex, job: Any) -> None:  # after the pages sent ahead were sent
        sent_before_the_end.append(len(self.pages))
        run(self, job)

    monkeypatch.setattr(SiteIndex, "run", spy)
    source = copy_root("folio", tmp_path / "site")
    built = build(source)
    # index.md is written after every essays/*.md: by then each essay's page was sent.
    assert sent_before_the_end == [5]
    # -j 2 writes in other processes: the pages are sent as they appear (at most all but
    # the last essay's, test_a_parallel_builds_pages_are_sent_once_the_next_is_there) or
    # at the end, in the same order.
    parallel = build(copy_root("folio", tmp_path / "other"), parallel=2)
    assert sent_before_the_end[0] == 5 and sent_before_the_end[1] <= 4
    assert bundle(built.outdir) == bundle(parallel.outdir)
    # An edit to a page that is not an essay sends nothing ahead and leaves the bundle alone.
    entry = built.outdir / "pagefind" / "pagefind-entry.json"
    before = entry.stat().st_mtime_ns
    edit(source / "index.md", "# Test Folio", "# Test Folio\n\nA new line on the home page.")
    build(source, fresh=False)
    assert sent_before_the_end[-1] == 0 and entry.stat().st_mtime_ns == before


def test_a_parallel_builds_pages_are_sent_once_the_next_is_there(tmp_path: Path) -> None:
    """Sphinx's -j writes the pages in name order in another process: a page is final (and
    sent) when the next essay's page is there; the last one is left for the end."""
    import queue

    from folio.ext.search import SiteIndex

    index = SiteIndex()
    outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
    index.outbox = outbox
    pages = [(f"essays/{n}", f"/essays/{n}.html", tmp_path / f"{n}.html") for n in "abc"]
    watching = threading.Thread(target=index.watcher, args=(pages,), daemon=True)
    watching.start()

    def sent(wait: float) -> list[str]:
        try:
            return [url for url, _path in outbox.get(timeout=wait)]
        except queue.Empty:
            return []

    try:
        pages[0][2].write_text("a", encoding="utf-8")
        assert sent(0.8) == []  # the next page is not there: "a" may still be written
        pages[1][2].write_text("b", encoding="utf-8")
        assert sent(5) == ["/essays/a.html"]
        pages[2][2].write_text("c", encoding="utf-8")
        assert sent(5) == ["/essays/b.html"]
        assert sent(0.8) == []  # the last is sent by the end of the build (SiteIndex.run)
    finally:
        index.stop_watching.set()
        watching.join()


def test_nothing_changed_leaves_the_bundle_alone(tmp_path: Path) -> None:
    source = copy_root("folio", tmp_path)
    first = build(source)
    entry = first.outdir / "pagefind" / "pagefind-entry.json"
    before = entry.stat().st_mtime_ns
    build(source, fresh=False)
    assert entry.stat().st_mtime_ns == before


def tag_options(outdir: Path) -> list[str]:
    soup = BeautifulSoup((outdir / "search.html").read_text(encoding="utf-8"), "html.parser")
    return [o.get_text() for o in soup.select('select[name="tag"] option[value]') if o["value"]]


def test_the_search_page_is_rewritten_only_when_what_it_shows_changed(tmp_path: Path) -> None:
    source = copy_root("folio", tmp_path)
    page = build(source).outdir / "search.html"
    before = page.stat().st_mtime_ns
    assert "navigation" not in tag_options(page.parent)
    build(source, fresh=False)
    assert page.stat().st_mtime_ns == before
    # A new tag is a new choice on the page: it is written again, and shows it.
    edit(source / "essays" / "whale.md", "tags: [the sea, ambition, science]",
         "tags: [the sea, ambition, science, navigation]")
    after = build(source, fresh=False)
    assert page.stat().st_mtime_ns != before
    assert "navigation" in tag_options(after.outdir)
    # A page removed from the output is written again on the next no-op.
    page.unlink()
    build(source, fresh=False)
    assert "navigation" in tag_options(page.parent)


def test_folio_live_finds_what_was_just_saved(live: Any, browser: Any) -> None:  # noqa: F811
    source, base, _process = live
    assert "quartermaster" not in fetch(base + "essays/whale.html")  # the word is new
    edit(source / "essays/whale.md", "Call me Ishmael.", "Call me Ishmael, said the quartermaster.")
    page = browser.new_page()
    deadline = time.monotonic() + 90
    while True:
        page.goto(f"{base}search.html?q=quartermaster", wait_until="load")
        page.wait_for_function(
            "document.getElementById('folio-search-status').textContent.length > 0")
        if page.locator(".folio-search-quotations .folio-result").count():
            break
        assert time.monotonic() < deadline, "the saved words were never found"
        time.sleep(0.5)
    assert "quartermaster" in page.locator(".folio-search-quotations mark").first.inner_text()
    essay = page.locator(".folio-search-essays .folio-result-title a")
    assert essay.all_inner_texts() == ["The Whale Road"]
    page.close()


def test_a_kept_index_is_sent_only_what_changed(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """``folio live``'s way: one application, Pagefind's index kept in memory."""
    from folio.commands.live import LiveBuild
    from folio.core.pagefind import PagefindService
    from folio.ext.search import INDEXES

    sent: list[list[str]] = []
    add_pages = PagefindService.add_pages

    def spy(self: PagefindService, pages: Any) -> None:
        pages = list(pages)
        sent.append([url for url, _html in pages])
        add_pages(self, pages)

    monkeypatch.setattr(PagefindService, "add_pages", spy)
    source = copy_root("folio", tmp_path / "site")
    kept = LiveBuild(source, source / "_build")
    try:
        assert kept.build()
        INDEXES[kept.app].settle()  # live indexes in the background
        assert len([u for batch in sent for u in batch]) == 5  # every essay, once
        sent.clear()
        edit(source / "essays/whale.md", "Call me Ishmael.", "Call me Ishmael, said the cook.")
        assert kept.build()
        INDEXES[kept.app].settle()
        assert [u for batch in sent for u in batch] == ["/essays/whale.html"]
    finally:
        INDEXES[kept.app].close()
    clean = copy_root("folio", tmp_path / "clean")
    edit(clean / "essays/whale.md", "Call me Ishmael.", "Call me Ishmael, said the cook.")
    assert indexed(source / "_build/html") == indexed(build(clean).outdir)


def test_live_serves_the_page_before_indexing_and_joins_saves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In ``folio live`` the build returns while Pagefind rebuilds its index; saves made
    meanwhile become one job, run after it (never two at once)."""
    import threading

    from folio.commands.live import LiveBuild
    from folio.core.pagefind import PagefindService
    from folio.ext.search import INDEXES

    started, release = threading.Event(), threading.Event()
    running: list[int] = []
    at_once: list[int] = []
    files = PagefindService.files

    def held(self: PagefindService) -> dict[str, bytes]:
        running.append(1)
        at_once.append(len(running))
        started.set()
        release.wait(120)  # set by the test below, not a timing assertion
        try:
            return files(self)
        finally:
            running.pop()

    source = copy_root("folio", tmp_path / "site")
    outdir = source / "_build/html"
    whale = source / "essays/whale.md"
    kept = LiveBuild(source, source / "_build")
    index = INDEXES[kept.app]
    try:
        assert kept.build()
        index.settle()
        monkeypatch.setattr(PagefindService, "files", held)
        edit(whale, "Call me Ishmael.", "Call me Ishmael, said the boatswain.")
        assert kept.build()  # returned with Pagefind's index still held
        assert started.wait(120)
        assert "boatswain" in (outdir / "essays/whale.html").read_text(encoding="utf-8")
        assert not any("boatswain" in d["content"] for d in indexed(outdir))
        runs = index.runs
        edit(whale, "said the boatswain", "said the purser")
        assert kept.build()
        edit(whale, "said the purser", "said the gunner")
        assert kept.build()
        assert index.runs == runs  # both wait for the one running
        release.set()
        index.settle()
        assert index.runs == runs + 1 and max(at_once) == 1
        index.close()  # the last index only (a live bundle keeps the one before for a while)
        found = " ".join(d["content"] for d in indexed(outdir))
        assert "gunner" in found and "purser" not in found and "boatswain" not in found
    finally:
        release.set()
        index.close()


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.sampled_from("‘’“”‚„–—…«»‹›`a ()[]=-.!?,;{}x\n")) | st.text())
def test_typography_goes_to_pagefind_as_ascii_and_comes_back(text: str) -> None:
    from folio.core.pagefind import TYPOGRAPHY, ascii_typography, typography_back

    sent = ascii_typography(text)
    assert not set(sent) & set(TYPOGRAPHY)
    assert sent.split() == [ascii_typography(w) for w in text.split()]  # the same words
    assert typography_back(sent) == text


# -- every value escaped ---------------------------------------------------------------------------

hostile = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(title=hostile, summary=hostile, tag=hostile, label=hostile, quoted=hostile, book=hostile,
       page=hostile)
def test_markup_gives_back_exactly_what_was_written(title: str, summary: str, tag: str,
                                                    label: str, quoted: str, book: str,
                                                    page: str) -> None:
    essay = Essay("essays/x", title.strip() or "t", None, "review", summary=summary.strip(),
                  tags=(tag,))
    quotation = QuotationFacts("quote-1", quoted, book, "key", page)
    markup = essay_markup(essay, label, Facets(genre=("review",), tag=(tag,)), [quotation])
    soup = BeautifulSoup(markup, "html.parser")
    box = soup.select_one("div.folio-search-facts")
    assert box is not None and box.has_attr("hidden")
    assert [e.name for e in box.find_all(recursive=False)] == ["span"] * len(box.contents)
    metas = dict(s["data-pagefind-meta"].split(":", 1) for s in box.select("[data-pagefind-meta]"))
    assert json.loads(metas.pop("quotations")) == [quotation.as_list()]
    assert metas == {**essay_meta(essay, label), "image": ""}
    filters = [s["data-pagefind-filter"] for s in box.select("[data-pagefind-filter]")]
    assert f"tag:{tag}" in filters
