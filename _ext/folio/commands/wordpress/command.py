"""``folio import-wordpress``: the command, its two passes and its report.

Pass one streams the export to check that it is a readable WordPress
export and to learn every post's address and essay name (links between
posts need both ends).  Pass two streams it again and turns each post into
an essay, written first into a staging folder; only once the whole export
has been read is anything moved into place.  So a file that turns out to
be unreadable halfway leaves nothing half-written.

Re-running is safe: ``.folio-import.json`` in the essays folder remembers a
hash of every essay the importer wrote.  An essay whose file still has that
hash is the importer's to update; one edited since (or never written by the
importer) is left alone unless ``--force``; images copied into
``media/`` are remembered and kept the same way.  A second run over the
same export changes no file.

Old addresses: ``wordpress-redirects.json`` beside ``conf.py`` maps each
post's old permalink path to its essay, in the form sphinx-reredirects's
``redirects`` setting takes (see the writing guide for the two lines of
``conf.py`` that read it).
"""

from __future__ import annotations

import argparse
import ast
import functools
import hashlib
import json
import os
import posixpath
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from folio.commands.wordpress.content import (
    BookFound,
    Context,
    plain_text,
    post_id_in,
    shorten,
    url_key,
)
from folio.commands.wordpress.essay import (
    Written,
    essay_text,
    file_slug,
    safe_file_name,
    windows_reserved,
)
from folio.commands.wordpress.fetch import (
    MAGIC,
    Allowed,
    Refused,
    download_image,
    is_image,
    public_address,
)
from folio.commands.wordpress.wxr import ExportError, Item, Site, iter_export
from folio.core.records import DEFAULT_GENRES
from folio.core.state import IMPORT_MANIFEST, REDIRECTS, read_mapping, write_if_changed

IMAGE_SUFFIXES = tuple(MAGIC)  # no SVG: see Media


class UsageError(Exception):
    """A mistake in what the writer typed: one line, exit 2."""


# -- arguments ------------------------------------------------------------------------

def add_import_wordpress_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("export", type=Path, help="the WordPress export (WXR .xml file)")
    parser.add_argument("--into", type=Path, default=Path("essays"),
                        help="folder for the essays (default: essays)")
    parser.add_argument("--media", type=Path, default=None, metavar="DIR",
                        help="a local copy of the blog's wp-content/uploads folder: "
                             "covers and images are copied from it")
    parser.add_argument("--download", action="store_true",
                        help="download images the --media folder lacks (once; cached "
                             "in the essays' media folder)")
    parser.add_argument("--genre-map", action="append", default=[], metavar="CATEGORY=GENRE",
                        help="treat a category as a genre (repeatable)")
    parser.add_argument("--default-genre", default=None, metavar="GENRE",
                        help="genre for posts whose categories name none "
                             "(default: the first genre)")
    parser.add_argument("--drafts", action="store_true",
                        help="also import drafts, scheduled, pending and private posts")
    parser.add_argument("--force", action="store_true",
                        help="overwrite essays edited since they were imported")
    parser.add_argument("--conf", type=Path, default=None,
                        help="the collection's conf.py (default: found above --into)")


# -- the collection's settings, read without running conf.py ----------------------------

def find_conf(into: Path) -> Path | None:
    folder = into.resolve()
    for candidate in (folder, *folder.parents[:3]):
        if (candidate / "conf.py").is_file():
            return candidate / "conf.py"
    return None


