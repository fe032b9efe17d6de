"""The CIS monitoring controls: trail -> log group -> metric filter -> alarm -> SNS topic.

The audit procedure of CIS AWS Foundations Benchmark v5.0.0 section 4 (each recommendation):
a multi-region trail that is logging with all management events and a CloudWatch Logs group;
a metric filter on that group with the prescribed pattern; an alarm on the filter's metric;
an SNS topic among the alarm actions. CloudWatch Logs User Guide, "Filter and pattern syntax"
(terms with = and !=, blanks and quotes optional); CloudWatch User Guide, "Alarm actions"
(ActionsEnabled false: no action runs).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.logging import CONTROL_MODULES
from analysis.rules.logging._alarms import FilterSpec, missing_terms
from tests.analysis.rules.builders import ACCOUNTS, UNREACHABLE, by_account, run_control
from tests.analysis.rules.logging.calls import (
    DENIED,
    MGMT,
    TOPIC,
    US,
    alarms,
    empty_monitoring,
    metric_filters,
    org_trail,
    trail_calls,
)

ALARM_MODULES = [
    importlib.import_module(f"analysis.rules.logging.{name}")
    for name in CONTROL_MODULES
    if name.startswith("cloudwatch_alarm_")
]
GROUP = "org-trail-logs"


def _world(
    spec: FilterSpec,
    *,
    pattern: str | None = None,
    actions: tuple[str, ...] = (TOPIC,),
    enabled: bool = True,
    alarm: bool = True,
    filters_denied: bool = False,
    trail_kw: dict | None = None,
) -> list:
    filt = (GROUP, spec.name, spec.pattern if pattern is None else pattern, "m")
    calls = [*trail_calls([org_trail(**(trail_kw or {}))]), *empty_monitoring(skip=[(MGMT, US)])]
    calls.append(
        metric_filters(MGMT, US, [], **DENIED) if filters_denied else metric_filters(MGMT, US, [filt])
    )
    calls.append(alarms(MGMT, US, [(f"cis-{spec.name}", "m", actions, enabled)] if alarm else []))
    return calls


def test_one_module_per_cis_monitoring_recommendation() -> None:
    cis = sorted((m.CONTROL.mappings.cis for m in ALARM_MODULES), key=lambda c: int(c[0].split(".")[1]))
    assert cis == [(f"4.{n}",) for n in range(1, 16)]
    # Security Hub's CloudWatch.1-14 belong to its CIS standards, not to FSBP (docs/mappings.md).
    assert all(not m.CONTROL.mappings.fsbp for m in ALARM_MODULES)


@pytest.mark.parametrize("module", ALARM_MODULES, ids=lambda m: m.CONTROL.id)
def test_pass_with_the_benchmark_pattern_through_the_organization_trail(
    tmp_path: Path, module: ModuleType
) -> None:
    assert not missing_terms(module.SPEC, module.SPEC.pattern), (
        "the benchmark's own pattern satisfies the spec"
    )
    results = by_account(run_control(tmp_path, module, _world(module.SPEC)))
    for account in (*ACCOUNTS, UNREACHABLE):
        [r] = results[account]
        assert r.status == PASS, (account, r.message)
        assert r.evidence.values["sns_topics"] == [TOPIC] and len(r.evidence.call_ids) >= 3


@pytest.mark.parametrize("module", ALARM_MODULES, ids=lambda m: m.CONTROL.id)
def test_fail_when_a_link_of_the_chain_is_missing(tmp_path: Path, module: ModuleType) -> None:
    spec = module.SPEC
    cases = {
        "no-alarm": (_world(spec, alarm=False), "no alarm watches it"),
        "no-sns": (
            _world(spec, actions=("arn:aws:lambda:us-east-1:111111111111:function:f",)),
            "notifies no SNS topic",
        ),
        "disabled": (_world(spec, enabled=False), "actions disabled"),
        "no-filter": (_world(spec, pattern='{ $.eventName = "Nothing" }'), "has no metric filter"),
        "no-log-group": (_world(spec, trail_kw={"log_group": None}), "does not deliver to CloudWatch Logs"),
        "stopped": (_world(spec, trail_kw={"logging": False}), "is not logging"),
    }
    for name, (calls, words) in cases.items():
        results = by_account(run_control(tmp_path, module, calls, name=name))
        [r] = results["555555555555"]
        assert r.status == FAIL and words in r.message, (name, r.message)


@pytest.mark.parametrize("module", ALARM_MODULES, ids=lambda m: m.CONTROL.id)
def test_fail_when_the_pattern_misses_one_required_term(tmp_path: Path, module: ModuleType) -> None:
    spec = module.SPEC
    last = spec.required()[-1]
    # Drop the last required term from the benchmark pattern (the event name or value in it).
    word = last.split("=", 1)[1].strip().strip('"')
    pattern = spec.pattern.replace(word, "SomethingElse")
    assert missing_terms(spec, pattern)
    [r] = by_account(run_control(tmp_path, module, _world(spec, pattern=pattern)))["555555555555"]
    assert r.status == FAIL and "has no metric filter" in r.message
    if len(spec.required()) > 1:  # the nearest filter is named with what it lacks
        assert f"filter {spec.name} lacks {last}" in r.message


@pytest.mark.parametrize("module", ALARM_MODULES, ids=lambda m: m.CONTROL.id)
def test_not_assessed_when_metric_filters_or_trails_are_unknown(tmp_path: Path, module: ModuleType) -> None:
    results = by_account(run_control(tmp_path, module, _world(module.SPEC, filters_denied=True), name="f"))
    [r] = results["555555555555"]
    assert r.status == NOT_ASSESSED and "metric filters of log group org-trail-logs" in r.message
    results = by_account(
        run_control(tmp_path, module, _world(module.SPEC, trail_kw={"status_denied": True}), name="s")
    )
    [r] = results["555555555555"]
    assert r.status == NOT_ASSESSED and "logging status was not collected" in r.message


SOURCE_SPEC = FilterSpec(
    name="t", what="t", terms=(), events=("CreatePolicy", "DisableKey"), event_source="kms.amazonaws.com"
)


@pytest.mark.parametrize(
    ("pattern", "missing"),
    [
        ('{ ($.eventName = "CreatePolicy") || ($.eventName = DisableKey) }', ()),
        ("{($.eventName=CreatePolicy)||($.eventName=DisableKey)}", ()),
        # CreatePolicyVersion is not CreatePolicy.
        (
            "{ ($.eventName = CreatePolicyVersion) || ($.eventName = DisableKey) }",
            ("$.eventName=CreatePolicy",),
        ),
        # A negated term excludes the event instead of catching it.
        ("{ ($.eventName != CreatePolicy) || ($.eventName = DisableKey) }", ("$.eventName=CreatePolicy",)),
        # The whole event source, no event named: catches every event of it.
        ("{ $.eventSource = kms.amazonaws.com }", ()),
        # The source narrowed to other events does not.
        (
            "{ ($.eventSource = kms.amazonaws.com) && ($.eventName = Encrypt) }",
            ("$.eventName=CreatePolicy", "$.eventName=DisableKey"),
        ),
    ],
)
def test_pattern_terms(pattern: str, missing: tuple[str, ...]) -> None:
    assert missing_terms(SOURCE_SPEC, pattern) == missing
