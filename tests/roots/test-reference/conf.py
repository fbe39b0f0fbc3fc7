project = "Reading Room"
author = "Hester Vale"
copyright = "2019 Hester Vale"
extensions = ["myst_parser", "folio"]
myst_enable_extensions = ["colon_fence", "smartquotes"]
exclude_patterns = ["_build"]
epub_uid = epub_identifier = "reading-room"
epub_copyright = "2019 Hester Vale"
version = "1"
language = "en"
latex_engine = "xelatex"
latex_elements = {"fontpkg": "\\setmainfont{FreeSerif}\n\\setsansfont{FreeSans}\n\\setmonofont{FreeMono}\n"}
html_baseurl = "https://example.org/room/"
# The reference essay's own wording.
folio_essay_noun = "article"
folio_title_style = "quoted"
folio_spoiler_style = "warn"
