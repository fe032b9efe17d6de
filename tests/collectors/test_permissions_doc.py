"""The IAM policy the README asks clients to grant covers every operation the collector sends.

Checked against moto's copy of the AWS-managed SecurityAudit and ViewOnlyAccess policies plus the
inline policy in docs/permissions.md, so adding a collector op that needs a new permission fails
here until the documentation names it.
"""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

from botocore.session import Session

from collectors.readonly import collection_operations

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def _actions(document: dict) -> list[str]:
    out: list[str] = []
    for stmt in document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]:
        if stmt.get("Effect") == "Allow" and "Action" in stmt:
            actions = stmt["Action"]
            out.extend([actions] if isinstance(actions, str) else actions)
    return out


def _granted() -> list[str]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    managed = json.loads(aws_managed_policies_data)
    granted = _actions(managed["SecurityAudit"]["Document"]) + _actions(managed["ViewOnlyAccess"]["Document"])
    inline = json.loads(re.search(r"```json\n(.*?)```", DOC.read_text(), re.S).group(1))
    return granted + _actions(inline)


# Where the IAM action is not "<signing name>:<API operation>" (Service Authorization Reference).
IAM_PREFIX = {"monitoring": "cloudwatch", "s3control": "s3"}
IAM_ACTION = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
}


def test_documented_policy_covers_every_collection_operation() -> None:
    granted = [g.lower() for g in _granted()]
    session = Session()
    missing = []
    # sts:GetCallerIdentity needs no permission: "No permissions are required to perform this
    # operation" (STS API reference, GetCallerIdentity).
    for service, operation in sorted(collection_operations() - {("sts", "GetCallerIdentity")}):
        signing = session.get_service_model(service).signing_name
        prefix = IAM_PREFIX.get(signing, signing)
        action = IAM_ACTION.get((service, operation), f"{prefix}:{operation}").lower()
        if not any(fnmatch.fnmatchcase(action, g) for g in granted):
            missing.append(action)
    assert missing == []
