"""No user, group or role has the AWS-managed AWSCloudShellFullAccess policy attached (Security Hub IAM.27)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import MEDIUM, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import (
    AUTH_DETAILS,
    account_result,
    attachments_by_account,
    gc_paused_results,
    result,
    short_arn,
)

CLOUDSHELL_FULL_ACCESS = ":iam::aws:policy/AWSCloudShellFullAccess"

CONTROL = Control(
    id="iam_cloudshell_full_access",
    title="No identity has AWSCloudShellFullAccess attached",
    severity=MEDIUM,
    practice="data",
    service="iam",
    scope="resource",
    rationale=(
        "AWSCloudShellFullAccess includes uploading and downloading files between a laptop and "
        "CloudShell, where the user has sudo and internet access: an easy channel to move data out "
        "of the account, outside the controls on S3 or the network. A narrower CloudShell policy "
        "that denies file transfer keeps the shell without the exfiltration path."
    ),
    remediation=Remediation(
        console=(
            "IAM > Policies > AWSCloudShellFullAccess > Entities attached: Detach each; grant a policy that "
            "allows cloudshell:* except cloudshell:GetFileDownloadUrls and cloudshell:GetFileUploadUrls."
        ),
        cli=(
            "aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess\n"
            "aws iam detach-user-policy --user-name <user> --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
        ),
        terraform=(
            'data "aws_iam_policy_document" "cloudshell_no_transfer" {\n'
            '  statement { actions = ["cloudshell:*"] resources = ["*"] }\n'
            "  statement {\n"
            '    effect    = "Deny"\n'
            '    actions   = ["cloudshell:GetFileDownloadUrls", "cloudshell:GetFileUploadUrls"]\n'
            '    resources = ["*"]\n'
            "  }\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS,),
    # Same check as Security Hub CSPM IAM.27 (IAM.27: not in the FSBP standard); Prowler
    # iam_policy_cloudshell_admin_not_attached. Neither source lists a NIST 800-53 control. See
    # docs/mappings.md.
    mappings=Mappings(cis=("1.21",)),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    attachments = attachments_by_account(ctx)
    iam = ctx.inventory.iam
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(CONTROL, account_id, GLOBAL)
        if gap is not None:
            yield gap
            continue
        holders = [
            (arn, p)
            for arn, principals in attachments.get(account_id, {}).items()
            if arn.endswith(CLOUDSHELL_FULL_ACCESS)
            for p in principals
        ]
        if not holders:
            yield account_result(
                ctx,
                CONTROL,
                account_id,
                passed=True,
                message="AWSCloudShellFullAccess is attached to no identity.",
            )
            continue
        for policy_arn, principal_arn in sorted(holders, key=lambda h: h[1]):
            record = (
                iam.users.get(principal_arn) or iam.groups.get(principal_arn) or iam.roles.get(principal_arn)
            )
            yield result(
                CONTROL,
                passed=False,
                account_id=account_id,
                resource_arn=principal_arn,
                resource_id=short_arn(principal_arn),
                message=f"{short_arn(principal_arn)} has AWSCloudShellFullAccess attached (file transfer to and "
                "from CloudShell).",
                evidence=Evidence(
                    call_ids=record.call_ids if record is not None else (),
                    statements=(f"policy {policy_arn} attached to {short_arn(principal_arn)}",),
                ),
                region=GLOBAL,
            )
