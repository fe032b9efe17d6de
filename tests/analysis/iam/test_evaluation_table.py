"""Policy evaluation: the case tables (cases/*.json) and end-to-end checks on a built Inventory.

Every table case names the AWS documentation statement it follows (page and gist).
The end-to-end part builds a small organization snapshot with tests/analysis/model/builders.py:
SCPs at two levels, a permissions boundary, a cross-account bucket policy and a KMS key
policy in the same account.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from analysis.iam import (
    ALLOW,
    CONDITIONAL,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    DraftPolicy,
    PolicyEngine,
    Request,
)
from analysis.iam.engine import PrincipalSide, ResourceSide, context_resolver, evaluate_policies
from analysis.iam.matching import PrincipalIdentity, arn_account
from analysis.iam.orgpolicies import OrgChain, OrgLevel
from analysis.iam.request import AttachedPolicy, Decision
from analysis.model.inventory import Inventory, build_inventory
from analysis.model.policy_doc import parse_policy_document
from snapshot import Snapshot
from tests.analysis.iam import cases
from tests.analysis.iam.cases import conditions as condition_cases
from tests.analysis.iam.cases import logic as logic_cases
from tests.analysis.model.builders import OU, FakeCall, Policy, org_calls, realistic_manifest, write_snapshot

# -- the tables -------------------------------------------------------------------------------------

TABLE = [*condition_cases.CASES, *logic_cases.CASES]


def _policy(kind: str, name: str, document: Any) -> AttachedPolicy:
    return AttachedPolicy(
        kind=kind, policy=name, where=f"case {name}", document=parse_policy_document(document)
    )


def _chain(kind: str, levels: list[Any] | None) -> OrgChain | None:
    if levels is None:
        return None
    built = []
    for i, level in enumerate(levels):
        if level == "unknown":
            built.append(
                OrgLevel(node_id=f"n{i}", where=f"level {i}", policies=(), unknown=("content unknown",))
            )
        else:
            docs = tuple(_policy(kind, f"{kind}-{i}-{j}", d) for j, d in enumerate(level))
            built.append(OrgLevel(node_id=f"n{i}", where=f"level {i}", policies=docs))
    return OrgChain(applies=True, known=True, levels=tuple(built))


def run_case(case: dict[str, Any]) -> Decision:
    arn = case.get("principal", cases.ALICE)
    kind = case.get("principal_kind", "user")
    account = arn_account(arn) or ""
    who = PrincipalIdentity(
        arn=arn,
        account_id=account,
        service=arn if kind == "service" else None,
        federated=arn if kind == "federated" else None,
    )
    principal = PrincipalSide(
        who=who,
        kind=kind,
        identity=(
            *(_policy("identity", f"identity-{i}", d) for i, d in enumerate(case.get("identity", []))),
            *(_policy("group", f"group-{i}", d) for i, d in enumerate(case.get("group", []))),
        ),
        boundary=_policy("boundary", "boundary", case["boundary"]) if "boundary" in case else None,
        session=tuple(_policy("session", f"session-{i}", d) for i, d in enumerate(case.get("session", []))),
        scp=_chain("scp", case.get("scp")),
        service_linked=bool(case.get("service_linked")),
    )
    resource = case["resource"]
    required = bool(case.get("required"))
    policy_kind = "trust" if required and case["action"].lower().startswith("sts:") else "resource"
    target = ResourceSide(
        account_id=case.get("resource_account"),
        policy=_policy(policy_kind, resource, case["resource_policy"]) if "resource_policy" in case else None,
        state=case.get("resource_state", "collected" if "resource_policy" in case else "none"),
        required=required,
        rcp=_chain("rcp", case.get("rcp")),
    )
    values: dict[str, tuple[str, ...]] = {}
    if kind in ("user", "role"):
        values["aws:principalarn"] = (arn,)
        values["aws:principalaccount"] = (account,)
        values["aws:username"] = (arn.rsplit("/", 1)[-1],) if kind == "user" else ()
    for key, value in case.get("context", {}).items():
        values[key.lower()] = () if value is None else (value,) if isinstance(value, str) else tuple(value)
    return evaluate_policies(
        action=case["action"],
        resource=resource,
        principal=principal,
        target=target,
        context=context_resolver(values),
    )


def test_the_tables_are_big_enough_and_cite_documentation() -> None:
    assert len(TABLE) >= 150
    for case in TABLE:
        page, _, gist = case["doc"].partition(": ")
        assert page and gist, case["doc"]


@pytest.mark.parametrize("case", TABLE, ids=[f"{i:03d}-{c['doc'][:60]}" for i, c in enumerate(TABLE)])
def test_case(case: dict[str, Any]) -> None:
    decision = run_case(case)
    assert decision.decision == case["expect"], (case["doc"], decision.reasons)
    assert decision.reasons, "every decision explains itself"
    if "pending" in case:
        assert decision.decision == CONDITIONAL
        assert sorted({c.key for c in decision.conditions}) == sorted(case["pending"]), decision.conditions
    if "deciding" in case:
        assert sorted(r.kind for r in decision.deciding) == sorted(case["deciding"]), decision.deciding
    if decision.decision == EXPLICIT_DENY:
        assert decision.deciding and all(r.effect == "Deny" for r in decision.deciding)


# -- end to end on an Inventory ---------------------------------------------------------------------

MGMT = "111111111111"
PROD = "555555555555"  # Workloads / Prod
DEV = "444444444444"  # Workloads / Dev
EXTERNAL = "999999999999"
ORG_ID = "o-ab12cd34ef"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _org() -> list[FakeCall]:
    prod = OU(id="ou-ab12-prod0001", name="Prod", accounts=((PROD, "payments-prod"),))
    dev = OU(id="ou-ab12-dev00001", name="Dev", accounts=((DEV, "sandbox-dev"),))
    workloads = OU(id="ou-ab12-work0001", name="Workloads", children=(prod, dev))
    every = ("r-ab12", workloads.id, prod.id, dev.id, MGMT, PROD, DEV)
    return org_calls(
        org_id=ORG_ID,
        root_id="r-ab12",
        root_accounts=((MGMT, "management"),),
        ous=(workloads,),
        policies=(
            Policy(
                id="p-FullAWSAccess", name="FullAWSAccess", aws_managed=True, targets=every, content=ALLOW_ALL
            ),
            Policy(
                id="p-denyleave01",
                name="DenyLeave",
                targets=("r-ab12",),
                content=_doc(
                    {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}
                ),
            ),
            Policy(
                id="p-prodguard01",
                name="ProdGuardrails",
                targets=(prod.id,),
                content=_doc(
                    {"Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey"], "Resource": "*"}
                ),
            ),
            Policy(
                id="p-regions0001",
                name="DenyOtherRegions",
                targets=(workloads.id,),
                content=_doc(
                    {
                        "Effect": "Deny",
                        "NotAction": ["iam:*", "sts:*", "organizations:*"],
                        "Resource": "*",
                        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}},
                    }
                ),
            ),
            Policy(
                id="p-RCPFullAWSAccess",
                name="RCPFullAWSAccess",
                type="RESOURCE_CONTROL_POLICY",
                aws_managed=True,
                targets=every,
                content=_doc({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}),
            ),
            Policy(
                id="p-rcporgonly1",
                name="OrgOnlyS3",
                type="RESOURCE_CONTROL_POLICY",
                targets=(prod.id,),
                content=_doc(
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": "*",
                        "Condition": {
                            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID},
                            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                        },
                    }
                ),
            ),
        ),
    )


def _iam(
    account: str,
    *,
    users: list[dict[str, Any]],
    roles: list[dict[str, Any]],
    policies: list[dict[str, Any]],
    groups: list[dict[str, Any]] | None = None,
) -> FakeCall:
    return FakeCall(
        service="iam",
        operation="GetAccountAuthorizationDetails",
        account_id=account,
        pages=[
            {
                "UserDetailList": users,
                "RoleDetailList": roles,
                "GroupDetailList": groups or [],
                "Policies": policies,
            }
        ],
    )


def _managed(account: str, name: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "PolicyName": name,
        "Arn": f"arn:aws:iam::{account}:policy/{name}",
        "DefaultVersionId": "v1",
        "PolicyVersionList": [{"Document": doc, "VersionId": "v1", "IsDefaultVersion": True}],
    }


BUCKET = "payments-reports"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:eu-west-1:{PROD}:key/{KEY_ID}"


def _calls() -> list[FakeCall]:
    calls = _org()
    s3_read = _doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"})
    calls.append(
        _iam(
            PROD,
            users=[
                {
                    "UserName": "alice",
                    "UserId": "AIDAALICE",
                    "Arn": f"arn:aws:iam::{PROD}:user/alice",
                    "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}],
                    "PermissionsBoundary": {
                        "PermissionsBoundaryType": "Policy",
                        "PermissionsBoundaryArn": f"arn:aws:iam::{PROD}:policy/DevBoundary",
                    },
                },
                {
                    "UserName": "bob",
                    "UserId": "AIDABOB",
                    "Arn": f"arn:aws:iam::{PROD}:user/bob",
                    "UserPolicyList": [
                        {
                            "PolicyName": "kms-use",
                            "PolicyDocument": _doc(
                                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY_ARN}
                            ),
                        }
                    ],
                },
            ],
            roles=[
                {
                    "RoleName": "Admin",
                    "RoleId": "AROAADMIN",
                    "Arn": f"arn:aws:iam::{PROD}:role/Admin",
                    "Path": "/",
                    "AssumeRolePolicyDocument": _doc(
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{MGMT}:root"},
                            "Action": "sts:AssumeRole",
                        }
                    ),
                    "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}],
                },
            ],
            policies=[
                {
                    "PolicyName": "AdministratorAccess",
                    "Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
                    "DefaultVersionId": "v1",
                    "PolicyVersionList": [
                        {"Document": ALLOW_ALL, "VersionId": "v1", "IsDefaultVersion": True}
                    ],
                },
                _managed(
                    PROD,
                    "DevBoundary",
                    _doc({"Effect": "Allow", "Action": ["s3:*", "ec2:Describe*"], "Resource": "*"}),
                ),
            ],
        )
    )
    calls.append(
        _iam(
            DEV,
            users=[],
            roles=[
                {
                    "RoleName": "Reader",
                    "RoleId": "AROAREADER",
                    "Arn": f"arn:aws:iam::{DEV}:role/Reader",
                    "Path": "/",
                    "AssumeRolePolicyDocument": _doc(
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ),
                    "RolePolicyList": [{"PolicyName": "read", "PolicyDocument": s3_read}],
                },
            ],
            policies=[],
        )
    )
    calls.append(
        _iam(
            MGMT,
            users=[
                {
                    "UserName": "ops",
                    "UserId": "AIDAOPS",
                    "Arn": f"arn:aws:iam::{MGMT}:user/ops",
                    "UserPolicyList": [
                        {
                            "PolicyName": "assume",
                            "PolicyDocument": _doc(
                                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
                            ),
                        }
                    ],
                },
                {
                    "UserName": "poweruser",
                    "UserId": "AIDAPOWER",
                    "Arn": f"arn:aws:iam::{MGMT}:user/poweruser",
                    "UserPolicyList": [
                        {
                            "PolicyName": "power",
                            "PolicyDocument": _doc(
                                {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
                            ),
                        }
                    ],
                },
                {
                    "UserName": "root-admin",
                    "UserId": "AIDAADMIN",
                    "Arn": f"arn:aws:iam::{MGMT}:user/root-admin",
                    "GroupList": ["Admins"],
                },
            ],
            roles=[],
            policies=[],
            groups=[
                {
                    "GroupName": "Admins",
                    "GroupId": "AGPAADMINS",
                    "Arn": f"arn:aws:iam::{MGMT}:group/Admins",
                    "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}],
                }
            ],
        )
    )
    bucket_policy = _doc(
        {
            "Sid": "DevReads",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{DEV}:role/Reader"},
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    )
    calls += [
        FakeCall(
            service="s3",
            operation="ListBuckets",
            account_id=PROD,
            region="us-east-1",
            pages=[{"Buckets": [{"Name": BUCKET}]}],
        ),
        FakeCall(
            service="s3",
            operation="GetBucketLocation",
            account_id=PROD,
            region="us-east-1",
            params={"Bucket": BUCKET},
            pages=[{"LocationConstraint": "eu-west-1"}],
        ),
        FakeCall(
            service="s3",
            operation="GetBucketPolicy",
            account_id=PROD,
            region="us-east-1",
            params={"Bucket": BUCKET},
            pages=[{"Policy": json.dumps(bucket_policy)}],
        ),
    ]
    key_policy = _doc(
        {
            "Sid": "Root",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{PROD}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "NoDecryptForAlice",
            "Effect": "Deny",
            "Principal": {"AWS": f"arn:aws:iam::{PROD}:user/alice"},
            "Action": "kms:Decrypt",
            "Resource": "*",
        },
    )
    calls += [
        FakeCall(
            service="kms",
            operation="ListKeys",
            account_id=PROD,
            region="eu-west-1",
            pages=[{"Keys": [{"KeyId": KEY_ID}]}],
        ),
        FakeCall(
            service="kms",
            operation="ListAliases",
            account_id=PROD,
            region="eu-west-1",
            pages=[{"Aliases": [{"AliasName": "alias/payments", "TargetKeyId": KEY_ID}]}],
        ),
        FakeCall(
            service="kms",
            operation="GetKeyPolicy",
            account_id=PROD,
            region="eu-west-1",
            params={"KeyId": KEY_ID, "PolicyName": "default"},
            pages=[{"Policy": json.dumps(key_policy)}],
        ),
    ]
    return calls


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> PolicyEngine:
    path = write_snapshot(
        tmp_path_factory.mktemp("iam") / "org.snapshot", calls=_calls(), manifest=realistic_manifest()
    )
    inventory: Inventory = build_inventory(Snapshot.open(path))
    return PolicyEngine(inventory=inventory)


ALICE = f"arn:aws:iam::{PROD}:user/alice"
BOB = f"arn:aws:iam::{PROD}:user/bob"
PROD_ADMIN = f"arn:aws:iam::{PROD}:role/Admin"
READER = f"arn:aws:iam::{DEV}:role/Reader"
OPS = f"arn:aws:iam::{MGMT}:user/ops"


def test_scp_deny_at_the_prod_ou_beats_administrator_access(engine: PolicyEngine) -> None:
    d = engine.evaluate(Request(principal_arn=PROD_ADMIN, action="iam:CreateUser", resource="*"))
    assert d.decision == EXPLICIT_DENY
    assert [(r.kind, r.policy) for r in d.deciding] == [("scp", "p-prodguard01")]


def test_scp_deny_at_the_root_applies_to_members(engine: PolicyEngine) -> None:
    d = engine.evaluate(
        Request(principal_arn=PROD_ADMIN, action="organizations:LeaveOrganization", resource="*")
    )
    assert d.decision == EXPLICIT_DENY
    assert d.deciding[0].policy == "p-denyleave01"


def test_scps_do_not_apply_to_the_management_account(engine: PolicyEngine) -> None:
    d = engine.evaluate(Request(principal_arn=OPS, action="sts:AssumeRole", resource=PROD_ADMIN))
    assert d.decision == ALLOW
    assert any("management account" in r for r in d.reasons)


def test_scp_region_condition_known_from_the_resource_arn(engine: PolicyEngine) -> None:
    d = engine.evaluate(
        Request(
            principal_arn=PROD_ADMIN,
            action="ec2:StopInstances",
            resource=f"arn:aws:ec2:ap-south-1:{PROD}:instance/i-1",
        )
    )
    assert d.decision == EXPLICIT_DENY
    ok = engine.evaluate(
        Request(
            principal_arn=PROD_ADMIN,
            action="ec2:StopInstances",
            resource=f"arn:aws:ec2:eu-west-1:{PROD}:instance/i-1",
        )
    )
    assert ok.decision == ALLOW


def test_scp_region_condition_unknown_for_a_global_request(engine: PolicyEngine) -> None:
    d = engine.evaluate(Request(principal_arn=PROD_ADMIN, action="ec2:DescribeInstances", resource="*"))
    assert d.decision == CONDITIONAL
    assert [(c.operator, c.key, c.negated) for c in d.conditions] == [
        ("StringNotEquals", "aws:RequestedRegion", True)
    ]
    given = engine.evaluate(
        Request(
            principal_arn=PROD_ADMIN,
            action="ec2:DescribeInstances",
            resource="*",
            context={"aws:RequestedRegion": ("eu-west-1",)},
        )
    )
    assert given.decision == ALLOW


def test_boundary_limits_an_administrator(engine: PolicyEngine) -> None:
    assert (
        engine.evaluate(Request(principal_arn=ALICE, action="iam:ListUsers", resource="*")).decision
        == IMPLICIT_DENY
    )
    d = engine.evaluate(
        Request(principal_arn=ALICE, action="s3:GetObject", resource=f"arn:aws:s3:::{BUCKET}/r.csv")
    )
    assert d.decision == ALLOW
    assert {r.kind for r in d.deciding} >= {"identity", "boundary", "scp", "rcp"}


def test_cross_account_bucket_policy_and_identity_policy_both_allow(engine: PolicyEngine) -> None:
    d = engine.evaluate(
        Request(principal_arn=READER, action="s3:GetObject", resource=f"arn:aws:s3:::{BUCKET}/r.csv")
    )
    assert d.decision == ALLOW
    assert any(r.kind == "resource" and r.sid == "DevReads" for r in d.deciding)
    # The bucket policy grants GetObject only: ListBucket is allowed by identity but not by the bucket.
    listing = engine.evaluate(
        Request(principal_arn=READER, action="s3:ListBucket", resource=f"arn:aws:s3:::{BUCKET}")
    )
    assert listing.decision == IMPLICIT_DENY


def test_kms_key_policy_same_account_root_delegates_to_identity(engine: PolicyEngine) -> None:
    assert (
        engine.evaluate(Request(principal_arn=BOB, action="kms:Decrypt", resource=KEY_ARN)).decision == ALLOW
    )
    # The admin role has kms:* through AdministratorAccess and the key policy enables IAM policies.
    assert (
        engine.evaluate(Request(principal_arn=PROD_ADMIN, action="kms:Encrypt", resource=KEY_ARN)).decision
        == ALLOW
    )
    # Bob has no kms:Encrypt in his identity policy: the key policy's root statement alone is not enough.
    assert (
        engine.evaluate(Request(principal_arn=BOB, action="kms:Encrypt", resource=KEY_ARN)).decision
        == IMPLICIT_DENY
    )


def test_kms_alias_is_evaluated_on_its_key(engine: PolicyEngine) -> None:
    alias = f"arn:aws:kms:eu-west-1:{PROD}:alias/payments"
    d = engine.evaluate(Request(principal_arn=BOB, action="kms:Decrypt", resource=alias))
    assert d.decision == ALLOW and "points to" in d.reasons[0]


def test_assumed_role_session_is_evaluated_as_its_role(engine: PolicyEngine) -> None:
    session = f"arn:aws:sts::{PROD}:assumed-role/Admin/jane"
    d = engine.evaluate(Request(principal_arn=session, action="iam:CreateUser", resource="*"))
    assert d.decision == EXPLICIT_DENY and "session of" in d.reasons[0]


def test_context_values_given_as_a_plain_string(engine: PolicyEngine) -> None:
    d = engine.evaluate(
        Request(
            principal_arn=PROD_ADMIN,
            action="ec2:DescribeInstances",
            resource="*",
            context={"aws:RequestedRegion": "eu-west-1"},  # type: ignore[dict-item]
        )
    )
    assert d.decision == ALLOW


def test_kms_key_policy_deny_wins(engine: PolicyEngine) -> None:
    d = engine.evaluate(Request(principal_arn=ALICE, action="kms:Decrypt", resource=KEY_ARN))
    assert d.decision == EXPLICIT_DENY
    assert d.deciding[0].sid == "NoDecryptForAlice"


def test_role_trust_needs_explicit_grant_and_caller_permission(engine: PolicyEngine) -> None:
    assert (
        engine.evaluate(Request(principal_arn=OPS, action="sts:AssumeRole", resource=PROD_ADMIN)).decision
        == ALLOW
    )
    # Alice is in the role's account but the trust policy names the management account only.
    assert (
        engine.evaluate(Request(principal_arn=ALICE, action="sts:AssumeRole", resource=PROD_ADMIN)).decision
        == IMPLICIT_DENY
    )


def test_service_principal_assumes_by_trust_alone(engine: PolicyEngine) -> None:
    assert engine.evaluate(
        Request(principal_arn="ec2.amazonaws.com", action="sts:AssumeRole", resource=READER)
    ).allowed
    assert not engine.evaluate(
        Request(principal_arn="lambda.amazonaws.com", action="sts:AssumeRole", resource=READER)
    ).possibly_allowed


def test_external_principal_not_named_by_the_trust_policy(engine: PolicyEngine) -> None:
    d = engine.evaluate(
        Request(principal_arn=f"arn:aws:iam::{EXTERNAL}:role/X", action="sts:AssumeRole", resource=PROD_ADMIN)
    )
    # Cross-account: the trust policy names only the management account, whatever X's own policies say.
    assert d.decision == IMPLICIT_DENY


def test_rcp_deny_for_principals_outside_the_organization(engine: PolicyEngine) -> None:
    d = engine.evaluate(
        Request(
            principal_arn=f"arn:aws:iam::{EXTERNAL}:root",
            action="s3:GetObject",
            resource=f"arn:aws:s3:::{BUCKET}/a",
        )
    )
    assert d.decision == EXPLICIT_DENY
    assert d.deciding[0].kind == "rcp"


def test_is_admin_scp_aware(engine: PolicyEngine) -> None:
    assert engine.is_admin(OPS).decision == IMPLICIT_DENY
    # AdministratorAccess in Prod, but SCP denies at Workloads/Prod cut "*": not an unconditional admin.
    assert engine.is_admin(PROD_ADMIN).decision != ALLOW
    assert engine.is_admin(ALICE).decision == IMPLICIT_DENY  # the boundary


def test_is_admin_through_a_group_in_the_management_account(engine: PolicyEngine) -> None:
    d = engine.is_admin(f"arn:aws:iam::{MGMT}:user/root-admin")
    assert d.decision == ALLOW
    assert [r.kind for r in d.deciding] == ["group"]


def test_user_tags_are_complete_role_tags_are_not(engine: PolicyEngine) -> None:
    from analysis.iam.engine import context_resolver

    resolve = context_resolver(engine._principal_context(engine._principal(BOB)))
    assert resolve("aws:PrincipalTag/team") == ()  # Bob has no tags: known absent
    role_resolve = context_resolver(engine._principal_context(engine._principal(PROD_ADMIN)))
    assert role_resolve("aws:PrincipalTag/team") is None  # a role session may carry session tags
    assert resolve("aws:username") == ("bob",) and role_resolve("aws:username") == ()
    assert resolve("aws:PrincipalOrgID") == (ORG_ID,)
    assert resolve("aws:PrincipalOrgPaths") == (f"{ORG_ID}/r-ab12/ou-ab12-work0001/ou-ab12-prod0001/",)


def test_not_action_is_not_admin(engine: PolicyEngine) -> None:
    # Allow NotAction iam:* grants nearly everything, but not every action: not an administrator.
    assert engine.is_admin(f"arn:aws:iam::{MGMT}:user/poweruser").decision == IMPLICIT_DENY


def test_allowed_actions_and_expansion(engine: PolicyEngine) -> None:
    out = engine.allowed_actions(READER, ["s3:GetObject", "s3:PutObject"], f"arn:aws:s3:::{BUCKET}/x")
    assert out["s3:GetObject"].allowed and out["s3:PutObject"].decision == IMPLICIT_DENY
    assert "s3:GetObject" in engine.expand_actions("s3:get*")
    assert engine.expand_actions("nosuchservice:*") == frozenset()


def test_draft_scp_what_if(engine: PolicyEngine) -> None:
    draft = DraftPolicy(
        policy_type="SERVICE_CONTROL_POLICY",
        target_id="ou-ab12-dev00001",
        name="NoS3",
        document_json=_doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}),
    )
    what_if = PolicyEngine(inventory=engine.inventory, drafts=(draft,))
    d = what_if.evaluate(
        Request(principal_arn=READER, action="s3:GetObject", resource=f"arn:aws:s3:::{BUCKET}/r.csv")
    )
    assert d.decision == EXPLICIT_DENY and d.deciding[0].policy == "draft:NoS3"


def test_unknown_action_is_reported_not_crashed_on(engine: PolicyEngine) -> None:
    d = engine.evaluate(
        Request(principal_arn=PROD_ADMIN, action="s3:GetObjekt", resource=f"arn:aws:s3:::{BUCKET}/a")
    )
    assert "not an action in the IAM catalogue" in d.reasons[0]


def test_unknown_principal_of_the_snapshot_account(engine: PolicyEngine) -> None:
    d = engine.evaluate(
        Request(principal_arn=f"arn:aws:iam::{PROD}:role/Deleted", action="ec2:DescribeRegions", resource="*")
    )
    assert d.decision == CONDITIONAL
    assert any(c.operator == "NotCollected" for c in d.conditions)


def test_without_organizations_or_a_readable_bucket_policy_nothing_is_silently_allowed(
    tmp_path: Path,
) -> None:
    """No Organizations calls (SCPs unknown) and a denied GetBucketPolicy: conditional, with why."""
    calls = [
        _iam(
            PROD,
            users=[
                {
                    "UserName": "carol",
                    "UserId": "AIDACAROL",
                    "Arn": f"arn:aws:iam::{PROD}:user/carol",
                    "UserPolicyList": [
                        {
                            "PolicyName": "ro",
                            "PolicyDocument": _doc(
                                {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}
                            ),
                        }
                    ],
                }
            ],
            roles=[],
            policies=[],
        ),
        FakeCall(
            service="s3",
            operation="ListBuckets",
            account_id=PROD,
            region="us-east-1",
            pages=[{"Buckets": [{"Name": "locked"}]}],
        ),
        FakeCall(
            service="s3",
            operation="GetBucketPolicy",
            account_id=PROD,
            region="us-east-1",
            params={"Bucket": "locked"},
            outcome="access_denied",
            error_code="AccessDenied",
            error_message="denied",
        ),
    ]
    path = write_snapshot(tmp_path / "partial.snapshot", calls=calls, manifest=realistic_manifest())
    engine = PolicyEngine(inventory=build_inventory(Snapshot.open(path)))
    carol = f"arn:aws:iam::{PROD}:user/carol"
    d = engine.evaluate(Request(principal_arn=carol, action="s3:GetObject", resource="arn:aws:s3:::locked/k"))
    assert d.decision == CONDITIONAL
    keys = {c.key for c in d.conditions if c.operator == "NotCollected"}
    assert keys == {"SCPs", "RCPs", "resource policy of arn:aws:s3:::locked/k"}
    # Not granted by identity: still implicitly denied where the missing policy cannot help.
    assert (
        engine.evaluate(Request(principal_arn=carol, action="iam:CreateUser", resource="*")).decision
        == IMPLICIT_DENY
    )
