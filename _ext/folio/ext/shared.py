"""Small helpers every feature module shares: node shapes, warnings with their
place, option lines, and the builder policy.

The builder policy, in one place:

* ``WEB_BUILDERS`` names the builders that make a web site (pages with
  links to other pages, generated listings, download links, ``<details>``),
  ``REDIRECT_BUILDERS`` those of them that write a page per document
  (old addresses redirect only there) and ``SEARCH_BUILDERS`` the same ones
  for Pagefind's index (``singlehtml`` has no search page);
* post-transforms that only make sense in HTML-format output (the web and
  the ePub) declare ``formats = ("html",)``;
* LaTeX output comes from LaTeX styles for the classes the plain nodes carry
  (``sphinxclass<class>`` environments), all defined in one file,
  ``latex/folio.sty`` (:mod:`folio.ext.design` loads it), never from a
  transform that runs for every builder.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from folio.core.wording import styled_title

if TYPE_CHECKING:
    from docutils.parsers.rst import Directive
    from sphinx.builders import Builder
    from sphinx.config import Config

logger = logging.getLogger("folio")

#: Builders that write a web site (not the ePub, which is HTML-format too).
WEB_BUILDERS = ("html", "dirhtml", "singlehtml")
#: The web builders that write a page per document, so an old address can
#: redirect to one (``singlehtml`` writes a single page).
REDIRECT_BUILDERS = ("html", "dirhtml")
#: The builders Pagefind indexes for (singlehtml has no search; the ePub none either).
SEARCH_BUILDERS = REDIRECT_BUILDERS


def is_web(builder: Builder) -> bool:
    """Whether ``builder`` writes a web site."""
    return builder.name in WEB_BUILDERS


def quote_marks(config: Config) -> tuple[str, str]:
    """The language's inner quotation marks (‘ ’ in English), as docutils' smartquotes
    knows them, for :func:`folio.core.wording.styled_title` (which needs no docutils)."""
    from docutils.utils.smartquotes import smartchars

    language = config.language or "en"
    table = smartchars.quotes
    marks = table.get(language) or table.get(language.split("-")[0].split("_")[0]) or "“”‘’"
    return marks[2], marks[3]


def title_node(title: str, config: Config) -> nodes.Element:
    """A book title in running text, set as ``folio_title_style`` says (the
    ``{book}`` role's link text, a related-reading topic)."""
    text, italic = styled_title(title, config.folio_title_style, quote_marks(config))
    if italic:
        return nodes.title_reference(text, text)
    return nodes.inline(text, text, classes=["folio-book-title"])


def styled_paragraph(style: str, *children: nodes.Node) -> nodes.container:
    """A paragraph with a style every writer can see (LaTeX styles containers only)."""
    return nodes.container("", nodes.paragraph("", "", *children), classes=[style])


def clean_text(text: str) -> str:
    """Text safe to write anywhere: surrogate pairs joined, lone halves replaced.

    YAML escapes like ``"\\ud800"`` give Python strings that UTF-8 cannot encode.
    """
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def has_class(node: nodes.Node, name: str) -> bool:
    return isinstance(node, nodes.Element) and name in node["classes"]


def skip(translator: object, node: nodes.Element) -> None:
    """Visitor for a node some builders never show."""
    raise nodes.SkipNode


class FolioPostTransform(SphinxPostTransform):
    """A post-transform that needs the builder (to make links)."""

    @property
    def builder(self) -> Builder:
        # Sphinx 9 deprecates ``self.app``; its own transforms use ``env._app``.
        app = getattr(self.env, "_app", None) or self.app
        return app.builder  # type: ignore[no-any-return]


def warn(message: str, location: str | tuple[str | None, int | None] | nodes.Node | None,
         subtype: str) -> None:
    """A warning writers can silence by kind (``suppress_warnings = ["folio.quote"]``)."""
    logger.warning(message, location=location, type="folio", subtype=subtype)


def option_lines(block_text: str, lineno: int, body: str | None) -> list[tuple[str, int]]:
    """Each option a directive was given, with its line, in the order written.

    Options sit between the directive's first line and its content: ``:name:
    value`` lines, or ``name: value`` lines in a MyST ``---`` block.  Docutils
    keeps no line per option; a warning about one value belongs at its line.
    ``body`` is the content's first line, where options end.
    """
    lines = block_text.splitlines()[1:]
    first = body.strip() if body is not None else None
    fenced = bool(lines) and lines[0].strip() == "---"
    pattern = re.compile(r"^([A-Za-z][\w-]*):(\s|$)" if fenced else r"^\s*:([A-Za-z][\w-]*):(\s|$)")
    found: list[tuple[str, int]] = []
    for offset, text in enumerate(lines[1:] if fenced else lines, start=2 if fenced else 1):
        if (fenced and text.strip() == "---") or (not fenced and first is not None
                                                  and text.strip() == first):
            break
        match = pattern.match(text)
        if match:
            found.append((match.group(1), lineno + offset))
    return found


def first_line(directive: Directive) -> str | None:
    """A directive's first line of content, if it has any."""
    return str(directive.content[0]) if directive.content else None


#: The event by which the offprint list gets each series' PDF entry (ext/series.py).
PRINT_SERIES = "folio-series-for-print"
