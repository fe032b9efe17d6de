"""``main.py export SNAPSHOT [--workpaper W] [--xlsx OUT.xlsx] [--bundle OUT.zip] [filters]``: the evidence pack.

``--xlsx`` writes the Excel workbook; ``--bundle`` the evidence bundle (the workbook, the assessment
JSON, the OCSF findings, the evidence records cited, PNG images of the OU tree, the trust overview
and the internet exposure paths, a manifest and SHA256SUMS: docs/export.md). Both may be given. The
filters (``--account``, ``--ou``, ``--severity``, ``--status``, ``--framework``), ``--sheets`` and
``--no-pass`` are ``exports.options.ExportOptions``. The workpaper defaults to the one beside the
snapshot (``SNAPSHOT.workpaper.json``) when it exists, as for ``assess``.

Every file is written to a temporary file and renamed: Ctrl-C or an error leaves nothing at the
targets. Exit status: 0 written; 1 cancelled (Ctrl-C); 2 a user error (options, a missing, damaged
or tampered snapshot, a corrupt workpaper, an unwritable output). Progress goes to stderr; what was
written, and the bundle's SHA256SUMS digest, to stdout.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cli.analysis_common import open_workpaper
from cli.main import CliError
from cli.progress import StepProgress

EXIT_CANCELLED = 1


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="write the Excel evidence pack and/or the evidence bundle (zip with manifest and SHA-256 sums)",
        description="Write the Excel evidence pack (--xlsx) and/or the evidence bundle (--bundle): the "
        "workbook, the assessment JSON, the OCSF findings, the snapshot records the findings cite, PNG "
        "images of the OU tree, the trust overview and the internet exposure paths, manifest.json and "
        "SHA256SUMS. Filters narrow the results the pack is about. Exit status: 0 written, 1 cancelled, "
        "2 user error.",
    )
    p.add_argument("snapshot", help="the snapshot file")
    p.add_argument(
        "--workpaper",
        metavar="W",
        help="the workpaper (waivers, notes, sign-off); default: SNAPSHOT.workpaper.json if it exists",
    )
    p.add_argument("--xlsx", metavar="OUT.xlsx", help="write the Excel workbook here")
    p.add_argument("--bundle", metavar="OUT.zip", help="write the evidence bundle here")
    p.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="ID",
        help="only these accounts (repeat or comma-separate)",
    )
    p.add_argument(
        "--ou",
        action="append",
        default=[],
        metavar="ID",
        help="only accounts beneath these OUs or roots, at any depth",
    )
    p.add_argument(
        "--severity",
        action="append",
        default=[],
        metavar="S",
        help="critical, high, medium, low, informational",
    )
    p.add_argument(
        "--status",
        action="append",
        default=[],
        metavar="S",
        help="FAIL, ERROR, NOT_ASSESSED, WAIVED, PASS (as reported)",
    )
    p.add_argument(
        "--framework", action="append", default=[], metavar="F", help="controls mapped to cis, fsbp or nist"
    )
    p.add_argument(
        "--sheets",
        metavar="LIST",
        help="comma-separated sheet names (default: every sheet; see docs/export.md)",
    )
    p.add_argument(
        "--include-pass",
        dest="include_pass",
        action="store_true",
        default=True,
        help="list PASS results on the Findings sheet and in the bundle's JSON (the default)",
    )
    p.add_argument(
        "--no-pass",
        dest="include_pass",
        action="store_false",
        help="leave PASS results out of the Findings sheet and the bundle's JSON (the counts stay whole)",
    )
    p.add_argument(
        "--exposure-images",
        type=int,
        default=None,
        metavar="N",
        help="draw at most N exposed resources in the bundle (default 25; management ports first)",
    )  # fmt: skip
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from exports.errors import ExportCancelled, ExportError

    if not args.xlsx and not args.bundle:
        raise CliError("say what to write: --xlsx OUT.xlsx and/or --bundle OUT.zip")
    options = build_options(args)
    _check_targets(args)
    workpaper = open_workpaper(args.snapshot, args.workpaper)
    progress = StepProgress()
    written: list[str] = []
    try:
        lines = _export(args, options, workpaper, progress, written)
    except KeyboardInterrupt:
        progress.close()
        done = f"; written before: {', '.join(written)}" if written else "; nothing was written"
        raise CliError(f"cancelled (Ctrl-C) after {progress.elapsed():.1f} s{done}", EXIT_CANCELLED) from None
    except ExportCancelled as exc:
        raise CliError(str(exc), EXIT_CANCELLED) from exc
    except ExportError as exc:
        raise CliError(str(exc)) from exc
    finally:
        progress.close()
    print("\n".join(lines))
    return 0


def build_options(args: argparse.Namespace) -> Any:
    from exports.options import ALL_SHEETS, ExportOptions, ExportOptionsError

    sheets: tuple[str, ...] = ALL_SHEETS
    if args.sheets is not None:
        by_lower = {s.lower(): s for s in ALL_SHEETS}
        names = [s.strip() for s in args.sheets.split(",") if s.strip()]
        sheets = tuple(by_lower.get(n.lower(), n) for n in names)
    try:
        return ExportOptions(
            accounts=frozenset(_items(args.account)),
            ous=frozenset(_items(args.ou)),
            severities=frozenset(_items(args.severity)),
            statuses=frozenset(s.replace("-", "_").replace(" ", "_") for s in _items(args.status)),
            frameworks=frozenset(_items(args.framework)),
            sheets=sheets,
            include_pass=args.include_pass,
        )
    except ExportOptionsError as exc:
        raise CliError(str(exc)) from exc


def _items(values: Iterable[str]) -> list[str]:
    return [part.strip() for v in values for part in v.split(",") if part.strip()]


def _check_targets(args: argparse.Namespace) -> None:
    from exports.bundle import check_bundle_target
    from exports.errors import ExportError
    from exports.workbook import check_target

    snapshot = Path(args.snapshot)
    try:
        for out in (args.xlsx, args.bundle):
            if out and snapshot.exists() and Path(out).exists() and Path(out).resolve() == snapshot.resolve():
                raise ExportError(f"{out}: that is the snapshot; the snapshot is never written")
        if args.xlsx:
            check_target(args.xlsx)
        if args.bundle:
            check_bundle_target(args.bundle)
    except ExportError as exc:
        raise CliError(str(exc)) from exc
    if args.exposure_images is not None and args.exposure_images < 0:
        raise CliError("--exposure-images: give 0 or more")


def _export(
    args: argparse.Namespace, options: Any, workpaper: Any, progress: StepProgress, written: list[str]
) -> Sequence[str]:
    from analysis.rules.assessment import gc_paused
    from exports.pack_data import build_pack_data
    from exports.workbook import write_workbook

    lines: list[str] = []
    # The cyclic GC stays paused while the Inventory and the trust graph are alive, as in assess.
    with gc_paused():
        progress.note(f"opening {args.snapshot}")
        data = build_pack_data(args.snapshot, workpaper=workpaper, progress=progress.phase("pack data"))
        if data.integrity != "intact":
            progress.note(f"the snapshot is {data.integrity.upper()}: the pack says so on its Cover")
        workbook = None
        if args.xlsx:
            workbook = write_workbook(data, args.xlsx, options=options, progress=progress.phase("workbook"))
            written.append(str(workbook.path))
            rows = sum(workbook.rows.values())
            lines.append(
                f"workbook {workbook.path}: {len(workbook.sheets)} sheet(s), {rows} row(s) in {workbook.seconds:.1f} s"
            )
        if args.bundle:
            lines += _bundle(args, data, options, workbook, progress)
            written.append(args.bundle)
    return lines


def _bundle(
    args: argparse.Namespace, data: Any, options: Any, workbook: Any, progress: StepProgress
) -> list[str]:
    from exports.bundle import write_bundle
    from exports.bundle_content import EXPOSURE_IMAGE_LIMIT

    try:
        from ui.render.images import RenderError, ensure_gui_application, render_bundle_images
    except ImportError as exc:
        raise CliError(f"the bundle's images need PySide6 ({exc}); --xlsx works without it") from exc
    try:
        app = ensure_gui_application()  # offscreen unless QT_QPA_PLATFORM says otherwise
        limit = EXPOSURE_IMAGE_LIMIT if args.exposure_images is None else args.exposure_images
        rendered = render_bundle_images(data, options, limit=limit, progress=progress.phase("images"))
    except RenderError as exc:
        raise CliError(f"the bundle's images cannot be drawn: {exc}") from exc
    report = write_bundle(
        data,
        args.bundle,
        options=options,
        images=rendered.images,
        image_notes=rendered.notes,
        workbook=workbook,
        progress=progress.phase("bundle"),
    )
    del app  # (kept alive until the images were drawn)
    c = report.counts
    lines = [
        f"bundle {report.path}: {len(report.files) + 2} file(s); {c['results_in_scope']} result(s), "
        f"{c['evidence_calls']} evidence record(s), {c['images']} image(s) in {report.seconds:.1f} s",
        f"  SHA-256 of SHA256SUMS: {report.sums_sha256} (give it to the recipient separately; "
        f"main.py verify {report.path} checks the rest)",
    ]
    lines += [f"  note: {n}" for n in report.notes]
    return lines
