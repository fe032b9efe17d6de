"""A synthetic, realistic large-organization snapshot, written directly (no moto, no AWS).

Why: moto is far too slow to stand up 500 accounts with 200 roles each, and
the analysis and the GUI must be measured on an organization of that size.
The generator writes exactly the calls the real collectors record (same
service, operation, region ``"global"``, parameter names, call order, one call
per ``ListOrganizationalUnitsForParent`` parent, ...) with pages shaped as
botocore parses AWS's answers (keys in service-model order, timestamps as
ISO-8601 strings, IAM policy documents already decoded to dicts as botocore's
``json_decode_policies`` handler does, the credential report ``Content`` as
CSV text), so the real readers cannot tell it from a collection, except that
the manifest's scope says ``"synthetic"``.

Everything is deterministic for a seed: the same seed gives the same page
digests (the run record in the manifest carries the real wall-clock time of
generation and is the only thing that differs).

One function per service writes its calls (``_organizations_calls``,
``_sts_calls``, ``_ec2_regions_calls``, ``_iam_calls``); what an account's IAM
holds is built first, as data, by ``build_account_iam`` (also used by
bench/fake_endpoint.py for its canned answers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from collectors import tool_version
from collectors.organizations import POLICY_TYPES
from collectors.runner import AccountOutcome, CollectionRequest
from snapshot import CallRecord, SnapshotError, SnapshotWriter
from snapshot.schema import (
    M_ACCOUNT_OUTCOMES,
    M_FINISHED_AT,
    M_IDENTITY,
    M_MANAGEMENT_ACCOUNT_ID,
    M_ORGANIZATION_ID,
    M_SCOPE,
    M_STARTED_AT,
    M_TOOL_VERSION,
    OUTCOME_ABSENT,
    OUTCOME_ACCESS_DENIED,
    OUTCOME_OK,
    OUTCOME_THROTTLED_THEN_OK,
)

DEFAULT_REGIONS = ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2")
# The synthetic collection happens at this instant; every date in the content lies before it.
COLLECTED_AT = dt.datetime(2025, 6, 2, 9, 0, 0, tzinfo=dt.UTC)
MEMBER_ROLE = "OrganizationAccountAccessRole"
ROLE_SESSION_NAME = "aws-org-audit-auditor"
AUDITOR_ROLE = "AWSReservedSSO_OrgAuditor_4f1c2b7d9e0a3c5b"
AUDITOR_SESSION = "auditor@example.com"
GLOBAL = "global"

# Page sizes AWS uses when no MaxItems/MaxResults is given: Organizations list calls return
# at most 20 items per page; IAM's default MaxItems is 100
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
ORG_PAGE = 20
IAM_PAGE = 100

# Regions as ec2:DescribeRegions(AllRegions=True) lists them; the second group are opt-in regions
# (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
DEFAULT_ENABLED_REGIONS = (
    "ap-south-1",
    "eu-north-1",
    "eu-west-3",
    "eu-west-2",
    "eu-west-1",
    "ap-northeast-3",
    "ap-northeast-2",
    "ap-northeast-1",
    "ca-central-1",
    "sa-east-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "eu-central-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)
OPT_IN_REGIONS = (
    "af-south-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
)

# Root → top OUs → sub-OUs (→ a third level under Data-Prod), after AWS's recommended OU layout
# (https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/recommended-ous-and-scps.html).
OU_LAYOUT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Security", ("Prod", "NonProd")),
    ("Infrastructure", ("Prod", "NonProd")),
    (
        "Workloads",
        (
            "Payments-Prod",
            "Payments-NonProd",
            "Retail-Prod",
            "Retail-NonProd",
            "Data-Prod",
            "Data-NonProd",
            "Platform-Prod",
            "Platform-NonProd",
            "ML-Prod",
            "ML-NonProd",
        ),
    ),
    ("Sandbox", ("Developers", "Hackathon")),
    ("PolicyStaging", ("SCP-Test", "Canary")),
    ("Suspended", ()),
)
THIRD_LEVEL = {"Workloads/Data-Prod": ("Analytics", "Lake")}
CORE_ACCOUNTS = (
    ("management", ""),
    ("log-archive", "Security/Prod"),
    ("security-tooling", "Security/Prod"),
    ("network", "Infrastructure/Prod"),
    ("shared-services", "Infrastructure/Prod"),
)
# Where the other accounts go (OU path, weight).
ACCOUNT_SPREAD: tuple[tuple[str, float], ...] = (
    ("Workloads/Payments-Prod", 8),
    ("Workloads/Payments-NonProd", 8),
    ("Workloads/Retail-Prod", 9),
    ("Workloads/Retail-NonProd", 9),
    ("Workloads/Data-Prod", 3),
    ("Workloads/Data-Prod/Analytics", 5),
    ("Workloads/Data-Prod/Lake", 4),
    ("Workloads/Data-NonProd", 7),
    ("Workloads/Platform-Prod", 6),
    ("Workloads/Platform-NonProd", 6),
    ("Workloads/ML-Prod", 4),
    ("Workloads/ML-NonProd", 5),
    ("Sandbox/Developers", 10),
    ("Sandbox/Hackathon", 3),
    ("Security/NonProd", 1),
    ("Infrastructure/NonProd", 3),
    ("PolicyStaging/SCP-Test", 2),
    ("PolicyStaging/Canary", 2),
    ("", 1),  # stragglers left under the root
)
DELEGATED_SERVICES = (
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "access-analyzer.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
)
TRUSTED_SERVICES = (
    "access-analyzer.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
    "guardduty.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
    "ram.amazonaws.com",
    "securityhub.amazonaws.com",
    "sso.amazonaws.com",
)

ProgressFn = Callable[[int, int, str], None]


@dataclass(frozen=True, kw_only=True)
class GeneratedOrg:
    """What was generated: enough for tests and benchmarks to know what to expect."""

    path: Path
    organization_id: str
    management_account_id: str
    root_id: str
    account_ids: tuple[str, ...]  # every account in the organization, management first
    collected_account_ids: tuple[str, ...]  # accounts whose IAM was collected
    ou_ids: tuple[str, ...]
    calls: int
    pages: int
    digest: str


@dataclass(frozen=True, kw_only=True)
class _Ou:
    id: str
    name: str
    arn: str
    parent_id: str
    path: str  # "Workloads/Data-Prod"


@dataclass(frozen=True, kw_only=True)
class _Account:
    id: str
    name: str
    email: str
    parent_id: str
    kind: str  # management, log-archive, ..., workload, sandbox, suspended
    status: str
    joined: str
    joined_method: str


@dataclass(frozen=True, kw_only=True)
class _Org:
    id: str
    arn: str
    root_id: str
    root_arn: str
    management: _Account
    ous: tuple[_Ou, ...]
    accounts: tuple[_Account, ...]

    def ou_by_path(self, path: str) -> str:
        if not path:
            return self.root_id
        for ou in self.ous:
            if ou.path == path:
                return ou.id
        raise KeyError(path)

    def account_of_kind(self, kind: str) -> _Account:
        return next((a for a in self.accounts if a.kind == kind), self.management)


# -- small helpers -----------------------------------------------------------------------


def iso(t: dt.datetime) -> str:
    """A timestamp as botocore parses it and the snapshot stores it."""
    return t.isoformat()


def _ident(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    if not items:
        yield items
        return
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _org_pages(key: str, items: Sequence[Any], rng: random.Random) -> list[dict[str, Any]]:
    """Pages of an Organizations list call: ``NextToken`` on all but the last."""
    chunks = list(_chunks(items, ORG_PAGE))
    pages: list[dict[str, Any]] = []
    for i, chunk in enumerate(chunks):
        page: dict[str, Any] = {key: list(chunk)}
        if i < len(chunks) - 1:
            page["NextToken"] = _ident(rng, TOKEN_CHARS, 160)
        pages.append(page)
    return pages


class _Recorder:
    """Writes calls with deterministic timing, as a collection with 8 workers would have."""

    def __init__(self, *, writer: SnapshotWriter, seed: int) -> None:
        self.writer = writer
        self._rng = random.Random(f"timing:{seed}")
        self._clock = COLLECTED_AT
        self.calls = 0
        self.pages = 0

    @property
    def now(self) -> dt.datetime:
        return self._clock

    def record(
        self,
        *,
        account_id: str,
        service: str,
        operation: str,
        identity_arn: str,
        params: Mapping[str, Any] | None = None,
        pages: Sequence[Mapping[str, Any]] = (),
        outcome: str = OUTCOME_OK,
        error_code: str | None = None,
        error_message: str | None = None,
        attempts: int = 1,
    ) -> None:
        duration = len(pages) * self._rng.uniform(40.0, 180.0) + self._rng.uniform(20.0, 90.0)
        if outcome == OUTCOME_THROTTLED_THEN_OK:
            duration += self._rng.uniform(300.0, 2500.0)
        if attempts > 1:
            duration += 2000.0 * (attempts - 1)
        started = self._clock.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        # Eight workers overlap their calls: the wall clock advances by an eighth.
        self._clock += dt.timedelta(milliseconds=duration / 8.0)
        self.writer.record_call(
            CallRecord(
                account_id=account_id,
                region=GLOBAL,
                service=service,
                operation=operation,
                parameters=dict(params or {}),
                identity_arn=identity_arn,
                started_at=started,
                duration_ms=round(duration, 3),
                outcome=outcome,
                error_code=error_code,
                error_message=error_message,
                attempts=attempts,
            ),
            list(pages),
        )
        self.calls += 1
        self.pages += len(pages)

    def maybe_throttled(self, probability: float) -> str:
        return OUTCOME_THROTTLED_THEN_OK if self._rng.random() < probability else OUTCOME_OK


# -- the organization --------------------------------------------------------------------


def build_org(*, accounts: int, seed: int) -> _Org:
    """The OU tree and the accounts in it (no calls written)."""
    rng = random.Random(f"org:{seed}")
    used_ids: set[str] = set()

    def account_id() -> str:
        while True:
            value = str(rng.randint(100000000000, 999999999999))
            if value not in used_ids:
                used_ids.add(value)
                return value

    mgmt_id = account_id()
    org_id = "o-" + _ident(rng, LOWER_ALNUM, 10)
    root_suffix = _ident(rng, LOWER_ALNUM, 4)
    root_id = "r-" + root_suffix
    prefix = f"arn:aws:organizations::{mgmt_id}"
    ous: list[_Ou] = []

    def add_ou(name: str, parent_id: str, path: str) -> str:
        ou_id = f"ou-{root_suffix}-{_ident(rng, LOWER_ALNUM, 8)}"
        ous.append(
            _Ou(id=ou_id, name=name, arn=f"{prefix}:ou/{org_id}/{ou_id}", parent_id=parent_id, path=path)
        )
        return ou_id

    for top, subs in OU_LAYOUT:
        top_id = add_ou(top, root_id, top)
        for sub in subs:
            sub_id = add_ou(sub, top_id, f"{top}/{sub}")
            for third in THIRD_LEVEL.get(f"{top}/{sub}", ()):
                add_ou(third, sub_id, f"{top}/{sub}/{third}")
    by_path = {ou.path: ou.id for ou in ous}
    by_path[""] = root_id

    def joined(min_days: int, max_days: int) -> str:
        seconds = rng.randint(min_days * 86400, max_days * 86400)
        stamp = COLLECTED_AT - dt.timedelta(seconds=seconds, microseconds=rng.randint(0, 999) * 1000)
        return iso(stamp)

    out: list[_Account] = []
    total = max(1, accounts)
    n_core = 1 if total == 1 else min(len(CORE_ACCOUNTS), total - 1)
    for kind, path in CORE_ACCOUNTS[:n_core]:
        name = "Management" if kind == "management" else kind
        out.append(
            _Account(
                id=mgmt_id if kind == "management" else account_id(),
                name=name,
                email=f"aws+{kind}@example.com",
                parent_id=by_path[path],
                kind=kind,
                status="ACTIVE",
                joined=joined(2200, 2400),
                joined_method="INVITED" if kind == "management" else "CREATED",
            )
        )
    paths = [p for p, _ in ACCOUNT_SPREAD]
    weights = [w for _, w in ACCOUNT_SPREAD]
    counters: dict[str, int] = {}
    for _ in range(total - n_core):
        suspended = total >= 20 and rng.random() < 0.02
        path = "Suspended" if suspended else rng.choices(paths, weights)[0]
        leaf = path.split("/")[-1].lower() if path else "legacy"
        if path.startswith("Workloads/Data-Prod/"):
            leaf = "data-" + leaf
        counters[leaf] = counters.get(leaf, 0) + 1
        name = f"{leaf}-{counters[leaf]:03d}"
        kind = "suspended" if suspended else ("sandbox" if path.startswith("Sandbox") else "workload")
        legacy = rng.random() < 0.08
        out.append(
            _Account(
                id=account_id(),
                name=name,
                email=f"aws+{name}@example.com",
                parent_id=by_path[path],
                kind=kind,
                status="SUSPENDED" if suspended else "ACTIVE",
                joined=joined(20, 2000),
                joined_method="INVITED" if legacy else "CREATED",
            )
        )
    return _Org(
        id=org_id,
        arn=f"{prefix}:organization/{org_id}",
        root_id=root_id,
        root_arn=f"{prefix}:root/{org_id}/{root_id}",
        management=out[0],
        ous=tuple(ous),
        accounts=tuple(out),
    )


def _account_arn(org: _Org, account: _Account) -> str:
    return f"arn:aws:organizations::{org.management.id}:account/{org.id}/{account.id}"


def _account_json(org: _Org, a: _Account) -> dict[str, Any]:
    # Keys in the service model's order, as botocore's JSON parser emits them.
    return {
        "Id": a.id,
        "Arn": _account_arn(org, a),
        "Email": a.email,
        "Name": a.name,
        "Status": a.status,
        "State": a.status,
        "JoinedMethod": a.joined_method,
        "JoinedTimestamp": a.joined,
    }


def _doc(statements: list[dict[str, Any]]) -> str:
    # Organizations returns the policy text as it was saved: a JSON string, not decoded.
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=4)


# Global services left out of region restriction, from AWS's example SCP
# (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html).
GLOBAL_NOT_ACTIONS = [
    "a4b:*",
    "acm:*",
    "aws-marketplace-management:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "budgets:*",
    "ce:*",
    "chime:*",
    "cloudfront:*",
    "config:*",
    "cur:*",
    "directconnect:*",
    "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways",
    "fms:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "importexport:*",
    "kms:*",
    "mobileanalytics:*",
    "networkmanager:*",
    "organizations:*",
    "pricing:*",
    "route53:*",
    "route53domains:*",
    "s3:GetAccountPublic*",
    "s3:ListAllMyBuckets",
    "s3:PutAccountPublic*",
    "shield:*",
    "sts:*",
    "support:*",
    "trustedadvisor:*",
    "waf-regional:*",
    "waf:*",
    "wafv2:*",
    "wellarchitected:*",
]


@dataclass(frozen=True, kw_only=True)
class _OrgPolicy:
    id: str
    arn: str
    name: str
    description: str
    type: str
    aws_managed: bool
    content: str
    targets: tuple[str, ...]  # root, OU or account ids


def build_org_policies(org: _Org, *, regions: Sequence[str], seed: int) -> list[_OrgPolicy]:
    """SCPs, RCPs, tag and AI opt-out policies at several levels of the tree, with targets."""
    rng = random.Random(f"policies:{seed}")
    everything = (org.root_id, *(ou.id for ou in org.ous), *(a.id for a in org.accounts))
    log_archive = org.account_of_kind("log-archive")
    sandbox_accounts = [a.id for a in org.accounts if a.kind == "sandbox"]

    def ou(path: str) -> str:
        return org.ou_by_path(path)

    def custom(ptype: str, name: str, description: str, content: str, targets: Sequence[str]) -> _OrgPolicy:
        pid = "p-" + _ident(rng, LOWER_ALNUM, 8)
        arn = f"arn:aws:organizations::{org.management.id}:policy/{org.id}/{ptype.lower()}/{pid}"
        return _OrgPolicy(
            id=pid,
            arn=arn,
            name=name,
            description=description,
            type=ptype,
            aws_managed=False,
            content=content,
            targets=tuple(targets),
        )

    scp, rcp = "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"
    exempt_admin = {"ArnNotLike": {"aws:PrincipalARN": [f"arn:aws:iam::*:role/{MEMBER_ROLE}"]}}
    policies = [
        _OrgPolicy(
            id="p-FullAWSAccess",
            arn="arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
            name="FullAWSAccess",
            description="Allows access to every operation",
            type=scp,
            aws_managed=True,
            content=_doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
            targets=everything,
        ),
        custom(
            scp,
            "DenyLeaveOrganization",
            "Member accounts cannot leave the organization",
            _doc(
                [
                    {
                        "Sid": "DenyLeave",
                        "Effect": "Deny",
                        "Action": "organizations:LeaveOrganization",
                        "Resource": "*",
                    }
                ]
            ),
            [org.root_id],
        ),
        custom(
            scp,
            "ProtectSecurityBaseline",
            "CloudTrail, Config, GuardDuty, Security Hub and Access Analyzer cannot be turned off",
            _doc(
                [
                    {
                        "Sid": "ProtectSecurityServices",
                        "Effect": "Deny",
                        "Action": [
                            "cloudtrail:DeleteTrail",
                            "cloudtrail:PutEventSelectors",
                            "cloudtrail:StopLogging",
                            "cloudtrail:UpdateTrail",
                            "config:DeleteConfigurationRecorder",
                            "config:DeleteDeliveryChannel",
                            "config:StopConfigurationRecorder",
                            "guardduty:DeleteDetector",
                            "guardduty:DisassociateFromMasterAccount",
                            "guardduty:UpdateDetector",
                            "securityhub:DisableSecurityHub",
                            "access-analyzer:DeleteAnalyzer",
                        ],
                        "Resource": "*",
                        "Condition": exempt_admin,
                    }
                ]
            ),
            [org.root_id],
        ),
        custom(
            scp,
            "DenyRootUser",
            "The root user of member accounts can do nothing",
            _doc(
                [
                    {
                        "Sid": "DenyRootUser",
                        "Effect": "Deny",
                        "Action": "*",
                        "Resource": "*",
                        "Condition": {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}},
                    }
                ]
            ),
            [ou("Workloads"), ou("Sandbox"), ou("Infrastructure")],
        ),
        custom(
            scp,
            "RegionRestriction",
            "Only the approved regions, except for global services",
            _doc(
                [
                    {
                        "Sid": "DenyOutsideApprovedRegions",
                        "Effect": "Deny",
                        "NotAction": GLOBAL_NOT_ACTIONS,
                        "Resource": "*",
                        "Condition": {
                            "StringNotEquals": {"aws:RequestedRegion": list(regions)},
                            **exempt_admin,
                        },
                    }
                ]
            ),
            [ou("Workloads"), ou("Sandbox")],
        ),
        custom(
            scp,
            "DenyIAMUserCreation",
            "Workload accounts use Identity Center, not IAM users",
            _doc(
                [
                    {
                        "Sid": "DenyIamUsers",
                        "Effect": "Deny",
                        "Action": ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"],
                        "Resource": "*",
                        "Condition": exempt_admin,
                    }
                ]
            ),
            [ou("Workloads")],
        ),
        custom(
            scp,
            "SandboxGuardrails",
            "Small instances only, no network connectivity to the rest of the estate",
            _doc(
                [
                    {
                        "Sid": "SmallInstancesOnly",
                        "Effect": "Deny",
                        "Action": "ec2:RunInstances",
                        "Resource": "arn:aws:ec2:*:*:instance/*",
                        "Condition": {"StringNotLike": {"ec2:InstanceType": ["t3.*", "t4g.*"]}},
                    },
                    {
                        "Sid": "NoPrivateConnectivity",
                        "Effect": "Deny",
                        "Action": [
                            "ec2:AcceptVpcPeeringConnection",
                            "ec2:CreateVpcPeeringConnection",
                            "ec2:CreateTransitGatewayVpcAttachment",
                            "directconnect:*",
                        ],
                        "Resource": "*",
                    },
                ]
            ),
            [ou("Sandbox"), *sandbox_accounts[:1]],
        ),
        custom(
            scp,
            "RequireIMDSv2",
            "Instances must require IMDSv2 (being trialled in policy staging)",
            _doc(
                [
                    {
                        "Sid": "RequireImdsV2",
                        "Effect": "Deny",
                        "Action": "ec2:RunInstances",
                        "Resource": "arn:aws:ec2:*:*:instance/*",
                        "Condition": {"StringNotEquals": {"ec2:MetadataHttpTokens": "required"}},
                    }
                ]
            ),
            [ou("PolicyStaging/SCP-Test")],
        ),
        custom(
            scp,
            "DenyAll",
            "Suspended accounts can do nothing",
            _doc([{"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}]),
            [ou("Suspended")],
        ),
        custom(
            scp,
            "ProtectLogArchive",
            "The organization trail's bucket cannot be changed",
            _doc(
                [
                    {
                        "Sid": "ProtectTrailBucket",
                        "Effect": "Deny",
                        "Action": [
                            "s3:DeleteBucket",
                            "s3:DeleteBucketPolicy",
                            "s3:PutBucketPolicy",
                            "s3:PutBucketVersioning",
                            "s3:PutLifecycleConfiguration",
                        ],
                        "Resource": [
                            f"arn:aws:s3:::org-trail-{log_archive.id}",
                            f"arn:aws:s3:::org-trail-{log_archive.id}/*",
                        ],
                    }
                ]
            ),
            [log_archive.id] if log_archive is not org.management else [],
        ),
        custom(
            scp,
            "LegacyDenyS3Public",
            "Superseded by account-level Block Public Access; no longer attached",
            _doc(
                [
                    {
                        "Effect": "Deny",
                        "Action": ["s3:PutBucketAcl", "s3:PutObjectAcl"],
                        "Resource": "*",
                        "Condition": {"StringEquals": {"s3:x-amz-acl": ["public-read", "public-read-write"]}},
                    }
                ]
            ),
            [],
        ),
        _OrgPolicy(
            id="p-RCPFullAWSAccess",
            arn="arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess",
            name="RCPFullAWSAccess",
            description="Allows access to every operation",
            type=rcp,
            aws_managed=True,
            content=_doc([{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]),
            targets=everything,
        ),
        custom(
            rcp,
            "EnforceOrgIdentityPerimeter",
            "Only principals of the organization (or AWS services) reach workload data",
            _doc(
                [
                    {
                        "Sid": "EnforceOrgIdentities",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*"],
                        "Resource": "*",
                        "Condition": {
                            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": org.id},
                            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                        },
                    }
                ]
            ),
            [ou("Workloads")],
        ),
        custom(
            "TAG_POLICY",
            "CostCenterTagging",
            "CostCenter tag with the finance team's values",
            json.dumps(
                {
                    "tags": {
                        "costcenter": {
                            "tag_key": {"@@assign": "CostCenter"},
                            "tag_value": {"@@assign": ["100", "200", "300", "400"]},
                            "enforced_for": {"@@assign": ["ec2:instance", "s3:bucket"]},
                        }
                    }
                },
                indent=4,
            ),
            [ou("Workloads")],
        ),
        custom(
            "AISERVICES_OPT_OUT_POLICY",
            "OptOutOfAIServices",
            "No AI service may store or use content",
            json.dumps({"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}}, indent=4),
            [org.root_id],
        ),
    ]
    return policies


# -- IAM content of one account ----------------------------------------------------------

B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
HEX = "0123456789abcdef"


def _pdoc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(actions: str | list[str], resources: str | list[str], sid: str | None = None) -> dict[str, Any]:
    stmt: dict[str, Any] = {"Sid": sid} if sid else {}
    stmt.update({"Effect": "Allow", "Action": actions, "Resource": resources})
    return stmt


# AWS managed policies this generator attaches: (path, creation date, current version, document).
# The documents are AWS's for the small policies; for the service-linked role policies, which are
# long, only their first statements are kept (said in bench/README.md).
AWS_MANAGED: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "AdministratorAccess": ("/", "2015-02-06T18:39:46+00:00", "v1", _pdoc(_allow("*", "*"))),
    "PowerUserAccess": (
        "/",
        "2015-02-06T18:39:47+00:00",
        "v5",
        _pdoc(
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            _allow(
                [
                    "iam:CreateServiceLinkedRole",
                    "iam:DeleteServiceLinkedRole",
                    "iam:ListRoles",
                    "organizations:DescribeOrganization",
                    "account:ListRegions",
                    "account:GetAccountInformation",
                ],
                "*",
            ),
        ),
    ),
    "IAMReadOnlyAccess": (
        "/",
        "2015-02-06T18:40:39+00:00",
        "v4",
        _pdoc(
            _allow(
                [
                    "iam:GenerateCredentialReport",
                    "iam:GenerateServiceLastAccessedDetails",
                    "iam:Get*",
                    "iam:List*",
                    "iam:SimulateCustomPolicy",
                    "iam:SimulatePrincipalPolicy",
                ],
                "*",
            )
        ),
    ),
    "AmazonS3ReadOnlyAccess": (
        "/",
        "2015-02-06T18:40:59+00:00",
        "v3",
        _pdoc(
            _allow(
                ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"],
                "*",
            )
        ),
    ),
    "AmazonEC2ReadOnlyAccess": (
        "/",
        "2015-02-06T18:40:17+00:00",
        "v2",
        _pdoc(
            _allow("ec2:Describe*", "*"),
            _allow("elasticloadbalancing:Describe*", "*"),
            _allow(["cloudwatch:ListMetrics", "cloudwatch:GetMetricStatistics", "cloudwatch:Describe*"], "*"),
            _allow("autoscaling:Describe*", "*"),
        ),
    ),
    "service-role/AWSLambdaBasicExecutionRole": (
        "/service-role/",
        "2015-04-09T15:03:43+00:00",
        "v1",
        _pdoc(_allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "*")),
    ),
    "AmazonSSMManagedInstanceCore": (
        "/",
        "2019-03-15T17:22:12+00:00",
        "v2",
        _pdoc(
            _allow(
                [
                    "ssm:DescribeAssociation",
                    "ssm:GetDeployablePatchSnapshotForInstance",
                    "ssm:GetDocument",
                    "ssm:DescribeDocument",
                    "ssm:GetManifest",
                    "ssm:GetParameter",
                    "ssm:GetParameters",
                    "ssm:ListAssociations",
                    "ssm:ListInstanceAssociations",
                    "ssm:PutInventory",
                    "ssm:PutComplianceItems",
                    "ssm:PutConfigurePackageResult",
                    "ssm:UpdateAssociationStatus",
                    "ssm:UpdateInstanceAssociationStatus",
                    "ssm:UpdateInstanceInformation",
                ],
                "*",
            ),
            _allow(
                [
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
                "*",
            ),
            _allow(
                [
                    "ec2messages:AcknowledgeMessage",
                    "ec2messages:DeleteMessage",
                    "ec2messages:FailMessage",
                    "ec2messages:GetEndpoint",
                    "ec2messages:GetMessages",
                    "ec2messages:SendReply",
                ],
                "*",
            ),
        ),
    ),
    "aws-service-role/AWSOrganizationsServiceTrustPolicy": (
        "/aws-service-role/",
        "2017-10-10T23:04:07+00:00",
        "v2",
        _pdoc(
            _allow(
                ["iam:DeleteRole"],
                ["arn:aws:iam::*:role/aws-service-role/organizations.amazonaws.com/*"],
                "AllowDeletionOfServiceLinkedRoleForOrganizations",
            ),
            _allow(["iam:CreateServiceLinkedRole"], "*", "AllowCreationOfServiceLinkedRoles"),
        ),
    ),
    "aws-service-role/AWSSupportServiceRolePolicy": (
        "/aws-service-role/",
        "2018-04-19T18:04:44+00:00",
        "v38",
        _pdoc(
            _allow(
                ["iam:GetAccountSummary", "iam:ListAccountAliases", "ec2:DescribeRegions"],
                "*",
                "AWSSupportActions",
            )
        ),
    ),
    "aws-service-role/AWSConfigServiceRolePolicy": (
        "/aws-service-role/",
        "2018-05-30T23:31:46+00:00",
        "v60",
        _pdoc(
            _allow(
                [
                    "iam:GetAccountAuthorizationDetails",
                    "iam:GetAccountPasswordPolicy",
                    "iam:GetAccountSummary",
                ],
                "*",
                "AWSConfigServiceRolePolicyStatementID",
            )
        ),
    ),
    "aws-service-role/AmazonGuardDutyServiceRolePolicy": (
        "/aws-service-role/",
        "2017-11-28T20:12:59+00:00",
        "v9",
        _pdoc(
            _allow(
                ["ec2:DescribeInstances", "ec2:DescribeImages", "ec2:DescribeVpcEndpoints"],
                "*",
                "GuardDutyGetDescribeListPolicy",
            )
        ),
    ),
    "aws-service-role/AWSSecurityHubServiceRolePolicy": (
        "/aws-service-role/",
        "2018-11-27T23:47:51+00:00",
        "v15",
        _pdoc(
            _allow(
                [
                    "cloudtrail:DescribeTrails",
                    "cloudtrail:GetTrailStatus",
                    "config:DescribeConfigurationRecorders",
                ],
                "*",
                "SecurityHubServiceRolePermissions",
            )
        ),
    ),
}

SERVICE_LINKED_ROLES = (
    (
        "AWSServiceRoleForOrganizations",
        "organizations.amazonaws.com",
        "aws-service-role/AWSOrganizationsServiceTrustPolicy",
    ),
    ("AWSServiceRoleForSupport", "support.amazonaws.com", "aws-service-role/AWSSupportServiceRolePolicy"),
    ("AWSServiceRoleForConfig", "config.amazonaws.com", "aws-service-role/AWSConfigServiceRolePolicy"),
    (
        "AWSServiceRoleForAmazonGuardDuty",
        "guardduty.amazonaws.com",
        "aws-service-role/AmazonGuardDutyServiceRolePolicy",
    ),
    (
        "AWSServiceRoleForSecurityHub",
        "securityhub.amazonaws.com",
        "aws-service-role/AWSSecurityHubServiceRolePolicy",
    ),
)
SSO_PERMISSION_SETS = (
    ("AWSAdministratorAccess", ("AdministratorAccess",)),
    ("AWSPowerUserAccess", ("PowerUserAccess",)),
    ("AWSReadOnlyAccess", ("AmazonEC2ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "IAMReadOnlyAccess")),
)
APPS = (
    "orders", "billing", "catalog", "search", "checkout", "inventory", "ledger", "reporting",
    "ingest", "feature-store", "notifications", "identity", "pricing", "shipping", "fraud", "etl",
)  # fmt: skip
APP_KINDS = ("lambda", "ecs-task", "ec2", "glue", "states", "vendor", "ops")
FIRST_NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yuki")  # fmt: skip
LAST_NAMES = ("smith", "jones", "garcia", "muller", "rossi", "dubois", "tanaka", "kowalski", "silva", "nguyen", "okafor", "larsen", "novak", "haddad", "murphy")  # fmt: skip
GROUPS = (
    ("Admins", ("AdministratorAccess",), None),
    (
        "Developers",
        ("PowerUserAccess",),
        ("DenyIamChanges", _pdoc({"Effect": "Deny", "Action": ["iam:*"], "Resource": "*"})),
    ),
    ("ReadOnly", ("AmazonEC2ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "IAMReadOnlyAccess"), None),
    ("BillingAdmins", (), ("Billing", _pdoc(_allow(["aws-portal:*", "ce:*", "budgets:*", "cur:*"], "*")))),
    ("BreakGlass", ("AdministratorAccess",), None),
)
GITHUB_THUMBPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1"
VENDOR_ACCOUNTS = (
    "464622532012",
    "292230985000",
    "803134961327",
)  # a monitoring, a backup and a FinOps vendor


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


def _uuid(rng: random.Random) -> str:
    h = _ident(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


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


def _organizations_calls(
    rec: _Recorder, org: _Org, policies: Sequence[_OrgPolicy], identity_arn: str, seed: int
) -> None:
    """The Organizations collector's calls, in its order (collectors/organizations.py)."""
    rng = random.Random(f"org-pages:{seed}")
    mgmt = org.management.id

    def call(
        operation: str, pages: list[dict[str, Any]], params: Mapping[str, Any] | None = None, p: float = 0.0
    ) -> None:
        rec.record(
            account_id=mgmt,
            service="organizations",
            operation=operation,
            identity_arn=identity_arn,
            params=params,
            pages=pages,
            outcome=rec.maybe_throttled(p),
        )

    enabled_types = sorted({p.type for p in policies})
    call(
        "DescribeOrganization",
        [
            {
                "Organization": {
                    "Id": org.id,
                    "Arn": org.arn,
                    "FeatureSet": "ALL",
                    "MasterAccountArn": _account_arn(org, org.management),
                    "MasterAccountId": mgmt,
                    "MasterAccountEmail": org.management.email,
                    # Deprecated field: AWS only ever lists SCPs here.
                    "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
                }
            }
        ],
    )
    call(
        "ListRoots",
        [
            {
                "Roots": [
                    {
                        "Id": org.root_id,
                        "Arn": org.root_arn,
                        "Name": "Root",
                        "PolicyTypes": [{"Type": t, "Status": "ENABLED"} for t in enabled_types],
                    }
                ]
            }
        ],
    )
    children: dict[str, list[_Ou]] = {}
    for ou in org.ous:
        children.setdefault(ou.parent_id, []).append(ou)
    # The collector recurses breadth-first from the root: one call per parent, leaves included.
    queue, order = [org.root_id], []
    while queue:
        parent = queue.pop(0)
        order.append(parent)
        kids = children.get(parent, [])
        call(
            "ListOrganizationalUnitsForParent",
            _org_pages(
                "OrganizationalUnits", [{"Id": o.id, "Arn": o.arn, "Name": o.name} for o in kids], rng
            ),
            {"ParentId": parent},
        )
        queue.extend(o.id for o in kids)
    call("ListAccounts", _org_pages("Accounts", [_account_json(org, a) for a in org.accounts], rng), p=0.3)
    for parent in order:
        members = [_account_json(org, a) for a in org.accounts if a.parent_id == parent]
        call("ListAccountsForParent", _org_pages("Accounts", members, rng), {"ParentId": parent})
    for ptype in POLICY_TYPES:
        summaries = [_policy_summary(p) for p in policies if p.type == ptype]
        call("ListPolicies", _org_pages("Policies", summaries, rng), {"Filter": ptype})
    ordered = [p for ptype in POLICY_TYPES for p in policies if p.type == ptype]
    # DescribePolicy is throttled at 2 requests/s per account: the SDK's retries are routine here.
    for p in ordered:
        call(
            "DescribePolicy",
            [{"Policy": {"PolicySummary": _policy_summary(p), "Content": p.content}}],
            {"PolicyId": p.id},
            0.25,
        )
    names = {org.root_id: ("Root", org.root_arn, "ROOT")}
    names.update({o.id: (o.name, o.arn, "ORGANIZATIONAL_UNIT") for o in org.ous})
    names.update({a.id: (a.name, _account_arn(org, a), "ACCOUNT") for a in org.accounts})
    for p in ordered:
        targets = [
            {"TargetId": t, "Arn": names[t][1], "Name": names[t][0], "Type": names[t][2]} for t in p.targets
        ]
        call("ListTargetsForPolicy", _org_pages("Targets", targets, rng), {"PolicyId": p.id})
    call(
        "ListAWSServiceAccessForOrganization",
        _org_pages(
            "EnabledServicePrincipals",
            [
                {"ServicePrincipal": s, "DateEnabled": iso(COLLECTED_AT - dt.timedelta(days=900 - 40 * i))}
                for i, s in enumerate(TRUSTED_SERVICES)
            ],
            rng,
        ),
    )
    security = org.account_of_kind("security-tooling")
    delegated = [] if security is org.management else [security]
    call(
        "ListDelegatedAdministrators",
        _org_pages(
            "DelegatedAdministrators",
            [
                {
                    "Id": a.id,
                    "Arn": _account_arn(org, a),
                    "Email": a.email,
                    "Name": a.name,
                    "Status": a.status,
                    "State": a.status,
                    "JoinedMethod": a.joined_method,
                    "JoinedTimestamp": a.joined,
                    "DelegationEnabledDate": iso(COLLECTED_AT - dt.timedelta(days=700)),
                }
                for a in delegated
            ],
            rng,
        ),
    )
    for a in delegated:
        call(
            "ListDelegatedServicesForAccount",
            _org_pages(
                "DelegatedServices",
                [
                    {
                        "ServicePrincipal": s,
                        "DelegationEnabledDate": iso(COLLECTED_AT - dt.timedelta(days=700 - 30 * i)),
                    }
                    for i, s in enumerate(DELEGATED_SERVICES)
                ],
                rng,
            ),
            {"AccountId": a.id},
        )


