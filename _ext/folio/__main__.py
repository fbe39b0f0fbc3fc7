"""``python -m folio ...``: the same as the ``folio`` command."""

from folio.commands.cli import main

raise SystemExit(main())
