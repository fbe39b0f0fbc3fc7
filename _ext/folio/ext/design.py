"""The look of a collection: the same design, in spirit, on the web, in the PDF and the ePub.

How Folio's pages *look* lives here (docs/design.md gives the reasons and the
sources); which pages go into the PDF and ePub is :mod:`folio.ext.book_contents`'s,
the order of previous/next :mod:`folio.ext.reading_order`'s, the bar over every
page :mod:`folio.ext.masthead`'s and the notes :mod:`folio.ext.notes`'.

- **Type.** Gentium Book Plus (SIL, OFL), self-hosted: its Latin woff2 subsets
  ship in ``static/fonts`` (from the pinned ``@fontsource/gentium-book-plus``),
  and the PDF uses the same family from Debian's ``fonts-sil-gentiumplus``.
- **Web.** ``folio.css`` styles only Folio's own pages: an essay's top section
  and the top section of every page Folio writes carry the class
  ``folio-reading``; the theme's chrome is restyled under ``body:has(.folio-reading)``
  (``folio-web.css``, web builders only; ``folio.css`` styles the parts, web and ePub).
  Any other page of a site that adds Folio keeps its theme's look.  On essay
  pages the footer names the essay's own author.
- **PDF.** A book of essays: ``latex/folio.sty`` is the one owner of the LaTeX
  look (every ``sphinxclassfolio-*`` environment, the opening of an essay, the
  running heads), loaded by the collection's PDF and every essay's own PDF.
  The page size and fonts are ``latex_elements`` defaults: whatever ``conf.py``
  sets there wins.
- **ePub.** ``folio-epub.css``, Standard Ebooks' habits (hyphenation,
  indented paragraphs, quiet block quotations), for every ePub Folio writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

from folio.core.escaping import html_text
from folio.core.state import write_if_changed
from folio.ext.domain import folio_domain
from folio.ext.shared import WEB_BUILDERS, FolioPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.writers.latex import LaTeXTranslator

#: The class that marks a page as Folio's; every rule in folio.css hangs from it.
PAGE_CLASS = "folio-reading"
FONTS = Path(__file__).parent.parent / "static" / "fonts"
#: The LaTeX look, one file for every PDF (the collection's and each essay's).
LATEX_LOOK = Path(__file__).parent.parent / "latex" / "folio.sty"


def writer_set(config: Config, name: str) -> bool:
    """Whether ``conf.py`` (or ``-D``) gave a setting, so our default must not replace it."""
    raw = getattr(config, "_raw_config", {})
    return name in raw or name in config.overrides


# -- the PDF: a book of essays ------------------------------------------------------------

#: Fonts: the text face when installed (Debian ``fonts-sil-gentiumplus``), else
#: FreeSerif, which covers the same scripts; both are named, never guessed.
LATEX_FONTS = r"""
\IfFontExistsTF{Gentium Book Plus}%
  {\setmainfont{Gentium Book Plus}[Ligatures=TeX]}%
  {\setmainfont{FreeSerif}}
