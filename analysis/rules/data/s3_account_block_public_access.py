"""Every account has all four S3 Block Public Access settings on at the account level (S3.1)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.coverage import ABSENT, COLLECTED
from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.data._s3 import ACCOUNT_BPA, SETTINGS, settings_of

CONTROL = Control(
    id="s3_account_block_public_access",
    title="S3 Block Public Access is fully enabled at the account level",
    severity=MEDIUM,
    practice="data",
    service="s3",
    scope="account",
    rationale=(
        "The account-level Block Public Access settings override every bucket policy and ACL in the "
        "account, including buckets created later by anyone: one setting stops a single careless "
        "policy or ACL from publishing data. Accounts that must serve public content are better "
        "served by CloudFront with origin access control than by public buckets."
    ),
    remediation=Remediation(
        console=(
            "S3 console > Block Public Access settings for this account > Edit > tick 'Block all "
            "public access' > Save changes > confirm."
        ),
        cli=(
            "aws s3control put-public-access-block --account-id <account-id> "
            "--public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
        ),
        terraform=(
            'resource "aws_s3_account_public_access_block" "this" {\n'
            "  block_public_acls       = true\n"
            "  ignore_public_acls      = true\n"
            "  block_public_policy     = true\n"
            "  restrict_public_buckets = true\n"
            "}"
        ),
    ),
    inputs=(ACCOUNT_BPA,),
    # Same check as Security Hub CSPM S3.1; Prowler s3_account_level_public_access_blocks. NIST from Security
    # Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("2.1.4",),
        fsbp=("S3.1",),
        nist=(
            "AC-21",
            "AC-3",
            "AC-3(7)",
            "AC-4",
            "AC-4(21)",
            "AC-6",
            "SC-7",
            "SC-7(11)",
            "SC-7(16)",
            "SC-7(20)",
            "SC-7(21)",
            "SC-7(3)",
            "SC-7(4)",
            "SC-7(9)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    blocks = ctx.inventory.s3.account_public_access_blocks
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(CONTROL, account_id, GLOBAL)
        if gap is not None:
            yield gap
            continue
        block = blocks.get(account_id)
        state = block.state if block is not None else ABSENT
        if state not in (COLLECTED, ABSENT):
            yield ctx.not_assessed(
                CONTROL,
                account_id=account_id,
                region=GLOBAL,
                reason="s3control:GetPublicAccessBlock answered without the four settings",
                call_ids=block.call_ids if block is not None else (),
            )
            continue
        settings = settings_of(block.configuration if block is not None else None)
        off = [s for s in SETTINGS if not settings[s]]
        call_ids = block.call_ids if block is not None else ()
        if state == ABSENT:
            message = "The account has no account-level Block Public Access configuration: every bucket relies on its own settings."
            status = FAIL
        elif off:
            message = f"Account-level Block Public Access is off for {', '.join(off)}."
            status = FAIL
        else:
            message = "All four account-level Block Public Access settings are on."
            status = PASS
        yield Result(
            control_id=CONTROL.id,
            status=status,
            account_id=account_id,
            region=GLOBAL,
            resource_arn=ctx.account_arn(account_id),
            resource_id=account_id,
            message=message,
            evidence=Evidence(call_ids=call_ids, values={"configured": state == COLLECTED, **settings}),
        )
