"""Hostile text in every field and option comes out as text in HTML, ePub and PDF.

The ``hostile`` root has two essays written to attack: ``hostile.md`` (LaTeX
specials, quotes) and ``every-field.md``, whose every front-matter field
(title, subtitle, author, summary, label, tags, genre, ©) and every directive
option holds markup.  Every page of the built site is parsed and compared with
a build of the same site without them: nothing that runs (a script, an ``on*``
attribute, a ``javascript:`` address, an ``<img>`` the writer did not place) may
appear that the plain site does not have, and each hostile text is on the page
as text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import Built, build, compile_pdf, copy_root, epubcheck, require
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

TITLE = "<script>alert(1)</script> & 'Quotes' \"double\" # $ % ~ _ ^ \\ { }"


def payload(letter: str) -> str:
    """The text every front-matter field of ``every-field.md`` holds, marked by a letter."""
    return (f'{letter} <img src=x onerror=alert(1)> "><script>alert(2)</script> </script> '
            f"{{{{ {letter.lower()} }}}} &amp;lt; javascript:alert(3)")


GENRE = "<img src=x onerror=alert(7)>"
TAGS = ("<img src=x onerror=alert(1)>", "</script>", "{{ g }}", "&amp;lt;", "javascript:alert(3)")
#: Each warning the hostile essays earn (the rest of the site builds): file, text.
EXPECTED_WARNINGS = (
    ("hostile.md:28", "related-reading: unknown document 'essays/javascript:alert(1)'"),
    ("every-field.md:16", "pages 'N {{ 9 }}' is not a number of pages"),
    ("every-field.md:16", "ISBN 'I \"><script>alert(2)</script>' is not valid"),
    ("every-field.md:16", "year '<img src=x onerror=alert(1)>' is not a year"),
    ("every-field.md:16", "first-published 'F \"><script>alert(2)</script>' is not a year"),
    ("every-field.md:16", "cover 'javascript:alert(3)' must be a file in the sources"),
    ("every-field.md:29", "page-quote: 'X\"><script>alert(2)</script>' is not a book key"),
    ("every-field.md:34", "page-quote: '<img src=x onerror=alert(1)>' is not a page number"),
    ("every-field.md:42", "limit '<img src=x onerror=alert(1)>' is not a whole number"),
    ("every-field.md:42", "auto 'Z\"><script>alert(2)</script>' is not true or false"),
    ("every-field.md:42", "related-reading: unknown document 'essays/Y\"><script>"),
    ("every-field.md:42", "related-reading: unknown document 'essays/<img src=x onerror"),
    ("every-field.md:53", "responses: link 'javascript:alert(3)' is not an http(s) address"),
)
#: Elements that run or load something: their attributes (and a script's text) must be the
#: site's own.
ACTIVE = ("script", "iframe", "frame", "object", "embed", "base", "form", "style", "svg", "math")
#: The active elements whose text the browser runs.
CODE = frozenset({"script", "style"})
UNSAFE_ADDRESS = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)
#: Attributes a browser follows or loads (a title or a meta's content is only text).
ADDRESSES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "srcset",
                       "data", "cite", "background", "ping", "manifest"})


def plain(text: str) -> str:
    """Text as compared: curly quotes straight (front matter gets smart quotes), spaces one."""
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(curly, straight)
    return " ".join(text.split())


def expected_warnings_only(built: Built) -> None:
    lines = [line for line in built.warnings.splitlines() if line.strip()]
    assert "Traceback" not in built.warnings
    assert len(lines) == len(EXPECTED_WARNINGS), built.warnings
    for where, what in EXPECTED_WARNINGS:
        assert any(f"essays/{where}: WARNING: {what}" in line for line in lines), (where, what)


def pages(outdir: Path, suffix: str) -> list[Path]:
    return sorted(p for p in outdir.rglob(f"*{suffix}")
                  if not {"_static", "_sources", "_images"} & set(p.relative_to(outdir).parts))


def active_parts(soup: BeautifulSoup, pagename: str) -> set[tuple[str, ...]]:
    """What a page is made of, as far as what it can run or load goes.

    Every element name and attribute name, every event attribute with its
    code, every active element with its attributes, a script's or a style's
    text (the page's own name, which the theme writes into a script, blanked), an ``<img>`` from
    outside the site's image folders, a ``javascript:`` address.  JSON-LD
    must parse as JSON and counts as one part, whatever data it holds.
    """
    found: set[tuple[str, ...]] = set()
    for tag in soup.find_all(True):
        found.add(("element", tag.name))
        found |= {("attribute", tag.name, name) for name in tag.attrs}
        found |= {("event", tag.name, name, str(value)) for name, value in tag.attrs.items()
                  if name.lower().startswith("on")}
        found |= {("address", tag.name, name, str(value)) for name, value in tag.attrs.items()
                  if name in ADDRESSES and isinstance(value, str) and UNSAFE_ADDRESS.match(value)}
        if tag.name == "img" and not re.match(r"^(\.\./)*(_images|_static)/", tag.get("src", "")):
            found.add(("image", tag.get("src", "")))
        if tag.name == "meta" and tag.get("http-equiv"):
            found.add(("meta", tag["http-equiv"], tag.get("content", "")))
        if tag.name not in ACTIVE:
            continue
        if tag.name == "script" and tag.get("type") == "application/ld+json":
            json.loads(tag.string)  # data, and it parses: no text can end it
            found.add(("script", "json-ld"))
            continue
        attributes = tuple(sorted(f"{name}={re.sub(r'^(../)+', '', str(value))}"
                                  for name, value in tag.attrs.items()))
        # A script's or a style's text is code: known exactly.  Any other active
        # element's text (a search form's labels and choices: the site's tags and
        # books) is text; its elements and attributes are counted above.
        code = tag.get_text().replace(repr(pagename), "''") if tag.name in CODE else ""
        found.add((tag.name, *attributes, code))
    return found


def site_parts(outdir: Path, suffix: str) -> set[tuple[str, ...]]:
    parts: set[tuple[str, ...]] = set()
    for page in pages(outdir, suffix):
        pagename = page.relative_to(outdir).with_suffix("").as_posix()
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        parts |= active_parts(soup, pagename)
    return parts


CALM_ESSAY = """---
title: Calm
subtitle: A quiet one
author: Ann Bee
date: 2022-02-02
genre: review
tags: [quiet, still]
summary: Nothing happens.
label: Calm
copyright: Ann Bee
---

See {book}`calm` on {page}`3`.

```{book-citation} calm
:title: Calm Waters
:author: Cal Dee
:publisher: Quiet Press
:year: 1901
:edition: 2nd
```

```{page-quote} 3
A calm line, <b>written</b> in the body (Markdown may hold HTML).
```

```{spoiler} Ends
Hidden.
```

```{related-reading}
:similar: plain
```

```{responses}
- name: Reader
  date: 2022-03-03
  link: https://example.org/reader
  text: |
    Kind words, *emphasised*.
```
"""


def without_hostile_essays(tmp_path: Path) -> Path:
    """The same site, theme and settings, with the hostile essays replaced by one that
    uses every feature they use, in plain words: what Folio and the theme put on a page."""
    root = copy_root("hostile", tmp_path / "control")
    (root / "essays" / "hostile.md").unlink()
    (root / "essays" / "every-field.md").write_text(CALM_ESSAY, encoding="utf-8")
    index = root / "index.md"
    index.write_text(index.read_text().replace("<img src=x onerror=alert(1)>", "quiet")
                     .replace("<img src=x onerror=alert(7)>", "review"))
    return root


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, set[tuple[str, ...]]]:
    """The hostile site as HTML, and what the plain site's pages run (theme and Folio)."""
    folder = tmp_path_factory.mktemp("hostile-web")
    control = build(without_hostile_essays(folder))
    return build(copy_root("hostile", folder)), site_parts(control.outdir, ".html")


def test_every_page_runs_only_what_the_site_runs(web: tuple[Built, set[tuple[str, ...]]]) -> None:
    built, known = web
    expected_warnings_only(built)
    assert len(pages(built.outdir, ".html")) > 15  # essays, listings, tag and genre pages
    for page in pages(built.outdir, ".html"):
        pagename = page.relative_to(built.outdir).with_suffix("").as_posix()
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert active_parts(soup, pagename) - known == set(), page


def text_of(soup: BeautifulSoup, selector: str) -> str:
    found = soup.select_one(selector)
    assert found is not None, selector
    return plain(found["content"] if found.name == "meta" else found.get_text())


def test_every_field_reads_as_written(web: tuple[Built, set[tuple[str, ...]]]) -> None:
    built, _known = web
    soup = built.soup("essays/every-field.html")
    title, author, summary = (plain(payload(letter)) for letter in "TAU")
    assert text_of(soup, "#jb-print-docs-body h1") == title  # the theme's own print title
    assert text_of(soup, "section h1").removesuffix("#") == title
    assert text_of(soup, "title").startswith(title)
    assert text_of(soup, 'meta[property="og:title"]') == title
    assert text_of(soup, 'meta[name="description"]') == summary
    assert text_of(soup, ".folio-subtitle") == plain(payload("S"))
    assert author in text_of(soup, ".folio-byline")
    assert author == text_of(soup, ".folio-byline .folio-author").removeprefix("by ")
    assert plain(payload("C")) in text_of(soup, ".folio-copyright")
    # The byline and the © line stand in for the theme's footer, which an essay's
    # page leaves out (folio.ext.masthead): no second, unchecked copy of either.
    assert soup.select(".bd-footer .component-author, .bd-footer .copyright") == []
    assert text_of(soup, "details summary").startswith(plain(payload("K")[:-20]))
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert (plain(data["headline"]), data["author"]["name"]) == (title, payload("A"))
    assert plain(data["description"]) == summary
    # (a tag's leading quote is dropped as the list is read: '"><script>…' → '><script>…')
    assert [plain(tag) for tag in data["keywords"]] == [
        plain(TAGS[0]), "><script>alert(2)</script>", *map(plain, TAGS[1:])]
    neighbour = built.soup("essays/plain.html")
    assert title in [plain(p.get_text()) for p in neighbour.select(".prev-next-title")]
    # Listings: the tag and genre pages, the archive, the library, the quotations.
    tag_titles = {text_of(built.soup(p.relative_to(built.outdir).as_posix()), "section h1")
                  for p in (built.outdir / "tags").glob("*.html")}
    assert {f'Tagged "{plain(tag)}"' for tag in TAGS} <= tag_titles
    genre_pages = [built.soup(p.relative_to(built.outdir).as_posix())
                   for p in (built.outdir / "genres").glob("*.html")]
    assert GENRE in {text_of(page, "section h1") for page in genre_pages}
    archive = built.soup("archive.html")
    assert title in text_of(archive, ".folio-listing") and summary in text_of(archive,
                                                                                ".folio-listing")
    assert plain(payload("L")) in text_of(built.soup("tags/javascript-alert-3.html"),
                                          ".folio-essay-facts")
    library = text_of(built.soup("library.html"), ".folio-library")
    assert all(plain(payload(letter)[:60]) in library for letter in "BW")
    assert "Q <img src=x onerror=alert(1)>" in text_of(built.soup("quotations.html"),
                                                       ".folio-quotations")
    assert title in text_of(built.soup("index.html"), ".folio-essay-list")


def test_feed_holds_the_text(web: tuple[Built, set[tuple[str, ...]]]) -> None:
    from lxml import etree

    built, _known = web
    feed = etree.parse(str(built.outdir / "atom.xml"), etree.XMLParser(resolve_entities=False))
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [plain(t.text) for t in feed.iter(f"{atom}title")]
    assert plain(payload("T")) in titles
    assert plain(payload("A")) in [plain(n.text) for n in feed.iter(f"{atom}name")]


@pytest.mark.slow
def test_epub_pages_are_xhtml_and_inert(tmp_path: Path) -> None:
    from lxml import etree

    control = build(without_hostile_essays(tmp_path), "epub")
    built = build(copy_root("hostile", tmp_path), "epub")
    expected_warnings_only(built)
    known = site_parts(control.outdir, ".xhtml")
    for page in pages(built.outdir, ".xhtml"):
        etree.parse(str(page), etree.XMLParser(resolve_entities=False, no_network=True))
        pagename = page.relative_to(built.outdir).with_suffix("").as_posix()
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert active_parts(soup, pagename) - known == set(), page
    soup = built.soup("essays/every-field.xhtml")
    assert text_of(soup, "section h1").removesuffix("#") == plain(payload("T"))
    assert plain(payload("A")) in text_of(soup, ".folio-byline")
    assert plain(payload("C")) in text_of(soup, ".folio-copyright")
    [epub] = list(built.outdir.glob("*.epub"))
    report = epubcheck(epub)
    assert "0 errors / 0 warnings" in report, report


# -- the first hostile essay: LaTeX specials and quotes -----------------------------------

def injected(soup: BeautifulSoup) -> list[str]:
    """Markup that came from an option value instead of staying text."""
    found = [str(tag) for tag in soup.find_all(True)
             if any(name.startswith("on") and "alert" in str(value)
                    for name, value in tag.attrs.items())]
    for script in soup.find_all("script"):
        if script.get("type") == "application/ld+json":
            json.loads(script.string)  # data, and it parses: option text cannot end it
        elif "alert(" in script.get_text():
            found.append(str(script))
    found += [str(tag) for tag in soup.find_all(["img", "a"])
              for attr in ("src", "href")
              if tag.get(attr, "").strip().lower().startswith(("javascript:", "data:"))]
    return found


@pytest.mark.parametrize("builder", ["html", "epub"])
def test_web_and_epub_escape_everything(tmp_path: Path, builder: str) -> None:
    built = build(copy_root("hostile", tmp_path), builder)
    expected_warnings_only(built)
    suffix = ".html" if builder == "html" else ".xhtml"
    soup = built.soup(f"essays/hostile{suffix}")
    assert injected(soup) == []
    assert soup.find("cite").get_text() == TITLE
    assert soup.select_one("section h1").get_text().startswith(
        "Tom & Jerry’s <script>alert(‘t’)</script> “quoted”")
    assert 'onerror="alert(1)' in soup.select_one("figure img")["alt"]
    if builder == "html":
        summary = soup.select_one("details.folio-spoiler summary").get_text()
        assert summary == "<img src=x onerror=alert(1)> & \"q\" 'q' \\{ } #hash"


@pytest.mark.slow
def test_pdf_compiles_with_latex_specials(tmp_path: Path) -> None:
    require("xelatex", "latexmk", "pdftotext")
    built = build(copy_root("hostile", tmp_path), "latex")
    expected_warnings_only(built)
    _pdf, _log, flat = compile_pdf(built)
    # The essay's own PDF, titled from its front matter (named apart from the
    # collection's hostile.tex).
    _pdf, _log, own = compile_pdf(built, "essay-hostile")
    assert own.startswith("Tom & Jerry’s <script>alert(‘t’)</script> “quoted”")
    assert "# $ % ~ _ ^ \\ { }" in flat
    assert "O’Brien" in flat or "O'Brien" in flat
    assert "Ann {Bob} \\relax" in flat
    # Every field of the other hostile essay, in the collection's PDF as text.
    for letter in "TSACL":  # (the summary is for listings and previews, not print)
        assert plain(payload(letter)) in plain(flat), letter


# -- the rule itself, over any text --------------------------------------------------------

#: Text that leans towards markup: fragments of attacks, joined with anything.
MARKUP = st.lists(st.sampled_from(["<", ">", "&", '"', "'", "</script>", "<!--", "-->",
                                   "<img src=x onerror=alert(1)>", "{{ x }}", "&amp;lt;",
                                   "javascript:", "\u2028", "]]>", "<![CDATA["])
                  # Control characters aside: HTML parsers rewrite them (\r, \f, NUL).
                  | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8),
                  max_size=12).map("".join)


