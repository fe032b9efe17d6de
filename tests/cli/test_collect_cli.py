"""``main.py collect`` as a user runs it: a subprocess against a moto server on loopback.

This is the real path end to end: argument parsing, profile credentials from the
environment, AWS_ENDPOINT_URL honoured by botocore, live progress, the log beside
the snapshot, a SIGKILL mid-way, and ``--resume``.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from snapshot import Snapshot, verify_snapshot
from tests.collectors.helpers import account_parents, principals
from tests.collectors.orgbuilder import build_org
from tests.support.moto_server import MotoServer

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.server
# The CLI's behaviour is tested on the foundation collectors; each service area has its own tests.
SERVICES = ("--services", "organizations", "iam")


def main_py(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", *args], cwd=REPO, capture_output=True, text=True, timeout=300, **kwargs
    )  # type: ignore[call-overload]


def test_collect_every_member_account_of_a_moto_server_org(moto_server: MotoServer, tmp_path: Path) -> None:
    org = build_org()
    out = tmp_path / "org.snapshot"
    done = main_py("collect", "--out", str(out), "--regions", "us-east-1", *SERVICES)
    assert done.returncode == 0, done.stderr
    assert "status: complete" in done.stdout
    assert (tmp_path / "org.snapshot.log").exists()
    assert verify_snapshot(out).ok
    with Snapshot.open(out) as snap:
        assert account_parents(snap) == org.parents
        for account_id in org.accounts.values():
            users, roles = principals(snap, account_id)
            assert users == org.users[account_id] and org.roles[account_id] <= roles


def test_collect_failures_are_one_line(moto_server: MotoServer, tmp_path: Path) -> None:
    out = tmp_path / "x.snapshot"
    out.write_text("exists")
    exists = main_py("collect", "--out", str(out))
    assert exists.returncode == 2 and "already exists" in exists.stderr
    assert exists.stderr.count("\n") == 1 and "Traceback" not in exists.stderr
    no_profile = main_py("collect", "--profile", "nope", "--out", str(tmp_path / "y.snapshot"))
    assert no_profile.returncode == 1 and "nope" in no_profile.stderr and "Traceback" not in no_profile.stderr
    assert not (tmp_path / "y.snapshot").exists()
    bad_region_list = main_py("collect", "--out", str(tmp_path / "z.snapshot"), "--services", "nosuch")
    assert bad_region_list.returncode == 2 and "unknown service" in bad_region_list.stderr


def _calls_in(path: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2)
        try:
            return int(conn.execute("SELECT count(*) FROM calls").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_killed_collection_resumes_to_the_same_result(moto_server: MotoServer, tmp_path: Path) -> None:
    org = build_org()
    full = tmp_path / "full.snapshot"
    assert (
        main_py(
            "collect", "--out", str(full), "--regions", "us-east-1", "--workers", "2", *SERVICES
        ).returncode
        == 0
    )

    partial = tmp_path / "partial.snapshot"
    proc = subprocess.Popen(
        [
            sys.executable,
            "main.py",
            "collect",
            "--out",
            str(partial),
            "--regions",
            "us-east-1",
            "--workers",
            "2",
            *SERVICES,
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while _calls_in(partial) < 30 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "collection finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with Snapshot.open(partial) as snap:
        assert snap.integrity == "incomplete"
        killed_at = len(snap.calls())
    resumed = main_py("collect", "--resume", str(partial))
    assert resumed.returncode == 0, resumed.stderr
    assert "replayed" in resumed.stdout
    assert verify_snapshot(partial).ok
    with Snapshot.open(full) as a, Snapshot.open(partial) as b:
        assert {c.call_key for c in a.calls()} == {c.call_key for c in b.calls()}
        assert account_parents(a) == account_parents(b) == org.parents
        for account_id in org.accounts.values():
            assert principals(a, account_id) == principals(b, account_id)
        assert len(b.calls()) >= killed_at
        assert b.manifest["runs"][-1]["resumed"] is True


def test_collect_uses_a_named_profile(
    moto_server: MotoServer, tmp_path: Path, aws_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_org()
    (aws_env / ".aws" / "credentials").write_text(
        "[client-mgmt]\naws_access_key_id = AKIAEXAMPLEPROFILE1\naws_secret_access_key = profilesecret\n"
    )
    (aws_env / ".aws" / "config").write_text("[profile client-mgmt]\nregion = eu-west-1\n")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    out = tmp_path / "p.snapshot"
    done = main_py(
        "collect",
        "--profile",
        "client-mgmt",
        "--out",
        str(out),
        "--regions",
        "us-east-1",
        "--services",
        "organizations",
    )
    assert done.returncode == 0, done.stderr
    with Snapshot.open(out) as snap:
        assert snap.manifest["scope"]["profile"] == "client-mgmt"
        assert snap.calls(service="iam") == []
        assert snap.calls(service="organizations", operation="ListAccounts")
    assert b"profilesecret" not in out.read_bytes()
    assert "profilesecret" not in (tmp_path / "p.snapshot.log").read_text()
