"""``folio build``: the collection's web site, its ePubs and its PDFs, in one command.

    folio build [all|html|epub|pdf] [--jobs N] [-W]

Run in a collection's folder (the one with ``conf.py``).  ``all`` (the
default) leaves in ``_build/html`` the whole site, with ``downloads/``
holding the collection's PDF and ePub and every essay's own.  The offline
files come first, so the web pages can link to them:

1. the ePub (Sphinx's ``epub`` builder; each essay's own ePub is cut from
   it at ``build-finished``, see :mod:`folio.ext.epubs`), and, when TeX is
   installed, the LaTeX sources (``latex``: one ``.tex`` per essay, see
   :mod:`folio.ext.offline`);
2. the PDFs: :mod:`folio.commands.offprints` typesets the essays a few dozen
   at a time and cuts each one's pages out, and compiles the collection's
   own document with ``latexmk``;
3. the web site (``html``), which copies ``_build/downloads`` into itself.

The sources are read once for the three: the builders share one environment
(``_build/doctrees/shared``, where ``folio live`` finds it too), so the
first builder reads what changed and the others read nothing; what one
builder's read made stale, every builder writes
(:func:`folio.ext.freshness.owe`).  Every step is incremental: Sphinx reads
only the sources that changed, an essay's ePub and PDF are written only
when they differ, and TeX runs only for essays whose ``.tex`` changed.
Sphinx is quiet but for its warnings; TeX's logs are shown only when it
fails.  At the end a short summary says what was built and where.

Without TeX (``xelatex`` and ``latexmk`` on ``PATH``), ``all`` builds
everything else and says in one line which Debian packages give the PDFs;
``pdf`` alone then exits 2 with that line.  ``-W``: exit 1 when anything
warned (the build still goes to the end, so every warning is shown).  When
``READTHEDOCS_OUTPUT`` is set (Read the Docs), the site, the collection's
PDF and its ePub are also copied to its ``html/``, ``pdf/`` and ``epub/``.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import os
import re
import shutil
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from folio.core.requirements import install_line, missing_tex
from folio.core.state import ESSAY_LIST, read_json, read_mapping, report_name

TARGETS = ("all", "html", "epub", "pdf")
#: Everything a build writes, inside the collection's folder.
BUILD = "_build"
#: The essays' and the collection's files, beside every builder's folder.
DOWNLOADS = "downloads"
#: The one environment every builder of ``folio build`` and ``folio live`` shares.
DOCTREES = Path("doctrees", "shared")


def doctrees(builddir: Path) -> Path:
    """Where the builders keep their shared environment and doctrees."""
    return builddir / DOCTREES


@dataclass
class Outcome:
    """What one run of ``folio build`` did: for its summary and its exit status."""

    lines: list[str] = field(default_factory=list)
    warnings: int = 0
    failed: bool = False


@dataclass(frozen=True)
class SphinxRun:
    """One Sphinx builder's run: whether it finished, and how many warnings it gave."""

    builder: str
    finished: bool
    warnings: int
    seconds: float


def cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        os.cpu_count() or 1


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give 1 or more")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", nargs="?", choices=TARGETS, default="all",
                        help="what to build (default: all, the site with every PDF and ePub)")
    parser.add_argument("--jobs", "-j", type=positive, default=cpus(), metavar="N",
                        help="processes at once: Sphinx's and TeX's (default: the CPUs)")
    parser.add_argument("-W", dest="strict", action="store_true",
                        help="exit 1 when there was any warning")
    parser.add_argument("--source", type=Path, default=Path("."), metavar="DIR",
                        help="the collection's folder, with conf.py (default: here)")


# -- one Sphinx builder ----------------------------------------------------------------------------

def saved_traceback(error: BaseException) -> str:
    """The error's traceback in a file of its own (for a bug report); the file's name.

    Sphinx's own helper for this moved into a private module in Sphinx 9."""
    import tempfile
    import traceback

    with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix="folio-build-",
                                     suffix=".log", delete=False) as log:
        log.write("".join(traceback.format_exception(error)))
    return log.name


