"""No network interface is reachable from the internet on a management port (SSH, RDP, databases,
Kubernetes API...) at path level: route, network ACLs both ways, security groups, a public address
or an internet-facing load balancer all agree (the reachability engine's exposure report)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping

from analysis.network.findings import MANAGEMENT_PORT_REACHABLE, NetworkFinding, management_services
from analysis.network.findings import NOT_ASSESSED as FINDING_NOT_ASSESSED
from analysis.network.results import MANAGEMENT_PORTS, Exposure
from analysis.rules.base import CRITICAL, FAIL, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import (
    EXPOSURE_INPUTS,
    area_calls,
    area_id,
    area_result,
    by_area,
    exposures_by_interface,
    findings,
    hop_text,
    places,
    region_of,
)

CONTROL = Control(
    id="ec2_management_port_internet_reachable",
    title="No interface is reachable from the internet on a management port (path level)",
    severity=CRITICAL,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "This is the exposure itself, not a rule that might cause one: the engine followed the route "
        "tables, both directions of the network ACLs, the security groups and the public address (or "
        "the internet-facing load balancer) and found that a packet from the internet arrives on an "
        "administration or database port ("
        + ", ".join(dict.fromkeys(svc for _, _, svc in MANAGEMENT_PORTS))
        + "). Such a port is attacked continuously; reaching it is one weak password or unpatched "
        "service away from a compromised workload."
    ),
    remediation=Remediation(
        console=(
            "Follow the hops in the evidence and break the path at the cheapest point: remove the security "
            "group rule that admits the internet on the port (VPC console > Security groups > Inbound rules), "
            "or move the instance to a private subnet / release its public IP. Administer through Systems "
            "Manager Session Manager instead of an open port."
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>\n"
            "# Or remove the address: aws ec2 disassociate-address --association-id <eipassoc-id>\n"
            "aws ssm start-session --target <instance-id>   # administration without an inbound port"
        ),
        terraform=(
            "# No inbound management rule at all; administer through Session Manager:\n"
            'resource "aws_iam_role_policy_attachment" "ssm" {\n'
            "  role       = aws_iam_role.instance.name\n"
            '  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"\n'
            "}\n"
            'resource "aws_instance" "app" {\n'
            "  associate_public_ip_address = false\n"
            "  vpc_security_group_ids      = [aws_security_group.app.id]  # no port 22/3389 from 0.0.0.0/0\n"
            "  # ...\n"
            "}"
        ),
    ),
    inputs=EXPOSURE_INPUTS,
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    found = findings(ctx, MANAGEMENT_PORT_REACHABLE)
    failing: dict[str, list[NetworkFinding]] = defaultdict(list)
    gaps: dict[tuple[str, str], list[NetworkFinding]] = defaultdict(list)
    for f in found:
        if f.status == FINDING_NOT_ASSESSED:
            gaps[(f.account_id, region_of(f.region))].append(f)
        else:
            failing[f.resource].append(f)
    failed_areas: set[tuple[str, str]] = set()
    exposed = exposures_by_interface(ctx)
    for resource in sorted(failing):
        yield _interface_result(failing[resource], exposed)
        failed_areas.add((failing[resource][0].account_id, failing[resource][0].region))
    interfaces = by_area(ctx.inventory.network.network_interfaces.values())
    for account_id, region in places(ctx):
        here = gaps.get((account_id, region))
        if here:
            reasons = dict.fromkeys(
                f"{f.not_assessed.what}: {f.detail}" if f.not_assessed else f.detail for f in here
            )
            yield ctx.not_assessed(
                CONTROL,
                account_id=account_id,
                region=region,
                reason="; ".join(reasons),
                call_ids=tuple(i for f in here for i in f.call_ids),
                resource_id=area_id(account_id, region),
            )
            continue
        if (account_id, region) in failed_areas:
            continue
        count = len(interfaces.get((account_id, region), ()))
        yield area_result(
            ctx,
            CONTROL,
            account_id,
            region,
            passed=True,
            message=f"None of the {count} network interface(s) in {region} is reachable from the internet "
            "on a management port.",
            call_ids=area_calls(ctx, account_id, region, EXPOSURE_INPUTS),
            values={"interfaces": count},
        )


def _interface_result(items: list[NetworkFinding], exposed: Mapping[str, tuple[Exposure, ...]]) -> Result:
    first = items[0]
    services = dict.fromkeys(
        svc
        for e in exposed.get(first.resource_id, ())
        for svc in (*e.management, *management_services(e.ports))
    )
    return Result(
        control_id=CONTROL.id,
        status=FAIL,
        account_id=first.account_id,
        region=first.region,
        resource_arn=first.resource,
        resource_id=first.resource_id,
        message=f"{', '.join(services)} reachable from the internet: "
        + "; ".join(f.detail for f in items)
        + ".",
        evidence=Evidence(
            call_ids=tuple(dict.fromkeys(i for f in items for i in f.call_ids)),
            hops=tuple(hop_text(h) for h in first.hops),
            values={"paths": len(items), "services": list(services)},
        ),
    )
