"""The importer writes text, never markup: whatever a WordPress export holds.

The property test builds exports from arbitrary text and HTML in every post
field (title, body, excerpt, tags, author, comments, captions, link
addresses), imports each with the command, and parses every essay written
with MyST's own parser, twice: its markdown-it tokens (every directive,
role, HTML, math, target, comment, link and image), and a docutils doctree
(no raw, math, substitution or error node; the text).  The importer's own
directives are parsed again inside, with the same rules.  So a payload
that escaped the escaping would show as a token or node the writer did not
write, and a character lost on the way would show as text missing.

One real Sphinx build of a hostile export (the payloads the review found)
checks that the same holds where it matters: no file is read or copied, no
script is on the page, the payloads are shown as text.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape, quoteattr

import pytest
import yaml
from conftest import ROOT, build
from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles
from folio.commands.wordpress.command import main
from folio.ext.books import BookCitation
from folio.ext.quotes import PageQuote
from folio.ext.related import RelatedReading
from folio.ext.responses import private_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.docutils_ import Parser
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.options import options_to_items

#: Every MyST syntax a collection might switch on: the check is against the
#: widest reading, not only the starter's ``colon_fence, deflist``.
EXTENSIONS = {"colon_fence", "deflist", "dollarmath", "amsmath", "substitution", "html_image",
              "html_admonition", "attrs_inline", "attrs_block", "fieldlist", "tasklist"}
MD = create_md_parser(MdParserConfig(enable_extensions=EXTENSIONS), RendererHTML)
#: The directives and the role the importer writes (and nothing else may appear).
OURS = {"book-citation", "page-quote", "related-reading", "responses"}
#: Token types that are markup no import may make.
FORBIDDEN_TOKENS = {"html_block", "html_inline", "math_inline", "math_block",
                    "math_inline_double", "math_block_label", "amsmath", "myst_target",
                    "myst_line_comment", "myst_block_break", "colon_fence", "substitution_block",
                    "substitution_inline", "front_matter", "field_list_open", "dl_open",
                    "footnote_ref", "footnote_block_open", "attrs_block"}
FORBIDDEN_NODES = (nodes.raw, nodes.math, nodes.math_block, nodes.substitution_reference,
                   nodes.substitution_definition, nodes.system_message, nodes.comment,
                   nodes.field_list, nodes.definition_list, nodes.footnote, nodes.target,
                   nodes.citation)
WEB = re.compile(r"^(?:https?://|mailto:)")
ESSAY_LINK = re.compile(r"^(?:\.\./)*[a-z0-9-]+(?:/[a-z0-9-]+)*\.md$")


# -- docutils: Folio's directives as plain containers, so the doctree can be read ----------

class Ours(Directive):
    """Stands in for one of Folio's directives: its options checked, its body parsed."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        box = nodes.container(classes=["ours"])
        box["options"] = dict(self.options)
        box["argument"] = self.arguments[0] if self.arguments else ""
        if self.name == "responses":
            box["yaml"] = "\n".join(self.content)
        else:
            self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


def stand_in(name: str, spec: dict[str, Any]) -> type[Directive]:
    return type(f"StandIn{name.title().replace('-', '')}", (Ours,),
                {"option_spec": dict(spec), "name": name})


def page_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
              options: Any = None, content: Any = None) -> tuple[list[nodes.Node], list[Any]]:
    node = nodes.inline(rawtext, f"(p{text})", classes=["page"])
    return [node], []


@contextlib.contextmanager
def folio_stand_ins() -> Iterator[None]:
    """Folio's directives and role as stand-ins, for docutils only (never with Sphinx)."""
    for name, directive in (("book-citation", BookCitation), ("page-quote", PageQuote),
                            ("related-reading", RelatedReading)):
        directives.register_directive(name, stand_in(name, directive.option_spec or {}))
    directives.register_directive("responses", stand_in("responses", {}))
    roles.register_local_role("page", page_role)
    try:
        yield
    finally:
        for name in OURS:
            directives._directives.pop(name, None)  # type: ignore[attr-defined]
        roles._roles.pop("page", None)  # type: ignore[attr-defined]


def doctree(text: str) -> nodes.document:
    return publish_doctree(text, parser=Parser(), settings_overrides={
        "myst_enable_extensions": sorted(EXTENSIONS), "report_level": 5, "halt_level": 5,
        "warning_stream": False, "smart_quotes": False})


