"""A memory for the search index's English stemmer.

Sphinx stems every word of every page afresh (its cache lasts one page), and
in a parallel build it does so in the main process, serially: at 1,000
essays that was the largest single cost of writing (docs/performance.md).
Stems do not change between pages, so keep them for the whole build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.search.en import SearchEnglish

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class EnglishWithMemory(SearchEnglish):
    """Sphinx's English search language, each word stemmed once per build."""

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        self.stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        found = self.stems.get(word)
        if found is None:
            found = self.stems[word] = super().stem(word)
        return found


def setup_search(app: Sphinx) -> None:
    app.add_search_language(EnglishWithMemory)
