"""Every directive and role as a web page shows it (parsed, not grepped)."""

from __future__ import annotations

import re

from conftest import Built


def test_builds_without_warnings(folio_html: Built) -> None:
    assert folio_html.warnings == ""


def test_essay_header_and_footer(folio_html: Built) -> None:
    page = folio_html.soup("essays/creature.html")
    section = page.find("section")
    assert section.find("h1").get_text().rstrip("¶#") == "The Creature Speaks"
    assert page.select_one(".folio-subtitle").get_text(strip=True) == (
        "thoughts on ‘Frankenstein’ by Mary Shelley")
    byline = page.select_one(".folio-byline")
    assert byline.select_one(".folio-date").get_text() == "28 April 2019"
    assert byline.select_one(".folio-genre").get_text() == "review"
    assert byline.select_one(".folio-tags").get_text() == "science, ambition"
    assert page.select_one(".folio-copyright").get_text(strip=True) == "© 2019 Test Writer"
    # An explicit author and copyright line win over the defaults.
    other = folio_html.soup("essays/pemberley.html")
    assert other.select_one(".folio-copyright").get_text(strip=True) == (
        "© 2020 Guest Writer and friends")


def test_rst_essay_works_the_same(folio_html: Built) -> None:
    page = folio_html.soup("essays/walking.html")
    assert page.find("h1").get_text().rstrip("¶#") == "On Walking Out"
    assert page.select_one(".folio-genre").get_text() == "opinion"
    assert [a.get_text() for a in page.select("a cite")] == ["Walden"]
    assert [s.get_text() for s in page.select(".folio-page")] == ["(pxii)", "(p12, 14)", "(p90)"]
    assert page.select_one("figure.folio-book figcaption").get_text().strip().startswith(
        "Cover of the 1854 Ticknor and Fields edition of Walden by Henry David Thoreau.")


def test_book_citation_figure(folio_html: Built) -> None:
    page = folio_html.soup("essays/creature.html")
    figure = page.select_one("figure.folio-book")
    assert figure["id"] == "book-frankenstein"
    caption = figure.find("figcaption")
    assert caption.find("cite").get_text() == "Frankenstein"
    assert caption.get_text(" ", strip=True).startswith(
        "Cover of the 2003 Penguin Classics paperback edition of Frankenstein by Mary Shelley, "
        "first published in 1818. Page references in this essay are to this paperback edition.")
    assert "Shelley revised the novel in 1831." in caption.get_text()
    cover = figure.find("img")
    assert cover["src"] == "../_images/folio-cover-frankenstein.svg"
    assert cover["alt"] == "Cover of Frankenstein (drawn)"
    svg = (folio_html.outdir / "_images/folio-cover-frankenstein.svg").read_text()
    assert "<title>Frankenstein</title>" in svg and "Mary Shelley" in svg


def test_one_record_per_key(folio_html: Built) -> None:
    # ambition.md cites moby-dick by key alone: the caption comes from whale.md.
    page = folio_html.soup("essays/ambition.html")
    captions = [f.get_text(" ", strip=True) for f in page.select("figure.folio-book figcaption")]
    assert captions[1].startswith("Cover of the 2003 Penguin Classics edition of Moby-Dick by "
                                  "Herman Melville, first published in 1851.")


def test_page_quotes(folio_html: Built) -> None:
    page = folio_html.soup("essays/creature.html")
    quotes = page.select(".folio-quote")
    assert len(quotes) == 2
    first, second = quotes
    assert first.find("blockquote").get_text(strip=True) == (
        "Beware; for I am fearless, and therefore powerful.")
    ref = first.select_one(".folio-page-ref a")
    assert ref.get_text() == "(p69)" and ref["href"] == "#book-frankenstein"
    # The page reference sits outside the quoted text.
    assert first.find("blockquote").select_one(".folio-page-ref") is None
    # Colon fence, two paragraphs, a range shown with an en dash.
    assert len(second.find("blockquote").find_all("p")) == 2
    assert second.select_one(".folio-page-ref").get_text(strip=True) == "(p120–121)"


def test_page_quote_names_its_book(folio_html: Built) -> None:
    page = folio_html.soup("essays/ambition.html")
    ref = page.select_one(".folio-quote .folio-page-ref a")
    assert ref.get_text() == "(p50)" and ref["href"] == "#book-frankenstein"


