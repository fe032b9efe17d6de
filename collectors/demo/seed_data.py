"""Demo data-protection resources: S3, KMS, Lambda, SNS, SQS, Secrets Manager, ECR, RDS.

Weaknesses an auditor must find sit next to good examples of the same thing, so each
control has both a FAIL and a PASS in the demo (listed in docs/demo-data.md). What was
created is recorded in ``ctx.resources["data"]`` (structure in :func:`seed_data`).
Runs inside the demo's ``mock_aws()``; resources in member accounts are created through
their ``OrganizationAccountAccessRole`` (``ctx.client``).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError

from collectors.demo.seed import SeedContext, _doc, _note_skip

US, EU = "us-east-1", "eu-west-1"
VENDOR = "999988887777"
# Values that look like secrets, set as Lambda environment variables and a secret's value:
# none of them may appear in the collected snapshot (the redaction test looks for them).
SECRET_LOOKING_VALUES = (
    "Sup3r-S3cret-db-pa55",
    "sk_live_demo_4242424242424242",
    "demo-secret-value-do-not-collect",
)
_FULL_PAB = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def seed_data(ctx: SeedContext) -> None:
    """Create the data-protection resources and record them in ``ctx.resources["data"]``.

    The record maps each kind to ``{name: {"account": <account name>, "region": ..., <facts>}}``:
    ``buckets``, ``kms_keys`` (by label; ``key_id`` inside), ``functions``, ``topics``, ``queues``,
    ``secrets``, ``repositories``, ``db_instances``, ``db_snapshots``; plus
    ``account_public_access_block`` (account names with account-level BPA on) and
    ``secret_values`` (strings that must never be collected).
    """
    data: dict[str, Any] = {
        "buckets": {},
        "kms_keys": {},
        "functions": {},
        "topics": {},
        "queues": {},
        "secrets": {},
        "repositories": {},
        "db_instances": {},
        "db_snapshots": {},
        "account_public_access_block": [],
        "secret_values": list(SECRET_LOOKING_VALUES),
    }
    ctx.resources["data"] = data
    _kms(ctx, data)
    _buckets(ctx, data)
    _account_public_access_block(ctx, data)
    _functions(ctx, data)
    _messaging(ctx, data)
    _secrets(ctx, data)
    _repositories(ctx, data)
    _databases(ctx, data)


# -- KMS -------------------------------------------------------------------------------------


def _key(
    ctx: SeedContext,
    data: dict[str, Any],
    *,
    label: str,
    account: str,
    region: str,
    description: str,
    rotation: bool,
    policy: str | None = None,
    alias: str | None = None,
    pending_deletion: bool = False,
    spec: str = "SYMMETRIC_DEFAULT",
) -> str:
    kms = ctx.client(account, "kms", region)
    args: dict[str, Any] = {"Description": description, "KeySpec": spec}
    if spec != "SYMMETRIC_DEFAULT":
        args["KeyUsage"] = "SIGN_VERIFY"
    if policy is not None:
        args["Policy"] = policy
    key_id = kms.create_key(**args)["KeyMetadata"]["KeyId"]
    if rotation:
        kms.enable_key_rotation(KeyId=key_id)
    if alias:
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    if pending_deletion:
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    data["kms_keys"][label] = {
        "account": account,
        "region": region,
        "key_id": key_id,
        "rotation": rotation,
        "spec": spec,
        "public_policy": policy is not None and '"*"' in policy,
        "pending_deletion": pending_deletion,
        "aliases": [alias] if alias else [],
    }
    return key_id


def _kms(ctx: SeedContext, data: dict[str, Any]) -> None:
    _key(
        ctx,
        data,
        label="cloudtrail",
        account="log-archive",
        region=US,
        description="Encrypts the organization's CloudTrail logs",
        rotation=True,
        alias="alias/cloudtrail",
    )
    _key(
        ctx,
        data,
        label="payments-data",
        account="payments-prod",
        region=US,
        description="Payments data at rest",
        rotation=True,
        alias="alias/payments-data",
    )
    # A customer key nobody rotates (CIS 3.6 / KMS.4).
    _key(
        ctx,
        data,
        label="legacy-app",
        account="payments-prod",
        region=EU,
        description="Legacy application key, created by hand in 2019",
        rotation=False,
        alias="alias/legacy-app",
    )
    # A key policy that lets anyone use the key (principal "*" with no condition).
    account_id = ctx.accounts["web-prod"]
    _key(
        ctx,
        data,
        label="web-shared",
        account="web-prod",
        region=EU,
        description="Shared decrypt key (over-permissive policy)",
        rotation=True,
        alias="alias/web-shared",
        policy=_doc(
            {
                "Sid": "EnableIAMUserPermissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "AnyoneMayDecrypt",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
            },
        ),
    )
    # Asymmetric signing key: rotation does not apply to it.
    _key(
        ctx,
        data,
        label="release-signing",
        account="shared-services",
        region=US,
        description="Signs release artifacts",
        rotation=False,
        spec="RSA_2048",
    )
    # A key scheduled for deletion: whatever it encrypts becomes unreadable in 7 days.
    _key(
        ctx,
        data,
        label="sandbox-old",
        account="sandbox-alice",
        region=US,
        description="Experiment key, scheduled for deletion",
        rotation=False,
        pending_deletion=True,
    )


# -- S3 --------------------------------------------------------------------------------------


def _bucket(
    ctx: SeedContext, data: dict[str, Any], *, account: str, region: str, name: str, **facts: Any
) -> Any:
    s3 = ctx.client(account, "s3", region)
    if region == US:
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    record = {
        "account": account,
        "region": region,
        "policy": False,
        "public_policy": False,
        "public_acl": False,
        "encryption": None,
        "versioning": False,
        "bucket_pab": False,
        "logging_target": None,
    }
    record.update(facts)
    data["buckets"][name] = record
    return s3


def _buckets(ctx: SeedContext, data: dict[str, Any]) -> None:
    la = ctx.accounts["log-archive"]
    trail = f"example-corp-cloudtrail-{la}"
    s3 = _bucket(
        ctx,
        data,
        account="log-archive",
        region=US,
        name=trail,
        policy=True,
        encryption="aws:kms",
        versioning=True,
        bucket_pab=True,
        tls_only=True,
    )
    key_id = data["kms_keys"]["cloudtrail"]["key_id"]
    s3.put_bucket_policy(
        Bucket=trail,
        Policy=_doc(
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:aws:s3:::{trail}",
            },
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{trail}/AWSLogs/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{trail}", f"arn:aws:s3:::{trail}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ),
    )
    s3.put_bucket_encryption(
        Bucket=trail,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": f"arn:aws:kms:{US}:{la}:key/{key_id}",
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_bucket_versioning(Bucket=trail, VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(Bucket=trail, PublicAccessBlockConfiguration=_FULL_PAB)

    # Public website content: public read through the bucket policy, in eu-west-1.
    # Server access logs must go to a bucket in the same account and region (S3 User Guide,
    # "Enabling Amazon S3 server access logging"); the log delivery group may write to it.
    wp = ctx.accounts["web-prod"]
    access_logs = f"example-corp-web-prod-access-logs-{wp}"
    s3 = _bucket(
        ctx, data, account="web-prod", region=EU, name=access_logs, encryption="AES256", bucket_pab=True
    )
    s3.put_bucket_acl(Bucket=access_logs, ACL="log-delivery-write")
    s3.put_bucket_encryption(
        Bucket=access_logs,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_public_access_block(Bucket=access_logs, PublicAccessBlockConfiguration=_FULL_PAB)

    web = f"example-corp-web-prod-public-site-{wp}"
    s3 = _bucket(
        ctx,
        data,
        account="web-prod",
        region=EU,
        name=web,
        policy=True,
        public_policy=True,
        logging_target=access_logs,
    )
    s3.put_bucket_policy(
        Bucket=web,
        Policy=_doc(
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{web}/*",
            }
        ),
    )
    s3.put_bucket_logging(
        Bucket=web,
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": access_logs, "TargetPrefix": "web-prod/"}},
    )

    # Exports shared with "everyone" through a legacy ACL.
    exports = f"example-corp-payments-dev-exports-{ctx.accounts['payments-dev']}"
    s3 = _bucket(ctx, data, account="payments-dev", region=US, name=exports, public_acl=True)
    s3.put_bucket_acl(Bucket=exports, ACL="public-read")

    # Reports without default encryption or versioning (moto creates buckets without either).
    reports = f"example-corp-payments-prod-reports-{ctx.accounts['payments-prod']}"
    _bucket(ctx, data, account="payments-prod", region=EU, name=reports)


def _account_public_access_block(ctx: SeedContext, data: dict[str, Any]) -> None:
    for account in ("log-archive", "security-tooling", "payments-prod"):
        control = ctx.client(account, "s3control", US)
        try:
            control.put_public_access_block(
                AccountId=ctx.accounts[account], PublicAccessBlockConfiguration=_FULL_PAB
            )
        except ClientError as exc:
            _note_skip(ctx, f"account Block Public Access in {account}", exc)
            continue
        except EndpointConnectionError as exc:
            # moto server on loopback: botocore puts the account id in S3 Control's host name.
            ctx.skipped.append(f"account Block Public Access in {account}: S3 Control unreachable ({exc})")
            continue
        data["account_public_access_block"].append(account)


# -- Lambda ----------------------------------------------------------------------------------


def _code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {'statusCode': 200}\n")
    return buffer.getvalue()


def _function(
    ctx: SeedContext,
    data: dict[str, Any],
    *,
    account: str,
    region: str,
    name: str,
    runtime: str,
    env: dict[str, str] | None = None,
    **facts: Any,
) -> Any:
    iam = ctx.client(account, "iam")
    role_name = f"{name}-exec"
    role = iam.create_role(
        RoleName=role_name,
        AssumeRolePolicyDocument=_doc(
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ),
        Description=f"Execution role of the {name} function",
    )["Role"]["Arn"]
    client = ctx.client(account, "lambda", region)
    args: dict[str, Any] = {
        "FunctionName": name,
        "Runtime": runtime,
        "Role": role,
        "Handler": "app.handler",
        "Code": {"ZipFile": _code()},
    }
    if env:
        args["Environment"] = {"Variables": env}
    client.create_function(**args)
    record = {
        "account": account,
        "region": region,
        "runtime": runtime,
        "role": role_name,
        "env_names": sorted(env or {}),
        "public_policy": False,
        "policy": False,
        "url_auth": None,
    }
    record.update(facts)
    data["functions"][name] = record
    return client


def _functions(ctx: SeedContext, data: dict[str, Any]) -> None:
    client = _function(
        ctx,
        data,
        account="payments-prod",
        region=US,
        name="payments-webhook",
        runtime="python3.12",
        policy=True,
        public_policy=True,
    )
    # Anyone may invoke it: a resource policy with Principal "*" and no source condition.
    client.add_permission(
        FunctionName="payments-webhook",
        StatementId="AllowAnyone",
        Action="lambda:InvokeFunction",
        Principal="*",
    )
    client = _function(
        ctx,
        data,
        account="payments-prod",
        region=US,
        name="payments-settlement",
        runtime="python3.12",
        policy=True,
    )
    # The good example: only S3 events from the payments account's own bucket.
    client.add_permission(
        FunctionName="payments-settlement",
        StatementId="AllowS3Notifications",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceAccount=ctx.accounts["payments-prod"],
        SourceArn="arn:aws:s3:::example-corp-settlement-files",
    )
    client = _function(
        ctx, data, account="web-prod", region=EU, name="web-render", runtime="nodejs20.x", url_auth="NONE"
    )
    client.create_function_url_config(FunctionName="web-render", AuthType="NONE")
    client = _function(
        ctx,
        data,
        account="web-prod",
        region=EU,
        name="web-admin-api",
        runtime="nodejs20.x",
        url_auth="AWS_IAM",
    )
    client.create_function_url_config(FunctionName="web-admin-api", AuthType="AWS_IAM")
    # An end-of-support runtime with secrets in plain environment variables.
    _function(
        ctx,
        data,
        account="payments-dev",
        region=US,
        name="legacy-report",
        runtime="python3.7",
        env={
            "DB_PASSWORD": SECRET_LOOKING_VALUES[0],
            "STRIPE_API_KEY": SECRET_LOOKING_VALUES[1],
            "STAGE": "dev",
        },
    )


# -- SNS, SQS, Secrets Manager, ECR ------------------------------------------------------------


def _messaging(ctx: SeedContext, data: dict[str, Any]) -> None:
    sns = ctx.client("web-prod", "sns", EU)
    topic = sns.create_topic(Name="web-events")["TopicArn"]
    sns.set_topic_attributes(
        TopicArn=topic,
        AttributeName="Policy",
        AttributeValue=_doc(
            {
                "Sid": "AnyonePublishes",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["SNS:Publish", "SNS:Subscribe"],
                "Resource": topic,
            }
        ),
    )
    data["topics"]["web-events"] = {"account": "web-prod", "region": EU, "public_policy": True}
    sns = ctx.client("security-tooling", "sns", US)
    sns.create_topic(Name="security-alerts", Attributes={"KmsMasterKeyId": "alias/aws/sns"})
    data["topics"]["security-alerts"] = {"account": "security-tooling", "region": US, "public_policy": False}

    sqs = ctx.client("payments-prod", "sqs", US)
    url = sqs.create_queue(QueueName="payment-events")["QueueUrl"]
    arn = f"arn:aws:sqs:{US}:{ctx.accounts['payments-prod']}:payment-events"
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "Policy": _doc(
                {
                    "Sid": "VendorSends",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"},
                    "Action": "sqs:SendMessage",
                    "Resource": arn,
                }
            ),
            "KmsMasterKeyId": "alias/payments-data",
        },
    )
    data["queues"]["payment-events"] = {
        "account": "payments-prod",
        "region": US,
        "policy": True,
        "cross_account": VENDOR,
    }
    sqs.create_queue(QueueName="payment-retries")
    data["queues"]["payment-retries"] = {"account": "payments-prod", "region": US, "policy": False}


def _secrets(ctx: SeedContext, data: dict[str, Any]) -> None:
    sm = ctx.client("payments-prod", "secretsmanager", US)
    sm.create_secret(
        Name="payments/db-master", SecretString=SECRET_LOOKING_VALUES[2], KmsKeyId="alias/payments-data"
    )
    sm.put_resource_policy(
        SecretId="payments/db-master",
        ResourcePolicy=_doc(
            {
                "Sid": "VendorReads",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"},
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
            }
        ),
    )
    data["secrets"]["payments/db-master"] = {"account": "payments-prod", "region": US, "policy": True}
    sm.create_secret(Name="payments/api-token", SecretString=SECRET_LOOKING_VALUES[2] + "-2")
    data["secrets"]["payments/api-token"] = {"account": "payments-prod", "region": US, "policy": False}


def _repositories(ctx: SeedContext, data: dict[str, Any]) -> None:
    ecr = ctx.client("shared-services", "ecr", US)
    ecr.create_repository(
        repositoryName="base-images",
        imageScanningConfiguration={"scanOnPush": False},
        imageTagMutability="MUTABLE",
    )
    ecr.set_repository_policy(
        repositoryName="base-images",
        policyText=_doc(
            {
                "Sid": "AnyonePulls",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            }
        ),
    )
    data["repositories"]["base-images"] = {
        "account": "shared-services",
        "region": US,
        "public_policy": True,
        "scan_on_push": False,
        "tag_mutability": "MUTABLE",
    }
    ecr.create_repository(
        repositoryName="payments-api",
        imageScanningConfiguration={"scanOnPush": True},
        imageTagMutability="IMMUTABLE",
    )
    data["repositories"]["payments-api"] = {
        "account": "shared-services",
        "region": US,
        "public_policy": False,
        "scan_on_push": True,
        "tag_mutability": "IMMUTABLE",
    }


# -- RDS -------------------------------------------------------------------------------------


def _databases(ctx: SeedContext, data: dict[str, Any]) -> None:
    rds = ctx.client("payments-prod", "rds", US)
    common = {
        "DBInstanceClass": "db.t3.micro",
        "Engine": "postgres",
        "MasterUsername": "payments",
        "AllocatedStorage": 20,
    }
    # Publicly accessible and unencrypted.
    rds.create_db_instance(
        DBInstanceIdentifier="payments-reporting",
        MasterUserPassword="demo-only-not-collected",
        PubliclyAccessible=True,
        StorageEncrypted=False,
        **common,
    )
    data["db_instances"]["payments-reporting"] = {
        "account": "payments-prod",
        "region": US,
        "public": True,
        "encrypted": False,
    }
    rds.create_db_instance(
        DBInstanceIdentifier="payments-ledger",
        MasterUserPassword="demo-only-not-collected",
        PubliclyAccessible=False,
        StorageEncrypted=True,
        **common,
    )
    data["db_instances"]["payments-ledger"] = {
        "account": "payments-prod",
        "region": US,
        "public": False,
        "encrypted": True,
    }
    rds.create_db_snapshot(DBInstanceIdentifier="payments-reporting", DBSnapshotIdentifier="reporting-export")
    public = True
    try:
        rds.modify_db_snapshot_attribute(
            DBSnapshotIdentifier="reporting-export", AttributeName="restore", ValuesToAdd=["all"]
        )
    except ClientError as exc:
        _note_skip(ctx, "a public RDS snapshot", exc)
        public = False
    data["db_snapshots"]["reporting-export"] = {"account": "payments-prod", "region": US, "public": public}
    rds.create_db_snapshot(
        DBInstanceIdentifier="payments-ledger", DBSnapshotIdentifier="ledger-before-upgrade"
    )
    data["db_snapshots"]["ledger-before-upgrade"] = {
        "account": "payments-prod",
        "region": US,
        "public": False,
    }
