"""Resource policies of SNS topics, SQS queues, Secrets Manager secrets and ECR repositories (regional).

Secret *values* are never asked for: ``secretsmanager:GetSecretValue`` is not declared, so the
read-only allowlist refuses it.
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op

# What GetQueueAttributes asks for; the normalizer matches calls on QueueUrl only.
SQS_ATTRIBUTES: tuple[str, ...] = ("Policy", "QueueArn", "KmsMasterKeyId", "SqsManagedSseEnabled")

SNS = Collector(
    name="sns",
    service="sns",
    scope="regional",
    description="SNS topics and their access policies",
    ops=(
        Op(operation="ListTopics"),
        Op(
            operation="GetTopicAttributes",
            for_each=From(sources=("ListTopics",), path="Topics[].TopicArn", param="TopicArn"),
            absent_codes=frozenset({"NotFound", "NotFoundException"}),
        ),
    ),
)

SQS = Collector(
    name="sqs",
    service="sqs",
    scope="regional",
    description="SQS queues: access policy and encryption",
    ops=(
        Op(operation="ListQueues"),
        Op(
            operation="GetQueueAttributes",
            params={"AttributeNames": list(SQS_ATTRIBUTES)},
            for_each=From(sources=("ListQueues",), path="QueueUrls[]", param="QueueUrl"),
            absent_codes=frozenset(
                {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "NonExistentQueue"}
            ),
        ),
    ),
)

SECRETS_MANAGER = Collector(
    name="secretsmanager",
    service="secretsmanager",
    scope="regional",
    description="Secrets Manager secrets (names, KMS key, rotation; never values) and their resource policies",
    ops=(
        Op(operation="ListSecrets"),
        Op(
            operation="GetResourcePolicy",
            for_each=From(sources=("ListSecrets",), path="SecretList[].ARN", param="SecretId"),
            absent_codes=frozenset({"ResourceNotFoundException"}),
        ),
    ),
)

ECR = Collector(
    name="ecr",
    service="ecr",
    scope="regional",
    description="ECR repositories (scan on push, tag mutability, encryption) and their repository policies",
    ops=(
        Op(operation="DescribeRepositories"),
        Op(
            operation="GetRepositoryPolicy",
            for_each=From(
                sources=("DescribeRepositories",),
                path="repositories[].repositoryName",
                param="repositoryName",
            ),
            absent_codes=frozenset({"RepositoryPolicyNotFoundException", "RepositoryNotFoundException"}),
        ),
    ),
)

COLLECTORS: tuple[Collector, ...] = (SNS, SQS, SECRETS_MANAGER, ECR)
