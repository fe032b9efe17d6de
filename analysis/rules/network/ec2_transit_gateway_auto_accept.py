"""Transit gateways do not accept shared VPC attachments automatically (EC2.23)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, HIGH, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import TRANSIT_GATEWAYS, area_not_assessed, by_area, places, result

CONTROL = Control(
    id="ec2_transit_gateway_auto_accept",
    title="Transit gateways do not automatically accept shared VPC attachments",
    severity=HIGH,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "A transit gateway shared through AWS RAM joins every attached VPC into one routing domain. With "
        "automatic acceptance on, any account it is shared with can attach a VPC, and so its workloads, "
        "to that network without the network owner reviewing the request: the hub of a multi-account "
        "design should accept attachments deliberately."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Transit gateways > the gateway > Actions > Modify transit gateway > clear 'Auto "
            "accept shared attachments' > Modify transit gateway."
        ),
        cli="aws ec2 modify-transit-gateway --transit-gateway-id <tgw-id> --options AutoAcceptSharedAttachments=disable",
        terraform=(
            'resource "aws_ec2_transit_gateway" "hub" {\n'
            '  auto_accept_shared_attachments = "disable"\n'
            "  # ...\n"
            "}"
        ),
    ),
    inputs=(TRANSIT_GATEWAYS,),
    # Same check as Security Hub CSPM EC2.23; Prowler ec2_transitgateway_auto_accept_vpc_attachments. NIST
    # from Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(fsbp=("EC2.23",), nist=("AC-4(21)", "CA-9(1)", "CM-2")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    gateways = by_area(ctx.inventory.network.transit_gateways.values())
    for account_id, region in places(ctx):
        missing = area_not_assessed(ctx, CONTROL, account_id, region, CONTROL.inputs)
        if missing is not None:
            yield missing
            continue
        for tgw in sorted(gateways.get((account_id, region), ()), key=lambda t: t.transit_gateway_id):
            on = tgw.auto_accept_shared_attachments
            yield result(
                CONTROL,
                tgw,
                FAIL if on else PASS,
                f"{tgw.transit_gateway_id} accepts shared VPC attachments automatically (AutoAcceptSharedAttachments: enable)."
                if on
                else f"{tgw.transit_gateway_id} requires each shared attachment to be accepted.",
                resource_id=tgw.transit_gateway_id,
                values={"AutoAcceptSharedAttachments": "enable" if on else "disable"},
            )
