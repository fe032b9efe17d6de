"""analysis.network.serialize: the JSON shapes of the exposure and path answers (docs/cli.md).

Hand-built records (the contract of analysis/network/results.py); what is checked is what the
public JSON promises: every field under its name, nested records as objects, JSON-safe values,
the derived keys (port range ``label``, open rule ``reachable``, the report ``summary``).
"""

from __future__ import annotations

import ipaddress
import json

from analysis.network.findings import NOT_ASSESSED, NetworkFinding
from analysis.network.results import (
    ALLOW,
    DENY,
    INBOUND,
    INTERNET,
    INTERNET_GATEWAY,
    NETWORK_ACL,
    NETWORK_INTERFACE,
    SECURITY_GROUP,
    VPC_PEERING,
    Endpoint,
    Exposure,
    ExposureReport,
    Hop,
    NotAssessed,
    OpenRule,
    PathResult,
    PortRange,
    VpcLink,
)
from analysis.network.serialize import (
    FORMAT_VERSION,
    exposure_report_json,
    hop_json,
    network_finding_json,
    path_result_json,
    port_range_json,
    to_jsonable,
    vpc_link_json,
)

ACCT, REGION = "111111111111", "us-east-1"
ENI_ARN = f"arn:aws:ec2:{REGION}:{ACCT}:network-interface/eni-1"


def hop(kind: str, component: str, *, verdict: str = ALLOW, rule: str = "", **detail: object) -> Hop:
    return Hop(
        kind=kind,
        component_id=component,
        arn=None if kind == INTERNET else f"arn:aws:ec2:{REGION}:{ACCT}:x/{component}",
        account_id=None if kind == INTERNET else ACCT,
        region=None if kind == INTERNET else REGION,
        direction=INBOUND if kind in (NETWORK_ACL, SECURITY_GROUP) else "",
        verdict=verdict,
        rule=rule or f"{component} decides",
        detail=detail,
    )


HOPS = (
    hop(INTERNET, "internet"),
    hop(INTERNET_GATEWAY, "igw-1", rule="route 0.0.0.0/0 -> igw-1"),
    hop(NETWORK_ACL, "acl-1", rule="rule 100 allows tcp 22 from 0.0.0.0/0", rule_number=100),
    hop(
        SECURITY_GROUP,
        "sg-1",
        rule="sgr-1: tcp 22 from 0.0.0.0/0",
        ports=PortRange(protocol="tcp", from_port=22, to_port=22),
        cidr=ipaddress.ip_network("0.0.0.0/0"),
        rule_ids=("sgr-1", "sgr-2"),
    ),
    hop(NETWORK_INTERFACE, "eni-1"),
)


def exposure(
    port: int, *, management: tuple[str, ...] = (), eni: str = "eni-1", account: str = ACCT
) -> Exposure:
    return Exposure(
        network_interface_id=eni,
        network_interface_arn=ENI_ARN,
        instance_id="i-1",
        account_id=account,
        region=REGION,
        vpc_id="vpc-1",
        subnet_id="subnet-1",
        via="direct",
        load_balancer_arn=None,
        entry="203.0.113.10",
        source_cidr="0.0.0.0/0",
        ports=PortRange(protocol="tcp", from_port=port, to_port=port),
        listener_ports=None,
        hops=HOPS,
        management=management,
    )


def open_rule(reachable_on: tuple[str, ...]) -> OpenRule:
    return OpenRule(
        security_group_id="sg-1",
        security_group_arn=f"arn:aws:ec2:{REGION}:{ACCT}:security-group/sg-1",
        account_id=ACCT,
        region=REGION,
        rule="sgr-1: tcp 22 from 0.0.0.0/0",
        ports=PortRange(protocol="tcp", from_port=22, to_port=22),
        source_cidr="0.0.0.0/0",
        attached_to=("eni-1", "eni-2"),
        reachable_on=reachable_on,
    )


def report() -> ExposureReport:
    return ExposureReport(
        exposures=(exposure(22, management=("SSH",)), exposure(443)),
        open_rules=(open_rule(("eni-1",)), open_rule(())),
        not_assessed=(
            NotAssessed(
                account_id="222222222222",
                region=REGION,
                what="network ACLs",
                reason="ec2:DescribeNetworkAcls in 222222222222/us-east-1 was denied (AccessDenied)",
            ),
        ),
        interfaces_checked=7,
        seconds=0.25,
        notes=("one note",),
    )


def test_port_range_has_every_field_and_its_label() -> None:
    assert port_range_json(PortRange(protocol="tcp", from_port=22, to_port=22)) == {
        "protocol": "tcp",
        "from_port": 22,
        "to_port": 22,
        "label": "tcp/22",
    }
    assert port_range_json(PortRange(protocol="-1"))["label"] == "all traffic"


def test_hop_detail_is_made_json_safe() -> None:
    out = hop_json(HOPS[3])
    assert out["kind"] == SECURITY_GROUP and out["verdict"] == ALLOW and out["direction"] == INBOUND
    assert out["detail"] == {
        "ports": {"protocol": "tcp", "from_port": 22, "to_port": 22, "label": "tcp/22"},
        "cidr": "0.0.0.0/0",
        "rule_ids": ["sgr-1", "sgr-2"],
    }
    json.dumps(out)  # no TypeError: everything is a JSON value
    internet = hop_json(HOPS[0])
    assert internet["arn"] is None and internet["account_id"] is None


