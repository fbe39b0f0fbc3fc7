"""``folio``: the writer's commands (``python -m folio`` is the same).

Each command lives with its feature, in a module that gives this table two
functions: ``add_arguments(parser)`` and ``run(args) -> int``.  A module
this copy of Folio lacks is simply a command it does not offer.  A mistake
in what the writer typed is one line on stderr and exit status 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

#: command -> (module that implements it, one line of help)
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("folio.commands.build",
              "build the site with every essay's PDF and ePub (redoing only what changed)"),
    "live": ("folio.commands.live", "preview the site, rebuilt and reloaded on every save"),
    "new": ("folio.commands.new", "start a collection of your own in a new folder"),
    "new-essay": ("folio.commands.new_essay",
                  "write a dated essay with its front matter filled in"),
}

#: ``folio import SOURCE``: what each importer reads, and its module.
IMPORTS: dict[str, tuple[str, str]] = {
    "wordpress": ("folio.commands.wordpress", "turn a WordPress export (WXR) into essays"),
    "goodreads": ("folio.commands.goodreads",
                  "bring in a Goodreads library export (CSV) as books"),
    "storygraph": ("folio.commands.storygraph",
                   "bring in a StoryGraph export (CSV) as books"),
}

#: Older names that keep working: alias -> (group, command); hidden from the help.
ALIASES: dict[str, tuple[str, str]] = {"import-wordpress": ("import", "wordpress")}

Runner = Callable[[argparse.Namespace], int]


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {message}\n")
        raise SystemExit(2)


def module_main(module_name: str, argv: Sequence[str] | None = None) -> int:
    """``python -m folio.commands.NAME``: one command on its own, the same as ``folio NAME``
    (its module's ``add_arguments`` and ``run``, its docstring's first line as help)."""
    module = importlib.import_module(module_name)
    doc = module.__doc__ or ""
    one = OneLineParser(prog=f"python -m {module_name}", description=doc.split("\n\n")[0])
    module.add_arguments(one)
    return int(module.run(one.parse_args(argv)))


def feature(module_name: str) -> ModuleType | None:
    """The module of a command, or None when this copy of Folio does not have it."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if not error.name or not module_name.startswith(error.name):
            raise  # a bug or a missing dependency, not a missing feature
        return None


def add_command(commands: Any, name: str, module: ModuleType, help_text: str,
                **extra: Any) -> None:
    sub = commands.add_parser(name, help=help_text, description=help_text, **extra)
    module.add_arguments(sub)
    sub.set_defaults(folio_run=module.run)


def chosen(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, when it is one of ours; None otherwise (no command,
    ``--help``, a mistake: then the parser offers every command)."""
    name = next((word for word in argv if not word.startswith("-")), None)
    return name if name in COMMANDS or name in ALIASES or name == "import" else None


def parser(only: str | None = None) -> OneLineParser:
    """Every command this copy of Folio offers; with ``only``, that command alone.

    Each command's module is imported to add its arguments, and some are slow
    to import (the importers load BeautifulSoup): ``folio build`` imports
    only the build, so a build that has nothing to do ends sooner.
    """
    top = OneLineParser(prog="folio", description="Folio: essays about books.")
    commands = top.add_subparsers(dest="command", metavar="COMMAND",
                                  parser_class=OneLineParser)
    for name, (module_name, help_text) in COMMANDS.items():
        module = feature(module_name) if only in (None, name) else None
        if module is not None:
            add_command(commands, name, module, help_text)
    if only in COMMANDS:
        return top
    importers = {name: (module, help_text) for name, (module_name, help_text) in IMPORTS.items()
                 if (module := feature(module_name)) is not None}
    if importers:
        group = commands.add_parser("import", help="bring essays or books in from elsewhere",
                                    description="Bring essays or books in from elsewhere.")
        sources = group.add_subparsers(dest="source", metavar="SOURCE",
                                       parser_class=OneLineParser)
        sources.required = True
        for name, (module, help_text) in importers.items():
            add_command(sources, name, module, help_text)
        for alias, (_group, name) in ALIASES.items():
            if name in importers:
                module, help_text = importers[name]
                # argparse lists every sub-command it has; an alias says what it is.
                add_command(commands, alias, module, f"the same as 'folio import {name}'")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    args = parser(chosen(words)).parse_args(words)
    runner: Runner | None = getattr(args, "folio_run", None)
    if runner is None:
        parser().print_help(sys.stderr)
        return 2
    try:
        return int(runner(args))
    except KeyboardInterrupt:
        sys.stderr.write("folio: interrupted\n")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
