import os
import pathlib

# The settings every test root shares (tests/roots/base_conf.py), then this root's own.
_roots = os.environ.get("FOLIO_TEST_ROOTS") or pathlib.Path(__file__).resolve().parent.parent
exec(pathlib.Path(_roots, "base_conf.py").read_text(encoding="utf-8"))

project = "Hostile"
epub_uid = epub_identifier = "test-hostile"
epub_copyright = "2026 Test Writer"
# The site's own theme: its templates print some values as given (the print
# title, "By …", previous/next), so the hostile essays must pass through them.
html_theme = "sphinx_book_theme"
html_baseurl = "https://hostile.example.org/"
# A genre is the writer's choice too: one that is markup must stay text.
folio_genres = ["review", "memoir", "<img src=x onerror=alert(7)>"]
