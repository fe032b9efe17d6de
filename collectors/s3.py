"""S3 buckets and the account's Block Public Access.

S3 is collected once per account (scope "global"): ``ListBuckets`` lists the buckets of every
region. Per-bucket calls go to us-east-1 and botocore's S3 region redirector follows a bucket
in another region to its own endpoint (and caches the bucket's region on the client), as the
AWS CLI does ("Amazon S3 virtual hosting / redirects", S3 User Guide). ``GetBucketLocation``
records where each bucket lives.

Account-level Block Public Access is an S3 Control call whose ``AccountId`` parameter must be
the account being collected (S3 Control routes on it: ``<account>.s3-control.<region>...``).
The op draws it from the pseudo-source :data:`collectors.spec.TARGET_SOURCE`, which the
runner provides for every collector run: ``[{"AccountId": <account>, "Region": <region column>}]``.
:func:`bind_account` fixes the account in a copy of a collector, for tests and callers that
know it.
"""

from __future__ import annotations

import dataclasses

from collectors.spec import TARGET_SOURCE, Collector, From, Op

_EACH_BUCKET = From(sources=("ListBuckets",), path="Buckets[].Name", param="Bucket")


def _per_bucket(operation: str, *absent: str) -> Op:
    return Op(operation=operation, for_each=_EACH_BUCKET, absent_codes=frozenset({"NoSuchBucket", *absent}))


COLLECTOR = Collector(
    name="s3",
    service="s3",
    scope="global",
    description="S3 buckets: region, policy, policy status, ACL, Block Public Access, encryption, "
    "versioning and MFA delete, logging, object lock, ownership",
    ops=(
        Op(operation="ListBuckets"),
        _per_bucket("GetBucketLocation"),
        _per_bucket("GetBucketPolicy", "NoSuchBucketPolicy"),
        # AWS answers NoSuchBucketPolicy when there is no policy to judge (S3 API reference,
        # GetBucketPolicyStatus); moto answers an empty body (the normalizer treats it as unknown).
        _per_bucket("GetBucketPolicyStatus", "NoSuchBucketPolicy"),
        _per_bucket("GetBucketAcl"),
        _per_bucket("GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration"),
        _per_bucket("GetBucketEncryption", "ServerSideEncryptionConfigurationNotFoundError"),
        _per_bucket("GetBucketVersioning"),
        _per_bucket("GetBucketLogging"),
        _per_bucket("GetObjectLockConfiguration", "ObjectLockConfigurationNotFoundError"),
        _per_bucket("GetBucketOwnershipControls", "OwnershipControlsNotFoundError"),
    ),
)

ACCOUNT_PUBLIC_ACCESS_BLOCK = Op(
    operation="GetPublicAccessBlock",
    for_each=From(sources=(TARGET_SOURCE,), path="AccountId", param="AccountId"),
    # The account has no account-level Block Public Access configuration: nothing is blocked
    # account-wide (S3 Control API reference, GetPublicAccessBlock).
    absent_codes=frozenset({"NoSuchPublicAccessBlockConfiguration"}),
)

# Named "s3" too: ``--services s3`` collects the bucket settings and the account's BPA together.
S3CONTROL = Collector(
    name="s3",
    service="s3control",
    scope="global",
    description="S3 account-level Block Public Access",
    ops=(ACCOUNT_PUBLIC_ACCESS_BLOCK,),
)

COLLECTORS: tuple[Collector, ...] = (COLLECTOR, S3CONTROL)


def bind_account(collector: Collector, account_id: str) -> Collector:
    """A copy of ``collector`` whose ops that draw from :data:`TARGET_SOURCE` call with ``account_id``."""
    ops = []
    for op in collector.ops:
        source = op.for_each
        if source is not None and source.sources == (TARGET_SOURCE,) and source.path == "AccountId":
            assert source.param is not None
            op = dataclasses.replace(op, for_each=None, params={**op.params, source.param: account_id})
        ops.append(op)
    return dataclasses.replace(collector, ops=tuple(ops))
