"""Outside validators on the built site: the Nu HTML checker, axe-core in Chromium,
DAISY Ace on the ePubs, and our own check that every internal link resolves.

Whatever fails in markup the theme or Sphinx writes is an explicit entry below,
with the reason and the upstream report; anything else fails the test. The tools
come from the repository's package.json (``npm ci``) and Debian (.ci/run).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, Built, build, copy_root, require, serve

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow

NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar/build/dist/vnu.jar"
AXE_JS = NODE_MODULES / "axe-core/axe.min.js"
ACE_CLI = NODE_MODULES / "@daisy/ace-cli/bin/ace.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--disable-extensions", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]


@dataclass(frozen=True)
class Allowed:
    """One finding we do not own: what it is, why it is there, where it is reported."""

    rule: str  # a regular expression on the checker's message or rule id
    where: str  # a regular expression the offending markup (or selector) must match
    reason: str
    upstream: str

    def covers(self, rule: str, where: str) -> bool:
        return bool(re.search(self.rule, rule) and re.search(self.where, where))


def pages(outdir: Path) -> list[Path]:
    """Every page a reader can open (not the theme's template macros in _static)."""
    return sorted(p for p in outdir.rglob("*.html")
                  if not {"_static", "_sources", "_images"} & set(p.relative_to(outdir).parts))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    built = build(ROOT, "html", builddir=tmp_path_factory.mktemp("validators"))
    assert built.warnings == ""
    return built


# -- 1. The Nu HTML checker ------------------------------------------------------------

HTML_ALLOWED = [
    Allowed(
        rule=r"^Attribute “autocorrect” not allowed on element “input”",
        where=r'<input type="search"[^>]*name="q"',
        reason="pydata-sphinx-theme's search field (components/search-field.html) sets "
               "autocorrect=\"off\", a WebKit attribute now being standardised that "
               "vnu-jar 24.10.17 does not know yet. Not our markup.",
        upstream="pydata/pydata-sphinx-theme#870 (added the attribute); the same report "
                 "against other themes: squidfunk/mkdocs-material#4023",
    ),
]


def nu_check(files: list[Path]) -> list[dict[str, Any]]:
    require("java", str(VNU_JAR))
    run = subprocess.run(["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always",
                          *map(str, files)], capture_output=True, text=True, timeout=600,
                         check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    messages: list[dict[str, Any]] = json.loads(run.stderr or run.stdout)["messages"]
    return messages


def nu_errors(files: list[Path]) -> tuple[list[str], set[Allowed]]:
    """Errors nobody allowed, as ``page:line: message``, and the allowances used."""
    unexplained, used = [], set()
    for message in nu_check(files):
        if message["type"] not in {"error", "non-document-error"}:
            continue
        allowance = next((a for a in HTML_ALLOWED
                          if a.covers(message["message"], message.get("extract", ""))), None)
        if allowance:
            used.add(allowance)
            continue
        page = unquote(message.get("url", "")).rsplit("/html/", 1)[-1]
        unexplained.append(f"{page}:{message.get('lastLine')}: {message['message']} "
                           f"in {message.get('extract', '')!r}")
    return unexplained, used


def test_nu_html_checker_on_every_sample_page(site: Built) -> None:
    files = pages(site.outdir)
    essays = [p for p in files if p.parent.name == "essays"]
    assert len(essays) >= 8 and (site.outdir / "index.html") in files
    unexplained, used = nu_errors(files)
    assert unexplained == []
    # An allowance the theme no longer needs is removed, not left to hide things.
    assert used == set(HTML_ALLOWED)


@pytest.mark.parametrize("root", ["folio", "hostile"])
def test_nu_html_checker_on_test_roots(tmp_path: Path, root: str) -> None:
    """Every directive and role, and hostile text in every option, stay valid HTML.

    Built with the site's theme and sidebars: the roots' default (alabaster) has errors
    of its own, and its searchbox.html beside the book theme's search gives a duplicate id.
    """
    sidebars = {"**": ["navbar-logo.html", "search-button-field.html", "folio-sidebar.html"]}
    built = build(copy_root(root, tmp_path), html_theme="sphinx_book_theme",
                  html_sidebars=sidebars)
    unexplained, _used = nu_errors(pages(built.outdir))
    assert unexplained == []


# -- 2. axe-core in Chromium, and the keyboard ------------------------------------------

A11Y_ALLOWED: list[Allowed] = []  # none needed: the theme passes wcag2a/wcag2aa today
AXE_TAGS = ["wcag2a", "wcag2aa"]


def require_module(name: str) -> None:
    import importlib.util

    if importlib.util.find_spec(name) is None:
        message = f"needs the Python package {name} (pip install -e '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def served(site: Built) -> Iterator[str]:
    """The built site over http://127.0.0.1 (a stdlib server in a thread)."""
    yield from serve(site.outdir)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require(CHROMIUM, str(AXE_JS))
    require_module("playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def axe(page: Any, url: str) -> list[dict[str, Any]]:
    page.goto(url, wait_until="load")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", AXE_TAGS)
    assert result["testEngine"]["name"] == "axe-core"
    violations: list[dict[str, Any]] = result["violations"]
    return violations


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_on_every_page(site: Built, served: str, browser: Any, scheme: str) -> None:
    """Both colour schemes: the theme follows the reader's (``prefers-color-scheme``)."""
    files = pages(site.outdir)
    names = [str(p.relative_to(site.outdir)) for p in files]
    # The pages the issue names are among them: home, an essay with a cover image and
    # quotes, an essay with a spoiler, and every listing page (anything not an essay).
    assert "index.html" in names
    soups = {name: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
             for name, p in zip(names, files, strict=True)}
    assert any(s.select("figure.folio-book img") and s.select(".folio-quote")
               for s in soups.values())
    assert any(s.select("details.folio-spoiler") for s in soups.values())
    page = browser.new_page(color_scheme=scheme)
    page.goto(f"{served}/index.html", wait_until="load")
    mode = page.evaluate("document.documentElement.dataset.mode || ''")
    shown = page.evaluate("document.documentElement.dataset.theme || ''")
    assert mode in ("", "auto") and shown == scheme, (mode, shown)
    serious: list[str] = []
    checked = 0
    for name in names:
        for violation in axe(page, f"{served}/{name}"):
            if violation["impact"] not in {"serious", "critical"}:
                continue
            for node in violation["nodes"]:
                where = " ".join(map(str, node["target"])) + " " + node.get("html", "")
                if not any(a.covers(violation["id"], where) for a in A11Y_ALLOWED):
                    serious.append(f"{name}: {violation['impact']} {violation['id']} at {where}")
        checked += 1
    page.close()
    assert checked == len(names) >= 11
    assert serious == []


@pytest.mark.parametrize("key", ["Enter", " "])
def test_keyboard_opens_a_spoiler(site: Built, served: str, browser: Any, key: str) -> None:
    name = next(str(p.relative_to(site.outdir)) for p in pages(site.outdir)
                if 'class="folio-spoiler"' in p.read_text(encoding="utf-8"))
    page = browser.new_page()
    page.goto(f"{served}/{name}", wait_until="load")
    assert page.evaluate("document.querySelector('details.folio-spoiler').open") is False
    on_summary = "document.activeElement.matches('details.folio-spoiler > summary')"
    for _press in range(400):
        page.keyboard.press("Tab")
        if page.evaluate(on_summary):
            break
    else:
        pytest.fail(f"Tab never reached the spoiler's <summary> on {name}")
    page.keyboard.press(key)
    opened = page.evaluate("document.activeElement.parentElement.open")
    body_shown = page.evaluate(
        "document.activeElement.parentElement.querySelector('.folio-spoiler-body')"
        ".getBoundingClientRect().height > 0")
    page.close()
    assert opened is True and body_shown


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_masthead_contrast(site: Built, served: str, browser: Any, scheme: str) -> None:
    """Every element of the masthead passes axe's contrast rules, in both schemes
    (issue 20: the old search box's icon and label were black on black in dark mode).
    Run with JavaScript on, so the theme's colour switch is shown and checked too."""
    page = browser.new_page(color_scheme=scheme)
    page.goto(f"{served}/essays/frankenstein-at-two-hundred.html", wait_until="load")
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "() => axe.run({include: [['header.folio-masthead']]},"
        " {runOnly: {type: 'rule', values: ['color-contrast', 'color-contrast-enhanced',"
        " 'link-in-text-block', 'label', 'button-name']}})")
    page.close()
    contrast = [rule for rule in result["violations"] if rule["id"] in
                ("color-contrast", "link-in-text-block", "label", "button-name")]
    assert contrast == [], contrast
    checked = [node for rule in result["passes"] if rule["id"] == "color-contrast"
               for node in rule["nodes"]]
    # The title, the four links and the search field at least: axe really looked.
    assert len(checked) >= 6, checked


# -- 3. DAISY Ace on the ePubs --------------------------------------------------------

EPUB_ALLOWED = [
    Allowed(
        rule=r"^aria-required-attr$",
        where=r'\.toctree-wrapper.*\.caption\[role="heading"\]',
        reason="Sphinx writes a toctree's :caption: as <p class=\"caption\" "
               "role=\"heading\"> without aria-level (ARIA 1.2 requires one). On the web "
               "pydata-sphinx-theme's translator adds aria-level; the ePub builder uses "
               "Sphinx's own translator.",
        upstream="sphinx-doc/sphinx#14030 (fix proposed in sphinx-doc/sphinx#14437); "
                 "the theme's fix: pydata/pydata-sphinx-theme#456",
    ),
]

def ace(epub: Path, workdir: Path) -> list[tuple[str, str, str, str]]:
    """Ace's findings as (file, impact, rule, selector), run offline on Debian's Chromium."""
    require("node", str(ACE_CLI), CHROMIUM)
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1",
           # Ace keeps its settings and logs under these: one set per test, parallel-safe.
           "XDG_CONFIG_HOME": str(workdir / "config"), "XDG_DATA_HOME": str(workdir / "data"),
           "XDG_CACHE_HOME": str(workdir / "cache")}
    report = workdir / "report"
    run = subprocess.run(["node", str(ACE_CLI), "--silent", "--force", "--outdir", str(report),
                          "--tempdir", str(workdir / "tmp"), str(epub)],
                         capture_output=True, text=True, timeout=600, env=env, check=False)
    assert run.returncode == 0 and (report / "report.json").exists(), run.stdout + run.stderr
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    found = []
    for subject in data["assertions"]:
        for check in subject.get("assertions", []):
            test = check["earl:test"]
            css = check["earl:result"].get("earl:pointer", {}).get("css") or [""]
            found += [(subject["earl:testSubject"]["url"], test["earl:impact"],
                       test["dct:title"], selector) for selector in css]
    return found


@pytest.fixture(scope="module")
def epubs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The collection's ePub and one essay's own ePub (written beside it, in downloads/)."""
    built = build(ROOT, "epub", builddir=tmp_path_factory.mktemp("ace"))
    assert built.warnings == ""
    essays = sorted((built.outdir.parent / "downloads").glob("*.epub"))
    assert essays
    spoiler = next(e for e in essays if "frankenstein" in e.name)
    return [built.outdir / "margins.epub", spoiler]


@pytest.fixture(scope="module")
def ace_findings(epubs: list[Path], tmp_path_factory: pytest.TempPathFactory
                 ) -> dict[str, list[tuple[str, str, str, str]]]:
    return {epub.name: ace(epub, tmp_path_factory.mktemp("ace-run")) for epub in epubs}


def test_ace_has_no_serious_findings(ace_findings: dict[str, list[tuple[str, str, str, str]]]
                                     ) -> None:
    assert "margins.epub" in ace_findings
    unexplained = [
        f"{book}: {file} {impact} {rule} {selector}"
        for book, findings in ace_findings.items()
        for file, impact, rule, selector in findings
        if impact in {"serious", "critical"}
        and not any(a.covers(rule, selector) for a in EPUB_ALLOWED)]
    assert unexplained == []


# -- 4. Links and anchors ------------------------------------------------------------

def broken_links(outdir: Path) -> list[str]:
    """Internal hrefs/srcs whose file or #fragment does not exist, and unsafe URLs."""
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids[path] = {str(tag["id"]) for tag in soup.find_all(id=True)} | {
                str(tag["name"]) for tag in soup.find_all("a", attrs={"name": True})}
        return ids[path]

    problems = []
    for page in pages(outdir):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            for attr in ("href", "src"):
                value = tag.get(attr)
                if value is None:
                    continue
                url = str(value).strip()
                where = f"{page.relative_to(outdir)}: <{tag.name} {attr}={url!r}>"
                scheme = urlsplit(url).scheme.lower()
                if re.match(r"^\s*(javascript|data|vbscript):", url, re.I):
                    problems.append(f"{where}: unsafe URL")
                    continue
                if scheme or url.startswith("//"):
                    continue  # external (http, https, mailto): not checked offline
                parts = urlsplit(url)
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
                if not target.is_relative_to(outdir.resolve()):
                    problems.append(f"{where}: leaves the site")
                elif target.is_dir():
                    if not (target / "index.html").exists():
                        problems.append(f"{where}: a folder without index.html")
                elif not target.exists():
                    problems.append(f"{where}: no such file")
                elif parts.fragment and target.suffix == ".html" and unquote(
                        parts.fragment) not in ids_of(target):
                    problems.append(f"{where}: no id {parts.fragment!r}")
    return problems


def test_every_internal_link_resolves(site: Built) -> None:
    assert len(pages(site.outdir)) >= 11
    assert broken_links(site.outdir) == []


def test_link_checker_finds_what_it_should(tmp_path: Path) -> None:
    """The checker itself: a missing file, a missing anchor and a javascript: URL."""
    (tmp_path / "a.html").write_text(
        '<p id="here"><a href="b.html">b</a> <a href="a.html#here">ok</a> '
        '<a href="#gone">x</a> <a href="nothing.html">y</a> '
        '<a href="JavaScript:alert(1)">z</a> <img src="data:image/png;base64,AA"> '
        '<a href="https://example.org/">ext</a></p>', encoding="utf-8")
    (tmp_path / "b.html").write_text('<a href="a.html#here">back</a>', encoding="utf-8")
    found = broken_links(tmp_path)
    assert [line.rsplit(": ", 1)[-1] for line in found] == [
        "no id 'gone'", "no such file", "unsafe URL", "unsafe URL"]
