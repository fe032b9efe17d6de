"""Shared reading of trails, their coverage and results for the logging controls.

Built once per control evaluation (plain dicts over the Inventory, no per-account scans of
every trail). What an account's activity is recorded by, as AWS defines it:

- a trail records the account it belongs to; a multi-region trail records every region of it
  (CloudTrail User Guide, "Working with multiple Regions");
- an organization trail, created in the management account (or by a delegated administrator),
  records every member account of the organization, and is listed in each member account and
  region as a shadow trail (CloudTrail User Guide, "Creating a trail for an organization";
  API reference, DescribeTrails ``includeShadowTrails``).

So an account's own listing in any one region is enough to see its multi-region and
organization trails (AWS lists them everywhere); an organization trail found in the
management account covers the member accounts even where their own listing was not answered.
A trail's logging status and event selectors are read in its home region only: when those
calls were not answered, what depends on them is unknown, never assumed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Control, Evidence, Result
from analysis.rules.context import GLOBAL, AssessmentContext

if TYPE_CHECKING:
    from analysis.model.monitoring import Trail

Tri = bool | None  # True / False / not known (the call that says was not answered)


def result(
    control: Control,
    *,
    status: str,
    account_id: str,
    region: str,
    resource_arn: str,
    resource_id: str,
    message: str,
    call_ids: Iterable[int] = (),
    values: Mapping[str, object] | None = None,
) -> Result:
    return Result(
        control_id=control.id,
        status=status,
        account_id=account_id,
        region=region,
        resource_arn=resource_arn,
        resource_id=resource_id,
        message=message,
        evidence=Evidence(call_ids=tuple(dict.fromkeys(call_ids)), values=dict(values or {})),
    )


def account_result(
    ctx: AssessmentContext,
    control: Control,
    account_id: str,
    status: str,
    message: str,
    *,
    call_ids: Iterable[int] = (),
    values: Mapping[str, object] | None = None,
    region: str = GLOBAL,
) -> Result:
    return result(
        control,
        status=status,
        account_id=account_id,
        region=region,
        resource_arn=ctx.account_arn(account_id),
        resource_id=account_id,
        message=message if status != NOT_ASSESSED else f"Not assessed: {message}",
        call_ids=call_ids,
        values=values,
    )


def trail_result(
    ctx: AssessmentContext,
    control: Control,
    trail: Trail,
    status: str,
    message: str,
    *,
    call_ids: Iterable[int] = (),
    values: Mapping[str, object] | None = None,
) -> Result:
    return result(
        control,
        status=status,
        account_id=trail.account_id,
        region=trail.home_region,
        resource_arn=trail.arn,
        resource_id=trail.name,
        message=message if status != NOT_ASSESSED else f"Not assessed: {message}",
        call_ids=(*trail_ids(ctx, trail), *call_ids),
        values=values,
    )


def unreached_reason(ctx: AssessmentContext, account_id: str, service: str, operation: str) -> str:
    """Why an account with no collected region could not be asked (from the manifest)."""
    return ctx.inventory.coverage.state(
        account_id=account_id, region=GLOBAL, service=service, operation=operation
    ).reason


# -- trails -----------------------------------------------------------------------------------


def trail_ids(ctx: AssessmentContext, trail: Trail) -> tuple[int, ...]:
    """The calls that describe a trail: its owner's listing in its home region, its status and
    selectors. (``Trail.call_ids`` also holds every shadow listing: thousands for an
    organization trail, which would bury the evidence of each account's result.)"""
    home = ctx.inventory.monitoring.trail_regions.get((trail.account_id, trail.home_region))
    listing = home.coverage.call_ids if home is not None and trail.arn in home.arns else trail.call_ids[:1]
    return tuple(
        dict.fromkeys((*listing, *trail.status_coverage.call_ids, *trail.selectors_coverage.call_ids))
    )


def is_logging(trail: Trail) -> Tri:
    """GetTrailStatus's IsLogging; None when the status call was not answered."""
    if not trail.status_coverage.answered or trail.status is None:
        return None
    return trail.status.is_logging


def excluded_management_sources(trail: Trail) -> tuple[str, ...]:
    """Event sources a trail leaves out of its management events (KMS, RDS Data API).

    Basic selectors say it in ``ExcludeManagementEventSources``; advanced selectors with a
    ``NotEquals`` on ``eventSource`` (CloudTrail API reference, EventSelector and
    AdvancedFieldSelector)."""
    out: list[str] = []
    for sel in trail.event_selectors:
        if sel.include_management_events:
            out.extend(sel.exclude_management_event_sources)
    for adv in trail.advanced_event_selectors:
        if "Management" in adv.equals("eventCategory"):
            out.extend(adv.fields.get("eventSource", {}).get("NotEquals", ()))
    return tuple(dict.fromkeys(out))


def records_all_management_events(trail: Trail) -> Tri:
    """Read and write management events, no event source left out; None when selectors are unknown."""
    kind = trail.management_events
    if kind is None:
        return None
    return kind == "All" and not excluded_management_sources(trail)


def management_events_problem(trail: Trail) -> str:
    kind = trail.management_events
    excluded = excluded_management_sources(trail)
    if kind != "All":
        return f"records management events: {kind}" if kind else "event selectors were not collected"
    return "leaves out management events from " + ", ".join(excluded) if excluded else ""


@dataclass(frozen=True, kw_only=True)
class Judgement:
    """Whether one trail meets a control's requirements: ok, the problems, the unknowns."""

    problems: tuple[str, ...] = ()
    unknowns: tuple[str, ...] = ()

    @property
    def ok(self) -> Tri:
        if self.problems:
            return False
        return None if self.unknowns else True


def judge_active(trail: Trail, *, management: bool = True) -> Judgement:
    """Multi-region, logging, and (if asked) recording all read and write management events."""
    problems: list[str] = []
    unknowns: list[str] = []
    if trail.multi_region is False:
        problems.append("is a single-region trail")
    elif trail.multi_region is None:
        unknowns.append("DescribeTrails did not say whether it is multi-region")
    logging = is_logging(trail)
    if logging is False:
        problems.append("is not logging (StopLogging, or never started)")
    elif logging is None:
        unknowns.append(f"its logging status was not collected ({trail.status_coverage.reason})")
    if management:
        mgmt = records_all_management_events(trail)
        if mgmt is False:
            problems.append(management_events_problem(trail))
        elif mgmt is None:
            unknowns.append(f"its event selectors were not collected ({trail.selectors_coverage.reason})")
    return Judgement(problems=tuple(problems), unknowns=tuple(unknowns))


@dataclass(frozen=True, kw_only=True)
class Listing:
    """An account's trail listing: answered somewhere, or why not, with the calls."""

    answered: bool
    reason: str
    call_ids: tuple[int, ...] = ()


@dataclass(kw_only=True)
class TrailIndex:
    """Which trails record which account, and whether each account's listing was answered."""

    ctx: AssessmentContext
    org_accounts: frozenset[str] = frozenset()
    org_trails: tuple[Trail, ...] = ()
    own: Mapping[str, tuple[Trail, ...]] = field(default_factory=dict)
    listings: Mapping[str, Listing] = field(default_factory=dict)

    @classmethod
    def build(cls, ctx: AssessmentContext) -> TrailIndex:
        mon = ctx.inventory.monitoring
        org_accounts = frozenset(ctx.inventory.organization.accounts)
        own: dict[str, dict[str, Trail]] = defaultdict(dict)
        for trail in mon.trails.values():
            own[trail.account_id][trail.arn] = trail
        answered: dict[str, list[int]] = defaultdict(list)
        failed: dict[str, tuple[str, tuple[int, ...]]] = {}
        for (account_id, _region), summary in mon.trail_regions.items():
            if summary.answered:
                answered[account_id].extend(summary.coverage.call_ids)
                for arn in summary.arns:  # shadow trails this account sees
                    seen = mon.trails.get(arn)
                    if seen is not None:
                        own[account_id][arn] = seen
            else:
                failed.setdefault(account_id, (summary.coverage.reason, summary.coverage.call_ids))
        listings: dict[str, Listing] = {}
        for account_id in ctx.account_ids:
            if account_id in answered:
                listings[account_id] = Listing(answered=True, reason="", call_ids=tuple(answered[account_id]))
            elif account_id in failed:
                reason, ids = failed[account_id]
                listings[account_id] = Listing(answered=False, reason=reason, call_ids=ids)
            else:
                listings[account_id] = Listing(
                    answered=False, reason=unreached_reason(ctx, account_id, "cloudtrail", "DescribeTrails")
                )
        org_trails = tuple(
            t
            for t in sorted(mon.trails.values(), key=lambda t: t.arn)
            if t.organization_trail and (not org_accounts or t.account_id in org_accounts)
        )
        return cls(
            ctx=ctx,
            org_accounts=org_accounts,
            org_trails=org_trails,
            own={a: tuple(sorted(ts.values(), key=lambda t: t.arn)) for a, ts in own.items()},
            listings=listings,
        )

    def recording(self, account_id: str) -> tuple[Trail, ...]:
        """Every trail known to record ``account_id``: its own, the ones it sees, organization trails."""
        trails = {t.arn: t for t in self.own.get(account_id, ())}
        if account_id in self.org_accounts:
            trails.update((t.arn, t) for t in self.org_trails)
        return tuple(trails[a] for a in sorted(trails))

    def multi_region(self, account_id: str) -> tuple[Trail, ...]:
        return tuple(t for t in self.recording(account_id) if t.multi_region is not False)

    def listing(self, account_id: str) -> Listing:
        return self.listings.get(account_id) or Listing(
            answered=False, reason=unreached_reason(self.ctx, account_id, "cloudtrail", "DescribeTrails")
        )


def describe(trail: Trail) -> str:
    where = f"{trail.account_id}/{trail.home_region}"
    kind = "organization trail" if trail.organization_trail else "trail"
    return f"{kind} {trail.name} ({where})"


def account_verdict(
    ctx: AssessmentContext,
    control: Control,
    index: TrailIndex,
    account_id: str,
    candidates: Iterable[Trail],
    judge: Callable[[Trail], Judgement],
    *,
    what: str,
    passed: str,
) -> Result:
    """The account-level result of "some trail recording this account meets ``judge``".

    PASS on the first trail that meets it; NOT_ASSESSED when a trail might (its status or
    selectors were not answered), or when none is known and the account's listing was not
    answered; FAIL otherwise, saying why each trail falls short.
    """
    listing = index.listing(account_id)
    problems: list[str] = []
    unknowns: list[str] = []
    ids: list[int] = list(listing.call_ids)
    for trail in candidates:
        j = judge(trail)
        ids.extend(trail_ids(ctx, trail))
        if j.ok:
            return account_result(
                ctx,
                control,
                account_id,
                PASS,
                f"{passed} by the {describe(trail)}.",
                call_ids=trail_ids(ctx, trail),
                values={"trail": trail.arn},
            )
        if j.problems:
            problems.append(f"the {describe(trail)} " + "; ".join(j.problems))
        else:
            unknowns.append(f"the {describe(trail)}: " + "; ".join(j.unknowns))
    if unknowns:
        return account_result(
            ctx,
            control,
            account_id,
            NOT_ASSESSED,
            "whether " + what + " is unknown: " + " / ".join(unknowns),
            call_ids=ids,
        )
    if not listing.answered:
        reason = f"the account's trails could not be listed ({listing.reason})"
        if problems:
            reason += "; of the trails known: " + " / ".join(problems)
        return account_result(ctx, control, account_id, NOT_ASSESSED, reason, call_ids=ids)
    if not problems:
        message = f"No multi-region trail records this account, so {what} is not met."
    else:
        message = f"No trail recording this account meets it ({what}): " + " / ".join(problems) + "."
    return account_result(ctx, control, account_id, FAIL, message, call_ids=ids)


def organization_result(
    ctx: AssessmentContext,
    control: Control,
    status: str,
    message: str,
    *,
    call_ids: Iterable[int] = (),
    values: Mapping[str, object] | None = None,
) -> Result:
    org = ctx.inventory.organization
    manifest_org = str(ctx.inventory.manifest.get("organization_id") or "")
    org_id = org.organization_id or manifest_org
    return result(
        control,
        status=status,
        account_id="",
        region=GLOBAL,
        resource_arn=org.arn
        or f"arn:{ctx.partition}:organizations::{org.management_account_id}:organization/{org_id}",
        resource_id=org_id,
        message=message if status != NOT_ASSESSED else f"Not assessed: {message}",
        call_ids=call_ids,
        values=values,
    )


def all_trails(ctx: AssessmentContext) -> list[Trail]:
    """Every trail once (under its owner and home region), in ARN order."""
    return sorted(ctx.inventory.monitoring.trails.values(), key=lambda t: t.arn)


# -- S3 data events --------------------------------------------------------------------------

_S3_OBJECT = "AWS::S3::Object"
# Advanced selector fields that only choose what to log, not which buckets or calls.
_SCOPE_NEUTRAL_FIELDS = frozenset({"eventCategory", "resources.type", "readOnly"})


def s3_object_events(trail: Trail) -> tuple[bool, bool] | None:
    """Whether the trail logs S3 object reads and writes for every bucket; None if selectors unknown.

    Basic selectors log all buckets with the value ``arn:<partition>:s3`` (or ``...:s3:::``);
    advanced selectors with ``resources.type`` AWS::S3::Object and no other field narrowing
    them (CloudTrail User Guide, "Logging data events"; CIS 3.8/3.9 audit procedures).
    """
    if trail.selectors_coverage.state != "collected":
        return None
    partition = trail.arn.split(":")[1] if trail.arn.count(":") >= 5 else "aws"
    everything = {f"arn:{partition}:s3", f"arn:{partition}:s3:::"}
    reads = writes = False
    for sel in trail.event_selectors:
        for kind, values in sel.data_resources:
            if kind == _S3_OBJECT and everything & set(values):
                reads |= sel.read_write_type in ("All", "ReadOnly")
                writes |= sel.read_write_type in ("All", "WriteOnly")
    for adv in trail.advanced_event_selectors:
        if "Data" not in adv.equals("eventCategory") or _S3_OBJECT not in adv.equals("resources.type"):
            continue
        if set(adv.fields) - _SCOPE_NEUTRAL_FIELDS:
            continue  # narrowed to some buckets or calls
        read_only = adv.equals("readOnly")
        reads |= not read_only or "true" in read_only
        writes |= not read_only or "false" in read_only
    return reads, writes


def judge_s3_data_events(trail: Trail, *, write: bool) -> Judgement:
    base = judge_active(trail, management=False)
    kind = "write" if write else "read"
    scope = s3_object_events(trail)
    if scope is None:
        return Judgement(
            problems=base.problems,
            unknowns=(
                *base.unknowns,
                f"its event selectors were not collected ({trail.selectors_coverage.reason})",
            ),
        )
    covered = scope[1] if write else scope[0]
    problems = (
        base.problems
        if covered
        else (*base.problems, f"does not log S3 object {kind} events for all buckets")
    )
    return Judgement(problems=problems, unknowns=base.unknowns)


# -- AWS Config --------------------------------------------------------------------------------


def config_region_gap(ctx: AssessmentContext, account_id: str, region: str, operation: str) -> str | None:
    """Why Config's ``operation`` cannot be judged in ``account_id``/``region``, or None when answered."""
    cr = ctx.inventory.monitoring.config_regions.get((account_id, region))
    listing = None
    if cr is not None:
        listing = {
            "DescribeConfigurationRecorders": cr.recorders,
            "DescribeDeliveryChannels": cr.delivery_channels,
            "DescribeConfigurationAggregators": cr.aggregators,
        }.get(operation)
    if listing is not None:
        return None if listing.answered else listing.coverage.reason
    state = ctx.inventory.coverage.state(
        account_id=account_id, region=region, service="config", operation=operation
    )
    return None if state.answered else state.reason


def home_listed(ctx: AssessmentContext, trail: Trail) -> bool:
    """True when the trail's own account listed it in its home region (the complete description).

    A trail known only from shadow listings (another region, a member account) may be described
    more tersely there: an absent optional field (KmsKeyId, CloudWatchLogsLogGroupArn) then
    proves nothing."""
    summary = ctx.inventory.monitoring.trail_regions.get((trail.account_id, trail.home_region))
    return summary is not None and summary.answered and trail.arn in summary.arns


def shadow_only_reason(trail: Trail) -> str:
    return (
        f"trail {trail.name} is known only from shadow listings (its home listing in "
        f"{trail.account_id}/{trail.home_region} was not answered), which may omit optional fields"
    )
