"""The export dialog's work, run in a FunctionWorker: the pack's data, then the workbook or the bundle.

Plain functions (no widget): ``default_target`` names the file, ``check_export_target`` says why a
path cannot be written, ``export_job`` is the ``job(progress, cancelled)`` the worker runs, and
``outcome_html`` is what the dialog says when it is done. The bundle's images are drawn by
``ui.render`` on the worker thread (QPainter on a QImage, no widget).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from html import escape
from pathlib import Path
from typing import Any

from exports.bundle import BundleReport, check_bundle_target, write_bundle
from exports.errors import ExportError
from exports.options import ExportOptions
from exports.pack_data import PackData, build_pack_data
from exports.workbook import WorkbookReport, check_target, write_workbook

WORKBOOK, BUNDLE = "xlsx", "zip"


@dataclass(frozen=True)
class Format:
    label: str
    suffix: str
    file_filter: str


FORMATS: dict[str, Format] = {
    WORKBOOK: Format("Workbook (.xlsx)", ".xlsx", "Excel workbook (*.xlsx)"),
    BUNDLE: Format("Evidence bundle (.zip)", ".zip", "Evidence bundle (*.zip)"),
}
TOTAL = 1000  # progress values are (done, TOTAL, message)
PACK_SHARE = 300  # of TOTAL: building the pack's data, when it is not built yet
IMAGES_SHARE = 0.2  # of what is left, for a bundle: drawing its images

Progress = Any  # (done, total, message) -> None
ExportReport = WorkbookReport | BundleReport


def default_target(snapshot_path: Path, organization_id: str, fmt: str, today: date | None = None) -> Path:
    """``<organization id>-evidence-<date>.xlsx`` (or .zip) beside the snapshot; "-2", "-3"... when taken."""
    stem = f"{organization_id or snapshot_path.stem}-evidence-{(today or date.today()).isoformat()}"
    suffix = FORMATS[fmt].suffix
    candidate = snapshot_path.parent / f"{stem}{suffix}"
    n = 2
    while candidate.exists():
        candidate = snapshot_path.parent / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def check_export_target(path: Path, fmt: str, snapshot_path: Path) -> Path:
    """``path`` when a pack of format ``fmt`` can be written there; else ExportError saying why."""
    target = check_target(path) if fmt == WORKBOOK else check_bundle_target(path)
    if snapshot_path.exists() and target.exists() and target.samefile(snapshot_path):
        raise ExportError(f"{target}: that is the snapshot; the snapshot is never written")
    return target


def _scaled(progress: Progress, start: int, end: int) -> Any:
    """A (done, total, message) callback mapped onto [start, end] of TOTAL."""

    def inner(done: int, total: int, message: str) -> None:
        progress((start + (end - start) * min(done, total) // max(total, 1), TOTAL, message))

    return inner


def export_job(
    *,
    snapshot_path: Path,
    target: Path,
    fmt: str,
    options: ExportOptions,
    pack: PackData | None,
    reuse: dict[str, Any],
) -> Any:
    """A FunctionWorker job: the pack's data (unless ``pack`` is given), then the file. Returns
    ``(pack, report)``; cancelled, it raises ExportCancelled (nothing left at ``target``)."""

    def job(progress: Progress, cancelled: Any) -> tuple[PackData, ExportReport]:
        start = 0
        if pack is None:
            data = build_pack_data(
                snapshot_path, progress=_scaled(progress, 0, PACK_SHARE), cancelled=cancelled, **reuse
            )
            start = PACK_SHARE
        else:  # built by an earlier export of this dialog: only the time it is made changes
            now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
            data = replace(pack, generated_at=now)
        if fmt == WORKBOOK:
            report: ExportReport = write_workbook(
                data, target, options=options, progress=_scaled(progress, start, TOTAL), cancelled=cancelled
            )
            return data, report
        from ui.render.images import render_bundle_images

        middle = start + int((TOTAL - start) * IMAGES_SHARE)
        rendered = render_bundle_images(
            data, options, progress=_scaled(progress, start, middle), cancelled=cancelled
        )
        report = write_bundle(
            data,
            target,
            options=options,
            images=rendered.images,
            image_notes=rendered.notes,
            progress=_scaled(progress, middle, TOTAL),
            cancelled=cancelled,
        )
        return data, report

    return job


def outcome_html(report: ExportReport) -> str:
    """What was written, for the dialog's message (rich text, every value escaped)."""
    lines = [f"<b>Written:</b> {escape(str(report.path))}"]
    if isinstance(report, WorkbookReport):
        parts = [f"{len(report.sheets)} sheet(s)"]
        findings = report.rows.get("Findings")
        if findings is not None:
            parts.insert(0, f"{findings:,} findings rows")
        lines.append(f"{', '.join(parts)}, in {report.seconds:.1f} s.")
        if report.escaped:
            lines.append(
                f"{report.escaped:,} cell(s) held characters a workbook cannot store: they are shown as "
                "\\xNN, with a comment on the cell."
            )
    else:
        c = report.counts
        lines.append(
            f"{len(report.files) + 2} files: {c.get('results_in_scope', 0):,} result(s), "
            f"{c.get('evidence_calls', 0):,} evidence record(s), {c.get('images', 0):,} image(s), "
            f"in {report.seconds:.1f} s."
        )
        lines.append(
            f"SHA-256 of SHA256SUMS: <code>{escape(report.sums_sha256)}</code> — give it to the recipient "
            "separately; <code>main.py verify</code> checks the rest."
        )
        lines += [f"Note: {escape(n)}" for n in report.notes]
    return "<br>".join(lines)
