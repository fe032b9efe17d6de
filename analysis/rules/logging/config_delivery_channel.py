"""Where a Config recorder runs, a delivery channel sends its history and snapshots to S3."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, LOW, NOT_ASSESSED, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._common import account_result, config_region_gap, result

CONTROL = Control(
    id="config_delivery_channel",
    title="Each Config recorder has a delivery channel to S3",
    severity=LOW,
    practice="monitoring",
    service="config",
    scope="region",
    rationale=(
        "A recorder without a delivery channel cannot start, and a channel is what writes the "
        "configuration history and snapshots to an S3 bucket that outlives the account's own console "
        "view. Pointing every channel at one bucket in the log archive account keeps the record out "
        "of reach of the workload accounts it describes."
    ),
    remediation=Remediation(
        console=(
            "Config > Settings > Edit > Delivery method: choose the central bucket in the log archive "
            "account (its policy must allow config.amazonaws.com for each account) > Save."
        ),
        cli="aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=<config-bucket>",
        terraform=(
            'resource "aws_config_delivery_channel" "this" {\n'
            '  name           = "default"\n'
            '  s3_bucket_name = "<log-archive-config-bucket>"\n'
            "  depends_on     = [aws_config_configuration_recorder.this]\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="config", operation="DescribeConfigurationRecorders"),
        Input(service="config", operation="DescribeDeliveryChannels"),
    ),
    # Same check as Security Hub CSPM Config.1. NIST from Security Hub's related requirements. See
    # docs/mappings.md.
    mappings=Mappings(cis=("3.3",), fsbp=("Config.1",), nist=("CM-3", "CM-6(1)", "CM-8", "CM-8(2)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    mon = ctx.inventory.monitoring
    for (account_id, region), cr in sorted(mon.config_regions.items()):
        own = [
            mon.config_recorders[a]
            for a in cr.recorders.arns
            if a in mon.config_recorders and not mon.config_recorders[a].service_principal
        ]
        if not own:
            continue  # no recorder here: config_recorder_enabled says so
        gap = config_region_gap(ctx, account_id, region, "DescribeDeliveryChannels")
        if gap is not None:
            yield account_result(ctx, CONTROL, account_id, NOT_ASSESSED, gap, region=region)
            continue
        channels = [mon.delivery_channels[a] for a in cr.delivery_channels.arns if a in mon.delivery_channels]
        ids = [i for c in channels for i in c.call_ids] + list(cr.delivery_channels.coverage.call_ids)
        with_bucket = [c for c in channels if c.s3_bucket]
        if with_bucket:
            ch = with_bucket[0]
            status, resource_arn, resource_id = PASS, ch.arn, ch.name
            message = f"Delivery channel {ch.name} sends the configuration history to s3://{ch.s3_bucket}."
            values = {"s3BucketName": ch.s3_bucket, "snsTopicARN": ch.sns_topic_arn}
        else:
            status, resource_arn, resource_id = FAIL, own[0].arn, own[0].name
            message = (
                f"Recorder {own[0].name} in {region} has no delivery channel to S3: it cannot record, and "
                "no history is kept outside the account."
            )
            values = {"s3BucketName": None, "snsTopicARN": None}
        yield result(
            CONTROL,
            status=status,
            account_id=account_id,
            region=region,
            resource_arn=resource_arn,
            resource_id=resource_id,
            message=message,
            call_ids=(*ids, *own[0].call_ids),
            values=values,
        )
