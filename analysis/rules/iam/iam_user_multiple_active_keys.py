"""No IAM user has more than one active access key."""

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
    gc_paused_results,
    merge_ids,
    report_call_ids,
    user_not_assessed,
    user_result,
)

CONTROL = Control(
    id="iam_user_multiple_active_keys",
    title="IAM users have at most one active access key",
    severity=MEDIUM,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "Two active keys on one user are normally a rotation that was never finished: the old key "
        "still works, is still spread around, and nobody watches it. One active key per user keeps "
        "ownership and revocation unambiguous."
    ),
    remediation=Remediation(
        console=(
            "IAM > Users > (user) > Security credentials > Access keys: find which key is in use "
            "(Last used), move consumers to it, make the other inactive, then delete it."
        ),
        cli=(
            "aws iam list-access-keys --user-name <user>\n"
            "aws iam get-access-key-last-used --access-key-id <key-id>\n"
            "aws iam update-access-key --user-name <user> --access-key-id <unused-key> --status Inactive"
        ),
        terraform=(
            "# Declare exactly one key per user; remove the second aws_iam_access_key resource:\n"
            'resource "aws_iam_access_key" "ci" {\n'
            "  user = aws_iam_user.ci.name\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS, ACCESS_KEYS, CREDENTIAL_REPORT),
    # Same check as Prowler iam_user_two_active_access_key. Neither source lists a NIST 800-53 control. See
    # docs/mappings.md.
    mappings=Mappings(cis=("1.12",)),
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
            ids = [k for k, _, _ in keys]
            yield user_result(
                CONTROL,
                user,
                passed=len(keys) <= 1,
                message=f"{len(keys)} active access key(s)."
                if len(keys) <= 1
                else f"{user.name} has {len(keys)} active access keys: {', '.join(ids)}.",
                evidence=Evidence(
                    call_ids=merge_ids(user.call_ids, report_ids if source != "ListAccessKeys" else ()),
                    values={"source": source, "active_keys": ids},
                ),
            )
