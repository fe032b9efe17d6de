"""Data protection of one account: KMS keys, S3 buckets, Lambda functions, topics, queues, secrets,
repositories and RDS (S3: bench.gen_s3), with the per-resource answers AWS gives (policies, rotation, "none here").

Most per-resource calls answer "there is none" (no bucket policy, no function URL, rotation not
applicable to an asymmetric key): recorded as ``absent``. Denied where AWS commonly denies an
auditor: grants of AWS-managed keys (their key policies do not grant kms:ListGrants), and
buckets whose own policy denies everyone but the application's role. Weaknesses an auditor
must find: public bucket policies and ACLs, buckets without Block Public Access, customer keys
without rotation or pending deletion, key policies open to other accounts, public Lambda URLs,
deprecated runtimes, topics and queues open to ``*``, publicly restorable RDS snapshots.

Longer than ~400 lines: eight services built together per account and region (their keys,
roles and VPCs refer to each other); S3, global, is in bench/gen_s3.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bench.gen_common import COLLECTED_AT, Answer, ApiError, iso
from bench.gen_iam_policies import APPS, VENDOR_ACCOUNTS
from bench.gen_network import vpc_id
from bench.gen_world import AccountContext, Handler, stable_hex

AWS_KEYS = ("ebs", "s3", "rds", "lambda", "secretsmanager", "sns")
RUNTIMES = ("python3.12", "python3.12", "nodejs20.x", "java21", "python3.8", "nodejs16.x", "go1.x")


def _t(days: float) -> str:
    return iso(COLLECTED_AT - dt.timedelta(days=days))


def _absent(code: str, message: str) -> ApiError:
    return ApiError(code=code, message=message, status=404)


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _key_id(*parts: object) -> str:
    h = stable_hex(32, *parts)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


@dataclass
class Regional:
    keys: list[dict[str, Any]] = field(default_factory=list)  # KeyMetadata
    key_policies: dict[str, str] = field(default_factory=dict)
    rotation: dict[str, bool | None] = field(default_factory=dict)  # None: not applicable
    aliases: list[dict[str, Any]] = field(default_factory=list)
    functions: list[dict[str, Any]] = field(default_factory=list)
    function_policies: dict[str, str] = field(default_factory=dict)
    function_urls: dict[str, dict[str, Any]] = field(default_factory=dict)
    topics: list[dict[str, str]] = field(default_factory=list)  # Attributes
    queues: list[dict[str, str]] = field(default_factory=list)  # {"url":..., attributes}
    secrets: list[dict[str, Any]] = field(default_factory=list)
    secret_policies: dict[str, str] = field(default_factory=dict)
    repositories: list[dict[str, Any]] = field(default_factory=list)
    repository_policies: dict[str, str] = field(default_factory=dict)
    db_instances: list[dict[str, Any]] = field(default_factory=list)
    db_snapshots: list[dict[str, Any]] = field(default_factory=list)
    cluster_snapshots: list[dict[str, Any]] = field(default_factory=list)
    restore: dict[str, list[str]] = field(default_factory=dict)


def build_regional(ctx: AccountContext, region: str) -> Regional:
    rng = ctx.rng("data", region)
    acct, kind, home = ctx.id, ctx.account.kind, region == ctx.home
    prod = ctx.facts.is_prod(ctx.account)
    r = Regional()
    root = f"arn:aws:iam::{acct}:root"
    # -- KMS: AWS-managed keys where services used them, customer keys in the home region
    for service in AWS_KEYS[: (rng.randint(3, 6) if home else rng.randint(1, 2))]:
        kid = _key_id(ctx.seed, acct, region, "aws", service)
        r.keys.append(
            _key(
                region,
                acct,
                kid,
                f"Default key that protects my {service} data when no other key is defined",
                "AWS",
                1500,
            )
        )
        r.rotation[kid] = True
        r.key_policies[kid] = _policy(
            {
                "Sid": "Allow access through the service for all principals in the account",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:DescribeKey",
                ],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "kms:CallerAccount": acct,
                        "kms:ViaService": f"{service}.{region}.amazonaws.com",
                    }
                },
            }
        )
        r.aliases.append(_alias(region, acct, f"alias/aws/{service}", kid))
    customer = rng.randint(1, 4) if home and kind != "sandbox" else (1 if rng.random() < 0.15 else 0)
    for i in range(customer):
        kid = _key_id(ctx.seed, acct, region, "cmk", i)
        app = rng.choice(APPS)
        asym = rng.random() < 0.1
        meta = _key(region, acct, kid, f"{app} data key", "CUSTOMER", rng.randint(30, 1500))
        if asym:
            meta.update(
                KeyUsage="SIGN_VERIFY",
                CustomerMasterKeySpec="RSA_2048",
                KeySpec="RSA_2048",
                SigningAlgorithms=["RSASSA_PSS_SHA_256"],
            )
            meta.pop("EncryptionAlgorithms")
        if rng.random() < 0.05:
            meta.update(
                Enabled=False,
                KeyState="PendingDeletion",
                DeletionDate=iso(COLLECTED_AT + dt.timedelta(days=7)),
            )
        r.keys.append(meta)
        r.rotation[kid] = None if asym else rng.random() < 0.6
        statements: list[dict[str, Any]] = [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
        if rng.random() < 0.1:
            statements.append(
                {
                    "Sid": "Vendor",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{rng.choice(VENDOR_ACCOUNTS)}:root"},
                    "Action": ["kms:Decrypt", "kms:DescribeKey"],
                    "Resource": "*",
                }
            )
        r.key_policies[kid] = _policy(*statements)
        r.aliases.append(_alias(region, acct, f"alias/{app}-{i}", kid))
    # -- Lambda
    functions = (
        {"workload": rng.randint(0, 6), "sandbox": rng.randint(0, 3)}.get(kind, 1)
        if home
        else (1 if rng.random() < 0.1 else 0)
    )
    for i in range(functions):
        app = rng.choice(APPS)
        name = f"{app}-{rng.choice(('api', 'worker', 'cron', 'ingest'))}-{i}"
        arn = f"arn:aws:lambda:{region}:{acct}:function:{name}"
        fn: dict[str, Any] = {
            "FunctionName": name,
            "FunctionArn": arn,
            "Runtime": rng.choice(RUNTIMES),
            "Role": f"arn:aws:iam::{acct}:role/{app}-lambda",
            "Handler": "app.handler",
            "CodeSize": rng.randint(2_000, 9_000_000),
            "Description": "",
            "Timeout": 30,
            "MemorySize": 512,
            "LastModified": _t(rng.randint(1, 900)).replace("+00:00", ".000+0000"),
            "CodeSha256": stable_hex(43, arn),
            "Version": "$LATEST",
            "Environment": {
                "Variables": {
                    "TABLE_NAME": f"{app}-table",
                    "DB_PASSWORD": "not-a-real-secret",
                    "LOG_LEVEL": "info",
                }
            },
            "TracingConfig": {"Mode": "PassThrough"},
            "PackageType": "Zip",
            "Architectures": ["arm64"],
        }
        if rng.random() < 0.4:
            fn["VpcConfig"] = {
                "SubnetIds": [f"subnet-{stable_hex(17, arn, 'subnet')}"],
                "SecurityGroupIds": [f"sg-{stable_hex(17, arn, 'sg')}"],
                "VpcId": vpc_id(ctx.seed, acct, region, 0),
            }
        r.functions.append(fn)
        if ctx.rare(rng, 0.25):
            principal = "*" if rng.random() < 0.15 else {"Service": "apigateway.amazonaws.com"}
            r.function_policies[name] = _policy(
                {
                    "Sid": "invoke",
                    "Effect": "Allow",
                    "Principal": principal,
                    "Action": "lambda:InvokeFunction",
                    "Resource": arn,
                }
            )
        if ctx.rare(rng, 0.08):
            auth = "NONE" if rng.random() < 0.5 else "AWS_IAM"
            r.function_urls[name] = {
                "FunctionUrl": f"https://{stable_hex(32, arn)}.lambda-url.{region}.on.aws/",
                "FunctionArn": arn,
                "AuthType": auth,
                "Cors": {"AllowOrigins": ["*"]},
                "CreationTime": _t(100),
                "LastModifiedTime": _t(50),
            }
    # -- SNS, SQS, Secrets Manager, ECR (home region)
    if home:
        for i in range(rng.randint(int(ctx.showcase), 3)):
            name = f"{rng.choice(APPS)}-events-{i}"
            arn = f"arn:aws:sns:{region}:{acct}:{name}"
            principal: Any = "*" if rng.random() < 0.08 else {"AWS": root}
            attributes = {
                "TopicArn": arn,
                "Owner": acct,
                "DisplayName": "",
                "Policy": _policy(
                    {
                        "Sid": "owner",
                        "Effect": "Allow",
                        "Principal": principal,
                        "Action": ["SNS:Publish", "SNS:Subscribe"],
                        "Resource": arn,
                    }
                ),
                "SubscriptionsConfirmed": str(rng.randint(0, 5)),
            }
            if rng.random() < 0.5:
                attributes["KmsMasterKeyId"] = "alias/aws/sns"
            r.topics.append(attributes)
        for i in range(rng.randint(int(ctx.showcase), 3)):
            name = f"{rng.choice(APPS)}-jobs-{i}"
            arn = f"arn:aws:sqs:{region}:{acct}:{name}"
            queue = {
                "url": f"https://sqs.{region}.amazonaws.com/{acct}/{name}",
                "QueueArn": arn,
                "SqsManagedSseEnabled": "true",
            }
            if rng.random() < 0.4:
                principal = (
                    "*"
                    if rng.random() < 0.1
                    else {"AWS": f"arn:aws:iam::{ctx.facts.shared_services.id}:root"}
                )
                queue["Policy"] = _policy(
                    {"Effect": "Allow", "Principal": principal, "Action": "sqs:SendMessage", "Resource": arn}
                )
            r.queues.append(queue)
        for i in range(rng.randint(int(ctx.showcase), 4)):
            name = f"{rng.choice(APPS)}/db-credentials-{i}"
            arn = f"arn:aws:secretsmanager:{region}:{acct}:secret:{name}-{stable_hex(6, acct, name)}"
            secret: dict[str, Any] = {
                "ARN": arn,
                "Name": name,
                "Description": "database credentials",
                "LastChangedDate": _t(rng.randint(1, 400)),
                "LastAccessedDate": _t(rng.randint(0, 30)),
                "CreatedDate": _t(500),
                "Tags": [],
                "SecretVersionsToStages": {stable_hex(32, arn): ["AWSCURRENT"]},
            }
            if rng.random() < 0.5:
                secret.update(
                    RotationEnabled=True,
                    RotationLambdaARN=f"arn:aws:lambda:{region}:{acct}:function:secret-rotation",
                    RotationRules={"AutomaticallyAfterDays": 30},
                    LastRotatedDate=_t(rng.randint(1, 30)),
                )
            r.secrets.append(secret)
            if rng.random() < 0.2:
                r.secret_policies[arn] = _policy(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{ctx.facts.shared_services.id}:role/deployer"},
                        "Action": "secretsmanager:GetSecretValue",
                        "Resource": "*",
                    }
                )
        for i in range(rng.randint(int(ctx.showcase), 3)):
            name = f"{rng.choice(APPS)}-image-{i}"
            r.repositories.append(
                {
                    "repositoryArn": f"arn:aws:ecr:{region}:{acct}:repository/{name}",
                    "registryId": acct,
                    "repositoryName": name,
                    "repositoryUri": f"{acct}.dkr.ecr.{region}.amazonaws.com/{name}",
                    "createdAt": _t(300),
                    "imageTagMutability": "MUTABLE" if rng.random() < 0.6 else "IMMUTABLE",
                    "imageScanningConfiguration": {"scanOnPush": rng.random() < 0.5},
                    "encryptionConfiguration": {"encryptionType": "AES256"},
                }
            )
            if rng.random() < 0.3:
                principal = (
                    "*"
                    if rng.random() < 0.1
                    else {"AWS": [f"arn:aws:iam::{a.id}:root" for a in ctx.facts.org.accounts[:3]]}
                )
                r.repository_policies[name] = _policy(
                    {
                        "Sid": "pull",
                        "Effect": "Allow",
                        "Principal": principal,
                        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                    }
                )
    # -- RDS (workload home regions)
    if home and kind == "workload":
        for i in range(max(rng.randint(0, 2) if prod else rng.randint(0, 1), int(ctx.showcase))):
            ident = f"{ctx.account.name}-db-{i}"
            encrypted = rng.random() < 0.85
            r.db_instances.append(
                {
                    "DBInstanceIdentifier": ident,
                    "DBInstanceClass": "db.r6g.large",
                    "Engine": "postgres",
                    "DBInstanceStatus": "available",
                    "Endpoint": {
                        "Address": f"{ident}.c{stable_hex(11, acct)}.{region}.rds.amazonaws.com",
                        "Port": 5432,
                        "HostedZoneId": "Z2R2ITUGPM61AM",
                    },
                    "AllocatedStorage": 100,
                    "InstanceCreateTime": _t(400),
                    "VpcSecurityGroups": [
                        {"VpcSecurityGroupId": f"sg-{stable_hex(17, ident)}", "Status": "active"}
                    ],
                    "DBSubnetGroup": {
                        "DBSubnetGroupName": f"{ident}-subnets",
                        "DBSubnetGroupDescription": "private subnets",
                        "VpcId": vpc_id(ctx.seed, acct, region, 0),
                        "SubnetGroupStatus": "Complete",
                        "Subnets": [
                            {
                                "SubnetIdentifier": f"subnet-{stable_hex(17, ident, az)}",
                                "SubnetAvailabilityZone": {"Name": f"{region}{az}"},
                                "SubnetStatus": "Active",
                            }
                            for az in "ab"
                        ],
                    },
                    "MultiAZ": prod,
                    "EngineVersion": "15.5",
                    "PubliclyAccessible": rng.random() < 0.05,
                    "StorageEncrypted": encrypted,
                    **(
                        {
                            "KmsKeyId": f"arn:aws:kms:{region}:{acct}:key/{_key_id(ctx.seed, acct, region, 'aws', 'rds')}"
                        }
                        if encrypted
                        else {}
                    ),
                    "DbiResourceId": f"db-{stable_hex(26, ident).upper()}",
                    "DBInstanceArn": f"arn:aws:rds:{region}:{acct}:db:{ident}",
                    "IAMDatabaseAuthenticationEnabled": rng.random() < 0.3,
                    "DeletionProtection": prod,
                }
            )
            for j in range(max(rng.randint(0, 3), int(ctx.showcase))):
                snap = f"{ident}-manual-{j}"
                r.db_snapshots.append(
                    {
                        "DBSnapshotIdentifier": snap,
                        "DBInstanceIdentifier": ident,
                        "SnapshotCreateTime": _t(rng.randint(1, 300)),
                        "Engine": "postgres",
                        "AllocatedStorage": 100,
                        "Status": "available",
                        "Port": 5432,
                        "VpcId": vpc_id(ctx.seed, acct, region, 0),
                        "EngineVersion": "15.5",
                        "SnapshotType": "manual",
                        "Encrypted": encrypted,
                        "DBSnapshotArn": f"arn:aws:rds:{region}:{acct}:snapshot:{snap}",
                        "StorageType": "gp3",
                    }
                )
                draw = rng.random()
                r.restore[snap] = (
                    ["all"] if draw < 0.03 else ([ctx.facts.shared_services.id] if draw < 0.2 else [])
                )
        if ctx.rare(rng, 0.1):
            snap = f"{ctx.account.name}-aurora-final"
            r.cluster_snapshots.append(
                {
                    "DBClusterSnapshotIdentifier": snap,
                    "DBClusterIdentifier": f"{ctx.account.name}-aurora",
                    "SnapshotCreateTime": _t(200),
                    "Engine": "aurora-postgresql",
                    "Status": "available",
                    "StorageEncrypted": True,
                    "DBClusterSnapshotArn": f"arn:aws:rds:{region}:{acct}:cluster-snapshot:{snap}",
                    "SnapshotType": "manual",
                }
            )
            r.restore[snap] = []
    return r


def _key(region: str, acct: str, kid: str, description: str, manager: str, age: int) -> dict[str, Any]:
    return {
        "AWSAccountId": acct,
        "KeyId": kid,
        "Arn": f"arn:aws:kms:{region}:{acct}:key/{kid}",
        "CreationDate": _t(age),
        "Enabled": True,
        "Description": description,
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": "Enabled",
        "Origin": "AWS_KMS",
        "KeyManager": manager,
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": False,
    }


def _alias(region: str, acct: str, name: str, kid: str) -> dict[str, Any]:
    return {
        "AliasName": name,
        "AliasArn": f"arn:aws:kms:{region}:{acct}:{name}",
        "TargetKeyId": kid,
        "CreationDate": _t(400),
        "LastUpdatedDate": _t(400),
    }


def _r(ctx: AccountContext, region: str) -> Regional:
    result: Regional = ctx.cached("data", region, build_regional)
    return result


def _meta(ctx: AccountContext, region: str, key_id: str) -> dict[str, Any]:
    return next(k for k in _r(ctx, region).keys if k["KeyId"] == key_id)


# -- KMS ------------------------------------------------------------------------------------------


def _list_keys(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    keys = _r(ctx, region).keys
    ctx.tally.add("kms.keys", *(k["Arn"] for k in keys))
    return [{"Keys": [{"KeyId": k["KeyId"], "KeyArn": k["Arn"]} for k in keys], "Truncated": False}]


def _describe_key(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    return [{"KeyMetadata": _meta(ctx, region, str(params["KeyId"]))}]


def _rotation(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    kid = str(params["KeyId"])
    enabled = _r(ctx, region).rotation.get(kid)
    if enabled is None:
        return ApiError(
            code="UnsupportedOperationException",
            message=f"{_meta(ctx, region, kid)['Arn']} key usage is not supported for this operation.",
        )
    body: dict[str, Any] = {"KeyRotationEnabled": enabled, "KeyId": _meta(ctx, region, kid)["Arn"]}
    if enabled:
        body["RotationPeriodInDays"] = 365
    return [body]


def _key_policy(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    return [{"Policy": _r(ctx, region).key_policies[str(params["KeyId"])], "PolicyName": "default"}]


def _aliases(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _r(ctx, region).aliases
    ctx.tally.add("kms.aliases", *(a["AliasArn"] for a in items))
    return [{"Aliases": items, "Truncated": False}]


def _grants(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    meta = _meta(ctx, region, str(params["KeyId"]))
    if meta["KeyManager"] == "AWS":
        # AWS-managed key policies do not grant kms:ListGrants to the account (KMS Developer Guide).
        return ctx.deny("kms:ListGrants", code="AccessDeniedException")
    grants = []
    if ctx.rng("grants", meta["KeyId"]).random() < 0.3:
        grants.append(
            {
                "KeyId": meta["Arn"],
                "GrantId": stable_hex(64, meta["Arn"]),
                "Name": "autoscaling",
                "CreationDate": _t(100),
                "GranteePrincipal": f"arn:aws:iam::{ctx.id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
                "IssuingAccount": f"arn:aws:iam::{ctx.id}:root",
                "Operations": ["Decrypt", "GenerateDataKeyWithoutPlaintext", "CreateGrant"],
            }
        )
    return [{"Grants": grants, "Truncated": False}]


# -- Lambda, SNS, SQS, Secrets Manager, ECR, RDS ----------------------------------------------------


def _functions(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _r(ctx, region).functions
    ctx.tally.add("lambda_functions.functions", *(f["FunctionArn"] for f in items))
    # Deep copies: the executor redacts environment values in place (collectors/redact.py).
    return [{"Functions": json.loads(json.dumps(items))}]


def _function_policy(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    policy = _r(ctx, region).function_policies.get(str(params["FunctionName"]))
    if policy is None:
        return _absent("ResourceNotFoundException", "The resource you requested does not exist.")
    return [{"Policy": policy, "RevisionId": stable_hex(36, policy)}]


def _function_url(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    url = _r(ctx, region).function_urls.get(str(params["FunctionName"]))
    if url is None:
        return _absent("ResourceNotFoundException", "The resource you requested does not exist.")
    return [url]


def _topics(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _r(ctx, region).topics
    ctx.tally.add("resource_policies.topics", *(t["TopicArn"] for t in items))
    return [{"Topics": [{"TopicArn": t["TopicArn"]} for t in items]}]


def _topic_attributes(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    return [{"Attributes": next(t for t in _r(ctx, region).topics if t["TopicArn"] == params["TopicArn"])}]


def _queues(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _r(ctx, region).queues
    ctx.tally.add("resource_policies.queues", *(q["QueueArn"] for q in items))
    return [{"QueueUrls": [q["url"] for q in items]}] if items else [{}]


def _queue_attributes(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    queue = next(q for q in _r(ctx, region).queues if q["url"] == params["QueueUrl"])
    return [{"Attributes": {k: v for k, v in queue.items() if k != "url"}}]


def _secrets(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _r(ctx, region).secrets
    ctx.tally.add("resource_policies.secrets", *(s["ARN"] for s in items))
    return [{"SecretList": items}]


def _secret_policy(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    arn = str(params["SecretId"])
    body: dict[str, Any] = {"ARN": arn, "Name": arn.split(":secret:")[1].rsplit("-", 1)[0]}
    policy = _r(ctx, region).secret_policies.get(arn)
    if policy:
        body["ResourcePolicy"] = policy
    return [body]


def _repositories(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _r(ctx, region).repositories
    ctx.tally.add("resource_policies.repositories", *(r["repositoryArn"] for r in items))
    return [{"repositories": items}]


def _repository_policy(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    name = str(params["repositoryName"])
    policy = _r(ctx, region).repository_policies.get(name)
    if policy is None:
        return _absent(
            "RepositoryPolicyNotFoundException",
            f"Repository policy does not exist for the repository with name '{name}' in the registry with id '{ctx.id}'",
        )
    return [{"registryId": ctx.id, "repositoryName": name, "policyText": policy}]


def _db_instances(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _r(ctx, region).db_instances
    ctx.tally.add("rds.instances", *(d["DBInstanceArn"] for d in items))
    return [{"DBInstances": items}]


def _db_snapshots(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _r(ctx, region).db_snapshots
    ctx.tally.add("rds.snapshots", *(s["DBSnapshotArn"] for s in items))
    return [{"DBSnapshots": items}]


def _cluster_snapshots(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _r(ctx, region).cluster_snapshots
    ctx.tally.add("rds.snapshots", *(s["DBClusterSnapshotArn"] for s in items))
    return [{"DBClusterSnapshots": items}]


def _snapshot_attributes(result: str, attributes: str, param: str) -> Handler:
    def handler(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
        ident = str(params[param])
        values = _r(ctx, region).restore.get(ident, [])
        return [
            {result: {param: ident, attributes: [{"AttributeName": "restore", "AttributeValues": values}]}}
        ]

    return handler


HANDLERS: dict[tuple[str, str], Handler] = {
    ("kms", "ListKeys"): _list_keys,
    ("kms", "DescribeKey"): _describe_key,
    ("kms", "GetKeyRotationStatus"): _rotation,
    ("kms", "GetKeyPolicy"): _key_policy,
    ("kms", "ListAliases"): _aliases,
    ("kms", "ListGrants"): _grants,
    ("lambda", "ListFunctions"): _functions,
    ("lambda", "GetPolicy"): _function_policy,
    ("lambda", "GetFunctionUrlConfig"): _function_url,
    ("sns", "ListTopics"): _topics,
    ("sns", "GetTopicAttributes"): _topic_attributes,
    ("sqs", "ListQueues"): _queues,
    ("sqs", "GetQueueAttributes"): _queue_attributes,
    ("secretsmanager", "ListSecrets"): _secrets,
    ("secretsmanager", "GetResourcePolicy"): _secret_policy,
    ("ecr", "DescribeRepositories"): _repositories,
    ("ecr", "GetRepositoryPolicy"): _repository_policy,
    ("rds", "DescribeDBInstances"): _db_instances,
    ("rds", "DescribeDBSnapshots"): _db_snapshots,
    ("rds", "DescribeDBSnapshotAttributes"): _snapshot_attributes(
        "DBSnapshotAttributesResult", "DBSnapshotAttributes", "DBSnapshotIdentifier"
    ),
    ("rds", "DescribeDBClusterSnapshots"): _cluster_snapshots,
    ("rds", "DescribeDBClusterSnapshotAttributes"): _snapshot_attributes(
        "DBClusterSnapshotAttributesResult", "DBClusterSnapshotAttributes", "DBClusterSnapshotIdentifier"
    ),
}
