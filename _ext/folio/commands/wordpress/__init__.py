"""``folio import-wordpress``: a WordPress export (WXR) → essays that use Folio's directives.

``wxr`` reads the export (streaming, safely), ``content`` turns a post's
HTML into MyST and recovers its meaning, ``essay`` assembles one essay file,
``command`` runs the two passes, writes safely and prints the report.
Nothing here imports Sphinx.
"""
