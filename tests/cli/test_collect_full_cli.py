"""The full collection from the command line: the demo organization (every service area) seeded in moto,
collected by ``main.py collect`` (the CLI's own entry point, in-process under ``mock_aws``), and the
Inventory compared with the seed.

The CLI against a moto *server* on loopback (a real endpoint through AWS_ENDPOINT_URL, in a subprocess)
is tested in tests/cli/test_collect_cli.py on the Organizations and IAM collectors; with every service
area the server is an order of magnitude slower (over ten minutes here), so the whole-organization run
uses moto in-process.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from moto import mock_aws

from analysis.model.inventory import build_inventory
from cli.main import main
from collectors.demo.seed import seed_demo_organization
from snapshot import Snapshot


def test_cli_collects_every_area_of_the_demo_organization(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo.snapshot"
    with mock_aws():
        org = seed_demo_organization()
        status = main(["collect", "--out", str(out), "--regions", "us-east-1,eu-west-1"])
    printed = capsys.readouterr()
    # 3: finished, with the calls the emulator cannot answer listed (as against AWS, nothing stops).
    assert status in (0, 3), printed.err[-2000:]
    assert "status: complete" in printed.out
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
    assert inv.s3.account_block(org.accounts["log-archive"]) is not None
