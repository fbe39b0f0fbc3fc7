"""Benchmark ``folio import-wordpress``: time and peak memory on generated exports.

    python bench/import_wordpress.py [--sizes 1000 2000] [--work DIR]

For each size N it writes a deterministic WXR 1.2 export of N posts (classic
and block editor alternating; every other post with a cover caption, quotes
ending "(p69)", an in-text "(p70)", a related-reading list of links to
other posts, three approved comments and one spam), then runs the import in
a fresh process and reports the wall time, the CPU time (less sensitive to
other work on a shared machine) and the peak resident memory
(``resource.getrusage``, the whole process: Python, the parsers, the
converter), then runs it again (nothing to change: the re-run check).

"Flat memory" means the peak hardly grows with N: the export is read one
``<item>`` at a time and each essay is written to the staging folder as
soon as it is made.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_timing import measure

WORDS = ["book", "page", "reader", "quiet", "river", "letter", "winter", "garden", "window",
         "evening", "memory", "house", "voice", "silence", "morning", "story", "chapter",
         "question", "answer", "light", "shadow", "road", "field", "friend", "stranger",
         "promise", "return"]


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def post(rng: random.Random, number: int, total: int) -> str:
    slug = f"post-{number:05d}"
    link = f"https://bench.example.org/2019/01/01/{slug}/"
    block = number % 2 == 0
    paragraphs = [" ".join(sentence(rng) for _ in range(5)) for _ in range(8)]
    parts: list[str] = []
    cover = number % 2 == 1
    if cover:
        parts.append(
            f'[caption width="300"]<img src="https://bench.example.org/wp-content/uploads/'
            f'c{number}.jpg" alt="A cover" /> Cover of the 2006 Faber and Faber paperback '
            f"edition of 'Book {number}' by Author {number % 50}, first published in 2005. "
            "Page references in this article are to this paperback edition.[/caption]")
    for index, text in enumerate(paragraphs):
        if cover and index == 2:
            parts.append(f"<blockquote>{sentence(rng)} (p{index + 60})</blockquote>")
            text += " As it says again (p70)."
        parts.append(f"<!-- wp:paragraph --><p>{text}</p><!-- /wp:paragraph -->"
                     if block else text)
    others = [(number + k) % total for k in (1, 7, 13)]
    links = "".join(f'<li><a href="https://bench.example.org/2019/01/01/post-{o:05d}/">'
                    f"Post {o}</a> [review]</li>" for o in others)
    parts.append(f"© 2019 Bench Writer\n\nRead something similar:\n<ul>{links}</ul>")
    content = "\n\n".join(parts)
    comments = "".join(
        f"<wp:comment><wp:comment_id>{number * 10 + k}</wp:comment_id>"
        f"<wp:comment_author>Reader {k}</wp:comment_author>"
        f"<wp:comment_author_email>r{k}@mail.example</wp:comment_author_email>"
        f"<wp:comment_author_IP>192.0.2.{k}</wp:comment_author_IP>"
        f"<wp:comment_date>2019-02-0{k + 1} 10:00:00</wp:comment_date>"
        f"<wp:comment_content><![CDATA[{sentence(rng)}\n\n{sentence(rng)}]]>"
        f"</wp:comment_content><wp:comment_approved>{'spam' if k == 3 else '1'}"
        "</wp:comment_approved><wp:comment_type>comment</wp:comment_type></wp:comment>"
        for k in range(4))
    return (f"<item><title>Post {number} — a subtitle</title><link>{link}</link>"
            f"<dc:creator>bench</dc:creator><guid isPermaLink=\"false\">"
            f"https://bench.example.org/?p={number + 1}</guid>"
            f"<content:encoded><![CDATA[{content}]]></content:encoded>"
            f"<excerpt:encoded><![CDATA[{sentence(rng)}]]></excerpt:encoded>"
            f"<wp:post_id>{number + 1}</wp:post_id>"
            f"<wp:post_date>2019-01-01 10:00:00</wp:post_date><wp:post_name>{slug}"
            "</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
            "<wp:post_password></wp:post_password>"
            '<category domain="category" nicename="reviews">Reviews</category>'
            f'<category domain="post_tag" nicename="t{number % 40}">t{number % 40}</category>'
            f"{comments}</item>\n")


def write_export(path: Path, total: int, seed: int = 12) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                  'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
                  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                  'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                  'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
                  "<title>Bench</title><link>https://bench.example.org</link>"
                  "<wp:wxr_version>1.2</wp:wxr_version>\n")
        for number in range(total):
            out.write(post(rng, number, total))
        out.write("</channel></rss>\n")


def measure_import(export: Path, into: Path) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak resident MB, the report's first line)."""
    run = measure("folio.commands.wordpress.command", [str(export), "--into", str(into)])
    assert run.code == 0, run
    return run.wall, run.cpu, run.peak_mb, run.report[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000, 2000])
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="folio-import-bench-"))
    print(f"{'posts':>6} {'export MB':>9} {'import s':>9} {'CPU s':>7} {'peak MB':>8} "
          f"{'re-run s':>9}")
    for size in args.sizes:
        export = work / f"export-{size}.xml"
        write_export(export, size)
        into = work / f"site-{size}" / "essays"
        seconds, cpu, peak, _line = measure_import(export, into)
        again, _cpu, _peak, line = measure_import(export, into)
        assert line.startswith(f"Imported into {into}/: 0 written, {size} unchanged"), line
        megabytes = export.stat().st_size / 1e6
        print(f"{size:>6} {megabytes:>9.1f} {seconds:>9.2f} {cpu:>7.2f} {peak:>8.0f} "
              f"{again:>9.2f}")


if __name__ == "__main__":
    main()
