"""No customer-managed KMS key is scheduled for deletion unnoticed (KMS.3)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import CRITICAL, FAIL, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import listing_gaps, result
from analysis.rules.data._kms import DESCRIBE_KEY, LIST_KEYS, describe_gap, key_label

CONTROL = Control(
    id="kms_key_pending_deletion",
    title="Customer-managed KMS keys are not scheduled for deletion",
    severity=CRITICAL,
    practice="data",
    service="kms",
    scope="resource",
    rationale=(
        "Deleting a KMS key is irreversible and makes everything encrypted under it unreadable for "
        "good. KMS enforces a waiting period of 7 to 30 days in which the deletion can be cancelled; "
        "a key found in that state must be confirmed as an intended crypto-shredding, or the deletion "
        "cancelled before the date passes."
    ),
    remediation=Remediation(
        console=(
            "KMS console > Customer managed keys > the key (status 'Pending deletion') > Key actions > "
            "Cancel key deletion, then Key actions > Enable."
        ),
        cli="aws kms cancel-key-deletion --key-id <key-id>\naws kms enable-key --key-id <key-id>",
        terraform=(
            "# A key Terraform manages is only scheduled for deletion by a destroy; keep it with:\n"
            'resource "aws_kms_key" "data" {\n'
            "  deletion_window_in_days = 30\n"
            "  lifecycle { prevent_destroy = true }\n"
            "}"
        ),
    ),
    inputs=(LIST_KEYS, DESCRIBE_KEY),
    # Same check as Security Hub CSPM KMS.3; Prowler kms_cmk_not_deleted_unintentionally. NIST from Security
    # Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(fsbp=("KMS.3",), nist=("SC-12", "SC-12(2)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_KEYS)
    for key in ctx.inventory.kms.keys.values():
        gap = describe_gap(ctx, CONTROL, key)
        if gap is not None:
            yield gap
            continue
        if not key.customer_managed:
            continue  # AWS-managed keys cannot be scheduled for deletion
        values = {"KeyState": key.key_state, "DeletionDate": key.deletion_date}
        if key.key_state in ("PendingDeletion", "PendingReplicaDeletion"):
            when = f" on {key.deletion_date}" if key.deletion_date else ""
            yield result(
                CONTROL,
                key,
                FAIL,
                f"Key {key_label(key)} is scheduled for deletion{when}: data encrypted under it "
                "becomes unrecoverable unless the deletion is cancelled.",
                resource_id=key.key_id,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                key,
                PASS,
                f"Key {key_label(key)} is not scheduled for deletion ({key.key_state}).",
                resource_id=key.key_id,
                values=values,
            )
