"""The evidence bundle: one zip a reviewer can check without the tool.

Layout (docs/export.md): ``evidence-pack.xlsx`` (the workbook), ``assessment.json`` and
``findings.ocsf.json`` (the results in the export's scope, as ``main.py assess`` writes them),
``evidence/records.json`` (every snapshot call they cite, its pages exactly as stored with their
SHA-256), ``images/*.png`` (the OU tree, the trust overview, the internet exposure paths: rendered by
the caller, ``ui.render``, and given here as bytes), ``workpaper.json`` when there is one,
``manifest.json`` (what, from what, with which options; every file's size and SHA-256; counts) and
``SHA256SUMS`` over every other file, in ``sha256sum`` format: ``sha256sum -c SHA256SUMS`` checks an
unzipped bundle, ``main.py verify`` a zipped one (``exports.verify``).

Written to a temporary file beside the target and renamed onto it: a cancel or an error leaves
nothing at the target (an earlier bundle there stays as it was). Entries carry a fixed timestamp and
are written in a fixed order, so that a bundle made again from the same snapshot and workpaper
differs only where time does (``generated_at``, the workbook's own save time). Qt-free.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

from exports import bundle_content as content
from exports.bundle_zip import ZIP_TIME, BundleFile, ZipOut
from exports.errors import ExportCancelled, ExportError
from exports.files import check_output_target, give_default_mode
from exports.options import ExportOptions
from exports.pack_data import PackData
from exports.workbook import WorkbookReport, write_workbook
from snapshot import SnapshotError

__all__ = [
    "BUNDLE_FORMAT",
    "ZIP_TIME",
    "BundleFile",
    "BundleImage",
    "BundleReport",
    "ExportCancelled",
    "ExportError",
    "check_bundle_target",
    "write_bundle",
]

BUNDLE_FORMAT = "awb-evidence-bundle"
BUNDLE_FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
WORKBOOK = "evidence-pack.xlsx"
ASSESSMENT = "assessment.json"
OCSF = "findings.ocsf.json"
EVIDENCE = "evidence/records.json"
WORKPAPER = "workpaper.json"

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, kw_only=True)
class BundleImage:
    """A PNG for the bundle: ``name`` under ``images/`` (e.g. ``ou-tree.png``), what it shows."""

    name: str
    data: bytes
    title: str


@dataclass(frozen=True, kw_only=True)
class BundleReport:
    path: Path
    files: tuple[BundleFile, ...]  # every file but the manifest and SHA256SUMS, in the zip's order
    manifest_sha256: str
    sums_sha256: str  # the digest to give the recipient separately: it pins every other file
    counts: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


def check_bundle_target(path: str | PathLike[str], data: PackData | None = None) -> Path:
    """The target, or an ExportError saying why a bundle cannot be written there."""
    return check_output_target(
        path,
        suffix=".zip",
        what="an evidence bundle",
        snapshot_path=data.snapshot_path if data is not None else None,
    )


def write_bundle(
    data: PackData,
    path: str | PathLike[str],
    *,
    options: ExportOptions | None = None,
    images: Sequence[BundleImage] = (),
    image_notes: Sequence[str] = (),
    workbook: WorkbookReport | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BundleReport:
    """Write the bundle to ``path`` (.zip). ``images`` come from the caller (Qt renders them: ``ui.render``);
    ``image_notes`` (e.g. that the exposure images were capped) go into the manifest. ``workbook``: a
    workbook already written from the same data and options (``main.py export --xlsx --bundle``) is
    copied in instead of being written again."""
    started = time.perf_counter()
    options = options or ExportOptions()
    target = check_bundle_target(path, data)
    _check_image_names(images)
    report = progress or (lambda done, total, message: None)
    is_cancelled = cancelled or (lambda: False)
    steps = 6

    def step(i: int, message: str) -> Progress:
        report(i, steps, message)
        if is_cancelled():
            raise ExportCancelled(f"cancelled before {message}")
        return lambda done, total, detail: report(i, steps, f"{message}: {detail}" if detail else message)

    try:
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise ExportError(f"{target}: cannot be written ({exc.strerror or exc})") from exc
    tmp_zip = work / "bundle.zip"
    try:
        with zipfile.ZipFile(tmp_zip, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            out = ZipOut(zf)
            inner = step(0, "writing the workbook")

            def wb_step(done: int, total: int, detail: str) -> None:
                if not detail.startswith("written to"):  # (the temporary folder: not for the user)
                    inner(done, total, detail)

            if workbook is None:
                wb = write_workbook(
                    data, work / WORKBOOK, options=options, progress=wb_step, cancelled=is_cancelled
                )
                out.add_file(WORKBOOK, wb.path, "the Excel evidence pack")
                wb.path.unlink()
            else:
                wb = workbook
                out.add_file(WORKBOOK, wb.path, "the Excel evidence pack")

            items = content.bundle_results(data, options)
            header = content.assessment_header(data, options, items)
            _local_paths_out(header)
            json_step = step(1, "writing assessment.json")
            with out.text(ASSESSMENT, "the assessment: every result in scope with its evidence") as fh:
                content.write_assessment(
                    fh, header, content.result_dicts(data, items, progress=json_step, cancelled=is_cancelled)
                )
            ocsf_step = step(2, "writing the OCSF findings")
            with out.text(OCSF, "the results in scope as OCSF 1.1 Compliance Findings") as fh:
                ocsf_count = content.write_ocsf(
                    fh, header, content.result_dicts(data, items, progress=ocsf_step, cancelled=is_cancelled)
                )
            ev_step = step(3, "copying the evidence records")
            call_ids = content.cited_call_ids(data, options, items)
            with out.text(EVIDENCE, "the snapshot records cited, pages exactly as stored") as fh:
                evidence = content.write_evidence(
                    fh, data, call_ids, progress=ev_step, cancelled=is_cancelled
                )
            step(4, "adding the images")
            for image in images:
                out.add_bytes(f"images/{image.name}", image.data, image.title)
            workpaper = _add_workpaper(out, data)
            step(5, "writing the manifest and SHA256SUMS")
            notes = _notes(data, evidence, image_notes, workpaper)
            counts = {
                "results_in_assessment": len(data.assessment.results),
                "results_in_scope": len(items),
                "ocsf_findings": ocsf_count,
                "workbook_rows": dict(wb.rows),
                "workbook_sheets": list(wb.sheets),
                "evidence_calls": evidence.calls,
                "evidence_pages": evidence.pages,
                "images": len(images),
            }
            manifest = _manifest(data, options, out.files, counts, images, notes, workpaper)
            manifest_bytes = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
            manifest_file = out.add_bytes(MANIFEST, manifest_bytes, "this manifest")
            sums = "".join(f"{f.sha256}  {f.path}\n" for f in out.files).encode("ascii")
            sums_file = out.add_bytes(SUMS, sums, "SHA-256 of every other file")
            if is_cancelled():
                raise ExportCancelled("cancelled before saving the bundle")
        give_default_mode(tmp_zip)
        os.replace(tmp_zip, target)
    except OSError as exc:
        raise ExportError(f"{target}: cannot be written ({exc.strerror or exc})") from exc
    except (SnapshotError, sqlite3.DatabaseError) as exc:  # the snapshot changed or went away meanwhile
        raise ExportError(f"{data.snapshot_path}: the snapshot cannot be read ({exc})") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(steps, steps, f"written to {target}")
    files = tuple(f for f in out.files if f.path not in (MANIFEST, SUMS))
    return BundleReport(
        path=target,
        files=files,
        manifest_sha256=manifest_file.sha256,
        sums_sha256=sums_file.sha256,
        counts=counts,
        notes=tuple(notes),
        seconds=time.perf_counter() - started,
    )


# -- the manifest ---------------------------------------------------------------------------------


def _manifest(
    data: PackData,
    options: ExportOptions,
    files: Sequence[BundleFile],
    counts: Mapping[str, Any],
    images: Sequence[BundleImage],
    notes: Sequence[str],
    workpaper: Mapping[str, Any] | None,
) -> dict[str, Any]:
    m = data.manifest
    identity = m.get("identity") or {}
    return {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "tool_version": data.tool_version,
        "generated_at": data.generated_at,
        "snapshot": {
            "file": data.snapshot_path.name,
            "sha256": data.snapshot_sha256,
            "integrity": data.integrity,
            "integrity_problems": list(data.integrity_problems),
            "integrity_digest": m.get("integrity_digest"),
            "organization_id": m.get("organization_id"),
            "management_account_id": m.get("management_account_id"),
            "collection_started_at": m.get("started_at"),
            "collection_finished_at": m.get("finished_at"),
            "collection_status": m.get("status"),
            "collected_by": identity.get("Arn") if isinstance(identity, Mapping) else None,
            "collector_version": m.get("tool_version"),
        },
        "workpaper": workpaper,
        "options": {
            "accounts": sorted(options.accounts),
            "ous": sorted(options.ous),
            "severities": sorted(options.severities),
            "statuses": sorted(options.statuses),
            "frameworks": sorted(options.frameworks),
            "sheets": list(options.sheets),
            "include_pass": options.include_pass,
            "in_words": options.describe(),
        },
        "counts": dict(counts),
        "images": [{"file": f"images/{i.name}", "title": i.title} for i in images],
        "notes": list(notes),
        "files": [
            {"path": f.path, "size": f.size, "sha256": f.sha256, "description": f.description} for f in files
        ],
    }


def _notes(
    data: PackData,
    evidence: content.EvidenceCounts,
    image_notes: Sequence[str],
    workpaper: Mapping[str, Any] | None,
) -> list[str]:
    notes: list[str] = []
    if data.integrity != "intact":
        notes.append(
            f"the snapshot is {data.integrity.upper()}: "
            + ("; ".join(data.integrity_problems) or "see main.py verify on the snapshot")
        )
    if evidence.missing_calls:
        shown = ", ".join(map(str, evidence.missing_calls[:20]))
        more = f" and {len(evidence.missing_calls) - 20} more" if len(evidence.missing_calls) > 20 else ""
        notes.append(f"{len(evidence.missing_calls)} cited call id(s) are not in the snapshot: {shown}{more}")
    for problem in evidence.pages_not_shown:
        notes.append(f"evidence page not copied (failed its SHA-256 check in the snapshot): {problem}")
    if workpaper is not None and workpaper.get("note"):
        notes.append(str(workpaper["note"]))
    notes.extend(image_notes)
    return notes


def _add_workpaper(out: ZipOut, data: PackData) -> dict[str, Any] | None:
    """The workpaper's file as loaded (its digest checked), or as held when the file has changed since."""
    wp = data.workpaper
    if wp is None:
        return None
    summary: dict[str, Any] = {
        "file": Path(wp.path).name if wp.path else None,
        "sha256": wp.loaded_digest,
        "included_as": WORKPAPER,
        "waivers": len(wp.waivers),
        "notes": len(wp.notes),
        "signoff": wp.signoff.to_json() if wp.signoff else None,
    }
    raw: bytes | None = None
    if wp.path is not None and wp.loaded_digest is not None:
        try:
            raw = Path(wp.path).read_bytes()
        except OSError:
            raw = None
        if raw is not None and hashlib.sha256(raw).hexdigest() != wp.loaded_digest:
            raw = None
    if raw is None:
        raw = (json.dumps(wp.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        summary["note"] = "workpaper.json is the workpaper as the export applied it: its file " + (
            "has changed since it was loaded" if wp.path else "was never saved"
        )
    out.add_bytes(WORKPAPER, raw, "the workpaper applied (waivers, notes, sign-off)")
    return summary


def _local_paths_out(header: dict[str, Any]) -> None:
    """The bundle goes to others: file names only, never the auditor's folders."""
    wp = header.get("workpaper")
    if isinstance(wp, dict) and wp.get("path"):
        wp["path"] = Path(str(wp["path"])).name


def _check_image_names(images: Sequence[BundleImage]) -> None:
    seen: set[str] = set()
    for image in images:
        name = image.name
        if not name.endswith(".png") or name.startswith(("/", ".")) or ".." in name or "\\" in name:
            raise ExportError(f"image name {name!r}: a relative .png name under images/ is expected")
        if name in seen:
            raise ExportError(f"image name {name!r} is given twice")
        seen.add(name)
