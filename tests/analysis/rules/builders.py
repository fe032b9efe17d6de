"""Build an Inventory from made-up calls and run one control on it.

The organization is ``realistic_org_calls()`` (seven accounts; 777777777777 could not be
collected; regions eu-west-1 and us-east-1); add the service calls a control reads as
``FakeCall``s. Calls not added were never made: the control must say NOT_ASSESSED for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from analysis.model.inventory import build_inventory
from analysis.rules.assessment import assess
from analysis.rules.base import Result
from snapshot import Snapshot
from tests.analysis.model.builders import FakeCall, realistic_manifest, realistic_org_calls, write_snapshot

ACCOUNTS = ("111111111111", "222222222222", "333333333333", "444444444444", "555555555555", "666666666666")
UNREACHABLE = "777777777777"  # access_failed in the manifest
REGIONS = ("eu-west-1", "us-east-1")


def inventory_with(
    tmp_path: Path,
    calls: Iterable[FakeCall],
    *,
    name: str = "rules",
    org: Sequence[FakeCall] | None = None,
) -> Any:
    """``org``: the Organizations calls, when not ``realistic_org_calls()`` (see ``delegated_org``)."""
    org_calls = realistic_org_calls() if org is None else org
    path = write_snapshot(tmp_path / f"{name}.awb", calls=[*org_calls, *calls], manifest=realistic_manifest())
    with Snapshot.open(path) as snap:
        return build_inventory(snap)


def run_control(tmp_path: Path, module: ModuleType, calls: Iterable[FakeCall], **kw: Any) -> list[Result]:
    return list(assess(inventory_with(tmp_path, calls, **kw), modules=[module]).results)


def by_account(results: Sequence[Result]) -> dict[str, list[Result]]:
    out: dict[str, list[Result]] = {}
    for r in results:
        out.setdefault(r.account_id, []).append(r)
    return out


def delegated_org(admins: Mapping[str, Sequence[str]]) -> list[FakeCall]:
    """The realistic organization with delegated administrators: account id -> service principals
    ("guardduty.amazonaws.com"), as ListDelegatedAdministrators and ListDelegatedServicesForAccount
    answer them."""
    calls = realistic_org_calls(omit=frozenset({("ListDelegatedAdministrators", "")}))
    calls.append(
        FakeCall(
            operation="ListDelegatedAdministrators",
            pages=[
                {
                    "DelegatedAdministrators": [
                        {
                            "Id": account_id,
                            "Arn": f"arn:aws:organizations::111111111111:account/o-ab12cd34ef/{account_id}",
                            "Name": f"account-{account_id[:3]}",
                            "Email": f"{account_id}@example.com",
                            "Status": "ACTIVE",
                            "JoinedMethod": "CREATED",
                            "DelegationEnabledDate": "2024-03-01T10:00:00Z",
                        }
                        for account_id in admins
                    ]
                }
            ],
        )
    )
    calls += [
        FakeCall(
            operation="ListDelegatedServicesForAccount",
            params={"AccountId": account_id},
            pages=[
                {
                    "DelegatedServices": [
                        {"ServicePrincipal": p, "DelegationEnabledDate": "2024-03-01T10:00:00Z"}
                        for p in principals
                    ]
                }
            ],
        )
        for account_id, principals in admins.items()
    ]
    return calls
