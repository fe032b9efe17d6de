"""One loop for the "resource policy open to everyone" controls of SNS, SQS, Secrets Manager and
ECR: each kind says how its records are listed and which call read their policy."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from analysis.model.inventory import Inventory
from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Control, Input, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import field_gap, listing_gaps, result
from analysis.rules.data._policies import open_statements


@dataclass(frozen=True, kw_only=True)
class PolicyKind:
    noun: str  # "SNS topic"
    service: str
    listing: Input
    policy_operation: str
    param: str
    records: Callable[[Inventory], Mapping[str, Any]]
    param_value: Callable[[Any], str]
    name: Callable[[Any], str] = lambda r: r.name

    @property
    def policy_input(self) -> Input:
        return Input(service=self.service, operation=self.policy_operation)


SNS_TOPICS = PolicyKind(
    noun="SNS topic",
    service="sns",
    listing=Input(service="sns", operation="ListTopics"),
    policy_operation="GetTopicAttributes",
    param="TopicArn",
    records=lambda inv: inv.resource_policies.topics,
    param_value=lambda r: r.arn,
)
SQS_QUEUES = PolicyKind(
    noun="SQS queue",
    service="sqs",
    listing=Input(service="sqs", operation="ListQueues"),
    policy_operation="GetQueueAttributes",
    param="QueueUrl",
    records=lambda inv: inv.resource_policies.queues,
    param_value=lambda r: r.url,
)
SECRETS = PolicyKind(
    noun="secret",
    service="secretsmanager",
    listing=Input(service="secretsmanager", operation="ListSecrets"),
    policy_operation="GetResourcePolicy",
    param="SecretId",
    records=lambda inv: inv.resource_policies.secrets,
    param_value=lambda r: r.arn,
)
KMS_KEYS = PolicyKind(
    noun="KMS key",
    service="kms",
    listing=Input(service="kms", operation="ListKeys"),
    policy_operation="GetKeyPolicy",
    param="KeyId",
    records=lambda inv: inv.kms.keys,
    param_value=lambda r: r.key_id,
    name=lambda r: r.key_id,
)
LAMBDA_FUNCTIONS = PolicyKind(
    noun="Lambda function",
    service="lambda",
    listing=Input(service="lambda", operation="ListFunctions"),
    policy_operation="GetPolicy",
    param="FunctionName",
    records=lambda inv: inv.lambda_functions.functions,
    param_value=lambda r: r.name,
)
ECR_REPOSITORIES = PolicyKind(
    noun="ECR repository",
    service="ecr",
    listing=Input(service="ecr", operation="DescribeRepositories"),
    policy_operation="GetRepositoryPolicy",
    param="repositoryName",
    records=lambda inv: inv.resource_policies.repositories,
    param_value=lambda r: r.name,
)


def policy_records(
    ctx: AssessmentContext, control: Control, kinds: Iterable[PolicyKind]
) -> Iterator[tuple[PolicyKind, Any] | Result]:
    """Listing gaps, then each record whose policy call was answered (with its kind), or its gap."""
    kinds = tuple(kinds)
    yield from listing_gaps(ctx, control, *(kind.listing for kind in kinds))
    for kind in kinds:
        for record in kind.records(ctx.inventory).values():
            gap = field_gap(
                ctx,
                control,
                record,
                resource_id=kind.name(record),
                state=record.policy_state,
                service=kind.service,
                operation=kind.policy_operation,
                param=kind.param,
                value=kind.param_value(record),
            )
            yield gap if gap is not None else (kind, record)


def evaluate_not_public(ctx: AssessmentContext, control: Control, kind: PolicyKind) -> Iterator[Result]:
    for item in policy_records(ctx, control, (kind,)):
        if isinstance(item, Result):
            yield item
            continue
        _, record = item
        name = kind.name(record)
        if record.policy is None:
            yield result(
                control,
                record,
                PASS,
                f"{kind.noun.capitalize()} {name} has no resource policy.",
                resource_id=name,
            )
            continue
        if not record.policy.ok:
            yield result(
                control,
                record,
                NOT_ASSESSED,
                f"Not assessed: the policy of {kind.noun} {name} could not be read ({record.policy.error}).",
                resource_id=name,
            )
            continue
        opened = open_statements(record.policy)
        if opened:
            actions = sorted({a for o in opened for a in o.statement.action or ("NotAction",)})
            yield result(
                control,
                record,
                FAIL,
                f"The policy of {kind.noun} {name} lets any AWS principal {', '.join(actions)}.",
                resource_id=name,
                statements=tuple(o.describe("resource policy") for o in opened),
                values={"actions": actions},
            )
        else:
            yield result(
                control,
                record,
                PASS,
                f"The policy of {kind.noun} {name} grants no one without naming them.",
                resource_id=name,
            )
