"""Ways into the collection: home page, listings, library, quotations, feed,
sitemap, link previews and schema.org data, checked against the sources."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Built, build, copy_root, require

BASE = "https://example.org/folio/"
# The test root's essays, from their front matter: name -> (title, date, genre, tags).
ESSAYS = {
    "creature": ("The Creature Speaks", "2019-04-28", "review", ["science", "ambition"]),
    "pemberley": ("Pemberley Days", "2020-06-01", "memoir", ["marriage", "class"]),
    "walking": ("On Walking Out", "2021-03-02", "opinion", ["walking", "nature"]),
    "whale": ("The Whale Road", "2022-09-10", "fiction", ["the sea", "ambition", "science"]),
    "ambition": ("Against Ambition", "2023-01-15", "opinion", ["ambition", "science"]),
}
NEWEST_FIRST = sorted(ESSAYS, key=lambda n: ESSAYS[n][1], reverse=True)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(copy_root("folio", tmp_path_factory.mktemp("site")), html_baseurl=BASE)


def titles(links: list) -> list[str]:
    return [a.get_text() for a in links]


def test_home_page_lists_essays_newest_first(site: Built) -> None:
    assert site.warnings == ""
    home = site.soup("index.html")
    cards = home.select(".folio-essay-list .folio-essay")
    assert [c.select_one(".folio-essay-title a").get_text() for c in cards] == [
        ESSAYS[n][0] for n in NEWEST_FIRST]
    assert [c.select_one(".folio-essay-title a")["href"] for c in cards] == [
        f"essays/{n}.html" for n in NEWEST_FIRST]
    assert len(home.select(".folio-essay-list .folio-featured")) == 2
    first = cards[0].select_one(".folio-essay-facts").get_text()
    assert first == "15 January 2023 · opinion"
    creature = cards[NEWEST_FIRST.index("creature")]
    assert creature.select_one(".folio-summary").get_text() == "A monster who reads Milton."


@pytest.mark.parametrize("genre", ["review", "memoir", "fiction", "opinion"])
def test_genre_pages(site: Built, genre: str) -> None:
    page = site.soup(f"genres/{genre}.html")
    expected = [ESSAYS[n][0] for n in NEWEST_FIRST if ESSAYS[n][2] == genre]
    assert titles(page.select(".folio-essay-title a")) == expected


def test_tag_pages(site: Built) -> None:
    tags = sorted({t for *_rest, ts in ESSAYS.values() for t in ts})
    index = site.soup("tags/index.html")
    assert titles(index.select(".folio-tags-index a")) == tags
    for tag in tags:
        page = site.soup(f"tags/{tag.replace(' ', '-')}.html")
        expected = [ESSAYS[n][0] for n in NEWEST_FIRST if tag in ESSAYS[n][3]]
        assert titles(page.select(".folio-essay-title a")) == expected, tag


def test_archive_by_year(site: Built) -> None:
    page = site.soup("archive.html")
    years = [int(s.find("h2").get_text()) for s in page.select(".folio-year")]
    assert years == [2023, 2022, 2021, 2020, 2019]
    for section in page.select(".folio-year"):
        year = section.find("h2").get_text()
        assert titles(section.select(".folio-essay-title a")) == [
            ESSAYS[n][0] for n in NEWEST_FIRST if ESSAYS[n][1].startswith(year)]


def test_library(site: Built) -> None:
    page = site.soup("library.html")
    # No book has a file of its own: every one is on the Read shelf, by author's surname.
    assert [s.find("h2").get_text() for s in page.select(".folio-bookshelf")] == ["Read"]
    authors = [p.get_text() for p in page.select(".folio-shelf-author")]
    assert authors == ["Jane Austen", "Herman Melville", "Mary Shelley", "Henry David Thoreau"]
    shelf = page.find(id="book-frankenstein")
    assert shelf.select_one(".folio-shelf-edition").get_text() == (
        "2003 Penguin Classics paperback edition, first published in 1818 · ISBN 978-0-14-143947-1")
    # The library's edition phrase is the caption's, word for word.
    caption = site.soup("essays/ambition.html").select_one("#book-frankenstein figcaption")
    edition = shelf.select_one(".folio-shelf-edition").get_text().split(" · ")[0]
    assert f"Cover of the {edition.split(', first')[0]} of" in caption.get_text()
    assert edition.split(", ")[-1] in caption.get_text()
    # Every book has a page of its own; the title leads there.
    assert shelf.find("cite").a["href"] == "books/frankenstein.html"
    cover = shelf.find("img")["src"]
    assert (site.outdir / cover).is_file()
    essays = {li.a.get_text(): li.get_text() for li in shelf.select(".folio-shelf-essays li")}
    # The essays that cite or quote it; whale.md only names it in passing.
    assert set(essays) == {"Against Ambition", "The Creature Speaks", "Pemberley Days"}
    assert essays["The Creature Speaks"].endswith(
        "[review of Frankenstein]: (p42, 69, 120–121)")
    # One bracket, as a book's notes give several pages (issue 20); each page its own
    # link, and never broken inside: the brackets ride with the first and last page.
    [creature] = [li for li in shelf.select(".folio-shelf-essays li")
                  if li.a.get_text() == "The Creature Speaks"]
    pages = creature.select(".folio-pages")
    assert [p.get_text() for p in pages] == ["(p42", "69", "120–121)"]
    assert all(p.a is not None and p.a.get_text() in p.get_text() for p in pages)
    quote_link = shelf.find("a", string="69")["href"]
    page_name, anchor = quote_link.split("#")
    assert site.soup(page_name).find(id=anchor) is not None


def test_quotations_by_book_in_page_order(site: Built) -> None:
    page = site.soup("quotations.html")
    books = [s.select_one("h2 cite").get_text() for s in page.select(".folio-quoted-book")]
    assert books == ["Frankenstein", "Moby-Dick", "Pride and Prejudice", "Walden"]
    # Each book's heading names its author too (issue 20), set apart from the title.
    authors = [s.select_one("h2 .folio-quoted-author").get_text()
               for s in page.select(".folio-quoted-book")]
    assert authors[0] == "Mary Shelley" and authors[-1] == "Henry David Thoreau"
    frankenstein = page.select(".folio-quoted-book")[0]
    captions = [f.find("figcaption").get_text() for f in frankenstein.select("figure")]
    assert captions == ["(p50), in Against Ambition", "(p69), in The Creature Speaks",
                        "(p120–121), in The Creature Speaks"]
    for link in page.select("figcaption a"):
        page_name, anchor = link["href"].split("#")
        assert site.soup(page_name).find(id=anchor) is not None


def test_atom_feed(site: Built) -> None:
    feed = ET.parse(site.outdir / "atom.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [ESSAYS[n][0] for n in NEWEST_FIRST]
    assert [e.find(f"{ATOM}id").text for e in entries] == [
        f"{BASE}essays/{n}.html" for n in NEWEST_FIRST]
    assert entries[-1].find(f"{ATOM}summary").text == "A monster who reads Milton."
    assert entries[-1].find(f"{ATOM}published").text.startswith("2019-04-28")


def test_full_text_feed(tmp_path: Path) -> None:
    built = build(copy_root("folio", tmp_path), html_baseurl=BASE, folio_feed_content="full")
    feed = ET.parse(built.outdir / "atom.xml").getroot()
    creature = next(e for e in feed.findall(f"{ATOM}entry")
                    if e.find(f"{ATOM}title").text == "The Creature Speaks")
    content = creature.find(f"{ATOM}content").text
    assert "Beware; for I am fearless" in content
    assert f'href="{BASE}essays/creature.html#book-frankenstein"' in content


def test_sitemap(site: Built) -> None:
    root = ET.parse(site.outdir / "sitemap.xml").getroot()
    urls = [u.text for u in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert urls == sorted(urls)
    for name in ESSAYS:
        assert f"{BASE}essays/{name}.html" in urls
    for page in ("index", "library", "quotations", "archive", "genres/review", "tags/the-sea"):
        assert f"{BASE}{page}.html" in urls


def test_link_previews_and_json_ld(site: Built) -> None:
    page = site.soup("essays/creature.html")
    prop = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
    assert prop["og:title"] == "The Creature Speaks"
    assert prop["og:description"] == "A monster who reads Milton."
    assert prop["og:url"] == f"{BASE}essays/creature.html"
    assert prop["og:type"] == "article"
    assert page.find("link", type="application/atom+xml")["href"] == f"{BASE}atom.xml"
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == "Review"
    assert data["itemReviewed"]["name"] == "Frankenstein"
    assert data["itemReviewed"]["isbn"] == "978-0-14-143947-1"
    assert data["itemReviewed"]["bookEdition"] == "paperback"
    assert data["datePublished"] == "2019-04-28"
    memoir = json.loads(site.soup("essays/pemberley.html")
                        .find("script", type="application/ld+json").string)
    assert memoir["@type"] == "Article"
    assert {b["name"] for b in memoir["about"]} == {"Pride and Prejudice", "Frankenstein"}


def test_sidebar_is_small_and_useful(site: Built) -> None:
    nav = site.soup("essays/whale.html").select_one("nav.folio-nav")
    links = titles(nav.select("a"))
    assert links[0] == "Home"
    assert [ESSAYS[n][0] for n in NEWEST_FIRST] == links[1:6]
    assert "review (1)" in links and "opinion (2)" in links
    assert {"Archive", "Library", "Quotations", "Tags"} <= set(links)


@pytest.mark.slow
def test_screenshots_of_home_and_library(site: Built) -> None:
    """Kept in _build/artifacts for a person to look at."""
    require("/usr/bin/chromium")
    import subprocess

    sample = build(ROOT, "html", builddir=site.outdir.parent / "sample")
    artifacts = ROOT / "_build" / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    for page in ("index", "library"):
        target = artifacts / f"{page}.png"
        target.unlink(missing_ok=True)
        subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={site.outdir.parent / 'chromium'}",
                        "--window-size=1280,1600", f"--screenshot={target}",
                        (sample.outdir / f"{page}.html").as_uri()],
                       capture_output=True, timeout=120, check=True)
        assert target.stat().st_size > 20_000


def test_hosting_files_build_with_folio_build() -> None:
    """Both hosts run the one build (`folio build`), as `make` does (issue 19)."""
    import yaml

    rtd = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())
    assert rtd["version"] == 2 and "python -m folio build" in rtd["build"]["commands"]
    assert "texlive-xetex" in rtd["build"]["apt_packages"]
    pages = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text())
    steps = [step.get("run", "") for step in pages["jobs"]["build"]["steps"]]
    assert "python -m folio build" in steps
    makefile = (ROOT / "Makefile").read_text()
    assert "folio build" in makefile


def test_byline_links_to_listings(site: Built) -> None:
    byline = site.soup("essays/whale.html").select_one(".folio-byline")
    links = {a.get_text(): a["href"] for a in byline.select("a")}
    assert links == {"fiction": "../genres/fiction.html", "the sea": "../tags/the-sea.html",
                     "ambition": "../tags/ambition.html", "science": "../tags/science.html"}
    assert all((site.outdir / "essays" / href).resolve().is_file() for href in links.values())


def test_sample_listings_follow_front_matter(tmp_path: Path) -> None:
    """The sample collection: each genre page lists exactly its essays, newest first."""
    import yaml

    def front_matter(path: Path) -> dict[str, Any]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            return {k: v if isinstance(v, list) else str(v)
                    for k, v in yaml.load(text.split("---")[1], Loader=yaml.BaseLoader).items()}
        return dict(line[1:].split(": ", 1) for line in text.splitlines()
                    if line.startswith(":") and ": " in line)

    essays = [front_matter(p) for p in sorted((ROOT / "essays").iterdir())
              if p.suffix in {".md", ".rst"}]
    built = build(ROOT, "html", builddir=tmp_path)
    for genre in ("review", "memoir", "fiction", "opinion"):
        expected = [e["title"] for e in sorted(essays, key=lambda e: e["date"], reverse=True)
                    if genre in (e["genre"] if isinstance(e["genre"], list) else [e["genre"]])]
        page = built.soup(f"genres/{genre}.html")
        shown = [a.get_text().replace("’", "'") for a in page.select(".folio-essay-title a")]
        assert shown == [t.replace("’", "'") for t in expected], genre
    feed = ET.parse(built.outdir / "atom.xml").getroot()
    assert len(feed.findall(f"{ATOM}entry")) == len(essays)


def test_sitemap_without_a_feed(tmp_path: Path) -> None:
    built = build(copy_root("folio", tmp_path), html_baseurl=BASE, folio_feed_length=0)
    assert not (built.outdir / "atom.xml").exists()
    assert (built.outdir / "sitemap.xml").exists()


def test_page_format_is_the_same_on_every_page(tmp_path_factory: pytest.TempPathFactory) -> None:
    """``folio_page_format`` reaches essays, the library and the quotations index alike."""
    import re

    site = build(copy_root("folio", tmp_path_factory.mktemp("format")),
                 folio_page_format="[page {page}]")
    shown: dict[str, list[str]] = {}
    for page in sorted(site.outdir.rglob("*.html")):
        text = site.soup(str(page.relative_to(site.outdir))).get_text(" ")
        assert not re.search(r"\(p[0-9ivxl]+", text), page.name
        found = re.findall(r"\[page [0-9ivxl–, ]+\]", text)
        if found:
            shown[page.relative_to(site.outdir).as_posix()] = found
    assert {"library.html", "quotations.html", "essays/creature.html"} <= set(shown)
    # The library gives an essay's pages in one reference: "[page 42, 69, 120–121]".
    assert any("69" in re.findall(r"[0-9ivxl–]+", found) for found in shown["library.html"])
    assert "[page 69]" in shown["quotations.html"]
