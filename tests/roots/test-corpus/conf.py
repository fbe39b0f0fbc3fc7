project = "Bad input corpus"
author = "Test Writer"
extensions = ["myst_parser", "folio"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
language = "en"
