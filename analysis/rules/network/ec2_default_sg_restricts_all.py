"""The default security group of every VPC has no inbound and no outbound rules (EC2.2, CIS 5.5)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import (
    SECURITY_GROUPS,
    area_not_assessed,
    by_area,
    interfaces_by_group,
    places,
    result,
    sg_rule_text,
    shown,
)

CONTROL = Control(
    id="ec2_default_sg_restricts_all",
    title="The default security group of every VPC restricts all traffic",
    severity=MEDIUM,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "Every VPC has a default security group that cannot be deleted and that an instance, endpoint or "
        "function silently joins when its creator names no group. Out of the box it lets all its members "
        "talk to each other and reach anywhere. Emptying it forces every resource into a purpose-built, "
        "least-privilege group and stops accidental lateral paths between unrelated workloads."
    ),
    remediation=Remediation(
        console=(
            "First move the resources listed in the evidence to purpose-built groups. Then VPC console > "
            "Security groups > the group named 'default' > Inbound rules > Edit: delete every rule; "
            "Outbound rules > Edit: delete every rule. Repeat in every VPC and region."
        ),
        cli=(
            "aws ec2 describe-security-group-rules --filters Name=group-id,Values=<default-sg-id>\n"
            "aws ec2 revoke-security-group-ingress --group-id <default-sg-id> --security-group-rule-ids <sgr-id>\n"
            "aws ec2 revoke-security-group-egress --group-id <default-sg-id> --security-group-rule-ids <sgr-id>"
        ),
        terraform=(
            "# Adopting the default group with no ingress/egress blocks removes all its rules:\n"
            'resource "aws_default_security_group" "default" {\n'
            "  vpc_id = aws_vpc.main.id\n"
            "}"
        ),
    ),
    inputs=(SECURITY_GROUPS,),
    # Same check as Security Hub CSPM EC2.2; Prowler ec2_securitygroup_default_restrict_traffic. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("5.5",),
        fsbp=("EC2.2",),
        nist=("AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)"),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    defaults = by_area(
        g for g in ctx.inventory.network.security_groups.values() if g.group_name == "default" and g.vpc_id
    )
    members = interfaces_by_group(ctx)
    for account_id, region in places(ctx):
        missing = area_not_assessed(ctx, CONTROL, account_id, region, CONTROL.inputs)
        if missing is not None:
            yield missing
            continue
        for group in sorted(defaults.get((account_id, region), ()), key=lambda g: g.group_id):
            using = members.get(group.group_id, ())
            users = (
                f"; {len(using)} interface(s) use it: {shown(using)}" if using else "; no interface uses it"
            )
            if not group.ingress and not group.egress:
                yield result(
                    CONTROL,
                    group,
                    PASS,
                    f"The default group {group.group_id} of {group.vpc_id} has no rules{users}.",
                    resource_id=group.group_id,
                )
                continue
            rules = [sg_rule_text(r) for r in (*group.ingress, *group.egress)]
            yield result(
                CONTROL,
                group,
                FAIL,
                f"The default group {group.group_id} of {group.vpc_id} has {len(group.ingress)} inbound and "
                f"{len(group.egress)} outbound rule(s) ({shown(rules, 3)}){users}.",
                resource_id=group.group_id,
                statements=rules,
                values={
                    "inbound_rules": len(group.ingress),
                    "outbound_rules": len(group.egress),
                    "interfaces": list(using),
                },
            )
