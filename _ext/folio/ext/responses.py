"""``responses``: readers' responses kept with the essay, shown as a static section.

The responses an import brings in (or any the writer keeps) are a YAML list
in the essay's own file::

    ```{responses}
    - name: Margaret Lee
      date: 2019-06-03
      link: https://example.org/margaret
      text: |
        I read it after seeing the film.
    ```

Every response was written by someone other than the writer, so its text is
untrusted.  It is *not* handed to MyST's nested parse: that would run any
directive a commenter typed (``{include}`` reads local files, ``{raw}``
writes straight into the page).  Instead the Markdown goes through
markdown-it (the parser MyST is built on, CommonMark only, no directives),
the HTML it gives through nh3 (a maintained sanitiser: no script, no event
handlers, only ``http``/``https`` links), and the few tags left are turned
into plain docutils nodes.  No raw node ever reaches a writer, so HTML,
ePub and LaTeX all escape the text themselves and every builder has
visitors for free.

The section is moved to the very end of the essay (after the © line and
related reading), the way comments sit under a blog post, oldest first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, ClassVar

import nh3
import yaml
from docutils import nodes
from markdown_it import MarkdownIt
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from folio.core.dates import parse_date
from folio.core.privacy import private_data, redact, web_link
from folio.core.wording import RESPONSES_HEADING, SEPARATOR, format_date, responses_left_out
from folio.ext.related import related_reading

if TYPE_CHECKING:
    from docutils.nodes import Node
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

KEYS = ("name", "date", "link", "text")
#: libyaml's composer when PyYAML has it (five times faster on an import's thousands of
#: responses; the same nodes and lines), else PyYAML's own.
COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: What survives of a response's HTML; everything else is dropped, and the
#: content of script and style elements with it.
ALLOWED_TAGS = frozenset({"p", "br", "em", "i", "strong", "b", "a", "code", "pre",
                          "blockquote", "ul", "ol", "li"})


@dataclass(frozen=True)
class Response:
    """One reader's response: who, when, where they are on the web, what they said."""

    name: str
    date: datetime.date
    link: str = ""
    text: str = ""
    line: int = 0  # within the directive's body, 1-based


# -- pure functions: text in, data out ------------------------------------------

