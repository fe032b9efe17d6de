"""Seed the demo organization into moto with boto3, one function per area.

Called inside an active ``moto.mock_aws()`` with fake credentials. Names are
fixed, and moto's random source is seeded, so account, OU and policy ids are
the same on every build with the same moto version. Resources in member
accounts are created through ``OrganizationAccountAccessRole``: moto scopes the
assumed-role credentials to that account, as AWS does.

Later areas (EC2, S3, KMS, ...) are added as further ``seed_*`` functions taking
the :class:`SeedContext` and called from :func:`seed_demo_organization`.
Every weakness seeded here is deliberate and listed in ``docs/demo.md``.
The module is long because it is mostly data (policy documents, principals).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError

log = logging.getLogger("collectors.demo")

# Bump when the seeded content changes: it is part of the cache file name.
SEED_VERSION = 2
RANDOM_SEED = 20240917
REGION = "us-east-1"
MANAGEMENT = "management"
MANAGEMENT_ACCOUNT_ID = "123456789012"  # moto's default account
VENDOR_ACCOUNT_ID = "999988887777"  # an external vendor, outside the organization
ADMIN_POLICY = "OrgAdministratorAccess"  # customer-managed stand-in for AdministratorAccess
MEMBER_ROLE = "OrganizationAccountAccessRole"
ALLOWED_REGIONS = ("us-east-1", "eu-west-1")
GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
GITHUB_REPO_SUB = "repo:example-corp/platform-infra:ref:refs/heads/main"

# (OU name, parent name), parents first.
OU_TREE: tuple[tuple[str, str], ...] = (
    ("Security", "Root"),
    ("Infrastructure", "Root"),
    ("Workloads", "Root"),
    ("Prod", "Workloads"),
    ("NonProd", "Workloads"),
    ("Sandbox", "Root"),
    ("Suspended", "Root"),
)
# (account name, parent OU name); the management account stays under Root.
MEMBER_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("log-archive", "Security"),
    ("security-tooling", "Security"),
    ("network", "Infrastructure"),
    ("shared-services", "Infrastructure"),
    ("payments-prod", "Prod"),
    ("web-prod", "Prod"),
    ("payments-dev", "NonProd"),
    ("sandbox-alice", "Sandbox"),
    ("legacy-closed", "Suspended"),
)
CLOSED_ACCOUNTS = ("legacy-closed",)
WORKLOAD_ACCOUNTS = ("payments-prod", "web-prod", "payments-dev")


@dataclass(frozen=True, kw_only=True)
class DemoOrganization:
    """What the seed created, by name: what tests and docs check the collected snapshot against."""

    organization_id: str
    root_id: str
    management_account_id: str
    vendor_account_id: str
    accounts: Mapping[str, str]  # account name -> id (including "management")
    account_parents: Mapping[str, str]  # account name -> "Root" or OU name
    suspended_accounts: tuple[str, ...]
    ous: Mapping[str, str]  # OU name -> id
    ou_parents: Mapping[str, str]  # OU name -> "Root" or OU name
    policies: Mapping[str, str]  # Organizations policy name -> id (only the ones seeded here)
    policy_types: Mapping[str, str]  # policy name -> SERVICE_CONTROL_POLICY, ...
    policy_targets: Mapping[str, tuple[str, ...]]  # policy name -> "Root", OU or account names
    enabled_policy_types: tuple[str, ...]
    service_access: tuple[str, ...]  # trusted service principals
    delegated_administrators: Mapping[str, tuple[str, ...]]  # account name -> service principals
    users: Mapping[str, tuple[str, ...]]  # account name -> user names
    groups: Mapping[str, tuple[str, ...]]
    roles: Mapping[str, tuple[str, ...]]  # roles created here (not OrganizationAccountAccessRole)
    mfa_users: Mapping[str, tuple[str, ...]]  # users with an enabled virtual MFA device
    aged_access_keys: Mapping[str, tuple[str, ...]]  # account name -> users whose keys were backdated
    password_policy_accounts: tuple[str, ...]
    saml_providers: Mapping[str, tuple[str, ...]]  # account name -> provider ARNs
    oidc_providers: Mapping[str, tuple[str, ...]]
    skipped: tuple[str, ...] = ()  # what moto could not seed, with the reason
    # What the service-area seeders created (collectors/demo/seed_<area>.py), by area name:
    # each area documents its own structure.
    resources: Mapping[str, Any] = field(default_factory=dict)

    def target_id(self, name: str) -> str:
        """The Organizations id of "Root", an OU name or an account name."""
        if name == "Root":
            return self.root_id
        return self.ous.get(name) or self.accounts[name]

    def parent_id(self, name: str) -> str:
        """The id of the parent of an OU or account, by name."""
        parent = self.ou_parents.get(name) or self.account_parents[name]
        return self.target_id(parent)


@dataclass
class SeedContext:
    """Clients and what has been created so far (mutable while seeding; frozen at the end)."""

    session: boto3.Session
    org: Any
    root_id: str = ""
    organization_id: str = ""
    accounts: dict[str, str] = field(default_factory=dict)
    account_parents: dict[str, str] = field(default_factory=dict)
    ous: dict[str, str] = field(default_factory=dict)
    ou_parents: dict[str, str] = field(default_factory=dict)
    policies: dict[str, str] = field(default_factory=dict)
    policy_types: dict[str, str] = field(default_factory=dict)
    policy_targets: dict[str, list[str]] = field(default_factory=dict)
    enabled_policy_types: list[str] = field(default_factory=list)
    service_access: list[str] = field(default_factory=list)
    delegated: dict[str, list[str]] = field(default_factory=dict)
    users: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    roles: dict[str, list[str]] = field(default_factory=dict)
    mfa_users: dict[str, list[str]] = field(default_factory=dict)
    aged_keys: dict[str, list[str]] = field(default_factory=dict)
    password_policy_accounts: list[str] = field(default_factory=list)
    saml: dict[str, list[str]] = field(default_factory=dict)
    oidc: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    resources: dict[str, Any] = field(default_factory=dict)
    _credentials: dict[str, dict[str, str]] = field(default_factory=dict)

    def client(self, account: str, service: str, region: str = REGION) -> Any:
        """A boto3 client in the named account and region (assumed role for members)."""
        if account == MANAGEMENT:
            return self.session.client(service, region_name=region)
        creds = self._credentials.get(account)
        if creds is None:
            role_arn = f"arn:aws:iam::{self.accounts[account]}:role/{MEMBER_ROLE}"
            sts = self.session.client("sts", region_name=REGION)
            got = sts.assume_role(RoleArn=role_arn, RoleSessionName="demo-seed")["Credentials"]
            creds = {
                "aws_access_key_id": got["AccessKeyId"],
                "aws_secret_access_key": got["SecretAccessKey"],
                "aws_session_token": got["SessionToken"],
            }
            self._credentials[account] = creds
        return self.session.client(service, region_name=region, **creds)

    def freeze(self) -> DemoOrganization:
        def tuples(d: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
            return {k: tuple(v) for k, v in d.items()}

        return DemoOrganization(
            organization_id=self.organization_id,
            root_id=self.root_id,
            management_account_id=self.accounts[MANAGEMENT],
            vendor_account_id=VENDOR_ACCOUNT_ID,
            accounts=dict(self.accounts),
            account_parents=dict(self.account_parents),
            suspended_accounts=CLOSED_ACCOUNTS,
            ous=dict(self.ous),
            ou_parents=dict(self.ou_parents),
            policies=dict(self.policies),
            policy_types=dict(self.policy_types),
            policy_targets=tuples(self.policy_targets),
            enabled_policy_types=tuple(self.enabled_policy_types),
            service_access=tuple(self.service_access),
            delegated_administrators=tuples(self.delegated),
            users=tuples(self.users),
            groups=tuples(self.groups),
            roles=tuples(self.roles),
            mfa_users=tuples(self.mfa_users),
            aged_access_keys=tuples(self.aged_keys),
            password_policy_accounts=tuple(self.password_policy_accounts),
            saml_providers=tuples(self.saml),
            oidc_providers=tuples(self.oidc),
            skipped=tuple(self.skipped),
            resources=dict(self.resources),
        )


def seed_demo_organization() -> DemoOrganization:
    """Create the demo organization in the active moto mock and describe what was created."""
    _seed_moto_random()
    session = boto3.Session(region_name=REGION)
    ctx = SeedContext(session=session, org=session.client("organizations", region_name=REGION))
    seed_organization_tree(ctx)
    seed_service_control_policies(ctx)
    seed_resource_control_policies(ctx)
    seed_tag_policies(ctx)
    seed_trusted_services(ctx)
    seed_admin_baseline(ctx)
    # Service areas (issue 3), each in its own module; imported here to keep seed.py's import light.
    from collectors.demo.seed_data import seed_data
    from collectors.demo.seed_identity_center import seed_identity_center
    from collectors.demo.seed_monitoring import seed_monitoring
    from collectors.demo.seed_network import seed_network

    seed_network(ctx)
    seed_monitoring(ctx)
    seed_data(ctx)
    seed_identity_center(ctx)
    seed_management_identities(ctx)
    seed_saml_federation(ctx)
    seed_security_tooling(ctx)
    seed_github_oidc(ctx)
    seed_sibling_trusts(ctx)
    seed_vendor_roles(ctx)
    seed_escalation_path(ctx)
    seed_workload_users(ctx)
    seed_password_policies(ctx)
    age_credentials(ctx)
    close_accounts(ctx)
    return ctx.freeze()


def _seed_moto_random() -> None:
    # moto draws every id (accounts, OUs, policies, access keys) from one seedable
    # random source ("Seeding Moto" in moto's documentation); without it ids differ per build.
    try:
        from moto.moto_api._internal import mock_random
    except ImportError:  # a moto without it: ids are random, the content is the same
        return
    mock_random.seed(RANDOM_SEED)


def _doc(*statements: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _note_skip(ctx: SeedContext, what: str, exc: ClientError) -> None:
    err = exc.response.get("Error", {})
    ctx.skipped.append(f"{what}: moto answered {err.get('Code')}: {err.get('Message')}")
    log.info("demo seed: skipped %s (%s)", what, err.get("Code"))


# -- Organizations ---------------------------------------------------------------------


def seed_organization_tree(ctx: SeedContext) -> None:
    org = ctx.org
    ctx.organization_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    ctx.root_id = org.list_roots()["Roots"][0]["Id"]
    ctx.accounts[MANAGEMENT] = org.describe_organization()["Organization"]["MasterAccountId"]
    ctx.account_parents[MANAGEMENT] = "Root"
    for name, parent in OU_TREE:
        parent_id = ctx.root_id if parent == "Root" else ctx.ous[parent]
        ou = org.create_organizational_unit(ParentId=parent_id, Name=name)["OrganizationalUnit"]
        ctx.ous[name], ctx.ou_parents[name] = ou["Id"], parent
    for name, parent in MEMBER_ACCOUNTS:
        status = org.create_account(Email=f"aws+{name}@example-corp.example", AccountName=name)
        account_id = status["CreateAccountStatus"]["AccountId"]
        org.move_account(
            AccountId=account_id, SourceParentId=ctx.root_id, DestinationParentId=ctx.ous[parent]
        )
        ctx.accounts[name], ctx.account_parents[name] = account_id, parent


def _enable_policy_type(ctx: SeedContext, policy_type: str) -> bool:
    try:
        ctx.org.enable_policy_type(RootId=ctx.root_id, PolicyType=policy_type)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "PolicyTypeAlreadyEnabledException":
            _note_skip(ctx, f"enabling {policy_type}", exc)
            return False
    ctx.enabled_policy_types.append(policy_type)
    return True


def _org_policy(
    ctx: SeedContext, *, name: str, policy_type: str, description: str, content: str, targets: tuple[str, ...]
) -> None:
    policy = ctx.org.create_policy(Name=name, Description=description, Type=policy_type, Content=content)
    policy_id = policy["Policy"]["PolicySummary"]["Id"]
    ctx.policies[name], ctx.policy_types[name] = policy_id, policy_type
    for target in targets:
        target_id = ctx.root_id if target == "Root" else ctx.ous.get(target) or ctx.accounts[target]
        ctx.org.attach_policy(PolicyId=policy_id, TargetId=target_id)
    ctx.policy_targets[name] = list(targets)


def seed_service_control_policies(ctx: SeedContext) -> None:
    if not _enable_policy_type(ctx, "SERVICE_CONTROL_POLICY"):
        return
    scp = "SERVICE_CONTROL_POLICY"
    _org_policy(
        ctx,
        name="DenyLeaveOrganization",
        policy_type=scp,
        description="Member accounts cannot leave the organization",
        content=_doc(
            {
                "Sid": "DenyLeave",
                "Effect": "Deny",
                "Action": "organizations:LeaveOrganization",
                "Resource": "*",
            }
        ),
        targets=("Root",),
    )
    # The usual guardrail shape: deny tampering with logging and detection, except for the
    # role the organization uses to administer accounts.
    break_glass = {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role/{MEMBER_ROLE}"}}
    _org_policy(
        ctx,
        name="ProtectSecurityServices",
        policy_type=scp,
        description="Protect CloudTrail, AWS Config and GuardDuty from being disabled",
        content=_doc(
            {
                "Sid": "ProtectCloudTrail",
                "Effect": "Deny",
                "Action": [
                    "cloudtrail:StopLogging",
                    "cloudtrail:DeleteTrail",
                    "cloudtrail:UpdateTrail",
                    "cloudtrail:PutEventSelectors",
                ],
                "Resource": "*",
                "Condition": break_glass,
            },
            {
                "Sid": "ProtectConfig",
                "Effect": "Deny",
                "Action": [
                    "config:StopConfigurationRecorder",
                    "config:DeleteConfigurationRecorder",
                    "config:DeleteDeliveryChannel",
                ],
                "Resource": "*",
                "Condition": break_glass,
            },
            {
                "Sid": "ProtectGuardDuty",
                "Effect": "Deny",
                "Action": [
                    "guardduty:DeleteDetector",
                    "guardduty:UpdateDetector",
                    "guardduty:DisassociateFromAdministratorAccount",
                ],
                "Resource": "*",
                "Condition": break_glass,
            },
        ),
        targets=("Root",),
    )
    # Region restriction as in the AWS Organizations SCP examples: NotAction exempts global
    # services, whose requests are made in us-east-1 (aws:RequestedRegion documentation).
    _org_policy(
        ctx,
        name="RegionRestriction",
        policy_type=scp,
        description=f"Workloads run only in {', '.join(ALLOWED_REGIONS)}",
        content=_doc(
            {
                "Sid": "DenyOutsideAllowedRegions",
                "Effect": "Deny",
                "NotAction": [
                    "iam:*",
                    "organizations:*",
                    "sts:*",
                    "support:*",
                    "cloudfront:*",
                    "route53:*",
                    "budgets:*",
                ],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": list(ALLOWED_REGIONS)}},
            }
        ),
        targets=("Workloads",),
    )
    _org_policy(
        ctx,
        name="DenyRootUser",
        policy_type=scp,
        description="No actions as the root user in production accounts",
        content=_doc(
            {
                "Sid": "DenyRoot",
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}},
            }
        ),
        targets=("Prod",),
    )
    _org_policy(
        ctx,
        name="SandboxDenyExpensiveInstances",
        policy_type=scp,
        description="Sandbox accounts may launch only small instance types",
        content=_doc(
            {
                "Sid": "DenyLargeInstances",
                "Effect": "Deny",
                "Action": "ec2:RunInstances",
                "Resource": "arn:aws:ec2:*:*:instance/*",
                "Condition": {"StringNotLike": {"ec2:InstanceType": ["t3.*", "t3a.*", "t4g.*"]}},
            }
        ),
        targets=("Sandbox",),
    )
    _org_policy(
        ctx,
        name="DenyAllSuspended",
        policy_type=scp,
        description="Quarantine for accounts being closed",
        content=_doc({"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}),
        targets=("Suspended",),
    )


def seed_resource_control_policies(ctx: SeedContext) -> None:
    if not _enable_policy_type(ctx, "RESOURCE_CONTROL_POLICY"):
        return
    # A data perimeter in the shape of AWS's RCP examples: only identities of this
    # organization (or AWS services) reach the resources, and only over TLS. sts:AssumeRole
    # is left out on purpose: it would block the vendor roles the demo wants to exhibit.
    _org_policy(
        ctx,
        name="DataPerimeter",
        policy_type="RESOURCE_CONTROL_POLICY",
        description="Only principals of the organization may access S3, KMS and Secrets Manager resources",
        content=_doc(
            {
                "Sid": "EnforceOrgIdentities",
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:*", "kms:*", "secretsmanager:*"],
                "Resource": "*",
                "Condition": {
                    "StringNotEqualsIfExists": {"aws:PrincipalOrgID": ctx.organization_id},
                    "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                },
            },
            {
                "Sid": "EnforceSecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:*"],
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
            },
        ),
        targets=("Workloads",),
    )


def seed_tag_policies(ctx: SeedContext) -> None:
    if not _enable_policy_type(ctx, "TAG_POLICY"):
        return
    content = {
        "tags": {
            "CostCenter": {
                "tag_key": {"@@assign": "CostCenter"},
                "tag_value": {"@@assign": ["payments", "web", "platform"]},
                "enforced_for": {"@@assign": ["ec2:instance", "s3:bucket"]},
            }
        }
    }
    _org_policy(
        ctx,
        name="RequireCostCenter",
        policy_type="TAG_POLICY",
        description="CostCenter tag values for workloads",
        content=json.dumps(content),
        targets=("Workloads",),
    )


def seed_trusted_services(ctx: SeedContext) -> None:
    for principal in (
        "guardduty.amazonaws.com",
        "securityhub.amazonaws.com",
        "access-analyzer.amazonaws.com",
        "cloudtrail.amazonaws.com",
        "config.amazonaws.com",
        "sso.amazonaws.com",
    ):
        try:
            ctx.org.enable_aws_service_access(ServicePrincipal=principal)
            ctx.service_access.append(principal)
        except ClientError as exc:
            _note_skip(ctx, f"trusted access for {principal}", exc)
    # moto 5.2 accepts delegated administrators only for some services (not Security Hub).
    for principal in (
        "guardduty.amazonaws.com",
        "securityhub.amazonaws.com",
        "access-analyzer.amazonaws.com",
    ):
        try:
            ctx.org.register_delegated_administrator(
                AccountId=ctx.accounts["security-tooling"], ServicePrincipal=principal
            )
            ctx.delegated.setdefault("security-tooling", []).append(principal)
        except ClientError as exc:
            _note_skip(ctx, f"delegated administrator for {principal}", exc)


def close_accounts(ctx: SeedContext) -> None:
    for name in CLOSED_ACCOUNTS:
        try:
            ctx.org.close_account(AccountId=ctx.accounts[name])
        except ClientError as exc:
            _note_skip(ctx, f"closing {name}", exc)


# -- IAM ----------------------------------------------------------------------------------


def _user(ctx: SeedContext, account: str, name: str, *, console: bool = False, keys: int = 0) -> None:
    iam = ctx.client(account, "iam")
    iam.create_user(UserName=name, Tags=[{"Key": "Owner", "Value": "demo"}])
    if console:
        iam.create_login_profile(
            UserName=name, Password="Demo-Only-Not-A-Secret-1!", PasswordResetRequired=False
        )
    for _ in range(keys):
        iam.create_access_key(UserName=name)  # the secret is discarded: moto's, never stored
    ctx.users.setdefault(account, []).append(name)


def _mfa(ctx: SeedContext, account: str, user: str) -> None:
    iam = ctx.client(account, "iam")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(
        UserName=user, SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
    )
    ctx.mfa_users.setdefault(account, []).append(user)


def _group(ctx: SeedContext, account: str, name: str, *, policy_arn: str, members: tuple[str, ...]) -> None:
    iam = ctx.client(account, "iam")
    iam.create_group(GroupName=name)
    iam.attach_group_policy(GroupName=name, PolicyArn=policy_arn)
    for member in members:
        iam.add_user_to_group(GroupName=name, UserName=member)
    ctx.groups.setdefault(account, []).append(name)


def _role(
    ctx: SeedContext,
    account: str,
    name: str,
    *,
    trust: Mapping[str, Any],
    description: str,
    managed: tuple[str, ...] = (),
    inline: Mapping[str, Any] | None = None,
) -> None:
    iam = ctx.client(account, "iam")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=_doc(trust), Description=description)
    for arn in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    if inline is not None:
        iam.put_role_policy(RoleName=name, PolicyName=f"{name}Inline", PolicyDocument=_doc(inline))
    ctx.roles.setdefault(account, []).append(name)


def _admin_arn(ctx: SeedContext, account: str) -> str:
    return f"arn:aws:iam::{ctx.accounts[account]}:policy/{ADMIN_POLICY}"


def _active_accounts(ctx: SeedContext) -> list[str]:
    return [name for name in ctx.accounts if name not in CLOSED_ACCOUNTS]


def seed_admin_baseline(ctx: SeedContext) -> None:
    """An admin policy and an alias in every account; the member role gets admin, as AWS gives it."""
    for account in _active_accounts(ctx):
        iam = ctx.client(account, "iam")
        # moto loads AWS-managed policies only with MOTO_IAM_LOAD_MANAGED_POLICIES, which makes
        # every GetAccountAuthorizationDetails list ~1,500 policies; a customer-managed "*:*"
        # policy keeps the demo small (see docs/demo.md).
        iam.create_policy(
            PolicyName=ADMIN_POLICY,
            Description="Full access (stands in for the AWS-managed AdministratorAccess)",
            PolicyDocument=_doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        )
        iam.create_account_alias(AccountAlias=f"example-corp-{account}")
        if account != MANAGEMENT:
            iam.attach_role_policy(RoleName=MEMBER_ROLE, PolicyArn=_admin_arn(ctx, account))


def seed_management_identities(ctx: SeedContext) -> None:
    acct = MANAGEMENT
    _user(ctx, acct, "alice.admin", console=True)
    _mfa(ctx, acct, "alice.admin")
    _user(ctx, acct, "bob.admin", console=True)  # an administrator without MFA
    _user(ctx, acct, "carol.audit", console=True)
    _mfa(ctx, acct, "carol.audit")
    _user(ctx, acct, "legacy-automation", keys=2)  # two active keys, one of them old
    iam = ctx.client(acct, "iam")
    _group(
        ctx, acct, "Administrators", policy_arn=_admin_arn(ctx, acct), members=("alice.admin", "bob.admin")
    )
    iam.create_policy(
        PolicyName="AuditReadOnly",
        PolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Action": ["iam:Get*", "iam:List*", "organizations:Describe*", "organizations:List*"],
                "Resource": "*",
            }
        ),
    )
    _group(
        ctx,
        acct,
        "Auditors",
        policy_arn=f"arn:aws:iam::{ctx.accounts[acct]}:policy/AuditReadOnly",
        members=("carol.audit",),
    )
    # A policy attached to a user directly rather than through a group.
    iam.attach_user_policy(UserName="legacy-automation", PolicyArn=_admin_arn(ctx, acct))


def _saml_metadata() -> str:
    """IdP metadata of the demo's corporate IdP. The signing certificate is visibly not real."""
    cert = "ZGVtby1vbmx5LW5vdC1hLXJlYWwtY2VydGlmaWNhdGU" * 12  # base64 of "demo-only-not-a-real-certificate"
    idp = "https://idp.example-corp.example/saml"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{idp}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false"
      protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{idp}/sso"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{idp}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


