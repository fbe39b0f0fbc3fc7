"""A post's HTML → an essay's MyST body, recovering what the HTML meant.

The steps, in order:

1. WordPress's own rules first: classic-editor content is stored without
   ``<p>`` (``wpautop``: a blank line is a paragraph, a single newline a line
   break); block-editor content carries ``<!-- wp:... -->`` comments, which
   tell us which blocks were embeds or galleries.  ``[caption]`` and the
   media shortcodes become HTML so that one code path handles both editors.
2. The HTML is parsed with BeautifulSoup (``html.parser``: forgiving of
   broken markup) and the meaning recovered on the tree: covers with their
   edition caption → ``book-citation``; quotations ending "(p69)" →
   ``page-quote``; "(p70)" in prose → ``{page}``; "Read something
   similar:" lists → ``related-reading``; links to other posts → links to
   their essays; a closing "© 2019 Name" → the ``copyright`` field.  Each
   recovered piece is replaced by a placeholder word.
3. The rest becomes Markdown through markdownify (a maintained converter),
   with everything Markdown or MyST could read as markup escaped, and the
   placeholders are swapped for the directives.

Nothing here imports Sphinx; :class:`Converted` is plain data.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse
from urllib.parse import quote as percent_encode

import nh3
from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, NavigableString
from markdownify import MarkdownConverter

from folio.core.names import book_key

# -- WordPress's paragraph rules ---------------------------------------------------

BLOCK_TAGS = ("table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|"
              "li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|"
              "legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|"
              "details|menu|summary|audio|video|iframe|object|script")
OPENING_BLOCK = re.compile(rf"(<(?:{BLOCK_TAGS})\b[^>]*>)", re.IGNORECASE)
CLOSING_BLOCK = re.compile(rf"(</(?:{BLOCK_TAGS})>)", re.IGNORECASE)
STARTS_BLOCK = re.compile(rf"^</?(?:{BLOCK_TAGS})\b", re.IGNORECASE)


def wpautop(text: str) -> str:
    """WordPress's ``wpautop``, in the part that matters for stored content.

    Blank lines separate paragraphs; a single newline inside one is a line
    break; block elements are never wrapped in ``<p>``; ``<pre>`` is left
    exactly as written.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\n\n<!--folio-pre-{len(kept) - 1}-->\n\n"

    text = re.sub(r"<pre\b.*?</pre>", keep, text, flags=re.DOTALL | re.IGNORECASE)
    text = OPENING_BLOCK.sub(r"\n\n\1", text)
    text = CLOSING_BLOCK.sub(r"\1\n\n", text)
    # A quotation holds paragraphs of its own (WordPress moves <p> inside it).
    text = re.sub(r"(<blockquote\b[^>]*>)", r"\1\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"(</blockquote>)", r"\n\n\1", text, flags=re.IGNORECASE)
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if STARTS_BLOCK.match(chunk) or chunk.startswith("<!--"):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br />\n", chunk) + "</p>")
    joined = "\n".join(out)
    return re.sub(r"<!--folio-pre-(\d+)-->", lambda m: kept[int(m.group(1))], joined)


# -- shortcodes -------------------------------------------------------------------

SHORTCODE_ATTR = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')


def shortcode_attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
            for m in SHORTCODE_ATTR.finditer(text)}


