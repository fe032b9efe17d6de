"""The snapshot file: round trip, integrity, resume bookkeeping, and every way a file can be bad."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from snapshot import (
    CallRecord,
    NewerSchemaError,
    NotASnapshotError,
    PageTamperedError,
    Snapshot,
    SnapshotCorruptError,
    SnapshotError,
    SnapshotTamperedError,
    SnapshotWriter,
    utc_now_iso,
    verify_snapshot,
)

REPO = Path(__file__).resolve().parents[2]


def record(
    operation: str = "ListUsers",
    *,
    account: str = "111111111111",
    outcome: str = "ok",
    params: dict | None = None,
    code: str | None = None,
) -> CallRecord:
    return CallRecord(
        account_id=account,
        region="global",
        service="iam",
        operation=operation,
        parameters=params or {},
        identity_arn="arn:aws:iam::111111111111:role/Audit",
        started_at=utc_now_iso(),
        duration_ms=12.5,
        outcome=outcome,
        error_code=code,
    )


def make_snapshot(path: Path, *, finish: bool = True) -> Path:
    with SnapshotWriter.create(path, tool_version="test") as w:
        w.record_call(
            record(),
            [
                {
                    "Users": [{"UserName": "alice", "CreateDate": dt.datetime(2024, 1, 2, tzinfo=dt.UTC)}],
                    "IsTruncated": True,
                    "Marker": "m1",
                    "ResponseMetadata": {"RequestId": "x"},
                },
                {"Users": [{"UserName": "bob"}], "IsTruncated": False},
            ],
        )
        w.record_call(record("GetAccountPasswordPolicy", outcome="absent", code="NoSuchEntity"), [])
        w.record_call(record("GetCredentialReport"), [{"Content": b"user,arn\n<root_account>,arn:x\n"}])
        if finish:
            w.finish(status="complete")
    return path


def test_round_trip_keeps_pages_as_received(tmp_path: Path) -> None:
    path = make_snapshot(tmp_path / "a.snapshot")
    with Snapshot.open(path) as snap:
        assert snap.integrity == "intact"
        assert snap.status == "complete"
        users = snap.calls(operation="ListUsers")[0]
        assert users.page_count == 2 and users.outcome == "ok"
        first, second = snap.pages(users.id)
        assert first["Users"][0] == {"UserName": "alice", "CreateDate": "2024-01-02T00:00:00+00:00"}
        assert "ResponseMetadata" not in first
        assert first["Marker"] == "m1" and second["Users"] == [{"UserName": "bob"}]
        absent = snap.calls(operation="GetAccountPasswordPolicy")[0]
        assert (
            absent.outcome == "absent" and absent.error_code == "NoSuchEntity" and snap.pages(absent.id) == []
        )
        report = snap.calls(operation="GetCredentialReport")[0]
        assert snap.pages(report.id)[0]["Content"].startswith("user,arn")
        assert [r["status"] for r in snap.manifest["runs"]] == ["complete"]
    assert verify_snapshot(path).ok


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    path = make_snapshot(tmp_path / "a.snapshot")
    with pytest.raises(SnapshotError, match="already exists"):
        SnapshotWriter.create(path, tool_version="test")


def test_resume_replaces_transient_errors_and_keeps_final_answers(tmp_path: Path) -> None:
    path = tmp_path / "r.snapshot"
    with SnapshotWriter.create(path, tool_version="test") as w:
        ok = record("ListRoles")
        denied = record("ListGroups", outcome="access_denied", code="AccessDenied")
        failed = record("ListPolicies", outcome="error", code="EndpointConnectionError")
        for r in (ok, denied, failed):
            w.record_call(r, [{"x": 1}] if r.outcome == "ok" else [])
    with SnapshotWriter.resume(path) as w:
        assert w.completed_call(ok.call_key) is not None
        assert w.completed_call(denied.call_key) is not None  # a denial is an answer: not asked again
        assert w.completed_call(failed.call_key) is None  # a transient error is asked again
        w.record_call(record("ListPolicies"), [{"Policies": []}])
        w.finish(status="complete")
    with Snapshot.open(path) as snap:
        rows = snap.calls(operation="ListPolicies")
        assert [r.outcome for r in rows] == ["ok"]
        assert snap.integrity == "intact"


def test_changed_page_body_is_named_by_verify(tmp_path: Path) -> None:
    path = make_snapshot(tmp_path / "t.snapshot")
    conn = sqlite3.connect(path)
    forged = zlib.compress(json.dumps({"Users": [{"UserName": "mallory"}]}).encode())
    conn.execute("UPDATE pages SET body = ? WHERE call_id = 1 AND page_no = 1", (forged,))
    conn.commit()
    conn.close()
    report = verify_snapshot(path)
    assert not report.ok and report.integrity == "tampered"
    assert any(
        "call 1 (iam:ListUsers in 111111111111/global) page 1" in p and "SHA-256" in p
        for p in report.problems
    )
    # The file still opens (the digest is over page digests), but reading the forged page fails loudly.
    with Snapshot.open(path) as snap, pytest.raises(PageTamperedError):
        snap.pages(1)


def test_changed_call_row_is_detected_on_open_and_named_by_verify(tmp_path: Path) -> None:
    path = make_snapshot(tmp_path / "t.snapshot")
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE calls SET outcome = 'ok', error_code = NULL WHERE operation = 'GetAccountPasswordPolicy'"
    )
    conn.commit()
    conn.close()
    with pytest.raises(SnapshotTamperedError, match="modified since it was collected"):
        Snapshot.open(path)
    with Snapshot.open(path, allow_tampered=True) as snap:
        assert snap.integrity == "tampered"
    report = verify_snapshot(path)
    assert any("GetAccountPasswordPolicy" in p and "record changed" in p for p in report.problems)


def test_deleted_page_is_detected(tmp_path: Path) -> None:
    path = make_snapshot(tmp_path / "t.snapshot")
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM pages WHERE call_id = 1 AND page_no = 1")
    conn.commit()
    conn.close()
    report = verify_snapshot(path)
    assert report.integrity == "tampered"
    assert any("1 pages stored, 2 recorded" in p for p in report.problems)


def test_unfinished_collection_is_incomplete_not_tampered(tmp_path: Path) -> None:
    path = make_snapshot(tmp_path / "u.snapshot", finish=False)
    with Snapshot.open(path) as snap:
        assert snap.integrity == "incomplete" and snap.status == "collecting"
    assert verify_snapshot(path).integrity == "incomplete"


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"", NotASnapshotError, "is empty"),
        (b"hello, this is a text file\n", NotASnapshotError, "not a snapshot file"),
        (b"SQLite format 3\x00" + b"\x00" * 50, SnapshotCorruptError, "damaged or truncated"),
    ],
)
def test_bad_files_give_one_line_messages(tmp_path: Path, content: bytes, error: type, message: str) -> None:
    path = tmp_path / "bad.snapshot"
    path.write_bytes(content)
    with pytest.raises(error, match=message) as info:
        Snapshot.open(path)
    assert "\n" not in str(info.value)


def test_truncated_snapshot_is_reported(tmp_path: Path) -> None:
    path = make_snapshot(tmp_path / "t.snapshot")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SnapshotError) as info:
        verify_snapshot(path)
    assert "\n" not in str(info.value)


def test_other_sqlite_database_is_not_a_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotASnapshotError, match="not a snapshot"):
        Snapshot.open(path)


def test_newer_schema_version_is_refused_clearly(tmp_path: Path) -> None:
    path = make_snapshot(tmp_path / "n.snapshot")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE manifest SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(NewerSchemaError, match=r"schema version 99.*update the workbench"):
        Snapshot.open(path)


def test_writer_killed_mid_transaction_leaves_a_file_that_opens(tmp_path: Path) -> None:
    path = make_snapshot(tmp_path / "k.snapshot", finish=False)
    # A child process starts writing a call and dies (os._exit) before committing.
    script = textwrap.dedent(f"""
        import os, sqlite3
        conn = sqlite3.connect({str(path)!r}, isolation_level=None)
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("BEGIN")
        conn.execute("DELETE FROM pages")
        conn.execute("UPDATE calls SET operation = 'Half'")
        conn.execute("PRAGMA cache_spill=1")
        conn.execute("INSERT INTO pages (call_id, page_no, body, sha256) VALUES (99, 0, zeroblob(200000), 'x')")
        os._exit(9)
    """)
    subprocess.run([sys.executable, "-c", script], check=False)
    assert Path(str(path) + "-journal").stat().st_size > 0  # a hot journal: the write was cut off
    with Snapshot.open(path) as snap:
        assert snap.integrity == "incomplete"
        assert {c.operation for c in snap.calls()} == {
            "ListUsers",
            "GetAccountPasswordPolicy",
            "GetCredentialReport",
        }
        assert len(snap.pages(1)) == 2
    with SnapshotWriter.resume(path) as w:
        w.finish(status="complete")
    assert verify_snapshot(path).ok


def test_verify_cli(tmp_path: Path) -> None:
    path = make_snapshot(tmp_path / "v.snapshot")
    ok = subprocess.run(
        [sys.executable, "main.py", "verify", str(path)], cwd=REPO, capture_output=True, text=True
    )
    assert ok.returncode == 0 and "intact" in ok.stdout
    js = subprocess.run(
        [sys.executable, "main.py", "verify", str(path), "--json"], cwd=REPO, capture_output=True, text=True
    )
    assert json.loads(js.stdout)["integrity"] == "intact"
    conn = sqlite3.connect(path)
    conn.execute("UPDATE calls SET account_id = '999999999999' WHERE id = 2")
    conn.commit()
    conn.close()
    bad = subprocess.run(
        [sys.executable, "main.py", "verify", str(path)], cwd=REPO, capture_output=True, text=True
    )
    assert bad.returncode == 1 and "TAMPERED" in bad.stdout and "record changed" in bad.stdout
    missing = subprocess.run(
        [sys.executable, "main.py", "verify", str(tmp_path / "nope")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0 and "no such file" in missing.stderr
    assert "Traceback" not in missing.stderr
