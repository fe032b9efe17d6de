"""Administrator and trust controls, fed by the trust graph (``analysis.trust.findings``).

AWS docs followed: IAM User Guide "The confused deputy problem" (sts:ExternalId for third
parties), "Create a role for OpenID Connect federation" / GitHub's OIDC guidance (a ``sub``
condition pins the repository), "Policy evaluation logic" (administrator = allowed everything
after SCPs, boundaries and identity policies), "View role access" (RoleLastUsed, tracked 400 days).
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.iam import (
    iam_cross_account_trust_outside_org,
    iam_escalation_path_to_admin,
    iam_external_trust_without_external_id,
    iam_oidc_trust_without_sub,
    iam_principal_with_admin,
    iam_public_role_trust,
    iam_unused_role,
    iam_user_admin,
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
    managed,
    one,
    role,
    run,
    run_without_organization,
    user,
)

VENDOR = "999988887777"  # outside the organization
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
GITHUB = f"arn:aws:iam::{MGMT}:oidc-provider/token.actions.githubusercontent.com"


def trust(principal: object, *, action: str = "sts:AssumeRole", condition: dict | None = None) -> dict:  # type: ignore[type-arg]
    st: dict = {"Effect": "Allow", "Principal": principal, "Action": action}  # type: ignore[type-arg]
    if condition:
        st["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [st]}


def allow(*actions: str, resource: str = "*") -> dict:  # type: ignore[type-arg]
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}],
    }


def _trust_calls() -> list:  # type: ignore[type-arg]
    vendor = {"AWS": f"arn:aws:iam::{VENDOR}:root"}
    return [
        details(
            MGMT,
            roles=[
                role(MGMT, "Public", trust=trust({"AWS": "*"})),
                role(
                    MGMT,
                    "OrgOnly",
                    trust=trust(
                        {"AWS": "*"}, condition={"StringEquals": {"aws:PrincipalOrgID": "o-ab12cd34ef"}}
                    ),
                ),
                role(MGMT, "VendorSupport", trust=trust(vendor)),
                role(
                    MGMT,
                    "VendorMonitoring",
                    trust=trust(vendor, condition={"StringEquals": {"sts:ExternalId": "x-123"}}),
                ),
                role(MGMT, "Sibling", trust=trust({"AWS": f"arn:aws:iam::{B}:root"})),
                role(
                    MGMT,
                    "GitHubBuild",
                    trust=trust(
                        {"Federated": GITHUB},
                        action="sts:AssumeRoleWithWebIdentity",
                        condition={
                            "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
                        },
                    ),
                ),
                role(
                    MGMT,
                    "GitHubDeploy",
                    trust=trust(
                        {"Federated": GITHUB},
                        action="sts:AssumeRoleWithWebIdentity",
                        condition={
                            "StringEquals": {
                                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                "token.actions.githubusercontent.com:sub": "repo:example/infra:ref:refs/heads/main",
                            }
                        },
                    ),
                ),
            ],
        ),
        details(B, roles=[role(B, "App")]),
        denied("GetAccountAuthorizationDetails", C),
    ]


def test_public_trust(tmp_path: Path) -> None:
    results = run(tmp_path, iam_public_role_trust, _trust_calls())
    fails = [r for r in results if r.status == FAIL]
    assert [r.resource_id for r in fails] == ["role/Public"]
    assert fails[0].evidence.statements == ("trust policy of role Public, statement 0",)
    assert one(results, B).status == PASS
    assert one(results, C).status == NOT_ASSESSED and one(results, UNREACHABLE).status == NOT_ASSESSED


def test_external_trust_without_external_id(tmp_path: Path) -> None:
    results = run(tmp_path, iam_external_trust_without_external_id, _trust_calls())
    fails = [r for r in results if r.status == FAIL]
    assert [r.resource_id for r in fails] == ["role/VendorSupport"]  # VendorMonitoring has an external id
    assert one(results, B).status == PASS
    assert one(results, C).status == NOT_ASSESSED


def test_cross_account_trust_outside_org(tmp_path: Path) -> None:
    results = run(tmp_path, iam_cross_account_trust_outside_org, _trust_calls())
    fails = sorted(r.resource_id for r in results if r.status == FAIL)
    assert fails == ["role/VendorMonitoring", "role/VendorSupport"]  # the sibling account is inside
    assert one(results, C).status == NOT_ASSESSED


def test_outside_the_organization_needs_the_organization(tmp_path: Path) -> None:
    results = run_without_organization(tmp_path, iam_cross_account_trust_outside_org, _trust_calls())
    assert results and {r.status for r in results} == {NOT_ASSESSED}
    assert "inside and outside" in results[0].message


def test_oidc_trust_without_sub(tmp_path: Path) -> None:
    results = run(tmp_path, iam_oidc_trust_without_sub, _trust_calls())
    fails = [r for r in results if r.status == FAIL]
    assert [r.resource_id for r in fails] == ["role/GitHubBuild"]
    assert "sub" in fails[0].message
    assert one(results, B).status == PASS


def _admin_calls() -> list:  # type: ignore[type-arg]
    same_account = {"AWS": f"arn:aws:iam::{B}:root"}
    return [
        details(
            B,
            users=[
                user(B, "boss", attached=[ADMIN]),
                user(B, "dev"),
                user(
                    B,
                    "ci",
                    inline=[allow("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction")],
                ),
            ],
            roles=[
                role(B, "Admin", trust=trust(same_account), attached=[ADMIN]),
                role(
                    B,
                    "WebAdminExecution",
                    trust=trust({"Service": "lambda.amazonaws.com"}),
                    attached=[ADMIN],
                ),
                role(
                    B,
                    "LambdaDeployer",
                    trust=trust(same_account),
                    inline=[allow("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction")],
                ),
                role(B, "Reader", trust=trust(same_account), inline=[allow("s3:GetObject")]),
            ],
            policies=[managed(ADMIN, FULL, attachments=3)],
        ),
        details(C, users=[user(C, "viewer")], roles=[role(C, "Reader", inline=[allow("s3:GetObject")])]),
        denied("GetAccountAuthorizationDetails", D),
    ]


def test_principals_with_admin(tmp_path: Path) -> None:
    results = run(tmp_path, iam_principal_with_admin, _admin_calls())
    admins = sorted(r.resource_id for r in results if r.status == FAIL and r.account_id == B)
    assert admins == ["role/Admin", "role/WebAdminExecution", "user/boss"]
    boss = one(results, B, "user/boss")
    assert boss.evidence.statements and boss.evidence.call_ids
    assert one(results, C).status == PASS
    assert one(results, D).status == NOT_ASSESSED


def test_users_with_admin(tmp_path: Path) -> None:
    results = run(tmp_path, iam_user_admin, _admin_calls())
    assert one(results, B, "boss").status == FAIL
    assert one(results, B, "dev").status == PASS
    assert one(results, C, "viewer").status == PASS
    assert one(results, D).status == NOT_ASSESSED


def test_escalation_paths(tmp_path: Path) -> None:
    results = run(tmp_path, iam_escalation_path_to_admin, _admin_calls())
    climbers = {r.resource_id: r for r in results if r.status == FAIL}
    # The realistic organization's RCPs have no Allow (no RCPFullAWSAccess), so sts:AssumeRole
    # between its principals is implicitly denied: each climber escalates with its own permissions.
    assert set(climbers) == {"role/LambdaDeployer", "user/ci"}
    path = climbers["role/LambdaDeployer"].evidence.path
    assert path and "iam:PassRole" in path[0] and "WebAdminExecution" in path[0]
    assert climbers["role/LambdaDeployer"].evidence.statements  # the statements that made each hop
    assert "WebAdminExecution" in climbers["user/ci"].evidence.path[0]
    assert one(results, C).status == PASS
    assert one(results, D).status == NOT_ASSESSED


def test_unused_roles(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        iam_unused_role,
        [
            details(
                MGMT,
                roles=[
                    role(MGMT, "Busy", last_used_days=3),
                    role(MGMT, "Idle", last_used_days=120),
                    role(MGMT, "NeverUsed", created_days=200),
                    role(MGMT, "Brand-new", created_days=5),
                    role(
                        MGMT,
                        "AWSServiceRoleForSupport",
                        path="/aws-service-role/support.amazonaws.com/",
                        created_days=900,
                    ),
                ],
            ),
            denied("GetAccountAuthorizationDetails", B),
        ],
    )
    assert one(results, MGMT, "Busy").status == PASS
    idle = one(results, MGMT, "Idle")
    assert idle.status == FAIL and "120 days" in idle.message and idle.evidence.values["last_used"]
    assert one(results, MGMT, "NeverUsed").status == FAIL
    assert one(results, MGMT, "Brand-new").status == PASS
    assert not [r for r in results if r.resource_id == "AWSServiceRoleForSupport"]
    assert one(results, B).status == NOT_ASSESSED
