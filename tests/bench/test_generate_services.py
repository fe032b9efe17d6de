"""The synthetic organization covers every collector: the real executor replays it, botocore's shapes
fit its pages, and the Inventory built from it holds what the generator says it wrote."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from analysis.model.inventory import build_inventory
from bench.generate import HANDLERS, GeneratedOrg, generate_snapshot
from collectors.calls import CallExecutor, CallTarget, Counters
from collectors.registry import ACCOUNT_COLLECTORS, ALL_COLLECTORS
from collectors.spec import TARGET_SOURCE, Collector
from snapshot import INTACT, Snapshot, SnapshotWriter
from snapshot.schema import M_ACCOUNT_OUTCOMES, SUCCESS_OUTCOMES

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
# Values AWS answers that botocore's enums do not list (botocore does not validate output):
# internet gateway attachments are "available" ("For an internet gateway the state is available
# when attached to a VPC", EC2 API reference, InternetGatewayAttachment); VPC endpoints'
# State is lowercase; NAT gateway ENIs have InterfaceType "nat_gateway" (EC2 API reference,
# NetworkInterface).
AWS_BEYOND_THE_MODEL = {
    ("AttachmentStatus", "available"),
    ("State", "available"),
    ("NetworkInterfaceType", "nat_gateway"),
}


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> GeneratedOrg:
    path = tmp_path_factory.mktemp("gen-services") / "org12.snapshot"
    return generate_snapshot(
        path, accounts=12, regions=REGIONS, roles_per_account=15, users_per_account=3, seed=3
    )


def _regional(collector: Collector) -> bool:
    return collector.scope == "regional"


def test_every_declared_operation_has_an_answer() -> None:
    """No collector op falls through to the generator's 'no answer' error (it would be an error call)."""
    declared = {(op.service or c.service, op.operation) for c in ACCOUNT_COLLECTORS for op in c.ops}
    declared -= {("sts", "GetCallerIdentity")}  # written as the runner writes it, not answered
    assert declared - set(HANDLERS) == set()


def test_snapshot_is_intact_and_no_call_failed(org: GeneratedOrg) -> None:
    with Snapshot.open(org.path) as snap:
        assert snap.integrity == INTACT
        calls = snap.calls()
    assert len(calls) == org.calls
    errors = [(c.service, c.operation, c.error_code, c.error_message) for c in calls if c.outcome == "error"]
    assert errors == []
    # Like a real organization: answers of every kind, not only "ok".
    outcomes = Counter(c.outcome for c in calls)
    for outcome in ("ok", "access_denied", "absent", "not_subscribed"):
        assert outcomes[outcome] > 0, outcome
    assert org.outcomes == dict(sorted(outcomes.items()))


def test_every_collector_makes_calls_in_its_regions(org: GeneratedOrg) -> None:
    with Snapshot.open(org.path) as snap:
        calls = snap.calls()
    seen = Counter((c.service, c.operation) for c in calls)
    regions_of: dict[tuple[str, str], set[str]] = {}
    for c in calls:
        regions_of.setdefault((c.service, c.operation), set()).add(c.region)
    for collector in ALL_COLLECTORS:
        first = collector.ops[0]
        for op in collector.ops:
            service = op.service or collector.service
            assert seen[(service, op.operation)] >= 1, f"{service}:{op.operation} never called"
        expected = set(REGIONS) if _regional(collector) else {"global"}
        assert regions_of[(collector.service, first.operation)] == expected, collector.name
    # Region-restricted ops only where declared (WAFv2 CLOUDFRONT scope: us-east-1 only).
    cloudfront = [
        c for c in calls if c.operation == "ListWebACLs" and c.parameters.get("Scope") == "CLOUDFRONT"
    ]
    assert cloudfront and {c.region for c in cloudfront} == {"us-east-1"}
    # The $target pseudo-source: account Block Public Access asked with the account's own id.
    bpa = [c for c in calls if c.service == "s3control"]
    assert bpa and all(c.parameters == {"AccountId": c.account_id} for c in bpa)
    # Nested for-each: every assignment listing carries the instance and permission set it came from.
    assignments = [c for c in calls if c.operation == "ListAccountAssignments"]
    assert assignments and all(
        set(c.parameters) == {"InstanceArn", "PermissionSetArn", "AccountId"} for c in assignments
    )
    # Cross-service ops recorded under their own service, in the instance's account and region.
    store = [c for c in calls if c.service == "identitystore"]
    assert {(c.account_id, c.region) for c in store} == {(org.management_account_id, REGIONS[0])}


