"""Everything an evidence pack needs, built once: the snapshot's identity and integrity, the Inventory,
the assessment with the workpaper's judgements, the trust graph, the internet exposure.

The GUI already holds most of it (``inventory``, ``assessment``, ``trust_graph``, ``exposure``) and
passes it in; the CLI builds it from the file as ``main.py assess`` does. ``build_pack_data`` is a
plain function with a progress callback and a cancel flag (``ExportCancelled``). Qt-free.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exports.errors import ExportCancelled, ExportError

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory
    from analysis.network.results import ExposureReport
    from analysis.rules.assessment import Assessment
    from analysis.rules.base import Control
    from analysis.rules.report import OrgPlaces
    from analysis.trust.findings import TrustFinding
    from analysis.trust.graph import TrustGraph
    from analysis.workpaper import Judgement, Workpaper

__all__ = [
    "CollectionSummary",
    "ExportCancelled",
    "ExportError",
    "PackData",
    "build_pack_data",
    "collection_summary",
    "file_sha256",
]

Progress = Callable[[int, int, str], None]
_CHUNK = 1 << 20


@dataclass(frozen=True, kw_only=True)
class CollectionSummary:
    """What the snapshot's calls cover: counts by service, region and outcome (the Cover's scope)."""

    calls: int = 0
    by_service: Mapping[str, int] = field(default_factory=dict)
    by_region: Mapping[str, int] = field(default_factory=dict)
    by_outcome: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class PackData:
    snapshot_path: Path
    snapshot_sha256: str  # of the file as it is on disk
    integrity: str  # "intact" | "tampered" | "incomplete" (snapshot.verify_snapshot)
    integrity_problems: tuple[str, ...] = ()  # what the full verification found, in words
    manifest: Mapping[str, Any]  # the snapshot's manifest: times, identity, scope, collector version
    inventory: Inventory
    assessment: Assessment
    judgements: Sequence[Judgement]  # one per assessment result, same order
    places: OrgPlaces
    workpaper: Workpaper | None
    exposure: ExposureReport | None
    trust_graph: TrustGraph | None
    trust_findings: Sequence[TrustFinding]
    tool_version: str
    generated_at: str  # ISO-8601 UTC, when the pack was made
    collection: CollectionSummary = field(default_factory=CollectionSummary)

    @cached_property
    def controls(self) -> Mapping[str, Control]:
        """The assessed controls by id."""
        return {c.id: c for c in self.assessment.controls}


def file_sha256(path: str | PathLike[str], cancelled: Callable[[], bool] | None = None) -> str:
    h = hashlib.sha256()
    is_cancelled = cancelled or (lambda: False)
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            if is_cancelled():
                raise ExportCancelled("cancelled while hashing the snapshot")
    return h.hexdigest()


def collection_summary(path: str | PathLike[str]) -> CollectionSummary:
    """Counts of the snapshot's calls by service, region and outcome (one read-only query each)."""
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:

        def counts(column: str) -> dict[str, int]:
            sql = f"SELECT {column}, count(*) FROM calls GROUP BY {column} ORDER BY {column}"
            return {str(k): int(n) for k, n in conn.execute(sql)}

        by_service = counts("service")
        return CollectionSummary(
            calls=sum(by_service.values()),
            by_service=by_service,
            by_region=counts("region"),
            by_outcome=counts("outcome"),
        )
    finally:
        conn.close()


def _now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_pack_data(
    snapshot_path: str | PathLike[str],
    *,
    workpaper: Workpaper | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    inventory: Inventory | None = None,
    assessment: Assessment | None = None,
    trust_graph: TrustGraph | None = None,
    exposure: ExposureReport | None = None,
) -> PackData:
    """The pack's data; what is given is reused, the rest is built from the snapshot.

    A snapshot that is missing, not a snapshot, or tampered (when the Inventory has to be built
    here) is an :class:`ExportError` with the reader's message. The integrity state is the full
    verification's (every page against its SHA-256, and the digest over all records).
    """
    from analysis.model.inventory import InventoryCancelled, build_inventory
    from analysis.network import NetworkAnalysisCancelled, internet_exposure
    from analysis.rules.assessment import AssessmentCancelled, assess
    from analysis.rules.context import AssessmentContext
    from analysis.rules.report import collect_trust_findings, judge
    from analysis.trust import TrustGraphCancelled, build_trust_graph
    from collectors import tool_version
    from snapshot import Snapshot, SnapshotError, verify_snapshot

    path = Path(snapshot_path)
    report = progress or (lambda done, total, message: None)
    is_cancelled = cancelled or (lambda: False)
    steps = 7

    def phase(i: int, name: str) -> Progress:
        def inner(done: int, total: int, message: str) -> None:
            report(i, steps, f"{name}: {message}" if message else name)

        report(i, steps, name)
        if is_cancelled():
            raise ExportCancelled(f"cancelled before {name}")
        return inner

    if not path.is_file():
        raise ExportError(f"{path}: no such snapshot file")
    try:
        phase(0, "hashing the snapshot file")
        digest = file_sha256(path, is_cancelled)
        phase(1, "verifying every record of the snapshot")
        verified = verify_snapshot(path)
        collection = collection_summary(path)
        if inventory is None:
            step = phase(2, "reading the inventory")
            with Snapshot.open(path) as snap:
                inventory = build_inventory(snap, progress=step, cancelled=is_cancelled)
        if trust_graph is None:
            trust_graph = build_trust_graph(
                inventory, progress=phase(3, "building the trust graph"), cancelled=is_cancelled
            )
        if exposure is None:
            exposure = internet_exposure(
                inventory, progress=phase(4, "internet exposure"), cancelled=is_cancelled
            )
        if assessment is None:
            assessment = assess(
                inventory,
                trust_graph=trust_graph,
                exposure=exposure,
                progress=phase(5, "running the controls"),
                cancelled=is_cancelled,
            )
        phase(6, "trust findings and the workpaper's judgements")
        ctx = AssessmentContext(inventory=inventory, trust_graph=trust_graph, exposure=exposure)
        findings = collect_trust_findings(ctx)
        places, judgements = judge(assessment, inventory, workpaper)
    except (InventoryCancelled, TrustGraphCancelled, NetworkAnalysisCancelled, AssessmentCancelled) as exc:
        raise ExportCancelled("cancelled while building the pack's data") from exc
    except SnapshotError as exc:
        raise ExportError(str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise ExportError(f"{path}: the snapshot cannot be read ({exc})") from exc
    except OSError as exc:
        raise ExportError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    report(steps, steps, "pack data ready")
    return PackData(
        snapshot_path=path,
        snapshot_sha256=digest,
        integrity=verified.integrity,
        integrity_problems=tuple(verified.problems),
        manifest=inventory.manifest,
        inventory=inventory,
        assessment=assessment,
        judgements=judgements,
        places=places,
        workpaper=workpaper,
        exposure=exposure,
        trust_graph=trust_graph,
        trust_findings=tuple(findings),
        tool_version=tool_version(),
        generated_at=_now_iso(),
        collection=collection,
    )
