"""``main.py assess SNAPSHOT [--workpaper W] --json OUT [--ocsf OUT]``: every control on every resource.

Recomputed from the snapshot each time (newer controls run on older snapshots): the Inventory,
the trust graph and the internet exposure are built, every control runs, and the workpaper's
waivers and notes are applied. ``--json OUT`` writes the document of docs/assessment.md (``-``:
stdout); ``--ocsf OUT`` the OCSF Compliance Findings. A summary goes to stdout unless the JSON
does. The workpaper defaults to the one beside the snapshot (``SNAPSHOT.workpaper.json``) when it
exists.

Exit status: 0 (also when controls fail: they are the answer), 1 cancelled (Ctrl-C), 2 a user
error (no snapshot, a corrupt workpaper, an unwritable output). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from cli.analysis_common import build_graph, open_inventory, open_workpaper, progress_for
from cli.main import CliError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "assess",
        help="run every control: results with evidence, waivers applied (JSON, OCSF)",
        description="Run every control on the snapshot and write every result (status, severity, "
        "account, OU path, region, resource, framework mappings, evidence), the internet exposures "
        "and the trust findings; the workpaper's waivers and notes applied. Exit status: 0 (also "
        "when controls fail), 1 cancelled, 2 user error.",
    )
    p.add_argument("snapshot", help="the snapshot file")
    p.add_argument(
        "--workpaper",
        metavar="W",
        help="the workpaper (waivers, notes, sign-off); default: SNAPSHOT.workpaper.json if it exists",
    )
    p.add_argument(
        "--json", metavar="OUT", dest="json_out", help="write the assessment JSON here ('-': stdout)"
    )
    p.add_argument(
        "--ocsf", metavar="OUT", dest="ocsf_out", help="write OCSF Compliance Findings here ('-': stdout)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.network import internet_exposure
    from analysis.rules.assessment import assess, gc_paused
    from analysis.rules.context import AssessmentContext
    from analysis.rules.report import AssessmentDocument, collect_trust_findings
    from collectors import tool_version

    if not args.json_out and not args.ocsf_out:
        raise CliError("say where to write: --json OUT and/or --ocsf OUT ('-' for stdout)")
    if args.json_out == "-" and args.ocsf_out == "-":
        raise CliError("--json and --ocsf cannot both write to stdout")
    for out in (args.json_out, args.ocsf_out):
        _check_output(out, args.snapshot)
    workpaper = open_workpaper(args.snapshot, args.workpaper)
    # The cyclic garbage collector stays paused from the Inventory to the last line written: each
    # full collection walks the Inventory and the trust graph (5-10 s of CPU at 500 accounts) and
    # the exposure, the results and the document's dicts would trigger two or more of them. The
    # command's objects are freed by reference counting; main.py ends the process right after.
    with progress_for() as progress, gc_paused():
        inventory = open_inventory(args.snapshot, progress)
        graph = build_graph(inventory, progress)
        exposure = internet_exposure(inventory, progress=progress.phase("exposure"))
        result = assess(inventory, trust_graph=graph, exposure=exposure, progress=progress.phase("controls"))
        progress.note("trust findings")
        # The assessment's own context: the IAM controls built the trust-findings index there.
        findings = collect_trust_findings(
            result.context or AssessmentContext(inventory=inventory, trust_graph=graph, exposure=exposure)
        )
        doc = AssessmentDocument(
            result,
            inventory=inventory,
            workpaper=workpaper,
            exposure=exposure,
            trust_findings=findings,
            trust_graph=graph,
            snapshot_path=args.snapshot,
            tool_version=tool_version(),
        )
        if args.json_out:
            progress.note(f"writing {len(doc)} result(s) to {args.json_out}")
            _write(args.json_out, lambda fh: doc.write(fh, progress.phase("json")))
        if args.ocsf_out:
            from analysis.rules.ocsf import write_ocsf

            progress.note(f"writing {len(doc)} OCSF finding(s) to {args.ocsf_out}")
            _write(args.ocsf_out, lambda fh: write_ocsf(fh, doc.header, doc.results(progress.phase("ocsf"))))
    if "-" not in (args.json_out, args.ocsf_out):
        print("\n".join(summary_lines(doc.header)))
    return 0


def _check_output(out: str | None, snapshot: str) -> None:
    if not out or out == "-":
        return
    p = Path(out)
    if p.exists() and Path(snapshot).exists() and p.resolve() == Path(snapshot).resolve():
        raise CliError(f"{out}: that is the snapshot; the snapshot is never written")
    if not p.parent.exists() and str(p.parent) not in ("", "."):
        raise CliError(f"{out}: folder {p.parent} does not exist")
    if p.is_dir():
        raise CliError(f"{out}: is a folder; give a file name")


def _write(out: str, write: Callable[[TextIO], object]) -> None:
    """Text to ``out`` atomically (a temporary file, then rename), or to stdout for ``-``."""
    if out == "-":
        write(sys.stdout)
        sys.stdout.flush()
        return
    target = Path(out)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or Path("."))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                write(fh)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise CliError(f"{out}: cannot be written ({exc.strerror or exc})") from exc


def summary_lines(doc: dict[str, Any]) -> Sequence[str]:
    s = doc["summary"]
    by_status = ", ".join(f"{k} {v}" for k, v in s["by_status"].items()) or "none"
    lines = [
        f"Assessment of {doc['snapshot']['organization_id'] or 'the snapshot'}: {s['controls']} control(s), "
        f"{s['results']} result(s) in {s['seconds']:.1f} s",
        f"  by status: {by_status}",
    ]
    if s["failed_by_severity"]:
        lines.append(
            "  failed by severity: " + ", ".join(f"{k} {v}" for k, v in s["failed_by_severity"].items())
        )
    if doc.get("exposure") is not None:
        e = doc["exposure"]["summary"]
        lines.append(
            f"  internet exposure: {e['exposures']} exposure(s) on {e['interfaces_exposed']} interface(s), "
            f"{e['management_exposures']} on management ports"
        )
    if doc.get("trust_findings") is not None:
        lines.append(f"  trust findings: {len(doc['trust_findings'])}")
    wp = doc.get("workpaper")
    if wp:
        signed = (
            f"signed off by {wp['signoff']['name']} at {wp['signoff']['time']}"
            if wp["signoff"]
            else "not signed off"
        )
        lines.append(f"  workpaper {wp['path']}: {wp['waivers']} waiver(s), {wp['notes']} note(s), {signed}")
    return lines
