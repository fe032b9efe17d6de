"""What the who-can queries share: the holder record, and asking the engine about a grant.

S3 bucket ACLs and KMS grants are not policies, but AWS documents each as working like a
resource-based policy statement naming the grantee (KMS Developer Guide, "Grants in AWS KMS":
the grantee uses the grant's permissions "just as they would if the permissions came from a
key policy"; S3 User Guide, "Access control list (ACL) overview": an ACL grant to an account
lets that account's administrator delegate it to its users through IAM policies). So each
grant becomes a synthetic Allow statement, placed beside the resource policy's own Deny
statements, and the same engine decides: explicit denies anywhere, SCPs and RCPs, boundaries
and the cross-account rule all apply to it as they would to a policy grant.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from analysis.model.policy_doc import PolicyDocument, parse_policy_document
from analysis.trust.nodes import PRINCIPAL_KINDS

if TYPE_CHECKING:
    from analysis.iam import Decision, PendingCondition, PolicyEngine, StatementRef
    from analysis.model.kms import KmsGrant
    from analysis.model.s3 import AclGrant
    from analysis.trust.graph import TrustGraph
    from analysis.trust.queries import Path

# AccessHolder.source values.
POLICY = "policy"  # the engine allows it from the policies (identity, resource, SCP/RCP)
BUCKET_ACL = "bucket_acl"  # a grant of the bucket's ACL (GetBucketAcl)
KMS_GRANT = "kms_grant"  # a grant on the KMS key (ListGrants)

# StatementRef.kind of the synthetic statements, so evidence names the grant, not the policy.
KIND_BUCKET_ACL = "bucket_acl"
KIND_KMS_GRANT = "kms_grant"


@dataclass(frozen=True, kw_only=True)
class AccessHolder:
    """A principal allowed an action on a resource, directly or by becoming one who is.

    ``source`` says which mechanism gives the access; ``reason`` says it in words. For a
    bucket ACL, ``actions`` lists what the grant allows when it is not the action asked
    (a bucket ACL's READ lists the objects; it does not read them).
    """

    principal: str
    decision: Decision | None  # the direct decision; None for those who get there through others
    via: str | None  # the directly-allowed principal reached (None when direct)
    path: Path | None
    source: str = POLICY
    reason: str = ""
    actions: tuple[str, ...] = ()
    acl_grant: AclGrant | None = None
    kms_grant: KmsGrant | None = None
    call_ids: tuple[int, ...] = ()  # snapshot calls the grant was read from


@dataclass(frozen=True, kw_only=True)
class AccessResult:
    """Holders of one who-can question, with what the answer could not cover (``notes``).

    Iterates, and has a length, like the list of holders it used to be.
    """

    holders: tuple[AccessHolder, ...]
    notes: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[AccessHolder]:
        return iter(self.holders)

    def __len__(self) -> int:
        return len(self.holders)

    def by_source(self, source: str) -> tuple[AccessHolder, ...]:
        return tuple(h for h in self.holders if h.source == source)


@dataclass(frozen=True, kw_only=True)
class SyntheticStatement:
    """A grant written as the resource-policy statement AWS says it behaves like."""

    statement: Mapping[str, Any]  # Effect/Principal/Action/Resource/Condition, as JSON
    ref: StatementRef  # how evidence should name it


def grant_document(
    original: PolicyDocument | None, synthetic: Sequence[SyntheticStatement]
) -> PolicyDocument:
    """The resource policy's Deny statements (kept at their own index) and the synthetic Allows
    after them: "does the grant alone give access, with every Deny still in force?"."""
    parsed = parse_policy_document(
        {"Version": "2012-10-17", "Statement": [dict(s.statement) for s in synthetic]}
    )
    offset = len(original.statements) if original is not None else 0
    denies = tuple(st for st in (original.statements if original is not None else ()) if st.effect == "Deny")
    extra = tuple(replace(st, index=offset + st.index) for st in parsed.statements)
    return PolicyDocument(version="2012-10-17", statements=denies + extra)


def derived_engine(engine: PolicyEngine, inventory: Any) -> PolicyEngine:
    """A PolicyEngine over ``inventory`` (the Inventory with one resource policy changed) that
    shares ``engine``'s action catalogue and SCP/RCP chains (drafts included)."""
    from analysis.iam import PolicyEngine

    out = PolicyEngine(inventory=inventory)
    out.catalogue = engine.catalogue
    out.chains = engine.chains
    return out


def rename_refs(decision: Decision, refs: Mapping[int, StatementRef], *, policy: str) -> Decision:
    """The decision with the synthetic statements' refs (by index in ``policy``) replaced by ``refs``."""

    def fix(ref: StatementRef) -> StatementRef:
        if ref.policy == policy and ref.index in refs and ref.effect == "Allow":
            return refs[ref.index]
        return ref

    def fix_condition(c: PendingCondition) -> PendingCondition:
        return replace(c, statement=fix(c.statement))

    return replace(
        decision,
        deciding=tuple(fix(r) for r in decision.deciding),
        conditions=tuple(fix_condition(c) for c in decision.conditions),
    )


def uses_any(decision: Decision, refs: Iterable[StatementRef]) -> bool:
    """Whether the decision rests on (or is conditioned by) one of ``refs``."""
    wanted = set(refs)
    return any(r in wanted for r in decision.deciding) or any(
        c.statement in wanted for c in decision.conditions
    )


def with_conditions(decision: Decision, extra: Sequence[PendingCondition], reason: str = "") -> Decision:
    """Allowed only if ``extra`` also hold (evidence the snapshot lacks); a deny stays a deny."""
    from analysis.iam import CONDITIONAL

    if not extra or not decision.possibly_allowed:
        return decision
    conditions = tuple(decision.conditions) + tuple(c for c in extra if c not in decision.conditions)
    reasons = (*decision.reasons, reason) if reason else decision.reasons
    return replace(decision, decision=CONDITIONAL, conditions=conditions, reasons=reasons)


def not_collected(what: str, why: str, ref: StatementRef) -> PendingCondition:
    """A NotCollected pseudo-condition: ``what`` was not collected (``why``) and could change the answer."""
    from analysis.iam import PendingCondition

    return PendingCondition(operator="NotCollected", key=what, values=(why,), statement=ref)


def principals_of(tg: TrustGraph, account_id: str, action: str) -> list[str]:
    """Users and roles of ``account_id`` whose Allow statements could match ``action``."""
    out = []
    for node, data in tg.graph.nodes(data=True):
        n = data["node"]
        if (
            n.kind in PRINCIPAL_KINDS
            and n.account_id == account_id
            and tg.permissions.might_allow(node, action)
        ):
            out.append(node)
    return sorted(out)
