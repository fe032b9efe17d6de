"""EC2 instances require IMDSv2 (session tokens) for the instance metadata service (EC2.8, CIS 5.7)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, HIGH, NOT_ASSESSED, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import INSTANCES, area_not_assessed, by_area, places, result

GONE = frozenset({"terminated", "shutting-down"})

CONTROL = Control(
    id="ec2_instance_imdsv2_required",
    title="EC2 instances require IMDSv2",
    severity=HIGH,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "The instance metadata service hands out the instance role's temporary credentials. With IMDSv1 "
        "allowed, a single server-side request forgery, open proxy or misconfigured firewall in the "
        "application lets an outsider fetch them with a plain GET; IMDSv2 requires a session token "
        "obtained by a PUT that such relays do not forward."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Instances > the instance > Actions > Instance settings > Modify instance metadata "
            "options > IMDSv2: Required > Save. Set the account default (EC2 > Settings > Data protection "
            "and security > IMDS defaults) so new instances start with IMDSv2 required."
        ),
        cli=(
            "aws ec2 modify-instance-metadata-options --instance-id <instance-id> --http-tokens required "
            "--http-endpoint enabled\n"
            "aws ec2 modify-instance-metadata-defaults --http-tokens required   # per region"
        ),
        terraform=(
            'resource "aws_instance" "app" {\n'
            "  # ...\n"
            "  metadata_options {\n"
            '    http_endpoint = "enabled"\n'
            '    http_tokens   = "required"\n'
            "  }\n"
            "}"
        ),
    ),
    inputs=(INSTANCES,),
    # Same check as Security Hub CSPM EC2.8; Prowler ec2_instance_imdsv2_enabled. NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(cis=("5.7",), fsbp=("EC2.8",), nist=("AC-3", "AC-3(15)", "AC-3(7)", "AC-6")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    instances = by_area(i for i in ctx.inventory.network.instances.values() if i.state not in GONE)
    for account_id, region in places(ctx):
        missing = area_not_assessed(ctx, CONTROL, account_id, region, CONTROL.inputs)
        if missing is not None:
            yield missing
            continue
        for inst in sorted(instances.get((account_id, region), ()), key=lambda i: i.instance_id):
            name = f"{inst.instance_id} ({inst.name})" if inst.name else inst.instance_id
            tokens = inst.metadata_http_tokens
            values = {"HttpTokens": tokens, "State": inst.state}
            if tokens is None:
                yield result(
                    CONTROL, inst, NOT_ASSESSED,
                    f"Not assessed: DescribeInstances gave no MetadataOptions.HttpTokens for {name}.",
                    resource_id=inst.instance_id, values=values,
                )  # fmt: skip
            elif tokens == "required":
                yield result(
                    CONTROL, inst, PASS, f"{name} requires IMDSv2 (HttpTokens: required).",
                    resource_id=inst.instance_id, values=values,
                )  # fmt: skip
            else:
                yield result(
                    CONTROL, inst, FAIL,
                    f"{name} accepts IMDSv1 (HttpTokens: {tokens}): its role credentials can be read without a "
                    "session token.",
                    resource_id=inst.instance_id, values=values,
                )  # fmt: skip
