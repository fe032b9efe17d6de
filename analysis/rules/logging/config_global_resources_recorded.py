"""Each account records its global (IAM) resource types in at least one region."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from analysis.rules.base import (
    FAIL,
    MEDIUM,
    NOT_ASSESSED,
    PASS,
    Control,
    Input,
    Mappings,
    Remediation,
    Result,
)
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._common import account_result, config_region_gap, unreached_reason

CONTROL = Control(
    id="config_global_resources_recorded",
    title="IAM (global) resources are recorded by AWS Config in each account",
    severity=MEDIUM,
    practice="monitoring",
    service="config",
    scope="account",
    rationale=(
        "IAM users, roles, groups and policies are global: a regional recorder records them only when "
        "told to include global resource types (or lists the IAM types). Recording them in exactly "
        "one region per account gives the history of every policy and trust change, the changes that "
        "matter most in an investigation, without paying for duplicates in every region."
    ),
    remediation=Remediation(
        console=(
            "In one region per account (the home region): Config > Settings > Edit > tick 'Include "
            "globally recorded IAM resource types' (or add the AWS::IAM::* types to the recorded list) > Save."
        ),
        cli=(
            "aws configservice put-configuration-recorder --region <home-region> --configuration-recorder "
            "name=default,roleARN=<role-arn> --recording-group allSupported=true,includeGlobalResourceTypes=true"
        ),
        terraform=(
            'resource "aws_config_configuration_recorder" "home" {\n'
            '  name     = "default"\n'
            "  role_arn = aws_iam_service_linked_role.config.arn\n"
            "  recording_group {\n"
            "    all_supported                 = true\n"
            "    include_global_resource_types = true\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="config", operation="DescribeConfigurationRecorders"),
        Input(service="config", operation="DescribeConfigurationRecorderStatus"),
    ),
    # Same check as Security Hub CSPM Config.1. NIST from Security Hub's related requirements. See
    # docs/mappings.md.
    mappings=Mappings(cis=("3.3",), fsbp=("Config.1",), nist=("CM-3", "CM-6(1)", "CM-8", "CM-8(2)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    by_account = defaultdict(list)
    for rec in ctx.inventory.monitoring.config_recorders.values():
        by_account[rec.account_id].append(rec)
    for account_id in ctx.account_ids:
        regions = ctx.regions(account_id)
        if not regions:
            reason = unreached_reason(ctx, account_id, "config", "DescribeConfigurationRecorders")
            yield account_result(ctx, CONTROL, account_id, NOT_ASSESSED, reason)
            continue
        recorders = sorted(by_account.get(account_id, []), key=lambda r: r.arn)
        ids = [i for r in recorders for i in r.call_ids]
        records_global = [
            r
            for r in recorders
            if (r.all_supported and r.include_global_resource_types)
            or any(t.startswith("AWS::IAM::") for t in r.resource_types)
        ]
        running = [r for r in records_global if r.recording is True]
        if running:
            rec = running[0]
            yield account_result(
                ctx,
                CONTROL,
                account_id,
                PASS,
                f"Recorder {rec.name} in {rec.region} records the global IAM resource types.",
                call_ids=rec.call_ids,
                values={"recorder": rec.arn},
            )
            continue
        gaps = [
            f"{region}: {gap}"
            for region in regions
            if (gap := config_region_gap(ctx, account_id, region, "DescribeConfigurationRecorders"))
        ]
        unknown = [r for r in records_global if r.recording is None]
        if unknown or gaps:
            why = [f"the status of recorder {r.name} in {r.region} was not collected" for r in unknown]
            yield account_result(
                ctx,
                CONTROL,
                account_id,
                NOT_ASSESSED,
                "no running recorder of IAM resources was found, and " + "; ".join(why + gaps),
                call_ids=ids,
            )
            continue
        stopped = [f"{r.name} in {r.region} is stopped" for r in records_global]
        detail = f" (a recorder would: {'; '.join(stopped)})" if stopped else ""
        yield account_result(
            ctx,
            CONTROL,
            account_id,
            FAIL,
            "No running recorder in any region records IAM users, roles and policies"
            f"{detail}: their changes leave no configuration history.",
            call_ids=ids,
        )
