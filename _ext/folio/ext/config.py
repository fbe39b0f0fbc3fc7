"""Every ``folio_*`` setting a writer may put in ``conf.py``, with its default."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.util import logging

from folio.core.records import DEFAULT_GENRES

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

DEFAULT_PAGE_FORMAT = "(p{page})"
TITLE_STYLES = ("italic", "quoted")
SPOILER_STYLES = ("fold", "warn")
#: The pages Folio writes, each only when it has something to list.
LISTING_PAGES = ("genres", "tags", "archive", "library", "quotations", "series", "reading")
#: Responses shown under an essay at most: a page stays a page (100,000 would be 28 MB).
DEFAULT_RESPONSES_LIMIT = 500


def setup_config(app: Sphinx) -> None:
    """Register the settings; ``env`` rebuild because they change doctrees."""
    add = app.add_config_value
    add("folio_author", None, "env", types=frozenset({str, type(None)}))
    add("folio_genres", list(DEFAULT_GENRES), "env", types=frozenset({list, tuple}))
    add("folio_page_format", DEFAULT_PAGE_FORMAT, "env", types=frozenset({str}))
    add("folio_essays", ["essays/*"], "env", types=frozenset({list, tuple}))
    add("folio_related_auto", True, "env", types=frozenset({bool}))
    add("folio_related_limit", 3, "env", types=frozenset({int}))
    add("folio_similar_heading", "Read something similar:", "env", types=frozenset({str}))
    add("folio_different_heading", "Read something different:", "env", types=frozenset({str}))
    add("folio_spoiler_label", "Spoilers", "env", types=frozenset({str}))
    add("folio_essay_downloads", True, "env", types=frozenset({bool}))
    add("folio_feed_length", 20, "html", types=frozenset({int}))
    add("folio_feed_content", "summary", "html", types=frozenset({str}))
    # How the piece is named in the caption's last sentence ("in this essay").
    add("folio_essay_noun", "essay", "env", types=frozenset({str}))
    # Book titles set in italics, or in the language's quotes (‘Never let me go’).
    add("folio_title_style", "italic", "env", types=frozenset({str}))
    # A spoiler folds on the web, or warns and stays open.
    add("folio_spoiler_style", "fold", "env", types=frozenset({str}))
    # None, {"provider": "giscus", ...} or {"provider": "email", "address": ...}.
    add("folio_comments", None, "env", types=frozenset({dict, type(None)}))
    # Which of Folio's own pages the site has ([] in a site with its own navigation).
    add("folio_listing_pages", list(LISTING_PAGES), "env", types=frozenset({list, tuple}))
    # The most responses an essay shows (oldest first); a note says how many more it keeps.
    add("folio_responses_limit", DEFAULT_RESPONSES_LIMIT, "env", types=frozenset({int}))
    # Ratings (essays' and book files' ``rating:``) run from 0 to this, in halves.
    add("folio_rating_scale", 5, "env", types=frozenset({int}))
    app.connect("config-inited", check_config)


def author_of(config: Config, author: str = "") -> str:
    """Whose a piece is: its own ``author`` when it names one, else the collection's
    (``folio_author``, else Sphinx's ``author``), the contract's one rule for the
    byline's fallback in PDFs, ePubs, series and the feed."""
    return author or config.folio_author or config.author


def check_config(app: Sphinx, config: Config) -> None:
    """Catch settings that would otherwise fail later, deep inside a page."""
    if config.folio_author is None:
        config.folio_author = config.author or ""
    try:
        config.folio_page_format.format(page="1")
    except (KeyError, IndexError, ValueError) as error:
        logger.warning(
            "folio_page_format %r is not a format with {page} (%s); using %r",
            config.folio_page_format, error, DEFAULT_PAGE_FORMAT,
            type="folio", subtype="config",
        )
        config.folio_page_format = DEFAULT_PAGE_FORMAT
    genres = [str(g).strip() for g in config.folio_genres if str(g).strip()]
    config.folio_genres = genres or list(DEFAULT_GENRES)
    if config.folio_feed_content not in ("summary", "full"):
        logger.warning("folio_feed_content must be 'summary' or 'full'; using 'summary'",
                       type="folio", subtype="config")
        config.folio_feed_content = "summary"
    for name, allowed in (("folio_title_style", TITLE_STYLES),
                          ("folio_spoiler_style", SPOILER_STYLES)):
        if getattr(config, name) not in allowed:
            logger.warning("%s must be %s; using %r", name,
                           " or ".join(repr(a) for a in allowed), allowed[0],
                           type="folio", subtype="config")
            setattr(config, name, allowed[0])
    noun = " ".join(str(config.folio_essay_noun).split())
    if not noun:
        logger.warning("folio_essay_noun is empty; using 'essay'", type="folio", subtype="config")
    config.folio_essay_noun = noun or "essay"
    unknown = [str(p) for p in config.folio_listing_pages if p not in LISTING_PAGES]
    if unknown:
        logger.warning("folio_listing_pages: unknown %s (known: %s)", ", ".join(map(repr, unknown)),
                       ", ".join(LISTING_PAGES), type="folio", subtype="config")
    config.folio_listing_pages = [p for p in LISTING_PAGES if p in config.folio_listing_pages]
    if not 1 <= config.folio_rating_scale <= 100:
        logger.warning("folio_rating_scale must be a whole number from 1 to 100; using 5",
                       type="folio", subtype="config")
        config.folio_rating_scale = 5
    if isinstance(config.folio_responses_limit, bool) or config.folio_responses_limit < 1:
        logger.warning("folio_responses_limit must be a whole number of 1 or more; using %d",
                       DEFAULT_RESPONSES_LIMIT, type="folio", subtype="config")
        config.folio_responses_limit = DEFAULT_RESPONSES_LIMIT
    if config.folio_related_limit < 0:
        logger.warning("folio_related_limit must be 0 or more; using 3",
                       type="folio", subtype="config")
        config.folio_related_limit = 3
