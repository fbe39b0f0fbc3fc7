"""``related-reading``: where a reader goes next.

The directive (or, for an essay without one, ``doctree-read``) records what
the writer asked for and leaves a placeholder.  The choice itself is
:func:`folio.core.related.choose_related`, a pure function over the whole
collection's records, run once per build in ``env-updated`` (:func:`refresh_related`); a
post-transform then writes the two lists for every builder, and in print
each entry gets the page it starts on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode
from sphinx.util.osutil import relative_uri

from folio.core.names import tag_page
from folio.core.records import Entry, Listing, Place, RelatedRequest, Topic
from folio.core.related import choose_related, parse_switch, resolve_name, split_names
from folio.core.wording import bracketed_label, print_page_reference
from folio.ext.domain import folio_domain, in_this_book
from folio.ext.shared import FolioPostTransform, is_web, skip, title_node, warn

if TYPE_CHECKING:
    from docutils.nodes import Node
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.writers.latex import LaTeXTranslator

OPTION_LINE = re.compile(r"^\s*:([\w-]+):\s*(.*)$")


class related_reading(nodes.General, nodes.Element):
    """Placeholder, always replaced by the lists when references are resolved."""


class page_in_print(nodes.Inline, nodes.Element):
    """``, page 12`` after a related essay's title, in print only (links cannot be followed)."""


# -- pure functions --------------------------------------------------------------

# -- the directive ------------------------------------------------------------------

class RelatedReading(SphinxDirective):
    """``related-reading``: explicit lists, filled automatically where left out."""

    has_content = True  # only to read MyST's continuation lines, see below
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {  # type: ignore[misc]
        "similar": directives.unchanged,
        "different": directives.unchanged,
        "limit": directives.unchanged,
        "auto": directives.unchanged,
        "topic": directives.unchanged,
    }

    def options_with_continuations(self) -> dict[str, str]:
        """The options, with names continued on following lines put back.

        rST continues an option on indented lines; MyST ends its option block
        at the first line not starting with ``:``, so a list written one name
        per line arrives as body text.  The contract promises that form.
        """
        options = {key: str(value or "") for key, value in self.options.items()}
        last = next(reversed(options), None)
        for line in self.content:
            match = OPTION_LINE.match(line)
            if match and match.group(1) in self.option_spec:
                last = match.group(1)
                options[last] = match.group(2)
            elif match:
                self.warn(f"related-reading has no option {match.group(1)!r}")
            elif line.strip() and last in ("similar", "different"):
                options[last] += "\n" + line.strip()
            elif line.strip():
                self.warn(f"related-reading takes no body text: {line.strip()!r}")
                break
        return options

    def warn(self, message: str) -> None:
        warn(message, self.get_location(), "related")

    def run(self) -> list[Node]:
        docname = self.env.docname
        domain = folio_domain(self.env)
        options = self.options_with_continuations()
        if docname in domain.requests:
            self.warn("related-reading appears twice in this document; keeping the first")
            return []
        limit = self.config.folio_related_limit
        if "limit" in options:
            text = str(options["limit"]).strip()
            if re.fullmatch(r"[0-9]{1,4}", text):
                limit = int(text)
            else:
                self.warn(f"limit {text!r} is not a whole number; using {limit}")
        auto = parse_switch(str(options.get("auto", "true")))
        if auto is None:
            self.warn(f"auto {options['auto']!r} is not true or false; using true")
            auto = True
        seen: set[str] = set()
        lists: dict[str, tuple[str, ...] | None] = {}
        for which in ("similar", "different"):
            if which not in options:
                lists[which] = None
                continue
            names = []
            for written in split_names(str(options[which] or "")):
                name = resolve_name(written, docname, self.env.found_docs)
                if name == docname:
                    self.warn(f"related-reading lists this essay itself ({written!r})")
                elif name in seen:
                    self.warn(f"related-reading lists {written!r} twice")
                else:
                    seen.add(name)
                    names.append(name)
            lists[which] = tuple(names)
        _source, line = self.get_source_info()
        topic = " ".join(str(options.get("topic", "") or "").split())
        domain.requests[docname] = RelatedRequest(
            Place(docname, line), lists["similar"], lists["different"], limit, auto, topic)
        node = related_reading(docname=docname)
        self.set_source_info(node)
        return [node]


def append_related(app: Sphinx, doctree: nodes.document) -> None:
    """Give an essay without the directive its related reading at the end."""
    env = app.env
    docname = env.docname
    domain = folio_domain(env)
    if not app.config.folio_related_auto or docname not in domain.essays:
        return
    if docname in domain.requests:
        return
    section: nodes.Element = next(
        (c for c in doctree.children if isinstance(c, nodes.section)), doctree)
    domain.requests[docname] = RelatedRequest(
        Place(docname, 0), limit=app.config.folio_related_limit)
    section.append(related_reading(docname=docname))


def entries_for(env: BuildEnvironment, names: Iterable[str]) -> tuple[Entry, ...]:
    """What each listed document shows: an essay's title and label, else its title."""
    domain = folio_domain(env)
    essays, labels = domain.essays, domain.views.labels
    entries = []
    for name in names:
        if name in essays:
            entries.append(Entry(name, essays[name].title, labels.get(name, "")))
        elif name in env.titles:
            entries.append(Entry(name, env.titles[name].astext(), ""))
    return tuple(entries)


