"""Issue 19: what a writer gets, measured: a ``folio new`` collection, through ``folio``.

    .venv/bin/python bench/collection.py --sizes 100              # ~10 min on a quiet machine
    .venv/bin/python bench/collection.py --sizes 1000 --repeat 1  # long

Each collection is made by ``folio new`` (its own ``conf.py``, no ``sys.path``
edit: this venv's Folio is installed) and filled with the essays of
``bench/generate.py`` (seeded: the same every time).  Every build is the
``folio`` command from this venv, run in the collection's folder.  The load
average (``/proc/loadavg``, 1 minute) is printed beside every figure: the
machine may be shared.

1. ``folio build`` from clean, every output: ≤ 60 s at 100 essays, ≤ 5 min at
   1,000 (median of ``--repeat``), with each step's seconds and the sources
   each builder read (the three share one environment: only the first reads).
2. After editing one essay: only its PDF and ePub and the collection's are
   rewritten (mtimes in ``_build/downloads``), in ≤ the collection's PDF
   (``latexmk`` alone, timed from clean) + 20 s.
3. The Read the Docs commands of the collection (``.readthedocs.yaml``, but
   for installing Folio), from clean, with ``READTHEDOCS_OUTPUT`` set:
   ≤ 10 min at 1,000, and ``html/``, ``pdf/``, ``epub/`` filled.
4. ``folio live``: save → page served, p50 ≤ 1.0 s, p95 ≤ 2.0 s
   (``bench/loop.py``'s measurement).
5. No-op ``folio build html`` ≤ 1.1× plain Sphinx's no-op on the same corpus
   without Folio (``generate.py --plain --small-sidebar``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import essay_text, generate, make_essays  # noqa: E402
from loop import measure_live, percentile  # noqa: E402
from offline import edit_body  # noqa: E402

BIN = Path(sys.executable).parent
Check = tuple[str, bool, str]


def load() -> str:
    return "load " + Path("/proc/loadavg").read_text().split()[0]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def environment(**extra: str) -> dict[str, str]:
    """This venv's ``folio`` first on PATH; PYTHONPATH is kept (a snapshot of ``_ext``
    may be benchmarked while the checkout changes)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("FOLIO_BASEURL", "READTHEDOCS_OUTPUT", "READTHEDOCS_CANONICAL_URL")}
    return {**env, "PATH": f"{BIN}:{env.get('PATH', '')}", **extra}


#: The last ``folio`` run's summary (its standard output).
LAST: dict[str, str] = {"stdout": ""}


def folio(src: Path, *args: str, **env: str) -> float:
    """``folio ARGS`` in ``src``; its wall seconds.  A failure or a warning stops the bench."""
    began = time.perf_counter()
    done = subprocess.run([str(BIN / "folio"), *args], cwd=src, capture_output=True,
                          text=True, env=environment(**env), check=False)
    if done.returncode != 0 or done.stderr.strip():
        raise SystemExit(f"folio {' '.join(args)} failed or warned:\n{done.stdout}{done.stderr}")
    LAST["stdout"] = done.stdout
    return time.perf_counter() - began


def steps(src: Path) -> str:
    """Each step's seconds from the last summary, and the sources each builder read
    (its report: with one shared environment only the first builder reads)."""
    step = re.compile(r"^(ePub|PDF|HTML):.* in (\d+ s)$")
    times = [f"{found[1]} {found[2]}" for line in LAST["stdout"].splitlines()
             if (found := step.match(line))]
    shared = src / "_build" / "doctrees" / "shared"
    read = []
    for builder in ("epub", "latex", "html"):
        report = shared / f"folio-report-{builder}.json"
        if report.is_file():
            read.append(f"{builder} {json.loads(report.read_text())['read']}")
    return f"steps {', '.join(times)}; sources read: {', '.join(read)}"


