"""RDS (regional): DB instances (public? encrypted?) and manual snapshots (shared with whom?).

A manual snapshot whose ``restore`` attribute lists ``all`` can be copied and restored by any
AWS account (RDS User Guide, "Sharing a DB snapshot"); automated snapshots cannot be shared,
so only manual ones are asked for their attributes.
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op

COLLECTOR = Collector(
    name="rds",
    service="rds",
    scope="regional",
    description="RDS DB instances (public access, encryption), manual DB and cluster snapshots and who may restore them",
    ops=(
        Op(operation="DescribeDBInstances"),
        Op(operation="DescribeDBSnapshots", params={"SnapshotType": "manual"}),
        Op(
            operation="DescribeDBSnapshotAttributes",
            for_each=From(
                sources=("DescribeDBSnapshots",),
                path="DBSnapshots[].DBSnapshotIdentifier",
                param="DBSnapshotIdentifier",
            ),
            absent_codes=frozenset({"DBSnapshotNotFound", "DBSnapshotNotFoundFault"}),
        ),
        Op(operation="DescribeDBClusterSnapshots", params={"SnapshotType": "manual"}),
        Op(
            operation="DescribeDBClusterSnapshotAttributes",
            for_each=From(
                sources=("DescribeDBClusterSnapshots",),
                path="DBClusterSnapshots[].DBClusterSnapshotIdentifier",
                param="DBClusterSnapshotIdentifier",
            ),
            absent_codes=frozenset({"DBClusterSnapshotNotFoundFault"}),
        ),
    ),
)

COLLECTORS: tuple[Collector, ...] = (COLLECTOR,)
