"""Shared helpers for the detection controls: results, and the account/region walk.

Security Hub, GuardDuty, Access Analyzer and EventBridge are regional. An account with no
collected region (unreachable, every call failed) gets one NOT_ASSESSED per control, with the
manifest's reason, as the logging controls do (analysis/rules/logging/_common.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from analysis.model.detection import Detector
from analysis.model.monitoring import RegionCoverage
from analysis.rules.base import NOT_ASSESSED, Control, Evidence, Result
from analysis.rules.context import GLOBAL, AssessmentContext

AccountRegion = tuple[str, str]


def make(
    ctx: AssessmentContext,
    control: Control,
    status: str,
    message: str,
    *,
    account_id: str,
    region: str = GLOBAL,
    resource_arn: str | None = None,
    resource_id: str | None = None,
    call_ids: Iterable[int] = (),
    values: Mapping[str, object] | None = None,
) -> Result:
    if account_id:
        arn, rid = resource_arn or ctx.account_arn(account_id), resource_id or account_id
    else:
        org = ctx.inventory.organization
        arn = (
            resource_arn
            or org.arn
            or f"arn:{ctx.partition}:organizations:::organization/{org.organization_id}"
        )
        rid = resource_id or org.organization_id or "organization"
    return Result(
        control_id=control.id,
        status=status,
        account_id=account_id,
        region=region,
        resource_arn=arn,
        resource_id=rid,
        message=message if status != NOT_ASSESSED else f"Not assessed: {message}",
        evidence=Evidence(call_ids=tuple(dict.fromkeys(call_ids)), values=dict(values or {})),
    )


def detector_subject(d: Detector) -> dict[str, Any]:
    """The keyword arguments of :func:`make` that make one GuardDuty detector the result's subject."""
    return {
        "account_id": d.account_id,
        "region": d.region,
        "resource_arn": d.arn,
        "resource_id": d.detector_id,
        "call_ids": d.call_ids,
    }


def unreached_reason(ctx: AssessmentContext, account_id: str, service: str, operation: str) -> str:
    return ctx.inventory.coverage.state(
        account_id=account_id, region=GLOBAL, service=service, operation=operation
    ).reason


def region_listings(
    ctx: AssessmentContext,
    control: Control,
    listings: Mapping[AccountRegion, RegionCoverage],
    service: str,
    operation: str,
) -> Iterator[tuple[str, str, RegionCoverage | Result]]:
    """(account, region, the answered listing) for every collected region, or a NOT_ASSESSED result
    there (and one per account with no collected region)."""
    for account_id in ctx.account_ids:
        regions = ctx.regions(account_id)
        if not regions:
            reason = unreached_reason(ctx, account_id, service, operation)
            yield account_id, GLOBAL, make(ctx, control, NOT_ASSESSED, reason, account_id=account_id)
            continue
        for region in regions:
            listing = listings.get((account_id, region))
            if listing is None:
                state = ctx.inventory.coverage.state(
                    account_id=account_id, region=region, service=service, operation=operation
                )
                if not state.answered:
                    yield (
                        account_id,
                        region,
                        make(
                            ctx,
                            control,
                            NOT_ASSESSED,
                            state.reason,
                            account_id=account_id,
                            region=region,
                            call_ids=state.call_ids,
                        ),
                    )
                    continue
                listing = RegionCoverage(account_id=account_id, region=region, coverage=state)
            elif not listing.answered:
                yield (
                    account_id,
                    region,
                    make(
                        ctx,
                        control,
                        NOT_ASSESSED,
                        listing.coverage.reason,
                        account_id=account_id,
                        region=region,
                        call_ids=listing.coverage.call_ids,
                    ),
                )
                continue
            yield account_id, region, listing


def security_account_ids(ctx: AssessmentContext, *principals: str) -> set[str]:
    """Delegated administrators of the given service principals (the security tooling account)."""
    org = ctx.inventory.organization
    return {a.account_id for a in org.delegated_admins.values() if set(principals) & set(a.services)}
