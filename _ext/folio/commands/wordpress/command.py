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
importer) is left alone unless ``--force``.  A second run over the same
export changes no file.

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
import shutil
import sys
import tempfile
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from folio.commands.wordpress.content import BookFound, Context, plain_text, post_id_in, url_key
from folio.commands.wordpress.essay import Written, essay_text, file_slug
from folio.commands.wordpress.wxr import ExportError, Item, Site, iter_export

DEFAULT_GENRES = ["review", "memoir", "fiction", "opinion"]
MANIFEST = ".folio-import.json"
REDIRECTS = "wordpress-redirects.json"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")


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
    """Which posts become which essays, learnt from the whole export first."""

    names: dict[str, str] = field(default_factory=dict)  # post id → essay file name
    by_url: dict[str, str] = field(default_factory=dict)  # url_key → post id
    tags: dict[str, str] = field(default_factory=dict)  # url_key of a tag page → tag
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (title, why)
    others: Counter[str] = field(default_factory=Counter)
    attachments: dict[str, str] = field(default_factory=dict)  # url → url
    renamed: dict[str, str] = field(default_factory=dict)  # post id → why
    links: dict[str, str] = field(default_factory=dict)  # post id → its permalink
    site: Site | None = None


IMPORTED = {"publish"}
WITH_DRAFTS = {"publish", "draft", "future", "pending", "private"}


def make_plan(export: Path, drafts: bool) -> Plan:
    plan = Plan()
    used: set[str] = set()
    wanted = WITH_DRAFTS if drafts else IMPORTED
    for entry in iter_export(export):
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
        title = plain_text(item.title) or f"post {item.post_id}"
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
            or f"post-{file_slug(item.post_id) or len(plan.names) + 1}"
        name, number = base, 1
        while name in used:
            number += 1
            name = f"{base}-{number}"
        if name != base:
            plan.renamed[item.post_id] = f"slug {base!r} was taken; written as {name!r}"
        used.add(name)
        plan.names[item.post_id] = name
        plan.links[item.post_id] = item.link
        for url in (item.link, item.guid):
            if url and not post_id_in(url):
                plan.by_url.setdefault(url_key(url), item.post_id)
    return plan


# -- media -------------------------------------------------------------------------------

