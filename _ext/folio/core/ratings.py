"""Ratings on the writer's own scale (``folio_rating_scale``, whole or half steps).

An essay's ``rating:`` and a book file's ``rating:`` are read by the same rule,
so a rating means the same in the byline, the library and a book's page.
"""

from __future__ import annotations

import math

#: The lowest rating there is: no stars at all (schema.org's ``worstRating``).
WORST = 0


def parse_rating(text: str, scale: int) -> tuple[float | None, str]:
    """A rating as written, checked: (value, problem).

    A value off the scale (below 0, above ``scale``) or not a number is
    dropped; a value between halves (``4.25``) is kept at the nearest half
    and reported, so the build goes on with what the writer most likely meant.
    """
    written = text.strip()
    try:
        value = float(written.replace(",", "."))
    except ValueError:
        return None, f"rating {written!r} is not a number (0 to {scale}, halves allowed)"
    if not math.isfinite(value) or value < WORST or value > scale:
        return None, f"rating {written!r} is off the scale (0 to {scale})"
    if value * 2 != int(value * 2):
        nearest = math.floor(value * 2 + 0.5) / 2
        return nearest, (f"rating {written!r} is not a whole or half number; "
                         f"shown as {format_value(nearest)}")
    return value, ""


def format_value(value: float) -> str:
    """``4`` or ``4.5``: never ``4.0``."""
    return str(int(value)) if value == int(value) else str(value)


def stars(value: float, scale: int) -> str:
    """``★★★★☆`` (4 of 5), ``★★★½☆`` (3.5 of 5): one mark per point of the scale."""
    full = int(value)
    half = value - full >= 0.5
    return "★" * full + ("½" if half else "") + "☆" * (scale - full - (1 if half else 0))
