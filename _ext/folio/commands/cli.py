"""``folio``: the writer's commands (``python -m folio`` is the same).

Each command lives with its feature and gives this table two functions:
``add_arguments(parser)`` and ``run(args) -> int``.  A mistake in what the
writer typed is one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: command -> (module that implements it, one line of help)
COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("folio.commands.new", "start a collection of your own in a new folder"),
    "new-essay": ("folio.commands.new", "write a dated essay with its front matter filled in"),
    "import-wordpress": ("folio.commands.wordpress.command",
                         "turn a WordPress export (WXR) into essays"),
    "import-goodreads": ("folio.commands.goodreads",
                         "bring a Goodreads export (CSV) into books/"),
    "import-storygraph": ("folio.commands.storygraph",
                          "bring a StoryGraph export (CSV) into books/"),
    "live": ("folio.commands.live", "preview the site, rebuilt and reloaded on every save"),
}


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {message}\n")
        raise SystemExit(2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = OneLineParser(prog="folio", description="Folio: essays about books.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     parser_class=OneLineParser)
    runners = {}
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if not error.name or not module_name.startswith(error.name):
                raise  # a bug or a missing dependency, not a missing feature
            continue  # a feature this copy of Folio does not have yet
        sub = commands.add_parser(name, help=help_text, description=help_text)
        getattr(module, f"add_{name.replace('-', '_')}_arguments")(sub)
        runners[name] = getattr(module, f"run_{name.replace('-', '_')}")
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(runners[args.command](args))
    except KeyboardInterrupt:
        sys.stderr.write("folio: interrupted\n")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
