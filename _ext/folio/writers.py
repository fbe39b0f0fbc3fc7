"""Web-only nodes and their HTML visitors, and the LaTeX styling.

Only the HTML post-transforms create these nodes, so no other writer ever
meets them; every other output works from plain docutils nodes.  No
``epub=`` visitors: the ePub builder uses the HTML ones (sphinx#13177).
"""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.writers.html5 import HTML5Translator


class drawn_cover(nodes.General, nodes.Element):
    """A cover drawn from the book's title and author, for web and ePub."""


class spoiler_details(nodes.General, nodes.Element):
    """A spoiler as ``<details>``: closed until the reader opens it."""


def skip(translator: object, node: nodes.Element) -> None:
    """Visitor for placeholders a post-transform always replaces."""
    raise nodes.SkipNode


def styled_paragraph(style: str, *children: nodes.Node) -> nodes.container:
    """A paragraph with a style every writer can see (LaTeX styles containers only)."""
    return nodes.container("", nodes.paragraph("", "", *children), classes=[style])


# -- the drawn cover ---------------------------------------------------------------

def cover_colour(key: str) -> str:
    """A dark, muted colour that is always the same for the same book."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    return f"hsl({hue}, 35%, 28%)"


def cover_svg(key: str, title: str, authors: str) -> str:
    """The SVG of a plain cloth-bound cover: title above a rule, author below."""
    width, height = 300, 450
    lines = textwrap.wrap(title, 16)[:6] or [key]
    size = 30 if max(len(line) for line in lines) <= 12 else 24
    top = 150 - (len(lines) - 1) * size // 3
    title_lines = "".join(
        f'<tspan x="150" y="{top + n * (size + 8)}">{escape(line)}</tspan>'
        for n, line in enumerate(lines))
    rule_y = top + len(lines) * (size + 8) + 10
    author_lines = "".join(
        f'<tspan x="150" y="{rule_y + 40 + n * 26}">{escape(line)}</tspan>'
        for n, line in enumerate(textwrap.wrap(authors, 22)[:3]))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{width}" height="{height}" fill="{cover_colour(key)}"/>'
        f'<rect x="16" y="16" width="{width - 32}" height="{height - 32}" fill="none" '
        'stroke="#e8dcc0" stroke-width="2"/>'
        '<g fill="#f5ecd7" font-family="Georgia, \'Times New Roman\', serif" '
        'text-anchor="middle">'
        f'<text font-size="{size}" font-weight="bold">{title_lines}</text>'
        f'<line x1="90" y1="{rule_y}" x2="210" y2="{rule_y}" stroke="#e8dcc0" '
        'stroke-width="2"/>'
        f'<text font-size="20" font-style="italic">{author_lines}</text>'
        "</g></svg>\n"
    )


def cover_filename(key: str) -> str:
    safe = "".join(c if c.isalnum() or c == "-" else "-" for c in key) or "book"
    return f"folio-cover-{safe}.svg"


def write_cover(folder: Path, key: str, title: str, authors: str) -> str:
    """Write a drawn cover's SVG (same bytes each time); return its file name."""
    name = cover_filename(key)
    folder.mkdir(parents=True, exist_ok=True)
    svg = cover_svg(key, title, authors)
    target = folder / name
    if not target.exists() or target.read_text(encoding="utf-8") != svg:
        target.write_text(svg, encoding="utf-8")
    return name


def visit_drawn_cover(self: HTML5Translator, node: drawn_cover) -> None:
    """Write the SVG beside the page's images and show it."""
    name = write_cover(Path(self.builder.outdir, self.builder.imagedir), node["key"],
                       node["title"], node["authors"])
    src = f"{self.builder.imgpath}/{name}"
    self.body.append(self.emptytag(node, "img", "", src=src, alt=node["alt"],
                                   CLASS="folio-cover folio-drawn", width="300", height="450"))
    raise nodes.SkipNode


# -- the spoiler ---------------------------------------------------------------------

