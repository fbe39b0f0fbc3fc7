"""Essays: front matter → :class:`Essay`, the title, the byline and the © line.

The front matter is read by a transform at priority 870, just before the
one that emits ``doctree-read`` (880), while the docinfo node that rST field
lists become is still in the tree, so the title exists before Sphinx
collects titles and the table of contents.  MyST front matter is read from
the file itself (:mod:`folio.core.frontmatter`, which also says why).  On web pages a post-transform
links the byline's genre and tags to their listing pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import yaml
from docutils import nodes
from docutils.utils.smartquotes import educate_tokens
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.matching import Matcher
from sphinx.util.osutil import relative_uri

from folio.core.dates import parse_date
from folio.core.frontmatter import (
    YAML_ERRORS,
    field_lines,
    folio_reports,
    front_matter_end,
    front_matter_problem,
    is_json_collection,
    parse_list,
    parse_tags,
    recover_front_matter,
)
from folio.core.names import genre_page, tag_page
from folio.core.ratings import parse_rating
from folio.core.records import Essay
from folio.core.wording import (
    GENRE_JOINER,
    SEPARATOR,
    byline_author,
    copyright_line,
    essay_label,
    format_date,
)
from folio.ext.domain import folio_domain
from folio.ext.ratings import rating_line
from folio.ext.related import related_reading
from folio.ext.shared import (
    WEB_BUILDERS,
    FolioPostTransform,
    clean_text,
    styled_paragraph,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

FIELDS = ("title", "subtitle", "author", "date", "genre", "tags", "label", "summary",
          "copyright", "rating", "series", "part")
#: Keys other tools give meaning to; accepted without a warning.
OTHER_KEYS = frozenset({"orphan", "nocomments", "nosearch", "tocdepth", "authors",
                        "description", "keywords", "html_meta", "myst", "substitutions",
                        "draft"})  # draft: true is folio.ext.drafts' (never read)


# -- pure functions: text in, data out ---------------------------------------

def educate(text: str, config: Config) -> str:
    """Curly quotes and dashes, as Sphinx gives the body (front matter misses out).

    ``educate_tokens`` on one text token: ``smartyPants`` first tokenizes for
    HTML tags, which takes quadratic time on a long value.
    """
    if not text or not config.smartquotes:
        return text
    return "".join(educate_tokens([("text", text)], config.smartquotes_action,
                                  config.language or "en"))


def front_matter_for_myst(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: an essay's front matter that MyST cannot read, and Folio
    reports itself, reaches MyST as blank lines.

    MyST reads front matter strictly (``2019-02-30`` is a bad date to PyYAML)
    and says "Malformed YAML" at line 1, then drops the block; Folio reads the
    same block from the file, as text, and names the bad value at its own
    line.  Blank lines keep every later line where it was, and MyST drops
    nothing it would have kept.  Only essays, and only when Folio will warn:
    any other page hears from MyST as before.
    """
    if not Matcher(app.config.folio_essays)(docname) \
            or not str(app.env.doc2path(docname)).endswith(".md"):
        return
    lines = source[0].split("\n")
    end = front_matter_end(lines)
    if end is None:
        return
    text = "\n".join(lines[1:end])
    try:
        if isinstance(yaml.safe_load(text), dict):
            return  # MyST reads it
    except YAML_ERRORS:
        pass
    if folio_reports(text):
        source[0] = "\n".join([""] * (end + 1) + lines[end + 1:])


def docinfo_fields(document: nodes.document) -> dict[str, str]:
    """A document's front matter as text, read the way Sphinx's collector does."""
    index = document.first_child_not_matching_class(nodes.PreBibliographic)  # type: ignore[arg-type]
    if index is None or not isinstance(document[index], nodes.docinfo):
        return {}
    found: dict[str, str] = {}
    for node in document[index].children:
        if isinstance(node, nodes.field):
            found[node[0].astext().strip()] = node[1].astext().strip()
        elif isinstance(node, nodes.authors):
            found["author"] = "; ".join(author.astext() for author in node.children)
        elif isinstance(node, nodes.TextElement):
            found[node.__class__.__name__] = node.astext().strip()
    return found


# -- the transform ------------------------------------------------------------