def conf_values(conf: Path | None) -> dict[str, object]:
    """Literal assignments in conf.py (``folio_genres``, ``author``): never executed."""
    if conf is None:
        return {}
    try:
        tree = ast.parse(conf.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except (ValueError, SyntaxError, TypeError):
                if isinstance(node.value, ast.Name) and node.value.id in found:
                    found[node.targets[0].id] = found[node.value.id]
    return found


# -- pass one: the index ------------------------------------------------------------------

@dataclass
class Plan:
    """Which posts become which essays, learnt from the whole export first.

    Posts are keyed by their position in the export, not by ``wp:post_id``:
    an export may lack the id or repeat it, and no post may take another's
    place.
    """

    names: dict[int, str] = field(default_factory=dict)  # position → essay file name
    by_id: dict[str, int] = field(default_factory=dict)  # wp:post_id → position
    by_url: dict[str, int] = field(default_factory=dict)  # url_key → position
    tags: dict[str, str] = field(default_factory=dict)  # url_key of a tag page → tag
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (title, why)
    others: Counter[str] = field(default_factory=Counter)
    renamed: dict[int, str] = field(default_factory=dict)  # position → why
    links: dict[int, str] = field(default_factory=dict)  # position → its permalink
    site: Site | None = None


IMPORTED = {"publish"}
WITH_DRAFTS = {"publish", "draft", "future", "pending", "private"}


def items_of(export: Path) -> Iterator[tuple[int, Item | Site]]:
    """The export's entries with each item's position (the :class:`Site` last, as -1)."""
    position = 0
    for entry in iter_export(export):
        if isinstance(entry, Site):
            yield -1, entry
        else:
            yield position, entry
            position += 1


def make_plan(export: Path, drafts: bool, taken: frozenset[str] = frozenset()) -> Plan:
    """``taken``: names (case-folded) no essay may have, such as a writer's ``Creature.md``."""
    plan = Plan()
    used: set[str] = set(taken)
    wanted = WITH_DRAFTS if drafts else IMPORTED
    for position, entry in items_of(export):
        if isinstance(entry, Site):
            plan.site = entry
            continue
        item = entry
        if item.post_type == "attachment":
            plan.others["attachments"] += 1
            continue
        if item.post_type != "post":
            plan.others[{"page": "pages", "nav_menu_item": "menu items"}.get(
                item.post_type, f"{item.post_type} items")] += 1
            continue
        title = plain_text(item.title) or f"post {item.post_id or position + 1}"
        if item.password:
            plan.skipped.append((title, "password-protected"))
            continue
        if item.status not in wanted:
            why = {"draft": "a draft", "future": "scheduled", "pending": "pending review",
                   "private": "private", "trash": "in the trash",
                   "auto-draft": "an auto-draft"}.get(item.status, f"status {item.status!r}")
            plan.skipped.append((title, why + ("" if item.status not in WITH_DRAFTS
                                               else " (see --drafts)")))
            continue
        base = file_slug(item.slug) or file_slug(plain_text(item.title)) \
            or f"post-{file_slug(item.post_id) or position + 1}"
        reserved = windows_reserved(base)
        if reserved:
            base = f"{base}-essay"
        name, number = base, 1
        while name in used:
            number += 1
            name = f"{base}-{number}"
        if reserved:
            plan.renamed[position] = (f"{reserved!r} is not a file name on Windows; "
                                      f"written as {name!r}")
        elif name != base:
            plan.renamed[position] = f"slug {base!r} was taken; written as {name!r}"
        used.add(name)
        plan.names[position] = name
        plan.links[position] = item.link
        if item.post_id:
            plan.by_id.setdefault(item.post_id, position)
        for url in (item.link, item.guid):
            if url and not post_id_in(url):
                plan.by_url.setdefault(url_key(url), position)
    return plan


# -- media -------------------------------------------------------------------------------

class Media:
    """Images from ``--media`` (or downloaded once with ``--download``), into the sources.

    Whatever the source, a file is kept only if its first bytes are a PNG,
    JPEG, GIF or WebP image (:func:`is_image`); SVG is refused, from
    ``--media`` too: it can carry scripts, and the site would serve it as its
    own.  File names are made safe for every disk (:func:`safe_file_name`).
    ``notes`` gathers why an image was not kept, for the post's report.
    """

    def __init__(self, media: Path | None, download: bool, stage: Path, into: Path,
                 allowed: Allowed = public_address) -> None:
        self.media, self.download, self.stage, self.into = media, download, stage, into
        self.allowed = allowed
        self.notes: list[str] = []

    def local(self, url: str, docname_dir: str) -> str | None:
        """The image's path relative to the source root's essays folder, or ``None``."""
        parsed = urlparse(url)
        path = unquote(parsed.path)
        marker = "/wp-content/uploads/"
        relative = path.split(marker, 1)[1] if marker in path else path.lstrip("/")
        relative = posixpath.normpath(relative)
        suffix = posixpath.splitext(relative)[1].lower()
        if relative.startswith("..") or relative.startswith("/") or suffix not in IMAGE_SUFFIXES:
            if suffix == ".svg":
                self.notes.append(f"{shorten(url)}: an SVG image is not imported (it can "
                                  "carry scripts); linked instead")
            return None
        target = Path("media", *(safe_file_name(part) for part in relative.split("/")))
        staged, existing = self.stage / target, self.into / target
        found = posixpath.join(docname_dir, target.as_posix())
        if staged.exists():
            return found
        source = self.media / relative if self.media else None
        data: bytes | None = None
        if source is not None and self.media is not None and source.is_file() \
                and source.resolve().is_relative_to(self.media.resolve()):
            data = source.read_bytes()
            if not is_image(suffix, data):
                self.notes.append(f"{source}: not a PNG, JPEG, GIF or WebP image; not copied")
                return None
        elif existing.is_file():  # downloaded or copied by an earlier run
            data = existing.read_bytes()
        elif self.download and parsed.scheme in ("http", "https"):
            try:
                data = download_image(url, suffix, self.allowed)
            except Refused as why:
                self.notes.append(f"{shorten(url)}: {why}")
                return None
        if data is None:
            return None
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(data)
        return found


# -- the run -----------------------------------------------------------------------------

def parse_genre_map(pairs: list[str], genres: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        category, sep, genre = pair.partition("=")
        if not sep or not category.strip() or not genre.strip():
            raise UsageError(f"--genre-map {pair!r}: write CATEGORY=GENRE")
        if genre.strip() not in genres:
            raise UsageError(f"--genre-map {pair!r}: {genre.strip()!r} is not a genre "
                             f"(one of: {', '.join(genres)})")
        mapping[category.strip().casefold()] = genre.strip()
    return mapping


def digest(text: str) -> str:
    return bytes_digest(text.encode("utf-8"))


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_strings(path: Path) -> dict[str, str]:
    """A JSON object of strings (the manifest, the redirects); empty when unreadable."""
    return {str(k): str(v) for k, v in read_mapping(path).items()}


@dataclass
class Report:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    kept_media: list[str] = field(default_factory=list)  # changed by the writer since
    essays: list[Written] = field(default_factory=list)


def run_import_wordpress(args: argparse.Namespace, *, allowed: Allowed = public_address
                         ) -> int:
    """The command.  ``allowed``: which addresses ``--download`` may fetch from.

    The command line always gets :func:`~folio.commands.wordpress.fetch.public_address`;
    only a caller of this function (a test with its server on 127.0.0.1)
    can widen it: no option or environment variable does.
    """
    try:
        return run(args, allowed)
    except (ExportError, UsageError) as error:
        sys.stderr.write(f"folio import-wordpress: {error}\n")
        return 2


def run(args: argparse.Namespace, allowed: Allowed = public_address) -> int:
    export: Path = args.export
    into: Path = args.into
    conf = args.conf if args.conf else find_conf(into)
    settings = conf_values(conf)
    genres = [str(g) for g in settings.get("folio_genres", DEFAULT_GENRES)  # type: ignore[attr-defined]
              if str(g).strip()] or list(DEFAULT_GENRES)
    genre_map = parse_genre_map(args.genre_map, genres)
    default_genre = args.default_genre or genres[0]
    if default_genre not in genres:
        raise UsageError(f"--default-genre {default_genre!r} is not a genre "
                         f"(one of: {', '.join(genres)})")
    if args.media is not None and not args.media.is_dir():
        raise UsageError(f"--media {args.media}: no such folder")
    if into.exists() and not into.is_dir():
        raise UsageError(f"--into {into}: not a folder")

    # A writer's own "Creature.md" takes the name "creature" on a case-insensitive disk.
    taken = frozenset(p.stem.casefold() for p in into.glob("*.md") if p.stem != p.stem.casefold()) \
        if into.is_dir() else frozenset()
    plan = make_plan(export, args.drafts, taken)  # reads it all: an unreadable file stops here
    site = plan.site
    assert site is not None
    root = conf.parent if conf else into.resolve().parent
    docdir = posixpath.normpath(os.path.relpath(into.resolve(), root.resolve())
                                ).replace(os.sep, "/").removeprefix(".")
    author_names = site.authors
    collection_author = str(settings.get("folio_author") or settings.get("author") or "")

    def essay_for_url(url: str) -> str | None:
        post = post_id_in(url)
        position = plan.by_id.get(post) if post else None
        if position is None and post is None:
            position = plan.by_url.get(url_key(url))
            if position is None and not urlparse(url).netloc and site.link:
                position = plan.by_url.get(url_key(site.link.rstrip("/") + "/" + url.lstrip("/")))
        name = plan.names.get(position) if position is not None else None
        return posixpath.join(docdir, name) if name else None

    def tag_for_url(url: str) -> str | None:
        path = urlparse(url).path.strip("/").split("/")
        return unquote(path[-1]).replace("-", " ") if len(path) >= 2 and path[-2] == "tag" \
            else None

    known_books: dict[str, BookFound] = {}
    report = Report()
    into.mkdir(parents=True, exist_ok=True)
    manifest_path = into / IMPORT_MANIFEST
    manifest = read_strings(manifest_path)
    # Staged outside the sources, so a build never sees a half-made essay.
    with tempfile.TemporaryDirectory(prefix="folio-import-") as staging:
        stage = Path(staging)
        media = Media(args.media, args.download, stage, into, allowed)
        for position, entry in items_of(export):
            if isinstance(entry, Site) or position not in plan.names:
                continue
            item: Item = entry
            name = plan.names[position]
            docname = posixpath.join(docdir, name)
            context = Context(
                essay_for_url=essay_for_url,
                media_for_url=functools.partial(media.local, docname_dir=docdir),
                known_books=known_books, docname=docname, tag_for_url=tag_for_url)
            shown = plain_text(author_names.get(item.creator, item.creator))  # HTML, as titles
            author = shown if shown and shown != collection_author and len(author_names) > 1 \
                else ""
            media.notes.clear()
            written = essay_text(item, name, genres=genres, genre_map=genre_map,
                                 default_genre=default_genre, author=author, context=context)
            notes = [*([plan.renamed[position]] if position in plan.renamed else []),
                     *written.not_recovered, *media.notes]
            written = Written(written.name, written.text, written.recovered, tuple(notes))
            (stage / f"{name}.md").write_text(written.text, encoding="utf-8")
            # The report keeps what it prints, not the essay (flat memory).
            report.essays.append(Written(name, "", written.recovered, written.not_recovered))
        # The whole export is read: now move into place.
        commit(stage, into, manifest, args.force, report)
        commit_media(stage, into, manifest, args.force, report)
    if manifest:
        write_if_changed(manifest_path, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    refused: list[str] = []
    redirects_written = write_redirects(root / REDIRECTS, plan, docdir, refused)
    print_report(report, plan, into, redirects_written, root / REDIRECTS)
    for line in refused:
        sys.stdout.write(f"{line}\n")
    return 0


def commit(stage: Path, into: Path, manifest: dict[str, str], force: bool,
           report: Report) -> None:
    """Move staged essays into place, never over an essay edited since the last import."""
    for written in report.essays:
        filename = f"{written.name}.md"
        target = into / filename
        new = (stage / filename).read_text(encoding="utf-8")
        if target.exists():
            current = target.read_text(encoding="utf-8")
            ours = manifest.get(filename) == digest(current)
            if current == new:
                report.unchanged.append(filename)
                manifest[filename] = digest(new)
                continue
            if not ours and not force:
                report.kept.append(filename)
                continue
        write_if_changed(target, new)
        manifest[filename] = digest(new)
        report.written.append(filename)


def commit_media(stage: Path, into: Path, manifest: dict[str, str], force: bool,
                 report: Report) -> None:
    """Move staged images into place, never over one the writer changed since the import.

    As for essays, the manifest holds a hash of each image the importer
    wrote; an image whose bytes no longer match it (or that the importer
    never wrote) is the writer's, and left alone unless ``--force``.
    """
    for path in sorted(stage.rglob("*")):
        relative = path.relative_to(stage)
        if not path.is_file() or relative.parts[0] != "media":
            continue
        key, target, new = relative.as_posix(), into / relative, path.read_bytes()
        if target.is_file():
            current = target.read_bytes()
            if current == new:
                manifest[key] = bytes_digest(new)
                continue
            if manifest.get(key) != bytes_digest(current) and not force:
                report.kept_media.append(key)
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        manifest[key] = bytes_digest(new)


def unsafe_redirect(old: str) -> str:
    """Why an old permalink path cannot be a redirect's folder, or ``""``.

    The build writes ``<old>/index.html``: a ``..`` would write outside the
    site, a glob character would match other pages, and a name Windows
    keeps for a device cannot be checked out there.
    """
    parts = old.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "it has empty, '.' or '..' segments"
    if re.search(r"[*?\[\]\\\x00-\x1f\x7f]", old):
        return "it holds a glob character, a backslash or a control character"
    if any(windows_reserved(part) for part in parts):
        return "one of its folders is a device name on Windows"
    return ""


def write_redirects(path: Path, plan: Plan, docdir: str, refused: list[str]) -> int:
    """Old permalink paths → the essays, for sphinx-reredirects; merged with what is there.

    ``refused`` gets a line for each old address that cannot be a folder.
    """
    redirects = read_strings(path)
    before = dict(redirects)
    for position, link in plan.links.items():
        old = unquote(urlparse(link).path).strip("/")
        if not old or post_id_in(link) or old.endswith((".html", ".htm")):
            continue
        why = unsafe_redirect(old)
        if why:
            refused.append(f"old address {shorten(old)!r} not redirected: {why}")
            continue
        docname = posixpath.join(docdir, plan.names[position])
        if docname != old:
            redirects[f"{old}/index"] = posixpath.relpath(f"{docname}.html", old)
    if redirects != before or (redirects and not path.exists()):
        write_if_changed(path, json.dumps(redirects, indent=1, sort_keys=True,
                                          ensure_ascii=False) + "\n")
    return len(redirects)


def print_report(report: Report, plan: Plan, into: Path, redirects: int,
                 redirects_path: Path) -> None:
    out = sys.stdout
    out.write(f"Imported into {into}/: {len(report.written)} written, "
              f"{len(report.unchanged)} unchanged, {len(report.kept)} left alone "
              f"(edited since the last import; --force overwrites).\n")
    if plan.skipped:
        reasons = Counter(why for _title, why in plan.skipped)
        out.write("Skipped posts: " + ", ".join(f"{n} {why}" for why, n in
                                                 sorted(reasons.items())) + ".\n")
        for title, why in plan.skipped:
            out.write(f"  - {title}: {why}\n")
    if plan.others:
        out.write("Not posts, skipped: " + ", ".join(
            f"{n} {what}" for what, n in sorted(plan.others.items())) + ".\n")
    if redirects:
        out.write(f"Old addresses: {redirects} redirects in {redirects_path}.\n")
    for filename in report.kept:
        out.write(f"{into / filename}: edited since it was imported; left alone\n")
    for filename in report.kept_media:
        out.write(f"{into / filename}: changed since it was imported; left alone "
                  "(--force replaces it)\n")
    for written in report.essays:
        out.write(f"{into / (written.name + '.md')}\n")
        if written.recovered:
            out.write("  recovered: " + "; ".join(written.recovered) + "\n")
        for note in written.not_recovered:
            out.write(f"  not recovered: {note}\n")


def main(argv: list[str] | None = None) -> int:
    """The command on its own (tests, the benchmark): ``folio import-wordpress ARGS``."""
    from folio.commands.cli import OneLineParser

    parser = OneLineParser(prog="folio import-wordpress")
    add_import_wordpress_arguments(parser)
    return run_import_wordpress(parser.parse_args(argv))