def expand_shortcodes(text: str, notes: list[str]) -> str:
    """``[caption]`` → ``<figure>``; media shortcodes → links; the rest noted."""
    def caption(match: re.Match[str]) -> str:
        inner = match.group(2)
        image = re.match(r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", inner,
                         re.DOTALL | re.IGNORECASE)
        attrs = shortcode_attrs(match.group(1))
        if image is None:
            return inner
        words = image.group(2).strip() or attrs.get("caption", "")
        return f"<figure>{image.group(1)}<figcaption>{words}</figcaption></figure>"

    text = re.sub(r"\[caption\b([^\]]*)\](.*?)\[/caption\]", caption, text,
                  flags=re.DOTALL | re.IGNORECASE)

    def media(match: re.Match[str]) -> str:
        name, attrs = match.group(1).lower(), shortcode_attrs(match.group(2))
        inner = (match.group(3) or "").strip()
        url = inner if name == "embed" else next(
            (value for key, value in attrs.items()
             if key in ("src", "mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv", "url", "id")
             and value.startswith(("http://", "https://"))), "")
        if name == "gallery":
            count = len([i for i in attrs.get("ids", "").split(",") if i.strip()])
            notes.append(f"a gallery{f' of {count} images' if count else ''} became a note")
            return ('<p class="folio-note"><em>A gallery of images was here in the original '
                    "post.</em></p>")
        if name == "tweet" and not url:
            url = attrs.get("id", "") or inner
        if url.startswith(("http://", "https://")):
            notes.append(f"[{name}] became a link")
            return f'<p>{kind_label(name)}: <a href="{html.escape(url)}">{html.escape(url)}</a></p>'
        notes.append(f"[{name}] could not be expressed; left out")
        return ""

    text = re.sub(r"\[(audio|video|embed|gallery|playlist|tweet|youtube|soundcloud)\b"
                  r"([^\]]*)\](?:(.*?)\[/\1\])?", media, text, flags=re.DOTALL | re.IGNORECASE)

    # Any other shortcode (a plugin's): one with attributes or a closing tag is
    # markup, not words; "[sic]" or "[us]" in a quotation is left alone.
    def other(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        notes.append(f"shortcode [{name}] could not be expressed; left out")
        return match.group(3) or match.group(5) or ""

    return re.sub(r"\[([A-Za-z][\w-]*)(\s[^\]]*=[^\]]*)\](?:(.*?)\[/\1\])?|"
                  r"\[([A-Za-z][\w-]*)\](.*?)\[/\4\]", other, text, flags=re.DOTALL)


def kind_label(name: str) -> str:
    return {"audio": "Audio", "video": "Video", "tweet": "Post on X (Twitter)",
            "youtube": "Video", "soundcloud": "Audio", "playlist": "Playlist"}.get(
        name.lower(), "Embedded")


# -- the recovered pieces ----------------------------------------------------------

@dataclass(frozen=True)
class BookFound:
    key: str
    title: str
    author: str
    publisher: str = ""
    year: str = ""
    first_published: str = ""
    edition: str = ""
    cover: str = ""  # a path in the sources, or "" for a drawn cover
    cover_alt: str = ""
    note: str = ""  # any other words of the caption

    def fields(self) -> tuple[str, ...]:
        return (self.title, self.author, self.publisher, self.year, self.first_published,
                self.edition)


@dataclass
class Converted:
    """One post's body as Markdown, and what was (and was not) recovered."""

    body: str = ""
    copyright: str = ""
    books: list[BookFound] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    not_recovered: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What the converter needs to know beyond the post itself."""

    essay_for_url: Callable[[str], str | None]  # a link → an essay's name, if a post's
    media_for_url: Callable[[str], str | None]  # an image URL → a path in the sources
    known_books: dict[str, BookFound]  # key → the record used by an earlier post
    docname: str
    tag_for_url: Callable[[str], str | None] = lambda url: None


EDITION_KINDS = ("mass-market paperback", "trade paperback", "paperback", "hardback",
                 "hardcover", "ebook", "e-book", "kindle", "audiobook", "illustrated",
                 "revised", "anniversary", "first", "second", "third", "reprint",
                 "large print", "pocket")
COVER = re.compile(
    r"^Cover of (?:the |an? )?(?:(?P<year>\d{4}) )?(?P<middle>.*?)\s*edition of "
    r"[\'‘\"“](?P<title>.+?)[\'’\"”],? by (?P<author>.+?)"
    r"(?:,? first published in (?P<first>\d{4}))?\.(?:\s+(?P<rest>.*))?$",
    re.DOTALL)
STANDARD_SENTENCE = re.compile(
    r"Page references in this (?:essay|article|post|review|piece) are to this "
    r"(?:[\w-]+ )?edition\.?", re.IGNORECASE)

ROMAN = r"[ivxlcdm]+"
LOCATOR = rf"(?:\d+|{ROMAN})(?:\s*[-–—]\s*(?:\d+|{ROMAN}))?"
LOCATORS = rf"{LOCATOR}(?:\s*,\s*{LOCATOR})*"
PAGE_AT_END = re.compile(rf"\(\s*pp?\.?\s*(?P<loc>{LOCATORS})\s*\)\s*$", re.IGNORECASE)
PAGE_IN_TEXT = re.compile(rf"\(\s*pp?\.?\s*(?P<loc>{LOCATORS})\s*\)", re.IGNORECASE)
NEAR_PAGE = re.compile(r"\(\s*(?:pp?\b|pp?\.|pp?\d|pages?\b|pg\.?)[^)]{0,20}\)?\s*$",
                       re.IGNORECASE)
SIMILAR = re.compile(r"^\s*read something similar\s*:?", re.IGNORECASE)
DIFFERENT = re.compile(r"^\s*read something different\s*:?", re.IGNORECASE)
COPYRIGHT = re.compile(r"^\s*(?:copyright\s*)?(?:©|\(c\))\s*(\d{4}(?:\s*[-–]\s*\d{4})?)\s+"
                       r"(.+?)\.?\s*$", re.IGNORECASE)
DANGEROUS = ("script", "style", "object", "embed", "form", "input", "button", "textarea",
             "select", "noscript", "template", "applet", "base", "link", "meta", "svg",
             "math", "canvas", "frameset", "frame")


def normalise_locator(text: str) -> str:
    """``274–5`` → ``274-275``; ``12 , 14`` → ``12, 14``."""
    parts = []
    for item in re.split(r"\s*,\s*", text.strip()):
        ends = re.split(r"\s*[-–—]\s*", item)
        if len(ends) == 2 and ends[0].isdigit() and ends[1].isdigit() \
                and len(ends[1]) < len(ends[0]):
            ends[1] = ends[0][: len(ends[0]) - len(ends[1])] + ends[1]
        parts.append("-".join(ends))
    return ", ".join(parts)


def split_edition(middle: str) -> tuple[str, str]:
    """``Faber and Faber paperback`` → (``Faber and Faber``, ``paperback``)."""
    lowered = middle.lower()
    for kind in EDITION_KINDS:
        if lowered == kind:
            return "", middle
        if lowered.endswith(" " + kind):
            return middle[: -len(kind) - 1].strip(), middle[-len(kind):]
    return middle.strip(), ""


def read_cover_caption(caption: str) -> dict[str, str] | None:
    """The fields a cover caption names, or ``None`` when it is not one."""
    match = COVER.match(" ".join(caption.split()))
    if not match:
        return None
    publisher, edition = split_edition(match.group("middle") or "")
    rest = STANDARD_SENTENCE.sub("", match.group("rest") or "").strip()
    return {"title": match.group("title").strip(), "author": match.group("author").strip(),
            "publisher": publisher, "year": match.group("year") or "",
            "first_published": match.group("first") or "", "edition": edition, "rest": rest}


def web_url(url: str) -> bool:
    return re.match(r"^https?://", url.strip(), re.IGNORECASE) is not None


def fence(body: str) -> str:
    """A backtick fence longer than any run of backticks in ``body``.

    Only a line of at least as many backticks closes a backtick fence, so
    nothing inside (a ``:::`` or ``$$`` line included) can end it early.
    """
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


#: What YAML reads as itself inside double quotes: no C1 control, no NEL or line
#: and paragraph separator (YAML 1.1 line breaks), no byte-order mark.
YAML_UNSAFE = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe"
                         "\uff00-\ufffd\U00010000-\U0010ffff]")


def double_quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar that reads back exactly.

    JSON's quoting is YAML's double-quoted style; what JSON leaves as it is
    but YAML refuses or folds is written as a ``\\u`` escape.
    """
    return YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}",
                           json.dumps(value, ensure_ascii=False))


