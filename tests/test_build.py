"""``folio build``: one command builds a collection's site with every essay's PDF and
ePub, redoing only what changed; without TeX it builds the rest and says what to
install; ``-W`` fails on a warning; and the ``folio`` command's table of commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, require
from folio.commands.cli import main, parser
from folio.core.requirements import TEX_PACKAGES, install_line

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FOLIO_BASEURL", "READTHEDOCS_CANONICAL_URL", "READTHEDOCS_OUTPUT",
                        "SOURCE_DATE_EPOCH")}
    return {**env, "PYTHONPATH": str(ROOT / "_ext"), **extra}


def folio(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``folio ARGS`` in ``cwd``, as a writer runs it, with this checkout's Folio."""
    return subprocess.run([sys.executable, "-m", "folio", *args], cwd=cwd,
                          capture_output=True, text=True, env=environment(**env),
                          timeout=900, check=False)


def new_collection(tmp_path: Path, *essays: str) -> Path:
    folder = tmp_path / "notes"
    assert folio(tmp_path, "new", str(folder), "--author", "Ada Lovelace").returncode == 0
    for title in essays:
        made = folio(folder, "new-essay", title, "--date", "2024-03-01")
        assert made.returncode == 0, made.stderr
    return folder


def without_tex(tmp_path: Path) -> str:
    """A PATH with none of TeX's programs (nor anything else)."""
    empty = tmp_path / "no-tex"
    empty.mkdir()
    return str(empty)


def test_build_pdf_without_tex_exits_2_with_one_line(tmp_path: Path) -> None:
    folder = new_collection(tmp_path)
    made = folio(folder, "build", "pdf", PATH=without_tex(tmp_path))
    assert made.returncode == 2
    assert made.stderr.count("\n") == 1 and "Traceback" not in made.stderr, made.stderr
    assert made.stderr.startswith("folio build: xelatex, latexmk not found: ")
    assert made.stderr.rstrip().endswith(install_line())
    assert not (folder / "_build").exists()


def test_build_all_without_tex_builds_the_rest_and_names_the_packages(tmp_path: Path) -> None:
    folder = new_collection(tmp_path, "Second Thoughts")
    made = folio(folder, "build", "-W", PATH=without_tex(tmp_path))
    assert made.returncode == 0, made.stdout + made.stderr
    about_tex = [line for line in made.stdout.splitlines() if "apt-get install" in line]
    assert len(about_tex) == 1 and about_tex[0].endswith(" ".join(TEX_PACKAGES))
    assert "not built yet" not in made.stdout  # the line about TeX says it
    downloads = folder / "_build/html/downloads"
    assert sorted(p.name for p in downloads.iterdir()) == [
        "looking-at-work.epub", "notes.epub", "second-thoughts.epub"]
    page = BeautifulSoup((folder / "_build/html/essays/second-thoughts.html").read_text(),
                         "html.parser")
    links = {a.get_text(): a["href"] for a in page.select(".folio-downloads a")}
    assert links == {"ePub": "../downloads/second-thoughts.epub"}


def test_W_fails_on_a_warning_and_shows_it(tmp_path: Path) -> None:
    folder = new_collection(tmp_path, "Odd One")
    essay = folder / "essays/odd-one.md"
    essay.write_text(essay.read_text().replace("genre: review", "genre: poetry"))
    strict = folio(folder, "build", "html", "-W")
    assert strict.returncode == 1
    assert "essays/odd-one.md:4: WARNING: unknown genre 'poetry'" in strict.stderr
    assert "Traceback" not in strict.stderr
    assert strict.stdout.rstrip().splitlines()[-1].startswith("folio build html: failed")
    # Without -W the same warning is shown and the build succeeds (nothing is redone).
    lenient = folio(folder, "build", "html")
    assert lenient.returncode == 0, lenient.stderr
    assert (folder / "_build/html/essays/odd-one.html").is_file()


def test_build_outside_a_collection_is_one_line(tmp_path: Path) -> None:
    made = folio(tmp_path, "build", "html")
    assert made.returncode == 2 and made.stderr.count("\n") == 1
    assert made.stderr.startswith("folio build: no conf.py in ")


def test_usage_mistakes_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["build", "website"], ["build", "--jobs", "0"], ["import"],
                 ["import", "myspace", "x.xml"], ["nothing"]):
        with pytest.raises(SystemExit) as stop:
            main(args)
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("folio"), (args, err)


def test_every_command_and_the_import_group() -> None:
    commands = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"build", "live", "new", "new-essay", "import", "import-wordpress"} <= set(commands)
    sources = commands["import"]._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert "wordpress" in sources
    # The alias and the group run the same importer.
    alias = commands["import-wordpress"].parse_args(["blog.xml"])
    grouped = sources["wordpress"].parse_args(["blog.xml"])
    assert alias.folio_run is grouped.folio_run and alias.export == grouped.export


def test_a_missing_importer_is_simply_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    from folio.commands import cli

    monkeypatch.setitem(cli.IMPORTS, "librarything", ("folio.commands.librarything", "x"))
    commands = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    sources = commands["import"]._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert "librarything" not in sources and "wordpress" in sources


def mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_build_all_then_an_edit_rewrites_only_that_essays_files(tmp_path: Path) -> None:
    """Every essay's PDF and ePub in the site's downloads; an edit redoes only its own
    files and the collection's."""
    require("xelatex", "latexmk", "pdftotext")
    folder = new_collection(tmp_path, "Second Thoughts", "Third Thoughts")
    first = folio(folder, "build", "--jobs", "2")
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stderr == "", first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith("ePub: _build/downloads/notes.epub and 3 essay ePubs")
    assert lines[1].startswith("PDF: notes.pdf and 3 essay PDFs in _build/downloads "
                               "(3 written, 0 unchanged)")
    assert lines[2].startswith("HTML: _build/html/index.html (3 essays) in ")
    downloads = folder / "_build/html/downloads"
    stems = ["looking-at-work", "notes", "second-thoughts", "third-thoughts"]
    assert sorted(p.name for p in downloads.iterdir()) == sorted(
        f"{stem}.{kind}" for stem in stems for kind in ("epub", "pdf"))
    text = subprocess.run(["pdftotext", str(downloads / "third-thoughts.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert text.split()[:2] == ["Third", "Thoughts"]
    page = BeautifulSoup((folder / "_build/html/essays/third-thoughts.html").read_text(),
                         "html.parser")
    links = {a.get_text(): a["href"] for a in page.select(".folio-downloads a")}
    assert links == {"PDF": "../downloads/third-thoughts.pdf",
                     "ePub": "../downloads/third-thoughts.epub"}

    # Nothing changed: no file is rewritten, the collection's ePub neither.
    before = mtimes(folder / "_build/downloads")
    same = folio(folder, "build", "--jobs", "2")
    assert same.returncode == 0, same.stdout + same.stderr
    assert mtimes(folder / "_build/downloads") == before
    assert "(0 written, 3 unchanged)" in same.stdout

    essay = folder / "essays/second-thoughts.md"
    essay.write_text(essay.read_text() + "\nA sentence added later.\n")
    again = folio(folder, "build", "--jobs", "2")
    assert again.returncode == 0, again.stdout + again.stderr
    after = mtimes(folder / "_build/downloads")
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["notes.epub", "notes.pdf", "second-thoughts.epub",
                       "second-thoughts.pdf"]
    assert "(1 written, 2 unchanged)" in again.stdout
    text = subprocess.run(["pdftotext", str(downloads / "second-thoughts.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "A sentence added later." in text
