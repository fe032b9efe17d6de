"""EC2 instances have no public IPv4 address (EC2.9); a FAIL says whether the reachability engine
found any port of the instance reachable from the internet (path level)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import (
    EXPOSURE_INPUTS,
    INSTANCES,
    area_not_assessed,
    by_area,
    exposure_gaps,
    exposures_by_interface,
    hop_text,
    places,
    result,
    shown,
)

GONE = frozenset({"terminated", "shutting-down"})

CONTROL = Control(
    id="ec2_instance_public_ip",
    title="EC2 instances have no public IPv4 address",
    severity=MEDIUM,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "An instance with a public IPv4 address in a subnet routed to an internet gateway is one security "
        "group rule away from the internet, and its address is what scanners enumerate. Front ends belong "
        "behind a load balancer, administration behind Session Manager, and outbound traffic behind a NAT "
        "gateway. The result also says what the engine found actually reachable, so an auditor can tell a "
        "latent weakness from a live exposure."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Elastic IPs > the address > Actions > Disassociate (for an Elastic IP). An "
            "auto-assigned public IP goes away only by relaunching: create an AMI and launch it in a private "
            "subnet (Network settings > Auto-assign public IP: Disable), behind a load balancer if it serves "
            "the internet."
        ),
        cli=(
            "aws ec2 disassociate-address --association-id <eipassoc-id>\n"
            "aws ec2 modify-subnet-attribute --subnet-id <subnet-id> --no-map-public-ip-on-launch"
        ),
        terraform=(
            'resource "aws_instance" "app" {\n'
            "  subnet_id                   = aws_subnet.private.id\n"
            "  associate_public_ip_address = false\n"
            "  # ...\n"
            "}"
        ),
    ),
    inputs=(INSTANCES, *EXPOSURE_INPUTS),
    # Same check as Security Hub CSPM EC2.9; Prowler ec2_instance_public_ip. NIST from Security Hub's related
    # requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("EC2.9",),
        nist=(
            "AC-21",
            "AC-3",
            "AC-3(7)",
            "AC-4",
            "AC-4(21)",
            "AC-6",
            "SC-7",
            "SC-7(11)",
            "SC-7(16)",
            "SC-7(20)",
            "SC-7(21)",
            "SC-7(3)",
            "SC-7(4)",
            "SC-7(9)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    net = ctx.inventory.network
    instances = by_area(i for i in net.instances.values() if i.state not in GONE)
    enis = {e.network_interface_id: e for e in net.network_interfaces.values()}
    exposed = exposures_by_interface(ctx)
    gaps = exposure_gaps(ctx)
    for account_id, region in places(ctx):
        missing = area_not_assessed(ctx, CONTROL, account_id, region, (INSTANCES,))
        if missing is not None:
            yield missing
            continue
        for inst in sorted(instances.get((account_id, region), ()), key=lambda i: i.instance_id):
            name = f"{inst.instance_id} ({inst.name})" if inst.name else inst.instance_id
            interfaces = [enis[e] for e in inst.network_interface_ids if e in enis]
            addresses = list(dict.fromkeys([*([inst.public_ip] if inst.public_ip else []), *(
                ip for e in interfaces for ip in e.public_ips if ":" not in ip
            )]))  # fmt: skip
            if not addresses:
                yield result(
                    CONTROL, inst, PASS, f"{name} has no public IPv4 address.", resource_id=inst.instance_id
                )
                continue
            reached = [x for e in inst.network_interface_ids for x in exposed.get(e, ())]
            if reached:
                ports = dict.fromkeys(
                    f"{x.ports.label()} ({'via ' + x.entry if x.via != 'direct' else x.entry})"
                    for x in reached
                )
                verdict = f"path level: reachable from the internet on {shown(ports)}"
            elif gaps.get((account_id, region)):
                reasons = "; ".join(dict.fromkeys(g.reason for g in gaps[(account_id, region)]))
                verdict = f"path level not assessed here ({reasons})"
            else:
                verdict = "path level: no port of it is reachable from the internet today (the security groups, network ACLs or routes stop every path)"
            yield result(
                CONTROL,
                inst,
                FAIL,
                f"{name} has the public IPv4 address {', '.join(addresses)}; {verdict}.",
                resource_id=inst.instance_id,
                hops=[hop_text(h) for h in reached[0].hops] if reached else [],
                call_ids=(*inst.call_ids, *(i for e in interfaces for i in e.call_ids)),
                values={"public_ips": addresses, "reachable": [x.ports.label() for x in reached]},
            )
