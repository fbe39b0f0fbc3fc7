"""Page locators: ``69``, ``274–275``, ``xii``, as a quotation gives its pages.

Pure functions of text, shared by ``page-quote`` and ``{page}`` (which read
and check a locator), the library and the quotations index (which sort by
page: roman front matter before arabic pages).
"""

from __future__ import annotations

import re

from folio.core.records import PageSpan, Quote

ROMAN = re.compile(r"^(?=[mdclxvi])m{0,3}(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")
RANGE = re.compile(r"\s*[-–—]\s*")


def roman_value(text: str) -> int | None:
    """The value of a lower-case roman numeral, or ``None``."""
    if not ROMAN.match(text):
        return None
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for here, after in zip(text, [*text[1:], ""], strict=True):
        value = values[here]
        total += -value if after and values[after] > value else value
    return total


def page_value(text: str) -> tuple[str, int] | None:
    """``("arabic", 69)`` or ``("roman", 12)``; ``None`` for anything else."""
    if re.fullmatch(r"[0-9]{1,6}", text):
        return ("arabic", int(text))
    value = roman_value(text.lower())
    return ("roman", value) if value else None


def parse_locator(text: str) -> tuple[PageSpan, ...]:
    """``69``, ``274-275``, ``274–275``, ``xii``, ``12, 14`` → page spans.

    Raises ``ValueError`` with a message a writer can act on.
    """
    if not text.strip():
        raise ValueError("no page given")
    spans: list[PageSpan] = []
    for item in text.split(","):
        item = item.strip()
        ends = RANGE.split(item) if item else []
        if not ends or len(ends) > 2 or not all(ends):
            raise ValueError(f"{item!r} is not a page or a range of pages")
        values = [page_value(end) for end in ends]
        for end, value in zip(ends, values, strict=True):
            if value is None:
                raise ValueError(f"{end!r} is not a page number (use 69 or xii)")
        if len(ends) == 2:
            (kind1, first), (kind2, last) = values  # type: ignore[misc]
            if kind1 != kind2 or first > last:
                raise ValueError(f"{item!r} is not a range from a lower page to a higher one")
            spans.append(PageSpan(ends[0], ends[1]))
        else:
            spans.append(PageSpan(ends[0]))
    return tuple(spans)


def pages_outside(spans: tuple[PageSpan, ...], pages: int) -> list[str]:
    """The arabic page numbers in ``spans`` that a ``pages``-page book lacks."""
    outside = []
    for span in spans:
        for end in (span.first, span.last):
            value = page_value(end) if end else None
            if value and value[0] == "arabic" and not 1 <= value[1] <= pages:
                outside.append(end)
    return outside


def page_order(quote: Quote) -> tuple[int, int, str]:
    """Roman front matter before arabic pages, each in number order."""
    first = quote.pages[0].first if quote.pages else ""
    value = page_value(first)
    if value is None:
        return (2, 0, first)
    kind, number = value
    return (0 if kind == "roman" else 1, number, first)
