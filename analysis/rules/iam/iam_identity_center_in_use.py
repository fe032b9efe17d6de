"""People sign in through IAM Identity Center: the organization's instance exists and has permission sets."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.coverage import ANSWERED
from analysis.rules.base import MEDIUM, NOT_ASSESSED, Control, Evidence, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import gc_paused_results, result

LIST_INSTANCES = Input(service="sso-admin", operation="ListInstances", regional=True)
LIST_PERMISSION_SETS = Input(service="sso-admin", operation="ListPermissionSets", regional=True)

CONTROL = Control(
    id="iam_identity_center_in_use",
    title="IAM Identity Center is the organization's way in for people",
    severity=MEDIUM,
    practice="identity",
    service="identitycenter",
    scope="organization",
    rationale=(
        "With Identity Center, people have one identity (from the corporate directory), sign in "
        "with MFA once, and reach each account through permission sets that provision roles with "
        "temporary credentials; leaving the company removes access everywhere. Without it, each "
        "account grows its own IAM users with their own passwords and keys, which nobody offboards "
        "consistently (white paper: roles for cross-account access rather than static IAM users)."
    ),
    remediation=Remediation(
        console=(
            "In the management account: IAM Identity Center > Enable (organization instance); connect the "
            "identity source; create permission sets; assign groups to accounts; then retire IAM users."
        ),
        cli=(
            "aws sso-admin list-instances\n"
            "aws sso-admin create-permission-set --instance-arn <instance-arn> --name ReadOnly "
            "--session-duration PT4H"
        ),
        terraform=(
            'data "aws_ssoadmin_instances" "this" {}\n'
            'resource "aws_ssoadmin_permission_set" "read_only" {\n'
            '  name         = "ReadOnly"\n'
            "  instance_arn = tolist(data.aws_ssoadmin_instances.this.arns)[0]\n"
            "}"
        ),
    ),
    inputs=(LIST_INSTANCES, LIST_PERMISSION_SETS),
    # Same check as Prowler iam_check_saml_providers_sts. Neither source lists a NIST 800-53 control. CIS 1.20
    # by meaning. See docs/mappings.md.
    mappings=Mappings(cis=("1.20",)),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    org = ctx.inventory.organization
    mgmt = org.management_account_id
    org_arn = org.arn or f"arn:{ctx.partition}:organizations:::organization/{org.organization_id}"
    resource_id = org.organization_id or "organization"
    if not mgmt:
        yield _not_assessed(
            ctx, org_arn, resource_id, "the management account is unknown (Organizations not collected)"
        )
        return
    instances = [
        i
        for i in ctx.inventory.identity_center.instances.values()
        if i.owner_account_id == mgmt or i.account_id == mgmt
    ]
    in_use = [i for i in instances if i.permission_set_arns]
    values = {
        "instances": [
            f"{i.arn} ({i.region}, {len(i.permission_set_arns)} permission sets)" for i in instances
        ],
        "assignments": len(ctx.inventory.identity_center.assignments),
    }
    if in_use:
        best = max(in_use, key=lambda i: len(i.permission_set_arns))
        yield result(
            CONTROL,
            passed=True,
            account_id="",
            resource_arn=org_arn,
            resource_id=resource_id,
            region=best.region,
            message=f"Identity Center instance {best.arn} in {best.region} has "
            f"{len(best.permission_set_arns)} permission set(s).",
            evidence=Evidence(call_ids=tuple(i for x in in_use for i in x.call_ids), values=values),
        )
        return
    unanswered = [
        f"{region}: {state.reason}"
        for region in ctx.regions(mgmt)
        if not (
            state := ctx.inventory.coverage.state(
                account_id=mgmt, region=region, service="sso-admin", operation="ListInstances"
            )
        ).answered
    ]
    sets_unknown = [i for i in instances if i.permission_sets_state not in ANSWERED]
    if sets_unknown:
        yield _not_assessed(
            ctx,
            org_arn,
            resource_id,
            f"the permission sets of {', '.join(i.arn for i in sets_unknown)} were not collected",
        )
    elif instances:
        yield result(
            CONTROL,
            passed=False,
            account_id="",
            resource_arn=org_arn,
            resource_id=resource_id,
            message="Identity Center is enabled in the management account but has no permission set: nobody "
            "reaches the accounts through it.",
            evidence=Evidence(call_ids=tuple(i for x in instances for i in x.call_ids), values=values),
        )
    elif unanswered or not ctx.regions(mgmt):
        yield _not_assessed(
            ctx,
            org_arn,
            resource_id,
            "ListInstances was not answered in every region of the management account ("
            + ("; ".join(unanswered) or "no region collected")
            + ")",
        )
    else:
        yield result(
            CONTROL,
            passed=False,
            account_id="",
            resource_arn=org_arn,
            resource_id=resource_id,
            message=f"No IAM Identity Center instance in the management account ({mgmt}), in any collected region.",
            evidence=Evidence(values={"regions": list(ctx.regions(mgmt))}),
        )


def _not_assessed(ctx: AssessmentContext, org_arn: str, resource_id: str, reason: str) -> Result:
    return Result(
        control_id=CONTROL.id,
        status=NOT_ASSESSED,
        account_id="",
        region="global",
        resource_arn=org_arn,
        resource_id=resource_id,
        message=f"Not assessed: {reason}",
    )
