"""The one date parser: an essay's ``date:``, a response's, a command's ``--date``.

:func:`parse_date` reads what the authoring contract promises for front
matter (an ISO 8601 date; a datetime's date part is accepted too, as
WordPress and other tools write them) and says ``None`` for anything else.
Each caller decides what ``None`` means to its reader: a warning at the
line (an essay, a response), a refusal (``folio new-essay``), a fallback
(the importer, whose drafts are dated ``0000-00-00``).
"""

from __future__ import annotations

import datetime


def parse_date(value: str) -> datetime.date | None:
    """An ISO 8601 date (a datetime's date part is accepted too), or ``None``."""
    text = value.strip()
    for candidate in (text, text[:10]):
        try:
            return datetime.date.fromisoformat(candidate)
        except ValueError:
            continue
    return None
