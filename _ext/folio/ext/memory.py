"""Memory for large collections: the garbage collector kept off the finished environment.

Python's full collections scan every live object; a large collection's
environment is millions of them, so without this the build grew faster
than the number of essays (``docs/performance.md``, "Memory at scale":
at N=3000, CPU 115.6 s → 98.6 s and peak memory 584 → 524 MB).
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


#: Documents read in one build from which the environment is set aside (below).
SETTLE_AFTER = 200


def settle_memory(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: the environment is complete; keep the garbage collector off it.

    Python's full collections scan every live object, and a large collection's
    environment is millions of them: while the pages are written, each full
    collection costs more the larger the collection, so the build grew faster
    than the number of essays.  ``gc.freeze()`` sets what exists now aside;
    ``unsettle_memory`` gives it back before the next build reads (``folio live``
    keeps one process for many builds).  Only when many documents were read: a
    full collection costs a tenth of a second at 1,000 essays, more than an
    incremental build's writing saves.
    """
    if len(getattr(env, "folio_read", ())) < SETTLE_AFTER:
        return
    # Not the doctrees Sphinx keeps from reading (cyclic, so only the collector
    # frees them after writing): they are read again from disk, not from an older
    # copy Sphinx may hold in memory from an earlier build of this process.
    read = getattr(env, "_write_doc_doctree_cache", {})
    older = getattr(env, "_pickled_doctree_cache", {})
    for docname in read:
        older.pop(docname, None)
    read.clear()
    gc.collect()
    gc.freeze()


def unsettle_memory(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    gc.unfreeze()


def setup_memory(app: Sphinx) -> None:
    app.connect("env-updated", settle_memory, priority=900)
    app.connect("env-before-read-docs", unsettle_memory)
