import os
import pathlib

# The settings every test root shares (tests/roots/base_conf.py), then this root's own.
_roots = os.environ.get("FOLIO_TEST_ROOTS") or pathlib.Path(__file__).resolve().parent.parent
exec(pathlib.Path(_roots, "base_conf.py").read_text(encoding="utf-8"))

myst_enable_extensions = []  # the importer writes backtick fences only
project = "Imported"
author = "Hester Vale"
epub_uid = epub_identifier = "test-import"
epub_copyright = "2026 Hester Vale"
html_baseurl = "https://example.org/imported/"
folio_genres = ["review", "memoir", "fiction", "opinion"]
