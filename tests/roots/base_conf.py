"""What every Folio test root shares; each root's conf.py runs this first, then
adds what makes it itself (its project, its identifiers, the setting it tests).

Roots are copied before they are built, so a conf.py finds this file through
``FOLIO_TEST_ROOTS`` (tests/conftest.py sets it), or beside its own folder.
"""

author = "Test Writer"
extensions = ["myst_parser", "folio"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
# A list of each build's own: left unset it is Sphinx's default list, shared by every
# build in the process, and sphinx-book-theme appends its components folder to it; a
# later build with another theme then took the book theme's page-toc.html.
templates_path: list[str] = []
version = "1"
language = "en"
latex_engine = "xelatex"
latex_elements = {"fontpkg": "\\setmainfont{FreeSerif}\n\\setsansfont{FreeSans}\n\\setmonofont{FreeMono}\n"}
