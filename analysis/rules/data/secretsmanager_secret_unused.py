"""Secrets Manager secrets are used (accessed within 90 days) or removed (SecretsManager.3)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import listing_gaps, parse_time, result
from analysis.rules.data._secrets import LIST_SECRETS, MAX_DAYS

CONTROL = Control(
    id="secretsmanager_secret_unused",
    title="Secrets Manager secrets unused for 90 days are removed",
    severity=MEDIUM,
    practice="review",
    service="secretsmanager",
    scope="resource",
    rationale=(
        "A secret nobody has read for months is a credential nobody needs but anyone with access can "
        "still use: it widens the blast radius of every principal allowed to read it. Deleting unused "
        "secrets (and the credentials behind them) is the review step that keeps the set small. "
        "LastAccessedDate is kept by Secrets Manager to the day; the age is counted at collection time."
    ),
    remediation=Remediation(
        console=(
            "Secrets Manager console > the secret > Actions > Delete secret (7-30 day recovery window), "
            "after revoking the credential it holds in the target system."
        ),
        cli="aws secretsmanager delete-secret --secret-id <secret> --recovery-window-in-days 30",
        terraform="# Remove the aws_secretsmanager_secret resource (and the credential it held) from the configuration.",
    ),
    inputs=(LIST_SECRETS,),
    # Same check as Security Hub CSPM SecretsManager.3; Prowler secretsmanager_secret_unused. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(fsbp=("SecretsManager.3",), nist=("AC-2(1)", "AC-3(15)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_SECRETS)
    for secret in ctx.inventory.resource_policies.secrets.values():
        if secret.deleted:
            continue
        accessed = parse_time(secret.last_accessed)
        changed = parse_time(secret.last_changed)
        values = {
            "LastAccessedDate": secret.last_accessed,
            "LastChangedDate": secret.last_changed,
            "CollectedAt": ctx.now.isoformat(),
        }
        if accessed is not None:
            days = (ctx.now - accessed).days
            if days <= MAX_DAYS:
                yield result(
                    CONTROL,
                    secret,
                    PASS,
                    f"Secret {secret.name} was last read {days} days before collection.",
                    resource_id=secret.name,
                    values=values,
                )
            else:
                yield result(
                    CONTROL,
                    secret,
                    FAIL,
                    f"Secret {secret.name} has not been read for {days} days (more than {MAX_DAYS}).",
                    resource_id=secret.name,
                    values=values,
                )
        elif changed is not None:
            days = (ctx.now - changed).days
            if days <= MAX_DAYS:
                yield result(
                    CONTROL,
                    secret,
                    PASS,
                    f"Secret {secret.name} has never been read but was set {days} days before collection.",
                    resource_id=secret.name,
                    values=values,
                )
            else:
                yield result(
                    CONTROL,
                    secret,
                    FAIL,
                    f"Secret {secret.name} has never been read and was last set {days} days ago.",
                    resource_id=secret.name,
                    values=values,
                )
        else:
            yield ctx.not_assessed(
                CONTROL,
                account_id=secret.account_id,
                region=secret.region,
                reason=f"ListSecrets reported neither LastAccessedDate nor LastChangedDate for {secret.name}",
                call_ids=secret.call_ids,
                resource_arn=secret.arn,
                resource_id=secret.name,
            )
