"""Related reading: which essays an essay leads to, chosen from records alone.

:func:`choose_related` is a pure function of the collection's essays, the
books each cites and what each ``related-reading`` asked for; the extension
(:mod:`folio.ext.related`) runs it once per build and renders the lists.
No Sphinx, no docutils: ``bench/`` and the tests call it directly.
"""

from __future__ import annotations

import heapq
import math
import posixpath
import zlib
from collections import defaultdict
from collections.abc import Collection, Mapping

from folio.core.records import Essay, Reading, RelatedRequest

#: Suffixes a writer may leave on a name in ``:similar:`` and ``:different:``.
SOURCE_SUFFIXES = (".md", ".rst", ".txt")


def split_names(text: str) -> list[str]:
    """Document names, one per line or comma-separated."""
    return [name.strip() for line in text.splitlines() for name in line.split(",")
            if name.strip()]


def resolve_name(name: str, docname: str, found: Collection[str]) -> str:
    """A name as written (``real-hope``, ``/essays/real-hope``) → a docname."""
    for suffix in SOURCE_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    if name.startswith("/"):
        return posixpath.normpath(name.lstrip("/"))
    relative = posixpath.normpath(posixpath.join(posixpath.dirname(docname), name))
    if relative not in found and posixpath.normpath(name) in found:
        return posixpath.normpath(name)
    return relative


def features(essay: Essay, books: Collection[str]) -> set[str]:
    """What makes two essays alike: tags, books and authors they share."""
    found = {f"tag:{tag.casefold()}" for tag in essay.tags}
    found |= {f"book:{key}" for key in books}
    if essay.author:
        found.add(f"author:{essay.author.casefold()}")
    return found


def _newest_first(essay: Essay) -> tuple[int, str]:
    return (-(essay.date.toordinal() if essay.date else 0), essay.docname)


