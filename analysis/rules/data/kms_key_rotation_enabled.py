"""Customer-managed symmetric KMS keys rotate their key material automatically (KMS.4)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.coverage import ABSENT
from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import field_gap, listing_gaps, result
from analysis.rules.data._kms import DESCRIBE_KEY, KEY_ROTATION, LIST_KEYS, describe_gap, key_label

CONTROL = Control(
    id="kms_key_rotation_enabled",
    title="Customer-managed KMS keys have automatic rotation enabled",
    severity=MEDIUM,
    practice="data",
    service="kms",
    scope="resource",
    rationale=(
        "Automatic rotation gives a symmetric key new key material every year (or the period set) "
        "while keeping the old material for decryption. Data encrypted after a rotation is no longer "
        "readable with material that may have leaked earlier, and the exposure window of any one "
        "version of the material stays bounded. It applies to customer-managed symmetric keys whose "
        "material KMS generated; AWS-managed keys rotate on their own."
    ),
    remediation=Remediation(
        console=(
            "KMS console > Customer managed keys > select the key > Key rotation tab > tick "
            "'Automatically rotate this KMS key' (optionally set the rotation period) > Save."
        ),
        cli="aws kms enable-key-rotation --key-id <key-id> [--rotation-period-in-days 365]",
        terraform=(
            'resource "aws_kms_key" "data" {\n'
            '  description             = "application data"\n'
            "  enable_key_rotation     = true\n"
            "  rotation_period_in_days = 365\n"
            "}"
        ),
    ),
    inputs=(LIST_KEYS, DESCRIBE_KEY, KEY_ROTATION),
    # Same check as Security Hub CSPM KMS.4 (KMS.4: not in the FSBP standard); Prowler
    # kms_cmk_rotation_enabled. NIST from Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(cis=("3.6",), nist=("SC-12", "SC-12(2)", "SC-28(3)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_KEYS)
    for key in ctx.inventory.kms.keys.values():
        gap = describe_gap(ctx, CONTROL, key)
        if gap is not None:
            yield gap
            continue
        # Rotation exists only for customer-managed symmetric keys with KMS-generated material
        # (KMS Developer Guide, "Rotating AWS KMS keys"); keys pending deletion are KMS.3's concern.
        if not key.customer_managed or key.pending_deletion:
            continue
        if key.spec != "SYMMETRIC_DEFAULT" or key.origin not in (None, "AWS_KMS"):
            continue
        if key.rotation_state == ABSENT:
            continue  # AWS answered that rotation does not apply to this key
        gap = field_gap(
            ctx,
            CONTROL,
            key,
            resource_id=key.key_id,
            state=key.rotation_state,
            service="kms",
            operation="GetKeyRotationStatus",
            param="KeyId",
            value=key.key_id,
        )
        if gap is not None:
            yield gap
            continue
        values = {
            "KeyRotationEnabled": key.rotation_enabled,
            "RotationPeriodInDays": key.rotation_period_days,
        }
        if key.rotation_enabled:
            period = f" every {key.rotation_period_days} days" if key.rotation_period_days else ""
            yield result(
                CONTROL,
                key,
                PASS,
                f"Key {key_label(key)} rotates automatically{period}.",
                resource_id=key.key_id,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                key,
                FAIL,
                f"Customer-managed key {key_label(key)} does not rotate its key material automatically.",
                resource_id=key.key_id,
                values=values,
            )
