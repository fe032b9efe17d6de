"""What the evidence bundle holds besides the workbook: the assessment JSON and the OCSF findings of
the results in the export's scope, the snapshot records they cite, and the exposed resources drawn.

The results are those of the Findings sheet (``ExportOptions`` filters, ``include_pass``), in the
assessment's order; with the default options that is every result, and the two documents are
what ``main.py assess --json`` / ``--ocsf`` write. With an account or OU filter, the internet
exposures and trust findings of other accounts are left out too: a pack made for one business
unit does not describe the others. The ``export`` key of the assessment document says which
filters applied. Pure and Qt-free: ``exports.bundle`` writes these streams into the zip.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TextIO

from exports.errors import ExportCancelled
from exports.options import ALL_SHEETS, ExportOptions
from exports.sheets.results_scope import Scoped, in_account_scope, scoped_results

if TYPE_CHECKING:
    from analysis.network.results import Exposure
    from exports.pack_data import PackData

EVIDENCE_FORMAT = "awb-evidence-records"
EVIDENCE_FORMAT_VERSION = 1
EXPOSURE_IMAGE_LIMIT = 25  # exposed resources drawn at most (management ports first)

Progress = Callable[[int, int, str], None]


def bundle_results(data: PackData, options: ExportOptions) -> list[Scoped]:
    """The results of the bundle's JSON documents: the Findings sheet's, in assessment order."""
    return [s for s in scoped_results(data, options) if options.in_findings(s.judgement.status)]


# -- the assessment document and the OCSF findings ------------------------------------------------


def assessment_header(data: PackData, options: ExportOptions, items: Sequence[Scoped]) -> dict[str, Any]:
    """The assessment document's keys but ``results`` (docs/assessment.md), for the results in scope."""
    from analysis.rules.report import AssessmentDocument

    exposure = data.exposure
    if exposure is not None and options.filters_accounts:
        keep = _in_scope(data, options)
        exposure = replace(
            exposure,
            exposures=tuple(e for e in exposure.exposures if keep(e.account_id)),
            open_rules=tuple(r for r in exposure.open_rules if keep(r.account_id)),
            not_assessed=tuple(n for n in exposure.not_assessed if keep(n.account_id)),
        )
    findings = [f for f in data.trust_findings if in_account_scope(data, options, f.account_id)]
    doc = AssessmentDocument(
        data.assessment,
        inventory=data.inventory,
        workpaper=data.workpaper,
        exposure=exposure,
        trust_findings=findings,
        trust_graph=data.trust_graph,
        snapshot_path=data.snapshot_path.name,  # never the auditor's own folders
        tool_version=data.tool_version,
    )
    header = dict(doc.header)
    header["generated_at"] = data.generated_at
    header["summary"] = results_summary(items, seconds=data.assessment.seconds, controls=len(data.controls))
    header["export"] = {
        "filters": options.describe(),
        "results_in_scope": len(items),
        "results_in_assessment": len(data.assessment.results),
    }
    return header


def results_summary(items: Iterable[Scoped], *, seconds: float, controls: int) -> dict[str, Any]:
    """``analysis.rules.report.summary_json`` over the results in scope (the same keys)."""
    statuses: Counter[str] = Counter()
    failed_by_severity: Counter[str] = Counter()
    failed_by_practice: Counter[str] = Counter()
    n = 0
    for s in items:
        n += 1
        statuses[s.judgement.status] += 1
        if s.judgement.status == "FAIL" and s.control is not None:
            failed_by_severity[s.control.severity] += 1
            failed_by_practice[s.control.practice] += 1
    return {
        "controls": controls,
        "results": n,
        "by_status": dict(sorted(statuses.items())),
        "failed_by_severity": dict(sorted(failed_by_severity.items())),
        "failed_by_practice": dict(sorted(failed_by_practice.items())),
        "seconds": round(seconds, 3),
    }