def _policy_summary(p: _OrgPolicy) -> dict[str, Any]:
    return {
        "Id": p.id,
        "Arn": p.arn,
        "Name": p.name,
        "Description": p.description,
        "Type": p.type,
        "AwsManaged": p.aws_managed,
    }


def _sts_calls(rec: _Recorder, org: _Org, account: _Account, home_identity: str, denied: bool) -> str | None:
    """AssumeRole evidence (never credentials) and GetCallerIdentity; returns the identity ARN in the account."""
    if account.id == org.management.id:
        return home_identity  # the profile's own account: no role to assume (its identity call is already stored)
    role_arn = f"arn:aws:iam::{account.id}:role/{MEMBER_ROLE}"
    params = {"RoleArn": role_arn, "RoleSessionName": ROLE_SESSION_NAME}
    if denied:
        rec.record(
            account_id=account.id,
            service="sts",
            operation="AssumeRole",
            identity_arn=home_identity,
            params=params,
            outcome=OUTCOME_ACCESS_DENIED,
            error_code="AccessDenied",
            error_message=f"User: {home_identity} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
        )
        return None
    expiry = COLLECTED_AT + dt.timedelta(hours=1)
    # What collectors/access.py records: the assumed role and the expiry, never the credentials.
    rec.record(
        account_id=account.id,
        service="sts",
        operation="AssumeRole",
        identity_arn=home_identity,
        params=params,
        pages=[
            {
                "AssumedRoleUser": {"Arn": f"{role_arn} (session {ROLE_SESSION_NAME})"},
                "Expiration": str(expiry),
            }
        ],
    )
    rng = random.Random(f"sts:{account.id}")
    identity = f"arn:aws:sts::{account.id}:assumed-role/{MEMBER_ROLE}/{ROLE_SESSION_NAME}"
    rec.record(
        account_id=account.id,
        service="sts",
        operation="GetCallerIdentity",
        identity_arn=home_identity,
        pages=[
            {
                "UserId": f"AROA{_ident(rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 17)}:{ROLE_SESSION_NAME}",
                "Account": account.id,
                "Arn": identity,
            }
        ],
    )
    return identity


