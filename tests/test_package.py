"""Folio as a package: the wheel carries every file the extension needs, and a fresh
virtual environment with nothing but the wheel (and Folio's dependencies) builds a
collection with ``extensions = ["folio"]`` and no ``sys.path`` edit.

Offline: the wheel is built with the test environment's own setuptools (no build
isolation, no index), and the fresh environment borrows the test environment's
installed dependencies through a ``.pth`` file rather than downloading them.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, require

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow

PACKAGE = ROOT / "_ext" / "folio"


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "FOLIO_BASEURL", "READTHEDOCS_CANONICAL_URL")}
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd,
                            env=env, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (a build writes into its source tree)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    shutil.copytree(PACKAGE, source / "_ext" / "folio",
                    ignore=shutil.ignore_patterns("__pycache__"))
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "--no-index", "--wheel-dir", work / "dist", source)
    (built,) = (work / "dist").glob("folio-*.whl")
    return built


def test_the_wheel_holds_every_file_of_the_extension(wheel: Path) -> None:
    """Templates, static files and the starter's files, at any depth (fonts in
    ``static/fonts/``, say), and the ``folio`` command."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        entry_points = configparser.ConfigParser()
        entry_points.read_string(archive.read(info).decode())
    wanted = {f"folio/{p.relative_to(PACKAGE).as_posix()}" for p in PACKAGE.rglob("*")
              if p.is_file() and "__pycache__" not in p.parts}
    assert {"folio/static/folio.css", "folio/templates/folio-sidebar.html",
            "folio/commands/starter_files/conf.py.in", "folio/latex/folio.sty"} <= wanted
    assert wanted - names == set()
    assert entry_points["console_scripts"]["folio"] == "folio.commands.cli:main"


@pytest.fixture
def venv(wheel: Path, tmp_path: Path) -> Path:
    """A fresh virtual environment with nothing of Folio's but the wheel."""
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    # Folio's dependencies, as installed here, without Folio itself (this checkout's
    # editable install must not be what the fresh environment imports).
    shared = Path(sysconfig.get_paths()["purelib"])
    deps = tmp_path / "deps"
    deps.mkdir()
    for entry in shared.iterdir():
        if not entry.name.startswith(("folio", "__editable__")):
            (deps / entry.name).symlink_to(entry)
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    Path(purelib.stdout.strip(), "dependencies.pth").write_text(f"{deps}\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
        "--no-index", wheel)
    where = run(python, "-c", "import folio; print(folio.__file__)").stdout.strip()
    assert Path(where).is_relative_to(venv)
    return venv


def test_a_fresh_environment_builds_a_collection_from_the_wheel(
        venv: Path, tmp_path: Path) -> None:
    python = venv / "bin" / "python"
    collection = tmp_path / "notes"
    run(venv / "bin" / "folio", "new", collection, "--author", "Ada Lovelace")
    assert "sys.path" not in (collection / "conf.py").read_text()
    built = run(python, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", "-q",
                collection, collection / "_build" / "html", cwd=tmp_path)
    assert "WARNING" not in built.stderr
    html = collection / "_build" / "html"
    assert (html / "_static" / "folio.css").read_text() == \
        (PACKAGE / "static" / "folio.css").read_text()
    page = (html / "essays" / "looking-at-work.html").read_text()
    assert 'class="folio-masthead' in page  # the masthead template from the package
    home = (html / "index.html").read_text()
    assert 'class="bd-links folio-nav"' in home  # and the sidebar's (not on essays)


def test_a_new_collection_built_as_read_the_docs_builds_it(venv: Path, tmp_path: Path) -> None:
    """``folio new``, then the new ``.readthedocs.yaml``'s commands as Read the Docs runs
    them (``READTHEDOCS_OUTPUT`` set): the site with every essay's PDF and ePub, and
    Read the Docs' html/, pdf/ and epub/ filled."""
    import yaml
    from folio.core.requirements import TEX_PACKAGES

    require("xelatex", "latexmk", "pdftotext")
    collection = tmp_path / "notes"
    folio = venv / "bin" / "folio"
    run(folio, "new", collection, "--author", "Ada Lovelace")
    run(folio, "new-essay", "Second Thoughts", "--date", "2024-05-06", cwd=collection)
    config = yaml.safe_load((collection / ".readthedocs.yaml").read_text())
    assert tuple(config["build"]["apt_packages"]) == TEX_PACKAGES
    commands = config["build"]["commands"]
    # Installing Folio is done (from the wheel above); every other command is run.
    assert commands[0] == "python -m pip install -r requirements.txt"
    output = tmp_path / "rtd"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FOLIO_BASEURL")}
    env.update(READTHEDOCS_OUTPUT=str(output), READTHEDOCS_CANONICAL_URL="https://notes.test/",
               PATH=f"{venv / 'bin'}:{os.environ['PATH']}")
    for command in commands[1:]:
        done = subprocess.run(["bash", "-c", command], cwd=collection, env=env,
                              capture_output=True, text=True, timeout=900, check=False)
        assert done.returncode == 0, (command, done.stdout + done.stderr)
    downloads = collection / "_build" / "html" / "downloads"
    assert sorted(p.name for p in downloads.iterdir()) == [
        "looking-at-work.epub", "looking-at-work.pdf", "notes.epub", "notes.pdf",
        "second-thoughts.epub", "second-thoughts.pdf"]
    assert (output / "html" / "index.html").is_file()
    assert (output / "html" / "downloads" / "second-thoughts.pdf").is_file()
    assert [p.name for p in (output / "pdf").iterdir()] == ["notes.pdf"]
    assert [p.name for p in (output / "epub").iterdir()] == ["notes.epub"]
    text = subprocess.run(["pdftotext", str(output / "pdf" / "notes.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Second Thoughts" in text and "Looking at Work" in text
    with zipfile.ZipFile(output / "epub" / "notes.epub") as book:
        assert book.read("mimetype") == b"application/epub+zip"
