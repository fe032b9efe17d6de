"""EBS encryption by default is on in every account and region (EC2.7)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Evidence, Input, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.data._common import places

EBS_DEFAULT = Input(service="ec2", operation="GetEbsEncryptionByDefault")

CONTROL = Control(
    id="ebs_default_encryption",
    title="EBS encryption by default is enabled in every region",
    severity=MEDIUM,
    practice="data",
    service="ec2",
    scope="region",
    rationale=(
        "With encryption by default, every new EBS volume and snapshot copy in the region is "
        "encrypted with KMS, whoever launches the instance and whatever template they use. The "
        "setting is per account and per region, so a region left off is where an unencrypted "
        "volume, and later an unencrypted shareable snapshot, appears."
    ),
    remediation=Remediation(
        console=(
            "EC2 console (in each region) > Dashboard > Account attributes > Data protection and "
            "security > Manage > tick 'Always encrypt new EBS volumes' (optionally choose the KMS key) > Update."
        ),
        cli="aws ec2 enable-ebs-encryption-by-default --region <region>",
        terraform=(
            "# One per region (provider alias per region):\n"
            'resource "aws_ebs_encryption_by_default" "this" {\n'
            "  enabled = true\n"
            "}"
        ),
    ),
    inputs=(EBS_DEFAULT,),
    # Same check as Security Hub CSPM EC2.7; Prowler ec2_ebs_default_encryption. NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("5.1.1",),
        fsbp=("EC2.7",),
        nist=("CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)"),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    settings = ctx.inventory.network.ebs_encryption
    for account_id, region in places(ctx, regional=True):
        where = f"{account_id}/{region}" if region != GLOBAL else account_id
        gap = ctx.coverage_gap(account_id, region, CONTROL.inputs)
        setting = settings.get((account_id, region))
        if gap is None and (setting is None or setting.enabled is None):
            gap = (
                "GetEbsEncryptionByDefault answered without EbsEncryptionByDefault",
                setting.state.call_ids if setting is not None else (),
            )
        if gap is not None or setting is None or setting.enabled is None:
            reason, call_ids = gap or ("", ())
            yield ctx.not_assessed(
                CONTROL,
                account_id=account_id,
                region=region,
                reason=reason,
                call_ids=call_ids,
                resource_id=where,
            )
            continue
        yield Result(
            control_id=CONTROL.id,
            status=PASS if setting.enabled else FAIL,
            account_id=account_id,
            region=region,
            resource_arn=ctx.account_arn(account_id),
            resource_id=where,
            message=f"EBS encryption by default is on in {region}."
            if setting.enabled
            else f"EBS encryption by default is off in {region}: new volumes are unencrypted unless their creator asks.",
            evidence=Evidence(
                call_ids=setting.state.call_ids, values={"EbsEncryptionByDefault": setting.enabled}
            ),
        )