@settings(max_examples=300, deadline=None, database=None)
@given(text=MARKUP)
def test_html_text_is_read_back_as_the_text(text: str) -> None:
    from folio.core.escaping import html_text

    content = BeautifulSoup(f"<p>{html_text(text)}</p>", "html.parser")
    assert [tag.name for tag in content.find_all(True)] == ["p"]
    assert content.p.get_text() == text
    for quote in "\"'":
        attribute = BeautifulSoup(f"<p title={quote}{html_text(text)}{quote}></p>", "html.parser")
        assert [tag.name for tag in attribute.find_all(True)] == ["p"]
        assert attribute.p["title"] == text


@settings(max_examples=300, deadline=None, database=None)
@given(data=st.recursive(MARKUP | st.integers() | st.booleans(),
                         lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(MARKUP, inner, max_size=3), max_leaves=8))
def test_script_json_cannot_end_its_script(data: object) -> None:
    from folio.core.escaping import script_json

    page = f'<script type="application/ld+json">{script_json(data)}</script><p>after</p>'
    soup = BeautifulSoup(page, "html.parser")
    assert [tag.name for tag in soup.find_all(True)] == ["script", "p"]
    assert json.loads(soup.script.string) == data
    assert "<" not in str(script_json(data))


# -- the templates, over any text ------------------------------------------------------------

