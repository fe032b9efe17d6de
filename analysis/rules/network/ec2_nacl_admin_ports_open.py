"""No network ACL allows inbound traffic from 0.0.0.0/0 or ::/0 to SSH (22) or RDP (3389)
(EC2.21, CIS 5.2): an ALLOW entry whose source is any address and whose protocol (TCP, UDP or all)
and port range include the port."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.network import NaclEntry
from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import NACLS, area_not_assessed, by_area, places, result, shown

ADMIN_PORTS = ((22, "SSH"), (3389, "RDP"))
ANY = frozenset({"0.0.0.0/0", "::/0"})
# NACL entries name protocols by number ("6" tcp, "17" udp, "-1" all; VPC User Guide, "Network ACL rules").
PROTOCOLS = {"-1": "all traffic", "6": "tcp", "17": "udp", "tcp": "tcp", "udp": "udp"}
IMPLICIT_DENY = 32767  # the "*" rule

CONTROL = Control(
    id="ec2_nacl_admin_ports_open",
    title="No network ACL allows SSH or RDP from the internet",
    severity=MEDIUM,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "Network ACLs are the subnet-level, stateless second layer behind security groups: a subnet "
        "whose ACL admits SSH and RDP from any address relies on every security group in it being right. "
        "Denying administration ports from the internet at the ACL keeps one mistaken group rule from "
        "becoming an exposure. AWS's default ACL allows all traffic, so it fails until replaced."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Network ACLs > the ACL > Inbound rules > Edit inbound rules: add DENY rules for TCP "
            "22 and 3389 from 0.0.0.0/0 (and ::/0) numbered below the ALLOW rule, or narrow the ALLOW rule's "
            "source; associate the subnets with a custom ACL instead of the default one."
        ),
        cli=(
            "aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 90 "
            "--protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny\n"
            "aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 91 "
            "--protocol tcp --port-range From=3389,To=3389 --cidr-block 0.0.0.0/0 --rule-action deny"
        ),
        terraform=(
            'resource "aws_network_acl_rule" "deny_ssh" {\n'
            "  network_acl_id = aws_network_acl.public.id\n"
            "  rule_number    = 90\n"
            "  egress         = false\n"
            '  protocol       = "tcp"\n'
            '  rule_action    = "deny"\n'
            '  cidr_block     = "0.0.0.0/0"\n'
            "  from_port      = 22\n"
            "  to_port        = 22\n"
            "}"
        ),
    ),
    inputs=(NACLS,),
    # Same check as Security Hub CSPM EC2.21; Prowler ec2_networkacl_allow_ingress_tcp_port_22,
    # ec2_networkacl_allow_ingress_tcp_port_3389. NIST from Security Hub's related requirements. See
    # docs/mappings.md.
    mappings=Mappings(
        cis=("5.2",),
        fsbp=("EC2.21",),
        nist=("AC-4(21)", "CA-9(1)", "CM-2", "CM-2(2)", "CM-7", "SC-7", "SC-7(21)", "SC-7(5)"),
    ),
)


def covers(entry: NaclEntry, port: int) -> bool:
    if entry.protocol not in PROTOCOLS:
        return False
    if entry.protocol == "-1" or entry.from_port is None:
        return True
    return entry.from_port <= port <= (entry.to_port if entry.to_port is not None else entry.from_port)


def source(entry: NaclEntry) -> str:
    return entry.cidr_ipv4 or entry.cidr_ipv6 or ""


def entry_text(entry: NaclEntry) -> str:
    what = PROTOCOLS.get(entry.protocol, entry.protocol)
    if entry.protocol != "-1" and entry.from_port is not None:
        hi = entry.to_port if entry.to_port is not None else entry.from_port
        what += f" {entry.from_port}" if hi == entry.from_port else f" {entry.from_port}-{hi}"
    return f"rule {entry.rule_number} {entry.action}s {what} from {source(entry)}"


def offending(entries: tuple[NaclEntry, ...]) -> list[str]:
    """The inbound ALLOW entries from any address covering an administration port, in rule order,
    each noting an earlier DENY from the same source that already stops it (no effect today)."""
    inbound = sorted(
        (e for e in entries if not e.egress and e.rule_number < IMPLICIT_DENY), key=lambda e: e.rule_number
    )
    out = []
    for i, entry in enumerate(inbound):
        if entry.action != "allow" or source(entry) not in ANY:
            continue
        services = []
        for port, svc in ADMIN_PORTS:
            if not covers(entry, port):
                continue
            shadow = next(
                (
                    e.rule_number
                    for e in inbound[:i]
                    if e.action == "deny" and source(e) == source(entry) and covers(e, port)
                ),
                None,
            )
            services.append(
                f"{svc} ({port})" + (f", no effect today: rule {shadow} denies it first" if shadow else "")
            )
        if not services:
            continue
        text = f"{entry_text(entry)}: {'; '.join(services)}"
        out.append(text)
    return out


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    acls = by_area(ctx.inventory.network.network_acls.values())
    for account_id, region in places(ctx):
        missing = area_not_assessed(ctx, CONTROL, account_id, region, CONTROL.inputs)
        if missing is not None:
            yield missing
            continue
        for acl in sorted(acls.get((account_id, region), ()), key=lambda a: a.network_acl_id):
            name = (
                f"{acl.network_acl_id}{' (the default ACL of ' + acl.vpc_id + ')' if acl.is_default else ''}"
            )
            subnets = (
                f"; used by {len(acl.subnet_ids)} subnet(s): {shown(acl.subnet_ids)}"
                if acl.subnet_ids
                else "; no subnet uses it"
            )
            found = offending(acl.entries)
            if not found:
                yield result(
                    CONTROL, acl, PASS, f"{name} admits neither SSH nor RDP from any address{subnets}.",
                    resource_id=acl.network_acl_id,
                )  # fmt: skip
                continue
            yield result(
                CONTROL,
                acl,
                FAIL,
                f"{name} allows administration ports from the internet: {'; '.join(found)}{subnets}.",
                resource_id=acl.network_acl_id,
                statements=found,
                values={"subnets": list(acl.subnet_ids), "default": acl.is_default},
            )