# -- what a written essay may contain ----------------------------------------------------

def walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def check_markdown(text: str, found: list[str], texts: list[str]) -> None:
    """No markup but ours in ``text`` (a body, a quotation, a response); collect its words.

    ``found`` gets one entry per directive or role of ours; ``texts`` every
    piece of text a reader sees.
    """
    for token in walk(MD.parse(text)):
        assert token.type not in FORBIDDEN_TOKENS, (token.type, token.content, text)
        assert not {k for k in token.attrs if k not in ("href", "src", "alt", "start")}, \
            (token.attrs, text)  # no {#id .class} attributes
        if token.type == "myst_role":
            assert token.meta["name"] == "page", (token.meta, text)
            found.append("page")
        elif token.type == "link_open":
            href = str(token.attrs["href"])
            assert WEB.match(href) or ESSAY_LINK.match(href), (href, text)
        elif token.type == "image":
            assert str(token.attrs["src"]).startswith("media/"), (token.attrs, text)
        elif token.type == "fence" and token.info.strip():
            name = re.fullmatch(r"\{([\w-]+)\}(?: (.*))?", token.info.strip())
            assert name is not None and name.group(1) in OURS, (token.info, text)
            found.append(name.group(1))
            check_directive(name.group(1), token.content, found, texts)
        elif token.type in ("fence", "code_block", "code_inline", "text"):
            texts.append(token.content)
    tree = doctree(text)
    for node in tree.findall(lambda n: isinstance(n, FORBIDDEN_NODES)):
        if isinstance(node, nodes.system_message) and node["level"] < 2:
            continue  # information (two sections of one name), never a warning
        raise AssertionError(f"{node.__class__.__name__} in {text!r}: {node.astext()}")
    for node in tree.findall(nodes.reference):
        uri = node.get("refuri", "")
        assert not uri or WEB.match(uri), (uri, text)
    texts.append(tree.astext())


def check_directive(name: str, content: str, found: list[str], texts: list[str]) -> None:
    lines = content.splitlines()  # as MyST splits a directive's body
    options = [line for line in lines if line.startswith(":")]
    head = "\n".join(lines[:len(options)])
    assert options == lines[:len(options)]
    items = option_items(head)
    body = "\n".join(lines[len(options):])
    if name == "responses":
        entries = yaml.safe_load(body)
        assert isinstance(entries, list)
        for entry in entries:
            assert set(entry) <= {"name", "date", "link", "text"}, entry
            texts.append(str(entry["name"]))
            check_markdown(str(entry["text"]), found, texts)
        return
    texts.extend(items.values())
    if name == "related-reading":
        assert not body.strip()
        return
    check_markdown(body, found, texts)


def option_items(head: str) -> dict[str, str]:
    """Directive options as MyST reads them (its own parser)."""
    if not head:
        return {}
    text = "\n".join(line[1:] for line in head.split("\n"))  # `:key: v` → `key: v`
    items, _state = options_to_items(text)
    return {key: value for key, value in items}


# -- the exports ---------------------------------------------------------------------------

#: Pieces of text the review used, and the syntax around them.
PAYLOADS = ["```", "````", "~~~", ":::", "::::{include} /etc/passwd", "```{include} /etc/passwd",
            "```{raw} html", "<script>alert(1)</script>", "{eval-rst}", "{download}`conf.py`",
            "{raw}`<b>x</b>`", ")", "](/etc/passwd)", "[x](conf.py)", "![x](conf.py)", "> ",
            ">", "  ", "    ", "- ", "* ", "+ ", "1. ", "2) ", "$$", "$x$", "(target)=", "%",
            "% comment", "---", "+++", "{{ project }}", "{#id .class}", "[x]: /etc/passwd",
            "[^1]", "\\", "`", "|", "| a | b |", ": ", ":name: value", "\\begin{equation}",
            "&amp;", "&lt;img src=x&gt;", "<!-- -->", "<b>", "#", "## ", "===", "{", "}", "\n",
            "\n\n", "\t", "(p12)", "'", '"', "|x", "#x", " # ", "{download}", "`x`"]
CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",)).filter(
    lambda c: (c >= " " or c in "\t\n") and c not in "\ufffe\uffff\r")
TEXT = st.lists(st.one_of(st.sampled_from(PAYLOADS), st.text(CHARS, max_size=8)),
                max_size=6).map("".join)
