"""``folio import goodreads EXPORT.csv``: a Goodreads export → ``books/<key>.md``.

The reading of the export is :mod:`folio.core.reading` (the field table is
``GOODREADS`` there); the run, the merge into the books folder and the report
are :mod:`folio.commands.reading_log`, shared with the other service.
"""

from __future__ import annotations

import argparse

from folio.commands.reading_log import add_arguments as add_log_arguments
from folio.commands.reading_log import run_import


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_log_arguments(parser, "Goodreads")


def run(args: argparse.Namespace) -> int:
    return run_import(args, "goodreads")


def main(argv: list[str] | None = None) -> int:
    """The command on its own (tests, the benchmark): ``folio import goodreads ARGS``."""
    from folio.commands.cli import OneLineParser

    parser = OneLineParser(prog="folio import goodreads")
    add_arguments(parser)
    return run(parser.parse_args(argv))
