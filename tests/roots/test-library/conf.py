import os
import pathlib

# The settings every test root shares (tests/roots/base_conf.py), then this root's own.
_roots = os.environ.get("FOLIO_TEST_ROOTS") or pathlib.Path(__file__).resolve().parent.parent
exec(pathlib.Path(_roots, "base_conf.py").read_text(encoding="utf-8"))

project = "Test Library"
epub_uid = epub_identifier = "test-library"
epub_copyright = "2026 Test Writer"
html_sidebars = {"**": ["folio-sidebar.html", "searchbox.html"]}
html_baseurl = "https://example.org/folio/"
