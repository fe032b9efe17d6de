"""Demo IAM Identity Center: one instance in the management account, people, groups, permission sets.

moto creates an Identity Center instance (with its identity store) in every account and region
on first use; AWS has one per organization. The demo uses the management account's instance in
us-east-1. moto does not create the ``AWSReservedSSO_*`` roles that AWS provisions in each
assigned account, so they are created here the way AWS names them, so that the Inventory can
trace a role back to the people who can use it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from collectors.demo.seed import MANAGEMENT, SeedContext

REGION = "us-east-1"
ROLE_PATH = "/aws-reserved/sso.amazonaws.com/"

# (user name, display name, groups)
PEOPLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("maria.platform@example-corp.example", "Maria (platform)", ("platform-admins",)),
    ("tom.platform@example-corp.example", "Tom (platform)", ("platform-admins",)),
    ("ines.audit@example-corp.example", "Ines (internal audit)", ("auditors",)),
    ("external.auditor@audit-firm.example", "External auditor", ("auditors",)),
    ("dev.contractor@contractor.example", "Contractor", ()),  # assigned directly, not through a group
)
GROUPS = ("platform-admins", "auditors")
ADMIN_SET = "AdministratorAccess"
AUDIT_SET = "SecurityAudit"
# (account name, permission set, principal type, principal name)
ASSIGNMENTS: tuple[tuple[str, str, str, str], ...] = (
    (MANAGEMENT, ADMIN_SET, "GROUP", "platform-admins"),
    ("network", ADMIN_SET, "GROUP", "platform-admins"),
    ("payments-prod", ADMIN_SET, "GROUP", "platform-admins"),
    # Weakness: a contractor holds administrator access to production directly.
    ("payments-prod", ADMIN_SET, "USER", "dev.contractor@contractor.example"),
    (MANAGEMENT, AUDIT_SET, "GROUP", "auditors"),
    ("payments-prod", AUDIT_SET, "GROUP", "auditors"),
    ("web-prod", AUDIT_SET, "GROUP", "auditors"),
    ("security-tooling", AUDIT_SET, "GROUP", "auditors"),
)


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def seed_identity_center(ctx: SeedContext) -> None:
    """Create the demo's Identity Center content; recorded in ``ctx.resources["identity_center"]``."""
    sso = ctx.client(MANAGEMENT, "sso-admin", REGION)
    store = ctx.client(MANAGEMENT, "identitystore", REGION)
    instance = sso.list_instances()["Instances"][0]
    instance_arn, store_id = instance["InstanceArn"], instance["IdentityStoreId"]

    users: dict[str, str] = {}
    for user_name, display, _ in PEOPLE:
        given, _, family = display.partition(" ")
        users[user_name] = store.create_user(
            IdentityStoreId=store_id,
            UserName=user_name,
            DisplayName=display,
            Name={"GivenName": given, "FamilyName": family or given},
            Emails=[{"Value": user_name, "Primary": True}],
        )["UserId"]
    groups: dict[str, dict[str, Any]] = {}
    for name in GROUPS:
        group_id = store.create_group(IdentityStoreId=store_id, DisplayName=name)["GroupId"]
        members = [u for u, _, gs in PEOPLE if name in gs]
        for member in members:
            store.create_group_membership(
                IdentityStoreId=store_id, GroupId=group_id, MemberId={"UserId": users[member]}
            )
        groups[name] = {"id": group_id, "members": members}

    # Weakness: 12-hour administrator sessions (the default is 1 hour).
    admin = sso.create_permission_set(
        Name=ADMIN_SET, InstanceArn=instance_arn, SessionDuration="PT12H", Description="Full administrator"
    )["PermissionSet"]["PermissionSetArn"]
    sso.attach_managed_policy_to_permission_set(
        InstanceArn=instance_arn,
        PermissionSetArn=admin,
        ManagedPolicyArn="arn:aws:iam::aws:policy/AdministratorAccess",
    )
    # Good example: read-only audit access, with an inline policy denying reads of secret values.
    audit = sso.create_permission_set(
        Name=AUDIT_SET,
        InstanceArn=instance_arn,
        SessionDuration="PT1H",
        Description="Read-only security audit",
    )["PermissionSet"]["PermissionSetArn"]
    sso.attach_managed_policy_to_permission_set(
        InstanceArn=instance_arn,
        PermissionSetArn=audit,
        ManagedPolicyArn="arn:aws:iam::aws:policy/SecurityAudit",
    )
    sso.put_inline_policy_to_permission_set(
        InstanceArn=instance_arn,
        PermissionSetArn=audit,
        InlinePolicy=_doc(
            {
                "Sid": "NoSecretValues",
                "Effect": "Deny",
                "Action": ["secretsmanager:GetSecretValue", "ssm:GetParameter*", "kms:Decrypt"],
                "Resource": "*",
            }
        ),
    )
    sets = {ADMIN_SET: admin, AUDIT_SET: audit}

    roles: dict[str, dict[str, str]] = {}
    saml_arn = (
        f"arn:aws:iam::{{account}}:saml-provider/AWSSSO_{instance_arn.rsplit('-', 1)[-1]}_DO_NOT_DELETE"
    )
    for account, set_name, ptype, principal in ASSIGNMENTS:
        principal_id = groups[principal]["id"] if ptype == "GROUP" else users[principal]
        sso.create_account_assignment(
            InstanceArn=instance_arn,
            TargetId=ctx.accounts[account],
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=sets[set_name],
            PrincipalType=ptype,
            PrincipalId=principal_id,
        )
        if set_name in roles.get(account, {}):
            continue
        # What AWS provisions on assignment: AWSReservedSSO_<set>_<16 hex>, trusting the instance's SAML provider.
        suffix = hashlib.sha256(f"{sets[set_name]}{account}".encode()).hexdigest()[:16]
        role = ctx.client(account, "iam").create_role(
            RoleName=f"AWSReservedSSO_{set_name}_{suffix}",
            Path=ROLE_PATH,
            MaxSessionDuration=43200 if set_name == ADMIN_SET else 3600,
            AssumeRolePolicyDocument=_doc(
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": saml_arn.format(account=ctx.accounts[account])},
                    "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
                }
            ),
        )["Role"]
        roles.setdefault(account, {})[set_name] = role["Arn"]

    ctx.resources["identity_center"] = {
        "region": REGION,
        "instance_arn": instance_arn,
        "identity_store_id": store_id,
        "permission_sets": sets,
        "users": users,
        "groups": groups,
        "assignments": [list(a) for a in ASSIGNMENTS],
        "roles": roles,
    }