def test_the_real_executor_replays_every_collector_without_a_client(
    org: GeneratedOrg, tmp_path: Path
) -> None:
    """Resume a copy with the real CallExecutor and run every collector in every collected account
    and region: each call it makes must be stored (no client is ever created), and it must make
    every stored call (AssumeRole and the profile's own GetCallerIdentity are written by the runner)."""
    copy = tmp_path / "copy.snapshot"
    shutil.copy(org.path, copy)
    writer = SnapshotWriter.resume(copy)
    counters = Counters()
    executor = CallExecutor(writer=writer, counters=counters, cancelled=lambda: False)
    missing: list[str] = []

    def no_client(service: str, account: str, region: str) -> Any:
        missing.append(f"{service} in {account}/{region}")
        raise AssertionError(missing[-1])

    with Snapshot.open(org.path) as snap:
        outcomes = snap.manifest[M_ACCOUNT_OUTCOMES]
    try:
        from collectors.organizations import COLLECTOR as ORGANIZATIONS
        from collectors.runner import REGIONS_OP, STS_OP

        extra = (
            Collector(name="sts", service="sts", scope="global", ops=(STS_OP,)),
            Collector(name="regions", service="ec2", scope="global", ops=(REGIONS_OP,)),
        )
        for collector in (ORGANIZATIONS,):
            _replay(executor, collector, org.management_account_id, "global", no_client)
        for account in org.collected_account_ids:
            for collector in extra:
                _replay(executor, collector, account, "global", no_client)
            for collector in ACCOUNT_COLLECTORS:
                if collector.name == "sts":
                    continue
                regions = outcomes[account]["regions_collected"] if _regional(collector) else ["global"]
                for region in regions:
                    _replay(executor, collector, account, region, no_client)
    finally:
        writer.close()
    assert missing == []
    with Snapshot.open(org.path) as snap:
        stored = [c for c in snap.calls() if c.operation != "AssumeRole"]
    assert counters.replayed == counters.calls == len(stored)


def _replay(executor: CallExecutor, collector: Collector, account: str, region: str, no_client: Any) -> None:
    target = CallTarget(
        account_id=account,
        region=region,
        service=collector.service,
        identity_arn="x",
        client=lambda: no_client(collector.service, account, region),
        clients=lambda service: no_client(service, account, region),
    )
    results: dict[str, list[Any]] = {TARGET_SOURCE: [{"AccountId": account, "Region": region}]}
    for op in collector.ops:
        executor.run_op(target, op, results)


