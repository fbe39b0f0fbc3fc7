"""Benchmark Folio against plain Sphinx + MyST + sphinx_book_theme (issue 6).

    .venv/bin/python bench/run.py                 # N=100 and N=1000 (takes a while)
    .venv/bin/python bench/run.py --sizes 100     # one size
    .venv/bin/python bench/run.py --quick         # smoke run: N=20, one repetition
    .venv/bin/python bench/run.py --offline       # and `make` with the offline files
    .venv/bin/python bench/run.py --loop          # and the writer's loop (issue 14: 3-6)

Every figure comes from this one run, on corpora written by bench/generate.py
(seeded, so identical every time) into ``--workdir``.  Each timed build is
``sphinx-build -b html -q [-E] -j J`` from this venv, run ``--repeat`` times;
the table shows the minimum (the machine may be shared: the minimum is the
least disturbed run) and the spread of the repetitions.  Peak memory is the
``ru_maxrss`` that ``os.wait4`` reports for that build (the largest process in
its tree), measured at ``-j 1``.

Variants:

- ``folio``: the collection with every Folio directive, the repository's
  ``conf.py`` settings (Folio's small sidebar);
- ``plain``: the same corpus as plain Markdown, without Folio, with the book
  theme's DEFAULT sidebar (the whole site's toctree on every page): the
  baseline the targets use;
- ``plain-small``: the plain corpus with a static small sidebar (recent
  essays, genre counts) copied into ``_templates/``: plain Sphinx at its best.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "_ext"))

from generate import TAG_POOL, generate  # noqa: E402

SPHINX_BUILD = str(Path(sys.executable).parent / "sphinx-build")
RELATED = re.compile(r'class="folio-related docutils container">(.*?)</div>', re.S)


@dataclass
class Build:
    seconds: float
    peak_mb: float
    rewritten: int = 0
    rewritten_sources: list[str] = field(default_factory=list)
    runs: list[float] = field(default_factory=list)

    @property
    def spread(self) -> str:
        return "/".join(f"{r:.1f}" for r in self.runs)


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def html_mtimes(outdir: Path) -> dict[str, int]:
    return {p.relative_to(outdir).as_posix(): p.stat().st_mtime_ns
            for p in outdir.rglob("*.html")} if outdir.is_dir() else {}


def sphinx(src: Path, out: Path, jobs: int, fresh: bool) -> tuple[float, float]:
    """One ``sphinx-build``: (wall seconds, peak RSS in MB). Fails on any warning."""
    command = [SPHINX_BUILD, "-b", "html", "-q", "-j", str(jobs),
               "-d", str(out / "doctrees"), str(src), str(out / "html")]
    if fresh:
        command.insert(1, "-E")
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stdout, stderr = process.stdout.read(), process.stderr.read()  # type: ignore[union-attr]
    process.stdout.close()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0 or stderr.strip():
        raise SystemExit(f"build failed or warned: {shlex.join(command)}\n{stdout}{stderr}")
    return seconds, usage.ru_maxrss / 1024


def timed(src: Path, out: Path, jobs: int, fresh: bool, repeat: int,
          before_each: object = None) -> Build:
    """Best of ``repeat`` builds; pages rewritten counted on the last one."""
    runs, peaks = [], []
    rewritten: list[str] = []
    for number in range(repeat):
        if fresh:
            shutil.rmtree(out, ignore_errors=True)
        if callable(before_each):
            before_each(number)
        old = html_mtimes(out / "html")
        seconds, peak = sphinx(src, out, jobs, fresh)
        new = html_mtimes(out / "html")
        rewritten = sorted(name for name, mtime in new.items() if old.get(name) != mtime)
        runs.append(seconds)
        peaks.append(peak)
    sources = [n for n in rewritten if n.startswith("essays/") or n == "index.html"]
    return Build(min(runs), max(peaks), len(rewritten), sources, runs)


def related_sections(outdir: Path) -> dict[str, str]:
    found = {}
    for page in sorted((outdir / "essays").glob("*.html")):
        match = RELATED.search(page.read_text(encoding="utf-8"))
        found[f"essays/{page.name}"] = match.group(1) if match else ""
    return found


def edit_body(path: Path, number: int) -> None:
    """Change one sentence of the body: the text differs, nothing else does."""
    text = path.read_text(encoding="utf-8")
    marker = "The turn comes on"
    text = text.replace(marker, f"Edit {number}: the turn comes on", 1) if number == 0 else \
        text.replace(f"Edit {number - 1}: the turn", f"Edit {number}: the turn", 1)
    path.write_text(text, encoding="utf-8")


def retag(path: Path, number: int) -> list[str]:
    """Give one essay different tags (from the pool, deterministic)."""
    text = path.read_text(encoding="utf-8")
    tags = [TAG_POOL[(7 * number + 3) % len(TAG_POOL)], TAG_POOL[(7 * number + 11) % len(TAG_POOL)]]
    text = re.sub(r"^tags: \[.*\]$", f"tags: [{', '.join(tags)}]", text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    return tags


ROW = re.compile(r"^N=(\d+) clean build, (plain|plain-small), -j (\d+)\s+([\d.]+) s\s+"
                 r"\[([\d./]+)\] peak (\d+) MB")


def reuse_baselines(results: Path | None, sizes: str) -> dict[tuple[str, int, int], Build]:
    """The baseline rows of an earlier run's output (a long run that died late)."""
    if results is None:
        return {}
    wanted = {int(n) for n in sizes.split(",") if n.strip()}
    found = {}
    for line in results.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match and (not wanted or int(match.group(1)) in wanted):
            n, variant, j = int(match.group(1)), match.group(2), int(match.group(3))
            runs = [float(r) for r in match.group(5).split("/")]
            found[(variant, n, j)] = Build(float(match.group(4)), float(match.group(6)),
                                           runs=runs)
    return found


