"""The shape of the package, as docs/architecture.md draws it.

- ``folio.core`` needs neither Sphinx nor docutils, and neither do the
  commands that say so (the WordPress importer, the offprint cutter): each is
  imported in a fresh interpreter where importing ``sphinx`` or ``docutils``
  raises.
- No import cycle anywhere in the package, counting every import written in
  a module (a lazy import inside a function too; only ``if TYPE_CHECKING:``
  blocks, which never run, are left out).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "_ext" / "folio"

#: Modules that promise to load without Sphinx: all of core, and these commands.
WITHOUT_SPHINX = ("folio.commands.wordpress", "folio.commands.wordpress.command",
                  "folio.commands.offprints", "folio.commands.reading_log",
                  "folio.commands.goodreads", "folio.commands.storygraph")

BLOCKER = textwrap.dedent("""
    import importlib.abc, sys

    class Blocked(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("sphinx", "docutils"):
                raise ImportError(f"{name} is blocked: this module must not need it")
            return None

    sys.meta_path.insert(0, Blocked())
""")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def core_modules() -> list[str]:
    return [name for name in modules() if name == "folio.core" or name.startswith("folio.core.")]


def test_the_blocker_blocks() -> None:
    """The check itself can fail: a module that imports Sphinx is caught."""
    result = subprocess.run([sys.executable, "-c", BLOCKER + "import folio.ext.shared"],
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "is blocked" in result.stderr


@pytest.mark.parametrize("name", [*core_modules(), *WITHOUT_SPHINX])
def test_imports_without_sphinx_or_docutils(name: str) -> None:
    code = BLOCKER + f"import {name}\nprint(sorted(sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False, cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stderr
    assert name in result.stdout


def type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING"))


def imported(tree: ast.AST, known: set[str], here: str) -> set[str]:
    """The package's modules a module imports, at its top or inside any function."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if type_checking_only(node):
            return
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # The package imports absolutely (test_no_relative_imports), so this is the name.
            base = node.module or ""
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                     for alias in node.names]
        for name in names:
            while name and name not in known:  # folio.core.wording.X → folio.core.wording
                name = name.rpartition(".")[0]
            if name and name != here:
                found.add(name)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imported(ast.parse(path.read_text(encoding="utf-8")), known, name)
            for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan), as found."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for other in sorted(graph.get(name, ())):
            if other not in index:
                connect(other)
                low[name] = min(low[name], low[other])
            elif other in on_stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == name:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            connect(name)
    return groups


def test_the_cycle_check_finds_a_cycle() -> None:
    """The check itself can fail: a lazy import back is a cycle."""
    a = ast.parse("from folio.b import x\n")
    b = ast.parse("def f():\n    from folio.a import y\n")
    known = {"folio.a", "folio.b"}
    graph = {"folio.a": imported(a, known, "folio.a"), "folio.b": imported(b, known, "folio.b")}
    assert cycles(graph) == [["folio.a", "folio.b"]]


def test_no_import_cycle() -> None:
    graph = import_graph()
    assert "folio.ext.books" in graph["folio.ext.quotes"]  # the walk sees imports at all
    assert cycles(graph) == []


def test_core_imports_only_core() -> None:
    """What core needs is in core: no module of it reaches into the extension or commands."""
    graph = import_graph()
    for name in core_modules():
        outside = {m for m in graph[name] if not m.startswith("folio.core")}
        assert not outside, (name, outside)


def test_no_relative_imports() -> None:
    """Every import names its module in full, as the cycle walk reads it."""
    relative = [(name, node.lineno) for name, path in modules().items()
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.ImportFrom) and node.level]
    assert relative == []
