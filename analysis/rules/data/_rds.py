"""Shared by the RDS controls: their inputs, the DB instance setting evaluation and the snapshot
attribute gap."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from analysis.model.rds import CLUSTER_SNAPSHOT, DbInstance, DbSnapshot
from analysis.rules.base import Control, Input, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import field_gap, listing_gaps, result

LIST_INSTANCES = Input(service="rds", operation="DescribeDBInstances")
LIST_SNAPSHOTS = Input(service="rds", operation="DescribeDBSnapshots")
LIST_CLUSTER_SNAPSHOTS = Input(service="rds", operation="DescribeDBClusterSnapshots")
SNAPSHOT_ATTRIBUTES = Input(service="rds", operation="DescribeDBSnapshotAttributes")
CLUSTER_SNAPSHOT_ATTRIBUTES = Input(service="rds", operation="DescribeDBClusterSnapshotAttributes")

V = TypeVar("V")


def evaluate_instance_setting(
    ctx: AssessmentContext,
    control: Control,
    *,
    setting: str,
    read: Callable[[DbInstance], V | None],
    judge: Callable[[DbInstance, V], tuple[str, str]],
    values: Callable[[DbInstance], Mapping[str, object]],
    judged: Callable[[DbInstance], bool] = lambda db: True,
) -> Iterator[Result]:
    """One result per DB instance about one DescribeDBInstances setting.

    Listing gaps first; instances ``judged`` rejects get no result; an instance whose listing did
    not report ``setting`` (``read`` gives None) is NOT_ASSESSED; the others get ``judge``'s
    (status, message), with ``values`` as evidence.
    """
    yield from listing_gaps(ctx, control, LIST_INSTANCES)
    for db in ctx.inventory.rds.instances.values():
        if not judged(db):
            continue
        value = read(db)
        if value is None:
            yield ctx.not_assessed(
                control,
                account_id=db.account_id,
                region=db.region,
                reason=f"DescribeDBInstances did not report {setting} for {db.identifier}",
                call_ids=db.call_ids,
                resource_arn=db.arn,
                resource_id=db.identifier,
            )
            continue
        status, message = judge(db, value)
        yield result(control, db, status, message, resource_id=db.identifier, values=values(db))


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
