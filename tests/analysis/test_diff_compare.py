"""``compare_snapshot_files``: the whole comparison from two snapshot files, as the GUI runs it, with
progress and cancel; the organizations checked before any slow step; bad files refused by name.

The two snapshots are those of ``test_diff`` (same builders): one bucket's versioning suspended (a
new finding), one fixed, one deleted, one added; the root account's MFA off in both.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

import pytest

from analysis.diff import (
    STEP,
    STEPS,
    DiffCancelled,
    DifferentOrganizations,
    compare_snapshot_files,
    diff_json,
)
from cli.main import main
from snapshot import SnapshotError, SnapshotTamperedError
from tests.analysis.model.builders import MGMT, org_calls, write_snapshot
from tests.analysis.rules.data.data_builders import bucket
from tests.analysis.test_diff import A1, A2, build, summary


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("compare")
    old = build(
        d / "old.snapshot",
        [
            summary(A1, 0),
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
            *bucket(A1, "stays-good"),
            *bucket(A1, "gets-suspended", versioning="Suspended"),
            *bucket(A1, "gets-fixed"),
            *bucket(A2, "is-new"),
        ],
    )
    return old, new


def other_organization(path: Path) -> Path:
    return write_snapshot(
        path,
        calls=org_calls(
            org_id="o-zz99other0",
            root_id="r-zz99",
            root_accounts=((MGMT, "management"),),
            ous=(),
            policies=(),
        ),
        manifest={"organization_id": "o-zz99other0"},
    )


def test_same_findings_and_resources_as_the_cli(
    pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = pair
    seen: list[tuple[int, int, str]] = []
    c = compare_snapshot_files(str(old), str(new), progress=lambda d, t, m: seen.append((d, t, m)))
    assert main(["diff", str(old), str(new), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    ours = diff_json(c.diff)
    for section in ("new_findings", "resolved_findings", "unchanged_findings", "status_changed"):
        assert sorted(r["key"] for r in ours[section]) == sorted(r["key"] for r in cli[section]), section
    assert ours["resources_changed"] == cli["resources_changed"]
    assert {r.resource_id for r in c.diff.new_findings if r.control_id == "s3_bucket_versioning"} == {
        "gets-suspended"
    }
    # gets-suspended passed before: its old status is kept; a new bucket's finding had no result before
    suspended = next(r for r in c.diff.new_findings if r.resource_id == "gets-suspended")
    assert (
        c.diff.previous_status[
            f"{suspended.control_id}|{suspended.account_id}|{suspended.region}|{suspended.resource_arn}"
        ]
        == "PASS"
    )
    assert not any(k.endswith("is-new") for k in c.diff.previous_status), (
        "is-new had no result in the old snapshot"
    )
    # the records of added and removed resources are kept for the reader to show
    assert [type(r).__name__ for r in c.added_records.values()] == ["S3Bucket"]
    assert next(iter(c.removed_records)).endswith("gets-deleted")
    assert c.old.path == str(old) and c.new.organization_id == "o-ab12cd34ef"
    assert c.new.account_names[A1] == "management" and c.old.collected_at and not c.new.tampered
    assert c.controls["s3_bucket_versioning"].severity
    # progress: every step reported, never backwards, ending at the total
    assert all(t == len(STEPS) * STEP for _, t, _ in seen)
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    assert seen[-1][0] == len(STEPS) * STEP
    assert {m.split(":")[0] for _, _, m in seen} >= set(STEPS)


def test_different_organizations_refused_before_any_slow_step(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    other = other_organization(tmp_path / "other.snapshot")
    seen: list[str] = []
    with pytest.raises(DifferentOrganizations) as info:
        compare_snapshot_files(str(pair[0]), str(other), progress=lambda d, t, m: seen.append(m))
    assert (info.value.old_organization_id, info.value.new_organization_id) == (
        "o-ab12cd34ef",
        "o-zz99other0",
    )
    assert seen == ["organizations: starting"]
    forced = compare_snapshot_files(str(pair[0]), str(other), force=True)
    assert "different organizations (o-ab12cd34ef and o-zz99other0)" in forced.diff.notes[0]
    assert forced.diff.resources_removed and not forced.diff.resources_added


@pytest.mark.parametrize("step", ["old inventory", "old trust graph", "new controls", "resources"])
def test_cancel_at_any_step(pair: tuple[Path, Path], step: str) -> None:
    asked = False

    def progress(done: int, total: int, message: str) -> None:
        nonlocal asked
        asked = asked or message.startswith(f"{step}:")

    with pytest.raises(DiffCancelled):
        compare_snapshot_files(str(pair[0]), str(pair[1]), progress=progress, cancelled=lambda: asked)
    assert asked


def test_bad_files_are_named(pair: tuple[Path, Path], tmp_path: Path) -> None:
    junk = tmp_path / "junk.snapshot"
    junk.write_bytes(b"not a snapshot at all" * 10)
    with pytest.raises(SnapshotError, match=r"junk\.snapshot is not a snapshot file"):
        compare_snapshot_files(str(junk), str(pair[1]))
    with pytest.raises(SnapshotError, match=r"nope\.snapshot: no such file"):
        compare_snapshot_files(str(pair[0]), str(tmp_path / "nope.snapshot"))


def test_tampered_snapshot_refused_unless_allowed(pair: tuple[Path, Path], tmp_path: Path) -> None:
    changed = tmp_path / "changed.snapshot"
    changed.write_bytes(pair[1].read_bytes())
    conn = sqlite3.connect(changed)
    conn.execute("UPDATE calls SET duration_ms = 1 WHERE id = 1")
    conn.commit()
    conn.close()
    with pytest.raises(SnapshotTamperedError, match=r"changed\.snapshot has been modified"):
        compare_snapshot_files(str(pair[0]), str(changed))
    c = compare_snapshot_files(str(pair[0]), str(changed), allow_tampered=True)
    assert c.new.tampered and not c.old.tampered


def test_forged_page_is_named_with_its_file(pair: tuple[Path, Path], tmp_path: Path) -> None:
    forged = tmp_path / "forged.snapshot"
    forged.write_bytes(pair[1].read_bytes())
    conn = sqlite3.connect(forged)
    (call_id,) = conn.execute(
        "SELECT id FROM calls WHERE operation = 'GetBucketVersioning' LIMIT 1"
    ).fetchone()
    body = zlib.compress(json.dumps({"Status": "Enabled"}).encode())
    conn.execute("UPDATE pages SET body = ? WHERE call_id = ?", (body, call_id))
    conn.commit()
    conn.close()
    with pytest.raises(SnapshotError, match=r"forged\.snapshot: call \d+ page 0 does not match its SHA-256"):
        compare_snapshot_files(str(pair[0]), str(forged))
