"""The trail bucket: not public, server access logging on.

S3 User Guide, "Blocking public access to your Amazon S3 storage" ("The meaning of 'public'":
a wildcard principal is public unless a condition pins it to fixed values of keys such as
aws:SourceArn or aws:SourceAccount; IgnorePublicAcls and RestrictPublicBuckets at bucket or
account level neutralise public ACLs and policies), "Access control list (ACL) overview"
(AllUsers, AuthenticatedUsers), and "Logging requests with server access logging"
(GetBucketLogging answers without LoggingEnabled when logging is off).
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Result
from analysis.rules.logging import cloudtrail_bucket_access_logging, cloudtrail_bucket_not_public
from tests.analysis.rules.builders import run_control
from tests.analysis.rules.logging.calls import (
    ALL_BLOCKED,
    LOG_ARCHIVE,
    BucketSpec,
    TrailSpec,
    org_trail,
    s3_calls,
    trail_calls,
)

CLOUDTRAIL_WRITE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AWSCloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::org-trail-logs/AWSLogs/*",
        }
    ],
}
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    ],
}
PINNED = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-ab12cd34ef"}},
        }
    ],
}
ALL_USERS_READ = {
    "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
    "Permission": "READ",
}


def _one(tmp_path: Path, module: object, bucket: BucketSpec, name: str, **kw: object) -> Result:
    trail = org_trail(bucket=bucket.name)
    results = run_control(tmp_path, module, [*trail_calls([trail]), *s3_calls([bucket], **kw)], name=name)  # type: ignore[arg-type]
    [r] = results
    assert r.resource_arn == f"arn:aws:s3:::{bucket.name}"
    return r


def test_bucket_not_public(tmp_path: Path) -> None:
    m = cloudtrail_bucket_not_public
    ok = _one(tmp_path, m, BucketSpec(name="org-trail-logs", policy=CLOUDTRAIL_WRITE), "ok")
    assert ok.status == PASS and ok.account_id == LOG_ARCHIVE
    pinned = _one(tmp_path, m, BucketSpec(name="pinned", policy=PINNED), "pinned")
    assert pinned.status == PASS, pinned.message

    by_policy = _one(tmp_path, m, BucketSpec(name="open", policy=PUBLIC_READ), "open")
    assert by_policy.status == FAIL and "statement 0 (Everyone)" in by_policy.message
    by_s3 = _one(
        tmp_path, m, BucketSpec(name="s3says", policy=CLOUDTRAIL_WRITE, policy_public=True), "s3says"
    )
    assert by_s3.status == FAIL and "judged public by S3" in by_s3.message
    by_acl = _one(tmp_path, m, BucketSpec(name="acl", grants=[ALL_USERS_READ]), "acl")
    assert by_acl.status == FAIL and "AllUsers" in by_acl.message

    blocked = _one(tmp_path, m, BucketSpec(name="blocked", policy=PUBLIC_READ, block=ALL_BLOCKED), "blocked")
    assert blocked.status == PASS and "Block Public Access" in blocked.message
    account_blocked = _one(
        tmp_path,
        m,
        BucketSpec(name="acctblocked", grants=[ALL_USERS_READ]),
        "acct",
        account_blocks={LOG_ARCHIVE: ALL_BLOCKED},
    )
    assert account_blocked.status == PASS


def test_bucket_not_public_not_assessed(tmp_path: Path) -> None:
    m = cloudtrail_bucket_not_public
    # The bucket lives in an account whose S3 was not collected (the log archive, typically).
    [missing] = run_control(tmp_path, m, trail_calls([org_trail(bucket="elsewhere")]), name="missing")
    assert missing.status == NOT_ASSESSED and "not in the snapshot" in missing.message
    acl_denied = _one(tmp_path, m, BucketSpec(name="aclless", denied=("GetBucketAcl",)), "acl")
    assert acl_denied.status == NOT_ASSESSED and "bucket ACL" in acl_denied.message
    # A public grant whose effect depends on a Block Public Access setting we could not read.
    bpa_denied = _one(
        tmp_path, m, BucketSpec(name="bpa", policy=PUBLIC_READ, denied=("GetPublicAccessBlock",)), "bpa"
    )
    assert bpa_denied.status == NOT_ASSESSED and "public grants found" in bpa_denied.message


def test_bucket_shared_by_two_trails_is_judged_once(tmp_path: Path) -> None:
    trails = [org_trail(bucket="shared"), TrailSpec(account="555555555555", name="local", bucket="shared")]
    calls = [*trail_calls(trails), *s3_calls([BucketSpec(name="shared")])]
    [r] = run_control(tmp_path, cloudtrail_bucket_access_logging, calls)
    assert "org-trail" in r.message and "local" in r.message


def test_bucket_access_logging(tmp_path: Path) -> None:
    m = cloudtrail_bucket_access_logging
    on = _one(tmp_path, m, BucketSpec(name="logged", logging_target="access-logs"), "on")
    assert on.status == PASS and on.evidence.values["TargetBucket"] == "access-logs"
    off = _one(tmp_path, m, BucketSpec(name="silent"), "off")
    assert off.status == FAIL and "no server access logging" in off.message
    denied = _one(tmp_path, m, BucketSpec(name="hidden", denied=("GetBucketLogging",)), "denied")
    assert denied.status == NOT_ASSESSED and "GetBucketLogging" in denied.message
