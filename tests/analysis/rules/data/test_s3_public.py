"""Public read (S3.2) and write (S3.3) through the bucket policy or ACL, after Block Public Access.

S3 API reference, PublicAccessBlockConfiguration: a policy is not public when it grants only to
fixed principals or under fixed aws:SourceIp / SourceVpc(e) / SourceArn / SourceAccount /
SourceOwner values; RestrictPublicBuckets limits a public policy to the owner and AWS services;
IgnorePublicAcls makes S3 ignore public ACLs. S3 User Guide, "Access control list (ACL) overview":
AllUsers is anyone, AuthenticatedUsers any AWS account. "Controlling ownership of objects":
with BucketOwnerEnforced, ACLs no longer affect access."""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.data import s3_bucket_public_read, s3_bucket_public_write
from tests.analysis.rules.data.data_builders import (
    ALL_OFF,
    ALL_ON,
    ALL_USERS,
    AUTHENTICATED_USERS,
    ORG_ID,
    B,
    C,
    D,
    E,
    account_block,
    allow,
    bucket,
    by_resource,
    denied,
    deny,
    policy,
    run,
)


def _obj(name: str) -> str:
    return f"arn:aws:s3:::{name}/*"


def test_public_read_paths(tmp_path: Path) -> None:
    calls = [
        account_block(B, None),
        *bucket(
            B,
            "by-policy",
            bucket_policy=policy(allow("*", "s3:GetObject", _obj("by-policy"), sid="PublicRead")),
        ),
        *bucket(B, "by-acl", grants=((ALL_USERS, "READ"),), ownership=None),
        *bucket(
            B, "by-authenticated", grants=((AUTHENTICATED_USERS, "FULL_CONTROL"),), ownership="ObjectWriter"
        ),
        *bucket(B, "acl-but-enforced", grants=((ALL_USERS, "READ"),), ownership="BucketOwnerEnforced"),
        *bucket(
            B,
            "acl-ignored",
            grants=((ALL_USERS, "READ"),),
            ownership=None,
            block={**ALL_OFF, "IgnorePublicAcls": True},
        ),
        *bucket(
            B,
            "by-ip",
            bucket_policy=policy(
                allow("*", "s3:GetObject", _obj("by-ip"), {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
            ),
        ),
        *bucket(
            B,
            "any-ip",
            bucket_policy=policy(
                allow("*", "s3:GetObject", _obj("any-ip"), {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})
            ),
        ),
        *bucket(
            B,
            "perimeter",
            bucket_policy=policy(
                allow("*", "s3:GetObject", _obj("perimeter")),
                deny(
                    "*",
                    "s3:*",
                    ["arn:aws:s3:::perimeter", _obj("perimeter")],
                    {"StringNotEquals": {"aws:PrincipalOrgID": ORG_ID}},
                ),
            ),
        ),
        *bucket(B, "write-only", bucket_policy=policy(allow("*", "s3:PutObject", _obj("write-only")))),
        *bucket(
            B,
            "s3-says-public",
            bucket_policy=policy(
                allow({"AWS": f"arn:aws:iam::{C}:root"}, "s3:GetObject", _obj("s3-says-public"))
            ),
            is_public=True,
        ),
        *bucket(B, "private"),
    ]
    results = by_resource(
        [r for r in run(tmp_path, s3_bucket_public_read, calls) if not r.resource_id.isdigit()]
    )
    policy_fail = results["by-policy"]
    assert policy_fail.status == FAIL and "through its bucket policy" in policy_fail.message
    assert policy_fail.evidence.statements == (
        'bucket policy statement 0 (Sid: PublicRead): Principal "*", no condition',
    )
    assert results["by-acl"].status == FAIL and "ACL grants READ to AllUsers" in results["by-acl"].message
    assert (
        results["by-authenticated"].status == FAIL
        and "AuthenticatedUsers" in results["by-authenticated"].message
    )
    assert results["acl-but-enforced"].status == PASS
    assert (
        results["acl-ignored"].status == PASS
        and "blocked by IgnorePublicAcls" in results["acl-ignored"].message
    )
    assert results["by-ip"].status == PASS
    assert results["any-ip"].status == FAIL  # 0.0.0.0/0 is not a restriction
    assert results["perimeter"].status == PASS  # the data-perimeter Deny narrows the Allow
    assert results["write-only"].status == PASS  # not readable: S3.3's concern
    assert (
        results["s3-says-public"].status == FAIL
        and "S3 reports the policy as public" in results["s3-says-public"].message
    )
    assert results["private"].status == PASS


def test_account_restrict_public_buckets_blocks_a_public_policy(tmp_path: Path) -> None:
    calls = [
        account_block(C, {**ALL_OFF, "RestrictPublicBuckets": True}),
        *bucket(C, "site", bucket_policy=policy(allow("*", "s3:GetObject", _obj("site")))),
    ]
    [r] = [r for r in run(tmp_path, s3_bucket_public_read, calls) if r.resource_id == "site"]
    assert r.status == PASS and "blocked by RestrictPublicBuckets" in r.message


def test_unknown_account_setting_or_denied_policy_is_not_assessed(tmp_path: Path) -> None:
    calls = [
        denied("s3control", "GetPublicAccessBlock", D, "global", AccountId=D),
        *bucket(D, "open-unless", bucket_policy=policy(allow("*", "s3:GetObject", _obj("open-unless")))),
        *bucket(D, "closed-anyway"),
        *bucket(E, "policy-denied", deny_ops=("GetBucketPolicy",)),
        *bucket(
            E,
            "acl-public-policy-denied",
            grants=((ALL_USERS, "READ"),),
            ownership=None,
            deny_ops=("GetBucketPolicy",),
        ),
        *bucket(E, "policy-denied-but-blocked", block=ALL_ON, deny_ops=("GetBucketPolicy", "GetBucketAcl")),
        *bucket(
            E,
            "bucket-block-denied",
            bucket_policy=policy(allow("*", "s3:GetObject")),
            deny_ops=("GetPublicAccessBlock",),
        ),
        account_block(E, None),
    ]
    results = by_resource(
        [r for r in run(tmp_path, s3_bucket_public_read, calls) if not r.resource_id.isdigit()]
    )
    assert (
        results["open-unless"].status == NOT_ASSESSED
        and "s3control:GetPublicAccessBlock" in results["open-unless"].message
    )
    assert results["closed-anyway"].status == PASS  # nothing public: the account setting does not matter
    assert (
        results["policy-denied"].status == NOT_ASSESSED
        and "s3:GetBucketPolicy" in results["policy-denied"].message
    )


def test_public_write(tmp_path: Path) -> None:
    calls = [
        account_block(B, None),
        *bucket(B, "drop-box", bucket_policy=policy(allow("*", ["s3:PutObject"], _obj("drop-box")))),
        *bucket(B, "all-actions", bucket_policy=policy(allow({"AWS": "*"}, "s3:*", "*"))),
        *bucket(B, "acl-write", grants=((ALL_USERS, "WRITE"),), ownership=None),
        *bucket(B, "read-only", bucket_policy=policy(allow("*", "s3:GetObject", _obj("read-only")))),
    ]
    results = by_resource(
        [r for r in run(tmp_path, s3_bucket_public_write, calls) if not r.resource_id.isdigit()]
    )
    assert results["drop-box"].status == FAIL and "written to by anyone" in results["drop-box"].message
    assert results["all-actions"].status == FAIL
    assert results["acl-write"].status == FAIL and "WRITE to AllUsers" in results["acl-write"].message
    assert results["read-only"].status == PASS