def check_shape(value: Any, shape: Any, where: str) -> None:
    """The page matches botocore's output shape: names, nesting and parsed types."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), where
        unknown = set(value) - set(shape.members)
        assert not unknown, f"{where}: {unknown} not in {shape.name}"
        for name, item in value.items():
            check_shape(item, shape.members[name], f"{where}.{name}")
    elif kind == "list":
        assert isinstance(value, list), where
        for i, item in enumerate(value):
            check_shape(item, shape.member, f"{where}[{i}]")
    elif kind == "map":
        assert isinstance(value, dict), where
    elif kind == "timestamp":
        assert dt.datetime.fromisoformat(value).tzinfo is not None, where
    elif kind == "boolean":
        assert isinstance(value, bool), where
    elif kind in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), where
    elif kind in ("double", "float"):
        assert isinstance(value, int | float) and not isinstance(value, bool), where
    elif kind == "string" and shape.name == "policyDocumentType":
        # botocore's json_decode_policies hands IAM policy documents over as dicts.
        assert isinstance(value, dict) and "Statement" in value, where
    else:
        assert isinstance(value, str), where
        if getattr(shape, "enum", None) and (shape.name, value) not in AWS_BEYOND_THE_MODEL:
            assert value in shape.enum, f"{where}: {value!r} not in {shape.name}"


def test_pages_have_the_shapes_botocore_parses(org: GeneratedOrg) -> None:
    session = botocore.session.Session()
    models: dict[str, Any] = {}
    checked = set()
    with Snapshot.open(org.path) as snap:
        for call in snap.calls():
            if call.operation == "AssumeRole" or call.outcome not in SUCCESS_OUTCOMES:
                continue
            if call.service not in models:
                models[call.service] = session.get_service_model(call.service)
            shape = models[call.service].operation_model(call.operation).output_shape
            for page in snap.pages(call.id):
                check_shape(page, shape, f"{call.service}:{call.operation}")
            checked.add(call.service)
    assert {c.service for c in ALL_COLLECTORS} | {"identitystore"} <= checked


def test_the_inventory_holds_what_the_generator_wrote(org: GeneratedOrg) -> None:
    with Snapshot.open(org.path) as snap:
        inventory = build_inventory(snap)
    counts = inventory.counts()
    assert counts == dict(org.counts)
    # Every area is populated, and the relationships resolve inside the snapshot.
    areas = {k.split(".")[0] for k in counts}
    assert areas == {
        "iam",
        "identity_center",
        "monitoring",
        "detection",
        "network",
        "load_balancers",
        "waf",
        "kms",
        "s3",
        "lambda_functions",
        "resource_policies",
        "rds",
    }
    network = inventory.network
    for subnet in network.subnets.values():
        assert network.route_table_of_subnet(subnet.subnet_id) is not None, subnet.subnet_id
        assert network.network_acl_of_subnet(subnet.subnet_id) is not None, subnet.subnet_id
    for instance in network.instances.values():
        assert network.enis_by_instance[instance.instance_id]
    # Identity Center: assignments in every collected account, provisioned roles matched to IAM roles.
    ic = inventory.identity_center
    assert {a.account_id for a in ic.assignments} >= set(org.collected_account_ids)
    assert any(r.role_arn for r in ic.provisioned_roles)
    # "Not there" is distinguishable from "not collected": absent answers are kept as such.
    assert any(b.policy_state == "absent" for b in inventory.s3.buckets.values())
    assert any(k.rotation_state == "absent" for k in inventory.kms.keys.values()) or all(
        k.spec == "SYMMETRIC_DEFAULT" for k in inventory.kms.keys.values()
    )
    assert any(k.grants_state == "denied" for k in inventory.kms.keys.values())


def test_services_can_be_restricted(tmp_path: Path) -> None:
    org = generate_snapshot(
        tmp_path / "iam-only.snapshot",
        accounts=3,
        roles_per_account=5,
        users_per_account=1,
        services=("iam",),
    )
    with Snapshot.open(org.path) as snap:
        services = {c.service for c in snap.calls()}
    assert services == {"organizations", "sts", "ec2", "iam"}
    assert org.services == ("iam",)
    with pytest.raises(ValueError, match="unknown service"):
        generate_snapshot(tmp_path / "bad.snapshot", accounts=2, services=("nope",))


def test_every_service_is_deterministic_for_a_seed(org: GeneratedOrg, tmp_path: Path) -> None:
    again = generate_snapshot(
        tmp_path / "again.snapshot",
        accounts=12,
        regions=REGIONS,
        roles_per_account=15,
        users_per_account=3,
        seed=3,
    )

    def records(path: Path) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(path)
        try:
            return conn.execute(
                "SELECT c.call_key, c.started_at, c.outcome, p.sha256 FROM calls c"
                " LEFT JOIN pages p ON p.call_id = c.id ORDER BY c.id, p.page_no"
            ).fetchall()
        finally:
            conn.close()

    assert records(again.path) == records(org.path)
    assert again.counts == org.counts