class EssayFrontMatter(SphinxTransform):
    """Read, check and display an essay's front matter."""

    default_priority = 870

    def apply(self, **kwargs: object) -> None:
        docname = self.env.docname
        if not Matcher(self.config.folio_essays)(docname):
            return
        source = self.document.get("source", "")
        # MyST front matter is read from the file as written (docutils has
        # already curled the quotes of bibliographic fields such as date);
        # reStructuredText's field list from its docinfo.
        values = (recover_front_matter(source) if source.endswith(".md")
                  else docinfo_fields(self.document))
        values = {key: clean_text(value) for key, value in values.items()}
        lines = field_lines(source)
        problem = None if values else front_matter_problem(source)
        if problem:
            self.warn(problem[1], problem[0], "front-matter")
        essay = self.read_essay(docname, values, lines, quiet=problem is not None)
        folio_domain(self.env).essays[docname] = essay
        section = self.title_section(essay)
        self.add_header(section, essay)
        self.add_copyright(section, essay)

    def warn(self, message: str, line: int, subtype: str) -> None:
        logger.warning(message, location=(self.env.docname, line),
                       type="folio", subtype=subtype)

    def read_essay(self, docname: str, values: dict[str, str], lines: dict[str, int],
                   quiet: bool = False) -> Essay:
        """The record; ``quiet`` when the front matter gave nothing to read (already said)."""
        def line(key: str) -> int:
            return lines.get(key, 1)

        def missing(message: str) -> None:
            if not quiet:
                self.warn(message, 1, "front-matter")

        for key in sorted(set(values) - set(FIELDS) - OTHER_KEYS):
            self.warn(f"unknown front matter key {key!r} (known: {', '.join(FIELDS)})",
                      line(key), "front-matter")
        title = values.get("title", "")
        if not title:
            missing("essay has no 'title' in its front matter")
        date = None
        if not values.get("date"):
            missing("essay has no 'date' in its front matter (use YYYY-MM-DD)")
        else:
            date = parse_date(values["date"])
            if date is None:
                self.warn(f"date {values['date']!r} is not a date (use YYYY-MM-DD)",
                          line("date"), "front-matter")
        genres = self.read_genres(values.get("genre", ""), line("genre"), missing)
        label = values.get("label", "").strip()
        if label.startswith(("[", "{")) and is_json_collection(label):
            self.warn(f"label must be text, not {label!r}", line("label"), "front-matter")
            label = ""
        author = values.get("author") or self.config.folio_author or ""
        copyright_ = values.get("copyright", "")
        if not copyright_:
            copyright_ = " ".join(part for part in (str(date.year) if date else "", author) if part)
        rating = None
        if values.get("rating", "").strip():
            rating, problem = parse_rating(values["rating"], self.config.folio_rating_scale)
            if problem:
                self.warn(problem, line("rating"), "rating")
        series = " ".join(values.get("series", "").split())
        part = None
        if values.get("part", "").strip():
            written = values["part"].strip()
            if re.fullmatch(r"[0-9]{1,6}", written) and int(written) > 0:
                part = int(written)
            else:
                self.warn(f"part {written!r} is not a positive whole number", line("part"),
                          "series")
            if not series:
                self.warn("part is given without a series", line("part"), "series")
        return Essay(
            docname=docname,
            title=self.educate(title) or self.existing_title() or docname.rsplit("/", 1)[-1],
            date=date,
            genre=genres[0] if genres else "",
            other_genres=genres[1:],
            label=self.educate(" ".join(label.split())),
            subtitle=self.educate(values.get("subtitle", "")),
            author=author,
            tags=parse_tags(values.get("tags", "")),
            summary=self.educate(values.get("summary", "")),
            copyright=copyright_.removeprefix("©").strip(),
            rating=rating,
            series=self.educate(series),
            part=part,
        )

    def read_genres(self, value: str, line: int, missing: Callable[[str], None]
                    ) -> tuple[str, ...]:
        """``review`` or ``[review, memoir]``: the first is the main genre."""
        known = self.config.folio_genres
        listed = value.strip().startswith("[")
        written = parse_list(value) if listed else ((value.strip(),) if value.strip() else ())
        if not written:
            if listed:
                self.warn(f"the genre list is empty (one of: {', '.join(known)})", line,
                          "front-matter")
            else:
                missing(f"essay has no 'genre' (one of: {', '.join(known)})")
            return ()
        genres: list[str] = []
        for genre in written:
            if genre in genres:
                self.warn(f"genre {genre!r} is listed twice", line, "front-matter")
                continue
            if genre not in known:
                self.warn(f"unknown genre {genre!r} (one of: {', '.join(known)})", line,
                          "front-matter")
            genres.append(genre)
        return tuple(genres)

    def educate(self, text: str) -> str:
        return educate(text, self.config)

    def existing_title(self) -> str:
        section = next(iter(self.document.findall(nodes.section)), None)
        return section[0].astext() if section is not None and section.children else ""

    def title_section(self, essay: Essay) -> nodes.section:
        """The essay's top section, titled from the front matter.

        A first heading with the front matter's title is the title; any other
        heading (``## Part one``) is a section of the essay, so everything is
        wrapped in a new top section.
        """
        for child in self.document.children:
            if isinstance(child, nodes.section):
                if child[0].astext() == essay.title:
                    return child
                break
        section = nodes.section()
        section += nodes.title(essay.title, essay.title)
        keep = (nodes.PreBibliographic, nodes.docinfo, nodes.substitution_definition)
        for child in list(self.document.children):
            if not isinstance(child, keep):
                self.document.remove(child)
                section += child
        self.document += section
        section["names"].append(nodes.fully_normalize_name(essay.title))
        self.document.note_implicit_target(section, section)
        return section

    def add_header(self, section: nodes.section, essay: Essay) -> None:
        header: list[nodes.Node] = []
        if essay.subtitle:
            header.append(styled_paragraph("folio-subtitle", nodes.Text(essay.subtitle)))
        byline: list[nodes.Node] = []

        def add(*inlines: nodes.Node) -> None:
            if byline:
                byline.append(nodes.Text(SEPARATOR))
            byline.extend(inlines)

        if essay.author and essay.author != self.config.folio_author:
            by = byline_author(essay.author)
            add(nodes.inline(by, by, classes=["folio-author"]))
        if essay.date:
            date = format_date(essay.date)
            add(nodes.inline(date, date, classes=["folio-date"]))
        if essay.genres:
            genres: list[nodes.Node] = []
            for number, genre in enumerate(essay.genres):
                if number:
                    genres.append(nodes.Text(GENRE_JOINER))
                genres.append(nodes.inline(genre, genre, classes=["folio-genre"]))
            add(*genres)
        if essay.tags:
            tags = ", ".join(essay.tags)
            add(nodes.inline(tags, tags, classes=["folio-tags"]))
        if byline:
            header.append(styled_paragraph("folio-byline", *byline))
        if essay.rating is not None:
            header.append(rating_line(essay.rating, self.config.folio_rating_scale))
        position = 1 if section.children and isinstance(section[0], nodes.title) else 0
        for offset, node in enumerate(header):
            section.insert(position + offset, node)

    def add_copyright(self, section: nodes.section, essay: Essay) -> None:
        if not essay.copyright:
            return
        line = styled_paragraph("folio-copyright", nodes.Text(copyright_line(essay.copyright)))
        last = section.children[-1] if section.children else None
        if isinstance(last, related_reading):  # the copyright line comes before it
            section.insert(len(section.children) - 1, line)
        else:
            section += line