def sphinx(builder: str, srcdir: Path, builddir: Path, jobs: int) -> SphinxRun:
    """Run one Sphinx builder incrementally, quietly but for its warnings (on stderr).

    The same folders and options ``folio live`` uses (nitpicky, the shared
    doctrees), so every builder and the preview share one read.  A failure
    is one line on stderr; Sphinx's traceback, if any, goes to a file named
    in that line.
    """
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    began = time.perf_counter()
    app = None
    try:
        with patch_docutils(srcdir), docutils_namespace():
            app = Sphinx(str(srcdir), str(srcdir), str(builddir / builder),
                         str(doctrees(builddir)), builder,
                         confoverrides={"nitpicky": True}, status=None, warning=sys.stderr,
                         freshenv=False, parallel=jobs if jobs > 1 else 0)
            app.build()
    except SphinxError as error:
        sys.stderr.write(f"folio build: {builder}: {error.category}: {error}\n".replace(
            "\n\n", "\n"))
        return SphinxRun(builder, False, app._warncount if app else 0,
                         time.perf_counter() - began)
    except Exception as error:  # a bug, in Folio or elsewhere: never a traceback on screen
        path = saved_traceback(error)
        sys.stderr.write(f"folio build: {builder}: {type(error).__name__}: {error} "
                         f"(the full traceback is in {path})\n")
        return SphinxRun(builder, False, app._warncount if app else 0,
                         time.perf_counter() - began)
    sys.stderr.flush()
    return SphinxRun(builder, app.statuscode == 0, app._warncount, time.perf_counter() - began)


# -- the offline files -----------------------------------------------------------------------------

def copy_if_changed(source: Path, target: Path) -> bool:
    """Copy ``source`` over ``target`` unless they hold the same bytes; whether it copied."""
    if target.is_file() and filecmp.cmp(source, target, shallow=False):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    return True


#: The lines of a collection's ePub that Sphinx dates with the time of the build.
DATED = re.compile(rb"<dc:date>[^<]*</dc:date>|<meta property=\"dcterms:modified\">[^<]*</meta>")
#: Sphinx numbers the ePub's manifest in the order its builder first asked for
#: each file, which differs between a clean build and an incremental one.
NUMBERED = re.compile(rb'(\b(?:id|idref|content))="(epub-\d+)"')


def package_document(opf: bytes) -> bytes:
    """``content.opf`` without the build's date, each item named by its file."""
    files: dict[bytes, bytes] = dict(re.findall(rb'<item id="([^"]+)" href="([^"]+)"', opf))

    def by_file(match: re.Match[bytes]) -> bytes:
        return match[1] + b'="' + files.get(match[2], match[2]) + b'"'

    return NUMBERED.sub(by_file, DATED.sub(b"", opf))


def book_contents(path: Path) -> dict[str, bytes] | None:
    """An ePub's members, the package document as :func:`package_document` reads it;
    None when it is not a zip."""
    try:
        with zipfile.ZipFile(path) as book:
            return {name: package_document(book.read(name)) if name.endswith(".opf")
                    else book.read(name) for name in book.namelist()}
    except (OSError, zipfile.BadZipFile):
        return None


def publish_collection_epub(builddir: Path) -> list[Path]:
    """The collection's ePub (Sphinx leaves it in ``_build/epub``) into the downloads.

    Sphinx packs the book again on every build, dated that day and with its
    files numbered in another order: a book that differs only by those is
    not copied, so an unchanged collection keeps its file (and its time) in
    the downloads, as every essay's does.
    """
    books = sorted((builddir / "epub").glob("*.epub"))
    for book in books:
        target = builddir / DOWNLOADS / book.name
        if target.is_file() and book_contents(book) == book_contents(target):
            continue
        copy_if_changed(book, target)
    return books


def make_pdfs(builddir: Path, jobs: int, outcome: Outcome) -> None:
    """Every essay's PDF and the collection's, from the LaTeX build (offprints)."""
    from folio.commands import offprints


    latexdir = builddir / "latex"
    if not (latexdir / ESSAY_LIST).is_file():
        sys.stderr.write(f"folio build: {latexdir / ESSAY_LIST} is missing: "
                         "is 'folio' in conf.py's extensions?\n")
        outcome.failed = True
        return
    began = time.perf_counter()
    try:
        report = offprints.make_pdfs(latexdir, builddir / DOWNLOADS, jobs)
    except offprints.BadInput as error:
        sys.stderr.write(f"folio build: {error}\n")
        outcome.failed = True
        return
    for what, log in report.failures:
        sys.stderr.write(f"PDF failed: {what}; the full log is {log}\n{offprints.tail(log)}\n")
    outcome.failed |= bool(report.failures)
    outcome.warnings += len(report.warnings)
    outcome.lines.append(offprints.summary(report, shown(builddir / DOWNLOADS),
                                           time.perf_counter() - began))


# -- the summary and the hosts ---------------------------------------------------------------------

def shown(path: Path) -> Path:
    """A path as the writer sees it from here."""
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(Path.cwd().resolve())
    return path


def build_report(builddir: Path, builder: str) -> dict[str, Any] | None:
    """What a builder's last run left for the summary (``folio.ext.report``)."""
    report = read_json(doctrees(builddir) / report_name(builder))
    return report if isinstance(report, dict) else None


