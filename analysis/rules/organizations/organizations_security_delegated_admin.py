"""Security services are administered by a delegated member account, not the management account."""

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
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.organizations._common import listing_gap, make, org_not_assessed

SERVICES = {
    "guardduty.amazonaws.com": "GuardDuty",
    "securityhub.amazonaws.com": "Security Hub",
    "config.amazonaws.com": "AWS Config",
    "access-analyzer.amazonaws.com": "IAM Access Analyzer",
    "cloudtrail.amazonaws.com": "CloudTrail",
}

CONTROL = Control(
    id="organizations_security_delegated_admin",
    title="Security services have a delegated administrator outside the management account",
    severity=MEDIUM,
    practice="governance",
    service="organizations",
    scope="organization",
    rationale=(
        "The white paper keeps the management account for organization administration only and "
        "runs security tooling from a dedicated security account, registered as delegated "
        "administrator of GuardDuty, Security Hub, Config, IAM Access Analyzer and CloudTrail. "
        "Without it, the security team needs access to the management account (which SCPs cannot "
        "restrict) or the services are not managed organization-wide at all."
    ),
    remediation=Remediation(
        console=(
            "From the management account, in each service's console (GuardDuty > Settings, Security "
            "Hub > Settings > General, IAM > Access Analyzer > Settings, CloudTrail > Settings, Config "
            "through the CLI): designate the security tooling account as delegated administrator."
        ),
        cli=(
            "aws guardduty enable-organization-admin-account --admin-account-id <security-account>\n"
            "aws securityhub enable-organization-admin-account --admin-account-id <security-account>\n"
            "aws organizations register-delegated-administrator --account-id <security-account> "
            "--service-principal access-analyzer.amazonaws.com\n"
            "aws organizations register-delegated-administrator --account-id <security-account> "
            "--service-principal config.amazonaws.com\n"
            "aws cloudtrail register-organization-delegated-admin --member-account-id <security-account>"
        ),
        terraform=(
            'resource "aws_guardduty_organization_admin_account" "this" {\n'
            "  admin_account_id = var.security_account_id\n"
            "}\n"
            "\n"
            'resource "aws_securityhub_organization_admin_account" "this" {\n'
            "  admin_account_id = var.security_account_id\n"
            "}\n"
            "\n"
            'resource "aws_organizations_delegated_administrator" "access_analyzer" {\n'
            "  account_id        = var.security_account_id\n"
            '  service_principal = "access-analyzer.amazonaws.com"\n'
            "}"
        ),
    ),
    inputs=(
        Input(service="organizations", operation="ListDelegatedAdministrators", regional=False),
        Input(service="organizations", operation="ListDelegatedServicesForAccount", regional=False),
    ),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    na = org_not_assessed(ctx, CONTROL)
    if na is not None:
        yield na
        return
    org = ctx.inventory.organization
    why = listing_gap(ctx, "ListDelegatedAdministrators")
    ids = [i for i in org.collection.call_ids if i]
    unknown = [a for a in org.delegated_admins.values() if not a.services_known]
    for principal, label in SERVICES.items():
        arn = f"{_org_arn(ctx)}/service/{principal}"
        admins = [a for a in org.delegated_admins.values() if principal in a.services]
        good = [a for a in admins if a.account_id != org.management_account_id]
        if good:
            a = good[0]
            yield make(
                ctx,
                CONTROL,
                PASS,
                f"{label} is delegated to {a.name or a.account_id} ({a.account_id}).",
                call_ids=ids,
                values={"delegated administrator": a.account_id},
                resource_arn=arn,
                resource_id=principal,
                region=GLOBAL,
            )
        elif why is not None or unknown:
            reason = (
                why or "the services of " + ", ".join(a.account_id for a in unknown) + " were not collected"
            )
            yield make(
                ctx,
                CONTROL,
                NOT_ASSESSED,
                f"delegated administrators unknown: {reason}",
                call_ids=ids,
                resource_arn=arn,
                resource_id=principal,
            )
        else:
            yield make(
                ctx,
                CONTROL,
                FAIL,
                f"No delegated administrator is registered for {label} ({principal}): it is run from the "
                "management account or not organization-wide.",
                call_ids=ids,
                values={
                    "delegated administrators": {
                        a.account_id: list(a.services) for a in org.delegated_admins.values()
                    }
                },
                resource_arn=arn,
                resource_id=principal,
                region=GLOBAL,
            )


def _org_arn(ctx: AssessmentContext) -> str:
    from analysis.rules.organizations._common import org_arn

    return org_arn(ctx)