PLAIN_OPTION = re.compile(r"[^\s\"'|>#&*!%@`{}\[\],?:-](?:[^#:]|:(?! )|(?<! )#)*")


def option_value(text: str) -> str:
    """A directive option on one line, read back by MyST exactly as given.

    MyST reads option values as YAML scalars: one starting with a quote,
    ``|`` or ``>`` (and one holding `` #`` or ``: ``) would be read as
    something else, so those are written double-quoted (JSON's quoting is
    YAML's double-quoted style).
    """
    value = " ".join(text.split())
    if PLAIN_OPTION.fullmatch(value) and not value.endswith(":") \
            and not YAML_UNSAFE.search(value):
        return value
    return double_quoted(value)


# -- HTML → Markdown ------------------------------------------------------------------

#: Characters with a meaning anywhere in a MyST line: roles and substitutions
#: (``{``), math (``$``), on top of what markdownify escapes (`` ` ``, ``<``,
#: ``&``, ``[``, ``|``...).
INLINE_SPECIAL = re.compile(r"([{}$])")
#: Characters that start a construct when they open a line: MyST's comments
#: (``%``), targets (``(x)=``), block breaks (``+++``), colon fences and
#: definition or field lists (``:``), fences (`` ` `` ``~``), math blocks
#: (``$$``), headings, quotations, lists, tables, HTML blocks, link
#: definitions, attribute blocks.  Escaped at the start of every text and
#: after every line break in it: any of them may become a line's start (after a
#: ``<br>``, a quotation's ``> ``, a list item's indent).
#: Every character markdown-it or Python's ``splitlines`` (which MyST uses on a
#: directive's body) takes as the end of a line.
BREAKS = "\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"
LINE_BREAK = re.compile(f"[{BREAKS}]")
LINE_START = re.compile(rf"(^|[{BREAKS}])([ \t]*)([%(:+$~`|>#*=<\[{{_-])")
#: What may stay as it is in a link address; everything else is percent-encoded.
URL_SAFE = "-._~:/?#@!&'+,;=%"
ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
#: Attributes the conversion reads; every other one is dropped before it.
KEPT_ATTRIBUTES = {"href", "src", "alt", "class", "start", "colspan", "rowspan"}


def safe_url(url: str) -> str:
    """An address MyST reads as one link destination and nothing else.

    Percent-encoding what is not a URL character means no ``)``, space, ``<``,
    backtick or brace can end the destination or start a role; a ``%`` that
    does not begin an escape is itself encoded, and an ``&`` that would read
    as an entity is written ``&amp;``.
    """
    url = re.sub(r"[\t\n\r]", "", url.strip())  # as a browser reads an address
    url = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", url)
    return ENTITY_LIKE.sub("&amp;", percent_encode(url, safe=URL_SAFE))


def escape_text(text: str) -> str:
    """Text that MyST shows as the characters it holds (markdownify's escapes first)."""
    text = INLINE_SPECIAL.sub(r"\\\1", text)
    return LINE_START.sub(r"\1\2\\\3", text)


#: markdownify's own methods, which its partial type hints do not declare.
MARKDOWNIFY: Any = MarkdownConverter


