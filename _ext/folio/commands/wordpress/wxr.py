"""Reading a WordPress export (WXR 1.0–1.2), streaming and safely.

Why ``defusedxml.ElementTree.iterparse`` rather than lxml: it is the
standard library's expat parser with every entity declaration refused
(``forbid_entities``: no "billion laughs") and every external reference
refused (``forbid_external``: no local file, no network), so the refusal is
the library's default rather than a set of flags we must remember; and
``iterparse`` hands over one ``<item>`` at a time, which we clear once read,
so memory stays flat however large the export.  lxml would be faster, but
its safe settings (``resolve_entities=False``, ``no_network``) still expand
internal entities up to a limit instead of refusing them, and it is only a
test dependency here.

What is read is only what an essay needs.  A comment's e-mail address and IP
address are never read into a record, so they cannot end up in an essay.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as SafeTree

WP = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
EXCERPT = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
CONTENT = re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/$")
DC = re.compile(r"^https?://purl\.org/dc/elements/1\.1/$")


class ExportError(Exception):
    """The whole file cannot be read as a WordPress export: one line says why."""


@dataclass(frozen=True)
class Category:
    """A category or tag as a post carries it."""

    kind: str  # "category" or "post_tag"
    slug: str
    name: str


@dataclass(frozen=True)
class Comment:
    """One comment, without the commenter's e-mail or IP (never read)."""

    comment_id: str
    author: str
    url: str
    date: str
    content: str
    approved: str  # "1", "0", "spam", "trash"
    kind: str  # "", "comment", "pingback", "trackback"


@dataclass(frozen=True)
class Item:
    """One ``<item>`` of the export: a post, a page, an attachment, a menu item..."""

    post_id: str
    post_type: str
    status: str
    title: str
    link: str
    guid: str
    slug: str
    date: str
    pub_date: str
    creator: str
    password: bool
    content: str
    excerpt: str
    categories: tuple[Category, ...]
    comments: tuple[Comment, ...]


@dataclass(frozen=True)
class Site:
    """What the channel says about the blog."""

    link: str
    base_urls: tuple[str, ...]
    authors: dict[str, str]  # login -> display name
    wxr_version: str


def kind_of(tag: str) -> tuple[str, str]:
    """``{namespace}name`` → (``wp``/``excerpt``/``content``/``dc``/``""``, name)."""
    if not tag.startswith("{"):
        return "", tag
    namespace, _, name = tag[1:].partition("}")
    for kind, pattern in (("wp", WP), ("excerpt", EXCERPT), ("content", CONTENT),
                          ("dc", DC)):
        if pattern.match(namespace):
            return kind, name
    return "other", name


def text_of(element: ElementTree.Element | None) -> str:
    return (element.text or "") if element is not None else ""


def child_text(element: ElementTree.Element, kind: str, name: str) -> str:
    for child in element:
        if kind_of(child.tag) == (kind, name):
            return text_of(child)
    return ""


def read_comment(element: ElementTree.Element) -> Comment:
    def field(name: str) -> str:
        return child_text(element, "wp", name)

    return Comment(
        comment_id=field("comment_id"),
        author=field("comment_author"),
        url=field("comment_author_url"),
        date=field("comment_date"),
        content=field("comment_content"),
        approved=field("comment_approved").strip(),
        kind=field("comment_type").strip(),
    )


def read_item(element: ElementTree.Element) -> Item:
    values: dict[tuple[str, str], str] = {}
    categories: list[Category] = []
    comments: list[Comment] = []
    for child in element:
        kind, name = kind_of(child.tag)
        if (kind, name) == ("", "category"):
            categories.append(Category(child.get("domain", "category"),
                                       child.get("nicename", ""), text_of(child).strip()))
        elif (kind, name) == ("wp", "comment"):
            comments.append(read_comment(child))
        else:
            values.setdefault((kind, name), text_of(child))

    def wp(name: str) -> str:
        return values.get(("wp", name), "").strip()

    return Item(
        post_id=wp("post_id"),
        post_type=wp("post_type") or "post",
        status=wp("status"),
        title=values.get(("", "title"), "").strip(),
        link=values.get(("", "link"), "").strip(),
        guid=values.get(("", "guid"), "").strip(),
        slug=wp("post_name"),
        date=wp("post_date"),
        pub_date=values.get(("", "pubDate"), "").strip(),
        creator=values.get(("dc", "creator"), "").strip(),
        password=bool(wp("post_password")),
        content=values.get(("content", "encoded"), ""),
        excerpt=values.get(("excerpt", "encoded"), ""),
        categories=tuple(categories),
        comments=tuple(comments),
    )