class Media:
    """Images from ``--media`` (or downloaded once with ``--download``), into the sources."""

    def __init__(self, media: Path | None, download: bool, stage: Path, into: Path) -> None:
        self.media, self.download, self.stage, self.into = media, download, stage, into

    def local(self, url: str, docname_dir: str) -> str | None:
        """The image's path relative to the source root's essays folder, or ``None``."""
        parsed = urlparse(url)
        path = unquote(parsed.path)
        marker = "/wp-content/uploads/"
        relative = path.split(marker, 1)[1] if marker in path else path.lstrip("/")
        relative = posixpath.normpath(relative)
        if relative.startswith("..") or not relative.lower().endswith(IMAGE_SUFFIXES):
            return None
        target = Path("media", *relative.split("/"))
        staged, existing = self.stage / target, self.into / target
        if staged.exists():
            return posixpath.join(docname_dir, target.as_posix())
        source = self.media / relative if self.media else None
        if source is not None and self.media is not None and source.is_file() \
                and source.resolve().is_relative_to(self.media.resolve()):
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, staged)
        elif existing.is_file():  # downloaded or copied by an earlier run
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(existing, staged)
        elif self.download and parsed.scheme in ("http", "https"):
            try:
                with urllib.request.urlopen(url, timeout=20) as response:
                    data = response.read(20_000_000)
            except (OSError, ValueError):
                return None
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(data)
        else:
            return None
        return posixpath.join(docname_dir, target.as_posix())


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
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_json(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def write_if_changed(path: Path, text: str) -> bool:
    """Write through a temporary file and a rename; ``False`` when nothing changed."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                     suffix=".tmp") as handle:
        handle.write(text)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(handle.name, 0o666 & ~umask)  # as any file the writer makes, not 0600
    os.replace(handle.name, path)
    return True


@dataclass
class Report:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    essays: list[Written] = field(default_factory=list)


def run_import_wordpress(args: argparse.Namespace) -> int:
    try:
        return run(args)
    except (ExportError, UsageError) as error:
        sys.stderr.write(f"folio import-wordpress: {error}\n")
        return 2


def run(args: argparse.Namespace) -> int:
    export: Path = args.export
    into: Path = args.into
    conf = args.conf if args.conf else find_conf(into)
    settings = conf_values(conf)
    genres = [str(g) for g in settings.get("folio_genres", DEFAULT_GENRES)  # type: ignore[attr-defined]
              if str(g).strip()] or DEFAULT_GENRES
    genre_map = parse_genre_map(args.genre_map, genres)
    default_genre = args.default_genre or genres[0]
    if default_genre not in genres:
        raise UsageError(f"--default-genre {default_genre!r} is not a genre "
                         f"(one of: {', '.join(genres)})")
    if args.media is not None and not args.media.is_dir():
        raise UsageError(f"--media {args.media}: no such folder")
    if into.exists() and not into.is_dir():
        raise UsageError(f"--into {into}: not a folder")

    plan = make_plan(export, args.drafts)  # reads it all: an unreadable file stops here
    site = plan.site
    assert site is not None
    root = conf.parent if conf else into.resolve().parent
    docdir = posixpath.normpath(os.path.relpath(into.resolve(), root.resolve())
                                ).replace(os.sep, "/").removeprefix(".")
    author_names = site.authors
    collection_author = str(settings.get("folio_author") or settings.get("author") or "")

    def essay_for_url(url: str) -> str | None:
        post = post_id_in(url)
        if post is None:
            post = plan.by_url.get(url_key(url))
            if post is None and not urlparse(url).netloc and site.link:
                post = plan.by_url.get(url_key(site.link.rstrip("/") + "/" + url.lstrip("/")))
        name = plan.names.get(post) if post else None
        return posixpath.join(docdir, name) if name else None

    def tag_for_url(url: str) -> str | None:
        path = urlparse(url).path.strip("/").split("/")
        return unquote(path[-1]).replace("-", " ") if len(path) >= 2 and path[-2] == "tag" \
            else None

    known_books: dict[str, BookFound] = {}
    report = Report()
    into.mkdir(parents=True, exist_ok=True)
    manifest_path = into / MANIFEST
    manifest = read_json(manifest_path)
    # Staged outside the sources, so a build never sees a half-made essay.
    with tempfile.TemporaryDirectory(prefix="folio-import-") as staging:
        stage = Path(staging)
        media = Media(args.media, args.download, stage, into)
        for entry in iter_export(export):
            if isinstance(entry, Site) or entry.post_id not in plan.names:
                continue
            item: Item = entry
            name = plan.names[item.post_id]
            docname = posixpath.join(docdir, name)
            context = Context(
                essay_for_url=essay_for_url,
                media_for_url=functools.partial(media.local, docname_dir=docdir),
                known_books=known_books, docname=docname, tag_for_url=tag_for_url)
            shown = plain_text(author_names.get(item.creator, item.creator))  # HTML, as titles
            author = shown if shown and shown != collection_author and len(author_names) > 1 \
                else ""
            written = essay_text(item, name, genres=genres, genre_map=genre_map,
                                 default_genre=default_genre, author=author, context=context)
            if item.post_id in plan.renamed:
                written = Written(written.name, written.text, written.recovered,
                                  (plan.renamed[item.post_id], *written.not_recovered))
            (stage / f"{name}.md").write_text(written.text, encoding="utf-8")
            # The report keeps what it prints, not the essay (flat memory).
            report.essays.append(Written(name, "", written.recovered, written.not_recovered))
        # The whole export is read: now move into place.
        commit(stage, into, manifest, args.force, report)
        for path in sorted(stage.rglob("*")):
            if path.is_file() and "media" in path.relative_to(stage).parts:
                target = into / path.relative_to(stage)
                if not target.exists() or target.read_bytes() != path.read_bytes():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)
    if manifest:
        write_if_changed(manifest_path, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    redirects_written = write_redirects(root / REDIRECTS, plan, docdir)
    print_report(report, plan, into, redirects_written, root / REDIRECTS)
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


def write_redirects(path: Path, plan: Plan, docdir: str) -> int:
    """Old permalink paths → the essays, for sphinx-reredirects; merged with what is there."""
    redirects = read_json(path)
    before = dict(redirects)
    for post_id, link in plan.links.items():
        old = unquote(urlparse(link).path).strip("/")
        if not old or post_id_in(link) or old.endswith((".html", ".htm")):
            continue
        docname = posixpath.join(docdir, plan.names[post_id])
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
