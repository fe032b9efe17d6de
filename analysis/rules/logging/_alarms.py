"""The CIS monitoring controls: a metric filter on the trail's log group, an alarm on its metric, an SNS action.

The audit procedure of each CIS AWS Foundations Benchmark "Monitoring" recommendation (v5.0.0,
section 4, and Security Hub's CloudWatch.1-14, which follow it): find a multi-region trail
that is logging and records all management events and delivers to a CloudWatch Logs group;
on that log group a metric filter whose pattern catches the events named; an alarm on the
metric the filter publishes; an SNS topic among the alarm's actions. An organization trail
in the management account serves every member account, so each account is judged through the
trails that record it. One chain is built per trail and shared by every account it records.

Filter patterns are compared after removing blanks and quotes: each term the benchmark's
pattern names (``$.eventName=CreateTrail``) must be present with ``=`` (not ``!=``). A filter
that selects a whole event source without naming events (``$.eventSource=kms.amazonaws.com``
alone) catches more, and counts. SNS subscriptions are not collected: an SNS topic among the
alarm actions is the evidence, whether anyone reads it is not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Control, Remediation, Result
from analysis.rules.logging._common import TrailIndex, account_result, describe, judge_active, trail_ids

if TYPE_CHECKING:
    from analysis.model.monitoring import Alarm, MetricFilter, Trail
    from analysis.rules.context import AssessmentContext


@dataclass(frozen=True, kw_only=True)
class FilterSpec:
    """What a CIS metric filter must catch."""

    name: str  # short name for messages and the remediation ("root-usage")
    what: str  # the events in words ("use of the root user")
    terms: tuple[str, ...]  # terms the pattern must contain (compared without blanks and quotes)
    events: tuple[str, ...] = ()  # event names the pattern must list ($.eventName=<name>)
    event_source: str | None = None  # a filter on this source alone also covers them
    pattern: str = ""  # the benchmark's pattern, for the remediation

    def required(self) -> tuple[str, ...]:
        return (*self.terms, *(f"$.eventName={e}" for e in self.events))


def normalize(pattern: str) -> str:
    return re.sub(r"[\s\"']", "", pattern)


def _has(normalized: str, term: str) -> bool:
    # The term must not continue into a longer value (CreatePolicy vs CreatePolicyVersion) and
    # must not be the tail of a "!=" (a.k.a. "$.eventName!=X" is not "$.eventName=X").
    for m in re.finditer(re.escape(term), normalized):
        end = m.end()
        if end < len(normalized) and (normalized[end].isalnum() or normalized[end] in "_-:"):
            continue
        if m.start() > 0 and normalized[m.start() - 1] == "!":
            continue
        return True
    return False


def missing_terms(spec: FilterSpec, pattern: str) -> tuple[str, ...]:
    """The terms of ``spec`` the pattern lacks (empty: the pattern catches the events)."""
    norm = normalize(pattern)
    whole_source = spec.event_source and _has(norm, f"$.eventSource={spec.event_source}")
    if whole_source and "$.eventName" not in norm and all(_has(norm, normalize(t)) for t in spec.terms):
        return ()
    return tuple(t for t in spec.required() if not _has(norm, normalize(t)))


@dataclass(frozen=True, kw_only=True)
class Chain:
    """The outcome for one trail: PASS/FAIL/NOT_ASSESSED, why, and the records that decided."""

    status: str
    message: str
    call_ids: tuple[int, ...] = ()
    values: dict[str, object] = field(default_factory=dict)


def _log_group_key(arn: str) -> tuple[str, str, str] | None:
    """(account, region, log group ARN without the trailing ':*') of a trail's CloudWatchLogsLogGroupArn."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[2] != "logs" or parts[5] != "log-group":
        return None
    group = ":".join(parts[:7])
    return parts[4], parts[3], group


def _sns_actions(alarm: Alarm) -> tuple[str, ...]:
    return tuple(a for a in alarm.alarm_actions if a.split(":")[2:3] == ["sns"])


