"""RDS normalizer on a small fixture: a public unencrypted instance, an Aurora member, public /
shared / private / denied manual snapshots, and a public cluster snapshot."""

from __future__ import annotations

from pathlib import Path

from analysis.model.coverage import COLLECTED, DENIED
from analysis.model.rds import CLUSTER_SNAPSHOT, INSTANCE_SNAPSHOT, RdsInventory, normalize_rds
from tests.analysis.model.test_kms import data_source

A = "222222222222"
R = "eu-west-1"


def _inventory(tmp_path: Path) -> RdsInventory:
    return normalize_rds(*data_source(tmp_path, "rds"))


def test_instances(tmp_path: Path) -> None:
    inv = _inventory(tmp_path)
    assert set(inv.instances) == {
        f"arn:aws:rds:{R}:{A}:db:{n}" for n in ("payments-db", "aurora-1", "creating")
    }
    db = inv.instances[f"arn:aws:rds:{R}:{A}:db:payments-db"]
    assert (db.publicly_accessible, db.storage_encrypted) == (True, False)
    assert (db.endpoint_address, db.port) == ("payments-db.x.eu-west-1.rds.amazonaws.com", 5432)
    assert (db.vpc_id, db.subnet_ids, db.security_group_ids) == ("vpc-1", ("subnet-1", "subnet-2"), ("sg-1",))
    aurora = inv.instances[f"arn:aws:rds:{R}:{A}:db:aurora-1"]
    assert aurora.cluster_identifier == "aurora" and aurora.storage_encrypted is True
    creating = inv.instances[f"arn:aws:rds:{R}:{A}:db:creating"]
    assert creating.publicly_accessible is None and creating.storage_encrypted is None  # missing: unknown


def test_snapshot_sharing(tmp_path: Path) -> None:
    snaps = _inventory(tmp_path).snapshots
    arn = f"arn:aws:rds:{R}:{A}:snapshot:"
    public, shared, private, denied = (
        snaps[arn + n] for n in ("public-snap", "shared-snap", "private-snap", "denied-snap")
    )
    assert public.public is True and public.kind == INSTANCE_SNAPSHOT and public.encrypted is False
    assert public.source_identifier == "payments-db"
    assert shared.public is False and shared.restore_shared_with == ("444455556666", "999988887777")
    assert (
        private.public is False
        and private.restore_shared_with == ()
        and private.attributes_state == COLLECTED
    )
    assert denied.public is None and denied.attributes_state == DENIED
    cluster = snaps[f"arn:aws:rds:{R}:{A}:cluster-snapshot:aurora-snap"]
    assert cluster.kind == CLUSTER_SNAPSHOT and cluster.public is True and cluster.encrypted is True
    assert cluster.source_identifier == "aurora"
    assert len(snaps) == 5


def test_denied_listing_leaves_no_records(tmp_path: Path) -> None:
    source, coverage = data_source(tmp_path, "rds")
    inv = normalize_rds(source, coverage)
    assert not [i for i in inv.instances.values() if i.account_id == "333333333333"]
    state = coverage.state(
        account_id="333333333333", region="us-east-1", service="rds", operation="DescribeDBInstances"
    )
    assert state.state == DENIED