class EssayConverter(MarkdownConverter):  # type: ignore[misc]
    """markdownify with ATX headings and everything markup-like escaped.

    Text is escaped for MyST, not only Markdown (:func:`escape_text`); the
    places markdownify writes without escaping are taken over: link and image
    addresses (:func:`safe_url`), image descriptions (escaped like text), code
    spans (on one line, so no line inside can start a block) and code blocks
    (a fence longer than any backtick run inside, no info string).
    """

    options: dict[str, Any]  # markdownify's settings (set by its __init__)

    def __init__(self, **options: Any) -> None:
        super().__init__(heading_style="ATX", bullets="-", escape_misc=True,
                         escape_asterisks=True, escape_underscores=True,
                         strip_document="strip", **options)

    def escape(self, text: str, parent_tags: Any) -> str:
        return escape_text(str(MARKDOWNIFY.escape(self, text, parent_tags)))

    def convert_a(self, el: Tag, text: str, parent_tags: Any) -> str:
        href = str(el.get("href") or "")
        if "_noformat" in parent_tags or not href or not text.strip():
            return str(text)
        stripped = text.strip()
        address = safe_url(href)
        if address == href and stripped.replace("\\_", "_") == href:
            return text.replace(stripped, f"<{address}>")
        return text.replace(stripped, f"[{stripped}]({address})")

    def convert_img(self, el: Tag, text: str, parent_tags: Any) -> str:
        alt = self.escape(" ".join(str(el.get("alt") or "").split()), parent_tags)
        src = str(el.get("src") or "")
        if "_inline" in parent_tags and el.parent is not None \
                and el.parent.name not in self.options["keep_inline_images_in"]:
            return alt
        return f"![{alt}]({safe_url(src)})" if src else alt

    def convert_code(self, el: Tag, text: str, parent_tags: Any) -> str:
        if "_noformat" in parent_tags:  # inside <pre>: the block's own lines
            return str(text)
        return str(MARKDOWNIFY.convert_code(self, el, LINE_BREAK.sub(" ", text),
                                                  parent_tags))

    convert_kbd = convert_code
    convert_samp = convert_code

    def convert_pre(self, el: Tag, text: str, parent_tags: Any) -> str:
        if not text:
            return ""
        text = text.strip("\n")
        marks = fence(text)
        return f"\n\n{marks}\n{text}\n{marks}\n\n"


