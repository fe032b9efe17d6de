"""SNS topics, SQS queues, Secrets Manager secrets and ECR repositories with their resource policies.

Also home of :class:`PerResource`, the index every data-protection normalizer (KMS, S3,
Lambda, RDS) uses to find the per-resource call of a resource (its policy, its rotation
status...) in one lookup instead of scanning every call of the operation: an account with
thousands of buckets must not make loading quadratic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.model.coverage import ABSENT, COLLECTED, Coverage, CoverageState
from analysis.model.policy_doc import PolicyDocument, parse_policy_document
from analysis.model.records import Record, partition_of
from analysis.model.source import PageSource, bulk_parsing
from snapshot.reader import CallRow
from snapshot.schema import SUCCESS_OUTCOMES

# -- per-resource calls -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Answer:
    """What one per-resource operation answered for one resource."""

    coverage: CoverageState
    pages: tuple[dict[str, Any], ...] = ()

    @property
    def state(self) -> str:
        return self.coverage.state

    @property
    def call_ids(self) -> tuple[int, ...]:
        return self.coverage.call_ids

    @property
    def body(self) -> dict[str, Any] | None:
        """The first page, when the call succeeded."""
        return self.pages[0] if self.pages else None


class PerResource:
    """The calls of one per-resource operation, indexed by (account, region, parameter value)."""

    def __init__(self, source: PageSource, *, service: str, operation: str, param: str) -> None:
        self._source = source
        self._service = service
        self._operation = operation
        self._calls: dict[tuple[str, str, str], list[CallRow]] = defaultdict(list)
        for call in source.calls(service, operation):
            value = call.parameters.get(param) if isinstance(call.parameters, Mapping) else None
            self._calls[(call.account_id, call.region, str(value))].append(call)
        # With no calls, Coverage explains from the manifest alone why it was not asked.
        self._unasked = Coverage(calls=(), manifest=source.manifest)

    def answer(self, *, account_id: str, region: str, value: str) -> Answer:
        calls = self._calls.get((account_id, region, value))
        if not calls:
            return Answer(coverage=self._state(self._unasked, account_id, region))
        state = self._state(Coverage(calls=calls, manifest=self._source.manifest), account_id, region)
        pages = tuple(
            body
            for call in calls
            if call.outcome in SUCCESS_OUTCOMES
            for body in self._source.snapshot.pages(call.id)
            if isinstance(body, dict)
        )
        return Answer(coverage=state, pages=pages)

    def _state(self, coverage: Coverage, account_id: str, region: str) -> CoverageState:
        return coverage.state(
            account_id=account_id, region=region, service=self._service, operation=self._operation
        )


def policy_answer(answer: Answer, text: Any) -> tuple[PolicyDocument | None, str]:
    """A resource policy and its state: an answer without a policy document means there is none."""
    if answer.state != COLLECTED:
        return None, answer.state
    if text in (None, ""):
        return None, ABSENT
    return parse_policy_document(text), COLLECTED


def as_bool(value: Any) -> bool | None:
    """AWS booleans come as JSON booleans or, in attribute maps (SQS, SNS), as "true"/"false"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def items(body: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """The objects of a list field, skipping anything malformed."""
    value = body.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# -- records ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SnsTopic(Record):
    name: str
    owner: str | None
    kms_key_id: str | None  # KmsMasterKeyId: None = not encrypted at rest (when attributes were read)
    policy: PolicyDocument | None
    policy_state: str  # coverage of GetTopicAttributes; absent = the topic has no access policy


@dataclass(frozen=True, kw_only=True)
class SqsQueue(Record):
    name: str
    url: str
    kms_key_id: str | None
    sqs_managed_sse: bool | None
    attributes_state: str  # coverage of GetQueueAttributes (encryption fields)
    policy: PolicyDocument | None
    policy_state: str  # absent = the queue has no access policy


@dataclass(frozen=True, kw_only=True)
class Secret(Record):
    name: str
    kms_key_id: str | None  # None: the AWS-managed key aws/secretsmanager
    rotation_enabled: bool  # ListSecrets omits RotationEnabled when rotation is off
    rotation_lambda_arn: str | None
    rotation_days: int | None
    last_rotated: str | None
    last_accessed: str | None
    last_changed: str | None
    deleted: str | None  # DeletedDate: scheduled for deletion
    policy: PolicyDocument | None
    policy_state: str  # coverage of GetResourcePolicy; absent = no resource policy


@dataclass(frozen=True, kw_only=True)
class EcrRepository(Record):
    name: str
    uri: str | None
    scan_on_push: bool | None
    tag_mutability: str | None  # MUTABLE | IMMUTABLE (| *_WITH_EXCLUSION)
    encryption_type: str | None  # AES256 | KMS | KMS_DSSE
    kms_key: str | None
    policy: PolicyDocument | None
    policy_state: str  # coverage of GetRepositoryPolicy; absent = no repository policy


@dataclass(frozen=True, kw_only=True)
class ResourcePolicyInventory:
    topics: Mapping[str, SnsTopic]
    queues: Mapping[str, SqsQueue]
    secrets: Mapping[str, Secret]
    repositories: Mapping[str, EcrRepository]


def normalize_resource_policies(source: PageSource, coverage: Coverage) -> ResourcePolicyInventory:
    """Topics, queues, secrets and repositories, keyed by ARN, with their parsed resource policies."""
    partition = partition_of(source.manifest)
    with bulk_parsing():
        return ResourcePolicyInventory(
            topics=_topics(source, partition),
            queues=_queues(source, partition),
            secrets=_secrets(source),
            repositories=_repositories(source, partition),
        )


def _topics(source: PageSource, partition: str) -> dict[str, SnsTopic]:
    attributes = PerResource(source, service="sns", operation="GetTopicAttributes", param="TopicArn")
    out: dict[str, SnsTopic] = {}
    for page in source.pages("sns", "ListTopics"):
        for topic in items(page.body, "Topics"):
            given = as_str(topic.get("TopicArn"))
            if given is None:
                continue
            name = given.rsplit(":", 1)[-1]
            arn = f"arn:{partition}:sns:{page.region}:{page.account_id}:{name}"
            answer = attributes.answer(account_id=page.account_id, region=page.region, value=given)
            attrs = (answer.body or {}).get("Attributes") or {}
            policy, state = policy_answer(answer, attrs.get("Policy"))
            out[arn] = SnsTopic(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id, *answer.call_ids),
                name=name,
                owner=as_str(attrs.get("Owner")),
                kms_key_id=as_str(attrs.get("KmsMasterKeyId")),
                policy=policy,
                policy_state=state,
            )
    return out