def seed_saml_federation(ctx: SeedContext) -> None:
    acct = MANAGEMENT
    iam = ctx.client(acct, "iam")
    arn = iam.create_saml_provider(Name="CorpIdP", SAMLMetadataDocument=_saml_metadata())["SAMLProviderArn"]
    ctx.saml.setdefault(acct, []).append(arn)
    _role(
        ctx,
        acct,
        "CorpIdPAdministrators",
        description="Administrators signing in through the corporate IdP",
        trust={
            "Effect": "Allow",
            "Principal": {"Federated": arn},
            "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
        },
        managed=(_admin_arn(ctx, acct),),
    )


def seed_security_tooling(ctx: SeedContext) -> None:
    acct = "security-tooling"
    # A Lambda-run scanner that may assume the admin role in every other account.
    _role(
        ctx,
        acct,
        "SecurityScanner",
        description="Scans every account",
        trust={
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        },
        inline={
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": "arn:aws:iam::*:role/SecurityToolingAdmin",
        },
    )
    _user(ctx, acct, "ir.responder", console=True)
    _mfa(ctx, acct, "ir.responder")
    ctx.client(acct, "iam").put_user_policy(
        UserName="ir.responder",
        PolicyName="AssumeSecurityToolingAdmin",
        PolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": "arn:aws:iam::*:role/SecurityToolingAdmin",
            }
        ),
    )


