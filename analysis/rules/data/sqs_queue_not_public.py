"""SQS queue policies do not let everyone send, receive or delete messages (SQS.3)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import CRITICAL, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._resource_policy import SQS_QUEUES, evaluate_not_public

CONTROL = Control(
    id="sqs_queue_not_public",
    title="SQS queue policies do not allow public access",
    severity=CRITICAL,
    practice="data",
    service="sqs",
    scope="resource",
    rationale=(
        'A queue policy for Principal "*" without a condition identifying the caller lets any AWS '
        "account read the messages (and the data they carry), delete them before the consumer sees "
        "them, or inject messages the consumer will trust. Queues fed by SNS or S3 should name those "
        "sources with aws:SourceArn."
    ),
    remediation=Remediation(
        console=(
            'SQS console > the queue > Access policy > Edit: replace Principal "*" with the producer '
            "accounts or add an aws:SourceArn condition for the topic or bucket that sends > Save."
        ),
        cli='aws sqs set-queue-attributes --queue-url <queue-url> --attributes file://attributes.json  # {"Policy": "..."}',
        terraform=(
            'resource "aws_sqs_queue_policy" "events" {\n'
            "  queue_url = aws_sqs_queue.events.id\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            "    Statement = [{\n"
            '      Effect = "Allow", Principal = { Service = "sns.amazonaws.com" }\n'
            '      Action = "sqs:SendMessage", Resource = aws_sqs_queue.events.arn\n'
            '      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.events.arn } }\n'
            "    }]\n"
            "  })\n"
            "}"
        ),
    ),
    inputs=(SQS_QUEUES.listing, SQS_QUEUES.policy_input),
    # Same check as Security Hub CSPM SQS.3; Prowler sqs_queues_not_publicly_accessible. Neither source lists
    # a NIST 800-53 control. See docs/mappings.md.
    mappings=Mappings(fsbp=("SQS.3",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from evaluate_not_public(ctx, CONTROL, SQS_QUEUES)
