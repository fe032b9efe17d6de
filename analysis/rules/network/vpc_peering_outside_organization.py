"""No VPC peering connects the organization to a VPC of an account outside it (the network finding
``vpc_peering_outside_organization``)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.network.findings import LIVE_PEERING_STATES, VPC_PEERING_OUTSIDE_ORGANIZATION
from analysis.rules.base import MEDIUM, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import (
    PEERINGS,
    area_gaps,
    finding_result,
    findings,
    findings_by_area,
    places,
    result,
)

CONTROL = Control(
    id="vpc_peering_outside_organization",
    title="No VPC peering with an account outside the organization",
    severity=MEDIUM,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "A peering connection joins two routing domains: whatever the route tables send over it, the other "
        "side can reach, and the other side's security is outside the organization's guardrails (SCPs, "
        "detective controls, incident response). Connections to third parties belong on a reviewed, "
        "narrow interface (PrivateLink, a dedicated VPC) rather than a peering into workload VPCs; a "
        "pending request from outside is worth rejecting deliberately."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Peering connections > the connection: if it is not a documented third-party link, "
            "Actions > Delete peering connection (or Reject request for a pending one) and remove the routes "
            "that target it. For a needed link, route only the hosts required and prefer AWS PrivateLink."
        ),
        cli=(
            "aws ec2 reject-vpc-peering-connection --vpc-peering-connection-id <pcx-id>   # pending\n"
            "aws ec2 delete-vpc-peering-connection --vpc-peering-connection-id <pcx-id>"
        ),
        terraform=(
            "# Expose one service to the third party instead of peering whole VPCs:\n"
            'resource "aws_vpc_endpoint_service" "partner_api" {\n'
            "  acceptance_required        = true\n"
            "  network_load_balancer_arns = [aws_lb.partner_api.arn]\n"
            '  allowed_principals         = ["arn:aws:iam::999988887777:root"]\n'
            "}"
        ),
    ),
    inputs=(PEERINGS, Input(service="organizations", operation="ListAccounts", regional=False)),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    found = findings(ctx, VPC_PEERING_OUTSIDE_ORGANIZATION)
    gaps = area_gaps(found)
    judged = {f.resource for f in found if f.resource}
    yield from (finding_result(ctx, CONTROL, f) for f in found if f.resource)
    gap_findings = findings_by_area(found)
    for account_id, region in places(ctx):
        if (account_id, region) in gaps:
            yield from (
                finding_result(ctx, CONTROL, f)
                for f in gap_findings.get((account_id, region), ())
                if not f.resource
            )
    org = ctx.inventory.organization
    members = set(org.accounts) if org.collection.state == "collected" else None
    for arn in sorted(ctx.inventory.network.peerings):
        pcx = ctx.inventory.network.peerings[arn]
        if arn in judged or pcx.status not in LIVE_PEERING_STATES:
            continue
        sides = (pcx.requester, pcx.accepter)
        if members is not None and not any(s.owner_id in members for s in sides):
            continue  # two other organizations' VPCs: not ours to judge
        if (pcx.account_id, pcx.region) in gaps:
            continue
        where = "inside the organization" if members is not None else "in the same account"
        yield result(
            CONTROL,
            pcx,
            PASS,
            f"{pcx.peering_id} ({pcx.status}) joins {pcx.requester.vpc_id} (account {pcx.requester.owner_id}) and "
            f"{pcx.accepter.vpc_id} (account {pcx.accepter.owner_id}), both {where}.",
            resource_id=pcx.peering_id,
        )