def seed_sibling_trusts(ctx: SeedContext) -> None:
    """Cross-account admin from security-tooling everywhere; deployments from shared-services."""
    tooling = ctx.accounts["security-tooling"]
    for account in _active_accounts(ctx):
        if account == "security-tooling":
            continue
        _role(
            ctx,
            account,
            "SecurityToolingAdmin",
            description="Administrative access for the security team's account",
            trust={
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{tooling}:root"},
                "Action": "sts:AssumeRole",
            },
            managed=(_admin_arn(ctx, account),),
        )
    shared = ctx.accounts["shared-services"]
    for account in WORKLOAD_ACCOUNTS:
        _role(
            ctx,
            account,
            "DeployFromSharedServices",
            description="Deployments by the CI/CD pipelines in shared-services",
            trust={
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{shared}:role/GitHubActionsDeploy"},
                "Action": "sts:AssumeRole",
            },
            managed=(_admin_arn(ctx, account),),
        )


def seed_vendor_roles(ctx: SeedContext) -> None:
    acct = "payments-prod"
    iam = ctx.client(acct, "iam")
    iam.create_policy(
        PolicyName="VendorReadOnly",
        PolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Action": ["cloudwatch:Get*", "cloudwatch:List*", "ec2:Describe*", "s3:ListAllMyBuckets"],
                "Resource": "*",
            }
        ),
    )
    read_only = f"arn:aws:iam::{ctx.accounts[acct]}:policy/VendorReadOnly"
    vendor = {"AWS": f"arn:aws:iam::{VENDOR_ACCOUNT_ID}:root"}
    _role(
        ctx,
        acct,
        "VendorMonitoring",
        description="Monitoring vendor, with an external id (confused-deputy protection)",
        trust={
            "Effect": "Allow",
            "Principal": vendor,
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "example-corp-7f3a9c"}},
        },
        managed=(read_only,),
    )
    _role(
        ctx,
        acct,
        "VendorSupport",
        description="Support vendor, trusted without an external id",
        trust={"Effect": "Allow", "Principal": vendor, "Action": "sts:AssumeRole"},
        managed=(read_only,),
    )


