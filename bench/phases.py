"""Where a build's time goes, phase by phase (reading, Folio's env-updated, writing).

    .venv/bin/python bench/phases.py SRCDIR [-j 2] [--plain]

Builds SRCDIR (a collection from bench/generate.py) once, fresh, with a tiny
extension that records the time of Sphinx's events, and prints the phases.
It does not change the collection: the extension is added with ``-D``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MARKS: list[tuple[str, float]] = []

EVENTS = (  # (event, priority): low priorities run before the extensions' handlers
    ("builder-inited", 900),
    ("env-before-read-docs", 900),
    ("env-updated", 100),
    ("env-updated", 900),
    ("write-started", 900),
    ("html-collect-pages", 100),
    ("build-finished", 100),
)
LABELS = {  # each phase ends at the event named
    ("builder-inited", 900): "start-up (imports, config, extensions)",
    ("env-before-read-docs", 900): "builder set-up, outdated docs",
    ("env-updated", 100): "read (parse every source, merge)",
    ("env-updated", 900): "env-updated handlers (Folio's collection work)",
    ("write-started", 900): "consistency checks, prepare writing",
    ("html-collect-pages", 100): "write every page (resolve, translate, template)",
    ("build-finished", 100): "generated pages, search index, static files",
}


def _marker(name: str, priority: int) -> Any:
    def handler(app: Any, *args: Any) -> Any:
        MARKS.append((f"{name}@{priority}", time.time()))
        return [] if name in ("html-collect-pages", "env-updated") else None
    return handler


def _save(app: Any, exception: Exception | None) -> None:
    MARKS.append(("end", time.time()))
    target = os.environ.get("BENCH_PHASES_OUT")
    if target:
        Path(target).write_text(json.dumps(MARKS))


def setup(app: Any) -> dict[str, Any]:
    for name, priority in EVENTS:
        app.connect(name, _marker(name, priority), priority=priority)
    app.connect("build-finished", _save, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main() -> None:
    parser = argparse.ArgumentParser(description="Phase times of one fresh HTML build.")
    parser.add_argument("srcdir", type=Path)
    parser.add_argument("-j", "--jobs", type=int, default=1)
    parser.add_argument("--plain", action="store_true", help="a collection made with --plain")
    args = parser.parse_args()
    extensions = ["myst_parser", "sphinx_design"] + ([] if args.plain else ["folio"])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "phases.json"
        build = Path(tmp) / "build"
        env = {**os.environ, "BENCH_PHASES_OUT": str(out),
               "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent),
                                              str(Path(__file__).parent.parent / "_ext"),
                                              os.environ.get("PYTHONPATH", "")])}
        command = [str(Path(sys.executable).parent / "sphinx-build"), "-E", "-q", "-b", "html",
                   "-j", str(args.jobs), "-D", f"extensions={','.join([*extensions, 'phases'])}",
                   "-d", str(build / "doctrees"), str(args.srcdir), str(build / "html")]
        began = time.time()
        subprocess.run(command, env=env, check=True)
        wall = time.time() - began
        marks = json.loads(out.read_text())
        shutil.rmtree(build, ignore_errors=True)
    print(f"{args.srcdir} -j {args.jobs}: {wall:.1f} s wall")
    previous = began
    labels = {f"{name}@{priority}": label for (name, priority), label in LABELS.items()}
    for name, at in marks:
        print(f"  {at - previous:7.2f} s  {labels.get(name, 'build-finished handlers')}")
        previous = at
    print(f"  {began + wall - previous:7.2f} s  exit")

if __name__ == "__main__":
    main()
