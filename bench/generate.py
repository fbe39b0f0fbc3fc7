"""Generate a deterministic collection of N essays for benchmarking Folio.

    python bench/generate.py TARGET --n 1000 [--seed 6] [--books 5000]
        [--plain [--small-sidebar]] [--words uniform|zipf]

Without ``--plain`` the collection uses every Folio directive and role
(``book-citation``, ``page-quote``, ``{page}``, ``{book}``, ``related-reading``,
``spoiler``, ``essay-list``) with the repository's ``conf.py`` settings.

``--plain`` writes the *same* corpus (same words, same books, same front
matter) for plain Sphinx + MyST + sphinx_book_theme, without Folio: each
directive becomes the plain Markdown a writer would type by hand (a caption
paragraph instead of the figure, a blockquote ending in "(p69)", plain links
for related reading, a bold heading before a spoiler).  The baseline keeps the
theme's default sidebar (the whole site's toctree on every page) unless
``--small-sidebar`` is given: then a static copy of a small sidebar (recent
essays, genre counts; the same size as Folio's) is written into
``_templates/`` by this script, without any Folio code.

No network, no randomness beyond ``random.Random(seed)``: the same arguments
always give the same files.
"""

from __future__ import annotations

import argparse
import datetime
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

EXT_DIR = Path(__file__).resolve().parent.parent / "_ext"
GENRES = ("review", "memoir", "fiction", "opinion")

_WORDS_TEXT = """
a about above across after again against all almost alone along already also although
always among an and another any anyone anything are around as at away back be because been
before behind being below beneath beside between beyond book both but by can chapter
character close come could dark day death desire did does door down dream during each
early earth edge either end enough even evening every eye face fact far father feel few
field find fire first for from garden give glass go good great hand hard have he head hear
heart her here high him his home hope house how i idea if in into is it its itself just
keep kind know land language last late later leave less letter life light like line little
long look lose love make man many margin may me memory might mind moment more morning most
mother much must my name narrator near never new next night no not nothing novel now of
off often old on once one only open or other our out over own page paper part past people
perhaps place plot poem point power prose quiet rather read reader real reason river road
room same say sea second see seem sentence shadow she should side silence since small so
some something sometimes soon speak still story street such summer sun take tell than that
the their them then there these they thing think this those though thought through time to
together too toward town tree true turn under until up upon us very voice wait walk wall
want water way we well were what when where whether which while white who whole why wind
window winter with within without woman word work world would write writer year yet you
young
"""
WORDS = tuple(_WORDS_TEXT.split())

_TAG_POOL_TEXT = """
ambition solitude science memory grief childhood the-sea cities war family friendship
exile faith money love marriage work nature travel empire translation letters journals
madness justice youth ageing home music art politics education illness animals weather
food gardens islands rivers winter summer night
"""
TAG_POOL = tuple(_TAG_POOL_TEXT.split())

FIRST = ("Ada", "Bram", "Clara", "Daniel", "Edith", "Felix", "Greta", "Hugo", "Iris", "Jonas",
         "Kathe", "Leo", "Mara", "Nils", "Olive", "Pavel", "Rosa", "Silas", "Thea", "Viktor")
LAST = ("Abbott", "Bellamy", "Carver", "Dunmore", "Ellery", "Fairbank", "Garland", "Holloway",
        "Ingram", "Jessop", "Kettering", "Lindqvist", "Marlowe", "Northcott", "Orme",
        "Pemberton", "Quill", "Ravenscroft", "Sallow", "Thorne")
PUBLISHERS = ("Penguin Classics", "Faber and Faber", "Vintage", "Oxford World's Classics",
              "Picador", "Granta", "Everyman's Library", "New Directions")
EDITIONS = ("paperback", "hardback", "revised", "anniversary")