def _queues(source: PageSource, partition: str) -> dict[str, SqsQueue]:
    attributes = PerResource(source, service="sqs", operation="GetQueueAttributes", param="QueueUrl")
    out: dict[str, SqsQueue] = {}
    for page in source.pages("sqs", "ListQueues"):
        urls = page.body.get("QueueUrls")
        for url in urls if isinstance(urls, list) else []:
            if not isinstance(url, str) or not url:
                continue
            name = url.rstrip("/").rsplit("/", 1)[-1]
            arn = f"arn:{partition}:sqs:{page.region}:{page.account_id}:{name}"
            answer = attributes.answer(account_id=page.account_id, region=page.region, value=url)
            attrs = (answer.body or {}).get("Attributes") or {}
            policy, state = policy_answer(answer, attrs.get("Policy"))
            out[arn] = SqsQueue(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id, *answer.call_ids),
                name=name,
                url=url,
                kms_key_id=as_str(attrs.get("KmsMasterKeyId")),
                sqs_managed_sse=as_bool(attrs.get("SqsManagedSseEnabled"))
                if answer.state == COLLECTED
                else None,
                attributes_state=answer.state,
                policy=policy,
                policy_state=state,
            )
    return out


def _secrets(source: PageSource) -> dict[str, Secret]:
    policies = PerResource(source, service="secretsmanager", operation="GetResourcePolicy", param="SecretId")
    out: dict[str, Secret] = {}
    for page in source.pages("secretsmanager", "ListSecrets"):
        for secret in items(page.body, "SecretList"):
            # A secret's ARN ends in a random suffix AWS adds: it cannot be built, only read.
            arn = as_str(secret.get("ARN"))
            if arn is None:
                continue
            answer = policies.answer(account_id=page.account_id, region=page.region, value=arn)
            policy, state = policy_answer(answer, (answer.body or {}).get("ResourcePolicy"))
            rules = secret.get("RotationRules") or {}
            days = rules.get("AutomaticallyAfterDays") if isinstance(rules, dict) else None
            out[arn] = Secret(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id, *answer.call_ids),
                name=str(secret.get("Name") or arn.rsplit(":", 1)[-1]),
                kms_key_id=as_str(secret.get("KmsKeyId")),
                rotation_enabled=secret.get("RotationEnabled") is True,
                rotation_lambda_arn=as_str(secret.get("RotationLambdaARN")),
                rotation_days=days if isinstance(days, int) else None,
                last_rotated=as_str(secret.get("LastRotatedDate")),
                last_accessed=as_str(secret.get("LastAccessedDate")),
                last_changed=as_str(secret.get("LastChangedDate")),
                deleted=as_str(secret.get("DeletedDate")),
                policy=policy,
                policy_state=state,
            )
    return out


def _repositories(source: PageSource, partition: str) -> dict[str, EcrRepository]:
    policies = PerResource(source, service="ecr", operation="GetRepositoryPolicy", param="repositoryName")
    out: dict[str, EcrRepository] = {}
    for page in source.pages("ecr", "DescribeRepositories"):
        for repo in items(page.body, "repositories"):
            name = as_str(repo.get("repositoryName"))
            if name is None:
                continue
            arn = f"arn:{partition}:ecr:{page.region}:{page.account_id}:repository/{name}"
            answer = policies.answer(account_id=page.account_id, region=page.region, value=name)
            policy, state = policy_answer(answer, (answer.body or {}).get("policyText"))
            scanning = repo.get("imageScanningConfiguration") or {}
            encryption = repo.get("encryptionConfiguration") or {}
            out[arn] = EcrRepository(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id, *answer.call_ids),
                name=name,
                uri=as_str(repo.get("repositoryUri")),
                scan_on_push=as_bool(scanning.get("scanOnPush")) if isinstance(scanning, dict) else None,
                tag_mutability=as_str(repo.get("imageTagMutability")),
                encryption_type=as_str(encryption.get("encryptionType"))
                if isinstance(encryption, dict)
                else None,
                kms_key=as_str(encryption.get("kmsKey")) if isinstance(encryption, dict) else None,
                policy=policy,
                policy_state=state,
            )
    return out