@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=MARKUP, summary=MARKUP, kind=MARKUP, intro=MARKUP, book=MARKUP)
def test_listing_template_shows_any_text_as_text(title: str, summary: str, kind: str,
                                                 intro: str, book: str) -> None:
    """Folio's listing template, as Sphinx renders it (Jinja, no autoescape), with the
    summary cut where a book's title appears, as the listings give it."""
    import jinja2
    from folio.core.wording import title_spans
    from folio.ext import TEMPLATES

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False)
    summary += book  # a summary that names the book (any text, markup or not)
    spans = title_spans(summary, [book])
    essay = {"href": "a.html", "title": title, "iso": "2020-01-01", "date": "1 January 2020",
             "kind": kind, "genre_href": "g.html", "summary": summary, "summary_spans": spans}
    page = env.get_template("folio/listing.html").render(
        title=title, intro=intro, essays=[essay], nothing="")
    soup = BeautifulSoup(page, "html.parser")
    def some(text: str) -> str:
        return "x" if text else ""

    skeleton = BeautifulSoup(env.get_template("folio/listing.html").render(
        title="x", intro=some(intro), nothing="", essays=[
            {**essay, "title": "x", "kind": some(kind), "summary": some(summary),
             "summary_spans": [("x", cite) for _text, cite in spans]}]),
        "html.parser")
    assert [t.name for t in soup.find_all(True)] == [t.name for t in skeleton.find_all(True)]
    assert soup.h1.get_text() == title
    if summary:
        shown = soup.select_one(".folio-summary")
        assert shown.get_text() == summary
        assert [cite.get_text() for cite in shown.find_all("cite")] == [
            text for text, cite in spans if cite]
    # A caller that gives no spans still shows the whole summary, as text.
    del essay["summary_spans"]
    alone = BeautifulSoup(env.get_template("folio/listing.html").render(
        title=title, intro=intro, essays=[essay], nothing=""), "html.parser")
    if summary:
        assert alone.select_one(".folio-summary").get_text() == summary
        assert alone.select_one(".folio-summary").find_all(True) == []


