"""The WAFv2 normalizer on a small fixture: web ACLs of both scopes, rules, associations, logging,
and the states that keep "no logging" apart from "denied".

Fixture: fixtures/network_waf.json.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.model.coverage import Coverage
from analysis.model.source import PageSource
from analysis.model.waf import CLOUDFRONT_ASSOCIATIONS, WafInventory, normalize_waf
from snapshot import Snapshot
from tests.analysis.model.builders import write_snapshot
from tests.analysis.model.test_network import fixture_calls

A = "111111111111"
W = f"arn:aws:wafv2:us-east-1:{A}:regional/webacl"
EDGE, INTERNAL = f"{W}/edge/id1", f"{W}/internal/id2"
CDN = f"arn:aws:wafv2:us-east-1:{A}:global/webacl/cdn/id3"
ALB = f"arn:aws:elasticloadbalancing:us-east-1:{A}:loadbalancer/app/web/1"


@pytest.fixture
def waf(tmp_path: Path) -> WafInventory:
    calls, manifest = fixture_calls("network_waf")
    path = write_snapshot(tmp_path / "waf.awb", calls=calls, manifest=manifest)
    with Snapshot.open(path) as snap:
        return normalize_waf(PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest))


def test_web_acls_of_both_scopes(waf: WafInventory) -> None:
    assert set(waf.web_acls) == {EDGE, INTERNAL, CDN}
    assert {a.scope for a in waf.web_acls.values()} == {"REGIONAL", "CLOUDFRONT"}
    edge = waf.web_acls[EDGE]
    assert (edge.name, edge.id, edge.default_action, edge.detail_state.state) == (
        "edge",
        "id1",
        "Allow",
        "collected",
    )
    assert [(r.name, r.priority, r.action, r.override_action, r.statement_type) for r in edge.rules] == [
        ("common", 0, None, "Count", "ManagedRuleGroupStatement"),
        ("rate", 1, "Block", None, "RateBasedStatement"),
        ("mine", None, None, "None", "RuleGroupReferenceStatement"),
    ]
    assert edge.rules[0].managed_rule_group == "AWS/AWSManagedRulesCommonRuleSet"
    assert edge.rules[2].rule_group_arn.endswith(":regional/rulegroup/mine/rg")
    assert waf.web_acls[CDN].default_action == "Block" and waf.web_acls[CDN].rules == ()


def test_denied_details_are_unknown_not_permissive(waf: WafInventory) -> None:
    internal = waf.web_acls[INTERNAL]
    assert internal.default_action is None and internal.rules == ()
    assert internal.detail_state.state == "denied"


def test_associations_and_the_index(waf: WafInventory) -> None:
    edge = waf.web_acls[EDGE]
    assert edge.associated_resources == (ALB, "arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod")
    assert edge.associations_state.state == "collected"
    assert waf.web_acl_for(ALB).arn == EDGE
    assert waf.web_acl_for("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/other/9") is None
    # One resource type failed: the association list is not known to be complete.
    internal = waf.web_acls[INTERNAL]
    assert internal.associated_resources == () and internal.associations_state.state == "error"
    cdn = waf.web_acls[CDN]
    assert (cdn.associations_state.state, cdn.associations_state.reason) == (
        "not_collected",
        CLOUDFRONT_ASSOCIATIONS,
    )


def test_logging_on_absent_and_its_details(waf: WafInventory) -> None:
    edge = waf.web_acls[EDGE]
    assert edge.logging_state.state == "collected" and edge.logging is not None
    assert edge.logging.destinations[0].endswith("aws-waf-logs-edge")
    assert edge.logging.redacted_fields == ("SingleHeader",) and edge.logging.has_filter
    internal = waf.web_acls[INTERNAL]
    assert internal.logging is None and internal.logging_state.state == "absent"


def test_listings_say_complete_truncated_or_denied(waf: WafInventory) -> None:
    regional = waf.listings[(A, "us-east-1", "REGIONAL")]
    assert regional.state.state == "collected" and regional.truncated
    assert not waf.listings[(A, "us-east-1", "CLOUDFRONT")].truncated
    denied = waf.listings[(A, "eu-west-1", "REGIONAL")]
    assert denied.state.state == "denied"
    assert not [a for a in waf.web_acls.values() if a.region == "eu-west-1"]
