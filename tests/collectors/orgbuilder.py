"""Builds a small multi-account organization in moto (in-process or server) for collection tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3


@dataclass
class MotoOrg:
    management: str
    root: str
    ous: dict[str, str] = field(default_factory=dict)  # name -> id
    accounts: dict[str, str] = field(default_factory=dict)  # name -> id
    parents: dict[str, str] = field(default_factory=dict)  # account id -> parent id
    scp_id: str = ""
    users: dict[str, set[str]] = field(default_factory=dict)  # account id -> user names
    roles: dict[str, set[str]] = field(default_factory=dict)  # account id -> role names


def member_session(account_id: str, **client_kwargs: Any) -> boto3.Session:
    sts = boto3.client("sts", region_name="us-east-1", **client_kwargs)
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole", RoleSessionName="seed"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    )


def build_org() -> MotoOrg:
    """Root → Security (audit), Workloads → Prod (prod-a, prod-b); management has one user."""
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    desc = org.describe_organization()["Organization"]
    root = org.list_roots()["Roots"][0]["Id"]
    result = MotoOrg(management=desc["MasterAccountId"], root=root)
    security = org.create_organizational_unit(ParentId=root, Name="Security")["OrganizationalUnit"]["Id"]
    workloads = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    prod = org.create_organizational_unit(ParentId=workloads, Name="Prod")["OrganizationalUnit"]["Id"]
    result.ous = {"Security": security, "Workloads": workloads, "Prod": prod}
    for name, parent in (("audit", security), ("prod-a", prod), ("prod-b", prod)):
        account_id = org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"][
            "AccountId"
        ]
        org.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=parent)
        result.accounts[name] = account_id
        result.parents[account_id] = parent
    result.parents[result.management] = root
    scp = org.create_policy(
        Name="DenyLeaveOrg",
        Type="SERVICE_CONTROL_POLICY",
        Description="deny leaving",
        Content='{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization",'
        '"Resource":"*"}]}',
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=workloads)
    result.scp_id = scp
    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="mgmt-admin")
    iam.create_access_key(UserName="mgmt-admin")
    result.users[result.management] = {"mgmt-admin"}
    for name, account_id in result.accounts.items():
        member_iam = member_session(account_id).client("iam")
        member_iam.create_user(UserName=f"{name}-dev")
        member_iam.create_role(
            RoleName=f"{name}-app",
            AssumeRolePolicyDocument=(
                '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::'
                + result.management
                + ':root"},"Action":"sts:AssumeRole"}]}'
            ),
        )
        result.users[account_id] = {f"{name}-dev"}
        result.roles[account_id] = {f"{name}-app"}
    return result
