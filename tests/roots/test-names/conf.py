project = "Names"
author = "Test Writer"
extensions = ["myst_parser", "folio"]
exclude_patterns = ["_build"]
language = "en"
html_theme = "basic"
