"""The reference essay (../shared/reference-essay.md) written with Folio, word for word.

The root ``test-reference`` holds it with its neighbours and the
reference's settings: ``folio_essay_noun = "article"``,
``folio_title_style = "quoted"``, ``folio_spoiler_style = "warn"``; the
essay has its own author, who is not the collection's.
"""

from __future__ import annotations

import re

import pytest
from conftest import Built, build, copy_root

CAPTION = ("Cover of the 2006 Faber and Faber paperback edition of ‘Never let me go’ by "
           "Kazuo Ishiguro, first published in 2005. Page references in this article are "
           "to this paperback edition.")
SIMILAR = ["Real hope [review of Curing Affluenza]", "Tarzan of the Apes [review]",
           "Reviews of old books [review – memoir]"]
DIFFERENT = ["All Saints Hunters Hill Soccer Football Club [memoir]",
             "When you do the wrong thing, the feeling in your heart is indescribable, "
             "really [fiction]",
             "the innocents [fiction]",
             "Getting carried away [opinion – the mad appeal of Mars]"]


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(copy_root("reference", tmp_path_factory.mktemp("reference")))


def text(node: object) -> str:
    words = node.get_text().replace("¶", "")  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", words).strip()


def test_builds_without_warnings(room: Built) -> None:
    assert room.warnings == ""


def test_caption_word_for_word(room: Built) -> None:
    page = room.soup("essays/enmeshed.html")
    assert text(page.select_one("figure.folio-book figcaption")) == CAPTION


def test_related_entries_and_topic(room: Built) -> None:
    page = room.soup("essays/enmeshed.html")
    headings = page.select(".folio-related-heading")
    assert [text(h) for h in headings] == ["Read something similar: Curing Affluenza",
                                          "Read something different:"]
    topic = headings[0].find("a")
    assert text(topic) == "Curing Affluenza"
    assert topic["href"] == "../tags/curing-affluenza.html"
    assert (room.outdir / "tags/curing-affluenza.html").is_file()
    lists = page.select(".folio-related-list")
    assert [text(li) for li in lists[0].find_all("li")] == SIMILAR
    assert [text(li) for li in lists[1].find_all("li")] == DIFFERENT


def test_copyright_and_author(room: Built) -> None:
    page = room.soup("essays/enmeshed.html")
    assert text(page.select_one(".folio-copyright")) == "© 2019 A. Writer"
    assert "by A. Writer" in text(page.select_one(".folio-byline"))
    # The collection's author appears nowhere on this essay's page.
    assert "Hester Vale" not in str(page)
    footer = page.select_one("footer") or page.select_one(".footer")
    assert "2019 A. Writer" in text(footer)


def test_spoiler_warns_and_stays_open(room: Built) -> None:
    page = room.soup("essays/enmeshed.html")
    assert page.find("details") is None
    warning = page.select_one(".folio-spoiler-warning")
    assert warning is not None
    assert "If you have not read the book, stop here" in text(warning)
    assert "What follows talks about the ending." in text(warning)


def test_labels_in_listings_and_several_genres(room: Built) -> None:
    for genre in ("review", "memoir"):
        page = room.soup(f"genres/{genre}.html")
        titles = [text(a) for a in page.select(".folio-essay-title a")]
        assert "Reviews of old books" in titles, genre
    archive = room.soup("archive.html")
    facts = {text(e.select_one(".folio-essay-title")): text(e.select_one(".folio-essay-facts"))
             for e in archive.select(".folio-essay")}
    assert facts["Real hope"].endswith("review of Curing Affluenza")
    assert facts["Getting carried away"].endswith("opinion – the mad appeal of Mars")


def test_book_titles_quoted_everywhere(room: Built) -> None:
    library = room.soup("library.html")
    titles = [text(p) for p in library.select(".folio-shelf-title")]
    assert "‘Never let me go’" in titles
    assert library.select_one(".folio-shelf-title cite") is None


