"""KMS keys that collected resources encrypt with are usable (not disabled or pending deletion)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from analysis.model.inventory import Inventory
from analysis.rules.base import FAIL, HIGH, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import listing_gaps, result
from analysis.rules.data._kms import DESCRIBE_KEY, LIST_KEYS, describe_gap, key_label

CONTROL = Control(
    id="kms_key_in_use_enabled",
    title="KMS keys that resources use are enabled",
    severity=HIGH,
    practice="data",
    service="kms",
    scope="resource",
    rationale=(
        "A bucket, database, secret, queue, topic, function or trail that encrypts with a key that "
        "is disabled or scheduled for deletion can no longer read or write its data: an outage now, "
        "and permanent loss once the deletion date passes. Disabling a key in use is also how an "
        "attacker with kms:DisableKey holds data to ransom. The key's users are found from the "
        "resources' own settings in the snapshot."
    ),
    remediation=Remediation(
        console=(
            "KMS console > the key > Key actions > Cancel key deletion (if pending) and Enable; or "
            "move each listed resource to another key before retiring this one."
        ),
        cli="aws kms cancel-key-deletion --key-id <key-id>\naws kms enable-key --key-id <key-id>",
        terraform=(
            'resource "aws_kms_key" "data" {\n'
            "  is_enabled          = true\n"
            "  enable_key_rotation = true\n"
            "  lifecycle { prevent_destroy = true }\n"
            "}"
        ),
    ),
    inputs=(LIST_KEYS, DESCRIBE_KEY),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)

_UNUSABLE = frozenset({"Disabled", "PendingDeletion", "PendingReplicaDeletion", "Unavailable"})


def key_users(inventory: Inventory) -> dict[str, list[str]]:
    """Key ARN -> the resources that name it as their encryption key (as "kind name")."""
    kms = inventory.kms
    users: dict[str, list[str]] = defaultdict(list)

    def add(reference: str | None, account_id: str, region: str, what: str) -> None:
        if not reference:
            return
        key = kms.resolve(reference, account_id=account_id, region=region)
        if key is not None:
            users[key.arn].append(what)

    for b in inventory.s3.buckets.values():
        add(b.encryption_kms_key, b.account_id, b.region, f"S3 bucket {b.name}")
    for d in inventory.rds.instances.values():
        add(d.kms_key_id, d.account_id, d.region, f"RDS instance {d.identifier}")
    for s in inventory.rds.snapshots.values():
        add(s.kms_key_id, s.account_id, s.region, f"RDS snapshot {s.identifier}")
    rp = inventory.resource_policies
    for secret in rp.secrets.values():
        add(secret.kms_key_id, secret.account_id, secret.region, f"secret {secret.name}")
    for queue in rp.queues.values():
        add(queue.kms_key_id, queue.account_id, queue.region, f"SQS queue {queue.name}")
    for topic in rp.topics.values():
        add(topic.kms_key_id, topic.account_id, topic.region, f"SNS topic {topic.name}")
    for fn in inventory.lambda_functions.functions.values():
        add(fn.kms_key_arn, fn.account_id, fn.region, f"Lambda function {fn.name} (environment)")
    for trail in inventory.monitoring.trails.values():
        add(trail.kms_key_id, trail.account_id, trail.home_region, f"CloudTrail trail {trail.name}")
    return users


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_KEYS)
    users = key_users(ctx.inventory)
    for arn, who in sorted(users.items()):
        key = ctx.inventory.kms.keys.get(arn)
        if key is None:
            continue
        gap = describe_gap(ctx, CONTROL, key)
        if gap is not None:
            yield gap
            continue
        values = {"KeyState": key.key_state, "used_by": who}
        if key.key_state in _UNUSABLE:
            when = f", deletion on {key.deletion_date}" if key.deletion_date else ""
            yield result(
                CONTROL,
                key,
                FAIL,
                f"Key {key_label(key)} is {key.key_state}{when} but {len(who)} resource"
                f"{'s' if len(who) > 1 else ''} encrypt with it: {', '.join(who[:5])}"
                f"{' ...' if len(who) > 5 else ''}.",
                resource_id=key.key_id,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                key,
                PASS,
                f"Key {key_label(key)} is {key.key_state} and used by {len(who)} resource(s).",
                resource_id=key.key_id,
                values=values,
            )