def collection(n: int, workdir: Path) -> Path:
    """``folio new``, then the generated essays in its ``essays/``."""
    src = workdir / f"collection-{n}"
    shutil.rmtree(src, ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(BIN / "folio"), "new", str(src), "--title", "Bench", "--author",
                    "Bench Writer"], check=True, capture_output=True, env=environment())
    essays = make_essays(n, 6)
    titles = {e.slug: e.title for e in essays}
    for essay in essays:
        (src / "essays" / f"{essay.slug}.md").write_text(essay_text(essay, titles, False),
                                                         encoding="utf-8")
    return src


def collection_pdf_seconds(src: Path, name: str = "bench") -> float:
    """The collection's PDF alone (``latexmk`` from clean), on a copy of the LaTeX folder.

    By its name: ``bench/offline.py``'s guess (the first ``.tex`` not named
    ``essay*``) would take the starter's example essay here.
    """
    latex = src / "_build" / "latex"
    copy = src / "_build" / "latex-alone"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(latex, copy, ignore=shutil.ignore_patterns(
        "folio-offprints", "*.pdf", "*.aux", "*.log", "*.toc", "*.out", "*.idx", "*.ind",
        "*.ilg", "*.fls", "*.fdb_latexmk", "*.xdv"))
    began = time.perf_counter()
    subprocess.run(["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error",
                    f"{name}.tex"], cwd=copy, capture_output=True, check=True)
    seconds = time.perf_counter() - began
    shutil.rmtree(copy, ignore_errors=True)
    return seconds


def downloads_mtimes(src: Path) -> dict[str, int]:
    folder = src / "_build" / "downloads"
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()}