#: The lines under an essay's title that belong to its header.
HEADER_LINES = frozenset({"folio-byline", "folio-rating-line", "folio-series-line"})


def header_end(section: nodes.Element) -> int:
    """The position just after an essay's title, subtitle and byline in its section."""
    position = 1
    for index, child in enumerate(section.children):
        if isinstance(child, nodes.container) and set(child["classes"]) & HEADER_LINES:
            position = index + 1
    return position


class BylineLinks(FolioPostTransform):
    """On the web, an essay's genre and tags lead to their listing pages."""

    default_priority = 6
    builders = WEB_BUILDERS

    def run(self, **kwargs: object) -> None:
        essay = folio_domain(self.env).essays.get(self.env.docname)
        if essay is None:
            return
        here = self.builder.get_target_uri(self.env.docname)
        pages = set(folio_domain(self.env).views.generated)

        def link(text: str, page: str) -> nodes.Node:
            """A link to the listing page, or the plain word where the site has none."""
            if page not in pages:
                return nodes.Text(text)
            uri = relative_uri(here, self.builder.get_target_uri(page))
            return nodes.reference(text, text, refuri=uri, internal=True)

        for byline in self.document.findall(nodes.container):
            if "folio-byline" not in byline["classes"]:
                continue
            for inline in list(byline.findall(nodes.inline)):
                if "folio-genre" in inline["classes"]:
                    genre = inline.astext()
                    inline.children = []
                    inline += link(genre, genre_page(genre))
                elif "folio-tags" in inline["classes"]:
                    inline.children = []
                    for number, tag in enumerate(essay.tags):
                        if number:
                            inline += nodes.Text(", ")
                        inline += link(tag, tag_page(tag))



def refresh_labels(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """Each essay's label (it may name a book, known once records are merged);
    return the pages listing an essay whose label changed."""
    domain = folio_domain(env)
    views = domain.views
    labels = {}
    for name, essay in domain.essays.items():
        titles = [domain.books[key].title for key in domain.cited_keys(name)
                  if key in domain.books]
        labels[name] = essay_label(essay, titles)
    if labels == views.labels:
        return set()
    views.labels = labels
    return set(domain.lists)


def setup_essays(app: Sphinx) -> None:
    app.add_transform(EssayFrontMatter)
    app.connect("source-read", front_matter_for_myst)
    app.add_post_transform(BylineLinks)