class LikenessIndex:
    """The collection indexed by tag, book, author and genre, built once per build.

    The rule (tests/reference_related.py states it as plain loops): similar
    essays are those sharing the most weighted features, a feature weighing
    ``log((N + 1) / df)``, ties to the newest; an author every essay shares
    (a one-writer collection) says nothing and counts for nothing.  Different
    essays take turns between the other genres, each genre's list rotated by
    a stable hash of the essay's name.

    Walking every feature's essays for every essay is quadratic (17 s for
    10,000 essays).  Instead, an essay sharing two or more *common* features
    is found in the intersection of a pair of them (cached: 40 tags make at
    most 780 pairs), one sharing a *rare* feature (a book) through that
    feature's few essays, and one sharing a single common feature scores just
    that feature's weight, so only its ``limit`` newest essays can compete.
    Scores add weights in the same order as the plain loops, so the floats,
    and the choice, are identical.
    """

    def __init__(self, essays: Mapping[str, Essay], books: Mapping[str, Collection[str]]):
        self.essays = essays
        self.own = {name: features(essay, books.get(name, ())) for name, essay in essays.items()}
        index: dict[str, list[str]] = defaultdict(list)
        for name in sorted(self.own):
            for feature in self.own[name]:
                index[feature].append(name)
        total = len(essays)
        self.weight = {
            feature: 0.0 if feature.startswith("author:") and len(names) == total > 1
            else math.log((total + 1) / len(names))
            for feature, names in index.items()
        }
        order = sorted(essays.values(), key=_newest_first)
        self.rank = {essay.docname: number for number, essay in enumerate(order)}
        self.rare = max(16, int(math.sqrt(total)))
        self.members = {feature: set(names) for feature, names in index.items()}
        self.newest = {feature: sorted(names, key=self.rank.__getitem__)
                       for feature, names in index.items() if len(names) > self.rare}
        self.pairs: dict[tuple[str, str], frozenset[str]] = {}
        self.by_genre: dict[str, list[str]] = defaultdict(list)
        for essay in order:
            if essay.genre:
                self.by_genre[essay.genre].append(essay.docname)
        self.position = {genre: {name: n for n, name in enumerate(names)}
                         for genre, names in self.by_genre.items()}
        # Essays with a genre list, by main genre: few, so checked one by one.
        self.several: dict[str, list[str]] = defaultdict(list)
        for essay in order:
            if essay.other_genres:
                self.several[essay.genre].append(essay.docname)

    def similar(self, name: str, exclude: Collection[str], limit: int) -> list[str]:
        """The ``limit`` essays most like ``name``, best first."""
        if limit <= 0:
            return []
        mine = sorted(f for f in self.own[name] if self.weight[f] > 0)
        common = [f for f in mine if len(self.members[f]) > self.rare]
        found: set[str] = set()
        for feature in mine:
            if len(self.members[feature]) <= self.rare:
                found |= self.members[feature]
        for number, first in enumerate(common):
            for second in common[number + 1:]:
                both = self.pairs.get((first, second))
                if both is None:
                    both = self.pairs[(first, second)] = frozenset(
                        self.members[first] & self.members[second])
                found |= both
        found.discard(name)
        found.difference_update(exclude)
        scores: dict[str, float] = defaultdict(float)
        for feature in mine:  # the plain loops' order of addition: identical floats
            for other in self.members[feature] & found:
                scores[other] += self.weight[feature]
        rounded: dict[float, float] = {}  # few distinct scores: round each once
        scored = []
        for other, score in scores.items():
            key = rounded.get(score)
            if key is None:
                key = rounded[score] = round(-score, 9)
            scored.append((key, self.rank[other], other))
        for feature in common:  # sharing this one feature only: its newest few
            taken = 0
            for other in self.newest[feature]:
                if taken == limit:
                    break
                if other != name and other not in found and other not in exclude:
                    scored.append((round(-self.weight[feature], 9), self.rank[other], other))
                    taken += 1
        # An essay is scored once: through ``found``, or as one feature's newest.
        return [other for _score, _rank, other in heapq.nsmallest(limit, scored)]

    def different(self, name: str, exclude: Collection[str], limit: int) -> list[str]:
        """Essays of other genres, taking turns, rotated by ``name``'s hash.

        Grouped by their main genre; an essay listed under one of this
        essay's genres too (a genre list) is not different, so it is skipped.
        """
        mine = set(self.essays[name].genres)
        start = zlib.crc32(name.encode("utf-8"))
        skipped = {*exclude, name}
        queues = []
        for other in sorted(g for g in self.by_genre if g not in mine):
            names = self.by_genre[other]
            alike = {n for n in self.several[other] if mine & set(self.essays[n].genres)}
            gaps = sorted(self.position[other][n] for n in skipped | alike
                          if n in self.position[other])
            size = len(names) - len(gaps)
            if not size:
                continue
            at = start % size  # the rotation's start among the names not skipped...
            for gap in gaps:  # ...as a position in the whole list
                if gap <= at:
                    at += 1
            queue: list[str] = []
            while len(queue) < min(limit, size):
                candidate = names[at % len(names)]
                if candidate not in skipped and candidate not in alike:
                    queue.append(candidate)
                at += 1
            queues.append(queue)
        chosen: list[str] = []
        while queues and len(chosen) < limit:
            for queue in list(queues):
                if len(chosen) == limit:
                    break
                chosen.append(queue.pop(0))
                if not queue:
                    queues.remove(queue)
        return chosen


def choose_related(
    essays: Mapping[str, Essay],
    books: Mapping[str, Collection[str]],
    requests: Mapping[str, RelatedRequest],
) -> dict[str, Reading]:
    """Related reading for every document that asks for it.

    Deterministic: the result depends only on the records, never on the order
    documents were read in.
    """
    index = LikenessIndex(essays, books)
    chosen: dict[str, Reading] = {}
    for name in sorted(requests):
        request = requests[name]
        similar = list(request.similar or ())
        different = list(request.different or ())
        if name in essays and request.auto:
            if request.similar is None:
                similar = index.similar(name, set(different), request.limit)
            if request.different is None:
                different = index.different(name, set(similar), request.limit)
        chosen[name] = Reading(tuple(similar), tuple(different))
    return chosen


def parse_switch(text: str) -> bool | None:
    """``:auto:`` as written: true, false, or ``None`` when it is neither."""
    value = text.strip().lower()
    if value in {"true", "yes", "on", "1", ""}:
        return True
    if value in {"false", "no", "off", "0"}:
        return False
    return None
