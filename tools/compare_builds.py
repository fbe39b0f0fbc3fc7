"""Does the sample collection come out the same from two revisions?

    .venv/bin/python tools/compare_builds.py REV_A REV_B [--cache DIR] [--epoch SECONDS]

Each revision is checked out into a temporary worktree (``git worktree add
--detach``), always at the same path so no build can differ by where it ran,
and built with that revision's own ``make site`` (its Makefile and commands:
the HTML, the ePubs, the LaTeX and every PDF), niced, with
``SOURCE_DATE_EPOCH`` fixed and this worktree's ``.venv`` (the checked-out
``pyproject.toml`` is dated 1970, so make never reinstalls it, not even from
a sub-make, which ``make -o`` would not reach; the revision's ``_ext`` comes
first on the path).  ``--allow-warnings`` builds without ``-W``, for a
revision whose sample warned (the warnings are then part of the report).
The outputs are kept in ``--cache`` by commit, so a revision shared by two
comparisons is built once.

Then it reports, for what the two builds made:

- the snippet tests' doctrees: ``tests/test_snippets.py`` run in each tree
  (each snippet's doctree, as read and resolved, against ``tests/snippets/``),
  and whether the two revisions' ``tests/snippets/`` are the same;
- the HTML (``_build/html``): how many files are byte-identical, which are
  not or exist on one side only, and a short diff of the first text file
  that differs (an ePub offered for download is compared by its members:
  Sphinx stamps each zip entry with its file's time, which
  ``SOURCE_DATE_EPOCH`` does not reach);
- each ePub (``_build/downloads/*.epub``): its members compared byte for
  byte, with a short diff of the first member that differs;
- each PDF (``_build/downloads/*.pdf``): its text from ``pdftotext``
  compared, with a short diff of the first difference.

Exit 0 when everything is identical, 1 when something differs, 2 when a
revision could not be built.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: 2026-12-01 00:00 UTC: any fixed time will do, the same for both builds.
EPOCH = "1764547200"
#: Lines of diff shown for the first difference of each kind.
DIFF_LINES = 24


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """The command's warnings (its stderr); :class:`RuntimeError` when it fails."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed in {cwd}:\n"
                           f"{(done.stdout + done.stderr)[-4000:]}")
    return done.stderr


def commit_of(rev: str) -> str:
    return subprocess.run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout.strip()


def built(commit: str, cache: Path, epoch: str, allow_warnings: bool = False) -> Path:
    """The revision's ``_build/html`` and ``_build/downloads``, built once and kept."""
    kept = cache / commit
    if (kept / "done").is_file():
        return kept
    tree = cache / "tree"
    if tree.exists():
        run(["git", "worktree", "remove", "--force", str(tree)], ROOT)
    run(["git", "worktree", "add", "--detach", str(tree), commit], ROOT)
    os.utime(tree / "pyproject.toml", (0, 0))  # older than .venv/.installed: no reinstall
    try:
        venv = ROOT / ".venv"
        env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "PYTHONHASHSEED": "0", "NO_COLOR": "1",
               "JOBS": "2"}
        for name in ("FOLIO_BASEURL", "READTHEDOCS", "READTHEDOCS_OUTPUT",
                     "READTHEDOCS_CANONICAL_URL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
            env.pop(name, None)
        relaxed = ["SPHINXOPTS=--keep-going -n -q", "BUILDOPTS=--jobs 2"] if allow_warnings \
            else []
        warned = run(["nice", "-n", "10", "make", "--no-print-directory", f"VENV={venv}",
                      *relaxed, "site"], tree, env)
        snippet_run = subprocess.run(
            ["nice", "-n", "10", str(venv / "bin" / "pytest"), "tests/test_snippets.py", "-q",
             "-n", "0", "-p", "no:cacheprovider"], cwd=tree, env=env, capture_output=True,
            text=True, check=False)
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir(parents=True)
        last = (snippet_run.stdout.strip().splitlines() or ["no output"])[-1]
        (kept / "snippets").write_text(f"{snippet_run.returncode} {last}\n", encoding="utf-8")
        (kept / "warnings").write_text(warned, encoding="utf-8")
        for part in ("html", "downloads"):
            shutil.copytree(tree / "_build" / part, kept / part, symlinks=True)
        (kept / "done").write_text(commit + "\n", encoding="utf-8")
    finally:
        run(["git", "worktree", "remove", "--force", str(tree)], ROOT)
    return kept


def files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if p.is_file()}


def short_diff(name: str, a: bytes, b: bytes) -> list[str]:
    """The first lines of a unified diff, or a note that the bytes are not text."""
    try:
        left, right = a.decode("utf-8"), b.decode("utf-8")
    except UnicodeDecodeError:
        return [f"    (binary: {len(a)} and {len(b)} bytes, sha256 "
                f"{hashlib.sha256(a).hexdigest()[:12]} and "
                f"{hashlib.sha256(b).hexdigest()[:12]})"]
    # One element per line; very long lines (minified HTML) are cut at tags.
    def lines(text: str) -> list[str]:
        return text.replace("><", ">\n<").splitlines()
    diff = list(difflib.unified_diff(lines(left), lines(right), f"a/{name}", f"b/{name}",
                                     n=1, lineterm=""))
    shown = ["    " + line[:160] for line in diff[:DIFF_LINES]]
    if len(diff) > DIFF_LINES:
        shown.append(f"    ... ({len(diff) - DIFF_LINES} more diff lines)")
    return shown


