"""Responses of the data-protection services for the data control tests, in botocore's shapes.

The organization is ``tests/analysis/rules/builders.py``'s (o-ab12cd34ef: 111111111111 is the
management account, 222222222222..666666666666 members, 777777777777 could not be collected;
regions eu-west-1 and us-east-1). An operation a test does not add was never called. ``run``
evaluates one control at a fixed collection time (``NOW``) so that ages and runtime dates are exact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from analysis.rules.base import Result
from analysis.rules.context import AssessmentContext
from tests.analysis.model.builders import FakeCall
from tests.analysis.rules.builders import inventory_with

MGMT, B, C, D, E, F = (
    "111111111111",
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
    "666666666666",
)
OUTSIDER = "999988887777"  # not an account of the organization
ORG_ID = "o-ab12cd34ef"
EU, US = "eu-west-1", "us-east-1"
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).isoformat()


def call(
    service: str, operation: str, account: str, region: str, *pages: Mapping[str, Any], **params: Any
) -> FakeCall:
    return FakeCall(
        service=service,
        operation=operation,
        account_id=account,
        region=region,
        params=params,
        pages=list(pages),
    )


def denied(service: str, operation: str, account: str, region: str, **params: Any) -> FakeCall:
    return FakeCall(
        service=service,
        operation=operation,
        account_id=account,
        region=region,
        params=params,
        outcome="access_denied",
        error_code="AccessDenied",
        error_message=f"not authorized to perform {service}:{operation}",
    )


def absent(service: str, operation: str, account: str, region: str, code: str, **params: Any) -> FakeCall:
    return FakeCall(
        service=service,
        operation=operation,
        account_id=account,
        region=region,
        params=params,
        outcome="absent",
        error_code=code,
        error_message="none",
    )


def policy(*statements: Mapping[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(
    principal: Any,
    action: Any,
    resource: Any = "*",
    condition: Mapping[str, Any] | None = None,
    sid: str = "",
) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}
    if condition:
        st["Condition"] = condition
    if sid:
        st["Sid"] = sid
    return st


def deny(
    principal: Any, action: Any, resource: Any = "*", condition: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Deny", "Principal": principal, "Action": action, "Resource": resource}
    if condition:
        st["Condition"] = condition
    return st


def combine(calls: Iterable[FakeCall]) -> list[FakeCall]:
    """One call per (service, operation, account, region, parameters), as a collection records them
    (the snapshot keeps one call per key): the list calls the builders make per resource (ListKeys,
    ListBuckets...) are merged by concatenating their list fields."""
    out: dict[tuple[str, str, str, str, str], FakeCall] = {}
    for c in calls:
        key = (c.service, c.operation, c.account_id, c.region, json.dumps(dict(c.params), sort_keys=True))
        seen = out.get(key)
        if seen is None or seen.outcome != "ok" or c.outcome != "ok" or not seen.pages or not c.pages:
            out[key] = c
            continue
        merged = dict(seen.pages[0])
        for name, value in c.pages[0].items():
            if isinstance(value, list) and isinstance(merged.get(name), list):
                merged[name] = [*merged[name], *value]
        out[key] = FakeCall(**{**c.__dict__, "pages": [merged]})
    return list(out.values())


def run(
    tmp_path: Path, module: ModuleType, calls: Iterable[FakeCall], *, now: datetime = NOW
) -> list[Result]:
    inventory = inventory_with(tmp_path, combine(calls))
    return list(module.evaluate(AssessmentContext(inventory=inventory, now=now)))


def by_resource(results: Sequence[Result]) -> dict[str, Result]:
    """Results keyed by resource id; resource ids are unique in these tests."""
    out: dict[str, Result] = {}
    for r in results:
        assert r.resource_id not in out, f"two results for {r.resource_id}"
        out[r.resource_id] = r
    return out


# -- S3 -----------------------------------------------------------------------------------------


def bucket(
    account: str,
    name: str,
    *,
    region: str = EU,
    bucket_policy: Mapping[str, Any] | None = None,
    is_public: bool | None = None,
    grants: Sequence[tuple[str, str]] = (),  # (group URI, permission)
    block: Mapping[str, bool] | None = None,
    encryption: str | None = "AES256",
    kms_key: str | None = None,
    versioning: str | None = "Enabled",
    mfa_delete: str | None = None,
    log_to: str | None = None,
    object_lock: bool = False,
    ownership: str | None = "BucketOwnerEnforced",
    deny_ops: Sequence[str] = (),
) -> list[FakeCall]:
    """ListBuckets (one call per bucket) and every per-bucket call the S3 collector makes."""
    owner = f"owner-{account}"
    answers: dict[str, FakeCall] = {}

    def ok(op: str, body: Mapping[str, Any]) -> None:
        answers[op] = call("s3", op, account, "global", body, Bucket=name)

    def none(op: str, code: str) -> None:
        answers[op] = absent("s3", op, account, "global", code, Bucket=name)

    ok("GetBucketLocation", {"LocationConstraint": None if region == US else region})
    if bucket_policy is None:
        none("GetBucketPolicy", "NoSuchBucketPolicy")
        none("GetBucketPolicyStatus", "NoSuchBucketPolicy")
    else:
        ok("GetBucketPolicy", {"Policy": json.dumps(bucket_policy)})
        ok(
            "GetBucketPolicyStatus",
            {"PolicyStatus": {"IsPublic": bool(is_public)}}
            if is_public is not None
            else {"PolicyStatus": {}},
        )
    acl = [{"Grantee": {"Type": "CanonicalUser", "ID": owner}, "Permission": "FULL_CONTROL"}]
    acl += [{"Grantee": {"Type": "Group", "URI": uri}, "Permission": perm} for uri, perm in grants]
    ok("GetBucketAcl", {"Owner": {"ID": owner}, "Grants": acl})
    if block is None:
        none("GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration")
    else:
        ok("GetPublicAccessBlock", {"PublicAccessBlockConfiguration": dict(block)})
    if encryption is None:
        none("GetBucketEncryption", "ServerSideEncryptionConfigurationNotFoundError")
    else:
        default: dict[str, Any] = {"SSEAlgorithm": encryption}
        if kms_key:
            default["KMSMasterKeyID"] = kms_key
        ok(
            "GetBucketEncryption",
            {
                "ServerSideEncryptionConfiguration": {
                    "Rules": [{"ApplyServerSideEncryptionByDefault": default}]
                }
            },
        )
    ver: dict[str, Any] = {}
    if versioning:
        ver["Status"] = versioning
    if mfa_delete:
        ver["MFADelete"] = mfa_delete
    ok("GetBucketVersioning", ver)
    ok(
        "GetBucketLogging",
        {"LoggingEnabled": {"TargetBucket": log_to, "TargetPrefix": f"{name}/"}} if log_to else {},
    )
    if object_lock:
        ok(
            "GetObjectLockConfiguration",
            {
                "ObjectLockConfiguration": {
                    "ObjectLockEnabled": "Enabled",
                    "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 30}},
                }
            },
        )
    else:
        none("GetObjectLockConfiguration", "ObjectLockConfigurationNotFoundError")
    if ownership is None:
        none("GetBucketOwnershipControls", "OwnershipControlsNotFoundError")
    else:
        ok("GetBucketOwnershipControls", {"OwnershipControls": {"Rules": [{"ObjectOwnership": ownership}]}})
    for op in deny_ops:
        answers[op] = denied("s3", op, account, "global", Bucket=name)
    listing = call(
        "s3", "ListBuckets", account, "global", {"Buckets": [{"Name": name, "CreationDate": ago(400)}]}
    )
    return [listing, *answers.values()]


ALL_ON = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
ALL_OFF = dict.fromkeys(ALL_ON, False)


def account_block(account: str, config: Mapping[str, bool] | None) -> FakeCall:
    """s3control GetPublicAccessBlock for the account; None: the account has none (absent)."""
    if config is None:
        return absent(
            "s3control",
            "GetPublicAccessBlock",
            account,
            "global",
            "NoSuchPublicAccessBlockConfiguration",
            AccountId=account,
        )
    return call(
        "s3control",
        "GetPublicAccessBlock",
        account,
        "global",
        {"PublicAccessBlockConfiguration": dict(config)},
        AccountId=account,
    )


# -- KMS ----------------------------------------------------------------------------------------


def kms_key(
    account: str,
    key_id: str,
    *,
    region: str = EU,
    manager: str = "CUSTOMER",
    spec: str = "SYMMETRIC_DEFAULT",
    origin: str = "AWS_KMS",
    state: str = "Enabled",
    deletion_date: str | None = None,
    rotation: bool | str | None = True,  # True/False, "absent" (not applicable), "denied", None: not called
    key_policy: Mapping[str, Any] | None = None,
    aliases: Sequence[str] = (),
) -> list[FakeCall]:
    meta: dict[str, Any] = {
        "KeyId": key_id,
        "KeyManager": manager,
        "KeySpec": spec,
        "KeyUsage": "ENCRYPT_DECRYPT",
        "Origin": origin,
        "KeyState": state,
        "Enabled": state == "Enabled",
    }
    if deletion_date:
        meta["DeletionDate"] = deletion_date
    calls = [
        call("kms", "ListKeys", account, region, {"Keys": [{"KeyId": key_id}]}),
        call("kms", "DescribeKey", account, region, {"KeyMetadata": meta}, KeyId=key_id),
    ]
    if rotation == "absent":
        calls.append(
            absent(
                "kms", "GetKeyRotationStatus", account, region, "UnsupportedOperationException", KeyId=key_id
            )
        )
    elif rotation == "denied":
        calls.append(denied("kms", "GetKeyRotationStatus", account, region, KeyId=key_id))
    elif isinstance(rotation, bool):
        calls.append(
            call(
                "kms", "GetKeyRotationStatus", account, region, {"KeyRotationEnabled": rotation}, KeyId=key_id
            )
        )
    default_policy = policy(allow({"AWS": f"arn:aws:iam::{account}:root"}, "kms:*"))
    calls.append(
        call(
            "kms",
            "GetKeyPolicy",
            account,
            region,
            {"Policy": json.dumps(key_policy or default_policy)},
            KeyId=key_id,
            PolicyName="default",
        )
    )
    if aliases:
        calls.append(
            call(
                "kms",
                "ListAliases",
                account,
                region,
                {"Aliases": [{"AliasName": a, "TargetKeyId": key_id} for a in aliases]},
            )
        )
    return calls


def key_arn(account: str, key_id: str, region: str = EU) -> str:
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


# -- Lambda -------------------------------------------------------------------------------------


def function(
    account: str,
    name: str,
    *,
    region: str = EU,
    runtime: str | None = "python3.12",
    package_type: str = "Zip",
    role: str | None = None,
    function_policy: Mapping[str, Any] | None = None,
    url_auth: str | None = None,
    deny_ops: Sequence[str] = (),
) -> list[FakeCall]:
    fn: dict[str, Any] = {
        "FunctionName": name,
        "PackageType": package_type,
        "Role": role or f"arn:aws:iam::{account}:role/{name}-exec",
    }
    if runtime:
        fn["Runtime"] = runtime
    calls = [call("lambda", "ListFunctions", account, region, {"Functions": [fn]})]
    if "GetPolicy" in deny_ops:
        calls.append(denied("lambda", "GetPolicy", account, region, FunctionName=name))
    elif function_policy is None:
        calls.append(
            absent("lambda", "GetPolicy", account, region, "ResourceNotFoundException", FunctionName=name)
        )
    else:
        calls.append(
            call(
                "lambda",
                "GetPolicy",
                account,
                region,
                {"Policy": json.dumps(function_policy)},
                FunctionName=name,
            )
        )
    if "GetFunctionUrlConfig" in deny_ops:
        calls.append(denied("lambda", "GetFunctionUrlConfig", account, region, FunctionName=name))
    elif url_auth is None:
        calls.append(
            absent(
                "lambda",
                "GetFunctionUrlConfig",
                account,
                region,
                "ResourceNotFoundException",
                FunctionName=name,
            )
        )
    else:
        url = f"https://{name}.lambda-url.{region}.on.aws/"
        calls.append(
            call(
                "lambda",
                "GetFunctionUrlConfig",
                account,
                region,
                {"FunctionUrl": url, "AuthType": url_auth},
                FunctionName=name,
            )
        )
    return calls


def roles(account: str, *named: tuple[str, Mapping[str, Any]]) -> FakeCall:
    """GetAccountAuthorizationDetails with roles trusted by Lambda, each with one inline policy."""
    trust = policy(
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    details = [
        {
            "RoleName": name,
            "RoleId": f"AROA{name.upper()[:12]}",
            "Arn": f"arn:aws:iam::{account}:role/{name}",
            "Path": "/",
            "AssumeRolePolicyDocument": trust,
            "AttachedManagedPolicies": [],
            "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": doc}],
            "InstanceProfileList": [],
            "Tags": [],
        }
        for name, doc in named
    ]
    body = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": details,
        "Policies": [],
        "IsTruncated": False,
    }
    return FakeCall(
        service="iam", operation="GetAccountAuthorizationDetails", account_id=account, pages=[body]
    )


# -- RDS ----------------------------------------------------------------------------------------


def db_instance(
    account: str,
    identifier: str,
    *,
    region: str = EU,
    public: bool | None = False,
    encrypted: bool | None = True,
    deletion_protection: bool | None = True,
    cluster: str | None = None,
) -> FakeCall:
    db: dict[str, Any] = {
        "DBInstanceIdentifier": identifier,
        "Engine": "postgres",
        "DBInstanceStatus": "available",
    }
    for key, value in (
        ("PubliclyAccessible", public),
        ("StorageEncrypted", encrypted),
        ("DeletionProtection", deletion_protection),
    ):
        if value is not None:
            db[key] = value
    if cluster:
        db["DBClusterIdentifier"] = cluster
    return call("rds", "DescribeDBInstances", account, region, {"DBInstances": [db]})


def db_snapshot(
    account: str,
    identifier: str,
    *,
    region: str = EU,
    encrypted: bool = True,
    restore: Sequence[str] | None = (),  # None: attributes denied
    cluster: bool = False,
) -> list[FakeCall]:
    if cluster:
        listing = call(
            "rds",
            "DescribeDBClusterSnapshots",
            account,
            region,
            {
                "DBClusterSnapshots": [
                    {
                        "DBClusterSnapshotIdentifier": identifier,
                        "DBClusterIdentifier": "c1",
                        "StorageEncrypted": encrypted,
                    }
                ]
            },
            SnapshotType="manual",
        )
        op, param, result_key, list_key = (
            "DescribeDBClusterSnapshotAttributes",
            "DBClusterSnapshotIdentifier",
            "DBClusterSnapshotAttributesResult",
            "DBClusterSnapshotAttributes",
        )
    else:
        listing = call(
            "rds",
            "DescribeDBSnapshots",
            account,
            region,
            {
                "DBSnapshots": [
                    {
                        "DBSnapshotIdentifier": identifier,
                        "DBInstanceIdentifier": "db1",
                        "Encrypted": encrypted,
                    }
                ]
            },
            SnapshotType="manual",
        )
        op, param, result_key, list_key = (
            "DescribeDBSnapshotAttributes",
            "DBSnapshotIdentifier",
            "DBSnapshotAttributesResult",
            "DBSnapshotAttributes",
        )
    if restore is None:
        return [listing, denied("rds", op, account, region, **{param: identifier})]
    body = {result_key: {list_key: [{"AttributeName": "restore", "AttributeValues": list(restore)}]}}
    return [listing, call("rds", op, account, region, body, **{param: identifier})]


# -- SNS, SQS, Secrets Manager, ECR -------------------------------------------------------------


def topic(
    account: str, name: str, topic_policy: Mapping[str, Any] | None, *, region: str = EU
) -> list[FakeCall]:
    arn = f"arn:aws:sns:{region}:{account}:{name}"
    attrs: dict[str, Any] = {"TopicArn": arn, "Owner": account}
    if topic_policy is not None:
        attrs["Policy"] = json.dumps(topic_policy)
    return [
        call("sns", "ListTopics", account, region, {"Topics": [{"TopicArn": arn}]}),
        call("sns", "GetTopicAttributes", account, region, {"Attributes": attrs}, TopicArn=arn),
    ]


def queue(
    account: str, name: str, queue_policy: Mapping[str, Any] | None, *, region: str = EU
) -> list[FakeCall]:
    url = f"https://sqs.{region}.amazonaws.com/{account}/{name}"
    attrs: dict[str, Any] = {
        "QueueArn": f"arn:aws:sqs:{region}:{account}:{name}",
        "SqsManagedSseEnabled": "true",
    }
    if queue_policy is not None:
        attrs["Policy"] = json.dumps(queue_policy)
    return [
        call("sqs", "ListQueues", account, region, {"QueueUrls": [url]}),
        call("sqs", "GetQueueAttributes", account, region, {"Attributes": attrs}, QueueUrl=url),
    ]


def secret_arn(account: str, name: str, region: str = EU) -> str:
    return f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-AbCdEf"


def secret(
    account: str,
    name: str,
    *,
    region: str = EU,
    secret_policy: Mapping[str, Any] | None = None,
    rotation: bool = False,
    last_rotated: str | None = None,
    last_accessed: str | None = None,
    last_changed: str | None = None,
    deleted: str | None = None,
    policy_denied: bool = False,
) -> list[FakeCall]:
    arn = secret_arn(account, name, region)
    entry: dict[str, Any] = {"ARN": arn, "Name": name}
    if rotation:
        entry.update(RotationEnabled=True, RotationRules={"AutomaticallyAfterDays": 30})
    for key, value in (
        ("LastRotatedDate", last_rotated),
        ("LastAccessedDate", last_accessed),
        ("LastChangedDate", last_changed),
        ("DeletedDate", deleted),
    ):
        if value:
            entry[key] = value
    calls = [call("secretsmanager", "ListSecrets", account, region, {"SecretList": [entry]})]
    if policy_denied:
        calls.append(denied("secretsmanager", "GetResourcePolicy", account, region, SecretId=arn))
    else:
        body: dict[str, Any] = {"ARN": arn, "Name": name}
        if secret_policy is not None:
            body["ResourcePolicy"] = json.dumps(secret_policy)
        calls.append(call("secretsmanager", "GetResourcePolicy", account, region, body, SecretId=arn))
    return calls


def repository(
    account: str, name: str, repo_policy: Mapping[str, Any] | None, *, region: str = EU
) -> list[FakeCall]:
    listing = call(
        "ecr", "DescribeRepositories", account, region, {"repositories": [{"repositoryName": name}]}
    )
    if repo_policy is None:
        return [
            listing,
            absent(
                "ecr",
                "GetRepositoryPolicy",
                account,
                region,
                "RepositoryPolicyNotFoundException",
                repositoryName=name,
            ),
        ]
    body = {"repositoryName": name, "policyText": json.dumps(repo_policy)}
    return [listing, call("ecr", "GetRepositoryPolicy", account, region, body, repositoryName=name)]
