"""An essay saved in another encoding is a warning naming it; the rest of the site builds.

Sphinx itself stops the whole build at a source that is not UTF-8 (a
traceback, no file name); Folio checks every source first and leaves such a
file out, with one warning at the line of its first bad byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build, compile_pdf, require

CONF = ('project = "Encodings"\nauthor = "Test Writer"\nextensions = ["myst_parser", "folio"]\n'
        'exclude_patterns = ["_build"]\nlanguage = "en"\nhtml_theme = "basic"\n'
        'epub_uid = epub_identifier = "test-encodings"\nepub_copyright = "2026 Test Writer"\n'
        'version = "1"\n'
        'latex_engine = "xelatex"\nlatex_elements = {"fontpkg": "\\\\setmainfont{FreeSerif}\\n"}\n')
INDEX = "# Encodings\n\n```{toctree}\n:glob:\n\nessays/*\n```\n"
GOOD = "---\ntitle: Good\ndate: 2020-01-01\ngenre: review\n---\n\nA café, in UTF-8.\n"
#: Saved by an old editor: Windows-1252 (é is 0xE9, curly quotes 0x93/0x94).
CP1252 = "---\ntitle: Café society\ndate: 2020-05-05\ngenre: review\n---\n\n“Naïve” – yes.\n"
RST_LATIN1 = ":title: Über\n:date: 2020-06-06\n:genre: memoir\n\nÜber alles.\n"


def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "essays").mkdir(parents=True)
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.md").write_text(INDEX, encoding="utf-8")
    (root / "essays/good.md").write_text(GOOD, encoding="utf-8")
    (root / "essays/cafe.md").write_bytes(CP1252.encode("cp1252"))
    (root / "essays/uber.rst").write_bytes(RST_LATIN1.encode("latin-1"))
    return root


def assert_only_encoding_warnings(warnings: str, root: Path) -> None:
    assert "Traceback" not in warnings and "codec can't decode" not in warnings
    lines = [line for line in warnings.splitlines() if line.strip()]
    assert len(lines) == 2, warnings
    assert (f"{root / 'essays/cafe.md'}:2: WARNING: essays/cafe.md is not UTF-8 (byte 0xE9 on "
            "line 2); left out of the build: save it as UTF-8 [folio.encoding]") in lines[0]
    assert f"{root / 'essays/uber.rst'}:1: WARNING: essays/uber.rst is not UTF-8" in lines[1]


@pytest.mark.parametrize("builder", ["html", "epub"])
def test_the_rest_builds(tmp_path: Path, builder: str) -> None:
    root = site(tmp_path)
    built = build(root, builder)
    assert_only_encoding_warnings(built.warnings, root)
    suffix = ".html" if builder == "html" else ".xhtml"
    assert "A café, in UTF-8." in (built.outdir / f"essays/good{suffix}").read_text("utf-8")
    assert not (built.outdir / f"essays/cafe{suffix}").exists()
    assert not (built.outdir / f"essays/uber{suffix}").exists()


def test_saved_again_as_utf8_it_is_back(tmp_path: Path) -> None:
    root = site(tmp_path)
    build(root)
    (root / "essays/cafe.md").write_text(CP1252, encoding="utf-8")
    again = build(root, fresh=False)
    assert "cafe.md" not in again.warnings and "Traceback" not in again.warnings
    page = (again.outdir / "essays/cafe.html").read_text("utf-8")
    assert "Café society" in page and "“Naïve” – yes." in page


def test_the_pdf_builds_without_it(tmp_path: Path) -> None:
    require("xelatex", "latexmk", "pdftotext")
    root = site(tmp_path)
    built = build(root, "latex")
    assert_only_encoding_warnings(built.warnings, root)
    assert not (built.outdir / "cafe.tex").exists()  # no essay PDF for a file not read
    _pdf, _log, text = compile_pdf(built)
    assert "A café, in UTF-8." in text and "Café society" not in text
