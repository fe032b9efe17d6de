"""Who a KMS key's grants let decrypt: ListGrants entries whose Operations include Decrypt.

KMS Developer Guide, "Grants in AWS KMS": a grant "allows the grantee principal to call the
specified grant operations on the KMS key provided that all conditions specified in the grant
are met"; the grantee uses them "just as they would if the permissions came from a key policy
or IAM policy"; a grant can allow but never deny; the grantee principal can be an account
(root), an IAM user or role, a federated user or an assumed-role session, in the key's account
or another. So each grant is asked of the engine as a key-policy statement naming its grantee
(an account grantee delegates to that account's IAM policies, as in a key policy), beside the
key policy's Deny statements, with its encryption-context constraints as conditions
("Using grant constraints": EncryptionContextEquals / EncryptionContextSubset).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from analysis.model.coverage import COLLECTED
from analysis.model.kms import KmsGrant, KmsKey
from analysis.trust.access_common import (
    KIND_KMS_GRANT,
    KMS_GRANT,
    AccessHolder,
    SyntheticStatement,
    derived_engine,
    grant_document,
    not_collected,
    principals_of,
    rename_refs,
    uses_any,
    with_conditions,
)
from analysis.trust.nodes import account_of_arn, external_node_id, service_node_id

if TYPE_CHECKING:
    from analysis.iam import Decision, PolicyEngine, StatementRef
    from analysis.trust.graph import TrustGraph


def grant_condition(grant: KmsGrant) -> dict[str, dict[str, Any]]:
    """The grant's constraints as policy conditions on the request's encryption context.

    EncryptionContextSubset: the request's context includes these pairs; EncryptionContextEquals:
    it is exactly these pairs (so no other key). Keys compare case-insensitively, values
    case-sensitively (KMS API Reference, GrantConstraints), as kms:EncryptionContext: does.
    """
    out: dict[str, dict[str, Any]] = {}
    constraints = grant.constraints or {}
    for name in ("EncryptionContextSubset", "EncryptionContextEquals"):
        pairs = constraints.get(name)
        if not isinstance(pairs, dict):
            continue
        for key, value in pairs.items():
            out.setdefault("StringEquals", {})[f"kms:EncryptionContext:{key}"] = str(value)
        if name == "EncryptionContextEquals":
            out.setdefault("ForAllValues:StringEquals", {})["kms:EncryptionContextKeys"] = [
                str(k) for k in pairs
            ]
    return out


def describe_grant(grant: KmsGrant) -> str:
    parts = [f"grant {grant.name or grant.grant_id} to {grant.grantee_principal}"]
    parts.append(f"operations {', '.join(grant.operations) or 'none'}")
    if grant.constraints:
        parts.append(f"constraints {dict(grant.constraints)}")
    if grant.retiring_principal:
        parts.append(f"retiring principal {grant.retiring_principal}")
    if grant.issuing_account:
        parts.append(f"issued by {grant.issuing_account}")
    return "; ".join(parts)


def kms_grant_holders(
    tg: TrustGraph, engine: PolicyEngine, key: KmsKey
) -> tuple[list[AccessHolder], list[str]]:
    """Holders the key's Decrypt grants add, and notes (grants not collected, ReEncryptFrom, key state)."""
    notes: list[str] = []
    if key.grants_state != COLLECTED:
        notes.append(
            f"the grants of {key.arn} were not collected ({key.grants_state}): a grant may let others decrypt"
        )
        return [], notes
    for g in key.grants:
        if "ReEncryptFrom" in g.operations and "Decrypt" not in g.operations:
            notes.append(
                f"{describe_grant(g)}: ReEncryptFrom lets the grantee re-encrypt this key's ciphertext under "
                "a key it controls, and decrypt it there"
            )
    decrypting = [
        (i, g) for i, g in enumerate(key.grants) if "Decrypt" in g.operations and g.grantee_principal
    ]
    if not decrypting:
        return [], notes
    partition = engine.partition
    synthetic: list[SyntheticStatement] = []
    targets: list[tuple[KmsGrant, StatementRef, str]] = []  # grant, ref, evaluated principal or account
    holders: list[AccessHolder] = []
    for i, grant in decrypting:
        grantee = str(grant.grantee_principal)
        ref = _grant_ref(key, i, grant)
        if grantee.endswith(".amazonaws.com"):
            holders.append(_service_holder(key, grant, ref, grantee))
            continue
        principal, condition = _statement_principal(tg, grantee, partition)
        condition = {**grant_condition(grant), **condition}
        statement: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": "kms:Decrypt",
            "Resource": "*",
        }
        if condition:
            statement["Condition"] = condition
        synthetic.append(SyntheticStatement(statement=statement, ref=ref))
        targets.append((grant, ref, principal))
    if not synthetic:
        return holders, notes
    document = grant_document(key.policy, synthetic)
    inventory = tg.inventory
    keys = dict(inventory.kms.keys)
    keys[key.arn] = replace(key, policy=document, policy_state=COLLECTED)
    derived = derived_engine(engine, replace(inventory, kms=replace(inventory.kms, keys=keys)))
    offset = len(key.policy.statements) if key.policy is not None else 0
    refs = {offset + n: s.ref for n, s in enumerate(synthetic)}
    for grant, ref, principal in targets:
        for candidate in _candidates(tg, principal):
            d = _decide(derived, candidate, key, refs, ref)
            if d is None:
                continue
            outside_root = candidate.endswith(":root") and account_of_arn(candidate) not in tg.org.account_ids
            holders.append(
                AccessHolder(
                    # An account outside the organization is the graph's external:<id> node.
                    principal=external_node_id(account_of_arn(candidate) or "")
                    if outside_root
                    else candidate,
                    decision=d,
                    via=None,
                    path=None,
                    source=KMS_GRANT,
                    reason=_reason(grant, candidate, principal),
                    actions=("kms:Decrypt",),
                    kms_grant=grant,
                    call_ids=key.call_ids,
                )
            )
    return holders, notes


