import os
import pathlib

# The settings every test root shares (tests/roots/base_conf.py), then this root's own.
_roots = os.environ.get("FOLIO_TEST_ROOTS") or pathlib.Path(__file__).resolve().parent.parent
exec(pathlib.Path(_roots, "base_conf.py").read_text(encoding="utf-8"))

project = "Reading Room"
author = "Hester Vale"
copyright = "2019 Hester Vale"
myst_enable_extensions = ["colon_fence", "smartquotes"]
epub_uid = epub_identifier = "reading-room"
epub_copyright = "2019 Hester Vale"
html_baseurl = "https://example.org/room/"
# The reference essay's own wording.
folio_essay_noun = "article"
folio_title_style = "quoted"
folio_spoiler_style = "warn"