def compare(kind: str, a: dict[str, bytes], b: dict[str, bytes]) -> tuple[bool, list[str]]:
    """Same names, same bytes? Lines saying what differs, the first one's diff."""
    same = [n for n in sorted(a.keys() & b.keys()) if a[n] == b[n]]
    differ = [n for n in sorted(a.keys() & b.keys()) if a[n] != b[n]]
    only_a, only_b = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
    out = [f"{kind}: {len(same)} identical, {len(differ)} differ, {len(only_a)} only in A, "
           f"{len(only_b)} only in B"]
    for label, names in (("differ", differ), ("only in A", only_a), ("only in B", only_b)):
        if names:
            listed = ", ".join(names[:12]) + (f" (+{len(names) - 12})" if len(names) > 12
                                              else "")
            out.append(f"  {label}: {listed}")
    text = [n for n in differ if not n.endswith((".png", ".jpg", ".woff2", ".ttf", ".otf"))]
    if text:
        out.append(f"  first difference, {text[0]}:")
        out += short_diff(text[0], a[text[0]], b[text[0]])
    return not (differ or only_a or only_b), out


def pdf_text(pdf: Path) -> bytes:
    return subprocess.run(["nice", "-n", "10", "pdftotext", "-layout", str(pdf), "-"],
                          capture_output=True, check=True).stdout


def as_compared(path: Path) -> bytes:
    """A file's bytes; an ePub's members (names and bytes), without the zip's times."""
    if path.suffix != ".epub":
        return path.read_bytes()
    with zipfile.ZipFile(path) as book:
        return b"".join(name.encode() + b"\0" + hashlib.sha256(book.read(name)).digest()
                        for name in book.namelist())


def snippets(a: str, b: str, built_a: Path, built_b: Path) -> tuple[bool, list[str]]:
    """The snippet tests in each tree, and whether their expected doctrees are the same."""
    same = subprocess.run(["git", "diff", "--quiet", a, b, "--", "tests/snippets"], cwd=ROOT,
                          check=False).returncode == 0
    runs = [(built / "snippets").read_text(encoding="utf-8").split(" ", 1)
            for built in (built_a, built_b)]
    passed = all(code == "0" for code, _ in runs)
    return same and passed, [
        f"snippet doctrees: tests/snippets/ {'the same' if same else 'differs'} in A and B; "
        f"tests/test_snippets.py in A: {runs[0][1].strip()}; in B: {runs[1][1].strip()}"]


def report(a: Path, b: Path) -> tuple[bool, list[str]]:
    lines: list[str] = []
    html_a, html_b = files(a / "html"), files(b / "html")
    ok, out = compare("HTML files", {n: as_compared(p) for n, p in html_a.items()},
                      {n: as_compared(p) for n, p in html_b.items()})
    lines += out
    down_a, down_b = files(a / "downloads"), files(b / "downloads")
    for suffix in (".epub", ".pdf"):
        names_a = {n for n in down_a if n.endswith(suffix)}
        names_b = {n for n in down_b if n.endswith(suffix)}
        if names_a ^ names_b:
            ok = False
            lines.append(f"{suffix} files only in A: {sorted(names_a - names_b)}; "
                         f"only in B: {sorted(names_b - names_a)}")
        same = 0
        for name in sorted(names_a & names_b):
            if suffix == ".epub":
                with zipfile.ZipFile(down_a[name]) as za, zipfile.ZipFile(down_b[name]) as zb:
                    members_a = {m: za.read(m) for m in za.namelist()}
                    members_b = {m: zb.read(m) for m in zb.namelist()}
                alike, out = compare(f"ePub {name} members", members_a, members_b)
            else:
                alike, out = compare(f"PDF {name} text", {"text": pdf_text(down_a[name])},
                                     {"text": pdf_text(down_b[name])})
            if alike:
                same += 1
            else:
                ok = False
                lines += out
        lines.append(f"{suffix} files whose {'members' if suffix == '.epub' else 'text'} "
                     f"are identical: {same} of {len(names_a & names_b)}")
    return ok, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/compare_builds.py",
                                     description="The sample's outputs from two revisions.")
    parser.add_argument("rev_a")
    parser.add_argument("rev_b")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/folio-compare-builds"),
                        help="where each revision's outputs are kept (by commit)")
    parser.add_argument("--epoch", default=EPOCH, help="SOURCE_DATE_EPOCH for both builds")
    parser.add_argument("--allow-warnings", action="store_true",
                        help="build without -W (a revision whose sample warned)")
    args = parser.parse_args(argv)
    try:
        a, b = commit_of(args.rev_a), commit_of(args.rev_b)
        print(f"A = {args.rev_a} ({a[:10]}), B = {args.rev_b} ({b[:10]}), "
              f"SOURCE_DATE_EPOCH={args.epoch}", flush=True)
        out_a, out_b = (built(commit, args.cache, args.epoch, args.allow_warnings)
                        for commit in (a, b))
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"compare_builds: {error}", file=sys.stderr)
        return 2
    ok, lines = report(out_a, out_b)
    for label, out in (("A", out_a), ("B", out_b)):
        warned = [line for line in (out / "warnings").read_text(encoding="utf-8").splitlines()
                  if "WARNING" in line or "warning:" in line]
        lines += [f"build warnings in {label}: {line}" for line in warned]
    alike, said = snippets(a, b, out_a, out_b)
    print("\n".join(said + lines))
    ok &= alike
    print("identical" if ok else "different")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
