"""Trust findings for the controls: plain records, each with the evidence it was derived from.

Kinds (``TrustFinding.kind``):

- ``external_trust_without_external_id``: a role trusts an account outside the organization
  and no ``sts:ExternalId`` condition guards it (the confused-deputy protection, IAM User
  Guide, "The confused deputy problem").
- ``cross_account_trust_outside_org``: a role trusts an account or principal outside the organization.
- ``public_trust``: a role trusts ``*`` with no condition that narrows who (org, account, ARN,
  source IP/VPC, ExternalId...).
- ``oidc_trust_without_sub``: a web-identity trust with no ``<provider>:sub`` condition, or one
  that is only a wildcard (GitHub Actions: any repository could assume the role; Cognito: no
  ``aud`` restriction to an identity pool).
- ``principal_with_admin``: the engine judges the principal an administrator of its account.
- ``escalation_path_to_admin``: a user or role that becomes administrator of some account only
  through an escalation technique (one finding per principal naming those accounts; the path to
  one of them is the evidence; the search is ``analysis.trust.escalation``).
- ``unused_role`` / ``unused_access_key`` / ``unused_password``: not used for ``unused_days``,
  only where last-used data exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from analysis.trust.edges.assume_role import ASSUME_ROLE, ASSUME_WEB, trust_grants
from analysis.trust.edges.base import RESTRICTING_KEYS
from analysis.trust.edges.federation import GITHUB_HOST, oidc_host
from analysis.trust.escalation import escalations
from analysis.trust.graph import TrustGraph
from analysis.trust.nodes import account_of_arn
from analysis.trust.queries import Path

HIGH, MEDIUM, LOW = "high", "medium", "low"
_ACCOUNT_ROOT = ("arn:aws:iam::", ":root")


@dataclass(frozen=True, kw_only=True)
class TrustFinding:
    kind: str
    severity: str
    resource: str  # the role, user or principal ARN the finding is about
    account_id: str
    title: str
    detail: str
    call_ids: tuple[int, ...] = ()
    statements: tuple[str, ...] = ()  # "trust policy of role X, statement 0 (Sid)"
    path: Path | None = None


def trust_findings(tg: TrustGraph, *, unused_days: int = 90) -> list[TrustFinding]:
    """Every finding of the kinds above, in a stable order."""
    out = list(trust_policy_findings(tg))
    out.extend(admin_findings(tg))
    out.extend(escalation_findings(tg))
    out.extend(_unused(tg, unused_days))
    return out


def admin_findings(tg: TrustGraph) -> Iterator[TrustFinding]:
    """``principal_with_admin``: every principal the engine judged an administrator, by ARN."""
    for principal, decision in sorted(tg.admins.items()):
        yield TrustFinding(
            kind="principal_with_admin",
            severity=MEDIUM,
            resource=principal,
            account_id=account_of_arn(principal) or "",
            title="Principal with administrator permissions",
            detail="; ".join(decision.reasons[-3:]),
            call_ids=_call_ids(tg, principal),
            statements=tuple(s.describe() for s in decision.deciding),
        )


def escalation_findings(tg: TrustGraph) -> Iterator[TrustFinding]:
    """``escalation_path_to_admin``: one per user or role that becomes administrator of some account
    only by escalating (``analysis.trust.escalation``), naming the accounts, with one path."""
    for esc in escalations(tg):
        accounts = [t.split(":", 1)[1] for t in esc.admin_nodes]
        yield TrustFinding(
            kind="escalation_path_to_admin",
            severity=HIGH,
            resource=esc.principal,
            account_id=account_of_arn(esc.principal) or "",
            title=f"Privilege escalation path to admin of {len(accounts)} account(s)",
            detail=f"escalates to administrator of {', '.join(accounts[:10])}"
            + (f" and {len(accounts) - 10} more" if len(accounts) > 10 else "")
            + f"; path shown to admin of {esc.shown.split(':', 1)[1]}: {esc.path.describe(tg)}",
            call_ids=_call_ids(tg, esc.principal),
            path=esc.path,
        )


def trust_policy_findings(tg: TrustGraph) -> Iterator[TrustFinding]:
    """The findings read from trust policies alone: public, outside the organization, external
    without ExternalId, OIDC without ``sub`` (``aud`` for Cognito)."""
    for role in tg.inventory.iam.roles.values():
        if role.service_linked:
            continue
        for grant in trust_grants(role):
            keys = grant.condition_keys()
            where = (
                f"trust policy of role {role.name}, statement {grant.statement.index}"
                + (f" ({grant.statement.sid})" if grant.statement.sid else ""),
            )
            base = {
                "resource": role.arn,
                "account_id": role.account_id,
                "call_ids": role.call_ids,
                "statements": where,
            }
            if grant.principal_type in ("AWS", "*") and grant.action == ASSUME_ROLE:
                value = grant.value
                if value == "*" or grant.via_not_principal:
                    if not keys & RESTRICTING_KEYS:
                        yield TrustFinding(
                            kind="public_trust",
                            severity=HIGH,
                            title="Role trusts any AWS principal (*) without a restricting condition",
                            detail=f"conditions: {[c.text() for c in grant.conditions] or 'none'}",
                            **base,  # type: ignore[arg-type]
                        )
                    continue
                account = value if value.isdigit() else account_of_arn(value)
                if account is None or tg.org.in_org(account):
                    continue
                yield TrustFinding(
                    kind="cross_account_trust_outside_org",
                    severity=MEDIUM,
                    title=f"Role trusts {value}, outside the organization",
                    detail=f"account {account} is not an account of organization {tg.org.organization_id or '(unknown)'}",
                    **base,  # type: ignore[arg-type]
                )
                if "sts:externalid" not in keys:
                    yield TrustFinding(
                        kind="external_trust_without_external_id",
                        severity=HIGH,
                        title=f"External trust to {value} without sts:ExternalId",
                        detail="a third party assuming this role should be required to pass an ExternalId",
                        **base,  # type: ignore[arg-type]
                    )
            elif grant.principal_type == "Federated" and grant.action == ASSUME_WEB:
                host = oidc_host(grant.value).lower()
                if host.startswith("cognito-identity.amazonaws.com"):
                    needed = "cognito-identity.amazonaws.com:aud"
                else:
                    needed = f"{host}:sub"
                values = [
                    v
                    for c in grant.conditions
                    if c.key.lower() == needed and not c.operator.lower().startswith("unless")
                    for v in c.values
                ]
                if not values or all(v.strip() in ("*", "repo:*", "repo:*/*") for v in values):
                    flavour = "GitHub Actions " if host.startswith(GITHUB_HOST) else ""
                    yield TrustFinding(
                        kind="oidc_trust_without_sub",
                        severity=HIGH,
                        title=f"{flavour}OIDC trust without a restricting {needed.rsplit(':', 1)[1]} condition",
                        detail=(
                            f"{needed} is {'unrestricted (' + ', '.join(values) + ')' if values else 'not checked'}: "
                            f"any identity of {host} can assume the role"
                        ),
                        **base,  # type: ignore[arg-type]
                    )


def _reference_time(tg: TrustGraph) -> datetime | None:
    started = tg.inventory.manifest.get("started_at") or tg.inventory.manifest.get("finished_at")
    return _date(started) if isinstance(started, str) else None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)  # AWS times are UTC; never the local zone of the machine


def _unused(tg: TrustGraph, days: int) -> Iterator[TrustFinding]:
    now = _reference_time(tg)
    if now is None:
        return
    limit = now - timedelta(days=days)
    iam = tg.inventory.iam
    for role in iam.roles.values():
        used = _date(role.last_used_date)
        if used is not None and used < limit and not role.service_linked:
            yield TrustFinding(
                kind="unused_role",
                severity=LOW,
                resource=role.arn,
                account_id=role.account_id,
                title=f"Role not used for more than {days} days",
                detail=f"last used {role.last_used_date}",
                call_ids=role.call_ids,
            )
    for user in iam.users.values():
        for key in user.access_keys:
            if key.status != "Active" or key.last_used_state != "collected":
                continue
            used = _date(key.last_used_date) or _date(key.created)
            if used is not None and used < limit:
                yield TrustFinding(
                    kind="unused_access_key",
                    severity=MEDIUM,
                    resource=user.arn,
                    account_id=user.account_id,
                    title=f"Active access key not used for more than {days} days",
                    detail=f"{key.access_key_id}: last used {key.last_used_date or 'never'}, created {key.created}",
                    call_ids=user.call_ids,
                )
        row = user.credential_report
        if row is not None and row.password_enabled:
            used = _date(row.password_last_used) or _date(row.user_creation_time)
            if used is not None and used < limit:
                yield TrustFinding(
                    kind="unused_password",
                    severity=MEDIUM,
                    resource=user.arn,
                    account_id=user.account_id,
                    title=f"Console password not used for more than {days} days",
                    detail=f"password last used {row.password_last_used or 'never'}",
                    call_ids=user.call_ids,
                )


def _call_ids(tg: TrustGraph, arn: str) -> tuple[int, ...]:
    record = tg.inventory.iam.users.get(arn) or tg.inventory.iam.roles.get(arn)
    return record.call_ids if record else ()
