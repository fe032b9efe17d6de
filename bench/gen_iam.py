"""One account's IAM, built as data, and the answers the IAM collector gets from it.

Longer than ~400 lines because one account's IAM is built by one function whose parts refer
to each other (roles, their policies, boundaries, instance profiles, users, keys, report rows);
the policy documents it uses are data in bench/gen_iam_policies.py.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.gen_common import (
    AUDITOR_ROLE,
    B32,
    COLLECTED_AT,
    DEFAULT_REGIONS,
    GLOBAL,
    HEX,
    IAM_PAGE,
    MEMBER_ROLE,
    TOKEN_CHARS,
    Answer,
    ApiError,
    _allow,
    _chunks,
    _ident,
    _pdoc,
    _uuid,
    iso,
    throttled,
)
from bench.gen_iam_policies import (
    APP_KINDS,
    APPS,
    AWS_MANAGED,
    FIRST_NAMES,
    GITHUB_THUMBPRINT,
    GROUPS,
    LAST_NAMES,
    SERVICE_LINKED_ROLES,
    SSO_PERMISSION_SETS,
    VENDOR_ACCOUNTS,
)
from bench.gen_org import CORE_ACCOUNTS
from bench.gen_world import AccountContext, Handler


@dataclass(frozen=True, kw_only=True)
class AccountIam:
    """What one account's IAM holds, as the IAM API pages present it."""

    account_id: str
    users: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    policies: list[dict[str, Any]]
    authorization_pages: list[dict[str, Any]]
    access_keys: dict[str, list[dict[str, Any]]]  # user name -> ListAccessKeys metadata
    key_last_used: dict[str, dict[str, Any]]  # access key id -> AccessKeyLastUsed
    credential_report: str
    report_time: str
    password_policy: dict[str, Any] | None
    summary: dict[str, int]
    aliases: list[str]
    mfa_devices: list[dict[str, Any]]
    saml_providers: list[dict[str, Any]]  # {"list": ListSAMLProviders item, "detail": GetSAMLProvider page}
    oidc_providers: list[dict[str, Any]]  # {"arn": ..., "detail": GetOpenIDConnectProvider page}
    gaad_denied: bool = False


