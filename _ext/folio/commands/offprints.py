"""Every essay's own PDF from a few TeX runs, not one TeX run per essay.

One ``xelatex`` run per essay costs ~2.5 s, nearly all of it start-up (the
format, the fonts) and the second pass; the pages themselves typeset at
~200 a second.  So the essays' own documents, which Sphinx's LaTeX builder
writes as usual (one ``howto`` ``.tex`` each, with its links to other essays
already pointing at the web site), are joined into a few *offprint books*:
the shared preamble once, then each essay's body with its own title, its page
counter and section numbers starting again at 1.  Each book is typeset (in
parallel, one per core), and each essay's pages are cut out of it with pypdf,
with the essay's title and author in the PDF's metadata.  An essay's pages
depend only on its own ``.tex``, so its PDF reads the same whichever book it
was typeset in.

Each series (``series:`` and ``part:``) gets a PDF of its own too, made of the
same pages: a title page, typeset in one of the offprint books, then its
parts' PDFs in part order (:func:`make_series_pdfs`), so a series costs no
TeX run of its own.

Incremental: a manifest remembers a digest of each essay's ``.tex`` (and of
this module's layout); only essays whose digest changed, or whose PDF is
missing, are typeset again and written.  The others' files, and their times,
are left alone.  A series' PDF is remade only when the digest of its title, its
parts and their digests changed (a part edited, added, moved or removed).

The collection's own documents (``latex_documents`` that are not essays) are
compiled with ``latexmk`` in the same pool.  TeX's output goes to log files;
the command prints a short summary, and the end of a log only when a build
fails.

    python -m folio.commands.offprints _build/latex _build/downloads [--jobs N]

Run with ``_ext`` on ``PYTHONPATH`` (the Makefile does).  Needs no Sphinx.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from folio.core.state import ESSAY_LIST, OFFPRINTS, read_mapping, write_if_changed

#: Where the offprint books are typeset, inside the LaTeX folder.
WORKDIR = "folio-offprints"
#: Essays per offprint book: small enough to spread over the cores and keep
#: pypdf's work per book small, large enough that TeX's start-up is shared.
#: Fixed, so a clean build gives the same files at any ``--jobs``.
BOOK_SIZE = 40
#: The manifest's keys for series (never an essay's docname).
SERIES_KEY = "@series:"
#: Changes whenever the way an essay is set changes, so every PDF is redone.
LAYOUT_VERSION = "1"

#: The lines of a ``howto`` preamble that belong to one essay.
OWN_LINES = re.compile(r"^\\(title|author|date|release)\{")

#: After the shared preamble: unique link targets, one-pass bookmarks, and
#: the commands that start and end an essay, which write its first and last
#: page (counted from the start of the book) to ``\jobname.pages``.
LAYOUT = r"""
% Folio's offprint book: many essays, each set as its own document.
\hypersetup{hypertexnames=false}
\usepackage{bookmark}
\makeatletter
% An essay's own PDF names no release (its byline gives its date).
\renewcommand{\releasename}{}\renewcommand{\py@release}{}
\newwrite\folio@pages
\immediate\openout\folio@pages=\jobname.pages
\newcommand\folio@restart{%
  \@for\folio@counter:=section,subsection,subsubsection,paragraph,subparagraph,%
footnote,mpfootnote,figure,table,equation,literalblock,enumi,enumii,enumiii,enumiv\do{%
    \@ifundefined{c@\folio@counter}{}{\setcounter{\folio@counter}{0}}}%
  \setcounter{page}{1}%
  % Footnote labels are named after the scope: a new one per essay.
  \ifdefined\sphinxstepscope\sphinxstepscope\fi}
