"""One import command run in a fresh process: its wall time, CPU time and peak memory.

Shared by ``bench/import_reading.py`` and ``bench/import_wordpress.py``.  A
fresh process, so the peak resident memory (``resource.getrusage``) is the
whole import's (Python, the parsers, the converter) and no earlier run's; the
CPU time beside the wall time, as it is less sensitive to other work on a
shared machine.  The command's report (what it prints) is kept, for the
bench to check and show.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

EXT_DIR = Path(__file__).resolve().parent.parent / "_ext"

CHILD = """
import resource, sys, time
sys.path.insert(0, {ext!r})
import contextlib, importlib, io, json
usage = resource.getrusage(resource.RUSAGE_SELF)
before = usage.ru_utime + usage.ru_stime
start = time.perf_counter()
main = importlib.import_module({module!r}).main
with contextlib.redirect_stdout(io.StringIO()) as report:
    code = main({argv!r})
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"code": code, "wall": elapsed,
                  "cpu": usage.ru_utime + usage.ru_stime - before,
                  "peak_mb": usage.ru_maxrss / 1024,
                  "report": report.getvalue().splitlines()}}))
"""


@dataclass(frozen=True)
class Run:
    """One import: its exit code, seconds (wall and CPU), peak MB and report lines."""

    code: int
    wall: float
    cpu: float
    peak_mb: float
    report: tuple[str, ...]


def measure(module: str, argv: list[str]) -> Run:
    """``module``'s ``main(argv)`` (the import command) in a fresh Python process."""
    script = CHILD.format(ext=str(EXT_DIR), module=module, argv=argv)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(found["code"], found["wall"], found["cpu"], found["peak_mb"],
               tuple(found["report"]))
