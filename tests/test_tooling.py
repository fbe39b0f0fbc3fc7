"""The repository's own tooling: ``make test`` installs the validators only when needed."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

from conftest import ROOT

current = runpy.run_path(str(ROOT / "tools" / "node_modules_current.py"))["current"]

LOCK = {"lockfileVersion": 3, "packages": {
    "": {"name": "folio-test-tools"},
    "node_modules/axe-core": {"version": "4.10.0"},
    "node_modules/fsevents": {"version": "2.3.3", "optional": True},
}}


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_node_modules_is_current_when_it_holds_the_pinned_versions(tmp_path: Path) -> None:
    lock = write(tmp_path / "package-lock.json", LOCK)
    installed = {"packages": {"node_modules/axe-core": {"version": "4.10.0"}}}
    assert current(lock, write(tmp_path / "installed.json", installed))


def test_node_modules_is_stale_when_missing_or_other_versions(tmp_path: Path) -> None:
    lock = write(tmp_path / "package-lock.json", LOCK)
    assert not current(lock, tmp_path / "missing.json")
    other = {"packages": {"node_modules/axe-core": {"version": "4.9.0"}}}
    assert not current(lock, write(tmp_path / "other.json", other))
    assert not current(lock, write(tmp_path / "none.json", {"packages": {}}))
    (tmp_path / "broken.json").write_text("{")
    assert not current(lock, tmp_path / "broken.json")


def test_make_test_installs_the_validators_before_the_tests() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "test: lint $(NODE_STAMP)" in makefile
    assert "PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund" in makefile
    assert "npm ci" not in (ROOT / ".ci" / "run").read_text()