URLS = st.one_of(
    st.sampled_from(["conf.py", "/etc/passwd", "../conf.py", "javascript:alert(1)",
                     "file:///etc/passwd", "#top", "mailto:a@b.example"]),
    TEXT.map(lambda t: "https://books.example/" + t))

SHORTCODE = re.compile(r"\[/?[A-Za-z]|\[[A-Za-z][\w-]*[\s\]]")


def visible(text: str) -> str:
    """Text compared without its whitespace (which HTML and Markdown both fold)."""
    return "".join(text.split())


@st.composite
def blocks(draw: st.DrawFn, depth: int = 0) -> tuple[str, list[str]]:
    """One block of post HTML and the texts a reader must still see."""
    text, other = draw(TEXT), draw(TEXT)
    kind = draw(st.sampled_from(
        ["p", "br", "quote", "pre", "precode", "code", "list", "olist", "link", "figure",
         "heading", "em", "bookquote"] + (["nested"] if depth < 2 else [])))
    e, e2 = html.escape(text), html.escape(other)
    if kind == "p":
        return f"<p>{e}</p>", [text]
    if kind == "br":
        return f"<p>{e}<br>{e2}</p>", [text, other]
    if kind == "quote":
        return f"<blockquote><p>{e}</p><p>{e2}</p></blockquote>", [text, other]
    if kind == "pre":
        return f"<pre>{e}</pre>", [text]
    if kind == "precode":
        return f"<pre><code>{e}</code></pre>", [text]
    if kind == "code":
        return f"<p>Run <code>{e}</code> and {e2}</p>", [text, other]
    if kind in ("list", "olist"):
        tag = "ul" if kind == "list" else "ol"
        return f"<{tag}><li>{e}</li><li>{e2}</li></{tag}>", [text, other]
    if kind == "link":
        url = draw(URLS)
        return f"<p>See <a href={quoteattr(url)}>{e}</a>.</p>", [text]
    if kind == "figure":
        url = draw(URLS)
        shown = [other] + ([text] if url.startswith("https://") else [])
        return (f"<figure><img src={quoteattr(url)} alt={quoteattr(text)}>"
                f"<figcaption>{e2}</figcaption></figure>"), shown
    if kind == "bookquote":  # a cover, so that the quotation becomes a page-quote
        return (f"<figure><img src=\"https://x.example/c.jpg\" alt=\"{e2}\">"
                f"<figcaption>Cover of the 2001 Penguin paperback edition of ‘{e2}’ by A. "
                f"Writer.</figcaption></figure><blockquote><p>{e}</p><p>{e2} (p12)</p>"
                "</blockquote>"), [text]
    if kind == "heading":
        return f"<h2>{e}</h2><p>{e2}</p>", [text, other]
    if kind == "em":
        return f"<p><em>{e}</em>{e2}<strong>{e}</strong></p>", [text, other]
    inner, words = draw(blocks(depth + 1))
    wrapper = draw(st.sampled_from(["blockquote", "li"]))
    if wrapper == "li":
        return f"<ul><li>{e}{inner}</li></ul>", [text, *words]
    return f"<blockquote>{inner}</blockquote>", words


@st.composite
def posts(draw: st.DrawFn) -> dict[str, Any]:
    body = draw(st.lists(blocks(), min_size=1, max_size=5))
    comments = draw(st.lists(st.tuples(TEXT, TEXT, URLS), max_size=2))
    return {"title": draw(TEXT), "excerpt": draw(TEXT), "author": draw(TEXT),
            "tags": draw(st.lists(TEXT, max_size=3)), "comments": comments,
            "body": "\n".join(b[0] for b in body),
            "shown": [w for b in body for w in b[1]],
            "block_editor": draw(st.booleans())}


def export(post: dict[str, Any]) -> str:
    tags = "".join(f'<category domain="post_tag" nicename="t{n}">{escape(html.escape(t))}'
                   "</category>" for n, t in enumerate(post["tags"]))
    comments = "".join(
        f"<wp:comment><wp:comment_id>{n + 1}</wp:comment_id>"
        f"<wp:comment_author>{escape(html.escape(name))}</wp:comment_author>"
        f"<wp:comment_author_url>{escape(url)}</wp:comment_author_url>"
        "<wp:comment_date>2021-02-03 10:00:00</wp:comment_date>"
        f"<wp:comment_content>{escape(html.escape(words))}</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
        "</wp:comment>" for n, (name, words, url) in enumerate(post["comments"]))
    body = post["body"]
    if post["block_editor"]:
        body = f"<!-- wp:paragraph -->\n{body}\n<!-- /wp:paragraph -->"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Hostile</title><link>https://hostile.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>one</wp:author_login>
