"""The root user was not used in the 90 days before the collection (credential report, <root_account> row)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import (
    CREDENTIAL_REPORT,
    account_result,
    days_since,
    gc_paused_results,
    report_call_ids,
    report_unusable,
)

WINDOW_DAYS = 90
# The credential report columns that say when the root user last signed in or signed a request
# (IAM User Guide, "Generate credential reports for your AWS account").
USE_COLUMNS = ("password_last_used", "access_key_1_last_used_date", "access_key_2_last_used_date")

CONTROL = Control(
    id="iam_root_used_recently",
    title=f"The root user was not used in the last {WINDOW_DAYS} days",
    severity=HIGH,
    practice="identity",
    service="iam",
    scope="account",
    rationale=(
        "Only a handful of tasks need the root user (closing the account, changing the support plan, "
        "restoring a locked bucket policy...). Recent root sign-ins or API calls mean it is being used "
        "for daily or administrative work, outside the roles, permission boundaries and audit trail "
        "that everything else goes through, and that its password or keys are in circulation."
    ),
    remediation=Remediation(
        console=(
            "IAM > Credential report: download and read the <root_account> row (password_last_used, "
            "access_key_*_last_used_date). Find out who used root and why (CloudTrail: userIdentity.type = "
            "Root), give them a role for the task, change the root password, delete root access keys."
        ),
        cli=(
            "aws iam generate-credential-report\n"
            "aws iam get-credential-report --query Content --output text | base64 -d | grep '^<root_account>'"
        ),
        terraform=(
            "# Alarm on any root activity (CloudTrail delivered to CloudWatch Logs):\n"
            'resource "aws_cloudwatch_log_metric_filter" "root_usage" {\n'
            '  name           = "root-usage"\n'
            "  log_group_name = var.cloudtrail_log_group\n"
            '  pattern        = "{ $.userIdentity.type = \\"Root\\" && $.userIdentity.invokedBy NOT EXISTS '
            '&& $.eventType != \\"AwsServiceEvent\\" }"\n'
            "  metric_transformation {\n"
            '    name      = "RootUsage"\n'
            '    namespace = "Security"\n'
            '    value     = "1"\n'
            "  }\n"
            "}"
        ),
    ),
    inputs=(CREDENTIAL_REPORT,),
    # Same check as Prowler iam_avoid_root_usage. Neither source lists a NIST 800-53 control. See
    # docs/mappings.md.
    mappings=Mappings(cis=("1.6",)),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(CONTROL, account_id, GLOBAL)
        if gap is not None:
            yield gap
            continue
        summary = ctx.inventory.iam.accounts.get(account_id)
        why = report_unusable(summary)
        root = summary.root_credentials if summary is not None else None
        if why is None and root is None:
            why = "the credential report has no <root_account> row"
        if why is not None or root is None:
            yield ctx.not_assessed(
                CONTROL,
                account_id=account_id,
                region=GLOBAL,
                reason=why or "no <root_account> row",
                call_ids=report_call_ids(ctx, account_id),
            )
            continue
        used = {column: root.raw.get(column, "") for column in USE_COLUMNS}
        ages = {
            column: age
            for column in USE_COLUMNS
            if (age := days_since(ctx, root.raw.get(column))) is not None
        }
        recent = {column: age for column, age in ages.items() if age < WINDOW_DAYS}
        if recent:
            column, age = min(recent.items(), key=lambda kv: kv[1])
            message = (
                f"The root user was used {age} day(s) before the collection ({column} {used[column]}): "
                "root is in use beyond the few tasks that need it."
            )
        elif ages:
            message = f"The root user was last used {min(ages.values())} days before the collection."
        else:
            message = "The credential report records no use of the root user."
        yield account_result(
            ctx,
            CONTROL,
            account_id,
            passed=not recent,
            message=message,
            evidence=Evidence(call_ids=report_call_ids(ctx, account_id), values=used),
        )