def read_responses(text: str) -> tuple[list[Response], list[tuple[int, str]]]:
    """The responses in a directive's body, and problems as (line in body, message).

    The YAML is composed, not loaded, so each problem can name its line, and
    every value stays text (YAML's own dates and numbers would differ by
    version).
    """
    problems: list[tuple[int, str]] = []
    try:
        root = yaml.compose(text, Loader=COMPOSER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = str(getattr(error, "problem", None) or error).strip()
        return [], [(line, f"responses: not valid YAML: {problem}")]
    if root is None:
        return [], [(1, "responses: no responses in the body")]
    if not isinstance(root, yaml.SequenceNode):
        return [], [(root.start_mark.line + 1,
                     "responses: the body must be a YAML list ('- name: ...')")]
    found: list[Response] = []
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append((line, "responses: each response must be a mapping "
                                   "with name, date and text"))
            continue
        values: dict[str, str] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in item.value:
            key = str(key_node.value)
            if key not in KEYS:
                problems.append((key_node.start_mark.line + 1,
                                 f"responses: unknown key {key!r} (known: {', '.join(KEYS)})"))
                continue
            if not isinstance(value_node, yaml.ScalarNode):
                problems.append((key_node.start_mark.line + 1,
                                 f"responses: {key} must be text"))
                continue
            values[key] = str(value_node.value)
            lines[key] = key_node.start_mark.line + 1
        for key, value in list(values.items()):
            private = private_data(value)
            if private:
                problems.append((lines[key], f"responses: {key} carries an e-mail or IP "
                                             f"address ({private[0]!r}); removed"))
                values[key] = "" if key == "link" else redact(value)
        name = " ".join(values.get("name", "").split())
        if not name:
            problems.append((line, "responses: a response has no name"))
            continue
        if not values.get("date", "").strip():
            problems.append((line, f"responses: the response by {name!r} has no date"))
            continue
        date = parse_date(values["date"])
        if date is None:
            problems.append((lines["date"], f"responses: date {values['date']!r} is not "
                                            "a date (use YYYY-MM-DD)"))
            continue
        link = values.get("link", "").strip()
        if link and not web_link(link):
            problems.append((lines["link"], f"responses: link {link!r} is not an http(s) "
                                            "address; not linked"))
            link = ""
        found.append(Response(name, date, link, values.get("text", ""), line))
    return sorted(found, key=lambda response: response.date), problems


def safe_html(markdown: str) -> str:
    """A response's Markdown as HTML with nothing dangerous left in it."""
    html = MarkdownIt("commonmark", {"html": True}).render(markdown)
    return nh3.clean(html, tags=set(ALLOWED_TAGS), clean_content_tags={"script", "style"},
                     attributes={"a": {"href"}}, url_schemes={"http", "https"},
                     link_rel=None, strip_comments=True)


class _NodeBuilder(HTMLParser):
    """Sanitised HTML (the few tags of ``ALLOWED_TAGS``) → plain docutils nodes."""

    BLOCKS: ClassVar[dict[str, type[nodes.Element]]] = {
        "p": nodes.paragraph, "blockquote": nodes.block_quote, "ul": nodes.bullet_list,
        "ol": nodes.enumerated_list, "li": nodes.list_item, "pre": nodes.literal_block,
    }
    INLINES: ClassVar[dict[str, type[nodes.Element]]] = {
        "em": nodes.emphasis, "i": nodes.emphasis, "strong": nodes.strong,
        "b": nodes.strong, "code": nodes.literal,
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = nodes.container()
        self.stack: list[nodes.Element] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        top = self.stack[-1]
        if isinstance(top, nodes.literal_block):  # <pre><code>: one literal block
            return
        if tag == "br":
            self.text_target().append(nodes.Text("\n"))
            return
        if tag in self.BLOCKS:
            node = self.BLOCKS[tag]()
            if tag == "ol":
                node["enumtype"], node["prefix"], node["suffix"] = "arabic", "", "."
            if tag == "ul":
                node["bullet"] = "*"
            self.block_parent().append(node)
            self.stack.append(node)
            return
        if tag in self.INLINES or tag == "a":
            href = dict(attrs).get("href") or ""
            node = (nodes.reference("", "", refuri=href) if tag == "a" and web_link(href)
                    else nodes.inline() if tag == "a" else self.INLINES[tag]())
            self.text_target().append(node)
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        wanted = self.BLOCKS.get(tag) or self.INLINES.get(tag) or (
            (nodes.reference, nodes.inline) if tag == "a" else None)
        if wanted is None:
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if isinstance(self.stack[depth], wanted):
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        top = self.stack[-1]
        if isinstance(top, nodes.literal_block):
            top.append(nodes.Text(data))
            return
        if not data.strip() and not isinstance(top, nodes.TextElement | nodes.Inline):
            return  # whitespace between blocks
        self.text_target().append(nodes.Text(data))

    def block_parent(self) -> nodes.Element:
        """Where a block goes: out of any paragraph or inline element."""
        while isinstance(self.stack[-1], nodes.TextElement | nodes.Inline):
            self.stack.pop()
        return self.stack[-1]

    def text_target(self) -> nodes.Element:
        """Where text goes: a paragraph, opened if the current block has none."""
        top = self.stack[-1]
        if isinstance(top, nodes.TextElement | nodes.Inline):
            return top
        paragraph = nodes.paragraph()
        top.append(paragraph)
        self.stack.append(paragraph)
        return paragraph


def text_to_nodes(markdown: str) -> list[Node]:
    """A response's text as plain docutils nodes, sanitised."""
    builder = _NodeBuilder()
    builder.feed(safe_html(markdown))
    builder.close()
    for empty in list(builder.root.findall(
            lambda node: isinstance(node, nodes.paragraph | nodes.literal_block))):
        if not empty.astext().strip() and empty.parent is not None:
            empty.parent.remove(empty)
    return list(builder.root.children)


def response_nodes(responses: list[Response], limit: int) -> nodes.container:
    """The whole section: its heading and the first ``limit`` responses, oldest first, and a
    note of how many more there are (a page of 100,000 responses would be 28 MB)."""
    box = nodes.container(classes=["folio-responses"], ids=["responses"])
    box += nodes.rubric(RESPONSES_HEADING, RESPONSES_HEADING, classes=["folio-responses-heading"],
                        **{"heading-level": 2})
    for response in responses[:limit]:
        item = nodes.container(classes=["folio-response"])
        name: nodes.Element = nodes.strong(response.name, response.name)
        if response.link:
            name = nodes.reference("", "", name, refuri=response.link)
        when = format_date(response.date)
        meta = nodes.paragraph("", "", name, nodes.Text(SEPARATOR),
                               nodes.inline(when, when, classes=["folio-response-date"]),
                               classes=["folio-response-meta"])
        item += meta
        item.extend(text_to_nodes(response.text))
        box += item
    if len(responses) > limit:
        note = responses_left_out(limit, len(responses) - limit)
        box += nodes.paragraph(note, note, classes=["folio-responses-left-out"])
    return box


# -- directive and placement ----------------------------------------------------------

class Responses(SphinxDirective):
    """``responses``: stored responses, shown under the essay in every output."""

    has_content = True

    def run(self) -> list[Node]:
        source, line = self.get_source_info()
        first_line = line + 1  # the body starts on the line after the fence
        # temp_data lives for one document's reading: a flag per document.
        if self.env.temp_data.get("folio-responses"):
            self.warn(line, "responses appears twice in this document; keeping the first")
            return []
        self.env.temp_data["folio-responses"] = True
        responses, problems = read_responses("\n".join(self.content))
        for offset, message in problems:
            self.warn(first_line + offset - 1, message)
        if not responses:
            return []
        box = response_nodes(responses, self.config.folio_responses_limit)
        box.source, box.line = source, line
        return [box]

    def warn(self, line: int, message: str) -> None:
        logger.warning(message, location=(self.env.docname, line), type="folio",
                       subtype="responses")


def responses_last(app: Sphinx, doctree: nodes.document) -> None:
    """Move the section to the essay's very end, after the © line and related reading."""
    for box in list(doctree.findall(nodes.container)):
        if "folio-responses" not in box["classes"] or box.parent is None:
            continue
        parent = box.parent
        while not isinstance(parent, nodes.section | nodes.document) and parent.parent:
            parent = parent.parent
        box.parent.remove(box)
        keep_copyright_first(parent)
        parent.append(box)


def keep_copyright_first(section: nodes.Element) -> None:
    """The © line goes before a related reading that ends the essay (as :mod:`folio.ext.essays`
    places it), which it could not see while the responses came last."""
    children = section.children
    if len(children) >= 2 and isinstance(children[-1], nodes.container) \
            and "folio-copyright" in children[-1]["classes"] \
            and isinstance(children[-2], related_reading):
        line = children[-1]
        section.remove(line)
        section.insert(len(section.children) - 1, line)


def setup_responses(app: Sphinx) -> None:
    app.add_directive("responses", Responses)
    # After the related reading is appended (doctree-read, default priority).
    app.connect("doctree-read", responses_last, priority=900)