<wp:author_display_name>{escape(html.escape(post["author"]))}</wp:author_display_name>
</wp:author>
<wp:author><wp:author_login>two</wp:author_login>
<wp:author_display_name>Someone Else</wp:author_display_name></wp:author>
<item><title>{escape(html.escape(post["title"]))}</title>
<link>https://hostile.example/2021/02/01/hostile/</link>
<dc:creator>one</dc:creator><wp:post_id>7</wp:post_id><wp:post_name>hostile</wp:post_name>
<wp:post_date>2021-02-01 10:00:00</wp:post_date><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status>
<content:encoded>{escape(body)}</content:encoded>
<excerpt:encoded>{escape(html.escape(post["excerpt"]))}</excerpt:encoded>
{tags}{comments}</item></channel></rss>
"""


def run_import(root: Path, source: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(source), "--into", str(root / "essays"), *args])
    return code, out.getvalue(), err.getvalue()


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    assert text.startswith("---\n")
    head, _, body = text[4:].partition("\n---\n")
    data = yaml.safe_load(head)
    assert isinstance(data, dict)
    return data, body


def expected_words(text: str) -> bool:
    """Text the importer must keep word for word (not a shortcode, not a private address)."""
    return bool(visible(text)) and not SHORTCODE.search(text) and not (
        private_data(text) or private_data(visible(text)))  # ": :" reads as IPv6 "::"


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@pytest.mark.slow
@given(post=posts())
def test_any_post_is_imported_as_text(post: dict[str, Any]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="folio-import-prop-"))
    try:
        root = folder / "site"
        shutil.copytree(ROOT / "tests" / "roots" / "test-import", root)
        source = folder / "export.xml"
        source.write_text(export(post), encoding="utf-8")
        code, out, err = run_import(root, source)
        assert code == 0, err
        assert err == ""
        text = (root / "essays" / "hostile.md").read_text(encoding="utf-8")
        data, body = front_matter(text)
        assert set(data) <= {"title", "subtitle", "author", "date", "genre", "tags", "summary",
                             "copyright"}, data
        found: list[str] = []
        texts: list[str] = []
        with folio_stand_ins():
            check_markdown(body, found, texts)
        recovered = out.split("recovered: ", 1)[1].split("\n")[0] if "recovered: " in out else ""
        for name in OURS - {"responses"}:
            assert found.count(name) == recovered.count(name), (name, found, out)
        assert found.count("responses") == (1 if " response" in recovered else 0)
        # What the reader sees: every field's words, in the front matter or the page.
        seen = visible(" ".join(texts))
        for words in post["shown"]:
            if expected_words(words) and not re.search(r"(?i)cover of|©|read something", words):
                assert visible(words) in seen, (words, body)
        title = " ".join(str(data.get(k, "")) for k in ("title", "subtitle"))
        if expected_words(post["title"]):
            assert visible(re.sub(r"\s+(?:[—―]|--)\s+", " ", post["title"], count=1)) == \
                visible(title), (post["title"], data)
        if expected_words(post["author"]) and visible(post["author"]) != "SomeoneElse":
            assert visible(str(data.get("author", ""))) == visible(post["author"])
        if expected_words(post["excerpt"]):
            assert visible(str(data.get("summary", ""))) == visible(post["excerpt"])
        tags = {visible(t) for t in data.get("tags", [])}
        assert tags == {visible(t) for t in post["tags"] if visible(t)}
        for name, words, _url in post["comments"]:
            if expected_words(words):
                assert visible(words) in seen, (words, body)
            if expected_words(name):
                assert visible(name) in seen, (name, body)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_option_values_read_back() -> None:
    """Book fields that YAML would read as something else are quoted, and read back."""
    from folio.commands.wordpress.content import option_value

    for value in ('"Quoted" title', "'single", "| pipe", "> folded", "a # comment", "a: b",
                  "x:", "- dash", "[list]", "{map}", "&anchor", "*alias", "!tag", "%dir",
                  "@at", "`tick", "plain words", "Real hope, again", "C++", "C#", "#1",
                  "日本語の本", "tab\there", "ends with \\"):
        written = option_value(value)
        assert option_items(f":title: {written}") == {"title": " ".join(value.split())}, value


# -- one real build of the payloads the review found ------------------------------------------

def hostile_export(secret: Path) -> str:
    """The review's payloads, each in the field where it was found to work."""
    relative = "../secret.txt"
    body = f"""<p>Before the code.</p>
<pre>```
```{{include}} {relative}
```
```{{raw}} html
<script>alert("pre")</script>
```</pre>
<pre class="wp-block-code"><code>```{{literalinclude}} {secret}
```
```{{eval-rst}}
.. raw:: html

   <script>alert("rst")</script>
```</code></pre>
<p>A link <a href="https://books.example/a) {{download}}`{relative}` (">with a bracket</a> and
<code>`` {{download}}`{relative}` ``</code> in code.</p>
<blockquote><p>:::{{include}} {relative}
:::</p></blockquote>
<ul><li>An item<br>```{{include}} {relative}<br>```</li></ul>
<p>(target)=<br>% a comment<br>$$ x $$<br>{{{{ project }}}}</p>
<figure><img src="https://x.example/c.jpg" alt="‘&quot;Quoted&quot; book’ cover"/>
<figcaption>Cover of the 2001 Penguin paperback edition of ‘"Quoted" book’ by | Pipe
Author, first published in 1999.</figcaption></figure>
<figure><img src="https://x.example/x.png) ![y]({relative}" alt="x](/etc/passwd) ![y"/>
<figcaption>An ordinary picture.</figcaption></figure>"""
    post = {"title": "&amp;lt;img src=x onerror=alert(1)&amp;gt; and <blink> tags",
            "excerpt": "{download}`secret.txt`", "author": "<script>alert(2)</script>Mallory",
            "tags": ["<b>C++</b>", "C#"],
            "comments": [("Eve", "```{raw} html\n<script>alert(3)</script>\n```", "conf.py")],
            "body": body, "shown": [], "block_editor": True}
    text = export(post)
    # The title and author are HTML in the export, as WordPress writes them: unescaped here.
    return text.replace(escape(html.escape(post["title"])), escape(post["title"])).replace(
        escape(html.escape(post["author"])), escape(post["author"]))


