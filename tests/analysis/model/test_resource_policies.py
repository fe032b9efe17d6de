"""SNS/SQS/Secrets Manager/ECR normalizer on a small fixture: public and cross-account policies,
policies as JSON / URL-encoded / single statement, missing policies, denied calls, malformed entries."""

from __future__ import annotations

from pathlib import Path

from analysis.model.coverage import ABSENT, COLLECTED, DENIED
from analysis.model.resource_policies import ResourcePolicyInventory, normalize_resource_policies
from tests.analysis.model.test_kms import data_source

A = "222222222222"
R = "eu-west-1"


def _inventory(tmp_path: Path) -> ResourcePolicyInventory:
    return normalize_resource_policies(*data_source(tmp_path, "resource_policies"))


def test_topics(tmp_path: Path) -> None:
    topics = _inventory(tmp_path).topics
    arn = f"arn:aws:sns:{R}:{A}:"
    assert set(topics) == {arn + n for n in ("alerts", "private", "unread")}
    alerts = topics[arn + "alerts"]
    assert alerts.policy is not None and alerts.policy.statements[0].principal == {"AWS": ("*",)}
    assert alerts.policy.statements[0].action == ("SNS:Publish", "SNS:Subscribe")
    assert alerts.kms_key_id is None and alerts.owner == A
    private = topics[arn + "private"]
    assert (private.policy, private.policy_state, private.kms_key_id) == (None, ABSENT, "alias/aws/sns")
    unread = topics[arn + "unread"]
    assert (unread.policy, unread.policy_state) == (None, DENIED)


def test_queues(tmp_path: Path) -> None:
    queues = _inventory(tmp_path).queues
    arn = f"arn:aws:sqs:{R}:{A}:"
    assert set(queues) == {arn + "orders", arn + "plain"}  # the non-string URL is skipped
    orders = queues[arn + "orders"]
    assert orders.url == f"https://sqs.{R}.amazonaws.com/{A}/orders"
    assert orders.policy is not None and orders.policy.statements[0].principal == {
        "AWS": ("arn:aws:iam::999988887777:root",)
    }
    assert (orders.kms_key_id, orders.sqs_managed_sse) == ("alias/orders", False)
    plain = queues[arn + "plain"]
    assert (plain.policy, plain.policy_state) == (None, ABSENT)
    assert (plain.kms_key_id, plain.sqs_managed_sse, plain.attributes_state) == (None, True, COLLECTED)


def test_secrets(tmp_path: Path) -> None:
    secrets = _inventory(tmp_path).secrets
    arn = f"arn:aws:secretsmanager:{R}:{A}:secret:"
    assert set(secrets) == {arn + "db-AbCdEf", arn + "api-AbCdEf"}  # the entry without ARN is skipped
    db = secrets[arn + "db-AbCdEf"]
    assert db.rotation_enabled and db.rotation_days == 30 and db.kms_key_id == "alias/payments"
    assert db.policy is not None and db.policy.ok  # URL-encoded (plus form)
    assert db.policy.statements[0].action == ("secretsmanager:GetSecretValue",)
    api = secrets[arn + "api-AbCdEf"]
    assert api.rotation_enabled is False and api.kms_key_id is None
    assert (api.policy, api.policy_state) == (None, ABSENT)


def test_repositories(tmp_path: Path) -> None:
    repos = _inventory(tmp_path).repositories
    arn = f"arn:aws:ecr:{R}:{A}:repository/"
    assert set(repos) == {arn + n for n in ("app", "public-base", "bare")}
    app = repos[arn + "app"]
    assert (app.scan_on_push, app.tag_mutability, app.encryption_type) == (True, "IMMUTABLE", "KMS")
    assert (app.policy, app.policy_state) == (None, ABSENT)
    public = repos[arn + "public-base"]
    assert public.policy is not None and public.policy.statements[0].principal == {"*": ("*",)}
    assert (public.scan_on_push, public.tag_mutability) == (False, "MUTABLE")
    bare = repos[arn + "bare"]
    assert (bare.scan_on_push, bare.tag_mutability, bare.encryption_type) == (None, None, None)
    assert (bare.policy, bare.policy_state) == (None, DENIED)
