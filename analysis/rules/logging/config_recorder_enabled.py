"""AWS Config records in every collected region of every account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

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
from analysis.rules.logging._common import account_result, config_region_gap, result, unreached_reason

if TYPE_CHECKING:
    from analysis.model.monitoring import ConfigRecorder

CONTROL = Control(
    id="config_recorder_enabled",
    title="AWS Config is recording in every region of every account",
    severity=MEDIUM,
    practice="monitoring",
    service="config",
    scope="region",
    rationale=(
        "AWS Config keeps the configuration history of resources: what a security group or bucket "
        "policy looked like last Tuesday, and who changed it. The white paper relies on it for "
        "continuous compliance monitoring. Config is regional: a region without a running recorder "
        "is a region where resources can be created and changed with no history, which is where an "
        "intruder would build. A recorder that exists but is stopped, or keeps failing, records nothing."
    ),
    remediation=Remediation(
        console=(
            "In each account and region (or for the whole organization with a CloudFormation StackSet or "
            "AWS Control Tower): Config > Settings > Edit > Recording strategy: all resource types, "
            "include global resources in one region, choose the delivery bucket in the log archive "
            "account, use the service-linked role > Save; then start recording."
        ),
        cli=(
            "aws configservice put-configuration-recorder --configuration-recorder "
            "name=default,roleARN=arn:aws:iam::<account>:role/aws-service-role/config.amazonaws.com/"
            "AWSServiceRoleForConfig --recording-group allSupported=true,includeGlobalResourceTypes=true\n"
            "aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=<config-bucket>\n"
            "aws configservice start-configuration-recorder --configuration-recorder-name default"
        ),
        terraform=(
            'resource "aws_config_configuration_recorder" "this" {\n'
            '  name     = "default"\n'
            "  role_arn = aws_iam_service_linked_role.config.arn\n"
            "  recording_group {\n"
            "    all_supported                 = true\n"
            "    include_global_resource_types = true\n"
            "  }\n"
            "}\n"
            "\n"
            'resource "aws_config_configuration_recorder_status" "this" {\n'
            "  name       = aws_config_configuration_recorder.this.name\n"
            "  is_enabled = true\n"
            "  depends_on = [aws_config_delivery_channel.this]\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="config", operation="DescribeConfigurationRecorders"),
        Input(service="config", operation="DescribeConfigurationRecorderStatus"),
    ),
    # Same check as Security Hub CSPM Config.1; Prowler config_recorder_all_regions_enabled. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(cis=("3.3",), fsbp=("Config.1",), nist=("CM-3", "CM-6(1)", "CM-8", "CM-8(2)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    mon = ctx.inventory.monitoring
    for account_id in ctx.account_ids:
        regions = ctx.regions(account_id)
        if not regions:
            reason = unreached_reason(ctx, account_id, "config", "DescribeConfigurationRecorders")
            yield account_result(ctx, CONTROL, account_id, NOT_ASSESSED, reason)
            continue
        for region in regions:
            gap = config_region_gap(ctx, account_id, region, "DescribeConfigurationRecorders")
            cr = mon.config_regions.get((account_id, region))
            if gap is not None or cr is None:
                yield account_result(
                    ctx, CONTROL, account_id, NOT_ASSESSED, gap or "Config was not collected", region=region
                )
                continue
            recorders = [mon.config_recorders[a] for a in cr.recorders.arns if a in mon.config_recorders]
            if not recorders:
                yield account_result(
                    ctx,
                    CONTROL,
                    account_id,
                    FAIL,
                    f"No configuration recorder in {region}: resource changes there leave no history.",
                    call_ids=cr.recorders.coverage.call_ids,
                    region=region,
                )
                continue
            yield _judge(CONTROL, account_id, region, recorders)


def _judge(control: Control, account_id: str, region: str, recorders: list[ConfigRecorder]) -> Result:
    good = [r for r in recorders if r.recording is True and (r.last_status or "").upper() != "FAILURE"]
    failing = [r for r in recorders if r.recording is True and (r.last_status or "").upper() == "FAILURE"]
    unknown = [r for r in recorders if r.recording is None]
    chosen = (good or failing or unknown or recorders)[0]
    ids = [i for r in recorders for i in r.call_ids]
    values = {
        r.name: {"recording": r.recording, "lastStatus": r.last_status, "lastErrorCode": r.last_error_code}
        for r in recorders
    }
    if good:
        status, message = (
            PASS,
            f"Recorder {chosen.name} is recording in {region} (last status {chosen.last_status}).",
        )
    elif failing:
        status = FAIL
        message = (
            f"Recorder {chosen.name} in {region} is on but failing: {chosen.last_error_code or ''} "
            f"{chosen.last_error_message or ''}".rstrip()
            + "."
        )
    elif unknown:
        status = NOT_ASSESSED
        message = f"Not assessed: the recorder status in {region} was not collected ({chosen.status_coverage.reason})"
    else:
        status = FAIL
        message = f"Recorder {chosen.name} in {region} exists but is stopped: nothing is recorded."
    return result(
        control,
        status=status,
        account_id=account_id,
        region=region,
        resource_arn=chosen.arn,
        resource_id=chosen.name,
        message=message,
        call_ids=ids,
        values=values,
    )
