"""The ``folio`` command (:mod:`folio.commands.cli`) and its subcommands."""
