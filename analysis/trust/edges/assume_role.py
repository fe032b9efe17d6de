"""``sts:AssumeRole`` edges: who a role's trust policy trusts, and which of them may actually call it.

The trust policy names principals (IAM User Guide, "AWS JSON policy elements: Principal"):
an account (``"123456789012"`` or ``arn:aws:iam::123456789012:root``) means "any principal
of that account whose own identity policies allow sts:AssumeRole on the role"; a user or
role ARN means that principal; an ``assumed-role`` session ARN means sessions of that role;
``"*"`` means anyone, unless a condition such as ``aws:PrincipalOrgID`` narrows it. The
caller side (identity policies, boundary, SCPs of the caller's account, RCPs of the role's
account) is decided by the policy engine, only for principals a trust statement names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.model.iam import Role
from analysis.model.policy_doc import Statement
from analysis.trust.edges.base import (
    BuildContext,
    Edge,
    EdgeCondition,
    edges_to,
    engine_conditions,
    engine_statements,
    statement_allows_action,
    statement_conditions,
)
from analysis.trust.nodes import (
    EXTERNAL_PRINCIPAL,
    PUBLIC,
    PUBLIC_ID,
    Node,
    account_of_arn,
)

ASSUME_ROLE = "sts:AssumeRole"
ASSUME_SAML = "sts:AssumeRoleWithSAML"
ASSUME_WEB = "sts:AssumeRoleWithWebIdentity"
ASSUME_ACTIONS = (ASSUME_ROLE, ASSUME_SAML, ASSUME_WEB)
_ACCOUNT = re.compile(r"^\d{12}$")
_ROOT = re.compile(r"^arn:[\w-]+:iam::(\d{12}):root$")
_SESSION = re.compile(r"^arn:([\w-]+):sts::(\d{12}):assumed-role/([^/]+)/.*$")
if TYPE_CHECKING:
    from analysis.iam import StatementRef

MAX_EXPANDED_ACCOUNTS = 25
ORG_KEYS = ("aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount")


@dataclass(frozen=True, kw_only=True)
class TrustGrant:
    """One principal a trust statement allows, for one sts action, with the statement's conditions."""

    role_arn: str
    statement: Statement
    principal_type: str  # AWS | Service | Federated | * | CanonicalUser
    value: str
    action: str  # sts:AssumeRole | sts:AssumeRoleWithSAML | sts:AssumeRoleWithWebIdentity
    conditions: tuple[EdgeCondition, ...]
    via_not_principal: bool = False  # an Allow with NotPrincipal: everyone except those named

    def condition_keys(self) -> set[str]:
        return {c.key.lower() for c in self.conditions}


def trust_grants(role: Role) -> Iterator[TrustGrant]:
    """Every (principal, action) an Allow statement of the trust policy grants, minus unconditional denies.

    A Deny with conditions cannot be decided offline: it becomes a condition of the grant
    ("unless ..."), never silently ignored.
    """
    statements = role.trust_policy.statements
    denies = [s for s in statements if s.effect == "Deny"]
    for st in statements:
        if st.effect != "Allow":
            continue
        for action in ASSUME_ACTIONS:
            if not statement_allows_action(st, action):
                continue
            if st.not_principal is not None:
                yield TrustGrant(
                    role_arn=role.arn,
                    statement=st,
                    principal_type="*",
                    value="*",
                    action=action,
                    conditions=statement_conditions(st),
                    via_not_principal=True,
                )
            for ptype, values in (st.principal or {}).items():
                for value in values:
                    conditions = statement_conditions(st)
                    denied = False
                    for d in denies:
                        if not statement_allows_action(d, action) or not _names(d, ptype, value):
                            continue
                        if not d.condition:
                            denied = True
                            break
                        conditions += tuple(
                            EdgeCondition(
                                operator=f"unless {c.operator}", key=c.key, values=c.values, origin="trust"
                            )
                            for c in statement_conditions(d)
                        )
                    if not denied:
                        yield TrustGrant(
                            role_arn=role.arn,
                            statement=st,
                            principal_type=ptype,
                            value=value,
                            action=action,
                            conditions=conditions,
                        )


def _names(st: Statement, ptype: str, value: str) -> bool:
    principal = st.principal or {}
    if "*" in principal and "*" in principal["*"]:
        return True
    return value in principal.get(ptype, ()) or "*" in principal.get(ptype, ())


