"""Memory for large collections: the garbage collector kept off the finished environment,
and a parallel build's reading processes sending back only what they read.

Python's full collections scan every live object; a large collection's
environment is millions of them, so without this the build grew faster
than the number of essays (``docs/performance.md``, "Memory at scale":
at N=3000, CPU 115.6 s → 98.6 s and peak memory 584 → 524 MB).
"""

from __future__ import annotations

import copy
import gc
import os
from typing import TYPE_CHECKING

from folio.ext.domain import folio_domain

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


#: The process that reads (``env-before-read-docs``), and the last process forked from it
#: that started reading (:func:`start_helping`).
READING = {"reader": 0, "helper": 0}

#: Sphinx's records of each document that its collectors take back from a reading
#: process for the documents it read only (``merge_other``): the biggest of them.
SPHINX_PER_DOCUMENT = ("tocs", "toc_num_entries", "titles", "longtitles", "metadata")


def remember_reader(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: this process reads; any process forked from it helps."""
    READING["reader"] = os.getpid()


def start_helping(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``, first of all: in a process Sphinx forked to read some documents,
    before its first, set aside what it was forked with.

    Such a process sends its whole environment back pickled, and the reader takes
    from it only the documents it read (``merge_info_from``).  Each is forked
    from a reader that holds every document read so far, so the environments
    sent back, unpickled one by one, grew with the collection in each of its
    batches (~45 at 10,000 essays, where the reader spent 74 of 290 s
    unpickling, py-spy).  Reading a document asks only for its own records
    (``env.docname``), so the other documents' Folio records and the biggest of
    Sphinx's (:data:`SPHINX_PER_DOCUMENT`: their tables of contents, titles and
    front matter) are forgotten here (with the Folio records alone the
    unpickling fell to 41.7 s; with Sphinx's too the build to 209 s).  What the
    process was forked with is also frozen for the garbage collector, whose full
    collections would scan it for objects the reader owns; that alone was not
    measured apart (docs/performance.md, "10,000 essays, profiled").
    """
    pid = os.getpid()
    if not READING["reader"] or pid in (READING["reader"], READING["helper"]):
        return
    READING["helper"] = pid
    gc.freeze()
    env = app.env
    folio_domain(env).forget_others()
    for name in SPHINX_PER_DOCUMENT:
        kept = getattr(env, name, None)
        if isinstance(kept, dict):
            fresh = copy.copy(kept)  # a defaultdict keeps its default
            fresh.clear()
            setattr(env, name, fresh)


def setup_memory(app: Sphinx) -> None:
    app.connect("env-updated", settle_memory, priority=900)
    app.connect("env-before-read-docs", unsettle_memory)
    app.connect("env-before-read-docs", remember_reader)
    app.connect("source-read", start_helping, priority=1)
