"""The full collection from the command line: the demo organization (every service area) seeded in a
moto server, collected by ``main.py collect`` in a subprocess, and the Inventory compared with the seed.

moto server cannot serve S3 Control on a loopback endpoint (botocore prefixes the host with the
account id: shared/reference/notes-moto-and-speed.md), so account-level Block Public Access is
recorded as a failed call here; the in-process demo test covers it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analysis.model.inventory import build_inventory
from collectors.demo.seed import seed_demo_organization
from snapshot import Snapshot
from tests.support.moto_server import MotoServer

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.server


def test_cli_collects_every_area_of_the_demo_organization(moto_server: MotoServer, tmp_path: Path) -> None:
    org = seed_demo_organization()
    out = tmp_path / "demo.snapshot"
    done = subprocess.run(
        [sys.executable, "main.py", "collect", "--out", str(out), "--regions", "us-east-1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    # 3: finished, with the calls the emulator cannot answer listed (as against AWS, nothing stops).
    assert done.returncode in (0, 3), done.stderr[-2000:]
    assert "status: complete" in done.stdout
    with Snapshot.open(out) as snap:
        inv = build_inventory(snap)
    data = org.resources["data"]
    assert {b.name for b in inv.s3.buckets.values()} >= set(data["buckets"])
    assert {i.identifier for i in inv.rds.instances.values()} == set(data["db_instances"])
    assert {f.name for f in inv.lambda_functions.functions.values()} >= set(data["functions"])
    for name, facts in org.resources["network"]["resources"].items():
        arn = inv.network.ids.get(facts["id"])
        if arn is not None:
            assert inv.by_arn[arn].account_id == org.accounts[facts["account"]], name
    for name, facts in org.resources["monitoring"]["trails"].items():
        assert inv.by_arn[facts["arn"]].name == name
    assert {u.user_name for u in inv.identity_center.users.values()} >= set(
        org.resources["identity_center"]["users"]
    )
    for name, users in org.users.items():
        have = {u.name for u in inv.iam.users.values() if u.account_id == org.accounts[name]}
        assert set(users) <= have, name
    assert set(inv.organization.accounts) == set(org.accounts.values())
