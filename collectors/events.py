"""EventBridge rules and targets (automated response).

Rules live on an event bus; ``ListRules`` without a bus lists only the default
bus, so rules are listed per bus, and targets per rule and bus. ``ListRules``
returns each rule's ``EventPattern``, so ``DescribeRule`` is not needed.
``ListEventBuses`` has no botocore paginator: one page (up to 100 buses, the
default limit) is read.
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op

COLLECTORS: tuple[Collector, ...] = (
    Collector(
        name="events",
        service="events",
        scope="regional",
        description="EventBridge event buses (with their policies), rules and rule targets",
        ops=(
            Op(operation="ListEventBuses"),
            Op(
                operation="ListRules",
                for_each=From(sources=("ListEventBuses",), path="EventBuses[].Name", param="EventBusName"),
            ),
            Op(
                operation="ListTargetsByRule",
                for_each=From(
                    sources=("ListRules",),
                    path="Rules[]",
                    fields={"Rule": "Name", "EventBusName": "EventBusName"},
                ),
            ),
        ),
    ),
)