def find_topic(env: BuildEnvironment, docname: str, written: str) -> Topic | None:
    """What ``:topic:`` names: a book key, else a tag, else a document."""
    if not written:
        return None
    domain = folio_domain(env)
    book = domain.books.get(written)
    if book is not None:
        return Topic("book", written, book.title or written)
    for essay in sorted(domain.essays.values(), key=lambda e: e.docname):
        for tag in essay.tags:
            if tag.casefold() == written.casefold():
                return Topic("tag", tag, tag)
    name = resolve_name(written, docname, env.found_docs)
    if name in env.found_docs and name in env.titles:
        return Topic("document", name, env.titles[name].astext())
    return None


def refresh_related(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """Choose everyone's related reading; return the essays whose lists changed."""
    domain = folio_domain(env)
    cited = {name: domain.cited_keys(name) for name in domain.essays}
    readings = choose_related(domain.essays, cited, domain.requests)
    old = domain.views.listings
    domain.views.listings = {
        name: Listing(entries_for(env, r.similar), entries_for(env, r.different),
                      find_topic(env, name, domain.requests[name].topic))
        for name, r in readings.items()}
    return {name for name, found in domain.views.listings.items() if found != old.get(name)}


def check_related(app: Sphinx, env: BuildEnvironment) -> None:
    """Listed documents that do not exist, or are not essays (checked every build)."""
    domain = folio_domain(env)
    for docname in sorted(domain.requests):
        request = domain.requests[docname]
        where = (request.place.docname, request.place.line)
        if request.topic and find_topic(env, docname, request.topic) is None:
            warn(f"related-reading: topic {request.topic!r} names no book key, tag or document",
                 where, "related")
        for name in (*(request.similar or ()), *(request.different or ())):
            if name not in env.found_docs:
                warn(f"related-reading: unknown document {name!r}", where, "related")
            elif name not in domain.essays:
                warn(f"related-reading: {name!r} is not an essay", where, "related")


class FillRelatedReading(FolioPostTransform):
    """The two related-reading lists, as links with each essay's genre (every builder)."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain = folio_domain(self.env)
        for placeholder in list(self.document.findall(related_reading)):
            found = domain.listings.get(placeholder["docname"])
            box = nodes.container(classes=["folio-related"])
            if found:
                for heading, entries, topic in (
                    (self.config.folio_similar_heading, found.similar, found.topic),
                    (self.config.folio_different_heading, found.different, None),
                ):
                    if entries:
                        rubric = nodes.rubric(heading, heading, classes=["folio-related-heading"])
                        if topic is not None:
                            rubric += nodes.Text(" ")
                            rubric += self.topic_link(topic)
                        box += rubric
                        box += self.entries(entries)
            placeholder.replace_self(box if box.children else [])

    def topic_link(self, topic: Topic) -> nodes.Node:
        """The topic in the heading: a book's library entry, a tag's page, a document.

        Offline, or where the site has no library or tag pages, a book links
        to its citation and a tag is plain text.
        """
        domain = folio_domain(self.env)
        text: nodes.Element = nodes.inline(topic.text, topic.text, classes=["folio-topic"])
        if topic.kind == "book":
            text = title_node(topic.text, self.config)
            text["classes"].append("folio-topic")
        here = self.env.docname
        page = "library" if topic.kind == "book" else tag_page(topic.target)
        if is_web(self.builder) and topic.kind in ("book", "tag") \
                and page in domain.views.generated:
            uri = relative_uri(self.builder.get_target_uri(here),
                               self.builder.get_target_uri(page))
            if topic.kind == "book":
                uri += f"#book-{topic.target}"
            return nodes.reference("", "", text, refuri=uri, internal=True)
        if topic.kind == "book":
            home = domain.homes.get(topic.target)
            if home is not None and in_this_book(self.builder, home.place.docname):
                return make_refnode(self.builder, here, home.place.docname, home.anchor, text)
        if topic.kind == "document" and in_this_book(self.builder, topic.target):
            return make_refnode(self.builder, here, topic.target, "", text)
        return text

    def entries(self, entries: tuple[Entry, ...]) -> nodes.bullet_list:
        items = nodes.bullet_list(classes=["folio-related-list"])
        baseurl = self.config.html_baseurl
        for entry in entries:
            text = nodes.inline(entry.title, entry.title)
            inside = in_this_book(self.builder, entry.docname)
            link: nodes.Node = text
            if inside:
                link = make_refnode(self.builder, self.env.docname, entry.docname, "", text)
            elif baseurl:  # an essay's own PDF: point to the essay on the web
                link = nodes.reference("", "", text,
                                       refuri=f"{baseurl.rstrip('/')}/{entry.docname}.html")
            paragraph = nodes.paragraph("", "", link)
            if entry.label:
                label = bracketed_label(entry.label)
                paragraph += nodes.Text(" ")
                paragraph += nodes.inline(label, label, classes=["folio-genre"])
            if inside:
                paragraph += page_in_print(docname=entry.docname)
            items += nodes.list_item("", paragraph)
        return items


def visit_page_in_print(self: LaTeXTranslator, node: page_in_print) -> None:
    label = rf"\detokenize{{{node['docname']}::doc}}"
    self.body.append(rf"{self.encode(print_page_reference())}\pageref{{{label}}}")
    raise nodes.SkipNode


def setup_related(app: Sphinx) -> None:
    app.add_directive("related-reading", RelatedReading)
    app.add_node(page_in_print, latex=(visit_page_in_print, None), html=(skip, None),
                 text=(skip, None), man=(skip, None), texinfo=(skip, None))
    app.connect("doctree-read", append_related)
    app.add_post_transform(FillRelatedReading)
    app.connect("env-check-consistency", check_related)
