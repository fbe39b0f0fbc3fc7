"""An essay's rating by its byline: stars for the eye, words for every reader.

The rating is read with the essay's front matter (:mod:`folio.ext.essays`,
by :func:`folio.core.ratings.parse_rating`); this module owns the node that
shows it, for every builder: on web pages and in the ePub the stars are
hidden from screen readers (the words say the same) and the value is given
to microformats readers (``p-rating``, ``p-best``, ``p-worst``); in print
the stars are set in a face that has them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from folio.core.escaping import html_text
from folio.core.ratings import WORST, format_value, stars
from folio.core.wording import rating_words
from folio.ext.shared import styled_paragraph

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.latex import LaTeXTranslator


class rating(nodes.Inline, nodes.TextElement):
    """A rating: its stars and words, worded once (the text is the words)."""


def rating_line(value: float, scale: int) -> nodes.container:
    """The paragraph under the byline that shows an essay's rating."""
    words = rating_words(value, scale)
    node = rating(words, words, value=format_value(value), scale=str(scale),
                  stars=stars(value, scale))
    return styled_paragraph("folio-rating-line", node)


def visit_rating_html(self: HTML5Translator, node: rating) -> None:
    self.body.append(
        '<span class="folio-rating">'
        f'<span class="folio-stars" aria-hidden="true">{html_text(node["stars"])}</span> '
        f'<span class="folio-rating-words">{html_text(node.astext())}</span>'
        f'<data class="p-rating" value="{html_text(node["value"])}"></data>'
        f'<data class="p-best" value="{html_text(node["scale"])}"></data>'
        f'<data class="p-worst" value="{WORST}"></data></span>')
    raise nodes.SkipNode


def visit_rating_latex(self: LaTeXTranslator, node: rating) -> None:
    self.body.append(r"\foliostars{" + node["stars"] + "} " + self.encode(node.astext()))
    raise nodes.SkipNode


def words_only(self: object, node: rating) -> None:
    """Plain text, manual pages, Texinfo: the words (the node's text), no stars."""



def setup_ratings(app: Sphinx) -> None:
    app.add_node(rating, html=(visit_rating_html, None), latex=(visit_rating_latex, None),
                 text=(words_only, words_only), man=(words_only, words_only),
                 texinfo=(words_only, words_only))
