"""The organization's policies of every type (SCPs, RCPs, tag, AI opt-out) with their targets."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

from bench.gen_common import LOWER_ALNUM, MEMBER_ROLE, _ident
from bench.gen_org import _doc, _Org

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
