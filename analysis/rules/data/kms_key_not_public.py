"""KMS key policies do not open the key to everyone (KMS.5)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import CRITICAL, FAIL, NOT_ASSESSED, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import field_gap, listing_gaps, result
from analysis.rules.data._kms import DESCRIBE_KEY, KEY_POLICY, LIST_KEYS, key_label
from analysis.rules.data._policies import open_statements

CONTROL = Control(
    id="kms_key_not_public",
    title="KMS key policies do not grant access to everyone",
    severity=CRITICAL,
    practice="data",
    service="kms",
    scope="resource",
    rationale=(
        'A key policy is the primary control over a KMS key: a statement allowing Principal "*" '
        "without a condition that identifies the caller lets any AWS account use the key, so "
        "anyone holding ciphertext (a copied snapshot, a leaked object) can decrypt it. Conditions "
        "such as kms:CallerAccount or aws:PrincipalOrgID with fixed values keep a wildcard "
        "principal inside known accounts."
    ),
    remediation=Remediation(
        console=(
            'KMS console > the key > Key policy > Edit: replace Principal "*" with the account or '
            "role ARNs that need the key, or add a condition on aws:PrincipalOrgID / kms:CallerAccount."
        ),
        cli=(
            "aws kms get-key-policy --key-id <key-id> --policy-name default --output text > policy.json\n"
            "# edit policy.json, then\n"
            "aws kms put-key-policy --key-id <key-id> --policy-name default --policy file://policy.json"
        ),
        terraform=(
            'resource "aws_kms_key_policy" "data" {\n'
            "  key_id = aws_kms_key.data.id\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            "    Statement = [\n"
            "      {  # keep the account in control of its key (KMS refuses policies that lock it out)\n"
            '        Sid = "AccountAdmin", Effect = "Allow", Action = "kms:*", Resource = "*"\n'
            '        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }\n'
            "      },\n"
            "      {\n"
            '        Sid = "OrgOnlyDecrypt", Effect = "Allow", Action = "kms:Decrypt", Resource = "*"\n'
            '        Principal = { AWS = "*" }\n'
            '        Condition = { StringEquals = { "aws:PrincipalOrgID" = var.organization_id } }\n'
            "      },\n"
            "    ]\n"
            "  })\n"
            "}"
        ),
    ),
    inputs=(LIST_KEYS, DESCRIBE_KEY, KEY_POLICY),
    # Same check as Security Hub CSPM KMS.5; Prowler kms_key_not_publicly_accessible. Neither source lists a
    # NIST 800-53 control. See docs/mappings.md.
    mappings=Mappings(fsbp=("KMS.5",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_KEYS)
    for key in ctx.inventory.kms.keys.values():
        gap = field_gap(
            ctx,
            CONTROL,
            key,
            resource_id=key.key_id,
            state=key.policy_state,
            service="kms",
            operation="GetKeyPolicy",
            param="KeyId",
            value=key.key_id,
        )
        if gap is not None:
            yield gap
            continue
        if key.policy is None:
            yield result(
                CONTROL, key, PASS, f"Key {key_label(key)} has no key policy.", resource_id=key.key_id
            )
            continue
        if not key.policy.ok:
            yield result(
                CONTROL,
                key,
                NOT_ASSESSED,
                f"Not assessed: the key policy of {key_label(key)} could not be read ({key.policy.error}).",
                resource_id=key.key_id,
            )
            continue
        opened = open_statements(key.policy)
        if not opened:
            yield result(
                CONTROL,
                key,
                PASS,
                f"The key policy of {key_label(key)} grants no one without naming them.",
                resource_id=key.key_id,
            )
            continue
        yield result(
            CONTROL,
            key,
            FAIL,
            f"The key policy of {key_label(key)} lets any AWS principal use the key "
            f"({len(opened)} statement{'s' if len(opened) > 1 else ''}).",
            resource_id=key.key_id,
            statements=tuple(o.describe("key policy") for o in opened),
            values={"actions": sorted({a for o in opened for a in o.statement.action or ("NotAction",)})},
        )
