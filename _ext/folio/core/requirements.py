"""What a machine needs from Debian (or Ubuntu) to build a collection's PDFs.

One list, kept here and nowhere else: ``folio build`` names it when TeX is
missing, ``folio new`` writes it into the new collection's Read the Docs and
GitHub Pages configurations, and this repository's ``.ci/run``, Makefile,
``.readthedocs.yaml`` and Pages workflow use it (the tests compare them).
Needs nothing but the standard library, so a bare ``python3`` can read it.
"""

from __future__ import annotations

import os
import shutil

#: Debian packages for the PDFs: XeTeX and the LaTeX packages Sphinx's LaTeX
#: writer loads, latexmk and xindy (the collection's index), and the faces
#: the design sets the text in (Gentium Book Plus, with FreeSerif, TeX Gyre
#: and Latin Modern behind it for the characters it lacks).
TEX_PACKAGES: tuple[str, ...] = (
    "texlive-xetex",
    "texlive-latex-recommended",
    "texlive-latex-extra",
    "texlive-fonts-recommended",
    "fonts-freefont-otf",
    "fonts-sil-gentiumplus",
    "latexmk",
    "xindy",
    "tex-gyre",
    "lmodern",
)


def tex_programs() -> tuple[str, str]:
    """The TeX programs the PDFs are made with (``XELATEX``/``LATEXMK`` may name others)."""
    return os.environ.get("XELATEX", "xelatex"), os.environ.get("LATEXMK", "latexmk")


def missing_tex() -> list[str]:
    """The TeX programs not found on ``PATH``; empty when the PDFs can be made."""
    return [program for program in tex_programs() if shutil.which(program) is None]


def install_line() -> str:
    """The one line that says how to get the PDFs."""
    return ("the PDFs need TeX Live; on Debian or Ubuntu: sudo apt-get install "
            + " ".join(TEX_PACKAGES))


if __name__ == "__main__":  # python3 -m folio.core.requirements: the list, for shell scripts
    print(" ".join(TEX_PACKAGES))