def _ec2_regions_calls(
    rec: _Recorder, account: _Account, identity_arn: str, requested: Sequence[str], outcome: AccountOutcome
) -> None:
    """ec2:DescribeRegions(AllRegions=True); fills the account's region outcome as the runner does."""
    rng = random.Random(f"regions:{account.id}")
    opted_in = {r for r in OPT_IN_REGIONS if rng.random() < 0.06}
    regions = [
        {"OptInStatus": "opt-in-not-required", "RegionName": r, "Endpoint": f"ec2.{r}.amazonaws.com"}
        for r in DEFAULT_ENABLED_REGIONS
    ] + [
        {
            "OptInStatus": "opted-in" if r in opted_in else "not-opted-in",
            "RegionName": r,
            "Endpoint": f"ec2.{r}.amazonaws.com",
        }
        for r in OPT_IN_REGIONS
    ]
    rec.record(
        account_id=account.id,
        service="ec2",
        operation="DescribeRegions",
        identity_arn=identity_arn,
        params={"AllRegions": True},
        pages=[{"Regions": regions}],
    )
    enabled = {r["RegionName"] for r in regions if r["OptInStatus"] in ("opt-in-not-required", "opted-in")}
    if requested:
        outcome.regions_collected = [r for r in requested if r in enabled]
        outcome.regions_disabled = sorted(r for r in requested if r not in enabled)
    else:
        outcome.regions_collected = sorted(enabled)
        outcome.regions_disabled = sorted(r["RegionName"] for r in regions if r["RegionName"] not in enabled)


