"""The demo organization (docs/demo.md, "Network: VPCs, load balancers, WAF"): the seeded network
weaknesses are found at the level they exist (path or rule), their good counterparts pass, moto's
gaps are NOT_ASSESSED rather than passes, and no network control raises."""

from __future__ import annotations

from typing import Any

from analysis.rules.assessment import assess
from analysis.rules.base import ERROR, FAIL, NOT_ASSESSED, PASS, Result
from analysis.rules.registry import control_modules


def test_demo_network_findings(demo_inventory: Any) -> None:
    modules = [m for m in control_modules() if m.__name__.startswith("analysis.rules.network.")]
    assert len(modules) >= 20
    results = assess(demo_inventory, modules=modules).results
    assert not [r for r in results if r.status == ERROR]
    assert {r.control_id for r in results} == {m.CONTROL.id for m in modules}, "every control reports"

    def find(control: str, contains: str) -> Result:
        matches = [
            r
            for r in results
            if r.control_id == control and (contains in r.message or contains == r.resource_id)
        ]
        assert len(matches) == 1, f"{control} on {contains}: {[(r.status, r.message) for r in matches]}"
        return matches[0]

    # The truly exposed host, at path level, with its hops.
    exposed = find("ec2_management_port_internet_reachable", "hub-web-exposed")
    assert exposed.status == FAIL and "SSH" in exposed.message and exposed.evidence.hops
    assert (
        len(
            [
                r
                for r in results
                if r.control_id == "ec2_management_port_internet_reachable" and r.status == FAIL
            ]
        )
        == 1
    )
    # The open group: rule level on every interface, path level on the exposed one only.
    ssh = find("ec2_sg_ssh_open_to_internet", "hub-web-open")
    assert ssh.status == FAIL and "path level: reachable from the internet on" in ssh.message
    assert "not on the other 4 interface(s)" in ssh.message
    # Public addresses: exposed, blocked by a NACL (rule order), blocked by the return traffic.
    assert "tcp/22" in find("ec2_instance_public_ip", "hub-web-exposed").message
    for blocked in ("hub-web-nacl-denied", "hub-web-no-return"):
        result = find("ec2_instance_public_ip", blocked)
        assert result.status == FAIL and "no port of it is reachable" in result.message
    assert find("ec2_instance_public_ip", "hub-app-behind-nat").status == PASS
    assert "no effect today: rule 91 denies it first" in "".join(
        r.message for r in results if r.control_id == "ec2_nacl_admin_ports_open"
    )
    # VPCs: flow logs on hub and web only, peering with the vendor, default VPCs left everywhere.
    assert find("vpc_flow_logs_enabled", "(tools)").status == FAIL
    assert find("vpc_flow_logs_enabled", "(hub)").status == PASS
    assert find("vpc_peering_outside_organization", "999988887777").status == FAIL
    assert find("vpc_peering_outside_organization", "both inside the organization").status == PASS
    present = [r for r in results if r.control_id == "vpc_default_vpc_present"]
    assert len([r for r in present if r.status == FAIL]) >= 16  # 8 collected accounts x 2 regions
    assert find("vpc_s3_endpoint_private_subnets", "private subnet(s) with NAT egress").status == PASS
    # Load balancers and WAF.
    assert find("elb_internet_facing_waf", "legacy-web").status == FAIL
    # moto does not implement ListResourcesForWebACL: whether the ALBs are protected is unknown.
    assert find("elb_internet_facing_waf", "web-alb-waf").status == NOT_ASSESSED
    assert find("elb_alb_drop_invalid_headers", "web-alb-nowaf").status == FAIL
    assert find("elb_alb_drop_invalid_headers", "web-alb-waf").status == PASS
    assert find("elb_alb_https_redirect", "web-alb-nowaf").status == FAIL
    assert find("elb_classic_load_balancer_in_use", "legacy-web").status == FAIL
    assert find("elb_classic_https_listeners", "legacy-web").status == FAIL
    assert find("waf_web_acl_logging", "web-prod-edge").status == FAIL
    assert find("waf_web_acl_has_rules", "web-prod-edge").status == PASS
    # The suspended account is never judged.
    suspended = [r for r in results if r.account_id == "169079912349"]
    assert suspended and {r.status for r in suspended} == {NOT_ASSESSED}