def seed_github_oidc(ctx: SeedContext) -> None:
    acct = "shared-services"
    iam = ctx.client(acct, "iam")
    arn = iam.create_open_id_connect_provider(
        Url=GITHUB_OIDC_URL,
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"],
    )["OpenIDConnectProviderArn"]
    ctx.oidc.setdefault(acct, []).append(arn)
    aud = {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
    # GitHub's guidance: always restrict the "sub" claim, or any repository can assume the role.
    _role(
        ctx,
        acct,
        "GitHubActionsDeploy",
        description="Deployments from the platform-infra main branch",
        trust={
            "Effect": "Allow",
            "Principal": {"Federated": arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {**aud, "token.actions.githubusercontent.com:sub": GITHUB_REPO_SUB}
            },
        },
        inline={
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": "arn:aws:iam::*:role/DeployFromSharedServices",
        },
    )
    _role(
        ctx,
        acct,
        "GitHubActionsBuild",
        description="Build role; its trust checks the audience only",
        trust={
            "Effect": "Allow",
            "Principal": {"Federated": arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": aud},
        },
        managed=(_admin_arn(ctx, acct),),
    )


def seed_escalation_path(ctx: SeedContext) -> None:
    """iam:PassRole on * with lambda:CreateFunction: a path to an admin execution role."""
    acct = "web-prod"
    _role(
        ctx,
        acct,
        "WebAdminExecution",
        description="Lambda execution role with full access",
        trust={
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        },
        managed=(_admin_arn(ctx, acct),),
    )
    _role(
        ctx,
        acct,
        "LambdaDeployer",
        description="Deploys Lambda functions",
        trust={
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ctx.accounts[acct]}:root"},
            "Action": "sts:AssumeRole",
        },
        inline={
            "Effect": "Allow",
            "Action": [
                "iam:PassRole",
                "lambda:CreateFunction",
                "lambda:InvokeFunction",
                "lambda:UpdateFunctionCode",
            ],
            "Resource": "*",
        },
    )
    _user(ctx, acct, "web-ci", keys=1)
    ctx.client(acct, "iam").put_user_policy(
        UserName="web-ci",
        PolicyName="AssumeLambdaDeployer",
        PolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": f"arn:aws:iam::{ctx.accounts[acct]}:role/LambdaDeployer",
            }
        ),
    )


