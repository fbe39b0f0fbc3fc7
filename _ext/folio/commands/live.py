"""``folio live``: a preview that answers a save in well under a second.

``sphinx-autobuild`` starts a new ``sphinx-build`` on every save: Python,
Sphinx, the theme and the environment's pickle (about 1.5 s at 1,000 essays)
before a single page is read.  This server keeps one Sphinx application, and
so the environment, in memory, and runs the same incremental build again
when a source changes: only the changed essay is read, and only the pages it
made stale are written.

It is a preview of exactly what ``make html`` builds: the same source, the
same configuration (with ``-n``, as the Makefile gives), the same output and
doctree folders (``_build/html``, and ``_build/doctrees/shared``, the environment
every builder of ``folio build`` shares), so a ``folio build`` afterwards reads
nothing and writes what the saves made stale in its other outputs.  A change
to ``conf.py``, a template, a static file or the extension's code starts the
whole program again (a module already imported cannot be read twice).

The pages are served from ``_build/html`` on 127.0.0.1.  Each HTML page is
sent with a small script that asks the server, every half second, how many
builds have finished, and reloads when that number changes; the script is
added to what is *sent*, never to the built files.

    python -m folio.commands.live [SOURCE] [--port 8000] [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

#: Where the page script asks for the number of finished builds.
BUILDS_PATH = "/__folio_live__/builds"

#: Added before ``</body>`` of every HTML page sent (never written to a file).
RELOAD_SCRIPT = b"""<script>/* folio live: reload when a build finishes */
(function () {
  var seen = null;
  function ask() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(function (n) { if (seen !== null && n !== seen) { location.reload(); } seen = n; })
      .catch(function () {}).finally(function () { setTimeout(ask, 500); });
  }
  ask();
})();
</script>
""" % BUILDS_PATH.encode()

#: Folders never watched: the output, environments, tools and version control.
IGNORED_FOLDERS = frozenset({"_build", ".venv", "venv", "node_modules", ".git", "__pycache__",
                             ".mypy_cache", ".ruff_cache", ".pytest_cache"})


# -- watching -----------------------------------------------------------------------------------

def snapshot(folders: Sequence[Path]) -> dict[str, int]:
    """Every watched file and its modification time (nanoseconds)."""
    found: dict[str, int] = {}
    for top in folders:
        for folder, subfolders, files in os.walk(top):
            subfolders[:] = sorted(name for name in subfolders
                                   if name not in IGNORED_FOLDERS and not name.startswith("."))
            for name in files:
                path = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    found[path] = os.stat(path).st_mtime_ns
    return found


def changed_files(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path in {*before, *after} if before.get(path) != after.get(path)}


def needs_restart(paths: set[str], design: Sequence[Path]) -> bool:
    """conf.py, or a file in the extension, the templates or the static folders."""
    for path in paths:
        where = Path(path)
        if where.name == "conf.py" or any(folder in where.parents for folder in design):
            return True
    return False


def changes(folders: Sequence[Path], interval: float) -> Iterator[set[str]]:
    """Each batch of changed files: watchfiles (inotify) when installed, else polling."""
    try:
        import watchfiles
    except ImportError:
        watchfiles = None  # type: ignore[assignment]
    if watchfiles is not None:

        def wanted(_change: object, path: str) -> bool:
            return not (set(Path(path).parts) & IGNORED_FOLDERS)

        for batch in watchfiles.watch(*folders, watch_filter=wanted, debounce=50, step=20,
                                      rust_timeout=0, yield_on_timeout=False,
                                      raise_interrupt=False):
            yield {path for _change, path in batch}
        return
    before = snapshot(folders)
    while True:
        time.sleep(interval)
        after = snapshot(folders)
        found = changed_files(before, after)
        before = after
        if found:
            yield found


# -- serving ------------------------------------------------------------------------------------

#: Longer than any address a built site has (Sphinx's names, WordPress permalinks).
MAX_REQUEST_PATH = 2048


def request_problem(path: str) -> tuple[int, str] | None:
    """Why a request's path names no file the preview may send, if it does not: a control
    character (``%00``), a ``..`` segment or a backslash, or an overlong path."""
    if len(path) > MAX_REQUEST_PATH:
        return 414, "address too long"
    decoded = unquote(path.split("?", 1)[0].split("#", 1)[0])
    if re.search(r"[\x00-\x1f\x7f]", decoded):
        return 400, "control character in the address"
    if "\\" in decoded or ".." in decoded.split("/"):
        return 400, "the address climbs out of the site"
    return None


class Server(http.server.ThreadingHTTPServer):
    """The preview's server: a request that fails is one line on stderr, never a traceback."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            return  # the browser went away: not news
        sys.stderr.write(f"folio live: a request failed: {one_line(error)}\n")


