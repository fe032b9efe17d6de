"""FakeCalls for the detection services, in the shapes botocore returns (GuardDuty, Security Hub,
IAM Access Analyzer and EventBridge API references), and for the calls that failed.

Every builder takes ``outcome``: "ok", or what the collector records for a call that was not
answered ("access_denied", "error") or answered "the service is not enabled" ("not_subscribed").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from tests.analysis.model.builders import MGMT, FakeCall

SECURITY = "333333333333"  # security-tooling in the realistic organization
ERROR_CODES = {
    "access_denied": "AccessDeniedException",
    "not_subscribed": "InvalidAccessException",
    "error": "InternalServerError",
}


def call(
    service: str,
    operation: str,
    account: str,
    region: str,
    body: Mapping[str, Any] | None = None,
    *,
    params: Mapping[str, Any] | None = None,
    outcome: str = "ok",
) -> FakeCall:
    return FakeCall(
        service=service,
        operation=operation,
        account_id=account,
        region=region,
        params=dict(params or {}),
        pages=[dict(body or {})] if outcome == "ok" else [],
        outcome=outcome,
        error_code=ERROR_CODES.get(outcome),
        error_message=None if outcome == "ok" else f"{operation} {outcome}",
    )


# -- GuardDuty ---------------------------------------------------------------------------------


def detector_arn(account: str, region: str, detector: str) -> str:
    return f"arn:aws:guardduty:{region}:{account}:detector/{detector}"


def guardduty(
    account: str,
    region: str,
    detector: str | None,
    *,
    status: str = "ENABLED",
    features: Mapping[str, str] | None = None,
    org_auto_enable: str | None = None,
    outcome: str = "ok",
    detector_outcome: str = "ok",
    org_outcome: str = "ok",
) -> list[FakeCall]:
    """ListDetectors (and, for a detector, GetDetector with ``features`` name -> status, and
    DescribeOrganizationConfiguration when ``org_auto_enable`` or ``org_outcome`` is given)."""
    calls = [
        call(
            "guardduty",
            "ListDetectors",
            account,
            region,
            {"DetectorIds": [detector] if detector else []},
            outcome=outcome,
        )
    ]
    if detector is None or outcome != "ok":
        return calls
    by_id = {"DetectorId": detector}
    body = {
        "Status": status,
        "FindingPublishingFrequency": "SIX_HOURS",
        "Features": [{"Name": n, "Status": s} for n, s in (features or {}).items()],
    }
    calls.append(
        call("guardduty", "GetDetector", account, region, body, params=by_id, outcome=detector_outcome)
    )
    if org_auto_enable is not None or org_outcome != "ok":
        org: dict[str, Any] = {"AutoEnableOrganizationMembers": org_auto_enable, "Features": []}
        calls.append(
            call(
                "guardduty",
                "DescribeOrganizationConfiguration",
                account,
                region,
                org,
                params=by_id,
                outcome=org_outcome,
            )
        )
    return calls


def guardduty_admins(admins: Sequence[str], region: str, *, outcome: str = "ok") -> FakeCall:
    """ListOrganizationAdminAccounts, asked in the management account."""
    body = {"AdminAccounts": [{"AdminAccountId": a, "AdminStatus": "ENABLED"} for a in admins]}
    return call("guardduty", "ListOrganizationAdminAccounts", MGMT, region, body, outcome=outcome)


# -- Security Hub ------------------------------------------------------------------------------

FSBP = "arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS = "arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/5.0.0"
PCI = "arn:aws:securityhub:{region}::standards/pci-dss/v/4.0.1"


def hub_arn(account: str, region: str) -> str:
    return f"arn:aws:securityhub:{region}:{account}:hub/default"


def security_hub(
    account: str,
    region: str,
    *,
    standards: Mapping[str, str] | None = None,
    outcome: str = "ok",
    standards_outcome: str = "ok",
) -> list[FakeCall]:
    """DescribeHub (answered InvalidAccessException where the hub is off: ``outcome="not_subscribed"``)
    and GetEnabledStandards with ``standards`` standards ARN template -> status."""
    hub = {"HubArn": hub_arn(account, region), "SubscribedAt": "2024-03-01T10:00:00.000Z"}
    calls = [call("securityhub", "DescribeHub", account, region, hub, outcome=outcome)]
    if outcome != "ok":
        return calls
    subscriptions = [
        {
            "StandardsArn": template.format(region=region),
            "StandardsSubscriptionArn": template.format(region=region).replace(
                "::standards", f":{account}:subscription"
            ),
            "StandardsStatus": status,
        }
        for template, status in (standards or {}).items()
    ]
    calls.append(
        call(
            "securityhub",
            "GetEnabledStandards",
            account,
            region,
            {"StandardsSubscriptions": subscriptions},
            outcome=standards_outcome,
        )
    )
    return calls


# -- IAM Access Analyzer -------------------------------------------------------------------------

ACTIVE = {"status": {"eq": ["ACTIVE"]}}


def analyzer_arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:access-analyzer:{region}:{account}:analyzer/{name}"


def analyzers(
    account: str, region: str, items: Sequence[Mapping[str, Any]], *, outcome: str = "ok"
) -> FakeCall:
    """ListAnalyzers; each item: name, type, and optionally status (ACTIVE) and statusReason."""
    body = {
        "analyzers": [
            {
                "arn": analyzer_arn(account, region, a["name"]),
                "name": a["name"],
                "type": a["type"],
                "status": a.get("status", "ACTIVE"),
                **({"statusReason": {"code": a["reason"]}} if "reason" in a else {}),
            }
            for a in items
        ]
    }
    return call("accessanalyzer", "ListAnalyzers", account, region, body, outcome=outcome)


def findings(
    account: str, region: str, name: str, resource_types: Sequence[str], *, outcome: str = "ok"
) -> FakeCall:
    """ListFindings filtered on status ACTIVE (as the collector asks), one finding per resource type given."""
    body = {
        "findings": [
            {"id": f"f-{i}", "status": "ACTIVE", "resourceType": t, "resource": f"arn:aws:x:::{i}"}
            for i, t in enumerate(resource_types)
        ]
    }
    params = {"analyzerArn": analyzer_arn(account, region, name), "filter": ACTIVE}
    return call("accessanalyzer", "ListFindings", account, region, body, params=params, outcome=outcome)


# -- EventBridge ---------------------------------------------------------------------------------


def rule_arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:events:{region}:{account}:rule/{name}"


def events(
    account: str,
    region: str,
    rules: Sequence[Mapping[str, Any]] = (),
    *,
    outcome: str = "ok",
    rules_outcome: str = "ok",
    targets_outcome: str = "ok",
) -> list[FakeCall]:
    """ListEventBuses (the default bus), ListRules on it and ListTargetsByRule per rule. Each rule:
    name, source, targets (ARNs) and optionally state (ENABLED)."""
    bus = {"Name": "default", "Arn": f"arn:aws:events:{region}:{account}:event-bus/default"}
    calls = [call("events", "ListEventBuses", account, region, {"EventBuses": [bus]}, outcome=outcome)]
    if outcome != "ok":
        return calls
    listed = [
        {
            "Name": r["name"],
            "Arn": rule_arn(account, region, r["name"]),
            "EventPattern": json.dumps({"source": [r["source"]]}),
            "State": r.get("state", "ENABLED"),
            "EventBusName": "default",
        }
        for r in rules
    ]
    on_bus = {"EventBusName": "default"}
    calls.append(
        call("events", "ListRules", account, region, {"Rules": listed}, params=on_bus, outcome=rules_outcome)
    )
    if rules_outcome != "ok":
        return calls
    for r in rules:
        targets = [{"Id": f"t{i}", "Arn": arn} for i, arn in enumerate(r.get("targets", ()))]
        calls.append(
            call(
                "events",
                "ListTargetsByRule",
                account,
                region,
                {"Targets": targets},
                params={"Rule": r["name"], "EventBusName": "default"},
                outcome=targets_outcome,
            )
        )
    return calls
