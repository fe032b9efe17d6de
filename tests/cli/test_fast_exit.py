"""main.py ends analysis commands without the interpreter's teardown: the output and the exit
status must be exactly what ``cli.main.main`` returned, in a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.analysis.trust.org_builder import ADMIN_POLICY, PROD, Acct, U, build_org, user_arn

REPO = Path(__file__).resolve().parents[2]
ALICE = user_arn(PROD, "alice")


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("fast-exit")
    build_org(tmp, Acct(id=PROD, users=[U(name="alice", attached=[ADMIN_POLICY]), U(name="nobody")]))
    return tmp / "org.awb"


def _simulate(snap: Path, principal: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "main.py",
            "simulate",
            str(snap),
            "--principal",
            principal,
            "--action",
            "iam:CreateUser",
            "--json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_analysis_output_and_status_survive_the_fast_exit(snap: Path) -> None:
    allowed = _simulate(snap, ALICE)
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["decision"] == "allow"  # the whole JSON document was flushed
    denied = _simulate(snap, user_arn(PROD, "nobody"))
    assert denied.returncode == 1, denied.stderr
    assert json.loads(denied.stdout)["decision"] == "implicit_deny"
