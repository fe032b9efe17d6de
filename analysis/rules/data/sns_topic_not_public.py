"""SNS topic policies do not let everyone publish or subscribe (SNS.4)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import CRITICAL, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._resource_policy import SNS_TOPICS, evaluate_not_public

CONTROL = Control(
    id="sns_topic_not_public",
    title="SNS topic policies do not allow public access",
    severity=CRITICAL,
    practice="data",
    service="sns",
    scope="resource",
    rationale=(
        'A topic policy granting Principal "*" without a condition such as aws:SourceOwner or '
        "aws:SourceArn lets any AWS account subscribe an endpoint and receive every message (often "
        "alerts or events carrying data), or publish forged messages to every subscriber. The "
        "default topic policy is limited to the owner account; only deliberate edits open it."
    ),
    remediation=Remediation(
        console=(
            "SNS console > Topics > the topic > Edit > Access policy: restrict Principal to the "
            "publishing accounts or services and add aws:SourceArn / aws:SourceAccount conditions > Save changes."
        ),
        cli="aws sns set-topic-attributes --topic-arn <topic-arn> --attribute-name Policy --attribute-value file://policy.json",
        terraform=(
            'resource "aws_sns_topic_policy" "events" {\n'
            "  arn = aws_sns_topic.events.arn\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            "    Statement = [{\n"
            '      Effect = "Allow", Principal = { Service = "events.amazonaws.com" }\n'
            '      Action = "sns:Publish", Resource = aws_sns_topic.events.arn\n'
            '      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }\n'
            "    }]\n"
            "  })\n"
            "}"
        ),
    ),
    inputs=(SNS_TOPICS.listing, SNS_TOPICS.policy_input),
    # Same check as Security Hub CSPM SNS.4; Prowler sns_topics_not_publicly_accessible. Neither source lists
    # a NIST 800-53 control. See docs/mappings.md.
    mappings=Mappings(fsbp=("SNS.4",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from evaluate_not_public(ctx, CONTROL, SNS_TOPICS)
