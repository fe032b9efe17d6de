"""IAM users get permissions from groups (or roles), not from policies attached to the user."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import AUTH_DETAILS, accounts_with_users, gc_paused_results, user_result

CONTROL = Control(
    id="iam_user_policies_attached",
    title="IAM users have no policies attached directly",
    severity=LOW,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "Permissions granted user by user drift: each user ends up with a unique, unreviewed mix "
        "that nobody can compare or revoke as a whole. Granting through groups (or roles) keeps "
        "access in a few named sets that reviews can reason about, as the white paper's IAM "
        "practices recommend."
    ),
    remediation=Remediation(
        console=(
            "IAM > User groups > Create group with the needed policies > add the user; then IAM > Users > "
            "(user) > Permissions: remove each directly attached and inline policy."
        ),
        cli=(
            "aws iam add-user-to-group --group-name <group> --user-name <user>\n"
            "aws iam detach-user-policy --user-name <user> --policy-arn <policy-arn>\n"
            "aws iam delete-user-policy --user-name <user> --policy-name <inline-policy>"
        ),
        terraform=(
            'resource "aws_iam_group_policy_attachment" "ops" {\n'
            "  group      = aws_iam_group.ops.name\n"
            "  policy_arn = aws_iam_policy.ops.arn\n"
            "}\n"
            'resource "aws_iam_user_group_membership" "alice" {\n'
            "  user   = aws_iam_user.alice.name\n"
            "  groups = [aws_iam_group.ops.name]\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS,),
    # Same check as Security Hub CSPM IAM.2; Prowler iam_policy_attached_only_to_group_or_roles. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("1.14",),
        fsbp=("IAM.2",),
        nist=("AC-2", "AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-6", "AC-6(3)"),
    ),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for _account_id, gap, users in accounts_with_users(ctx, CONTROL, CONTROL.inputs):
        if gap is not None:
            yield gap
            continue
        for user in users:
            attached = list(user.attached_policy_arns)
            inline = [p.name for p in user.inline_policies]
            parts = []
            if attached:
                parts.append("attached " + ", ".join(a.rsplit("/", 1)[-1] for a in attached))
            if inline:
                parts.append("inline " + ", ".join(inline))
            yield user_result(
                CONTROL,
                user,
                passed=not parts,
                message="No policies on the user itself."
                if not parts
                else f"{user.name} has policies of its own: {'; '.join(parts)}.",
                evidence=Evidence(
                    call_ids=user.call_ids,
                    statements=tuple(f"policy {a} attached to user {user.name}" for a in attached)
                    + tuple(f"inline policy {n} of user {user.name}" for n in inline),
                    values={"attached_policies": attached, "inline_policies": inline},
                ),
            )
