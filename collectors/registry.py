"""The collectors, in an explicit list (no package walking). Order is collection order."""

from __future__ import annotations

from collectors import (
    accessanalyzer,
    cloudtrail,
    cloudwatch,
    config,
    ec2,
    elb,
    events,
    guardduty,
    iam,
    identitycenter,
    kms,
    lambda_functions,
    organizations,
    rds,
    resource_policies,
    s3,
    securityhub,
    sts,
    wafv2,
)
from collectors.spec import Collector

ORGANIZATION_COLLECTORS: tuple[Collector, ...] = (organizations.COLLECTOR,)
# sts runs first in every account: it names the identity every later call is recorded under.
ACCOUNT_COLLECTORS: tuple[Collector, ...] = (
    sts.COLLECTOR,
    iam.COLLECTOR,
    *identitycenter.COLLECTORS,
    *cloudtrail.COLLECTORS,
    *config.COLLECTORS,
    *cloudwatch.COLLECTORS,
    *events.COLLECTORS,
    *securityhub.COLLECTORS,
    *guardduty.COLLECTORS,
    *accessanalyzer.COLLECTORS,
    *ec2.COLLECTORS,
    *elb.COLLECTORS,
    *wafv2.COLLECTORS,
    *kms.COLLECTORS,
    *s3.COLLECTORS,
    *lambda_functions.COLLECTORS,
    *resource_policies.COLLECTORS,
    *rds.COLLECTORS,
)

ALL_COLLECTORS: tuple[Collector, ...] = ORGANIZATION_COLLECTORS + ACCOUNT_COLLECTORS

# What --services accepts; sts is always collected.
SELECTABLE = tuple(dict.fromkeys(c.name for c in ALL_COLLECTORS if c.name != "sts"))


def collectors_named(names: list[str] | tuple[str, ...] | None) -> tuple[Collector, ...]:
    """The collectors for a --services selection (None: all); unknown names raise ValueError."""
    if not names:
        return ALL_COLLECTORS
    unknown = sorted(set(names) - set(SELECTABLE))
    if unknown:
        raise ValueError(f"unknown service(s): {', '.join(unknown)} (known: {', '.join(SELECTABLE)})")
    return tuple(c for c in ALL_COLLECTORS if c.name in names or c.name == "sts")
