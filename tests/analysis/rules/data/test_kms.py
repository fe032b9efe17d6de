"""KMS controls: rotation (KMS Developer Guide, "Rotating AWS KMS keys": automatic rotation exists
for customer-managed symmetric keys with KMS-generated material; GetKeyRotationStatus answers
UnsupportedOperationException for the others), public key policies (Security Hub KMS.5),
scheduled deletion (KMS.3, "Deleting AWS KMS keys": PendingDeletion with a DeletionDate), and keys
that resources use while disabled."""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.data import (
    kms_key_in_use_enabled,
    kms_key_not_public,
    kms_key_pending_deletion,
    kms_key_rotation_enabled,
)
from tests.analysis.rules.builders import UNREACHABLE
from tests.analysis.rules.data.data_builders import (
    EU,
    ORG_ID,
    B,
    C,
    D,
    E,
    allow,
    bucket,
    by_resource,
    denied,
    key_arn,
    kms_key,
    policy,
    run,
)


def test_rotation_pass_fail_not_applicable_and_not_assessed(tmp_path: Path) -> None:
    calls = [
        *kms_key(B, "k-rotates", rotation=True, aliases=("alias/data",)),
        *kms_key(B, "k-static", rotation=False),
        *kms_key(B, "k-rsa", spec="RSA_2048", rotation="absent"),
        *kms_key(B, "k-aws", manager="AWS", rotation=True),
        *kms_key(C, "k-denied", rotation="denied"),
    ]
    results = run(tmp_path, kms_key_rotation_enabled, calls)
    keys = {r.resource_id: r for r in results if r.resource_id.startswith("k-")}
    assert keys["k-rotates"].status == PASS and "alias/data" in keys["k-rotates"].message
    assert keys["k-static"].status == FAIL and keys["k-static"].evidence.values["KeyRotationEnabled"] is False
    assert keys["k-static"].evidence.call_ids
    assert "k-rsa" not in keys and "k-aws" not in keys  # rotation does not apply / AWS rotates them
    assert keys["k-denied"].status == NOT_ASSESSED and "denied" in keys["k-denied"].message
    # ListKeys never called in D, and the unreachable account: not assessed, never silently empty.
    gaps = {(r.account_id, r.region) for r in results if r.status == NOT_ASSESSED and r.resource_id.isdigit()}
    assert (D, EU) in gaps and (UNREACHABLE, "global") in gaps


def test_listing_denied_is_not_assessed(tmp_path: Path) -> None:
    results = run(tmp_path, kms_key_rotation_enabled, [denied("kms", "ListKeys", E, EU)])
    [gap] = [r for r in results if (r.account_id, r.region) == (E, EU)]
    assert gap.status == NOT_ASSESSED and "kms:ListKeys" in gap.message and "denied" in gap.message


def test_public_key_policy(tmp_path: Path) -> None:
    open_policy = policy(allow("*", "kms:Decrypt", sid="AnyoneDecrypts"))
    caller_account = policy(  # the shape of AWS-managed key policies: narrowed by kms:CallerAccount
        allow(
            {"AWS": "*"},
            ["kms:Encrypt", "kms:Decrypt"],
            condition={
                "StringEquals": {"kms:CallerAccount": B, "kms:ViaService": "s3.eu-west-1.amazonaws.com"}
            },
        )
    )
    org_only = policy(
        allow({"AWS": "*"}, "kms:Decrypt", condition={"StringEquals": {"aws:PrincipalOrgID": ORG_ID}})
    )
    wildcard_condition = policy(
        allow({"AWS": "*"}, "kms:Decrypt", condition={"StringLike": {"aws:PrincipalOrgID": "o-*"}})
    )
    if_exists = policy(
        allow("*", "kms:Decrypt", condition={"StringEqualsIfExists": {"aws:SourceAccount": B}})
    )
    calls = [
        *kms_key(B, "k-open", key_policy=open_policy),
        *kms_key(B, "k-managed", key_policy=caller_account),
        *kms_key(B, "k-org", key_policy=org_only),
        *kms_key(B, "k-wild", key_policy=wildcard_condition),
        *kms_key(B, "k-ifexists", key_policy=if_exists),
        *kms_key(B, "k-own"),
    ]
    keys = {
        r.resource_id: r for r in run(tmp_path, kms_key_not_public, calls) if r.resource_id.startswith("k-")
    }
    assert keys["k-open"].status == FAIL
    assert keys["k-open"].evidence.statements == (
        'key policy statement 0 (Sid: AnyoneDecrypts): Principal "*", no condition',
    )
    assert keys["k-managed"].status == PASS and keys["k-org"].status == PASS and keys["k-own"].status == PASS
    # Security Hub KMS.5: conditions with wildcards do not count; ...IfExists passes when the key is absent.
    assert keys["k-wild"].status == FAIL and keys["k-ifexists"].status == FAIL


def test_key_policy_denied_is_not_assessed(tmp_path: Path) -> None:
    calls = [c for c in kms_key(B, "k1") if c.operation != "GetKeyPolicy"]
    calls.append(denied("kms", "GetKeyPolicy", B, EU, KeyId="k1", PolicyName="default"))
    [r] = [r for r in run(tmp_path, kms_key_not_public, calls) if r.resource_id == "k1"]
    assert r.status == NOT_ASSESSED and "kms:GetKeyPolicy" in r.message


def test_pending_deletion(tmp_path: Path) -> None:
    calls = [
        *kms_key(B, "k-doomed", state="PendingDeletion", deletion_date="2026-01-22T00:00:00+00:00"),
        *kms_key(B, "k-fine"),
        *kms_key(B, "k-aws", manager="AWS"),
        *[c for c in kms_key(C, "k-hidden") if c.operation != "DescribeKey"],
        denied("kms", "DescribeKey", C, EU, KeyId="k-hidden"),
    ]
    keys = {
        r.resource_id: r
        for r in run(tmp_path, kms_key_pending_deletion, calls)
        if r.resource_id.startswith("k-")
    }
    assert keys["k-doomed"].status == FAIL and "2026-01-22" in keys["k-doomed"].message
    assert keys["k-fine"].status == PASS
    assert "k-aws" not in keys
    assert keys["k-hidden"].status == NOT_ASSESSED


def test_key_in_use_but_disabled(tmp_path: Path) -> None:
    calls = [
        *kms_key(B, "k-off", state="Disabled"),
        *kms_key(B, "k-on", aliases=("alias/on",)),
        *kms_key(B, "k-unused", state="Disabled"),
        *bucket(B, "uses-off", encryption="aws:kms", kms_key=key_arn(B, "k-off")),
        *bucket(B, "uses-on-by-alias", encryption="aws:kms", kms_key="alias/on"),
    ]
    keys = by_resource(
        [r for r in run(tmp_path, kms_key_in_use_enabled, calls) if r.resource_id.startswith("k-")]
    )
    assert keys["k-off"].status == FAIL and "S3 bucket uses-off" in keys["k-off"].message
    assert keys["k-on"].status == PASS
    assert "k-unused" not in keys  # nothing uses it: no finding