def build_account_iam(
    *,
    account_id: str,
    account_name: str,
    kind: str,
    management_account_id: str,
    security_account_id: str,
    shared_services_account_id: str,
    organization_id: str,
    roles: int,
    users: int,
    seed: int,
    collected_at: dt.datetime = COLLECTED_AT,
    gaad_denied: bool = False,
) -> AccountIam:
    """Users, groups, roles and policies of one account, consistent across every IAM call."""
    rng = random.Random(f"iam:{seed}:{account_id}")
    acct = account_id

    def ago(min_days: float, max_days: float) -> dt.datetime:
        return collected_at - dt.timedelta(seconds=rng.randint(int(min_days * 86400), int(max_days * 86400)))

    def arn(kind_path: str) -> str:
        return f"arn:aws:iam::{acct}:{kind_path}"

    def tags(p: float) -> list[dict[str, str]]:
        if rng.random() >= p:
            return []
        return [
            {"Key": "owner", "Value": f"team-{rng.choice(APPS)}"},
            {"Key": "CostCenter", "Value": rng.choice(("100", "200", "300", "400"))},
        ]

    attachments: dict[str, int] = {}
    boundaries: dict[str, int] = {}

    def attach(names: Sequence[str]) -> list[dict[str, str]]:
        out = []
        for name in names:
            policy_arn = name if name.startswith("arn:") else f"arn:aws:iam::aws:policy/{name}"
            attachments[policy_arn] = attachments.get(policy_arn, 0) + 1
            out.append({"PolicyName": policy_arn.rsplit("/", 1)[-1], "PolicyArn": policy_arn})
        return out

    # Customer managed policies (documents per version; the last version is the default).
    customer: dict[str, tuple[str, list[dict[str, Any]]]] = {}

    def customer_policy(name: str, versions: list[dict[str, Any]], path: str = "/") -> str:
        policy_arn = arn(f"policy{path}{name}")
        customer.setdefault(policy_arn, (path, versions))
        return policy_arn

    boundary_arn = customer_policy(
        "DeveloperBoundary",
        [
            _pdoc(
                _allow("*", "*", "AllowWorkloadServices"),
                {
                    "Sid": "DenyIdentityChanges",
                    "Effect": "Deny",
                    "Action": [
                        "iam:CreateUser",
                        "iam:CreateAccessKey",
                        "iam:DeleteRolePermissionsBoundary",
                        "organizations:*",
                    ],
                    "Resource": "*",
                },
            )
        ],
    )
    deploy_arn = customer_policy(
        "CIDeployAccess",
        [
            _pdoc(
                _allow(["cloudformation:*", "s3:*", "lambda:*", "ecs:*", "ecr:*"], "*", "Deploy"),
                _allow("iam:PassRole", arn("role/*"), "PassWorkloadRoles"),
            ),
            _pdoc(
                _allow(
                    [
                        "cloudformation:*",
                        "s3:GetObject",
                        "s3:PutObject",
                        "lambda:UpdateFunctionCode",
                        "ecs:UpdateService",
                        "ecr:*",
                    ],
                    "*",
                    "Deploy",
                ),
                {
                    "Sid": "PassWorkloadRoles",
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": arn("role/*"),
                    "Condition": {
                        "StringEquals": {
                            "iam:PassedToService": ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"]
                        }
                    },
                },
            ),
        ],
    )

    def data_access(app: str) -> str:
        bucket = f"{app}-{acct}-data"
        versions = [
            _pdoc(
                _allow(
                    ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                    [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                    "AppData",
                )
            )
        ]
        for _ in range(rng.randint(0, 2)):
            prev = versions[-1]["Statement"][0]
            versions.append(
                _pdoc(
                    prev,
                    _allow(
                        ["kms:Decrypt", "kms:GenerateDataKey"],
                        f"arn:aws:kms:eu-west-1:{acct}:key/{_uuid(rng)}",
                        "AppKey",
                    ),
                )
            )
        return customer_policy(f"{app}-data-access", versions, "/app/")

    def trust(
        principal: dict[str, Any],
        action: str | list[str] = "sts:AssumeRole",
        condition: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        stmt: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
        if condition:
            stmt["Condition"] = condition
        return _pdoc(stmt)

    role_list: list[dict[str, Any]] = []

    def add_role(
        name: str,
        path: str,
        trust_doc: dict[str, Any],
        managed: Sequence[str] = (),
        inline: Sequence[tuple[str, dict[str, Any]]] = (),
        *,
        boundary: str | None = None,
        instance_profile: bool = False,
        created: dt.datetime | None = None,
        used: bool | None = None,
    ) -> None:
        created = created or ago(30, 1800)
        role_id = "AROA" + _ident(rng, B32, 17)
        role_arn = arn(f"role{path}{name}")
        role: dict[str, Any] = {
            "Path": path,
            "RoleName": name,
            "RoleId": role_id,
            "Arn": role_arn,
            "CreateDate": iso(created),
            "AssumeRolePolicyDocument": trust_doc,
            "InstanceProfileList": [],
            "RolePolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in inline],
            "AttachedManagedPolicies": attach(managed),
        }
        if instance_profile:
            role["InstanceProfileList"] = [
                {
                    "Path": path,
                    "InstanceProfileName": name,
                    "InstanceProfileId": "AIPA" + _ident(rng, B32, 17),
                    "Arn": arn(f"instance-profile{path}{name}"),
                    "CreateDate": iso(created),
                    "Roles": [
                        {
                            "Path": path,
                            "RoleName": name,
                            "RoleId": role_id,
                            "Arn": role_arn,
                            "CreateDate": iso(created),
                            "AssumeRolePolicyDocument": trust_doc,
                        }
                    ],
                }
            ]
        if boundary:
            boundaries[boundary] = boundaries.get(boundary, 0) + 1
            role["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                "PermissionsBoundaryArn": boundary,
            }
        role["Tags"] = tags(0.4)
        if used is None:
            used = rng.random() < 0.8
        role["RoleLastUsed"] = (
            {"LastUsedDate": iso(ago(0, 120)), "Region": rng.choice(DEFAULT_REGIONS)} if used else {}
        )
        role_list.append(role)

    # Baseline roles every account of an AWS Organizations + IAM Identity Center estate has.
    sso_suffix = lambda: _ident(rng, HEX, 16)  # noqa: E731
    saml_name = f"AWSSSO_{_ident(rng, HEX, 16)}_DO_NOT_DELETE"
    saml_arn = arn(f"saml-provider/{saml_name}")
    sso_trust = trust(
        {"Federated": saml_arn},
        ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
    )
    sso_path = "/aws-reserved/sso.amazonaws.com/eu-west-1/"
    if acct != management_account_id:
        add_role(
            MEMBER_ROLE,
            "/",
            trust({"AWS": f"arn:aws:iam::{management_account_id}:root"}),
            ["AdministratorAccess"],
            used=True,
        )
    for set_name, set_policies in SSO_PERMISSION_SETS:
        add_role(f"AWSReservedSSO_{set_name}_{sso_suffix()}", sso_path, sso_trust, set_policies)
    if acct == management_account_id:
        add_role(
            AUDITOR_ROLE, sso_path, sso_trust, ["IAMReadOnlyAccess", "AmazonEC2ReadOnlyAccess"], used=True
        )
    for role_name, service, policy in SERVICE_LINKED_ROLES:
        add_role(
            role_name,
            f"/aws-service-role/{service}/",
            trust({"Service": service}),
            [policy],
            created=ago(700, 2000),
        )
    if acct != security_account_id:
        add_role(
            "SecurityAuditRole",
            "/",
            trust({"AWS": f"arn:aws:iam::{security_account_id}:role/security-tooling-scanner"}),
            ["IAMReadOnlyAccess", "AmazonEC2ReadOnlyAccess", "AmazonS3ReadOnlyAccess"],
        )
    oidc_github = arn("oidc-provider/token.actions.githubusercontent.com")
    has_github = kind in ("workload", "sandbox", "shared-services")
    if has_github:
        repo = f"example-corp/{rng.choice(APPS)}"
        # One deploy role in 25 trusts every repository of the organization (a finding).
        sub = "repo:example-corp/*" if rng.random() < 0.04 else f"repo:{repo}:ref:refs/heads/main"
        add_role(
            "github-actions-deploy",
            "/",
            trust(
                {"Federated": oidc_github},
                "sts:AssumeRoleWithWebIdentity",
                {
                    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                    "StringLike": {"token.actions.githubusercontent.com:sub": sub},
                },
            ),
            [deploy_arn],
        )
    region = rng.choice(DEFAULT_REGIONS)
    k = 0
    while len(role_list) < roles:
        k += 1
        app = rng.choice(APPS)
        app_kind = rng.choice(APP_KINDS)
        env = "prod" if "prod" in account_name and "nonprod" not in account_name else "dev"
        name = f"{app}-{env}-{app_kind}-{k:03d}"
        risky = rng.random()
        inline: list[tuple[str, dict[str, Any]]] = []
        managed: list[str] = []
        boundary = boundary_arn if kind == "sandbox" and rng.random() < 0.7 else None
        if app_kind == "lambda":
            managed = ["service-role/AWSLambdaBasicExecutionRole"]
            inline = [
                (
                    f"{app}-table-access",
                    _pdoc(
                        _allow(
                            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                            f"arn:aws:dynamodb:{region}:{acct}:table/{app}-*",
                        ),
                        _allow("sqs:SendMessage", f"arn:aws:sqs:{region}:{acct}:{app}-events"),
                    ),
                )
            ]
            trust_doc = trust({"Service": "lambda.amazonaws.com"})
        elif app_kind == "ecs-task":
            inline = [
                (
                    "task-secrets",
                    _pdoc(
                        _allow(
                            "secretsmanager:GetSecretValue",
                            f"arn:aws:secretsmanager:{region}:{acct}:secret:{app}/*",
                        ),
                        _allow("kms:Decrypt", f"arn:aws:kms:{region}:{acct}:key/{_uuid(rng)}"),
                    ),
                )
            ]
            managed = [data_access(app)]
            trust_doc = trust({"Service": "ecs-tasks.amazonaws.com"})
        elif app_kind == "ec2":
            managed = ["AmazonSSMManagedInstanceCore", data_access(app)]
            trust_doc = trust({"Service": "ec2.amazonaws.com"})
        elif app_kind == "glue":
            managed = [data_access(app)]
            trust_doc = trust({"Service": "glue.amazonaws.com"})
        elif app_kind == "states":
            inline = [
                (
                    "invoke",
                    _pdoc(
                        _allow("lambda:InvokeFunction", f"arn:aws:lambda:{region}:{acct}:function:{app}-*")
                    ),
                )
            ]
            trust_doc = trust({"Service": "states.amazonaws.com"})
        elif app_kind == "vendor":
            vendor = rng.choice(VENDOR_ACCOUNTS)
            # One vendor role in 10 was set up without an external id (confused-deputy risk).
            condition = None if risky < 0.1 else {"StringEquals": {"sts:ExternalId": _uuid(rng)}}
            trust_doc = trust({"AWS": f"arn:aws:iam::{vendor}:root"}, condition=condition)
            managed = ["AmazonEC2ReadOnlyAccess", "AmazonS3ReadOnlyAccess"]
            name = f"vendor-{vendor[-4:]}-readonly-{k:03d}"
        else:
            trust_doc = trust({"AWS": f"arn:aws:iam::{shared_services_account_id}:role/ops-automation"})
            managed = ["PowerUserAccess"]
        if 0.1 <= risky < 0.13:
            inline.append(("temporary-full-access", _pdoc(_allow("*", "*"))))
        elif 0.13 <= risky < 0.15:
            inline.append(
                (
                    "deploy-helper",
                    _pdoc(_allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "*")),
                )
            )
        elif 0.15 <= risky < 0.16:
            trust_doc = trust({"AWS": "*"})  # anyone in any account (a finding)
        elif 0.16 <= risky < 0.2:
            trust_doc = trust(
                {"AWS": "*"}, condition={"StringEquals": {"aws:PrincipalOrgID": organization_id}}
            )
        add_role(
            name,
            f"/app/{app}/" if app_kind != "vendor" else "/",
            trust_doc,
            managed,
            inline,
            boundary=boundary,
            instance_profile=app_kind == "ec2",
        )
    role_list = role_list[:roles]
    role_list.sort(key=lambda r: r["RoleName"])

    # Groups and users.
    group_list: list[dict[str, Any]] = []
    for gname, group_policies, inline_group in GROUPS:
        group_list.append(
            {
                "Path": "/",
                "GroupName": gname,
                "GroupId": "AGPA" + _ident(rng, B32, 17),
                "Arn": arn(f"group/{gname}"),
                "CreateDate": iso(ago(900, 2000)),
                "GroupPolicyList": [{"PolicyName": inline_group[0], "PolicyDocument": inline_group[1]}]
                if inline_group
                else [],
                "AttachedManagedPolicies": attach(group_policies),
            }
        )
    user_list: list[dict[str, Any]] = []
    access_keys: dict[str, list[dict[str, Any]]] = {}
    key_last_used: dict[str, dict[str, Any]] = {}
    report_rows: list[list[str]] = []
    mfa_devices: list[dict[str, Any]] = []
    names_taken: set[str] = set()
    human_share = 0.6 if kind in ("management", "sandbox") else 0.3
    for i in range(users):
        human = rng.random() < human_share
        if human:
            base = f"{rng.choice(FIRST_NAMES)}.{rng.choice(LAST_NAMES)}"
        else:
            base = f"svc-{rng.choice(APPS)}-{rng.choice(('ci', 'backup', 'export', 'sftp', 'monitoring', 'terraform'))}"
        uname = base if base not in names_taken else f"{base}{i}"
        names_taken.add(uname)
        created = ago(30, 2500)
        user: dict[str, Any] = {
            "Path": "/" if human else "/service/",
            "UserName": uname,
            "UserId": "AIDA" + _ident(rng, B32, 17),
            "Arn": arn(f"user{'/' if human else '/service/'}{uname}"),
            "CreateDate": iso(created),
            "UserPolicyList": [],
            "GroupList": [],
            "AttachedManagedPolicies": [],
        }
        if human:
            user["GroupList"] = sorted(
                {rng.choice(("Developers", "Developers", "ReadOnly", "Admins", "BillingAdmins"))}
            )
        else:
            bucket = f"{uname.split('-')[1]}-{acct}-data"
            user["UserPolicyList"] = [
                {
                    "PolicyName": "s3-access",
                    "PolicyDocument": _pdoc(
                        _allow(["s3:GetObject", "s3:PutObject"], f"arn:aws:s3:::{bucket}/*")
                    ),
                }
            ]
            if rng.random() < 0.08:  # a legacy automation user with admin rights (a finding)
                user["AttachedManagedPolicies"] = attach(["AdministratorAccess"])
        user["Tags"] = tags(0.3)
        user_list.append(user)
        # Access keys: humans rarely, automation users nearly always; some are old and unused.
        n_keys = (1 if rng.random() < 0.25 else 0) if human else (2 if rng.random() < 0.15 else 1)
        keys = []
        for j in range(n_keys):
            key_created = ago(1, max(2, (collected_at - created).days))
            key_id = "AKIA" + _ident(rng, B32, 16)
            keys.append(
                {
                    "UserName": uname,
                    "AccessKeyId": key_id,
                    "Status": "Inactive" if j == 1 and rng.random() < 0.5 else "Active",
                    "CreateDate": iso(key_created),
                }
            )
            if rng.random() < 0.8:
                key_last_used[key_id] = {
                    "LastUsedDate": iso(ago(0, 200)),
                    "ServiceName": rng.choice(("s3", "sts", "ec2", "dynamodb", "sqs")),
                    "Region": rng.choice(DEFAULT_REGIONS),
                }
            else:
                # A key never used: AWS answers N/A for service and region, and no date.
                key_last_used[key_id] = {"ServiceName": "N/A", "Region": "N/A"}
        keys.sort(key=lambda m: m["CreateDate"])
        access_keys[uname] = keys
        mfa = human and rng.random() < 0.7
        if mfa:
            mfa_devices.append(
                {
                    "SerialNumber": arn(f"mfa/{uname}"),
                    "User": {
                        "Path": user["Path"],
                        "UserName": uname,
                        "UserId": user["UserId"],
                        "Arn": user["Arn"],
                        "CreateDate": user["CreateDate"],
                    },
                    "EnableDate": iso(ago(0, (collected_at - created).days or 1)),
                }
            )
        password_used = iso(ago(0, 90)) if human and rng.random() < 0.85 else "no_information"
        report_rows.append(
            [
                uname,
                user["Arn"],
                user["CreateDate"],
                "true" if human else "false",
                password_used if human else "N/A",
                iso(ago(0, 400)) if human else "N/A",
                "N/A",
                "true" if mfa else "false",
                *_key_cells(keys, 0, key_last_used),
                *_key_cells(keys, 1, key_last_used),
                "false",
                "N/A",
                "false",
                "N/A",
            ]
        )
    user_list.sort(key=lambda u: u["UserName"])
    report_rows.sort(key=lambda r: r[0])

    # Managed policies (customer ones, and the AWS managed ones in use), with their versions.
    policy_list: list[dict[str, Any]] = []
    for policy_arn, (path, versions) in customer.items():
        if not attachments.get(policy_arn) and not boundaries.get(policy_arn) and rng.random() < 0.5:
            continue  # some unused customer policies exist, others were never created
        created = ago(200, 1500)
        version_list = []
        for n, document in enumerate(versions, start=1):
            version_list.append(
                {
                    "Document": document,
                    "VersionId": f"v{n}",
                    "IsDefaultVersion": n == len(versions),
                    "CreateDate": iso(created + dt.timedelta(days=30 * (n - 1))),
                }
            )
        version_list.reverse()  # IAM lists the newest version first
        policy_list.append(
            {
                "PolicyName": policy_arn.rsplit("/", 1)[-1],
                "PolicyId": "ANPA" + _ident(rng, B32, 17),
                "Arn": policy_arn,
                "Path": path,
                "DefaultVersionId": f"v{len(versions)}",
                "AttachmentCount": attachments.get(policy_arn, 0),
                "PermissionsBoundaryUsageCount": boundaries.get(policy_arn, 0),
                "IsAttachable": True,
                "CreateDate": iso(created),
                "UpdateDate": version_list[0]["CreateDate"],
                "PolicyVersionList": version_list,
            }
        )
    for name, (path, created_at, version, document) in AWS_MANAGED.items():
        policy_arn = f"arn:aws:iam::aws:policy/{name}"
        if not attachments.get(policy_arn):
            continue
        policy_list.append(
            {
                "PolicyName": name.rsplit("/", 1)[-1],
                # AWS managed policies have the same id in every account.
                "PolicyId": "ANPA" + _ident(random.Random(policy_arn), B32, 17),
                "Arn": policy_arn,
                "Path": path,
                "DefaultVersionId": version,
                "AttachmentCount": attachments[policy_arn],
                "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": True,
                "CreateDate": created_at,
                "UpdateDate": created_at,
                "PolicyVersionList": [
                    {
                        "Document": document,
                        "VersionId": version,
                        "IsDefaultVersion": True,
                        "CreateDate": created_at,
                    }
                ],
            }
        )
    policy_list.sort(key=lambda p: p["PolicyName"])

    # Root user: MFA in most accounts; a root access key in a few (findings).
    account_created = ago(800, 2400)
    root_mfa = rng.random() < 0.9
    root_key = rng.random() < 0.02
    if root_mfa:
        mfa_devices.append(
            {
                "SerialNumber": arn("mfa/root-account-mfa-device"),
                "User": {"UserId": acct, "Arn": arn("root"), "CreateDate": iso(account_created)},
                "EnableDate": iso(account_created + dt.timedelta(days=1)),
            }
        )
    if rng.random() < 0.1:  # created and never assigned
        mfa_devices.append({"SerialNumber": arn("mfa/unassigned-device")})
    mfa_devices.sort(key=lambda d: d["SerialNumber"])
    root_row = [
        "<root_account>",
        arn("root"),
        iso(account_created),
        "not_supported",
        iso(ago(30, 900)) if rng.random() < 0.5 else "no_information",
        "not_supported",
        "not_supported",
        "true" if root_mfa else "false",
        "true" if root_key else "false",
        iso(ago(300, 1500)) if root_key else "N/A",
        iso(ago(1, 60)) if root_key else "N/A",
        "us-east-1" if root_key else "N/A",
        "s3" if root_key else "N/A",
        "false",
        "N/A",
        "N/A",
        "N/A",
        "N/A",
        "false",
        "N/A",
        "false",
        "N/A",
    ]
    report_time = iso(collected_at - dt.timedelta(seconds=rng.randint(5, 40)))
    credential_report = "\n".join(",".join(r) for r in [REPORT_HEADER, root_row, *report_rows])

    # Federation providers.
    saml = [(saml_arn, "https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/")]
    if rng.random() < 0.1:
        saml.append((arn("saml-provider/Okta"), "http://www.okta.com/"))
    saml_providers = []
    for provider_arn, entity in saml:
        created = ago(300, 1200)
        valid_until = created + dt.timedelta(days=365 * 100)
        saml_providers.append(
            {
                "list": {"Arn": provider_arn, "ValidUntil": iso(valid_until), "CreateDate": iso(created)},
                "detail": {
                    "SAMLMetadataDocument": _saml_metadata(rng, entity),
                    "CreateDate": iso(created),
                    "ValidUntil": iso(valid_until),
                },
            }
        )
    oidc_providers = []
    if has_github:
        oidc_providers.append(
            {
                "arn": oidc_github,
                "detail": {
                    "Url": "token.actions.githubusercontent.com",
                    "ClientIDList": ["sts.amazonaws.com"],
                    "ThumbprintList": [GITHUB_THUMBPRINT],
                    "CreateDate": iso(ago(100, 900)),
                    "Tags": [],
                },
            }
        )
    if kind == "workload" and rng.random() < 0.3:
        issuer = f"oidc.eks.{region}.amazonaws.com/id/{_ident(rng, HEX.upper(), 32)}"
        oidc_providers.append(
            {
                "arn": arn(f"oidc-provider/{issuer}"),
                "detail": {
                    "Url": issuer,
                    "ClientIDList": ["sts.amazonaws.com"],
                    "ThumbprintList": ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
                    "CreateDate": iso(ago(30, 600)),
                    "Tags": [{"Key": "alpha.eksctl.io/cluster-name", "Value": f"{account_name}-eks"}],
                },
            }
        )

    # Account settings.
    strong = rng.random()
    if strong < 0.12:
        password_policy: dict[str, Any] | None = None  # AWS defaults apply (NoSuchEntity)
    elif strong < 0.3:
        password_policy = {
            "MinimumPasswordLength": 8,
            "RequireSymbols": False,
            "RequireNumbers": True,
            "RequireUppercaseCharacters": False,
            "RequireLowercaseCharacters": True,
            "AllowUsersToChangePassword": True,
            "ExpirePasswords": False,
            "HardExpiry": False,
        }
    else:
        password_policy = {
            "MinimumPasswordLength": 14,
            "RequireSymbols": True,
            "RequireNumbers": True,
            "RequireUppercaseCharacters": True,
            "RequireLowercaseCharacters": True,
            "AllowUsersToChangePassword": True,
            "ExpirePasswords": True,
            "MaxPasswordAge": 90,
            "PasswordReusePrevention": 24,
            "HardExpiry": False,
        }
    summary = {
        "GroupPolicySizeQuota": 5120,
        "InstanceProfilesQuota": 1000,
        "Policies": len([p for p in policy_list if not p["Arn"].startswith("arn:aws:iam::aws:")]),
        "GroupsPerUserQuota": 10,
        "InstanceProfiles": sum(len(r["InstanceProfileList"]) for r in role_list),
        "AttachedPoliciesPerUserQuota": 10,
        "Users": len(user_list),
        "PoliciesQuota": 1500,
        "Providers": len(saml_providers) + len(oidc_providers),
        "AccountMFAEnabled": 1 if root_mfa else 0,
        "AccessKeysPerUserQuota": 2,
        "AssumeRolePolicySizeQuota": 2048,
        "PolicyVersionsInUseQuota": 10000,
        "GlobalEndpointTokenVersion": 1,
        "VersionsPerPolicyQuota": 5,
        "AttachedPoliciesPerGroupQuota": 10,
        "PolicySizeQuota": 6144,
        "Groups": len(group_list),
        "AccountSigningCertificatesPresent": 0,
        "UsersQuota": 5000,
        "ServerCertificatesQuota": 20,
        "MFADevices": len(mfa_devices),
        "UserPolicySizeQuota": 2048,
        "PolicyVersionsInUse": sum(attachments.values()) + sum(boundaries.values()),
        "ServerCertificates": 0,
        "Roles": len(role_list),
        "RolesQuota": 1000,
        "SigningCertificatesPerUserQuota": 2,
        "MFADevicesInUse": len([d for d in mfa_devices if "User" in d]),
        "RolePolicySizeQuota": 10240,
        "AttachedPoliciesPerRoleQuota": 10,
        "AccountAccessKeysPresent": 1 if root_key else 0,
        "GroupsQuota": 300,
    }
    aliases = [] if rng.random() < 0.1 else [f"examplecorp-{account_name}".lower()]
    return AccountIam(
        account_id=acct,
        users=user_list,
        groups=group_list,
        roles=role_list,
        policies=policy_list,
        authorization_pages=_authorization_pages(rng, user_list, group_list, role_list, policy_list),
        access_keys=access_keys,
        key_last_used=key_last_used,
        credential_report=credential_report,
        report_time=report_time,
        password_policy=password_policy,
        summary=summary,
        aliases=aliases,
        mfa_devices=mfa_devices,
        saml_providers=saml_providers,
        oidc_providers=oidc_providers,
        gaad_denied=gaad_denied,
    )


REPORT_HEADER = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
]


def _key_cells(keys: list[dict[str, Any]], index: int, last_used: dict[str, dict[str, Any]]) -> list[str]:
    """The five credential-report cells of access key ``index`` (1-based in the report)."""
    if index >= len(keys):
        return ["false", "N/A", "N/A", "N/A", "N/A"]
    key = keys[index]
    used = last_used[key["AccessKeyId"]]
    return [
        "true" if key["Status"] == "Active" else "false",
        key["CreateDate"],
        used.get("LastUsedDate", "N/A"),
        used["Region"],
        used["ServiceName"],
    ]


def _authorization_pages(
    rng: random.Random,
    users: list[dict[str, Any]],
    groups: list[dict[str, Any]],
    roles: list[dict[str, Any]],
    policies: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """GetAccountAuthorizationDetails pages of up to 100 items: users, then groups, roles, policies.

    Every page carries all four lists (empty ones too) and IsTruncated; all but the last a Marker.
    """
    items = (
        [("UserDetailList", u) for u in users]
        + [("GroupDetailList", g) for g in groups]
        + [("RoleDetailList", r) for r in roles]
        + [("Policies", p) for p in policies]
    )
    chunks = list(_chunks(items, IAM_PAGE))
    pages = []
    for i, chunk in enumerate(chunks):
        page: dict[str, Any] = {
            "UserDetailList": [],
            "GroupDetailList": [],
            "RoleDetailList": [],
            "Policies": [],
        }
        for key, item in chunk:
            page[key].append(item)
        page["IsTruncated"] = i < len(chunks) - 1
        if page["IsTruncated"]:
            page["Marker"] = _ident(rng, TOKEN_CHARS, 120)
        pages.append(page)
    return pages


def _saml_metadata(rng: random.Random, entity: str) -> str:
    """An IdP metadata document; the certificate is random base64 (synthetic, not a real X.509)."""
    ident = _ident(rng, TOKEN_CHARS[:62], 44)
    cert = _ident(rng, TOKEN_CHARS, 600)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'entityID="{entity}{ident}"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing">'
        '<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>'
        f"<ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        f'Location="{entity}{ident}"/></md:IDPSSODescriptor></md:EntityDescriptor>'
    )


# -- one function per service ------------------------------------------------------------

# -- answers to the IAM collector (collectors/iam.py) -----------------------------------------------

LIST_ROLE_KEYS = ("Path", "RoleName", "RoleId", "Arn", "CreateDate", "AssumeRolePolicyDocument")


def account_iam(ctx: AccountContext) -> AccountIam:
    """The account's IAM, built once per account (the first IAM call builds it)."""

    def build(c: AccountContext, region: str) -> AccountIam:
        core = {kind for kind, _ in CORE_ACCOUNTS}
        facts = c.facts
        return build_account_iam(
            account_id=c.id,
            account_name=c.account.name,
            kind=c.account.kind,
            management_account_id=facts.management.id,
            security_account_id=facts.security.id,
            shared_services_account_id=facts.shared_services.id,
            organization_id=facts.org.id,
            roles=facts.roles_per_account,
            users=facts.users_per_account,
            seed=c.seed,
            collected_at=COLLECTED_AT,
            # One account in 60 has an SCP that denies the auditor reading IAM in bulk.
            gaad_denied=c.account.kind not in core and 0.015 <= c.fate < 0.032,
        )

    result: AccountIam = ctx.cached("iam", GLOBAL, build)
    return result


def _maybe_throttled(ctx: AccountContext, pages: list[dict[str, Any]], p: float) -> list[dict[str, Any]]:
    return throttled(pages) if ctx.chance(p) else pages


def _gaad(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    iam = account_iam(ctx)
    root = f"arn:aws:iam::{ctx.id}:root"
    ctx.tally.add("iam.accounts", root)
    ctx.tally.add("iam.password_policies", root)
    if iam.gaad_denied:
        return ctx.deny("iam:GetAccountAuthorizationDetails", scp=True)
    t = ctx.tally
    t.add("iam.users", *(u["Arn"] for u in iam.users))
    t.add("iam.groups", *(g["Arn"] for g in iam.groups))
    t.add("iam.roles", *(r["Arn"] for r in iam.roles))
    t.add("iam.policies", *(p["Arn"] for p in iam.policies))
    t.add("iam.instance_profiles", *(p["Arn"] for r in iam.roles for p in r["InstanceProfileList"]))
    return _maybe_throttled(ctx, [dict(p) for p in iam.authorization_pages], 0.01)


def _list_pages(key: str, items: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    chunks = list(_chunks(items, IAM_PAGE))
    pages = []
    for i, chunk in enumerate(chunks):
        page: dict[str, Any] = {key: list(chunk), "IsTruncated": i < len(chunks) - 1}
        if page["IsTruncated"]:
            page["Marker"] = _ident(rng, TOKEN_CHARS, 120)
        pages.append(page)
    return pages


def _list_roles(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    roles = [
        {**{k: r[k] for k in LIST_ROLE_KEYS}, "MaxSessionDuration": 3600} for r in account_iam(ctx).roles
    ]
    return _list_pages("Roles", roles, ctx.rng("list-roles"))


def _list_profiles(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    profiles = [p for r in account_iam(ctx).roles for p in r["InstanceProfileList"]]
    return _list_pages("InstanceProfiles", profiles, ctx.rng("list-profiles"))


def _password_policy(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    policy = account_iam(ctx).password_policy
    if policy is None:
        return ApiError(
            code="NoSuchEntity",
            message=f"The Password Policy with domain name {ctx.id} cannot be found.",
            status=404,
        )
    return [{"PasswordPolicy": policy}]


def _report(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    iam = account_iam(ctx)
    return [{"Content": iam.credential_report, "ReportFormat": "text/csv", "GeneratedTime": iam.report_time}]


def _saml_list(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    providers = account_iam(ctx).saml_providers
    ctx.tally.add("iam.saml_providers", *(p["list"]["Arn"] for p in providers))
    return [{"SAMLProviderList": [p["list"] for p in providers]}]


def _saml_get(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    found = next(p for p in account_iam(ctx).saml_providers if p["list"]["Arn"] == params["SAMLProviderArn"])
    return [found["detail"]]


def _oidc_list(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    providers = account_iam(ctx).oidc_providers
    ctx.tally.add("iam.oidc_providers", *(p["arn"] for p in providers))
    return [{"OpenIDConnectProviderList": [{"Arn": p["arn"]} for p in providers]}]


def _oidc_get(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    found = next(p for p in account_iam(ctx).oidc_providers if p["arn"] == params["OpenIDConnectProviderArn"])
    return [found["detail"]]


def _access_keys(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    keys = account_iam(ctx).access_keys.get(str(params["UserName"]), [])
    return _maybe_throttled(ctx, [{"AccessKeyMetadata": keys, "IsTruncated": False}], 0.003)


def _key_last_used(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    iam = account_iam(ctx)
    key_id = str(params["AccessKeyId"])
    user = next(u for u, keys in iam.access_keys.items() if any(k["AccessKeyId"] == key_id for k in keys))
    return _maybe_throttled(ctx, [{"UserName": user, "AccessKeyLastUsed": iam.key_last_used[key_id]}], 0.005)


HANDLERS: dict[tuple[str, str], Handler] = {
    ("iam", "GetAccountAuthorizationDetails"): _gaad,
    ("iam", "ListRoles"): _list_roles,
    ("iam", "ListInstanceProfiles"): _list_profiles,
    # Polled until COMPLETE: the stored page is the last answer (asked once here).
    ("iam", "GenerateCredentialReport"): lambda ctx, region, params: [{"State": "COMPLETE"}],
    ("iam", "GetCredentialReport"): _report,
    ("iam", "GetAccountPasswordPolicy"): _password_policy,
    ("iam", "GetAccountSummary"): lambda ctx, region, params: [{"SummaryMap": account_iam(ctx).summary}],
    ("iam", "ListAccountAliases"): lambda ctx, region, params: [
        {"AccountAliases": account_iam(ctx).aliases, "IsTruncated": False}
    ],
    ("iam", "ListVirtualMFADevices"): lambda ctx, region, params: [
        {"VirtualMFADevices": account_iam(ctx).mfa_devices, "IsTruncated": False}
    ],
    ("iam", "ListSAMLProviders"): _saml_list,
    ("iam", "GetSAMLProvider"): _saml_get,
    ("iam", "ListOpenIDConnectProviders"): _oidc_list,
    ("iam", "GetOpenIDConnectProvider"): _oidc_get,
    ("iam", "ListAccessKeys"): _access_keys,
    ("iam", "GetAccessKeyLastUsed"): _key_last_used,
}
