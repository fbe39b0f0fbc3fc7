"""``responses``: stored responses as a static, sanitised section in HTML, ePub and PDF."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import Built, build, compile_pdf, copy_root, epubcheck
from folio.ext.responses import read_responses, text_to_nodes

HOSTILE = ("alert", "onerror", "onclick", "javascript", "<iframe", "evil.example",
           "mallory@example.com", "192.168.10.20", "root:x:0")


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(copy_root("responses", tmp_path_factory.mktemp("html")))


def test_section_oldest_first(html: Built) -> None:
    section = html.soup("essays/answered.html").select_one("div.folio-responses")
    assert section is not None and section["id"] == "responses"
    assert section.select_one("h2").get_text() == "Responses"
    metas = [" ".join(p.get_text(" ").split()) for p in section.select(".folio-response-meta")]
    assert metas == ["Margaret Lee · 3 June 2019", "Walter Pike · 1 July 2019",
                     '<script>alert(“name”)</script>Mallory · 9 August 2019']
    first = section.select(".folio-response")[0]
    assert first.select_one(".folio-response-meta a")["href"] == "https://example.org/margaret"
    assert first.select_one("strong").get_text() == "Margaret Lee"
    assert [a["href"] for a in first.select("p:not(.folio-response-meta) a")] == \
        ["https://example.org/book"]
    assert first.select_one("p:not(.folio-response-meta) strong").get_text() == "liked"
    second = section.select(".folio-response")[1]
    assert [p.get_text() for p in second.select("p")][1:] == [
        "The second letter I wrote came back unopened.", "Still, I kept writing."]


def test_section_comes_last(html: Built) -> None:
    body = html.soup("essays/answered.html").select_one("section")
    blocks = [div["class"][0] for div in body.find_all("div", recursive=False)
              if div.get("class")]
    assert blocks[-1] == "folio-responses"
    assert blocks.index("folio-copyright") < blocks.index("folio-responses")


def test_hostile_response_is_harmless(html: Built) -> None:
    section = html.soup("essays/answered.html").select_one("div.folio-responses")
    hostile = section.select(".folio-response")[2]
    assert not hostile.select("script, iframe, img, [onclick], [onerror]")
    assert hostile.select_one(".folio-response-meta a") is None  # javascript: link dropped
    assert [a["href"] for a in hostile.select("a")] == ["https://example.org/ok"]
    words = " ".join(hostile.get_text(" ").split())
    assert "Write to me at [removed] or [removed]." in words
    assert "click me" in words and "a fair link" in words
    raw = str(section)
    for word in HOSTILE[1:]:
        assert word not in raw, word
    assert "alert" not in raw.replace("&lt;script&gt;alert(“name”)&lt;/script&gt;", "")


def test_essay_without_responses_has_no_section(html: Built) -> None:
    assert html.soup("essays/plain.html").select_one(".folio-responses") is None


def test_warnings_name_file_and_line(html: Built) -> None:
    found = set(re.findall(r"essays/(\w+)\.md:(\d+): WARNING: responses: ([^\[]+)",
                           html.warnings))
    lines = {(name, int(line), message.strip()) for name, line, message in found}
    assert lines == {
        ("answered", 25, "link 'javascript:alert(1)' is not an http(s) address; not linked"),
        ("answered", 26, "text carries an e-mail or IP address ('mallory@example.com'); "
                         "removed"),
        ("broken", 12, "unknown key 'colour' (known: name, date, link, text)"),
        ("broken", 14, "a response has no name"),
        ("broken", 16, "the response by 'Bob' has no date"),
        ("broken", 19, "date '2019-02-30' is not a date (use YYYY-MM-DD)"),
        ("broken", 23, "link carries an e-mail or IP address ('mailto:di@example.com'); "
                       "removed"),
        ("badyaml", 13, "not valid YAML: found unexpected end of stream"),
    }
    section = html.soup("essays/broken.html").select_one(".folio-responses")
    names = [p.strong.get_text() for p in section.select(".folio-response-meta")]
    assert names == ["Ann", "Di"]  # the others are left out, each with its warning
    assert html.soup("essays/badyaml.html").select_one(".folio-responses") is None


@pytest.mark.slow
def test_epub(tmp_path_factory: pytest.TempPathFactory) -> None:
    built = build(copy_root("responses", tmp_path_factory.mktemp("epub")), "epub")
    page = (built.outdir / "essays" / "answered.xhtml").read_text(encoding="utf-8")
    assert '<h2 class="folio-responses-heading rubric">Responses</h2>' in page
    assert "Margaret Lee" in page and "3 June 2019" in page
    for word in HOSTILE[1:]:
        assert word not in page, word
    epub = next(built.outdir.glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        assert "essays/answered.xhtml" in archive.namelist()
    report = epubcheck(epub)
    assert "No errors or warnings detected" in report, report[-2000:]


@pytest.mark.slow
def test_latex_and_pdf(tmp_path_factory: pytest.TempPathFactory) -> None:
    built = build(copy_root("responses", tmp_path_factory.mktemp("latex")), "latex")
    tex = next(p for p in built.outdir.glob("*.tex") if "{sphinxmanual}" in p.read_text())
    source = tex.read_text(encoding="utf-8")
    assert "Responses" in source and "Margaret Lee" in source
    for word in ("javascript", "onerror", "mallory@example.com", "root:x:0"):
        assert word not in source, word
    _pdf, log, text = compile_pdf(built, tex.stem)
    assert "Missing character" not in log
    assert "Responses Margaret Lee · 3 June 2019 I read it after seeing the film" in text
    assert "Walter Pike · 1 July 2019" in text
    assert text.index("Margaret Lee") < text.index("Walter Pike") < text.index("9 August 2019")
    assert "javascript" not in text and "[removed]" in text


def test_text_to_nodes_keeps_only_plain_nodes() -> None:
    nodes_ = text_to_nodes('<div onclick="x()">a</div> <b>b</b> <a href="/relative">r</a>\n\n'
                           '```{raw} html\n<script>x</script>\n```\n\n- one\n- two')
    kinds = {type(node).__name__ for top in nodes_ for node in top.findall()}
    assert kinds <= {"paragraph", "Text", "strong", "inline", "literal_block", "bullet_list",
                     "list_item", "emphasis", "reference", "literal"}
    assert "raw" not in kinds


def test_read_responses_sorted_and_typed() -> None:
    found, problems = read_responses(
        "- name: B\n  date: 2020-02-02\n  text: two\n- name: A\n  date: 2020-01-01 10:00:00\n")
    assert [(r.name, r.date.isoformat()) for r in found] == [("A", "2020-01-01"),
                                                            ("B", "2020-02-02")]
    assert problems == []
    assert read_responses("name: A")[1] == [
        (1, "responses: the body must be a YAML list ('- name: ...')")]


def test_parallel_build_is_the_same(html: Built, tmp_path_factory: pytest.TempPathFactory) -> None:
    parallel = build(copy_root("responses", tmp_path_factory.mktemp("parallel")), parallel=2)
    for page in ("essays/answered.html", "essays/broken.html"):
        assert str(parallel.soup(page).select_one(".folio-responses")) == \
            str(html.soup(page).select_one(".folio-responses"))


# -- the cap: a page stays a page, whatever an import brings ------------------------------

def many_responses(count: int) -> str:
    """``count`` responses, newest first in the file (the page shows them oldest first)."""
    return "".join(f"- name: Reader {n}\n  date: {2000 + n // 365:04d}-"
                   f"{1 + n // 28 % 12:02d}-{1 + n % 28:02d}\n"
                   f"  text: |\n    Response {n} says *something*.\n"
                   for n in reversed(range(count)))


def crowded_site(tmp_path: Path, count: int) -> Path:
    root = copy_root("responses", tmp_path)
    (root / "essays" / "crowded.md").write_text(
        "---\ntitle: Crowded\ndate: 2020-02-02\ngenre: opinion\n---\n\nMuch discussed.\n\n"
        f"```{{responses}}\n{many_responses(count)}```\n", encoding="utf-8")
    return root


def shown_names(soup: BeautifulSoup) -> list[str]:
    return [strong.get_text() for strong in soup.select(".folio-response-meta strong")]


@pytest.mark.parametrize("builder", ["html", "epub"])
def test_only_the_first_responses_are_shown(tmp_path: Path, builder: str) -> None:
    built = build(crowded_site(tmp_path, 12), builder, folio_responses_limit=5)
    soup = built.soup(f"essays/crowded.{'html' if builder == 'html' else 'xhtml'}")
    assert shown_names(soup) == [f"Reader {n}" for n in range(5)]  # the oldest five
    note = soup.select_one(".folio-responses p.folio-responses-left-out")
    assert note.get_text() == "7 later responses are not shown here (the first 5 are)."
    assert note.find_previous(class_="folio-response") is not None  # after the last shown


def test_the_pdf_shows_the_note(tmp_path: Path) -> None:
    built = build(crowded_site(tmp_path, 4), "latex", folio_responses_limit=3)
    tex = next(p for p in built.outdir.glob("*.tex") if "{sphinxmanual}" in p.read_text())
    _pdf, _log, text = compile_pdf(built, tex.stem)
    assert "Reader 2 ·" in text and "Reader 3 ·" not in text
    assert "One later response is not shown here (the first 3 are)." in text


def test_a_crowded_essay_stays_a_page(tmp_path: Path) -> None:
    """Responses past the default limit (500) leave no trace but the note."""
    built = build(crowded_site(tmp_path, 1500))
    page = built.outdir / "essays" / "crowded.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert len(shown_names(soup)) == 500 and "Reader 500" not in page.read_text("utf-8")
    assert "1,000 later responses are not shown here" in soup.select_one(
        ".folio-responses-left-out").get_text()
    assert page.stat().st_size < 1_000_000


def test_the_limit_must_be_a_positive_number(tmp_path: Path) -> None:
    built = build(crowded_site(tmp_path, 3), folio_responses_limit=0)
    assert "folio_responses_limit must be a whole number of 1 or more; using 500" in \
        built.warnings
    assert len(shown_names(built.soup("essays/crowded.html"))) == 3
