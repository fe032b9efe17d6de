"""The WAFv2 collector against a moto server.

moto 5.2 does not implement ``ListResourcesForWebACL``: that call is answered at botocore's
transport by :func:`list_resources_stub` with the JSON AWS would send, from the associations the
test declares. This needs the moto *server* (``moto_server`` fixture): in-process ``mock_aws``
runs its own before-send handler after ours and raises NotImplementedError for the call. Denials
are injected the same way (tests/support/faults.py): moto never denies.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from analysis.model.coverage import Coverage
from analysis.model.source import PageSource
from analysis.model.waf import WafInventory, normalize_waf
from collectors.wafv2 import COLLECTORS, REGIONAL_RESOURCE_TYPES
from snapshot import Snapshot
from tests.support.collect_one import collect_one
from tests.support.faults import FaultyFactory, json_error

(WAF,) = COLLECTORS
ACCOUNT = "123456789012"
VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def json_ok(body: Mapping[str, Any]) -> AWSResponse:
    """A successful JSON-protocol answer."""
    return AWSResponse(
        "https://example.invalid/",
        200,
        {"Content-Type": "application/x-amz-json-1.1"},
        _Raw(json.dumps(body).encode()),
    )


def list_resources_stub(associations: Mapping[str, Mapping[str, list[str]]]) -> Any:
    """A FaultyFactory rule answering ListResourcesForWebACL: {acl ARN: {resource type: [ARNs]}}."""

    def rule(service: str, operation: str, params: dict[str, Any]) -> AWSResponse | None:
        if service != "wafv2" or operation != "ListResourcesForWebACL":
            return None
        by_type = associations.get(params.get("WebACLArn", ""), {})
        return json_ok(
            {"ResourceArns": by_type.get(params.get("ResourceType", "APPLICATION_LOAD_BALANCER"), [])}
        )

    return rule


def normalize(snap: Snapshot) -> WafInventory:
    return normalize_waf(PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest))


def _acl(region: str, name: str, scope: str = "REGIONAL") -> dict[str, str]:
    waf = boto3.client("wafv2", region_name=region)
    return waf.create_web_acl(
        Name=name, Scope=scope, DefaultAction={"Block": {}}, VisibilityConfig=VISIBILITY, Rules=[]
    )["Summary"]


@pytest.fixture
def aws(moto_server: Any) -> Iterator[dict[str, Any]]:
    edge = _acl("us-east-1", "edge")
    quiet = _acl("us-east-1", "quiet")
    cdn = _acl("us-east-1", "cdn", scope="CLOUDFRONT")
    ireland = _acl("eu-west-1", "ireland")
    boto3.client("wafv2", region_name="us-east-1").put_logging_configuration(
        LoggingConfiguration={
            "ResourceArn": edge["ARN"],
            "LogDestinationConfigs": [
                f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/aws-waf-logs-edge"
            ],
        }
    )
    yield {"edge": edge, "quiet": quiet, "cdn": cdn, "ireland": ireland}


def test_collects_both_scopes_associations_and_logging_in_us_east_1(
    aws: dict[str, Any], tmp_path: Path
) -> None:
    alb = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/web/1"
    factory = FaultyFactory(
        rules=[list_resources_stub({aws["edge"]["ARN"]: {"APPLICATION_LOAD_BALANCER": [alb]}})]
    )
    snap = collect_one(WAF, tmp_path / "waf.snapshot", factory=factory)
    scopes = sorted(c.parameters["Scope"] for c in snap.calls(operation="ListWebACLs"))
    assert scopes == ["CLOUDFRONT", "REGIONAL"]
    gets = {(c.parameters["Scope"], c.parameters["Name"]) for c in snap.calls(operation="GetWebACL")}
    assert gets == {("REGIONAL", "edge"), ("REGIONAL", "quiet"), ("CLOUDFRONT", "cdn")}
    # One association listing per regional ACL and resource type; none for CloudFront ACLs.
    listing = [
        (c.parameters["WebACLArn"], c.parameters["ResourceType"])
        for c in snap.calls(operation="ListResourcesForWebACL")
    ]
    assert sorted(listing) == sorted(
        (acl, t) for acl in (aws["edge"]["ARN"], aws["quiet"]["ARN"]) for t in REGIONAL_RESOURCE_TYPES
    )
    logging = {
        c.parameters["ResourceArn"]: c.outcome for c in snap.calls(operation="GetLoggingConfiguration")
    }
    assert logging == {aws["edge"]["ARN"]: "ok", aws["quiet"]["ARN"]: "absent", aws["cdn"]["ARN"]: "absent"}

    waf = normalize(snap)
    assert set(waf.web_acls) == {aws["edge"]["ARN"], aws["quiet"]["ARN"], aws["cdn"]["ARN"]}
    edge = waf.web_acls[aws["edge"]["ARN"]]
    assert (edge.default_action, edge.associated_resources, edge.logging_state.state) == (
        "Block",
        (alb,),
        "collected",
    )
    assert waf.web_acl_for(alb) is edge
    quiet = waf.web_acls[aws["quiet"]["ARN"]]
    assert quiet.logging is None and quiet.logging_state.state == "absent"
    assert quiet.associations_state.state == "collected" and quiet.associated_resources == ()
    assert waf.web_acls[aws["cdn"]["ARN"]].scope == "CLOUDFRONT"


def test_cloudfront_scope_only_in_us_east_1(aws: dict[str, Any], tmp_path: Path) -> None:
    snap = collect_one(
        WAF,
        tmp_path / "eu.snapshot",
        region="eu-west-1",
        factory=FaultyFactory(rules=[list_resources_stub({})]),
    )
    assert [c.parameters["Scope"] for c in snap.calls(operation="ListWebACLs")] == ["REGIONAL"]
    assert set(normalize(snap).web_acls) == {aws["ireland"]["ARN"]}


def test_denied_details_and_associations_are_recorded_not_empty(aws: dict[str, Any], tmp_path: Path) -> None:
    def deny(service: str, operation: str, params: dict[str, Any]) -> AWSResponse | None:
        if operation in ("GetWebACL", "ListResourcesForWebACL") and params.get("Name", "") != "edge":
            return json_error("AccessDeniedException", "User is not authorized to perform this action", 400)
        return None

    snap = collect_one(WAF, tmp_path / "denied.snapshot", factory=FaultyFactory(rules=[deny]))
    outcomes = {c.outcome for c in snap.calls(operation="ListResourcesForWebACL")}
    assert outcomes == {"access_denied"}
    waf = normalize(snap)
    quiet = waf.web_acls[aws["quiet"]["ARN"]]
    assert quiet.default_action is None and quiet.detail_state.state == "denied"
    assert quiet.associations_state.state == "denied" and not quiet.associations_state.answered
    assert waf.web_acls[aws["edge"]["ARN"]].default_action == "Block"
