"""``folio import-wordpress``: a WordPress export (WXR) → essays that use Folio's directives.

``wxr`` reads the export (streaming, safely), ``content`` turns a post's
HTML into MyST and recovers its meaning, ``essay`` assembles one essay file,
``command`` runs the two passes, writes safely and prints the report.
Nothing here imports Sphinx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``folio import wordpress``'s arguments (the importer loads only when it runs)."""
    from folio.commands.wordpress.command import add_import_wordpress_arguments

    add_import_wordpress_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from folio.commands.wordpress.command import run_import_wordpress

    return run_import_wordpress(args)
