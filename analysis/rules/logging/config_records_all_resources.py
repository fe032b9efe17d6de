"""Each customer-managed Config recorder records all supported resource types, none excluded."""

from __future__ import annotations

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
from analysis.rules.logging._common import result

CONTROL = Control(
    id="config_records_all_resources",
    title="Config recorders record all supported resource types",
    severity=MEDIUM,
    practice="monitoring",
    service="config",
    scope="resource",
    rationale=(
        "A recorder limited to a hand-picked list of resource types keeps no history for everything "
        "else, including resource types added later; an exclusion list does the same for the types it "
        "names. The configuration timeline and every Config rule or Security Hub control built on it "
        "are then silently incomplete. Recording all supported types (with a periodic frequency where "
        "cost matters) keeps the inventory whole."
    ),
    remediation=Remediation(
        console=(
            "Config > Settings > Edit > Recording strategy: 'All resource types with customizable "
            "overrides' without exclusions (overrides may set a daily frequency) > Save."
        ),
        cli=(
            "aws configservice put-configuration-recorder --configuration-recorder "
            "name=default,roleARN=<role-arn> --recording-group "
            '\'{"allSupported":true,"includeGlobalResourceTypes":true,'
            '"recordingStrategy":{"useOnly":"ALL_SUPPORTED_RESOURCE_TYPES"}}\''
        ),
        terraform=(
            'resource "aws_config_configuration_recorder" "this" {\n'
            '  name     = "default"\n'
            "  role_arn = aws_iam_service_linked_role.config.arn\n"
            "  recording_group {\n"
            "    all_supported = true\n"
            "    recording_strategy {\n"
            '      use_only = "ALL_SUPPORTED_RESOURCE_TYPES"\n'
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(Input(service="config", operation="DescribeConfigurationRecorders"),),
    # Same check as Security Hub CSPM Config.1. NIST from Security Hub's related requirements. See
    # docs/mappings.md.
    mappings=Mappings(cis=("3.3",), fsbp=("Config.1",), nist=("CM-3", "CM-6(1)", "CM-8", "CM-8(2)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    # Service-linked recorders (servicePrincipal set) record what their service needs, by design;
    # only the account's own recorders are judged here.
    recorders = sorted(ctx.inventory.monitoring.config_recorders.values(), key=lambda r: r.arn)
    for rec in recorders:
        if rec.service_principal:
            continue
        values = {
            "allSupported": rec.all_supported,
            "recordingStrategy": rec.recording_strategy,
            "resourceTypes": list(rec.resource_types),
            "exclusions": list(rec.exclusion_resource_types),
        }
        common = {"account_id": rec.account_id, "region": rec.region, "resource_arn": rec.arn}
        if rec.all_supported is None:
            status = NOT_ASSESSED
            message = "Not assessed: DescribeConfigurationRecorders did not report the recording group"
        elif rec.all_supported and not rec.exclusion_resource_types:
            status, message = (
                PASS,
                f"Recorder {rec.name} records all supported resource types in {rec.region}.",
            )
        elif rec.exclusion_resource_types:
            status = FAIL
            message = (
                f"Recorder {rec.name} in {rec.region} excludes "
                f"{', '.join(rec.exclusion_resource_types)}: their changes leave no history."
            )
        else:
            shown = ", ".join(rec.resource_types[:8]) + (" ..." if len(rec.resource_types) > 8 else "")
            status = FAIL
            message = (
                f"Recorder {rec.name} in {rec.region} records only {len(rec.resource_types)} resource "
                f"type(s) ({shown or 'none'}): every other resource changes without a trace."
            )
        yield result(
            CONTROL,
            status=status,
            resource_id=rec.name,
            message=message,
            call_ids=rec.call_ids,
            values=values,
            **common,
        )
