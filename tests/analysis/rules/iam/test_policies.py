"""Policy controls: *:* in customer-managed policies, attached admin policies, service wildcards,
inline wildcards, AWSCloudShellFullAccess, the support role.

AWS docs followed: Security Hub CSPM controls IAM.1 (default version, Allow "*" on "*",
customer-managed only, permission-boundary policies excluded), IAM.21 ("service:*" in Action or
NotAction fails, "ec2:Describe*" passes), IAM.27 (AWSCloudShellFullAccess attached), IAM.18
(AWSSupportAccess in use); AWS Managed Policy reference (AdministratorAccess allows * on *).
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.iam import (
    iam_admin_policy_attached,
    iam_cloudshell_full_access,
    iam_inline_policy_wildcard,
    iam_policy_full_admin,
    iam_policy_service_wildcard,
    iam_support_role,
)
from tests.analysis.rules.builders import UNREACHABLE
from tests.analysis.rules.iam.iam_builders import (
    FULL,
    MGMT,
    B,
    C,
    D,
    denied,
    details,
    group,
    managed,
    one,
    role,
    run,
    user,
)


def doc(*statements: dict) -> dict:  # type: ignore[type-arg]
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: object, resource: object = "*") -> dict:  # type: ignore[type-arg]
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def arn(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:policy/{name}"


def test_customer_policies_with_full_admin(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        iam_policy_full_admin,
        [
            details(
                MGMT,
                users=[user(MGMT, "u", boundary=arn(MGMT, "Boundary"))],
                policies=[
                    managed(arn(MGMT, "Admin"), doc(allow(["s3:GetObject", "*"]))),
                    # only a non-default version is *:*  (managed() adds v1 = *:*)
                    managed(arn(MGMT, "Scoped"), doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))),
                    managed(arn(MGMT, "StarOnBucket"), doc(allow("*", "arn:aws:s3:::b"))),
                    managed(arn(MGMT, "Boundary"), FULL),
                    # AWS-managed policies are not IAM.1's business
                    managed("arn:aws:iam::aws:policy/AdministratorAccess", FULL),
                ],
            ),
            denied("GetAccountAuthorizationDetails", B),
        ],
    )
    admin = one(results, MGMT, "Admin")
    assert admin.status == FAIL and admin.resource_arn == arn(MGMT, "Admin")
    assert admin.evidence.statements and "statement 0" in admin.evidence.statements[0]
    assert one(results, MGMT, "Scoped").status == PASS
    assert one(results, MGMT, "StarOnBucket").status == PASS  # "*" actions on one bucket is not *:*
    boundary = one(results, MGMT, "Boundary")
    assert boundary.status == PASS and "permissions boundary" in boundary.message
    assert not [r for r in results if r.resource_id == "AdministratorAccess"]
    assert one(results, B).status == NOT_ASSESSED and one(results, UNREACHABLE).status == NOT_ASSESSED


def test_admin_policies_attached(tmp_path: Path) -> None:
    aws_admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    results = run(
        tmp_path,
        iam_admin_policy_attached,
        [
            # AdministratorAccess on a role, its document not in the snapshot: known by name.
            details(MGMT, roles=[role(MGMT, "Admin", attached=[aws_admin])]),
            details(
                B,
                groups=[group(B, "Ops", attached=[arn(B, "Everything")])],
                policies=[managed(arn(B, "Everything"), FULL)],
            ),
            details(
                C,
                roles=[role(C, "Reader", attached=[arn(C, "Read")])],
                policies=[managed(arn(C, "Read"), doc(allow("s3:Get*")))],
            ),
            details(D, roles=[role(D, "Mystery", attached=[arn(D, "Missing")])]),
        ],
    )
    mgmt = one(results, MGMT)
    assert (
        mgmt.status == FAIL
        and "role/Admin" in mgmt.message
        and "AdministratorAccess" in mgmt.evidence.statements[0]
    )
    b = one(results, B)
    assert b.status == FAIL and "group/Ops" in b.message
    assert one(results, C).status == PASS
    assert one(results, D).status == NOT_ASSESSED and "Missing" in one(results, D).message


def test_service_wildcards_in_customer_policies(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        iam_policy_service_wildcard,
        [
            details(
                MGMT,
                policies=[
                    managed(arn(MGMT, "S3All"), doc(allow(["s3:*", "ec2:DescribeInstances"]))),
                    managed(
                        arn(MGMT, "NotIam"), doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
                    ),
                    managed(arn(MGMT, "Describe"), doc(allow("ec2:Describe*"))),
                    managed(arn(MGMT, "DenyAll"), doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*"})),
                    managed(arn(MGMT, "Star"), FULL),  # IAM.1's finding, not IAM.21's
                ],
            ),
        ],
    )
    s3 = one(results, MGMT, "S3All")
    assert s3.status == FAIL and s3.evidence.values["wildcards"] == ["s3:*"]
    assert (
        one(results, MGMT, "NotIam").status == FAIL
        and "NotAction iam:*" in one(results, MGMT, "NotIam").message
    )
    assert one(results, MGMT, "Describe").status == PASS
    assert one(results, MGMT, "DenyAll").status == PASS
    assert one(results, MGMT, "Star").status == PASS
    assert one(results, B).status == NOT_ASSESSED


def test_service_wildcards_in_inline_policies(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        iam_inline_policy_wildcard,
        [
            details(
                MGMT,
                users=[user(MGMT, "net", inline=[doc(allow(["ec2:*", "route53:*"]))]), user(MGMT, "plain")],
                roles=[
                    role(MGMT, "App", inline=[doc(allow("dynamodb:GetItem"))]),
                    role(MGMT, "God", inline=[FULL]),
                    # service-linked roles are AWS's: not judged
                    role(
                        MGMT, "AWSServiceRoleForX", inline=[FULL], path="/aws-service-role/x.amazonaws.com/"
                    ),
                ],
            ),
        ],
    )
    net = one(results, MGMT, "user/net")
    assert net.status == FAIL and net.evidence.values["wildcards"] == ["ec2:*", "route53:*"]
    assert one(results, MGMT, "role/App").status == PASS
    assert one(results, MGMT, "role/God").status == FAIL  # "*" counts for inline policies
    assert not [r for r in results if "plain" in r.resource_id or "AWSServiceRole" in r.resource_id]
    assert one(results, B).status == NOT_ASSESSED


def test_cloudshell_full_access(tmp_path: Path) -> None:
    cloudshell = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
    results = run(
        tmp_path,
        iam_cloudshell_full_access,
        [
            details(
                MGMT,
                users=[user(MGMT, "dev", attached=[cloudshell])],
                groups=[group(MGMT, "Eng", attached=[cloudshell])],
            ),
            details(B, users=[user(B, "dev")]),
        ],
    )
    assert one(results, MGMT, "user/dev").status == FAIL
    assert one(results, MGMT, "group/Eng").status == FAIL
    assert one(results, B).status == PASS
    assert one(results, C).status == NOT_ASSESSED


def test_support_role(tmp_path: Path) -> None:
    support = "arn:aws:iam::aws:policy/AWSSupportAccess"
    results = run(
        tmp_path,
        iam_support_role,
        [
            details(MGMT, roles=[role(MGMT, "aws-support", attached=[support])]),
            details(B, users=[user(B, "helpdesk", attached=[support])]),
            details(C, roles=[role(C, "App")]),
            denied("GetAccountAuthorizationDetails", D),
        ],
    )
    assert one(results, MGMT).status == PASS and "aws-support" in one(results, MGMT).message
    only_user = one(results, B)
    assert only_user.status == FAIL and "not to a role" in only_user.message
    assert one(results, C).status == FAIL
    assert one(results, D).status == NOT_ASSESSED