def time_choose_related(n: int, repeat: int) -> tuple[float, float]:
    """choose_related over ``n`` synthetic essays: (best seconds, essays/second)."""
    import random

    from folio.core.records import Essay, Place, RelatedRequest
    from folio.core.related import choose_related

    rng = random.Random(10)
    genres = ("review", "memoir", "fiction", "opinion")
    start = datetime.date(2005, 1, 1).toordinal()
    essays, books, requests = {}, {}, {}
    for i in range(n):
        name = f"essays/essay-{i:05d}"
        essays[name] = Essay(name, f"Essay {i}",
                             datetime.date.fromordinal(start + rng.randrange(7300)),
                             rng.choice(genres), author="Bench Writer",
                             tags=tuple(rng.sample(TAG_POOL, rng.randint(1, 4))))
        books[name] = {f"book-{rng.randrange(max(3, n // 10)):05d}"
                       for _ in range(2 if rng.random() < 0.3 else 1)}
        requests[name] = RelatedRequest(Place(name, 0), limit=3)
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        chosen = choose_related(essays, books, requests)
        best = min(best, time.perf_counter() - began)
    assert len(chosen) == n
    return best, n / best


def machine() -> str:
    import myst_parser
    import sphinx
    import sphinx_book_theme

    load = os.getloadavg()
    return (f"{platform.node()}: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"Sphinx {sphinx.__version__}, MyST-Parser {myst_parser.__version__}, "
            f"sphinx-book-theme {sphinx_book_theme.__version__}, {platform.platform()}; "
            f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark Folio against plain Sphinx.")
    parser.add_argument("--sizes", default="100,1000", help="essay counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=2, help="runs per timed build (min taken)")
    parser.add_argument("--related-n", type=int, default=10_000,
                        help="essays for the choose_related timing")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/folio-bench"))
    parser.add_argument("--quick", action="store_true", help="smoke run: N=20, one repetition")
    parser.add_argument("--offline", action="store_true",
                        help="also issue 14's targets 1, 2 and 7: `make` with every offline "
                             "file (bench/offline.py), at the same sizes")
    parser.add_argument("--loop", action="store_true",
                        help="also issue 14's targets 3, 4 and 5 (live preview, no-op, retitle; "
                             "bench/loop.py) at the same sizes, and 6 (10,000 essays against "
                             "the largest size) with --loop-big")
    parser.add_argument("--loop-big", type=int, default=0, metavar="N",
                        help="with --loop: target 6's clean build at N essays (10000)")
    parser.add_argument("--reuse-baselines", type=Path, metavar="RESULTS",
                        help="take the plain/plain-small clean builds from an earlier output of "
                             "this script (they do not involve Folio's code) instead of "
                             "re-measuring them")
    parser.add_argument("--reuse-sizes", default="",
                        help="with --reuse-baselines: only for these sizes (default: all)")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeat, args.related_n = "20", 1, 1000
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    argv = " ".join(shlex.quote(a) for a in sys.argv[1:])
    python = sys.executable
    if python.startswith(f"{ROOT}/"):
        python = python[len(str(ROOT)) + 1:]
    command = f"{python} bench/run.py {argv}".strip()
    began = time.perf_counter()
    rows: list[tuple[str, str, str]] = []
    checks: list[tuple[str, bool, str]] = []
    clean: dict[tuple[str, int, int], Build] = {}
    incremental: dict[int, dict[str, object]] = {}
    print(f"# Folio benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}")
    print(f"command: {command}  (from {ROOT})")
    print(f"machine: {machine()}")
    print(f"repeat: {args.repeat} (table shows the minimum; all runs in brackets)", flush=True)
    reused = reuse_baselines(args.reuse_baselines, args.reuse_sizes)
    if reused:
        print(f"baselines reused from {args.reuse_baselines}: "
              f"{', '.join(f'N={n} {v} -j {j}' for v, n, j in sorted(reused))}", flush=True)
    print()

    for n in sizes:
        base = args.workdir / str(n)
        sources = {
            "folio": (base / "folio", {}),
            "plain": (base / "plain", {"plain": True}),
            "plain-small": (base / "plain-small", {"plain": True, "small_sidebar_copy": True}),
        }
        for _name, (src, options) in sources.items():
            generate(src, n, **options)  # type: ignore[arg-type]
        jobs = [1, 2, 3] if n >= 1000 else [1, 2]
        plan = [("folio", j) for j in jobs] + [("plain", j) for j in jobs] + \
            [("plain-small", 1), ("plain-small", 2)]
        for variant, j in plan:
            if (variant, n, j) in reused:
                result, note = reused[(variant, n, j)], " (reused)"
            else:
                log(f"N={n} {variant} -j {j} clean build x{args.repeat}")
                src = sources[variant][0]
                result = timed(src, base / f"_build-{variant}-j{j}", j, True, args.repeat)
                note = ""
            clean[(variant, n, j)] = result
            rows.append((f"N={n} clean build, {variant}, -j {j}", f"{result.seconds:.1f} s",
                         f"[{result.spread}] peak {result.peak_mb:.0f} MB{note}"))
            print(f"{rows[-1][0]:<46} {rows[-1][1]:>9}  {rows[-1][2]}", flush=True)

        # Incremental builds (Folio, -j 1), on a build dir of their own.
        src, out = sources["folio"][0], base / "_build-incremental"
        shutil.rmtree(out, ignore_errors=True)
        sphinx(src, out, 1, True)
        essay = src / "essays" / f"essay-{n // 2:05d}.md"
        log(f"N={n} incremental builds")
        noop = timed(src, out, 1, False, args.repeat)
        edit = timed(src, out, 1, False, args.repeat,
                     before_each=lambda number, e=essay: edit_body(e, number))
        before = related_sections(out / "html")
        target = src / "essays" / f"essay-{n // 3:05d}.md"
        tags = retag(target, 0)
        old = html_mtimes(out / "html")
        seconds, _peak = sphinx(src, out, 1, False)
        new = html_mtimes(out / "html")
        after = related_sections(out / "html")
        written = sorted(k for k, v in new.items() if old.get(k) != v)
        written_sources = {k for k in written if k.startswith("essays/") or k == "index.html"}
        related_changed = {k for k in after if after[k] != before.get(k)}
        retagged = f"essays/{target.stem}.html"
        expected = related_changed | {retagged, "index.html"}
        needless = sorted(written_sources - expected)
        missed = sorted(expected - written_sources)
        incremental[n] = {"noop": noop, "edit": edit, "retag": seconds,
                          "related_changed": len(related_changed),
                          "written_sources": len(written_sources), "written": len(written),
                          "needless": needless, "missed": missed}
        for label, result in (("no-op rebuild", noop), ("edit one essay's body", edit)):
            rows.append((f"N={n} {label}, folio -j 1", f"{result.seconds:.2f} s",
                         f"[{result.spread}] {result.rewritten} pages rewritten "
                         f"({len(result.rewritten_sources)} essay/index pages)"))
            print(f"{rows[-1][0]:<46} {rows[-1][1]:>9}  {rows[-1][2]}", flush=True)
        rows.append((f"N={n} retag one essay, folio -j 1", f"{seconds:.2f} s",
                     f"{len(written)} pages rewritten ({len(written_sources)} essay/index "
                     f"pages); related lists changed on {len(related_changed)} essay pages "
                     f"(the retagged essay's own: {retagged in related_changed}); "
                     f"needless {len(needless)}, missed {len(missed)}; new tags {tags}"))
        print(f"{rows[-1][0]:<46} {rows[-1][1]:>9}  {rows[-1][2]}", flush=True)

    log(f"choose_related on {args.related_n} synthetic essays")
    related_s, rate = time_choose_related(args.related_n, max(2, args.repeat))
    rows.append((f"choose_related, {args.related_n} essays", f"{related_s:.3f} s",
                 f"{rate:,.0f} essays/s"))
    print(f"{rows[-1][0]:<46} {rows[-1][1]:>9}  {rows[-1][2]}\n", flush=True)

    # -- ratios and targets ---------------------------------------------------------------
    small, large = (sizes[0], sizes[-1]) if len(sizes) > 1 else (sizes[0], sizes[0])
    ratios: list[tuple[str, float]] = []

    def ratio(label: str, value: float) -> float:
        ratios.append((label, value))
        return value

    def check(label: str, ok: bool, detail: str) -> None:
        checks.append((label, ok, detail))

    if len(sizes) > 1:
        growth = ratio(f"growth folio N={large}/N={small}, -j 1",
                       clean[("folio", large, 1)].seconds / clean[("folio", small, 1)].seconds)
        ratio(f"growth plain N={large}/N={small}, -j 1",
              clean[("plain", large, 1)].seconds / clean[("plain", small, 1)].seconds)
        ratio(f"growth plain-small N={large}/N={small}, -j 1",
              clean[("plain-small", large, 1)].seconds
              / clean[("plain-small", small, 1)].seconds)
        limit = 1.1 * large / small
        check(f"growth N={large} <= {limit:.0f}x N={small}", growth <= limit, f"{growth:.2f}x")
    for n in sizes:
        for j in (1, 2):
            ratio(f"overhead folio/plain N={n} -j {j}",
                  clean[("folio", n, j)].seconds / clean[("plain", n, j)].seconds)
            ratio(f"overhead folio/plain-small N={n} -j {j}",
                  clean[("folio", n, j)].seconds / clean[("plain-small", n, j)].seconds)
    overhead = clean[("folio", small, 1)].seconds / clean[("plain", small, 1)].seconds
    check(f"overhead folio/plain at N={small} <= 1.10", overhead <= 1.10,
          f"{overhead:.2f} (vs plain-small: "
          f"{clean[('folio', small, 1)].seconds / clean[('plain-small', small, 1)].seconds:.2f})")
    for n in sizes:
        for variant in ("folio", "plain"):
            for j in (2, 3):
                if (variant, n, j) in clean:
                    ratio(f"speed-up {variant} N={n} -j 1/-j {j}",
                          clean[(variant, n, 1)].seconds / clean[(variant, n, j)].seconds)
    speedup = clean[("folio", large, 1)].seconds / clean[("folio", large, 2)].seconds
    best_j = min((j for j in (2, 3) if ("folio", large, j) in clean),
                 key=lambda j: clean[("folio", large, j)].seconds)
    best = clean[("folio", large, 1)].seconds / clean[("folio", large, best_j)].seconds
    check(f"-j 2 >= 1.5x faster than -j 1 at N={large}", speedup >= 1.5,
          f"{speedup:.2f}x (best: -j {best_j}, {best:.2f}x)")
    inc = incremental[large]
    noop_b, edit_b = inc["noop"], inc["edit"]
    assert isinstance(noop_b, Build) and isinstance(edit_b, Build)
    edit_ratio = ratio(f"edit/no-op rebuild N={large}", edit_b.seconds / noop_b.seconds)
    check(f"edit one essay <= 1.5x no-op rebuild at N={large}", edit_ratio <= 1.5,
          f"{edit_ratio:.2f}x ({edit_b.seconds:.2f} s vs {noop_b.seconds:.2f} s)")
    check(f"retag rewrites only pages whose related lists changed (N={large})",
          not inc["needless"],
          f"{inc['written_sources']} essay/index pages rewritten; related lists changed on "
          f"{inc['related_changed']}; + the retagged essay and the index; needless "
          f"{len(inc['needless'])} {inc['needless'][:5]}; missed {inc['missed'][:5]}")
    check(f"choose_related for {args.related_n} essays < 1 s", related_s < 1.0,
          f"{related_s:.3f} s")
    memory = clean[("folio", large, 1)].peak_mb / clean[("plain", large, 1)].peak_mb
    ratio(f"peak memory folio/plain N={large} -j 1", memory)
    ratio(f"peak memory folio/plain-small N={large} -j 1",
          clean[("folio", large, 1)].peak_mb / clean[("plain-small", large, 1)].peak_mb)
    check(f"peak memory at N={large} <= 1.5x plain", memory <= 1.5,
          f"{memory:.2f}x ({clean[('folio', large, 1)].peak_mb:.0f} MB vs "
          f"{clean[('plain', large, 1)].peak_mb:.0f} MB)")

    if args.offline:
        import offline

        for n in sizes:
            log(f"N={n} offline files (make)")
            offline_rows, offline_checks = offline.measure(n, args.workdir, args.repeat)
            rows += [(row, "", "") for row in offline_rows]
            checks += offline_checks

    if args.loop:
        import loop

        for n in sizes:
            log(f"N={n} the writer's loop")
            loop_rows, loop_checks = loop.measure(n, args.workdir, max(3, args.repeat), 20)
            rows += [(row, "", "") for row in loop_rows]
            checks += loop_checks
        if args.loop_big:
            log(f"N={args.loop_big} clean build against N={large}")
            loop_rows, loop_checks = loop.measure_big(args.loop_big, large, args.workdir)
            rows += [(row, "", "") for row in loop_rows]
            checks += loop_checks
        checks.append((f"6. related reading for {args.related_n} essays < 1 s", related_s < 1.0,
                       f"{related_s:.3f} s"))

    print("## Ratios")
    for label, value in ratios:
        print(f"{label:<46} {value:>7.2f}")
    print("\n## Targets")
    for label, ok, detail in checks:
        print(f"{'PASS' if ok else 'MISS'}  {label}: {detail}")
    print(f"\nreproduce: cd {ROOT} && {command}")
    print(f"total time {time.perf_counter() - began:.0f} s; "
          f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
