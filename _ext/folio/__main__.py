"""``python -m folio ...``: the same as the ``folio`` command."""

from folio.cli import main

raise SystemExit(main())