def result_dicts(
    data: PackData,
    items: Sequence[Scoped],
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[dict[str, Any]]:
    """Each result's dict of the assessment document, one at a time."""
    from analysis.rules.report import result_json

    report = progress or (lambda done, total, message: None)
    is_cancelled = cancelled or (lambda: False)
    total = len(items)
    for i, s in enumerate(items):
        if i % 5000 == 0:
            if is_cancelled():
                raise ExportCancelled("cancelled while writing the results")
            report(i, total, "results")
        yield result_json(s.result, s.control, s.judgement, data.places)
    report(total, total, "results")


def write_assessment(fh: TextIO, header: Mapping[str, Any], results: Iterable[Mapping[str, Any]]) -> int:
    """The document as ``AssessmentDocument.write`` lays it out: one key per line, one result per line."""
    fh.write("{")
    n = 0
    for i, (key, value) in enumerate({**header, "results": None}.items()):
        fh.write(("\n" if i == 0 else ",\n") + json.dumps(key) + ": ")
        if key != "results":
            fh.write(json.dumps(value))
            continue
        fh.write("[")
        for n, item in enumerate(results, start=1):
            fh.write(("\n" if n == 1 else ",\n") + json.dumps(item, separators=(",", ":")))
        fh.write("\n]")
    fh.write("\n}\n")
    return n


def write_ocsf(fh: TextIO, header: Mapping[str, Any], results: Iterable[Mapping[str, Any]]) -> int:
    from analysis.rules.ocsf import write_ocsf as write

    return write(fh, header, results)


# -- the evidence records ------------------------------------------------------------------------


def cited_call_ids(data: PackData, options: ExportOptions, items: Iterable[Scoped]) -> list[int]:
    """The snapshot calls the bundle cites: its results', and those of the exposures and trust findings in
    scope (the bundle carries them in assessment.json and its images whatever sheets are chosen)."""
    from exports.sheets.evidence import cited_calls

    return cited_calls(data, replace(options, sheets=ALL_SHEETS), items)


@dataclass(frozen=True, kw_only=True)
class EvidenceCounts:
    calls: int = 0
    pages: int = 0
    missing_calls: tuple[int, ...] = ()  # cited, but not in the snapshot
    pages_not_shown: tuple[str, ...] = ()  # pages that failed their SHA-256 check, in words


def write_evidence(
    fh: TextIO,
    data: PackData,
    call_ids: Sequence[int],
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> EvidenceCounts:
    """The cited calls as JSON: each call's metadata and its pages exactly as stored, with their SHA-256.

    ``json`` is the page's stored text: ``sha256(json.encode("utf-8"))`` is its ``sha256``, the digest
    the snapshot holds for it. A page that fails that check in the snapshot is not copied; its entry
    says so (``error``). One call per line, streamed.
    """
    from snapshot import PageTamperedError, Snapshot, SnapshotCorruptError
    from snapshot.reader import check_header, open_existing

    report = progress or (lambda done, total, message: None)
    is_cancelled = cancelled or (lambda: False)
    path = data.snapshot_path
    header = {
        "format": EVIDENCE_FORMAT,
        "format_version": EVIDENCE_FORMAT_VERSION,
        "snapshot": {"file": path.name, "sha256": data.snapshot_sha256, "integrity": data.integrity},
    }
    fh.write("{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in header.items()))
    fh.write(',\n"calls": [')
    pages = 0
    missing: list[int] = []
    not_shown: list[str] = []
    names: dict[str, str] = {}
    # Opened without recomputing the digest over all records: the pack's data did that once.
    conn = check_header(open_existing(path, read_only=True), path)
    snapshot = Snapshot(
        path=path, conn=conn, manifest=dict(data.manifest), integrity=data.integrity, problems=[]
    )
    written = 0
    with snapshot as snap:
        for i, call_id in enumerate(call_ids):
            if i % 500 == 0:
                if is_cancelled():
                    raise ExportCancelled("cancelled while copying the evidence records")
                report(i, len(call_ids), "evidence records")
            try:
                call = snap.call(call_id)
            except KeyError:
                missing.append(call_id)
                continue
            name = names.get(call.account_id)
            if name is None:
                name = names[call.account_id] = data.inventory.account_name(call.account_id)
            record: dict[str, Any] = {
                "call_id": call.id,
                "call_key": call.call_key,
                "account_id": call.account_id,
                "account_name": name,
                "region": call.region,
                "service": call.service,
                "operation": call.operation,
                "parameters": call.parameters,
                "identity_arn": call.identity_arn,
                "started_at": call.started_at,
                "duration_ms": call.duration_ms,
                "outcome": call.outcome,
                "error_code": call.error_code,
                "error_message": call.error_message,
                "attempts": call.attempts,
                "page_count": call.page_count,
            }
            try:
                raw = snap.raw_pages(call_id)
                record["pages"] = [
                    {"page": n, "sha256": digest, "json": body.decode("utf-8")}
                    for n, (body, digest) in enumerate(raw, start=1)
                ]
                pages += len(raw)
            except (PageTamperedError, SnapshotCorruptError) as exc:
                record["pages"] = []
                record["error"] = f"pages not copied: {exc}"
                not_shown.append(str(exc))
            fh.write(("\n" if written == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
            written += 1
    fh.write("\n],\n")
    fh.write(f'"missing_call_ids": {json.dumps(missing)}\n}}\n')
    report(len(call_ids), len(call_ids), "evidence records")
    return EvidenceCounts(
        calls=written, pages=pages, missing_calls=tuple(missing), pages_not_shown=tuple(not_shown)
    )


# -- the exposed resources drawn ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ExposedResource:
    """One network interface reachable from the internet, with every exposure (port range, entry) of it."""

    network_interface_id: str
    network_interface_arn: str
    instance_id: str | None
    account_id: str
    account_name: str
    region: str
    vpc_id: str
    exposures: tuple[Exposure, ...]

    @property
    def management(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m for e in self.exposures for m in e.management))

    @property
    def label(self) -> str:
        return (
            f"{self.instance_id} ({self.network_interface_id})"
            if self.instance_id
            else self.network_interface_id
        )


def exposed_resources(data: PackData, options: ExportOptions) -> list[ExposedResource]:
    """The exposed interfaces in the export's scope: management ports first, then by account, region, id."""
    if data.exposure is None:
        return []
    keep = _in_scope(data, options)
    groups: dict[str, list[Exposure]] = {}
    for e in data.exposure.exposures:
        if keep(e.account_id):
            groups.setdefault(e.network_interface_arn or e.network_interface_id, []).append(e)
    out = [
        ExposedResource(
            network_interface_id=ex[0].network_interface_id,
            network_interface_arn=ex[0].network_interface_arn,
            instance_id=ex[0].instance_id,
            account_id=ex[0].account_id,
            account_name=data.inventory.account_name(ex[0].account_id),
            region=ex[0].region,
            vpc_id=ex[0].vpc_id,
            exposures=tuple(ex),
        )
        for ex in groups.values()
    ]
    out.sort(key=lambda r: (not r.management, r.account_id, r.region, r.network_interface_id))
    return out


def exposure_image_note(drawn: int, total: int) -> str | None:
    """What the manifest says when fewer exposed resources are drawn than there are."""
    if drawn >= total:
        return None
    return (
        f"exposure images capped: {drawn} of {total} exposed resources drawn (management ports first, "
        "then by account, region and interface); every exposure is on the Internet exposure sheet and "
        "in assessment.json"
    )


def _in_scope(data: PackData, options: ExportOptions) -> Callable[[str | None], bool]:
    cache: dict[str | None, bool] = {}

    def keep(account_id: str | None) -> bool:
        if account_id not in cache:
            cache[account_id] = in_account_scope(data, options, account_id)
        return cache[account_id]

    return keep