def read_the_docs(src: Path, output: Path) -> float:
    """The collection's Read the Docs commands (Folio is installed already), from clean."""
    commands = yaml.safe_load((src / ".readthedocs.yaml").read_text())["build"]["commands"]
    shutil.rmtree(output, ignore_errors=True)
    began = time.perf_counter()
    for command in commands:
        if command.startswith("python -m pip install"):
            continue
        done = subprocess.run(["bash", "-c", command], cwd=src, capture_output=True, text=True,
                              env=environment(READTHEDOCS_OUTPUT=str(output),
                                              READTHEDOCS_CANONICAL_URL="https://bench.test/"),
                              check=False)
        if done.returncode != 0:
            raise SystemExit(f"{command} failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - began


def plain_noop(n: int, workdir: Path, repeat: int) -> tuple[float, list[float]]:
    """Plain Sphinx's no-op build on the same corpus without Folio."""
    plain = workdir / f"collection-{n}-plain"
    generate(plain, n, plain=True, small_sidebar_copy=True)
    command = [str(BIN / "sphinx-build"), "-b", "html", "-q", "-d",
               str(plain / "_build/doctrees/html"), str(plain), str(plain / "_build/html")]
    subprocess.run(command, check=True, capture_output=True)
    subprocess.run(command, check=True, capture_output=True)
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        runs.append(time.perf_counter() - began)
    return statistics.median(runs), runs


def measure(n: int, workdir: Path, repeat: int, edits: int) -> tuple[list[str], list[Check]]:
    rows: list[str] = []
    checks: list[Check] = []

    def row(text: str) -> None:
        rows.append(text)
        print(text, flush=True)

    src = collection(n, workdir)
    # 1. Clean builds: folio build, and the same work as three commands in a row.
    clean = []
    for number in range(repeat):
        shutil.rmtree(src / "_build", ignore_errors=True)
        log(f"N={n} folio build from clean ({number + 1}/{repeat})")
        before = load()
        clean.append(folio(src, "build"))
        row(f"N={n} folio build from clean: {clean[-1]:.1f} s ({before} before, {load()} after;"
            f" {steps(src)})")
    median = statistics.median(clean)
    limit = 60 if n <= 100 else 300 if n <= 1000 else float("inf")
    checks.append((f"1. folio build from clean at N={n} <= {limit:.0f} s (median)",
                   median <= limit, f"{median:.1f} s [{'/'.join(f'{t:.1f}' for t in clean)}]; "
                   f"{load()}"))
    # 2. Edit one essay.
    folio(src, "build")
    essay = src / "essays" / f"essay-{n // 2:05d}.md"
    before_mtimes = downloads_mtimes(src)
    edit_body(essay)
    before = load()
    seconds = folio(src, "build")
    after_mtimes = downloads_mtimes(src)
    edit_steps = steps(src)
    rewritten = sorted(k for k, v in after_mtimes.items() if before_mtimes.get(k) != v)
    expected = sorted([f"{essay.stem}.pdf", f"{essay.stem}.epub", "bench.pdf", "bench.epub"])
    alone = collection_pdf_seconds(src)
    row(f"N={n} folio build after editing one essay: {seconds:.1f} s, rewritten {rewritten}; "
        f"the collection's PDF alone {alone:.1f} s; {before} before, {load()} after; "
        f"{edit_steps}")
    checks.append((f"2. edit one essay at N={n}: only its PDF/ePub and the collection's",
                   rewritten == expected, f"rewritten {rewritten}"))
    checks.append((f"2. edit one essay at N={n}: <= collection PDF + 20 s",
                   seconds <= alone + 20, f"{seconds:.1f} s vs {alone:.1f} + 20 s; {load()}"))

    # 3. Read the Docs, from clean.
    shutil.rmtree(src / "_build", ignore_errors=True)
    output = workdir / f"rtd-{n}"
    log(f"N={n} the Read the Docs commands from clean")
    before = load()
    rtd = read_the_docs(src, output)
    filled = sorted(p.name for p in output.iterdir() if any(p.iterdir()))
    row(f"N={n} Read the Docs commands from clean: {rtd:.1f} s, filled {filled}; "
        f"{before} before, {load()} after")
    checks.append((f"3. Read the Docs commands at N={n} <= 600 s, html/pdf/epub filled",
                   rtd <= 600 and filled == ["epub", "html", "pdf"],
                   f"{rtd:.1f} s, {filled}; {load()}"))

    # 5. No-op folio build html against plain Sphinx's no-op.
    folio(src, "build", "html")
    noop = []
    for _ in range(repeat):
        noop.append(folio(src, "build", "html"))
    plain, plain_runs = plain_noop(n, workdir, repeat)
    ratio = statistics.median(noop) / plain
    row(f"N={n} no-op folio build html {statistics.median(noop):.2f} s "
        f"[{'/'.join(f'{t:.2f}' for t in noop)}], plain Sphinx {plain:.2f} s "
        f"[{'/'.join(f'{t:.2f}' for t in plain_runs)}]: {ratio:.2f}x; {load()}")
    checks.append((f"5. no-op folio build html <= 1.1x plain Sphinx's at N={n}", ratio <= 1.1,
                   f"{ratio:.2f}x; {load()}"))

    # 4. folio live.
    if edits:
        log(f"N={n} folio live, {edits} saves")
        before = load()
        took, _line = measure_live(src, edits)
        p50, p95 = percentile(took, 0.5), percentile(took, 0.95)
        row(f"N={n} folio live save -> page served: p50 {p50:.2f} s, p95 {p95:.2f} s "
            f"over {len(took)} saves; {before} before, {load()} after")
        checks.append((f"4. folio live at N={n}: p50 <= 1.0 s, p95 <= 2.0 s",
                       p50 <= 1.0 and p95 <= 2.0, f"p50 {p50:.2f} s, p95 {p95:.2f} s; "
                       f"{load()}"))
    return rows, checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--edits", type=int, default=20, help="saves for folio live")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/folio-bench"))
    args = parser.parse_args()
    checks: list[Check] = []
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        _rows, found = measure(n, args.workdir, args.repeat, args.edits)
        checks += found
    print("\n## Targets (issue 19)")
    for label, ok, detail in checks:
        print(f"{'PASS' if ok else 'MISS'}  {label}: {detail}")


if __name__ == "__main__":
    main()
