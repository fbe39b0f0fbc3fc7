"""The look of a collection: the same design, in spirit, on the web, in the PDF and the ePub.

Everything about how Folio's pages *look* lives here (docs/design.md gives the
reasons and the sources):

- **Type.** Gentium Book Plus (SIL, OFL), self-hosted: its Latin woff2 subsets
  ship in ``static/fonts`` (from the pinned ``@fontsource/gentium-book-plus``),
  and the PDF uses the same family from Debian's ``fonts-sil-gentiumplus``.
- **Web.** ``folio.css`` styles only Folio's own pages: an essay's top section
  and the top section of every page Folio writes carry the class
  ``folio-reading``; the theme's chrome is restyled under ``body:has(.folio-reading)``
  (``folio-web.css``, web builders only; ``folio.css`` styles the parts, web and ePub).
  Any other page of a site that adds Folio keeps its theme's look.  On essay
  pages the footer names the essay's own author and "previous/next" go by date.
- **PDF.** A book of essays: a trade page (6 × 9 in), a title page, contents,
  each essay a new unnumbered chapter with running heads, covers no taller
  than half a page, a quotation and its page reference kept on one page.  The
  LaTeX settings are defaults: whatever ``conf.py`` sets in ``latex_elements``
  wins.
- **ePub.** Standard Ebooks' habits (hyphenation, indented paragraphs, quiet
  block quotations); only the essays, unless ``folio_offline_include`` names
  other pages.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util.osutil import relative_uri

from folio.core.escaping import html_text
from folio.ext.domain import folio_domain
from folio.ext.shared import WEB_BUILDERS, FolioPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

#: The class that marks a page as Folio's; every rule in folio.css hangs from it.
PAGE_CLASS = "folio-reading"
#: The text face, on every output.
FONT_FAMILY = "Gentium Book Plus"
FONTS = Path(__file__).parent.parent / "static" / "fonts"


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

LATEX_PREAMBLE = r"""
% ---- Folio design (folio/design.py): a book of essays ---------------------------------
\makeatletter
% Folio's class environments may or may not exist yet: define or redefine.
\providecommand{\folioenv}[1]{\@ifundefined{#1}{\newenvironment{#1}}{\renewenvironment{#1}}}
% Text: indented paragraphs, no space between them (a book, not a web page).
\setlength{\parskip}{0pt plus 1pt}
\setlength{\parindent}{1.2em}
\linespread{1.08}
\frenchspacing
\clubpenalty=10000 \widowpenalty=10000
% Captions: no "Fig. N:", in small type, as a note under the picture.
\usepackage{caption}
\captionsetup{labelformat=empty,labelsep=none,font=small,justification=centering,
  singlelinecheck=false,margin=0.12\linewidth,skip=8pt}
% Covers: at most 45% of the text height, so cover and caption share a page.
\AtBeginDocument{\spx@image@maxheight=0.45\textheight}
% Headings: no numbers; an essay opens a new page with its title centred.
\setcounter{secnumdepth}{-1}
\@ifundefined{chapter}{}{%
  \titleformat{\chapter}[block]{\normalfont\centering}{}{0pt}{\LARGE}
  \titlespacing*{\chapter}{0pt}{0.14\textheight}{1.2em}
  \renewcommand{\chaptermark}[1]{\markboth{#1}{#1}}}
\titleformat{\section}{\normalfont\large\itshape}{}{0pt}{}
\titleformat{\subsection}{\normalfont\itshape}{}{0pt}{}
\titlespacing*{\section}{0pt}{2.2ex plus .5ex}{1ex}
% The subtitle and byline under an essay's title.
\folioenv{sphinxclassfolio-subtitle}%
  {\par\parindent=0pt\centering\large\itshape}{\par\vspace{0.5ex}}
\folioenv{sphinxclassfolio-byline}%
  {\par\parindent=0pt\centering\small\folio@byauthor}{\par\vspace{2.5em}\@afterheading}
\@ifundefined{chapter}%
  {\def\folio@byauthor{{\scshape\MakeLowercase{\@author}}\par\vspace{0.3ex}}}%
  {\let\folio@byauthor\relax}
\folioenv{sphinxclassfolio-copyright}%
  {\par\bigskip\parindent=0pt\small}{\par}
% A quotation: indented both sides, the page reference ending its last line
% (flush right, as a signature: TeXbook ch. 14), and never split from it.
\folioenv{sphinxclassfolio-quote}%
  {\par\addvspace{\medskipamount}\noindent\begin{minipage}{\linewidth}%
   \let\sphinxAtStartPar\relax}%
  {\end{minipage}\par\addvspace{\medskipamount}}
\@namedef{DUrolefolio-page-ref}#1{\unskip\nobreak\hfil\penalty50\hskip1.5em\hbox{}\nobreak
  \hfil\mbox{#1}{\parfillskip=0pt\finalhyphendemerits=0\par}}
\folioenv{sphinxclassfolio-page-ref}{\par\raggedleft}{\par}
% Related reading at an essay's end: quiet, in small type, no bullets.
\usepackage{needspace}
\folioenv{sphinxclassfolio-related}{\par\bigskip\needspace{6\baselineskip}\small\parindent=0pt
  \titleformat{\subsubsection}{\normalfont\small\itshape}{}{0pt}{}%
  \titlespacing*{\subsubsection}{0pt}{1.5ex}{0.3ex}%
  \def\labelitemi{}\setlength{\leftmargini}{0pt}}{\par}
% A cover Folio draws: a small framed box with the title and author.
\newsavebox{\folio@coverbox}
\folioenv{sphinxclassfolio-drawn-cover}%
  {\begin{lrbox}{\folio@coverbox}\begin{minipage}[c][5.4cm][c]{3.6cm}\centering
   \let\sphinxAtStartPar\relax\itshape}%
  {\end{minipage}\end{lrbox}\begin{center}\setlength{\fboxsep}{6pt}\setlength{\fboxrule}{0.5pt}%
   \fbox{\usebox{\folio@coverbox}}\end{center}}
% Spoilers: a marked start and end, in italics between quiet rules.
\folioenv{sphinxclassfolio-spoiler-start}{\par\parindent=0pt\centering\itshape}{\par}
\folioenv{sphinxclassfolio-spoiler-end}{\par\parindent=0pt\centering\itshape}{\par}
% Headings in the text face, in the text's ink.
\renewcommand{\py@HeaderFamily}{\normalfont}
% Running heads: the collection on the left page, the essay on the right.
\fancypagestyle{normal}{\fancyhf{}%
  \fancyhead[LE,RO]{\small\thepage}%
  \fancyhead[CE]{\small\scshape\MakeLowercase{\@title}}%
  \fancyhead[CO]{\small\itshape\nouppercase{\leftmark}}%
  \renewcommand{\headrulewidth}{0pt}\renewcommand{\footrulewidth}{0pt}}
\fancypagestyle{plain}{\fancyhf{}\fancyfoot[C]{\small\thepage}%
  \renewcommand{\headrulewidth}{0pt}\renewcommand{\footrulewidth}{0pt}}
% Contents: each essay with its page, dotted leaders.
\usepackage{titletoc}
\titlecontents{chapter}[0pt]{\addvspace{0.5em}}{}{}{\titlerule*[0.7pc]{.}\contentspage}
\setcounter{tocdepth}{0}
% The title pages: collection, author and year; an essay's own PDF opens with
% its title, the author and then the essay's subtitle and byline.
\newcommand{\foliomaketitle}{%
  \begingroup\def\and{\& }%
    \pdfstringdefDisableCommands{\def\\{, }}%
    \hypersetup{pdfauthor={\@author}, pdftitle={\@title}}%
  \endgroup
  \@ifundefined{chapter}%
   {\thispagestyle{plain}\begin{center}\vspace*{2.5em}%
      {\LARGE\@title\par}\vspace{0.8em}%
    \end{center}}%
   {\begin{titlepage}\centering
      \vspace*{0.22\textheight}%
      {\Huge\@title\par}\vspace{2.2em}%
      {\large\scshape\MakeLowercase{\@author}\par}%
      \vfill{\small\@date\par}%
    \end{titlepage}}%
  \setcounter{footnote}{0}\let\thanks\relax\let\maketitle\relax}
\@ifundefined{chapter}{%
  \fancypagestyle{normal}{\fancyhf{}%
    \fancyhead[C]{\small\itshape\@title}\fancyfoot[C]{\small\thepage}%
    \renewcommand{\headrulewidth}{0pt}\renewcommand{\footrulewidth}{0pt}}%
}{}
\makeatother
"""


def latex_defaults(config: Config) -> dict[str, str]:
    """The book design's ``latex_elements``; ``conf.py``'s own keys are kept."""
    return {
        "papersize": "",
        "pointsize": "11pt",
        "geometry": LATEX_GEOMETRY,
        "fontpkg": LATEX_FONTS,
        "fncychap": "",
        "extraclassoptions": "openany",
        "maketitle": r"\foliomaketitle",
        # After the contents, no running head until the first essay sets one.
        "tableofcontents": r"\sphinxtableofcontents\markboth{}{}",
        # Links and headings in the text's ink: a book, not a web page.
        "sphinxsetup": ("TitleColor={rgb}{0,0,0},InnerLinkColor={rgb}{0.12,0.12,0.12},"
                        "OuterLinkColor={rgb}{0.12,0.12,0.12}"),
        "makeindex": "",
        "printindex": "",
        "releasename": "",
    }


def set_defaults(app: Sphinx, config: Config) -> None:
    """Our defaults for what conf.py left unset; the design's preamble after everyone's.

    Only for the offline files: a web setting would change every page of a site
    that adds Folio (the source link is hidden on Folio's pages by :func:`page_context`).
    """
    elements = dict(config.latex_elements)
    for key, value in latex_defaults(config).items():
        elements.setdefault(key, value)
    elements["preamble"] = elements.get("preamble", "") + LATEX_PREAMBLE
    config.latex_elements = elements
    if not writer_set(config, "epub_use_index"):
        config.epub_use_index = False


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


def kept_offline(app: Sphinx, docname: str) -> bool:
    """Whether a page belongs in the collection's ePub and PDF: the essays, the
    home page and whatever ``folio_offline_include`` names."""
    return (docname in folio_domain(app.env).essays or docname == app.config.root_doc
            or docname in app.config.folio_offline_include)


class BookOfEssays(FolioPostTransform):
    """The collection's PDF holds the essays, not the writing guide or the essay lists."""

    default_priority = 8
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        app = self.env._app
        if self.env.docname != self.config.root_doc:
            return
        for part in list(self.document.findall(addnodes.start_of_file)):
            if not kept_offline(app, part["docname"]):
                part.parent.remove(part)
        for box in list(self.document.findall(nodes.container)):
            if "folio-essay-list" in box["classes"]:
                box.parent.remove(box)


class QuoteKeepsItsPage(FolioPostTransform):
    """In the PDF the page reference ends the quotation's last line (see the preamble)."""

    default_priority = 8
    builders = ("latex",)

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
            last += nodes.inline("", "", *paragraph.children, classes=["folio-page-ref"])
            box.remove(ref)


class EpubOfEssays(FolioPostTransform):
    """The ePub's navigation lists every essay, and nothing else the web site has.

    Sphinx builds the ePub's navigation from the home page's toctrees, leaving
    out hidden ones (the web home page hides its toctree behind the essay
    list): in the ePub the toctree is shown, as the book's contents, in place
    of the essay list.
    """

    default_priority = 8
    builders = ("epub",)

    def run(self, **kwargs: Any) -> None:
        if self.env.docname != self.config.root_doc:
            return
        for box in list(self.document.findall(nodes.container)):
            if "folio-essay-list" in box["classes"]:
                box.parent.remove(box)
        for toctree in self.document.findall(addnodes.toctree):
            toctree["hidden"] = False
            toctree["entries"] = [(title, ref) for title, ref in toctree["entries"]
                                  if ref is None or kept_offline(self.env._app, ref)]
            toctree["includefiles"] = [ref for ref in toctree["includefiles"]
                                       if kept_offline(self.env._app, ref)]
            toctree["caption"] = None


def leave_out_of_epub(app: Sphinx, env: BuildEnvironment) -> None:
    """Pages that are not essays stay out of the ePub's files too (and the web fonts:
    reading systems set the text in the reader's own choice, as Standard Ebooks do)."""
    if app.builder.name != "epub":
        return
    suffix = getattr(app.builder, "out_suffix", ".xhtml")
    outside = [f"{name}{suffix}" for name in sorted(env.found_docs)
               if not kept_offline(app, name)]
    fonts = [f"_static/fonts/{p.name}" for p in sorted(FONTS.glob("*"))]
    fonts.append("_static/folio-web.css")
    app.config.epub_exclude_files = [*app.config.epub_exclude_files,
                                     *[n for n in outside + fonts
                                       if n not in app.config.epub_exclude_files]]


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


def by_date(app: Sphinx) -> list[str]:
    """Essays oldest first (undated last), for "previous" and "next"."""
    essays = folio_domain(app.env).essays
    return sorted(essays, key=lambda name: (essays[name].date or datetime.date.max, name))


def refresh_order(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """The essays by date; pages whose neighbours by date changed need writing again."""
    views = folio_domain(env).views
    order = by_date(app)
    if views.order == order:
        return set()
    views.order = order
    return set(order)


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                 doctree: nodes.document | None) -> None:
    """Tab titles, the footer's author, previous/next and no source link, on Folio's
    pages only (the rest of a site that adds Folio keeps its own settings)."""
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
        if pagename in domain.views.generated:
            context["prev"] = context["next"] = None
        return
    if essay.author:
        context["author"] = html_text(essay.author)
    if essay.copyright:
        context["copyright"] = html_text(essay.copyright)
    order = domain.views.order or by_date(app)
    here = app.builder.get_target_uri(pagename)
    position = order.index(pagename) if pagename in order else -1

    def neighbour(offset: int) -> dict[str, str] | None:
        index = position + offset
        if position < 0 or not 0 <= index < len(order):
            return None
        other = domain.essays[order[index]]
        # The theme prints the title as HTML, as Sphinx's own neighbours are.
        return {"link": relative_uri(here, app.builder.get_target_uri(other.docname)),
                "title": html_text(other.title)}

    context["prev"], context["next"] = neighbour(-1), neighbour(1)


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
    app.add_config_value("folio_offline_include", [], "env", types=frozenset({list, tuple}))
    app.connect("config-inited", set_defaults, priority=800)
    app.connect("builder-inited", add_styles, priority=600)
    app.connect("doctree-read", mark_pages)
    app.connect("env-updated", set_title_page_year)
    app.connect("env-updated", leave_out_of_epub)
    app.connect("html-page-context", page_context, priority=600)
    app.connect("html-page-context", theme_text, priority=990)
    app.add_post_transform(BookOfEssays)
    app.add_post_transform(QuoteKeepsItsPage)
    app.add_post_transform(EpubOfEssays)
