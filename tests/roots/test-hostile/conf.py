project = "Hostile"
author = "Test Writer"
extensions = ["myst_parser", "folio"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
epub_uid = epub_identifier = "test-hostile"
epub_copyright = "2026 Test Writer"
version = "1"
language = "en"
latex_engine = "xelatex"
latex_elements = {"fontpkg": "\\setmainfont{FreeSerif}\n\\setsansfont{FreeSans}\n\\setmonofont{FreeMono}\n"}
# The site's own theme: its templates print some values as given (the print
# title, "By …", previous/next), so the hostile essays must pass through them.
html_theme = "sphinx_book_theme"
html_baseurl = "https://hostile.example.org/"
# A genre is the writer's choice too: one that is markup must stay text.
folio_genres = ["review", "memoir", "<img src=x onerror=alert(7)>"]
