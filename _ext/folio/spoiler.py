"""``spoiler``: a boundary readers can choose not to cross.

The directive emits plain nodes with a marked start and end, which is what
ePub, PDF and text readers get; on the web :mod:`folio.pages` swaps in a
``<details>`` element that opens without JavaScript.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from folio.writers import styled_paragraph

if TYPE_CHECKING:
    from docutils.nodes import Node
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)


class Spoiler(SphinxDirective):
    """``spoiler``: content that gives the plot away."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[Node]:
        default = self.config.folio_spoiler_label
        label = " ".join(self.arguments[0].split()) if self.arguments else ""
        if not self.content or not "".join(self.content).strip():
            logger.warning("spoiler has nothing in its body", location=self.get_location(),
                           type="folio", subtype="spoiler")
            return []
        while self.content and re.match(r"^\s*:[\w-]+:", self.content[0]):
            logger.warning(f"spoiler takes no options; ignoring {self.content[0].strip()!r}",
                           location=self.get_location(), type="folio", subtype="spoiler")
            self.content = self.content[1:]
            self.content_offset += 1
        start_text = f"{default}: {label}" if label and label != default else default
        box = nodes.container(classes=["folio-spoiler"], label=label or default)
        self.set_source_info(box)
        box += styled_paragraph("folio-spoiler-start", nodes.Text(start_text))
        box += self.parse_content_to_nodes()
        end_text = f"End of {default.lower()}"
        box += styled_paragraph("folio-spoiler-end", nodes.Text(end_text))
        return [box]


def setup_spoiler(app: Sphinx) -> None:
    app.add_directive("spoiler", Spoiler)