def trust_ref(role: Role, st: Statement) -> StatementRef:
    from analysis.iam import StatementRef

    return StatementRef(
        kind="trust",
        policy=role.arn,
        where=f"trust policy of role {role.name}",
        index=st.index,
        sid=st.sid,
        effect=st.effect,
    )


def merge_conditions(*groups: tuple[EdgeCondition, ...]) -> tuple[EdgeCondition, ...]:
    seen: dict[tuple[str, str, tuple[str, ...]], EdgeCondition] = {}
    for group in groups:
        for c in group:
            seen.setdefault((c.operator.lower(), c.key.lower(), c.values), c)
    return tuple(seen.values())


def org_restriction(ctx: BuildContext, grant: TrustGrant) -> tuple[str, ...] | None:
    """The organization accounts a ``*`` grant is narrowed to by its conditions, or None if not narrowed.

    ``aws:PrincipalOrgID`` equal to this organization's id means every account of the organization;
    ``aws:PrincipalOrgPaths`` the accounts under the named OU paths; ``aws:PrincipalAccount`` the
    named accounts (IAM User Guide, "AWS global condition context keys").
    """
    accounts: set[str] | None = None
    for c in grant.conditions:
        if c.operator.lower().startswith("unless") or c.operator.lower().startswith("forallvalues"):
            continue
        key = c.key.lower()
        if key not in ORG_KEYS or "notequals" in c.operator.lower() or "notlike" in c.operator.lower():
            continue
        like = "like" in c.operator.lower()
        if key == "aws:principalorgid":
            found = (
                set(ctx.org.account_ids)
                if any(_match(v, ctx.org.organization_id, like) for v in c.values)
                else set()
            )
        elif key == "aws:principalorgpaths":
            found = {
                a for a, path in ctx.org.account_paths.items() if any(_match(v, path, like) for v in c.values)
            }
        else:
            found = {v for v in c.values if _ACCOUNT.match(v)}
        accounts = found if accounts is None else accounts & found
    return None if accounts is None else tuple(sorted(accounts))


def _match(pattern: str, value: str, like: bool) -> bool:
    if not like:
        return pattern == value
    rx = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.fullmatch(rx, value) is not None


def add_assume_role_edges(ctx: BuildContext) -> None:
    """Edges from accounts, external accounts, named principals and ``*`` to the roles that trust them."""
    iam = ctx.inventory.iam
    roles_by_name: dict[tuple[str, str], str] = {(r.account_id, r.name): a for a, r in iam.roles.items()}
    # org_restriction depends only on the grant's conditions, which roles often share.
    narrowed: dict[tuple[EdgeCondition, ...], tuple[str, ...] | None] = {}
    for role in iam.roles.values():
        for grant in ctx.trust_grants(role):
            if grant.action != ASSUME_ROLE or grant.principal_type not in ("AWS", "*"):
                continue
            ref = trust_ref(role, grant.statement)
            value = grant.value
            if value == "*" or grant.via_not_principal:
                if grant.conditions not in narrowed:
                    narrowed[grant.conditions] = org_restriction(ctx, grant)
                _public(ctx, role, grant, ref, narrowed[grant.conditions])
                continue
            account = _ACCOUNT.match(value)
            root = _ROOT.match(value)
            if account or root:
                account_id = value if account else root.group(1)  # type: ignore[union-attr]
                _account(ctx, role, grant, ref, account_id)
                continue
            session = _SESSION.match(value)
            arn = value
            if session:
                arn = roles_by_name.get((session.group(2), session.group(3)), value)
            if arn in iam.roles or arn in iam.users:
                _principal(ctx, role, grant, ref, arn)
            else:
                _unknown(ctx, role, grant, ref, value)


def _account(
    ctx: BuildContext,
    role: Role,
    grant: TrustGrant,
    ref: StatementRef,
    account_id: str,
    *,
    expand: bool = True,
) -> None:
    _accounts(ctx, role, grant, ref, (account_id,), expand=expand)


