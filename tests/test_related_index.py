"""The fast related-reading index chooses exactly what the plain rule chooses."""

from __future__ import annotations

import datetime
import random

import pytest
from folio.core.records import Essay, Place, RelatedRequest
from folio.core.related import choose_related
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_related import reference_choose_related

TAGS = [f"tag{n}" for n in range(40)]
GENRES = ("review", "memoir", "fiction", "opinion")


def collection(n: int, seed: int, authors: int, tags: int = 40, books: int = 0
               ) -> tuple[dict[str, Essay], dict[str, set[str]], dict[str, RelatedRequest]]:
    rng = random.Random(seed)
    start = datetime.date(2005, 1, 1).toordinal()
    essays, cited, requests = {}, {}, {}
    for i in range(n):
        name = f"essays/e{i:05d}"
        main = rng.choice(GENRES)
        # Some essays list several genres (``genre: [review, memoir]``).
        others = tuple(g for g in rng.sample(GENRES, rng.choice((0, 0, 0, 1, 2))) if g != main)
        essays[name] = Essay(name, f"Essay {i}",
                             datetime.date.fromordinal(start + rng.randrange(3000)),
                             main, author=f"W{rng.randrange(authors)}",
                             tags=tuple(rng.sample(TAGS[:tags], rng.randint(0, min(4, tags)))),
                             other_genres=others)
        cited[name] = {f"b{rng.randrange(books or max(3, n // 10))}"
                       for _ in range(rng.choice((0, 1, 1, 2)))}
        roll = rng.random()
        if roll < 0.1:
            requests[name] = RelatedRequest(Place(name, 0), similar=(
                f"essays/e{rng.randrange(n):05d}",), limit=3)
        elif roll < 0.2:
            requests[name] = RelatedRequest(Place(name, 0), different=(), limit=rng.randint(0, 6))
        else:
            requests[name] = RelatedRequest(Place(name, 0), limit=rng.randint(1, 6))
    return essays, cited, requests


@pytest.mark.parametrize(("n", "authors", "tags"), [
    (1, 1, 40), (2, 1, 3), (7, 2, 3), (60, 1, 40), (300, 3, 40), (300, 1, 4), (1500, 1, 40),
    (1500, 40, 10),
])
@pytest.mark.slow
def test_same_choice_as_the_plain_rule(n: int, authors: int, tags: int) -> None:
    args = collection(n, seed=n * 7 + authors, authors=authors, tags=tags)
    assert choose_related(*args) == reference_choose_related(*args)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 120), seed=st.integers(0, 10_000), authors=st.integers(1, 4),
       tags=st.integers(1, 12), books=st.integers(1, 30))
def test_same_choice_on_arbitrary_small_collections(n: int, seed: int, authors: int,
                                                    tags: int, books: int) -> None:
    args = collection(n, seed, authors, tags, books)
    assert choose_related(*args) == reference_choose_related(*args)
