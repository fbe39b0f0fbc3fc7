"""Page templates compiled once, not on every build: Jinja's bytecode cache beside the doctrees.

Sphinx compiles every page template (the theme's layouts, Folio's own) again
in each build.  A no-op ``folio build html`` at 1,000 essays spent about a
tenth of its profile in Jinja's lexer and ``compile`` (docs/performance.md,
issue 19).  Jinja keys each cached template by its name and file and checks
the checksum of its source, so an edited template is compiled again; the
folder is named after Jinja's version and the environment's extensions,
which change the compiled code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Beside the doctrees: the compiled templates, one folder per Jinja setup.
TEMPLATE_CACHE = "folio-templates"


def cache_templates(app: Sphinx) -> None:
    """``builder-inited``: the builder's template environment keeps what it compiled."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if not isinstance(environment, jinja2.Environment) or environment.bytecode_cache is not None:
        return
    setup = f"{jinja2.__version__}|{','.join(sorted(environment.extensions))}"
    folder = Path(app.doctreedir, TEMPLATE_CACHE,
                  hashlib.sha256(setup.encode("utf-8")).hexdigest()[:16])
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def setup_template_cache(app: Sphinx) -> None:
    app.connect("builder-inited", cache_templates)