def visit_spoiler_details(self: HTML5Translator, node: spoiler_details) -> None:
    self.body.append(self.starttag(node, "details", CLASS="folio-spoiler"))
    self.body.append(f"<summary>{self.encode(node['label'])}</summary>\n"
                     '<div class="folio-spoiler-body">\n')


def depart_spoiler_details(self: HTML5Translator, node: spoiler_details) -> None:
    self.body.append("</div>\n</details>\n")


# -- LaTeX: styles for the classes the plain nodes carry --------------------------------

LATEX_PREAMBLE = r"""
% Folio: styles for the classes its nodes carry (see sphinxuseclass).
\makeatletter
\newsavebox{\folio@cover}
\newenvironment{sphinxclassfolio-drawn-cover}%
  {\begin{lrbox}{\folio@cover}\begin{minipage}[c][6.5cm][c]{4.5cm}\centering\large\bfseries}%
  {\end{minipage}\end{lrbox}\begin{center}\setlength{\fboxsep}{6pt}%
   \fbox{\fbox{\usebox{\folio@cover}}}\end{center}}
\newenvironment{sphinxclassfolio-spoiler}%
  {\par\medskip\noindent\rule{\linewidth}{0.4pt}\par\nopagebreak}%
  {\par\nopagebreak\noindent\rule{\linewidth}{0.4pt}\par\medskip}
\newenvironment{sphinxclassfolio-spoiler-start}{\par\parindent=0pt\bfseries}{\par}
\newenvironment{sphinxclassfolio-spoiler-end}{\par\parindent=0pt\itshape}{\par}
\newenvironment{sphinxclassfolio-page-ref}{\par\raggedleft}{\par}
\newenvironment{sphinxclassfolio-subtitle}{\par\parindent=0pt\large\itshape}{\par}
\newenvironment{sphinxclassfolio-byline}{\par\parindent=0pt\small}{\par\medskip}
\newenvironment{sphinxclassfolio-copyright}{\par\medskip\parindent=0pt\small}{\par}
% One essay's own PDF (howto class): no contents page for a single
% chapter, and no release number; the byline gives the essay's date.
\@ifclassloaded{sphinxhowto}{%
  \renewcommand{\sphinxtableofcontents}{}%
  \renewcommand{\release}[1]{}\renewcommand{\releasename}{}%
  \renewcommand{\date}[1]{\gdef\@date{}}%
}{}
\makeatother
"""


def draw_epub_cover(app: Sphinx) -> None:
    """Give the ePub a cover drawn from the collection's title when it has none."""
    if app.builder.name != "epub" or app.config.epub_cover:
        return
    folder = Path(app.builder.outdir, "_static")
    folder.mkdir(parents=True, exist_ok=True)
    title = app.config.epub_title or app.config.project
    (folder / "folio-collection-cover.svg").write_text(
        cover_svg("collection", title, app.config.epub_author or app.config.author),
        encoding="utf-8")
    app.config.epub_cover = ("_static/folio-collection-cover.svg", "epub-cover.html")


def set_epub_language(app: Sphinx) -> None:
    """ePub pages carry no ``lang`` of their own; readers and checkers want one."""
    language = app.config.language or "en"
    if app.builder.name == "epub" and hasattr(app.builder, "html_tag"):
        app.builder.html_tag = (
            '<html xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:epub="http://www.idpf.org/2007/ops" '
            f"lang={quoteattr(language)} xml:lang={quoteattr(language)}>")


def add_latex_preamble(app: Sphinx, config: Config) -> None:
    """Append our LaTeX styles to whatever preamble the writer set.

    At ``config-inited``: the LaTeX builder reads its elements before
    ``builder-inited``.
    """
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + LATEX_PREAMBLE
    config.latex_elements = elements


def setup_writers(app: Sphinx) -> None:
    app.connect("config-inited", add_latex_preamble)
    app.add_node(drawn_cover, html=(visit_drawn_cover, None))
    app.add_node(spoiler_details, html=(visit_spoiler_details, depart_spoiler_details))
