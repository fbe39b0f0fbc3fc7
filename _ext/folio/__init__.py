"""Folio: a Sphinx toolchain for essays about books.

Three entry points, as MyST-Parser separates its parser, extension and
command line (docs/architecture.md):

- :mod:`folio.core`: records, wording and rules that need no Sphinx, shared
  by the extension and the commands;
- :mod:`folio.ext`: the Sphinx extension, one module per feature;
- :mod:`folio.commands`: the ``folio`` command and its subcommands.

``extensions = ["folio"]`` in a ``conf.py`` reaches :func:`setup` here, which
imports the extension only then, so the commands and the core load without
Sphinx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from folio._version import __version__

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["__version__", "setup"]


def setup(app: Sphinx) -> Any:
    """Sphinx's entry point: the extension lives in :mod:`folio.ext`."""
    from folio.ext import setup as setup_extension

    return setup_extension(app)
