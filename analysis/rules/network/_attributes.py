"""One load balancer attribute checked against the value it should have (ELB.4, ELB.5, ELB.6).

DescribeLoadBalancerAttributes returns every attribute with its value; a key missing from an
answered call is taken at its documented default ("false" for the attributes checked here: ALB
User Guide, "Load balancer attributes"), never as a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from analysis.model.loadbalancers import LoadBalancer
from analysis.rules.base import FAIL, PASS, Control, Input, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import result
from analysis.rules.network._load_balancers import balancers_of, unanswered


def attribute_results(
    ctx: AssessmentContext,
    control: Control,
    *,
    listings: Sequence[tuple[Input, Callable[[LoadBalancer], bool]]],
    key: Callable[[LoadBalancer], str],
    on: str,
    off: str,
) -> Iterator[Result]:
    """PASS when the attribute ``key(lb)`` is "true" (case-insensitive), FAIL otherwise; ``on`` and
    ``off`` are the messages after the balancer's name."""
    for item in balancers_of(ctx, control, listings):
        if isinstance(item, Result):
            yield item
            continue
        lb = item
        if not lb.attributes_state.answered:
            yield unanswered(control, lb, lb.attributes_state, "attributes")
            continue
        name = key(lb)
        value = lb.attributes.get(name)
        enabled = (value or "false").lower() == "true"
        shown = value if value is not None else "not returned (default false)"
        yield result(
            control,
            lb,
            PASS if enabled else FAIL,
            f"{lb.name} ({lb.type}): {on if enabled else off} ({name}: {shown}).",
            resource_id=lb.name,
            values={name: value},
        )