def _iam_calls(
    rec: _Recorder, account: _Account, identity_arn: str, iam: AccountIam, outcome: AccountOutcome
) -> None:
    """The IAM collector's calls, in its order (collectors/iam.py)."""
    rng = random.Random(f"iam-calls:{account.id}")

    def call(
        operation: str, pages: Sequence[Mapping[str, Any]], params: Mapping[str, Any] | None = None, **kw: Any
    ) -> None:
        rec.record(
            account_id=account.id,
            service="iam",
            operation=operation,
            identity_arn=identity_arn,
            params=params,
            pages=pages,
            **kw,
        )
        if kw.get("outcome") == OUTCOME_ACCESS_DENIED:
            outcome.denied_calls += 1

    def denied_message(action: str) -> str:
        return (
            f"User: {identity_arn} is not authorized to perform: iam:{action} on resource: * "
            "with an explicit deny in a service control policy"
        )

    if iam.gaad_denied:
        call(
            "GetAccountAuthorizationDetails",
            [],
            outcome=OUTCOME_ACCESS_DENIED,
            error_code="AccessDenied",
            error_message=denied_message("GetAccountAuthorizationDetails"),
        )
    else:
        call("GetAccountAuthorizationDetails", iam.authorization_pages, outcome=rec.maybe_throttled(0.01))
    # GenerateCredentialReport is polled until COMPLETE; the stored page is the last answer.
    call("GenerateCredentialReport", [{"State": "COMPLETE"}], attempts=1 if rng.random() < 0.2 else 2)
    call(
        "GetCredentialReport",
        [{"Content": iam.credential_report, "ReportFormat": "text/csv", "GeneratedTime": iam.report_time}],
    )
    if iam.password_policy is None:
        call(
            "GetAccountPasswordPolicy",
            [],
            outcome=OUTCOME_ABSENT,
            error_code="NoSuchEntity",
            error_message=f"The Password Policy with domain name {account.id} cannot be found.",
        )
    else:
        call("GetAccountPasswordPolicy", [{"PasswordPolicy": iam.password_policy}])
    call("GetAccountSummary", [{"SummaryMap": iam.summary}])
    call("ListAccountAliases", [{"AccountAliases": iam.aliases, "IsTruncated": False}])
    call("ListVirtualMFADevices", [{"VirtualMFADevices": iam.mfa_devices, "IsTruncated": False}])
    call("ListSAMLProviders", [{"SAMLProviderList": [p["list"] for p in iam.saml_providers]}])
    for p in iam.saml_providers:
        call("GetSAMLProvider", [p["detail"]], {"SAMLProviderArn": p["list"]["Arn"]})
    call(
        "ListOpenIDConnectProviders",
        [{"OpenIDConnectProviderList": [{"Arn": p["arn"]} for p in iam.oidc_providers]}],
    )
    for p in iam.oidc_providers:
        call("GetOpenIDConnectProvider", [p["detail"]], {"OpenIDConnectProviderArn": p["arn"]})
    if iam.gaad_denied:
        return  # no user names known: the collector asks nothing per user
    for user in iam.users:
        keys = iam.access_keys.get(user["UserName"], [])
        call(
            "ListAccessKeys",
            [{"AccessKeyMetadata": keys, "IsTruncated": False}],
            {"UserName": user["UserName"]},
            outcome=rec.maybe_throttled(0.003),
        )
    for user in iam.users:
        for key in iam.access_keys.get(user["UserName"], []):
            call(
                "GetAccessKeyLastUsed",
                [{"UserName": user["UserName"], "AccessKeyLastUsed": iam.key_last_used[key["AccessKeyId"]]}],
                {"AccessKeyId": key["AccessKeyId"]},
                outcome=rec.maybe_throttled(0.005),
            )


