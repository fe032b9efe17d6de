"""Per-bucket settings, each answered by its own S3 call (S3 API reference): Object Ownership
(S3.12, GetBucketOwnershipControls; OwnershipControlsNotFoundError = ObjectWriter behaviour),
the TLS-only policy (S3.5: Deny s3:* when aws:SecureTransport is false), default encryption
(GetBucketEncryption; S3.17 wants aws:kms or aws:kms:dsse), versioning and MFA delete (S3.14,
S3.20: GetBucketVersioning omits Status when never enabled), Object Lock (S3.15), server access
logging (S3.9: the log target need not log itself), other accounts' sensitive actions (S3.6) and
grants outside the organization."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Result
from analysis.rules.data import (
    s3_bucket_access_logging,
    s3_bucket_access_outside_org,
    s3_bucket_acls_disabled,
    s3_bucket_default_encryption,
    s3_bucket_kms_encryption,
    s3_bucket_mfa_delete,
    s3_bucket_object_lock,
    s3_bucket_policy_other_accounts,
    s3_bucket_tls_only,
    s3_bucket_versioning,
)
from tests.analysis.model.builders import FakeCall
from tests.analysis.rules.data.data_builders import (
    ALL_USERS,
    ORG_ID,
    OUTSIDER,
    B,
    C,
    allow,
    bucket,
    by_resource,
    deny,
    policy,
    run,
)


def _buckets(tmp_path: Path, module: ModuleType, calls: list[FakeCall]) -> dict[str, Result]:
    return by_resource([r for r in run(tmp_path, module, calls) if not r.resource_id.isdigit()])


def test_acls_disabled(tmp_path: Path) -> None:
    calls = [
        *bucket(B, "enforced"),
        *bucket(B, "legacy", ownership=None, grants=((ALL_USERS, "READ"),)),
        *bucket(B, "preferred", ownership="BucketOwnerPreferred"),
        *bucket(B, "hidden", deny_ops=("GetBucketOwnershipControls",)),
    ]
    r = _buckets(tmp_path, s3_bucket_acls_disabled, calls)
    assert r["enforced"].status == PASS
    assert (
        r["legacy"].status == FAIL
        and "ObjectWriter" in r["legacy"].message
        and "READ to AllUsers" in r["legacy"].message
    )
    assert r["preferred"].status == FAIL and "BucketOwnerPreferred" in r["preferred"].message
    assert r["hidden"].status == NOT_ASSESSED


def test_tls_only(tmp_path: Path) -> None:
    tls = deny(
        "*", "s3:*", ["arn:aws:s3:::tls", "arn:aws:s3:::tls/*"], {"Bool": {"aws:SecureTransport": "false"}}
    )
    tls_version = deny(
        {"AWS": "*"}, "s3:*", "arn:aws:s3:::modern/*", {"NumericLessThan": {"s3:TlsVersion": "1.2"}}
    )
    narrow = deny("*", "s3:PutObject", "arn:aws:s3:::narrow/*", {"Bool": {"aws:SecureTransport": "false"}})
    calls = [
        *bucket(B, "tls", bucket_policy=policy(tls)),
        *bucket(B, "modern", bucket_policy=policy(tls_version)),
        *bucket(B, "narrow", bucket_policy=policy(narrow)),
        *bucket(B, "no-policy"),
    ]
    r = _buckets(tmp_path, s3_bucket_tls_only, calls)
    assert r["tls"].status == PASS and r["tls"].evidence.statements == ("bucket policy statement 0",)
    assert r["modern"].status == PASS
    assert r["narrow"].status == FAIL  # only PutObject is refused over HTTP
    assert r["no-policy"].status == FAIL and "has no bucket policy" in r["no-policy"].message


def test_default_and_kms_encryption(tmp_path: Path) -> None:
    calls = [
        *bucket(B, "sse-s3", encryption="AES256"),
        *bucket(B, "sse-kms", encryption="aws:kms", kms_key="arn:aws:kms:eu-west-1:222222222222:key/k1"),
        *bucket(B, "dsse", encryption="aws:kms:dsse"),
        *bucket(B, "none", encryption=None),
        *bucket(B, "hidden", deny_ops=("GetBucketEncryption",)),
    ]
    default = _buckets(tmp_path / "d", s3_bucket_default_encryption, calls)
    assert default["sse-s3"].status == PASS and default["sse-kms"].status == PASS
    assert default["none"].status == FAIL and default["hidden"].status == NOT_ASSESSED
    kms = _buckets(tmp_path / "k", s3_bucket_kms_encryption, calls)
    assert kms["sse-kms"].status == PASS and "key/k1" in kms["sse-kms"].message
    assert kms["dsse"].status == PASS
    assert kms["sse-s3"].status == FAIL and "AES256" in kms["sse-s3"].message
    assert kms["none"].status == FAIL and kms["hidden"].status == NOT_ASSESSED


def test_versioning_and_mfa_delete(tmp_path: Path) -> None:
    calls = [
        *bucket(B, "versioned", versioning="Enabled", mfa_delete="Enabled"),
        *bucket(B, "suspended", versioning="Suspended", mfa_delete="Disabled"),
        *bucket(B, "never", versioning=None),
        *bucket(B, "hidden", deny_ops=("GetBucketVersioning",)),
    ]
    ver = _buckets(tmp_path / "v", s3_bucket_versioning, calls)
    assert ver["versioned"].status == PASS
    assert ver["suspended"].status == FAIL and "suspended" in ver["suspended"].message
    assert ver["never"].status == FAIL and "never enabled" in ver["never"].message
    assert ver["hidden"].status == NOT_ASSESSED
    mfa = _buckets(tmp_path / "m", s3_bucket_mfa_delete, calls)
    assert mfa["versioned"].status == PASS
    assert (
        mfa["suspended"].status == FAIL
        and mfa["never"].status == FAIL
        and mfa["hidden"].status == NOT_ASSESSED
    )


def test_object_lock(tmp_path: Path) -> None:
    calls = [
        *bucket(B, "locked", object_lock=True),
        *bucket(B, "plain"),
        *bucket(B, "hidden", deny_ops=("GetObjectLockConfiguration",)),
    ]
    r = _buckets(tmp_path, s3_bucket_object_lock, calls)
    assert r["locked"].status == PASS and "COMPLIANCE" in r["locked"].message
    assert r["plain"].status == FAIL and r["hidden"].status == NOT_ASSESSED


def test_access_logging(tmp_path: Path) -> None:
    calls = [
        *bucket(B, "data", log_to="logs"),
        *bucket(B, "logs"),
        *bucket(B, "silent"),
        *bucket(B, "hidden", deny_ops=("GetBucketLogging",)),
    ]
    r = _buckets(tmp_path, s3_bucket_access_logging, calls)
    assert r["data"].status == PASS and "to logs" in r["data"].message
    assert r["logs"].status == PASS and "receives the access logs" in r["logs"].message
    assert r["silent"].status == FAIL and r["hidden"].status == NOT_ASSESSED


def test_other_accounts_sensitive_actions(tmp_path: Path) -> None:
    partner = {"AWS": f"arn:aws:iam::{OUTSIDER}:root"}
    calls = [
        *bucket(
            B, "handover", bucket_policy=policy(allow(partner, "s3:PutBucketPolicy", "arn:aws:s3:::handover"))
        ),
        *bucket(B, "everything", bucket_policy=policy(allow({"AWS": C}, "s3:*", "*"))),
        *bucket(
            B,
            "partner-read",
            bucket_policy=policy(allow(partner, "s3:GetObject", "arn:aws:s3:::partner-read/*")),
        ),
        *bucket(
            B,
            "own-account",
            bucket_policy=policy(allow({"AWS": f"arn:aws:iam::{B}:role/admin"}, "s3:PutBucketPolicy")),
        ),
    ]
    r = _buckets(tmp_path, s3_bucket_policy_other_accounts, calls)
    assert r["handover"].status == FAIL and OUTSIDER in r["handover"].evidence.statements[0]
    assert r["everything"].status == FAIL  # s3:* includes the sensitive actions, even inside the organization
    assert r["partner-read"].status == PASS and r["own-account"].status == PASS


def test_access_outside_organization(tmp_path: Path) -> None:
    calls = [
        *bucket(
            B,
            "vendor",
            bucket_policy=policy(allow({"AWS": OUTSIDER}, "s3:GetObject", "arn:aws:s3:::vendor/*")),
        ),
        *bucket(B, "sister", bucket_policy=policy(allow({"AWS": f"arn:aws:iam::{C}:root"}, "s3:GetObject"))),
        *bucket(
            B,
            "org-wide",
            bucket_policy=policy(
                allow("*", "s3:GetObject", "*", {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}})
            ),
        ),
        *bucket(
            B,
            "other-org",
            bucket_policy=policy(
                allow("*", "s3:GetObject", "*", {"StringEquals": {"aws:PrincipalOrgID": "o-zzzzzzzzzz"}})
            ),
        ),
        *bucket(B, "no-policy"),
    ]
    r = _buckets(tmp_path, s3_bucket_access_outside_org, calls)
    assert r["vendor"].status == FAIL and r["vendor"].evidence.values["outside_accounts"] == [OUTSIDER]
    assert r["other-org"].status == FAIL and "organization o-zzzzzzzzzz" in r["other-org"].message
    assert r["sister"].status == PASS and r["org-wide"].status == PASS and r["no-policy"].status == PASS
