"""An organization-wide Config aggregator gathers every account and region in one place."""

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
from analysis.rules.logging._common import config_region_gap, organization_result

# Service principals a Config delegated administrator is registered for (AWS Config Developer
# Guide, "Register a delegated administrator"): aggregators may live in its account too.
CONFIG_PRINCIPALS = ("config.amazonaws.com", "config-multiaccountsetup.amazonaws.com")

CONTROL = Control(
    id="config_organization_aggregator",
    title="An organization aggregator collects AWS Config data from every account and region",
    severity=MEDIUM,
    practice="monitoring",
    service="config",
    scope="organization",
    rationale=(
        "Recorders in hundreds of account-regions are only useful if someone sees them together. An "
        "organization aggregator, in the security tooling account as the multi-account white paper "
        "suggests, gathers the configuration and compliance data of every current and future member "
        "account and every region, so the security team can query and watch the whole estate without "
        "signing in to each account. Without it, a non-compliant resource in a quiet account goes "
        "unnoticed."
    ),
    remediation=Remediation(
        console=(
            "Register the security tooling account as Config delegated administrator (Organizations "
            "console or CLI), then in that account: Config > Aggregators > Create aggregator > 'Add my "
            "organization', choose a role with AWSConfigRoleForOrganizations, tick all current and future "
            "AWS regions > Create."
        ),
        cli=(
            "aws organizations register-delegated-administrator --account-id <security-account> "
            "--service-principal config.amazonaws.com\n"
            "aws configservice put-configuration-aggregator --configuration-aggregator-name organization "
            "--organization-aggregation-source RoleArn=<role-arn>,AllAwsRegions=true"
        ),
        terraform=(
            'resource "aws_config_configuration_aggregator" "organization" {\n'
            '  name = "organization"\n'
            "  organization_aggregation_source {\n"
            "    all_regions = true\n"
            "    role_arn    = aws_iam_role.config_aggregator.arn\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(Input(service="config", operation="DescribeConfigurationAggregators"),),
    # Same check as Prowler config_delegated_admin_and_org_aggregator_all_regions. Neither source lists a NIST
    # 800-53 control. See docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    mon = ctx.inventory.monitoring
    org = ctx.inventory.organization
    wanted = sorted({r for a in ctx.account_ids for r in ctx.regions(a)})
    aggregators = sorted(mon.config_aggregators.values(), key=lambda a: a.arn)
    org_aggs = [a for a in aggregators if a.organization]
    short: list[str] = []
    for agg in org_aggs:
        missing = [] if agg.all_regions else [r for r in wanted if r not in agg.regions]
        where = ctx.account_name(agg.account_id) or agg.account_id
        if not missing:
            in_management = agg.account_id == org.management_account_id
            note = (
                " (in the management account: the white paper keeps security tooling in a dedicated account)"
                if in_management
                else ""
            )
            yield organization_result(
                ctx,
                CONTROL,
                PASS,
                f"Aggregator {agg.name} in {where}/{agg.region} gathers every account of the organization "
                f"in {'all regions' if agg.all_regions else ', '.join(agg.regions)}{note}.",
                call_ids=agg.call_ids,
                values={"aggregator": agg.arn, "all_regions": agg.all_regions, "regions": list(agg.regions)},
            )
            return
        short.append(f"{agg.name} in {where} leaves out {', '.join(missing)}")
    ids = [i for a in aggregators for i in a.call_ids]
    # An organization aggregator can only be created in the management account or by a Config
    # delegated administrator: those accounts' listings must have been answered to say "none".
    owners = [org.management_account_id] if org.management_account_id else []
    owners += [
        d.account_id for d in org.delegated_admins.values() if set(d.services) & set(CONFIG_PRINCIPALS)
    ]
    gaps = [
        f"{account}/{region}: {gap}"
        for account in dict.fromkeys(owners)
        for region in (ctx.regions(account) or ("global",))
        if (gap := config_region_gap(ctx, account, region, "DescribeConfigurationAggregators"))
    ]
    if not owners:
        gaps.append("the organization's management account is not known")
    if gaps and not short:
        yield organization_result(
            ctx,
            CONTROL,
            NOT_ASSESSED,
            "aggregators could not be listed where an organization aggregator can live: " + "; ".join(gaps),
            call_ids=ids,
        )
        return
    others = [a for a in aggregators if not a.organization]
    if short:
        message = (
            "The organization aggregators do not cover every collected region: " + "; ".join(short) + "."
        )
    else:
        message = "There is no organization aggregator: nobody sees Config data across accounts in one place"
        if others:
            message += f" (account-based aggregators exist: {', '.join(a.name for a in others)})"
        message += "."
    yield organization_result(ctx, CONTROL, FAIL, message, call_ids=ids)