# -- the whole snapshot ------------------------------------------------------------------


def generate_snapshot(
    path: str | Path,
    *,
    accounts: int = 500,
    regions: Sequence[str] = DEFAULT_REGIONS,
    roles_per_account: int = 200,
    users_per_account: int = 50,
    seed: int = 0,
    progress: ProgressFn | None = None,
) -> GeneratedOrg:
    """Write a complete synthetic snapshot to ``path`` (which must not exist yet).

    ``progress(done, total, message)`` is called after each account.
    """
    if accounts < 1:
        raise ValueError("accounts must be at least 1")
    if roles_per_account < 1 or users_per_account < 0:
        raise ValueError("roles_per_account must be at least 1 and users_per_account at least 0")
    org = build_org(accounts=accounts, seed=seed)
    policies = build_org_policies(org, regions=regions, seed=seed)
    mgmt = org.management
    home_identity = f"arn:aws:sts::{mgmt.id}:assumed-role/{AUDITOR_ROLE}/{AUDITOR_SESSION}"
    writer = SnapshotWriter.create(path, tool_version=tool_version())
    try:
        rec = _Recorder(writer=writer, seed=seed)
        request = CollectionRequest(
            method="organizations", profile="audit-management", regions=tuple(regions)
        )
        scope = request.to_manifest()
        scope["synthetic"] = {
            "generator": "bench.generate",
            "seed": seed,
            "accounts": accounts,
            "roles_per_account": roles_per_account,
            "users_per_account": users_per_account,
        }
        writer.set_manifest(M_SCOPE, scope)
        writer.set_manifest(M_TOOL_VERSION, tool_version())
        writer.set_manifest(M_STARTED_AT, iso(COLLECTED_AT).replace("+00:00", "Z"))
        id_rng = random.Random(f"identity:{seed}")
        identity = {
            "UserId": f"AROA{_ident(id_rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 17)}:{AUDITOR_SESSION}",
            "Account": mgmt.id,
            "Arn": home_identity,
        }
        rec.record(
            account_id=mgmt.id,
            service="sts",
            operation="GetCallerIdentity",
            identity_arn=home_identity,
            pages=[identity],
        )
        writer.set_manifest(M_IDENTITY, {k: identity.get(k) for k in ("Account", "Arn", "UserId")})
        _organizations_calls(rec, org, policies, home_identity, seed)
        writer.set_manifest(M_ORGANIZATION_ID, org.id)
        writer.set_manifest(M_MANAGEMENT_ACCOUNT_ID, mgmt.id)

        outcomes: dict[str, AccountOutcome] = {}
        collected: list[str] = []
        active = [a for a in org.accounts if a.status == "ACTIVE"]
        core = {kind for kind, _ in CORE_ACCOUNTS}
        for i, account in enumerate(sorted(active, key=lambda a: a.id)):
            out = AccountOutcome(account_id=account.id, name=account.name)
            outcomes[account.id] = out
            fate = random.Random(f"fate:{seed}:{account.id}").random()
            # About one member account in 70 no longer has the member role (created outside the
            # account factory): AssumeRole is denied and the account cannot be collected.
            assume_denied = account.kind not in core and fate < 0.015
            identity_arn = _sts_calls(rec, org, account, home_identity, assume_denied)
            if identity_arn is None:
                role_arn = f"arn:aws:iam::{account.id}:role/{MEMBER_ROLE}"
                out.status = "access_failed"
                out.detail = (
                    f"AssumeRole failed: AccessDenied User: {home_identity} is not authorized to perform: "
                    f"sts:AssumeRole on resource: {role_arn}"
                )
            else:
                _ec2_regions_calls(rec, account, identity_arn, regions, out)
                iam = build_account_iam(
                    account_id=account.id,
                    account_name=account.name,
                    kind=account.kind,
                    management_account_id=mgmt.id,
                    security_account_id=org.account_of_kind("security-tooling").id,
                    shared_services_account_id=org.account_of_kind("shared-services").id,
                    organization_id=org.id,
                    roles=roles_per_account,
                    users=users_per_account,
                    seed=seed,
                    collected_at=COLLECTED_AT,
                    # One account in 60 has an SCP that denies the auditor reading IAM in bulk.
                    gaad_denied=account.kind not in core and 0.015 <= fate < 0.032,
                )
                _iam_calls(rec, account, identity_arn, iam, out)
                out.status = "partial" if (out.denied_calls or out.failed_calls) else "collected"
                collected.append(account.id)
            if progress is not None:
                progress(i + 1, len(active), f"account {account.id} ({account.name}): {out.status}")
        for account in org.accounts:
            if account.status != "ACTIVE":
                outcomes[account.id] = AccountOutcome(
                    account_id=account.id,
                    name=account.name,
                    status="skipped",
                    detail=f"account status {account.status}",
                )
        writer.set_manifest(M_ACCOUNT_OUTCOMES, {k: asdict(v) for k, v in sorted(outcomes.items())})
        writer.set_manifest(M_FINISHED_AT, rec.now.isoformat(timespec="milliseconds").replace("+00:00", "Z"))
        digest = writer.finish(status="complete")
    finally:
        writer.close()
    return GeneratedOrg(
        path=Path(path),
        organization_id=org.id,
        management_account_id=mgmt.id,
        root_id=org.root_id,
        account_ids=tuple(a.id for a in org.accounts),
        collected_account_ids=tuple(collected),
        ou_ids=tuple(o.id for o in org.ous),
        calls=rec.calls,
        pages=rec.pages,
        digest=digest,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description="Write a synthetic large-organization snapshot."
    )
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--roles", type=int, default=200, help="roles per account (default 200)")
    parser.add_argument("--users", type=int, default=50, help="IAM users per account (default 50)")
    parser.add_argument(
        "--regions", default=",".join(DEFAULT_REGIONS), help="comma-separated regions in scope"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="bench/out/org500.snapshot", help="the snapshot file to create")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    regions = tuple(r.strip() for r in args.regions.split(",") if r.strip())

    def progress(done: int, total: int, message: str) -> None:
        if not args.quiet and (done == total or done % 25 == 0):
            print(f"[{done}/{total}] {message}", file=sys.stderr)

    try:
        org = generate_snapshot(
            args.out,
            accounts=args.accounts,
            regions=regions,
            roles_per_account=args.roles,
            users_per_account=args.users,
            seed=args.seed,
            progress=progress,
        )
    except (SnapshotError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{org.path}: organization {org.organization_id}, {len(org.account_ids)} accounts "
        f"({len(org.collected_account_ids)} collected), {org.calls} calls, {org.pages} pages"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
