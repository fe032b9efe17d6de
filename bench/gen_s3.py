"""S3 of one account (global: ListBuckets lists every region's buckets) and its account Block Public Access.

2-10 buckets per workload account (the organization's log bucket, with object lock, and the
access-log bucket in log-archive), each with its own answers: a policy on ~45 % (TLS-only;
public or shared with a vendor now and then; a few that deny the auditor: denied), the ACL
(public on a few old buckets, LogDelivery on the access-log bucket), Block Public Access
(missing on older buckets: absent), default encryption (SSE-S3 or KMS; AWS encrypts every
bucket since 2023), versioning, access logging, object lock (absent unless configured),
ownership controls (absent on some old buckets). Account-level Block Public Access is
missing in about one account in five (absent).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bench.gen_common import COLLECTED_AT, Answer, ApiError, iso
from bench.gen_iam_policies import APPS, VENDOR_ACCOUNTS
from bench.gen_world import AccountContext, Handler, stable_hex


def _t(days: float) -> str:
    return iso(COLLECTED_AT - dt.timedelta(days=days))


# -- S3 (global: once per account) ---------------------------------------------------------------


@dataclass
class Bucket:
    name: str
    region: str
    created: str
    policy: str | None
    policy_public: bool
    policy_denies_auditor: bool
    public_acl: bool
    log_delivery: bool
    block: bool
    kms: bool
    versioning: str | None
    logging: str | None
    lock: bool
    ownership: str | None


def build_buckets(ctx: AccountContext, region: str) -> list[Bucket]:
    rng = ctx.rng("s3")
    acct, kind = ctx.id, ctx.account.kind
    regions = ctx.facts.regions or ("us-east-1",)
    names: list[str] = []
    if kind == "log-archive":
        names += [ctx.facts.log_bucket(), f"aws-controltower-s3-access-logs-{acct}-{ctx.home}"]
    count = {"workload": rng.randint(2, 10), "sandbox": rng.randint(0, 4)}.get(kind, rng.randint(1, 3))
    names += [
        f"{ctx.account.name}-{rng.choice(APPS)}-{rng.choice(('data', 'assets', 'exports', 'backups', 'uploads'))}-{i}"
        for i in range(count)
    ]
    out = []
    for name in names:
        age = rng.randint(30, 2500)
        old = age > 900
        draw = rng.random()
        policy = None
        public = draw < 0.03
        if draw < 0.45:
            statements: list[dict[str, Any]] = [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ]
            if public:
                statements.append(
                    {
                        "Sid": "PublicRead",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{name}/*",
                    }
                )
            elif draw < 0.1:
                statements.append(
                    {
                        "Sid": "Partner",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{rng.choice(VENDOR_ACCOUNTS)}:root"},
                        "Action": ["s3:GetObject", "s3:ListBucket"],
                        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                    }
                )
            policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
        out.append(
            Bucket(
                name=name,
                region=ctx.home if rng.random() < 0.7 else rng.choice(regions),
                created=_t(age),
                policy=policy,
                policy_public=public,
                policy_denies_auditor=policy is not None and rng.random() < 0.06,
                public_acl=old and rng.random() < 0.03,
                log_delivery=name.startswith("aws-controltower-s3-access-logs"),
                block=not public and rng.random() < (0.75 if old else 0.95),
                kms=rng.random() < 0.35 or name == ctx.facts.log_bucket(),
                versioning=rng.choice((None, "Enabled", "Enabled", "Suspended"))
                if name != ctx.facts.log_bucket()
                else "Enabled",
                logging=f"aws-controltower-s3-access-logs-{ctx.facts.log_archive.id}-{ctx.facts.home_region_of_management}"
                if rng.random() < 0.3
                else None,
                lock=name == ctx.facts.log_bucket(),
                ownership=None if old and rng.random() < 0.5 else "BucketOwnerEnforced",
            )
        )
    return out


def _buckets(ctx: AccountContext) -> dict[str, Bucket]:
    result: dict[str, Bucket] = ctx.cached(
        "s3", "global", lambda c, r: {b.name: b for b in build_buckets(c, r)}
    )
    return result


def _list_buckets(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    buckets = list(_buckets(ctx).values())
    ctx.tally.add("s3.buckets", *(f"arn:aws:s3:::{b.name}" for b in buckets))
    ctx.tally.add("s3.account_public_access_blocks", f"arn:aws:s3:{ctx.id}:account/public-access-block")
    return [
        {
            "Buckets": [
                {"Name": b.name, "CreationDate": b.created, "BucketRegion": b.region} for b in buckets
            ],
            "Owner": {"DisplayName": ctx.account.name, "ID": stable_hex(64, ctx.id)},
        }
    ]


def _bucket_op(fn: Any) -> Handler:
    def handler(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
        result: Answer = fn(ctx, _buckets(ctx)[str(params["Bucket"])])
        return result

    return handler


def _absent(code: str, message: str) -> ApiError:
    return ApiError(code=code, message=message, status=404)


def _location(ctx: AccountContext, b: Bucket) -> Answer:
    return [{"LocationConstraint": b.region}] if b.region != "us-east-1" else [{}]


def _bucket_policy(ctx: AccountContext, b: Bucket) -> Answer:
    if b.policy_denies_auditor:
        return ctx.deny("s3:GetBucketPolicy", code="AccessDenied")
    if b.policy is None:
        return _absent("NoSuchBucketPolicy", "The bucket policy does not exist")
    return [{"Policy": b.policy}]


def _policy_status(ctx: AccountContext, b: Bucket) -> Answer:
    if b.policy_denies_auditor:
        return ctx.deny("s3:GetBucketPolicyStatus", code="AccessDenied")
    if b.policy is None:
        return _absent("NoSuchBucketPolicy", "The bucket policy does not exist")
    return [{"PolicyStatus": {"IsPublic": b.policy_public}}]


def _acl(ctx: AccountContext, b: Bucket) -> Answer:
    owner = {"DisplayName": ctx.account.name, "ID": stable_hex(64, ctx.id)}
    grants: list[dict[str, Any]] = [
        {"Grantee": {**owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}
    ]
    if b.public_acl:
        grants.append(
            {
                "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                "Permission": "READ",
            }
        )
    if b.log_delivery:
        grants.append(
            {
                "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"},
                "Permission": "WRITE",
            }
        )
    return [{"Owner": owner, "Grants": grants}]


def _bucket_block(ctx: AccountContext, b: Bucket) -> Answer:
    if not b.block:
        return _absent(
            "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"
        )
    return [
        {
            "PublicAccessBlockConfiguration": dict.fromkeys(
                ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
            )
        }
    ]


def _encryption(ctx: AccountContext, b: Bucket) -> Answer:
    default: dict[str, Any] = {"SSEAlgorithm": "AES256"}
    if b.kms:
        default = {
            "SSEAlgorithm": "aws:kms",
            "KMSMasterKeyID": f"arn:aws:kms:{b.region}:{ctx.id}:alias/aws/s3",
        }
    return [
        {
            "ServerSideEncryptionConfiguration": {
                "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": b.kms}]
            }
        }
    ]


def _versioning(ctx: AccountContext, b: Bucket) -> Answer:
    return [{"Status": b.versioning, "MFADelete": "Disabled"}] if b.versioning else [{}]


def _logging(ctx: AccountContext, b: Bucket) -> Answer:
    return (
        [{"LoggingEnabled": {"TargetBucket": b.logging, "TargetPrefix": f"{b.name}/"}}] if b.logging else [{}]
    )


def _lock(ctx: AccountContext, b: Bucket) -> Answer:
    if not b.lock:
        return _absent(
            "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket"
        )
    return [
        {
            "ObjectLockConfiguration": {
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 365}},
            }
        }
    ]


def _ownership(ctx: AccountContext, b: Bucket) -> Answer:
    if b.ownership is None:
        return _absent("OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
    return [{"OwnershipControls": {"Rules": [{"ObjectOwnership": b.ownership}]}}]


def _account_block(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    ctx.tally.add("s3.account_public_access_blocks", f"arn:aws:s3:{ctx.id}:account/public-access-block")
    if ctx.rng("account-bpa").random() < 0.2:
        return _absent(
            "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"
        )
    return [
        {
            "PublicAccessBlockConfiguration": dict.fromkeys(
                ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
            )
        }
    ]


HANDLERS: dict[tuple[str, str], Handler] = {
    ("s3", "ListBuckets"): _list_buckets,
    ("s3", "GetBucketLocation"): _bucket_op(_location),
    ("s3", "GetBucketPolicy"): _bucket_op(_bucket_policy),
    ("s3", "GetBucketPolicyStatus"): _bucket_op(_policy_status),
    ("s3", "GetBucketAcl"): _bucket_op(_acl),
    ("s3", "GetPublicAccessBlock"): _bucket_op(_bucket_block),
    ("s3", "GetBucketEncryption"): _bucket_op(_encryption),
    ("s3", "GetBucketVersioning"): _bucket_op(_versioning),
    ("s3", "GetBucketLogging"): _bucket_op(_logging),
    ("s3", "GetObjectLockConfiguration"): _bucket_op(_lock),
    ("s3", "GetBucketOwnershipControls"): _bucket_op(_ownership),
    ("s3control", "GetPublicAccessBlock"): _account_block,
}