def test_hostile_export_builds_as_text(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(ROOT / "tests" / "roots" / "test-import", root)
    secret = root / "secret.txt"
    secret.write_text("TOPSECRET-5521\n", encoding="utf-8")
    source = tmp_path / "hostile.xml"
    source.write_text(hostile_export(secret), encoding="utf-8")
    code, _out, err = run_import(root, source)
    assert code == 0, err
    essay = (root / "essays" / "hostile.md").read_text(encoding="utf-8")
    data, _body = front_matter(essay)
    assert data["title"] == "&lt;img src=x onerror=alert(1)&gt; and <blink> tags"
    assert data["author"] == "Mallory"
    assert data["tags"] == ["<b>C++</b>", "C#"]  # the names as the writer typed them
    assert ':title: "\\"Quoted\\" book"\n:author: "| Pipe Author"\n' in essay
    built = build(root, "html")
    assert built.warnings == "", built.warnings
    assert not (built.outdir / "_downloads").exists()
    for page in built.outdir.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".js", ".txt", ".json"):
            assert "TOPSECRET" not in page.read_text(encoding="utf-8", errors="replace"), page
    soup = built.soup("essays/hostile.html")
    assert not [s for s in soup.find_all("script") if "alert" in s.get_text()
                and s.get("type") != "application/ld+json"]  # data (the site's part) may
    assert not soup.select("[onerror], iframe, object, embed")
    assert not [img for img in soup.find_all("img") if "passwd" in str(img.get("src"))]
    words = " ".join(soup.get_text(" ").split())
    for shown in ("```{include} ../secret.txt", "```{raw} html",
                  f"```{{literalinclude}} {secret}", ".. raw:: html", ":::{include} ../secret.txt",
                  "(target)=", "% a comment", "$$ x $$", "{{ project }}",
                  '<script>alert(3)</script>', "with a bracket"):
        assert shown in words, shown
    book = soup.select_one("figure.folio-book figcaption").get_text(" ", strip=True)
    assert '"Quoted" book' in " ".join(book.split()) and "| Pipe Author" in book
    link = soup.find("a", string="with a bracket")
    assert link is not None
    assert unquote(link["href"]) == "https://books.example/a) {download}`../secret.txt` ("