def seed_workload_users(ctx: SeedContext) -> None:
    # payments-prod: an operators group, one member without MFA and with an old key.
    _user(ctx, "payments-prod", "erin.ops", console=True)
    _mfa(ctx, "payments-prod", "erin.ops")
    _user(ctx, "payments-prod", "frank.ops", console=True, keys=1)
    iam = ctx.client("payments-prod", "iam")
    iam.create_policy(
        PolicyName="PaymentsOperations",
        PolicyDocument=_doc(
            {"Effect": "Allow", "Action": ["ec2:*", "rds:*", "cloudwatch:*", "logs:*"], "Resource": "*"}
        ),
    )
    _group(
        ctx,
        "payments-prod",
        "PaymentsOperators",
        policy_arn=f"arn:aws:iam::{ctx.accounts['payments-prod']}:policy/PaymentsOperations",
        members=("erin.ops", "frank.ops"),
    )
    # payments-dev: developers with everything but IAM (a NotAction allow).
    _user(ctx, "payments-dev", "dev-ci", keys=1)
    _user(ctx, "payments-dev", "grace.dev", console=True)
    ctx.client("payments-dev", "iam").create_policy(
        PolicyName="PowerUser",
        PolicyDocument=_doc({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}),
    )
    _group(
        ctx,
        "payments-dev",
        "Developers",
        policy_arn=f"arn:aws:iam::{ctx.accounts['payments-dev']}:policy/PowerUser",
        members=("dev-ci", "grace.dev"),
    )
    # network: an inline user policy.
    _user(ctx, "network", "net-admin", console=True)
    ctx.client("network", "iam").put_user_policy(
        UserName="net-admin",
        PolicyName="NetworkAdmin",
        PolicyDocument=_doc(
            {"Effect": "Allow", "Action": ["ec2:*", "directconnect:*", "route53:*"], "Resource": "*"}
        ),
    )
    # sandbox-alice: the owner is an administrator with console and key, no MFA.
    _user(ctx, "sandbox-alice", "alice", console=True, keys=1)
    ctx.client("sandbox-alice", "iam").attach_user_policy(
        UserName="alice", PolicyArn=_admin_arn(ctx, "sandbox-alice")
    )


