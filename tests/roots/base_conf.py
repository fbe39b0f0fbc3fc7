"""What every Folio test root shares; each root's conf.py runs this first, then
adds what makes it itself (its project, its identifiers, the setting it tests).

Roots are copied before they are built, so a conf.py finds this file through
``FOLIO_TEST_ROOTS`` (tests/conftest.py sets it), or beside its own folder.
"""

author = "Test Writer"
extensions = ["myst_parser", "folio"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
version = "1"
language = "en"
latex_engine = "xelatex"
latex_elements = {"fontpkg": "\\setmainfont{FreeSerif}\n\\setsansfont{FreeSans}\n\\setmonofont{FreeMono}\n"}