\setsansfont{FreeSans}
\setmonofont{FreeMono}[Scale=0.9]
"""

#: A 6 × 9 inch trade page: a 4.3 in measure gives about 65 characters a line at 11 pt.
LATEX_GEOMETRY = (r"\usepackage[paperwidth=6in,paperheight=9in,inner=0.8in,outer=0.9in,"
                  r"top=0.85in,bottom=0.95in,headsep=0.25in,footskip=0.45in]{geometry}")

#: The engines whose Sphinx preamble loads fontspec, which :data:`LATEX_FONTS` needs.
FONTSPEC_ENGINES = ("xelatex", "lualatex")


def latex_defaults(config: Config) -> dict[str, str]:
    """The book design's ``latex_elements``; ``conf.py``'s own keys are kept.

    The fonts only where the engine can name them: a guest's site left on
    Sphinx's ``pdflatex`` keeps Sphinx's own fonts, and its PDF still compiles."""
    fonts = {"fontpkg": LATEX_FONTS} if config.latex_engine in FONTSPEC_ENGINES else {}
    return {
        "papersize": "",
        "pointsize": "11pt",
        "geometry": LATEX_GEOMETRY,
        **fonts,
        "fncychap": "",
        "extraclassoptions": "openany",
        "maketitle": r"\foliomaketitle",
        # After the contents, no running head until the first essay sets one.
        "tableofcontents": r"\sphinxtableofcontents\markboth{}{}",
        # Links and headings in the text's ink: a book, not a web page.
        "sphinxsetup": ("TitleColor={rgb}{0,0,0},InnerLinkColor={rgb}{0,0,0},"
                        "OuterLinkColor={rgb}{0,0,0}"),
        # A cover stays beside the paragraph that introduces it (it is small: folio.sty).
        "figure_align": "H",
        "makeindex": "",
        "printindex": "",
        "releasename": "",
    }


def set_defaults(app: Sphinx, config: Config) -> None:
    """Our defaults for what conf.py left unset.

    Only for the offline files: a web setting would change every page of a site
    that adds Folio (the source link is hidden on Folio's pages by :func:`page_context`).
    """
    elements = dict(config.latex_elements)
    for key, value in latex_defaults(config).items():
        elements.setdefault(key, value)
    config.latex_elements = elements


def copy_latex_look(app: Sphinx) -> None:
    """``folio.sty`` beside the ``.tex`` files (Sphinx copies only its own packages).

    Written only when it differs, so an unchanged build leaves the file's time alone.
    """
    if app.builder.name != "latex":
        return
    write_if_changed(Path(app.builder.outdir, LATEX_LOOK.name), LATEX_LOOK.read_bytes())


def newest_year(app: Sphinx) -> str:
    """The title page's year: the newest essay's (the same for the same sources)."""
    dates = [e.date for e in folio_domain(app.env).essays.values() if e.date]
    return str(max(dates).year) if dates else ""


def set_title_page_year(app: Sphinx, env: BuildEnvironment) -> None:
    """The LaTeX builder fills its title page from a context made before reading."""
    if app.builder.name != "latex" or "date" in app.config.latex_elements:
        return
    context = getattr(app.builder, "context", None)
    if isinstance(context, dict):
        context["date"] = newest_year(app)


class QuoteKeepsItsPage(FolioPostTransform):
    """In the PDF and the ePub the page reference ends the quotation's last paragraph
    (folio.sty: the TeXbook's signature; folio-epub.css: floated right on its last
    line). As a block of its own, e-readers set it a line or more below the quotation."""

    default_priority = 8
    builders = ("latex", "epub")

    def run(self, **kwargs: Any) -> None:
        for box in list(self.document.findall(nodes.container)):
            if "folio-quote" not in box["classes"]:
                continue
            quote = next((c for c in box.children if isinstance(c, nodes.block_quote)), None)
            ref = next((c for c in box.children if isinstance(c, nodes.container)
                        and "folio-page-ref" in c["classes"]), None)
            if quote is None or ref is None or not quote.children:
                continue
            last = quote.children[-1]
            paragraph = ref.next_node(nodes.paragraph)
            if not isinstance(last, nodes.paragraph) or paragraph is None:
                continue
            # A space, so the words do not run into the reference when read aloud or
            # copied (folio.sty's \unskip takes it back in print).
            last += nodes.Text(" ")
            last += nodes.inline("", "", *paragraph.children, classes=["folio-page-ref"])
            box.remove(ref)


class site_link(nodes.Inline, nodes.TextElement):
    """A link to another page of the collection's own site, in a PDF: a link, not a footnote."""


class SiteLinksStayLinks(FolioPostTransform):
    """An essay's own PDF links to the other essays on the site (related reading);
    ``latex_show_urls = "footnote"`` would print each address at the foot of the
    page.  Those are the collection's own pages: linked, never footnoted."""

    default_priority = 8
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        base = (self.config.html_baseurl or "").rstrip("/")
        if not base:
            return
        for reference in list(self.document.findall(nodes.reference)):
            uri = reference.get("refuri", "")
            if uri == base or uri.startswith(base + "/"):
                link = site_link("", "", *reference.children, refuri=uri)
                reference.replace_self(link)


def visit_site_link(self: LaTeXTranslator, node: site_link) -> None:
    self.body.append(r"\sphinxhref{" + self.encode_uri(node["refuri"]) + "}{")


def depart_site_link(self: LaTeXTranslator, node: site_link) -> None:
    self.body.append("}")


# -- the web: marking Folio's pages, and what their chrome says ------------------------------

def mark_pages(app: Sphinx, doctree: nodes.document) -> None:
    """Essays and pages with an essay list carry ``folio-reading`` on their top section."""
    docname = app.env.docname
    domain = folio_domain(app.env)
    if docname not in domain.essays and docname not in domain.lists:
        return
    section = next((c for c in doctree.children if isinstance(c, nodes.section)), None)
    if section is not None and PAGE_CLASS not in section["classes"]:
        section["classes"].append(PAGE_CLASS)
        if docname not in domain.essays:
            section["classes"].append("folio-index")


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                 doctree: nodes.document | None) -> None:
    """Tab titles, the footer's author and no source link, on Folio's pages only
    (the rest of a site that adds Folio keeps its own settings)."""
    if app.builder.name not in WEB_BUILDERS:
        return
    domain = folio_domain(app.env)
    if pagename == app.config.root_doc and pagename in domain.lists \
            and context.get("title") == context.get("docstitle"):
        context["folio_tab_title"] = context["title"]  # not "Margins — Margins"
    essay = domain.essays.get(pagename)
    if (essay is not None or pagename in domain.lists) \
            and not writer_set(app.config, "html_show_sourcelink"):
        context["show_source"] = False  # a reader's page, not a document's source
    if essay is None:
        return
    if essay.author:
        context["author"] = html_text(essay.author)
    if essay.copyright:
        context["copyright"] = html_text(essay.copyright)


