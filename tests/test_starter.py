"""``folio new`` and ``folio new-essay``: what they write builds without a warning,
and what they refuse is one line and exit status 2."""

from __future__ import annotations

import datetime
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT
from folio.commands.cli import main
from folio.commands.new import requirement_from

FILES = ["conf.py", "index.md", "essays/looking-at-work.md", "requirements.txt",
         ".readthedocs.yaml", ".github/workflows/pages.yml", ".gitignore"]


def folio(*args: str, cwd: Path | None = None) -> int:
    """The ``folio`` command, in-process, as the writer would type it."""
    old = Path.cwd()
    try:
        if cwd:
            os.chdir(cwd)
        return main(list(args))
    finally:
        os.chdir(old)


def sphinx(folder: Path, builder: str = "html") -> subprocess.CompletedProcess[str]:
    """Sphinx as a writer might run it (-W --keep-going -n), with this checkout's Folio
    importable the way an installed one is: no sys.path edit in the collection's conf.py."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("FOLIO_BASEURL", "READTHEDOCS_CANONICAL_URL")}
    env["PYTHONPATH"] = str(ROOT / "_ext")
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", builder, "-W", "--keep-going", "-n", "-q",
         "-d", str(folder / "_build" / "doctrees" / builder), str(folder),
         str(folder / "_build" / builder)],
        capture_output=True, text=True, env=env, timeout=600, check=False)


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return dict(yaml.safe_load(text.split("---\n")[1]))


def one_line_refusal(capsys: pytest.CaptureFixture[str], command: str) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"folio {command}: "), err
    assert "Traceback" not in err
    return err


# -- folio new --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("builder", ["html", "epub", "latex"])
def test_new_collection_builds_without_a_warning(tmp_path: Path, builder: str) -> None:
    folder = tmp_path / "reading-notes"
    assert folio("new", str(folder), "--author", "Ada Lovelace") == 0
    written = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert written == sorted(FILES)
    assert "sys.path" not in (folder / "conf.py").read_text()
    built = sphinx(folder, builder)
    assert built.returncode == 0, built.stderr
    assert "WARNING" not in built.stderr, built.stderr
    if builder == "html":
        home = BeautifulSoup((folder / "_build/html/index.html").read_text(), "html.parser")
        assert home.find("h1").get_text(strip=True).startswith("Reading Notes")
        assert "Essays about books by Ada Lovelace." in home.get_text()
        listed = home.select_one("main a[href*='looking-at-work']")
        assert listed is not None and listed.get_text(strip=True) == "Looking at Work"
        essay = BeautifulSoup(
            (folder / "_build/html/essays/looking-at-work.html").read_text(), "html.parser")
        caption = essay.find("figcaption").get_text(" ", strip=True)
        assert "Three Men in a Boat" in caption and "Jerome K. Jerome" in caption
        assert "I like work: it fascinates me." in essay.get_text()
        assert "(p236)" in essay.get_text()
    elif builder == "epub":
        assert (folder / "_build/epub/reading-notes.epub").is_file()
    else:
        assert (folder / "_build/latex/reading-notes.tex").is_file()


@pytest.mark.slow
def test_folio_build_html_in_the_new_collection(tmp_path: Path) -> None:
    """``folio new /tmp/x && cd /tmp/x && folio build html``, with this checkout's Folio."""
    folder = tmp_path / "x"
    assert folio("new", str(folder), "--author", "Ada Lovelace") == 0
    env = {k: v for k, v in os.environ.items()
           if k not in ("FOLIO_BASEURL", "READTHEDOCS_CANONICAL_URL")}
    env["PYTHONPATH"] = str(ROOT / "_ext")
    made = subprocess.run([sys.executable, "-m", "folio", "build", "html", "-W"], cwd=folder,
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    assert made.stderr == "", made.stderr
    assert "HTML: _build/html/index.html (1 essays)" in made.stdout
    assert (folder / "_build/html/essays/looking-at-work.html").is_file()


@pytest.mark.slow
def test_new_collection_settings_are_the_ones_given(tmp_path: Path) -> None:
    """Names with quotes, backslashes and Markdown or LaTeX marks come out as written."""
    title, author = 'Notes & "Asides" #1', "Jo O\\Brien_100% {x}"
    folder = tmp_path / "c"
    assert folio("new", str(folder), "--title", title, "--author", author) == 0
    conf = runpy.run_path(str(folder / "conf.py"))
    assert (conf["project"], conf["author"]) == (title, author)
    assert conf["copyright"] == f"{datetime.date.today().year} {author}"
    assert conf["extensions"] == ["myst_parser", "folio"]
    assert conf["epub_uid"] == conf["epub_basename"] == "notes-asides-1"
    built = sphinx(folder)
    assert built.returncode == 0 and "WARNING" not in built.stderr, built.stderr
    home = BeautifulSoup((folder / "_build/html/index.html").read_text(), "html.parser")
    # The page's smartquotes curl the quotation marks; nothing else changes.
    assert home.find("h1").get_text(strip=True) == 'Notes & “Asides” #1'
    assert f"Essays about books by {author}." in home.get_text()


def test_new_takes_the_title_from_the_folder_and_the_author_from_git(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    if not shutil.which("git"):
        pytest.skip("needs git")
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Grace Hopper\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    assert folio("new", "my_reading-notes", cwd=tmp_path) == 0
    conf = runpy.run_path(str(tmp_path / "my_reading-notes" / "conf.py"))
    assert (conf["project"], conf["author"]) == ("My Reading Notes", "Grace Hopper")
    out = capsys.readouterr().out
    assert "Put your name" not in out and "folio build" in out


def test_new_without_a_git_name_leaves_a_placeholder_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "none"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    assert folio("new", "x", cwd=tmp_path) == 0
    conf = runpy.run_path(str(tmp_path / "x" / "conf.py"))
    assert (conf["project"], conf["author"]) == ("X", "Your Name")
    assert "Put your name in conf.py (author)" in capsys.readouterr().out


def test_new_refuses_a_folder_that_is_not_empty(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert folio("new", str(tmp_path)) == 2
    assert "is not empty" in one_line_refusal(capsys, "new")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert folio("new", str(tmp_path / "notes.txt")) == 2
    assert "is a file" in one_line_refusal(capsys, "new")
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_new_refuses_a_title_on_two_lines(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert folio("new", str(tmp_path / "c"), "--title", "One\nTwo") == 2
    assert "line break" in one_line_refusal(capsys, "new")
    assert not (tmp_path / "c").exists()


def test_usage_mistakes_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["new"], ["new-essay"], ["new-essay", "T", "--bogus"]):
        with pytest.raises(SystemExit) as stop:
            main(args)
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("folio"), err


# -- folio new-essay --------------------------------------------------------------------


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    assert folio("new", str(folder), "--author", "Ada Lovelace") == 0
    return folder


@pytest.mark.slow
def test_new_essay_is_dated_today_in_the_first_genre_and_builds(
        collection: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = collection / "conf.py"
    conf.write_text(conf.read_text().replace('folio_genres = ["review", ',
                                             'folio_genres = ["journal", "review", '))
    assert folio("new-essay", "Second Thoughts: on Émile", cwd=collection) == 0
    path = collection / "essays" / "second-thoughts-on-emile.md"
    assert capsys.readouterr().out == f"Wrote {Path('essays/second-thoughts-on-emile.md')}\n"
    assert front_matter(path) == {"title": "Second Thoughts: on Émile",
                                  "date": datetime.date.today(), "genre": "journal",
                                  "tags": []}
    built = sphinx(collection)
    assert built.returncode == 0 and "WARNING" not in built.stderr, built.stderr
    page = BeautifulSoup((collection / "_build/html/essays/second-thoughts-on-emile.html")
                         .read_text(), "html.parser")
    assert page.find("h1").get_text(strip=True).startswith("Second Thoughts: on Émile")


def test_new_essay_takes_genre_folder_and_date(collection: Path) -> None:
    assert folio("new-essay", "Leap Day", "--genre", "memoir", "--date", "2024-02-29",
                 "--dir", "essays/2024", cwd=collection) == 0
    matter = front_matter(collection / "essays/2024/leap-day.md")
    assert (matter["date"], matter["genre"]) == (datetime.date(2024, 2, 29), "memoir")


@pytest.mark.parametrize(("args", "message"), [
    (["Looking at Work"], "essays/looking-at-work.md already exists"),
    (["X", "--genre", "poetry"], "unknown genre 'poetry'; conf.py folio_genres: review,"),
    (["X", "--date", "2026-13-01"], "is not a date written YYYY-MM-DD"),
    (["X", "--date", "24/11/2026"], "is not a date written YYYY-MM-DD"),
    (["X", "--date", "20261124"], "is not a date written YYYY-MM-DD"),
    (["   "], "the title is empty"),
    (["!!!"], "no file name can be made from the title '!!!'"),
    (["One\nTwo"], "line break"),
    (["X", "--dir", "conf.py"], "conf.py is a file, not a folder of essays"),
])
def test_new_essay_refusals_are_one_line(collection: Path, capsys: pytest.CaptureFixture[str],
                                         args: list[str], message: str) -> None:
    before = sorted(collection.rglob("*"))
    example = (collection / "essays/looking-at-work.md").read_text()
    capsys.readouterr()
    assert folio("new-essay", *args, cwd=collection) == 2
    assert message in one_line_refusal(capsys, "new-essay")
    assert sorted(collection.rglob("*")) == before
    assert (collection / "essays/looking-at-work.md").read_text() == example


def test_new_essay_refuses_the_name_of_an_rst_essay(collection: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (collection / "essays/walden.rst").write_text(":title: Walden\n")
    assert folio("new-essay", "Walden", cwd=collection) == 2
    assert "walden.rst already exists" in one_line_refusal(capsys, "new-essay")
    assert not (collection / "essays/walden.md").exists()


# -- requirements.txt: the same Folio on the web hosts ---------------------------------


@pytest.mark.parametrize(("recorded", "origin", "line"), [
    (None, "", "folio[live]==0.1.0"),
    ('{"url": "https://github.com/o/folio", "vcs_info": {"vcs": "git", "commit_id": "ab12"}}',
     "", "folio[live] @ git+https://github.com/o/folio@ab12"),
    ('{"url": "https://example.org/folio-0.1.0-py3-none-any.whl", "archive_info": {}}',
     "", "folio[live] @ https://example.org/folio-0.1.0-py3-none-any.whl"),
    ('{"url": "file:///home/me/folio", "dir_info": {"editable": true}}',
     "https://github.com/o/folio", "folio[live] @ git+https://github.com/o/folio"),
    ('{"url": "file:///home/me/folio", "dir_info": {}}', "", None),
    ('{"url": "file:///home/me/folio-0.1.0.whl", "archive_info": {}}', "", None),
    ("not json", "", None),
])
def test_requirement_names_this_folio(recorded: str | None, origin: str,
                                      line: str | None) -> None:
    assert requirement_from(recorded, "0.1.0", lambda folder: origin) == line


def test_new_collection_requirements_name_this_folio(tmp_path: Path) -> None:
    from folio.commands.new import Collection, collection_files

    today = datetime.date(2026, 1, 2)
    known = collection_files(Collection("T", "A", today, "folio[live]==0.1.0"))
    assert known["requirements.txt"].splitlines()[-1] == "folio[live]==0.1.0"
    unknown = collection_files(Collection("T", "A", today, None))["requirements.txt"]
    assert all(line.startswith("#") for line in unknown.splitlines())
