"""A stand-in for ``xelatex`` that sets an offprint book in pypdf pages, in milliseconds.

It reads the book :mod:`folio.commands.offprints` wrote and makes, for each
essay between ``\\folioessaystart{n}`` and ``\\folioessayend{n}``, one page per
``\\newpage``-separated part, saying the essay's title and its words (commands
left out), with a bookmark for each ``\\section``; it writes the book's PDF,
the ``\\jobname.pages`` file real TeX writes through the offprint layout, and a
log (with a "Missing character" line when the book holds ☃).  A book with
``\\undefinedcs`` fails as TeX does: an error on the console, exit 1.

    fake_xelatex [TeX options] folio-offprints/offprints-1.tex
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

ESSAY = re.compile(r"\\folioessaystart\{(\d+)\}(.*?)\\folioessayend\{\1\}", re.S)
COMMAND = re.compile(r"\\\w+(\{.*?\})?")


def text_pdf(pages: list[str], bookmarks: list[tuple[str, int]]) -> bytes:
    """A PDF whose pages say ``pages`` (in Helvetica), with top-level bookmarks."""
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    for words in pages:
        page = writer.add_blank_page(width=300, height=400)
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        text = words.encode("latin-1", "replace")
        for special in (b"\\", b"(", b")"):
            text = text.replace(special, b"")
        stream = DecodedStreamObject()
        stream.set_data(b"BT /F1 10 Tf 20 380 Td (" + text + b") Tj ET")
        page[NameObject("/Contents")] = writer._add_object(stream)
    for title, number in bookmarks:
        writer.add_outline_item(title=title, page_number=number)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def main() -> None:
    tex = Path(sys.argv[-1])
    text = tex.read_text(encoding="utf-8")
    if "\\undefinedcs" in text:
        print("! Undefined control sequence.")
        sys.exit(1)
    pages: list[str] = []
    bookmarks: list[tuple[str, int]] = []
    numbers: list[str] = []
    for number, body in ESSAY.findall(text):
        found = re.search(r"\\title\{(.*?)\}", body)
        title = found.group(1) if found else ""
        numbers.append(f"start {number} {len(pages) + 1}")
        for page in body.split("\\newpage"):
            bookmarks += [(section, len(pages))
                          for section in re.findall(r"\\section\{(.*?)\}", page)]
            pages.append(" ".join(f"{title} {COMMAND.sub(' ', page)}".split()))
        numbers.append(f"end {number} {len(pages)}")
    tex.with_suffix(".pdf").write_bytes(text_pdf(pages, bookmarks))
    tex.with_suffix(".pages").write_text("\n".join(numbers) + "\n", encoding="utf-8")
    missing = "Missing character: There is no ☃ in font Gentium!\n" if "☃" in text else ""
    tex.with_suffix(".log").write_text(missing + "Output written\n", encoding="utf-8")


if __name__ == "__main__":
    main()
