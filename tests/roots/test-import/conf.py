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

