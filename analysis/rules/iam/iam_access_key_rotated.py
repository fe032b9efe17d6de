"""Active access keys are younger than 90 days (ListAccessKeys CreateDate; the credential report otherwise)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import MEDIUM, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import (
    ACCESS_KEYS,
    AUTH_DETAILS,
    CREDENTIAL_REPORT,
    accounts_with_users,
    active_keys,
    days_since,
    gc_paused_results,
    merge_ids,
    report_call_ids,
    user_not_assessed,
    user_result,
)

MAX_AGE_DAYS = 90

CONTROL = Control(
    id="iam_access_key_rotated",
    title=f"Active access keys are rotated within {MAX_AGE_DAYS} days",
    severity=MEDIUM,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "An access key never expires. The older it is, the more copies of it exist (CI settings, "
        "laptops, old images, former staff) and the longer a leaked copy keeps working. Rotating "
        f"within {MAX_AGE_DAYS} days bounds that window; replacing keys with roles removes it."
    ),
    remediation=Remediation(
        console=(
            "IAM > Users > (user) > Security credentials > Create access key; move every consumer to the new "
            "key; make the old key inactive, watch for breakage, then delete it. Prefer a role (instance "
            "profile, IAM Roles Anywhere, OIDC) over any key."
        ),
        cli=(
            "aws iam create-access-key --user-name <user>\n"
            "aws iam update-access-key --user-name <user> --access-key-id <old-key> --status Inactive\n"
            "aws iam delete-access-key --user-name <user> --access-key-id <old-key>"
        ),
        terraform=(
            "# Rotate by replacing the key resource on a schedule (hashicorp/time):\n"
            'resource "time_rotating" "key" {\n'
            f"  rotation_days = {MAX_AGE_DAYS}\n"
            "}\n"
            'resource "aws_iam_access_key" "ci" {\n'
            "  user = aws_iam_user.ci.name\n"
            "  lifecycle { replace_triggered_by = [time_rotating.key] }\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS, ACCESS_KEYS, CREDENTIAL_REPORT),
    # Same check as Security Hub CSPM IAM.3; Prowler iam_rotate_access_key_90_days. NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(cis=("1.13",), fsbp=("IAM.3",), nist=("AC-2(1)", "AC-2(3)", "AC-3(15)")),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for account_id, gap, users in accounts_with_users(ctx, CONTROL, (AUTH_DETAILS,)):
        if gap is not None:
            yield gap
            continue
        report_ids = report_call_ids(ctx, account_id)
        for user in users:
            found = active_keys(user)
            if found is None:
                yield user_not_assessed(
                    ctx,
                    CONTROL,
                    user,
                    "neither ListAccessKeys nor the credential report answered for this user",
                )
                continue
            keys, source = found
            ages = {key_id: days_since(ctx, created) for key_id, created, _ in keys}
            old = {k: a for k, a in ages.items() if a is not None and a >= MAX_AGE_DAYS}
            undated = [k for k, a in ages.items() if a is None]
            evidence = Evidence(
                call_ids=merge_ids(user.call_ids, report_ids if source != "ListAccessKeys" else ()),
                values={"source": source, "active_keys": {k: c for k, c, _ in keys}},
            )
            if old:
                listed = ", ".join(f"{k} ({a} days)" for k, a in sorted(old.items()))
                yield user_result(
                    CONTROL,
                    user,
                    passed=False,
                    message=f"{user.name} has active access keys older than {MAX_AGE_DAYS} days: {listed}.",
                    evidence=evidence,
                )
            elif undated:
                yield user_not_assessed(
                    ctx, CONTROL, user, f"the creation date of active key(s) {', '.join(undated)} is unknown"
                )
            else:
                yield user_result(
                    CONTROL,
                    user,
                    passed=True,
                    message=f"Every active access key is younger than {MAX_AGE_DAYS} days."
                    if keys
                    else "No active access keys.",
                    evidence=evidence,
                )