def seed_password_policies(ctx: SeedContext) -> None:
    """A strong policy (CIS: length >= 14, reuse 24) in some accounts, a weak one in one, none elsewhere."""
    strong = dict(
        MinimumPasswordLength=14,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        AllowUsersToChangePassword=True,
        MaxPasswordAge=90,
        PasswordReusePrevention=24,
    )
    for account in (MANAGEMENT, "security-tooling", "payments-prod"):
        ctx.client(account, "iam").update_account_password_policy(**strong)
        ctx.password_policy_accounts.append(account)
    ctx.client("payments-dev", "iam").update_account_password_policy(
        MinimumPasswordLength=8, RequireNumbers=True, AllowUsersToChangePassword=True
    )
    ctx.password_policy_accounts.append("payments-dev")


# (account, user, days since created, days since each key was last used or None)
AGED_USERS: tuple[tuple[str, str, int, tuple[int | None, ...]], ...] = (
    (MANAGEMENT, "legacy-automation", 420, (200, 2)),  # key 1 ~14 months old, unused 200 days
    ("payments-prod", "frank.ops", 150, (None,)),  # key ~5 months old, never used
)


def age_credentials(ctx: SeedContext) -> None:
    """Backdate some users and access keys, which the IAM API cannot do.

    moto keeps creation dates on its backend objects; setting them is the way moto's
    maintainers suggest for tests that need old keys (getmoto/moto#5927). If moto's
    internals change, the keys stay new and the seed says so in ``skipped``.
    """
    try:
        from moto.iam.models import AccessKeyLastUsed, iam_backends
    except ImportError as exc:
        ctx.skipped.append(f"backdating access keys: {exc}")
        return
    for account, user_name, age_days, last_used in AGED_USERS:
        try:
            user = iam_backends[ctx.accounts[account]]["aws"].get_user(user_name)
            now = user.create_date
            created = now - dt.timedelta(days=age_days)
            user.create_date = created
            for key, used_days in zip(user.get_all_access_keys(), last_used, strict=False):
                key.create_date = created + dt.timedelta(days=1)
                if used_days is not None:
                    key.last_used = AccessKeyLastUsed(
                        timestamp=now - dt.timedelta(days=used_days), service="sts", region=REGION
                    )
        except (AttributeError, KeyError, TypeError) as exc:
            ctx.skipped.append(f"backdating {user_name} in {account}: {type(exc).__name__}: {exc}")
            continue
        ctx.aged_keys.setdefault(account, []).append(user_name)
