"""The realistic organization's tree (tests/analysis/model/builders.py) with the policies, feature set
and root accounts a test chooses, as the Organizations calls a collection stores.

Tree: root r-ab12 (management 111111111111), Security (222222222222, 333333333333), Workloads >
Prod (555555555555, 666666666666) > PCI (777777777777), Workloads > development (444444444444).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from tests.analysis.model.builders import MGMT, OU, FakeCall, Policy, org_calls

ROOT = "r-ab12"
SECURITY_OU = "ou-ab12-secu0001"
WORKLOADS_OU = "ou-ab12-work0001"
PROD_OU = "ou-ab12-prod0001"
PCI_OU = "ou-ab12-pci00001"
DEV_OU = "ou-ab12-dev00001"
OU_IDS = (SECURITY_OU, WORKLOADS_OU, PROD_OU, PCI_OU, DEV_OU)
ACCOUNT_IDS = (
    MGMT,
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
    "666666666666",
    "777777777777",
)

# Every SCP level must allow an action for it to be allowed (Organizations User Guide, "SCP evaluation"):
# the AWS managed FullAWSAccess is attached at the root, every OU and every account, as AWS does.
FULL_ACCESS = Policy(
    id="p-FullAWSAccess",
    name="FullAWSAccess",
    aws_managed=True,
    targets=(ROOT, *OU_IDS, *ACCOUNT_IDS),
    content={"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
)


def deny(*actions: str, condition: dict[str, Any] | None = None, sid: str = "Deny") -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Deny", "Action": list(actions), "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def tree_org(
    policies: Sequence[Policy] = (FULL_ACCESS,),
    *,
    root_accounts: Sequence[tuple[str, str]] = (),
    feature_set: str = "ALL",
    reported_types: Sequence[str] | None = None,
    deny_calls: frozenset[tuple[str, str]] = frozenset(),
) -> list[FakeCall]:
    """The calls for the tree with ``policies``. ``root_accounts``: members placed directly under the
    root (besides the management account). ``reported_types``: the AvailablePolicyTypes
    DescribeOrganization reports (default: the types of ``policies``; AWS itself reports only
    SERVICE_CONTROL_POLICY there). ``deny_calls``: (operation, parameter value) recorded as denied."""
    prod = OU(
        id=PROD_OU,
        name="Prod",
        accounts=(("555555555555", "payments-prod"), ("666666666666", "web-prod")),
        children=(OU(id=PCI_OU, name="PCI", accounts=(("777777777777", "cardholder-data"),)),),
    )
    dev = OU(id=DEV_OU, name="development", accounts=(("444444444444", "sandbox-dev"),))
    security = OU(
        id=SECURITY_OU,
        name="Security",
        accounts=(("222222222222", "log-archive"), ("333333333333", "security-tooling")),
    )
    calls = org_calls(
        org_id="o-ab12cd34ef",
        root_id=ROOT,
        root_accounts=((MGMT, "management"), *root_accounts),
        ous=(security, OU(id=WORKLOADS_OU, name="Workloads", children=(prod, dev))),
        policies=tuple(policies),
        deny=deny_calls,
    )
    if feature_set == "ALL" and reported_types is None:
        return calls
    types = reported_types if reported_types is not None else sorted({p.type for p in policies})
    return [_describe(c, feature_set, types) if c.operation == "DescribeOrganization" else c for c in calls]


def _describe(call: FakeCall, feature_set: str, types: Sequence[str]) -> FakeCall:
    if call.outcome != "ok":
        return call
    org = dict(call.pages[0]["Organization"])
    org["FeatureSet"] = feature_set
    org["AvailablePolicyTypes"] = [{"Type": t, "Status": "ENABLED"} for t in types]
    return dataclasses.replace(call, pages=[{"Organization": org}])
