"""Reading years: ``reading/<year>.html``, "Reading in 2023", and ``reading/index.html``.

A year's page counts the books finished that year (every date in a book
file's ``read``: a reread counts again), month by month, as a chart and as a
table with the same figures; the books and pages read; the ratings given;
the books themselves with their covers.  Web only, generated with the other
pages (:mod:`folio.ext.library` explains the data-not-body context that keeps
an unchanged page's file as it is).

The chart is drawn at build time with pygal, a maintained, pure-Python SVG
charting library: no browser, no JavaScript (its tooltip script is left
out), small enough for every build.  The SVG is made to belong to the page:
set inline (so ``currentColor`` and the page's font reach it and dark mode
reads), its styles scoped to an id made from the year (never pygal's random
one), pygal's dated comment removed (the same sources give the same bytes),
and a ``<title>`` and ``<desc>`` for screen readers besides the table.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from folio.core import wording
from folio.core.escaping import html_text
from folio.core.records import LibraryBook
from folio.ext.domain import folio_domain
from folio.ext.generated import Pages
from folio.ext.library import Shown, book_page, cover_files, library

if TYPE_CHECKING:
    from sphinx.application import Sphinx

YEAR_TEMPLATE = "folio/year-page.html"


# -- pure functions ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finished:
    """One book finished on one day."""

    day: datetime.date
    entry: LibraryBook


def finished_by_year(records: Mapping[str, LibraryBook]) -> dict[int, list[Finished]]:
    """Year → every book finished in it, in date order (then by key)."""
    years: dict[int, list[Finished]] = defaultdict(list)
    for _key, entry in sorted(records.items()):
        for day in entry.read:
            years[day.year].append(Finished(day, entry))
    return {year: sorted(found, key=lambda f: (f.day, f.entry.book.key))
            for year, found in sorted(years.items())}


def year_page(year: int) -> str:
    return f"reading/{year}"


def page_names(records: Mapping[str, LibraryBook], wanted: set[str]) -> list[str]:
    """The reading years' pages, when ``folio_listing_pages`` wants them and a book
    file gives a date finished."""
    years = finished_by_year(records)
    if "reading" not in wanted or not years:
        return []
    return ["reading/index", *(year_page(year) for year in years)]


def by_month(found: list[Finished]) -> list[int]:
    """Books finished in each month, January first."""
    counts = Counter(f.day.month for f in found)
    return [counts.get(month, 0) for month in range(1, 13)]


# -- the chart -----------------------------------------------------------------------------------

def month_chart(year: int, counts: list[int]) -> str:
    """An SVG bar chart of the books finished each month, to set inline in the page."""
    import pygal  # only web builds with reading years need it
    from pygal.etree import etree
    from pygal.style import Style

    top = max(max(counts), 1)
    style = Style(
        background="transparent", plot_background="transparent",
        foreground="currentColor", foreground_strong="currentColor",
        foreground_subtle="currentColor", opacity="0.75", opacity_hover="0.9",
        colors=("currentColor",), font_family="inherit",
        label_font_size=13, major_label_font_size=13, value_font_size=12,
        title_font_size=15)
    chart = pygal.Bar(
        style=style, width=640, height=260, show_legend=False, js=[], no_prefix=False,
        disable_xml_declaration=True, explicit_size=False, show_y_guides=True,
        print_values=False, margin=8, spacing=6, tooltip_fancy_mode=False,
        range=(0, top), classes=["folio-chart"])
    chart.y_labels = list(range(0, top + 1, math.ceil(top / 6)))  # whole books only
    chart.uuid = f"folio-reading-{year}"  # pygal's own is random: the same year, the same id
    chart.x_labels = [name[:3] for name in wording.MONTHS]
    chart.add(wording.books_finished_label(), counts)
    root = chart.render_tree()
    for comment in [node for node in root if not isinstance(node.tag, str)]:
        root.remove(comment)  # "Generated with pygal ... on <today's date>"
    # pygal's tooltip data (each bar's value and coordinates as <desc>: the table says
    # it) and its config script (for the tooltips, which are left out).
    parents = {child: parent for parent in root.iter() for child in parent}
    for node in list(parents):
        if isinstance(node.tag, str) and node.tag.rsplit("}", 1)[-1] in ("desc", "script"):
            parents[node].remove(node)
    title_id, desc_id = f"folio-reading-{year}-title", f"folio-reading-{year}-desc"
    root.set("role", "img")
    root.set("aria-labelledby", f"{title_id} {desc_id}")
    ns = "{http://www.w3.org/2000/svg}" if root.tag.startswith("{") else ""
    desc = etree.Element(f"{ns}desc")
    desc.set("id", desc_id)
    desc.text = wording.month_counts_sentence(counts)
    title = etree.Element(f"{ns}title")
    title.set("id", title_id)
    title.text = wording.chart_title(year)
    root.insert(0, desc)
    root.insert(0, title)
    return str(etree.tostring(root, encoding="unicode"))


# -- the pages (web only) ----------------------------------------------------------------------

def year_pages(app: Sphinx, chosen: set[str]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Every reading year, and their index."""
    if "reading/index" not in chosen:
        return
    domain = folio_domain(app.env)
    years = finished_by_year(domain.library)
    shown = Shown(app)
    shelves = library(domain.books, domain.homes, domain.citations, domain.quotes,
                      domain.library)
    covers = cover_files(app, {key: shelf for key, shelf in shelves.items()
                               if key in domain.library})
    links = Pages(app, "reading/index")
    index = [{"year": year, "href": links.href(year_page(year)),
              "books": wording.count_of_books(len(found))} for year, found in years.items()]
    title = wording.READING_YEARS_TITLE
    body = app.builder.templates.render("folio/reading-years.html",
                                        {"title": title, "years": index,
                                         "separator": wording.SEPARATOR})
    yield "reading/index", {"title": html_text(title), "body": body}, "page.html"
    for year, found in years.items():
        name = year_page(year)
        if name not in chosen:
            continue
        links = Pages(app, name)
        counts = by_month(found)
        pages = sum(f.entry.book.pages or 0 for f in found)
        ratings = Counter(f.entry.rating for f in found if f.entry.rating is not None)
        months = []
        for month in range(1, 13):
            books = [f for f in found if f.day.month == month]
            if books:
                months.append((wording.MONTHS[month - 1], [{
                    "title": shown.title(f.entry.book),
                    "href": links.href(book_page(f.entry.book.key)),
                    "authors": wording.join_names(f.entry.book.authors),
                    "date": wording.format_date(f.day),
                    "cover": links.resource(covers[f.entry.book.key][0]),
                    "cover_alt": covers[f.entry.book.key][1],
                } for f in books]))
        yield name, {"title": html_text(wording.reading_year_title(year)), "folio_year": {
            "title": wording.reading_year_title(year),
            "summary": wording.year_summary(len(found), pages),
            "chart": month_chart(year, counts),
            "table": {"caption": wording.chart_title(year),
                      "headings": wording.MONTH_TABLE_HEADINGS,
                      "rows": [(m, str(c)) for m, c in zip(wording.MONTHS, counts, strict=True)]},
            "ratings": [wording.rating_tally(value, shown.scale, count)
                        for value, count in sorted(ratings.items(), reverse=True)],
            "headings": {"ratings": wording.RATINGS_GIVEN_HEADING,
                         "books": wording.BOOKS_FINISHED_HEADING},
            "months": months,
            "index": links.href("reading/index"), "index_label": title,
        }}, YEAR_TEMPLATE

