"""Issue 14, targets 3, 4, 5 and 6: the writer's loop, at N essays.

    .venv/bin/python bench/loop.py --sizes 1000             # targets 3, 4, 5 (~5 min)
    .venv/bin/python bench/loop.py --sizes 10000 --big 1000  # target 6 (long: an hour or more)

Also run by ``bench/run.py --loop``.  Corpora from ``bench/generate.py``;
every build is ``sphinx-build -b html -q -n -j 1`` with this venv and this
repository's ``_ext`` (the generated ``conf.py`` puts it first on the path),
the output and doctrees where ``make html`` puts them, so ``folio live``
(which uses the same folders and ``-n``) starts from that build.

3. **Live preview**: ``python -m folio.commands.live`` on the collection; each of
   ``--edits`` saves changes one sentence of a different essay, and the clock
   runs from the write until the server on 127.0.0.1 sends that page with
   the new sentence (polled every 10 ms).  p50 ≤ 1.0 s, p95 ≤ 2.0 s.
4. **No-op ``make html``** ≤ 1.1× plain Sphinx's no-op, on the same corpus
   without Folio (``--plain --small-sidebar``: it writes no page either).
   Medians of ``--repeat`` runs, alternating; CPU time (user + system) beside
   wall time, because the machine is shared.
5. **Retitle one essay** (one not among the sidebar's six recent essays)
   ≤ 5 s, with the pages rewritten counted.
6. **N=10,000**: a clean build ≤ 11× the N=1,000 one (``--big``), peak memory
   ≤ 3 GB, and related reading for 10,000 essays chosen in < 1 s
   (``bench/run.py`` times ``choose_related``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

SPHINX_BUILD = str(Path(sys.executable).parent / "sphinx-build")
Check = tuple[str, bool, str]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def sphinx(src: Path, fresh: bool = False, jobs: int = 1) -> tuple[float, float, float]:
    """``make html``'s build: (wall seconds, CPU seconds, peak MB)."""
    command = [SPHINX_BUILD, "-b", "html", "-q", "-n", "-j", str(jobs),
               "-d", str(src / "_build/doctrees/html"), str(src), str(src / "_build/html")]
    if fresh:
        shutil.rmtree(src / "_build", ignore_errors=True)
        command.insert(1, "-E")
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    stderr = process.stderr.read()  # type: ignore[union-attr]
    process.stdout.close()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0 or stderr.strip():
        raise SystemExit(f"build failed or warned: {' '.join(command)}\n{stderr}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def html_times(outdir: Path) -> dict[str, int]:
    return {str(p.relative_to(outdir)): p.stat().st_mtime_ns for p in outdir.rglob("*.html")}


def recent_essays(src: Path, count: int = 6) -> set[str]:
    """The essays the sidebar lists (the newest by front-matter date)."""
    dated = []
    for path in (src / "essays").glob("*.md"):
        match = re.search(r"^date: (\S+)$", path.read_text(encoding="utf-8"), re.M)
        dated.append((match.group(1) if match else "", path.name))
    return {name for _date, name in sorted(dated, reverse=True)[:count]}


def retitle(path: Path, number: int) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^title: (?:Retitled \d+, )?", f"title: Retitled {number}, ", text,
                  count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")


def edit_sentence(path: Path, marker: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    path.write_text(f"{head}{sep}\n{marker}\n\n{body}", encoding="utf-8")


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_live(src: Path, edits: int) -> tuple[list[float], str]:
    """Seconds from each save to the changed page served, and the server's log."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "_ext")}
    process = subprocess.Popen([sys.executable, "-m", "folio", "live", str(src),
                                "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=environment)
    assert process.stdout is not None
    try:
        line = process.stdout.readline()
        match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
        if not match:
            raise SystemExit(f"folio live did not start: {line}{process.stdout.read()}")
        base = match.group(1)
        essays = sorted((src / "essays").glob("*.md"))
        took = []
        for number in range(edits):
            essay = essays[(number * 37 + 11) % len(essays)]
            builds = fetch(base + "__folio_live__/builds")
            marker = f"Saved in the live bench, edit {number} {time.time_ns()}."
            url = f"{base}essays/{essay.stem}.html"
            began = time.perf_counter()
            edit_sentence(essay, marker)
            while marker not in fetch(url):
                if time.perf_counter() - began > 60:
                    raise SystemExit(f"edit {number} not served after 60 s")
                time.sleep(0.01)
            took.append(time.perf_counter() - began)
            # Let the build finish (the search index, the generated pages) before the next save.
            deadline = time.perf_counter() + 60
            while fetch(base + "__folio_live__/builds") == builds \
                    and time.perf_counter() < deadline:
                time.sleep(0.02)
        return took, line.strip()
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure(n: int, workdir: Path, repeat: int, edits: int) -> tuple[list[str], list[Check]]:
    """Rows for the table and (label, passed, detail) for targets 3, 4 and 5."""
    rows: list[str] = []
    checks: list[Check] = []
    src, plain = workdir / f"loop-{n}", workdir / f"loop-{n}-plain"
    generate(src, n)
    generate(plain, n, plain=True, small_sidebar_copy=True)
    for where in (src, plain):
        log(f"N={n} clean build of {where.name}")
        wall, cpu, peak = sphinx(where, fresh=True)
        rows.append(f"N={n} clean build, {where.name}, -j 1: {wall:.1f} s (CPU {cpu:.1f} s), "
                    f"peak {peak:.0f} MB; {load()}")
        print(rows[-1], flush=True)
        sphinx(where)  # the first incremental build settles what a clean one leaves

    # 4. no-op make html, alternating with plain Sphinx's.
    log(f"N={n} no-op builds x{repeat}")
    folio_runs, plain_runs = [], []
    for _ in range(repeat):
        folio_runs.append(sphinx(src)[:2])
        plain_runs.append(sphinx(plain)[:2])
    folio_wall = statistics.median(w for w, _c in folio_runs)
    plain_wall = statistics.median(w for w, _c in plain_runs)
    folio_cpu = statistics.median(c for _w, c in folio_runs)
    plain_cpu = statistics.median(c for _w, c in plain_runs)
    rows.append(f"N={n} no-op make html: folio {folio_wall:.2f} s (CPU {folio_cpu:.2f} s) "
                f"[{'/'.join(f'{w:.2f}' for w, _c in folio_runs)}], plain "
                f"{plain_wall:.2f} s (CPU {plain_cpu:.2f} s) "
                f"[{'/'.join(f'{w:.2f}' for w, _c in plain_runs)}]; {load()}")
    print(rows[-1], flush=True)
    ratio, cpu_ratio = folio_wall / plain_wall, folio_cpu / plain_cpu
    checks.append((f"4. no-op make html <= 1.1x plain Sphinx's at N={n}", ratio <= 1.1,
                   f"{ratio:.2f}x wall ({folio_wall:.2f} s vs {plain_wall:.2f} s), "
                   f"{cpu_ratio:.2f}x CPU; {load()}"))

    # 5. retitle one essay that is not among the six recent ones.
    recent = recent_essays(src)
    essays = sorted(p for p in (src / "essays").glob("*.md") if p.name not in recent)
    target = essays[len(essays) // 3]
    times, written = [], 0
    for number in range(repeat):
        before = html_times(src / "_build/html")
        retitle(target, number)
        times.append(sphinx(src)[0])
        after = html_times(src / "_build/html")
        written = sum(1 for name, mtime in after.items() if before.get(name) != mtime)
    seconds = statistics.median(times)
    rows.append(f"N={n} retitle {target.name}: {seconds:.2f} s "
                f"[{'/'.join(f'{t:.2f}' for t in times)}], {written} pages rewritten; {load()}")
    print(rows[-1], flush=True)
    checks.append((f"5. retitle one essay <= 5 s at N={n}", seconds <= 5,
                   f"{seconds:.2f} s, {written} pages rewritten (of {len(after)}); {load()}"))

    # 3. live preview.
    if edits:
        log(f"N={n} live preview, {edits} saves")
        took, started = measure_live(src, edits)
        p50, p95 = percentile(took, 0.5), percentile(took, 0.95)
        rows.append(f"N={n} live preview, save to page served: p50 {p50:.2f} s, p95 "
                    f"{p95:.2f} s, max {max(took):.2f} s over {len(took)} saves "
                    f"[{'/'.join(f'{t:.2f}' for t in took)}]; {started}; {load()}")
        print(rows[-1], flush=True)
        checks.append((f"3. live preview at N={n}: p50 <= 1.0 s, p95 <= 2.0 s",
                       p50 <= 1.0 and p95 <= 2.0, f"p50 {p50:.2f} s, p95 {p95:.2f} s; {load()}"))
    return rows, checks


def measure_big(n: int, small: int, workdir: Path) -> tuple[list[str], list[Check]]:
    """Target 6: clean build at ``n`` against ``small`` (-j 1), and its peak memory."""
    rows: list[str] = []
    results = {}
    for size in (small, n):
        src = workdir / f"loop-{size}"
        generate(src, size)
        log(f"N={size} clean build, -j 1")
        results[size] = sphinx(src, fresh=True)
        wall, cpu, peak = results[size]
        rows.append(f"N={size} clean build, -j 1: {wall:.1f} s (CPU {cpu:.1f} s), "
                    f"peak {peak:.0f} MB; {load()}")
        print(rows[-1], flush=True)
    growth = results[n][0] / results[small][0]
    cpu_growth = results[n][1] / results[small][1]
    limit = 1.1 * n / small
    return rows, [
        (f"6. clean build N={n} <= {limit:.0f}x N={small}", growth <= limit,
         f"{growth:.2f}x wall, {cpu_growth:.2f}x CPU; {load()}"),
        (f"6. peak memory at N={n} <= 3 GB", results[n][2] <= 3072,
         f"{results[n][2]:.0f} MB"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--edits", type=int, default=20, help="saves for the live preview")
    parser.add_argument("--big", type=int, default=0, metavar="SMALL",
                        help="target 6 instead: each size's clean build against SMALL's")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/folio-bench"))
    args = parser.parse_args()
    print(f"# bench/loop.py {' '.join(sys.argv[1:])}; {os.cpu_count()} CPUs; {load()}")
    checks: list[Check] = []
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        if args.big:
            checks += measure_big(n, args.big, args.workdir)[1]
        else:
            checks += measure(n, args.workdir, args.repeat, args.edits)[1]
    print("\n## Targets")
    for label, ok, detail in checks:
        print(f"{'PASS' if ok else 'MISS'}  {label}: {detail}")


if __name__ == "__main__":
    main()
