"""exports.pack_data: the pack's data from the demo snapshot, reuse of what the GUI built, cancel, errors."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from analysis.workpaper import Waiver, Workpaper
from exports.errors import ExportCancelled, ExportError
from exports.pack_data import PackData, build_pack_data


def test_demo_pack_data_is_complete(demo_pack: PackData, demo_snapshot_path: Path) -> None:
    assert demo_pack.snapshot_sha256 == hashlib.sha256(demo_snapshot_path.read_bytes()).hexdigest()
    assert demo_pack.integrity == "intact" and demo_pack.integrity_problems == ()
    assert demo_pack.manifest["organization_id"] == demo_pack.inventory.organization.organization_id
    assert demo_pack.manifest["started_at"] and demo_pack.manifest["finished_at"]
    results = demo_pack.assessment.results
    assert results and len(demo_pack.judgements) == len(results)
    assert [j.status for j in demo_pack.judgements] == [r.status for r in results]  # no workpaper
    assert demo_pack.trust_graph is not None and demo_pack.exposure is not None
    assert set(demo_pack.controls) == {c.id for c in demo_pack.assessment.controls}
    assert demo_pack.generated_at.endswith("Z") and demo_pack.tool_version


def test_given_pieces_are_reused_and_the_workpaper_judges(
    demo_pack: PackData, demo_snapshot_path: Path
) -> None:
    failed = next(r for r in demo_pack.assessment.results if r.status == "FAIL")
    wp = Workpaper(
        waivers=(
            Waiver(control_id=failed.control_id, reason="accepted risk", owner="ciso", resource_pattern="*"),
        )
    )
    steps: list[str] = []
    data = build_pack_data(
        demo_snapshot_path,
        workpaper=wp,
        inventory=demo_pack.inventory,
        assessment=demo_pack.assessment,
        trust_graph=demo_pack.trust_graph,
        exposure=demo_pack.exposure,
        progress=lambda done, total, message: steps.append(message),
    )
    assert data.inventory is demo_pack.inventory and data.assessment is demo_pack.assessment
    assert not any(s.startswith(("reading the inventory", "running the controls")) for s in steps)
    i = demo_pack.assessment.results.index(failed)
    assert data.judgements[i].status == "WAIVED" and data.judgements[i].waiver is not None
    assert data.workpaper is wp


def test_cancel_raises_export_cancelled(demo_snapshot_path: Path) -> None:
    with pytest.raises(ExportCancelled):
        build_pack_data(demo_snapshot_path, cancelled=lambda: True)


def test_cancel_during_the_inventory(demo_snapshot_path: Path) -> None:
    seen: list[str] = []

    def cancelled() -> bool:  # once the inventory reports its own steps
        return any(m.startswith("reading the inventory: normalizing") for m in seen)

    with pytest.raises(ExportCancelled):
        build_pack_data(demo_snapshot_path, cancelled=cancelled, progress=lambda d, t, m: seen.append(m))
    assert seen[-1].startswith("reading the inventory: normalizing")


def test_missing_and_wrong_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no such snapshot file"):
        build_pack_data(tmp_path / "nope.snapshot")
    bad = tmp_path / "bad.snapshot"
    bad.write_text("not a database")
    with pytest.raises(ExportError, match="not a snapshot file"):
        build_pack_data(bad)


def test_tampered_snapshot_is_refused_when_building(demo_snapshot_path: Path, tmp_path: Path) -> None:
    import sqlite3

    copy = tmp_path / "t.snapshot"
    shutil.copy(demo_snapshot_path, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE calls SET region = 'xx-tamper-1' WHERE id = (SELECT min(id) FROM calls)")
    with pytest.raises(ExportError, match="modified since it was collected"):
        build_pack_data(copy)