class AlarmChains:
    """Chains per trail for one spec, built on first use; filters indexed by log group once."""

    def __init__(self, ctx: AssessmentContext, spec: FilterSpec) -> None:
        self.ctx = ctx
        self.spec = spec
        mon = ctx.inventory.monitoring
        self._filters: dict[str, list[MetricFilter]] = defaultdict(list)
        for f in mon.metric_filters.values():
            self._filters[f.log_group_arn].append(f)
        self._cache: dict[str, Chain] = {}

    def chain(self, trail: Trail) -> Chain:
        if trail.arn not in self._cache:
            self._cache[trail.arn] = self._build(trail)
        return self._cache[trail.arn]

    def _build(self, trail: Trail) -> Chain:
        mon = self.ctx.inventory.monitoring
        who = describe(trail)
        active = judge_active(trail)
        if active.problems:
            return Chain(
                status=FAIL,
                message=f"the {who} " + "; ".join(active.problems),
                call_ids=trail_ids(self.ctx, trail),
            )
        if active.unknowns:
            return Chain(status=NOT_ASSESSED, message=f"the {who}: " + "; ".join(active.unknowns))
        if not trail.cloudwatch_logs_log_group_arn:
            return Chain(
                status=FAIL,
                message=f"the {who} does not deliver to CloudWatch Logs",
                call_ids=trail_ids(self.ctx, trail),
            )
        key = _log_group_key(trail.cloudwatch_logs_log_group_arn)
        if key is None:
            return Chain(
                status=FAIL,
                message=f"the {who} names a log group ARN that cannot be read ({trail.cloudwatch_logs_log_group_arn})",
                call_ids=trail_ids(self.ctx, trail),
            )
        account_id, region, group = key
        group_name = group.split(":log-group:", 1)[1]
        listing = mon.metric_filter_regions.get((account_id, region))
        if listing is None or not listing.answered:
            reason = (
                listing.coverage.reason
                if listing
                else self.ctx.inventory.coverage.state(
                    account_id=account_id, region=region, service="logs", operation="DescribeMetricFilters"
                ).reason
            )
            return Chain(
                status=NOT_ASSESSED,
                message=f"the metric filters of log group {group_name} ({account_id}/{region}) were not collected "
                f"({reason})",
            )
        filters = sorted(self._filters.get(group, ()), key=lambda f: f.arn)
        matching = [f for f in filters if not missing_terms(self.spec, f.pattern)]
        base_ids = (*trail_ids(self.ctx, trail), *listing.coverage.call_ids)
        if not matching:
            closest = min(filters, key=lambda f: len(missing_terms(self.spec, f.pattern)), default=None)
            hint = ""
            if closest is not None:
                lacking = missing_terms(self.spec, closest.pattern)
                if len(lacking) < len(self.spec.required()):
                    hint = f" (filter {closest.name} lacks {', '.join(lacking)})"
            return Chain(
                status=FAIL,
                message=f"log group {group_name} of the {who} has no metric filter for {self.spec.what}{hint}",
                call_ids=base_ids,
                values={"log_group": group, "filters": [f.name for f in filters]},
            )
        alarms_listing = mon.alarm_regions.get((account_id, region))
        if alarms_listing is None or not alarms_listing.answered:
            reason = alarms_listing.coverage.reason if alarms_listing else "DescribeAlarms was not called"
            return Chain(
                status=NOT_ASSESSED,
                message=f"the alarms of {account_id}/{region} were not collected ({reason})",
                call_ids=base_ids,
            )
        problems: list[str] = []
        for f in matching:
            alarms = [mon.alarms[a] for a in mon.alarms_by_filter.get(f.arn, ()) if a in mon.alarms]
            if not alarms:
                metric = ", ".join(f"{m.namespace}/{m.name}" for m in f.metrics) or "no metric"
                problems.append(f"filter {f.name} publishes {metric}, but no alarm watches it")
                continue
            for alarm in alarms:
                topics = _sns_actions(alarm)
                if alarm.actions_enabled is False:
                    problems.append(f"alarm {alarm.name} on filter {f.name} has its actions disabled")
                elif not topics:
                    problems.append(f"alarm {alarm.name} on filter {f.name} notifies no SNS topic")
                else:
                    return Chain(
                        status=PASS,
                        message=f"the {who} delivers to log group {group_name}, where filter {f.name} catches "
                        f"{self.spec.what} and alarm {alarm.name} notifies {', '.join(topics)}",
                        call_ids=(*base_ids, *f.call_ids, *alarm.call_ids),
                        values={
                            "trail": trail.arn,
                            "log_group": group,
                            "filter": f.name,
                            "pattern": f.pattern,
                            "alarm": alarm.arn,
                            "sns_topics": list(topics),
                        },
                    )
        ids = (*base_ids, *(i for f in matching for i in f.call_ids))
        return Chain(
            status=FAIL,
            message=f"log group {group_name} of the {who}: " + "; ".join(problems),
            call_ids=ids,
            values={"log_group": group, "filters": [f.name for f in matching]},
        )


