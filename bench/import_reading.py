"""Benchmark ``folio import goodreads``: time and peak memory on a generated export.

    python bench/import_reading.py [--rows 5000] [--work DIR]

Target (issue 22): a 5,000-row Goodreads export imported in at most 10 s
and 200 MB.  The export is written deterministically in Goodreads' 24-column
layout: ``="…"`` ISBN cells (every tenth ``=""``, every twentieth an ISBN-10
only), a rating on half the rows (0 on the rest), three custom shelves in
five, a review with ``<br/>``, ``<b>``, a ``<blockquote>`` and a
``[b:Title|id|…]`` link on every eighth row, every fiftieth row a second
edition of the row before.  The import runs in a fresh process (the
wall time, the CPU time, less sensitive to other work on the shared
machine, and the peak resident memory of the whole process from
``resource.getrusage``), then again over the same export (nothing to
change: the re-run), then once more with ``--reviews drafts``.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_timing import measure

HEADER_ROW = ("Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,"
              "Average Rating,Publisher,Binding,Number of Pages,Year Published,"
              "Original Publication Year,Date Read,Date Added,Bookshelves,"
              "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,"
              "Read Count,Owned Copies")
HEADER = HEADER_ROW.split(",")
WORDS = ["river", "letter", "winter", "garden", "window", "evening", "memory", "house",
         "voice", "silence", "morning", "story", "chapter", "light", "shadow", "road",
         "field", "friend", "stranger", "promise", "return", "harbour", "orchard", "bell"]
SHELVES = ["classics", "favourites", "book-club", "2019", "2020", "2021", "sea", "letters"]


def check13(stem: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(stem))
    return stem + str((10 - total % 10) % 10)


def check10(stem: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(stem))
    digit = (11 - total % 11) % 11
    return stem + ("X" if digit == 10 else str(digit))


def row(rng: random.Random, number: int, previous: dict[str, str] | None) -> dict[str, str]:
    if previous is not None and number % 50 == 0:  # another edition of the row before
        other = dict(previous)
        other["Book Id"] = str(900000 + number)
        other["ISBN13"] = f'="{check13(f"978{number:09d}")}"'
        other["Binding"] = "Hardcover"
        return other
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))).title()
    title = f"{title} {number}"
    author = f"{rng.choice(WORDS).title()}  {rng.choice(WORDS).title()}son"
    read = number % 3 != 0
    year = rng.randint(1990, 2024)
    stem10 = f"{number:09d}"
    isbn13 = "" if number % 10 == 0 or number % 20 == 5 else check13(f"979{number:09d}")
    isbn10 = check10(stem10) if number % 20 == 5 else ""
    shelves = rng.sample(SHELVES, 3) if number % 5 < 3 else []
    exclusive = "read" if read else "to-read"
    review = ""
    if number % 8 == 0 and read:
        review = ("A " + " ".join(rng.choice(WORDS) for _ in range(40)) + ".<br/><br/>"
                  f"Better than [b:Other Book|{number}|Other Book|Someone|https://x.example/"
                  f"{number}.jpg|{number}], <b>truly</b>.<br/><blockquote>"
                  + " ".join(rng.choice(WORDS) for _ in range(20)) + "</blockquote>")
    return {
        "Book Id": str(number), "Title": title, "Author": author.replace("  ", " "),
        "Author l-f": "", "Additional Authors": "Ann Editor" if number % 7 == 0 else "",
        "ISBN": f'="{isbn10}"', "ISBN13": f'="{isbn13}"',
        "My Rating": str(rng.randint(1, 5)) if read and number % 2 else "0",
        "Average Rating": "3.91", "Publisher": "Bench Press", "Binding": "Paperback",
        "Number of Pages": str(rng.randint(90, 900)), "Year Published": str(year),
        "Original Publication Year": str(year - rng.randint(0, 80)),
        "Date Read": f"{rng.randint(2010, 2025)}/{rng.randint(1, 12):02d}/"
                     f"{rng.randint(1, 28):02d}" if read else "",
        "Date Added": "2009/01/01", "Bookshelves": ", ".join([*shelves, exclusive]),
        "Bookshelves with positions": "", "Exclusive Shelf": exclusive, "My Review": review,
        "Spoiler": "", "Private Notes": "", "Read Count": "1" if read else "0",
        "Owned Copies": "0"}


def write_export(path: Path, rows: int, seed: int = 22) -> None:
    rng = random.Random(seed)
    previous = None
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        for number in range(1, rows + 1):
            previous = row(rng, number, previous)
            writer.writerow(previous)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="folio-bench-reading-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        export = work / "goodreads_library_export.csv"
        write_export(export, args.rows)
        print(os.popen("uptime").read().strip())
        print(f"rows {args.rows}, export {export.stat().st_size / 1e6:.1f} MB")
        print(f"{'run':<22} {'wall s':>7} {'CPU s':>6} {'peak MB':>8}  report")
        for label, into, extra in (("first import", work / "books", []),
                                   ("re-run (no change)", work / "books", []),
                                   ("--reviews drafts", work / "drafts" / "books",
                                    ["--reviews", "drafts"])):
            run = measure("folio.commands.goodreads", [str(export), "--into", str(into),
                                                       *extra])
            assert run.code == 0, (label, run)
            print(f"{label:<22} {run.wall:>7.2f} {run.cpu:>6.2f} {run.peak_mb:>8.0f}  "
                  f"{run.report[1]}")
        print(os.popen("uptime").read().strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