def isbn13(rng: random.Random) -> str:
    """A random ISBN-13 (978 prefix) with a correct check digit, hyphenated."""
    digits = [9, 7, 8] + [rng.randrange(10) for _ in range(9)]
    total = sum(d * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
    digits.append((10 - total % 10) % 10)
    text = "".join(map(str, digits))
    return f"{text[:3]}-{text[3]}-{text[4:7]}-{text[7:12]}-{text[12]}"


@dataclass
class Book:
    key: str
    title: str
    author: str
    publisher: str
    year: int
    first: int
    edition: str
    isbn: str
    pages: int

    def citation(self) -> str:
        return (f"```{{book-citation}} {self.key}\n:title: {self.title}\n:author: {self.author}\n"
                f":publisher: {self.publisher}\n:year: {self.year}\n"
                f":first-published: {self.first}\n:edition: {self.edition}\n"
                f":isbn: {self.isbn}\n:pages: {self.pages}\n```\n")

    def caption(self) -> str:
        """The caption Folio would write, as a plain paragraph."""
        first = f", first published in {self.first}" if self.first != self.year else ""
        return (f"Cover of the {self.year} {self.publisher} {self.edition} edition of "
                f"*{self.title}* by {self.author}{first}. Page references in this essay are "
                "to this edition.\n")


@dataclass
class Essay:
    slug: str
    title: str
    date: datetime.date
    genre: str
    tags: list[str]
    summary: str
    books: list[Book]
    similar: list[str] | None  # explicit :similar:, else automatic
    spoiler: bool
    paragraphs: list[str] = field(default_factory=list)
    quotes: list[tuple[int, str, Book]] = field(default_factory=list)


@dataclass(frozen=True)
class Vocabulary:
    """How the essays' words are drawn.

    ``uniform`` (the default, every bench's corpus): each of :data:`WORDS` alike,
    so every word is in every essay of a large collection: the worst case for a
    search index, whose entry for a word lists every page holding it.
    ``zipf``: a long tail as in real prose, word *r* drawn in proportion to
    1/*r* from :data:`WORDS`, then their regular forms (-s, -ing, -ed), then
    20,000 made-up names, the ranks shuffled by the seed within each group.
    """

    forms: tuple[str, ...] = WORDS
    cumulative: tuple[float, ...] = ()

    def pick(self, rng: random.Random) -> str:
        if not self.cumulative:
            return rng.choice(self.forms)
        return rng.choices(self.forms, cum_weights=self.cumulative)[0]


SYLLABLES = ("ka", "lo", "ren", "mi", "tor", "va", "sel", "dun", "ar", "bri", "co", "fen",
             "gal", "hol", "is", "jor", "kel", "lin", "mor", "nes", "ov", "pra", "quen",
             "ros", "sta", "tul", "ur", "vin", "wes", "yar", "zel", "an", "bel", "cas")


def vocabulary(name: str, seed: int) -> Vocabulary:
    if name == "uniform":
        return Vocabulary()
    rng = random.Random(seed + 2)
    groups = [list(WORDS), [w + end for w in WORDS if len(w) > 2 for end in ("s", "ing", "ed")]]
    names: set[str] = set()
    while len(names) < 20000:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    groups.append(sorted(names))
    forms = []
    for group in groups:
        rng.shuffle(group)
        forms += group
    total, cumulative = 0.0, []
    for rank in range(1, len(forms) + 1):
        total += 1 / rank
        cumulative.append(total)
    return Vocabulary(tuple(forms), tuple(cumulative))


def title_case(words: list[str]) -> str:
    return " ".join(w.capitalize() for w in words)


def sentence(rng: random.Random, low: int = 8, high: int = 20,
             words_from: Vocabulary = Vocabulary()) -> str:
    words = [words_from.pick(rng) for _ in range(rng.randint(low, high))]
    roll = rng.random()
    if roll < 0.08:  # a curly-quoted phrase
        at = rng.randrange(len(words) - 2)
        words[at] = "“" + words[at]
        words[at + 1] = words[at + 1] + "”"
    elif roll < 0.14:
        at = rng.randrange(len(words) - 2)
        words[at] = "‘" + words[at]
        words[at + 1] = words[at + 1] + "’"
    elif roll < 0.22:  # an em dash aside
        words.insert(rng.randrange(2, len(words) - 1), "—")
    text = " ".join(words)
    at = next(i for i, c in enumerate(text) if c.isalpha())  # after an opening quote
    return text[:at] + text[at].upper() + text[at + 1:] + rng.choice(".....?")


def paragraph(rng: random.Random, words_from: Vocabulary = Vocabulary()) -> str:
    return " ".join(sentence(rng, words_from=words_from) for _ in range(rng.randint(4, 7)))


def make_books(rng: random.Random, n: int) -> list[Book]:
    books = []
    for i in range(max(3, n // 10)):
        first = rng.randint(1800, 2010)
        year = rng.randint(first, 2024)
        books.append(Book(
            key=f"book-{i:05d}",
            title=title_case([rng.choice(WORDS) for _ in range(rng.randint(2, 4))]),
            author=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            publisher=rng.choice(PUBLISHERS), year=year, first=first,
            edition=rng.choice(EDITIONS), isbn=isbn13(rng), pages=rng.randint(150, 800)))
    return books


def make_essays(n: int, seed: int, words_from: Vocabulary = Vocabulary()) -> list[Essay]:
    rng = random.Random(seed)
    books = make_books(rng, n)
    start = datetime.date(2005, 1, 1).toordinal()
    slugs = [f"essay-{i:05d}" for i in range(n)]
    essays = []
    for i, slug in enumerate(slugs):
        cited = rng.sample(books, 2 if rng.random() < 0.3 else 1)
        similar = None
        if i % 10 == 1 and n > 3:  # explicit :similar: in 10% of essays
            similar = rng.sample([s for s in slugs if s != slug][: max(50, i)], 2)
        essay = Essay(
            slug=slug,
            title=title_case([rng.choice(WORDS) for _ in range(rng.randint(2, 5))]),
            date=datetime.date.fromordinal(start + rng.randrange(20 * 365)),
            genre=rng.choice(GENRES),
            tags=rng.sample(TAG_POOL, rng.randint(1, 4)),
            summary=sentence(rng, 8, 14, words_from),
            books=cited, similar=similar, spoiler=rng.random() < 0.3 or i == 0)
        essay.paragraphs = [paragraph(rng, words_from) for _ in range(rng.randint(18, 21))]
        for _ in range(rng.randint(2, 3)):
            book = rng.choice(cited)
            essay.quotes.append((rng.randint(1, book.pages), sentence(rng, 10, 25, words_from),
                                 book))
        essays.append(essay)
    return essays


def front_matter(essay: Essay) -> str:
    return ("---\n"
            f"title: {essay.title}\n"
            f"subtitle: thoughts on ‘{essay.books[0].title}’ by {essay.books[0].author}\n"
            f"date: {essay.date.isoformat()}\n"
            f"genre: {essay.genre}\n"
            f"tags: [{', '.join(essay.tags)}]\n"
            f"summary: {essay.summary}\n"
            "---\n\n")


def essay_text(essay: Essay, titles: dict[str, str], plain: bool) -> str:
    """One essay: front matter, prose, a book citation, quotes, roles, maybe a spoiler."""
    book = essay.books[0]
    out = [front_matter(essay)]
    if plain:
        out.append(f"# {essay.title}\n\n*{essay.date.isoformat()} · {essay.genre} · "
                   f"{', '.join(essay.tags)}*\n\n")
    paragraphs = list(essay.paragraphs)
    mention = f"*{book.title}*" if plain else f"{{book}}`{book.key}`"
    paragraphs[0] = f"This essay is about {mention}. " + paragraphs[0]
    page, _words, quoted = essay.quotes[0]
    role = f"(p{page})" if plain else f"{{page}}`{page} <{quoted.key}>`"
    paragraphs[3] = paragraphs[3] + f" The turn comes on {role}, and it is quiet."
    blocks: list[str] = []
    for number, text in enumerate(paragraphs):
        blocks.append(text + "\n")
        if number == 1:
            for cited in essay.books:
                blocks.append(cited.caption() if plain else cited.citation())
        if number in (4, 8, 11) and (number - 4) // 4 < len(essay.quotes):
            where, words, source = essay.quotes[(number - 4) // 4]
            if plain:
                blocks.append(f"> {words} (p{where})\n")
            else:
                blocks.append(f"```{{page-quote}} {where}\n:book: {source.key}\n{words}\n```\n")
        if number == 9 and essay.spoiler:
            secret = "The ending " + essay.paragraphs[-1][:300].lower()
            if plain:
                blocks.append(f"**Spoilers**\n\n{secret}\n")
            else:
                blocks.append(f"```{{spoiler}} How it ends\n{secret}\n```\n")
    if plain:
        similar = essay.similar or []
        if similar:
            links = "\n".join(f"- [{titles[s]}]({s}.md)" for s in similar)
            blocks.append(f"## Related reading\n\nRead something similar:\n\n{links}\n")
    elif essay.similar:
        names = "\n".join(f"          {s}" for s in essay.similar[1:])
        blocks.append(f"```{{related-reading}}\n:similar: {essay.similar[0]}\n{names}\n```\n"
                      .replace("\n\n```", "\n```"))
    out.append("\n".join(blocks))
    return "".join(out)


CONF_FOLIO = '''\
"""Benchmark collection ({n} essays), generated by bench/generate.py."""

import sys
from pathlib import Path

sys.path.insert(0, {ext!r})

project = "Bench"
author = "Bench Writer"
copyright = "2005–2025 Bench Writer"
version = release = "1"
language = "en"

folio_author = author
folio_genres = ["review", "memoir", "fiction", "opinion"]
folio_page_format = "(p{{page}})"
folio_related_auto = True
folio_related_limit = 3

extensions = ["myst_parser", "sphinx_design", "folio"]
source_suffix = {{".rst": "restructuredtext", ".md": "markdown"}}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist", "smartquotes"]
myst_heading_anchors = 2
root_doc = "index"

html_theme = "sphinx_book_theme"
html_title = project
html_baseurl = "https://bench.example.org/"
html_last_updated_fmt = None
html_sidebars = {{"**": ["navbar-logo.html", "search-button-field.html", "folio-sidebar.html"]}}
html_theme_options = {{
    "show_toc_level": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
}}

# The offline files, set as in the repository's conf.py.
epub_basename = "bench"
epub_title = project
epub_author = epub_publisher = author
epub_copyright = copyright
epub_uid = epub_identifier = "bench-essays"
epub_scheme = "URN"
epub_show_urls = "no"
epub_exclude_files = ["search.html"]
latex_engine = "xelatex"
latex_show_urls = "footnote"
latex_documents = [(root_doc, "bench.tex", project, author, "manual")]
latex_elements = {{
    "fontpkg": r"\\setmainfont{{FreeSerif}}\\setsansfont{{FreeSans}}\\setmonofont{{FreeMono}}",
    "figure_align": "H",
}}
'''

CONF_PLAIN = '''\
"""Plain baseline ({n} essays, {sidebar} sidebar), generated by bench/generate.py."""

project = "Bench"
author = "Bench Writer"
copyright = "2005–2025 Bench Writer"
version = release = "1"
language = "en"

extensions = ["myst_parser", "sphinx_design"]
source_suffix = {{".rst": "restructuredtext", ".md": "markdown"}}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist", "smartquotes"]
myst_heading_anchors = 2
root_doc = "index"
templates_path = ["_templates"]

html_theme = "sphinx_book_theme"
html_title = project
html_baseurl = "https://bench.example.org/"
html_last_updated_fmt = None
{sidebars}html_theme_options = {{
    "show_toc_level": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
}}
'''

SMALL_SIDEBARS = ('html_sidebars = {"**": ["navbar-logo.html", "search-button-field.html", '
                  '"small-sidebar.html"]}\n')


def small_sidebar(essays: list[Essay]) -> str:
    """A static Jinja sidebar shaped like Folio's: six recent essays, genre counts."""
    recent = sorted(essays, key=lambda e: (-e.date.toordinal(), e.slug))[:6]
    rows = "".join(
        f'<li class="toctree-l1"><a class="reference internal" '
        f'href="{{{{ pathto(\'essays/{e.slug}\')|e }}}}">{e.title}</a></li>\n' for e in recent)
    genres = "".join(
        f'<li class="toctree-l1"><a class="reference internal" '
        f'href="{{{{ pathto(root_doc)|e }}}}">{g} ({sum(e.genre == g for e in essays)})</a></li>\n'
        for g in GENRES)
    return ('<nav class="bd-links" aria-label="Essays">\n'
            '<p class="bd-links__title caption"><a href="{{ pathto(root_doc)|e }}">Home</a></p>\n'
            '<p class="caption"><span class="caption-text">Recent essays</span></p>\n'
            f'<ul class="nav bd-sidenav">\n{rows}</ul>\n'
            '<p class="caption"><span class="caption-text">Genres</span></p>\n'
            f'<ul class="nav bd-sidenav">\n{genres}</ul>\n</nav>\n')


def index_text(essays: list[Essay], plain: bool) -> str:
    head = "# Bench\n\nA generated collection of essays about books.\n\n## Latest essays\n\n"
    if plain:
        newest = sorted(essays, key=lambda e: (-e.date.toordinal(), e.slug))
        listing = "".join(f"- [{e.title}](essays/{e.slug}.md) — {e.date.isoformat()} · "
                          f"{e.genre}. {e.summary}\n" for e in newest) + "\n"
    else:
        listing = "```{essay-list}\n:featured: 3\n```\n\n"
    toctree = "```{toctree}\n:caption: Essays\n:maxdepth: 1\n:glob:\n\nessays/*\n```\n"
    return head + listing + toctree


SHELVES = ("read", "read", "read", "reading", "to-read", "abandoned")


def book_file(book: Book, rng: random.Random) -> str:
    """A book's own file (books/<key>.md) with the record the essays give and a reading."""
    shelf = rng.choice(SHELVES)
    start = datetime.date(2005, 1, 1).toordinal()
    reads = sorted(datetime.date.fromordinal(start + rng.randrange(20 * 365)).isoformat()
                   for _ in range(rng.randint(1, 2))) if shelf == "read" else []
    lines = [f"title: {book.title}", f"author: {book.author}", f"publisher: {book.publisher}",
             f"year: {book.year}", f"first-published: {book.first}",
             f"edition: {book.edition}", f"isbn: {book.isbn}", f"pages: {book.pages}",
             f"shelf: {shelf}"]
    if reads:
        lines.append(f"read: [{', '.join(reads)}]")
        lines.append(f"rating: {rng.randint(2, 10) / 2}")
    if shelf == "reading":
        lines.append("started: 2024-11-02")
    return "---\n" + "\n".join(lines) + "\n---\n" + paragraph(rng) + "\n"


def write_books(target: Path, essays: list[Essay], count: int, seed: int) -> None:
    """``count`` book files: every book the essays cite (the same record), then others."""
    rng = random.Random(seed + 1)
    cited = sorted({b.key: b for e in essays for b in e.books}.values(), key=lambda b: b.key)
    extra = make_books(rng, max(0, count - len(cited)) * 10)[: max(0, count - len(cited))]
    folder = target / "books"
    folder.mkdir()
    for number, book in enumerate([*cited, *extra][:count]):
        if book not in cited:
            book.key = f"shelf-{number:05d}"
        (folder / f"{book.key}.md").write_text(book_file(book, rng), encoding="utf-8")


def generate(target: Path, n: int, seed: int = 6, plain: bool = False,
             small_sidebar_copy: bool = False, books: int = 0,
             words: str = "uniform") -> list[str]:
    """Write the collection into ``target`` (emptied first); return the essay docnames.

    ``books``: that many book files in ``books/`` (Folio only), the essays' books first;
    ``words``: the :class:`Vocabulary` of the essays' text.
    """
    essays = make_essays(n, seed, vocabulary(words, seed))
    titles = {e.slug: e.title for e in essays}
    if target.exists():
        shutil.rmtree(target)
    (target / "essays").mkdir(parents=True)
    if plain:
        sidebars = SMALL_SIDEBARS if small_sidebar_copy else ""
        conf = CONF_PLAIN.format(n=n, sidebar="small" if small_sidebar_copy else "default",
                                 sidebars=sidebars)
        (target / "_templates").mkdir()
        if small_sidebar_copy:
            (target / "_templates" / "small-sidebar.html").write_text(
                small_sidebar(essays), encoding="utf-8")
    else:
        conf = CONF_FOLIO.format(n=n, ext=str(EXT_DIR))
    (target / "conf.py").write_text(conf, encoding="utf-8")
    (target / "index.md").write_text(index_text(essays, plain), encoding="utf-8")
    for essay in essays:
        (target / "essays" / f"{essay.slug}.md").write_text(
            essay_text(essay, titles, plain), encoding="utf-8")
    if books and not plain:
        write_books(target, essays, books, seed)
    return [f"essays/{e.slug}" for e in essays]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--n", type=int, default=100, help="number of essays (default 100)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--plain", action="store_true",
                        help="plain Sphinx + MyST + book theme baseline, no Folio")
    parser.add_argument("--small-sidebar", action="store_true",
                        help="with --plain: a static small sidebar instead of the theme's")
    parser.add_argument("--books", type=int, default=0,
                        help="that many book files in books/ (the essays' books first)")
    parser.add_argument("--words", choices=("uniform", "zipf"), default="uniform",
                        help="how the essays' words are drawn (see Vocabulary)")
    args = parser.parse_args()
    generate(args.target, args.n, args.seed, args.plain, args.small_sidebar, args.books,
             args.words)
    print(f"wrote {args.n} essays to {args.target}")


if __name__ == "__main__":
    main()
