"""Bucket policies deny requests that do not use TLS (S3.5)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.iam.matching import glob_match, match_action
from analysis.model.policy_doc import Statement
from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import result
from analysis.rules.data._policies import describe
from analysis.rules.data._s3 import LIST_BUCKETS, bucket_input, each_bucket

CONTROL = Control(
    id="s3_bucket_tls_only",
    title="S3 bucket policies deny requests without TLS",
    severity=MEDIUM,
    practice="data",
    service="s3",
    scope="resource",
    rationale=(
        "S3 accepts plain HTTP requests unless the bucket policy refuses them. A Deny for every "
        "principal and every S3 action when aws:SecureTransport is false (or s3:TlsVersion is below "
        "1.2) guarantees that data and credentials-signed requests never cross the network in clear, "
        "whatever client or SDK setting is used."
    ),
    remediation=Remediation(
        console=(
            "S3 console > the bucket > Permissions > Bucket policy > Edit: add a statement with Effect "
            'Deny, Principal "*", Action "s3:*", Resource the bucket and bucket/*, Condition Bool '
            'aws:SecureTransport "false".'
        ),
        cli="aws s3api put-bucket-policy --bucket <bucket> --policy file://policy-with-tls-deny.json",
        terraform=(
            'data "aws_iam_policy_document" "tls_only" {\n'
            "  statement {\n"
            '    sid       = "DenyInsecureTransport"\n'
            '    effect    = "Deny"\n'
            '    actions   = ["s3:*"]\n'
            '    resources = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]\n'
            "    principals {\n"
            '      type        = "*"\n'
            '      identifiers = ["*"]\n'
            "    }\n"
            "    condition {\n"
            '      test     = "Bool"\n'
            '      variable = "aws:SecureTransport"\n'
            '      values   = ["false"]\n'
            "    }\n"
            "  }\n"
            "}\n"
            'resource "aws_s3_bucket_policy" "data" {\n'
            "  bucket = aws_s3_bucket.data.id\n"
            "  policy = data.aws_iam_policy_document.tls_only.json\n"
            "}"
        ),
    ),
    inputs=(LIST_BUCKETS, bucket_input("GetBucketPolicy")),
    # Same check as Security Hub CSPM S3.5; Prowler s3_bucket_secure_transport_policy. NIST from Security
    # Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("2.1.1",),
        fsbp=("S3.5",),
        nist=(
            "AC-17(2)",
            "AC-4",
            "IA-5(1)",
            "SC-12(3)",
            "SC-13",
            "SC-23",
            "SC-23(3)",
            "SC-7(4)",
            "SC-8",
            "SC-8(1)",
            "SC-8(2)",
            "SI-7(6)",
        ),
    ),
)


def _denies_plain_http(st: Statement, object_arn: str) -> bool:
    if st.effect != "Deny" or st.not_principal is not None:
        return False
    principal = st.principal or {}
    if not any(values == ("*",) for kind, values in principal.items() if kind in ("*", "AWS")):
        return False
    if st.not_action is not None or not any(match_action(a, "s3:*") for a in st.action or ()):
        return False
    if st.not_resource is not None or not any(glob_match(r, object_arn) for r in st.resource or ()):
        return False
    for operator, keys in st.condition.items():
        op = operator.lower()
        for key, values in keys.items():
            k = key.lower()
            if k == "aws:securetransport" and op in ("bool", "boolifexists") and values == ("false",):
                return True
            if k == "s3:tlsversion" and op.startswith("numericlessthan"):
                return True
    return False


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in each_bucket(ctx, CONTROL, (("policy_state", "GetBucketPolicy"),)):
        if isinstance(item, Result):
            yield item
            continue
        bucket = item
        found = [
            st
            for st in (bucket.policy.statements if bucket.policy else ())
            if _denies_plain_http(st, f"{bucket.arn}/x")
        ]
        if found:
            yield result(
                CONTROL,
                bucket,
                PASS,
                f"Bucket {bucket.name} denies every request made without TLS.",
                resource_id=bucket.name,
                statements=tuple(f"bucket policy {describe(st)}" for st in found),
            )
        else:
            why = (
                "has no bucket policy"
                if bucket.policy is None
                else "has no statement denying s3:* when aws:SecureTransport is false"
            )
            yield result(
                CONTROL,
                bucket,
                FAIL,
                f"Bucket {bucket.name} {why}: plain HTTP requests are accepted.",
                resource_id=bucket.name,
            )
