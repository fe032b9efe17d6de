"""No policy allowing "*" on "*" is attached to a user, group or role (CIS: AWS-managed and customer-managed alike)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import (
    AUTH_DETAILS,
    account_result,
    admin_statements,
    attachments_by_account,
    describe_statement,
    gc_paused_results,
    short_arn,
)

# AWS-managed AdministratorAccess allows Action "*" on Resource "*" (AWS Managed Policy Reference
# Guide, AdministratorAccess): known even when the snapshot does not hold its document.
ADMINISTRATOR_ACCESS = ":iam::aws:policy/AdministratorAccess"

CONTROL = Control(
    id="iam_admin_policy_attached",
    title='No policy allowing full "*:*" administrative privileges is attached',
    severity=HIGH,
    practice="identity",
    service="iam",
    scope="account",
    rationale=(
        "Each attachment of a *:* policy (AdministratorAccess or a custom copy) creates an "
        "administrator of the account: one more identity that can read all data, grant itself "
        "anything and turn off CloudTrail. Administrators should be the few break-glass and "
        "platform roles an organization can name, reached through Identity Center or federation "
        "with MFA, not users and workload roles that collected the policy over time."
    ),
    remediation=Remediation(
        console=(
            "IAM > Policies > AdministratorAccess (and any custom *:* policy) > Entities attached: for each "
            "user, group and role that is not a named administrator role, Detach and grant a scoped policy."
        ),
        cli=(
            "aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n"
            "aws iam detach-role-policy --role-name <role> --policy-arn <policy-arn>\n"
            "aws iam detach-user-policy --user-name <user> --policy-arn <policy-arn>"
        ),
        terraform=(
            "# Keep administrator access on one federated break-glass role only:\n"
            'resource "aws_iam_role_policy_attachment" "break_glass_admin" {\n'
            "  role       = aws_iam_role.break_glass.name\n"
            '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n'
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS,),
    # Same check as Prowler iam_aws_attached_policy_no_administrative_privileges,
    # iam_customer_attached_policy_no_administrative_privileges. NIST from Prowler's NIST 800-53 Rev. 5 file
    # (Security Hub lists none). See docs/mappings.md.
    mappings=Mappings(
        cis=("1.15",),
        nist=(
            "AC-2(1)",
            "AC-2(6)",
            "AC-2",
            "AC-3",
            "AC-3(3)",
            "AC-3(4)",
            "AC-3(7)",
            "AC-3(8)",
            "AC-3(12)",
            "AC-3(13)",
            "AC-3(15)",
            "AC-4(28)",
            "AC-5",
            "AC-6",
            "AC-6(2)",
            "AC-6(3)",
            "AC-6(10)",
            "AC-24",
            "CM-5(1)",
            "CM-6",
            "CM-9",
            "MP-2",
            "SC-23(3)",
            "SC-25",
        ),
    ),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    attachments = attachments_by_account(ctx)
    policies = ctx.inventory.iam.policies
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(CONTROL, account_id, GLOBAL)
        if gap is not None:
            yield gap
            continue
        statements: list[str] = []
        call_ids: list[int] = []
        offenders: dict[str, list[str]] = {}
        unknown: list[str] = []
        for arn, principals in sorted(attachments.get(account_id, {}).items()):
            policy = policies.get(arn)
            doc = policy.default_document if policy is not None else None
            if arn.endswith(ADMINISTRATOR_ACCESS):
                statements.append(f"AWS-managed policy AdministratorAccess ({arn}) allows * on *")
            elif doc is None or not doc.ok:
                unknown.append(arn)
                continue
            else:
                found = admin_statements(doc)
                if not found:
                    continue
                statements.extend(describe_statement(f"policy {short_arn(arn)}", st) for st in found)
            if policy is not None:
                call_ids.extend(policy.call_ids)
            offenders[arn] = [short_arn(p) for p in principals]
        values: dict[str, object] = {"attached_admin_policies": offenders}
        if offenders:
            listed = "; ".join(f"{short_arn(a)} on {', '.join(p)}" for a, p in offenders.items())
            yield account_result(
                ctx,
                CONTROL,
                account_id,
                passed=False,
                message=f"*:* policies are attached: {listed}.",
                evidence=Evidence(
                    call_ids=tuple(dict.fromkeys(call_ids)), statements=tuple(statements), values=values
                ),
            )
        elif unknown:
            yield ctx.not_assessed(
                CONTROL,
                account_id=account_id,
                region=GLOBAL,
                reason=f"the documents of attached policies {', '.join(unknown)} are not in the snapshot",
            )
        else:
            yield account_result(
                ctx,
                CONTROL,
                account_id,
                passed=True,
                message="No attached policy allows *:*.",
            )
