"""What the load balancer controls share: balancers per area, and NOT_ASSESSED for a balancer whose
per-resource answer (attributes, listeners, rules) was not collected."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from analysis.model.coverage import CoverageState
from analysis.model.loadbalancers import LoadBalancer
from analysis.rules.base import NOT_ASSESSED, Control, Input, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import area_not_assessed, by_area, places, result


def balancers(
    ctx: AssessmentContext, control: Control, listing: Input, keep: Callable[[LoadBalancer], bool]
) -> Iterator[Result | LoadBalancer]:
    """NOT_ASSESSED per area whose balancer listing was not answered; else the balancers kept, in order."""
    yield from balancers_of(ctx, control, ((listing, keep),))


def balancers_of(
    ctx: AssessmentContext,
    control: Control,
    listings: Sequence[tuple[Input, Callable[[LoadBalancer], bool]]],
) -> Iterator[Result | LoadBalancer]:
    """The balancers of several listings (ELBv2 and classic), area by area: those of the answered
    listings, then one NOT_ASSESSED naming the listings not answered there."""
    kept = [
        (listing, by_area(lb for lb in ctx.inventory.load_balancers.load_balancers.values() if keep(lb)))
        for listing, keep in listings
    ]
    for account_id, region in places(ctx):
        missing: list[Input] = []
        for listing, lbs in kept:
            if ctx.coverage_gap(account_id, region, (listing,)) is not None:
                missing.append(listing)
                continue
            yield from sorted(lbs.get((account_id, region), ()), key=lambda lb: lb.name)
        if missing:
            gap = area_not_assessed(ctx, control, account_id, region, missing)
            if gap is not None:
                yield gap


def unanswered(control: Control, lb: LoadBalancer, state: CoverageState, what: str) -> Result:
    return result(
        control,
        lb,
        NOT_ASSESSED,
        f"Not assessed: the {what} of {lb.name} were not collected ({state.reason}).",
        resource_id=lb.name,
        call_ids=(*lb.call_ids, *state.call_ids),
    )


def is_alb(lb: LoadBalancer) -> bool:
    return lb.type == "application"


def is_classic(lb: LoadBalancer) -> bool:
    return lb.type == "classic"
