"""The Inventory: every normalizer's records over one snapshot, with coverage, keyed by ARN.

``build_inventory`` is the plain function the GUI runs in a worker and the CLI
and benchmarks call directly: it takes a progress callback and a cancel flag,
parses pages with the garbage collector paused, and returns an immutable
Inventory. Every analysis reads this and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from analysis.model.coverage import Coverage
from analysis.model.detection import DetectionInventory, normalize_detection
from analysis.model.iam import IamInventory, normalize_iam
from analysis.model.identitycenter import IdentityCenterInventory, normalize_identitycenter
from analysis.model.kms import KmsInventory, normalize_kms
from analysis.model.lambda_functions import LambdaInventory, normalize_lambda
from analysis.model.loadbalancers import LoadBalancerInventory, normalize_loadbalancers
from analysis.model.monitoring import MonitoringInventory, normalize_monitoring
from analysis.model.network import NetworkInventory, normalize_network
from analysis.model.organizations import OrganizationModel, build_organization
from analysis.model.rds import RdsInventory, normalize_rds
from analysis.model.records import Record
from analysis.model.resource_policies import ResourcePolicyInventory, normalize_resource_policies
from analysis.model.s3 import S3Inventory, normalize_s3
from analysis.model.source import PageSource, SnapshotLike, bulk_parsing
from analysis.model.waf import WafInventory, normalize_waf

Progress = Callable[[int, int, str], None]


class InventoryCancelled(Exception):
    pass


@dataclass(frozen=True, kw_only=True)
class Inventory:
    organization: OrganizationModel
    iam: IamInventory
    identity_center: IdentityCenterInventory
    monitoring: MonitoringInventory
    detection: DetectionInventory
    network: NetworkInventory
    load_balancers: LoadBalancerInventory
    waf: WafInventory
    kms: KmsInventory
    s3: S3Inventory
    lambda_functions: LambdaInventory
    resource_policies: ResourcePolicyInventory
    rds: RdsInventory
    coverage: Coverage
    manifest: Mapping[str, Any]
    by_arn: Mapping[str, Record] = field(default_factory=dict)

    def get(self, arn: str) -> Record | None:
        return self.by_arn.get(arn)

    def account_name(self, account_id: str) -> str:
        account = self.organization.accounts.get(account_id)
        if account is not None and account.name:
            return account.name
        outcome = (self.manifest.get("account_outcomes") or {}).get(account_id) or {}
        return str(outcome.get("name") or "")

    def counts(self) -> dict[str, int]:
        """Records per area and kind, e.g. {"network.vpcs": 12}: for the manifest view and benchmarks."""
        out: dict[str, int] = {}
        for area in _AREAS:
            value = getattr(self, area)
            for f in fields(value):
                mapping = getattr(value, f.name)
                if (
                    isinstance(mapping, Mapping)
                    and mapping
                    and isinstance(next(iter(mapping.values())), Record)
                ):
                    out[f"{area}.{f.name}"] = len(mapping)
        return out


_AREAS = (
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
)


def build_inventory(
    snapshot: SnapshotLike, *, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
) -> Inventory:
    """Normalize every area of ``snapshot`` (opened with :meth:`snapshot.Snapshot.open`)."""
    report = progress or (lambda done, total, message: None)
    is_cancelled = cancelled or (lambda: False)
    steps: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
        ("organization", lambda done: build_organization(snapshot)),
        ("iam", lambda done: normalize_iam(source, coverage)),
        ("identity_center", lambda done: normalize_identitycenter(source, coverage, iam=done["iam"])),
        ("monitoring", lambda done: normalize_monitoring(source, coverage)),
        ("detection", lambda done: normalize_detection(source, coverage)),
        ("network", lambda done: normalize_network(source, coverage)),
        ("load_balancers", lambda done: normalize_loadbalancers(source, coverage, network=done["network"])),
        ("waf", lambda done: normalize_waf(source, coverage)),
        ("kms", lambda done: normalize_kms(source, coverage)),
        ("s3", lambda done: normalize_s3(source, coverage)),
        ("lambda_functions", lambda done: normalize_lambda(source, coverage)),
        ("resource_policies", lambda done: normalize_resource_policies(source, coverage)),
        ("rds", lambda done: normalize_rds(source, coverage)),
    ]
    total = len(steps) + 1
    report(0, total, "indexing calls")
    with bulk_parsing():
        source = PageSource(snapshot)
        coverage = Coverage(calls=source.all_calls(), manifest=snapshot.manifest)
        done: dict[str, Any] = {}
        for i, (name, step) in enumerate(steps, start=1):
            if is_cancelled():
                raise InventoryCancelled()
            report(i, total, f"normalizing {name.replace('_', ' ')}")
            done[name] = step(done)
        by_arn = MappingProxyType(dict(_index(done)))
    report(total, total, "inventory ready")
    return Inventory(
        coverage=coverage, manifest=MappingProxyType(dict(snapshot.manifest)), by_arn=by_arn, **done
    )


def _index(areas: Mapping[str, Any]) -> Iterator[tuple[str, Record]]:
    for name in _AREAS:
        value = areas[name]
        for f in fields(value):
            mapping = getattr(value, f.name)
            if not isinstance(mapping, Mapping):
                continue
            for key, record in mapping.items():
                if isinstance(record, Record) and isinstance(key, str) and key == record.arn:
                    yield key, record