\newcommand\folioessaystart[1]{\clearpage\folio@restart
  \immediate\write\folio@pages{start #1 \the\numexpr\ReadonlyShipoutCounter+1\relax}}
\newcommand\folioessayend[1]{\clearpage
  \immediate\write\folio@pages{end #1 \the\ReadonlyShipoutCounter}}
\makeatother
"""


@dataclass(frozen=True)
class EssayDocument:
    """One essay's LaTeX document and what its PDF is called and says it is."""

    docname: str
    tex: str
    stem: str
    title: str
    author: str
    #: The author as LaTeX (escaped by Sphinx's writer), for the title block.
    author_tex: str = ""


@dataclass(frozen=True)
class Series:
    """A series' PDF: its title page's words (as text and as LaTeX) and its parts."""

    stem: str
    title: str
    author: str
    title_tex: str
    author_tex: str
    intro_tex: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class SetEssay:
    """An essay's ``.tex`` taken apart: what it shares, what is its own."""

    essay: EssayDocument
    preamble: str
    own_lines: str
    body: str

    @property
    def digest(self) -> str:
        record = json.dumps([LAYOUT_VERSION, LAYOUT, self.essay.title, self.essay.author,
                             self.preamble, self.own_lines, self.body])
        return hashlib.sha256(record.encode()).hexdigest()


class BadInput(Exception):
    """The LaTeX folder is not as the extension leaves it (a damaged essay list, an
    essay's ``.tex`` gone): said in one line, never a traceback."""


@dataclass
class Report:
    """What one run did, for the summary."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    series_written: list[str] = field(default_factory=list)
    series_unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    failures: list[tuple[str, Path]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def split_document(essay: EssayDocument, text: str) -> SetEssay:
    """The shared preamble, the essay's own title lines and its body."""
    head, _, rest = text.partition("\\begin{document}")
    body, _, _ = rest.rpartition("\\end{document}")
    shared: list[str] = []
    own: list[str] = []
    for line in head.splitlines():
        (own if OWN_LINES.match(line) else shared).append(line)
    if essay.author_tex:
        own = [rf"\author{{{essay.author_tex}}}" if line.startswith("\\author{") else line
               for line in own]
    # The index is the collection's business; an essay's PDF has none.
    body = body.replace("\\printindex", "")
    return SetEssay(essay, "\n".join(shared), "\n".join(own), body)


def title_page(series: Series, first: SetEssay) -> SetEssay:
    """A series' title page, set as an essay of its own in its first part's offprint book:
    the series' title and author, and the sentence its web page opens with."""
    own = "\n".join(
        rf"\title{{{series.title_tex}}}" if line.startswith("\\title{")
        else rf"\author{{{series.author_tex}}}" if line.startswith("\\author{") else line
        for line in first.own_lines.splitlines())
    essay = EssayDocument(docname=f"{SERIES_KEY}{series.stem}", tex="",
                          stem=f"{series.stem}-title", title=series.title, author=series.author)
    body = f"\\sphinxmaketitle\n\\noindent {series.intro_tex}\n"
    return SetEssay(essay, first.preamble, own, body)


def offprint_book(parts: Sequence[SetEssay]) -> str:
    """One LaTeX document setting each essay as if it were alone."""
    out = [parts[0].preamble, LAYOUT, "\\begin{document}"]
    # The essay's last page is shipped (\folioessayend's \clearpage) inside its group,
    # under its own \pagestyle{normal}: after \endgroup it lost its running head.
    for number, part in enumerate(parts):
        out += [f"\\folioessaystart{{{number}}}", part.own_lines,
                "\\begingroup", part.body, f"\\folioessayend{{{number}}}", "\\endgroup"]
    out.append("\\end{document}\n")
    return "\n".join(out)


def page_ranges(pages_file: Path) -> dict[int, tuple[int, int]]:
    """Essay number → (first, last) page of the book, 1-based, from ``\\jobname.pages``."""
    starts: dict[int, int] = {}
    ranges: dict[int, tuple[int, int]] = {}
    for line in pages_file.read_text(encoding="utf-8").splitlines():
        kind, number, page = line.split()
        if kind == "start":
            starts[int(number)] = int(page)
        elif int(number) in starts:
            ranges[int(number)] = (starts[int(number)], int(page))
    return ranges


def run_tex(command: list[str], cwd: Path, log: Path) -> bool:
    """Run TeX with its chatter sent to ``log``; whether it succeeded."""
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, check=False)
    return done.returncode == 0


#: Besides its own errors, pypdf raises these on a damaged PDF (a broken object read as
#: the wrong type, an index past a short array, an assertion on a page with no
#: reference): a book TeX left half-written, or a download damaged since, is a failure
#: to report, never a traceback.
DAMAGED_PDF = (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError,
               AssertionError)


def typeset_book(latexdir: Path, name: str, parts: Sequence[SetEssay]) -> tuple[bool, Path]:
    """Write and typeset one offprint book; a second pass only when labels need it."""
    work = latexdir / WORKDIR
    (work / f"{name}.tex").write_text(offprint_book(parts), encoding="utf-8")
    log = work / f"{name}.console.log"
    command = [os.environ.get("XELATEX", "xelatex"), "-interaction=nonstopmode",
               "-halt-on-error", "-no-shell-escape", f"-output-directory={WORKDIR}",
               f"{WORKDIR}/{name}.tex"]
    for _ in range(2):
        if not run_tex(command, latexdir, log):
            return False, log
        tex_log = (work / f"{name}.log").read_text(encoding="utf-8", errors="replace")
        if "Rerun to get" not in tex_log and "may have changed" not in tex_log:
            break
    return True, log


def cut_essays(book: Path, parts: Sequence[SetEssay], downloads: Path,
               report: Report) -> None:
    """Each essay's pages of a typeset book as its own PDF, written only when new
    (a series' title page goes to the book's folder, for :func:`make_series_pdfs`)."""
    for part, data in cut_pages(book, parts):
        if part.essay.docname.startswith(SERIES_KEY):
            (book.parent / f"{part.essay.stem}.pdf").write_bytes(data)
        else:
            write_pdf(downloads / f"{part.essay.stem}.pdf", data, report)


def cut_pages(book: Path, parts: Sequence[SetEssay]) -> Iterator[tuple[SetEssay, bytes]]:
    """Each essay's pages of a typeset book, as the bytes of a PDF of its own."""
    from pypdf import PdfReader, PdfWriter  # imported here: only PDF builds need it

    reader = PdfReader(book)
    ranges = page_ranges(book.with_suffix(".pages"))
    outline = reader.outline
    for number, part in enumerate(parts):
        if number not in ranges:
            raise ValueError(f"{book.with_suffix('.pages').name} has no pages for "
                             f"{part.essay.tex or part.essay.stem}")
        first, last = ranges[number]
        writer = PdfWriter()
        writer.append(reader, pages=(first - 1, last), import_outline=False)
        # The outline: the essay's title, its sections (the book's bookmarks
        # on its pages) under it.
        top = writer.add_outline_item(title=part.essay.title, page_number=0)
        add_outline(writer, reader, outline, range(first - 1, last), top)
        writer.add_metadata({"/Title": part.essay.title, "/Author": part.essay.author,
                             "/Creator": "Folio", "/Producer": "Folio (XeTeX, pypdf)"})
        # No dates and no file identifier: the same pages give the same bytes.
        buffer = io.BytesIO()
        writer.write(buffer)
        yield part, buffer.getvalue()


def add_outline(writer: Any, reader: Any, items: list[Any], pages: range,
                parent: Any) -> None:
    """Copy the bookmarks that point into ``pages``, nested as they were."""
    previous = parent
    for item in items:
        if isinstance(item, list):
            add_outline(writer, reader, item, pages, previous)
            continue
        page = reader.get_destination_page_number(item)
        if page in pages:
            previous = writer.add_outline_item(title=str(item.title),
                                               page_number=page - pages.start,
                                                parent=parent)


def write_pdf(path: Path, data: bytes, report: Report, *, series: bool = False) -> None:
    """An essay's (or a series') PDF, counted as written or unchanged (its time kept
    when unchanged)."""
    if path.is_file() and path.read_bytes() == data:
        if series:
            report.series_unchanged += 1
        else:
            report.unchanged += 1
        return
    path.write_bytes(data)
    (report.series_written if series else report.written).append(path.name)


def series_digest(series: Series, digests: dict[str, str]) -> str:
    """What a series' PDF is made of: its title page's words, its parts and theirs."""
    record = json.dumps([LAYOUT_VERSION, series.stem, series.title, series.author,
                         series.title_tex, series.author_tex, series.intro_tex,
                         [(name, digests.get(name, "")) for name in series.parts]])
    return hashlib.sha256(record.encode()).hexdigest()


def join_series(series: Series, title: Path, parts: Sequence[Path]) -> bytes:
    """A series' PDF: its title page, then each part's own PDF with its bookmarks."""
    from pypdf import PdfWriter  # imported here: only PDF builds need it

    writer = PdfWriter()
    writer.append(title, import_outline=False)
    writer.add_outline_item(title=series.title, page_number=0)
    for part in parts:
        writer.append(part)
    writer.add_metadata({"/Title": series.title, "/Author": series.author,
                         "/Creator": "Folio", "/Producer": "Folio (XeTeX, pypdf)"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def compile_collection(latexdir: Path, tex: str) -> tuple[bool, Path]:
    """The collection's own PDF, with ``latexmk`` (contents, index, as many passes as needed)."""
    log = latexdir / f"{Path(tex).stem}.console.log"
    command = [os.environ.get("LATEXMK", "latexmk"), "-xelatex", "-interaction=nonstopmode",
               "-halt-on-error", tex]
    return run_tex(command, latexdir, log), log


def chunks(parts: Sequence[SetEssay]) -> list[list[SetEssay]]:
    """Offprint books: essays with the same preamble, ``BOOK_SIZE`` at a time."""
    by_preamble: dict[str, list[SetEssay]] = {}
    for part in parts:
        by_preamble.setdefault(part.preamble, []).append(part)
    books = []
    for group in by_preamble.values():
        books += [group[i:i + BOOK_SIZE] for i in range(0, len(group), BOOK_SIZE)]
    return books


def read_list(latexdir: Path) -> tuple[list[EssayDocument], list[str], list[Series]]:
    """The essays, the collection's documents and the series the LaTeX build listed
    (no series from a list older than series PDFs); :class:`BadInput` when the list
    is missing or not the extension's."""
    path = latexdir / ESSAY_LIST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        essays = [EssayDocument(**entry) for entry in data["essays"]]
        series = [Series(**{**entry, "parts": tuple(entry["parts"])})
                  for entry in data.get("series", [])]
        return essays, list(data["collections"]), series
    except OSError as error:
        raise BadInput(f"{path}: cannot be read ({error.strerror}); build with "
                       "'sphinx-build -b latex' first") from error
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BadInput(f"{path}: not the list the LaTeX build writes ({error}); "
                       "build with 'sphinx-build -b latex' again") from error


def read_essay(latexdir: Path, essay: EssayDocument) -> SetEssay:
    """An essay's ``.tex``, taken apart; :class:`BadInput` when it cannot be read."""
    path = latexdir / essay.tex
    try:
        return split_document(essay, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"{path}: listed in {ESSAY_LIST} but cannot be read ({error}); "
                       "build with 'sphinx-build -b latex' again") from error


def make_pdfs(latexdir: Path, downloads: Path, jobs: int, *,
              collections: bool = True) -> Report:
    """The collection's PDFs and every essay's own, redoing only what changed
    (:class:`BadInput` when the LaTeX folder is not as the extension leaves it)."""
    from pypdf.errors import PyPdfError  # imported here: only PDF builds need pypdf

    report = Report()
    essays, collection_files, listed_series = read_list(latexdir)
    parts = [read_essay(latexdir, e) for e in essays]
    downloads.mkdir(parents=True, exist_ok=True)
    work = latexdir / WORKDIR
    work.mkdir(exist_ok=True)
    manifest_path = latexdir / OFFPRINTS
    manifest: dict[str, dict[str, str]] = read_mapping(manifest_path)
    stale = [p for p in parts
             if manifest.get(p.essay.docname, {}).get("digest") != p.digest
             or manifest.get(p.essay.docname, {}).get("stem") != p.essay.stem
             or not (downloads / f"{p.essay.stem}.pdf").is_file()]
    report.unchanged = len(parts) - len(stale)
    # Essays that are gone take their PDFs with them.
    current = {p.essay.docname for p in parts}
    for docname, entry in sorted(manifest.items()):
        if docname not in current and not docname.startswith(SERIES_KEY):
            (downloads / f"{entry['stem']}.pdf").unlink(missing_ok=True)
            report.removed.append(f"{entry['stem']}.pdf")
    for old in work.iterdir():
        old.unlink()

    # The series whose PDF is to be (re)made: each one's title page joins the books.
    by_name = {p.essay.docname: p for p in parts}
    digests = {p.essay.docname: p.digest for p in parts}
    series = [s for s in listed_series if all(name in by_name for name in s.parts)]
    redo = [s for s in series
            if manifest.get(SERIES_KEY + s.stem, {}).get("digest") != series_digest(s, digests)
            or not (downloads / f"{s.stem}.pdf").is_file()]
    current |= {SERIES_KEY + s.stem for s in series}
    report.series_unchanged = len(series) - len(redo)
    for key, entry in sorted(manifest.items()):
        if key.startswith(SERIES_KEY) and key not in current:
            (downloads / f"{entry['stem']}.pdf").unlink(missing_ok=True)
            report.removed.append(f"{entry['stem']}.pdf")

    books = chunks(stale + [title_page(s, by_name[s.parts[0]]) for s in redo])
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        collection_runs = [pool.submit(compile_collection, latexdir, tex)
                           for tex in (collection_files if collections else [])]
        book_runs = [pool.submit(typeset_book, latexdir, f"offprints-{n + 1}", book)
                     for n, book in enumerate(books)]
        for n, (book, run) in enumerate(zip(books, book_runs, strict=True)):
            ok, log = run.result()
            if not ok:
                report.failures.append((f"essay PDFs (book {n + 1})", log))
                continue
            report.warnings += tex_warnings(work / f"offprints-{n + 1}.log")
            try:
                cut_essays(work / f"offprints-{n + 1}.pdf", book, downloads, report)
            except (PyPdfError, *DAMAGED_PDF) as error:
                # TeX said it succeeded, yet left no book to cut: tried again next time.
                report.failures.append((f"essay PDFs (book {n + 1}): offprints-{n + 1}.pdf "
                                        f"cannot be cut ({error})", log))
                continue
            for part in book:
                if not part.essay.docname.startswith(SERIES_KEY):
                    manifest[part.essay.docname] = {"digest": part.digest,
                                                    "stem": part.essay.stem}
        for tex, run in zip(collection_files if collections else [], collection_runs,
                            strict=True):
            ok, log = run.result()
            pdf = latexdir / f"{Path(tex).stem}.pdf"
            if not ok or not pdf.is_file():
                report.failures.append((tex, log))
                continue
            report.warnings += tex_warnings(pdf.with_suffix(".log"))
            shutil.copy2(pdf, downloads / pdf.name)
            report.collections.append(pdf.name)
    make_series_pdfs(redo, digests, work, downloads, manifest, report)
    manifest = {k: v for k, v in sorted(manifest.items()) if k in current}
    write_if_changed(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
    return report


def make_series_pdfs(redo: Sequence[Series], digests: dict[str, str], work: Path,
                     downloads: Path, manifest: dict[str, dict[str, str]],
                     report: Report) -> None:
    """Each series to be remade, from its title page and its parts' PDFs (skipped, and
    tried again next time, when one of them failed to typeset or cannot be read)."""
    from pypdf.errors import PyPdfError  # imported here: only PDF builds need pypdf

    for series in redo:
        title = work / f"{series.stem}-title.pdf"
        done = [manifest.get(name, {}) for name in series.parts]
        if not title.is_file() or any(entry.get("digest") != digests[name]
                                      for name, entry in zip(series.parts, done, strict=True)):
            continue
        files = [downloads / f"{entry['stem']}.pdf" for entry in done]
        try:
            joined = join_series(series, title, files)
        except (PyPdfError, *DAMAGED_PDF) as error:
            # A part's PDF damaged since it was cut: the series waits for the next build.
            log = work / f"{series.stem}.join.log"
            log.write_text(f"{series.stem}.pdf cannot be joined from {title.name} and "
                           f"{', '.join(f.name for f in files)}: {error!r}\n", encoding="utf-8")
            report.failures.append((f"series PDF {series.stem}: cannot be joined ({error})", log))
            continue
        write_pdf(downloads / f"{series.stem}.pdf", joined, report, series=True)
        manifest[SERIES_KEY + series.stem] = {"digest": series_digest(series, digests),
                                              "stem": series.stem}


def tex_warnings(log: Path) -> list[str]:
    """The lines of a TeX log a writer must see: glyphs the fonts lack."""
    if not log.is_file():
        return []
    text = log.read_text(encoding="utf-8", errors="replace")
    return sorted({line.strip() for line in text.splitlines() if "Missing character" in line})


def tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.is_file() else []
    errors = [i for i, line in enumerate(text) if line.startswith("!")]
    start = max(0, (errors[0] - 5) if errors else len(text) - lines)
    return "\n".join(text[start:start + lines])


def summary(report: Report, downloads: Path, seconds: float) -> str:
    essays = len(report.written) + report.unchanged
    lines = [f"PDF: {', '.join(report.collections) or 'no collection PDF'} and "
             f"{essays} essay PDFs in {downloads} ({len(report.written)} written, "
             f"{report.unchanged} unchanged) in {seconds:.0f} s"]
    series = len(report.series_written) + report.series_unchanged
    if series:
        lines.append(f"PDF: {series} series PDFs ({len(report.series_written)} written, "
                     f"{report.series_unchanged} unchanged)")
    if report.removed:
        lines.append(f"PDF: removed {len(report.removed)} for essays or series that are gone")
    lines += [f"PDF warning: {warning}" for warning in report.warnings]
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m folio.commands.offprints",
                                     description="The collection's PDF and every essay's own.")
    parser.add_argument("latexdir", type=Path, help="the LaTeX builder's output folder")
    parser.add_argument("downloads", type=Path, help="where the PDFs go")
    parser.add_argument("--jobs", "-j", type=int, default=len(os.sched_getaffinity(0)),
                        help="TeX runs at once (default: the CPUs)")
    parser.add_argument("--essays-only", action="store_true",
                        help="only the essays' PDFs, not the collection's")
    args = parser.parse_args(list(argv) if argv is not None else None)
    began = time.perf_counter()
    try:
        report = make_pdfs(args.latexdir, args.downloads, args.jobs,
                           collections=not args.essays_only)
    except BadInput as error:
        print(error, file=sys.stderr)
        return 2
    for what, log in report.failures:
        print(f"PDF failed: {what}; the full log is {log}\n{tail(log)}", file=sys.stderr)
    print(summary(report, args.downloads, time.perf_counter() - began))
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
