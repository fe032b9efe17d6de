"""Security Hub is enabled in every collected account and region (SecurityHub.1)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, HIGH, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.detection._common import make, region_listings

CONTROL = Control(
    id="detection_securityhub_enabled",
    title="Security Hub is enabled in every account and region",
    severity=HIGH,
    practice="monitoring",
    service="securityhub",
    scope="region",
    rationale=(
        "Security Hub gathers the findings of GuardDuty, Inspector, Macie, Access Analyzer and its own "
        "control checks into one place, and is what the white paper's security account reads to see "
        "the whole organization. It works per account and region: where it is off, neither the "
        "findings of that region nor its posture checks reach the security team."
    ),
    remediation=Remediation(
        console=(
            "From the Security Hub delegated administrator: Security Hub > Configuration > "
            "Organization > central configuration, policy enabling Security Hub in every account and "
            "region (or Settings > Auto-enable accounts)."
        ),
        cli=(
            "aws securityhub enable-security-hub --enable-default-standards   # per account and region\n"
            "aws securityhub update-organization-configuration --auto-enable --auto-enable-standards DEFAULT"
        ),
        terraform=('resource "aws_securityhub_account" "this" {\n  enable_default_standards = true\n}'),
    ),
    inputs=(Input(service="securityhub", operation="DescribeHub"),),
    # Same check as Prowler securityhub_enabled. NIST from Prowler's NIST 800-53 Rev. 5 file (Security Hub
    # lists none). See docs/mappings.md.
    mappings=Mappings(
        cis=("4.16",), nist=("AU-6(1)", "AU-6(5)", "AU-12(3)", "AU-14", "CA-2", "CA-7", "PM-14", "PM-31")
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    hubs = ctx.inventory.detection.security_hubs
    listings = ctx.inventory.detection.security_hub_regions
    for account_id, region, listing in region_listings(ctx, CONTROL, listings, "securityhub", "DescribeHub"):
        if isinstance(listing, Result):
            yield listing
            continue
        found = [hubs[a] for a in listing.arns if a in hubs]
        if found:
            hub = found[0]
            yield make(
                ctx,
                CONTROL,
                PASS,
                f"Security Hub is enabled in {region} (since {hub.subscribed_at}).",
                account_id=account_id,
                region=region,
                resource_arn=hub.arn,
                resource_id=hub.arn,
                call_ids=listing.coverage.call_ids,
            )
        else:
            yield make(
                ctx,
                CONTROL,
                FAIL,
                f"Security Hub is not enabled in {region}.",
                account_id=account_id,
                region=region,
                call_ids=listing.coverage.call_ids,
                values={"DescribeHub": listing.coverage.state},
            )
