"""An SCP denies requests outside the approved regions (aws:RequestedRegion) in every member account."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.iam.request import CONDITIONAL, EXPLICIT_DENY, IMPLICIT_DENY, Request
from analysis.rules.base import (
    FAIL,
    MEDIUM,
    NOT_ASSESSED,
    PASS,
    Control,
    Input,
    Mappings,
    Remediation,
    Result,
)
from analysis.rules.context import AssessmentContext
from analysis.rules.organizations._common import (
    PROBE_ROLE,
    SCP,
    make,
    member_accounts,
    org_not_assessed,
    policy_type_gap,
    unknown_scps,
)

# The commercial regions a request is tried in: a region restriction denies some of them.
REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1",
    "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-south-1",
    "me-south-1", "af-south-1",
)  # fmt: skip
ACTION = "ec2:RunInstances"  # a regional action every region restriction is meant to stop

CONTROL = Control(
    id="organizations_scp_region_restriction",
    title="SCPs restrict member accounts to approved regions",
    severity=MEDIUM,
    practice="governance",
    service="organizations",
    scope="account",
    rationale=(
        "Resources launched in a region nobody watches escape the organization's monitoring, cost "
        "reviews and network design. The white paper's region deny SCP denies every request whose "
        "aws:RequestedRegion is outside an approved list (global services exempted with NotAction). "
        "Judged per member account by asking the policy engine whether an ordinary role may run an "
        "EC2 instance in each commercial region."
    ),
    remediation=Remediation(
        console=(
            "Organizations > Policies > Service control policies > Create policy: Deny with NotAction "
            "on global services (iam, organizations, sts, support, cloudfront, route53...) and the "
            "condition StringNotEquals aws:RequestedRegion [approved regions]; attach to the root or "
            "the workload OUs. Control Tower's region deny control does the same."
        ),
        cli=(
            "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name region-restriction "
            "--content file://region-deny.json --description 'approved regions only'\n"
            "aws organizations attach-policy --policy-id <p-id> --target-id <root-or-ou-id>"
        ),
        terraform=(
            'data "aws_iam_policy_document" "region_deny" {\n'
            "  statement {\n"
            '    effect      = "Deny"\n'
            '    not_actions = ["iam:*", "organizations:*", "sts:*", "support:*", "cloudfront:*", "route53:*"]\n'
            '    resources   = ["*"]\n'
            "    condition {\n"
            '      test     = "StringNotEquals"\n'
            '      variable = "aws:RequestedRegion"\n'
            '      values   = ["eu-west-1", "us-east-1"]\n'
            "    }\n"
            "  }\n"
            "}\n"
            "\n"
            'resource "aws_organizations_policy" "region_deny" {\n'
            '  name    = "region-restriction"\n'
            '  type    = "SERVICE_CONTROL_POLICY"\n'
            "  content = data.aws_iam_policy_document.region_deny.json\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="organizations", operation="ListPolicies", regional=False),
        Input(service="organizations", operation="DescribePolicy", regional=False),
        Input(service="organizations", operation="ListTargetsForPolicy", regional=False),
    ),
    # Same check as Prowler organizations_scp_check_deny_regions. Neither source lists a NIST 800-53 control.
    # See docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    na = org_not_assessed(ctx, CONTROL)
    if na is not None:
        yield na
        return
    org = ctx.inventory.organization
    gap = policy_type_gap(ctx, SCP)
    for account_id in member_accounts(ctx):
        ids = (*org.collection.call_ids[:1], *org.accounts[account_id].call_ids)
        chain = ctx.engine.chains.chain(account_id, SCP)
        if not chain.known:
            yield make(ctx, CONTROL, NOT_ASSESSED, chain.note, account_id=account_id, call_ids=ids)
            continue
        incomplete = gap or "; ".join(unknown_scps(chain)) or None
        probe = f"arn:{ctx.partition}:iam::{account_id}:role/{PROBE_ROLE}"
        allowed: list[str] = []
        denied: list[str] = []
        unknown: list[str] = []
        statements: dict[str, None] = {}
        for region in REGIONS:
            d = ctx.engine.evaluate(
                Request(
                    principal_arn=probe,
                    action=ACTION,
                    resource="*",
                    context={"aws:RequestedRegion": (region,)},
                )
            )
            if d.decision in (EXPLICIT_DENY, IMPLICIT_DENY):
                denied.append(region)
                statements.update((r.describe(), None) for r in d.deciding if r.kind == "scp")
            elif d.decision == CONDITIONAL and any(c.statement.kind != "identity" for c in d.conditions):
                unknown.append(region)
            else:
                allowed.append(region)
        values = {"allowed regions": allowed, "denied regions": denied, "unknown": unknown}
        policy_ids = [
            i
            for level in chain.levels
            for pid in org.attachments.get(level.node_id, ())
            if pid in org.policies and org.policies[pid].type == SCP
            for i in org.policies[pid].call_ids
        ]
        evidence = {"call_ids": (*ids, *policy_ids), "statements": tuple(statements), "values": values}
        if allowed and denied:
            yield make(
                ctx,
                CONTROL,
                PASS,
                f"SCPs allow {ACTION} only in {', '.join(allowed)}; the other {len(denied)} regions tried "
                "are denied.",
                account_id=account_id,
                **evidence,  # type: ignore[arg-type]
            )
        elif unknown:
            yield make(
                ctx,
                CONTROL,
                NOT_ASSESSED,
                f"whether SCPs deny {ACTION} in {', '.join(unknown)} depends on conditions the snapshot "
                "cannot settle",
                account_id=account_id,
                **evidence,  # type: ignore[arg-type]
            )
        elif denied:
            yield make(
                ctx,
                CONTROL,
                PASS,
                f"SCPs deny {ACTION} in every region tried.",
                account_id=account_id,
                **evidence,  # type: ignore[arg-type]
            )
        else:
            yield make(
                ctx,
                CONTROL,
                FAIL if incomplete is None else NOT_ASSESSED,
                f"No SCP restricts regions: {ACTION} is allowed in all {len(allowed)} regions tried."
                + (f" (SCPs incomplete: {incomplete})" if incomplete else ""),
                account_id=account_id,
                **evidence,  # type: ignore[arg-type]
            )
