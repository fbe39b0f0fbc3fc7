"""The related-reading rule as plain loops: the specification that
``folio.related.LikenessIndex`` must match exactly (it is quadratic: tests only)."""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from collections.abc import Collection, Mapping

from folio.records import Essay, Reading, RelatedRequest
from folio.related import features


def _newest_first(essay: Essay) -> tuple[int, str]:
    return (-(essay.date.toordinal() if essay.date else 0), essay.docname)


def similar_essays(
    docname: str,
    essays: Mapping[str, Essay],
    index: Mapping[str, list[str]],
    own: set[str],
    weight: Mapping[str, float],
    exclude: Collection[str],
    limit: int,
) -> list[str]:
    """The ``limit`` essays sharing the most (weighted) features, best first.

    A feature's weight falls as more essays share it (``log((N + 1) / df)``).
    An author every essay shares (a one-writer collection) says nothing about
    likeness and would make every pair a candidate, so it is never walked.
    """
    scores: dict[str, float] = defaultdict(float)
    for feature in sorted(own):
        if weight[feature] <= 0:
            continue
        for other in index[feature]:
            scores[other] += weight[feature]
    candidates = [(round(-score, 9), *_newest_first(essays[other]))
                  for other, score in scores.items()
                  if other != docname and other not in exclude]
    candidates.sort()
    return [name for *_key, name in candidates[:limit]]


def different_essays(
    docname: str,
    essays: Mapping[str, Essay],
    by_genre: Mapping[str, list[str]],
    exclude: Collection[str],
    limit: int,
) -> list[str]:
    """Essays from other genres, taking turns between genres.

    Within each genre the starting point is rotated by a stable hash of this
    essay's name, so different essays point readers to different places.
    """
    genre = essays[docname].genre
    start = zlib.crc32(docname.encode("utf-8"))
    queues = []
    for other in sorted(g for g in by_genre if g != genre):
        names = [n for n in by_genre[other] if n not in exclude and n != docname]
        if names:
            shift = start % len(names)
            queues.append(names[shift:] + names[:shift])
    chosen: list[str] = []
    while queues and len(chosen) < limit:
        for queue in list(queues):
            if len(chosen) == limit:
                break
            chosen.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
    return chosen


def reference_choose_related(
    essays: Mapping[str, Essay],
    books: Mapping[str, Collection[str]],
    requests: Mapping[str, RelatedRequest],
) -> dict[str, Reading]:
    own = {name: features(essay, books.get(name, ())) for name, essay in essays.items()}
    index: dict[str, list[str]] = defaultdict(list)
    for name in sorted(own):
        for feature in own[name]:
            index[feature].append(name)
    total = len(essays)
    weight = {
        feature: 0.0 if feature.startswith("author:") and len(names) == total > 1
        else math.log((total + 1) / len(names))
        for feature, names in index.items()
    }
    by_genre: dict[str, list[str]] = defaultdict(list)
    for essay in sorted(essays.values(), key=_newest_first):
        if essay.genre:
            by_genre[essay.genre].append(essay.docname)
    chosen: dict[str, Reading] = {}
    for name in sorted(requests):
        request = requests[name]
        similar = list(request.similar or ())
        different = list(request.different or ())
        if name in essays and request.auto:
            if request.similar is None:
                similar = similar_essays(name, essays, index, own[name], weight,
                                         set(different), request.limit)
            if request.different is None:
                different = different_essays(name, essays, by_genre, set(similar),
                                             request.limit)
        chosen[name] = Reading(tuple(similar), tuple(different))
    return chosen