def evaluate_alarm_control(ctx: AssessmentContext, control: Control, spec: FilterSpec) -> Iterator[Result]:
    index = TrailIndex.build(ctx)
    chains = AlarmChains(ctx, spec)
    for account_id in ctx.account_ids:
        listing = index.listing(account_id)
        outcomes = [chains.chain(t) for t in index.multi_region(account_id)]
        passed = next((c for c in outcomes if c.status == PASS), None)
        if passed is not None:
            yield account_result(
                ctx,
                control,
                account_id,
                PASS,
                passed.message[0].upper() + passed.message[1:] + ".",
                call_ids=passed.call_ids,
                values=passed.values,
            )
            continue
        ids = [*listing.call_ids, *(i for c in outcomes for i in c.call_ids)]
        unknown = [c.message for c in outcomes if c.status == NOT_ASSESSED]
        failed = [c.message for c in outcomes if c.status == FAIL]
        if unknown:
            yield account_result(ctx, control, account_id, NOT_ASSESSED, " / ".join(unknown), call_ids=ids)
        elif not listing.answered:
            reason = f"the account's trails could not be listed ({listing.reason})"
            if failed:
                reason += "; of the trails known: " + " / ".join(failed)
            yield account_result(ctx, control, account_id, NOT_ASSESSED, reason, call_ids=ids)
        elif not failed:
            yield account_result(
                ctx,
                control,
                account_id,
                FAIL,
                f"No multi-region trail records this account, so nothing alerts on {spec.what}.",
                call_ids=ids,
            )
        else:
            yield account_result(
                ctx,
                control,
                account_id,
                FAIL,
                f"Nothing alerts on {spec.what}: " + " / ".join(failed) + ".",
                call_ids=ids,
                values={"spec": spec.name},
            )


def alarm_remediation(spec: FilterSpec) -> Remediation:
    """Console steps, AWS CLI and Terraform for one CIS metric filter and alarm."""
    pattern = spec.pattern
    metric = spec.name.replace("-", "_")
    return Remediation(
        console=(
            "Make sure a multi-region trail (the organization trail) delivers to a CloudWatch Logs group. "
            "CloudWatch > Log groups > that group > Actions > Create metric filter, pattern: "
            f"{pattern} ; namespace CISBenchmark, metric {metric}, value 1. Then Alarms > Create alarm on "
            "that metric, Sum over 5 minutes >= 1, notify an SNS topic the security team subscribes to."
        ),
        cli=(
            "aws logs put-metric-filter --log-group-name <trail-log-group> "
            f"--filter-name {spec.name} --metric-transformations "
            f"metricName={metric},metricNamespace=CISBenchmark,metricValue=1 "
            f"--filter-pattern '{pattern}'\n"
            f"aws cloudwatch put-metric-alarm --alarm-name cis-{spec.name} --metric-name {metric} "
            "--namespace CISBenchmark --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 "
            "--comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>"
        ),
        terraform=(
            f'resource "aws_cloudwatch_log_metric_filter" "{metric}" {{\n'
            f'  name           = "{spec.name}"\n'
            "  log_group_name = aws_cloudwatch_log_group.trail.name\n"
            f"  pattern        = {_hcl_string(pattern)}\n"
            "  metric_transformation {\n"
            f'    name      = "{metric}"\n'
            '    namespace = "CISBenchmark"\n'
            '    value     = "1"\n'
            "  }\n"
            "}\n"
            "\n"
            f'resource "aws_cloudwatch_metric_alarm" "{metric}" {{\n'
            f'  alarm_name          = "cis-{spec.name}"\n'
            f'  metric_name         = "{metric}"\n'
            '  namespace           = "CISBenchmark"\n'
            '  statistic           = "Sum"\n'
            "  period              = 300\n"
            "  evaluation_periods  = 1\n"
            "  threshold           = 1\n"
            '  comparison_operator = "GreaterThanOrEqualToThreshold"\n'
            "  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n"
            "}"
        ),
    )


def _hcl_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