def summary_lines(builddir: Path, runs: Sequence[SphinxRun]) -> tuple[list[str], list[str]]:
    """Each builder's lines (the first with its time), and the notes said once (the
    example address)."""
    from folio.commands.summary import address_note, describe

    lines: list[str] = []
    notes: list[str] = []
    for run in runs:
        report = build_report(builddir, run.builder)
        if report is None:
            continue
        said = describe(report, address=False)
        if said:
            said[0] += f" in {run.seconds:.0f} s"
        lines += said
        notes += [note for note in address_note(report) if note not in notes]
    return lines, notes


def read_the_docs(builddir: Path, built: Sequence[str]) -> list[str]:
    """Read the Docs publishes what is in ``$READTHEDOCS_OUTPUT``: html/, pdf/, epub/."""
    output = os.environ.get("READTHEDOCS_OUTPUT")
    if not output:
        return []
    target = Path(output)
    downloads = builddir / DOWNLOADS
    copied = []
    if "html" in built and (builddir / "html").is_dir():
        shutil.copytree(builddir / "html", target / "html", dirs_exist_ok=True)
        copied.append("html")
    collections = collection_files(builddir)
    for kind in ("pdf", "epub"):
        files = [downloads / name for name in collections if name.endswith(f".{kind}")
                 and (downloads / name).is_file()]
        if kind in built and files:
            (target / kind).mkdir(parents=True, exist_ok=True)
            shutil.copy2(files[0], target / kind / files[0].name)  # one file each, as it wants
            copied.append(kind)
    return [f"Read the Docs: {', '.join(copied)} in {output}"] if copied else []


def collection_files(builddir: Path) -> list[str]:
    """The collection's own PDF and ePub (not an essay's), by file name."""
    names = []
    listed = read_mapping(builddir / "latex" / ESSAY_LIST).get("collections")
    if isinstance(listed, list):  # a list that is not the extension's names no PDF
        names += [Path(tex).with_suffix(".pdf").name for tex in listed if isinstance(tex, str)]
    names += [book.name for book in sorted((builddir / "epub").glob("*.epub"))]
    return names


# -- the command -----------------------------------------------------------------------------------

def steps(target: str, tex: bool) -> list[str]:
    """The builders to run, in order: the offline files before the web pages."""
    if target == "all":
        return ["epub", *(["latex"] if tex else []), "html"]
    return {"html": ["html"], "epub": ["epub"], "pdf": ["latex"]}[target]


def build(srcdir: Path, target: str, jobs: int) -> Outcome:
    """Build ``target`` in ``srcdir/_build``; what happened, for the summary."""
    outcome = Outcome()
    builddir = srcdir / BUILD
    missing = missing_tex()
    if missing and target == "all":
        outcome.lines.append(f"No PDFs ({', '.join(missing)} not found): {install_line()}")
    builders = steps(target, not missing)
    runs: list[SphinxRun] = []
    for name in builders:  # one after another: they share one environment
        if name == "html" and not all(run.finished for run in runs):
            break  # the site links to the offline files
        runs.append(sphinx(name, srcdir, builddir, jobs))
        if name == "epub" and runs[-1].finished:
            publish_collection_epub(builddir)
        if name == "latex" and runs[-1].finished:
            make_pdfs(builddir, jobs, outcome)
    for run in runs:
        outcome.warnings += run.warnings
        outcome.failed |= not run.finished
    built = [run.builder.replace("latex", "pdf") for run in runs if run.finished]
    # In the order things were made: the ePubs, the PDFs, the web site.
    lines, notes = summary_lines(builddir, [run for run in runs if run.builder != "html"])
    html, more = summary_lines(builddir, [run for run in runs if run.builder == "html"])
    notes += [note for note in more if note not in notes]
    if missing:  # the line about TeX says why the pages lack their PDFs
        html = [line for line in html if "not built yet" not in line]
    outcome.lines = lines + outcome.lines + html + notes + read_the_docs(builddir, built)
    return outcome


def run(args: argparse.Namespace) -> int:
    srcdir = args.source.resolve()
    if not (srcdir / "conf.py").is_file():
        sys.stderr.write(f"folio build: no conf.py in {srcdir}: run it in a collection's "
                         "folder (folio new DIR starts one)\n")
        return 2
    if args.target == "pdf" and missing_tex():
        sys.stderr.write(f"folio build: {', '.join(missing_tex())} not found: "
                         f"{install_line()}\n")
        return 2
    began = time.perf_counter()
    outcome = build(srcdir, args.target, args.jobs)
    for line in outcome.lines:
        print(line)
    failed = outcome.failed or (args.strict and outcome.warnings > 0)
    verdict = "failed" if failed else "done"
    count = f", {outcome.warnings} warning{'s' * (outcome.warnings != 1)}" \
        if outcome.warnings else ""
    print(f"folio build {args.target}: {verdict} in {time.perf_counter() - began:.0f} s{count}",
          flush=True)
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    from folio.commands.cli import module_main

    return module_main("folio.commands.build", argv)


if __name__ == "__main__":
    raise SystemExit(main())