@pytest.mark.slow
def test_own_pdf_and_epub_name_only_its_author(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The essay's own PDF (title page, running heads, metadata) and ePub name A. Writer."""
    import zipfile

    from conftest import require
    from pypdf import PdfReader
    from test_offline_builds import offline, pdf_text

    require("xelatex", "pdftotext")
    tmp = tmp_path_factory.mktemp("reference-offline")
    downloads = offline(copy_root("reference", tmp), tmp / "_build")
    pdf = downloads / "enmeshed.pdf"
    assert PdfReader(pdf).metadata.author == "A. Writer"
    words = pdf_text(pdf)
    assert "A. Writer" in words
    assert "Hester Vale" not in words
    with zipfile.ZipFile(downloads / "enmeshed.epub") as book:
        opf = next(book.read(n).decode() for n in book.namelist() if n.endswith(".opf"))
        everything = "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist()
                             if n.endswith((".opf", ".xhtml", ".ncx")))
    assert ">A. Writer</dc:creator>" in opf
    assert "Hester Vale" not in everything


def test_comments_by_email_on_essay_pages_only(tmp_path_factory: pytest.TempPathFactory) -> None:
    from urllib.parse import unquote

    site = build(copy_root("reference", tmp_path_factory.mktemp("email")),
                 folio_comments={"provider": "email", "address": "writer@example.org"})
    assert site.warnings == ""
    link = site.soup("essays/enmeshed.html").select_one(".folio-comments a")
    assert text(link) == "Reply by email"
    assert unquote(link["href"]) == "mailto:writer@example.org?subject=Re: Enmeshed"
    assert site.soup("index.html").select_one(".folio-comments") is None
    epub = build(copy_root("reference", tmp_path_factory.mktemp("email-epub")), "epub",
                 folio_comments={"provider": "email", "address": "writer@example.org"})
    assert "folio-comments" not in (epub.outdir / "essays/enmeshed.xhtml").read_text()
    latex = build(copy_root("reference", tmp_path_factory.mktemp("email-latex")), "latex",
                  folio_comments={"provider": "email", "address": "writer@example.org"})
    assert "Reply by email" not in (latex.outdir / "enmeshed.tex").read_text()


def test_giscus_embed(tmp_path_factory: pytest.TempPathFactory) -> None:
    settings = {"provider": "giscus", "repo": "writer/essays", "repo-id": "R_1",
                "category": "Responses", "category-id": "DIC_1"}
    site = build(copy_root("reference", tmp_path_factory.mktemp("giscus")),
                 folio_comments=settings)
    assert site.warnings == ""
    [script] = site.soup("essays/enmeshed.html").select(".folio-comments script")
    assert script["src"] == "https://giscus.app/client.js"
    assert script["data-repo"] == "writer/essays"
    assert script["data-category-id"] == "DIC_1"
    assert script["data-loading"] == "lazy"
    assert script.has_attr("async")
    for page in ("index.html", "library.html", "archive.html"):
        assert "giscus" not in (site.outdir / page).read_text(), page


def test_quotations_from_a_spoiler_stay_behind_it(room: Built,
                                                   tmp_path_factory: pytest.TempPathFactory
                                                   ) -> None:
    """Marked in the quotations index and the library (warn); folded too (fold)."""
    hidden = "Beware; for I am fearless, and therefore powerful."
    quotations = room.soup("quotations.html")
    [figure] = [f for f in quotations.select(".folio-quotation") if hidden in text(f)]
    assert text(figure.select_one(".folio-spoiler-mark")) == "Spoilers"
    assert figure.find("details") is None
    [plain] = [f for f in quotations.select(".folio-quotation") if "nearly two years" in text(f)]
    assert plain.select_one(".folio-spoiler-mark") is None
    shelf = room.soup("library.html").find(id="book-frankenstein")
    # One bracket for the essay's pages; the mark beside the spoiler's page only,
    # in brackets within the parentheses.
    assert "(p12, 220 [spoilers])" in text(shelf)
    assert "12 [spoilers]" not in text(shelf)
    folded = build(copy_root("reference", tmp_path_factory.mktemp("fold")),
                   folio_spoiler_style="fold")
    quotations = folded.soup("quotations.html")
    [figure] = [f for f in quotations.select(".folio-quotation") if hidden in text(f)]
    details = figure.find("details")
    assert details is not None and details.get("open") is None
    assert hidden in text(details)
    assert text(details.find("summary")) == "Spoilers"
