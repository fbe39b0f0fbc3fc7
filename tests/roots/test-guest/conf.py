"""A plain documentation project that adds Folio for one section of reading notes.

The lines below the marker are all a site needs to add Folio (README, "Adding
Folio to an existing site"); everything above is the project's own. Unlike the other
roots it deliberately does not read tests/roots/base_conf.py: it stands for a
site that was never Folio's.
"""

project = "Lanternfish"
author = "The Lanternfish Team"
copyright = "2025 The Lanternfish Team"
release = "1.4"
html_title = "Lanternfish"
exclude_patterns = ["_build"]
extensions = ["myst_parser", "sphinxext.opengraph"]
ogp_site_url = "https://lanternfish.example.org/docs/"

# -- Folio ---------------------------------------------------------------------------
extensions += ["folio"]
folio_essays = ["reading-notes/*"]  # which pages are essays
folio_listing_pages = []  # the site's own toctree leads to them: no genre, archive... pages
