"""Resource policies of keys, functions, topics, queues, secrets and repositories grant no account
outside the organization (buckets: s3_bucket_access_outside_org)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import organization_accounts, result
from analysis.rules.data._policies import describe, outside_grants
from analysis.rules.data._resource_policy import (
    ECR_REPOSITORIES,
    KMS_KEYS,
    LAMBDA_FUNCTIONS,
    SECRETS,
    SNS_TOPICS,
    SQS_QUEUES,
    policy_records,
)

KINDS = (KMS_KEYS, LAMBDA_FUNCTIONS, SNS_TOPICS, SQS_QUEUES, SECRETS, ECR_REPOSITORIES)

CONTROL = Control(
    id="data_resource_policy_outside_org",
    title="Resource policies grant no account outside the organization",
    severity=MEDIUM,
    practice="data",
    service="multiple",
    scope="resource",
    rationale=(
        "A key, function, topic, queue, secret or repository policy naming an account that is not in "
        "the organization lets that account use the resource directly: decrypt with the key, read the "
        "secret, receive the messages, pull the images. The account sits outside every SCP, RCP and "
        "monitoring control of the organization, so each such grant must be a known, approved third "
        "party; the result names the accounts and statements for the auditor to confirm or waive."
    ),
    remediation=Remediation(
        console=(
            "Open the resource's policy (KMS key policy, Lambda resource-based policy, SNS/SQS access "
            "policy, secret resource permissions, ECR repository permissions) and remove the external "
            "account principals, or restrict the statements with aws:PrincipalOrgID."
        ),
        cli=(
            "aws kms put-key-policy --key-id <key> --policy-name default --policy file://policy.json\n"
            "aws secretsmanager put-resource-policy --secret-id <secret> --resource-policy file://policy.json\n"
            "aws sqs set-queue-attributes --queue-url <url> --attributes file://attributes.json"
        ),
        terraform=(
            "# Grant partners through a role they assume, inside the organization, not on the resource:\n"
            'resource "aws_secretsmanager_secret_policy" "db" {\n'
            "  secret_arn = aws_secretsmanager_secret.db.arn\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            "    Statement = [{\n"
            '      Effect = "Allow", Principal = { AWS = "*" }, Action = "secretsmanager:GetSecretValue"\n'
            '      Resource = "*", Condition = { StringEquals = { "aws:PrincipalOrgID" = var.organization_id } }\n'
            "    }]\n"
            "  })\n"
            "}"
        ),
    ),
    inputs=tuple(i for kind in KINDS for i in (kind.listing, kind.policy_input)),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    members, unknown = organization_accounts(ctx)
    org_id = ctx.inventory.organization.organization_id
    for item in policy_records(ctx, CONTROL, KINDS):
        if isinstance(item, Result):
            yield item
            continue
        kind, record = item
        name = kind.name(record)
        if record.policy is None:
            continue  # no resource policy: nothing is shared (the not-public controls say so)
        if members is None:
            yield ctx.not_assessed(
                CONTROL,
                account_id=record.account_id,
                region=record.region,
                reason=unknown,
                call_ids=record.call_ids,
                resource_arn=record.arn,
                resource_id=name,
            )
            continue
        grants = outside_grants(
            record.policy, owner=record.account_id, organization=members, organization_id=org_id
        )
        if not grants:
            yield result(
                CONTROL,
                record,
                PASS,
                f"The policy of {kind.noun} {name} grants no account outside the organization.",
                resource_id=name,
            )
            continue
        outsiders = sorted({a for _, accounts in grants for a in accounts})
        yield result(
            CONTROL,
            record,
            FAIL,
            f"The policy of {kind.noun} {name} grants {', '.join(outsiders)}, outside the organization.",
            resource_id=name,
            statements=tuple(f"{kind.noun} policy {describe(st)} names {', '.join(a)}" for st, a in grants),
            values={"outside_accounts": outsiders, "resource_type": kind.noun},
        )