def one_line(error: BaseException | None) -> str:
    """An error as one line (Sphinx's messages run over several)."""
    return " ".join(str(error).split()) or type(error).__name__


class Preview(http.server.SimpleHTTPRequestHandler):
    """The built pages, each HTML page with the reload script; nothing cached."""

    builds: Any = None  # set per server: a callable giving the number of finished builds

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a request is not news

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_HEAD(self) -> None:
        if self.refused():
            return
        super().do_HEAD()

    def refused(self) -> bool:
        """A request for no file a site can hold: answered 400 (or 414), never a traceback."""
        problem = request_problem(self.path)
        if problem:
            self.send_error(*problem)
        return problem is not None

    def do_GET(self) -> None:
        if self.refused():
            return
        if self.path.split("?", 1)[0] == BUILDS_PATH:
            self.send_bytes(str(self.builds()).encode(), "text/plain; charset=utf-8")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            try:
                page = path.read_bytes()
            except OSError:
                self.send_error(404)
                return
            end = page.rfind(b"</body>")
            page = page[:end] + RELOAD_SCRIPT + page[end:] if end >= 0 else page + RELOAD_SCRIPT
            self.send_bytes(page, "text/html; charset=utf-8")
            return
        super().do_GET()

    def send_bytes(self, data: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve(outdir: Path, host: str, port: int, builds: Any) -> Server:
    """Start the server in a thread; return it (``server_address`` has the real port)."""
    handler = functools.partial(Preview, directory=str(outdir))
    Preview.builds = staticmethod(builds)
    server = Server((host, port), handler)
    threading.Thread(target=server.serve_forever, name="folio-live-server", daemon=True).start()
    return server


# -- building -----------------------------------------------------------------------------------

class LiveBuild:
    """One Sphinx application for the whole session: each build is incremental."""

    def __init__(self, srcdir: Path, builddir: Path, jobs: int = 1) -> None:
        from sphinx.application import Sphinx
        from sphinx.util.docutils import docutils_namespace, patch_docutils

        from folio.commands.build import doctrees

        self.srcdir, self.outdir = srcdir, builddir / "html"
        self.finished = 0
        self._namespace = contextlib.ExitStack()
        self._namespace.enter_context(patch_docutils(srcdir))
        self._namespace.enter_context(docutils_namespace())
        # The same folders and options as ``make html`` (-n), so both are one build.
        self.app = Sphinx(str(srcdir), str(srcdir), str(self.outdir),
                          str(doctrees(builddir)), "html",
                          confoverrides={"nitpicky": True}, status=None,
                          warning=sys.stderr, freshenv=False, parallel=jobs)
        # The search index stays in Pagefind's memory: each save sends only what changed.
        from folio.ext.search import keep_index_in_memory

        keep_index_in_memory(self.app)

    def build(self) -> bool:
        """Build what changed; a failure is reported and the server goes on."""
        try:
            self.app.build()
        except Exception as error:  # the writer sees it and saves again
            sys.stderr.write(f"folio live: the build stopped: {one_line(error)}\n")
            return False
        finally:
            self.finished += 1
        return True


#: Run in a separate Python: reads conf.py as Sphinx does, says what is wrong in one line.
CHECK_CONF = """\
import sys
from sphinx.config import Config
from sphinx.util.tags import Tags
try:
    Config.read(sys.argv[1], overrides={}, tags=Tags())
except BaseException as error:
    print(" ".join(str(error).split()) or type(error).__name__)
    sys.exit(1)
"""


def config_problem(srcdir: Path) -> str:
    """What stops ``conf.py`` from being read (a syntax error, an exception), or "".

    Read in another Python, as the new program would read it: the running
    server is not touched by whatever the file does, and keeps serving.
    """
    try:
        result = subprocess.run([sys.executable, "-c", CHECK_CONF, str(srcdir)],
                                capture_output=True, text=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        return "reading it did not finish within 120 s"
    if result.returncode == 0:
        return ""
    said = (result.stdout.strip() or result.stderr.strip()).splitlines()
    return said[-1] if said else f"reading it failed (exit status {result.returncode})"


def start(srcdir: Path, builddir: Path) -> LiveBuild | None:
    """The session's application, or None (and one line on stderr) when Sphinx cannot start."""
    try:
        return LiveBuild(srcdir, builddir)
    except Exception as error:  # ConfigError, ExtensionError: the writer's to fix
        sys.stderr.write(f"folio live: cannot start: {one_line(error)}\n")
        return None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", nargs="?", type=Path, default=Path("."),
                        help="the collection's folder (with conf.py); default: here")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on")
    parser.add_argument("--port", type=int, default=8000, help="port (0: any free port)")
    parser.add_argument("--builddir", type=Path, default=None,
                        help="build folder (default: SOURCE/_build, as make html)")
    parser.add_argument("--poll", type=float, default=0.2,
                        help="seconds between looks at the files when watchfiles is missing")


def watch_in_background(folders: Sequence[Path], interval: float) -> queue.Queue[set[str]]:
    """Batches of changed files, from a thread that starts watching at once.

    Watching starts before the first build, so a save made while it runs,
    or just after the server says it is ready, is not missed.
    """
    batches: queue.Queue[set[str]] = queue.Queue()
    ready = threading.Event()

    def watch() -> None:
        found = changes(folders, interval)
        ready.set()  # watchfiles registers its watches on the first step, at once
        for batch in found:
            batches.put(batch)

    threading.Thread(target=watch, name="folio-live-watch", daemon=True).start()
    ready.wait(10)
    time.sleep(0.2)
    return batches


def run(args: argparse.Namespace) -> int:
    srcdir = args.source.resolve()
    if not (srcdir / "conf.py").is_file():
        sys.stderr.write(f"folio live: {srcdir}: no conf.py here\n")
        return 2
    builddir = (args.builddir or srcdir / "_build").resolve()
    extension_dir = Path(__file__).resolve().parent.parent  # the whole folio package
    batches = watch_in_background([srcdir, extension_dir], args.poll)
    live = start(srcdir, builddir)
    if live is None:
        return 2
    started = time.perf_counter()
    live.build()
    try:
        server = serve(live.outdir, args.host, args.port, lambda: live.finished)
    except OSError as error:
        sys.stderr.write(f"folio live: cannot serve on {args.host}:{args.port}: "
                         f"{error.strerror}\n")
        return 2
    print(f"folio live: built in {time.perf_counter() - started:.1f} s; serving "
          f"http://{args.host}:{server.server_port}/ (Ctrl-C stops)", flush=True)
    config = live.app.config
    design = [extension_dir, *((srcdir / folder).resolve()
                               for folder in [*config.templates_path, *config.html_static_path])]
    try:
        while True:
            found = batches.get()
            while not batches.empty():  # saves that came together: one build
                found |= batches.get()
            found = {path for path in found if builddir not in Path(path).parents}
            if not found:
                continue
            if needs_restart(found, design):
                problem = config_problem(srcdir)
                if problem:  # the pages served stay those of the last good build
                    sys.stderr.write(f"folio live: conf.py: {problem}; still serving the last "
                                     "good build\n")
                    sys.stderr.flush()
                    continue
                print("folio live: configuration or code changed: starting again", flush=True)
                server.shutdown()
                server.server_close()
                # The same command again (python -m folio.commands.live, or folio live), on
                # the same port, so the open pages find the server again.
                os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:],
                                          "--port", str(server.server_port)])
            began = time.perf_counter()
            if live.build():
                names = ", ".join(sorted(Path(p).name for p in found)[:3])
                print(f"folio live: {names}: built in {time.perf_counter() - began:.2f} s",
                      flush=True)
    except KeyboardInterrupt:
        pass
    server.shutdown()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    from folio.commands.cli import module_main

    return module_main("folio.commands.live", argv)


if __name__ == "__main__":
    raise SystemExit(main())