def _statement_principal(tg: TrustGraph, grantee: str, partition: str) -> tuple[str, dict[str, Any]]:
    """The principal a grant's statement names, and a condition narrowing it.

    An assumed-role session grantee (``arn:aws:sts::A:assumed-role/R/S``) is the role, narrowed
    to that session by ``aws:userid`` (``<role id>:<session name>``, "AWS global condition
    context keys"), which the engine cannot know offline: the decision says so.
    """
    if ":assumed-role/" in grantee:
        account = account_of_arn(grantee) or ""
        role_name, _, session = grantee.split(":assumed-role/", 1)[1].partition("/")
        for arn, role in tg.inventory.iam.roles.items():
            if role.account_id == account and role.name == role_name:
                return arn, {"StringEquals": {"aws:userid": f"{role.role_id}:{session}"}}
        return f"arn:{partition}:iam::{account}:role/{role_name}", {}
    return grantee, {}


def _candidates(tg: TrustGraph, principal: str) -> list[str]:
    """Who to ask about a grant to ``principal``: itself, or an account's users and roles."""
    if principal.endswith(":root") or principal.isdigit():
        account = account_of_arn(principal) or principal
        if account in tg.org.account_ids:
            return principals_of(tg, account, "kms:Decrypt")
        return [f"arn:{tg.inventory.kms.partition}:iam::{account}:root" if principal.isdigit() else principal]
    return [principal]


def _decide(
    derived: PolicyEngine, candidate: str, key: KmsKey, refs: dict[int, StatementRef], ref: StatementRef
) -> Decision | None:
    from analysis.iam import Request

    d = derived.evaluate(Request(principal_arn=candidate, action="kms:Decrypt", resource=key.arn))
    d = rename_refs(d, refs, policy=key.arn)
    if not d.possibly_allowed or not uses_any(d, [ref]):
        return None
    if key.policy_state != COLLECTED:
        d = with_conditions(
            d,
            [
                not_collected(
                    f"key policy of {key.arn}", f"{key.policy_state}; a Deny in it could refuse", ref
                )
            ],
            "the key policy was not collected",
        )
    if key.enabled is False or key.pending_deletion:
        d = with_conditions(
            d,
            [
                not_collected(
                    f"state of {key.arn}", f"{key.key_state}: the key must be enabled to decrypt", ref
                )
            ],
        )
    return d


def _service_holder(key: KmsKey, grant: KmsGrant, ref: StatementRef, service: str) -> AccessHolder:
    from analysis.iam import ALLOW, Decision

    return AccessHolder(
        principal=service_node_id(service),
        decision=Decision(
            decision=ALLOW,
            deciding=(ref,),
            reasons=(f"{describe_grant(grant)}: an AWS service principal, which SCPs do not restrict",),
        ),
        via=None,
        path=None,
        source=KMS_GRANT,
        reason=f"KMS grant {grant.grant_id} lets the service {service} decrypt with the key",
        actions=("kms:Decrypt",),
        kms_grant=grant,
        call_ids=key.call_ids,
    )


def _grant_ref(key: KmsKey, index: int, grant: KmsGrant) -> StatementRef:
    from analysis.iam import StatementRef

    return StatementRef(
        kind=KIND_KMS_GRANT,
        policy=key.arn,
        where=f"KMS {describe_grant(grant)}",
        index=index,
        sid=grant.grant_id or None,
        effect="Allow",
    )


def _reason(grant: KmsGrant, candidate: str, principal: str) -> str:
    name = grant.name or grant.grant_id
    if candidate == principal:
        text = f"KMS grant {name} lets this principal decrypt with the key"
    else:
        text = (
            f"KMS grant {name} to account {account_of_arn(principal) or principal}: this principal's IAM "
            "policies let it use the grant to decrypt with the key"
        )
    if grant.constraints:
        text += " when the request's encryption context matches the grant's constraints"
    if grant.retiring_principal:
        text += f" (retiring principal {grant.retiring_principal})"
    return text