def test_roles(folio_html: Built) -> None:
    page = folio_html.soup("essays/creature.html")
    book = page.find("p").find_next("a", href="#book-frankenstein")
    assert book.find("cite").get_text() == "Frankenstein"
    in_prose = [a for a in page.select("p > a .folio-page")
                if not a.find_parent(class_="folio-page-ref")]
    assert [a.get_text() for a in in_prose] == ["(p42)"]
    ambition = folio_html.soup("essays/ambition.html")
    named = [a for a in ambition.select("a") if a.get_text() == "(p274–275)"]
    assert named and named[0]["href"] == "#book-moby-dick"  # its own citation
    # A book this essay does not cite links to its home: the first essay citing it.
    whale = folio_html.soup("essays/whale.html")
    assert whale.find("cite", string="Frankenstein").parent["href"] == (
        "ambition.html#book-frankenstein")
    titles = {a.get_text(): a["href"] for a in ambition.select("a") if a.find("cite")}
    assert titles == {"Frankenstein": "#book-frankenstein", "Moby-Dick": "#book-moby-dick"}


def test_spoilers_are_details(folio_html: Built) -> None:
    page = folio_html.soup("essays/creature.html")
    details = page.find("details", class_="folio-spoiler")
    assert details is not None and not details.has_attr("open")
    assert details.find("summary").get_text() == "How it ends"
    assert "onto the ice" in details.get_text()
    plain = folio_html.soup("essays/pemberley.html").find("details")
    assert plain.find("summary").get_text() == "Spoilers"


def related(built: Built, page: str) -> dict[str, list[tuple[str, str, str]]]:
    soup = built.soup(page)
    found: dict[str, list[tuple[str, str, str]]] = {}
    for heading in soup.select(".folio-related .folio-related-heading"):
        items = heading.find_next_sibling("ul").find_all("li")
        found[heading.get_text()] = [
            (li.a.get_text(), li.a["href"], li.select_one(".folio-genre").get_text())
            for li in items]
    return found


def test_related_reading_explicit(folio_html: Built) -> None:
    assert related(folio_html, "essays/pemberley.html") == {
        "Read something similar:": [("The Creature Speaks", "creature.html",
                                     "[review of Frankenstein]")],
        "Read something different:": [("On Walking Out", "walking.html", "[opinion]")],
    }
    # :auto: false keeps exactly what was listed.
    assert related(folio_html, "essays/whale.html") == {
        "Read something similar:": [("Against Ambition", "ambition.html", "[opinion]")]}


def test_related_reading_automatic(folio_html: Built) -> None:
    lists = related(folio_html, "essays/creature.html")
    similar = [title for title, _href, _genre in lists["Read something similar:"]]
    # Against Ambition shares both tags and the book: it comes first.
    assert similar[0] == "Against Ambition" and len(similar) == 3
    different = lists["Read something different:"]
    assert different and all(not genre.startswith("[review") for *_rest, genre in different)
    # :limit: 1
    limited = related(folio_html, "essays/ambition.html")
    assert all(len(entries) == 1 for entries in limited.values())


def test_related_reading_comes_after_copyright(folio_html: Built) -> None:
    for page in ("essays/creature.html", "essays/pemberley.html"):
        section = folio_html.soup(page).find("section")
        classes = [" ".join(div.get("class", [])) for div in section.find_all(
            "div", recursive=False)]
        position = {name: i for i, name in enumerate(classes)}
        copyright_ = next(i for c, i in position.items() if "folio-copyright" in c)
        related_ = next(i for c, i in position.items() if "folio-related" in c)
        assert copyright_ + 1 == related_


def test_no_unsafe_urls(folio_html: Built) -> None:
    for page in folio_html.outdir.rglob("*.html"):
        text = page.read_text()
        assert not re.search(r'(href|src)="\s*(javascript|data|vbscript):', text, re.I)


def test_section_headings_sit_under_the_title(folio_html: Built) -> None:
    page = folio_html.soup("essays/whale.html")
    assert [h.get_text().rstrip("¶#") for h in page.select("h1")] == ["The Whale Road"]
    assert [h.get_text().rstrip("¶#") for h in page.select("h2")] == ["After the voyage"]
