"""exports.bundle on the demo organization: what the zip holds, its manifest and SHA256SUMS, the JSON
documents against main.py assess's, the evidence records against the snapshot, filters, the
workpaper, reproducible entries, and a target left clean by a cancel or an error."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from analysis.rules.report import AssessmentDocument
from analysis.workpaper import Waiver, Workpaper
from exports import bundle_content
from exports.bundle import (
    ASSESSMENT,
    EVIDENCE,
    MANIFEST,
    OCSF,
    SUMS,
    WORKBOOK,
    WORKPAPER,
    ZIP_TIME,
    BundleImage,
    BundleReport,
    check_bundle_target,
    write_bundle,
)
from exports.errors import ExportCancelled, ExportError
from exports.options import ExportOptions
from exports.pack_data import PackData, build_pack_data
from exports.verify import verify_bundle
from snapshot import Snapshot
from tests.exports.bundle_support import IMAGES, entries

NOTE = "exposure images capped: 1 of 3 exposed resources drawn"
IMAGES_ENTRY = {"file": "images/exposure-001-x.png", "title": "an exposure"}


@pytest.fixture(scope="module")
def bundle(demo_pack: PackData, tmp_path_factory: pytest.TempPathFactory) -> tuple[BundleReport, Path]:
    path = tmp_path_factory.mktemp("bundle") / "demo.zip"
    report = write_bundle(demo_pack, path, images=IMAGES, image_notes=[NOTE])
    return report, path


@pytest.fixture(scope="module")
def files(bundle: tuple[BundleReport, Path]) -> dict[str, bytes]:
    return entries(bundle[1])


def _json(files: dict[str, bytes], name: str) -> Any:
    return json.loads(files[name])


def test_layout_manifest_and_sums(bundle: tuple[BundleReport, Path], files: dict[str, bytes]) -> None:
    report, path = bundle
    assert list(files) == [
        WORKBOOK,
        ASSESSMENT,
        OCSF,
        EVIDENCE,
        "images/ou-tree.png",
        "images/exposure-001-x.png",
        MANIFEST,
        SUMS,
    ]
    with zipfile.ZipFile(path) as zf:
        assert {i.date_time for i in zf.infolist()} == {ZIP_TIME}
    manifest = _json(files, MANIFEST)
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(files) - {MANIFEST, SUMS}
    for name, entry in listed.items():
        assert entry["size"] == len(files[name]), name
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest(), name
    sums = [line.split("  ", 1) for line in files[SUMS].decode().splitlines()]
    assert {name: digest for digest, name in sums} == {
        name: hashlib.sha256(data).hexdigest() for name, data in files.items() if name != SUMS
    }
    assert report.sums_sha256 == hashlib.sha256(files[SUMS]).hexdigest()
    assert verify_bundle(path).ok


def test_manifest_says_what_from_what(
    demo_pack: PackData, bundle: tuple[BundleReport, Path], files: dict[str, bytes]
) -> None:
    m = _json(files, MANIFEST)
    assert m["format"] == "awb-evidence-bundle"
    assert m["tool_version"] == demo_pack.tool_version and m["generated_at"] == demo_pack.generated_at
    snap = m["snapshot"]
    assert snap["file"] == demo_pack.snapshot_path.name
    assert snap["sha256"] == hashlib.sha256(demo_pack.snapshot_path.read_bytes()).hexdigest()
    assert snap["integrity"] == "intact" and snap["organization_id"] == demo_pack.manifest["organization_id"]
    assert m["workpaper"] is None
    assert m["options"]["include_pass"] is True and m["options"]["sheets"][0] == "Cover"
    counts = m["counts"]
    n = len(demo_pack.assessment.results)
    assert counts["results_in_assessment"] == counts["results_in_scope"] == counts["ocsf_findings"] == n
    assert counts["images"] == 2
    assert m["images"] == [{"file": "images/ou-tree.png", "title": "OU tree"}, IMAGES_ENTRY]
    assert NOTE in m["notes"]
    assert str(demo_pack.snapshot_path.parent) not in files[MANIFEST].decode()  # names, never folders


def test_workbook_is_the_pack(files: dict[str, bytes], demo_pack: PackData) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(files[WORKBOOK]), read_only=True)
    assert wb.sheetnames[0] == "Cover" and "Evidence" in wb.sheetnames
    counts = _json(files, MANIFEST)["counts"]
    assert counts["workbook_rows"]["Findings"] == len(demo_pack.assessment.results)
    wb.close()


def test_assessment_json_is_what_assess_writes(demo_pack: PackData, files: dict[str, bytes]) -> None:
    doc = _json(files, ASSESSMENT)
    expected = AssessmentDocument(
        demo_pack.assessment,
        inventory=demo_pack.inventory,
        exposure=demo_pack.exposure,
        trust_findings=demo_pack.trust_findings,
        trust_graph=demo_pack.trust_graph,
        snapshot_path=demo_pack.snapshot_path.name,
        tool_version=demo_pack.tool_version,
    ).to_dict()
    assert list(doc) == [*expected, "export"]
    assert doc["results"] == json.loads(json.dumps(expected["results"]))
    for key in ("snapshot", "controls", "exposure", "trust_findings", "summary", "frameworks"):
        assert doc[key] == json.loads(json.dumps(expected[key])), key
    assert doc["generated_at"] == demo_pack.generated_at
    assert doc["export"]["results_in_scope"] == len(expected["results"])


def test_ocsf_findings_one_per_result(demo_pack: PackData, files: dict[str, bytes]) -> None:
    from analysis.rules.ocsf import ocsf_findings

    findings = _json(files, OCSF)
    doc = _json(files, ASSESSMENT)
    assert findings == ocsf_findings(doc)
    assert len(findings) == len(demo_pack.assessment.results)
    assert {f["class_uid"] for f in findings} == {2003}


def test_evidence_records_are_the_snapshot_pages(demo_pack: PackData, files: dict[str, bytes]) -> None:
    ev = _json(files, EVIDENCE)
    assert ev["format"] == "awb-evidence-records" and ev["missing_call_ids"] == []
    assert ev["snapshot"]["sha256"] == demo_pack.snapshot_sha256
    ids = [c["call_id"] for c in ev["calls"]]
    cited = {c for r in demo_pack.assessment.results for c in r.evidence.call_ids}
    assert ids == sorted(ids) and cited <= set(ids)
    items = bundle_content.bundle_results(demo_pack, ExportOptions())
    assert ids == bundle_content.cited_call_ids(demo_pack, ExportOptions(), items)
    with Snapshot.open(demo_pack.snapshot_path) as snap:
        for record in ev["calls"]:
            call = snap.call(record["call_id"])
            assert (record["service"], record["operation"], record["parameters"]) == (
                call.service,
                call.operation,
                call.parameters,
            )
            raw = snap.raw_pages(call.id)
            assert [(p["json"].encode("utf-8"), p["sha256"]) for p in record["pages"]] == raw
            for page in record["pages"]:
                assert hashlib.sha256(page["json"].encode("utf-8")).hexdigest() == page["sha256"]
    pages = sum(len(c["pages"]) for c in ev["calls"])
    assert _json(files, MANIFEST)["counts"]["evidence_pages"] == pages > 0


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="no sha256sum binary")
def test_sha256sum_checks_the_unzipped_bundle(bundle: tuple[BundleReport, Path], tmp_path: Path) -> None:
    with zipfile.ZipFile(bundle[1]) as zf:
        zf.extractall(tmp_path)
    done = subprocess.run(["sha256sum", "-c", SUMS], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(entries(bundle[1])) - 1
    page = tmp_path / "images" / "ou-tree.png"
    page.write_bytes(page.read_bytes() + b"x")
    done = subprocess.run(["sha256sum", "-c", SUMS], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "images/ou-tree.png: FAILED" in done.stdout


def test_filters_reach_every_document(demo_pack: PackData, tmp_path: Path) -> None:
    exposed = demo_pack.exposure.exposures[0].account_id  # type: ignore[union-attr]
    options = ExportOptions(accounts=frozenset({exposed}), include_pass=False, sheets=("Cover",))
    write_bundle(demo_pack, tmp_path / "one.zip", options=options)
    files = entries(tmp_path / "one.zip")
    doc = _json(files, ASSESSMENT)
    assert doc["results"] and {r["account_id"] for r in doc["results"]} == {exposed}
    assert "PASS" not in {r["status"] for r in doc["results"]}
    assert {e["account_id"] for e in doc["exposure"]["exposures"]} == {exposed}
    assert all(f["account_id"] == exposed for f in doc["trust_findings"])
    assert doc["summary"]["results"] == len(doc["results"]) == len(_json(files, OCSF))
    assert doc["export"]["results_in_assessment"] == len(demo_pack.assessment.results)
    accounts = {c["account_id"] for c in _json(files, EVIDENCE)["calls"]}
    assert exposed in accounts
    m = _json(files, MANIFEST)
    assert m["options"]["accounts"] == [exposed] and m["options"]["include_pass"] is False
    assert m["counts"]["workbook_sheets"] == ["Cover"]


def test_workpaper_goes_in_as_loaded(demo_pack: PackData, tmp_path: Path) -> None:
    snap = tmp_path / "org.snapshot"
    shutil.copyfile(demo_pack.snapshot_path, snap)
    wp = (
        Workpaper(snapshot={"organization_id": demo_pack.manifest["organization_id"]})
        .with_waiver(Waiver(control_id="iam_*", reason="accepted risk", owner="ciso"))
        .signed_off("R. Viewer", comment="reviewed")
        .save(tmp_path / "org.snapshot.workpaper.json")
    )
    data = build_pack_data(
        snap,
        workpaper=wp,
        inventory=demo_pack.inventory,
        assessment=demo_pack.assessment,
        trust_graph=demo_pack.trust_graph,
        exposure=demo_pack.exposure,
    )
    write_bundle(data, tmp_path / "wp.zip", options=ExportOptions(sheets=("Cover",)))
    files = entries(tmp_path / "wp.zip")
    assert files[WORKPAPER] == (tmp_path / "org.snapshot.workpaper.json").read_bytes()
    m = _json(files, MANIFEST)["workpaper"]
    assert m["sha256"] == wp.loaded_digest == hashlib.sha256(files[WORKPAPER]).hexdigest()
    assert m["signoff"]["name"] == "R. Viewer" and m["waivers"] == 1 and m["file"] == wp.path.name  # type: ignore[union-attr]
    doc = _json(files, ASSESSMENT)
    assert doc["workpaper"]["path"] == "org.snapshot.workpaper.json"
    assert "WAIVED" in doc["summary"]["by_status"]
    # Changed on disk after loading: the bundle holds what the export applied, and says so.
    (tmp_path / "org.snapshot.workpaper.json").write_text("{}")
    write_bundle(data, tmp_path / "wp2.zip", options=ExportOptions(sheets=("Cover",)))
    files = entries(tmp_path / "wp2.zip")
    assert json.loads(files[WORKPAPER])["waivers"][0]["reason"] == "accepted risk"
    assert any("has changed since it was loaded" in n for n in _json(files, MANIFEST)["notes"])


def test_made_again_only_time_differs(demo_pack: PackData, tmp_path: Path) -> None:
    data = dataclasses.replace(demo_pack, generated_at="2030-01-01T00:00:00Z")
    options = ExportOptions(sheets=("Cover", "Summary"))
    a = entries(write_bundle(data, tmp_path / "a.zip", options=options, images=IMAGES).path)
    b = entries(write_bundle(data, tmp_path / "b.zip", options=options, images=IMAGES).path)
    assert list(a) == list(b)
    for name in a:
        if name not in (WORKBOOK, MANIFEST, SUMS):  # the workbook file carries its own save time
            assert a[name] == b[name], name
    ma, mb = _json(a, MANIFEST), _json(b, MANIFEST)
    ma["files"] = [f for f in ma["files"] if f["path"] != WORKBOOK]
    mb["files"] = [f for f in mb["files"] if f["path"] != WORKBOOK]
    assert ma == mb


def test_cancel_and_errors_leave_the_target_as_it_was(demo_pack: PackData, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.zip"
    target.write_bytes(b"an earlier bundle")
    steps: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        steps.append(message)

    def cancel_late() -> bool:  # once the workbook and the JSON documents are in the zip
        return any(s.startswith("copying the evidence records") for s in steps)

    with pytest.raises(ExportCancelled):
        write_bundle(
            demo_pack,
            target,
            options=ExportOptions(sheets=("Cover",)),
            progress=progress,
            cancelled=cancel_late,
        )
    assert any("OCSF" in s for s in steps)
    assert target.read_bytes() == b"an earlier bundle"
    assert sorted(p.name for p in folder.iterdir()) == ["out.zip"]

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bundle_content, "write_evidence", boom)
        with pytest.raises(ExportError, match="No space left on device"):
            write_bundle(demo_pack, target, options=ExportOptions(sheets=("Cover",)))
    assert target.read_bytes() == b"an earlier bundle"
    assert sorted(p.name for p in folder.iterdir()) == ["out.zip"]
    with pytest.raises(ExportError, match=r"relative \.png name"):
        write_bundle(demo_pack, target, images=[BundleImage(name="../x.png", data=b"", title="")])
    assert sorted(p.name for p in folder.iterdir()) == ["out.zip"]


def test_target_checks(demo_pack: PackData, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"ends in \.zip"):
        check_bundle_target(tmp_path / "out.xlsx")
    with pytest.raises(ExportError, match="does not exist"):
        check_bundle_target(tmp_path / "nowhere" / "out.zip")
    (tmp_path / "dir.zip").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        check_bundle_target(tmp_path / "dir.zip")
    with pytest.raises(ExportError, match="given twice"):
        write_bundle(demo_pack, tmp_path / "x.zip", images=[IMAGES[0], IMAGES[0]])
    assert not (tmp_path / "x.zip").exists()
