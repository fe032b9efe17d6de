"""Run one collector against whatever AWS the environment points at (mock_aws, moto server), into a snapshot.

For collector tests: exercises the real CallExecutor (pagination, for-each, outcome
classification, scrubbing, recording) without a whole organization run.
"""

from __future__ import annotations

from pathlib import Path

import boto3

from collectors.calls import CallExecutor, CallTarget, Counters
from collectors.clients import ClientFactory
from collectors.spec import GLOBAL_REGION, TARGET_SOURCE, Collector
from snapshot import Snapshot, SnapshotWriter


def collect_one(
    collector: Collector,
    path: Path,
    *,
    region: str = "us-east-1",
    account_id: str = "123456789012",
    factory: ClientFactory | None = None,
    session: object | None = None,
) -> Snapshot:
    """Collect ``collector`` in one account and region; returns the finished snapshot, opened.

    ``region`` is the region column for a regional collector; a global collector is recorded
    under "global" and its client goes to us-east-1.
    """
    factory = factory or ClientFactory(max_attempts=2)
    if session is None:
        session = factory.credentials_session(boto3.Session().get_credentials())
    column = GLOBAL_REGION if collector.scope != "regional" else region
    client_region = "us-east-1" if column == GLOBAL_REGION else region
    box: dict[str, object] = {}

    def client_for(service: str) -> object:
        if service not in box:
            box[service] = factory.client(session, service, client_region)  # type: ignore[arg-type]
        return box[service]

    writer = SnapshotWriter.create(path, tool_version="test")
    executor = CallExecutor(writer=writer, counters=Counters(), cancelled=lambda: False, retry_pause_s=0.01)
    target = CallTarget(
        account_id=account_id,
        region=column,
        service=collector.service,
        identity_arn=f"arn:aws:iam::{account_id}:role/test",
        client=lambda: client_for(collector.service),
        clients=client_for,
    )
    results: dict[str, list[object]] = {TARGET_SOURCE: [{"AccountId": account_id, "Region": column}]}
    for op in collector.ops:
        executor.run_op(target, op, results)
    writer.finish(status="complete")
    writer.close()
    return Snapshot.open(path)
