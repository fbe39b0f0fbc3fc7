"""Issue 14, targets 1, 2 and 7: ``make`` with every offline file, at N essays.

    .venv/bin/python bench/offline.py --sizes 100            # clean x3, -j 1 and -j 2, one edit
    .venv/bin/python bench/offline.py --sizes 1000 --repeat 1

Also run by ``bench/run.py --offline``.  Each build is what ``make`` runs
(the Makefile's commands, with this venv and this repository's ``_ext``):
the ePub, the LaTeX sources, ``folio.commands.offprints`` (the collection's PDF and
every essay's own), then the HTML; each phase is timed.

1. ``make`` from clean: ≤ 90 s at 100 essays, ≤ 600 s at 1,000 (median).
2. After editing one essay's body, ``make`` again: the only offline files
   rewritten (by mtime) are that essay's PDF and ePub and the collection's
   two; and it costs at most the collection's PDF (``latexmk`` alone, timed
   from clean on the same sources) plus 30 s.
7. ``-j 2`` against ``-j 1``, per phase (no target).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent
PHASES = ("epub", "latex", "pdf", "html")


def run(command: list[str], cwd: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "_ext")}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0 or done.stderr.strip():
        raise SystemExit(f"failed or warned: {' '.join(command)}\n{done.stdout}{done.stderr}")


def make(src: Path, jobs: int) -> dict[str, float]:
    """What ``make`` runs, in ``src``; seconds per phase."""
    build = src / "_build"
    sphinx = [str(BIN / "sphinx-build"), "-W", "--keep-going", "-n", "-q", "-j", str(jobs)]
    steps = {
        "epub": [[*sphinx, "-b", "epub", "-d", f"{build}/doctrees/epub", ".", f"{build}/epub"]],
        "latex": [[*sphinx, "-b", "latex", "-d", f"{build}/doctrees/latex", ".",
                   f"{build}/latex"]],
        "pdf": [[str(BIN / "python"), "-m", "folio.commands.offprints", f"{build}/latex",
                 f"{build}/downloads", "--jobs", str(jobs)]],
        "html": [[*sphinx, "-b", "html", "-d", f"{build}/doctrees/html", ".",
                  f"{build}/html"]],
    }
    times = {}
    for phase in PHASES:
        began = time.perf_counter()
        for command in steps[phase]:
            run(command, src)
        if phase == "epub":
            (build / "downloads").mkdir(parents=True, exist_ok=True)
            for book in (build / "epub").glob("*.epub"):
                shutil.copy2(book, build / "downloads")
        times[phase] = time.perf_counter() - began
    times["total"] = sum(times.values())
    return times


def offline_mtimes(build: Path) -> dict[str, int]:
    folder = build / "downloads"
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()}


def collection_pdf_seconds(src: Path) -> float:
    """The collection's PDF alone (``latexmk`` from clean), on a copy of the LaTeX folder."""
    latex = src / "_build" / "latex"
    copy = src / "_build" / "latex-alone"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(latex, copy, ignore=shutil.ignore_patterns(
        "folio-offprints", "*.pdf", "*.aux", "*.log", "*.toc", "*.out", "*.idx", "*.ind",
        "*.ilg", "*.fls", "*.fdb_latexmk", "*.xdv"))
    tex = next(p.name for p in copy.glob("*.tex") if not p.name.startswith("essay"))
    began = time.perf_counter()
    subprocess.run(["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", tex],
                   cwd=copy, capture_output=True, check=True)
    seconds = time.perf_counter() - began
    shutil.rmtree(copy, ignore_errors=True)
    return seconds


def edit_body(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("The turn comes on", "Edited: the turn comes on", 1)
                    if "The turn comes on" in text else text + "\nAn added sentence.\n",
                    encoding="utf-8")


def measure(n: int, workdir: Path, repeat: int) -> tuple[list[str], list[tuple[str, bool, str]]]:
    """Rows for the table and (label, passed, detail) for the targets."""
    rows: list[str] = []
    checks: list[tuple[str, bool, str]] = []
    src = workdir / f"offline-{n}"
    clean: dict[int, list[dict[str, float]]] = {1: [], 2: []}
    for jobs in (2, 1):
        for _ in range(repeat if jobs == 2 else 1):
            generate(src, n)
            shutil.rmtree(src / "_build", ignore_errors=True)
            print(f"[{time.strftime('%H:%M:%S')}] N={n} make from clean, -j {jobs}",
                  file=sys.stderr, flush=True)
            clean[jobs].append(make(src, jobs))
            rows.append(f"N={n} make from clean, -j {jobs}: " + ", ".join(
                f"{k} {v:.1f} s" for k, v in clean[jobs][-1].items())
                + f"; load {os.getloadavg()[0]:.1f}")
            print(rows[-1], flush=True)
    median = statistics.median(t["total"] for t in clean[2])
    limit = 90 if n <= 100 else 600 if n <= 1000 else float("inf")
    checks.append((f"1. make from clean at N={n} <= {limit:.0f} s (-j 2, median)",
                   median <= limit, f"{median:.1f} s [" + "/".join(
                       f"{t['total']:.1f}" for t in clean[2]) + "]"))
    one, two = clean[1][0], statistics.median(t["total"] for t in clean[2])
    rows.append(f"N={n} -j 2 against -j 1 per phase: " + ", ".join(
        f"{p} {one[p] / statistics.median(t[p] for t in clean[2]):.2f}x" for p in PHASES)
        + f", total {one['total'] / two:.2f}x")
    print(rows[-1], flush=True)

    # 2. Edit one essay (the last clean build was -j 1: build once at -j 2 first).
    make(src, 2)
    essay = src / "essays" / f"essay-{n // 2:05d}.md"
    before = offline_mtimes(src / "_build")
    edit_body(essay)
    times = make(src, 2)
    after = offline_mtimes(src / "_build")
    rewritten = sorted(k for k, v in after.items() if before.get(k) != v)
    expected = sorted([f"{essay.stem}.pdf", f"{essay.stem}.epub", "bench.pdf", "bench.epub"])
    alone = collection_pdf_seconds(src)
    rows.append(f"N={n} make after editing one essay, -j 2: " + ", ".join(
        f"{k} {v:.1f} s" for k, v in times.items()) + f"; rewritten {rewritten}; "
        f"the collection's PDF alone {alone:.1f} s")
    print(rows[-1], flush=True)
    checks.append((f"2. edit one essay at N={n}: only its PDF/ePub and the collection's",
                   rewritten == expected, f"rewritten {rewritten}"))
    checks.append((f"2. edit one essay at N={n}: make <= collection PDF + 30 s",
                   times["total"] <= alone + 30,
                   f"{times['total']:.1f} s vs {alone:.1f} + 30 s"))
    return rows, checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100")
    parser.add_argument("--repeat", type=int, default=3, help="clean -j 2 builds (median)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/folio-bench"))
    args = parser.parse_args()
    checks = []
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        _rows, found = measure(n, args.workdir, args.repeat)
        checks += found
    print("\n## Offline targets")
    for label, ok, detail in checks:
        print(f"{'PASS' if ok else 'MISS'}  {label}: {detail}")


if __name__ == "__main__":
    main()
