import json
from pathlib import Path

project = "Imported"
author = "Hester Vale"
extensions = ["myst_parser", "folio"]
exclude_patterns = ["_build"]
epub_uid = epub_identifier = "test-import"
epub_copyright = "2026 Hester Vale"
version = "1"
language = "en"
latex_engine = "xelatex"
latex_elements = {"fontpkg": "\\setmainfont{FreeSerif}\n\\setsansfont{FreeSans}\n\\setmonofont{FreeMono}\n"}
html_baseurl = "https://example.org/imported/"
folio_genres = ["review", "memoir", "fiction", "opinion"]

# Old WordPress addresses, written by `folio import-wordpress` (see the writing guide).
_redirects = Path(__file__).parent / "wordpress-redirects.json"
if _redirects.exists():
    extensions.append("sphinx_reredirects")
    redirects = json.loads(_redirects.read_text(encoding="utf-8"))
