"""The related-reading rule, written from its statement, not from the code.

The rule (authoring contract, "related-reading"; the weights as documented
in ``folio.ext.related.LikenessIndex``):

* two essays are alike by what they share: tags (case-insensitive), books
  cited, and the author;
* each shared thing weighs ``log((N + 1) / n)`` where ``N`` is the number of
  essays and ``n`` the number having it, so rare things count more; an
  author *every* essay has says nothing and weighs 0;
* similar essays: those with a positive likeness, highest first, ties to the
  newest, then by name; never the essay itself nor one already listed by
  hand in the other list;
* different essays: from the other genres (by their main genre, and sharing
  none of this essay's genres), taking turns between genres in name order;
  within a genre the newest first, but starting at a place that depends on
  the essay (``crc32(name) mod count``, going round), so different essays
  point to different places;
* a list the writer gave is kept as given; ``auto: false`` fills nothing.

Deliberately quadratic and simple: every pair is compared directly.  Tests
compare ``folio.ext.related.choose_related`` with this on fixed and generated
collections.
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Collection, Mapping

from folio.core.records import Essay, Reading, RelatedRequest


def things(essay: Essay, books: Collection[str]) -> set[tuple[str, str]]:
    """What an essay has that another might share: (kind, value) pairs."""
    have = {("tag", tag.casefold()) for tag in essay.tags}
    have |= {("book", key) for key in books}
    if essay.author:
        have.add(("author", essay.author.casefold()))
    return have


def newness(essay: Essay) -> tuple[int, str]:
    """Sort key: newest first, then by name."""
    return (-(essay.date.toordinal() if essay.date else 0), essay.docname)


def reference_choose_related(
    essays: Mapping[str, Essay],
    books: Mapping[str, Collection[str]],
    requests: Mapping[str, RelatedRequest],
) -> dict[str, Reading]:
    has = {name: things(essay, books.get(name, ())) for name, essay in essays.items()}
    total = len(essays)

    def weight(thing: tuple[str, str]) -> float:
        count = sum(1 for name in essays if thing in has[name])
        if thing[0] == "author" and count == total > 1:
            return 0.0
        return math.log((total + 1) / count)

    def likeness(one: str, other: str) -> float:
        score = 0.0
        # Added in a fixed order (by the thing's written form) so that equal
        # sets give bit-identical sums.
        for thing in sorted(has[one] & has[other], key=lambda t: f"{t[0]}:{t[1]}"):
            score += weight(thing)
        return score

    def similar(name: str, exclude: Collection[str], limit: int) -> list[str]:
        scored = []
        for other in essays:
            if other == name or other in exclude:
                continue
            score = likeness(name, other)
            if score > 0:
                scored.append((-round(score, 9), newness(essays[other])))
        scored.sort()
        return [key[1] for _score, key in scored][:limit]

    def different(name: str, exclude: Collection[str], limit: int) -> list[str]:
        mine = set(essays[name].genres)
        turns = []
        for other_genre in sorted({e.genre for e in essays.values() if e.genre} - mine):
            members = sorted((e for e in essays.values()
                              if e.genre == other_genre and e.docname not in exclude
                              and e.docname != name and not mine & set(e.genres)),
                             key=newness)
            if not members:
                continue
            start = zlib.crc32(name.encode("utf-8")) % len(members)
            turns.append([e.docname for e in members[start:] + members[:start]])
        interleaved = [n for row in itertools.zip_longest(*turns) for n in row if n]
        return interleaved[:limit]

    chosen: dict[str, Reading] = {}
    for name, request in requests.items():
        picked_similar = list(request.similar or ())
        picked_different = list(request.different or ())
        if name in essays and request.auto:
            if request.similar is None:
                picked_similar = similar(name, set(picked_different), request.limit)
            if request.different is None:
                picked_different = different(name, set(picked_similar), request.limit)
        chosen[name] = Reading(tuple(picked_similar), tuple(picked_different))
    return chosen
