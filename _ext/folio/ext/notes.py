"""Notes beside the text: an essay's footnotes where a reader of that output expects them.

A MyST footnote (``[^1]``) is, on each output (contract v3, "Ratings, series
and notes"):

- **web**: a margin note beside the line that calls it on a wide screen, and on
  a phone a note that opens in place when its number is tapped.  The pattern is
  Tufte CSS's: a visually hidden checkbox, the number as its ``<label>``, the
  note after them; CSS alone shows it in the margin or on ``:checked``, so it
  works without JavaScript.  Built here rather than on the book theme's
  ``use_sidenotes`` (which does the same for inline content only, turns every
  footnote on every page of a site into a sidenote, and has open bugs:
  sphinx-book-theme#546, #651) so that it applies to Folio's pages only and a
  note may hold several paragraphs;
- **ePub**: an EPUB 3 pop-up note: the mark is ``<a epub:type="noteref">``, the
  note an ``<aside epub:type="footnote">`` (EPUB 3 Structural Semantics; as
  Standard Ebooks' endnotes), which reading systems show over the page;
- **PDF**: a footnote on the page that calls it: Sphinx's LaTeX writer already
  sets each footnote as ``\\footnote`` at its mark; ``folio.sty`` styles it.

A note holding more than paragraphs (a list, a quotation) stays a footnote at
the end of the web page, where such content can be read.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from docutils import nodes

from folio.ext.domain import folio_domain
from folio.ext.shared import WEB_BUILDERS, FolioPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator

EPUB_NS = "http://www.idpf.org/2007/ops"


class margin_note(nodes.Inline, nodes.TextElement):
    """A note set beside its mark (web): ``number`` and ``note_id``; inline children."""


class note_mark(nodes.Inline, nodes.TextElement):
    """An ePub note's mark: ``refid`` (the note) and ``number``."""


class popup_note(nodes.General, nodes.Element):
    """An ePub pop-up note: an ``<aside epub:type="footnote">``."""


def paragraphs_only(footnote: nodes.footnote) -> list[nodes.paragraph] | None:
    """The note's paragraphs, or None when it holds anything else."""
    body = [child for child in footnote.children if not isinstance(child, nodes.label)]
    if body and all(isinstance(child, nodes.paragraph) for child in body):
        return [child for child in body if isinstance(child, nodes.paragraph)]
    return None


def number_of(reference: nodes.footnote_reference) -> str:
    return reference.astext().strip("[]")


def footnotes_by_id(document: nodes.document) -> dict[str, nodes.footnote]:
    return {ident: note for note in document.findall(nodes.footnote) for ident in note["ids"]}


def drop_empty_footnote_transition(document: nodes.document) -> None:
    """MyST puts a rule before the footnotes; with none left at the end it goes too."""
    if any(True for _ in document.findall(nodes.footnote)):
        return
    for rule in list(document.findall(nodes.transition)):
        if "footnotes" in rule["classes"]:
            rule.parent.remove(rule)


class NotesInTheMargin(FolioPostTransform):
    """Web pages of essays: each footnote becomes a margin note at its first mark."""

    default_priority = 700
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        if self.builder.name not in WEB_BUILDERS \
                or self.env.docname not in folio_domain(self.env).essays:
            return
        notes = footnotes_by_id(self.document)
        placed: set[str] = set()
        for reference in list(self.document.findall(nodes.footnote_reference)):
            refid = reference.get("refid", "")
            footnote = notes.get(refid)
            if footnote is None or refid in placed:
                continue
            paragraphs = paragraphs_only(footnote)
            if paragraphs is None:
                continue
            placed.add(refid)
            note = margin_note("", number=number_of(reference), note_id=refid,
                               mark_ids=list(reference["ids"]))
            for paragraph in paragraphs:
                note += nodes.inline("", "", *[child.deepcopy() for child in paragraph.children],
                                     classes=["folio-note-paragraph"])
            reference.replace_self(note)
            footnote.parent.remove(footnote)
        drop_empty_footnote_transition(self.document)


class PopUpNotes(FolioPostTransform):
    """The ePub: marks and notes in EPUB 3's pop-up form."""

    default_priority = 700
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        if self.builder.name != "epub":
            return
        for reference in list(self.document.findall(nodes.footnote_reference)):
            noteref = note_mark("", refid=reference.get("refid", ""),
                                number=number_of(reference))
            noteref["ids"] = list(reference["ids"])
            reference.replace_self(noteref)
        for footnote in list(self.document.findall(nodes.footnote)):
            note = popup_note("", ids=list(footnote["ids"]))
            body = [child for child in footnote.children if not isinstance(child, nodes.label)]
            label = footnote.next_node(nodes.label)
            number = label.astext() if label is not None else ""
            back: list[str] = list(footnote.get("backrefs", []))
            first = body[0] if body else None
            if isinstance(first, nodes.paragraph) and number:
                mark: nodes.Node = nodes.reference(number, number, refid=back[0]) if back \
                    else nodes.Text(number)
                first.insert(0, nodes.Text(". "))
                first.insert(0, mark)
            note.extend(child.deepcopy() for child in body)
            footnote.replace_self(note)


def visit_margin_note(self: HTML5Translator, node: margin_note) -> None:
    """Checkbox, number (its label) and note: Tufte CSS's margin-toggle pattern."""
    toggle = escape(f"folio-note-toggle-{node['note_id']}")
    number = escape(node["number"])
    mark_id = f' id="{escape(node["mark_ids"][0])}"' if node["mark_ids"] else ""
    self.body.append(
        f'<input type="checkbox" class="folio-note-toggle" id="{toggle}">'
        f'<label for="{toggle}" class="folio-note-mark"{mark_id}>{number}</label>'
        f'<span class="folio-note" id="{escape(node["note_id"])}" role="note">'
        f'<span class="folio-note-number">{number}</span> ')


def depart_margin_note(self: HTML5Translator, node: margin_note) -> None:
    self.body.append("</span>")


def visit_note_mark(self: HTML5Translator, node: note_mark) -> None:
    ids = f' id="{escape(node["ids"][0])}"' if node["ids"] else ""
    self.body.append(
        f'<a xmlns:epub="{EPUB_NS}" epub:type="noteref" role="doc-noteref"{ids} '
        f'class="folio-noteref" href="#{escape(node["refid"])}">{escape(node["number"])}</a>')
    raise nodes.SkipNode


def visit_popup_note(self: HTML5Translator, node: popup_note) -> None:
    ids = f' id="{escape(node["ids"][0])}"' if node["ids"] else ""
    self.body.append(f'<aside xmlns:epub="{EPUB_NS}" epub:type="footnote" role="doc-footnote"'
                     f'{ids} class="folio-note">\n')


def depart_popup_note(self: HTML5Translator, node: popup_note) -> None:
    self.body.append("</aside>\n")


def unexpected(self: Any, node: nodes.Element) -> None:
    """These nodes exist only where their own transform made them."""
    raise nodes.SkipNode


def setup_notes(app: Sphinx) -> None:
    app.add_node(margin_note, html=(visit_margin_note, depart_margin_note),
                 latex=(unexpected, None), text=(unexpected, None))
    app.add_node(note_mark, html=(visit_note_mark, None), latex=(unexpected, None),
                 text=(unexpected, None))
    app.add_node(popup_note, html=(visit_popup_note, depart_popup_note),
                 latex=(unexpected, None), text=(unexpected, None))
    app.add_post_transform(NotesInTheMargin)
    app.add_post_transform(PopUpNotes)
