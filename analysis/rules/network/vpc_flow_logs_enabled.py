"""Every VPC has an active flow log recording rejected traffic (EC2.6, CIS 3.7): on the VPC, or on
every one of its subnets. VPCs with no flow log at all come from the network finding
``vpc_without_flow_logs``; those with one are checked for its traffic type and status here."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from analysis.model.network import FlowLog
from analysis.network.findings import VPC_WITHOUT_FLOW_LOGS
from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import (
    FLOW_LOGS,
    SUBNETS,
    VPCS,
    area_gaps,
    by_area,
    finding_result,
    findings,
    findings_by_area,
    memo,
    places,
    result,
)

RECORDS_REJECTS = frozenset({"ALL", "REJECT"})

CONTROL = Control(
    id="vpc_flow_logs_enabled",
    title="VPC flow logs record rejected traffic in every VPC",
    severity=MEDIUM,
    practice="monitoring",
    service="ec2",
    scope="resource",
    rationale=(
        "Flow logs are the only record of which addresses talked to which interfaces, on which ports, and "
        "what the security groups and network ACLs turned away. Without them an investigation cannot say "
        "whether an exposed port was used, nor spot scanning or exfiltration; a log that records only "
        "accepted traffic misses the probes."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Your VPCs > the VPC > Flow logs > Create flow log: Filter 'All' (or at least "
            "'Reject'), destination CloudWatch Logs or an S3 bucket in the log archive account, then Create."
        ),
        cli=(
            "aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> --traffic-type ALL "
            "--log-destination-type s3 --log-destination arn:aws:s3:::<log-archive-bucket>/vpc-flow-logs/"
        ),
        terraform=(
            'resource "aws_flow_log" "main" {\n'
            "  vpc_id               = aws_vpc.main.id\n"
            '  traffic_type         = "ALL"\n'
            '  log_destination_type = "s3"\n'
            "  log_destination      = aws_s3_bucket.flow_logs.arn\n"
            "}"
        ),
    ),
    inputs=(VPCS, FLOW_LOGS, SUBNETS),
    # Same check as Security Hub CSPM EC2.6; Prowler vpc_flow_logs_enabled. NIST from Security Hub's related
    # requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("3.7",),
        fsbp=("EC2.6",),
        nist=("AC-4(26)", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SI-7(8)"),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    found = findings(ctx, VPC_WITHOUT_FLOW_LOGS)
    gaps = area_gaps(found)
    grouped = findings_by_area(found)
    flagged = {f.resource for f in found if f.resource}
    net = ctx.inventory.network
    logs = memo(ctx, "flow_logs_by_id", lambda: {f.flow_log_id: f for f in net.flow_logs.values()})
    vpcs = by_area(net.vpcs.values())
    for account_id, region in places(ctx):
        here = grouped.get((account_id, region), ())
        if (account_id, region) in gaps:
            yield from (finding_result(ctx, CONTROL, f) for f in here if not f.resource)
            continue
        yield from (finding_result(ctx, CONTROL, f) for f in here if f.resource)
        for vpc in sorted(vpcs.get((account_id, region), ()), key=lambda v: v.vpc_id):
            if vpc.arn in flagged:
                continue
            on_vpc = _logs(logs, net.flow_logs_by_resource.get(vpc.vpc_id, ()))
            if on_vpc:
                scope, covering = "the VPC", on_vpc
                good = [f for f in on_vpc if _records_rejects(f)]
                missing_subnets: list[str] = []
            else:  # the finding passed it: every subnet has a flow log of its own
                subnets = net.subnets_by_vpc.get(vpc.vpc_id, ())
                per_subnet = {s: _logs(logs, net.flow_logs_by_resource.get(s, ())) for s in subnets}
                scope, covering = (
                    f"each of its {len(subnets)} subnet(s)",
                    [f for v in per_subnet.values() for f in v],
                )
                missing_subnets = [
                    s for s, fl in per_subnet.items() if not any(_records_rejects(f) for f in fl)
                ]
                good = covering if not missing_subnets else []
            described = "; ".join(
                f"{f.flow_log_id}: {f.traffic_type or '?'}, {f.status or '?'}" for f in covering
            )
            call_ids = (*vpc.call_ids, *(i for f in covering for i in f.call_ids))
            values = {"flow_logs": [f.flow_log_id for f in covering]}
            name = f"{vpc.vpc_id}{f' ({vpc.name})' if vpc.name else ''}"
            if good:
                yield result(
                    CONTROL, vpc, PASS, f"{name} has an active flow log recording rejected traffic on {scope} ({described}).",
                    resource_id=vpc.vpc_id, call_ids=call_ids, values=values,
                )  # fmt: skip
            else:
                which = f" (not on {', '.join(missing_subnets)})" if missing_subnets else ""
                yield result(
                    CONTROL, vpc, FAIL,
                    f"{name}: no active flow log on {scope} records rejected traffic{which} ({described}).",
                    resource_id=vpc.vpc_id, call_ids=call_ids, values=values,
                )  # fmt: skip


def _logs(logs: dict[str, FlowLog], ids: Sequence[str]) -> list[FlowLog]:
    return [logs[i] for i in ids if i in logs]


def _records_rejects(log: FlowLog) -> bool:
    # DescribeFlowLogs FlowLogStatus is ACTIVE for a working log; an empty status (older answers)
    # is taken as active. TrafficType ALL includes the rejected packets.
    return log.traffic_type.upper() in RECORDS_REJECTS and log.status.upper() in ("ACTIVE", "")
