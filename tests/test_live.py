"""``folio live``: a save is served, the served pages reload, and the files are
exactly what ``make html`` builds (no timing asserted: speed is bench/live.py's)."""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, copy_root
from folio.commands.live import BUILDS_PATH, changed_files, needs_restart
from test_builds import assert_same, edit, pages

#: End to end (TeX, epubcheck, validators, whole builds): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    source = copy_root("folio", tmp_path / "site")
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "_ext")}
    process = subprocess.Popen(
        [sys.executable, "-m", "folio.commands.live", str(source), "--port", "0", "--poll", "0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
        assert match, line + (process.stderr.read() if process.poll() is not None else "")
        yield source, match.group(1), process
    finally:
        process.terminate()
        process.wait(timeout=20)


def served_within(url: str, text: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if text in page:
            return page
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not served at {url} within {seconds} s")



def assert_same_as_clean_build(source: Path, clean_source: Path) -> None:
    """What the preview wrote is what a clean `make html` writes (its command, less -W)."""
    shutil.copytree(source, clean_source, ignore=shutil.ignore_patterns("_build"))
    subprocess.run([str(Path(sys.executable).parent / "sphinx-build"), "-b", "html", "-q", "-n",
                    "-d", str(clean_source / "_build/doctrees/html"), str(clean_source),
                    str(clean_source / "_build/html")], check=True, timeout=300,
                   env={**os.environ, "PYTHONPATH": str(ROOT / "_ext")})
    assert_same(pages(source / "_build/html"), pages(clean_source / "_build/html"))

def test_a_save_is_served_and_equals_make_html(
        live: tuple[Path, str, subprocess.Popen[str]], tmp_path: Path) -> None:
    source, base, _process = live
    page = fetch(base + "essays/whale.html")
    # The reload script is sent with the page, never written into the file.
    assert BUILDS_PATH in page
    assert BUILDS_PATH not in (source / "_build/html/essays/whale.html").read_text("utf-8")
    builds = int(fetch(base + BUILDS_PATH.lstrip("/")))
    edit(source / "essays/whale.md", "date: 2022-09-10", "date: 2022-09-10\nsummary: Saved live.")
    served_within(base + "essays/whale.html", "Saved live.")
    edit(source / "essays/walking.rst", ":title: On Walking Out", ":title: Walking Out Live")
    served_within(base + "essays/walking.html", "Walking Out Live")
    # The essay list on the home page shows the new title too (a page it staled).
    served_within(base + "index.html", "Walking Out Live")
    # Each save was one more build (what the served pages' script watches for).
    deadline = time.monotonic() + 60
    while int(fetch(base + BUILDS_PATH.lstrip("/"))) < builds + 2:
        assert time.monotonic() < deadline, "the builds were not counted"
        time.sleep(0.1)
    assert_same_as_clean_build(source, tmp_path / "clean")


def test_no_conf_py_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "folio.commands.live", str(tmp_path),
                             "--port", "0"],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "_ext")})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no conf.py" in result.stderr


def test_what_changed_and_what_needs_a_new_program(tmp_path: Path) -> None:
    assert changed_files({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 1}) == {"b", "c"}
    templates = tmp_path / "_templates"
    assert needs_restart({str(tmp_path / "conf.py")}, [templates])
    assert needs_restart({str(templates / "layout.html")}, [templates])
    assert not needs_restart({str(tmp_path / "essays/whale.md")}, [templates])


def test_one_process_many_builds_equals_clean(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The live server's builds (one application, the environment in memory, set
    aside from the garbage collector after every read) give a clean build's pages."""
    from folio.commands.live import LiveBuild
    from folio.ext import memory

    monkeypatch.setattr(memory, "SETTLE_AFTER", 0)  # as after a large read
    source = copy_root("folio", tmp_path / "site")
    live = LiveBuild(source, source / "_build")
    assert live.build()
    edit(source / "essays/whale.md", "Call me", "Saved twice. Call me")
    assert live.build()
    edit(source / "essays/walking.rst", ":title: On Walking Out", ":title: Walking Out Again")
    assert live.build()
    assert_same_as_clean_build(source, tmp_path / "clean")


# -- what a writer or a browser can get wrong: never a traceback --------------------------

def test_bad_requests_get_400_or_404_and_no_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import http.client

    from folio.commands.live import serve

    (tmp_path / "index.html").write_text("<html><body>Home</body></html>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>Home</body></html>", encoding="utf-8")
    server = serve(site, "127.0.0.1", 0, lambda: 0)
    try:
        def status(path: str, method: str = "GET") -> int:
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            connection.putrequest(method, path, skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
            body = response.read()
            connection.close()
            assert b"outside" not in body
            return response.status

        assert status("/index.html") == 200
        for path in ("/index.html%00", "/%00", "/index.html%0a", "/../secret.txt",
                     "/%2e%2e/secret.txt", "/a/%2E%2E/%2e%2e/secret.txt", "/..%5csecret.txt",
                     "/" + "a" * 5000, "/" + "a/" * 1500):
            for method in ("GET", "HEAD"):
                assert status(path, method) in (400, 404, 414), (method, path)
        assert status("/no-such-page.html") == 404
    finally:
        server.shutdown()
        server.server_close()
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out


def lines_of(stream: object) -> queue.Queue[str]:
    """Every line a running process writes, as it writes it (read in a thread)."""
    found: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stream:  # type: ignore[attr-defined]
            found.put(line)

    threading.Thread(target=read, daemon=True).start()
    return found


def wait_for_line(lines: queue.Queue[str], text: str, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if text in line:
            return line
    raise AssertionError(f"no line with {text!r} within {seconds} s")


def test_a_broken_conf_py_keeps_the_last_good_build_served(
        live: tuple[Path, str, subprocess.Popen[str]]) -> None:
    source, base, process = live
    errors, said = lines_of(process.stderr), lines_of(process.stdout)
    good = (source / "conf.py").read_text(encoding="utf-8")
    home = fetch(base + "index.html")
    (source / "conf.py").write_text(good + "\nhtml_title = (\n", encoding="utf-8")
    line = wait_for_line(errors, "folio live: conf.py:")
    assert "syntax error" in line and "still serving the last good build" in line
    assert fetch(base + "index.html") == home  # the server did not stop
    (source / "conf.py").write_text(good + '\nhtml_title = "Mended Margins"\n', encoding="utf-8")
    wait_for_line(said, "starting again")
    wait_for_line(said, f"serving {base}")  # the same address after the restart
    served_within(base + "index.html", "Mended Margins", seconds=120)
    process.terminate()
    process.wait(timeout=20)
    rest = []
    while not errors.empty():
        rest.append(errors.get())
    assert not any("Traceback" in text for text in [line, *rest])
