"""``spoiler``: a boundary readers can choose not to cross.

The directive emits plain nodes with a marked start and end, which is what
ePub, PDF and text readers get (LaTeX draws rules around it); on web pages
a post-transform swaps in a ``<details>`` element that opens without
JavaScript.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from folio.core.escaping import html_text
from folio.core.wording import spoiler_end, spoiler_start
from folio.ext.shared import WEB_BUILDERS, has_class, styled_paragraph, warn

if TYPE_CHECKING:
    from docutils.nodes import Node
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator


class spoiler_details(nodes.General, nodes.Element):
    """A spoiler as ``<details>``: closed until the reader opens it (web pages only)."""


class Spoiler(SphinxDirective):
    """``spoiler``: content that gives the plot away."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[Node]:
        default = self.config.folio_spoiler_label
        label = " ".join(self.arguments[0].split()) if self.arguments else ""
        if not self.content or not "".join(self.content).strip():
            warn("spoiler has nothing in its body", self.get_location(), "spoiler")
            return []
        while self.content and re.match(r"^\s*:[\w-]+:", self.content[0]):
            warn(f"spoiler takes no options; ignoring {self.content[0].strip()!r}",
                 self.get_location(), "spoiler")
            self.content = self.content[1:]
            self.content_offset += 1
        box = nodes.container(classes=["folio-spoiler"], label=label or default)
        self.set_source_info(box)
        box += styled_paragraph("folio-spoiler-start", nodes.Text(spoiler_start(label, default)))
        box += self.parse_content_to_nodes()
        box += styled_paragraph("folio-spoiler-end", nodes.Text(spoiler_end(default)))
        return [box]


class SpoilersForWeb(SphinxPostTransform):
    """On web pages a spoiler starts closed, in a ``<details>`` element (``fold``),
    or stays open under its warning (``warn``)."""

    default_priority = 6
    builders = WEB_BUILDERS

    def run(self, **kwargs: Any) -> None:
        for box in list(self.document.findall(nodes.container)):
            if "folio-spoiler" not in box["classes"]:
                continue
            if self.config.folio_spoiler_style == "warn":  # open, its warning in view
                box["classes"].append("folio-spoiler-warning")
                continue
            inner = [child for child in box.children
                     if not (has_class(child, "folio-spoiler-start")
                             or has_class(child, "folio-spoiler-end"))]
            details = spoiler_details(label=box.get("label", ""), ids=box["ids"])
            details.extend(inner)
            box.replace_self(details)


def visit_spoiler_details(self: HTML5Translator, node: spoiler_details) -> None:
    self.body.append(self.starttag(node, "details", CLASS="folio-spoiler"))
    self.body.append(f"<summary>{html_text(node['label'])}</summary>\n"
                     '<div class="folio-spoiler-body">\n')


def depart_spoiler_details(self: HTML5Translator, node: spoiler_details) -> None:
    self.body.append("</div>\n</details>\n")



def setup_spoiler(app: Sphinx) -> None:
    app.add_directive("spoiler", Spoiler)
    app.add_node(spoiler_details, html=(visit_spoiler_details, depart_spoiler_details))
    app.add_post_transform(SpoilersForWeb)
