"""Shared fixtures: Sphinx's own test app, with our test roots."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
# The test roots' conf.py files read tests/roots/base_conf.py from here, wherever
# a test copied them to (the builds in a subprocess inherit it too).
os.environ.setdefault("FOLIO_TEST_ROOTS", str(ROOT / "tests" / "roots"))

pytest_plugins = ["sphinx.testing.fixtures"]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOT / "tests" / "roots"


class Built:
    """A finished build: where it went and what it warned about."""

    def __init__(self, srcdir: Path, outdir: Path, warnings: str) -> None:
        self.srcdir, self.outdir, self.warnings = srcdir, outdir, warnings

    def soup(self, page: str):  # -> BeautifulSoup
        from bs4 import BeautifulSoup

        return BeautifulSoup((self.outdir / page).read_text(encoding="utf-8"), "html.parser")


def build(
    srcdir: Path,
    builder: str = "html",
    parallel: int = 0,
    fresh: bool = True,
    builddir: Path | None = None,
    **overrides: object,
) -> Built:
    """Build ``srcdir`` with a real Sphinx app, in-process, and collect warnings."""
    from io import StringIO

    from sphinx.testing.util import SphinxTestApp

    warning = StringIO()
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        builddir=builddir or srcdir / "_build",
        confoverrides=overrides or None,
        freshenv=fresh,
        warning=warning,
        parallel=parallel,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Built(srcdir, app.outdir, warning.getvalue())


def copy_root(name: str, destination: Path) -> Path:
    import shutil

    target = destination / name
    shutil.copytree(ROOT / "tests" / "roots" / f"test-{name}", target)
    return target


@pytest.fixture(scope="module")
def folio_html(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The ``folio`` test root built once as HTML for a whole test module."""
    return build(copy_root("folio", tmp_path_factory.mktemp("html")))


def require(*paths: str) -> None:
    """Skip on a developer machine without the tool; fail in CI, which installs it."""
    import os
    import shutil

    missing = [p for p in paths if not (Path(p).exists() or shutil.which(p))]
    if missing:
        message = f"needs {', '.join(missing)} (installed by .ci/run)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


EPUBCHECK_JAR = "/usr/share/java/epubcheck.jar"


def epubcheck(epub: Path) -> str:
    """Run epubcheck (Debian's jar: its /usr/bin wrapper needs binfmt_misc)."""
    import subprocess

    require("java", EPUBCHECK_JAR)
    result = subprocess.run(["java", "-jar", EPUBCHECK_JAR, str(epub)],
                            capture_output=True, text=True, timeout=300, check=False)
    return result.stdout + result.stderr


def compile_pdf(built: Built, name: str = "") -> tuple[Path, str, str]:
    """Run latexmk/xelatex on a LaTeX build: the PDF, the TeX log and the PDF's text.

    ``name`` picks one ``.tex`` when the build wrote several (one per essay).
    """
    import subprocess

    require("xelatex", "latexmk", "pdftotext")
    tex = built.outdir / f"{name}.tex" if name else next(
        p for p in sorted(built.outdir.glob("*.tex")) if "{sphinxmanual}" in p.read_text())
    run = subprocess.run(["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error",
                          tex.name], cwd=built.outdir, capture_output=True, text=True,
                         timeout=900, check=False)
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, log[-3000:]
    pdf = tex.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return pdf, log, " ".join(text.split())


def serve(folder: Path, handler: object = None):  # -> Iterator[str]
    """A built site over http://127.0.0.1 (a stdlib server in a thread), while iterated;
    ``handler`` is the request handler's class if not the stdlib's file server's."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = handler or functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