# -- any text in every field, built: the site's pages stay the site's ------------------------

#: One line of front matter text (YAML-quoted below), leaning towards markup; only
#: characters YAML may hold (it refuses non-characters such as U+FFFE).
YAML_PRINTABLE = re.compile("[\t\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
FIELD = MARKUP.map(lambda text: " ".join(text.split())).filter(YAML_PRINTABLE.fullmatch)


@settings(max_examples=8, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=FIELD, subtitle=FIELD, author=FIELD, summary=FIELD, label=FIELD,
       copyright=FIELD, tags=st.lists(FIELD, max_size=3))
def test_any_front_matter_builds_an_inert_site(
        web: tuple[Built, set[tuple[str, ...]]], tmp_path_factory: pytest.TempPathFactory,
        title: str, subtitle: str, author: str, summary: str, label: str, copyright: str,
        tags: list[str]) -> None:
    """Every page of a site with arbitrary text in every front-matter field, parsed: nothing
    runs or loads that the plain site lacks, and the title reads as written."""
    _built, known = web
    root = copy_root("hostile", tmp_path_factory.mktemp("any"))
    (root / "essays" / "hostile.md").unlink()
    fields = {"title": title or "T", "subtitle": subtitle, "author": author, "summary": summary,
              "label": label, "copyright": copyright}
    front = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n"
                    for key, value in fields.items() if value)
    listed = json.dumps(tags, ensure_ascii=False)
    (root / "essays" / "every-field.md").write_text(
        f"---\n{front}date: 2022-02-02\ngenre: review\ntags: {listed}\n---\n\nBody.\n",
        encoding="utf-8")
    built = build(root)
    assert "Traceback" not in built.warnings
    for page in pages(built.outdir, ".html"):
        pagename = page.relative_to(built.outdir).with_suffix("").as_posix()
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert active_parts(soup, pagename) - known == set(), page
    soup = built.soup("essays/every-field.html")
    shown = text_of(soup, "#jb-print-docs-body h1")
    assert shown == text_of(soup, "section h1").removesuffix("#")
    assert shown == text_of(soup, 'meta[property="og:title"]')
    # As written, but for what smart quotes make of quotes, dashes and dots.
    assert unpunctuated(shown) == unpunctuated(fields["title"])


def unpunctuated(text: str) -> str:
    return re.sub(r"[-–—.…'\"‘’“”\s]", "", text)
