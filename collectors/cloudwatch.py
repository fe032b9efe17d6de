"""CloudWatch alarms and CloudWatch Logs metric filters (the CIS monitoring controls).

The CIS AWS Foundations "Monitoring" section asks for a metric filter on the
CloudTrail log group for each event class (root use, unauthorized API calls,
console sign-in without MFA, ...) and an alarm on the metric it publishes. The
join is by metric: a filter's ``metricTransformations`` name a namespace and
metric; an alarm watches a namespace and metric in the same account and region.
Both are regional. Where a trail delivers is on the trail itself
(``CloudWatchLogsLogGroupArn``), so log groups are not listed.
"""

from __future__ import annotations

from collectors.spec import Collector, Op

COLLECTORS: tuple[Collector, ...] = (
    Collector(
        name="logs",
        service="logs",
        scope="regional",
        description="CloudWatch Logs metric filters",
        ops=(Op(operation="DescribeMetricFilters"),),
    ),
    Collector(
        name="cloudwatch",
        service="cloudwatch",
        scope="regional",
        description="CloudWatch metric and composite alarms",
        ops=(Op(operation="DescribeAlarms", params={"AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}),),
    ),
)
