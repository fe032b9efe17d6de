"""What the data-protection controls share: results about one record, per-resource coverage gaps,
listing gaps (a list call not answered means its resources are unknown, not absent), and the
organization's accounts for "outside the organization" questions.

Candidates for analysis/rules/context.py if other areas need them: :func:`field_gap` (the reason a
per-resource call was not answered, from the call itself) and :func:`organization_accounts`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime

from analysis.model.coverage import ANSWERED
from analysis.model.records import Record
from analysis.rules.base import Control, Evidence, Input, Result
from analysis.rules.context import GLOBAL, AssessmentContext


def result(
    control: Control,
    record: Record,
    status: str,
    message: str,
    *,
    resource_id: str,
    values: Mapping[str, object] | None = None,
    statements: tuple[str, ...] = (),
    call_ids: tuple[int, ...] | None = None,
) -> Result:
    """A result about one Inventory record, citing the calls it was built from."""
    return Result(
        control_id=control.id,
        status=status,
        account_id=record.account_id,
        region=record.region,
        resource_arn=record.arn,
        resource_id=resource_id,
        message=message,
        evidence=Evidence(
            call_ids=record.call_ids if call_ids is None else call_ids,
            statements=statements,
            values=dict(values or {}),
        ),
    )


def field_gap(
    ctx: AssessmentContext,
    control: Control,
    record: Record,
    *,
    resource_id: str,
    state: str,
    service: str,
    operation: str,
    param: str,
    value: str,
    call_region: str | None = None,
) -> Result | None:
    """NOT_ASSESSED when the per-resource call behind one field was not answered, else None.

    ``state`` is the record's coverage state of that field; the reason is read from the call
    itself (denied, failed, never asked) only in that case, so the common path costs nothing.
    """
    if state in ANSWERED:
        return None
    where = call_region or record.region
    coverage = ctx.inventory.coverage.state(
        account_id=record.account_id,
        region=where,
        service=service,
        operation=operation,
        parameters={param: value},
    )
    if coverage.answered or not coverage.call_ids:
        # No call with exactly these parameters: say why the operation was not answered there.
        coverage = ctx.inventory.coverage.state(
            account_id=record.account_id, region=where, service=service, operation=operation
        )
    reason = coverage.reason if not coverage.answered else f"{service}:{operation} for {value} is {state}"
    return ctx.not_assessed(
        control,
        account_id=record.account_id,
        region=record.region,
        reason=reason,
        call_ids=coverage.call_ids,
        resource_arn=record.arn,
        resource_id=resource_id,
    )


def places(ctx: AssessmentContext, *, regional: bool) -> Iterator[tuple[str, str]]:
    """Every (account, region) a regional result can be about; (account, "global") for global
    inputs, and for an account with no region collected (unreachable, skipped), so that it still
    gets a NOT_ASSESSED result instead of disappearing."""
    for account_id in ctx.account_ids:
        regions = ctx.regions(account_id) if regional else ()
        if not regions:
            yield account_id, GLOBAL
        for region in regions:
            yield account_id, region


def listing_gaps(ctx: AssessmentContext, control: Control, *listings: Input) -> Iterator[Result]:
    """NOT_ASSESSED for every account (and region) where a resource listing was not answered:
    one result per place, naming every listing that is missing there.

    Resources are only known from their list call: where it was denied or never made, the
    control cannot say there is nothing to find.
    """
    regional = any(listing.regional for listing in listings)
    for account_id, region in places(ctx, regional=regional):
        reasons: list[str] = []
        call_ids: list[int] = []
        for listing in listings:
            where = region if listing.regional else GLOBAL
            gap = ctx.coverage_gap(account_id, where, (listing,))
            if gap is not None and gap[0] not in reasons:
                reasons.append(gap[0])
                call_ids.extend(gap[1])
        if reasons:
            yield ctx.not_assessed(
                control,
                account_id=account_id,
                region=region,
                reason="; ".join(reasons),
                call_ids=tuple(call_ids),
            )


def organization_accounts(ctx: AssessmentContext) -> tuple[frozenset[str] | None, str]:
    """The organization's account ids, or None with the reason they are unknown.

    Outside an organization (``not_an_organization``) there is no boundary but the account
    itself: every other account is outside, so the set is empty.
    """
    org = ctx.inventory.organization
    state = org.collection.state
    if state == "collected":
        return frozenset(org.accounts), ""
    if state == "not_an_organization":
        return frozenset(), ""
    return None, f"the organization's accounts are unknown ({state}: {org.collection.reason})"


def parse_time(text: str | None) -> datetime | None:
    """An AWS timestamp (ISO-8601, as the snapshot stores datetimes) as an aware datetime."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value
