"""``folio build``'s short summary: what was built, where, and what the writer must know.

Sphinx runs quietly (only its warnings), TeX writes to log files
(``folio.commands.offprints``); each builder leaves a report beside its
doctrees (``folio.ext.report``), and ``folio build`` turns the reports into a
line or two each (:func:`describe`), with the note about an example
``html_baseurl`` said once (:func:`address_note`).  The same is at hand for
scripts as

    python -m folio.commands.summary _build/doctrees/shared ...

It prints each report's lines, then the note once however many reports
carry it; ``--no-address-note`` leaves the note out, ``--address-note-only``
prints only the note.  A report that is not one (no builder, no output
folder) is one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from folio.core.state import REPORT, read_json, report_name

#: The builders whose reports are shown, in the order ``folio build`` runs them.
BUILDERS = ("epub", "latex", "html", "dirhtml", "singlehtml")


def address_note(report: dict[str, Any]) -> list[str]:
    address = report.get("example_baseurl", "")
    if not address:
        return []
    return [f"warning: the essays' PDFs and ePubs link to {address}, an example address: "
            "set html_baseurl in conf.py to where the site is published"]


def shown(path: str) -> str:
    """A path as the writer sees it (relative to here when inside)."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path


def describe(report: dict[str, Any], address: bool = True) -> list[str]:
    """The summary lines for one build's report."""
    builder, outdir = report["builder"], shown(report["outdir"])
    downloads = shown(report.get("downloads", ""))
    lines = []
    if builder == "epub":
        essays = report.get("essays", 0)
        lines.append(f"ePub: {downloads}/{report.get('epub', '')} and {essays} essay ePubs "
                     f"in {downloads} ({report.get('written', 0)} written, "
                     f"{essays - report.get('written', 0)} unchanged)")
    elif builder == "latex":
        pass  # folio.commands.offprints says what the PDFs are
    else:
        lines.append(f"HTML: {outdir}/index.html ({report.get('essays', 0)} essays)")
        missing = report.get("missing_downloads", 0)
        if missing:
            lines.append(f"note: {missing} essay PDFs or ePubs are not built yet, so their "
                         "pages have no download links; 'folio build' builds everything")
    if address:
        lines += address_note(report)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m folio.commands.summary")
    parser.add_argument("doctrees", type=Path, nargs="+",
                        help="the build's doctree folders (each holds "
                        f"{REPORT.format(builder='BUILDER')})")
    parser.add_argument("--no-address-note", action="store_true")
    parser.add_argument("--address-note-only", action="store_true")
    args = parser.parse_args(argv)
    notes: list[str] = []
    damaged = False
    for folder in args.doctrees:
        for builder in BUILDERS:
            path = folder / report_name(builder)
            report = read_json(path)  # missing or not JSON: as if that builder never ran
            if not isinstance(report, dict):
                continue
            if not isinstance(report.get("builder"), str) or "outdir" not in report:
                print(f"{path}: not a build report (no builder or outdir); build again",
                      file=sys.stderr)
                damaged = True
                continue
            if not args.address_note_only:
                lines = describe(report, address=False)
                if lines:
                    print("\n".join(lines))
            if args.address_note_only or not args.no_address_note:
                notes += [n for n in address_note(report) if n not in notes]
    if notes:
        print("\n".join(notes))
    sys.stdout.flush()
    return 2 if damaged else 0


if __name__ == "__main__":
    sys.exit(main())
