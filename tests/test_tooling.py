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


def make_dry_run(tmp_path: Path) -> str:
    import os
    import subprocess

    # Under an outer `make test` (CI), make would print "Entering directory …" with
    # the test's folder (which holds "pytest") and pass its own flags down.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    result = subprocess.run(["make", "--no-print-directory", "-n", "test"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=True, env=env)
    return result.stdout


def test_make_test_installs_the_validators_first_when_node_modules_is_missing(
        tmp_path: Path) -> None:
    import shutil

    for name in ("Makefile", "pyproject.toml", "package-lock.json"):
        shutil.copy(ROOT / name, tmp_path)
    steps = make_dry_run(tmp_path)
    assert "PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund" in steps
    assert steps.index("npm ci") < steps.index("pytest")
    # Installed and newer than the lock file: nothing to do.
    (tmp_path / "node_modules").mkdir()
    shutil.copy(ROOT / "package-lock.json", tmp_path / "node_modules" / ".package-lock.json")
    assert "npm ci" not in make_dry_run(tmp_path)


def test_one_list_of_debian_packages_for_the_pdfs() -> None:
    """``folio.core.requirements`` is the list; every host and script installs it."""
    import re
    import subprocess
    import sys

    import yaml
    from folio.core.requirements import TEX_PACKAGES

    assert "fonts-sil-gentiumplus" in TEX_PACKAGES  # the face the design sets the PDF in
    rtd = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())
    assert tuple(rtd["build"]["apt_packages"]) == TEX_PACKAGES
    assert "python -m folio build" in rtd["build"]["commands"]
    workflow = (ROOT / ".github/workflows/pages.yml").read_text()
    assert f"apt-get install -y --no-install-recommends {' '.join(TEX_PACKAGES)}\n" in workflow
    assert "run: python -m folio build\n" in workflow
    readme = (ROOT / "README.md").read_text()
    assert f"sudo apt-get install {' '.join(TEX_PACKAGES)}\n" in readme
    # .ci/run reads it with a bare python3 (no Sphinx): the same words.
    listed = subprocess.run([sys.executable, "-S", "-m", "folio.core.requirements"],
                            capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(ROOT / "_ext")}).stdout.split()
    assert tuple(listed) == TEX_PACKAGES
    assert "python3 -m folio.core.requirements" in (ROOT / ".ci/run").read_text()
    # No other copy of the list is left to drift.
    for name in ("Makefile", ".ci/run"):
        assert not re.search(r"texlive-xetex", (ROOT / name).read_text()), name
