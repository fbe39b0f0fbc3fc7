"""The one rule for a writer's text on a page: it is shown, never obeyed.

Titles, authors, summaries, labels, tags, genres, © lines and option values
come from front matter, directive options, an import or a commenter: text,
whatever characters it holds.  Every place where Folio hands such text to
HTML goes through these two functions (templates through Jinja's ``|e``,
which is the same markupsafe ``escape``), so a ``<``, a quote or an ``&amp;``
reads on the page exactly as written.

:func:`html_text` returns :class:`markupsafe.Markup`: the theme's templates
print some context values as they are (``{{ pagetitle }}``, ``{{ author }}``,
``prev.title``), and a ``Markup`` value is printed as the escaped text it
holds, while ``|e`` in Folio's own templates leaves it as it is (never
escaped twice).
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup, escape

#: In JSON inside ``<script>``: nothing can close the element, open a comment or
#: end a line in old parsers; each is the same character to a JSON reader.
SCRIPT_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                       "\u2028": "\\u2028", "\u2029": "\\u2029"}


def html_text(text: object) -> Markup:
    """Text for an HTML element's content or a quoted attribute: ``& < > " '`` escaped.

    A value that is already :class:`Markup` (HTML that Sphinx rendered from a
    document's nodes, or this function's own result) is returned unchanged.
    """
    return escape(text)


def script_json(data: Any) -> Markup:
    """``data`` as JSON for a ``<script type="application/ld+json">`` element.

    ``</script>``, ``<!--`` and the like in a title or summary become ``\\u003c``
    escapes: the element ends where Folio ends it, and a JSON reader gets the
    text back unchanged.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for character, escaped in SCRIPT_JSON_ESCAPES.items():
        text = text.replace(character, escaped)
    return Markup(text)  # every character that could be markup is escaped above
