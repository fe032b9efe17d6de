"""Resource policies of SNS topics (SNS.4), SQS queues (SQS.3), Secrets Manager secrets and ECR
repositories open to everyone, and resource policies (keys, functions, topics, queues, secrets,
repositories) that name accounts outside the organization. IAM User Guide, "AWS JSON policy
elements: Principal": "*" and {"AWS": "*"} mean every principal of every account."""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Result
from analysis.rules.data import (
    data_resource_policy_outside_org,
    ecr_repository_not_public,
    secretsmanager_secret_not_public,
    sns_topic_not_public,
    sqs_queue_not_public,
)
from tests.analysis.rules.data.data_builders import (
    EU,
    ORG_ID,
    OUTSIDER,
    B,
    C,
    allow,
    by_resource,
    denied,
    kms_key,
    policy,
    queue,
    repository,
    run,
    secret,
    topic,
)


def _named(results: list[Result]) -> dict[str, Result]:
    return by_resource([r for r in results if not r.resource_id.isdigit()])


def test_topics(tmp_path: Path) -> None:
    default_like = policy(
        allow(
            {"AWS": "*"}, ["SNS:Publish", "SNS:Subscribe"], condition={"StringEquals": {"AWS:SourceOwner": B}}
        )
    )
    calls = [
        *topic(
            B, "events", policy(allow({"AWS": "*"}, ["SNS:Publish", "SNS:Subscribe"], sid="AnyonePublishes"))
        ),
        *topic(B, "alerts", default_like),
        *topic(B, "bare", None),
    ]
    r = _named(run(tmp_path, sns_topic_not_public, calls))
    assert r["events"].status == FAIL and "SNS:Publish, SNS:Subscribe" in r["events"].message
    assert r["alerts"].status == PASS  # AWS:SourceOwner with a fixed account narrows "*"
    assert r["bare"].status == PASS and "no resource policy" in r["bare"].message


def test_queues_and_their_listing_gap(tmp_path: Path) -> None:
    from_topic = {"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:{EU}:{B}:events"}}
    calls = [
        *queue(B, "open", policy(allow("*", "sqs:*"))),
        *queue(
            B,
            "fed-by-topic",
            policy(allow({"Service": "sns.amazonaws.com"}, "sqs:SendMessage", condition=from_topic)),
        ),
        denied("sqs", "ListQueues", C, EU),
    ]
    results = run(tmp_path, sqs_queue_not_public, calls)
    r = _named(results)
    assert r["open"].status == FAIL and r["fed-by-topic"].status == PASS
    [gap] = [x for x in results if (x.account_id, x.region) == (C, EU)]
    assert gap.status == NOT_ASSESSED and "sqs:ListQueues" in gap.message


def test_secrets(tmp_path: Path) -> None:
    calls = [
        *secret(B, "open", secret_policy=policy(allow("*", "secretsmanager:GetSecretValue"))),
        *secret(
            B,
            "vendor",
            secret_policy=policy(
                allow({"AWS": f"arn:aws:iam::{OUTSIDER}:root"}, "secretsmanager:GetSecretValue")
            ),
        ),
        *secret(B, "none"),
        *secret(C, "hidden", policy_denied=True),
    ]
    r = _named(run(tmp_path, secretsmanager_secret_not_public, calls))
    assert r["open"].status == FAIL and r["vendor"].status == PASS and r["none"].status == PASS
    assert r["hidden"].status == NOT_ASSESSED and "secretsmanager:GetResourcePolicy" in r["hidden"].message


def test_repositories(tmp_path: Path) -> None:
    pull = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    calls = [
        *repository(B, "base-images", policy(allow("*", pull, sid="AnyonePulls"))),
        *repository(
            B,
            "org-images",
            policy(allow("*", pull, condition={"StringEquals": {"aws:PrincipalOrgID": ORG_ID}})),
        ),
        *repository(B, "private", None),
    ]
    r = _named(run(tmp_path, ecr_repository_not_public, calls))
    assert r["base-images"].status == FAIL and "ecr:BatchGetImage" in r["base-images"].message
    assert r["org-images"].status == PASS and r["private"].status == PASS


def test_outside_the_organization_across_services(tmp_path: Path) -> None:
    vendor = {"AWS": f"arn:aws:iam::{OUTSIDER}:root"}
    calls = [
        *queue(B, "vendor-sends", policy(allow(vendor, "sqs:SendMessage", sid="VendorSends"))),
        *secret(
            B, "vendor-reads", secret_policy=policy(allow({"AWS": OUTSIDER}, "secretsmanager:GetSecretValue"))
        ),
        *kms_key(B, "k-shared", key_policy=policy(allow({"AWS": f"arn:aws:iam::{C}:root"}, "kms:Decrypt"))),
        *kms_key(
            B,
            "k-vendor",
            key_policy=policy(
                allow(
                    {"AWS": "*"}, "kms:Decrypt", condition={"StringEquals": {"kms:CallerAccount": OUTSIDER}}
                )
            ),
        ),
        *topic(B, "quiet", None),
    ]
    r = _named(run(tmp_path, data_resource_policy_outside_org, calls))
    assert r["vendor-sends"].status == FAIL
    assert r["vendor-sends"].evidence.statements == (
        f"SQS queue policy statement 0 (Sid: VendorSends) names {OUTSIDER}",
    )
    assert r["vendor-reads"].status == FAIL and r["vendor-reads"].evidence.values["outside_accounts"] == [
        OUTSIDER
    ]
    assert r["k-shared"].status == PASS  # another account of the organization
    assert r["k-vendor"].status == FAIL  # "*" narrowed to an outside account by kms:CallerAccount
    assert "quiet" not in r  # no policy: nothing shared
