project = "Test Library"
author = "Test Writer"
extensions = ["myst_parser", "folio"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
epub_uid = epub_identifier = "test-library"
epub_copyright = "2026 Test Writer"
version = "1"
language = "en"
latex_engine = "xelatex"
latex_elements = {"fontpkg": "\\setmainfont{FreeSerif}\n\\setsansfont{FreeSans}\n\\setmonofont{FreeMono}\n"}
html_sidebars = {"**": ["folio-sidebar.html", "searchbox.html"]}
html_baseurl = "https://example.org/folio/"