def test_report_has_exposures_rules_gaps_and_a_summary() -> None:
    out = exposure_report_json(report())
    text = json.dumps(out)
    back = json.loads(text)
    assert back["format_version"] == FORMAT_VERSION
    assert (back["interfaces_checked"], back["seconds"], back["notes"]) == (7, 0.25, ["one note"])
    first = back["exposures"][0]
    assert first["network_interface_id"] == "eni-1" and first["entry"] == "203.0.113.10"
    assert first["ports"]["label"] == "tcp/22" and first["listener_ports"] is None
    assert first["management"] == ["SSH"]
    assert [h["component_id"] for h in first["hops"]] == ["internet", "igw-1", "acl-1", "sg-1", "eni-1"]
    assert [r["reachable"] for r in back["open_rules"]] == [True, False]
    assert back["open_rules"][0]["attached_to"] == ["eni-1", "eni-2"]
    assert back["not_assessed"][0]["what"] == "network ACLs"
    assert back["summary"] == {
        "exposures": 2,
        "interfaces_exposed": 1,
        "instances_exposed": 1,
        "accounts_exposed": 1,
        "via_load_balancer": 0,
        "management_exposures": 1,
        "management_services": ["SSH"],
        "open_rules": 2,
        "open_rules_reachable": 1,
        "not_assessed": 1,
    }


def test_a_filtered_view_counts_only_what_it_shows() -> None:
    r = report()
    out = exposure_report_json(
        r, exposures=[e for e in r.exposures if e.management], open_rules=(), not_assessed=()
    )
    assert [e["ports"]["label"] for e in out["exposures"]] == ["tcp/22"]
    assert out["summary"]["exposures"] == 1 and out["summary"]["open_rules"] == 0
    assert out["open_rules"] == [] and out["not_assessed"] == []
    assert out["interfaces_checked"] == 7  # what the analysis covered, not what is shown


def test_path_result_reachable_and_blocked() -> None:
    src = Endpoint(kind="internet", id="internet", label="the internet")
    dst = Endpoint(
        kind="instance",
        id="i-1",
        label="web (i-1)",
        network_interface_id="eni-1",
        address="10.0.0.5",
        account_id=ACCT,
        region=REGION,
        vpc_id="vpc-1",
    )
    ok = PathResult(
        source=src,
        destination=dst,
        protocol="tcp",
        port=22,
        reachable=True,
        hops=HOPS,
        blocked_by=None,
        explanation="reachable via igw-1",
    )
    out = json.loads(json.dumps(path_result_json(ok)))
    assert out["reachable"] is True and out["blocked_by"] is None and len(out["hops"]) == 5
    assert out["destination"]["network_interface_id"] == "eni-1" and out["source"]["kind"] == "internet"
    assert (out["protocol"], out["port"], out["notes"]) == ("tcp", 22, [])
    deny = hop(NETWORK_ACL, "acl-9", verdict=DENY, rule="rule 90 denies tcp 22 from 0.0.0.0/0")
    blocked = PathResult(
        source=src,
        destination=dst,
        protocol="tcp",
        port=22,
        reachable=False,
        hops=(*HOPS[:2], deny),
        blocked_by=deny,
        explanation="blocked by acl-9 rule 90",
        notes=("coverage gap",),
    )
    out = path_result_json(blocked)
    assert out["reachable"] is False and out["blocked_by"]["component_id"] == "acl-9"
    assert out["blocked_by"]["verdict"] == DENY and out["hops"][-1] == out["blocked_by"]
    assert out["notes"] == ["coverage gap"]


def test_vpc_link() -> None:
    link = VpcLink(
        source_vpc_id="vpc-1",
        source_account_id=ACCT,
        source_region=REGION,
        target_vpc_id="vpc-9",
        target_account_id=None,
        target_region=REGION,
        via=VPC_PEERING,
        component_id="pcx-1",
        routed_cidrs=("10.9.0.0/16",),
        target_in_organization=False,
        hops=(HOPS[1],),
    )
    out = json.loads(json.dumps(vpc_link_json(link)))
    assert out["target_account_id"] is None and out["routed_cidrs"] == ["10.9.0.0/16"]
    assert out["hops"][0]["component_id"] == "igw-1"


def test_to_jsonable_scalars_and_containers() -> None:
    assert to_jsonable({1: (1, 2), "s": {"b", "a"}}) == {"1": [1, 2], "s": ["a", "b"]}
    assert to_jsonable(float("inf")) == "inf" and to_jsonable(1.5) == 1.5
    assert to_jsonable(ipaddress.ip_address("10.0.0.1")) == "10.0.0.1"


def test_network_finding_with_hops_and_a_not_assessed_one() -> None:
    reachable = NetworkFinding(
        kind="management_port_reachable",
        severity="high",
        account_id=ACCT,
        region=REGION,
        resource=ENI_ARN,
        resource_id="eni-1",
        title="SSH reachable from the internet",
        detail="...",
        call_ids=(3, 4),
        hops=HOPS,
    )
    out = json.loads(json.dumps(network_finding_json(reachable)))
    assert out["call_ids"] == [3, 4] and out["status"] == "fail" and out["not_assessed"] is None
    assert [h["kind"] for h in out["hops"]][:2] == [INTERNET, INTERNET_GATEWAY]
    gap = NotAssessed(account_id=ACCT, region=REGION, what="VPC flow logs", reason="denied")
    unknown = NetworkFinding(
        kind="vpc_without_flow_logs",
        severity="medium",
        account_id=ACCT,
        region=REGION,
        resource="",
        resource_id="",
        title="Not assessed: VPC flow logs",
        detail="denied",
        status=NOT_ASSESSED,
        not_assessed=gap,
    )
    out = network_finding_json(unknown)
    assert out["status"] == NOT_ASSESSED and out["not_assessed"] == {
        "account_id": ACCT,
        "region": REGION,
        "what": "VPC flow logs",
        "reason": "denied",
    }