#: Context values the themes print as HTML without escaping them, while they hold
#: plain text: sphinx-book-theme's print ``<h1>{{ pagetitle }}</h1>`` and
#: ``{{ root_title }}`` (the titles' ``astext()``) and its "By {{ author }}".
THEME_TEXT = ("pagetitle", "root_title", "author")


def theme_text(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
               doctree: nodes.document | None) -> None:
    """The theme's plain-text values escaped, on every page of the site (after the
    theme and every extension set them): a title reads as written, never as markup."""
    if app.builder.format != "html":
        return
    for key in THEME_TEXT:
        if isinstance(context.get(key), str):
            context[key] = html_text(context[key])


def add_styles(app: Sphinx) -> None:
    """The fonts for the web only; the ePub's own stylesheet for the ePub only."""
    if app.builder.name in WEB_BUILDERS:
        app.add_css_file("folio-web.css")
    if app.builder.name == "epub":
        app.add_css_file("folio-epub.css")


def setup_design(app: Sphinx) -> None:
    app.connect("config-inited", set_defaults, priority=800)
    app.add_latex_package("folio", after_hyperref=True)
    app.connect("builder-inited", copy_latex_look)
    app.connect("builder-inited", add_styles, priority=600)
    app.connect("doctree-read", mark_pages)
    app.connect("env-updated", set_title_page_year)
    app.connect("html-page-context", page_context, priority=600)
    app.connect("html-page-context", theme_text, priority=990)
    app.add_post_transform(QuoteKeepsItsPage)
    app.add_node(site_link, latex=(visit_site_link, depart_site_link))
    app.add_post_transform(SiteLinksStayLinks)
