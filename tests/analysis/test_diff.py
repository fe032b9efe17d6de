"""Two built snapshots of one organization compared (analysis.diff and ``main.py diff``): findings new,
resolved and unchanged by control/account/region/resource; resources added, removed and changed
with the changed fields (call ids ignored); different organizations refused unless forced."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from analysis.diff import DifferentOrganizations, check_same_organization, diff_json, diff_snapshots
from analysis.model.inventory import build_inventory
from analysis.rules.assessment import assess
from analysis.rules.data import s3_bucket_versioning
from analysis.rules.iam import iam_root_mfa
from cli.main import main
from snapshot import Snapshot
from tests.analysis.model.builders import FakeCall, realistic_manifest, realistic_org_calls, write_snapshot
from tests.analysis.rules.data.data_builders import bucket, combine

A1, A2 = "111111111111", "222222222222"


def summary(account: str, mfa: int) -> FakeCall:
    return FakeCall(
        service="iam",
        operation="GetAccountSummary",
        account_id=account,
        pages=[{"SummaryMap": {"AccountMFAEnabled": mfa, "AccountAccessKeysPresent": 0, "Users": 1}}],
    )


def build(path: Path, calls: list[FakeCall]) -> Path:
    return write_snapshot(
        path, calls=[*realistic_org_calls(), *combine(calls)], manifest=realistic_manifest()
    )


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("diff")
    old = build(
        d / "old.snapshot",
        [
            summary(A1, 0),
            summary(A2, 1),
            *bucket(A1, "stays-good"),
            *bucket(A1, "gets-suspended"),
            *bucket(A1, "gets-fixed", versioning="Suspended"),
            *bucket(A2, "gets-deleted", versioning="Suspended"),
        ],
    )
    new = build(
        d / "new.snapshot",
        [
            summary(A1, 0),
            summary(A2, 1),
            *bucket(A1, "stays-good"),
            *bucket(A1, "gets-suspended", versioning="Suspended"),
            *bucket(A1, "gets-fixed"),
            *bucket(A2, "is-new"),
        ],
    )
    return old, new


def inventory(path: Path) -> Any:
    with Snapshot.open(path) as snap:
        return build_inventory(snap)


def test_findings_and_resources(snapshots: tuple[Path, Path]) -> None:
    old, new = (inventory(p) for p in snapshots)
    modules = [iam_root_mfa, s3_bucket_versioning]
    d = diff_snapshots(old, new, assess(old, modules=modules).results, assess(new, modules=modules).results)
    assert {r.resource_id for r in d.new_findings} == {"gets-suspended"}
    assert {r.resource_id for r in d.resolved_findings} == {"gets-fixed", "gets-deleted"}
    assert {(r.control_id, r.resource_id) for r in d.unchanged_findings} == {("iam_root_mfa", A1)}
    # gets-fixed went FAIL -> PASS: resolved, and listed with its new status; gets-deleted has no new result
    assert {(c.old.resource_id, c.old.status, c.new.status) for c in d.status_changed} == {
        ("gets-fixed", "FAIL", "PASS")
    }
    assert [a.rsplit(":", 1)[-1] for a in d.resources_added] == ["is-new"]
    assert [a.rsplit(":", 1)[-1] for a in d.resources_removed] == ["gets-deleted"]
    changed = {c.arn.rsplit(":", 1)[-1]: c for c in d.resources_changed}
    # only the two buckets whose versioning changed; call ids differ for every record and are ignored
    assert set(changed) == {"gets-suspended", "gets-fixed"}
    fields = [f.field for f in changed["gets-suspended"].changes]
    assert fields and all("versioning" in f.lower() for f in fields), fields
    assert changed["gets-suspended"].kind == "S3Bucket" and changed["gets-suspended"].account_id == A1
    doc = diff_json(d)
    assert doc["summary"]["new_findings"] == 1 and doc["summary"]["resources_changed"] == 2
    json.dumps(doc)  # JSON-safe


def test_different_organizations_are_refused_unless_forced(snapshots: tuple[Path, Path]) -> None:
    old, new = (inventory(p) for p in snapshots)
    other = dataclasses.replace(
        new, organization=dataclasses.replace(new.organization, organization_id="o-other")
    )
    with pytest.raises(
        DifferentOrganizations, match=r"different organizations \(o-.* and o-other\); use --force"
    ):
        check_same_organization(old, other)
    assert "compared anyway" in check_same_organization(old, other, force=True)[0]
    assert check_same_organization(old, new) == []
    unknown = dataclasses.replace(new, organization=dataclasses.replace(new.organization, organization_id=""))
    with pytest.raises(DifferentOrganizations, match="the new snapshot is not recorded"):
        check_same_organization(old, unknown)


def test_cli_json_and_text(snapshots: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = snapshots
    assert main(["diff", str(old), str(new), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    keys = {r["key"] for r in doc["new_findings"]}
    assert any(k.startswith("s3_bucket_versioning|") and k.endswith("gets-suspended") for k in keys)
    assert [a.rsplit(":", 1)[-1] for a in doc["resources_added"]] == ["is-new"]
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "Resources: 1 added, 1 removed, 2 changed" in out


def test_cli_missing_snapshot(
    snapshots: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(snapshots[0]), str(tmp_path / "nope.snapshot")]) == 2
    assert (
        capsys.readouterr().err.splitlines()[-1]
        == f"error: {tmp_path / 'nope.snapshot'}: no such snapshot file"
    )
