"""Shared by the RDS controls: their inputs and the snapshot attribute gap."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.rds import CLUSTER_SNAPSHOT, DbSnapshot
from analysis.rules.base import Control, Input, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import field_gap, listing_gaps

LIST_INSTANCES = Input(service="rds", operation="DescribeDBInstances")
LIST_SNAPSHOTS = Input(service="rds", operation="DescribeDBSnapshots")
LIST_CLUSTER_SNAPSHOTS = Input(service="rds", operation="DescribeDBClusterSnapshots")
SNAPSHOT_ATTRIBUTES = Input(service="rds", operation="DescribeDBSnapshotAttributes")
CLUSTER_SNAPSHOT_ATTRIBUTES = Input(service="rds", operation="DescribeDBClusterSnapshotAttributes")


def snapshot_listing_gaps(ctx: AssessmentContext, control: Control) -> Iterator[Result]:
    yield from listing_gaps(ctx, control, LIST_SNAPSHOTS, LIST_CLUSTER_SNAPSHOTS)


def attributes_gap(ctx: AssessmentContext, control: Control, snap: DbSnapshot) -> Result | None:
    cluster = snap.kind == CLUSTER_SNAPSHOT
    return field_gap(
        ctx,
        control,
        snap,
        resource_id=snap.identifier,
        state=snap.attributes_state,
        service="rds",
        operation="DescribeDBClusterSnapshotAttributes" if cluster else "DescribeDBSnapshotAttributes",
        param="DBClusterSnapshotIdentifier" if cluster else "DBSnapshotIdentifier",
        value=snap.identifier,
    )
