"""Readers' responses on the web: ``folio_comments``.

``None`` (the default) adds nothing.  ``{"provider": "giscus", ...}`` adds
giscus's documented embed (GitHub Discussions), lazy-loaded;
``{"provider": "email", "address": ...}`` adds a "Reply by email" link whose
subject names the essay.  Essay pages of the web site only: never the ePub
or the PDF, which is why the placeholder left at ``doctree-read`` is
replaced on web builders and dropped everywhere else.  The settings are
checked once, at ``config-inited``, with a warning naming what is wrong.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from docutils import nodes
from sphinx.util import logging

from folio.core.wording import COMMENTS_LABEL, reply_by_email, reply_subject
from folio.ext.domain import folio_domain
from folio.ext.shared import FolioPostTransform, is_web

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)

#: giscus's ``data-*`` settings: those its configurator always writes, then the rest.
GISCUS_REQUIRED = ("repo", "repo-id", "category", "category-id")
GISCUS_OPTIONAL = {
    "mapping": "pathname", "strict": "0", "reactions-enabled": "1", "emit-metadata": "0",
    "input-position": "bottom", "theme": "preferred_color_scheme", "lang": "",
}
GISCUS_SCRIPT = "https://giscus.app/client.js"
EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


class comments_placeholder(nodes.General, nodes.Element):
    """Where the responses form goes: always replaced (web) or removed (elsewhere)."""


class comments_form(nodes.General, nodes.Element):
    """The provider's form or link, on an essay's web page."""


def check_comments(app: Sphinx, config: Config) -> None:
    """One warning for a setting that cannot work; comments are then left out."""
    setting = config.folio_comments
    if setting is None:
        return

    def refuse(why: str) -> None:
        logger.warning("folio_comments: %s; no comments are shown", why,
                       type="folio", subtype="config")
        config.folio_comments = None

    provider = setting.get("provider")
    if provider == "giscus":
        missing = [key for key in GISCUS_REQUIRED if not str(setting.get(key, "")).strip()]
        unknown = sorted(set(setting) - {"provider", *GISCUS_REQUIRED, *GISCUS_OPTIONAL})
        if missing:
            refuse(f"giscus needs {', '.join(repr(m) for m in missing)} "
                   "(copy them from https://giscus.app)")
        elif unknown:
            refuse(f"giscus has no setting {', '.join(repr(u) for u in unknown)}")
    elif provider == "email":
        address = str(setting.get("address", "")).strip()
        unknown = sorted(set(setting) - {"provider", "address"})
        if not address:
            refuse("email needs an 'address'")
        elif not EMAIL.match(address):
            refuse(f"{address!r} is not an e-mail address")
        elif unknown:
            refuse(f"email has no setting {', '.join(repr(u) for u in unknown)}")
    else:
        refuse(f"unknown provider {provider!r} (use 'giscus' or 'email')")


def mark_comments(app: Sphinx, doctree: nodes.document) -> None:
    """Leave a placeholder at the very end of every essay (after its responses)."""
    if app.config.folio_comments is None:
        return
    if app.env.docname not in folio_domain(app.env).essays:
        return
    section: nodes.Element = next(
        (c for c in doctree.children if isinstance(c, nodes.section)), doctree)
    section.append(comments_placeholder())


class PlaceComments(FolioPostTransform):
    """The form on web pages; nothing in the ePub, the PDF or any other output."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        setting = self.config.folio_comments
        essay = folio_domain(self.env).essays.get(self.env.docname)
        for placeholder in list(self.document.findall(comments_placeholder)):
            if setting is None or essay is None or not is_web(self.builder):
                placeholder.replace_self([])
                continue
            placeholder.replace_self(comments_form(settings=dict(setting), title=essay.title))


def visit_comments_form(self: HTML5Translator, node: comments_form) -> None:
    settings: dict[str, str] = {key: str(value) for key, value in node["settings"].items()}
    label = self.attval(COMMENTS_LABEL)
    self.body.append(f'<section class="folio-comments" aria-label="{label}">\n')
    if settings["provider"] == "email":
        subject = quote(reply_subject(node["title"]), safe="")
        href = f"mailto:{quote(settings['address'], safe='@')}?subject={subject}"
        self.body.append(f'<p class="folio-reply"><a href="{self.attval(href)}">'
                         f"{self.encode(reply_by_email())}</a></p>\n")
    else:
        data = {key: settings.get(key, default) for key, default in
                {**dict.fromkeys(GISCUS_REQUIRED, ""), **GISCUS_OPTIONAL}.items()}
        data["loading"] = "lazy"
        attributes = "".join(f' data-{key}="{self.attval(value)}"'
                             for key, value in data.items() if value)
        self.body.append(f'<script src="{GISCUS_SCRIPT}"{attributes} '
                         'crossorigin="anonymous" async></script>\n')
    self.body.append("</section>\n")
    raise nodes.SkipNode


def setup_comments(app: Sphinx) -> None:
    app.connect("config-inited", check_comments)
    app.connect("doctree-read", mark_comments, priority=950)  # after the responses
    app.add_post_transform(PlaceComments)
    app.add_node(comments_form, html=(visit_comments_form, None))