def iter_export(path: Path) -> Iterator[Item | Site]:
    """Every item of the export in order, then the :class:`Site` last.

    Raises :class:`ExportError` for anything that makes the whole file
    unreadable: not there, not XML (with line and column), an entity
    declaration or an external reference, not a WordPress export.
    """
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    seen_wp = False
    site_link, wxr_version = "", ""
    base_urls: list[str] = []
    authors: dict[str, str] = {}
    root: ElementTree.Element | None = None
    channel: ElementTree.Element | None = None
    depth = 0
    try:
        with path.open("rb") as stream:
            parser = SafeTree.DefusedXMLParser(forbid_dtd=False, forbid_entities=True,
                                               forbid_external=True)
            events = SafeTree.iterparse(stream, events=("start", "end"), parser=parser)
            for event, element in events:
                if event == "start":
                    depth += 1
                    if root is None:
                        root = element
                        if kind_of(element.tag)[1] != "rss":
                            raise ExportError(f"{path}: not a WordPress export (the document "
                                              f"is <{kind_of(element.tag)[1]}>, not <rss>)")
                    elif depth == 2 and kind_of(element.tag) == ("", "channel"):
                        channel = element
                    continue
                depth -= 1
                kind, name = kind_of(element.tag)
                seen_wp = seen_wp or kind == "wp"
                if depth == 2 and channel is not None:
                    if (kind, name) == ("", "item"):
                        yield read_item(element)
                    elif (kind, name) == ("", "link"):
                        site_link = text_of(element).strip()
                    elif kind == "wp" and name in ("base_site_url", "base_blog_url"):
                        base_urls.append(text_of(element).strip())
                    elif kind == "wp" and name == "wxr_version":
                        wxr_version = text_of(element).strip()
                    elif kind == "wp" and name == "author":
                        login = child_text(element, "wp", "author_login").strip()
                        shown = child_text(element, "wp", "author_display_name").strip()
                        if login:
                            authors[login] = shown or login
                    channel.remove(element)  # read: let it go (flat memory)
    except ElementTree.ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":")[0]
        raise ExportError(f"{path}:{line}:{column}: not well-formed XML ({reason})") from None
    except defusedxml.EntitiesForbidden as error:
        if getattr(error, "sysid", None) or getattr(error, "pubid", None):
            raise ExportError(f"{path}: refused: the file declares an external entity "
                              f"({error.sysid or error.pubid}); nothing outside the export "
                              "is ever read") from None
        raise ExportError(f"{path}: refused: the file declares XML entities "
                          "(an export never does; this could be an entity bomb)") from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden):
        raise ExportError(f"{path}: refused: the file refers to an external entity "
                          "(nothing outside the export is ever read)") from None
    except defusedxml.DefusedXmlException as error:
        raise ExportError(f"{path}: refused: {error}") from None
    except LookupError as error:  # expat asks Python for the declared encoding
        raise ExportError(f"{path}: the file declares an encoding Python does not know "
                          f"({str(error).removeprefix('unknown encoding: ')}); "
                          "save it as UTF-8") from None
    except UnicodeError as error:
        raise ExportError(f"{path}: not readable in its declared encoding "
                          f"({error.__class__.__name__}); save it as UTF-8") from None
    except OSError as error:
        raise ExportError(f"{path}: cannot be read ({error.strerror or error})") from None
    if channel is None or not (seen_wp or wxr_version):
        raise ExportError(f"{path}: not a WordPress export (no <channel> with wp: elements; "
                          "export from WordPress with Tools → Export)")
    yield Site(site_link, tuple(url for url in base_urls if url), authors, wxr_version)
