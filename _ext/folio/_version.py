"""Folio's version, in a module of its own: the package and the extension both
read it, and neither imports the other for it (no import cycle)."""

__version__ = "0.1.0"
