"""Names made from a writer's words: tag pages safe and unique, old addresses kept inside.

``folio.core.names`` is the rule (pure functions, property-tested here); the
``names`` root builds it: tags that would share or take over a page
(``Index``, ``C++`` and ``C#``, ``con``, 300 characters) and a
``wordpress-redirects.json`` with every kind of address that must not be
written (``..``, ``%2e%2e``, absolute, globs, a backslash, NUL, a device name,
a case-only twin, an existing page, unsafe targets).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath

from bs4 import BeautifulSoup
from conftest import build, copy_root
from folio.core.names import MAX_NAME, WINDOWS_DEVICES, page_name, redirect_source, words_key
from hypothesis import given, settings
from hypothesis import strategies as st

#: Words that lean towards what a name must survive: symbols, dots, devices, case.
WORDS = st.lists(st.sampled_from(["C", "c", "+", "#", "&", ".", " ", "-", "con", "NUL", "com1",
                                  "Index", "é", "e\u0301", "ß", "SS", "/", "\\", "..", "\x00",
                                  "'", '"', "<", ">", ":", "|", "?", "*"])
                 | st.text(max_size=6), max_size=12).map("".join)
NAME = re.compile(r"[\w-]+")


@settings(max_examples=500, deadline=None, database=None)
@given(text=WORDS)
def test_a_page_name_is_safe_on_every_disk(text: str) -> None:
    name = page_name(text, frozenset({"index"}))
    assert NAME.fullmatch(name) and "." not in name and not name.startswith("-")
    assert name == name.casefold()  # never two names that differ only in case
    assert len(name) <= MAX_NAME + 9
    assert name not in WINDOWS_DEVICES and name != "index"
    assert page_name(text, frozenset({"index"})) == name  # the same on every build


@settings(max_examples=300, deadline=None, database=None)
@given(first=WORDS, second=WORDS)
def test_different_words_get_different_pages(first: str, second: str) -> None:
    same_words = words_key(first) == words_key(second)
    if not same_words or not words_key(first):  # punctuation alone: told apart by itself
        assert (page_name(first) == page_name(second)) == (
            same_words and unicodedata.normalize("NFC", first) == unicodedata.normalize("NFC",
                                                                                        second))
    else:
        assert page_name(first) == page_name(second)


def test_page_names_of_awkward_tags() -> None:
    assert page_name("The Sea") == page_name("the sea") == page_name("the-sea") == "the-sea"
    assert (page_name("C++"), page_name("C#")) == ("c-plus-plus", "c-sharp")
    assert page_name("Index", frozenset({"index"})).startswith("index-")
    assert page_name("CON") == page_name("con") != "con"
    long = "word " * 60
    assert page_name(long) != page_name(long + "more") and len(page_name(long)) <= MAX_NAME + 9
    assert page_name("!!!") != page_name("???")
    assert page_name("Caf\u00e9") == page_name("cafe\u0301")  # one page, NFC or NFD


@settings(max_examples=500, deadline=None, database=None)
@given(path=WORDS)
def test_a_redirect_source_stays_inside_the_site(path: str) -> None:
    kept, problem = redirect_source(path)
    assert bool(kept) != bool(problem)
    if kept:
        parts = PurePosixPath(kept).parts
        assert ".." not in parts and "." not in parts and not kept.startswith("/")
        assert not re.search(r"[\\\x00-\x1f*?\[\]%]", kept)
        assert all(p.split(".")[0].casefold() not in WINDOWS_DEVICES for p in parts)
        outdir = Path("/site/out")
        assert outdir.joinpath(kept).resolve().is_relative_to(outdir)


def test_encoded_and_absolute_sources_are_refused() -> None:
    for path in ("%2e%2e/x", "%2E%2E/%2e%2e/x", "a/%2e%2e/../b", "/etc/x", "C:/x", "a\\b",
                 "a/*", "a/b?", "a/[b]", "a\x00", "%252e%252e/x", "_static/x", ".git/x",
                 "2019/aux/index", "2019/com1.txt/index", "a./b"):
        assert redirect_source(path)[0] == "", path
    assert redirect_source("2019//04/./post/index") == ("2019/04/post/index", "")
    assert redirect_source("2019/caf%C3%A9/index") == ("2019/café/index", "")


#: The names root's wordpress-redirects.json: refused entries, by line, and why.
REFUSED = {
    3: "climbs out of the site", 4: "climbs out of the site", 5: "is an absolute path",
    6: "holds a glob character", 7: "holds a glob character", 8: "holds a glob character",
    9: "holds a backslash", 10: "holds a control character",
    11: "is one of the site's own pages", 12: "is one of the site's own pages",
    13: "is a device name on Windows", 15: "only in case",
    16: "neither a relative address nor an http(s) one", 17: "holds a space, quote",
}


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_names_in_a_built_site(tmp_path: Path) -> None:
    root = copy_root("names", tmp_path)
    before = files_under(tmp_path)
    built = build(root)
    outdir, doctrees = built.outdir, root / "_build" / "doctrees"
    # Nothing written outside the output folder (and Sphinx's own doctrees).
    outside = {p for p in files_under(tmp_path) - before
               if not (p.is_relative_to(outdir) or p.is_relative_to(doctrees))}
    assert outside == set()
    # One warning for each refused address, at its line of the file; nothing else.
    lines = [line for line in built.warnings.splitlines() if line.strip()]
    assert "Traceback" not in built.warnings
    assert len(lines) == len(REFUSED), built.warnings
    for number, why in REFUSED.items():
        assert any(f"wordpress-redirects.json:{number}: WARNING: wordpress-redirects.json: "
                   in line and why in line and "[folio.redirects]" in line
                   for line in lines), (number, why)
    # The rest still redirect, each folder named as a server looks for it.
    for kept, target in (("2019/04/28/kept/index.html", "../../../../essays/first.html"),
                         ("2019/Case/index.html", "../../essays/first.html"),
                         ("2019/café/index.html", "../../essays/second.html")):
        assert f'url={target}"' in (outdir / kept).read_text(encoding="utf-8"), kept
    assert not (outdir / "2019" / "case").exists() or (outdir / "2019" / "case").samefile(
        outdir / "2019" / "Case")  # a case-insensitive disk: the same folder
    assert "Second" in BeautifulSoup((outdir / "essays/second.html").read_text(),
                                     "html.parser").title.get_text()
    # Tags: the index is the index; C++ and C# each have a page; long tags have pages.
    index = BeautifulSoup((outdir / "tags/index.html").read_text(), "html.parser")
    assert index.h1.get_text() == "Tags"
    listed = {a.get_text(): a["href"] for a in index.select(".folio-tags-index a")}
    assert listed["C++"] == "c-plus-plus.html" and listed["C#"] == "c-sharp.html"
    assert listed["Index"].startswith("index-") and listed["Index"] != "index.html"
    assert len({listed[tag] for tag in listed if tag.startswith("a long tag")}) == 2
    assert len(listed) == len(set(listed.values())) == 8  # The Sea/the sea, con/CON: one each
    for tag, href in listed.items():
        page = BeautifulSoup((outdir / "tags" / href).read_text(), "html.parser")
        assert page.h1.get_text() == f"Tagged “{tag}”"
        titles = [a.get_text() for a in page.select(".folio-essay-title a")]
        shared = tag in ("the sea", "CON")  # written so by Second, the newest essay
        assert titles == ["Second", "First"] if shared else len(titles) == 1, tag
        name = Path(href).stem
        assert NAME.fullmatch(name) and name.split(".")[0] not in WINDOWS_DEVICES
    plus = BeautifulSoup((outdir / "tags/c-plus-plus.html").read_text(), "html.parser")
    assert [a.get_text() for a in plus.select(".folio-essay-title a")] == ["First"]
    byline = BeautifulSoup((outdir / "essays/first.html").read_text(), "html.parser")
    links = {a.get_text(): a["href"] for a in byline.select(".folio-tags a")}
    assert links["C++"] == "../tags/c-plus-plus.html"
    assert links["Index"] == f"../tags/{listed['Index']}"