def to_markdown(soup_or_html: BeautifulSoup | str) -> str:
    converter = EssayConverter()
    markdown = str(converter.convert(soup_or_html) if isinstance(soup_or_html, str)
                   else converter.convert_soup(soup_or_html))  # no second parse
    lines = [line.rstrip(" \t") for line in markdown.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# -- the conversion ---------------------------------------------------------------

class PostConverter:
    """Turn one post's content into an essay body; see the module docstring."""

    def __init__(self, content: str, context: Context) -> None:
        self.context = context
        self.result = Converted()
        self.blocks: dict[str, str] = {}
        self.inline: dict[str, str] = {}
        self.raw = content
        # Placeholder words no post can hold: they carry a hash of the post itself.
        self.nonce = hashlib.sha256(content.encode("utf-8", "replace")).hexdigest()[:12]

    # placeholders: words markdownify leaves alone
    def block_placeholder(self, text: str) -> Tag:
        token = f"FolioBlock{self.nonce}n{len(self.blocks)}Here"
        self.blocks[token] = text
        paragraph = Tag(name="p")
        paragraph.string = token
        return paragraph

    def inline_placeholder(self, text: str) -> str:
        token = f"FolioInline{self.nonce}n{len(self.inline)}Here"
        self.inline[token] = text
        return token

    def put_blocks(self, markdown: str) -> str:
        """Each block placeholder → its directive, inside the quotation or list it sat in.

        A placeholder is a paragraph of its own; whatever opens its line (``> ``,
        a list marker, indentation) opens every line of the directive too, so
        the directive stays where it was and cannot end what holds it.  One
        that shares its line with other text (a table cell, a heading) is left
        for :meth:`convert` to note as lost.
        """
        if not self.blocks:
            return markdown
        lines = []
        for line in markdown.split("\n"):
            match = re.fullmatch(r"((?:[ >]|[-*+] |[0-9]{1,9}[.)] )*)(FolioBlock\w+Here)", line)
            text = self.blocks.get(match.group(2)) if match else None
            if match is None or text is None:
                lines.append(line)
                continue
            prefix = match.group(1)
            following = re.sub(r"[-*+] |[0-9]{1,9}[.)] ", lambda m: " " * len(m.group(0)),
                               prefix)
            first, *rest = text.split("\n")
            lines.append(prefix + first)
            lines.extend((following + part).rstrip() if part else following.rstrip()
                         for part in rest)
        return "\n".join(lines)

    def note(self, text: str) -> None:
        self.result.not_recovered.append(text)

    def got(self, text: str) -> None:
        self.result.recovered.append(text)

    def convert(self) -> Converted:
        content = self.raw
        block_editor = "<!-- wp:" in content
        notes: list[str] = []
        if block_editor:
            for name in sorted(set(re.findall(r"<!-- wp:([\w/-]+)", content))):
                if name.split("/")[-1] in ("gallery", "audio", "video", "embed", "file",
                                           "html", "shortcode") or "/" in name:
                    notes.append(f"block {name!r}: see below")
            content = re.sub(r"<!--\s*/?wp:.*?-->", "", content, flags=re.DOTALL)
        content = re.sub(r"<!--\s*(?:more|nextpage|noteaser)\b.*?-->", "", content)
        content = expand_shortcodes(content, notes)
        if not block_editor:
            content = wpautop(content)
        soup = BeautifulSoup(content, "html.parser")
        for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
            comment.extract()
        self.remove_dangerous(soup)
        self.embeds(soup)
        self.covers(soup)
        self.copyright(soup)
        self.related(soup)
        self.quotes(soup)
        self.page_roles(soup)
        self.links(soup)
        self.images(soup)
        self.headings(soup)
        markdown = to_markdown(soup)
        markdown = self.put_blocks(markdown)
        for token, text in self.inline.items():
            markdown = markdown.replace(token, text)
        leftover = re.compile(rf"Folio(?:Block|Inline){self.nonce}n\d+Here")
        for token in leftover.findall(markdown):  # inside something odd (a table, a heading)
            piece = self.blocks.get(token) or self.inline.get(token) or ""
            name = re.match(r"`*\{([\w-]+)\}`*(?: (\S+))?", piece)
            label = f"{name.group(1)} {name.group(2) or ''}".strip() if name else ""
            lost = next((r for r in self.result.recovered if label and r.startswith(label)), None)
            if lost is not None:
                self.result.recovered.remove(lost)
            self.note(f"a recovered piece{f' ({label})' if label else ''} sat inside other "
                      "markup and was lost")
        markdown = leftover.sub("", markdown)
        self.result.body = markdown
        self.result.not_recovered[:0] = [n for n in notes if not n.endswith("see below")]
        return self.result

    # -- the steps --------------------------------------------------------------

    def remove_dangerous(self, soup: BeautifulSoup) -> None:
        removed = []
        for tag in soup.find_all(list(DANGEROUS)):
            if tag.parent is not None:
                removed.append(tag.name)
                tag.decompose()
        for name in sorted(set(removed)):
            self.note(f"<{name}> removed ({removed.count(name)})")
        for tag in soup.find_all(True):
            # Only what the conversion reads: no handler, style or title reaches it,
            # and numbers stay numbers a list or table can use.
            tag.attrs = {name: value for name, value in tag.attrs.items()
                         if name.lower() in KEPT_ATTRIBUTES and (
                             name.lower() not in ("start", "colspan", "rowspan")
                             or re.fullmatch(r"[0-9]{1,4}", str(value)))}

    def embeds(self, soup: BeautifulSoup) -> None:
        """iframes, audio, video and block-editor embeds become links."""
        for tag in soup.find_all(["iframe", "audio", "video"]):
            source = str(tag.get("src") or next(
                (s.get("src") for s in tag.find_all("source") if s.get("src")), ""))
            replacement: Tag | str = ""
            if web_url(source):
                link = soup.new_tag("a", href=source)
                link.string = source
                replacement = soup.new_tag("p")
                replacement.append(f"{kind_label(tag.name)}: ")
                replacement.append(link)
                self.note(f"<{tag.name}> became a link to {source}")
            else:
                self.note(f"<{tag.name}> without an address left out")
            tag.replace_with(replacement)
        for figure in soup.find_all("figure"):
            classes = " ".join(figure.get("class") or [])
            if "wp-block-embed" in classes:
                url = figure.get_text(" ", strip=True).split(" ")[0]
                paragraph = soup.new_tag("p")
                if web_url(url):
                    link = soup.new_tag("a", href=url)
                    link.string = url
                    paragraph.append("Embedded: ")
                    paragraph.append(link)
                    self.note(f"an embed became a link to {url}")
                figure.replace_with(paragraph)
            elif "wp-block-gallery" in classes:
                links = [str(img.get("src")) for img in figure.find_all("img")
                         if web_url(str(img.get("src") or ""))]
                paragraph = soup.new_tag("p")
                paragraph.append("Gallery from the original post: ")
                for number, image_url in enumerate(links, start=1):
                    if number > 1:
                        paragraph.append(" · ")
                    link = soup.new_tag("a", href=image_url)
                    link.string = f"image {number}"
                    paragraph.append(link)
                figure.replace_with(paragraph)
                self.note(f"a gallery of {len(links)} images became links")

    def covers(self, soup: BeautifulSoup) -> None:
        for figure in list(soup.find_all("figure")):
            image = figure.find("img")
            caption = figure.find("figcaption")
            if image is None or caption is None:
                continue
            for title in caption.find_all(["em", "i", "cite"]):
                title.replace_with(f"‘{title.get_text()}’")
            words = html.unescape(caption.get_text(" ", strip=True))
            fields = read_cover_caption(words)
            if fields is None:
                if words.lower().startswith("cover of"):
                    self.note(f"caption {shorten(words)!r} starts like a cover caption but "
                              "does not name the edition, title and author; kept as a figure")
                continue
            figure.replace_with(self.book_citation(fields, image))

    def book_citation(self, fields: dict[str, str], image: Tag) -> Tag:
        src = str(image.get("src") or "")
        alt = " ".join(str(image.get("alt") or "").split())
        local = self.context.media_for_url(src) if src else None
        cover = f"/{local}" if local else ""  # from the source root
        key = book_key(fields["title"])
        book = BookFound(key, fields["title"], fields["author"], fields["publisher"],
                         fields["year"], fields["first_published"], fields["edition"],
                         cover or "", alt, fields["rest"])
        known = self.context.known_books.get(key)
        if known is not None and known.fields() != book.fields():
            other = book_key(f"{fields['title']} {fields['year'] or fields['publisher']}")
            self.note(f"book {key!r} is described differently in an earlier post; "
                      f"recorded as {other!r}")
            key = other
            book = replace(book, key=key)
        self.result.books.append(book)
        self.context.known_books.setdefault(key, book)
        self.got(f"book-citation {key}")
        if not cover:
            self.note(f"cover of {key!r} not available locally (see --media); "
                      "a drawn cover instead" + (f": {src}" if src else ""))
        lines = [f"{{book-citation}} {key}",
                 f":title: {option_value(book.title)}",
                 f":author: {option_value(book.author.replace(' and ', '; '))}"]
        for name, value in (("publisher", book.publisher), ("year", book.year),
                            ("first-published", book.first_published),
                            ("edition", book.edition), ("cover", book.cover),
                            ("cover-alt", alt)):
            if value:
                lines.append(f":{name}: {option_value(value)}")
        body = "\n".join(lines)
        if book.note:
            body += "\n" + to_markdown(html.escape(book.note))
        marks = fence(body)
        return self.block_placeholder(f"{marks}{body}\n{marks}")

    def copyright(self, soup: BeautifulSoup) -> None:
        for paragraph in reversed(soup.find_all("p")):
            match = COPYRIGHT.match(paragraph.get_text(" ", strip=True))
            if match:
                self.result.copyright = f"{match.group(1)} {match.group(2)}"
                paragraph.decompose()
                self.got("© line → copyright")
                return

    def related(self, soup: BeautifulSoup) -> None:
        markers = [tag for tag in soup.find_all(["p", "h2", "h3", "h4", "h5", "h6", "div"])
                   if SIMILAR.match(tag.get_text()) or DIFFERENT.match(tag.get_text())]
        if not markers:
            return
        lists: dict[str, list[str]] = {"similar": [], "different": []}
        topic = ""
        used: list[Tag] = []
        for marker in markers:
            if marker.parent is None:
                continue
            which = "similar" if SIMILAR.match(marker.get_text()) else "different"
            own_links = marker.find_all("a")
            if which == "similar" and own_links:
                href = str(own_links[0].get("href") or "")
                topic = (self.context.essay_for_url(href) or self.context.tag_for_url(href)
                         or "")
                if not topic:
                    self.note(f"the topic link {href!r} is not an essay or tag of this blog")
            used.append(marker)
            sibling = marker.find_next_sibling()
            while isinstance(sibling, Tag) and sibling.name in ("ul", "ol", "p") \
                    and not (SIMILAR.match(sibling.get_text())
                             or DIFFERENT.match(sibling.get_text())) \
                    and mostly_links(sibling):
                for link in sibling.find_all("a"):
                    lists[which].append(str(link.get("href") or ""))
                used.append(sibling)
                sibling = sibling.find_next_sibling()
        names: dict[str, list[str]] = {"similar": [], "different": []}
        seen: set[str] = set()
        for which, hrefs in lists.items():
            for href in hrefs:
                name = self.context.essay_for_url(href)
                if name is None:
                    self.note(f"related reading: {href!r} is not an imported essay; dropped")
                elif name == self.context.docname:
                    self.note("related reading listed the post itself; dropped")
                elif name not in seen:
                    seen.add(name)
                    names[which].append(
                        posixpath.relpath(name, posixpath.dirname(self.context.docname) or "."))
        first = used[0]
        options = [f":{which}: {', '.join(found)}" for which, found in names.items() if found]
        if topic:
            options.insert(0, f":topic: {option_value(topic)}")
        if names["similar"] or names["different"]:
            first.insert_before(self.block_placeholder(
                "```{related-reading}\n" + "\n".join(options) + "\n```"))
            self.got(f"related-reading ({len(names['similar'])} similar, "
                     f"{len(names['different'])} different)")
        for tag in used:
            tag.decompose()

    def quotes(self, soup: BeautifulSoup) -> None:
        for quote in list(soup.find_all("blockquote")):
            text = quote.get_text(" ", strip=True)
            if f"FolioBlock{self.nonce}" in text:  # it holds a recovered piece: stays a quotation
                continue
            after = quote.find_next_sibling()
            after_text = after.get_text(" ", strip=True) if isinstance(after, Tag) else ""
            match = PAGE_AT_END.search(text)
            trailer: Tag | None = None
            if not match and after is not None and after.name == "p" and \
                    PAGE_AT_END.fullmatch(after_text):
                match, trailer = PAGE_AT_END.search(after_text), after
            if not match:
                if NEAR_PAGE.search(text):
                    self.note(f"quotation ending {shorten(text[-30:])!r} looks like it gives a "
                              "page but not as (p69); kept as a quotation")
                continue
            books = self.result.books
            if len(books) != 1:
                why = "names no book" if not books else "names several books"
                self.note(f"a quotation ends with a page reference but the post {why}; "
                          "kept as a quotation")
                continue
            locator = normalise_locator(match.group("loc"))
            if trailer is not None:
                trailer.decompose()
            else:
                strip_trailing(quote, PAGE_AT_END)
            body = to_markdown("".join(str(c) for c in quote.contents))
            if re.match(r"\s*[:-]", body):  # a rule or a definition first: not options
                body = "---\n---\n" + body
            marks = fence(body)
            quote.replace_with(self.block_placeholder(
                f"{marks}{{page-quote}} {locator}\n{body}\n{marks}"))
            self.got(f"page-quote {locator}")

    def page_roles(self, soup: BeautifulSoup) -> None:
        if len(self.result.books) != 1:
            if any(PAGE_IN_TEXT.search(str(s)) for s in soup.find_all(string=True)):
                self.note("page references in the text stay as text: the post does not "
                          "name exactly one book")
            return
        count = 0
        for string in list(soup.find_all(string=True)):
            text = str(string)
            if not PAGE_IN_TEXT.search(text) or not isinstance(string, NavigableString) or \
                    string.find_parent(["blockquote", "pre", "code", "a"]) is not None:
                continue

            def role(match: re.Match[str]) -> str:
                nonlocal count
                count += 1
                return self.inline_placeholder(
                    f"{{page}}`{normalise_locator(match.group('loc'))}`")

            string.replace_with(PAGE_IN_TEXT.sub(role, text))
        if count:
            self.got(f"{count} {{page}} reference{'s' if count > 1 else ''}")

    def links(self, soup: BeautifulSoup) -> None:
        internal = 0
        for link in soup.find_all("a"):
            href = str(link.get("href") or "").strip()
            if not href:
                link.unwrap()
                continue
            name = self.context.essay_for_url(href)
            if name is not None:  # fragments (#comments, #more-12) name nothing in an essay
                target = posixpath.relpath(name, posixpath.dirname(self.context.docname) or ".")
                link["href"] = f"{target}.md"
                internal += 1
            elif not web_url(href) and not href.startswith("mailto:"):
                # a fragment (#comments, #more-12) names nothing in an essay
                self.note(f"link {shorten(href)!r} is not a web address; kept as text")
                link.unwrap()
        if internal:
            self.got(f"{internal} link{'s' if internal > 1 else ''} to other essays")

    def headings(self, soup: BeautifulSoup) -> None:
        """Headings from level 1, never skipping one: what MyST accepts without a warning.

        The essay's title comes from the front matter; the post's own headings
        become its sections.
        """
        found = []
        for heading in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
            if heading.get_text().strip():
                found.append(heading)
            else:  # an empty heading is no section (MyST warns about it)
                heading.unwrap()
        ranks = {level: rank for rank, level in
                 enumerate(sorted({int(h.name[1]) for h in found}), start=1)}
        previous = 0
        for heading in found:
            level = min(ranks[int(heading.name[1])], previous + 1)
            heading.name = f"h{level}"
            previous = level

    def images(self, soup: BeautifulSoup) -> None:
        """Images not recovered as covers: local copies, or links to the original."""
        for figure in soup.find_all("figure"):
            caption = figure.find("figcaption")
            if caption is not None:
                caption.name = "p"
            figure.unwrap()
        for image in soup.find_all("img"):
            src = str(image.get("src") or "")
            alt = " ".join(str(image.get("alt") or "").split())
            local = self.context.media_for_url(src) if src else None
            if local:
                target = posixpath.relpath(local, posixpath.dirname(self.context.docname) or ".")
                image["src"] = target
                image.attrs = {"src": target, "alt": alt}
                if image.parent is not None and image.parent.name == "a":
                    image.parent.unwrap()
            elif web_url(src):
                link = soup.new_tag("a", href=src)
                link.string = f"Image: {alt}" if alt else "Image"
                if image.parent is not None and image.parent.name == "a":
                    image.parent.replace_with(link)
                else:
                    image.replace_with(link)
                self.note(f"image {shorten(src)} not available locally; became a link")
            else:
                image.decompose()
                self.note("an image without a web address was left out")


def mostly_links(tag: Tag) -> bool:
    """A block that is a list of links (labels in brackets allowed)."""
    links = tag.find_all("a")
    if not links:
        return False
    rest = "".join(str(text) for text in tag.find_all(string=True)
                   if text.find_parent("a") is None)
    rest = re.sub(r"\[[^\]]*\]|[\s,;·•|–—-]", "", rest)
    return len(rest) <= 3


def strip_trailing(tag: Tag, pattern: re.Pattern[str]) -> None:
    """Remove the text ``pattern`` matches at the very end of ``tag``'s text."""
    strings = [s for s in tag.find_all(string=True) if s.strip()]
    if not strings:
        return
    last = strings[-1]
    new = pattern.sub("", str(last)).rstrip()
    last.replace_with(new)
    # a paragraph that held only the reference is now empty
    for paragraph in tag.find_all("p"):
        if not paragraph.get_text(strip=True) and not paragraph.find("img"):
            paragraph.decompose()
    for br in tag.find_all("br"):
        if br.next_sibling is None:
            br.decompose()


def shorten(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


#: Past this, a post is imported as its text only (a pasted book, a corrupt export).
MAX_POST_CHARACTERS = 10_000_000


def convert_post(content: str, context: Context) -> Converted:
    """The post's body; its words only, with a note, when its HTML is too big or too deep.

    The converter walks the HTML recursively, so a few hundred nested tags
    would exceed Python's recursion limit; that post then keeps its text
    (and the report says so) and the rest of the export is imported as usual.
    """
    if len(content) > MAX_POST_CHARACTERS:
        return words_only(content, f"the post has more than {MAX_POST_CHARACTERS:,} "
                                   "characters of HTML: imported as plain text")
    try:
        return PostConverter(content, context).convert()
    except RecursionError:
        return words_only(content, "the post's HTML is nested too deeply to convert: "
                                   "imported as plain text")


def words_only(content: str, why: str) -> Converted:
    """The text of ``content`` as escaped paragraphs (nothing here recurses)."""
    soup = BeautifulSoup(wpautop(content), "html.parser")
    for tag in soup.find_all(list(DANGEROUS)):
        tag.extract()
    converter = EssayConverter()
    paragraphs = [" ".join(chunk.split()) for chunk in soup.get_text("\n\n").split("\n\n")]
    body = "\n\n".join(escape_text(str(MARKDOWNIFY.escape(converter, text, set())))
                       for text in paragraphs if text)
    return Converted(body=body, not_recovered=[why])


# -- comments → responses -------------------------------------------------------------

RESPONSE_TAGS = {"p", "br", "em", "i", "strong", "b", "a", "code", "pre", "blockquote",
                 "ul", "ol", "li"}


def response_markdown(content: str) -> str:
    """A comment's text as Markdown: wpautop, sanitised with nh3, converted."""
    cleaned = nh3.clean(wpautop(content), tags=RESPONSE_TAGS,
                        clean_content_tags={"script", "style"}, attributes={"a": {"href"}},
                        url_schemes={"http", "https"}, link_rel=None)
    return to_markdown(cleaned)


#: Tags a title or a name may carry as markup (WordPress lets a writer use them);
#: any other ``<...>`` there is words, such as a title about ``<blink>``.
TITLE_TAGS = ("a|abbr|b|bdi|bdo|big|br|cite|code|del|dfn|em|i|ins|kbd|mark|q|s|samp|"
              "small|span|strike|strong|sub|sup|time|tt|u|var|wbr")
#: Elements that are never words: left out of a title or name with what they hold.
NOT_WORDS = ("script", "style", "iframe", "object", "embed", "noscript", "template", "svg",
             "math", "img", "video", "audio", "canvas", "form", "input", "button",
             "textarea", "select", "frameset", "frame", "applet")
NOT_A_TITLE_TAG = re.compile(
    rf"<(?!/?(?:{TITLE_TAGS}|{'|'.join(NOT_WORDS)})(?:[\s/][^<>]*)?>)", re.IGNORECASE)


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment on one line (titles, excerpts, names).

    Read as a browser would read it, once: ``&amp;lt;`` is the text
    ``&lt;``, never ``<``.  The inline tags of :data:`TITLE_TAGS` are markup
    (their words kept), the elements of :data:`NOT_WORDS` are left out with
    what they hold, and a ``<`` that opens anything else is a character.
    """
    if "<" not in fragment and "&" not in fragment:  # most names and titles: no parse
        text = fragment
    else:
        soup = BeautifulSoup(NOT_A_TITLE_TAG.sub("&lt;", fragment), "html.parser")
        for tag in soup.find_all(list(NOT_WORDS)):
            tag.decompose()
        text = soup.get_text(" ")
    return re.sub(r"\s+([.,;:!?’”)])", r"\1", " ".join(text.split()))


def url_key(url: str) -> str:
    """A post's address as a comparable key: host without www, path without slashes."""
    parsed = urlparse(url.strip())
    host = (parsed.hostname or "").removeprefix("www.")
    path = unquote(parsed.path).strip("/")
    return f"{host}/{path}".lower()


def post_id_in(url: str) -> str | None:
    """``?p=123`` (WordPress's plain permalinks and every guid)."""
    values = parse_qs(urlparse(url).query).get("p")
    return values[0] if values and values[0].isdigit() else None


def join_unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))