def _accounts(
    ctx: BuildContext,
    role: Role,
    grant: TrustGrant,
    ref: StatementRef,
    account_ids: Iterable[str],
    *,
    expand: bool,
) -> None:
    """Edges from each account (and, with ``expand``, its allowed principals) to the role.

    An organization-wide grant makes one edge per account of the organization (most of the
    graph's edges at 500 accounts): what the edges share is built once.
    """
    statements = (ref,)
    reason = f"the trust policy of {role.name} trusts account "
    if not expand:
        for edge in edges_to(
            role.arn,
            ((ctx.account_node(a), reason + a, ctx.org.in_org(a)) for a in account_ids),
            kind="assume_role",
            technique=ASSUME_ROLE,
            conditions=grant.conditions,
            statements=statements,
            call_ids=role.call_ids,
        ):
            ctx.add(edge)
        return
    for account_id in account_ids:
        intra = ctx.org.in_org(account_id)
        source = ctx.account_node(account_id)
        ctx.add(
            Edge(
                source=source,
                target=role.arn,
                kind="assume_role",
                technique=ASSUME_ROLE,
                reason=reason + account_id,
                conditions=grant.conditions,
                statements=statements,
                intra_org=intra,
                call_ids=role.call_ids,
            )
        )
        for principal in ctx.principals_by_account.get(account_id, ()):
            if principal != role.arn:
                _principal(ctx, role, grant, ref, principal)


def _principal(ctx: BuildContext, role: Role, grant: TrustGrant, ref: StatementRef, principal: str) -> None:
    decision = ctx.decide(principal, ASSUME_ROLE, role.arn)
    if decision is None:
        return
    account = account_of_arn(principal) or ""
    ctx.add(
        Edge(
            source=principal,
            target=role.arn,
            kind="assume_role",
            technique=ASSUME_ROLE,
            reason=(
                f"{principal.rsplit('/', 1)[-1]} may call sts:AssumeRole on {role.name}, "
                "which its trust policy allows"
            ),
            conditions=merge_conditions(grant.conditions, engine_conditions((decision,))),
            statements=tuple(dict.fromkeys((ref, *engine_statements((decision,))))),
            intra_org=ctx.org.in_org(account) and ctx.org.in_org(role.account_id),
            call_ids=role.call_ids,
        )
    )


def _public(
    ctx: BuildContext,
    role: Role,
    grant: TrustGrant,
    ref: StatementRef,
    narrowed: tuple[str, ...] | None,
) -> None:
    """A ``*`` (or NotPrincipal) grant: from ``public:*``, or from the accounts it is ``narrowed`` to."""
    if narrowed is not None:
        # Expanding an organization-wide grant to every principal of every account is the one
        # quadratic case: above a few accounts, the account nodes stand for their principals.
        expand = len(narrowed) <= MAX_EXPANDED_ACCOUNTS
        if not expand:
            ctx.notes.append(
                f"{role.arn}: trusted by {len(narrowed)} organization accounts; edges from the account "
                "nodes only, not from each of their principals"
            )
        _accounts(ctx, role, grant, ref, narrowed, expand=expand)
        return
    source = ctx.node(Node(id=PUBLIC_ID, kind=PUBLIC, label="anyone (*)", detail="any AWS principal"))
    ctx.add(
        Edge(
            source=source,
            target=role.arn,
            kind="assume_role",
            technique=ASSUME_ROLE,
            reason=(
                f"the trust policy of {role.name} allows every principal except those named (NotPrincipal)"
                if grant.via_not_principal
                else f"the trust policy of {role.name} trusts any AWS principal (*)"
            ),
            conditions=grant.conditions,
            statements=(ref,),
            intra_org=False,
            call_ids=role.call_ids,
        )
    )


def _unknown(ctx: BuildContext, role: Role, grant: TrustGrant, ref: StatementRef, value: str) -> None:
    account = account_of_arn(value)
    in_org = ctx.org.in_org(account) if account else None
    if account is None:
        # A unique id (AIDA.../AROA...) left by a deleted principal: AWS shows it instead of the ARN
        # (IAM User Guide, "Principal": "If the principal is deleted...").
        label, detail = (
            f"unknown principal {value}",
            "a deleted principal's unique id, or an unrecognised value",
        )
    else:
        label = value.split(":", 5)[-1]
        detail = "in the organization but not in the snapshot" if in_org else "outside the organization"
    source = ctx.node(
        Node(
            id=value,
            kind=EXTERNAL_PRINCIPAL,
            label=label,
            account_id=account,
            in_organization=in_org,
            detail=detail,
        )
    )
    ctx.add(
        Edge(
            source=source,
            target=role.arn,
            kind="assume_role",
            technique=ASSUME_ROLE,
            reason=f"the trust policy of {role.name} names {value}",
            conditions=grant.conditions,
            statements=(ref,),
            intra_org=bool(in_org),
            call_ids=role.call_ids,
        )
    )
